#include "colgen.h"

#include <glpk.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* Weight of the best bound's prices in the pricing point (Wentges
 * smoothing); 0 prices at the master's duals alone. */
#define SMOOTH 0.5
#define RC_EPS 1e-6
/* Cuts: divisors 2..CUT_M_MAX, at most CUTS_PER_ROUND (the most broken)
 * per separation. */
#define CUT_M_MAX 8
#define CUTS_PER_ROUND 100
#define CUT_EPS 1e-6
/* how far past its share a generation whose master has been cut may run
 * to converge again (time_left) */
#define CUT_GRACE 1.3
/* set_aside(): columns kept in play per master row once they reach
 * ASIDE_AT times that (3,000 children: generation 23-26 s -> 15 s, the same
 * bound; docs/SOLVER.md, step 3) */
#define ASIDE_KEEP 1.5
#define ASIDE_AT 2.0
/* ... and never below this many: a smaller master's simplex is cheap
 * (600 children: 0.3 s of 0.5 s), and setting aside changes which of the
 * degenerate optimal duals the generation ends at, and with them the
 * proof's programme (docs/SOLVER.md) */
#define ASIDE_LEAST 12000

/* MODEL.md's cost of one unit's arrangement: arcs (a pinned child's one
 * arc), unmatched members, splits.  -1 when a member's placement is not
 * one of its arcs. */
static double arrangement_cost(const pm_scenario *sc, const pm_arcs *arcs,
                               const int *member, int n, const int *where)
{
    double cost = 0;
    int d = 0;
    for (int i = 0; i < n; i++) {
        if (where[i] < 0) {
            cost += sc->policy.unmatched_week;
            continue;
        }
        int a = pm_arc_find(arcs, member[i], where[i]);
        if (a < 0)
            return -1;
        cost += arcs->cost[a];
        int seen = 0;
        for (int k = 0; k < i && !seen; k++)
            seen = where[k] == where[i];
        d += !seen;
    }
    return cost + sc->policy.sibling_split_week * (d > 1 ? d - 1 : 0);
}

/* The coefficient of a household of a children at a placement of the
 * given capacity in the cut with divisor m (owned: the cut's unit's own
 * row is in it too).  Without an owner it is the mixed-integer rounding
 * of the capacity row divided by m: floor(a / m) + max(0, a mod m - r) /
 * (m - r), r = capacity mod m, which is floor(a / m) when m divides the
 * capacity and otherwise larger (capacity 4, m 3: a household of three
 * counts 1, of two 1/2, so a three and a two no longer fit where the
 * Chvatal-Gomory rounding, 1 and 0, let them); with an owner (m = 2, an
 * even capacity) the rounding is floor((a + 1) / 2) either way.  A child
 * alone (a = 1) pays nothing outside its own cuts: 1 - r <= 0 when r >
 * 0. */
static double cut_value(int capacity, int m, int owned, int a)
{
    int r = capacity % m;
    if (owned || r == 0)
        return (a + owned) / m;
    return a / m + (a % m > r ? (double)(a % m - r) / (m - r) : 0);
}

/* Cut c's coefficient in a column of unit u with a children at the cut's
 * placement. */
static double cut_coef(const pm_colgen *cg, const pm_scenario *sc, int c,
                       int u, int a)
{
    return cut_value(sc->placements[cg->cut_p[c]].capacity, cg->cut_m[c],
                     cg->cut_u[c] == u, a);
}

/* The column of an arrangement in cg->rows/vals (1-based; returns the
 * count): its unit's "= 1" row, a count per placement, and per
 * sibling-only placement the count less sibling_only when two or more of
 * the unit's siblings are there (a child alone: its share,
 * pm_alone_sibling_share). */
static int column_entries(pm_colgen *cg, const pm_scenario *sc, int u,
                          const int *where, int n)
{
    int np = sc->nplacements, k = 1, first = 2;
    const int *m;
    pm_pricer_members(cg->pr, u, &m);
    cg->rows[1] = np + u + 1;
    cg->vals[1] = 1;
    for (int i = 0; i < n; i++) {
        if (where[i] < 0)
            continue;
        int r = first;
        while (r <= k && cg->rows[r] != where[i] + 1)
            r++;
        if (r > k) {
            cg->rows[++k] = where[i] + 1;
            cg->vals[k] = 0;
        }
        cg->vals[r] += 1;
    }
    int last = k;
    for (int r = first; r <= last; r++) {
        int p = cg->rows[r] - 1, s = sc->placements[p].sibling_only;
        if (!cg->sibrow[p])
            continue;
        double v = n > 1 ? cg->vals[r] - (cg->vals[r] >= 2 ? s : 0)
                         : pm_alone_sibling_share(sc, m[0], p);
        if (v != 0) {
            cg->rows[++k] = cg->sibrow[p];
            cg->vals[k] = v;
        }
    }
    for (int r = first; r <= last; r++) {
        int p = cg->rows[r] - 1, a = (int)cg->vals[r];
        for (int c = cg->cut_head[p]; c >= 0; c = cg->cut_next[c]) {
            double v = cut_coef(cg, sc, c, u, a);
            if (v) {
                cg->rows[++k] = cg->cut_row[c];
                cg->vals[k] = v;
            }
        }
    }
    return k;
}

