#include "compat.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define EARTH_RADIUS_MILES 3958.8
#define DEG2RAD (3.14159265358979323846 / 180.0)

double pm_haversine_miles(double lat1, double lon1, double lat2, double lon2)
{
    double dlat = (lat2 - lat1) * DEG2RAD, dlon = (lon2 - lon1) * DEG2RAD;
    double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
    double h = s1 * s1 + cos(lat1 * DEG2RAD) * cos(lat2 * DEG2RAD) * s2 * s2;
    if (h > 1)
        h = 1; /* rounding near antipodes */
    return 2 * EARTH_RADIUS_MILES * asin(sqrt(h));
}

double pm_miles(const pm_scenario *sc, int c, int p)
{
    const pm_child_rec *ch = &sc->children[c];
    const pm_placement_rec *pl = &sc->placements[p];
    return pm_haversine_miles(ch->lat, ch->lon, pl->lat, pl->lon) *
           sc->policy.road_factor;
}

/* v sorted ascending; n < 0 means "no list": no restriction. */
static bool has_int(const int *v, int n, int x)
{
    if (n < 0)
        return true;
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = lo + (hi - lo) / 2;
        if (v[mid] == x)
            return true;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return false;
}

int pm_support_level(const pm_placement_rec *p, int need)
{
    for (int i = 0; i < p->nsupports; i++)
        if (p->supports[i].need == need)
            return p->supports[i].level;
    return 0;
}

int pm_rule_failures(const pm_scenario *sc, int c, int p, double miles,
                     pm_rule_fail *fails, int max)
{
    const pm_child_rec *ch = &sc->children[c];
    const pm_placement_rec *pl = &sc->placements[p];
    int n = 0;
#define FAIL(r) do { if (n < max) fails[n] = (pm_rule_fail){r, -1, 0, 0}; n++; } while (0)
    if (ch->age < pl->age_min || ch->age > pl->age_max)
        FAIL(PM_RULE_AGE);
    if (!has_int(pl->sexes, pl->nsexes, ch->sex))
        FAIL(PM_RULE_SEX);
    for (int i = 0; i < ch->nneeds; i++) {
        int have = pm_support_level(pl, ch->needs[i].need);
        if (have < ch->needs[i].level) {
            if (n < max)
                fails[n] = (pm_rule_fail){PM_RULE_NEED, ch->needs[i].need,
                                          ch->needs[i].level, have};
            n++;
        }
    }
    /* a child's types list is not sorted by type id: search linearly */
    if (ch->ntypes >= 0) {
        bool ok = false;
        for (int i = 0; i < ch->ntypes && !ok; i++)
            ok = ch->types[i] == pl->type;
        if (!ok)
            FAIL(PM_RULE_TYPE);
    }
    if (ch->max_miles > 0 && miles > ch->max_miles)
        FAIL(PM_RULE_MILES);
    if (!has_int(pl->reserved, pl->nreserved, c))
        FAIL(PM_RULE_RESERVED);
    if (pl->capacity < 1)
        FAIL(PM_RULE_CAPACITY);
#undef FAIL
    return n < max ? n : max;
}

pm_rule pm_first_failure(const pm_scenario *sc, int c, int p, double miles,
                         pm_rule_fail *fail)
{
    pm_rule_fail f[1];
    if (pm_rule_failures(sc, c, p, miles, f, 1) == 0)
        return PM_RULE_OK;
    if (fail)
        *fail = f[0];
    return f[0].rule;
}

double pm_arc_cost(const pm_scenario *sc, int c, int p, double miles)
{
    const pm_policy *pol = &sc->policy;
    const pm_child_rec *ch = &sc->children[c];
    double a = sc->placements[p].weekly_cost + pol->cost_per_mile_week * miles;
    if (miles > pol->far_miles)
        a += pol->far_penalty_week;
    if (ch->current >= 0 && ch->current != p)
        a += pol->move_week;
    return a;
}

const char *pm_rule_name(pm_rule r)
{
    static const char *const names[PM_RULE_COUNT] = {
        "ok", "age", "sex", "need", "type", "miles", "reserved", "capacity"};
    return (unsigned)r < PM_RULE_COUNT ? names[r] : "unknown";
}

