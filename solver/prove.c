#include "prove.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* Relative slack on the enumeration's limit: a column whose excess is a
 * rounding error above the gap must not be lost. */
#define ENUM_TOL 1e-7
/* Gomory cuts only on programmes up to this many columns (GLPK's rounds
 * of them on 170,000 columns ran past the time limit; with ours,
 * gomory.h, on: the 1,000-child bound stays at L + g, 787,009) */
#define GOMORY_MAX_COLUMNS 150000
/* A sibling group with more arrangements than this within the gap enters
 * the programme by households instead: a pair's split arrangements number
 * the product of its members' options (13,000 within 0.1% at 600
 * children, 6 million in all), its households their sum. */
#define ARRANGEMENTS_MAX 1000
/* restrict_gap(): the root LPs a restricted programme leaves room for
 * (its cut rounds take 1-10 times its LP at 600 children), and the least
 * share of the gap worth a restricted programme */
#define RESTRICT_ROOM 6.0
#define RESTRICT_LEAST 0.1
/* The branch and bound restarts over a smaller programme (restart.h) once
 * an incumbent leaves at most RESTART_SHARE of its free columns,
 * at most RESTARTS_MAX times. */
#define RESTART_SHARE 0.5
#define RESTARTS_MAX 8
/* sift(): the root LP first over the columns within this share of the
 * gap (at 0.25 that stage held most of a 1,000-child programme, 124,000
 * of 149,000 columns, and took 13.9 s; at 0.01 the whole root LP took
 * 5.1 s, and 0.56 s instead of 1.17 s at 600 children) */
#ifndef SIFT_SHARE
#define SIFT_SHARE 0.01
#endif
/* dive(): the least programme it runs in (at 600 children, 50,000-80,000
 * columns, the tree finds the same answers itself in its first nodes,
 * and a dive of 12-13 s delayed two proofs: seed 4 unproven at 60 s
 * against 11 s, seed 6 27.5 s against 18.6 s), the columns of least
 * reduced cost it keeps, its share of the time left (DIVE_SECONDS
 * without a limit) and the least worth a start */
#define DIVE_MIN_COLUMNS 100000
#define DIVE_COLUMNS 12000
#define DIVE_SHARE 0.25
#define DIVE_SECONDS 5.0
#define DIVE_LEAST 0.5

void pm_prove_init(pm_prove *P)
{
    memset(P, 0, sizeof *P);
    P->max_columns = 400000;
    P->room = 0; /* the least that lets it branch */
    P->cuts = 1;
    P->own_tableau = 1;
    P->ios_take = PM_IOS_POOL | PM_IOS_PREPRO;
    P->arrangements_max = ARRANGEMENTS_MAX;
    P->restart_share = RESTART_SHARE;
    P->restart_rounds = 1;
    P->propagate = 1;
    P->bound = P->root_value = NAN;
    P->cap = INFINITY;
    P->stop_at_cap = 1;
    P->start_obj = INFINITY;
    P->dive_columns = DIVE_COLUMNS;
    P->dive_min_columns = DIVE_MIN_COLUMNS;
    P->first_added = INT_MAX;
}

/* ---- the master's columns by arrangement (open addressing) ---------- */

static uint64_t arrangement_hash(int u, const int *w, int n)
{
    uint64_t h = 1469598103934665603ull ^ (uint32_t)u;
    h *= 1099511628211ull;
    for (int i = 0; i < n; i++) {
        h ^= (uint32_t)(w[i] + 1);
        h *= 1099511628211ull;
    }
    return h ^ (h >> 31);
}

static uint64_t column_hash(const pm_colgen *cg, int j)
{
    const int *m;
    int n = pm_pricer_members(cg->pr, cg->col_unit[j], &m);
    return arrangement_hash(cg->col_unit[j], cg->col_where + cg->col_off[j], n);
}

/* Column index of unit u's arrangement w, or -1. */
static int find_column(const pm_prove *P, const pm_colgen *cg, int u,
                       const int *w, int n)
{
    for (size_t i = arrangement_hash(u, w, n) & P->mask;; i = (i + 1) & P->mask) {
        int j = P->slot[i] - 1;
        if (j < 0)
            return -1;
        if (cg->col_unit[j] == u &&
            !memcmp(cg->col_where + cg->col_off[j], w, (size_t)n * sizeof *w))
            return j;
    }
}

static void place_column(pm_prove *P, const pm_colgen *cg, int j)
{
    size_t i = column_hash(cg, j) & P->mask;
    while (P->slot[i])
        i = (i + 1) & P->mask;
    P->slot[i] = j + 1;
}

/* Makes room for one more column (the table at most half full); 0 when
 * memory runs out. */
static int reserve_slot(pm_prove *P, const pm_colgen *cg)
{
    if (P->slot && 2 * (P->used + 1) <= P->mask + 1)
        return 1;
    size_t size = P->slot ? 2 * (P->mask + 1) : 1024;
    while (size < 4 * (P->used + 1))
        size *= 2;
    int *slot = calloc(size, sizeof *slot);
    if (!slot)
        return 0;
    free(P->slot);
    P->slot = slot;
    P->mask = size - 1;
    for (int j = 0; j < cg->columns; j++)
        if (cg->col_unit[j] >= 0)
            place_column(P, cg, j);
    return 1;
}

static int index_columns(pm_prove *P, const pm_colgen *cg)
{
    P->used = (size_t)cg->columns;
    return reserve_slot(P, cg);
}

/* ---- enumeration ------------------------------------------------------ */

typedef struct emit_ctx {
    pm_prove *P;
    pm_colgen *cg;
    const pm_scenario *sc;
    const pm_arcs *arcs;
    int u, n;
    const int *members;
    long added;
    int oom, full;
} emit_ctx;

static int avoids(const pm_scenario *sc, int c, int d)
{
    const pm_child_rec *ch = &sc->children[c];
    int lo = 0, hi = ch->navoid - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (ch->avoid[mid] == d)
            return 1;
        if (ch->avoid[mid] < d)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return 0;
}

/* Two members of the unit that avoid each other in one placement. */
static int inner_conflict(const pm_scenario *sc, const int *m, int n,
                          const int *w)
{
    for (int i = 0; i < n; i++)
        for (int k = i + 1; w[i] >= 0 && k < n; k++)
            if (w[k] == w[i] && avoids(sc, m[i], m[k]))
                return 1;
    return 0;
}

/* Records master column j's excess over its unit's best (sifting); 0
 * when memory runs out. */
static int set_excess(pm_prove *P, int j, double excess)
{
    if (j >= P->excess_cap) {
        int cap = 2 * j + 1024;
        double *q = realloc(P->col_excess, (size_t)cap * sizeof *q);
        if (!q)
            return 0;
        for (int i = P->excess_cap; i < cap; i++)
            q[i] = -1; /* not enumerated: the master's own, an earlier
                          attempt's beyond the gap, the incumbent's */
        P->col_excess = q;
        P->excess_cap = cap;
    }
    P->col_excess[j] = excess;
    return 1;
}

/* Whether a column of this excess is left out of a restricted programme
 * (with the enumeration's slack: kept a hair beyond the gap, proven only
 * within it). */
static int beyond_kept(const pm_prove *P, double excess)
{
    return P->gap_kept < P->gap_in && excess > P->gap_kept + P->keep_tol;
}