/* Adds the column of k entries (column_entries) for unit u, remembering
 * its arrangement (cg->where, n members) for pm_colgen_support; 0 when
 * memory runs out. */
static int add_column(pm_colgen *cg, int u, int n, int k, double cost)
{
    if (cg->columns + 1 > cg->colcap || cg->nwhere + n > cg->wherecap) {
        int cap = 2 * cg->colcap + 64, wcap = 2 * cg->wherecap + 256 + n;
        int *cu = realloc(cg->col_unit, (size_t)cap * sizeof *cu);
        if (cu)
            cg->col_unit = cu;
        int *co = realloc(cg->col_off, ((size_t)cap + 1) * sizeof *co);
        if (co)
            cg->col_off = co;
        int *cw = realloc(cg->col_where, (size_t)wcap * sizeof *cw);
        if (cw)
            cg->col_where = cw;
        if (!cu || !co || !cw)
            return 0;
        cg->colcap = cap;
        cg->wherecap = wcap;
    }
    glp_prob *lp = cg->lp;
    int j = glp_add_cols(lp, 1);
    glp_set_col_bnds(lp, j, GLP_LO, 0, 0);
    glp_set_obj_coef(lp, j, cost);
    glp_set_mat_col(lp, j, k, cg->rows, cg->vals);
    cg->col_unit[cg->columns] = u;
    cg->col_off[cg->columns] = cg->nwhere;
    memcpy(cg->col_where + cg->nwhere, cg->where, (size_t)n * sizeof *cg->where);
    cg->nwhere += n;
    cg->columns++;
    return 1;
}

/* Rows: capacity per placement, "= 1" per unit, then one per placement
 * with sibling-only slots: count - sibling_only * [a pair there]
 * <= capacity - sibling_only. */
static void create_master(pm_colgen *cg, const pm_scenario *sc)
{
    int np = sc->nplacements, r = np + cg->nunits;
    glp_prob *lp = cg->lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    glp_add_rows(lp, r);
    for (int p = 0; p < np; p++)
        glp_set_row_bnds(lp, p + 1, GLP_UP, 0, sc->placements[p].capacity);
    for (int u = 0; u < cg->nunits; u++)
        glp_set_row_bnds(lp, np + u + 1, GLP_FX, 1, 1);
    for (int p = 0; p < np; p++) {
        const pm_placement_rec *pl = &sc->placements[p];
        if (pl->sibling_only <= 0)
            continue;
        cg->sibrow[p] = glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, cg->sibrow[p], GLP_UP, 0,
                         pl->capacity - pl->sibling_only);
    }
}

/* A costly slack on every sibling-only row: pinned children alone may
 * already break one (a pinned sibling pair repairs it only in columns the
 * master has not seen yet), and the master must start feasible.  The
 * bound never rests on the master's value, only on pricing, so the slack
 * cannot make it invalid. */
static int add_slacks(pm_colgen *cg, const pm_scenario *sc)
{
    double cost = 10 * (sc->policy.unmatched_week + 1) * (sc->nchildren + 1);
    for (int p = 0; p < sc->nplacements; p++) {
        if (!cg->sibrow[p])
            continue;
        cg->rows[1] = cg->sibrow[p];
        cg->vals[1] = -1;
        if (!add_column(cg, -1, 0, 1, cost))
            return 0;
    }
    return 1;
}

/* Every unit's all-unmatched arrangement (pinned members where they are):
 * within every capacity row once pm_pinned_infeasible has passed (the
 * slacks cover the sibling-only rows), so the master starts feasible.
 * Then the arrangements of `start`. */
static int seed_columns(pm_colgen *cg, const pm_scenario *sc,
                         const pm_arcs *arcs, const int *start)
{
    for (int u = 0; u < cg->nunits; u++) {
        const int *m;
        int n = pm_pricer_members(cg->pr, u, &m);
        for (int i = 0; i < n; i++)
            cg->where[i] = sc->children[m[i]].stay ? sc->children[m[i]].current
                                                   : -1;
        if (!add_column(cg, u, n, column_entries(cg, sc, u, cg->where, n),
                        arrangement_cost(sc, arcs, m, n, cg->where)))
            return 0;
        if (!start)
            continue;
        for (int i = 0; i < n; i++)
            cg->where[i] = start[m[i]];
        double c = arrangement_cost(sc, arcs, m, n, cg->where);
        if (c >= 0 &&
            !add_column(cg, u, n, column_entries(cg, sc, u, cg->where, n), c))
            return 0;
    }
    return 1;
}

/* ---- setting columns aside ----------------------------------------- */

typedef struct { double d; int j; } stale;

