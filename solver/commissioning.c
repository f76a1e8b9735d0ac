/* Commissioning files (spec/MODEL.md "Commissioning mixes",
 * docs/MIXES.md): loading placematch-commissioning/1 (base scenario,
 * levers, mixes, cohorts), the accessors, and applying a mix to a cohort.
 * Running the mixes is mixes.c; writing their results mixes_write.c. */
#include "mixes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "scenario.h"
#include "strmap.h"

#define FORMAT_NAME "placematch-commissioning/1"
#define SCENARIO_FORMAT "placematch-scenario/1"
#define LEVER_ID_MAX 40
#define NAME_MAX_LEN 256
#define MAX_GRIDS 64

static const char *const variants[] = {"base", "growth", "older", "siblings",
                                       NULL};
/* ------------------------------------------------------------------ */
/* Small helpers                                                      */
/* ------------------------------------------------------------------ */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

#define FNV_START 0xcbf29ce484222325ULL


/* ------------------------------------------------------------------ */
/* Loading: state and relayed problems                                */
/* ------------------------------------------------------------------ */

typedef struct cload {
    pm_jr jr;
    pm_commissioning *cm;
    const char *dir;
    pm_scenario *base_sc; /* the validated base, for lever checks */
    pm_strmap lever_ids;
    int cap_mixes;
    bool oom;
} cload;

static void oom(cload *L)
{
    if (!L->oom)
        pm_err_add(L->jr.err, PM_ERR_NOMEM, L->jr.file, NULL, "out of memory");
    L->oom = true;
    L->jr.problems++;
}

/* One problem line "file: path: message" of a nested validation, copied
 * with its path moved under `at`: the prefix `strip` (when it matches) is
 * replaced by `at`, otherwise `at.` is put in front. */
static void relay_line(cload *L, pm_status st, const char *line,
                       const char *strip, const char *at)
{
    const char *file = L->jr.file;
    size_t fl = strlen(file);
    const char *rest = line + fl + 2;
    const char *sep = strncmp(line, file, fl) == 0 && !strncmp(line + fl, ": ", 2)
                          ? strstr(rest, ": ") : NULL;
    if (!sep) {
        pm_err_add(L->jr.err, st, NULL, NULL, "%s", line);
        return;
    }
    char path[PM_JR_PATH_MAX * 2];
    int plen = (int)(sep - rest);
    size_t sl = strip ? strlen(strip) : 0;
    if (plen == 6 && !strncmp(rest, "(root)", 6))
        snprintf(path, sizeof path, "%s", at);
    else if (strip && (size_t)plen >= sl && !strncmp(rest, strip, sl))
        snprintf(path, sizeof path, "%s%.*s", at, plen - (int)sl, rest + sl);
    else
        snprintf(path, sizeof path, "%s.%.*s", at, plen, rest);
    pm_err_add(L->jr.err, st, file, path, "%s", sep + 2);
}

static void relay(cload *L, const pm_error *tmp, const char *strip,
                  const char *at)
{
    char line[1024];
    for (const char *p = tmp->text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        relay_line(L, tmp->status, line, strip, at);
        L->jr.problems++;
        p += n + (nl ? 1 : 0);
    }
    if (!tmp->text[0] && tmp->status != PM_OK) {
        pm_err_add(L->jr.err, tmp->status, L->jr.file, at, "%s",
                   pm_strerror(tmp->status));
        L->jr.problems++;
    }
}

/* ------------------------------------------------------------------ */
/* Loading: the base scenario                                         */
/* ------------------------------------------------------------------ */

static char *join_path(const char *dir, const char *name)
{
    if (name[0] == '/' || !dir || !dir[0] || !strcmp(dir, "."))
        return dup_str(name);
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* A base given as a file: its problems name that file and its own paths. */
static void load_base_file(cload *L, const char *rel)
{
    pm_commissioning *cm = L->cm;
    char *path = join_path(L->dir, rel);
    char *data = NULL;
    size_t len = 0;
    if (!path) {
        oom(L);
        return;
    }
    pm_status st = pm_read_file(path, &data, &len, L->jr.err);
    cJSON *root = st == PM_OK ? pm_json_parse(data, len, path, L->jr.err) : NULL;
    if (root && pm_scenario_from_json(root, path, &L->base_sc, L->jr.err) == PM_OK)
        cm->base = root;
    else
        cJSON_Delete(root);
    if (data)
        cm->fingerprint = fnv1a(cm->fingerprint, data, len);
    free(data);
    free(path);
    if (!cm->base)
        L->jr.problems++; /* the lines above name the base file */
}

static void load_base(cload *L, const cJSON *root)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(root, "base");
    if (!b) {
        pm_jr_fail_at(&L->jr, "base", "required field is missing");
    } else if (cJSON_IsString(b)) {
        size_t saved = pm_jr_push_key(&L->jr, "base");
        const char *s;
        if (pm_jr_string_value(&L->jr, b, 4096, &s))
            load_base_file(L, s);
        pm_jr_pop(&L->jr, saved);
    } else if (cJSON_IsObject(b)) {
        pm_error tmp;
        pm_error_clear(&tmp);
        if (pm_scenario_from_json(b, L->jr.file, &L->base_sc, &tmp) != PM_OK)
            relay(L, &tmp, NULL, "base");
        else if (!(L->cm->base = cJSON_Duplicate(b, 1)))
            oom(L);
    } else {
        pm_jr_fail_at(&L->jr, "base",
                      "expected a scenario (an object) or its file name");
    }
    if (L->base_sc) {
        L->cm->far_miles = L->base_sc->policy.far_miles;
        L->cm->base_name = dup_str(L->base_sc->name);
        if (!L->cm->base_name)
            oom(L);
    }
}

/* ------------------------------------------------------------------ */
/* Loading: levers                                                    */
/* ------------------------------------------------------------------ */

static bool id_chars_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.'))
            return false;
    return true;
}

/* A template is checked as the one placement of an otherwise empty
 * scenario, and its problems reported at the lever's path. */
