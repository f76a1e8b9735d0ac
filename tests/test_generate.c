/*
 * test_generate: the synthetic scenario generator (solver/generate.c).
 *
 * Every generated scenario is parsed with cJSON and checked against
 * spec/FORMAT.md (only its fields, valid values, existing references),
 * spec/MODEL.md (current placements compatible, pinned children feasible)
 * and the published figures the profiles reproduce (domain/FACTS.md, see
 * docs/GENERATOR.md for the targets and tolerances used here).  It also
 * loads a few through pm_scenario_load_buffer and solves a small one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "placematch/placematch.h"

/* ------------------------------------------------------------------ */
/* Helpers: generate, parse, look up                                  */
/* ------------------------------------------------------------------ */

#define NNEED 7
static const char *const needs[NNEED] = {
    "trauma",        "send",           "disability",  "behaviour",
    "mental_health", "substance_misuse", "exploitation"};

static const char *const known_types[] = {
    "in_house_foster",      "connected_carer",
    "ifa_foster",           "in_house_residential",
    "joint_venture_residential", "external_residential",
    "supported_accommodation",   "supported_lodgings",
    "parent_and_child",     NULL};

typedef struct tplace {
    const char *id, *type;
    double lat, lon, cost;
    int cap, sib, age_min, age_max, sup[NNEED];
    const cJSON *sexes, *reserved;
} tplace;

typedef struct tchild {
    const char *id, *sex, *group;
    double lat, lon, max_miles;
    int age, need[NNEED], cur; /* cur: placement index or -1 */
    int stay;
    const cJSON *types, *avoid;
} tchild;

typedef struct scen {
    char *text;
    cJSON *root;
    tplace *p;
    tchild *c;
    int np, nc;
} scen;

static char *gen_text(const char *profile, unsigned long long seed,
                      int children, const char *variant)
{
    pm_generate_options o;
    pm_generate_options_init(&o);
    o.profile = profile;
    o.seed = seed;
    o.children = children;
    o.variant = variant;
    pm_error err;
    pm_error_clear(&err);
    char *json = NULL;
    pm_status st = pm_generate(&o, &json, &err);
    if (st != PM_OK)
        fail_msg("pm_generate(%s): %s", profile, err.text);
    assert_non_null(json);
    return json;
}

static int need_index(const char *name)
{
    for (int i = 0; i < NNEED; i++)
        if (strcmp(needs[i], name) == 0)
            return i;
    fail_msg("unknown need '%s'", name);
    return -1;
}

static void read_levels(const cJSON *obj, int *out, int lo)
{
    assert_true(cJSON_IsObject(obj));
    memset(out, 0, NNEED * sizeof *out);
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        assert_true(cJSON_IsNumber(it));
        assert_in_range(it->valueint, lo, 3);
        assert_true(it->valuedouble == it->valueint);
        out[need_index(it->string)] = it->valueint;
    }
}

static double num(const cJSON *obj, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return def;
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static int integer(const cJSON *obj, const char *key, int def)
{
    double d = num(obj, key, def);
    assert_true(d == (int)d);
    return (int)d;
}

static const char *str(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return NULL;
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static void read_geo(const cJSON *obj, const char *key, double *lat,
                     double *lon)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsObject(g));
    *lat = num(g, "lat", 999);
    *lon = num(g, "lon", 999);
    assert_true(*lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180);
}

/* Sorted (id, index) pairs for lookups by id. */
typedef struct idx {
    const char *id;
    int i;
} idx;

static int idx_cmp(const void *a, const void *b)
{
    return strcmp(((const idx *)a)->id, ((const idx *)b)->id);
}

static idx *make_index(int n, const char *(*get)(const scen *, int),
                       const scen *s)
{
    idx *x = malloc((size_t)(n ? n : 1) * sizeof *x);
    assert_non_null(x);
    for (int i = 0; i < n; i++)
        x[i] = (idx){get(s, i), i};
    qsort(x, (size_t)n, sizeof *x, idx_cmp);
    for (int i = 1; i < n; i++)
        if (strcmp(x[i - 1].id, x[i].id) == 0)
            fail_msg("duplicate id %s", x[i].id);
    return x;
}

static int lookup(const idx *x, int n, const char *id)
{
    idx key = {id, 0};
    const idx *hit = bsearch(&key, x, (size_t)n, sizeof *x, idx_cmp);
    return hit ? hit->i : -1;
}

static const char *pid(const scen *s, int i) { return s->p[i].id; }
static const char *cid(const scen *s, int i) { return s->c[i].id; }

