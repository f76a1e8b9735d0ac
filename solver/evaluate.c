#include "evaluate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"

#define WEEKS_PER_YEAR (365.0 / 7.0)

int pm_group_households(const pm_scenario *sc, const int *assign, int g)
{
    const int *m = sc->group_member + sc->group_start[g];
    int n = pm_group_size(sc, g), d = 0;
    for (int i = 0; i < n; i++) {
        int p = assign[m[i]];
        if (p < 0)
            continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = assign[m[j]] == p;
        d += !seen;
    }
    return d;
}

static void add_child(const pm_scenario *sc, int c, int p, pm_totals *t,
                      pm_kpis *k, double *miles_sum, int *by_type)
{
    const pm_policy *pol = &sc->policy;
    double mi = pm_miles(sc, c, p);
    t->weekly_cost += sc->placements[p].weekly_cost;
    t->distance_penalty += pol->cost_per_mile_week * mi;
    if (mi > pol->far_miles) {
        t->far_penalty += pol->far_penalty_week;
        k->beyond_far_miles++;
    }
    if (sc->children[c].current >= 0 && sc->children[c].current != p) {
        t->move_penalty += pol->move_week;
        k->moves++;
    }
    if (by_type)
        by_type[sc->placements[p].type]++;
    *miles_sum += mi;
    k->placed++;
}

void pm_evaluate(const pm_scenario *sc, const int *assign, pm_totals *t,
                 pm_kpis *k, int *by_type)
{
    memset(t, 0, sizeof *t);
    memset(k, 0, sizeof *k);
    if (by_type)
        memset(by_type, 0, (size_t)sc->types.count * sizeof *by_type);
    double miles_sum = 0;
    k->children = sc->nchildren;
    for (int c = 0; c < sc->nchildren; c++) {
        if (assign[c] >= 0)
            add_child(sc, c, assign[c], t, k, &miles_sum, by_type);
        else
            k->unmatched++;
    }
    for (int g = 0; g < sc->ngroups; g++) {
        int d = pm_group_households(sc, assign, g);
        k->sibling_groups++;
        if (d > 1) {
            k->sibling_groups_split++;
            k->splits += d - 1;
        } else if (d == 1) {
            k->sibling_groups_together++;
        }
    }
    const pm_policy *pol = &sc->policy;
    t->unmatched_penalty = pol->unmatched_week * k->unmatched;
    t->split_penalty = pol->sibling_split_week * k->splits;
    t->objective = t->weekly_cost + t->distance_penalty + t->far_penalty +
                   t->move_penalty + t->split_penalty + t->unmatched_penalty;
    t->weekly_cost += t->unmatched_penalty; /* cash includes spot purchases */
    t->annual_cost = t->weekly_cost * WEEKS_PER_YEAR;
    k->pct_beyond_far_miles = k->placed ? 100.0 * k->beyond_far_miles / k->placed : 0;
    k->mean_miles = k->placed ? miles_sum / k->placed : 0;
}

/* Does some sibling group have two or more members at p? */
static int unlocked(const pm_scenario *sc, const int *assign, int p)
{
    for (int g = 0; g < sc->ngroups; g++) {
        int n = 0;
        for (int i = sc->group_start[g]; i < sc->group_start[g + 1]; i++)
            n += assign[sc->group_member[i]] == p;
        if (n >= 2)
            return 1;
    }
    return 0;
}

static int check_child(const pm_scenario *sc, const int *assign, int c,
                       char *msg, int size)
{
    const pm_child_rec *ch = &sc->children[c];
    int p = assign[c];
    if (ch->stay && p != ch->current) {
        snprintf(msg, (size_t)size, "pinned child %s is not at %s", ch->id,
                 sc->placements[ch->current].id);
        return 1;
    }
    if (p < 0)
        return 0;
    if (!ch->stay && pm_first_failure(sc, c, p, pm_miles(sc, c, p), NULL)) {
        snprintf(msg, (size_t)size, "child %s is not compatible with %s",
                 ch->id, sc->placements[p].id);
        return 1;
    }
    for (int k = 0; k < ch->navoid; k++) {
        if (assign[ch->avoid[k]] == p) {
            snprintf(msg, (size_t)size, "children %s and %s avoid each other but share %s",
                     ch->id, sc->children[ch->avoid[k]].id, sc->placements[p].id);
            return 1;
        }
    }
    return 0;
}

int pm_check_assignment(const pm_scenario *sc, const int *assign, char *msg,
                        int size)
{
    for (int c = 0; c < sc->nchildren; c++)
        if (check_child(sc, assign, c, msg, size))
            return 1;
    int *count = calloc((size_t)sc->nplacements + 1, sizeof *count);
    if (!count) {
        snprintf(msg, (size_t)size, "out of memory");
        return 1;
    }
    for (int c = 0; c < sc->nchildren; c++)
        if (assign[c] >= 0)
            count[assign[c]]++;
    int bad = 0;
    for (int p = 0; p < sc->nplacements && !bad; p++) {
        const pm_placement_rec *pl = &sc->placements[p];
        if (count[p] > pl->capacity) {
            snprintf(msg, (size_t)size, "%d children at %s, capacity %d",
                     count[p], pl->id, pl->capacity);
            bad = 1;
        } else if (count[p] > pl->capacity - pl->sibling_only &&
                   !unlocked(sc, assign, p)) {
            snprintf(msg, (size_t)size,
                     "%d children at %s use its sibling-only places without a sibling group",
                     count[p], pl->id);
            bad = 1;
        }
    }
    free(count);
    return bad;
}