static void check_template(cload *L, const cJSON *tmpl)
{
    int before = L->jr.problems;
    if (cJSON_GetObjectItemCaseSensitive(tmpl, "id"))
        pm_jr_fail_at(&L->jr, "id", "a template has no id: its copies are "
                                    "named <lever>-1, <lever>-2, ...");
    if (cJSON_GetObjectItemCaseSensitive(tmpl, "reserved_for"))
        pm_jr_fail_at(&L->jr, "reserved_for",
                      "a lever adds open capacity: a template cannot be "
                      "reserved for named children");
    if (L->jr.problems != before)
        return;
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "placements") : NULL;
    cJSON *copy = cJSON_Duplicate(tmpl, 1);
    if (!arr || !copy || !cJSON_AddArrayToObject(root, "children") ||
        !cJSON_AddStringToObject(root, "format", SCENARIO_FORMAT) ||
        !cJSON_AddStringToObject(copy, "id", "template")) {
        cJSON_Delete(copy);
        cJSON_Delete(root);
        oom(L);
        return;
    }
    cJSON_AddItemToArray(arr, copy);
    pm_error tmp;
    pm_error_clear(&tmp);
    pm_scenario *sc = NULL;
    if (pm_scenario_from_json(root, L->jr.file, &sc, &tmp) != PM_OK)
        relay(L, &tmp, "placements[0]", L->jr.path);
    pm_scenario_free(sc);
    cJSON_Delete(root);
}

static void read_add(cload *L, const cJSON *obj, pm_lever *lv)
{
    const cJSON *tmpl = pm_jr_object(&L->jr, obj, "add", true);
    pm_jr_int(&L->jr, obj, "max_units", true, 1, PM_MIXES_MAX_UNITS,
              &lv->max_units);
    if (!tmpl)
        return;
    size_t saved = pm_jr_push_key(&L->jr, "add");
    check_template(L, tmpl);
    pm_jr_pop(&L->jr, saved);
    if (!(lv->tmpl = cJSON_Duplicate(tmpl, 1)))
        oom(L);
}