static void parse_place(const cJSON *o, tplace *p)
{
    p->id = str(o, "id");
    p->type = str(o, "type");
    assert_non_null(p->id);
    assert_non_null(p->type);
    read_geo(o, "location", &p->lat, &p->lon);
    p->cap = integer(o, "capacity", -1);
    p->sib = integer(o, "sibling_only", 0);
    p->age_min = integer(o, "age_min", 0);
    p->age_max = integer(o, "age_max", 25);
    p->cost = num(o, "weekly_cost", -1);
    p->sexes = cJSON_GetObjectItemCaseSensitive(o, "sexes");
    p->reserved = cJSON_GetObjectItemCaseSensitive(o, "reserved_for");
    const cJSON *sup = cJSON_GetObjectItemCaseSensitive(o, "supports");
    if (sup)
        read_levels(sup, p->sup, 0);
    else
        memset(p->sup, 0, sizeof p->sup);
}

static void parse_child(const cJSON *o, tchild *c)
{
    c->id = str(o, "id");
    c->sex = str(o, "sex");
    c->group = str(o, "sibling_group");
    assert_non_null(c->id);
    assert_non_null(c->sex);
    read_geo(o, "home", &c->lat, &c->lon);
    c->age = integer(o, "age", -1);
    c->max_miles = num(o, "max_miles", 0);
    const cJSON *nd = cJSON_GetObjectItemCaseSensitive(o, "needs");
    if (nd)
        read_levels(nd, c->need, 1);
    else
        memset(c->need, 0, sizeof c->need);
    const cJSON *stay = cJSON_GetObjectItemCaseSensitive(o, "stay");
    assert_true(!stay || cJSON_IsBool(stay));
    c->stay = cJSON_IsTrue(stay);
    c->types = cJSON_GetObjectItemCaseSensitive(o, "types");
    c->avoid = cJSON_GetObjectItemCaseSensitive(o, "avoid");
    c->cur = -1;
}

/* Parses a scenario and resolves `current` (checked to exist). */
static scen parse(char *text)
{
    scen s = {.text = text};
    s.root = cJSON_Parse(text);
    assert_non_null(s.root);
    const cJSON *pa = cJSON_GetObjectItemCaseSensitive(s.root, "placements");
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(s.root, "children");
    assert_true(cJSON_IsArray(pa) && cJSON_IsArray(ca));
    s.np = cJSON_GetArraySize(pa);
    s.nc = cJSON_GetArraySize(ca);
    s.p = calloc((size_t)s.np + 1, sizeof *s.p);
    s.c = calloc((size_t)s.nc + 1, sizeof *s.c);
    assert_non_null(s.p);
    assert_non_null(s.c);
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, pa) parse_place(it, &s.p[i++]);
    i = 0;
    cJSON_ArrayForEach(it, ca) parse_child(it, &s.c[i++]);
    idx *px = make_index(s.np, pid, &s);
    i = 0;
    cJSON_ArrayForEach(it, ca) {
        const char *cur = str(it, "current");
        if (cur) {
            s.c[i].cur = lookup(px, s.np, cur);
            assert_true(s.c[i].cur >= 0);
        }
        i++;
    }
    free(px);
    return s;
}

static scen gen_parse(const char *profile, unsigned long long seed,
                      int children, const char *variant)
{
    return parse(gen_text(profile, seed, children, variant));
}

static void scen_free(scen *s)
{
    cJSON_Delete(s->root);
    pm_free(s->text);
    free(s->p);
    free(s->c);
}

/* MODEL.md's distance (haversine, radius 3958.8 miles). */
static double miles(double la1, double lo1, double la2, double lo2)
{
    const double r = 3.14159265358979323846 / 180;
    double dla = (la2 - la1) * r, dlo = (lo2 - lo1) * r;
    double h = sin(dla / 2) * sin(dla / 2) +
               cos(la1 * r) * cos(la2 * r) * sin(dlo / 2) * sin(dlo / 2);
    return 2 * 3958.8 * asin(sqrt(h));
}

static double child_miles(const scen *s, int ci)
{
    const tchild *c = &s->c[ci];
    const tplace *p = &s->p[c->cur];
    return miles(c->lat, c->lon, p->lat, p->lon);
}

static bool in_list(const cJSON *arr, const char *v)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (cJSON_IsString(it) && strcmp(it->valuestring, v) == 0)
            return true;
    }
    return false;
}

/* A share within tolerance, with a readable failure. */
#define assert_share(what, got, want, tol)                                    \
    do {                                                                      \
        double g_ = (got), w_ = (want), t_ = (tol);                           \
        if (!(fabs(g_ - w_) <= t_))                                           \
            fail_msg("%s: %.4f, expected %.4f +- %.4f", (what), g_, w_, t_);  \
    } while (0)

/* ------------------------------------------------------------------ */
/* Format and model checks                                            */
/* ------------------------------------------------------------------ */

static void check_keys(const cJSON *obj, const char *const *allowed,
                       const char *where)
{
    assert_true(cJSON_IsObject(obj));
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        bool ok = false;
        for (int i = 0; allowed[i] && !ok; i++)
            ok = strcmp(allowed[i], it->string) == 0;
        if (!ok)
            fail_msg("%s: field '%s' is not in FORMAT.md", where, it->string);
    }
}