void pm_describe_failure(const pm_scenario *sc, int c, int p,
                         const pm_rule_fail *f, double miles, char *out,
                         int size)
{
    const pm_child_rec *ch = &sc->children[c];
    const pm_placement_rec *pl = &sc->placements[p];
    switch (f->rule) {
    case PM_RULE_AGE:
        snprintf(out, (size_t)size, "age %d is outside its range %d..%d",
                 ch->age, pl->age_min, pl->age_max);
        break;
    case PM_RULE_SEX:
        snprintf(out, (size_t)size, "does not accept sex '%s'",
                 sc->sexes.name[ch->sex]);
        break;
    case PM_RULE_NEED:
        snprintf(out, (size_t)size,
                 "need '%s' at level %d; it supports level %d",
                 sc->needs.name[f->need], f->required, f->supported);
        break;
    case PM_RULE_TYPE:
        snprintf(out, (size_t)size, "type '%s' is not allowed by the care plan",
                 sc->types.name[pl->type]);
        break;
    case PM_RULE_MILES:
        snprintf(out, (size_t)size, "%.1f miles, over the maximum of %g",
                 miles, ch->max_miles);
        break;
    case PM_RULE_RESERVED:
        snprintf(out, (size_t)size, "reserved for other children");
        break;
    case PM_RULE_CAPACITY:
        snprintf(out, (size_t)size, "has no capacity");
        break;
    default:
        snprintf(out, (size_t)size, "compatible");
    }
}

void pm_arcs_free(pm_arcs *arcs)
{
    free(arcs->start);
    free(arcs->place);
    free(arcs->miles);
    free(arcs->cost);
    arcs->start = arcs->place = NULL;
    arcs->miles = arcs->cost = NULL;
    arcs->count = 0;
}

static bool push_arc(pm_arcs *a, int *cap, int p, double miles, double cost)
{
    if (a->count == *cap) {
        int bigger = *cap ? *cap * 2 : 1024;
        int *pl = realloc(a->place, (size_t)bigger * sizeof *pl);
        if (pl)
            a->place = pl;
        double *mi = realloc(a->miles, (size_t)bigger * sizeof *mi);
        if (mi)
            a->miles = mi;
        double *co = realloc(a->cost, (size_t)bigger * sizeof *co);
        if (co)
            a->cost = co;
        if (!pl || !mi || !co)
            return false;
        *cap = bigger;
    }
    a->place[a->count] = p;
    a->miles[a->count] = miles;
    a->cost[a->count++] = cost;
    return true;
}

pm_status pm_arcs_build(const pm_scenario *sc, pm_arcs *arcs)
{
    *arcs = (pm_arcs){.nchildren = sc->nchildren};
    /* Every pair is checked: refuse sizes that would take minutes. */
    if ((double)sc->nchildren * sc->nplacements > PM_MAX_PAIRS)
        return PM_ERR_LIMIT;
    arcs->start = malloc(((size_t)sc->nchildren + 1) * sizeof(int));
    if (!arcs->start)
        return PM_ERR_NOMEM;
    int cap = 0;
    for (int c = 0; c < sc->nchildren; c++) {
        const pm_child_rec *ch = &sc->children[c];
        arcs->start[c] = arcs->count;
        for (int p = 0; p < sc->nplacements; p++) {
            if (ch->stay && p != ch->current)
                continue;
            double mi = pm_miles(sc, c, p);
            if (!ch->stay && pm_first_failure(sc, c, p, mi, NULL) != PM_RULE_OK)
                continue;
            pm_status st = arcs->count == PM_MAX_ARCS ? PM_ERR_LIMIT
                         : push_arc(arcs, &cap, p, mi, pm_arc_cost(sc, c, p, mi))
                             ? PM_OK : PM_ERR_NOMEM;
            if (st != PM_OK) {
                pm_arcs_free(arcs);
                return st;
            }
        }
    }
    arcs->start[sc->nchildren] = arcs->count;
    return PM_OK;
}

int pm_arc_find(const pm_arcs *arcs, int c, int p)
{
    int lo = arcs->start[c], hi = arcs->start[c + 1];
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (arcs->place[mid] == p)
            return mid;
        if (arcs->place[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