static int on_arrangement(void *info, const int *where, double value)
{
    emit_ctx *E = info;
    int found = find_column(E->P, E->cg, E->u, where, E->n);
    if (found >= 0) { /* (an earlier attempt's: its excess restricts too) */
        if (found >= E->P->first_added &&
            !set_excess(E->P, found, value - E->P->best[E->u]))
            E->oom = 1;
        return E->oom;
    }
    if (inner_conflict(E->sc, E->members, E->n, where))
        return 0;
    if (E->cg->columns + 1 > E->P->max_columns) {
        E->full = 1;
        return 1;
    }
    if (!reserve_slot(E->P, E->cg)) {
        E->oom = 1;
        return 1;
    }
    int j = pm_colgen_add(E->cg, E->sc, E->arcs, E->u, where);
    if (j == -2) {
        E->oom = 1;
        return 1;
    }
    if (j >= 0) {
        E->P->used++;
        place_column(E->P, E->cg, j);
        E->added++;
        if (!set_excess(E->P, j, value - E->P->best[E->u])) {
            E->oom = 1;
            return 1;
        }
    }
    return 0;
}

/* L at the best bound's prices, recomputed (each unit's best value in
 * best[u]). */
static double bound_at_best(pm_colgen *cg, const pm_scenario *sc, double *best,
                            int *where)
{
    double L = -pm_pricer_capacity_term(cg->pr, cg->mu, cg->sig) -
               pm_colgen_cut_term(cg, sc);
    for (int u = 0; u < cg->nunits; u++) {
        best[u] = pm_pricer_best(cg->pr, u, cg->mu, cg->sig, where);
        L += best[u];
    }
    return L;
}


/* ---- households ------------------------------------------------------- */

/* Free members of unit u (pm_pricer_members lists them first). */
static int free_members(const pm_scenario *sc, const int *m, int n)
{
    int k = 0;
    while (k < n && !sc->children[m[k]].stay)
        k++;
    return k;
}

/* The arrangement of unit u with only household h (members bits at
 * place; -1 place: none) housed: the rest of its free members unmatched,
 * the pinned ones where they are. */
static void household_where(const pm_scenario *sc, const int *m, int n,
                            unsigned bits, int place, int *where)
{
    int nf = free_members(sc, m, n);
    for (int i = 0; i < n; i++)
        where[i] = i >= nf ? sc->children[m[i]].current
                           : (bits >> i & 1u) ? place : -1;
}

static int push_household(pm_prove *P, int u, unsigned bits, int place,
                          double excess)
{
    if (P->nh == P->hh_cap) {
        long cap = 2 * P->hh_cap + 1024;
        int **iv[] = {&P->hh_unit, &P->hh_place, &P->hh_col};
        for (size_t i = 0; i < sizeof iv / sizeof *iv; i++) {
            int *q = realloc(*iv[i], (size_t)cap * sizeof *q);
            if (!q)
                return 0;
            *iv[i] = q;
        }
        unsigned *qm = realloc(P->hh_mask, (size_t)cap * sizeof *qm);
        if (qm)
            P->hh_mask = qm;
        unsigned char *qi = realloc(P->hh_inc, (size_t)cap);
        if (qi)
            P->hh_inc = qi;
        double *qe = realloc(P->hh_excess, (size_t)cap * sizeof *qe);
        if (qe)
            P->hh_excess = qe;
        if (!qm || !qi || !qe)
            return 0;
        P->hh_cap = cap;
    }
    P->hh_unit[P->nh] = u;
    P->hh_mask[P->nh] = bits;
    P->hh_place[P->nh] = place;
    P->hh_col[P->nh] = 0;
    P->hh_inc[P->nh] = 0;
    P->hh_excess[P->nh] = excess;
    P->nh++;
    return 1;
}

typedef struct hh_ctx {
    pm_prove *P;
    const pm_scenario *sc;
    const int *members;
    int u, n, full, oom;
    long budget;
} hh_ctx;

static int on_household(void *info, unsigned bits, int place, double value)
{
    hh_ctx *E = info;
    int w[64];
    household_where(E->sc, E->members, E->n, bits, place, w);
    if (inner_conflict(E->sc, E->members, E->n, w))
        return 0; /* two who avoid each other: never usable */
    if (E->P->nh >= E->budget) {
        E->full = 1;
        return 1;
    }
    if (!push_household(E->P, E->u, bits, place, value - E->P->best[E->u])) {
        E->oom = 1;
        return 1;
    }
    return 0;
}

/* Unit u's households in the incumbent, added when the enumeration missed
 * them (rounding) and marked. */
static int incumbent_households(pm_prove *P, const pm_scenario *sc, int u,
                                const int *m, int n, const int *incumbent)
{
    int nf = free_members(sc, m, n);
    for (int i = 0; i < nf; i++) {
        int p = incumbent[m[i]], first = 1;
        for (int k = 0; k < i; k++)
            first &= incumbent[m[k]] != p;
        if (p < 0 || !first)
            continue;
        unsigned bits = 0;
        for (int k = i; k < nf; k++)
            bits |= (unsigned)(incumbent[m[k]] == p) << k;
        long h = P->hh_first[u];
        while (h < P->nh && !(P->hh_mask[h] == bits && P->hh_place[h] == p))
            h++;
        if (h == P->nh && !push_household(P, u, bits, p, 0))
            return 0;
        P->hh_inc[h] = 1;
    }
    return 1;
}

/* ---- enumeration of every unit ---------------------------------------- */


typedef struct count_ctx {
    long n, max;
} count_ctx;

static int count_one(void *info, const int *where, double value)
{
    count_ctx *C = info;
    (void)where;
    (void)value;
    return ++C->n > C->max;
}

/* Unit u's columns within limit: its arrangements, or for a group with
 * too many, its households.  1 done, 0 too many in all, -1 no memory. */
static int enumerate_unit(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                          const pm_arcs *arcs, int u, double limit,
                          const int *incumbent)
{
    const int *m;
    int n = pm_pricer_members(cg->pr, u, &m);
    count_ctx C = {0, P->arrangements_max};
    P->hh_first[u] = (int)P->nh;
    if (n < 2 || (C.max > 0 && pm_pricer_enumerate(cg->pr, u, cg->mu, cg->sig,
                                                   limit, count_one, &C) >= 0)) {
        emit_ctx E = {.P = P, .cg = cg, .sc = sc, .arcs = arcs, .u = u,
                      .n = n, .members = m};
        long r = pm_pricer_enumerate(cg->pr, u, cg->mu, cg->sig, limit,
                                     on_arrangement, &E);
        return E.oom ? -1 : E.full || r < 0 ? 0 : 1;
    }
    if (n > 64)
        return 0;
    P->by_household[u] = 1;
    hh_ctx H = {.P = P, .sc = sc, .members = m, .u = u, .n = n,
                .budget = P->max_columns - cg->columns};
    long r = pm_pricer_households(cg->pr, u, cg->mu, cg->sig, limit,
                                  on_household, &H);
    if (H.oom)
        return -1;
    if (H.full || r < 0)
        return 0;
    return incumbent_households(P, sc, u, m, n, incumbent) ? 1 : -1;
}