static void check_id(const char *id)
{
    assert_non_null(id);
    assert_in_range(strlen(id), 1, 64);
}

/* Exactly FORMAT.md's fields and value rules, references that resolve. */
static void check_format(const scen *s)
{
    static const char *const top[] = {"format", "name", "meta", "policy",
                                      "placements", "children", NULL};
    static const char *const pol[] = {
        "far_miles", "cost_per_mile_week", "far_penalty_week",
        "sibling_split_week", "move_week", "unmatched_week", "road_factor",
        NULL};
    static const char *const pk[] = {
        "id", "type", "location", "capacity", "sibling_only", "age_min",
        "age_max", "sexes", "supports", "weekly_cost", "reserved_for", NULL};
    static const char *const ck[] = {
        "id", "age", "sex", "home", "needs", "sibling_group", "types",
        "max_miles", "current", "stay", "avoid", NULL};
    static const char *const geo[] = {"lat", "lon", NULL};
    check_keys(s->root, top, "scenario");
    assert_string_equal(str(s->root, "format"), "placematch-scenario/1");
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(s->root, "meta");
    assert_string_equal(str(meta, "source"), "synthetic");
    const cJSON *policy = cJSON_GetObjectItemCaseSensitive(s->root, "policy");
    check_keys(policy, pol, "policy");
    assert_true(num(policy, "far_miles", -1) == 20);
    assert_true(num(policy, "road_factor", 1) >= 1);
    const cJSON *it;
    cJSON_ArrayForEach(it, policy) assert_true(it->valuedouble >= 0);

    idx *cx = make_index(s->nc, cid, s);
    const cJSON *pa = cJSON_GetObjectItemCaseSensitive(s->root, "placements");
    int i = 0;
    cJSON_ArrayForEach(it, pa) {
        const tplace *p = &s->p[i++];
        check_keys(it, pk, p->id);
        check_keys(cJSON_GetObjectItemCaseSensitive(it, "location"), geo, p->id);
        check_id(p->id);
        bool known = false;
        for (int k = 0; known_types[k]; k++)
            known |= strcmp(known_types[k], p->type) == 0;
        assert_true(known);
        assert_true(p->cap >= 1);
        assert_in_range(p->sib, 0, p->cap);
        assert_true(0 <= p->age_min && p->age_min <= p->age_max &&
                    p->age_max <= 25);
        assert_true(p->cost >= 0 && p->cost == floor(p->cost));
        if (p->sexes)
            assert_true(cJSON_GetArraySize(p->sexes) >= 1);
        const cJSON *r;
        if (p->reserved)
            cJSON_ArrayForEach(r, p->reserved) assert_true(
                lookup(cx, s->nc, r->valuestring) >= 0);
    }
    const cJSON *ca = cJSON_GetObjectItemCaseSensitive(s->root, "children");
    i = 0;
    cJSON_ArrayForEach(it, ca) {
        const tchild *c = &s->c[i];
        check_keys(it, ck, c->id);
        check_keys(cJSON_GetObjectItemCaseSensitive(it, "home"), geo, c->id);
        check_id(c->id);
        assert_in_range(c->age, 0, 17);
        assert_true(strcmp(c->sex, "F") == 0 || strcmp(c->sex, "M") == 0);
        if (c->types)
            assert_true(cJSON_GetArraySize(c->types) >= 1);
        assert_true(c->max_miles >= 0);
        if (c->stay)
            assert_true(c->cur >= 0);
        const cJSON *a;
        if (c->avoid)
            cJSON_ArrayForEach(a, c->avoid) {
                int j = lookup(cx, s->nc, a->valuestring);
                assert_true(j >= 0 && j != i);
            }
        i++;
    }
    free(cx);
}

/* MODEL.md compatibility rules 1-7; NULL when compatible. */
static const char *incompatible(const scen *s, int ci, int pi)
{
    const tchild *c = &s->c[ci];
    const tplace *p = &s->p[pi];
    if (c->age < p->age_min || c->age > p->age_max)
        return "age";
    if (p->sexes && !in_list(p->sexes, c->sex))
        return "sex";
    for (int n = 0; n < NNEED; n++)
        if (p->sup[n] < c->need[n])
            return "needs";
    if (c->types && !in_list(c->types, p->type))
        return "types";
    if (c->max_miles > 0 &&
        miles(c->lat, c->lon, p->lat, p->lon) > c->max_miles)
        return "max_miles";
    if (p->reserved && !in_list(p->reserved, c->id))
        return "reserved_for";
    if (p->cap < 1)
        return "capacity";
    return NULL;
}

/* Capacity rule 2 of MODEL.md for the children in `who` (flags) at each
 * placement: count, and whether two of one group are there. */
