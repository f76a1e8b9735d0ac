#include "lagrange.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define DP_MAX 10     /* groups with more free members are relaxed to singles */
#define FORCE_MAX 7   /* per-arc deltas for groups up to this many free members */
/* Groups up to SEQ_MAX free members are solved with one household per
 * placement (seq_dp, exact); larger ones by partition_dp, which may put
 * two households in one placement when together they would overfill it
 * (a relaxation: still a bound, a weaker one). */
#define SEQ_MAX 6
#define BIG 1e300
#define TARGET_GAP 0.005
#define STALL_LIMIT 60
#define WARM_THETA 0.25 /* first step factor from given multipliers */

/* A sibling group as the dynamic programme sees it. */
typedef struct gunit {
    int n;          /* free (not pinned) members            */
    int *member;    /* n free child indices, then the npinned pinned ones */
    int k;          /* candidate placements                 */
    int *place;     /* k placement indices                  */
    unsigned char *open; /* k: a pinned member is already there */
    int *arc;       /* k * n: arc index or -1               */
    int d0;         /* distinct placements of pinned members */
    double fixed;   /* arc costs of pinned members          */
    int *pinned_at; /* pinned members' placements (npinned) */
    int npinned;
    int *room;      /* k: capacity left after pinned members */
} gunit;

typedef struct lctx {
    const pm_scenario *sc;
    const pm_arcs *arcs;
    double U, lambda;
    gunit *g;
    int ng;
    int *single;    /* children handled alone */
    int nsingle;
    /* scratch for the dynamic programme (2^DP_MAX entries each) */
    double *cs, *blk, *F, *F1;
    int *blk_arg, *F_arg, *F1_arg;
    double *usage;
    /* prices of the sibling-only rows (column generation), or NULL: a slot
     * at p costs mu[p] + sig[p], a household of two or more siblings there
     * earns back sibling_only * sig[p] */
    const double *sig;
    /* priced cuts (column generation's rank-1 cuts on capacity rows), or
     * NULL: h[hoff[p] + k] is what a household of k siblings at p (pinned
     * ones included) pays for them, 0 <= k <= capacity */
    const double *h;
    const int *hoff;
    /* cuts one unit owns (a capacity row with that unit's own row), or
     * NULL: unit u's are own_p[i], own_pi[i] for own_start[u] <= i <
     * own_start[u + 1]; an odd number of the unit's children at p pays
     * own_pi (on top of h) */
    const int *own_start, *own_p;
    const double *own_pi;
    /* seq_dp: G[S], and the household put at step j on the way to S */
    double *G;
    unsigned char *choice; /* kmax * 2^SEQ_MAX */
    int kmax;
    /* enumeration's tables, held here because its caller's emit may call
     * GLPK, whose failures longjmp past any frame (pm_pricer_free) */
    double *ecs, *ebwd;
    size_t ecap;
} lctx;

static int ctz(unsigned x) { return __builtin_ctz(x); }

static double slot_price(const lctx *L, const double *mu, int p)
{
    return mu[p] + (L->sig ? L->sig[p] : 0);
}

/* What a household of `size` siblings (pinned ones included) at p earns
 * back from the sibling-only row. */
static double pair_bonus(const lctx *L, int p, int size)
{
    return L->sig && size >= 2 ? L->sig[p] * L->sc->placements[p].sibling_only
                               : 0;
}

/* What k siblings together at p pay for the cuts on p's row. */
static double cut_price(const lctx *L, int p, int k)
{
    return L->h && k <= L->sc->placements[p].capacity ? L->h[L->hoff[p] + k]
                                                       : 0;
}

/* What unit `unit` pays for its own cuts with k of its children at p. */
static double own_price(const lctx *L, int unit, int p, int k)
{
    if (!L->own_start || !(k & 1))
        return 0;
    double v = 0;
    for (int i = L->own_start[unit]; i < L->own_start[unit + 1]; i++)
        if (L->own_p[i] == p)
            v += L->own_pi[i];
    return v;
}

/* mu . capacity, plus sig . (capacity - sibling_only): the constant of
 * L(mu). */
static double capacity_term(const lctx *L, const double *mu)
{
    double t = 0;
    for (int p = 0; p < L->sc->nplacements; p++) {
        const pm_placement_rec *pl = &L->sc->placements[p];
        t += mu[p] * pl->capacity;
        if (L->sig)
            t += L->sig[p] * (pl->capacity - pl->sibling_only);
    }
    return t;
}
static int popcount(unsigned x) { return __builtin_popcount(x); }

