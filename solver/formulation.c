/* Building the formulation (formulation.h): columns, rows and nonzeros in
 * growable arrays, one function per family of rows. */
#include "formulation.h"
#include "evaluate.h"

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

/* The children the programme places: every one, or a neighbourhood's. */
static int nbuilt(const builder *B)
{
    return B->sub ? B->sub->nfree : B->sc->nchildren;
}

static int built(const builder *B, int k)
{
    return B->sub ? B->sub->free[k] : k;
}

/* Where the column of arc i (of child c) is kept. */
static int *xcol_at(const builder *B, int c, int i)
{
    return &B->xcol[B->slot[c] + i - B->arcs->start[c]];
}

/* The column of arc i of child c: 0 when dropped or c is held. */
static int xcol(const builder *B, int c, int i)
{
    return B->slot[c] < 0 ? 0 : *xcol_at(B, c, i);
}

/* In part of the problem: a held child that c must avoid is at the
 * placement of arc i. */
static int held_avoider(const builder *B, int c, int i)
{
    const pm_child_rec *ch = &B->sc->children[c];
    for (int k = 0; k < ch->navoid; k++)
        if (B->slot[ch->avoid[k]] < 0 &&
            B->sub->hold[ch->avoid[k]] == B->arcs->place[i])
            return 1;
    return 0;
}

int pm_subproblem_opens(const pm_subproblem *sub, const pm_arcs *arcs, int c,
                        int i)
{
    int p = arcs->place[i];
    return !sub->open || sub->open[p] || sub->hold[c] == p;
}

/* In part of the problem, arc i of child c is open when it leads to an
 * open placement or to hold[c], and no held child that c must avoid is
 * there. */