static void check_capacity(const scen *s, const int *who, const char *what)
{
    int *cnt = calloc((size_t)s->np + 1, sizeof *cnt);
    int *pair = calloc((size_t)s->np + 1, sizeof *pair);
    assert_non_null(cnt);
    assert_non_null(pair);
    for (int i = 0; i < s->nc; i++) {
        const tchild *c = &s->c[i];
        if (!who[i])
            continue;
        cnt[c->cur]++;
        for (int j = 0; j < i && c->group; j++)
            if (who[j] && s->c[j].cur == c->cur && s->c[j].group &&
                strcmp(s->c[j].group, c->group) == 0)
                pair[c->cur] = 1;
    }
    for (int p = 0; p < s->np; p++) {
        if (cnt[p] > s->p[p].cap)
            fail_msg("%s: %s holds %d > capacity %d", what, s->p[p].id,
                     cnt[p], s->p[p].cap);
        if (s->p[p].sib > 0 && !pair[p] && cnt[p] > s->p[p].cap - s->p[p].sib)
            fail_msg("%s: %s uses its sibling-only places", what, s->p[p].id);
    }
    free(cnt);
    free(pair);
}

/* Feasible by construction: all current placements compatible and within
 * capacity; pinned children (a subset) within capacity, sibling-only rule
 * included; no avoid pair shares a current placement. */
static void check_feasible(const scen *s)
{
    int *cur = calloc((size_t)s->nc + 1, sizeof *cur);
    int *pin = calloc((size_t)s->nc + 1, sizeof *pin);
    assert_non_null(cur);
    assert_non_null(pin);
    idx *cx = make_index(s->nc, cid, s);
    for (int i = 0; i < s->nc; i++) {
        const tchild *c = &s->c[i];
        cur[i] = c->cur >= 0;
        pin[i] = c->stay;
        if (c->cur < 0)
            continue;
        const char *why = incompatible(s, i, c->cur);
        if (why)
            fail_msg("%s at %s: %s", c->id, s->p[c->cur].id, why);
        const cJSON *a;
        if (c->avoid)
            cJSON_ArrayForEach(a, c->avoid) {
                int j = lookup(cx, s->nc, a->valuestring);
                assert_true(s->c[j].cur != c->cur);
                assert_true(!c->group || !s->c[j].group ||
                            strcmp(c->group, s->c[j].group) != 0);
            }
    }
    check_capacity(s, cur, "current");
    check_capacity(s, pin, "pinned");
    free(cx);
    free(cur);
    free(pin);
}

/* ------------------------------------------------------------------ */
/* Statistics                                                         */
/* ------------------------------------------------------------------ */

typedef struct stats {
    int n, placed, far, stay, in_group, in_big, male, age10;
    int band[4], fband[4], nfoster; /* fband: children in K/F/A, FACTS table */
    double capacity;
} stats;

static int band_of(int age)
{
    return age <= 4 ? 0 : age <= 10 ? 1 : age <= 15 ? 2 : 3;
}

static bool is_family(const char *t)
{
    return !strcmp(t, "in_house_foster") || !strcmp(t, "connected_carer") ||
           !strcmp(t, "ifa_foster");
}

/* Children (placed) whose current placement has a type containing `sub`. */
static double type_share(const scen *s, const char *sub)
{
    int k = 0;
    for (int i = 0; i < s->nc; i++)
        if (s->c[i].cur >= 0 && strstr(s->p[s->c[i].cur].type, sub))
            k++;
    return (double)k / s->nc;
}

static int grp_cmp(const void *a, const void *b)
{
    const tchild *x = *(const tchild *const *)a, *y = *(const tchild *const *)b;
    return strcmp(x->group, y->group);
}

/* Children in sibling groups of size >= 2 and >= 4. */
static void group_counts(const scen *s, int *in_group, int *in_big)
{
    const tchild **g = malloc((size_t)(s->nc + 1) * sizeof *g);
    assert_non_null(g);
    int n = 0;
    for (int i = 0; i < s->nc; i++)
        if (s->c[i].group)
            g[n++] = &s->c[i];
    qsort(g, (size_t)n, sizeof *g, grp_cmp);
    *in_group = *in_big = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && strcmp(g[j]->group, g[i]->group) == 0)
            j++;
        *in_group += j - i >= 2 ? j - i : 0;
        *in_big += j - i >= 4 ? j - i : 0;
        i = j;
    }
    free(g);
}

static stats compute(const scen *s)
{
    stats st;
    memset(&st, 0, sizeof st);
    st.n = s->nc;
    for (int p = 0; p < s->np; p++)
        st.capacity += s->p[p].cap;
    group_counts(s, &st.in_group, &st.in_big);
    for (int i = 0; i < s->nc; i++) {
        const tchild *c = &s->c[i];
        st.male += c->sex[0] == 'M';
        st.age10 += c->age >= 10;
        st.band[band_of(c->age)]++;
        st.stay += c->stay;
        if (c->cur < 0)
            continue;
        st.placed++;
        st.far += child_miles(s, i) > 20;
        if (is_family(s->p[c->cur].type)) {
            st.fband[band_of(c->age)]++;
            st.nfoster++;
        }
    }
    return st;
}