/* Largest reduced cost first; ties by index, so the order is the same on
 * every platform's qsort. */
static int cmp_stale(const void *x, const void *y)
{
    const stale *a = x, *b = y;
    if (a->d != b->d)
        return a->d < b->d ? 1 : -1;
    return (a->j > b->j) - (a->j < b->j);
}

/* Lists the columns set aside by unit (aside_start, aside_col), for
 * take_back; 0 when memory runs out.  A column taken back since stays
 * listed (take_back skips it), so the list is rebuilt only when more are
 * set aside. */
static int index_aside(pm_colgen *cg)
{
    free(cg->aside_col);
    cg->aside_col = malloc(((size_t)cg->naside + 1) * sizeof *cg->aside_col);
    if (!cg->aside_col)
        return 0;
    memset(cg->aside_start, 0, ((size_t)cg->nunits + 2) * sizeof *cg->aside_start);
    for (int j = cg->seeded; j < cg->columns; j++)
        if (glp_get_col_type(cg->lp, j + 1) == GLP_FX)
            cg->aside_start[cg->col_unit[j] + 2]++;
    for (int u = 0; u < cg->nunits; u++)
        cg->aside_start[u + 2] += cg->aside_start[u + 1];
    for (int j = cg->seeded; j < cg->columns; j++)
        if (glp_get_col_type(cg->lp, j + 1) == GLP_FX)
            cg->aside_col[cg->aside_start[cg->col_unit[j] + 1]++] = j;
    return 1;
}

/* Sets aside the columns (beyond the seeds) of largest reduced cost at
 * the master's optimum once those in play outnumber both `at` x `keep` x
 * rows and `least`, down to `keep` x rows (ASIDE_KEEP, ASIDE_AT,
 * ASIDE_LEAST; tests use 0, 0 and 0: every nonbasic column of positive
 * reduced cost, every round).  Every simplex step prices every column in
 * play, and a region's master grew to 32,000 columns over 3,600 rows,
 * most of them arrangements its duals had long left behind.  A column
 * set aside is fixed at 0, which GLPK's simplex leaves out of its working
 * LP (glp_smcp.excl); only nonbasic ones are, so the basis stays whole.
 * Pricing is exact: a column that prices out again is taken back
 * (take_back), and the bound never rests on the master's columns.  The
 * generation releases them all when it ends (release_aside), so what
 * follows it sees every column generated, in the order generated (the
 * proof's and the first search's programmes keep the generation's
 * columns: with them deleted, the restricted programmes at 1,000
 * children lost ground).  0 when memory runs out. */
static int set_aside(pm_colgen *cg, double keep_per_row, double at,
                     int least)
{
    int rows = glp_get_num_rows(cg->lp), keep = (int)(keep_per_row * rows);
    int play = cg->columns - cg->seeded - cg->naside;
    if (play <= at * keep || play <= least)
        return 1;
    stale *s = malloc((size_t)play * sizeof *s);
    if (!s)
        return 0;
    int n = 0, nout = 0;
    for (int j = cg->seeded; j < cg->columns; j++)
        if (glp_get_col_stat(cg->lp, j + 1) == GLP_NL)
            s[n++] = (stale){glp_get_col_dual(cg->lp, j + 1), j};
    qsort(s, (size_t)n, sizeof *s, cmp_stale);
    for (; nout < n && play - nout > keep && s[nout].d > RC_EPS; nout++)
        glp_set_col_bnds(cg->lp, s[nout].j + 1, GLP_FX, 0, 0);
    free(s);
    cg->naside += nout;
    cg->purged += nout;
    return nout ? index_aside(cg) : 1;
}

/* Unit u's column set aside with arrangement `where`, taken back into
 * play: 1, or 0 when there is none. */
static int take_back(pm_colgen *cg, int u, const int *where, int n)
{
    if (!cg->naside)
        return 0;
    for (int i = cg->aside_start[u]; i < cg->aside_start[u + 1]; i++) {
        int j = cg->aside_col[i];
        if (glp_get_col_type(cg->lp, j + 1) == GLP_FX &&
            !memcmp(cg->col_where + cg->col_off[j], where, (size_t)n * sizeof *where)) {
            glp_set_col_bnds(cg->lp, j + 1, GLP_LO, 0, 0);
            cg->naside--;
            return 1;
        }
    }
    return 0;
}

static void release_aside(pm_colgen *cg)
{
    for (int j = cg->seeded; cg->naside && j < cg->columns; j++)
        if (glp_get_col_type(cg->lp, j + 1) == GLP_FX) {
            glp_set_col_bnds(cg->lp, j + 1, GLP_LO, 0, 0);
            cg->naside--;
        }
}

/* ---- cuts ---------------------------------------------------------- */

static int cut_rhs(const pm_colgen *cg, const pm_scenario *sc, int c)
{
    return (sc->placements[cg->cut_p[c]].capacity + (cg->cut_u[c] >= 0)) /
           cg->cut_m[c];
}

