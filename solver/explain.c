#include "explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pm_lines_add(pm_lines *l, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (l->count == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        char **bigger = realloc(l->line, (size_t)cap * sizeof *bigger);
        if (!bigger) {
            l->oom = 1;
            return;
        }
        l->line = bigger;
        l->cap = cap;
    }
    char *copy = malloc(strlen(buf) + 1);
    if (!copy) {
        l->oom = 1;
        return;
    }
    strcpy(copy, buf);
    l->line[l->count++] = copy;
}

void pm_lines_free(pm_lines *l)
{
    for (int i = 0; i < l->count; i++)
        free(l->line[i]);
    free(l->line);
    memset(l, 0, sizeof *l);
}

/* A rule key: the rule, and for needs which need (so each need counts as
 * its own rule when looking for what rules out every placement). */
typedef struct rule_key {
    pm_rule_fail f;
    int placements; /* how many placements this rule rules out */
} rule_key;

static int key_index(rule_key *keys, int *n, const pm_rule_fail *f)
{
    for (int i = 0; i < *n; i++)
        if (keys[i].f.rule == f->rule &&
            (f->rule != PM_RULE_NEED || keys[i].f.need == f->need))
            return i;
    keys[*n] = (rule_key){*f, 0};
    keys[*n].f.supported = 0;
    return (*n)++;
}

/* "supports need 'x' at level 3" etc.: what a placement would have to do. */
static void condition(const pm_scenario *sc, int c, const pm_rule_fail *f,
                      char *out, size_t size)
{
    const pm_child_rec *ch = &sc->children[c];
    switch (f->rule) {
    case PM_RULE_AGE: snprintf(out, size, "takes age %d", ch->age); break;
    case PM_RULE_SEX:
        snprintf(out, size, "accepts sex '%s'", sc->sexes.name[ch->sex]);
        break;
    case PM_RULE_NEED:
        snprintf(out, size, "supports need '%s' at level %d",
                 sc->needs.name[f->need], f->required);
        break;
    case PM_RULE_TYPE: snprintf(out, size, "is of a type the care plan allows"); break;
    case PM_RULE_MILES: snprintf(out, size, "within %g miles", ch->max_miles); break;
    case PM_RULE_RESERVED: snprintf(out, size, "is open to this child"); break;
    default: snprintf(out, size, "has any capacity"); break;
    }
}

/* Sentence "no placement A and B" (miles always last, as "within N"). */
static void no_placement(const pm_scenario *sc, int c, const rule_key *a,
                         const rule_key *b, pm_lines *out)
{
    if (b && a->f.rule == PM_RULE_MILES) {
        const rule_key *t = a;
        a = b;
        b = t;
    }
    char ca[256], cb[256] = "";
    condition(sc, c, &a->f, ca, sizeof ca);
    if (b)
        condition(sc, c, &b->f, cb, sizeof cb);
    const char *join = !b ? "" : b->f.rule == PM_RULE_MILES ? " " : " and ";
    pm_lines_add(out, "no placement %s%s%s", ca, join, cb);
}

#define MAX_KEYS (PM_RULE_COUNT + PM_MAX_NEEDS)

/* Child c has no compatible placement: find the rule, or pair of rules,
 * that rules out every placement; failing that, count per rule. */
static void explain_incompatible(const pm_scenario *sc, int c, pm_lines *out)
{
    int np = sc->nplacements, nkeys = 0;
    rule_key keys[MAX_KEYS];
    unsigned char *fails = calloc((size_t)np * MAX_KEYS + 1, 1);
    if (!fails) {
        out->oom = 1;
        return;
    }
    for (int p = 0; p < np; p++) {
        pm_rule_fail f[MAX_KEYS];
        int n = pm_rule_failures(sc, c, p, pm_miles(sc, c, p), f, MAX_KEYS);
        for (int i = 0; i < n; i++) {
            int k = key_index(keys, &nkeys, &f[i]);
            if (!fails[(size_t)p * MAX_KEYS + k])
                keys[k].placements++;
            fails[(size_t)p * MAX_KEYS + k] = 1;
        }
    }
    int done = 0;
    for (int k = 0; k < nkeys; k++)
        if (keys[k].placements == np) {
            no_placement(sc, c, &keys[k], NULL, out);
            done = 1;
        }
    for (int a = 0; a < nkeys && !done; a++)
        for (int b = a + 1; b < nkeys && !done; b++) {
            int covered = 0;
            for (int p = 0; p < np; p++)
                covered += fails[(size_t)p * MAX_KEYS + a] |
                           fails[(size_t)p * MAX_KEYS + b];
            if (covered == np) {
                no_placement(sc, c, &keys[a], &keys[b], out);
                done = 1;
            }
        }
    if (!done) {
        pm_lines_add(out, "no placement meets every rule");
        for (int k = 0; k < nkeys; k++) {
            char cond[256];
            condition(sc, c, &keys[k].f, cond, sizeof cond);
            pm_lines_add(out, "%d of %d placements fail: %s", keys[k].placements,
                         np, cond);
        }
    }
    if (np == 0)
        pm_lines_add(out, "the scenario has no placements");
    free(fails);
}