/* Checks shared by every profile (base variant). */
static void check_common_stats(const scen *s, const stats *st)
{
    double n = st->n;
    assert_share("with a sibling in care", st->in_group / n, 0.71, 0.02);
    assert_share("in a group of 4+", st->in_big / n, 0.16, 0.02);
    assert_share("male", st->male / n, 0.54, 0.06);
    assert_true(st->age10 > st->n / 2); /* "more than half aged 10+" */
    assert_share("capacity per child", st->capacity / n, 1.18, 0.08);
    assert_share("pinned", st->stay / n, 0.33, 0.09);
    assert_share("placed", (double)st->placed / n, 0.875, 0.09);
    /* age bands of children in kin, in-house and IFA foster care: the
     * Stockton table (FACTS.md) 14.7 / 33.3 / 33.1 / 18.9 % */
    static const double fb[4] = {0.147, 0.333, 0.331, 0.189};
    double tol = st->nfoster < 1000 ? 0.09 : 0.05; /* siblings cluster */
    for (int b = 0; b < 4; b++)
        assert_share("foster age band", (double)st->fband[b] / st->nfoster,
                     fb[b], tol);
    int sib_only = 0;
    for (int p = 0; p < s->np; p++)
        sib_only += s->p[p].sib;
    assert_true(sib_only > 0);
}

/* Costs within FACTS.md's published min..max (whole pounds), means near
 * the published averages where the sample is large enough. */
static void check_costs(const scen *s, bool means)
{
    static const struct {
        const char *type;
        double lo, hi, mean, tol;
    } c[] = {{"in_house_foster", 265, 427, 298, 0.05},
             {"ifa_foster", 624, 1673, 795, 0.08},
             {"in_house_residential", 1650, 1960, 1806, 0.05},
             {"external_residential", 2092, 10460, 3744, 0.12}};
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        double sum = 0;
        int cnt = 0;
        for (int p = 0; p < s->np; p++) {
            if (strcmp(s->p[p].type, c[k].type) != 0)
                continue;
            if (s->p[p].cost < c[k].lo || s->p[p].cost > c[k].hi)
                fail_msg("%s costs %.0f, outside %.0f..%.0f", s->p[p].id,
                         s->p[p].cost, c[k].lo, c[k].hi);
            sum += s->p[p].cost;
            cnt++;
        }
        assert_true(cnt > 0);
        if (means)
            assert_share(c[k].type, sum / cnt / c[k].mean, 1.0, c[k].tol);
    }
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */
/* ------------------------------------------------------------------ */

static void test_options_init(void **state)
{
    (void)state;
    pm_generate_options o;
    memset(&o, 0x5a, sizeof o);
    pm_generate_options_init(&o);
    assert_string_equal(o.profile, "stockton-2023");
    assert_true(o.seed == 1);
    assert_int_equal(o.children, 0);
    assert_null(o.variant);
    pm_generate_options_init(NULL); /* no crash */
}

static void test_profiles_list(void **state)
{
    (void)state;
    const char *const *p = pm_generate_profiles();
    const char *want[] = {"stockton-2023", "middlesbrough-2020", "regional",
                          "national"};
    for (int i = 0; i < 4; i++)
        assert_string_equal(p[i], want[i]);
    assert_null(p[4]);
}

static void test_null_options_are_defaults(void **state)
{
    (void)state;
    char *a = NULL;
    assert_int_equal(pm_generate(NULL, &a, NULL), PM_OK);
    char *b = gen_text("stockton-2023", 1, 0, "base");
    assert_string_equal(a, b);
    pm_free(a);
    pm_free(b);
}

static void test_deterministic(void **state)
{
    (void)state;
    const char *profiles[] = {"stockton-2023", "regional"};
    for (int k = 0; k < 2; k++) {
        char *a = gen_text(profiles[k], 7, 0, NULL);
        char *b = gen_text(profiles[k], 7, 0, NULL);
        char *c = gen_text(profiles[k], 8, 0, NULL);
        char *d = gen_text(profiles[k], 7, 0, "older");
        assert_string_equal(a, b);
        assert_string_not_equal(a, c);
        assert_string_not_equal(a, d);
        pm_free(a);
        pm_free(b);
        pm_free(c);
        pm_free(d);
    }
}

static void test_children_override(void **state)
{
    (void)state;
    const int sizes[] = {1, 2, 50, 1000};
    for (int k = 0; k < 4; k++) {
        scen s = gen_parse("stockton-2023", 3, sizes[k], NULL);
        assert_int_equal(s.nc, sizes[k]);
        check_format(&s);
        check_feasible(&s);
        scen_free(&s);
    }
    scen s = gen_parse("stockton-2023", 3, 50, "growth");
    assert_int_equal(s.nc, 60);
    scen_free(&s);
}