/* Children of column j's arrangement at p. */
static int column_count(const pm_colgen *cg, int j, int p)
{
    const int *m, *w = cg->col_where + cg->col_off[j];
    int n = pm_pricer_members(cg->pr, cg->col_unit[j], &m), a = 0;
    for (int i = 0; i < n; i++)
        a += w[i] == p;
    return a;
}

/* Sets the pricer's cut prices: h for every placement with cuts, at the
 * cuts' prices y. */
static void price_cuts(pm_colgen *cg, const pm_scenario *sc, const double *y)
{
    if (!cg->ncuts) {
        pm_pricer_set_cuts(cg->pr, NULL, NULL, NULL, NULL, NULL);
        return;
    }
    for (int p = 0; p < sc->nplacements; p++) {
        if (cg->cut_head[p] < 0)
            continue;
        int cap = sc->placements[p].capacity;
        double *h = cg->h + cg->hoff[p];
        memset(h, 0, ((size_t)cap + 1) * sizeof *h);
        for (int c = cg->cut_head[p]; c >= 0; c = cg->cut_next[c])
            for (int k = 1; k <= cap; k++)
                h[k] += y[c] * cut_value(cap, cg->cut_m[c], 0, k);
    }
    /* the owned cuts by unit (a counting sort) */
    memset(cg->own_start, 0, ((size_t)cg->nunits + 2) * sizeof *cg->own_start);
    int owned = 0;
    for (int c = 0; c < cg->ncuts; c++)
        if (cg->cut_u[c] >= 0) {
            cg->own_start[cg->cut_u[c] + 2]++;
            owned++;
        }
    for (int u = 0; u < cg->nunits; u++)
        cg->own_start[u + 2] += cg->own_start[u + 1];
    for (int c = 0; c < cg->ncuts; c++)
        if (cg->cut_u[c] >= 0) {
            int i = cg->own_start[cg->cut_u[c] + 1]++;
            cg->own_p[i] = cg->cut_p[c];
            cg->own_pi[i] = y[c];
        }
    pm_pricer_set_cuts(cg->pr, cg->h, cg->hoff, owned ? cg->own_start : NULL,
                       cg->own_p, cg->own_pi);
}

static int grow_cuts(pm_colgen *cg)
{
    if (cg->ncuts < cg->cutcap)
        return 1;
    int cap = 2 * cg->cutcap + 64;
    int **iv[] = {&cg->cut_p, &cg->cut_m, &cg->cut_u, &cg->cut_row,
                  &cg->cut_next, &cg->own_p};
    double **dv[] = {&cg->cut_price, &cg->cut_sep, &cg->cut_best, &cg->own_pi};
    for (size_t i = 0; i < sizeof iv / sizeof *iv; i++) {
        int *q = realloc(*iv[i], (size_t)cap * sizeof *q);
        if (!q)
            return 0;
        *iv[i] = q;
    }
    for (size_t i = 0; i < sizeof dv / sizeof *dv; i++) {
        double *q = realloc(*dv[i], (size_t)cap * sizeof *q);
        if (!q)
            return 0;
        *dv[i] = q;
    }
    cg->cutcap = cap;
    return 1;
}

/* Adds the cut on p's row with divisor m (and unit u's own row, u >= 0)
 * to the master, with every known column's coefficient; 0 when memory
 * runs out. */
static int add_cut(pm_colgen *cg, const pm_scenario *sc, int p, int m, int u)
{
    int *ind = malloc(((size_t)cg->columns + 1) * sizeof *ind);
    double *val = malloc(((size_t)cg->columns + 1) * sizeof *val);
    if (!ind || !val || !grow_cuts(cg)) {
        free(ind);
        free(val);
        return 0;
    }
    int nz = 0, c = cg->ncuts++;
    cg->cut_p[c] = p;
    cg->cut_m[c] = m;
    cg->cut_u[c] = u;
    for (int j = 0; j < cg->columns; j++) {
        double v = cg->col_unit[j] < 0
                       ? 0 : cut_coef(cg, sc, c, cg->col_unit[j],
                                      column_count(cg, j, p));
        if (v) {
            ind[++nz] = j + 1;
            val[nz] = v;
        }
    }
    cg->cut_row[c] = glp_add_rows(cg->lp, 1);
    cg->cut_price[c] = cg->cut_sep[c] = cg->cut_best[c] = 0;
    cg->cut_next[c] = cg->cut_head[p];
    cg->cut_head[p] = c;
    glp_set_row_bnds(cg->lp, cg->cut_row[c], GLP_UP, 0, cut_rhs(cg, sc, c));
    glp_set_mat_row(cg->lp, cg->cut_row[c], nz, ind, val);
    free(ind);
    free(val);
    return 1;
}

typedef struct broken {
    double by;
    int p, m, u;
} broken;

static int cmp_broken(const void *x, const void *y)
{
    const broken *a = x, *b = y;
    if (a->by != b->by)
        return a->by > b->by ? -1 : 1;
    if (a->p != b->p)
        return (a->p > b->p) - (a->p < b->p);
    if (a->m != b->m)
        return (a->m > b->m) - (a->m < b->m);
    return (a->u > b->u) - (a->u < b->u);
}

