/* Panel suggestions: the k best arrangements for one referral (a child or a
 * sibling group) with everyone else where they are, and why every other
 * placement is ruled out.  docs/SUGGEST.md explains the meaning and the
 * output; this file is the search and the handle.
 *
 * The search.  An arrangement puts each member at a placement or leaves it
 * unmatched.  Grouping members by placement gives a *pattern*: a set of
 * blocks (members sharing one placement) and the unmatched members.  Given
 * the pattern, the blocks sit at distinct placements and do not interact
 * (capacity, avoid conflicts and sibling-only places are all per placement),
 * and the split penalty is a constant plus one `sibling_split_week` for each
 * block at a placement where no pinned sibling already lives.  So each block
 * has its own list of placements sorted by cost, and the k best arrangements
 * of a pattern are found by a small branch and bound over those lists.
 * Patterns are set partitions of the members (Bell(m + 1) of them, 52 for a
 * group of four), generated with a lower bound that prunes most of them. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "error.h"
#include "evaluate.h"
#include "jsonw.h"
#include "scenario.h"

#define MAX_MEMBERS 10 /* Bell(11) = 678,570 patterns: still interactive */
#define MAX_K 1000
#define WEEKS_PER_YEAR (365.0 / 7.0)
#define MONEY 2        /* decimals for pounds and miles in JSON */
#define TIE 1e-9       /* costs this close are equal: prune near-ties too */
#define NAMED_MAX 6    /* occupants named in a "full" reason */

/* ------------------------------------------------------------------ */
/* The handle                                                         */
/* ------------------------------------------------------------------ */

typedef struct reason {
    int member;        /* index into the members, or -1 for the referral */
    const char *rule;  /* static rule name */
    const char *text;  /* arena */
} reason;

typedef struct exclusion {
    int p;
    reason top;        /* the first rule that rules p out for the referral */
    reason *by_member; /* m entries */
} exclusion;

struct pm_suggestions {
    pm_arena arena;
    const pm_scenario *sc; /* retained */
    int k, child, group;   /* child: the named one or -1; group or -1 */
    int m, *member;        /* the children being placed */
    int nstay, *stay;      /* the group's pinned children */
    int nothers, nabsent;  /* others staying / without a placement */
    double others_objective;
    int count, *place;     /* count x m placements, -1 unmatched */
    pm_suggestion_summary *sum;
    int nexcl;
    exclusion *excl;
    int explain_p, nexplain;
    reason *explain;
    const char **explain_line;
};

/* ------------------------------------------------------------------ */
/* What the others leave: occupancy and each member's arcs            */
/* ------------------------------------------------------------------ */

typedef struct cand {
    double cost;
    int p;
} cand;

typedef struct block {
    int nopen, *open; /* placements open to every member: rules, no avoid
                         conflict with an occupant, room for all of them */
    double lb;        /* cheapest open placement: a bound for supersets   */
    int ntop;
    cand *top;        /* cheapest feasible placements, at most kk         */
} block;

typedef struct ctx {
    const pm_scenario *sc;
    pm_suggestions *s;
    int m, np, kk;       /* kk = k + m - 1 candidates per block suffice   */
    int *occ;            /* per child: placement of another child, or -1  */
    int *nat;            /* per placement: others there                   */
    int *occ_start, *occ_child; /* others at each placement (CSR)         */
    unsigned char *unlock; /* others alone unlock the sibling-only places */
    int *pin;            /* the group's pinned children at each placement */
    int npin_places;     /* distinct placements of the pinned siblings    */
    double *miles, *arc; /* m x np                                       */
    signed char *rule;   /* m x np: first failing compatibility rule      */
    int *clash;          /* m x np: an avoided child already there, or -1 */
    unsigned avoid_in[MAX_MEMBERS]; /* members each member must not join  */
    double split, unmatched;
    block *blocks;       /* by member subset (bit mask)                   */
} ctx;

#define AT(x, i, p) ((size_t)(i) * (size_t)(x)->np + (size_t)(p))

static int is_open1(const ctx *x, int i, int p)
{
    return x->rule[AT(x, i, p)] == PM_RULE_OK && x->clash[AT(x, i, p)] < 0 &&
           x->nat[p] < x->sc->placements[p].capacity;
}

/* May `size` members of the group join the others at p without breaking
 * the sibling-only rule?  (Room for them is checked with the open lists.) */
static int sibling_ok(const ctx *x, int p, int size)
{
    const pm_placement_rec *pl = &x->sc->placements[p];
    return x->nat[p] + size <= pl->capacity - pl->sibling_only ||
           x->unlock[p] || x->pin[p] + size >= 2;
}

/* The extra household a block at p adds (none where a pinned sibling is). */
static double household(const ctx *x, int p)
{
    return x->pin[p] > 0 ? 0 : x->split;
}

static void mark_unlocks(ctx *x, int *count)
{
    const pm_scenario *sc = x->sc;
    for (int g = 0; g < sc->ngroups; g++) {
        const int *mem = sc->group_member + sc->group_start[g];
        int n = pm_group_size(sc, g);
        for (int j = 0; j < n; j++)
            if (x->occ[mem[j]] >= 0 && ++count[x->occ[mem[j]]] >= 2)
                x->unlock[x->occ[mem[j]]] = 1;
        for (int j = 0; j < n; j++)
            if (x->occ[mem[j]] >= 0)
                count[x->occ[mem[j]]] = 0;
    }
}

static void build_occupancy(ctx *x)
{
    const pm_scenario *sc = x->sc;
    pm_suggestions *s = x->s;
    for (int c = 0; c < sc->nchildren; c++)
        x->occ[c] = sc->children[c].current;
    for (int i = 0; i < s->m; i++)
        x->occ[s->member[i]] = -1; /* the referral leaves its placements */
    for (int c = 0; c < sc->nchildren; c++)
        if (x->occ[c] >= 0)
            x->nat[x->occ[c]]++;
    for (int p = 0; p < x->np; p++)
        x->occ_start[p + 1] = x->occ_start[p] + x->nat[p];
    int *fill = x->pin; /* scratch, zeroed below */
    for (int c = 0; c < sc->nchildren; c++)
        if (x->occ[c] >= 0)
            x->occ_child[x->occ_start[x->occ[c]] + fill[x->occ[c]]++] = c;
    memset(fill, 0, (size_t)x->np * sizeof *fill);
    mark_unlocks(x, fill);
    for (int j = 0; j < s->nstay; j++)
        x->npin_places += x->pin[sc->children[s->stay[j]].current]++ == 0;
}