static void test_profile_sizes(void **state)
{
    (void)state;
    scen s = gen_parse("stockton-2023", 1, 0, NULL);
    assert_int_equal(s.nc, 587);
    assert_string_equal(s.c[0].id, "C0001");
    scen_free(&s);
    s = gen_parse("middlesbrough-2020", 1, 0, NULL);
    assert_int_equal(s.nc, 683);
    scen_free(&s);
    s = gen_parse("regional", 1, 0, NULL);
    assert_int_equal(s.nc, 3000);
    scen_free(&s);
    s = gen_parse("national", 1, 2500, NULL);
    assert_int_equal(s.nc, 2500);
    scen_free(&s);
}

/* The full national size (20,000), checked when quick enough (< 3 s). */
static void test_national_full_size(void **state)
{
    (void)state;
    clock_t t0 = clock();
    char *text = gen_text("national", 1, 0, NULL);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (secs > 3.0) {
        pm_free(text);
        skip();
    }
    scen s = parse(text);
    assert_int_equal(s.nc, 20000);
    assert_string_equal(s.c[19999].id, "C20000");
    check_format(&s);
    check_feasible(&s);
    stats st = compute(&s);
    check_common_stats(&s, &st);
    assert_share("national beyond 20 miles", (double)st.far / st.placed, 0.18,
                 0.03);
    check_costs(&s, true);
    scen_free(&s);
}

/* Stockton: placement mix of 31 Oct 2023 (connected 154, in-house 102,
 * IFA 119 of 587), residential 13%, 7% beyond 20 miles. */
static void test_stockton_calibration(void **state)
{
    (void)state;
    for (unsigned long long seed = 1; seed <= 3; seed++) {
        scen s = gen_parse("stockton-2023", seed, 0, NULL);
        check_format(&s);
        check_feasible(&s);
        stats st = compute(&s);
        check_common_stats(&s, &st);
        assert_share("connected", type_share(&s, "connected"), 154.0 / 587, 0.02);
        assert_share("in-house foster", type_share(&s, "in_house_foster"),
                     102.0 / 587, 0.03);
        assert_share("IFA", type_share(&s, "ifa"), 119.0 / 587, 0.03);
        assert_share("residential", type_share(&s, "residential"), 0.13, 0.02);
        assert_share("beyond 20 miles", (double)st.far / st.placed, 0.07, 0.025);
        int homes = 0, jv = 0;
        for (int p = 0; p < s.np; p++) {
            homes += strcmp(s.p[p].type, "in_house_residential") == 0 ? s.p[p].cap : 0;
            jv += strcmp(s.p[p].type, "joint_venture_residential") == 0 ? s.p[p].cap : 0;
        }
        assert_int_equal(homes, 14); /* 4 + 4 + 3 + 3 beds */
        assert_int_equal(jv, 15);    /* 3 homes x 5 beds */
        check_costs(&s, false);
        scen_free(&s);
    }
}

/* Middlesbrough 2020: 177 in-house, 154 IFA, 211 connected of 683;
 * residential 10%; 18% beyond 20 miles; about 263 in-house foster places. */
static void test_middlesbrough_calibration(void **state)
{
    (void)state;
    scen s = gen_parse("middlesbrough-2020", 1, 0, NULL);
    check_format(&s);
    check_feasible(&s);
    stats st = compute(&s);
    check_common_stats(&s, &st);
    assert_share("in-house foster", type_share(&s, "in_house_foster"),
                 177.0 / 683, 0.03);
    assert_share("IFA", type_share(&s, "ifa"), 154.0 / 683, 0.03);
    assert_share("connected", type_share(&s, "connected"), 211.0 / 683, 0.02);
    assert_share("residential", type_share(&s, "residential"), 0.10, 0.02);
    assert_share("beyond 20 miles", (double)st.far / st.placed, 0.18, 0.03);
    int places = 0;
    for (int p = 0; p < s.np; p++)
        places += strcmp(s.p[p].type, "in_house_foster") == 0 ? s.p[p].cap : 0;
    assert_share("in-house foster places / 263", places / 263.0, 1.0, 0.05);
    check_costs(&s, false);
    scen_free(&s);
}

/* Regional: North East share beyond 20 miles (11%), placements over five
 * boroughs, costs' means close to Stockton's averages. */
static void test_regional_calibration(void **state)
{
    (void)state;
    scen s = gen_parse("regional", 2, 0, NULL);
    check_format(&s);
    check_feasible(&s);
    stats st = compute(&s);
    check_common_stats(&s, &st);
    assert_share("residential", type_share(&s, "residential"), 0.12, 0.02);
    assert_share("beyond 20 miles", (double)st.far / st.placed, 0.11, 0.025);
    check_costs(&s, true);
    /* homes around all five centres: some near Darlington, some near Redcar */
    int darlington = 0, redcar = 0;
    for (int i = 0; i < s.nc; i++) {
        darlington += miles(s.c[i].lat, s.c[i].lon, 54.52, -1.55) < 4;
        redcar += miles(s.c[i].lat, s.c[i].lon, 54.61, -1.07) < 4;
    }
    assert_true(darlington > 150 && redcar > 150);
    scen_free(&s);
}