/* Orders (unit, placement) pairs, to sum each pair's share. */
static int cmp_owned(const void *x, const void *y)
{
    const broken *a = x, *b = y;
    if (a->u != b->u)
        return (a->u > b->u) - (a->u < b->u);
    return (a->p > b->p) - (a->p < b->p);
}

/* At the master's solution: the left-hand side of every cut without an
 * owner in cg->lhs (per placement, per divisor), and in own[] (returns
 * how many, -1 when out of memory) per unit and placement with an odd
 * number of the unit's children there, the share of the unit's columns
 * that do so (by). */
static int cut_lhs(pm_colgen *cg, const pm_scenario *sc, broken **own)
{
    int W = CUT_M_MAX + 1, n_own = 0, cap_own = 0;
    *own = NULL;
    memset(cg->lhs, 0, (size_t)sc->nplacements * W * sizeof *cg->lhs);
    for (int j = 0; j < cg->columns; j++) {
        double x = cg->col_unit[j] < 0 ? 0 : glp_get_col_prim(cg->lp, j + 1);
        const int *m, *w = cg->col_where + cg->col_off[j];
        int n = x > 1e-9 ? pm_pricer_members(cg->pr, cg->col_unit[j], &m) : 0;
        for (int i = 0; i < n; i++) {
            int p = w[i], seen = 0;
            for (int k = 0; k < i && !seen; k++)
                seen = w[k] == p;
            if (p < 0 || seen)
                continue;
            int a = column_count(cg, j, p), top = sc->placements[p].capacity + 1;
            for (int d = 2; d <= CUT_M_MAX && d <= top; d++)
                cg->lhs[p * W + d] += cut_value(top - 1, d, 0, a) * x;
            if (!(a & 1) || sc->placements[p].capacity % 2 || !sc->placements[p].capacity)
                continue; /* owned cuts pay off at even capacities only */
            if (n_own == cap_own) {
                cap_own = 2 * cap_own + 256;
                broken *q = realloc(*own, (size_t)cap_own * sizeof *q);
                if (!q)
                    return -1;
                *own = q;
            }
            (*own)[n_own++] = (broken){x, p, 2, cg->col_unit[j]};
        }
    }
    if (!n_own)
        return 0;
    qsort(*own, (size_t)n_own, sizeof **own, cmp_owned);
    int k = 0;
    for (int i = 0; i < n_own; i++) {
        if (k && (*own)[k - 1].u == (*own)[i].u && (*own)[k - 1].p == (*own)[i].p)
            (*own)[k - 1].by += (*own)[i].by;
        else
            (*own)[k++] = (*own)[i];
    }
    return k;
}

/* Adds the cuts the master's solution breaks most (CUTS_PER_ROUND at
 * most): on one capacity row, floor(a / m) per column <= floor(capacity /
 * m); and at an even capacity with one unit's own row, floor((a + 1) / 2)
 * for its columns, floor(a / 2) for the others <= capacity / 2.  Returns
 * how many (-1: out of memory). */
static int separate(pm_colgen *cg, const pm_scenario *sc)
{
    int W = CUT_M_MAX + 1, n = 0;
    broken *own;
    int n_own = cut_lhs(cg, sc, &own);
    broken *b = n_own >= 0 ? malloc(((size_t)sc->nplacements * W + n_own + 1) *
                                    sizeof *b) : NULL;
    if (!b) {
        free(own);
        return -1;
    }
    for (int p = 0; p < sc->nplacements; p++)
        for (int d = 2; d <= CUT_M_MAX; d++) {
            double by = cg->lhs[p * W + d] - sc->placements[p].capacity / d;
            if (by > CUT_EPS)
                b[n++] = (broken){by, p, d, -1};
        }
    for (int i = 0; i < n_own; i++) {
        int p = own[i].p;
        double by = cg->lhs[p * W + 2] + own[i].by - sc->placements[p].capacity / 2;
        if (by > CUT_EPS)
            b[n++] = (broken){by, p, 2, own[i].u};
    }
    free(own);
    qsort(b, (size_t)n, sizeof *b, cmp_broken);
    if (n > CUTS_PER_ROUND)
        n = CUTS_PER_ROUND;
    for (int i = 0; i < n; i++)
        if (!add_cut(cg, sc, b[i].p, b[i].m, b[i].u)) {
            free(b);
            return -1;
        }
    free(b);
    return n;
}

/* Prices every unit at (cg->sep, cg->sep_sig); adds the arrangements whose
 * reduced cost at the master's duals is negative (all of them when
 * add_all, before the first solve).  Returns how many were added (-1:
 * out of memory); keeps the best L seen. */