/* Every unit's columns within gap of its best.  1 when all were added, 0
 * when there were too many (P->max_columns), -1 when memory ran out. */
static int enumerate_all(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                         const pm_arcs *arcs, const double *best, double gap,
                         const int *incumbent)
{
    for (int u = 0; u < cg->nunits; u++) {
        double limit = best[u] + gap + ENUM_TOL * fmax(1, fabs(best[u]));
        int r = enumerate_unit(P, cg, sc, arcs, u, limit, incumbent);
        if (r <= 0)
            return r;
        if (cg->columns + P->nh > P->max_columns)
            return 0;
    }
    P->hh_first[cg->nunits] = (int)P->nh;
    return 1;
}

/* ---- avoid rows ------------------------------------------------------- */

/* Avoid rows as (c, d, p) keys, c < d, sorted: one per avoid pair and
 * placement both may use.  Returns how many (-1: out of memory). */
static int avoid_keys(pm_prove *P, const pm_scenario *sc, const pm_arcs *arcs)
{
    int n = 0, cap = 0;
    for (int c = 0; c < sc->nchildren; c++) {
        const pm_child_rec *ch = &sc->children[c];
        for (int k = 0; k < ch->navoid; k++) {
            int d = ch->avoid[k];
            if (d <= c)
                continue;
            for (int a = arcs->start[c]; a < arcs->start[c + 1]; a++) {
                int p = arcs->place[a];
                if (pm_arc_find(arcs, d, p) < 0)
                    continue;
                if (n == cap) {
                    cap = 2 * cap + 64;
                    int *q = realloc(P->row_key, (size_t)cap * 3 * sizeof *q);
                    if (!q)
                        return -1;
                    P->row_key = q;
                }
                P->row_key[3 * n] = c;
                P->row_key[3 * n + 1] = d;
                P->row_key[3 * n + 2] = p;
                n++;
            }
        }
    }
    return n; /* c ascending, then d ascending, then p ascending (arcs) */
}