static void read_remove(cload *L, const cJSON *obj, pm_lever *lv)
{
    lv->max_units = 1;
    const cJSON *mu = cJSON_GetObjectItemCaseSensitive(obj, "max_units");
    if (mu && !(cJSON_IsNumber(mu) && mu->valuedouble == 1))
        pm_jr_fail_at(&L->jr, "max_units",
                      "a remove lever is all or nothing: max_units is 1");
    const cJSON *arr = pm_jr_array(&L->jr, obj, "remove", true, PM_MAX_LIST);
    if (!arr)
        return;
    int n = cJSON_GetArraySize(arr), i = 0;
    size_t saved = pm_jr_push_key(&L->jr, "remove");
    if (n == 0)
        pm_jr_fail(&L->jr, "name at least one placement to remove");
    lv->remove = calloc((size_t)n + 1, sizeof *lv->remove);
    if (!lv->remove)
        oom(L);
    for (const cJSON *it = arr->child; it && lv->remove; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        const char *id;
        if (pm_jr_string_value(&L->jr, it, PM_ID_MAX, &id)) {
            if (L->base_sc && pm_scenario_find_placement(L->base_sc, id) < 0)
                pm_jr_fail(&L->jr, "unknown placement id \"%s\" (not in the "
                                   "base scenario)", id);
            else if (!(lv->remove[lv->nremove++] = dup_str(id)))
                oom(L);
        }
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
}

static void read_lever(cload *L, const cJSON *obj, pm_lever *lv, int index)
{
    static const char *const keys[] = {"id", "name", "meta", "add", "remove",
                                       "fixed_week_per_unit", "max_units",
                                       NULL};
    if (!pm_jr_check_keys(&L->jr, obj, keys) && !cJSON_IsObject(obj))
        return;
    const char *s;
    if (pm_jr_string(&L->jr, obj, "id", true, LEVER_ID_MAX, &s)) {
        int first = -1;
        if (!id_chars_ok(s))
            pm_jr_fail_at(&L->jr, "id", "use letters, digits, '_', '-' and "
                                        "'.' only (it names placements)");
        else if (!(lv->id = dup_str(s)) ||
                 (first = pm_strmap_put(&L->lever_ids, lv->id, index)) == -2)
            oom(L);
        else if (first != index)
            pm_jr_fail_at(&L->jr, "id", "duplicate lever id \"%s\" (first at "
                                        "levers[%d])", s, first);
    }
    if (pm_jr_string(&L->jr, obj, "name", false, NAME_MAX_LEN, &s) &&
        !(lv->label = dup_str(s)))
        oom(L);
    pm_jr_object(&L->jr, obj, "meta", false);
    pm_jr_number(&L->jr, obj, "fixed_week_per_unit", false, -PM_MAX_MONEY,
                 PM_MAX_MONEY, &lv->fixed);
    bool add = cJSON_GetObjectItemCaseSensitive(obj, "add") != NULL;
    bool rm = cJSON_GetObjectItemCaseSensitive(obj, "remove") != NULL;
    lv->kind = rm && !add ? PM_LEVER_REMOVE : PM_LEVER_ADD;
    if (add && rm)
        pm_jr_fail_at(&L->jr, "remove", "a lever either adds or removes, "
                                        "not both");
    else if (!add && !rm)
        pm_jr_fail(&L->jr, "a lever needs \"add\" (a placement template) or "
                           "\"remove\" (placement ids)");
    else if (add)
        read_add(L, obj, lv);
    else
        read_remove(L, obj, lv);
}

static void load_levers(cload *L, const cJSON *root)
{
    pm_commissioning *cm = L->cm;
    const cJSON *arr = pm_jr_array(&L->jr, root, "levers", true,
                                   PM_MIXES_MAX_LEVERS);
    if (!arr)
        return;
    int n = cJSON_GetArraySize(arr);
    cm->levers = calloc((size_t)n + 1, sizeof *cm->levers);
    if (!cm->levers) {
        oom(L);
        return;
    }
    cm->nlevers = n; /* only now: pm_commissioning_free walks the levers */
    size_t saved = pm_jr_push_key(&L->jr, "levers");
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        read_lever(L, it, &cm->levers[i], i);
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
}

/* ------------------------------------------------------------------ */
/* Loading: mixes (explicit and grids), without repeats               */
/* ------------------------------------------------------------------ */

typedef struct mixset {
    int *slot; /* mix index + 1, 0 = empty */
    int cap;
} mixset;

static uint64_t hash_units(const int *u, int n)
{
    return fnv1a(FNV_START, u, (size_t)n * sizeof *u);
}

static bool mixset_grow(cload *L, mixset *set)
{
    pm_commissioning *cm = L->cm;
    int cap = set->cap ? set->cap * 2 : 1024;
    int *slot = calloc((size_t)cap, sizeof *slot);
    if (!slot)
        return false;
    for (int m = 0; m < cm->nmixes; m++) {
        uint64_t h = hash_units(pm_mix_units(cm, m), cm->nlevers);
        int i = (int)(h & (uint64_t)(cap - 1));
        while (slot[i])
            i = (i + 1) & (cap - 1);
        slot[i] = m + 1;
    }
    free(set->slot);
    set->slot = slot;
    set->cap = cap;
    return true;
}

/* Adds the mix u unless already there.  Returns false (with the problem
 * recorded) when the limit is passed or memory ran out. */
static bool add_mix(cload *L, mixset *set, const int *u)
{
    pm_commissioning *cm = L->cm;
    int nl = cm->nlevers;
    if ((cm->nmixes + 1) * 2 > set->cap && !mixset_grow(L, set)) {
        oom(L);
        return false;
    }
    int i = (int)(hash_units(u, nl) & (uint64_t)(set->cap - 1));
    for (; set->slot[i]; i = (i + 1) & (set->cap - 1))
        if (!memcmp(pm_mix_units(cm, set->slot[i] - 1), u, (size_t)nl * sizeof *u))
            return true;
    if (cm->nmixes == PM_MIXES_MAX_MIXES) {
        pm_jr_fail_status(&L->jr, PM_ERR_LIMIT, "more than %d distinct mixes",
                          PM_MIXES_MAX_MIXES);
        return false;
    }
    if (cm->nmixes == L->cap_mixes) {
        int cap = L->cap_mixes ? L->cap_mixes * 2 : 64;
        int *bigger = realloc(cm->units, (size_t)cap * (size_t)(nl + 1) * sizeof *bigger);
        if (!bigger) {
            oom(L);
            return false;
        }
        cm->units = bigger;
        L->cap_mixes = cap;
    }
    memcpy(cm->units + (size_t)cm->nmixes * (size_t)nl, u, (size_t)nl * sizeof *u);
    set->slot[i] = ++cm->nmixes;
    return true;
}

static int lever_at(cload *L, const char *key)
{
    int l = pm_strmap_get(&L->lever_ids, key);
    if (l < 0)
        pm_jr_fail_at(&L->jr, key, "unknown lever");
    return l;
}

static void load_explicit(cload *L, const cJSON *root, mixset *set, int *u)
{
    const cJSON *arr = pm_jr_array(&L->jr, root, "mixes", false,
                                   PM_MIXES_MAX_MIXES);
    if (!arr)
        return;
    size_t saved = pm_jr_push_key(&L->jr, "mixes");
    int i = 0;
    bool full = false;
    for (const cJSON *it = arr->child; it && !full; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        int before = L->jr.problems;
        memset(u, 0, (size_t)L->cm->nlevers * sizeof *u);
        if (pm_jr_expect_object(&L->jr, it)) {
            for (const cJSON *f = it->child; f; f = f->next) {
                int l = lever_at(L, f->string);
                if (l >= 0)
                    pm_jr_int(&L->jr, it, f->string, true, 0,
                              L->cm->levers[l].max_units, &u[l]);
            }
        }
        if (L->jr.problems == before)
            full = !add_mix(L, set, u); /* the limit, or out of memory */
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
}

/* One lever's values in a grid: an array of units, or {from, to, step}. */
static int grid_values(cload *L, const cJSON *f, int max, int *vals)
{
    int n = 0;
    if (cJSON_IsArray(f)) {
        size_t saved = pm_jr_push_key(&L->jr, f->string);
        int i = 0;
        for (const cJSON *it = f->child; it && n <= PM_MIXES_MAX_UNITS; it = it->next, i++) {
            size_t s2 = pm_jr_push_index(&L->jr, i);
            if (!pm_json_is_int(it, 0, max))
                pm_jr_fail(&L->jr, "expected a whole number of units in 0..%d", max);
            else
                vals[n++] = (int)it->valuedouble;
            pm_jr_pop(&L->jr, s2);
        }
        if (i == 0)
            pm_jr_fail(&L->jr, "list at least one number of units");
        pm_jr_pop(&L->jr, saved);
        return n;
    }
    if (!cJSON_IsObject(f)) {
        pm_jr_fail_at(&L->jr, f->string, "expected a list of units or "
                                         "{\"from\", \"to\", \"step\"}");
        return 0;
    }
    static const char *const keys[] = {"from", "to", "step", NULL};
    size_t saved = pm_jr_push_key(&L->jr, f->string);
    int from = 0, to = -1, step = 1, before = L->jr.problems;
    pm_jr_check_keys(&L->jr, f, keys);
    pm_jr_int(&L->jr, f, "from", true, 0, max, &from);
    pm_jr_int(&L->jr, f, "to", true, 0, max, &to);
    pm_jr_int(&L->jr, f, "step", false, 1, PM_MIXES_MAX_UNITS, &step);
    if (L->jr.problems == before && to < from)
        pm_jr_fail_at(&L->jr, "to", "%d is less than from (%d)", to, from);
    for (int v = from; L->jr.problems == before && v <= to; v += step)
        vals[n++] = v;
    pm_jr_pop(&L->jr, saved);
    return n;
}

/* Every combination of one grid, the first lever listed varying slowest. */
static void expand_grid(cload *L, mixset *set, int nf, const int *lev,
                        int *const *vals, const int *nv, int *u)
{
    int *pos = calloc((size_t)nf + 1, sizeof *pos);
    if (!pos) {
        oom(L);
        return;
    }
    for (bool more = true; more;) {
        memset(u, 0, (size_t)L->cm->nlevers * sizeof *u);
        for (int j = 0; j < nf; j++)
            u[lev[j]] = vals[j][pos[j]];
        if (!add_mix(L, set, u))
            break;
        int j = nf - 1;
        while (j >= 0 && ++pos[j] == nv[j])
            pos[j--] = 0;
        more = j >= 0;
    }
    free(pos);
}

static void load_one_grid(cload *L, const cJSON *grid, mixset *set, int *u)
{
    if (!pm_jr_expect_object(&L->jr, grid))
        return;
    int nf = cJSON_GetArraySize(grid), j = 0, before = L->jr.problems;
    int lev[PM_MIXES_MAX_LEVERS + 1], nv[PM_MIXES_MAX_LEVERS + 1];
    int *vals[PM_MIXES_MAX_LEVERS + 1] = {0};
    bool seen[PM_MIXES_MAX_LEVERS + 1] = {0};
    double count = 1;
    for (const cJSON *f = grid->child; f && j <= PM_MIXES_MAX_LEVERS; f = f->next) {
        int l = lever_at(L, f->string);
        if (l < 0)
            continue;
        if (seen[l]) {
            pm_jr_fail_at(&L->jr, f->string, "lever listed twice");
            continue;
        }
        seen[l] = true;
        lev[j] = l;
        vals[j] = malloc((PM_MIXES_MAX_UNITS + 2) * sizeof(int));
        if (!vals[j]) {
            oom(L);
            break;
        }
        nv[j] = grid_values(L, f, L->cm->levers[l].max_units, vals[j]);
        count *= nv[j] ? nv[j] : 1;
        j++;
    }
    if (L->jr.problems == before && count > PM_MIXES_MAX_MIXES)
        pm_jr_fail_status(&L->jr, PM_ERR_LIMIT, "%.0f combinations, more than "
                          "the limit of %d mixes", count, PM_MIXES_MAX_MIXES);
    if (L->jr.problems == before && nf > 0)
        expand_grid(L, set, j, lev, vals, nv, u);
    for (int k = 0; k < j; k++)
        free(vals[k]);
}

static void load_grids(cload *L, const cJSON *root, mixset *set, int *u)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, "grid");
    if (!g)
        return;
    size_t saved = pm_jr_push_key(&L->jr, "grid");
    if (cJSON_IsArray(g)) {
        int i = 0;
        if (cJSON_GetArraySize(g) > MAX_GRIDS)
            pm_jr_fail_status(&L->jr, PM_ERR_LIMIT, "more than %d grids",
                              MAX_GRIDS);
        for (const cJSON *it = g->child; it && i < MAX_GRIDS; it = it->next, i++) {
            size_t s2 = pm_jr_push_index(&L->jr, i);
            load_one_grid(L, it, set, u);
            pm_jr_pop(&L->jr, s2);
        }
    } else if (cJSON_IsObject(g)) {
        load_one_grid(L, g, set, u);
    } else {
        pm_jr_fail(&L->jr, "expected an object (lever -> units) or a list "
                           "of them");
    }
    pm_jr_pop(&L->jr, saved);
}