static int price_round(pm_colgen *cg, const pm_scenario *sc,
                       const pm_arcs *arcs, int add_all)
{
    int np = sc->nplacements, added = 0;
    double total = -pm_pricer_capacity_term(cg->pr, cg->sep, cg->sep_sig);
    for (int c = 0; c < cg->ncuts; c++)
        total -= cg->cut_sep[c] * cut_rhs(cg, sc, c);
    for (int u = 0; u < cg->nunits; u++) {
        const int *m;
        int n = pm_pricer_members(cg->pr, u, &m);
        total += pm_pricer_best(cg->pr, u, cg->sep, cg->sep_sig, cg->where);
        double cost = arrangement_cost(sc, arcs, m, n, cg->where);
        int k = column_entries(cg, sc, u, cg->where, n);
        double rc = cost;
        for (int e = 1; e <= k && !add_all; e++)
            rc -= cg->vals[e] * glp_get_row_dual(cg->lp, cg->rows[e]);
        if (cost >= 0 && (add_all || rc < -RC_EPS * fmax(1, cost))) {
            if (!take_back(cg, u, cg->where, n) && !add_column(cg, u, n, k, cost))
                return -1;
            added++;
        }
    }
    if (total > cg->bound) {
        cg->bound = total;
        memcpy(cg->mu, cg->sep, (size_t)np * sizeof *cg->mu);
        memcpy(cg->sig, cg->sep_sig, (size_t)np * sizeof *cg->sig);
        if (cg->ncuts)
            memcpy(cg->cut_best, cg->cut_sep, (size_t)cg->ncuts * sizeof *cg->cut_best);
    }
    return added;
}

static int alloc_state(pm_colgen *cg, const pm_scenario *sc,
                       const pm_arcs *arcs)
{
    size_t np = (size_t)sc->nplacements + 1, nc = (size_t)sc->nchildren + 2;
    /* a column's entries: its unit's row, then per placement it uses a
     * capacity row, a sibling-only row and up to CUT_M_MAX - 1 cuts */
    size_t ne = (size_t)(CUT_M_MAX + 2) * nc;
    cg->hoff = malloc(np * sizeof *cg->hoff);
    cg->cut_head = malloc(np * sizeof *cg->cut_head);
    cg->lhs = malloc(np * (CUT_M_MAX + 1) * sizeof *cg->lhs);
    if (!cg->hoff || !cg->cut_head || !cg->lhs)
        return 0;
    size_t nh = 0;
    for (int p = 0; p < sc->nplacements; p++) {
        cg->hoff[p] = (int)nh;
        cg->cut_head[p] = -1;
        nh += (size_t)sc->placements[p].capacity + 1;
    }
    cg->h = calloc(nh + 1, sizeof *cg->h);
    cg->mu = calloc(np, sizeof *cg->mu);
    cg->sig = calloc(np, sizeof *cg->sig);
    cg->price = calloc(np, sizeof *cg->price);
    cg->price_sig = calloc(np, sizeof *cg->price_sig);
    cg->sep = calloc(np, sizeof *cg->sep);
    cg->sep_sig = calloc(np, sizeof *cg->sep_sig);
    cg->sibrow = calloc(np, sizeof *cg->sibrow);
    cg->where = malloc(nc * sizeof *cg->where);
    cg->rows = malloc(ne * sizeof *cg->rows);
    cg->vals = malloc(ne * sizeof *cg->vals);
    if (!cg->h || !cg->mu || !cg->sig || !cg->price || !cg->price_sig || !cg->sep ||
        !cg->sep_sig || !cg->sibrow || !cg->where || !cg->rows || !cg->vals ||
        pm_pricer_create(sc, arcs, &cg->pr) != PM_OK)
        return 0;
    cg->nunits = pm_pricer_units(cg->pr);
    cg->own_start = calloc((size_t)cg->nunits + 2, sizeof *cg->own_start);
    cg->aside_start = calloc((size_t)cg->nunits + 2, sizeof *cg->aside_start);
    return cg->own_start && cg->aside_start;
}

/* The master's duals as prices (>= 0). */
static void read_prices(pm_colgen *cg, const pm_scenario *sc)
{
    for (int p = 0; p < sc->nplacements; p++) {
        cg->price[p] = fmax(0, -glp_get_row_dual(cg->lp, p + 1));
        cg->price_sig[p] = cg->sibrow[p]
            ? fmax(0, -glp_get_row_dual(cg->lp, cg->sibrow[p])) : 0;
    }
    for (int c = 0; c < cg->ncuts; c++)
        cg->cut_price[c] = fmax(0, -glp_get_row_dual(cg->lp, cg->cut_row[c]));
}

/* One pricing round: smoothed towards the best bound's prices first; a
 * round that adds nothing there (mispricing) is repeated at the master's
 * own duals, where nothing to add means the master is optimal. */