static int cmp_key(const int *a, const int *b)
{
    for (int i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static int find_key(const pm_prove *P, int nkeys, int c, int d, int p)
{
    int key[3] = {c < d ? c : d, c < d ? d : c, p}, lo = 0, hi = nkeys - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, r = cmp_key(P->row_key + 3 * mid, key);
        if (!r)
            return mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Counts (fill 0) or lists (fill 1) the IP column col in every avoid row
 * its arrangement where (n members m) enters. */
static void avoid_visit(pm_prove *P, const pm_scenario *sc, int nkeys,
                        const int *m, int n, const int *where, int col,
                        int fill)
{
    for (int i = 0; i < n; i++) {
        const pm_child_rec *ch = &sc->children[m[i]];
        for (int k = 0; where[i] >= 0 && k < ch->navoid; k++) {
            int r = find_key(P, nkeys, m[i], ch->avoid[k], where[i]);
            if (r < 0)
                continue;
            if (fill)
                P->row_col[P->row_start[r]++] = col;
            else
                P->row_start[r + 1]++;
        }
    }
}

/* Every IP column in the avoid rows: the master's in use (once per row: a
 * column with both children of a pair in one placement is out), and the
 * households. */
static void avoid_entries(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                          int nkeys, int fill)
{
    for (int j = 0; j < cg->columns; j++) {
        if (!P->state[j])
            continue;
        const int *m;
        int n = pm_pricer_members(cg->pr, cg->col_unit[j], &m);
        avoid_visit(P, sc, nkeys, m, n, cg->col_where + cg->col_off[j], j + 1,
                    fill);
    }
    for (long h = 0; h < P->nh; h++) {
        const int *m;
        if (!P->hh_col[h])
            continue; /* beyond the kept gap: not in the programme */
        int n = pm_pricer_members(cg->pr, P->hh_unit[h], &m);
        household_where(sc, m, n, P->hh_mask[h], P->hh_place[h], P->where);
        for (int i = free_members(sc, m, n); i < n; i++)
            P->where[i] = -1; /* the pinned: in the unit's fixed column */
        avoid_visit(P, sc, nkeys, m, n, P->where, P->hh_col[h], fill);
    }
}

/* Adds x[c at p] + x[d at p] <= 1 for every avoid pair: the master leaves
 * them out.  0 when memory runs out. */
static int add_avoid_rows(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                          const pm_arcs *arcs)
{
    glp_prob *ip = P->ip;
    int nkeys = avoid_keys(P, sc, arcs);
    if (nkeys <= 0)
        return nkeys == 0;
    P->row_start = calloc((size_t)nkeys + 2, sizeof *P->row_start);
    if (!P->row_start)
        return 0;
    avoid_entries(P, cg, sc, nkeys, 0);
    for (int r = 0; r < nkeys; r++)
        P->row_start[r + 1] += P->row_start[r];
    int total = P->row_start[nkeys];
    P->row_col = malloc(((size_t)total + 1) * sizeof *P->row_col);
    P->val = malloc(((size_t)total + 2) * sizeof *P->val);
    P->ind = malloc(((size_t)total + 2) * sizeof *P->ind);
    if (!P->row_col || !P->val || !P->ind)
        return 0;
    avoid_entries(P, cg, sc, nkeys, 1); /* row_start[r] moves to r's end */
    for (int r = 0, from = 0; r < nkeys; r++) {
        int to = P->row_start[r], k = 0;
        for (int e = from; e < to; e++) {
            P->ind[++k] = P->row_col[e];
            P->val[k] = 1;
        }
        from = to;
        if (k < 2)
            continue; /* one column alone cannot break it */
        int row = glp_add_rows(ip, 1);
        glp_set_row_bnds(ip, row, GLP_UP, 0, 1);
        glp_set_mat_row(ip, row, k, P->ind, P->val);
    }
    return 1;
}

/* ---- the integer programme ---------------------------------------------- */

static int ensure_entries(pm_prove *P, int k)
{
    if (k < P->ent_cap)
        return 1;
    int cap = 2 * k + 64;
    int *r = realloc(P->ent_row, (size_t)cap * sizeof *r);
    if (r)
        P->ent_row = r;
    double *v = realloc(P->ent_val, (size_t)cap * sizeof *v);
    if (v)
        P->ent_val = v;
    if (!r || !v)
        return 0;
    P->ent_cap = cap;
    return 1;
}

/* Appends (row, v) to the entry list of k (merging a repeated row). */
static int add_entry(pm_prove *P, int k, int row, double v)
{
    for (int e = 1; e <= k; e++)
        if (P->ent_row[e] == row) {
            P->ent_val[e] += v;
            return k;
        }
    P->ent_row[++k] = row;
    P->ent_val[k] = v;
    return k;
}

static int cmp_place(const void *a, const void *b)
{
    const int *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* A row "at most one of unit u's households at p" for every placement p
 * with two or more of them.  Two households of a unit at one placement
 * stand for their union there, which costs a split less (or for an
 * arrangement the enumeration left out, which cannot beat the
 * incumbent), so no solution the proof needs is lost; without the row the
 * LP mixes such pairs to dodge the cuts' coefficients (a pair at p counts
 * floor(2 / 2) = 1 in a divisor-2 cut, its members as two households 0).
 * 0 when memory runs out. */
static int one_per_place(pm_prove *P, int u)
{
    long first = P->hh_first[u], k = P->hh_first[u + 1] - first;
    if (k < 2)
        return 1;
    int *pc = P->hh_pair;
    long in = 0;
    for (long i = 0; i < k; i++)
        if (P->hh_col[first + i]) { /* (0: beyond the kept gap) */
            pc[2 * in] = P->hh_place[first + i];
            pc[2 * in++ + 1] = P->hh_col[first + i];
        }
    k = in;
    qsort(pc, (size_t)k, 2 * sizeof *pc, cmp_place);
    for (long i = 0, j; i < k; i = j) {
        for (j = i + 1; j < k && pc[2 * j] == pc[2 * i];)
            j++;
        if (j - i < 2)
            continue;
        if (!ensure_entries(P, (int)(j - i) + 1))
            return 0;
        for (long t = i; t < j; t++) {
            P->ent_row[t - i + 1] = pc[2 * t + 1];
            P->ent_val[t - i + 1] = 1;
        }
        int row = glp_add_rows(P->ip, 1);
        glp_set_row_bnds(P->ip, row, GLP_UP, 0, 1);
        glp_set_mat_row(P->ip, row, (int)(j - i), P->ent_row, P->ent_val);
    }
    return 1;
}

/* Household-mode unit u: rows for its free members (each housed at most
 * once), for "a household exists" (w <= households, which pays back one
 * split when no member is pinned), for each triple of members (two
 * households cannot both hold two of three), then its household columns:
 * the master column of that household alone less the unit's fixed
 * all-unmatched column, so the households' entries add up to their
 * arrangement's. */
static int add_household_unit(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                              const pm_arcs *arcs, int u)
{
    glp_prob *ip = P->ip;
    const int *m, *rows;
    const double *vals;
    int n = pm_pricer_members(cg->pr, u, &m), nf = free_members(sc, m, n);
    double lambda = sc->policy.sibling_split_week;
    if (nf == 0)
        return 1; /* every member pinned: the fixed column is the unit */
    household_where(sc, m, n, 0, -1, P->where);
    double base_cost = pm_colgen_cost(cg, sc, arcs, u, P->where);
    int d0 = 0;
    for (int i = nf; i < n; i++) {
        int first = 1;
        for (int k = nf; k < i; k++)
            first &= sc->children[m[k]].current != sc->children[m[i]].current;
        d0 += first;
    }
    int kb = pm_colgen_entries(cg, sc, u, P->where, &rows, &vals);
    /* held in P: GLPK's calls below may longjmp out */
    free(P->brow);
    free(P->bval);
    int *brow = P->brow = malloc(((size_t)kb + 1) * sizeof *brow);
    double *bval = P->bval = malloc(((size_t)kb + 1) * sizeof *bval);
    if (!brow || !bval)
        return 0;
    memcpy(brow, rows, ((size_t)kb + 1) * sizeof *brow);
    memcpy(bval, vals, ((size_t)kb + 1) * sizeof *bval);
    int r_member = glp_add_rows(ip, nf), r_w = 0, r_tri = 0, ntri = 0;
    for (int i = 0; i < nf; i++)
        glp_set_row_bnds(ip, r_member + i, GLP_UP, 0, 1);
    if (d0 == 0 && lambda > 0) {
        r_w = glp_add_rows(ip, 1);
        glp_set_row_bnds(ip, r_w, GLP_LO, 0, 0);
        int col = P->w_col[u] = glp_add_cols(ip, 1);
        int ind[2] = {0, r_w};
        double val[2] = {0, -1};
        glp_set_col_bnds(ip, col, GLP_DB, 0, 1);
        glp_set_obj_coef(ip, col, -lambda);
        glp_set_mat_col(ip, col, 1, ind, val);
    }
    if (nf >= 3) {
        ntri = nf * (nf - 1) * (nf - 2) / 6;
        r_tri = glp_add_rows(ip, ntri);
        for (int t = 0; t < ntri; t++)
            glp_set_row_bnds(ip, r_tri + t, GLP_UP, 0, 1);
    }
    int ok = 1;
    for (long h = P->hh_first[u]; ok && h < P->hh_first[u + 1]; h++) {
        if (!P->hh_inc[h] && beyond_kept(P, P->hh_excess[h]))
            continue; /* restricted out (hh_col stays 0) */
        unsigned bits = P->hh_mask[h];
        household_where(sc, m, n, bits, P->hh_place[h], P->where);
        double cost = pm_colgen_cost(cg, sc, arcs, u, P->where) - base_cost +
                      (d0 == 0 ? lambda : 0);
        int kh = pm_colgen_entries(cg, sc, u, P->where, &rows, &vals);
        if (!(ok = ensure_entries(P, kh + kb + nf + ntri + 2)))
            break;
        int k = 0;
        for (int e = 1; e <= kh; e++)
            k = add_entry(P, k, rows[e], vals[e]);
        for (int e = 1; e <= kb; e++)
            k = add_entry(P, k, brow[e], -bval[e]);
        for (int i = 0; i < nf; i++)
            if (bits >> i & 1u)
                k = add_entry(P, k, r_member + i, 1);
        if (r_w)
            k = add_entry(P, k, r_w, 1);
        for (int a = 0, t = 0; a < nf; a++)
            for (int b = a + 1; b < nf; b++)
                for (int c = b + 1; c < nf; c++, t++)
                    if (((bits >> a & 1u) + (bits >> b & 1u) + (bits >> c & 1u)) >= 2)
                        k = add_entry(P, k, r_tri + t, 1);
        int kk = 0; /* drop what cancelled (the unit's own row) */
        for (int e = 1; e <= k; e++)
            if (P->ent_val[e] != 0) {
                P->ent_row[++kk] = P->ent_row[e];
                P->ent_val[kk] = P->ent_val[e];
            }
        int col = P->hh_col[h] = glp_add_cols(ip, 1);
        glp_set_col_kind(ip, col, GLP_BV);
        glp_set_obj_coef(ip, col, cost);
        glp_set_mat_col(ip, col, kk, P->ent_row, P->ent_val);
    }
    return ok && one_per_place(P, u);
}

/* Whether master column j is in the programme: within the kept gap, or
 * not enumerated and the generation's own or the incumbent's (an earlier
 * attempt's that this one did not enumerate lies beyond its gap). */
static int kept_column(const pm_prove *P, int j)
{
    double e = j < P->excess_cap ? P->col_excess[j] : -1;
    if (e >= 0)
        return !beyond_kept(P, e);
    return j < P->first_added || j >= P->enum_end;
}

/* Returns 1, 0 when memory runs out, -1 when it cannot be built.
 * The master's columns, binary (slacks, columns with an avoid pair
 * inside and the columns of household-mode units out; one all-unmatched
 * column of each such unit fixed at 1: the master may hold it twice, from
 * its seed and its start), its cuts, the households, and the avoid rows.
 * After incumbent_columns (unit_col: -1 for household-mode units). */
static int build_ip(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                    const pm_arcs *arcs)
{
    P->state = malloc((size_t)cg->columns + 1);
    P->ncols_master = cg->columns;
    if (!P->state)
        return 0;
    for (int j = 0; j < cg->columns; j++) {
        const int *m, *w = cg->col_where + cg->col_off[j];
        int u = cg->col_unit[j];
        int n = u >= 0 ? pm_pricer_members(cg->pr, u, &m) : 0;
        P->state[j] = u < 0 || inner_conflict(sc, m, n, w) ? 0 : 1;
        if (P->state[j] && u >= 0 && !kept_column(P, j) && P->unit_col[u] != j)
            P->state[j] = 0; /* beyond the kept gap */
        if (u < 0 || !P->by_household[u])
            continue;
        int all_out = P->unit_col[u] < 0; /* the first such column only */
        for (int i = 0; i < free_members(sc, m, n); i++)
            all_out &= w[i] < 0;
        P->state[j] = all_out ? 2 : 0;
        if (all_out)
            P->unit_col[u] = j;
    }
    for (int u = 0; u < cg->nunits; u++)
        if (P->by_household[u] && P->unit_col[u] < 0)
            return -1; /* no all-unmatched column to build households on */
    P->hh_pair = malloc(((size_t)P->nh + 1) * 2 * sizeof *P->hh_pair);
    if (!P->hh_pair)
        return 0;
    glp_prob *ip = P->ip = glp_create_prob();
    glp_copy_prob(ip, cg->lp, GLP_OFF); /* with the master's basis */
    for (int j = 0; j < cg->columns; j++) {
        if (P->state[j] == 1)
            glp_set_col_kind(ip, j + 1, GLP_BV);
        else
            glp_set_col_bnds(ip, j + 1, GLP_FX, P->state[j] == 2, 0);
    }
    for (int u = 0; u < cg->nunits; u++) {
        if (!P->by_household[u])
            continue;
        glp_set_row_bnds(ip, sc->nplacements + u + 1, GLP_FR, 0, 0);
        if (!add_household_unit(P, cg, sc, arcs, u))
            return 0;
    }
    return add_avoid_rows(P, cg, sc, arcs) ? 1 : 0;
}

/* The incumbent as IP column values (P->start, 1-based, P->start_obj its
 * objective): its column of
 * each arrangement-mode unit (added to the master when the enumeration
 * missed it, rounding), the fixed columns, its households and their w.
 * 0 when memory runs out; P->start_obj is infinite when it cannot be
 * expressed. */
static int incumbent_columns(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                             const pm_arcs *arcs, const int *incumbent)
{
    for (int u = 0; u < cg->nunits; u++)
        P->unit_col[u] = -1;
    for (int u = 0; u < cg->nunits; u++) {
        if (P->by_household[u])
            continue;
        const int *m;
        int n = pm_pricer_members(cg->pr, u, &m);
        for (int i = 0; i < n; i++)
            P->where[i] = incumbent[m[i]];
        int j = find_column(P, cg, u, P->where, n);
        if (j < 0) {
            if (!reserve_slot(P, cg))
                return 0;
            j = pm_colgen_add(cg, sc, arcs, u, P->where);
            if (j == -2)
                return 0;
            if (j < 0)
                continue; /* not in the programme: no start (start_vector) */
            P->used++;
            place_column(P, cg, j);
        }
        P->unit_col[u] = j;
    }
    return 1;
}

static int start_vector(pm_prove *P, const pm_colgen *cg, double ub)
{
    int ncols = glp_get_num_cols(P->ip);
    P->start = calloc((size_t)ncols + 2, sizeof *P->start);
    if (!P->start)
        return 0;
    P->start_obj = INFINITY;
    for (int u = 0; u < cg->nunits; u++)
        if (!P->by_household[u] && P->unit_col[u] < 0) {
            /* the incumbent is not in the programme */
            memset(P->start, 0, ((size_t)ncols + 2) * sizeof *P->start);
            return 1;
        } else if (!P->by_household[u]) {
            P->start[P->unit_col[u] + 1] = 1;
        }
    for (int j = 0; j < cg->columns; j++)
        if (P->state[j] == 2)
            P->start[j + 1] = 1;
    for (long h = 0; h < P->nh; h++)
        if (P->hh_inc[h]) {
            P->start[P->hh_col[h]] = 1;
            if (P->w_col[P->hh_unit[h]])
                P->start[P->w_col[P->hh_unit[h]]] = 1;
        }
    P->start_obj = ub;
    return 1;
}

/* The branch and bound stops this many root LPs short of the limit (a
 * Gomory round is not interrupted), so the proof needs room for its root
 * LP and these before it can branch at all. */
#define MARGIN_ROOTS 2

/* Seconds GLPK's root LP is expected to take over ncols columns, from
 * measurements on this 2-core machine (20,000 columns 0.1 s, 65,000-80,000
 * 2-3 s, 174,000 15-17 s: faster than linear growth): ROOT_PER_COLUMN
 * seconds a column, times ncols / ROOT_LINEAR above ROOT_LINEAR.  Since
 * the sifting share fell to 0.01 the LP takes about a third of this;
 * an estimate cut to match made the 1,000-child proofs take the whole
 * programme rather than a restricted one, no better in all (SOLVER.md,
 * "The sifting share"), so it sizes those programmes as before. */
#define ROOT_PER_COLUMN 3e-5
#define ROOT_LINEAR 60000.0
static double root_estimate(long ncols)
{
    return ROOT_PER_COLUMN * (double)ncols * fmax(1, (double)ncols / ROOT_LINEAR);
}

/* The columns whose root LP is expected within `seconds` (root_estimate
 * inverted). */
static long columns_within(double seconds)
{
    double n = seconds / ROOT_PER_COLUMN;
    return (long)(n <= ROOT_LINEAR ? n : sqrt(n * ROOT_LINEAR));
}

/* The columns GLPK works on: it leaves fixed ones out of its LP (the
 * master's columns a restricted programme does not keep, 40% of a
 * 1,000-child one's). */
static long free_columns(glp_prob *ip)
{
    long k = 0;
    for (int j = 1; j <= glp_get_num_cols(ip); j++)
        k += glp_get_col_type(ip, j) != GLP_FX;
    return k;
}

/* Sets (fix 1) or frees (fix 0) the binary columns whose excess over
 * their unit's best is above limit.  Returns how many. */
static long fix_beyond(pm_prove *P, double limit, int fix)
{
    long k = 0;
    int type = fix ? GLP_FX : GLP_DB;
    for (int j = 0; j < P->excess_cap && j < P->ncols_master; j++)
        if (P->state[j] == 1 && P->col_excess[j] > limit) {
            glp_set_col_bnds(P->ip, j + 1, type, 0, fix ? 0 : 1);
            k++;
        }
    for (long h = 0; h < P->nh; h++)
        if (P->hh_col[h] && !P->hh_inc[h] && P->hh_excess[h] > limit) {
            glp_set_col_bnds(P->ip, P->hh_col[h], type, 0, fix ? 0 : 1);
            k++;
        }
    return k;
}

/* The root LP over every column starts far from optimal where groups
 * entered by households (their master columns are out), and each simplex
 * step prices every column: solve it first over the columns within
 * SIFT_SHARE of the enumeration's gap (GLPK leaves fixed columns out of
 * its working LP), then free the rest for a few more steps from that
 * basis. */
static void sift(pm_prove *P, const glp_smcp *sm)
{
    double limit = SIFT_SHARE * P->gap_kept;
    if (SIFT_SHARE <= 0 || fix_beyond(P, limit, 1) == 0)
        return;
    glp_simplex(P->ip, sm); /* whatever it reaches is a start */
    fix_beyond(P, limit, 0);
}

/* The best solution so far (P->start, over ip's columns) in P->x over
 * cur's (P->map: cur's column k is ip's map[k]). */
static void incumbent_in(pm_prove *P, glp_prob *cur)
{
    for (int k = 1; k <= glp_get_num_cols(cur); k++)
        P->x[k] = P->start[P->map[k]];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The least reduced cost that leaves at least most of q's free columns
 * nonbasic at 0 within it (infinite when fewer are: all stay). */
static double dive_theta(glp_prob *q, long most)
{
    int n = glp_get_num_cols(q);
    double *d = malloc(((size_t)n + 1) * sizeof *d), theta = INFINITY;
    long k = 0;
    for (int j = 1; d && j <= n; j++)
        if (glp_get_col_type(q, j) != GLP_FX && glp_get_col_stat(q, j) == GLP_NL)
            d[k++] = glp_get_col_dual(q, j);
    if (d && most > 0 && k > most) {
        qsort(d, (size_t)k, sizeof *d, cmp_double);
        theta = d[most - 1];
    }
    free(d);
    return theta;
}

/* The branching, backtracking and cuts of both of the proof's GLPK
 * searches (search_round, dive_search) over a programme of n columns.
 * Gomory and MIR cuts close most of what is left at the root (300
 * children: proven at the root in 0.5 s, against 4,581 nodes and 49 s
 * without them, bound still 0.17% short). */
static void search_parm(const pm_prove *P, int n, glp_iocp *io)
{
    io->br_tech = GLP_BR_DTH;
    io->bt_tech = GLP_BT_BLB;
    io->gmi_cuts = io->mir_cuts = P->cuts ? GLP_ON : GLP_OFF;
    if (n > GOMORY_MAX_COLUMNS)
        io->gmi_cuts = GLP_OFF; /* dense rows: slow beyond this size */
}

/* The sub-MIP of the dive: q's LP solved, the incumbent (over cur's
 * columns, P->x) handed in through kept; its answer becomes P->start
 * when better (then 1). */
static int dive_search(pm_prove *P, glp_prob *q, const int *kept,
                       double seconds)
{
    int nq = glp_get_num_cols(q);
    double *xq = glp_alloc(nq + 1, sizeof *xq); /* (freed with the env) */
    for (int k = 1; k <= nq; k++)
        xq[k] = P->x[kept[k]];
    pm_watch w = {.start = P->start_obj < INFINITY ? xq : NULL,
                  .node_limit = P->watch.node_limit, /* (its own count) */
                  .interrupt = P->watch.interrupt,
                  .interrupt_info = P->watch.interrupt_info};
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = GLP_MSG_OFF;
    io.cb_func = pm_watch_tree;
    io.cb_info = &w;
    io.tm_lim = (int)fmin(1e9, 1000 * seconds) + 1;
    search_parm(P, nq, &io);
    glp_intopt(q, &io);
    int ms = glp_mip_status(q), found = 0;
    double obj = glp_mip_obj_val(q);
    if ((ms == GLP_OPT || ms == GLP_FEAS) &&
        obj < P->start_obj - 1e-9 * fmax(1, fabs(obj))) {
        memset(P->start, 0, ((size_t)glp_get_num_cols(P->ip) + 1) * sizeof *P->start);
        for (int k = 1; k <= nq; k++)
            P->start[P->map[kept[k]]] = glp_mip_col_val(q, k);
        P->start_obj = obj;
        found = 1;
    }
    P->watch.interrupted |= w.interrupted;
    glp_free(xq);
    return found;
}

/* Once the root's cut rounds are done, in a programme of at least
 * dive_min_columns, a search over its dive_columns columns of least
 * reduced cost there (with the basic ones and the incumbent's), for a
 * better incumbent: the restricted master heuristic of branch and price.
 * At 1,000 children the tree over the whole programme (161,000 columns,
 * half a second a node) found an answer 0.07% below the neighbourhood
 * search's only after about 80 nodes and 47 s; the dive finds 831,991 in
 * 4.3 s.  Its answer is handed to the tree at its next node (the watch)
 * and counts for a restart at once. */
static void dive(pm_prove *P, glp_tree *T)
{
    glp_prob *cur = glp_ios_get_prob(T);
    double left = P->seconds > 0 ? P->seconds - (pm_clock_seconds() - P->t_start)
                                 : DIVE_SECONDS / DIVE_SHARE;
    double t1 = pm_clock_seconds(), seconds = DIVE_SHARE * left;
    int n = glp_get_num_cols(cur), nq = 0, found = 0;
    P->dived = 1;
    if (seconds < DIVE_LEAST || n < P->dive_min_columns)
        return;
    incumbent_in(P, cur);
    int *kept = glp_alloc(n + 1, sizeof *kept);
    pm_restart here = {.root = cur, .z = glp_get_obj_val(cur),
                       .propagate = P->propagate}; /* (subset copies it) */
    double theta = dive_theta(cur, P->dive_columns);
    glp_prob *q = pm_restart_subset(&here, theta, P->x, kept, &nq);
    if (q) {
        glp_smcp sm;
        glp_init_smcp(&sm);
        sm.msg_lev = GLP_MSG_OFF;
        sm.tm_lim = (int)fmin(1e9, 1000 * seconds) + 1;
        if (glp_simplex(q, &sm) == 0 && glp_get_status(q) == GLP_OPT)
            found = dive_search(P, q, kept, seconds - (pm_clock_seconds() - t1));
        glp_delete_prob(q);
    }
    glp_free(kept);
    if (found) { /* the tree's next node takes it */
        incumbent_in(P, cur);
        P->watch.start = P->x;
        P->watch.start_given = 0;
    }
    if (P->verbose)
        fprintf(stderr, "placematch: dive over %d of %d columns: %s %.2f "
                "(%.2f s)\n", nq, n, found ? "found" : "nothing below",
                P->start_obj, pm_clock_seconds() - t1);
}

/* The branch and bound's callback: the restart and watch checks, then
 * GLPK's own Gomory cuts and branching, made faster (ios.h). */
static void search_cb(glp_tree *T, void *info)
{
    pm_prove *P = info;
    pm_restart_cb(T, &P->rs);
    int stopped = pm_restart_stopped(&P->rs);
    /* A restricted programme bounds the model by no more than L + g
     * (P->cap): once its tree's bound is past that, no solution within
     * the gap is left, and the time is worth more to the neighbourhood
     * search than to finding one beyond it here (1,000 children: the
     * bound reached the cap with 20 s of the attempt left). */
    if (!stopped && P->stop_at_cap && P->watch.bound > P->cap + P->keep_tol) {
        glp_ios_terminate(T);
        P->capped = stopped = 1;
    }
    /* at the root about to branch (tests: at its first cut round), before
     * a restart too: its incumbent then counts in the next root */
    if (P->dive && !P->dived && !P->capped && !pm_watch_stopped(&P->watch)) {
        int r = glp_ios_reason(T), p = glp_ios_curr_node(T);
        if (p && glp_ios_node_level(T, p) == 0 &&
            (r == GLP_IBRANCH || (r == GLP_ICUTGEN && P->dive_early)))
            dive(P, T);
    }
    pm_ios_cb(&P->ios, T, stopped);
}

/* One branch and bound over cur (its LP solved), from the best solution
 * so far, which it updates, stopped for a restart at share (restart.h):
 * 1 when it finished (the optimum proven), 0 when it stopped (the limits,
 * or for a restart: P->rs.wanted). */
static int search_round(pm_prove *P, glp_prob *cur, double share)
{
    int n = glp_get_num_cols(cur);
    double left = P->seconds - (pm_clock_seconds() - P->t_start);
    /* a round of Gomory cuts is not interrupted: at 600 children one ran
     * 5 s past a 30 s limit; stop early by about two root LPs */
    pm_restart_begin(&P->rs, share, free_columns(cur));
    double margin = MARGIN_ROOTS * root_estimate(P->rs.free_start);
    if (P->seconds > 0 && 0.97 * left - margin <= 0)
        return 0;
    incumbent_in(P, cur);
    glp_iocp io;
    glp_init_iocp(&io);
    io.msg_lev = P->verbose ? GLP_MSG_ON : GLP_MSG_OFF;
    P->watch.start = P->start_obj < INFINITY ? P->x : NULL;
    P->watch.start_given = 0;
    P->watch.bound = P->bound;
    P->rs.watch = &P->watch;
    io.cb_func = search_cb;
    io.cb_info = P;
    io.tm_lim = P->seconds > 0 ? (int)fmin(1e9, 1000 * (0.97 * left - margin)) + 1
                               : INT_MAX;
    search_parm(P, n, &io);
    if (P->own_tableau)
        pm_ios_begin(&P->ios, cur, &io, P->ios_take);
    io.mip_gap = P->mip_gap;
    int ret = glp_intopt(cur, &io);
    pm_ios_free(&P->ios, 0);
    int ms = glp_mip_status(cur);
    if ((ms == GLP_OPT || ms == GLP_FEAS) && glp_mip_obj_val(cur) < P->start_obj) {
        /* (the columns a restart dropped are 0) */
        memset(P->start, 0, ((size_t)glp_get_num_cols(P->ip) + 1) * sizeof *P->start);
        for (int k = 1; k <= n; k++)
            P->start[P->map[k]] = glp_mip_col_val(cur, k);
        P->start_obj = glp_mip_obj_val(cur);
    }
    P->bound = fmin(P->watch.bound, P->start_obj);
    return ret == 0 && (ms == GLP_OPT || ms == GLP_NOFEAS);
}

/* The programme of a restart (restart.h), its LP solved from the root's
 * basis: it replaces P->cur, its map P->map.  0 when its LP did not
 * solve in the time left. */
static int restart(pm_prove *P, const glp_smcp *sm0)
{
    int nq, *kept = P->kept;
    incumbent_in(P, P->cur ? P->cur : P->ip); /* kept whatever its costs */
    glp_prob *q = pm_restart_reduce(&P->rs, P->x, kept, &nq);
    if (!q)
        return 0;
    for (int k = 1; k <= nq; k++) /* compose: q's columns -> ip's */
        kept[k] = P->map[kept[k]];
    P->kept = P->map; /* the old map is the next scratch */
    P->map = kept;
    if (P->cur)
        glp_delete_prob(P->cur);
    P->cur = q;
    P->restarts++;
    P->restart_columns = nq;
    if (P->verbose)
        fprintf(stderr, "placematch: restart %d: %d of %d columns, %d rows, "
                "root bound %.2f, incumbent %.2f (%.2f s)\n", P->restarts, nq,
                glp_get_num_cols(P->ip), glp_get_num_rows(q), P->rs.z,
                P->start_obj, pm_clock_seconds() - P->t_start);
    glp_smcp sm = *sm0;
    double left = P->seconds - (pm_clock_seconds() - P->t_start);
    if (P->seconds > 0)
        sm.tm_lim = left > 0 ? (int)fmin(1e9, 900 * left) + 1 : 1;
    return glp_simplex(q, &sm) == 0 && glp_get_status(q) == GLP_OPT;
}

/* Branch and bound, restarted over smaller programmes while the
 * incumbent allows (restart.h); 1 when it finished (the optimum proven),
 * 0 when it stopped, -1 when GLPK could not start. */
static int branch_and_bound(pm_prove *P)
{
    glp_prob *ip = P->ip;
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = P->verbose ? GLP_MSG_ERR : GLP_MSG_OFF;
    /* GLPK checks its limit between steps, and a large programme's root
     * cut rounds overran it by 3 s at 1,000 children: aim a little short */
    double t0 = glp_time(), spent = pm_clock_seconds() - P->t_start;
    if (P->seconds > 0 && spent >= P->seconds)
        return -1;
    sm.tm_lim = P->seconds > 0 ? (int)fmin(1e9, 900 * (P->seconds - spent)) + 1
                               : INT_MAX;
    sift(P, &sm);
    if (glp_simplex(ip, &sm) != 0 || glp_get_status(ip) != GLP_OPT)
        return -1;
    P->bound = P->root_value = glp_get_obj_val(ip);
    P->root_seconds = glp_difftime(glp_time(), t0);
    double left = P->seconds - (pm_clock_seconds() - P->t_start);
    if (P->seconds > 0 && left <= 0)
        return 0;
    int n = glp_get_num_cols(ip);
    P->x = malloc(((size_t)n + 1) * sizeof *P->x);
    P->kept = malloc(((size_t)n + 1) * sizeof *P->kept);
    P->map = malloc(((size_t)n + 1) * sizeof *P->map);
    if (!P->x || !P->kept || !P->map)
        return 0; /* (memory: as if stopped at once) */
    for (int j = 1; j <= n; j++)
        P->map[j] = j;
    long limit = P->watch.node_limit, nodes = 0;
    int done = 0;
    P->rs.after_rounds = P->restart_rounds;
    P->rs.propagate = P->propagate;
    for (int round = 0; limit <= 0 || nodes < limit; round++) {
        P->watch.node_limit = limit > 0 ? limit - nodes : 0;
        done = search_round(P, P->cur ? P->cur : ip,
                            round < RESTARTS_MAX ? P->restart_share : 0);
        nodes += P->watch.nodes;
        if (!P->rs.wanted || !restart(P, &sm))
            break;
    }
    P->watch.nodes = nodes;
    P->watch.node_limit = limit;
    return done;
}

/* Where the whole programme would not fit the time left, keeps the
 * columns within a smaller gap g (P->gap_kept) so that it fits with
 * RESTRICT_ROOM root LPs: the programme then bounds the model by
 * min(its bound, L + g), since every solution of objective at most L + g
 * uses only columns within g (prove.h), and proves its optimum z the
 * model's when z <= L + g.  1 when kept (or nothing to restrict), 0 when
 * g would be under RESTRICT_LEAST of the gap (not worth its root), -1
 * when memory runs out. */
static int restrict_gap(pm_prove *P, const pm_colgen *cg, double seconds)
{
    long k = 0;
    double *ex = malloc(((size_t)cg->columns + (size_t)P->nh + 1) * sizeof *ex);
    if (!ex)
        return -1;
    long always = 0; /* the generation's own columns */
    for (int j = 0; j < cg->columns; j++)
        if (j < P->excess_cap && P->col_excess[j] >= 0)
            ex[k++] = P->col_excess[j];
        else
            always += kept_column(P, j);
    for (long h = 0; h < P->nh; h++)
        if (P->hh_inc[h])
            always++;
        else
            ex[k++] = P->hh_excess[h];
    long share = (long)(P->keep_share * (double)k);
    if (P->keep_most > 0 && share > P->keep_most)
        share = P->keep_most;
    long most = P->keep_share > 0 ? always + share
                                  : columns_within(seconds / RESTRICT_ROOM);
    int kept = 1;
    if (always + k > most) {
        qsort(ex, (size_t)k, sizeof *ex, cmp_double);
        long room = most - always;
        P->gap_kept = room > 0 ? ex[room - 1] : 0;
        kept = P->keep_share > 0 || P->gap_kept >= RESTRICT_LEAST * P->gap_in;
    }
    if (P->restrict_above > 0)
        kept &= P->gap_kept > P->restrict_above;
    free(ex);
    return kept;
}

/* The assignment of the best solution (P->start): the master's columns
 * (the fixed all-unmatched ones first put household-mode units' free
 * members out), then the households. */
static void read_assignment(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                            int *assign)
{
    for (int c = 0; c < sc->nchildren; c++)
        assign[c] = -1;
    for (int j = 0; j < cg->columns; j++) {
        if (cg->col_unit[j] < 0 || P->start[j + 1] < 0.5)
            continue;
        const int *m, *w = cg->col_where + cg->col_off[j];
        int n = pm_pricer_members(cg->pr, cg->col_unit[j], &m);
        for (int i = 0; i < n; i++)
            assign[m[i]] = w[i];
    }
    for (long h = 0; h < P->nh; h++) {
        if (P->start[P->hh_col[h]] < 0.5)
            continue;
        const int *m;
        pm_pricer_members(cg->pr, P->hh_unit[h], &m);
        for (int i = 0; i < 32; i++)
            if (P->hh_mask[h] >> i & 1u)
                assign[m[i]] = P->hh_place[h];
    }
}

static int alloc_state(pm_prove *P, const pm_colgen *cg, const pm_scenario *sc)
{
    size_t nu = (size_t)cg->nunits + 2;
    P->best = malloc(nu * sizeof *P->best);
    P->unit_col = malloc(nu * sizeof *P->unit_col);
    P->hh_first = calloc(nu, sizeof *P->hh_first);
    P->w_col = calloc(nu, sizeof *P->w_col);
    P->by_household = calloc(nu, 1);
    P->where = malloc(((size_t)sc->nchildren + 65) * sizeof *P->where);
    return P->best && P->unit_col && P->hh_first && P->w_col &&
           P->by_household && P->where && index_columns(P, cg);
}

pm_status pm_prove_run(pm_prove *P, pm_colgen *cg, const pm_scenario *sc,
                       const pm_arcs *arcs, const int *incumbent, double ub,
                       int *assign, int *found, pm_prove_outcome *outcome)
{
    *outcome = PM_PROVE_SKIPPED;
    *found = 0;
    if (!cg->lp || !cg->iterations || !pm_pricer_exact(cg->pr))
        return PM_OK;
    P->t_start = pm_clock_seconds(); /* the limit covers the set-up too */
    if (!alloc_state(P, cg, sc))
        return PM_ERR_NOMEM;
    double L = bound_at_best(cg, sc, P->best, P->where);
    P->gap_kept = P->gap_in = fmax(0, ub - L);
    P->keep_tol = ENUM_TOL * fmax(1, fabs(L));
    int r = enumerate_all(P, cg, sc, arcs, P->best, P->gap_in, incumbent);
    P->enum_end = cg->columns;
    P->columns = cg->columns;
    P->households = P->nh;
    if (r <= 0)
        return r < 0 ? PM_ERR_NOMEM : PM_OK;
    /* with less room it would solve its root and stop (1,000 children: a
     * 22 s root LP, then 20 s unused) */
    double room = fmax(P->room, 1 + MARGIN_ROOTS);
    double left = P->seconds - (pm_clock_seconds() - P->t_start);
    if (P->seconds > 0 && room * root_estimate(cg->columns + P->nh) > left) {
        int k = restrict_gap(P, cg, left);
        if (k <= 0) /* it would not branch: leave the time to others */
            return k < 0 ? PM_ERR_NOMEM : PM_OK;
    } else if (P->keep_share > 0) {
        int k = restrict_gap(P, cg, left);
        if (k < 0)
            return PM_ERR_NOMEM;
        if (k == 0 && P->restrict_above > 0)
            return PM_OK; /* no more than the pass before it kept */
    }
    if (P->gap_kept < P->gap_in) /* what a restricted programme can bound */
        P->cap = L + P->gap_kept;
    if (!incumbent_columns(P, cg, sc, arcs, incumbent))
        return PM_ERR_NOMEM;
    int b = build_ip(P, cg, sc, arcs);
    if (b < 0)
        return PM_OK;
    if (b == 0 || !start_vector(P, cg, ub))
        return PM_ERR_NOMEM;
    P->columns = cg->columns;
    int done = branch_and_bound(P);
    if (done < 0)
        return PM_OK;
    if (P->start_obj < ub) {
        read_assignment(P, cg, sc, assign);
        *found = 1;
    }
    if (done && P->start_obj > P->cap) {
        done = 0; /* its optimum: better ones may lie beyond the gap */
        P->bound = P->cap;
    }
    if (done) {
        *outcome = PM_PROVE_DONE;
        if (!*found)
            memcpy(assign, incumbent, (size_t)sc->nchildren * sizeof *assign);
        P->bound = *found ? P->start_obj : ub;
    } else {
        *outcome = PM_PROVE_OPEN;
        P->bound = isnan(P->bound) ? L
                                   : fmax(L, fmin(fmin(P->bound, ub), P->cap));
    }
    return PM_OK;
}

void pm_prove_free(pm_prove *P, int env_lost)
{
    if (P->ip && !env_lost)
        glp_delete_prob(P->ip);
    if (P->cur && !env_lost)
        glp_delete_prob(P->cur);
    P->ip = P->cur = NULL;
    pm_restart_free(&P->rs, env_lost);
    pm_ios_free(&P->ios, env_lost);
    void **blocks[] = {
        (void **)&P->slot,     (void **)&P->state,   (void **)&P->start,
        (void **)&P->where,    (void **)&P->row_key, (void **)&P->row_start,
        (void **)&P->row_col,  (void **)&P->ind,     (void **)&P->val,
        (void **)&P->best,     (void **)&P->unit_col, (void **)&P->ent_row,
        (void **)&P->ent_val,  (void **)&P->hh_unit, (void **)&P->hh_place,
        (void **)&P->hh_col,   (void **)&P->hh_first, (void **)&P->w_col,
        (void **)&P->hh_mask,  (void **)&P->hh_inc,  (void **)&P->by_household,
        (void **)&P->brow,     (void **)&P->bval,    (void **)&P->hh_pair,
        (void **)&P->hh_excess, (void **)&P->col_excess, (void **)&P->map,
        (void **)&P->kept,     (void **)&P->x};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++) {
        free(*blocks[i]);
        *blocks[i] = NULL;
    }
}
