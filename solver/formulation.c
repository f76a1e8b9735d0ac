/* Building the formulation (formulation.h): columns, rows and nonzeros in
 * growable arrays, one function per family of rows. */
#include "formulation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void *grow(void *p, int *cap, int need, size_t size, int *oom)
{
    if (need < *cap)
        return p;
    int bigger = *cap ? *cap : 256;
    while (bigger <= need)
        bigger *= 2;
    void *q = realloc(p, (size_t)bigger * size);
    if (!q) {
        *oom = 1;
        return p;
    }
    *cap = bigger;
    return q;
}

static int add_col(builder *B, int kind, int a, int b, double cost,
                   double lb, double ub)
{
    int need = B->ncols + 2, cap = B->colcap;
    B->kind = grow(B->kind, &cap, need, 1, &B->oom);
    cap = B->colcap;
    B->ca = grow(B->ca, &cap, need, sizeof(int), &B->oom);
    cap = B->colcap;
    B->cb = grow(B->cb, &cap, need, sizeof(int), &B->oom);
    cap = B->colcap;
    B->cost = grow(B->cost, &cap, need, sizeof(double), &B->oom);
    cap = B->colcap;
    B->lb = grow(B->lb, &cap, need, sizeof(double), &B->oom);
    cap = B->colcap;
    B->ub = grow(B->ub, &cap, need, sizeof(double), &B->oom);
    if (B->oom)
        return 0;
    B->colcap = cap;
    int j = ++B->ncols;
    B->kind[j] = (unsigned char)kind;
    B->ca[j] = a;
    B->cb[j] = b;
    B->cost[j] = cost;
    B->lb[j] = lb;
    B->ub[j] = ub;
    return j;
}

static int add_row(builder *B, double ub)
{
    int cap = B->rowcap;
    B->rub = grow(B->rub, &cap, B->nrows + 2, sizeof(double), &B->oom);
    if (B->oom)
        return 0;
    B->rowcap = cap;
    B->rub[++B->nrows] = ub;
    return B->nrows;
}

static void add_nz(builder *B, int row, int col, double v)
{
    int need = B->nnz + 2, cap = B->nzcap;
    B->ia = grow(B->ia, &cap, need, sizeof(int), &B->oom);
    cap = B->nzcap;
    B->ja = grow(B->ja, &cap, need, sizeof(int), &B->oom);
    cap = B->nzcap;
    B->ar = grow(B->ar, &cap, need, sizeof(double), &B->oom);
    if (B->oom)
        return;
    B->nzcap = cap;
    B->nnz++;
    B->ia[B->nnz] = row;
    B->ja[B->nnz] = col;
    B->ar[B->nnz] = v;
}

/* ---- building the formulation --------------------------------------- */

/* An arc with a >= U is never better than leaving the child unmatched,
 * unless a sibling there could unlock sibling-only places for others. */
static int arc_useful(const builder *B, int c, int i)
{
    const pm_scenario *sc = B->sc;
    const pm_child_rec *ch = &sc->children[c];
    int p = B->arcs->place[i];
    if (ch->stay)
        return 1;
    if (B->keep && !B->keep[i])
        return 0;
    if (B->arcs->cost[i] < sc->policy.unmatched_week)
        return 1;
    return ch->group >= 0 && sc->placements[p].sibling_only > 0;
}

static void build_x(builder *B)
{
    const pm_scenario *sc = B->sc;
    const pm_arcs *a = B->arcs;
    double U = sc->policy.unmatched_week;
    for (int c = 0; c < sc->nchildren && !B->oom; c++) {
        int pinned = sc->children[c].stay || (B->fixed && B->fixed[c]);
        int row = pinned ? 0 : add_row(B, 1);
        for (int i = a->start[c]; i < a->start[c + 1] && !B->oom; i++) {
            if (!arc_useful(B, c, i))
                continue;
            int j = add_col(B, COL_X, i, c, a->cost[i] - U, pinned, 1);
            B->xcol[i] = j;
            if (row)
                add_nz(B, row, j, 1);
        }
    }
}

typedef struct member_arc {
    int p, child, col;
} member_arc;

static int cmp_member_arc(const void *x, const void *y)
{
    const member_arc *a = x, *b = y;
    if (a->p != b->p)
        return (a->p > b->p) - (a->p < b->p);
    return (a->child > b->child) - (a->child < b->child);
}

/* Linking rows of group g at placement p for members run[0..n). */
static void link_group_at(builder *B, int g, int p, const member_arc *run,
                          int n, int drow, int *wlist, int *nw)
{
    const pm_scenario *sc = B->sc;
    const pm_placement_rec *pl = &sc->placements[p];
    if (sc->policy.sibling_split_week > 0) {
        if (n == 1) {
            add_nz(B, drow, run[0].col, 1);
        } else {
            int y = add_col(B, COL_Y, g, p, 0, 0, 1);
            add_nz(B, drow, y, 1);
            for (int k = 0; k < n; k++) {
                int r = add_row(B, 0);
                add_nz(B, r, run[k].col, 1);
                add_nz(B, r, y, -1);
            }
            int m = pl->capacity < n ? pl->capacity : n;
            if (m < n) { /* capacity-aware aggregated linking */
                int r = add_row(B, 0);
                for (int k = 0; k < n; k++)
                    add_nz(B, r, run[k].col, 1);
                add_nz(B, r, y, -m);
            }
        }
    }
    if (pl->sibling_only > 0 && n >= 2) {
        int w = add_col(B, COL_W, g, p, 0, 0, 1);
        int r = add_row(B, 0);
        add_nz(B, r, w, 2);
        for (int k = 0; k < n; k++)
            add_nz(B, r, run[k].col, -1);
        wlist[2 * *nw] = p;
        wlist[2 * *nw + 1] = w;
        ++*nw;
    }
}