/* Mix 0 is the baseline; then the explicit mixes, then the grids, each
 * mix once (the first time it appears). */
static void load_mixes(cload *L, const cJSON *root)
{
    int *u = calloc((size_t)L->cm->nlevers + 1, sizeof *u);
    mixset set = {0};
    if (!u) {
        oom(L);
        return;
    }
    if (add_mix(L, &set, u)) {
        load_explicit(L, root, &set, u);
        load_grids(L, root, &set, u);
    }
    free(set.slot);
    free(u);
}

/* ------------------------------------------------------------------ */
/* Loading: cohorts                                                   */
/* ------------------------------------------------------------------ */

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (!strcmp(*list, s))
            return true;
    return false;
}

static void read_generated(cload *L, const cJSON *obj, pm_cohort *co)
{
    const char *profile = "stockton-2023", *variant = "base";
    int seed = 1;
    if (pm_jr_string(&L->jr, obj, "profile", false, 64, &profile) &&
        !in_list(pm_generate_profiles(), profile))
        pm_jr_fail_at(&L->jr, "profile", "unknown profile \"%s\" (known: "
                      "stockton-2023, middlesbrough-2020, regional, "
                      "national)", profile);
    if (pm_jr_string(&L->jr, obj, "variant", false, 64, &variant) &&
        !in_list(variants, variant))
        pm_jr_fail_at(&L->jr, "variant", "unknown variant \"%s\" (known: "
                      "base, growth, older, siblings)", variant);
    pm_jr_int(&L->jr, obj, "seed", false, 0, 0x7fffffff, &seed);
    pm_jr_int(&L->jr, obj, "children", false, 1, PM_MAX_CHILDREN,
              &co->children_opt);
    co->generated = 1;
    co->seed = (unsigned long long)seed;
    co->profile = dup_str(profile);
    co->variant = dup_str(variant);
    if (!co->profile || !co->variant)
        oom(L);
}

static void read_cohort(cload *L, const cJSON *it, pm_cohort *co)
{
    static const char *const keys[] = {"name", "meta", "profile", "seed",
                                       "children", "variant", NULL};
    if (cJSON_IsString(it) && !strcmp(it->valuestring, "base")) {
        if (!(co->name = dup_str("base")))
            oom(L);
        return;
    }
    if (!cJSON_IsObject(it)) {
        pm_jr_fail(&L->jr, "expected \"base\" or a generated cohort "
                           "{\"profile\", \"seed\", \"variant\", \"children\"}");
        return;
    }
    pm_jr_check_keys(&L->jr, it, keys);
    pm_jr_object(&L->jr, it, "meta", false);
    read_generated(L, it, co);
    const char *name;
    char def[96];
    if (!pm_jr_string(&L->jr, it, "name", false, 64, &name)) {
        snprintf(def, sizeof def, "%s-%llu", co->variant ? co->variant : "",
                 co->seed);
        name = def;
    }
    if (!(co->name = dup_str(name)))
        oom(L);
}

static void load_cohorts(cload *L, const cJSON *root)
{
    pm_commissioning *cm = L->cm;
    const cJSON *arr = pm_jr_array(&L->jr, root, "cohorts", false,
                                   PM_MIXES_MAX_COHORTS);
    bool absent = !cJSON_GetObjectItemCaseSensitive(root, "cohorts");
    int n = arr ? cJSON_GetArraySize(arr) : 1;
    if (arr && n == 0)
        pm_jr_fail_at(&L->jr, "cohorts", "list at least one cohort");
    if ((!arr && !absent) || n == 0)
        return;
    cm->cohorts = calloc((size_t)n, sizeof *cm->cohorts);
    if (!cm->cohorts) {
        oom(L);
        return;
    }
    cm->ncohorts = n;
    if (!arr) {
        if (!(cm->cohorts[0].name = dup_str("base")))
            oom(L);
        return;
    }
    size_t saved = pm_jr_push_key(&L->jr, "cohorts");
    int i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(&L->jr, i);
        read_cohort(L, it, &cm->cohorts[i]);
        for (int j = 0; j < i && cm->cohorts[i].name; j++)
            if (cm->cohorts[j].name && !strcmp(cm->cohorts[j].name, cm->cohorts[i].name))
                pm_jr_fail(&L->jr, "duplicate cohort name \"%s\" (first at "
                                   "cohorts[%d]); give it a \"name\"",
                           cm->cohorts[i].name, j);
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
}

/* ---- a generated cohort on the base estate --------------------------- */

static const char *str_field(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool has_field(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key) != NULL;
}

/* Index of every placement id in arr (keys borrowed from arr). */
static bool map_ids(const cJSON *arr, pm_strmap *map)
{
    int i = 0;
    for (const cJSON *it = arr ? arr->child : NULL; it; it = it->next, i++) {
        const char *id = str_field(it, "id");
        if (id && pm_strmap_put(map, id, i) == -2)
            return false;
    }
    return true;
}

typedef struct estate {
    cJSON *tree, *places, *kids;
    pm_strmap ids;       /* placements of the cohort */
    pm_strmap gen_ids;   /* placements of the generated scenario */
    const cJSON **from;  /* cohort placement -> base item, NULL for kin */
    int np;
} estate;

/* Base placements open to any child, then the generated kin carers
 * (reserved_for its own children). */