static void build_arcs(ctx *x)
{
    const pm_scenario *sc = x->sc;
    for (int i = 0; i < x->m; i++) {
        int c = x->s->member[i];
        const pm_child_rec *ch = &sc->children[c];
        for (int p = 0; p < x->np; p++) {
            double mi = pm_miles(sc, c, p);
            x->miles[AT(x, i, p)] = mi;
            x->arc[AT(x, i, p)] = pm_arc_cost(sc, c, p, mi);
            x->rule[AT(x, i, p)] = (signed char)pm_first_failure(sc, c, p, mi, NULL);
            x->clash[AT(x, i, p)] = -1;
        }
        for (int a = ch->navoid - 1; a >= 0; a--) { /* first avoided wins */
            int d = ch->avoid[a];
            if (x->occ[d] >= 0)
                x->clash[AT(x, i, x->occ[d])] = d;
            for (int j = 0; j < x->m; j++)
                if (x->s->member[j] == d)
                    x->avoid_in[i] |= 1u << j;
        }
    }
}

static void ctx_free(ctx *x)
{
    if (x->blocks)
        for (int b = 0; b < 1 << x->m; b++) {
            free(x->blocks[b].open);
            free(x->blocks[b].top);
        }
    free(x->blocks);
    free(x->occ);
    free(x->nat);
    free(x->occ_start);
    free(x->occ_child);
    free(x->unlock);
    free(x->pin);
    free(x->miles);
    free(x->arc);
    free(x->rule);
    free(x->clash);
}

static pm_status ctx_init(ctx *x, const pm_scenario *sc, pm_suggestions *s)
{
    size_t np = (size_t)sc->nplacements + 1, mp = (size_t)s->m * np;
    *x = (ctx){.sc = sc, .s = s, .m = s->m, .np = sc->nplacements,
               .kk = s->k + s->m - 1,
               .split = s->group >= 0 ? sc->policy.sibling_split_week : 0,
               .unmatched = sc->policy.unmatched_week};
    x->occ = malloc(((size_t)sc->nchildren + 1) * sizeof *x->occ);
    x->occ_child = malloc(((size_t)sc->nchildren + 1) * sizeof *x->occ_child);
    x->nat = calloc(np, sizeof *x->nat);
    x->occ_start = calloc(np + 1, sizeof *x->occ_start);
    x->unlock = calloc(np, 1);
    x->pin = calloc(np, sizeof *x->pin);
    x->miles = malloc(mp * sizeof *x->miles);
    x->arc = malloc(mp * sizeof *x->arc);
    x->rule = malloc(mp);
    x->clash = malloc(mp * sizeof *x->clash);
    x->blocks = calloc((size_t)1 << s->m, sizeof *x->blocks);
    if (!x->occ || !x->occ_child || !x->nat || !x->occ_start || !x->unlock ||
        !x->pin || !x->miles || !x->arc || !x->rule || !x->clash || !x->blocks)
        return PM_ERR_NOMEM;
    build_occupancy(x);
    build_arcs(x);
    return PM_OK;
}

/* ------------------------------------------------------------------ */
/* Blocks: members who share a placement                              */
/* ------------------------------------------------------------------ */

static double block_cost(const ctx *x, unsigned mask, int p)
{
    double c = household(x, p);
    for (int i = 0; i < x->m; i++)
        if (mask & (1u << i))
            c += x->arc[AT(x, i, p)];
    return c;
}

/* Keeps the kk cheapest candidates, ascending (ties by placement index). */
static void top_insert(block *b, int kk, double cost, int p)
{
    if (b->ntop == kk && cost >= b->top[kk - 1].cost)
        return;
    int j = b->ntop < kk ? b->ntop++ : kk - 1;
    while (j > 0 && b->top[j - 1].cost > cost) {
        b->top[j] = b->top[j - 1];
        j--;
    }
    b->top[j] = (cand){cost, p};
}

/* Open placements of mask: those of mask without its lowest member that
 * are open to that member too, with room for everyone (open lists only
 * shrink as members join, so bounds from them hold for supersets). */
static pm_status build_block(ctx *x, unsigned mask)
{
    block *b = &x->blocks[mask];
    int i = __builtin_ctz(mask), size = __builtin_popcount(mask);
    unsigned rest = mask & (mask - 1);
    b->lb = INFINITY;
    if (rest && (x->avoid_in[i] & rest || !x->blocks[rest].nopen))
        return PM_OK;
    int n = rest ? x->blocks[rest].nopen : x->np, cap = n < x->kk ? n : x->kk;
    b->open = malloc(((size_t)n + 1) * sizeof *b->open);
    b->top = malloc(((size_t)cap + 1) * sizeof *b->top);
    if (!b->open || !b->top)
        return PM_ERR_NOMEM;
    for (int j = 0; j < n; j++) {
        int p = rest ? x->blocks[rest].open[j] : j;
        if (!is_open1(x, i, p) || x->nat[p] + size > x->sc->placements[p].capacity)
            continue;
        b->open[b->nopen++] = p;
        double cost = block_cost(x, mask, p);
        if (cost < b->lb)
            b->lb = cost;
        if (sibling_ok(x, p, size))
            top_insert(b, cap, cost, p);
    }
    return PM_OK;
}

