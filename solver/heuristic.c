#include "heuristic.h"

#include <stdlib.h>
#include <string.h>

#include "evaluate.h"

#define BIG_COST 1e300

typedef struct greedy {
    const pm_scenario *sc;
    const pm_arcs *arcs;
    const double *price; /* per placement, added to arc costs; may be NULL */
    int *assign;
    int *count;   /* children at p */
    int *unlocks; /* sibling groups with >= 2 members at p */
} greedy;

static int members_at(const greedy *G, int g, int p)
{
    const pm_scenario *sc = G->sc;
    int n = 0;
    for (int i = sc->group_start[g]; i < sc->group_start[g + 1]; i++)
        n += G->assign[sc->group_member[i]] == p;
    return n;
}

/* Can `extra` more children of group g (all with arcs to p) go to p? */
static int fits(const greedy *G, int g, int p, int extra)
{
    const pm_placement_rec *pl = &G->sc->placements[p];
    int k = G->count[p] + extra;
    if (k > pl->capacity)
        return 0;
    if (k <= pl->capacity - pl->sibling_only || G->unlocks[p] > 0)
        return 1;
    return g >= 0 && members_at(G, g, p) + extra >= 2;
}

static int avoids(const pm_scenario *sc, int c, int d)
{
    const pm_child_rec *ch = &sc->children[c];
    for (int k = 0; k < ch->navoid; k++)
        if (ch->avoid[k] == d)
            return 1;
    return 0;
}

static int conflicts(const greedy *G, int c, int p)
{
    const pm_child_rec *ch = &G->sc->children[c];
    for (int k = 0; k < ch->navoid; k++)
        if (G->assign[ch->avoid[k]] == p)
            return 1;
    return 0;
}

static void place(greedy *G, int c, int p)
{
    int g = G->sc->children[c].group;
    if (g >= 0 && members_at(G, g, p) == 1)
        G->unlocks[p]++;
    G->assign[c] = p;
    G->count[p]++;
}

/* The cost the greedy steers by: the arc's, plus the placement's price. */
static double priced(const greedy *G, int i)
{
    return G->arcs->cost[i] + (G->price ? G->price[G->arcs->place[i]] : 0);
}

/* Priced cost of c at p, or -1 when c has no arc there. */
static double arc_to(const greedy *G, int c, int p)
{
    int i = pm_arc_find(G->arcs, c, p);
    return i < 0 ? -1 : priced(G, i);
}

/* Places the unplaced members of g together at the cheapest placement
 * that takes them all; returns 1 on success. */
static int place_group_together(greedy *G, int g)
{
    const pm_scenario *sc = G->sc;
    const int *m = sc->group_member + sc->group_start[g];
    int n = pm_group_size(sc, g), first = -1, todo = 0;
    for (int i = 0; i < n; i++)
        if (G->assign[m[i]] < 0) {
            todo++;
            if (first < 0)
                first = m[i];
        }
    if (todo == 0)
        return 1;
    int best = -1;
    double best_cost = 0;
    for (int i = G->arcs->start[first]; i < G->arcs->start[first + 1]; i++) {
        int p = G->arcs->place[i];
        double cost = 0;
        int ok = fits(G, g, p, todo);
        for (int j = 0; j < n && ok; j++) {
            if (G->assign[m[j]] >= 0)
                continue;
            double a = arc_to(G, m[j], p);
            ok = a >= 0 && G->arcs->cost[pm_arc_find(G->arcs, m[j], p)] <
                               sc->policy.unmatched_week &&
                 !conflicts(G, m[j], p);
            for (int k = 0; k < j && ok; k++) /* members avoiding each other */
                ok = G->assign[m[k]] >= 0 || !avoids(sc, m[j], m[k]);
            cost += a;
        }
        if (ok && (best < 0 || cost < best_cost))
            best = p, best_cost = cost;
    }
    if (best < 0)
        return 0;
    for (int j = 0; j < n; j++)
        if (G->assign[m[j]] < 0)
            place(G, m[j], best);
    return 1;
}

/* Cheapest feasible arc for c (with a split surcharge for a sibling who
 * would open a new household), placed only if cheaper than unmatched. */
static void place_single(greedy *G, int c)
{
    const pm_scenario *sc = G->sc;
    int g = sc->children[c].group, best = -1;
    double best_cost = BIG_COST;
    for (int i = G->arcs->start[c]; i < G->arcs->start[c + 1]; i++) {
        int p = G->arcs->place[i];
        double cost = priced(G, i);
        if (G->arcs->cost[i] >= sc->policy.unmatched_week)
            continue;
        if (g >= 0 && members_at(G, g, p) == 0 &&
            pm_group_households(sc, G->assign, g) > 0)
            cost += sc->policy.sibling_split_week;
        if (cost < best_cost && fits(G, g, p, 1) && !conflicts(G, c, p))
            best = p, best_cost = cost;
    }
    if (best >= 0)
        place(G, c, best);
}