static void estate_places(cload *L, estate *E, const cJSON *gen_places)
{
    const cJSON *bp = cJSON_GetObjectItemCaseSensitive(L->cm->base, "placements");
    int n = cJSON_GetArraySize(bp) + cJSON_GetArraySize(gen_places);
    E->from = calloc((size_t)n + 1, sizeof *E->from);
    if (!E->from) {
        oom(L);
        return;
    }
    for (const cJSON *it = bp->child; it && !L->oom; it = it->next) {
        if (has_field(it, "reserved_for"))
            continue;
        cJSON *c = cJSON_Duplicate(it, 1);
        if (!c || !cJSON_AddItemToArray(E->places, c) ||
            pm_strmap_put(&E->ids, str_field(c, "id"), E->np) == -2)
            oom(L);
        E->from[E->np++] = it;
    }
    for (const cJSON *it = gen_places->child; it && !L->oom; it = it->next) {
        const char *id = str_field(it, "id");
        if (!has_field(it, "reserved_for") || !id)
            continue;
        if (pm_strmap_get(&E->ids, id) >= 0) {
            pm_jr_fail(&L->jr, "generated kin placement \"%s\" has the id of a "
                               "base placement", id);
            continue;
        }
        cJSON *c = cJSON_Duplicate(it, 1);
        if (!c || !cJSON_AddItemToArray(E->places, c) ||
            pm_strmap_put(&E->ids, str_field(c, "id"), E->np) == -2)
            oom(L);
        E->from[E->np++] = NULL;
    }
}

/* A generated child keeps its current placement only where that is the
 * same home on the base estate (or its own kin carer); otherwise where it
 * lives now belongs to the generated world, and it is placed afresh. */
static void estate_child(cload *L, estate *E, const cJSON *gen_places,
                         const cJSON *child)
{
    cJSON *c = cJSON_Duplicate(child, 1);
    if (!c || !cJSON_AddItemToArray(E->kids, c)) {
        cJSON_Delete(c);
        oom(L);
        return;
    }
    const char *cur = str_field(c, "current");
    if (!cur)
        return;
    int i = pm_strmap_get(&E->ids, cur);
    int g = pm_strmap_get(&E->gen_ids, cur);
    bool keep = i >= 0 && (!E->from[i] ||
                           (g >= 0 && cJSON_Compare(E->from[i],
                                                    cJSON_GetArrayItem(gen_places, g), 1)));
    if (!keep) {
        cJSON_DeleteItemFromObjectCaseSensitive(c, "current");
        cJSON_DeleteItemFromObjectCaseSensitive(c, "stay");
    }
}

/* Adds item (owned) as obj[key]; on failure (the key is copied, which may
 * fail) deletes it. */
static bool add_member(cJSON *obj, const char *key, cJSON *item)
{
    if (item && cJSON_AddItemToObject(obj, key, item))
        return true;
    cJSON_Delete(item);
    return false;
}

static bool estate_header(cload *L, estate *E)
{
    const cJSON *base = L->cm->base;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(base, "name");
    const cJSON *policy = cJSON_GetObjectItemCaseSensitive(base, "policy");
    E->tree = cJSON_CreateObject();
    return E->tree &&
           cJSON_AddStringToObject(E->tree, "format", SCENARIO_FORMAT) &&
           (!name || add_member(E->tree, "name", cJSON_Duplicate(name, 1))) &&
           (!policy || add_member(E->tree, "policy", cJSON_Duplicate(policy, 1))) &&
           (E->places = cJSON_AddArrayToObject(E->tree, "placements")) &&
           (E->kids = cJSON_AddArrayToObject(E->tree, "children"));
}

/* The cohort's scenario: the base policy and estate, the generated
 * scenario's children and their kin carers (docs/MIXES.md section 3). */
static cJSON *merge_generated(cload *L, const cJSON *gen)
{
    estate E = {0};
    pm_strmap_init(&E.ids);
    pm_strmap_init(&E.gen_ids);
    const cJSON *gp = cJSON_GetObjectItemCaseSensitive(gen, "placements");
    const cJSON *gc = cJSON_GetObjectItemCaseSensitive(gen, "children");
    int before = L->jr.problems;
    if (!estate_header(L, &E) || !map_ids(gp, &E.gen_ids))
        oom(L);
    if (L->jr.problems == before)
        estate_places(L, &E, gp);
    for (const cJSON *it = gc ? gc->child : NULL;
         it && L->jr.problems == before; it = it->next)
        estate_child(L, &E, gp, it);
    pm_strmap_free(&E.ids);
    pm_strmap_free(&E.gen_ids);
    free(E.from);
    if (L->jr.problems != before) {
        cJSON_Delete(E.tree);
        return NULL;
    }
    return E.tree;
}

static cJSON *generated_tree(cload *L, const pm_cohort *co)
{
    pm_generate_options o;
    pm_generate_options_init(&o);
    o.profile = co->profile;
    o.seed = co->seed;
    o.children = co->children_opt;
    o.variant = co->variant;
    char *json = NULL;
    pm_error tmp;
    pm_error_clear(&tmp);
    cJSON *gen = NULL;
    if (pm_generate(&o, &json, &tmp) == PM_OK)
        gen = pm_json_parse(json, strlen(json), L->jr.file, &tmp);
    pm_free(json);
    if (!gen) {
        relay(L, &tmp, NULL, L->jr.path);
        return NULL;
    }
    cJSON *t = merge_generated(L, gen);
    cJSON_Delete(gen);
    return t;
}

/* ---- indices for applying mixes -------------------------------------- */

/* The add lever whose copies would be named id ("<lever>-<k>"), or -1. */
static int copy_clash(const cload *L, const char *id)
{
    const char *dash = strrchr(id, '-');
    if (!dash || dash == id || dash[1] == '0' || !dash[1])
        return -1;
    long k = 0;
    for (const char *p = dash + 1; *p; p++) {
        if (*p < '0' || *p > '9' || k > PM_MIXES_MAX_UNITS)
            return -1;
        k = k * 10 + (*p - '0');
    }
    char prefix[PM_ID_MAX + 1];
    snprintf(prefix, sizeof prefix, "%.*s", (int)(dash - id), id);
    int l = pm_strmap_get(&L->lever_ids, prefix);
    const pm_lever *lv = l >= 0 ? &L->cm->levers[l] : NULL;
    return lv && lv->kind == PM_LEVER_ADD && k <= lv->max_units ? l : -1;
}