/* National (reduced size): England's 18% beyond 20 miles, many clusters. */
static void test_national_calibration(void **state)
{
    (void)state;
    scen s = gen_parse("national", 5, 4000, NULL);
    check_format(&s);
    check_feasible(&s);
    stats st = compute(&s);
    check_common_stats(&s, &st);
    assert_share("beyond 20 miles", (double)st.far / st.placed, 0.18, 0.03);
    double lat_min = 90, lat_max = -90;
    for (int i = 0; i < s.nc; i++) {
        lat_min = fmin(lat_min, s.c[i].lat);
        lat_max = fmax(lat_max, s.c[i].lat);
    }
    assert_true(lat_max - lat_min > 2.0); /* spread across England */
    scen_free(&s);
}

/* Homes mostly within 8 miles of the borough centre. */
static void test_homes_near_centre(void **state)
{
    (void)state;
    scen s = gen_parse("stockton-2023", 1, 0, NULL);
    int near = 0;
    for (int i = 0; i < s.nc; i++)
        near += miles(s.c[i].lat, s.c[i].lon, 54.570, -1.318) <= 8.05;
    assert_share("homes within 8 miles", (double)near / s.nc, 0.95, 0.04);
    scen_free(&s);
}

/* Connected carers: reserved_for names existing children, capacity covers
 * them, and the children living there are among them. */
static void test_connected_carers(void **state)
{
    (void)state;
    scen s = gen_parse("stockton-2023", 4, 0, NULL);
    idx *cx = make_index(s.nc, cid, &s);
    int kin = 0;
    for (int p = 0; p < s.np; p++) {
        bool k = strcmp(s.p[p].type, "connected_carer") == 0;
        assert_true(k == (s.p[p].reserved != NULL));
        if (!k)
            continue;
        kin++;
        int nres = cJSON_GetArraySize(s.p[p].reserved);
        assert_true(nres >= 1 && s.p[p].cap <= nres);
        const cJSON *r;
        cJSON_ArrayForEach(r, s.p[p].reserved) {
            int ci = lookup(cx, s.nc, r->valuestring);
            assert_true(ci >= 0);
            /* a kin carer is approved for one family */
            const char *g0 = s.c[lookup(cx, s.nc, cJSON_GetArrayItem(s.p[p].reserved, 0)->valuestring)].group;
            if (nres > 1)
                assert_true(g0 && s.c[ci].group && !strcmp(g0, s.c[ci].group));
        }
    }
    for (int i = 0; i < s.nc; i++)
        if (s.c[i].cur >= 0 && s.p[s.c[i].cur].reserved)
            assert_true(in_list(s.p[s.c[i].cur].reserved, s.c[i].id));
    assert_true(kin > 50);
    free(cx);
    scen_free(&s);
}

/* A plausible share of children have distance limits, care-plan types,
 * avoid pairs (about 2% of children). */
static void test_restrictions(void **state)
{
    (void)state;
    scen s = gen_parse("regional", 3, 0, NULL);
    int mm = 0, ty = 0, av = 0, under12_resi = 0;
    for (int i = 0; i < s.nc; i++) {
        mm += s.c[i].max_miles > 0;
        ty += s.c[i].types != NULL;
        av += s.c[i].avoid ? cJSON_GetArraySize(s.c[i].avoid) : 0;
        if (s.c[i].types && s.c[i].age < 12)
            under12_resi += in_list(s.c[i].types, "external_residential");
    }
    assert_share("max_miles", (double)mm / s.nc, 0.12, 0.03);
    assert_share("types", (double)ty / s.nc, 0.22, 0.08);
    assert_share("children in avoid pairs", 2.0 * av / s.nc, 0.02, 0.006);
    assert_int_equal(under12_resi, 0);
    scen_free(&s);
}