/* Scarcest children first: fewest arcs, then the dearest cheapest arc
 * (they lose most if crowded out), then index for determinism. */
typedef struct order_key {
    int arcs;
    double cheapest;
    int child;
} order_key;

static int cmp_order(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->arcs != y->arcs)
        return x->arcs < y->arcs ? -1 : 1;
    if (x->cheapest != y->cheapest)
        return x->cheapest > y->cheapest ? -1 : 1;
    return (x->child > y->child) - (x->child < y->child);
}

static int cmp_group_size(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->arcs != y->arcs)
        return x->arcs > y->arcs ? -1 : 1;
    return (x->child > y->child) - (x->child < y->child);
}

static void place_groups(greedy *G, order_key *keys)
{
    const pm_scenario *sc = G->sc;
    for (int g = 0; g < sc->ngroups; g++)
        keys[g] = (order_key){pm_group_size(sc, g), 0, g};
    qsort(keys, (size_t)sc->ngroups, sizeof *keys, cmp_group_size);
    for (int i = 0; i < sc->ngroups; i++) {
        int g = keys[i].child;
        if (place_group_together(G, g))
            continue;
        for (int j = sc->group_start[g]; j < sc->group_start[g + 1]; j++)
            if (G->assign[sc->group_member[j]] < 0)
                place_single(G, sc->group_member[j]);
    }
}

static void place_rest(greedy *G, order_key *keys)
{
    const pm_scenario *sc = G->sc;
    const pm_arcs *a = G->arcs;
    int n = 0;
    for (int c = 0; c < sc->nchildren; c++) {
        if (G->assign[c] >= 0 || sc->children[c].group >= 0)
            continue;
        double cheapest = 0;
        for (int i = a->start[c]; i < a->start[c + 1]; i++)
            if (i == a->start[c] || priced(G, i) < cheapest)
                cheapest = priced(G, i);
        keys[n++] = (order_key){a->start[c + 1] - a->start[c], cheapest, c};
    }
    qsort(keys, (size_t)n, sizeof *keys, cmp_order);
    for (int i = 0; i < n; i++)
        place_single(G, keys[i].child);
}

/* Counts the children already placed, and per placement the sibling groups
 * with two or more of them there (which unlock its sibling-only places). */
static void count_placed(greedy *G)
{
    const pm_scenario *sc = G->sc;
    for (int c = 0; c < sc->nchildren; c++)
        if (G->assign[c] >= 0)
            G->count[G->assign[c]]++;
    for (int g = 0; g < sc->ngroups; g++)
        for (int i = sc->group_start[g]; i < sc->group_start[g + 1]; i++) {
            int p = G->assign[sc->group_member[i]], first = p >= 0;
            for (int j = sc->group_start[g]; j < i && first; j++)
                first = G->assign[sc->group_member[j]] != p;
            if (first && members_at(G, g, p) >= 2)
                G->unlocks[p]++;
        }
}

pm_status pm_greedy_complete(const pm_scenario *sc, const pm_arcs *arcs,
                             const double *price, int *assign, int *feasible)
{
    greedy G = {sc, arcs, price, assign,
                calloc((size_t)sc->nplacements + 1, sizeof(int)),
                calloc((size_t)sc->nplacements + 1, sizeof(int))};
    size_t nkeys = (size_t)(sc->nchildren > sc->ngroups ? sc->nchildren
                                                        : sc->ngroups) + 1;
    order_key *keys = malloc(nkeys * sizeof *keys);
    pm_status st = G.count && G.unlocks && keys ? PM_OK : PM_ERR_NOMEM;
    if (st == PM_OK) {
        count_placed(&G);
        place_groups(&G, keys);
        place_rest(&G, keys);
        char msg[256];
        *feasible = !pm_check_assignment(sc, assign, msg, sizeof msg);
    }
    free(keys);
    free(G.count);
    free(G.unlocks);
    return st;
}

pm_status pm_greedy(const pm_scenario *sc, const pm_arcs *arcs,
                    const double *price, int *assign, int *feasible)
{
    for (int c = 0; c < sc->nchildren; c++)
        assign[c] = sc->children[c].stay ? sc->children[c].current : -1;
    return pm_greedy_complete(sc, arcs, price, assign, feasible);
}