static void check_clashes(cload *L, const pm_cohort *co, int ci)
{
    int i = 0;
    for (const cJSON *it = co->placements->child; it; it = it->next, i++) {
        const char *id = str_field(it, "id");
        int l = id ? copy_clash(L, id) : -1;
        if (l < 0)
            continue;
        char at[64];
        if (co->generated)
            snprintf(at, sizeof at, "cohorts[%d]", ci);
        else
            snprintf(at, sizeof at, "levers[%d].id", l);
        pm_err_add(L->jr.err, PM_ERR_INVALID, L->jr.file, at,
                   "copies of lever \"%s\" would share the id of placement "
                   "\"%s\" of the %s scenario", L->cm->levers[l].id, id,
                   co->generated ? "generated" : "base");
        L->jr.problems++;
    }
}

static void index_removes(cload *L, pm_cohort *co, const pm_strmap *ids)
{
    const pm_commissioning *cm = L->cm;
    int total = 0;
    for (int l = 0; l < cm->nlevers; l++)
        total += cm->levers[l].nremove;
    co->rm_start = calloc((size_t)cm->nlevers + 1, sizeof *co->rm_start);
    co->rm_place = calloc((size_t)total + 1, sizeof *co->rm_place);
    if (!co->rm_start || !co->rm_place) {
        oom(L);
        return;
    }
    int n = 0;
    for (int l = 0; l < cm->nlevers; l++) {
        co->rm_start[l] = n;
        for (int j = 0; j < cm->levers[l].nremove; j++) {
            int p = pm_strmap_get(ids, cm->levers[l].remove[j]);
            if (p >= 0) /* a base kin carer is absent from generated cohorts */
                co->rm_place[n++] = p;
        }
    }
    co->rm_start[cm->nlevers] = n;
}

static void index_cohort(cload *L, pm_cohort *co, int ci)
{
    co->policy = cJSON_GetObjectItemCaseSensitive(co->tree, "policy");
    co->placements = cJSON_GetObjectItemCaseSensitive(co->tree, "placements");
    co->children = cJSON_GetObjectItemCaseSensitive(co->tree, "children");
    co->np = cJSON_GetArraySize(co->placements);
    co->nc = cJSON_GetArraySize(co->children);
    co->current = calloc((size_t)co->nc + 1, sizeof *co->current);
    co->stay = calloc((size_t)co->nc + 1, 1);
    pm_strmap ids;
    pm_strmap_init(&ids);
    if (!co->current || !co->stay || !map_ids(co->placements, &ids)) {
        oom(L);
        pm_strmap_free(&ids);
        return;
    }
    int i = 0;
    for (const cJSON *it = co->children->child; it; it = it->next, i++) {
        const char *cur = str_field(it, "current");
        co->current[i] = cur ? pm_strmap_get(&ids, cur) : -1;
        co->stay[i] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "stay"));
        co->npinned += co->stay[i];
    }
    check_clashes(L, co, ci);
    index_removes(L, co, &ids);
    pm_strmap_free(&ids);
}

static cJSON *derive(const pm_commissioning *cm, const int *u, int cohort);

/* Every cohort with every lever at its maximum must be a valid scenario:
 * checked once here, so that evaluations never meet a format problem. */
static void check_extremes(cload *L, int ci)
{
    pm_commissioning *cm = L->cm;
    int *u = calloc((size_t)cm->nlevers + 1, sizeof *u);
    cJSON *t = NULL;
    if (u) {
        for (int l = 0; l < cm->nlevers; l++)
            u[l] = cm->levers[l].max_units;
        t = derive(cm, u, ci);
    }
    free(u);
    if (!t) {
        oom(L);
        return;
    }
    char label[512];
    snprintf(label, sizeof label, "%s (cohort \"%s\", every lever at its "
             "maximum)", L->jr.file, cm->cohorts[ci].name);
    pm_scenario *sc = NULL;
    if (pm_scenario_from_json(t, label, &sc, L->jr.err) != PM_OK)
        L->jr.problems++;
    pm_scenario_free(sc);
    cJSON_Delete(t);
}

static void prepare_cohorts(cload *L)
{
    pm_commissioning *cm = L->cm;
    size_t saved = pm_jr_push_key(&L->jr, "cohorts");
    for (int i = 0; i < cm->ncohorts && !L->jr.problems; i++) {
        pm_cohort *co = &cm->cohorts[i];
        size_t s2 = pm_jr_push_index(&L->jr, i);
        co->tree = co->generated ? generated_tree(L, co)
                                 : cJSON_Duplicate(cm->base, 1);
        if (!co->tree && !L->jr.problems)
            oom(L);
        if (co->tree)
            index_cohort(L, co, i);
        pm_jr_pop(&L->jr, s2);
    }
    pm_jr_pop(&L->jr, saved);
    for (int i = 0; i < cm->ncohorts && !L->jr.problems; i++)
        check_extremes(L, i);
}

/* ------------------------------------------------------------------ */
/* Loading: top level, freeing                                        */
/* ------------------------------------------------------------------ */

static void load_root(cload *L, const cJSON *root)
{
    static const char *const keys[] = {"format", "name", "meta", "base",
                                       "levers", "mixes", "grid", "cohorts",
                                       NULL};
    pm_jr *jr = &L->jr;
    if (!pm_jr_check_keys(jr, root, keys) && !cJSON_IsObject(root))
        return;
    const char *s;
    if (pm_jr_string(jr, root, "format", true, 64, &s) && strcmp(s, FORMAT_NAME))
        pm_jr_fail_at(jr, "format", "expected \"%s\", got \"%s\"", FORMAT_NAME, s);
    if (pm_jr_string(jr, root, "name", false, NAME_MAX_LEN, &s) &&
        !(L->cm->name = dup_str(s)))
        oom(L);
    pm_jr_object(jr, root, "meta", false);
    load_base(L, root);
    int before = jr->problems;
    load_levers(L, root);
    if (jr->problems == before)
        load_mixes(L, root);
    load_cohorts(L, root);
    double units = (double)L->cm->nmixes * L->cm->ncohorts;
    if (!jr->problems && units > PM_MIXES_MAX_EVALUATIONS)
        pm_jr_fail_status(jr, PM_ERR_LIMIT, "%d mixes x %d cohorts is %.0f "
                          "evaluations, more than the limit of %d",
                          L->cm->nmixes, L->cm->ncohorts, units,
                          PM_MIXES_MAX_EVALUATIONS);
    if (!jr->problems)
        prepare_cohorts(L);
}

static void free_cohort(pm_cohort *co)
{
    free(co->name);
    free(co->profile);
    free(co->variant);
    cJSON_Delete(co->tree);
    free(co->current);
    free(co->stay);
    free(co->rm_start);
    free(co->rm_place);
}

static void free_lever(pm_lever *lv)
{
    free(lv->id);
    free(lv->label);
    cJSON_Delete(lv->tmpl);
    for (int j = 0; j < lv->nremove; j++)
        free(lv->remove[j]);
    free(lv->remove);
}

