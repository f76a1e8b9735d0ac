/* Loading and validating placematch-scenario/1 (spec/FORMAT.md). */
#include "scenario.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

#define FORMAT_NAME "placematch-scenario/1"
/* Need names reach terminals and logs in messages: no control characters
 * (cJSON has decoded any \u escapes in keys by now). */
#define CONTROL_CHARS                                                      \
    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11"     \
    "\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"

void pm_policy_defaults(pm_policy *p)
{
    p->far_miles = 20;
    p->cost_per_mile_week = 0;
    p->far_penalty_week = 0;
    p->sibling_split_week = 0;
    p->move_week = 0;
    p->unmatched_week = 10000;
    p->road_factor = 1.0;
}

int pm_names_intern(pm_names *n, pm_arena *a, const char *name)
{
    int k = pm_strmap_get(&n->map, name);
    if (k >= 0)
        return k;
    if ((n->count & (n->count - 1)) == 0) { /* grow at powers of two */
        int cap = n->count ? n->count * 2 : 8;
        const char **bigger = pm_arena_array(a, (size_t)cap, sizeof *bigger);
        if (!bigger)
            return -2;
        if (n->count)
            memcpy(bigger, n->name, (size_t)n->count * sizeof *bigger);
        n->name = bigger;
    }
    const char *copy = pm_arena_strdup(a, name);
    if (!copy)
        return -2;
    if (pm_strmap_put(&n->map, copy, n->count) < 0)
        return -2;
    n->name[n->count] = copy;
    return n->count++;
}

void pm_scenario_retain(const pm_scenario *sc)
{
    atomic_fetch_add(&((pm_scenario *)sc)->refs, 1);
}

void pm_scenario_free(pm_scenario *sc)
{
    if (!sc || atomic_fetch_sub(&sc->refs, 1) > 1)
        return;
    pm_strmap_free(&sc->types.map);
    pm_strmap_free(&sc->needs.map);
    pm_strmap_free(&sc->sexes.map);
    pm_strmap_free(&sc->groups.map);
    pm_strmap_free(&sc->child_ids);
    pm_strmap_free(&sc->placement_ids);
    pm_arena_free(&sc->arena);
    free(sc);
}

/* ---- loader state -------------------------------------------------- */

typedef struct loader {
    pm_jr jr;
    pm_scenario *sc;
    bool oom;
} loader;

static void *alloc_array(loader *L, size_t n, size_t size)
{
    void *p = pm_arena_array(&L->sc->arena, n, size);
    if (!p)
        L->oom = true;
    return p;
}