/* Splits and sibling-only unlocking, group by group.  wlist receives
 * (placement, w column) pairs. */
static void build_groups(builder *B, int *wlist, int *nw)
{
    const pm_scenario *sc = B->sc;
    const pm_arcs *a = B->arcs;
    member_arc *buf = NULL;
    int cap = 0;
    for (int g = 0; g < sc->ngroups && !B->oom; g++) {
        if (pm_group_size(sc, g) < 2)
            continue;
        int n = 0;
        for (int k = sc->group_start[g]; k < sc->group_start[g + 1]; k++) {
            int c = sc->group_member[k];
            for (int i = a->start[c]; i < a->start[c + 1]; i++) {
                if (!B->xcol[i])
                    continue;
                buf = grow(buf, &cap, n + 1, sizeof *buf, &B->oom);
                if (B->oom)
                    break;
                buf[n++] = (member_arc){a->place[i], c, B->xcol[i]};
            }
        }
        if (B->oom)
            break;
        if (n > 1)
            qsort(buf, (size_t)n, sizeof *buf, cmp_member_arc);
        int drow = 0;
        if (sc->policy.sibling_split_week > 0) {
            int s = add_col(B, COL_S, g, 0, sc->policy.sibling_split_week, 0,
                            INFINITY);
            drow = add_row(B, 1); /* sum y - s <= 1 */
            add_nz(B, drow, s, -1);
        }
        for (int i = 0, j; i < n && !B->oom; i = j) {
            for (j = i; j < n && buf[j].p == buf[i].p; j++)
                ;
            link_group_at(B, g, buf[i].p, buf + i, j - i, drow, wlist, nw);
        }
    }
    free(buf);
}

/* Capacity and sibling-only rows, placement by placement. */
static void build_capacity(builder *B, const int *wlist, int nw)
{
    const pm_scenario *sc = B->sc;
    const pm_arcs *a = B->arcs;
    int np = sc->nplacements;
    int *cap_row = calloc((size_t)np + 1, sizeof *cap_row);
    int *so_row = calloc((size_t)np + 1, sizeof *so_row);
    if (!cap_row || !so_row)
        B->oom = 1;
    for (int c = 0; c < sc->nchildren && !B->oom; c++) {
        for (int i = a->start[c]; i < a->start[c + 1] && !B->oom; i++) {
            int p = a->place[i];
            const pm_placement_rec *pl = &sc->placements[p];
            if (!B->xcol[i])
                continue;
            if (!cap_row[p]) {
                cap_row[p] = add_row(B, pl->capacity);
                if (pl->sibling_only > 0)
                    so_row[p] = add_row(B, pl->capacity - pl->sibling_only);
            }
            add_nz(B, cap_row[p], B->xcol[i], 1);
            if (so_row[p])
                add_nz(B, so_row[p], B->xcol[i], 1);
        }
    }
    for (int k = 0; k < nw && !B->oom; k++) {
        int p = wlist[2 * k];
        add_nz(B, so_row[p], wlist[2 * k + 1], -sc->placements[p].sibling_only);
    }
    free(cap_row);
    free(so_row);
}

/* x[c,p] + x[d,p] <= 1 for every avoid pair and shared placement. */
static void build_avoid(builder *B)
{
    const pm_scenario *sc = B->sc;
    const pm_arcs *a = B->arcs;
    for (int c = 0; c < sc->nchildren && !B->oom; c++) {
        const pm_child_rec *ch = &sc->children[c];
        for (int k = 0; k < ch->navoid; k++) {
            int d = ch->avoid[k];
            if (d <= c)
                continue;
            /* both arc lists are sorted by placement: merge them */
            int i = a->start[c], j = a->start[d];
            while (i < a->start[c + 1] && j < a->start[d + 1] && !B->oom) {
                if (a->place[i] < a->place[j]) {
                    i++;
                } else if (a->place[i] > a->place[j]) {
                    j++;
                } else {
                    if (B->xcol[i] && B->xcol[j]) {
                        int r = add_row(B, 1);
                        add_nz(B, r, B->xcol[i], 1);
                        add_nz(B, r, B->xcol[j], 1);
                    }
                    i++, j++;
                }
            }
        }
    }
}

void pm_builder_free(builder *B)
{
    free(B->xcol);
    free(B->kind);
    free(B->ca);
    free(B->cb);
    free(B->cost);
    free(B->lb);
    free(B->ub);
    free(B->rub);
    free(B->ia);
    free(B->ja);
    free(B->ar);
}

pm_status pm_builder_build(builder *B, const pm_scenario *sc,
                           const pm_arcs *arcs, const unsigned char *keep,
                           const unsigned char *fixed)
{
    memset(B, 0, sizeof *B);
    B->sc = sc;
    B->arcs = arcs;
    B->keep = keep;
    B->fixed = fixed;
    B->xcol = calloc((size_t)arcs->count + 1, sizeof(int));
    int *wlist = malloc(((size_t)arcs->count + 1) * 2 * sizeof(int));
    int nw = 0;
    if (!B->xcol || !wlist)
        B->oom = 1;
    if (!B->oom)
        build_x(B);
    if (!B->oom)
        build_groups(B, wlist, &nw);
    if (!B->oom)
        build_capacity(B, wlist, nw);
    if (!B->oom)
        build_avoid(B);
    free(wlist);
    return B->oom ? PM_ERR_NOMEM : PM_OK;
}