static int arc_open(const builder *B, int c, int i)
{
    return pm_subproblem_opens(B->sub, B->arcs, c, i) &&
           !held_avoider(B, c, i);
}

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
    if (B->sub && !arc_open(B, c, i))
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
    for (int k = 0; k < nbuilt(B) && !B->oom; k++) {
        int c = built(B, k);
        int pinned = sc->children[c].stay;
        int row = pinned ? 0 : add_row(B, 1);
        for (int i = a->start[c]; i < a->start[c + 1] && !B->oom; i++) {
            if (!arc_useful(B, c, i))
                continue;
            if (pinned && B->sub && held_avoider(B, c, i))
                B->infeasible = 1; /* pinned beside one it must avoid */
            int j = add_col(B, COL_X, i, c, a->cost[i] - U, pinned, 1);
            *xcol_at(B, c, i) = j;
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

/* Splits and sibling-only unlocking for group g: its members' columns
 * sorted by placement (into *buf), then the rows at each placement. */
static void build_group(builder *B, int g, member_arc **buf, int *cap,
                        int *wlist, int *nw)
{
    const pm_scenario *sc = B->sc;
    const pm_arcs *a = B->arcs;
    int n = 0;
    for (int k = sc->group_start[g]; k < sc->group_start[g + 1]; k++) {
        int c = sc->group_member[k];
        for (int i = a->start[c]; i < a->start[c + 1]; i++) {
            if (!xcol(B, c, i))
                continue;
            *buf = grow(*buf, cap, n + 1, sizeof **buf, &B->oom);
            if (B->oom)
                return;
            (*buf)[n++] = (member_arc){a->place[i], c, xcol(B, c, i)};
        }
    }
    if (n > 1)
        qsort(*buf, (size_t)n, sizeof **buf, cmp_member_arc);
    int drow = 0;
    if (sc->policy.sibling_split_week > 0) {
        int s = add_col(B, COL_S, g, 0, sc->policy.sibling_split_week, 0,
                        INFINITY);
        drow = add_row(B, 1); /* sum y - s <= 1 */
        add_nz(B, drow, s, -1);
    }
    for (int i = 0, j; i < n && !B->oom; i = j) {
        for (j = i; j < n && (*buf)[j].p == (*buf)[i].p; j++)
            ;
        link_group_at(B, g, (*buf)[i].p, *buf + i, j - i, drow, wlist, nw);
    }
}

/* Splits and sibling-only unlocking, group by group: every group, or in
 * part of the problem the free ones, each when its first member comes
 * (scenario.c numbers groups in the order their first members come, so
 * this is group order).  wlist receives (placement, w column) pairs. */
static void build_groups(builder *B, int *wlist, int *nw)
{
    const pm_scenario *sc = B->sc;
    member_arc *buf = NULL;
    int cap = 0;
    for (int k = 0; k < nbuilt(B) && !B->oom; k++) {
        int c = built(B, k), g = sc->children[c].group;
        if (g >= 0 && pm_group_size(sc, g) >= 2 &&
            sc->group_member[sc->group_start[g]] == c)
            build_group(B, g, &buf, &cap, wlist, nw);
    }
    free(buf);
}

/* What a neighbourhood's held children take and cost: held[p] of them
 * and wheld[p] of their groups with two or more members at placement p
 * (each unlocks sibling-only places, as its w column would), and into
 * the objective's constant their arcs' costs and their groups' splits. */
static void hold_counts(builder *B, int *held, int *wheld)
{
    const pm_scenario *sc = B->sc;
    const int *hold = B->sub->hold;
    double U = sc->policy.unmatched_week;
    for (int c = 0; c < sc->nchildren; c++) {
        if (B->slot[c] >= 0 || hold[c] < 0)
            continue;
        int i = pm_arc_find(B->arcs, c, hold[c]);
        held[hold[c]]++;
        B->constant += i >= 0 ? B->arcs->cost[i] - U : 0;
    }
    for (int g = 0; g < sc->ngroups; g++) {
        int lo = sc->group_start[g], hi = sc->group_start[g + 1];
        if (lo == hi || B->slot[sc->group_member[lo]] >= 0)
            continue; /* a free group */
        int h = pm_group_households(sc, hold, g);
        B->constant += h > 1 ? sc->policy.sibling_split_week * (h - 1) : 0;
        for (int k = lo; k < hi; k++) { /* count each placement once */
            int p = hold[sc->group_member[k]], n = 0, first = 1;
            for (int m = lo; m < hi && p >= 0; m++)
                if (hold[sc->group_member[m]] == p) {
                    n++;
                    first &= m >= k;
                }
            if (p >= 0 && first && n >= 2)
                wheld[p]++;
        }
    }
}

/* Capacity and sibling-only rows, placement by placement; in a
 * neighbourhood, what is left of them by the held children. */
static void build_capacity(builder *B, const int *wlist, int nw)
{
    const pm_scenario *sc = B->sc;
    const pm_arcs *a = B->arcs;
    int np = sc->nplacements;
    int *cap_row = calloc((size_t)np + 1, sizeof *cap_row);
    int *so_row = calloc((size_t)np + 1, sizeof *so_row);
    int *held = calloc((size_t)np + 1, sizeof *held);
    int *wheld = calloc((size_t)np + 1, sizeof *wheld);
    if (!cap_row || !so_row || !held || !wheld)
        B->oom = 1;
    if (B->sub && !B->oom)
        hold_counts(B, held, wheld);
    for (int k = 0; k < nbuilt(B) && !B->oom; k++) {
        int c = built(B, k);
        for (int i = a->start[c]; i < a->start[c + 1] && !B->oom; i++) {
            int p = a->place[i];
            const pm_placement_rec *pl = &sc->placements[p];
            if (!xcol(B, c, i))
                continue;
            if (!cap_row[p]) {
                int s = pl->sibling_only;
                cap_row[p] = add_row(B, pl->capacity - held[p]);
                if (s > 0)
                    so_row[p] = add_row(B, pl->capacity - s - held[p] +
                                               s * wheld[p]);
            }
            add_nz(B, cap_row[p], xcol(B, c, i), 1);
            if (so_row[p])
                add_nz(B, so_row[p], xcol(B, c, i), 1);
        }
    }
    for (int k = 0; k < nw && !B->oom; k++) {
        int p = wlist[2 * k];
        add_nz(B, so_row[p], wlist[2 * k + 1], -sc->placements[p].sibling_only);
    }
    for (int p = 0; B->sub && p < np && !B->oom; p++) {
        /* no row here: the held children alone must fit */
        const pm_placement_rec *pl = &sc->placements[p];
        int s = pl->sibling_only;
        if (!cap_row[p] && (held[p] > pl->capacity ||
                            (s > 0 && held[p] > 0 &&
                             held[p] - s * wheld[p] > pl->capacity - s)))
            B->infeasible = 1;
    }
    free(cap_row);
    free(so_row);
    free(held);
    free(wheld);
}

/* Two held children that must avoid each other at one placement. */
static void held_avoiders(builder *B)
{
    const pm_scenario *sc = B->sc;
    const int *hold = B->sub->hold;
    for (int c = 0; c < sc->nchildren; c++) {
        const pm_child_rec *ch = &sc->children[c];
        for (int m = 0; B->slot[c] < 0 && hold[c] >= 0 && m < ch->navoid; m++)
            if (B->slot[ch->avoid[m]] < 0 && hold[ch->avoid[m]] == hold[c])
                B->infeasible = 1;
    }
}

/* x[c,p] + x[d,p] <= 1 for every avoid pair and shared placement (in a
 * neighbourhood, pairs of free children: a held one closed the arc). */
static void build_avoid(builder *B)
{
    const pm_scenario *sc = B->sc;
    const pm_arcs *a = B->arcs;
    for (int k = 0; k < nbuilt(B) && !B->oom; k++) {
        int c = built(B, k);
        const pm_child_rec *ch = &sc->children[c];
        for (int m = 0; m < ch->navoid; m++) {
            int d = ch->avoid[m];
            if (d <= c || B->slot[d] < 0)
                continue;
            /* both arc lists are sorted by placement: merge them */
            int i = a->start[c], j = a->start[d];
            while (i < a->start[c + 1] && j < a->start[d + 1] && !B->oom) {
                if (a->place[i] < a->place[j]) {
                    i++;
                } else if (a->place[i] > a->place[j]) {
                    j++;
                } else {
                    if (xcol(B, c, i) && xcol(B, d, j)) {
                        int r = add_row(B, 1);
                        add_nz(B, r, xcol(B, c, i), 1);
                        add_nz(B, r, xcol(B, d, j), 1);
                    }
                    i++, j++;
                }
            }
        }
    }
}

void pm_builder_free(builder *B)
{
    free(B->slot);
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

/* slot[c]: every child's arcs in place (arc i at i), or a neighbourhood's
 * free children's one after another.  Returns the number of slots. */
static size_t assign_slots(builder *B)
{
    const pm_arcs *a = B->arcs;
    size_t n = 0;
    for (int c = 0; c < B->sc->nchildren; c++)
        B->slot[c] = B->sub ? -1 : a->start[c];
    if (!B->sub)
        return (size_t)a->count;
    for (int k = 0; k < B->sub->nfree; k++) {
        int c = B->sub->free[k];
        B->slot[c] = (int)n;
        n += (size_t)(a->start[c + 1] - a->start[c]);
    }
    return n;
}

pm_status pm_builder_build(builder *B, const pm_scenario *sc,
                           const pm_arcs *arcs, const unsigned char *keep,
                           const pm_subproblem *sub)
{
    memset(B, 0, sizeof *B);
    B->sc = sc;
    B->arcs = arcs;
    B->keep = keep;
    B->sub = sub;
    B->constant = sc->policy.unmatched_week * sc->nchildren;
    B->slot = malloc(((size_t)sc->nchildren + 1) * sizeof(int));
    size_t nslots = B->slot ? assign_slots(B) : 0;
    B->xcol = calloc(nslots + 1, sizeof(int));
    int *wlist = malloc((nslots + 1) * 2 * sizeof(int));
    int nw = 0;
    if (!B->slot || !B->xcol || !wlist)
        B->oom = 1;
    if (!B->oom)
        build_x(B);
    if (!B->oom)
        build_groups(B, wlist, &nw);
    if (!B->oom)
        build_capacity(B, wlist, nw);
    if (!B->oom)
        build_avoid(B);
    if (!B->oom && sub)
        held_avoiders(B);
    free(wlist);
    return B->oom ? PM_ERR_NOMEM : PM_OK;
}