static int cmp_int(const void *x, const void *y)
{
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

/* Fills one group unit; returns 0 on OOM.  Members beyond DP_MAX free
 * ones make the group a set of singles (caller checks n). */
static int build_gunit(lctx *L, int g, gunit *u)
{
    const pm_scenario *sc = L->sc;
    const pm_arcs *a = L->arcs;
    int size = pm_group_size(sc, g), total = 0;
    const int *m = sc->group_member + sc->group_start[g];
    memset(u, 0, sizeof *u);
    u->member = malloc((size_t)size * sizeof(int));
    u->pinned_at = malloc((size_t)size * sizeof(int));
    for (int i = 0; i < size; i++)
        total += a->start[m[i] + 1] - a->start[m[i]];
    u->place = malloc(((size_t)total + 1) * sizeof(int));
    if (!u->member || !u->pinned_at || !u->place)
        return 0;
    for (int i = 0; i < size; i++) {
        const pm_child_rec *ch = &sc->children[m[i]];
        if (ch->stay) {
            u->pinned_at[u->npinned++] = ch->current;
            u->fixed += a->cost[a->start[m[i]]];
        } else {
            u->member[u->n++] = m[i];
            for (int j = a->start[m[i]]; j < a->start[m[i] + 1]; j++)
                u->place[u->k++] = a->place[j];
        }
    }
    for (int i = 0, q = u->n; i < size; i++)
        if (sc->children[m[i]].stay)
            u->member[q++] = m[i]; /* after the free ones */
    qsort(u->place, (size_t)u->k, sizeof(int), cmp_int);
    qsort(u->pinned_at, (size_t)u->npinned, sizeof(int), cmp_int);
    int k = 0;
    for (int i = 0; i < u->k; i++)
        if (k == 0 || u->place[k - 1] != u->place[i])
            u->place[k++] = u->place[i];
    u->k = k;
    for (int i = 0; i < u->npinned; i++)
        u->d0 += i == 0 || u->pinned_at[i] != u->pinned_at[i - 1];
    u->open = calloc((size_t)k + 1, 1);
    u->arc = malloc(((size_t)k * u->n + 1) * sizeof(int));
    u->room = malloc(((size_t)k + 1) * sizeof(int));
    if (!u->open || !u->arc || !u->room)
        return 0;
    for (int j = 0; j < k; j++) {
        u->room[j] = sc->placements[u->place[j]].capacity;
        for (int i = 0; i < u->npinned; i++) {
            u->open[j] |= u->pinned_at[i] == u->place[j];
            u->room[j] -= u->pinned_at[i] == u->place[j];
        }
        for (int i = 0; i < u->n; i++)
            u->arc[j * u->n + i] = pm_arc_find(a, u->member[i], u->place[j]);
    }
    return 1;
}

static void free_gunit(gunit *u)
{
    free(u->member);
    free(u->place);
    free(u->open);
    free(u->arc);
    free(u->pinned_at);
    free(u->room);
}

static int build_units(lctx *L)
{
    const pm_scenario *sc = L->sc;
    L->g = calloc((size_t)sc->ngroups + 1, sizeof *L->g);
    L->single = malloc(((size_t)sc->nchildren + 1) * sizeof(int));
    size_t dp = (size_t)1 << DP_MAX;
    L->cs = malloc(dp * sizeof(double));
    L->blk = malloc(dp * sizeof(double));
    L->F = malloc(dp * sizeof(double));
    L->F1 = malloc(dp * sizeof(double));
    L->blk_arg = malloc(dp * sizeof(int));
    L->F_arg = malloc(dp * sizeof(int));
    L->F1_arg = malloc(dp * sizeof(int));
    L->usage = calloc((size_t)sc->nplacements + 1, sizeof(double));
    if (!L->g || !L->single || !L->cs || !L->blk || !L->F || !L->F1 ||
        !L->blk_arg || !L->F_arg || !L->F1_arg || !L->usage)
        return 0;
    for (int c = 0; c < sc->nchildren; c++) {
        int g = sc->children[c].group;
        if (g < 0 || pm_group_size(sc, g) < 2)
            L->single[L->nsingle++] = c;
    }
    for (int g = 0; g < sc->ngroups; g++) {
        if (pm_group_size(sc, g) < 2)
            continue;
        gunit *u = &L->g[L->ng];
        if (!build_gunit(L, g, u)) {
            L->ng++;
            return 0;
        }
        if (u->n <= SEQ_MAX && u->k > L->kmax)
            L->kmax = u->k;
        if (u->n > DP_MAX) { /* too big to solve exactly: relax to singles */
            for (int i = sc->group_start[g]; i < sc->group_start[g + 1]; i++)
                L->single[L->nsingle++] = sc->group_member[i];
            free_gunit(u);
            continue;
        }
        L->ng++;
    }
    L->G = malloc(((size_t)1 << SEQ_MAX) * sizeof *L->G);
    L->choice = malloc(((size_t)L->kmax << SEQ_MAX) + 1);
    return L->G && L->choice;
}

static void free_units(lctx *L)
{
    free(L->ecs);
    free(L->ebwd);
    free(L->G);
    free(L->choice);
    for (int i = 0; i < L->ng; i++)
        free_gunit(&L->g[i]);
    free(L->g);
    free(L->single);
    free(L->cs);
    free(L->blk);
    free(L->F);
    free(L->F1);
    free(L->blk_arg);
    free(L->F_arg);
    free(L->F1_arg);
    free(L->usage);
}

/* cs[S] = priced cost of putting the free members in S at candidate j. */
static void subset_costs(const lctx *L, const gunit *u, int j, const double *mu,
                         double *cs)
{
    unsigned full = (1u << u->n) - 1;
    int p = u->place[j];
    double price = slot_price(L, mu, p);
    int q = L->sc->placements[p].capacity - u->room[j]; /* pinned there */
    cs[0] = 0;
    for (unsigned S = 1; S <= full; S++) {
        int b = ctz(S), arc = u->arc[j * u->n + b];
        double prev = cs[S & (S - 1)];
        cs[S] = prev < BIG && arc >= 0 && popcount(S) <= u->room[j]
                    ? prev + L->arcs->cost[arc] + price : BIG;
    }
    if (L->sig && q < 2) /* (two pinned there: eval_group counts it) */
        for (unsigned S = 1; S <= full; S++)
            if (cs[S] < BIG)
                cs[S] -= pair_bonus(L, p, q + popcount(S));
    /* the pinned ones' share: eval_group.  Only for one household per
     * placement (seq_dp): two at one placement could pay more than the
     * siblings there together (floor is not additive), while paying
     * nothing is always a bound */
    if ((L->h || L->own_start) && u->n <= SEQ_MAX) {
        int unit = L->nsingle + (int)(u - L->g);
        double base = cut_price(L, p, q) + own_price(L, unit, p, q);
        for (unsigned S = 1; S <= full; S++)
            if (cs[S] < BIG)
                cs[S] += cut_price(L, p, q + popcount(S)) +
                         own_price(L, unit, p, q + popcount(S)) - base;
    }
}

/* blk[S]: cheapest single household for S (a new one pays lambda). */
static void household_costs(lctx *L, const gunit *u, const double *mu)
{
    unsigned full = (1u << u->n) - 1;
    for (unsigned S = 0; S <= full; S++) {
        L->blk[S] = BIG;
        L->blk_arg[S] = -1;
    }
    for (int j = 0; j < u->k; j++) {
        subset_costs(L, u, j, mu, L->cs);
        double pen = u->open[j] ? 0 : L->lambda;
        for (unsigned S = 1; S <= full; S++)
            if (L->cs[S] + pen < L->blk[S]) {
                L->blk[S] = L->cs[S] + pen;
                L->blk_arg[S] = j;
            }
    }
}

/* F[S]: best way to handle the members in S (households or unmatched);
 * F1[S]: the same with at least one household.  forced: a member bit that
 * may not be unmatched (-1: none). */
static void partition_dp(lctx *L, const gunit *u, int forced)
{
    unsigned full = (1u << u->n) - 1;
    L->F[0] = 0;
    L->F1[0] = BIG;
    for (unsigned S = 1; S <= full; S++) {
        int i = ctz(S);
        unsigned rest = S & (S - 1);
        double f = BIG, f1 = BIG;
        int fa = -1, f1a = -1;
        if (i != forced) { /* i unmatched */
            f = L->U + L->F[rest];
            f1 = L->F1[rest] < BIG ? L->U + L->F1[rest] : BIG;
            fa = f1a = 0;
        }
        for (unsigned T = rest;; T = (T - 1) & rest) {
            unsigned B = T | (1u << i);
            if (L->blk[B] < BIG && L->F[S ^ B] < BIG) {
                double v = L->blk[B] + L->F[S ^ B];
                if (v < f) f = v, fa = (int)B;
                if (v < f1) f1 = v, f1a = (int)B;
            }
            if (T == 0)
                break;
        }
        L->F[S] = f;
        L->F1[S] = f1;
        L->F_arg[S] = fa;
        L->F1_arg[S] = f1a;
    }
}

/* The group's best priced cost (splits counted as max(0, D - 1)); *use_f1
 * says which table holds its arrangement. */
static double group_value(const lctx *L, const gunit *u, int *use_f1)
{
    unsigned full = (1u << u->n) - 1;
    *use_f1 = 0;
    if (u->d0 >= 1)
        return L->F[full] + L->lambda * (u->d0 - 1);
    double none = L->U * u->n; /* nobody placed: no household at all */
    double some = L->F1[full] < BIG ? L->F1[full] - L->lambda : BIG;
    if (some < none) {
        *use_f1 = 1;
        return some;
    }
    return none;
}

/* Reads the arrangement the last partition_dp chose back out of its
 * tables: counts its slots in L->usage and, when where is not NULL, puts
 * each free member's placement there (-1: unmatched). */
static void walk_arrangement(lctx *L, const gunit *u, int use_f1, int *where)
{
    unsigned S = (1u << u->n) - 1;
    int in_f1 = use_f1;
    for (int i = 0; where && i < u->n; i++)
        where[i] = -1;
    if (u->n == 0 || (u->d0 == 0 && !use_f1))
        return; /* everyone unmatched */
    while (S) {
        int arg = in_f1 ? L->F1_arg[S] : L->F_arg[S];
        if (arg <= 0) { /* lowest member unmatched */
            S &= S - 1;
            continue;
        }
        int j = L->blk_arg[arg];
        L->usage[u->place[j]] += popcount((unsigned)arg);
        for (unsigned B = (unsigned)arg; where && B; B &= B - 1)
            where[ctz(B)] = u->place[j];
        S ^= (unsigned)arg;
        in_f1 = 0;
    }
}

/* The members a candidate can take at all: cs[B] < BIG only for B
 * within them (each member's arc and room for one, subset_costs), so the
 * subsets B of S that seq_dp and seq_step try, in the same order, are
 * those of S within them. */
static unsigned housable(const gunit *u, const double *cs)
{
    unsigned A = 0;
    for (int b = 0; b < u->n; b++)
        if (cs[1u << b] < BIG)
            A |= 1u << b;
    return A;
}

/* One household per placement, placements taken in turn:
 * G[S] = cheapest way to house the members in S in the placements so far.
 * Exact for the group's own problem (room and splits as MODEL.md counts
 * them, sibling-only and avoid rules aside), in k * 3^n steps.
 * Returns the group's priced value (pinned members aside) and leaves the
 * chosen member set in *best_S for seq_walk. */
static double seq_dp(lctx *L, const gunit *u, const double *mu,
                     unsigned *best_S)
{
    unsigned full = (1u << u->n) - 1;
    double *G = L->G;
    G[0] = 0;
    for (unsigned S = 1; S <= full; S++)
        G[S] = BIG;
    for (int j = 0; j < u->k; j++) {
        unsigned char *ch = L->choice + ((size_t)j << SEQ_MAX);
        subset_costs(L, u, j, mu, L->cs);
        double pen = u->open[j] ? 0 : L->lambda;
        unsigned A = housable(u, L->cs);
        ch[0] = 0;
        for (unsigned S = full; S >= 1; S--) { /* S ^ B < S: still step j-1 */
            double best = G[S];
            unsigned arg = 0, T = S & A;
            for (unsigned B = T; B; B = (B - 1) & T) {
                if (L->cs[B] >= BIG || G[S ^ B] >= BIG)
                    continue;
                double v = G[S ^ B] + L->cs[B] + pen;
                if (v < best)
                    best = v, arg = B;
            }
            G[S] = best;
            ch[S] = (unsigned char)arg;
        }
    }
    double best = BIG;
    *best_S = 0;
    for (unsigned S = 0; S <= full; S++) {
        if (G[S] >= BIG)
            continue;
        double v = G[S] + L->U * (u->n - popcount(S)) +
                   (u->d0 >= 1 ? L->lambda * (u->d0 - 1) : S ? -L->lambda : 0);
        if (v < best)
            best = v, *best_S = S;
    }
    return best;
}

/* The households seq_dp chose for S: where[i] per free member (-1:
 * unmatched), their slots counted in L->usage. */
static void seq_walk(lctx *L, const gunit *u, unsigned S, int *where)
{
    for (int i = 0; i < u->n; i++)
        where[i] = -1;
    for (int j = u->k - 1; j >= 0 && S; j--) {
        unsigned B = L->choice[((size_t)j << SEQ_MAX) + S];
        if (!B)
            continue;
        L->usage[u->place[j]] += popcount(B);
        for (unsigned b = B; b; b &= b - 1)
            where[ctz(b)] = u->place[j];
        S ^= B;
    }
}

/* The pinned members' share of their group's priced value at mu (arcs,
 * slots, pairs among them, their cuts), their slots counted in L->usage. */
static double pinned_value(lctx *L, const gunit *u, const double *mu)
{
    double pinned = u->fixed;
    for (int i = 0; i < u->npinned; i++) {
        pinned += slot_price(L, mu, u->pinned_at[i]);
        L->usage[u->pinned_at[i]] += 1;
        /* pinned_at is sorted: the second pinned sibling at a place */
        if (i > 0 && u->pinned_at[i] == u->pinned_at[i - 1] &&
            (i < 2 || u->pinned_at[i - 2] != u->pinned_at[i]))
            pinned -= pair_bonus(L, u->pinned_at[i], 2);
        /* the last pinned sibling at a place: their cuts' share */
        int q = 1;
        while (q <= i && u->pinned_at[i - q] == u->pinned_at[i])
            q++;
        if (u->n <= SEQ_MAX &&
            (i + 1 == u->npinned || u->pinned_at[i + 1] != u->pinned_at[i]))
            pinned += cut_price(L, u->pinned_at[i], q) +
                      own_price(L, L->nsingle + (int)(u - L->g),
                                u->pinned_at[i], q);
    }
    return pinned;
}

/* The group's priced value at mu, its slots counted in L->usage; where
 * (NULL: not wanted) gets each free member's placement or -1. */
static double eval_group(lctx *L, const gunit *u, const double *mu, int *where)
{
    double pinned = pinned_value(L, u, mu);
    if (u->n == 0)
        return pinned + L->lambda * (u->d0 > 1 ? u->d0 - 1 : 0);
    if (u->n <= SEQ_MAX) {
        unsigned S;
        int scratch[SEQ_MAX];
        double v = seq_dp(L, u, mu, &S);
        seq_walk(L, u, S, where ? where : scratch);
        return pinned + v;
    }
    household_costs(L, u, mu);
    partition_dp(L, u, -1);
    int use_f1;
    double v = group_value(L, u, &use_f1);
    walk_arrangement(L, u, use_f1, where);
    return pinned + v;
}

double pm_alone_sibling_share(const pm_scenario *sc, int c, int p)
{
    int g = sc->children[c].group;
    if (g < 0 || pm_group_size(sc, g) < 2)
        return 1;
    return 1 - sc->placements[p].sibling_only / 2.0;
}

/* A slot's price for a child handled alone: mu, plus sig times its share
 * of the sibling-only row (pm_alone_sibling_share). */
static double alone_price(const lctx *L, const double *mu, int unit, int p)
{
    int c = L->single[unit];
    double share = L->sig ? pm_alone_sibling_share(L->sc, c, p) : 0;
    return mu[p] + (share != 0 ? share * L->sig[p] : 0) +
           own_price(L, unit, p, 1);
}

/* Best priced option of the child alone in unit `unit`; *best_arc = -1
 * when unmatched. */
static double single_value(const lctx *L, int unit, const double *mu,
                           int *best_arc)
{
    const pm_arcs *a = L->arcs;
    int c = L->single[unit];
    int pinned = L->sc->children[c].stay;
    double best = pinned ? BIG : L->U;
    *best_arc = -1;
    for (int i = a->start[c]; i < a->start[c + 1]; i++) {
        double v = a->cost[i] + alone_price(L, mu, unit, a->place[i]);
        if (v < best)
            best = v, *best_arc = i;
    }
    return best;
}

/* L(mu), filling L->usage with the placements each unit uses. */
static double evaluate(lctx *L, const double *mu)
{
    const pm_scenario *sc = L->sc;
    double total = 0;
    memset(L->usage, 0, (size_t)sc->nplacements * sizeof(double));
    for (int i = 0; i < L->nsingle; i++) {
        int arc;
        total += single_value(L, i, mu, &arc);
        if (arc >= 0)
            L->usage[L->arcs->place[arc]] += 1;
    }
    for (int i = 0; i < L->ng; i++)
        total += eval_group(L, &L->g[i], mu, NULL);
    return total - capacity_term(L, mu);
}

/* One step of seq_dp as a copy: out = in with candidate j's households
 * (costs cs, new-household penalty pen) allowed. */
static void seq_step(const gunit *u, const double *cs, double pen,
                     const double *in, double *out)
{
    unsigned full = (1u << u->n) - 1, A = housable(u, cs);
    for (unsigned S = 0; S <= full; S++) {
        double best = in[S];
        unsigned T = S & A;
        for (unsigned B = T; B; B = (B - 1) & T)
            if (cs[B] < BIG && in[S ^ B] < BIG && in[S ^ B] + cs[B] + pen < best)
                best = in[S ^ B] + cs[B] + pen;
        out[S] = best;
    }
}

/* seq_dp's tables run forwards (fwd[j]: candidates before j) and
 * backwards (bwd[j]: candidates j onwards), (k + 1) x 2^n each; 0 when
 * memory runs out. */
static int seq_tables(lctx *L, const gunit *u, const double *mu, double **fwd,
                      double **bwd)
{
    size_t w = (size_t)1 << u->n;
    *fwd = malloc((size_t)(u->k + 1) * w * sizeof **fwd);
    *bwd = malloc((size_t)(u->k + 1) * w * sizeof **bwd);
    if (!*fwd || !*bwd)
        return 0;
    for (unsigned S = 0; S < w; S++)
        (*fwd)[S] = (*bwd)[(size_t)u->k * w + S] = S ? BIG : 0;
    for (int j = 0; j < u->k; j++) {
        subset_costs(L, u, j, mu, L->cs);
        seq_step(u, L->cs, u->open[j] ? 0 : L->lambda, *fwd + j * w,
                 *fwd + (j + 1) * w);
    }
    for (int j = u->k - 1; j >= 0; j--) {
        subset_costs(L, u, j, mu, L->cs);
        seq_step(u, L->cs, u->open[j] ? 0 : L->lambda, *bwd + (j + 1) * w,
                 *bwd + j * w);
    }
    return 1;
}

/* mb[B]: the group's best value (pinned members aside) with exactly the
 * free members B housed at candidate j; H: scratch of 2^n.  Leaves
 * candidate j's subset costs in L->cs. */
static void household_values(lctx *L, const gunit *u, const double *mu,
                             const double *fwd, const double *bwd, int j,
                             double *H, double *mb)
{
    unsigned full = (1u << u->n) - 1;
    size_t w = (size_t)full + 1;
    const double *f = fwd + j * w, *g = bwd + (j + 1) * w;
    for (unsigned S = 0; S <= full; S++) { /* others, before and after j */
        H[S] = BIG;
        for (unsigned T = S;; T = (T - 1) & S) {
            if (f[T] < BIG && g[S ^ T] < BIG && f[T] + g[S ^ T] < H[S])
                H[S] = f[T] + g[S ^ T];
            if (!T)
                break;
        }
    }
    subset_costs(L, u, j, mu, L->cs);
    double pen = u->open[j] ? 0 : L->lambda;
    double off = u->d0 >= 1 ? L->lambda * (u->d0 - 1) : -L->lambda;
    mb[0] = BIG;
    for (unsigned B = 1; B <= full; B++) { /* B: the household at j */
        mb[B] = BIG;
        if (L->cs[B] >= BIG)
            continue;
        unsigned R = full ^ B;
        for (unsigned S = R;; S = (S - 1) & R) {
            if (H[S] < BIG) {
                double v = H[S] + L->cs[B] + pen + off +
                           L->U * (u->n - popcount(S) - popcount(B));
                if (v < mb[B])
                    mb[B] = v;
            }
            if (!S)
                break;
        }
    }
}

/* delta for every arc of a group solved by seq_dp: its value with member
 * b housed at candidate j, less its free value.  Tables of the programme
 * run forwards (candidates before j) and backwards (after j) combine
 * around j, so each candidate costs about 3^n steps instead of a whole
 * programme per arc.  Leaves delta 0 (no fixing, still valid) when
 * memory runs out. */
static void seq_deltas(lctx *L, const gunit *u, const double *mu,
                       double *delta)
{
    unsigned full = (1u << u->n) - 1, S0;
    size_t w = (size_t)full + 1;
    double base = seq_dp(L, u, mu, &S0);
    double *fwd = NULL, *bwd = NULL;
    double *H = malloc(w * sizeof *H), *mb = malloc(w * sizeof *mb);
    if (!seq_tables(L, u, mu, &fwd, &bwd) || !H || !mb)
        goto done;
    for (int j = 0; j < u->k; j++) {
        household_values(L, u, mu, fwd, bwd, j, H, mb);
        for (int b = 0; b < u->n; b++) {
            int arc = u->arc[j * u->n + b];
            double v = BIG;
            for (unsigned B = 1; arc >= 0 && B <= full; B++)
                if ((B >> b & 1u) && mb[B] < v)
                    v = mb[B];
            if (arc >= 0)
                delta[arc] = v < BIG && v > base ? v - base : 0;
        }
    }
done:
    free(fwd);
    free(bwd);
    free(H);
    free(mb);
}

/* delta for each free member's arcs: the group's value with that member
 * forced to that placement, minus its free value. */
static void group_deltas(lctx *L, const gunit *u, const double *mu,
                         double *delta)
{
    if (u->n == 0 || u->n > FORCE_MAX)
        return;
    if (u->n <= SEQ_MAX) {
        seq_deltas(L, u, mu, delta);
        return;
    }
    unsigned full = (1u << u->n) - 1;
    household_costs(L, u, mu);
    partition_dp(L, u, -1);
    int use_f1;
    double base = group_value(L, u, &use_f1);
    double *saved = malloc(((size_t)full + 1) * sizeof *saved);
    double *cs = malloc(((size_t)full + 1) * sizeof *cs);
    if (!saved || !cs) { /* no deltas: still a valid (weaker) answer */
        free(saved);
        free(cs);
        return;
    }
    memcpy(saved, L->blk, ((size_t)full + 1) * sizeof *saved);
    for (int j = 0; j < u->k; j++) {
        subset_costs(L, u, j, mu, cs);
        double pen = u->open[j] ? 0 : L->lambda;
        for (int b = 0; b < u->n; b++) {
            int arc = u->arc[j * u->n + b];
            if (arc < 0)
                continue;
            /* households holding b may only be this placement */
            for (unsigned S = 1; S <= full; S++)
                L->blk[S] = (S >> b & 1u) ? (cs[S] < BIG ? cs[S] + pen : BIG)
                                          : saved[S];
            partition_dp(L, u, b);
            double v = group_value(L, u, &use_f1);
            delta[arc] = v > base ? v - base : 0;
        }
    }
    memcpy(L->blk, saved, ((size_t)full + 1) * sizeof *saved);
    free(saved);
    free(cs);
}

static void all_deltas(lctx *L, const double *mu, double *delta)
{
    const pm_arcs *a = L->arcs;
    for (int i = 0; i < L->nsingle; i++) {
        int c = L->single[i], best;
        double v = single_value(L, i, mu, &best);
        if (L->sc->children[c].stay)
            continue;
        for (int j = a->start[c]; j < a->start[c + 1]; j++) {
            double d = a->cost[j] + alone_price(L, mu, i, a->place[j]) - v;
            delta[j] = d > 0 ? d : 0;
        }
    }
    for (int i = 0; i < L->ng; i++)
        group_deltas(L, &L->g[i], mu, delta);
}

/* Subgradient ascent with Polyak steps towards ub. */
static double ascend(lctx *L, double ub, int max_iter, double seconds,
                     double theta, double *mu, double *best_mu, int *iters)
{
    int warm = theta < 1; /* started from given multipliers */
    double t0 = pm_clock_seconds();
    const pm_scenario *sc = L->sc;
    int np = sc->nplacements, stall = 0;
    double best = -BIG;
    for (int it = 0; it < max_iter; it++) {
        double val = evaluate(L, mu);
        *iters = it + 1;
        if (val > best + 1e-9 * fabs(val)) {
            best = val;
            memcpy(best_mu, mu, (size_t)np * sizeof *mu);
            stall = 0;
        } else if (++stall >= STALL_LIMIT) {
            theta /= 2;
            stall = 0;
        }
        double norm = 0;
        for (int p = 0; p < np; p++) {
            double g = L->usage[p] - sc->placements[p].capacity;
            if (mu[p] <= 0 && g < 0)
                g = 0;
            L->usage[p] = g; /* reuse as the subgradient */
            norm += g * g;
        }
        if (norm == 0 || ub - val <= 1e-9 * fabs(ub) || theta < 1e-6 ||
            (seconds > 0 && pm_clock_seconds() - t0 > seconds))
            break;
        /* a target just above the best bound: the incumbent is often far
         * off, and aiming at it makes the steps overshoot.  From a similar
         * problem's prices, the incumbent is that problem's answer, close
         * to this one's: aim at it, or the steps are too short to move the
         * prices of what changed (capacity added or removed). */
        double target = warm ? ub : fmin(ub, best + TARGET_GAP * fabs(best));
        double step = theta * (target - val) / norm;
        for (int p = 0; p < np; p++) {
            mu[p] += step * L->usage[p];
            if (mu[p] < 0)
                mu[p] = 0;
        }
    }
    return best;
}

pm_status pm_lagrange_run(const pm_scenario *sc, const pm_arcs *arcs,
                          double ub, const double *mu0, int max_iter,
                          double seconds, pm_lagrange *out)
{
    memset(out, 0, sizeof *out);
    lctx L = {.sc = sc, .arcs = arcs, .U = sc->policy.unmatched_week,
              .lambda = sc->policy.sibling_split_week};
    size_t np = (size_t)sc->nplacements + 1;
    double *mu = calloc(np, sizeof *mu);
    out->mu = calloc(np, sizeof *out->mu);
    out->delta = calloc((size_t)arcs->count + 1, sizeof *out->delta);
    pm_status st = PM_ERR_NOMEM;
    double theta = 1.0;
    if (mu && mu0) {
        /* near a similar problem's optimum: long first steps would only
         * throw that away */
        theta = WARM_THETA;
        for (int p = 0; p < sc->nplacements; p++)
            mu[p] = isfinite(mu0[p]) && mu0[p] > 0 ? mu0[p] : 0;
    }
    if (mu && out->mu && out->delta && build_units(&L)) {
        out->bound = ascend(&L, ub, max_iter, seconds, theta, mu, out->mu,
                            &out->iterations);
        all_deltas(&L, out->mu, out->delta);
        st = PM_OK;
    }
    free_units(&L);
    free(mu);
    if (st != PM_OK)
        pm_lagrange_free(out);
    return st;
}

void pm_lagrange_free(pm_lagrange *lg)
{
    free(lg->mu);
    free(lg->delta);
    lg->mu = lg->delta = NULL;
}

/* ---- pricing for column generation ------------------------------------ */

struct pm_pricer {
    lctx L;
};

pm_status pm_pricer_create(const pm_scenario *sc, const pm_arcs *arcs,
                           pm_pricer **out)
{
    pm_pricer *pr = calloc(1, sizeof *pr);
    *out = NULL;
    if (!pr)
        return PM_ERR_NOMEM;
    pr->L = (lctx){.sc = sc, .arcs = arcs, .U = sc->policy.unmatched_week,
                   .lambda = sc->policy.sibling_split_week};
    if (!build_units(&pr->L)) {
        pm_pricer_free(pr);
        return PM_ERR_NOMEM;
    }
    *out = pr;
    return PM_OK;
}

void pm_pricer_free(pm_pricer *pr)
{
    if (!pr)
        return;
    free_units(&pr->L);
    free(pr);
}

int pm_pricer_units(const pm_pricer *pr)
{
    return pr->L.nsingle + pr->L.ng;
}

int pm_pricer_members(const pm_pricer *pr, int u, const int **members)
{
    if (u < pr->L.nsingle) {
        *members = &pr->L.single[u];
        return 1;
    }
    const gunit *g = &pr->L.g[u - pr->L.nsingle];
    *members = g->member;
    return g->n + g->npinned;
}

double pm_pricer_best(pm_pricer *pr, int u, const double *mu,
                      const double *sig, int *where)
{
    lctx *L = &pr->L;
    L->sig = sig;
    if (u < L->nsingle) {
        int arc;
        double v = single_value(L, u, mu, &arc);
        where[0] = arc >= 0 ? L->arcs->place[arc] : -1;
        return v;
    }
    const gunit *g = &L->g[u - L->nsingle];
    double v = eval_group(L, g, mu, where);
    for (int i = 0; i < g->npinned; i++)
        where[g->n + i] = L->sc->children[g->member[g->n + i]].current;
    return v;
}

/* ---- enumeration ------------------------------------------------------ */

/* Depth-first over seq_dp's steps, placements taken in turn as the
 * programme takes them: bwd[j][S] is the cheapest way to house S in
 * candidates j onwards, so a branch is followed only when its cheapest
 * completion is within the limit, and every branch followed ends in an
 * arrangement that is emitted (the work is proportional to the output). */
typedef struct enum_ctx {
    const lctx *L;
    const gunit *u;
    const double *cs;  /* k x 2^n: subset_costs per candidate           */
    const double *bwd; /* (k + 1) x 2^n                                  */
    double limit;      /* on the free members' part of the value          */
    double pinned;     /* the pinned members' part                        */
    int *where;
    pm_pricer_emit emit;
    void *ctx;
    long count;
    int stop;
} enum_ctx;

static void enum_emit(enum_ctx *E, const int *where, double value)
{
    E->count++;
    if (E->emit(E->ctx, where, value))
        E->stop = 1;
}

static void enum_dfs(enum_ctx *E, int j0, unsigned S, double acc)
{
    const gunit *u = E->u;
    size_t w = (size_t)1 << u->n;
    if (!S) {
        enum_emit(E, E->where, E->pinned + acc);
        return;
    }
    for (int j = j0; j < u->k && !E->stop; j++) {
        if (acc + E->bwd[j * w + S] > E->limit)
            break; /* bwd[j] only grows with j */
        const double *cs = E->cs + j * w;
        double pen = u->open[j] ? 0 : E->L->lambda;
        for (unsigned B = S; B && !E->stop; B = (B - 1) & S) {
            double c = acc + cs[B] + pen;
            if (cs[B] >= BIG || c + E->bwd[(j + 1) * w + (S ^ B)] > E->limit)
                continue;
            for (unsigned b = B; b; b &= b - 1)
                E->where[ctz(b)] = u->place[j];
            enum_dfs(E, j + 1, S ^ B, c);
        }
    }
}

static long enumerate_group(lctx *L, const gunit *u, const double *mu,
                            double limit, int *where, pm_pricer_emit emit,
                            void *ctx)
{
    size_t w = (size_t)1 << u->n;
    enum_ctx E = {.L = L, .u = u, .where = where, .emit = emit, .ctx = ctx};
    E.pinned = pinned_value(L, u, mu);
    for (int i = 0; i < u->npinned; i++)
        where[u->n + i] = L->sc->children[u->member[u->n + i]].current;
    E.limit = limit - E.pinned;
    if (u->n == 0) {
        double v = E.pinned + L->lambda * (u->d0 > 1 ? u->d0 - 1 : 0);
        if (v <= limit)
            enum_emit(&E, where, v);
        return E.stop ? -1 : E.count;
    }
    size_t need = (size_t)(u->k + 1) * w;
    if (need > L->ecap) {
        free(L->ecs);
        free(L->ebwd);
        L->ecs = malloc(need * sizeof *L->ecs);
        L->ebwd = malloc(need * sizeof *L->ebwd);
        L->ecap = L->ecs && L->ebwd ? need : 0;
        if (!L->ecap)
            return -1;
    }
    double *cs = L->ecs, *bwd = L->ebwd;
    for (unsigned S = 0; S < w; S++)
        bwd[(size_t)u->k * w + S] = S ? BIG : 0;
    for (int j = u->k - 1; j >= 0; j--) {
        subset_costs(L, u, j, mu, cs + j * w);
        seq_step(u, cs + j * w, u->open[j] ? 0 : L->lambda,
                 bwd + (j + 1) * w, bwd + j * w);
    }
    E.cs = cs;
    E.bwd = bwd;
    /* S0: the members housed; the others are unmatched */
    for (unsigned S0 = 0; S0 < w && !E.stop; S0++) {
        double base = L->U * (u->n - popcount(S0)) +
                      (u->d0 >= 1 ? L->lambda * (u->d0 - 1)
                                  : S0 ? -L->lambda : 0);
        if (bwd[S0] >= BIG || base + bwd[S0] > E.limit)
            continue;
        for (int i = 0; i < u->n; i++)
            where[i] = -1;
        enum_dfs(&E, 0, S0, base);
    }
    return E.stop ? -1 : E.count;
}

static long enumerate_single(lctx *L, int unit, const double *mu, double limit,
                             pm_pricer_emit emit, void *ctx)
{
    const pm_arcs *a = L->arcs;
    int c = L->single[unit], where = -1;
    long count = 0;
    if (!L->sc->children[c].stay && L->U <= limit) {
        count++;
        if (emit(ctx, &where, L->U))
            return -1;
    }
    for (int i = a->start[c]; i < a->start[c + 1]; i++) {
        double v = a->cost[i] + alone_price(L, mu, unit, a->place[i]);
        if (v > limit)
            continue;
        where = a->place[i];
        count++;
        if (emit(ctx, &where, v))
            return -1;
    }
    return count;
}

long pm_pricer_households(pm_pricer *pr, int u, const double *mu,
                          const double *sig, double limit,
                          pm_pricer_emit_household emit, void *ctx)
{
    lctx *L = &pr->L;
    L->sig = sig;
    if (u < L->nsingle || L->g[u - L->nsingle].n > SEQ_MAX)
        return -1;
    const gunit *g = &L->g[u - L->nsingle];
    size_t w = (size_t)1 << g->n;
    double pinned = pinned_value(L, g, mu), *fwd = NULL, *bwd = NULL;
    double *H = malloc(w * sizeof *H), *mb = malloc(w * sizeof *mb);
    long count = 0;
    if (g->n && (!seq_tables(L, g, mu, &fwd, &bwd) || !H || !mb))
        count = -1;
    for (int j = 0; g->n && count >= 0 && j < g->k; j++) {
        household_values(L, g, mu, fwd, bwd, j, H, mb);
        for (unsigned B = 1; B < w && count >= 0; B++) {
            if (mb[B] >= BIG || pinned + mb[B] > limit)
                continue;
            count = emit(ctx, B, g->place[j], pinned + mb[B]) ? -1 : count + 1;
        }
    }
    free(fwd);
    free(bwd);
    free(H);
    free(mb);
    return count;
}

int pm_pricer_exact(const pm_pricer *pr)
{
    const lctx *L = &pr->L;
    for (int i = 0; i < L->nsingle; i++) {
        int g = L->sc->children[L->single[i]].group;
        if (g >= 0 && pm_group_size(L->sc, g) >= 2)
            return 0; /* a group too large, relaxed to singles */
    }
    for (int i = 0; i < L->ng; i++)
        if (L->g[i].n > SEQ_MAX)
            return 0;
    return 1;
}

long pm_pricer_enumerate(pm_pricer *pr, int u, const double *mu,
                         const double *sig, double limit, pm_pricer_emit emit,
                         void *ctx)
{
    lctx *L = &pr->L;
    L->sig = sig;
    if (u < L->nsingle)
        return enumerate_single(L, u, mu, limit, emit, ctx);
    const gunit *g = &L->g[u - L->nsingle];
    if (g->n > SEQ_MAX)
        return -1;
    int where[DP_MAX + 64];
    if (g->npinned + g->n > (int)(sizeof where / sizeof *where))
        return -1;
    return enumerate_group(L, g, mu, limit, where, emit, ctx);
}

void pm_pricer_set_cuts(pm_pricer *pr, const double *h, const int *hoff,
                        const int *own_start, const int *own_p,
                        const double *own_pi)
{
    pr->L.h = h;
    pr->L.hoff = hoff;
    pr->L.own_start = own_start;
    pr->L.own_p = own_p;
    pr->L.own_pi = own_pi;
}

double pm_pricer_capacity_term(pm_pricer *pr, const double *mu,
                               const double *sig)
{
    pr->L.sig = sig;
    return capacity_term(&pr->L, mu);
}

void pm_pricer_deltas(pm_pricer *pr, const double *mu, const double *sig,
                      double *delta)
{
    pr->L.sig = sig;
    all_deltas(&pr->L, mu, delta);
}