static pm_status build_blocks(ctx *x)
{
    for (unsigned mask = 1; mask < 1u << x->m; mask++) {
        pm_status st = build_block(x, mask);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

/* ------------------------------------------------------------------ */
/* The k best arrangements                                            */
/* ------------------------------------------------------------------ */

typedef struct search {
    ctx *x;
    int k, count;
    double *obj;   /* count, ascending */
    int *place;    /* count x m */
    int d, unm;
    unsigned mask[MAX_MEMBERS]; /* members of each block */
    int at[MAX_MEMBERS];        /* placement of each block */
    double rest[MAX_MEMBERS + 1]; /* cheapest way to place members i.. */
    double tail[MAX_MEMBERS + 1]; /* cheapest candidates of blocks b.. */
} search;

/* Distinct placements of the group's placed children, pinned included. */
static int households(const ctx *x, const int *place)
{
    int n = x->npin_places;
    for (int i = 0; i < x->m; i++) {
        int p = place[i], seen = p < 0 || x->pin[p] > 0;
        for (int j = 0; j < i && !seen; j++)
            seen = place[j] == p;
        n += !seen;
    }
    return n;
}

/* The objective of an arrangement, summed in one fixed order so that equal
 * arrangements get equal numbers: arcs, unmatched, the group's split. */
static double arrangement_cost(const ctx *x, const int *place)
{
    double sum = 0;
    for (int i = 0; i < x->m; i++)
        sum += place[i] >= 0 ? x->arc[AT(x, i, place[i])] : x->unmatched;
    int d = households(x, place);
    return sum + x->split * (d > 1 ? d - 1 : 0);
}

static double threshold(const search *s)
{
    /* (k >= 1, so count >= 1 there: the test only tells GCC so) */
    return s->count < s->k || s->count < 1 ? INFINITY
                                            : s->obj[s->count - 1] - TIE;
}

/* Ascending cost, then placements (unmatched last) for a stable order. */
static int before(const search *s, double cost, const int *a, int j)
{
    if (cost != s->obj[j])
        return cost < s->obj[j];
    const int *b = s->place + (size_t)j * s->x->m;
    for (int i = 0; i < s->x->m; i++)
        if (a[i] != b[i])
            return (unsigned)a[i] < (unsigned)b[i];
    return 0;
}

static void record(search *s)
{
    int m = s->x->m, a[MAX_MEMBERS];
    for (int i = 0; i < m; i++)
        a[i] = -1;
    for (int b = 0; b < s->d; b++)
        for (int i = 0; i < m; i++)
            if (s->mask[b] & (1u << i))
                a[i] = s->at[b];
    double cost = arrangement_cost(s->x, a);
    if (s->count == s->k && !before(s, cost, a, s->k - 1))
        return;
    int j = s->count < s->k ? s->count++ : s->k - 1; /* the last drops out */
    for (; j > 0 && before(s, cost, a, j - 1); j--) {
        s->obj[j] = s->obj[j - 1];
        memcpy(s->place + (size_t)j * m, s->place + (size_t)(j - 1) * m,
               (size_t)m * sizeof *a);
    }
    s->obj[j] = cost;
    memcpy(s->place + (size_t)j * m, a, (size_t)m * sizeof *a);
}

static void place_block(search *s, int b, double sum)
{
    if (b == s->d) {
        record(s);
        return;
    }
    const block *bl = &s->x->blocks[s->mask[b]];
    for (int t = 0; t < bl->ntop; t++) {
        double c = sum + bl->top[t].cost;
        if (c + s->tail[b + 1] >= threshold(s))
            break; /* sorted: the rest cost more */
        int p = bl->top[t].p, taken = 0;
        for (int e = 0; e < b && !taken; e++)
            taken = s->at[e] == p;
        if (taken)
            continue;
        s->at[b] = p;
        place_block(s, b + 1, c);
    }
}

/* The part of the objective that does not depend on where blocks go. */
static double pattern_constant(const search *s)
{
    const ctx *x = s->x;
    double c = x->unmatched * s->unm;
    if (x->npin_places > 0)
        return c + x->split * (x->npin_places - 1);
    return s->d > 0 ? c - x->split : c; /* the first household is free */
}

static void place_pattern(search *s)
{
    s->tail[s->d] = 0;
    for (int b = s->d - 1; b >= 0; b--) {
        const block *bl = &s->x->blocks[s->mask[b]];
        if (!bl->ntop)
            return;
        s->tail[b] = s->tail[b + 1] + bl->top[0].cost;
    }
    place_block(s, 0, pattern_constant(s));
}

static double pattern_bound(const search *s, int i)
{
    double lb = pattern_constant(s) + s->rest[i];
    for (int b = 0; b < s->d; b++)
        lb += s->x->blocks[s->mask[b]].lb;
    return lb;
}

/* Member i joins a block, starts one, or stays unmatched (each set
 * partition once: a member only starts block d after blocks 0..d-1). */
static void partition(search *s, int i)
{
    if (i == s->x->m) {
        place_pattern(s);
        return;
    }
    if (pattern_bound(s, i) >= threshold(s))
        return;
    unsigned bit = 1u << i;
    for (int b = 0; b < s->d; b++) {
        if (!s->x->blocks[s->mask[b] | bit].nopen)
            continue;
        s->mask[b] |= bit;
        partition(s, i + 1);
        s->mask[b] &= ~bit;
    }
    if (s->x->blocks[bit].nopen) {
        s->mask[s->d++] = bit;
        partition(s, i + 1);
        s->d--;
    }
    s->unm++;
    partition(s, i + 1);
    s->unm--;
}

/* rest[i]: each of members i.. at its cheapest open arc, or unmatched. */
static void member_bounds(search *s)
{
    const ctx *x = s->x;
    s->rest[x->m] = 0;
    for (int i = x->m - 1; i >= 0; i--) {
        double best = x->unmatched;
        const block *b = &x->blocks[1u << i];
        for (int j = 0; j < b->nopen; j++)
            if (x->arc[AT(x, i, b->open[j])] < best)
                best = x->arc[AT(x, i, b->open[j])];
        s->rest[i] = s->rest[i + 1] + best;
    }
}

static pm_status find_best(ctx *x, pm_suggestions *out)
{
    search s = {.x = x, .k = out->k};
    s.obj = malloc((size_t)s.k * sizeof *s.obj);
    s.place = malloc((size_t)s.k * (size_t)x->m * sizeof *s.place);
    if (!s.obj || !s.place) {
        free(s.obj);
        free(s.place);
        return PM_ERR_NOMEM;
    }
    member_bounds(&s);
    partition(&s, 0);
    out->count = s.count;
    out->place = s.place;
    free(s.obj);
    return PM_OK;
}

/* ------------------------------------------------------------------ */
/* Figures of each suggestion                                         */
/* ------------------------------------------------------------------ */

static void summarise(const ctx *x, const int *place, pm_suggestion_summary *t)
{
    const pm_scenario *sc = x->sc;
    memset(t, 0, sizeof *t);
    t->objective = arrangement_cost(x, place);
    t->households = households(x, place);
    for (int i = 0; i < x->m; i++) {
        int p = place[i];
        if (p < 0) {
            t->unmatched++;
            t->weekly_cost += x->unmatched;
            continue;
        }
        double mi = x->miles[AT(x, i, p)];
        t->placed++;
        t->weekly_cost += sc->placements[p].weekly_cost;
        t->miles += mi;
        t->beyond_far_miles += mi > sc->policy.far_miles;
        t->moves += sc->children[x->s->member[i]].current >= 0 &&
                    sc->children[x->s->member[i]].current != p;
    }
    t->annual_cost = t->weekly_cost * WEEKS_PER_YEAR;
    t->together = x->s->group < 0 ? -1 : t->households <= 1;
}

static pm_status summarise_all(const ctx *x, pm_suggestions *s)
{
    s->sum = pm_arena_array(&s->arena, (size_t)s->count + 1, sizeof *s->sum);
    if (!s->sum)
        return PM_ERR_NOMEM;
    for (int i = 0; i < s->count; i++) {
        summarise(x, s->place + (size_t)i * s->m, &s->sum[i]);
        s->sum[i].delta = s->sum[i].objective - s->sum[0].objective;
    }
    return PM_OK;
}

/* Everyone else, staying: their arcs (no moves) and other groups' splits. */
static void others_figures(const ctx *x, pm_suggestions *s)
{
    const pm_scenario *sc = x->sc;
    for (int c = 0; c < sc->nchildren; c++) {
        int p = x->occ[c];
        if (p >= 0) {
            s->nothers++;
            s->others_objective += pm_arc_cost(sc, c, p, pm_miles(sc, c, p));
        } else {
            s->nabsent++;
        }
    }
    s->nabsent -= s->m;
    for (int g = 0; g < sc->ngroups; g++) {
        int d = pm_group_households(sc, x->occ, g);
        if (g != s->group && d > 1)
            s->others_objective += sc->policy.sibling_split_week * (d - 1);
    }
}

/* ------------------------------------------------------------------ */
/* Reasons                                                            */
/* ------------------------------------------------------------------ */

static const char *arena_printf(pm_arena *a, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static const char *arena_printf(pm_arena *a, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return pm_arena_strdup(a, buf);
}

/* "C001, C002 and 3 more": the others at p. */
static void occupants(const ctx *x, int p, char *out, size_t size)
{
    size_t len = 0;
    int n = x->nat[p];
    out[0] = '\0';
    for (int j = 0; j < n && j < NAMED_MAX && len < size; j++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", j ? ", " : "",
                                x->sc->children[x->occ_child[x->occ_start[p] + j]].id);
    if (n > NAMED_MAX && len < size)
        snprintf(out + len, size - len, " and %d more", n - NAMED_MAX);
}

/* Could member i go to p with another member (unlocking sibling-only
 * places that it cannot use alone)? */
static int pairable(const ctx *x, int i, int p)
{
    if (x->nat[p] + 2 > x->sc->placements[p].capacity)
        return 0;
    for (int j = 0; j < x->m; j++)
        if (j != i && !(x->avoid_in[i] & (1u << j)) && is_open1(x, j, p))
            return 1;
    return 0;
}

typedef struct sink {
    pm_arena *arena;
    reason *r;
    int n, max, member;
} sink;

static void emit(sink *k, const char *rule, const char *text)
{
    if (k->n < k->max)
        k->r[k->n] = (reason){k->member, rule, pm_arena_strdup(k->arena, text)};
    k->n++;
}

/* Why the others leave no room at p for member i: every avoid conflict,
 * full, or sibling-only places only (the wording of explain.c). */
static void occupancy_reasons(const ctx *x, int i, int p, sink *k)
{
    const pm_scenario *sc = x->sc;
    const pm_child_rec *ch = &sc->children[x->s->member[i]];
    const pm_placement_rec *pl = &sc->placements[p];
    char text[768], who[512];
    for (int a = 0; a < ch->navoid; a++)
        if (x->occ[ch->avoid[a]] == p) {
            snprintf(text, sizeof text, "%s holds %s, who must not share a placement with %s",
                     pl->id, sc->children[ch->avoid[a]].id, ch->id);
            emit(k, "avoid", text);
        }
    if (x->nat[p] >= pl->capacity && pl->capacity > 0) {
        occupants(x, p, who, sizeof who);
        snprintf(text, sizeof text, "%s is full (%d of %d: %s)", pl->id,
                 x->nat[p], pl->capacity, who);
        emit(k, "full", text);
    } else if (pl->capacity > 0 && !sibling_ok(x, p, 1) && !pairable(x, i, p)) {
        snprintf(text, sizeof text,
                 "%s has only sibling-only places left (%d of %d taken)%s",
                 pl->id, x->nat[p], pl->capacity,
                 x->m > 1 ? " and no two of the group can go there together" : "");
        emit(k, "sibling_only", text);
    }
}

/* Compatibility rules that fail for member i at p: the first, or all. */
static void rule_reasons(const ctx *x, int i, int p, int all, sink *k)
{
    pm_rule_fail f[PM_RULE_COUNT + PM_MAX_NEEDS];
    int c = x->s->member[i];
    double mi = x->miles[AT(x, i, p)];
    int n = pm_rule_failures(x->sc, c, p, mi, f, all ? PM_RULE_COUNT + PM_MAX_NEEDS : 1);
    for (int j = 0; j < n; j++) {
        char text[512];
        pm_describe_failure(x->sc, c, p, &f[j], mi, text, sizeof text);
        emit(k, pm_rule_name(f[j].rule), text);
    }
}

/* The first reason member i cannot go to p, or "ranked_lower". */
static reason first_reason(const ctx *x, int i, int p, pm_arena *a)
{
    reason r;
    sink k = {a, &r, 0, 1, i};
    rule_reasons(x, i, p, 0, &k);
    if (!k.n)
        occupancy_reasons(x, i, p, &k);
    if (!k.n)
        r = (reason){i, "ranked_lower",
                     arena_printf(a, "open to %s at an arc cost of %.2f a week, but in none "
                                  "of the %d best arrangements",
                                  x->sc->children[x->s->member[i]].id,
                                  x->arc[AT(x, i, p)], x->s->k)};
    return r;
}

/* For the referral: open to someone (ranked lower), or the first member's
 * reason, named when there are several members. */
static reason top_reason(const ctx *x, const reason *by, pm_arena *a)
{
    if (x->m == 1)
        return by[0];
    char open[512] = "";
    size_t len = 0;
    for (int i = 0; i < x->m; i++)
        if (!strcmp(by[i].rule, "ranked_lower") && len < sizeof open)
            len += (size_t)snprintf(open + len, sizeof open - len, "%s%s",
                                    len ? ", " : "", x->sc->children[x->s->member[i]].id);
    if (len)
        return (reason){-1, "ranked_lower",
                        arena_printf(a, "open to %s, but in none of the %d best arrangements",
                                     open, x->s->k)};
    return (reason){-1, by[0].rule,
                    arena_printf(a, "%s: %s", x->sc->children[x->s->member[0]].id,
                                 by[0].text)};
}

static int used_by_suggestion(const pm_suggestions *s, int p)
{
    for (size_t j = 0; j < (size_t)s->count * (size_t)s->m; j++)
        if (s->place[j] == p)
            return 1;
    return 0;
}

static pm_status build_exclusions(const ctx *x, pm_suggestions *s)
{
    s->excl = pm_arena_array(&s->arena, (size_t)x->np + 1, sizeof *s->excl);
    if (!s->excl)
        return PM_ERR_NOMEM;
    for (int p = 0; p < x->np; p++) {
        if (used_by_suggestion(s, p))
            continue;
        exclusion *e = &s->excl[s->nexcl++];
        e->p = p;
        e->by_member = pm_arena_array(&s->arena, (size_t)x->m, sizeof *e->by_member);
        if (!e->by_member)
            return PM_ERR_NOMEM;
        for (int i = 0; i < x->m; i++)
            e->by_member[i] = first_reason(x, i, p, &s->arena);
        e->top = top_reason(x, e->by_member, &s->arena);
        if (!e->top.text)
            return PM_ERR_NOMEM;
    }
    return PM_OK;
}

/* Every failing rule of every member at the named placement. */
static pm_status build_explain(const ctx *x, pm_suggestions *s)
{
    int p = s->explain_p, max = x->m * (PM_RULE_COUNT + PM_MAX_NEEDS + 64);
    s->explain = pm_arena_array(&s->arena, (size_t)max, sizeof *s->explain);
    if (!s->explain)
        return PM_ERR_NOMEM;
    sink k = {&s->arena, s->explain, 0, max, 0};
    for (int i = 0; i < x->m; i++) {
        int before = k.n;
        k.member = i;
        rule_reasons(x, i, p, 1, &k);
        occupancy_reasons(x, i, p, &k);
        if (k.n == before)
            emit(&k, "open", used_by_suggestion(s, p)
                                 ? "no rule rules it out; it is in a suggestion"
                                 : "no rule rules it out; it is in none of the best arrangements");
    }
    s->nexplain = k.n < max ? k.n : max;
    s->explain_line = pm_arena_array(&s->arena, (size_t)s->nexplain + 1,
                                     sizeof *s->explain_line);
    if (!s->explain_line)
        return PM_ERR_NOMEM;
    for (int j = 0; j < s->nexplain; j++) {
        const reason *r = &s->explain[j];
        s->explain_line[j] = arena_printf(&s->arena, "%s: %s: %s",
                                          x->sc->children[x->s->member[r->member]].id,
                                          r->rule, r->text);
    }
    return PM_OK;
}

/* ------------------------------------------------------------------ */
/* The referral                                                       */
/* ------------------------------------------------------------------ */

void pm_suggest_options_init(pm_suggest_options *opts)
{
    if (!opts)
        return;
    opts->k = 5;
    opts->child = NULL;
    opts->group = NULL;
    opts->explain_placement = NULL;
}

static pm_status find_names(const pm_scenario *sc, const pm_suggest_options *o,
                            pm_suggestions *s, pm_error *err)
{
    if (!o->child && !o->group)
        return pm_err_add(err, PM_ERR_ARG, NULL, "child",
                          "name the referred child or sibling group");
    if (o->k < 1 || o->k > MAX_K)
        return pm_err_add(err, PM_ERR_ARG, NULL, "k", "%d is not in 1..%d",
                          o->k, MAX_K);
    s->child = o->child ? pm_scenario_find_child(sc, o->child) : -1;
    if (o->child && s->child < 0)
        return pm_err_add(err, PM_ERR_NOT_FOUND, NULL, "child",
                          "no child with id \"%s\" in the scenario", o->child);
    s->group = o->group ? pm_strmap_get(&sc->groups.map, o->group) : -1;
    if (o->group && s->group < 0)
        return pm_err_add(err, PM_ERR_NOT_FOUND, NULL, "group",
                          "no sibling group \"%s\" in the scenario", o->group);
    s->explain_p = o->explain_placement
                       ? pm_scenario_find_placement(sc, o->explain_placement) : -1;
    if (o->explain_placement && s->explain_p < 0)
        return pm_err_add(err, PM_ERR_NOT_FOUND, NULL, "explain_placement",
                          "no placement with id \"%s\" in the scenario",
                          o->explain_placement);
    return PM_OK;
}

static pm_status check_child(const pm_scenario *sc, pm_suggestions *s,
                             pm_error *err)
{
    const pm_child_rec *ch = &sc->children[s->child];
    if (s->group >= 0 && ch->group != s->group)
        return pm_err_add(err, PM_ERR_ARG, NULL, "child",
                          "%s is not in sibling group %s", ch->id,
                          sc->groups.name[s->group]);
    if (ch->stay)
        return pm_err_add(err, PM_ERR_ARG, NULL, "child",
                          "%s is pinned to %s (stay: true): nothing to suggest "
                          "until the scenario unpins it", ch->id,
                          sc->placements[ch->current].id);
    if (s->group < 0)
        s->group = ch->group;
    return PM_OK;
}

/* Members: the child, or the group's children who are not pinned. */
static pm_status find_members(const pm_scenario *sc, pm_suggestions *s,
                              pm_error *err)
{
    int n = s->group >= 0 ? pm_group_size(sc, s->group) : 1;
    const int *all = s->group >= 0 ? sc->group_member + sc->group_start[s->group]
                                   : &s->child;
    s->member = pm_arena_array(&s->arena, (size_t)n, sizeof *s->member);
    s->stay = pm_arena_array(&s->arena, (size_t)n, sizeof *s->stay);
    if (!s->member || !s->stay)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    for (int j = 0; j < n; j++) {
        if (sc->children[all[j]].stay)
            s->stay[s->nstay++] = all[j];
        else
            s->member[s->m++] = all[j];
    }
    if (s->m == 0)
        return pm_err_add(err, PM_ERR_ARG, NULL, "group",
                          "every child in sibling group %s is pinned (stay: true): "
                          "nothing to suggest", sc->groups.name[s->group]);
    if (s->m > MAX_MEMBERS)
        return pm_err_add(err, PM_ERR_LIMIT, NULL, "group",
                          "sibling group %s has %d children to place; at most %d "
                          "can be ranked together", sc->groups.name[s->group],
                          s->m, MAX_MEMBERS);
    return PM_OK;
}

static pm_status resolve(const pm_scenario *sc, const pm_suggest_options *o,
                         pm_suggestions *s, pm_error *err)
{
    pm_status st = find_names(sc, o, s, err);
    if (st == PM_OK && s->child >= 0)
        st = check_child(sc, s, err);
    if (st == PM_OK)
        st = find_members(sc, s, err);
    s->k = o->k;
    return st;
}

static pm_status compute(const pm_scenario *sc, pm_suggestions *s)
{
    ctx x;
    pm_status st = ctx_init(&x, sc, s);
    if (st == PM_OK)
        st = build_blocks(&x);
    if (st == PM_OK)
        st = find_best(&x, s);
    if (st == PM_OK)
        st = summarise_all(&x, s);
    if (st == PM_OK)
        st = build_exclusions(&x, s);
    if (st == PM_OK && s->explain_p >= 0)
        st = build_explain(&x, s);
    if (st == PM_OK)
        others_figures(&x, s);
    ctx_free(&x);
    return st;
}

pm_status pm_suggest(const pm_scenario *sc, const pm_suggest_options *opts,
                     pm_suggestions **out, pm_error *err)
{
    if (!sc || !opts || !out)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL, "pm_suggest: NULL argument");
    *out = NULL;
    pm_suggestions *s = calloc(1, sizeof *s);
    if (!s)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    pm_arena_init(&s->arena);
    s->sc = sc;
    pm_scenario_retain(sc);
    pm_status st = resolve(sc, opts, s, err);
    if (st == PM_OK && (st = compute(sc, s)) != PM_OK)
        pm_err_add(err, st, NULL, NULL, "out of memory");
    if (st != PM_OK) {
        pm_suggestions_free(s);
        return st;
    }
    *out = s;
    return PM_OK;
}

void pm_suggestions_free(pm_suggestions *s)
{
    if (!s)
        return;
    free(s->place);
    pm_arena_free(&s->arena);
    pm_scenario_free((pm_scenario *)s->sc);
    free(s);
}

/* ------------------------------------------------------------------ */
/* Accessors                                                          */
/* ------------------------------------------------------------------ */

int pm_suggestions_count(const pm_suggestions *s) { return s ? s->count : 0; }
int pm_suggestions_num_members(const pm_suggestions *s) { return s ? s->m : 0; }

int pm_suggestions_member(const pm_suggestions *s, int m)
{
    return s && m >= 0 && m < s->m ? s->member[m] : -1;
}

const char *pm_suggestions_group(const pm_suggestions *s)
{
    return s && s->group >= 0 ? s->sc->groups.name[s->group] : NULL;
}

double pm_suggestions_others_objective(const pm_suggestions *s)
{
    return s ? s->others_objective : NAN;
}

pm_status pm_suggestion_get(const pm_suggestions *s, int i,
                            pm_suggestion_summary *out)
{
    if (!s || !out || i < 0 || i >= s->count)
        return PM_ERR_ARG;
    *out = s->sum[i];
    return PM_OK;
}

pm_status pm_suggestion_member_get(const pm_suggestions *s, int i, int m,
                                   pm_suggestion_member *out)
{
    if (!s || !out || i < 0 || i >= s->count || m < 0 || m >= s->m)
        return PM_ERR_ARG;
    const pm_scenario *sc = s->sc;
    int c = s->member[m], p = s->place[(size_t)i * s->m + m];
    const pm_child_rec *ch = &sc->children[c];
    double u = sc->policy.unmatched_week;
    *out = (pm_suggestion_member){ch->id, NULL, -1, NAN, 0, 0, u, u};
    if (p < 0)
        return PM_OK;
    double mi = pm_miles(sc, c, p);
    *out = (pm_suggestion_member){ch->id, sc->placements[p].id, p, mi,
                                  mi > sc->policy.far_miles,
                                  ch->current >= 0 && ch->current != p,
                                  sc->placements[p].weekly_cost,
                                  pm_arc_cost(sc, c, p, mi)};
    return PM_OK;
}

int pm_suggestions_num_exclusions(const pm_suggestions *s)
{
    return s ? s->nexcl : 0;
}

pm_status pm_suggestions_exclusion(const pm_suggestions *s, int i,
                                   const char **placement, const char **rule,
                                   const char **reason)
{
    if (!s || i < 0 || i >= s->nexcl)
        return PM_ERR_ARG;
    if (placement)
        *placement = s->sc->placements[s->excl[i].p].id;
    if (rule)
        *rule = s->excl[i].top.rule;
    if (reason)
        *reason = s->excl[i].top.text;
    return PM_OK;
}

int pm_suggestions_explain_count(const pm_suggestions *s)
{
    return s ? s->nexplain : 0;
}

const char *pm_suggestions_explain_line(const pm_suggestions *s, int i)
{
    return s && i >= 0 && i < s->nexplain ? s->explain_line[i] : NULL;
}

/* ------------------------------------------------------------------ */
/* placematch-suggestions/1                                           */
/* ------------------------------------------------------------------ */

static void write_referral(const pm_suggestions *s, pm_jw *w)
{
    const pm_scenario *sc = s->sc;
    pm_jw_key(w, "referral");
    pm_jw_begin_object(w);
    pm_jw_key(w, "child");
    s->child >= 0 ? pm_jw_string(w, sc->children[s->child].id) : pm_jw_null(w);
    pm_jw_key(w, "group");
    s->group >= 0 ? pm_jw_string(w, sc->groups.name[s->group]) : pm_jw_null(w);
    pm_jw_key(w, "members");
    pm_jw_begin_array(w);
    for (int i = 0; i < s->m; i++)
        pm_jw_string(w, sc->children[s->member[i]].id);
    pm_jw_end_array(w);
    pm_jw_key(w, "pinned_siblings");
    pm_jw_begin_array(w);
    for (int j = 0; j < s->nstay; j++) {
        pm_jw_begin_object(w);
        pm_jw_key(w, "child"); pm_jw_string(w, sc->children[s->stay[j]].id);
        pm_jw_key(w, "placement");
        pm_jw_string(w, sc->placements[sc->children[s->stay[j]].current].id);
        pm_jw_end_object(w);
    }
    pm_jw_end_array(w);
    pm_jw_end_object(w);
}

static void write_needs(const pm_scenario *sc, int c, int p, pm_jw *w)
{
    const pm_child_rec *ch = &sc->children[c];
    pm_jw_key(w, "needs");
    pm_jw_begin_array(w);
    for (int j = 0; j < ch->nneeds; j++) {
        pm_jw_begin_object(w);
        pm_jw_key(w, "need"); pm_jw_string(w, sc->needs.name[ch->needs[j].need]);
        pm_jw_key(w, "required"); pm_jw_int(w, ch->needs[j].level);
        pm_jw_key(w, "supported");
        p >= 0 ? pm_jw_int(w, pm_support_level(&sc->placements[p], ch->needs[j].need))
               : pm_jw_null(w);
        pm_jw_end_object(w);
    }
    pm_jw_end_array(w);
}

static void write_member(const pm_suggestions *s, int i, int m, pm_jw *w)
{
    const pm_scenario *sc = s->sc;
    pm_suggestion_member e;
    pm_suggestion_member_get(s, i, m, &e);
    pm_jw_begin_object(w);
    pm_jw_key(w, "child"); pm_jw_string(w, e.child);
    pm_jw_key(w, "placement");
    e.placement ? pm_jw_string(w, e.placement) : pm_jw_null(w);
    pm_jw_key(w, "type");
    e.placement_index >= 0
        ? pm_jw_string(w, sc->types.name[sc->placements[e.placement_index].type])
        : pm_jw_null(w);
    pm_jw_key(w, "miles"); pm_jw_number(w, e.miles, MONEY);
    pm_jw_key(w, "beyond_far_miles"); pm_jw_bool(w, e.beyond_far_miles);
    pm_jw_key(w, "moved"); pm_jw_bool(w, e.moved);
    pm_jw_key(w, "weekly_cost"); pm_jw_number(w, e.weekly_cost, MONEY);
    pm_jw_key(w, "arc_cost"); pm_jw_number(w, e.arc_cost, MONEY);
    write_needs(sc, s->member[m], e.placement_index, w);
    pm_jw_end_object(w);
}

static void write_suggestion(const pm_suggestions *s, int i, pm_jw *w)
{
    const pm_suggestion_summary *t = &s->sum[i];
    pm_jw_begin_object(w);
    pm_jw_key(w, "rank"); pm_jw_int(w, i + 1);
    pm_jw_key(w, "objective"); pm_jw_number(w, t->objective, MONEY);
    pm_jw_key(w, "difference_from_best"); pm_jw_number(w, t->delta, MONEY);
    pm_jw_key(w, "weekly_cost"); pm_jw_number(w, t->weekly_cost, MONEY);
    pm_jw_key(w, "annual_cost"); pm_jw_number(w, t->annual_cost, MONEY);
    pm_jw_key(w, "miles"); pm_jw_number(w, t->miles, MONEY);
    pm_jw_key(w, "placed"); pm_jw_int(w, t->placed);
    pm_jw_key(w, "unmatched"); pm_jw_int(w, t->unmatched);
    pm_jw_key(w, "beyond_far_miles"); pm_jw_int(w, t->beyond_far_miles);
    pm_jw_key(w, "moves"); pm_jw_int(w, t->moves);
    pm_jw_key(w, "households"); pm_jw_int(w, t->households);
    pm_jw_key(w, "together");
    t->together < 0 ? pm_jw_null(w) : pm_jw_bool(w, t->together);
    pm_jw_key(w, "members");
    pm_jw_begin_array(w);
    for (int m = 0; m < s->m; m++)
        write_member(s, i, m, w);
    pm_jw_end_array(w);
    pm_jw_end_object(w);
}

static void write_reason(const pm_suggestions *s, const reason *r, pm_jw *w)
{
    pm_jw_begin_object(w);
    pm_jw_key(w, "child"); pm_jw_string(w, s->sc->children[s->member[r->member]].id);
    pm_jw_key(w, "rule"); pm_jw_string(w, r->rule);
    pm_jw_key(w, "reason"); pm_jw_string(w, r->text);
    pm_jw_end_object(w);
}

static void write_exclusions(const pm_suggestions *s, pm_jw *w)
{
    const pm_scenario *sc = s->sc;
    pm_jw_key(w, "exclusions");
    pm_jw_begin_array(w);
    for (int e = 0; e < s->nexcl; e++) {
        const exclusion *x = &s->excl[e];
        pm_jw_begin_object(w);
        pm_jw_key(w, "placement"); pm_jw_string(w, sc->placements[x->p].id);
        pm_jw_key(w, "type"); pm_jw_string(w, sc->types.name[sc->placements[x->p].type]);
        pm_jw_key(w, "rule"); pm_jw_string(w, x->top.rule);
        pm_jw_key(w, "reason"); pm_jw_string(w, x->top.text);
        pm_jw_key(w, "children");
        pm_jw_begin_array(w);
        for (int i = 0; i < s->m; i++)
            write_reason(s, &x->by_member[i], w);
        pm_jw_end_array(w);
        pm_jw_end_object(w);
    }
    pm_jw_end_array(w);
}

static void write_explain(const pm_suggestions *s, pm_jw *w)
{
    pm_jw_key(w, "explain");
    if (s->explain_p < 0) {
        pm_jw_null(w);
        return;
    }
    pm_jw_begin_object(w);
    pm_jw_key(w, "placement"); pm_jw_string(w, s->sc->placements[s->explain_p].id);
    pm_jw_key(w, "suggested_in");
    pm_jw_begin_array(w);
    for (int i = 0; i < s->count; i++)
        for (int m = 0; m < s->m; m++)
            if (s->place[(size_t)i * s->m + m] == s->explain_p) {
                pm_jw_int(w, i + 1);
                break;
            }
    pm_jw_end_array(w);
    pm_jw_key(w, "rules");
    pm_jw_begin_array(w);
    for (int j = 0; j < s->nexplain; j++)
        write_reason(s, &s->explain[j], w);
    pm_jw_end_array(w);
    pm_jw_end_object(w);
}

static void write_others(const pm_suggestions *s, pm_jw *w)
{
    pm_jw_key(w, "others");
    pm_jw_begin_object(w);
    pm_jw_key(w, "staying"); pm_jw_int(w, s->nothers);
    pm_jw_key(w, "without_placement"); pm_jw_int(w, s->nabsent);
    pm_jw_key(w, "objective"); pm_jw_number(w, s->others_objective, MONEY);
    pm_jw_end_object(w);
}

pm_status pm_suggestions_to_json(const pm_suggestions *s, char **json,
                                 pm_error *err)
{
    if (!s || !json)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_suggestions_to_json: NULL argument");
    pm_jw w;
    pm_jw_init(&w, 4);
    pm_jw_begin_object(&w);
    pm_jw_key(&w, "format"); pm_jw_string(&w, "placematch-suggestions/1");
    pm_jw_key(&w, "scenario"); pm_jw_string(&w, s->sc->name);
    write_referral(s, &w);
    pm_jw_key(&w, "k"); pm_jw_int(&w, s->k);
    pm_jw_key(&w, "far_miles"); pm_jw_number(&w, s->sc->policy.far_miles, MONEY);
    write_others(s, &w);
    pm_jw_key(&w, "suggestions");
    pm_jw_begin_array(&w);
    for (int i = 0; i < s->count; i++)
        write_suggestion(s, i, &w);
    pm_jw_end_array(&w);
    write_exclusions(s, &w);
    write_explain(s, &w);
    pm_jw_end_object(&w);
    *json = pm_jw_finish(&w, NULL);
    if (!*json)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    return PM_OK;
}

/* ------------------------------------------------------------------ */
/* The table a panel reads                                            */
/* ------------------------------------------------------------------ */

#define POUND "\xc2\xa3"

static void print_referral(const pm_suggestions *s, FILE *out)
{
    const pm_scenario *sc = s->sc;
    if (s->group >= 0)
        fprintf(out, "Suggestions for sibling group %s:", sc->groups.name[s->group]);
    else
        fprintf(out, "Suggestions for child");
    for (int i = 0; i < s->m; i++)
        fprintf(out, "%s %s", i ? "," : "", sc->children[s->member[i]].id);
    fprintf(out, "\n");
    for (int j = 0; j < s->nstay; j++)
        fprintf(out, "  %s stays at %s (pinned)\n", sc->children[s->stay[j]].id,
                sc->placements[sc->children[s->stay[j]].current].id);
    fprintf(out, "Scenario %s: %d other children stay where they are.\n",
            sc->name[0] ? sc->name : "(unnamed)", s->nothers);
    fprintf(out, "Ranked by weekly cost plus penalties (distance, moves, splits, "
                 "unmatched); needs shown as required/supported.\n\n");
}

static void print_needs(const pm_scenario *sc, int c, int p, FILE *out)
{
    const pm_child_rec *ch = &sc->children[c];
    for (int j = 0; j < ch->nneeds; j++)
        fprintf(out, "%s%s %d/%d", j ? ", " : "  needs ",
                sc->needs.name[ch->needs[j].need], ch->needs[j].level,
                pm_support_level(&sc->placements[p], ch->needs[j].need));
}

static void print_member(const pm_suggestions *s, int i, int m, FILE *out)
{
    const pm_scenario *sc = s->sc;
    pm_suggestion_member e;
    pm_suggestion_member_get(s, i, m, &e);
    if (!e.placement) {
        fprintf(out, "      %-8s unmatched (spot purchase, " POUND "%.2f a week)\n",
                e.child, e.weekly_cost);
        return;
    }
    fprintf(out, "      %-8s %-8s %-26s %6.1f mi%s  " POUND "%.2f a week%s", e.child,
            e.placement, sc->types.name[sc->placements[e.placement_index].type],
            e.miles, e.beyond_far_miles ? " (far)" : "", e.weekly_cost,
            e.moved ? ", moves" : "");
    print_needs(sc, s->member[m], e.placement_index, out);
    fprintf(out, "\n");
}

static void print_suggestion(const pm_suggestions *s, int i, FILE *out)
{
    const pm_suggestion_summary *t = &s->sum[i];
    fprintf(out, "#%-3d " POUND "%.2f a week", i + 1, t->objective);
    if (i == 0)
        fprintf(out, " (best)");
    else
        fprintf(out, " (+" POUND "%.2f)", t->delta);
    fprintf(out, "; cash " POUND "%.2f a week, " POUND "%.0f a year", t->weekly_cost,
            t->annual_cost);
    if (t->together >= 0)
        fprintf(out, "; %s, %d household%s", t->together ? "together" : "split",
                t->households, t->households == 1 ? "" : "s");
    if (t->beyond_far_miles)
        fprintf(out, "; %d beyond %g miles", t->beyond_far_miles, s->sc->policy.far_miles);
    fprintf(out, "\n");
    for (int m = 0; m < s->m; m++)
        print_member(s, i, m, out);
}

static void print_exclusions(const pm_suggestions *s, FILE *out)
{
    static const char *const rules[] = {
        "age", "sex", "need", "type", "miles", "reserved", "capacity", "avoid",
        "full", "sibling_only", "ranked_lower"};
    int n = (int)(sizeof rules / sizeof rules[0]);
    fprintf(out, "\nNot suggested: %d placement%s", s->nexcl, s->nexcl == 1 ? "" : "s");
    const char *sep = " (";
    for (int r = 0; r < n; r++) {
        int count = 0;
        for (int e = 0; e < s->nexcl; e++)
            count += !strcmp(s->excl[e].top.rule, rules[r]);
        if (count) {
            fprintf(out, "%s%s %d", sep, rules[r], count);
            sep = ", ";
        }
    }
    fprintf(out, "%s; the JSON gives each one's reason.\n", s->nexcl ? ")" : "");
}

void pm_suggestions_print(const pm_suggestions *s, FILE *out)
{
    if (!s || !out)
        return;
    print_referral(s, out);
    for (int i = 0; i < s->count; i++)
        print_suggestion(s, i, out);
    print_exclusions(s, out);
    if (s->explain_p < 0)
        return;
    fprintf(out, "\nPlacement %s, every rule:\n", s->sc->placements[s->explain_p].id);
    for (int j = 0; j < s->nexplain; j++)
        fprintf(out, "  %s\n", s->explain_line[j]);
}