/* Children at p other than c, as "C001, C002" (at most 6 named). */
static void occupants(const pm_scenario *sc, const int *assign, int c, int p,
                      char *out, size_t size)
{
    size_t len = 0;
    int named = 0, more = 0;
    out[0] = '\0';
    for (int d = 0; d < sc->nchildren; d++) {
        if (d == c || assign[d] != p)
            continue;
        if (named == 6) {
            more++;
            continue;
        }
        int n = snprintf(out + len, size - len, "%s%s", named ? ", " : "",
                         sc->children[d].id);
        if (n > 0 && len + (size_t)n < size)
            len += (size_t)n;
        named++;
    }
    if (more)
        snprintf(out + len, size - len, " and %d more", more);
}

static int others_at(const pm_scenario *sc, const int *assign, int c, int p,
                     int *same_group)
{
    int n = 0, g = sc->children[c].group;
    *same_group = 0;
    for (int d = 0; d < sc->nchildren; d++) {
        if (d != c && assign[d] == p) {
            n++;
            if (g >= 0 && sc->children[d].group == g)
                ++*same_group;
        }
    }
    return n;
}

static int group_unlocks(const pm_scenario *sc, const int *assign, int c,
                         int p)
{
    for (int g = 0; g < sc->ngroups; g++) {
        int n = 0;
        for (int k = sc->group_start[g]; k < sc->group_start[g + 1]; k++) {
            int d = sc->group_member[k];
            n += d != c && assign[d] == p;
        }
        if (n >= 2)
            return 1;
    }
    return 0;
}

int pm_explain_occupied(const pm_scenario *sc, const int *assign, int c,
                        int p, char *out, int size)
{
    const pm_child_rec *ch = &sc->children[c];
    const pm_placement_rec *pl = &sc->placements[p];
    for (int k = 0; k < ch->navoid; k++) {
        if (assign[ch->avoid[k]] == p) {
            snprintf(out, (size_t)size, "%s holds %s, who must not share a placement with %s",
                     pl->id, sc->children[ch->avoid[k]].id, ch->id);
            return 1;
        }
    }
    int same = 0, n = others_at(sc, assign, c, p, &same);
    char who[512];
    if (n >= pl->capacity) {
        occupants(sc, assign, c, p, who, sizeof who);
        snprintf(out, (size_t)size, "%s is full (%d of %d: %s)", pl->id, n,
                 pl->capacity, who);
        return 1;
    }
    if (n >= pl->capacity - pl->sibling_only && same == 0 &&
        !group_unlocks(sc, assign, c, p)) {
        snprintf(out, (size_t)size,
                 "%s has only sibling-only places left (%d of %d taken)",
                 pl->id, n, pl->capacity);
        return 1;
    }
    return 0;
}

typedef struct cand {
    int p;
    double cost;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return (x->p > y->p) - (x->p < y->p);
}

/* Compatible placements exist: say why each of the cheapest was not used. */
static void explain_not_chosen(const pm_scenario *sc, const pm_arcs *arcs,
                               const int *assign, int c, pm_lines *out)
{
    int n = arcs->start[c + 1] - arcs->start[c];
    cand *list = malloc((size_t)n * sizeof *list);
    if (!list) {
        out->oom = 1;
        return;
    }
    for (int i = 0; i < n; i++)
        list[i] = (cand){arcs->place[arcs->start[c] + i],
                         arcs->cost[arcs->start[c] + i]};
    qsort(list, (size_t)n, sizeof *list, cmp_cand);
    pm_lines_add(out, "%d compatible placement%s, all taken by better overall matches",
                 n, n == 1 ? "" : "s");
    double U = sc->policy.unmatched_week;
    int shown = n < 5 ? n : 5;
    for (int i = 0; i < shown; i++) {
        char why[768];
        if (pm_explain_occupied(sc, assign, c, list[i].p, why, sizeof why))
            pm_lines_add(out, "%s", why);
        else if (list[i].cost >= U)
            pm_lines_add(out, "%s would cost %.2f a week, not less than leaving "
                         "the child unmatched (%.2f)", sc->placements[list[i].p].id,
                         list[i].cost, U);
        else
            pm_lines_add(out, "%s has room, but placing this child there would "
                         "split the sibling group further or cost others more",
                         sc->placements[list[i].p].id);
    }
    if (n > shown)
        pm_lines_add(out, "and %d more compatible placements, all in use", n - shown);
    free(list);
}

void pm_explain_unmatched(const pm_scenario *sc, const pm_arcs *arcs,
                          const int *assign, int c, pm_lines *out)
{
    if (arcs->start[c + 1] == arcs->start[c])
        explain_incompatible(sc, c, out);
    else
        explain_not_chosen(sc, arcs, assign, c, out);
}