void pm_commissioning_free(pm_commissioning *cm)
{
    if (!cm || atomic_fetch_sub(&cm->refs, 1) > 1)
        return;
    for (int i = 0; i < cm->ncohorts; i++)
        free_cohort(&cm->cohorts[i]);
    for (int l = 0; l < cm->nlevers; l++)
        free_lever(&cm->levers[l]);
    free(cm->cohorts);
    free(cm->levers);
    free(cm->units);
    cJSON_Delete(cm->base);
    free(cm->file);
    free(cm->name);
    free(cm->base_name);
    free(cm);
}

pm_status pm_commissioning_load_buffer(const char *data, size_t len,
                                       const char *name, const char *dir,
                                       pm_commissioning **out, pm_error *err)
{
    if (!out || (!data && len))
        return pm_err_add(err, PM_ERR_ARG, name, NULL,
                          "pm_commissioning_load_buffer: NULL argument");
    *out = NULL;
    name = name ? name : "(buffer)";
    pm_commissioning *cm = calloc(1, sizeof *cm);
    if (!cm || !(cm->file = dup_str(name))) {
        free(cm);
        return pm_err_add(err, PM_ERR_NOMEM, name, NULL, "out of memory");
    }
    atomic_init(&cm->refs, 1);
    atomic_init(&cm->used, 0);
    cm->fingerprint = fnv1a(FNV_START, data ? data : "", len);
    cload L = {.cm = cm, .dir = dir};
    pm_strmap_init(&L.lever_ids);
    pm_jr_init(&L.jr, cm->file, err);
    cJSON *root = pm_json_parse(data ? data : "", len, name, err);
    if (root)
        load_root(&L, root);
    else
        L.jr.problems++;
    cJSON_Delete(root);
    pm_scenario_free(L.base_sc);
    pm_strmap_free(&L.lever_ids);
    if (!L.jr.problems && (cm->name || (cm->name = dup_str(""))))
        *out = cm;
    if (*out)
        return PM_OK;
    pm_status st = L.oom ? PM_ERR_NOMEM : err && err->status ? err->status
                                                             : PM_ERR_INVALID;
    pm_commissioning_free(cm);
    return st;
}

pm_status pm_commissioning_load_file(const char *path, pm_commissioning **out,
                                     pm_error *err)
{
    if (!path || !out)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_commissioning_load_file: NULL argument");
    *out = NULL;
    char *data = NULL, *dir = dup_str(path);
    size_t len = 0;
    if (!dir)
        return pm_err_add(err, PM_ERR_NOMEM, path, NULL, "out of memory");
    char *slash = strrchr(dir, '/');
    if (slash)
        slash[slash == dir ? 1 : 0] = '\0';
    pm_status st = pm_read_file(path, &data, &len, err);
    if (st == PM_OK)
        st = pm_commissioning_load_buffer(data, len, path, slash ? dir : ".",
                                          out, err);
    free(data);
    free(dir);
    return st;
}

/* ------------------------------------------------------------------ */
/* Accessors                                                          */
/* ------------------------------------------------------------------ */

pm_status pm_commissioning_keep_cohorts(pm_commissioning *cm,
                                        const char *const *names, int count,
                                        pm_error *err)
{
    if (!cm || (!names && count) || count < 0)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_commissioning_keep_cohorts: bad argument");
    if (atomic_load(&cm->used))
        return pm_err_add(err, PM_ERR_ARG, cm->file, NULL,
                          "cohorts cannot change once a result uses them");
    if (count == 0)
        return pm_err_add(err, PM_ERR_ARG, cm->file, "cohorts",
                          "keep at least one cohort");
    for (int i = 0; i < count; i++)
        if (pm_commissioning_find_cohort(cm, names[i]) < 0)
            return pm_err_add(err, PM_ERR_NOT_FOUND, cm->file, "cohorts",
                              "no cohort named \"%s\"", names[i]);
    int n = 0;
    for (int k = 0; k < cm->ncohorts; k++) {
        bool keep = false;
        for (int i = 0; i < count && !keep; i++)
            keep = !strcmp(names[i], cm->cohorts[k].name);
        if (!keep) {
            free_cohort(&cm->cohorts[k]);
            continue;
        }
        cm->cohorts[n++] = cm->cohorts[k];
        /* the selection is part of what a merged shard must agree on */
        cm->fingerprint = fnv1a(cm->fingerprint, cm->cohorts[k].name,
                                strlen(cm->cohorts[k].name) + 1);
    }
    cm->ncohorts = n;
    return PM_OK;
}

const char *pm_commissioning_name(const pm_commissioning *cm)
{
    return cm ? cm->name : NULL;
}

int pm_commissioning_num_levers(const pm_commissioning *cm)
{
    return cm ? cm->nlevers : 0;
}

int pm_commissioning_num_mixes(const pm_commissioning *cm)
{
    return cm ? cm->nmixes : 0;
}

int pm_commissioning_num_cohorts(const pm_commissioning *cm)
{
    return cm ? cm->ncohorts : 0;
}

const char *pm_commissioning_lever_id(const pm_commissioning *cm, int lever)
{
    return cm && lever >= 0 && lever < cm->nlevers ? cm->levers[lever].id : NULL;
}

const char *pm_commissioning_cohort_name(const pm_commissioning *cm,
                                         int cohort)
{
    return cm && cohort >= 0 && cohort < cm->ncohorts ? cm->cohorts[cohort].name
                                                      : NULL;
}

int pm_commissioning_find_cohort(const pm_commissioning *cm, const char *name)
{
    for (int k = 0; cm && name && k < cm->ncohorts; k++)
        if (!strcmp(cm->cohorts[k].name, name))
            return k;
    return -1;
}

int pm_commissioning_units(const pm_commissioning *cm, int mix, int lever)
{
    if (!cm || mix < 0 || mix >= cm->nmixes || lever < 0 || lever >= cm->nlevers)
        return -1;
    return pm_mix_units(cm, mix)[lever];
}

double pm_commissioning_fixed_week(const pm_commissioning *cm, int mix)
{
    if (!cm || mix < 0 || mix >= cm->nmixes)
        return NAN;
    const int *u = pm_mix_units(cm, mix);
    double sum = 0;
    for (int l = 0; l < cm->nlevers; l++)
        sum += cm->levers[l].fixed * u[l];
    return pm_q2(sum);
}

/* ------------------------------------------------------------------ */
/* Applying a mix to a cohort                                         */
/* ------------------------------------------------------------------ */