static int smoothed_round(pm_colgen *cg, const pm_scenario *sc,
                          const pm_arcs *arcs)
{
    for (double a = isfinite(cg->bound) ? SMOOTH : 0;; a = 0) {
        for (int p = 0; p < sc->nplacements; p++) {
            cg->sep[p] = a * cg->mu[p] + (1 - a) * cg->price[p];
            cg->sep_sig[p] = a * cg->sig[p] + (1 - a) * cg->price_sig[p];
        }
        for (int c = 0; c < cg->ncuts; c++)
            cg->cut_sep[c] = a * cg->cut_best[c] + (1 - a) * cg->cut_price[c];
        price_cuts(cg, sc, cg->cut_sep);
        int added = price_round(cg, sc, arcs, 0);
        if (added != 0 || a == 0)
            return added;
    }
}

/* Seconds left of a generation given `seconds` (> 0).  Once the master
 * has been cut, the generation may run CUT_GRACE times its share to
 * converge again: the cuts are where the bound gains (3,000 children:
 * 2,149,653 before them, 2,156,120 after), and a region's first
 * convergence takes 12-19 s between runs of the same instance, so under a
 * 60 s limit the rounds after the cuts (5-8 s) sometimes fit its 24 s and
 * sometimes not; the bound stays the best seen either way. */
static double time_left(double seconds, int separations, double t0)
{
    return (separations ? CUT_GRACE : 1.0) * seconds -
           (pm_clock_seconds() - t0);
}

pm_status pm_colgen_run(const pm_scenario *sc, const pm_arcs *arcs,
                        const double *mu0, const int *start, int max_iter,
                        int cut_rounds, int purge_mode, double seconds,
                        pm_colgen *cg)
{
    double t0 = pm_clock_seconds();
    memset(cg, 0, sizeof *cg);
    cg->bound = -INFINITY;
    cg->master = INFINITY;
    if (!alloc_state(cg, sc, arcs))
        return PM_ERR_NOMEM;
    create_master(cg, sc);
    if (!add_slacks(cg, sc) || !seed_columns(cg, sc, arcs, start))
        return PM_ERR_NOMEM;
    cg->seeded = cg->columns;
    if (mu0) {
        for (int p = 0; p < sc->nplacements; p++)
            cg->sep[p] = isfinite(mu0[p]) && mu0[p] > 0 ? mu0[p] : 0;
        if (price_round(cg, sc, arcs, 1) < 0)
            return PM_ERR_NOMEM;
    }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    int separations = 0;
    for (int it = 0; it < max_iter; it++) {
        /* a master with fresh cuts can take seconds to re-solve at 3,000
         * children: without a limit of its own it ran into the searches'
         * time */
        double left = time_left(seconds, separations, t0);
        if (seconds > 0 && left <= 0)
            break;
        parm.tm_lim = seconds > 0 ? (int)fmin(1e9, 1000 * left) + 1 : INT_MAX;
        if (glp_simplex(cg->lp, &parm) != 0 || glp_get_status(cg->lp) != GLP_OPT)
            break;
        cg->iterations = it + 1;
        cg->master = glp_get_obj_val(cg->lp);
        read_prices(cg, sc);
        if (purge_mode &&
            !(purge_mode == 1 ? set_aside(cg, ASIDE_KEEP, ASIDE_AT, ASIDE_LEAST)
                              : set_aside(cg, 0, 0, 0)))
            return PM_ERR_NOMEM;
        int added = smoothed_round(cg, sc, arcs);
        if (added < 0)
            return PM_ERR_NOMEM;
        /* within 1e-6 of the master: the last rounds only shuffle
         * degenerate duals (600 children: a hundred more rounds, half a
         * second, for a penny a week; 3,000 children at 1e-7: 320 more
         * rounds, 15 s, each adding a dozen columns and no bound, so the
         * cuts never came) */
        int late = seconds > 0 && time_left(seconds, separations, t0) <= 0;
        if (!added || cg->master - cg->bound <= 1e-6 * fmax(1, fabs(cg->master))) {
            /* the master is solved: cut it (not once its share is spent),
             * or stop */
            int cut = separations < cut_rounds &&
                      !(seconds > 0 && time_left(seconds, 0, t0) < 0);
            int cuts = cut ? separate(cg, sc) : 0;
            if (cuts < 0)
                return PM_ERR_NOMEM;
            separations += cuts > 0;
            if (cuts > 0)
                continue;
            cg->converged = 1;
            break;
        }
        if (late)
            break;
    }
    release_aside(cg);
    price_cuts(cg, sc, cg->cut_best); /* for deltas at the best bound */
    return PM_OK;
}

int pm_colgen_add(pm_colgen *cg, const pm_scenario *sc, const pm_arcs *arcs,
                  int u, const int *where)
{
    const int *m;
    int n = pm_pricer_members(cg->pr, u, &m);
    double cost = arrangement_cost(sc, arcs, m, n, where);
    if (cost < 0)
        return -1;
    memcpy(cg->where, where, (size_t)n * sizeof *where);
    if (!add_column(cg, u, n, column_entries(cg, sc, u, cg->where, n), cost))
        return -2;
    return cg->columns - 1;
}