/* Variants: sizes and shifts, supply shared across variants. */
static void test_variants(void **state)
{
    (void)state;
    scen base = gen_parse("stockton-2023", 2, 0, "base");
    scen growth = gen_parse("stockton-2023", 2, 0, "growth");
    scen older = gen_parse("stockton-2023", 2, 0, "older");
    scen sib = gen_parse("stockton-2023", 2, 0, "siblings");
    scen *all[4] = {&base, &growth, &older, &sib};
    for (int k = 0; k < 4; k++) {
        check_format(all[k]);
        check_feasible(all[k]);
    }
    assert_int_equal(growth.nc, 704); /* 587 x 1.2 */
    stats b = compute(&base), o = compute(&older), s = compute(&sib);
    double b_old = (double)(b.band[2] + b.band[3]) / b.n;
    double o_old = (double)(o.band[2] + o.band[3]) / o.n;
    assert_true(o_old > b_old + 0.10);
    assert_true((double)s.in_big / s.n > 0.25);
    assert_true(s.in_group > b.in_group);
    /* same estate (apart from kin carers, made for the children) */
    for (int k = 1; k < 4; k++) {
        int i = 0, j = 0;
        for (; i < base.np && j < all[k]->np; i++, j++) {
            while (i < base.np && !strcmp(base.p[i].type, "connected_carer"))
                i++;
            while (j < all[k]->np && !strcmp(all[k]->p[j].type, "connected_carer"))
                j++;
            if (i < base.np && j < all[k]->np) {
                assert_string_equal(base.p[i].id, all[k]->p[j].id);
                assert_true(base.p[i].cost == all[k]->p[j].cost);
                assert_true(base.p[i].lat == all[k]->p[j].lat);
            }
        }
    }
    for (int k = 0; k < 4; k++)
        scen_free(all[k]);
}

/* Every profile x variant generates a valid, feasible scenario. */
static void test_all_profiles_variants(void **state)
{
    (void)state;
    const char *const *p = pm_generate_profiles();
    const char *v[] = {"base", "growth", "older", "siblings"};
    for (int i = 0; p[i]; i++)
        for (int k = 0; k < 4; k++) {
            scen s = gen_parse(p[i], 11, 300, v[k]);
            check_format(&s);
            check_feasible(&s);
            scen_free(&s);
        }
}

static void test_errors(void **state)
{
    (void)state;
    pm_generate_options o;
    pm_error err;
    char *json = (char *)&err; /* must be reset to NULL on failure */

    pm_generate_options_init(&o);
    o.profile = "atlantis";
    pm_error_clear(&err);
    assert_int_equal(pm_generate(&o, &json, &err), PM_ERR_ARG);
    assert_null(json);
    assert_int_equal(err.status, PM_ERR_ARG);
    assert_non_null(strstr(err.text, "atlantis"));

    pm_generate_options_init(&o);
    o.variant = "shrink";
    pm_error_clear(&err);
    assert_int_equal(pm_generate(&o, &json, &err), PM_ERR_ARG);
    assert_non_null(strstr(err.text, "variant"));

    const int bad[] = {-1, 200001};
    for (int k = 0; k < 2; k++) {
        pm_generate_options_init(&o);
        o.children = bad[k];
        pm_error_clear(&err);
        assert_int_equal(pm_generate(&o, &json, &err), PM_ERR_LIMIT);
        assert_true(err.count == 1);
    }
    pm_generate_options_init(&o);
    o.children = 200000;
    o.variant = "growth";
    assert_int_equal(pm_generate(&o, &json, NULL), PM_ERR_LIMIT);
    assert_int_equal(pm_generate(NULL, NULL, NULL), PM_ERR_ARG);
}

/* The library's own loader accepts what the generator writes, and a small
 * generated scenario solves (pinned children are feasible). */
static void test_loader_and_solver_accept(void **state)
{
    (void)state;
    const char *const *p = pm_generate_profiles();
    for (int i = 0; p[i]; i++) {
        char *text = gen_text(p[i], 1, i == 3 ? 1500 : 0, "siblings");
        pm_scenario *sc = NULL;
        pm_error err;
        pm_error_clear(&err);
        if (pm_scenario_load_buffer(text, strlen(text), p[i], &sc, &err) != PM_OK)
            fail_msg("loader refused %s: %s", p[i], err.text);
        pm_scenario_free(sc);
        pm_free(text);
    }
    char *text = gen_text("stockton-2023", 9, 40, NULL);
    pm_scenario *sc = NULL;
    assert_int_equal(pm_scenario_load_buffer(text, strlen(text), "small", &sc, NULL), PM_OK);
    pm_solve_options so;
    pm_solve_options_init(&so);
    so.time_limit = 5;
    pm_result *res = NULL;
    assert_int_equal(pm_solve(sc, &so, &res, NULL), PM_OK);
    pm_solution st = pm_result_status(res);
    assert_true(st == PM_SOL_OPTIMAL || st == PM_SOL_FEASIBLE);
    pm_result_free(res);
    pm_scenario_free(sc);
    pm_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_init),
        cmocka_unit_test(test_profiles_list),
        cmocka_unit_test(test_null_options_are_defaults),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_children_override),
        cmocka_unit_test(test_profile_sizes),
        cmocka_unit_test(test_national_full_size),
        cmocka_unit_test(test_stockton_calibration),
        cmocka_unit_test(test_middlesbrough_calibration),
        cmocka_unit_test(test_regional_calibration),
        cmocka_unit_test(test_national_calibration),
        cmocka_unit_test(test_homes_near_centre),
        cmocka_unit_test(test_connected_carers),
        cmocka_unit_test(test_restrictions),
        cmocka_unit_test(test_variants),
        cmocka_unit_test(test_all_profiles_variants),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_loader_and_solver_accept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