static cJSON *with_field(const cJSON *obj, const char *key, cJSON *value)
{
    cJSON *c = cJSON_Duplicate(obj, 1);
    if (!c || !value || !cJSON_ReplaceItemInObjectCaseSensitive(c, key, value)) {
        cJSON_Delete(value);
        cJSON_Delete(c);
        return NULL;
    }
    /* older cJSON (< 1.7.16) does not check its copy of the key: an item
     * without a name would crash whoever reads the object */
    if (!value->string) {
        cJSON_Delete(c); /* value with it */
        return NULL;
    }
    return c;
}

/* A removed placement stays in the scenario with no capacity, so that its
 * children's `current` still names it (and move_week applies to them). */
static cJSON *closed_copy(const cJSON *p)
{
    cJSON *c = with_field(p, "capacity", cJSON_CreateNumber(0));
    if (c && has_field(c, "sibling_only")) {
        cJSON *d = with_field(c, "sibling_only", cJSON_CreateNumber(0));
        cJSON_Delete(c);
        c = d;
    }
    return c;
}

static bool add_ref(cJSON *arr, const cJSON *obj)
{
    cJSON *ref = cJSON_CreateObjectReference(obj->child);
    if (ref && cJSON_AddItemToArray(arr, ref))
        return true;
    cJSON_Delete(ref);
    return false;
}

static bool add_owned(cJSON *arr, cJSON *item)
{
    if (item && cJSON_AddItemToArray(arr, item))
        return true;
    cJSON_Delete(item);
    return false;
}

static bool add_copies(const pm_lever *lv, int units, cJSON *arr)
{
    char id[PM_ID_MAX + 1];
    for (int k = 1; k <= units; k++) {
        snprintf(id, sizeof id, "%s-%d", lv->id, k);
        cJSON *c = cJSON_Duplicate(lv->tmpl, 1);
        if (!c || !cJSON_AddStringToObject(c, "id", id)) {
            cJSON_Delete(c);
            return false;
        }
        if (!add_owned(arr, c))
            return false;
    }
    return true;
}

static bool derive_placements(const pm_commissioning *cm, const pm_cohort *co,
                              const int *u, const unsigned char *removed,
                              cJSON *arr)
{
    int i = 0;
    for (const cJSON *it = co->placements->child; it; it = it->next, i++)
        if (!(removed[i] ? add_owned(arr, closed_copy(it)) : add_ref(arr, it)))
            return false;
    for (int l = 0; l < cm->nlevers; l++)
        if (cm->levers[l].kind == PM_LEVER_ADD && u[l] > 0 &&
            !add_copies(&cm->levers[l], u[l], arr))
            return false;
    return true;
}

/* Children pinned to a removed placement are no longer pinned; they keep
 * `current`, so move_week applies wherever they go (MODEL.md). */
static bool derive_children(const pm_cohort *co, const unsigned char *removed,
                            cJSON *arr)
{
    int i = 0;
    for (const cJSON *it = co->children->child; it; it = it->next, i++) {
        bool unpin = co->stay[i] && co->current[i] >= 0 && removed[co->current[i]];
        if (!(unpin ? add_owned(arr, with_field(it, "stay", cJSON_CreateFalse()))
                    : add_ref(arr, it)))
            return false;
    }
    return true;
}

/* The derived tree refers to the cohort's (read-only, so threads can share
 * it) and owns only what the mix changes. */
static cJSON *derive(const pm_commissioning *cm, const int *u, int cohort)
{
    const pm_cohort *co = &cm->cohorts[cohort];
    unsigned char *removed = calloc((size_t)co->np + 1, 1);
    cJSON *root = cJSON_CreateObject();
    bool ok = removed && root;
    for (int l = 0; ok && l < cm->nlevers; l++)
        for (int j = co->rm_start[l]; u[l] > 0 && j < co->rm_start[l + 1]; j++)
            removed[co->rm_place[j]] = 1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(co->tree, "name");
    cJSON *places = NULL, *kids = NULL;
    ok = ok && cJSON_AddStringToObject(root, "format", SCENARIO_FORMAT) &&
         (!cJSON_IsString(name) ||
          cJSON_AddStringToObject(root, "name", name->valuestring)) &&
         (!co->policy ||
          add_member(root, "policy", cJSON_CreateObjectReference(co->policy->child))) &&
         (places = cJSON_AddArrayToObject(root, "placements")) &&
         (kids = cJSON_AddArrayToObject(root, "children")) &&
         derive_placements(cm, co, u, removed, places) &&
         derive_children(co, removed, kids);
    free(removed);
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

cJSON *pm_mix_tree(const pm_commissioning *cm, int mix, int cohort)
{
    return derive(cm, pm_mix_units(cm, mix), cohort);
}

pm_status pm_mix_check_unit(const pm_commissioning *cm, int mix, int cohort,
                            pm_error *err)
{
    if (!cm || mix < 0 || mix >= cm->nmixes || cohort < 0 ||
        cohort >= cm->ncohorts)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "no mix %d on cohort %d", mix, cohort);
    return PM_OK;
}

void pm_mix_unit_label(const pm_commissioning *cm, int mix, int cohort,
                       char *out, size_t size)
{
    snprintf(out, size, "%s (mix %d on cohort \"%s\")", cm->file, mix,
             cm->cohorts[cohort].name);
}

pm_status pm_commissioning_scenario(const pm_commissioning *cm, int mix,
                                    int cohort, pm_scenario **out,
                                    pm_error *err)
{
    if (!out)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL, "out is NULL");
    *out = NULL;
    pm_status st = pm_mix_check_unit(cm, mix, cohort, err);
    if (st != PM_OK)
        return st;
    cJSON *t = pm_mix_tree(cm, mix, cohort);
    if (!t)
        return pm_err_add(err, PM_ERR_NOMEM, cm->file, NULL, "out of memory");
    char label[512];
    pm_mix_unit_label(cm, mix, cohort, label, sizeof label);
    st = pm_scenario_from_json(t, label, out, err);
    cJSON_Delete(t);
    return st;
}

pm_status pm_commissioning_scenario_json(const pm_commissioning *cm, int mix,
                                         int cohort, char **json,
                                         pm_error *err)
{
    if (!json)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL, "json is NULL");
    *json = NULL;
    pm_status st = pm_mix_check_unit(cm, mix, cohort, err);
    if (st != PM_OK)
        return st;
    cJSON *t = pm_mix_tree(cm, mix, cohort);
    char *text = t ? cJSON_Print(t) : NULL;
    cJSON_Delete(t);
    size_t n = text ? strlen(text) : 0;
    /* pm_free releases it, so hand over a malloc'd copy with a newline */
    *json = text ? malloc(n + 2) : NULL;
    if (*json) {
        memcpy(*json, text, n);
        memcpy(*json + n, "\n", 2);
    }
    cJSON_free(text);
    return *json ? PM_OK
                 : pm_err_add(err, PM_ERR_NOMEM, cm->file, NULL, "out of memory");
}