int pm_colgen_entries(pm_colgen *cg, const pm_scenario *sc, int u,
                      const int *where, const int **rows, const double **vals)
{
    const int *m;
    int n = pm_pricer_members(cg->pr, u, &m);
    memcpy(cg->where, where, (size_t)n * sizeof *where);
    int k = column_entries(cg, sc, u, cg->where, n);
    *rows = cg->rows;
    *vals = cg->vals;
    return k;
}

double pm_colgen_cost(const pm_colgen *cg, const pm_scenario *sc,
                      const pm_arcs *arcs, int u, const int *where)
{
    const int *m;
    int n = pm_pricer_members(cg->pr, u, &m);
    return arrangement_cost(sc, arcs, m, n, where);
}

double pm_colgen_cut_term(const pm_colgen *cg, const pm_scenario *sc)
{
    double t = 0;
    for (int c = 0; c < cg->ncuts; c++)
        t += cg->cut_best[c] * cut_rhs(cg, sc, c);
    return t;
}

int pm_colgen_integer(const pm_colgen *cg, const pm_scenario *sc,
                      double seconds, int *assign)
{
    if (!cg->lp || !cg->iterations)
        return 0;
    glp_prob *ip = glp_create_prob();
    glp_copy_prob(ip, cg->lp, GLP_OFF);
    for (int j = 0; j < cg->columns; j++) {
        if (cg->col_unit[j] < 0) /* no slack: a solution must keep the rows */
            glp_set_col_bnds(ip, j + 1, GLP_FX, 0, 0);
        else
            glp_set_col_kind(ip, j + 1, GLP_BV);
    }
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.tm_lim = seconds > 0 ? (int)fmin(1e9, 1000 * seconds) : INT_MAX;
    int found = 0;
    /* from the master's basis (GLPK's presolver would start from nothing:
     * on the bundled borough it found no integer point in 3 s, where the
     * warm start finds one in 1 s) */
    glp_smcp sm;
    glp_init_smcp(&sm);
    sm.msg_lev = GLP_MSG_OFF;
    if (glp_simplex(ip, &sm) != 0 || glp_get_status(ip) != GLP_OPT) {
        glp_delete_prob(ip);
        return 0;
    }
    if (glp_intopt(ip, &parm) == 0 || glp_mip_status(ip) == GLP_FEAS) {
        int st = glp_mip_status(ip);
        found = st == GLP_OPT || st == GLP_FEAS;
    }
    for (int c = 0; found && c < sc->nchildren; c++)
        assign[c] = -1;
    for (int j = 0; found && j < cg->columns; j++) {
        if (cg->col_unit[j] < 0 || glp_mip_col_val(ip, j + 1) < 0.5)
            continue;
        const int *m, *w = cg->col_where + cg->col_off[j];
        int n = pm_pricer_members(cg->pr, cg->col_unit[j], &m);
        for (int i = 0; i < n; i++)
            assign[m[i]] = w[i];
    }
    glp_delete_prob(ip);
    return found;
}

void pm_colgen_support(const pm_colgen *cg, const pm_arcs *arcs,
                       unsigned char *mask)
{
    memset(mask, 0, (size_t)arcs->count);
    if (!cg->lp || !cg->iterations)
        return;
    for (int j = 0; j < cg->columns; j++) {
        if (cg->col_unit[j] < 0 || glp_get_col_prim(cg->lp, j + 1) <= 1e-9)
            continue;
        const int *m, *w = cg->col_where + cg->col_off[j];
        int n = pm_pricer_members(cg->pr, cg->col_unit[j], &m);
        for (int i = 0; i < n; i++) {
            int a = w[i] >= 0 ? pm_arc_find(arcs, m[i], w[i]) : -1;
            if (a >= 0)
                mask[a] = 1;
        }
    }
}

void pm_colgen_free(pm_colgen *cg, int env_lost)
{
    if (cg->lp && !env_lost)
        glp_delete_prob(cg->lp);
    cg->lp = NULL;
    pm_pricer_free(cg->pr);
    cg->pr = NULL;
    double **d[] = {&cg->mu, &cg->sig, &cg->price, &cg->price_sig, &cg->sep,
                    &cg->sep_sig, &cg->vals, &cg->cut_price, &cg->cut_sep,
                    &cg->cut_best, &cg->h, &cg->lhs, &cg->own_pi};
    for (size_t i = 0; i < sizeof d / sizeof *d; i++) {
        free(*d[i]);
        *d[i] = NULL;
    }
    int **ip[] = {&cg->where, &cg->rows, &cg->sibrow, &cg->col_unit,
                  &cg->col_off, &cg->col_where, &cg->cut_p, &cg->cut_m,
                  &cg->cut_row, &cg->cut_head, &cg->cut_next, &cg->hoff,
                  &cg->cut_u, &cg->own_start, &cg->own_p, &cg->aside_start,
                  &cg->aside_col};
    for (size_t i = 0; i < sizeof ip / sizeof *ip; i++) {
        free(*ip[i]);
        *ip[i] = NULL;
    }
}