static int intern(loader *L, pm_names *names, const char *s)
{
    int k = pm_names_intern(names, &L->sc->arena, s);
    if (k < 0)
        L->oom = true;
    return k < 0 ? 0 : k;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_need(const void *a, const void *b)
{
    return cmp_int(&((const pm_need_level *)a)->need,
                   &((const pm_need_level *)b)->need);
}

/* ---- small shared readers ------------------------------------------ */

static void read_location(loader *L, const cJSON *obj, const char *key,
                          double *lat, double *lon)
{
    static const char *const keys[] = {"lat", "lon", NULL};
    const cJSON *loc = pm_jr_object(&L->jr, obj, key, true);
    if (!loc)
        return;
    size_t saved = pm_jr_push_key(&L->jr, key);
    pm_jr_check_keys(&L->jr, loc, keys);
    pm_jr_number(&L->jr, loc, "lat", true, -90, 90, lat);
    pm_jr_number(&L->jr, loc, "lon", true, -180, 180, lon);
    pm_jr_pop(&L->jr, saved);
}

/* need -> level map; levels lo..3. */
static int read_levels(loader *L, const cJSON *obj, const char *key, int lo,
                       pm_need_level **out)
{
    *out = NULL;
    const cJSON *map = pm_jr_object(&L->jr, obj, key, false);
    if (!map)
        return 0;
    size_t saved = pm_jr_push_key(&L->jr, key);
    int n = cJSON_GetArraySize(map), k = 0;
    if (n > PM_MAX_NEEDS) {
        pm_jr_fail_status(&L->jr, PM_ERR_LIMIT,
                          "%d entries, more than the limit of %d", n,
                          PM_MAX_NEEDS);
        pm_jr_pop(&L->jr, saved);
        return 0;
    }
    pm_need_level *lv = alloc_array(L, (size_t)n, sizeof *lv);
    for (const cJSON *it = map->child; it && lv; it = it->next) {
        size_t s2 = pm_jr_push_key(&L->jr, it->string);
        size_t len = strlen(it->string);
        bool dup = false;
        for (const cJSON *p = map->child; p != it; p = p->next)
            dup |= strcmp(p->string, it->string) == 0;
        if (len < 1 || len > PM_ID_MAX || !pm_json_valid_utf8(it->string) ||
            strcspn(it->string, CONTROL_CHARS) < len)
            pm_jr_fail(&L->jr, "need names must be 1..%d printable characters "
                       "of UTF-8", PM_ID_MAX);
        else if (dup)
            pm_jr_fail(&L->jr, "duplicate need");
        else if (!pm_json_is_int(it, -1e18, 1e18))
            pm_jr_fail(&L->jr, "expected an integer level");
        else if (it->valuedouble < lo || it->valuedouble > 3)
            pm_jr_fail(&L->jr, "level %.0f is out of range %d..3",
                       it->valuedouble, lo);
        else {
            lv[k].need = intern(L, &L->sc->needs, it->string);
            lv[k++].level = (int)it->valuedouble;
        }
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
    if (lv)
        qsort(lv, (size_t)k, sizeof *lv, cmp_need);
    *out = lv;
    return k;
}

/* Array of strings, each interned (names) or looked up (ids); returns the
 * count, or -1 when absent.  Unknown ids are reported; duplicates dropped. */
typedef enum { LIST_NAMES, LIST_CHILD_IDS } list_kind;

static int read_list(loader *L, const cJSON *obj, const char *key,
                     list_kind kind, pm_names *names, int **out)
{
    *out = NULL;
    const cJSON *arr = pm_jr_array(&L->jr, obj, key, false, PM_MAX_LIST);
    if (!arr)
        return -1;
    size_t saved = pm_jr_push_key(&L->jr, key);
    int n = cJSON_GetArraySize(arr), k = 0, i = 0;
    int *vals = alloc_array(L, (size_t)n, sizeof *vals);
    for (const cJSON *it = arr->child; it && vals; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        const char *s;
        if (pm_jr_string_value(&L->jr, it, PM_ID_MAX, &s)) {
            int v = kind == LIST_NAMES ? intern(L, names, s)
                                       : pm_strmap_get(&L->sc->child_ids, s);
            if (v < 0)
                pm_jr_fail(&L->jr, "unknown child id \"%s\"", s);
            else
                vals[k++] = v;
        }
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
    if (!vals)
        return 0;
    qsort(vals, (size_t)k, sizeof *vals, cmp_int);
    int m = 0;
    for (int j = 0; j < k; j++)
        if (m == 0 || vals[m - 1] != vals[j])
            vals[m++] = vals[j];
    *out = vals;
    return m;
}

/* ---- ids (first pass, so that references can be resolved) ----------- */

static void read_ids(loader *L, const cJSON *arr, const char *what,
                     pm_strmap *map, const char **ids)
{
    int i = 0;
    size_t saved = pm_jr_push_key(&L->jr, what);
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        const char *id = NULL;
        ids[i] = "";
        if (pm_jr_expect_object(&L->jr, it) &&
            pm_jr_string(&L->jr, it, "id", true, PM_ID_MAX, &id)) {
            /* the map borrows its keys: give it the arena's copy */
            const char *copy = pm_arena_strdup(&L->sc->arena, id);
            int first = copy ? pm_strmap_put(map, copy, i) : -2;
            if (first == -2)
                L->oom = true;
            else if (first != i)
                pm_jr_fail_at(&L->jr, "id", "duplicate id \"%s\" (first at %s[%d])",
                              id, what, first);
            ids[i] = copy ? copy : "";
        }
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
}

/* ---- policy -------------------------------------------------------- */

static void read_policy(loader *L, const cJSON *root)
{
    static const char *const keys[] = {
        "far_miles", "cost_per_mile_week", "far_penalty_week",
        "sibling_split_week", "move_week", "unmatched_week", "road_factor",
        NULL};
    pm_policy *p = &L->sc->policy;
    pm_policy_defaults(p);
    const cJSON *obj = pm_jr_object(&L->jr, root, "policy", false);
    if (!obj)
        return;
    size_t saved = pm_jr_push_key(&L->jr, "policy");
    pm_jr_check_keys(&L->jr, obj, keys);
    pm_jr_number(&L->jr, obj, "far_miles", false, 0, 25000, &p->far_miles);
    pm_jr_number(&L->jr, obj, "cost_per_mile_week", false, 0, PM_MAX_MONEY,
                 &p->cost_per_mile_week);
    pm_jr_number(&L->jr, obj, "far_penalty_week", false, 0, PM_MAX_MONEY,
                 &p->far_penalty_week);
    pm_jr_number(&L->jr, obj, "sibling_split_week", false, 0, PM_MAX_MONEY,
                 &p->sibling_split_week);
    pm_jr_number(&L->jr, obj, "move_week", false, 0, PM_MAX_MONEY,
                 &p->move_week);
    pm_jr_number(&L->jr, obj, "unmatched_week", false, 0, PM_MAX_MONEY,
                 &p->unmatched_week);
    pm_jr_number(&L->jr, obj, "road_factor", false, 1, 100, &p->road_factor);
    pm_jr_pop(&L->jr, saved);
}

/* ---- placements ---------------------------------------------------- */

static void read_placement(loader *L, const cJSON *obj, pm_placement_rec *p)
{
    static const char *const keys[] = {
        "id", "name", "type", "provider", "location", "capacity",
        "sibling_only", "age_min", "age_max", "sexes", "supports",
        "weekly_cost", "reserved_for", "meta", NULL};
    pm_jr *jr = &L->jr;
    pm_jr_check_keys(jr, obj, keys);
    const char *s;
    pm_jr_string(jr, obj, "name", false, 256, &s);
    pm_jr_string(jr, obj, "provider", false, 256, &s);
    pm_jr_object(jr, obj, "meta", false);
    if (pm_jr_string(jr, obj, "type", true, PM_ID_MAX, &s))
        p->type = intern(L, &L->sc->types, s);
    read_location(L, obj, "location", &p->lat, &p->lon);
    pm_jr_int(jr, obj, "capacity", true, 0, PM_MAX_CAPACITY, &p->capacity);
    p->age_max = 25;
    pm_jr_int(jr, obj, "age_min", false, 0, 25, &p->age_min);
    pm_jr_int(jr, obj, "age_max", false, 0, 25, &p->age_max);
    if (p->age_min > p->age_max)
        pm_jr_fail_at(jr, "age_max", "age_max %d is below age_min %d",
                      p->age_max, p->age_min);
    if (pm_jr_int(jr, obj, "sibling_only", false, 0, PM_MAX_CAPACITY,
                  &p->sibling_only) &&
        p->sibling_only > p->capacity)
        pm_jr_fail_at(jr, "sibling_only", "%d is more than capacity %d",
                      p->sibling_only, p->capacity);
    p->nsexes = read_list(L, obj, "sexes", LIST_NAMES, &L->sc->sexes,
                          &p->sexes);
    p->nsupports = read_levels(L, obj, "supports", 0, &p->supports);
    pm_jr_number(jr, obj, "weekly_cost", true, 0, PM_MAX_MONEY,
                 &p->weekly_cost);
    p->nreserved = read_list(L, obj, "reserved_for", LIST_CHILD_IDS, NULL,
                             &p->reserved);
}

/* ---- children ------------------------------------------------------ */

static int read_group(loader *L, const cJSON *obj)
{
    const char *g;
    if (!pm_jr_string(&L->jr, obj, "sibling_group", false, PM_ID_MAX, &g))
        return -1;
    return intern(L, &L->sc->groups, g);
}

static void read_current(loader *L, const cJSON *obj, pm_child_rec *c)
{
    const char *s;
    c->current = -1;
    if (pm_jr_string(&L->jr, obj, "current", false, PM_ID_MAX, &s)) {
        c->current = pm_strmap_get(&L->sc->placement_ids, s);
        if (c->current < 0)
            pm_jr_fail_at(&L->jr, "current", "unknown placement id \"%s\"", s);
    }
    if (pm_jr_bool(&L->jr, obj, "stay", false, &c->stay) && c->stay &&
        !cJSON_GetObjectItemCaseSensitive(obj, "current"))
        pm_jr_fail_at(&L->jr, "stay", "stay is true but current is not set");
    if (c->current < 0)
        c->stay = false;
}

static void read_child(loader *L, const cJSON *obj, pm_child_rec *c, int self)
{
    static const char *const keys[] = {
        "id", "name", "age", "sex", "home", "needs", "sibling_group",
        "types", "max_miles", "current", "stay", "avoid", "meta", NULL};
    pm_jr *jr = &L->jr;
    pm_jr_check_keys(jr, obj, keys);
    const char *s;
    pm_jr_string(jr, obj, "name", false, 256, &s);
    pm_jr_object(jr, obj, "meta", false);
    pm_jr_int(jr, obj, "age", true, 0, 25, &c->age);
    if (pm_jr_string(jr, obj, "sex", true, PM_ID_MAX, &s))
        c->sex = intern(L, &L->sc->sexes, s);
    read_location(L, obj, "home", &c->lat, &c->lon);
    c->nneeds = read_levels(L, obj, "needs", 1, &c->needs);
    c->group = read_group(L, obj);
    c->ntypes = read_list(L, obj, "types", LIST_NAMES, &L->sc->types,
                          &c->types);
    if (c->ntypes == 0 && cJSON_GetArraySize(
                              cJSON_GetObjectItemCaseSensitive(obj, "types")) == 0)
        pm_jr_fail_at(jr, "types", "must not be empty");
    if (pm_jr_number(jr, obj, "max_miles", false, 0, 25000, &c->max_miles) &&
        c->max_miles <= 0)
        pm_jr_fail_at(jr, "max_miles", "must be more than 0");
    read_current(L, obj, c);
    c->navoid = read_list(L, obj, "avoid", LIST_CHILD_IDS, NULL, &c->avoid);
    for (int k = 0; k < c->navoid; k++)
        if (c->avoid[k] == self)
            pm_jr_fail_at(jr, "avoid", "a child cannot avoid itself");
    if (c->navoid < 0)
        c->navoid = 0;
}

/* ---- derived structures -------------------------------------------- */

/* avoid is symmetric in the model: merge both directions per child. */
static void symmetrize_avoid(loader *L)
{
    pm_scenario *sc = L->sc;
    int n = sc->nchildren;
    int *deg = calloc((size_t)n + 1, sizeof *deg);
    if (!deg) {
        L->oom = true;
        return;
    }
    for (int c = 0; c < n; c++)
        for (int k = 0; k < sc->children[c].navoid; k++)
            deg[c]++, deg[sc->children[c].avoid[k]]++;
    int **lists = calloc((size_t)n + 1, sizeof *lists);
    for (int c = 0; lists && c < n && !L->oom; c++)
        lists[c] = alloc_array(L, (size_t)deg[c], sizeof(int));
    if (lists && !L->oom) {
        memset(deg, 0, (size_t)n * sizeof *deg);
        for (int c = 0; c < n; c++)
            for (int k = 0; k < sc->children[c].navoid; k++) {
                int d = sc->children[c].avoid[k];
                lists[c][deg[c]++] = d;
                lists[d][deg[d]++] = c;
            }
        for (int c = 0; c < n; c++) {
            qsort(lists[c], (size_t)deg[c], sizeof(int), cmp_int);
            int m = 0;
            for (int j = 0; j < deg[c]; j++)
                if (m == 0 || lists[c][m - 1] != lists[c][j])
                    lists[c][m++] = lists[c][j];
            sc->children[c].avoid = lists[c];
            sc->children[c].navoid = m;
        }
    } else {
        L->oom = true;
    }
    free(lists);
    free(deg);
}

static void build_groups(loader *L)
{
    pm_scenario *sc = L->sc;
    sc->ngroups = sc->groups.count;
    sc->group_start = alloc_array(L, (size_t)sc->ngroups + 1, sizeof(int));
    sc->group_member = alloc_array(L, (size_t)sc->nchildren + 1, sizeof(int));
    if (L->oom)
        return;
    for (int c = 0; c < sc->nchildren; c++)
        if (sc->children[c].group >= 0)
            sc->group_start[sc->children[c].group + 1]++;
    for (int g = 0; g < sc->ngroups; g++)
        sc->group_start[g + 1] += sc->group_start[g];
    int *fill = calloc((size_t)sc->ngroups + 1, sizeof *fill);
    if (!fill) {
        L->oom = true;
        return;
    }
    for (int c = 0; c < sc->nchildren; c++) {
        int g = sc->children[c].group;
        if (g >= 0)
            sc->group_member[sc->group_start[g] + fill[g]++] = c;
    }
    free(fill);
}

/* ---- top level ----------------------------------------------------- */

static const cJSON *read_header(loader *L, const cJSON *root,
                                const cJSON **placements)
{
    static const char *const keys[] = {"format", "name", "meta", "policy",
                                       "placements", "children", NULL};
    pm_jr *jr = &L->jr;
    if (!pm_jr_check_keys(jr, root, keys) && !cJSON_IsObject(root))
        return NULL;
    const char *s;
    if (pm_jr_string(jr, root, "format", true, 64, &s) &&
        strcmp(s, FORMAT_NAME) != 0)
        pm_jr_fail_at(jr, "format", "expected \"%s\", got \"%s\"", FORMAT_NAME,
                      s);
    if (pm_jr_string(jr, root, "name", false, 256, &s) &&
        !(L->sc->name = pm_arena_strdup(&L->sc->arena, s)))
        L->oom = true;
    pm_jr_object(jr, root, "meta", false);
    read_policy(L, root);
    *placements = pm_jr_array(jr, root, "placements", true, PM_MAX_PLACEMENTS);
    return pm_jr_array(jr, root, "children", true, PM_MAX_CHILDREN);
}

static void read_records(loader *L, const cJSON *parr, const cJSON *carr)
{
    pm_scenario *sc = L->sc;
    size_t saved = pm_jr_push_key(&L->jr, "placements");
    int i = 0;
    for (const cJSON *it = parr->child; it; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        sc->placements[i].id = sc->placements[i].id ? sc->placements[i].id : "";
        if (cJSON_IsObject(it))
            read_placement(L, it, &sc->placements[i]);
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
    saved = pm_jr_push_key(&L->jr, "children");
    i = 0;
    for (const cJSON *it = carr->child; it; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        if (cJSON_IsObject(it))
            read_child(L, it, &sc->children[i], i);
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
}

static void load_tree(loader *L, const cJSON *root)
{
    pm_scenario *sc = L->sc;
    const cJSON *parr = NULL;
    const cJSON *carr = read_header(L, root, &parr);
    if (!parr || !carr)
        return;
    sc->nplacements = cJSON_GetArraySize(parr);
    sc->nchildren = cJSON_GetArraySize(carr);
    sc->placements = alloc_array(L, (size_t)sc->nplacements,
                                 sizeof *sc->placements);
    sc->children = alloc_array(L, (size_t)sc->nchildren, sizeof *sc->children);
    const char **pids = alloc_array(L, (size_t)sc->nplacements, sizeof *pids);
    const char **cids = alloc_array(L, (size_t)sc->nchildren, sizeof *cids);
    if (L->oom)
        return;
    read_ids(L, parr, "placements", &sc->placement_ids, pids);
    read_ids(L, carr, "children", &sc->child_ids, cids);
    for (int i = 0; i < sc->nplacements; i++)
        sc->placements[i].id = pids[i];
    for (int i = 0; i < sc->nchildren; i++)
        sc->children[i].id = cids[i];
    if (L->oom)
        return;
    read_records(L, parr, carr);
    if (L->jr.problems || L->oom)
        return;
    symmetrize_avoid(L);
    build_groups(L);
}

pm_status pm_scenario_from_json(const cJSON *root, const char *name,
                                pm_scenario **out, pm_error *err)
{
    *out = NULL;
    loader L = {.sc = calloc(1, sizeof(pm_scenario))};
    if (!L.sc)
        return pm_err_add(err, PM_ERR_NOMEM, name, NULL, "out of memory");
    atomic_init(&L.sc->refs, 1);
    pm_arena_init(&L.sc->arena);
    pm_jr_init(&L.jr, name, err);
    load_tree(&L, root);
    if (!L.sc->name)
        L.sc->name = "";
    pm_status st = PM_OK;
    if (L.oom)
        st = pm_err_add(err, PM_ERR_NOMEM, name, NULL, "out of memory");
    else if (L.jr.problems)
        st = err && err->status != PM_OK ? err->status : PM_ERR_INVALID;
    if (st != PM_OK) {
        pm_scenario_free(L.sc);
        return st;
    }
    *out = L.sc;
    return PM_OK;
}

pm_status pm_scenario_load_buffer(const char *data, size_t len,
                                  const char *name, pm_scenario **out,
                                  pm_error *err)
{
    if (out)
        *out = NULL;
    if (!out || (!data && len))
        return pm_err_add(err, PM_ERR_ARG, name, NULL,
                          "pm_scenario_load_buffer: NULL argument");
    if (!name)
        name = "(buffer)";
    cJSON *root = pm_json_parse(data ? data : "", len, name, err);
    if (!root)
        return err ? err->status : PM_ERR_PARSE;
    pm_status st = pm_scenario_from_json(root, name, out, err);
    cJSON_Delete(root);
    return st;
}

pm_status pm_scenario_load_file(const char *path, pm_scenario **out,
                                pm_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_scenario_load_file: NULL argument");
    char *data;
    size_t len;
    pm_status st = pm_read_file(path, &data, &len, err);
    if (st != PM_OK)
        return st;
    st = pm_scenario_load_buffer(data, len, path, out, err);
    free(data);
    return st;
}

/* ---- accessors ----------------------------------------------------- */

const char *pm_scenario_name(const pm_scenario *sc)
{
    return sc ? sc->name : NULL;
}

int pm_scenario_num_children(const pm_scenario *sc)
{
    return sc ? sc->nchildren : 0;
}

int pm_scenario_num_placements(const pm_scenario *sc)
{
    return sc ? sc->nplacements : 0;
}

const char *pm_scenario_child_id(const pm_scenario *sc, int i)
{
    return sc && i >= 0 && i < sc->nchildren ? sc->children[i].id : NULL;
}

const char *pm_scenario_placement_id(const pm_scenario *sc, int i)
{
    return sc && i >= 0 && i < sc->nplacements ? sc->placements[i].id : NULL;
}

int pm_scenario_find_child(const pm_scenario *sc, const char *id)
{
    return sc && id ? pm_strmap_get(&sc->child_ids, id) : -1;
}

int pm_scenario_find_placement(const pm_scenario *sc, const char *id)
{
    return sc && id ? pm_strmap_get(&sc->placement_ids, id) : -1;
}
