/*
 * oracle: independent reference implementation of spec/MODEL.md for tests.
 * See oracle.h.  Uses nothing from the library.
 */
#include "oracle.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

const char *const oracle_need_names[ORACLE_NUM_NEEDS] = {
    "trauma", "send", "disability"};
const char *const oracle_type_names[ORACLE_NUM_TYPES] = {
    "in_house_foster",         "connected_carer",
    "ifa_foster",              "in_house_residential",
    "joint_venture_residential", "external_residential",
    "supported_accommodation", "supported_lodgings",
    "parent_and_child",        "oracle_custom_type"};
const char *const oracle_sex_names[ORACLE_NUM_SEXES] = {"F", "M", "X"};

/* ------------------------------------------------------------------ */
/* PRNG (splitmix64)                                                  */
/* ------------------------------------------------------------------ */

void oracle_rng_seed(oracle_rng *r, uint64_t seed) { r->s = seed; }

uint64_t oracle_rng_next(oracle_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int oracle_rng_int(oracle_rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int)(oracle_rng_next(r) % span);
}

int oracle_rng_chance(oracle_rng *r, double prob)
{
    double u = (double)(oracle_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
    return u < prob;
}

/* ------------------------------------------------------------------ */
/* Model                                                              */
/* ------------------------------------------------------------------ */

double oracle_haversine(double lat1, double lon1, double lat2, double lon2)
{
    const double R = 3958.8;
    double rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    if (a > 1.0)
        a = 1.0;
    return 2.0 * R * asin(sqrt(a));
}

double oracle_miles(const oracle_instance *in, int c, int p)
{
    return oracle_haversine(in->c[c].lat, in->c[c].lon, in->p[p].lat,
                            in->p[p].lon) *
           in->policy.road_factor;
}

int oracle_arc_ok(const oracle_instance *in, int ci, int pi)
{
    const oracle_child *c = &in->c[ci];
    const oracle_placement *p = &in->p[pi];
    int amin = p->has_age_min ? p->age_min : 0;
    int amax = p->has_age_max ? p->age_max : 25;
    if (!(amin <= c->age && c->age <= amax))                     /* 1 */
        return 0;
    if (p->has_sexes && !(p->sexes & (1u << c->sex)))            /* 2 */
        return 0;
    for (int n = 0; n < ORACLE_NUM_NEEDS; n++)                   /* 3 */
        if (c->needs[n] > 0 && p->supports[n] < c->needs[n])
            return 0;
    if (c->has_types && !(c->types & (1u << p->type)))           /* 4 */
        return 0;
    if (c->has_max_miles && !(oracle_miles(in, ci, pi) <= c->max_miles)) /* 5 */
        return 0;
    if (p->has_reserved && !(p->reserved & (1u << ci)))          /* 6 */
        return 0;
    if (!(p->capacity >= 1))                                     /* 7 */
        return 0;
    return 1;
}

double oracle_arc_cost(const oracle_instance *in, int c, int p)
{
    const oracle_policy *pol = &in->policy;
    double m = oracle_miles(in, c, p);
    double a = in->p[p].weekly_cost + pol->cost_per_mile_week * m;
    if (m > pol->far_miles)
        a += pol->far_penalty_week;
    if (in->c[c].current >= 0 && in->c[c].current != p)
        a += pol->move_week;
    return a;
}

int oracle_conflict(const oracle_instance *in, int c, int d)
{
    return ((in->c[c].avoid >> d) & 1u) || ((in->c[d].avoid >> c) & 1u);
}

static void why_set(char *why, size_t len, const char *fmt, ...)
{
    if (!why || !len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

int oracle_feasible(const oracle_instance *in, const int *assign, char *why,
                    size_t why_len)
{
    int count[ORACLE_MAX_PLACEMENTS] = {0};
    if (why && why_len)
        why[0] = '\0';
    for (int c = 0; c < in->nc; c++) {
        int p = assign[c];
        if (p < ORACLE_UNMATCHED || p >= in->np) {
            why_set(why, why_len, "child %s: placement index %d out of range",
                    in->c[c].id, p);
            return 0;
        }
        if (in->c[c].stay) {
            if (p != in->c[c].current) {
                why_set(why, why_len, "pinned child %s not at current %s",
                        in->c[c].id, in->p[in->c[c].current].id);
                return 0;
            }
        } else if (p >= 0 && !oracle_arc_ok(in, c, p)) {
            why_set(why, why_len, "child %s at %s: not an arc (rules 1-7)",
                    in->c[c].id, in->p[p].id);
            return 0;
        }
        if (p >= 0)
            count[p]++;
    }
    for (int p = 0; p < in->np; p++) {
        const oracle_placement *pl = &in->p[p];
        if (count[p] > pl->capacity) {
            why_set(why, why_len, "placement %s: %d children > capacity %d",
                    pl->id, count[p], pl->capacity);
            return 0;
        }
        int s = pl->has_sibling_only ? pl->sibling_only : 0;
        if (s > 0 && count[p] > pl->capacity - s) {
            int ok = 0;
            for (int g = 0; g < in->ngroups && !ok; g++) {
                int k = 0;
                for (int c = 0; c < in->nc; c++)
                    if (assign[c] == p && in->c[c].group == g)
                        k++;
                if (k >= 2)
                    ok = 1;
            }
            if (!ok) {
                why_set(why, why_len,
                        "placement %s: %d children > capacity %d - "
                        "sibling_only %d and no two siblings there",
                        pl->id, count[p], pl->capacity, s);
                return 0;
            }
        }
    }
    for (int c = 0; c < in->nc; c++)
        for (int d = c + 1; d < in->nc; d++)
            if (assign[c] >= 0 && assign[c] == assign[d] &&
                oracle_conflict(in, c, d)) {
                why_set(why, why_len, "children %s and %s avoid each other "
                        "but share %s", in->c[c].id, in->c[d].id,
                        in->p[assign[c]].id);
                return 0;
            }
    return 1;
}

static int group_distinct(const oracle_instance *in, const int *assign, int g,
                          int *members)
{
    unsigned used = 0;
    int d = 0, m = 0;
    for (int c = 0; c < in->nc; c++) {
        if (in->c[c].group != g)
            continue;
        m++;
        int p = assign[c];
        if (p >= 0 && !(used & (1u << p))) {
            used |= 1u << p;
            d++;
        }
    }
    if (members)
        *members = m;
    return d;
}

double oracle_objective(const oracle_instance *in, const int *assign)
{
    double obj = 0.0;
    int splits = 0;
    for (int c = 0; c < in->nc; c++)
        obj += assign[c] >= 0 ? oracle_arc_cost(in, c, assign[c])
                              : in->policy.unmatched_week;
    for (int g = 0; g < in->ngroups; g++) {
        int d = group_distinct(in, assign, g, NULL);
        if (d > 1)
            splits += d - 1;
    }
    return obj + in->policy.sibling_split_week * splits;
}

void oracle_evaluate(const oracle_instance *in, const int *assign,
                     oracle_figures *f)
{
    const oracle_policy *pol = &in->policy;
    memset(f, 0, sizeof *f);
    f->children = in->nc;
    for (int c = 0; c < in->nc; c++) {
        int p = assign[c];
        if (p < 0) {
            f->unmatched++;
            if (in->c[c].current >= 0)
                f->unmatched_with_current++;
            continue;
        }
        double m = oracle_miles(in, c, p);
        f->placed++;
        f->placement_cost += in->p[p].weekly_cost;
        f->distance_penalty += pol->cost_per_mile_week * m;
        if (m > pol->far_miles) {
            f->beyond_far_miles++;
            f->far_penalty += pol->far_penalty_week;
        }
        if (in->c[c].current >= 0 && in->c[c].current != p) {
            f->moves++;
            f->move_penalty += pol->move_week;
        }
        f->total_miles += m;
        f->by_type[in->p[p].type]++;
    }
    for (int g = 0; g < in->ngroups; g++) {
        int members = 0;
        int d = group_distinct(in, assign, g, &members);
        if (members == 0)
            continue;
        f->sibling_groups++;
        if (d == 0)
            f->sibling_groups_none_placed++;
        else if (d == 1)
            f->sibling_groups_together++;
        else {
            f->sibling_groups_split++;
            f->splits += d - 1;
        }
    }
    f->split_penalty = pol->sibling_split_week * f->splits;
    f->unmatched_penalty = pol->unmatched_week * f->unmatched;
    f->weekly_cost = f->placement_cost + f->unmatched_penalty;
    f->annual_cost = f->weekly_cost * 365.0 / 7.0;
    f->pct_beyond_far_miles =
        f->placed ? 100.0 * f->beyond_far_miles / f->placed : 0.0;
    f->mean_miles = f->placed ? f->total_miles / f->placed : 0.0;
    f->objective = f->placement_cost + f->distance_penalty + f->far_penalty +
                   f->move_penalty + f->split_penalty + f->unmatched_penalty;
}

/* ------------------------------------------------------------------ */
/* Brute force (exhaustive branch and bound; all costs are >= 0)       */
/* ------------------------------------------------------------------ */

typedef struct bf_state {
    const oracle_instance *in;
    int order[ORACLE_MAX_CHILDREN];
    int nopt[ORACLE_MAX_CHILDREN];
    int opt[ORACLE_MAX_CHILDREN][ORACLE_MAX_PLACEMENTS + 1];
    double optcost[ORACLE_MAX_CHILDREN][ORACLE_MAX_PLACEMENTS + 1];
    double rest_lb[ORACLE_MAX_CHILDREN + 1];
    uint32_t conf[ORACLE_MAX_CHILDREN];
    int count[ORACLE_MAX_PLACEMENTS];
    uint32_t at[ORACLE_MAX_PLACEMENTS];
    int gcount[ORACLE_MAX_PLACEMENTS][ORACLE_MAX_GROUPS];
    int cur[ORACLE_MAX_CHILDREN];
    int best[ORACLE_MAX_CHILDREN];
    double best_obj;
    int found;
    long leaves;
} bf_state;

static void bf_leaf(bf_state *s, double partial)
{
    const oracle_instance *in = s->in;
    s->leaves++;
    for (int p = 0; p < in->np; p++) {
        const oracle_placement *pl = &in->p[p];
        int so = pl->has_sibling_only ? pl->sibling_only : 0;
        if (so > 0 && s->count[p] > pl->capacity - so) {
            int ok = 0;
            for (int g = 0; g < in->ngroups; g++)
                if (s->gcount[p][g] >= 2) {
                    ok = 1;
                    break;
                }
            if (!ok)
                return;
        }
    }
    int splits = 0;
    for (int g = 0; g < in->ngroups; g++) {
        int d = 0;
        for (int p = 0; p < in->np; p++)
            if (s->gcount[p][g] > 0)
                d++;
        if (d > 1)
            splits += d - 1;
    }
    double total = partial + in->policy.sibling_split_week * splits;
    if (!s->found || total < s->best_obj) {
        s->found = 1;
        s->best_obj = total;
        memcpy(s->best, s->cur, sizeof s->best);
    }
}

static void bf_dfs(bf_state *s, int k, double partial)
{
    const oracle_instance *in = s->in;
    if (k == in->nc) {
        bf_leaf(s, partial);
        return;
    }
    int c = s->order[k];
    int g = in->c[c].group;
    for (int i = 0; i < s->nopt[c]; i++) {
        double np = partial + s->optcost[c][i];
        /* options are sorted by cost, so later ones are no better */
        if (s->found && np + s->rest_lb[k + 1] >= s->best_obj)
            break;
        int p = s->opt[c][i];
        if (p < 0) {
            s->cur[c] = ORACLE_UNMATCHED;
            bf_dfs(s, k + 1, np);
            continue;
        }
        if (s->count[p] >= in->p[p].capacity)
            continue;
        if (s->at[p] & s->conf[c])
            continue;
        s->cur[c] = p;
        s->count[p]++;
        s->at[p] |= 1u << c;
        if (g >= 0)
            s->gcount[p][g]++;
        bf_dfs(s, k + 1, np);
        if (g >= 0)
            s->gcount[p][g]--;
        s->at[p] &= ~(1u << c);
        s->count[p]--;
    }
    s->cur[c] = ORACLE_UNMATCHED;
}

static int bf_options(const oracle_instance *in, const int *fixed, int c,
                      int *opt, double *cost)
{
    int n = 0;
    const oracle_child *ch = &in->c[c];
    int f = fixed ? fixed[c] : ORACLE_FREE;
    if (ch->stay) {
        if (f == ORACLE_FREE || f == ch->current) {
            opt[n] = ch->current;
            cost[n++] = oracle_arc_cost(in, c, ch->current);
        }
        return n;
    }
    if (f == ORACLE_FREE || f == ORACLE_UNMATCHED) {
        opt[n] = ORACLE_UNMATCHED;
        cost[n++] = in->policy.unmatched_week;
    }
    for (int p = 0; p < in->np; p++)
        if ((f == ORACLE_FREE || f == p) && oracle_arc_ok(in, c, p)) {
            opt[n] = p;
            cost[n++] = oracle_arc_cost(in, c, p);
        }
    /* insertion sort by cost */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && cost[j] < cost[j - 1]; j--) {
            double tc = cost[j];
            cost[j] = cost[j - 1];
            cost[j - 1] = tc;
            int to = opt[j];
            opt[j] = opt[j - 1];
            opt[j - 1] = to;
        }
    return n;
}

double oracle_search_space(const oracle_instance *in)
{
    double prod = 1.0;
    int opt[ORACLE_MAX_PLACEMENTS + 1];
    double cost[ORACLE_MAX_PLACEMENTS + 1];
    for (int c = 0; c < in->nc; c++) {
        int n = bf_options(in, NULL, c, opt, cost);
        prod *= n > 0 ? n : 1;
    }
    return prod;
}

int oracle_brute_force(const oracle_instance *in, const int *fixed,
                       int *best_assign, double *best_obj, long *leaves)
{
    static bf_state zero;
    bf_state *s = malloc(sizeof *s);
    if (!s)
        abort();
    *s = zero;
    s->in = in;
    int k = 0;
    /* pinned children first, then the rest in index order */
    for (int c = 0; c < in->nc; c++)
        if (in->c[c].stay)
            s->order[k++] = c;
    for (int c = 0; c < in->nc; c++)
        if (!in->c[c].stay)
            s->order[k++] = c;
    int dead = 0;
    for (int c = 0; c < in->nc; c++) {
        s->nopt[c] = bf_options(in, fixed, c, s->opt[c], s->optcost[c]);
        if (s->nopt[c] == 0)
            dead = 1;
        s->cur[c] = ORACLE_UNMATCHED;
        for (int d = 0; d < in->nc; d++)
            if (d != c && oracle_conflict(in, c, d))
                s->conf[c] |= 1u << d;
    }
    s->rest_lb[in->nc] = 0.0;
    for (int i = in->nc - 1; i >= 0; i--) {
        int c = s->order[i];
        s->rest_lb[i] = s->rest_lb[i + 1] + (s->nopt[c] ? s->optcost[c][0] : 0);
    }
    if (!dead)
        bf_dfs(s, 0, 0.0);
    int found = s->found;
    if (leaves)
        *leaves = s->leaves;
    if (found) {
        if (best_assign)
            memcpy(best_assign, s->best, sizeof(int) * (size_t)in->nc);
        /* recompute in a canonical order */
        if (best_obj)
            *best_obj = oracle_objective(in, s->best);
    }
    free(s);
    return found;
}

/* ------------------------------------------------------------------ */
/* Generator                                                          */
/* ------------------------------------------------------------------ */

void oracle_gen_options_init(oracle_gen_options *o)
{
    o->max_children = 8;
    o->max_placements = 5;
    o->infeasible_share = 0.12;
    o->max_leaves = 2000000;
}

/* A decimal value exactly as it will read back from its JSON text. */
static double dec(long units, int decimals)
{
    char buf[64];
    double scale = 1.0;
    for (int i = 0; i < decimals; i++)
        scale *= 10.0;
    snprintf(buf, sizeof buf, "%.*f", decimals, (double)units / scale);
    return strtod(buf, NULL);
}

static double pick_d(oracle_rng *r, const double *v, int n)
{
    return v[oracle_rng_int(r, 0, n - 1)];
}

static void shuffle(oracle_rng *r, int *a, int n)
{
    for (int i = n - 1; i > 0; i--) {
        int j = oracle_rng_int(r, 0, i);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}

static void gen_policy(oracle_instance *in, oracle_rng *r)
{
    oracle_policy *pol = &in->policy;
    static const double cpm[] = {0, 0.5, 1, 1.5, 2, 3, 5};
    static const double rf[] = {1.0, 1.1, 1.2, 1.25, 1.3, 1.5};
    memset(pol, 0, sizeof *pol);
    /* defaults (MODEL.md) */
    pol->far_miles = 20;
    pol->unmatched_week = 10000;
    pol->road_factor = 1.0;
    in->has_policy = !oracle_rng_chance(r, 0.04);
    if (!in->has_policy)
        return;
    const double pr = 0.88;
    if ((pol->has_far_miles = oracle_rng_chance(r, pr)))
        pol->far_miles = oracle_rng_chance(r, 0.8) ? oracle_rng_int(r, 4, 25)
                                                   : dec(oracle_rng_int(r, 40, 250), 1);
    if ((pol->has_cost_per_mile_week = oracle_rng_chance(r, pr)))
        pol->cost_per_mile_week = oracle_rng_chance(r, 0.9) ? pick_d(r, cpm + 1, 6) : 0;
    if ((pol->has_far_penalty_week = oracle_rng_chance(r, pr)))
        pol->far_penalty_week = oracle_rng_chance(r, 0.9) ? 50.0 * oracle_rng_int(r, 1, 8) : 0;
    if ((pol->has_sibling_split_week = oracle_rng_chance(r, pr)))
        pol->sibling_split_week = oracle_rng_chance(r, 0.9) ? 100.0 * oracle_rng_int(r, 1, 8) : 0;
    if ((pol->has_move_week = oracle_rng_chance(r, pr)))
        pol->move_week = oracle_rng_chance(r, 0.9) ? 50.0 * oracle_rng_int(r, 1, 10) : 0;
    if ((pol->has_unmatched_week = oracle_rng_chance(r, pr)))
        pol->unmatched_week = 100.0 * oracle_rng_int(r, 8, 60);
    if ((pol->has_road_factor = oracle_rng_chance(r, pr)))
        pol->road_factor = pick_d(r, rf, 6);
}

static void gen_base(oracle_instance *in, oracle_rng *r,
                     const oracle_gen_options *o)
{
    memset(in, 0, sizeof *in);
    int maxc = o->max_children, maxp = o->max_placements;
    if (maxc > ORACLE_MAX_CHILDREN) maxc = ORACLE_MAX_CHILDREN;
    if (maxp > ORACLE_MAX_PLACEMENTS) maxp = ORACLE_MAX_PLACEMENTS;
    if (maxc < 1) maxc = 1;
    if (maxp < 1) maxp = 1;
    in->nc = oracle_rng_int(r, 1, maxc);
    in->np = oracle_rng_int(r, 1, maxp);
    gen_policy(in, r);

    /* ~0.5 degree box around Teesside: distances 0..~40 miles */
    for (int i = 0; i < in->np; i++) {
        oracle_placement *p = &in->p[i];
        snprintf(p->id, sizeof p->id, "P%02d", i + 1);
        p->type = oracle_rng_chance(r, 0.7) ? oracle_rng_int(r, 0, 3)
                                            : oracle_rng_int(r, 4, ORACLE_NUM_TYPES - 1);
        p->lat = dec(543000 + oracle_rng_int(r, 0, 5000), 4);
        p->lon = dec(-16000 + oracle_rng_int(r, 0, 5000), 4);
        p->capacity = oracle_rng_chance(r, 0.1) ? 0 : oracle_rng_int(r, 1, 3);
        if (p->capacity >= 1 && oracle_rng_chance(r, 0.3)) {
            p->has_sibling_only = 1;
            p->sibling_only = oracle_rng_int(r, 1, p->capacity);
        } else if (oracle_rng_chance(r, 0.1)) {
            p->has_sibling_only = 1;
            p->sibling_only = 0;
        }
        if ((p->has_age_min = oracle_rng_chance(r, 0.35)))
            p->age_min = oracle_rng_int(r, 0, 10);
        int amin = p->has_age_min ? p->age_min : 0;
        if ((p->has_age_max = oracle_rng_chance(r, 0.35)))
            p->age_max = oracle_rng_int(r, amin > 8 ? amin : 8, 25);
        if (p->has_age_max && p->age_max < amin)
            p->age_max = amin;
        if ((p->has_sexes = oracle_rng_chance(r, 0.25))) {
            static const unsigned masks[] = {1u, 2u, 3u, 7u, 1u, 2u};
            p->sexes = masks[oracle_rng_int(r, 0, 5)];
        }
        for (int n = 0; n < ORACLE_NUM_NEEDS; n++)
            if (oracle_rng_chance(r, 0.8)) {
                p->supports_present |= 1u << n;
                p->supports[n] = oracle_rng_chance(r, 0.1) ? 0 : oracle_rng_int(r, 1, 3) + oracle_rng_chance(r, 0.5);
                if (p->supports[n] > 3)
                    p->supports[n] = 3;
            }
        p->weekly_cost = 10.0 * oracle_rng_int(r, 10, 180);
        if (oracle_rng_chance(r, 0.2))
            p->weekly_cost += 0.5;
        if (oracle_rng_chance(r, 0.03))
            p->weekly_cost = 0;
    }

    for (int i = 0; i < in->nc; i++) {
        oracle_child *c = &in->c[i];
        snprintf(c->id, sizeof c->id, "C%02d", i + 1);
        c->age = oracle_rng_int(r, 0, 20);
        c->sex = oracle_rng_chance(r, 0.05) ? 2 : oracle_rng_int(r, 0, 1);
        c->lat = dec(543000 + oracle_rng_int(r, 0, 5000), 4);
        c->lon = dec(-16000 + oracle_rng_int(r, 0, 5000), 4);
        for (int n = 0; n < ORACLE_NUM_NEEDS; n++)
            if (oracle_rng_chance(r, 0.15))
                c->needs[n] = oracle_rng_chance(r, 0.7) ? oracle_rng_int(r, 1, 2) : 3;
        c->group = -1;
        c->current = -1;
        if ((c->has_types = oracle_rng_chance(r, 0.25))) {
            int k = oracle_rng_int(r, 1, 3);
            for (int j = 0; j < k; j++)
                c->types |= 1u << (oracle_rng_chance(r, 0.7)
                                       ? in->p[oracle_rng_int(r, 0, in->np - 1)].type
                                       : oracle_rng_int(r, 0, ORACLE_NUM_TYPES - 1));
        }
        if ((c->has_max_miles = oracle_rng_chance(r, 0.25)))
            c->max_miles = oracle_rng_chance(r, 0.8) ? oracle_rng_int(r, 4, 40)
                                                     : dec(oracle_rng_int(r, 30, 400), 1);
    }

    /* sibling groups of 2..4 */
    int perm[ORACLE_MAX_CHILDREN];
    for (int i = 0; i < in->nc; i++)
        perm[i] = i;
    shuffle(r, perm, in->nc);
    int pos = 0;
    while (in->nc - pos >= 2 && oracle_rng_chance(r, 0.65)) {
        int rem = in->nc - pos;
        int size = oracle_rng_int(r, 2, rem < 4 ? rem : 4);
        int g = in->ngroups++;
        snprintf(in->group_id[g], sizeof in->group_id[g], "G%d", g + 1);
        for (int j = 0; j < size; j++)
            in->c[perm[pos++]].group = g;
        if (in->nc - pos >= 1 && oracle_rng_chance(r, 0.3))
            pos++; /* leave a child out between groups */
    }

    /* current placements and pins; pins kept within a limit per placement
       (usually capacity - sibling_only, sometimes the full capacity) */
    int lim[ORACLE_MAX_PLACEMENTS], pinned[ORACLE_MAX_PLACEMENTS] = {0};
    for (int p = 0; p < in->np; p++) {
        int s = in->p[p].has_sibling_only ? in->p[p].sibling_only : 0;
        lim[p] = oracle_rng_chance(r, 0.8) ? in->p[p].capacity - s
                                           : in->p[p].capacity;
    }
    for (int i = 0; i < in->nc; i++) {
        oracle_child *c = &in->c[i];
        if (!oracle_rng_chance(r, 0.4))
            continue;
        c->current = oracle_rng_int(r, 0, in->np - 1);
        if (oracle_rng_chance(r, 0.35) && pinned[c->current] < lim[c->current]) {
            c->stay = 1;
            pinned[c->current]++;
        } else if (oracle_rng_chance(r, 0.3)) {
            c->write_stay_false = 1;
        }
    }

    /* avoid pairs (never two pinned at the same placement) */
    for (int i = 0; i < in->nc && in->nc >= 2; i++) {
        if (!oracle_rng_chance(r, 0.2))
            continue;
        int d = oracle_rng_int(r, 0, in->nc - 2);
        if (d >= i)
            d++;
        if (in->c[i].stay && in->c[d].stay && in->c[i].current == in->c[d].current)
            continue;
        in->c[i].avoid |= 1u << d;
        if (oracle_rng_chance(r, 0.3))
            in->c[d].avoid |= 1u << i;
    }

    /* reserved_for (connected-persons carers) */
    for (int p = 0; p < in->np; p++)
        if ((in->p[p].has_reserved = oracle_rng_chance(r, 0.1))) {
            int k = oracle_rng_int(r, 1, 2);
            for (int j = 0; j < k; j++)
                in->p[p].reserved |= 1u << oracle_rng_int(r, 0, in->nc - 1);
        }
}

static void pin(oracle_instance *in, int c, int p)
{
    in->c[c].current = p;
    in->c[c].stay = 1;
    in->c[c].write_stay_false = 0;
}

/* Injects one violation that pinned children alone make; returns 0 when
   this instance cannot take the chosen kind (caller regenerates). */
static int inject(oracle_instance *in, oracle_rng *r)
{
    int kind = oracle_rng_int(r, ORACLE_INJECT_OVERFILL, ORACLE_INJECT_SIBLING_ONLY);
    int p = oracle_rng_int(r, 0, in->np - 1);
    oracle_placement *pl = &in->p[p];
    int perm[ORACLE_MAX_CHILDREN];
    for (int i = 0; i < in->nc; i++)
        perm[i] = i;
    shuffle(r, perm, in->nc);
    in->injected = kind;
    switch (kind) {
    case ORACLE_INJECT_OVERFILL: {
        if (pl->capacity + 1 > in->nc)
            pl->capacity = in->nc - 1;
        if (pl->has_sibling_only && pl->sibling_only > pl->capacity)
            pl->sibling_only = pl->capacity;
        for (int j = 0; j < pl->capacity + 1; j++)
            pin(in, perm[j], p);
        return 1;
    }
    case ORACLE_INJECT_AVOID: {
        if (in->nc < 2)
            return 0;
        int a = perm[0], b = perm[1];
        pin(in, a, p);
        pin(in, b, p);
        int k = 0;
        for (int c = 0; c < in->nc; c++)
            if (in->c[c].stay && in->c[c].current == p)
                k++;
        if (pl->capacity < k)
            pl->capacity = k;
        pl->has_sibling_only = oracle_rng_chance(r, 0.2);
        pl->sibling_only = 0;
        if (oracle_rng_chance(r, 0.5))
            in->c[a].avoid |= 1u << b;
        else
            in->c[b].avoid |= 1u << a;
        return 1;
    }
    default: { /* ORACLE_INJECT_SIBLING_ONLY */
        int want = oracle_rng_int(r, 1, in->nc < 3 ? in->nc : 3);
        int chosen[ORACLE_MAX_CHILDREN], k = 0;
        unsigned groups = 0;
        for (int j = 0; j < in->nc && k < want; j++) {
            int c = perm[j];
            int g = in->c[c].group;
            if (g >= 0 && (groups & (1u << g)))
                continue;
            if (g >= 0)
                groups |= 1u << g;
            chosen[k++] = c;
        }
        for (int c = 0; c < in->nc; c++) /* only the chosen pinned here */
            if (in->c[c].stay && in->c[c].current == p)
                in->c[c].stay = 0;
        for (int j = 0; j < k; j++)
            pin(in, chosen[j], p);
        pl->capacity = k;
        pl->has_sibling_only = 1;
        pl->sibling_only = oracle_rng_int(r, 1, k);
        return 1;
    }
    }
}

/* no distance within 1e-6 miles of a threshold it is compared with */
static int thresholds_clear(const oracle_instance *in)
{
    for (int c = 0; c < in->nc; c++)
        for (int p = 0; p < in->np; p++) {
            double m = oracle_miles(in, c, p);
            if (fabs(m - in->policy.far_miles) < 1e-6)
                return 0;
            if (in->c[c].has_max_miles && fabs(m - in->c[c].max_miles) < 1e-6)
                return 0;
        }
    return 1;
}

void oracle_generate(oracle_instance *in, uint64_t seed,
                     const oracle_gen_options *opts)
{
    oracle_gen_options d;
    if (!opts) {
        oracle_gen_options_init(&d);
        opts = &d;
    }
    oracle_rng r;
    oracle_rng_seed(&r, seed);
    int want_infeasible = oracle_rng_chance(&r, opts->infeasible_share);
    for (int attempt = 0; attempt < 1000; attempt++) {
        gen_base(in, &r, opts);
        if (want_infeasible && !inject(in, &r))
            continue;
        if (!thresholds_clear(in))
            continue;
        if (opts->max_leaves > 0 && oracle_search_space(in) > (double)opts->max_leaves)
            continue;
        if (want_infeasible && oracle_brute_force(in, NULL, NULL, NULL, NULL))
            continue; /* by construction this should not happen */
        return;
    }
    /* unreachable in practice; leave the last attempt, uninjected */
    gen_base(in, &r, opts);
}

/* ------------------------------------------------------------------ */
/* JSON                                                               */
/* ------------------------------------------------------------------ */

typedef struct sbuf {
    char *s;
    size_t len, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            abort();
        if (b->s && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t ncap = b->cap ? b->cap * 2 : 1024;
        while (ncap < b->len + (size_t)n + 1)
            ncap *= 2;
        char *ns = realloc(b->s, ncap);
        if (!ns)
            abort();
        b->s = ns;
        b->cap = ncap;
    }
}

/* shortest text that reads back as exactly v */
static void sb_num(sbuf *b, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, sizeof buf, "%.17g", v);
    sb_printf(b, "%s", buf);
}

static void sb_child_list(sbuf *b, const oracle_instance *in, uint32_t mask)
{
    sb_printf(b, "[");
    int first = 1;
    for (int c = 0; c < in->nc; c++)
        if (mask & (1u << c)) {
            sb_printf(b, "%s\"%s\"", first ? "" : ", ", in->c[c].id);
            first = 0;
        }
    sb_printf(b, "]");
}

char *oracle_to_json(const oracle_instance *in, size_t *len_out)
{
    sbuf b = {0};
    const oracle_policy *pol = &in->policy;
    sb_printf(&b, "{\n  \"format\": \"placematch-scenario/1\",\n");
    sb_printf(&b, "  \"name\": \"oracle instance\",\n");
    sb_printf(&b, "  \"meta\": {\"source\": \"synthetic\", \"generator\": "
                  "\"tests/oracle.c\", \"n\": [1, {\"x\": true}]},\n");
    if (in->has_policy) {
        const char *sep = "";
        sb_printf(&b, "  \"policy\": {");
#define POL(field)                                   \
    if (pol->has_##field) {                          \
        sb_printf(&b, "%s\"" #field "\": ", sep);    \
        sb_num(&b, pol->field);                      \
        sep = ", ";                                  \
    }
        POL(far_miles)
        POL(cost_per_mile_week)
        POL(far_penalty_week)
        POL(sibling_split_week)
        POL(move_week)
        POL(unmatched_week)
        POL(road_factor)
#undef POL
        sb_printf(&b, "},\n");
    }
    sb_printf(&b, "  \"placements\": [\n");
    for (int i = 0; i < in->np; i++) {
        const oracle_placement *p = &in->p[i];
        sb_printf(&b, "    {\"id\": \"%s\", \"type\": \"%s\", \"location\": {\"lat\": ",
                  p->id, oracle_type_names[p->type]);
        sb_num(&b, p->lat);
        sb_printf(&b, ", \"lon\": ");
        sb_num(&b, p->lon);
        sb_printf(&b, "}, \"capacity\": %d", p->capacity);
        if (p->has_sibling_only)
            sb_printf(&b, ", \"sibling_only\": %d", p->sibling_only);
        if (p->has_age_min)
            sb_printf(&b, ", \"age_min\": %d", p->age_min);
        if (p->has_age_max)
            sb_printf(&b, ", \"age_max\": %d", p->age_max);
        if (p->has_sexes) {
            sb_printf(&b, ", \"sexes\": [");
            const char *sep = "";
            for (int s = 0; s < ORACLE_NUM_SEXES; s++)
                if (p->sexes & (1u << s)) {
                    sb_printf(&b, "%s\"%s\"", sep, oracle_sex_names[s]);
                    sep = ", ";
                }
            sb_printf(&b, "]");
        }
        if (p->supports_present) {
            sb_printf(&b, ", \"supports\": {");
            const char *sep = "";
            for (int n = 0; n < ORACLE_NUM_NEEDS; n++)
                if (p->supports_present & (1u << n)) {
                    sb_printf(&b, "%s\"%s\": %d", sep, oracle_need_names[n],
                              p->supports[n]);
                    sep = ", ";
                }
            sb_printf(&b, "}");
        }
        sb_printf(&b, ", \"weekly_cost\": ");
        sb_num(&b, p->weekly_cost);
        if (p->has_reserved) {
            sb_printf(&b, ", \"reserved_for\": ");
            sb_child_list(&b, in, p->reserved);
        }
        sb_printf(&b, "}%s\n", i + 1 < in->np ? "," : "");
    }
    sb_printf(&b, "  ],\n  \"children\": [\n");
    for (int i = 0; i < in->nc; i++) {
        const oracle_child *c = &in->c[i];
        sb_printf(&b, "    {\"id\": \"%s\", \"age\": %d, \"sex\": \"%s\", \"home\": {\"lat\": ",
                  c->id, c->age, oracle_sex_names[c->sex]);
        sb_num(&b, c->lat);
        sb_printf(&b, ", \"lon\": ");
        sb_num(&b, c->lon);
        sb_printf(&b, "}, \"needs\": {");
        const char *sep = "";
        for (int n = 0; n < ORACLE_NUM_NEEDS; n++)
            if (c->needs[n] > 0) {
                sb_printf(&b, "%s\"%s\": %d", sep, oracle_need_names[n], c->needs[n]);
                sep = ", ";
            }
        sb_printf(&b, "}");
        if (c->group >= 0)
            sb_printf(&b, ", \"sibling_group\": \"%s\"", in->group_id[c->group]);
        if (c->has_types) {
            sb_printf(&b, ", \"types\": [");
            sep = "";
            for (int t = 0; t < ORACLE_NUM_TYPES; t++)
                if (c->types & (1u << t)) {
                    sb_printf(&b, "%s\"%s\"", sep, oracle_type_names[t]);
                    sep = ", ";
                }
            sb_printf(&b, "]");
        }
        if (c->has_max_miles) {
            sb_printf(&b, ", \"max_miles\": ");
            sb_num(&b, c->max_miles);
        }
        if (c->current >= 0)
            sb_printf(&b, ", \"current\": \"%s\"", in->p[c->current].id);
        if (c->stay)
            sb_printf(&b, ", \"stay\": true");
        else if (c->write_stay_false)
            sb_printf(&b, ", \"stay\": false");
        if (c->avoid) {
            sb_printf(&b, ", \"avoid\": ");
            sb_child_list(&b, in, c->avoid);
        }
        sb_printf(&b, "}%s\n", i + 1 < in->nc ? "," : "");
    }
    sb_printf(&b, "  ]\n}\n");
    if (len_out)
        *len_out = b.len;
    return b.s;
}
