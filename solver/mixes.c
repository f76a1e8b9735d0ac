/* Commissioning mixes (spec/MODEL.md "Commissioning mixes", docs/MIXES.md):
 * loading placematch-commissioning/1, applying a mix to a cohort, solving
 * every (mix, cohort) unit of work in parallel, and the outputs.
 *
 * The unit of work is independent of every other: its record (rounded to
 * pence) is stored at its own index, and all per-mix figures are derived
 * from the records in index order.  That is what makes the output the same
 * for any number of threads, shards or resumed runs. */
#include "mixes.h"

#include <glpk.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"
#include "scenario.h"
#include "solve.h"
#include "strmap.h"

#define FORMAT_NAME "placematch-commissioning/1"
#define RESULT_FORMAT "placematch-commissioning-result/1"
#define SCENARIO_FORMAT "placematch-scenario/1"
#define LEVER_ID_MAX 40
#define NAME_MAX_LEN 256
#define MAX_GRIDS 64
#define MAX_MERGE_LIST 1000000
#define WEEKS_PER_YEAR (365.0 / 7.0)
#define DEFAULT_TIME_LIMIT 10.0
/* With warm starts, each cohort's baseline is solved first with this many
 * times the per-solve limit: its answer and prices seed every other mix. */
#define BASELINE_TIME_FACTOR 4

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

/* Records keep figures as they are written (pence; gap to 1e-6), so that a
 * record read back from JSON is the same double as the one computed. */
static double q2(double v) { return isfinite(v) ? round(v * 100) / 100 : NAN; }
static double q6(double v) { return isfinite(v) ? round(v * 1e6) / 1e6 : NAN; }

static const int *mix_units(const pm_commissioning *cm, int mix)
{
    return cm->units + (size_t)mix * (size_t)cm->nlevers;
}

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
        uint64_t h = hash_units(mix_units(cm, m), cm->nlevers);
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
        if (!memcmp(mix_units(cm, set->slot[i] - 1), u, (size_t)nl * sizeof *u))
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
    return mix_units(cm, mix)[lever];
}

double pm_commissioning_fixed_week(const pm_commissioning *cm, int mix)
{
    if (!cm || mix < 0 || mix >= cm->nmixes)
        return NAN;
    const int *u = mix_units(cm, mix);
    double sum = 0;
    for (int l = 0; l < cm->nlevers; l++)
        sum += cm->levers[l].fixed * u[l];
    return q2(sum);
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
    return derive(cm, mix_units(cm, mix), cohort);
}

static pm_status check_unit(const pm_commissioning *cm, int mix, int cohort,
                            pm_error *err)
{
    if (!cm || mix < 0 || mix >= cm->nmixes || cohort < 0 ||
        cohort >= cm->ncohorts)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "no mix %d on cohort %d", mix, cohort);
    return PM_OK;
}

static void unit_label(const pm_commissioning *cm, int mix, int cohort,
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
    pm_status st = check_unit(cm, mix, cohort, err);
    if (st != PM_OK)
        return st;
    cJSON *t = pm_mix_tree(cm, mix, cohort);
    if (!t)
        return pm_err_add(err, PM_ERR_NOMEM, cm->file, NULL, "out of memory");
    char label[512];
    unit_label(cm, mix, cohort, label, sizeof label);
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
    pm_status st = check_unit(cm, mix, cohort, err);
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

/* ------------------------------------------------------------------ */
/* Results: records of units of work                                  */
/* ------------------------------------------------------------------ */

/* One unit of work as recorded: everything the outputs need, rounded as
 * written, so that a record merged from a file equals a computed one. */
typedef struct unit_rec {
    int status; /* pm_solution, PM_MIX_ERROR or PM_MIX_NOT_DONE */
    double objective, bound, gap, cash;
    int children, placed, unmatched, beyond, split, moves;
} unit_rec;

struct pm_mixes_result {
    pm_commissioning *cm; /* retained */
    pm_mixes_options opts;
    int nunits;           /* nmixes * ncohorts, u = mix * ncohorts + cohort */
    unit_rec *units;
    pm_mix_summary *summ; /* per mix, refreshed after each evaluate/merge */
    int *listed;          /* output order: ranked mixes, then unsolved ones */
    int nlisted, ncomplete;
    int interrupted;
};

void pm_mixes_options_init(pm_mixes_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    pm_solve_options_init(&opts->solve);
    opts->solve.time_limit = DEFAULT_TIME_LIMIT;
    opts->threads = 0;
    opts->warm_start = 1;
    opts->shard_index = 0;
    opts->shard_count = 1;
}

/* GLPK keeps its environment in a thread-local variable only when built
 * with TLS; without it, two threads solving at once would share (and
 * corrupt) one environment. */
static bool glpk_has_tls(void) { return glp_config("TLS") != NULL; }

int pm_mixes_max_threads(void)
{
    return glpk_has_tls() ? omp_get_max_threads() : 1;
}

const char *pm_mix_status_name(int status)
{
    if (status == PM_MIX_ERROR)
        return "error";
    if (status == PM_MIX_NOT_DONE)
        return "not done";
    if (status >= PM_SOL_OPTIMAL && status <= PM_SOL_NONE)
        return pm_solution_name((pm_solution)status);
    return "unknown";
}

static bool has_solution(int status)
{
    return status == PM_SOL_OPTIMAL || status == PM_SOL_FEASIBLE;
}

static double pct_beyond(const unit_rec *r)
{
    return r->placed > 0 ? 100.0 * r->beyond / r->placed : 0;
}

static void record(unit_rec *r, const pm_result *res)
{
    pm_totals t;
    pm_kpis k;
    pm_result_totals(res, &t);
    pm_result_kpis(res, &k);
    r->status = (int)pm_result_status(res);
    bool have = has_solution(r->status);
    r->objective = have ? q2(pm_result_objective(res)) : NAN;
    r->bound = have ? q2(pm_result_bound(res)) : NAN;
    r->gap = have ? q6(pm_result_gap(res)) : NAN;
    r->cash = have ? q2(t.weekly_cost) : NAN;
    r->children = k.children;
    r->placed = have ? k.placed : 0;
    r->unmatched = have ? k.unmatched : 0;
    r->beyond = have ? k.beyond_far_miles : 0;
    r->split = have ? k.sibling_groups_split : 0;
    r->moves = have ? k.moves : 0;
}

static bool asked_to_stop(const pm_mixes_options *o)
{
    return o->interrupt && o->interrupt(o->interrupt_info);
}

/* A baseline's answer on one cohort, kept to warm-start the other mixes
 * on that cohort.  They differ from it only in the placements the levers
 * add or remove, so its assignment (children at a removed placement
 * unmatched) is feasible for every one of them and usually close to their
 * optimum, and its Lagrangian prices are close to theirs: the search
 * starts with a good incumbent and a good bound instead of rebuilding both
 * from nothing. */
typedef struct warm {
    pm_scenario *sc; /* the baseline's scenario: ids to map by */
    int *assign;     /* per child, or NULL when it found no solution */
    double *mu;      /* per placement of sc */
} warm;

static void warm_free(warm *w)
{
    pm_scenario_free(w->sc);
    free(w->assign);
    free(w->mu);
    *w = (warm){0};
}

/* The starting price of placement q of a mix: the baseline's for the same
 * placement; for one a lever added, the highest the baseline has for its
 * type.  At zero, every child who could go there would crowd into it and
 * the first bounds would collapse; priced like the dearest of its kind, it
 * starts underused and the ascent lowers its price. */
static double warm_price(const warm *w, const pm_scenario *sc, int q)
{
    int p = pm_strmap_get(&w->sc->placement_ids, sc->placements[q].id);
    if (p >= 0)
        return w->mu[p];
    int t = pm_strmap_get(&w->sc->types.map,
                          sc->types.name[sc->placements[q].type]);
    double best = 0;
    for (p = 0; t >= 0 && p < w->sc->nplacements; p++)
        if (w->sc->placements[p].type == t && w->mu[p] > best)
            best = w->mu[p];
    return best;
}

/* What w says about a mix's scenario sc, its placements matched by id:
 * the starting assignment (*start, NULL when there is none) and prices
 * (*mu, 0 for an added placement).  False when out of memory. */
static bool warm_for(const warm *w, const pm_scenario *sc, int **start,
                     double **mu)
{
    *start = NULL;
    *mu = NULL;
    if (!w->sc || w->sc->nchildren != sc->nchildren)
        return true; /* nothing learnt (a derived scenario keeps its children) */
    *mu = calloc((size_t)sc->nplacements + 1, sizeof **mu);
    if (w->assign)
        *start = malloc(((size_t)sc->nchildren + 1) * sizeof **start);
    if (!*mu || (w->assign && !*start)) {
        free(*mu);
        free(*start);
        *start = NULL;
        *mu = NULL;
        return false;
    }
    for (int q = 0; q < sc->nplacements; q++)
        (*mu)[q] = warm_price(w, sc, q);
    for (int c = 0; *start && c < sc->nchildren; c++) {
        int p = w->assign[c];
        (*start)[c] = p < 0 ? -1
                            : pm_strmap_get(&sc->placement_ids,
                                            w->sc->placements[p].id);
    }
    return true;
}

/* Keeps a solved baseline's scenario, assignment and prices (mu, owned) in
 * *keep. */
static bool keep_warm(pm_scenario *sc, const pm_result *r, double *mu,
                      warm *keep)
{
    if (has_solution(pm_result_status(r))) {
        keep->assign = malloc(((size_t)sc->nchildren + 1) * sizeof *keep->assign);
        if (!keep->assign) {
            free(mu);
            return false;
        }
        for (int c = 0; c < sc->nchildren; c++)
            keep->assign[c] = pm_result_assignment(r, c);
    }
    keep->sc = sc;
    keep->mu = mu;
    return true;
}

/* Solves one unit, from the baseline's answer `from` when given (NULL: from
 * scratch); when want is given, the unit's scenario and answer go there.
 * 1: recorded (optimal, feasible, ..., or "error" for a failed solve);
 * 0: cut short by the interrupt, to do again; -1: out of memory, to do
 * again (a unit recorded as "error" would never be retried by a resumed
 * run, since a merge keeps the first value). */
static int run_unit(const pm_mixes_result *res, int u, const warm *from,
                    warm *want, unit_rec *rec)
{
    const pm_commissioning *cm = res->cm;
    int mix = u / cm->ncohorts, k = u % cm->ncohorts;
    pm_solve_options so = res->opts.solve;
    /* a baseline seeds every other mix on its cohort: worth more time */
    if (want)
        so.time_limit *= BASELINE_TIME_FACTOR;
    so.interrupt = res->opts.interrupt;
    so.interrupt_info = res->opts.interrupt_info;
    pm_error err;
    pm_error_clear(&err);
    char label[512];
    unit_label(cm, mix, k, label, sizeof label);
    pm_scenario *sc = NULL;
    pm_result *r = NULL;
    cJSON *t = pm_mix_tree(cm, mix, k);
    pm_status st = t ? pm_scenario_from_json(t, label, &sc, &err) : PM_ERR_NOMEM;
    cJSON_Delete(t);
    int *start = NULL;
    double *mu = NULL, *mu_out = NULL;
    if (st == PM_OK && from && !warm_for(from, sc, &start, &mu))
        st = PM_ERR_NOMEM;
    if (st == PM_OK && want &&
        !(mu_out = calloc((size_t)sc->nplacements + 1, sizeof *mu_out)))
        st = PM_ERR_NOMEM;
    so.start = start;
    pm_model_hints mw = {.mu_in = mu, .mu_out = mu_out};
    if (st == PM_OK)
        st = pm_solve_warm(sc, &so, &mw, &r, &err);
    free(start);
    free(mu);
    *rec = (unit_rec){.status = PM_MIX_ERROR, .objective = NAN, .bound = NAN,
                      .gap = NAN, .cash = NAN,
                      .children = cm->cohorts[k].nc};
    int keep = st == PM_ERR_NOMEM ? -1 : 1;
    if (st == PM_OK) {
        record(rec, r);
        bool cut = rec->status == PM_SOL_FEASIBLE || rec->status == PM_SOL_NONE;
        keep = !cut || !asked_to_stop(&res->opts);
        if (keep > 0 && want) {
            if (!keep_warm(sc, r, mu_out, want))
                keep = -1;
            else
                sc = NULL; /* kept, with mu_out */
            mu_out = NULL;
        }
    }
    free(mu_out);
    pm_result_free(r);
    pm_scenario_free(sc);
    return keep;
}

typedef struct run_state {
    atomic_int stop;
    atomic_int oom; /* a unit ran out of memory (and stopped the run) */
    int done, total; /* this shard's units */
} run_state;

/* Runs unit u (see run_unit); records it unless only_warm (a baseline
 * solved again for its answer alone: done by a merge or another shard). */
static void work(pm_mixes_result *res, int u, const warm *from, warm *want,
                 bool only_warm, run_state *rs)
{
    if (atomic_load(&rs->stop))
        return;
    if (asked_to_stop(&res->opts)) {
        atomic_store(&rs->stop, 1);
        return;
    }
    unit_rec rec;
    int r = run_unit(res, u, from, want, &rec);
    if (r <= 0) {
        if (r < 0)
            atomic_store(&rs->oom, 1);
        atomic_store(&rs->stop, 1);
        return;
    }
    if (only_warm)
        return;
    res->units[u] = rec; /* each unit has its own slot: no lock needed */
#pragma omp critical(pm_mixes_progress)
    {
        rs->done++;
        if (res->opts.progress)
            res->opts.progress(res->opts.progress_info, rs->done, rs->total);
    }
}

static pm_status finalize(pm_mixes_result *res);

static bool is_todo(const int *todo, int ntodo, int u)
{
    for (int i = 0; i < ntodo && todo[i] <= u; i++)
        if (todo[i] == u)
            return true;
    return false;
}

/* Cohort k's baseline answer is wanted when another mix on k is to do. */
static bool needs_warm(const pm_mixes_result *res, const int *todo, int ntodo,
                       int k)
{
    for (int i = 0; i < ntodo; i++)
        if (todo[i] >= res->cm->ncohorts && todo[i] % res->cm->ncohorts == k)
            return true;
    return false;
}

pm_status pm_mixes_evaluate(pm_mixes_result *res, pm_error *err)
{
    if (!res)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_mixes_evaluate: NULL result");
    int threads = res->opts.threads;
    if (threads > 1 && !glpk_has_tls())
        return pm_err_add(err, PM_ERR_UNSUPPORTED, NULL, "threads",
                          "GLPK on this system was built without thread-local "
                          "storage (glp_config(\"TLS\") is NULL), so threads "
                          "would share its environment: use 1 thread");
    if (threads <= 0)
        threads = pm_mixes_max_threads();
    int *todo = malloc(((size_t)res->nunits + 1) * sizeof *todo);
    if (!todo)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    int nk = res->cm->ncohorts;
    warm *W = calloc((size_t)nk + 1, sizeof *W);
    if (!W) {
        free(todo);
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    run_state rs = {.done = 0, .total = 0};
    atomic_init(&rs.stop, 0);
    atomic_init(&rs.oom, 0);
    int ntodo = 0;
    for (int u = 0; u < res->nunits; u++) {
        if (u % res->opts.shard_count != res->opts.shard_index)
            continue;
        rs.total++;
        if (res->units[u].status != PM_MIX_NOT_DONE)
            rs.done++;
        else
            todo[ntodo++] = u;
    }
    /* First the baselines (units 0 .. nk-1) whose answers warm-start the
     * cohort's other mixes: the same starts whatever the thread count,
     * shard or resumed state, so the output stays the same. */
    bool warmed = res->opts.warm_start && res->cm->nmixes > 1;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int k = 0; k < nk; k++) {
        bool mine = is_todo(todo, ntodo, k);
        if (warmed && (mine || needs_warm(res, todo, ntodo, k)))
            work(res, k, NULL, &W[k], !mine, &rs);
    }
    int first = 0; /* todo ascends, so the baselines lead it */
    while (warmed && first < ntodo && todo[first] < nk)
        first++;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int i = first; i < ntodo; i++)
        work(res, todo[i], warmed ? &W[todo[i] % nk] : NULL, NULL, false, &rs);
    for (int k = 0; k < nk; k++)
        warm_free(&W[k]);
    free(W);
    free(todo);
    res->interrupted = atomic_load(&rs.stop);
    if (finalize(res) != PM_OK)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    if (atomic_load(&rs.oom))
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory after "
                          "%d of %d evaluations (the rest can be resumed)",
                          rs.done, rs.total);
    if (res->interrupted)
        return pm_err_add(err, PM_ERR_INTERRUPTED, NULL, NULL,
                          "stopped after %d of %d evaluations", rs.done,
                          rs.total);
    return PM_OK;
}

static pm_status check_options(const pm_mixes_options *o, pm_error *err)
{
    const pm_solve_options *s = &o->solve;
    if (o->threads < 0 || o->threads > 4096)
        return pm_err_add(err, PM_ERR_ARG, NULL, "threads",
                          "must be 0 (automatic) to 4096");
    if (o->shard_count < 1 || o->shard_index < 0 ||
        o->shard_index >= o->shard_count)
        return pm_err_add(err, PM_ERR_ARG, NULL, "shard",
                          "shard_index must be in 0..shard_count-1");
    if (!(s->time_limit >= 0 && s->time_limit <= 1e7) ||
        !(s->mip_gap >= 0 && s->mip_gap < 1) || s->node_limit < 0)
        return pm_err_add(err, PM_ERR_ARG, NULL, "solve",
                          "time_limit 0..1e7, mip_gap 0..1, node_limit >= 0");
    return PM_OK;
}

pm_status pm_mixes_result_create(const pm_commissioning *cm,
                                 const pm_mixes_options *opts,
                                 pm_mixes_result **out, pm_error *err)
{
    if (!cm || !out)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_mixes_result_create: NULL argument");
    *out = NULL;
    pm_mixes_options defaults;
    pm_mixes_options_init(&defaults);
    opts = opts ? opts : &defaults;
    pm_status st = check_options(opts, err);
    if (st != PM_OK)
        return st;
    pm_mixes_result *res = calloc(1, sizeof *res);
    size_t n = (size_t)cm->nmixes * (size_t)cm->ncohorts;
    if (res) {
        res->units = malloc((n + 1) * sizeof *res->units);
        res->summ = calloc((size_t)cm->nmixes + 1, sizeof *res->summ);
        res->listed = calloc((size_t)cm->nmixes + 1, sizeof *res->listed);
    }
    if (!res || !res->units || !res->summ || !res->listed) {
        if (res) {
            free(res->units);
            free(res->summ);
            free(res->listed);
        }
        free(res);
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    res->cm = (pm_commissioning *)cm;
    atomic_fetch_add(&res->cm->refs, 1);
    atomic_store(&res->cm->used, 1);
    res->opts = *opts;
    res->nunits = (int)n;
    for (size_t u = 0; u < n; u++)
        res->units[u] = (unit_rec){.status = PM_MIX_NOT_DONE, .objective = NAN,
                                   .bound = NAN, .gap = NAN, .cash = NAN};
    *out = res;
    if (finalize(res) != PM_OK) {
        pm_mixes_result_free(res);
        *out = NULL;
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    return PM_OK;
}

pm_status pm_mixes_run(const pm_commissioning *cm, const pm_mixes_options *opts,
                       pm_mixes_result **out, pm_error *err)
{
    pm_status st = pm_mixes_result_create(cm, opts, out, err);
    if (st != PM_OK)
        return st;
    st = pm_mixes_evaluate(*out, err);
    if (st != PM_OK && st != PM_ERR_INTERRUPTED) {
        pm_mixes_result_free(*out);
        *out = NULL;
    }
    return st;
}

void pm_mixes_result_free(pm_mixes_result *res)
{
    if (!res)
        return;
    pm_commissioning_free(res->cm);
    free(res->units);
    free(res->summ);
    free(res->listed);
    free(res);
}

int pm_mixes_result_units_done(const pm_mixes_result *res)
{
    int n = 0;
    for (int u = 0; res && u < res->nunits; u++)
        n += res->units[u].status != PM_MIX_NOT_DONE;
    return n;
}

int pm_mixes_result_units_total(const pm_mixes_result *res)
{
    return res ? res->nunits : 0;
}

/* ------------------------------------------------------------------ */
/* Results: per-mix summaries, rank and Pareto front                  */
/* ------------------------------------------------------------------ */

enum { F_PLACEMENT, F_TOTAL, F_SPEND, F_UNMATCHED, F_PCT, F_SPLIT, NFIG };

static void figures(const unit_rec *r, double fixed, double *f)
{
    f[F_PLACEMENT] = r->objective;
    f[F_TOTAL] = q2(fixed + r->objective);
    f[F_SPEND] = q2(fixed + r->cash);
    f[F_UNMATCHED] = r->unmatched;
    f[F_PCT] = pct_beyond(r);
    f[F_SPLIT] = r->split;
}

static void fill_summary(pm_mix_summary *s, const double *mean,
                         const double *worst)
{
    s->placement_week_mean = mean[F_PLACEMENT];
    s->placement_week_worst = worst[F_PLACEMENT];
    s->total_week_mean = mean[F_TOTAL];
    s->total_week_worst = worst[F_TOTAL];
    s->total_annual_mean = mean[F_TOTAL] * WEEKS_PER_YEAR;
    s->total_annual_worst = worst[F_TOTAL] * WEEKS_PER_YEAR;
    s->spend_week_mean = mean[F_SPEND];
    s->spend_week_worst = worst[F_SPEND];
    s->unmatched_mean = mean[F_UNMATCHED];
    s->unmatched_worst = worst[F_UNMATCHED];
    s->pct_beyond_mean = mean[F_PCT];
    s->pct_beyond_worst = worst[F_PCT];
    s->split_mean = mean[F_SPLIT];
    s->split_worst = worst[F_SPLIT];
}

/* Mean and worst over the cohorts, always summed in cohort order. */
static void summarize(const pm_mixes_result *res, int m, pm_mix_summary *s)
{
    const pm_commissioning *cm = res->cm;
    int nc = cm->ncohorts;
    double sum[NFIG] = {0}, worst[NFIG], f[NFIG];
    for (int i = 0; i < NFIG; i++)
        worst[i] = -INFINITY;
    memset(s, 0, sizeof *s);
    s->baseline = m == 0;
    s->complete = s->solved = 1;
    s->status = PM_SOL_OPTIMAL;
    s->fixed_week = pm_commissioning_fixed_week(cm, m);
    for (int k = 0; k < nc; k++) {
        const unit_rec *r = &res->units[(size_t)m * nc + k];
        s->status = r->status > s->status ? r->status : s->status;
        s->complete &= r->status != PM_MIX_NOT_DONE;
        s->solved &= has_solution(r->status);
        if (!has_solution(r->status))
            continue;
        s->max_gap = isnan(r->gap) || isnan(s->max_gap) ? NAN
                   : fmax(s->max_gap, r->gap);
        figures(r, s->fixed_week, f);
        for (int i = 0; i < NFIG; i++) {
            sum[i] += f[i];
            worst[i] = fmax(worst[i], f[i]);
        }
    }
    s->solved &= s->complete;
    for (int i = 0; i < NFIG; i++) {
        sum[i] = s->solved ? sum[i] / nc : NAN;
        worst[i] = s->solved ? worst[i] : NAN;
    }
    if (!s->solved)
        s->max_gap = NAN;
    fill_summary(s, sum, worst);
}

typedef struct rank_key {
    double total, pct, split;
    int mix;
} rank_key;

/* By mean total cost; ties by % beyond far_miles, groups split, mix. */
static int cmp_rank(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    if (x->total != y->total)
        return x->total < y->total ? -1 : 1;
    if (x->pct != y->pct)
        return x->pct < y->pct ? -1 : 1;
    if (x->split != y->split)
        return x->split < y->split ? -1 : 1;
    return (x->mix > y->mix) - (x->mix < y->mix);
}

static bool dominates(const rank_key *a, const rank_key *b)
{
    return a->total <= b->total && a->pct <= b->pct && a->split <= b->split &&
           (a->total < b->total || a->pct < b->pct || a->split < b->split);
}

/* In rank order every mix that could dominate a mix comes before it, and
 * a dominated dominator implies a dominating front member: so comparing
 * with the front found so far is enough. */
static void mark_pareto(pm_mix_summary *summ, const rank_key *keys, int n,
                        int *front)
{
    int nf = 0;
    for (int i = 0; i < n; i++) {
        bool dominated = false;
        for (int j = 0; j < nf && !dominated; j++)
            dominated = dominates(&keys[front[j]], &keys[i]);
        if (!dominated) {
            summ[keys[i].mix].pareto = 1;
            front[nf++] = i;
        }
    }
}

static pm_status finalize(pm_mixes_result *res)
{
    int n = res->cm->nmixes, nk = 0;
    rank_key *keys = malloc(((size_t)n + 1) * sizeof *keys);
    int *front = malloc(((size_t)n + 1) * sizeof *front);
    if (!keys || !front) {
        free(keys);
        free(front);
        return PM_ERR_NOMEM;
    }
    res->ncomplete = 0;
    for (int m = 0; m < n; m++) {
        pm_mix_summary *s = &res->summ[m];
        summarize(res, m, s);
        res->ncomplete += s->complete;
        if (s->solved)
            keys[nk++] = (rank_key){s->total_week_mean, s->pct_beyond_mean,
                                    s->split_mean, m};
    }
    qsort(keys, (size_t)nk, sizeof *keys, cmp_rank);
    mark_pareto(res->summ, keys, nk, front);
    res->nlisted = 0;
    for (int i = 0; i < nk; i++) {
        res->summ[keys[i].mix].rank = i + 1;
        res->listed[res->nlisted++] = keys[i].mix;
    }
    for (int m = 0; m < n; m++)
        if (res->summ[m].complete && !res->summ[m].solved)
            res->listed[res->nlisted++] = m;
    free(keys);
    free(front);
    return PM_OK;
}

pm_status pm_mixes_result_evaluation(const pm_mixes_result *res, int mix,
                                     int cohort, pm_mix_evaluation *out)
{
    if (!res || !out)
        return pm_err_add(NULL, PM_ERR_ARG, NULL, NULL, "NULL argument");
    pm_status st = check_unit(res->cm, mix, cohort, NULL);
    if (st != PM_OK)
        return st;
    const unit_rec *r = &res->units[(size_t)mix * res->cm->ncohorts + cohort];
    bool have = has_solution(r->status);
    *out = (pm_mix_evaluation){
        .status = r->status, .objective = r->objective, .bound = r->bound,
        .gap = r->gap, .fixed_week = pm_commissioning_fixed_week(res->cm, mix),
        .cash_week = r->cash, .children = r->children, .placed = r->placed,
        .unmatched = r->unmatched, .beyond_far_miles = r->beyond,
        .sibling_groups_split = r->split, .moves = r->moves};
    out->total_week = have ? q2(out->fixed_week + r->objective) : NAN;
    out->pct_beyond_far_miles = have ? pct_beyond(r) : NAN;
    return PM_OK;
}

pm_status pm_mixes_result_summary(const pm_mixes_result *res, int mix,
                                  pm_mix_summary *out)
{
    if (!res || !out || mix < 0 || mix >= res->cm->nmixes)
        return PM_ERR_ARG;
    *out = res->summ[mix];
    return PM_OK;
}

/* ------------------------------------------------------------------ */
/* Output: JSON (placematch-commissioning-result/1)                   */
/* ------------------------------------------------------------------ */

#define MONEY 2

static void write_pair(pm_jw *w, const char *key, double mean, double worst,
                       int decimals)
{
    pm_jw_key(w, key);
    pm_jw_begin_object(w);
    pm_jw_key(w, "mean");
    pm_jw_number(w, mean, decimals);
    pm_jw_key(w, "worst");
    pm_jw_number(w, worst, decimals);
    pm_jw_end_object(w);
}

static void write_options(const pm_mixes_result *res, pm_jw *w)
{
    pm_jw_key(w, "options");
    pm_jw_begin_object(w);
    pm_jw_key(w, "time_limit");
    pm_jw_number(w, res->opts.solve.time_limit, 6);
    pm_jw_key(w, "mip_gap");
    pm_jw_number(w, res->opts.solve.mip_gap, 6);
    pm_jw_key(w, "node_limit");
    pm_jw_int(w, res->opts.solve.node_limit);
    pm_jw_key(w, "warm_start");
    pm_jw_bool(w, res->opts.warm_start != 0);
    pm_jw_end_object(w);
}

static void write_template_facts(const cJSON *tmpl, pm_jw *w)
{
    static const char *const keys[] = {"type", "capacity", "weekly_cost", NULL};
    for (const char *const *k = keys; *k; k++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(tmpl, *k);
        if (cJSON_IsString(v)) {
            pm_jw_key(w, *k);
            pm_jw_string(w, v->valuestring);
        } else if (cJSON_IsNumber(v)) {
            pm_jw_key(w, *k);
            pm_jw_number(w, v->valuedouble, MONEY);
        }
    }
}

static void write_levers(const pm_commissioning *cm, pm_jw *w)
{
    pm_jw_key(w, "levers");
    pm_jw_begin_array(w);
    for (int l = 0; l < cm->nlevers; l++) {
        const pm_lever *lv = &cm->levers[l];
        pm_jw_begin_object(w);
        pm_jw_key(w, "id");
        pm_jw_string(w, lv->id);
        if (lv->label) {
            pm_jw_key(w, "name");
            pm_jw_string(w, lv->label);
        }
        pm_jw_key(w, "kind");
        pm_jw_string(w, lv->kind == PM_LEVER_ADD ? "add" : "remove");
        pm_jw_key(w, "max_units");
        pm_jw_int(w, lv->max_units);
        pm_jw_key(w, "fixed_week_per_unit");
        pm_jw_number(w, lv->fixed, MONEY);
        if (lv->kind == PM_LEVER_ADD)
            write_template_facts(lv->tmpl, w);
        if (lv->kind == PM_LEVER_REMOVE) {
            pm_jw_key(w, "remove");
            pm_jw_begin_array(w);
            for (int j = 0; j < lv->nremove; j++)
                pm_jw_string(w, lv->remove[j]);
            pm_jw_end_array(w);
        }
        pm_jw_end_object(w);
    }
    pm_jw_end_array(w);
}

static void write_cohorts(const pm_commissioning *cm, pm_jw *w)
{
    pm_jw_key(w, "cohorts");
    pm_jw_begin_array(w);
    for (int k = 0; k < cm->ncohorts; k++) {
        const pm_cohort *co = &cm->cohorts[k];
        pm_jw_begin_object(w);
        pm_jw_key(w, "name");
        pm_jw_string(w, co->name);
        pm_jw_key(w, "source");
        pm_jw_string(w, co->generated ? "generated" : "base");
        if (co->generated) {
            pm_jw_key(w, "profile");
            pm_jw_string(w, co->profile);
            pm_jw_key(w, "seed");
            pm_jw_int(w, (long long)co->seed);
            pm_jw_key(w, "variant");
            pm_jw_string(w, co->variant);
        }
        pm_jw_key(w, "children");
        pm_jw_int(w, co->nc);
        pm_jw_key(w, "pinned");
        pm_jw_int(w, co->npinned);
        pm_jw_end_object(w);
    }
    pm_jw_end_array(w);
}

static void write_units(const pm_commissioning *cm, int m, pm_jw *w)
{
    pm_jw_key(w, "units");
    pm_jw_begin_object(w);
    for (int l = 0; l < cm->nlevers; l++) {
        pm_jw_key(w, cm->levers[l].id);
        pm_jw_int(w, mix_units(cm, m)[l]);
    }
    pm_jw_end_object(w);
}

static void write_mix(const pm_mixes_result *res, int m, pm_jw *w)
{
    const pm_mix_summary *s = &res->summ[m];
    pm_jw_begin_object(w);
    pm_jw_key(w, "rank");
    if (s->rank)
        pm_jw_int(w, s->rank);
    else
        pm_jw_null(w);
    pm_jw_key(w, "mix");
    pm_jw_int(w, m);
    write_units(res->cm, m, w);
    pm_jw_key(w, "baseline");
    pm_jw_bool(w, s->baseline);
    pm_jw_key(w, "pareto");
    pm_jw_bool(w, s->pareto);
    pm_jw_key(w, "status");
    pm_jw_string(w, pm_mix_status_name(s->status));
    pm_jw_key(w, "max_gap");
    pm_jw_number(w, s->max_gap, 6);
    pm_jw_key(w, "fixed_week");
    pm_jw_number(w, s->fixed_week, MONEY);
    write_pair(w, "placement_week", s->placement_week_mean, s->placement_week_worst, MONEY);
    write_pair(w, "total_week", s->total_week_mean, s->total_week_worst, MONEY);
    write_pair(w, "total_annual", s->total_annual_mean, s->total_annual_worst, MONEY);
    write_pair(w, "spend_week", s->spend_week_mean, s->spend_week_worst, MONEY);
    write_pair(w, "unmatched", s->unmatched_mean, s->unmatched_worst, 2);
    write_pair(w, "pct_beyond_far_miles", s->pct_beyond_mean, s->pct_beyond_worst, 2);
    write_pair(w, "sibling_groups_split", s->split_mean, s->split_worst, 2);
    pm_jw_end_object(w);
}

static void write_evaluation(const unit_rec *r, int m, int k, pm_jw *w)
{
    pm_jw_begin_object(w);
    pm_jw_key(w, "mix");
    pm_jw_int(w, m);
    pm_jw_key(w, "cohort");
    pm_jw_int(w, k);
    pm_jw_key(w, "status");
    pm_jw_string(w, pm_mix_status_name(r->status));
    pm_jw_key(w, "objective");
    pm_jw_number(w, r->objective, MONEY);
    pm_jw_key(w, "bound");
    pm_jw_number(w, r->bound, MONEY);
    pm_jw_key(w, "gap");
    pm_jw_number(w, r->gap, 6);
    pm_jw_key(w, "cash_week");
    pm_jw_number(w, r->cash, MONEY);
    const char *keys[] = {"children", "placed", "unmatched", "beyond_far_miles",
                          "sibling_groups_split", "moves"};
    const int vals[] = {r->children, r->placed, r->unmatched, r->beyond,
                        r->split, r->moves};
    for (int i = 0; i < 6; i++) {
        pm_jw_key(w, keys[i]);
        pm_jw_int(w, vals[i]);
    }
    pm_jw_end_object(w);
}

static void write_note(const pm_mixes_result *res, int done, pm_jw *w)
{
    const pm_commissioning *cm = res->cm;
    char note[512];
    if (done == res->nunits)
        return;
    if (res->interrupted)
        snprintf(note, sizeof note, "stopped early: %d of %d evaluations done, "
                 "%d of %d mixes complete; merge this file into a new run to "
                 "evaluate the rest", done, res->nunits, res->ncomplete,
                 cm->nmixes);
    else if (res->opts.shard_count > 1)
        snprintf(note, sizeof note, "shard %d of %d: %d of %d evaluations; "
                 "merge every shard's file for the complete result",
                 res->opts.shard_index + 1, res->opts.shard_count, done,
                 res->nunits);
    else
        snprintf(note, sizeof note, "%d of %d evaluations done, %d of %d "
                 "mixes complete", done, res->nunits, res->ncomplete,
                 cm->nmixes);
    pm_jw_key(w, "note");
    pm_jw_string(w, note);
}

static void write_head(const pm_mixes_result *res, pm_jw *w)
{
    const pm_commissioning *cm = res->cm;
    int done = pm_mixes_result_units_done(res);
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)cm->fingerprint);
    pm_jw_key(w, "format");
    pm_jw_string(w, RESULT_FORMAT);
    pm_jw_key(w, "commissioning");
    pm_jw_string(w, cm->name);
    pm_jw_key(w, "scenario");
    pm_jw_string(w, cm->base_name);
    pm_jw_key(w, "fingerprint");
    pm_jw_string(w, fp);
    pm_jw_key(w, "complete");
    pm_jw_bool(w, done == res->nunits);
    write_note(res, done, w);
    pm_jw_key(w, "evaluations_done");
    pm_jw_int(w, done);
    pm_jw_key(w, "evaluations_total");
    pm_jw_int(w, res->nunits);
    pm_jw_key(w, "mixes_total");
    pm_jw_int(w, cm->nmixes);
    pm_jw_key(w, "mixes_complete");
    pm_jw_int(w, res->ncomplete);
    write_options(res, w);
    write_levers(cm, w);
    write_cohorts(cm, w);
}

pm_status pm_mixes_result_to_json(const pm_mixes_result *res, char **json,
                                  pm_error *err)
{
    if (!res || !json)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_mixes_result_to_json: NULL argument");
    pm_jw w;
    pm_jw_init(&w, 2);
    pm_jw_begin_object(&w);
    write_head(res, &w);
    pm_jw_key(&w, "mixes");
    pm_jw_begin_array(&w);
    for (int i = 0; i < res->nlisted; i++)
        write_mix(res, res->listed[i], &w);
    pm_jw_end_array(&w);
    pm_jw_key(&w, "evaluations");
    pm_jw_begin_array(&w);
    int nc = res->cm->ncohorts;
    for (int u = 0; u < res->nunits; u++)
        if (res->units[u].status != PM_MIX_NOT_DONE)
            write_evaluation(&res->units[u], u / nc, u % nc, &w);
    pm_jw_end_array(&w);
    pm_jw_end_object(&w);
    *json = pm_jw_finish(&w, NULL);
    return *json ? PM_OK
                 : pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
}

/* ------------------------------------------------------------------ */
/* Merging earlier outputs (shards, interrupted runs)                 */
/* ------------------------------------------------------------------ */

static void check_option(pm_jr *jr, const cJSON *opts, const char *key,
                         double ours)
{
    double theirs;
    char a[64], b[64];
    if (!pm_jr_number(jr, opts, key, true, 0, 1e12, &theirs))
        return;
    pm_format_number(a, sizeof a, theirs, 6);
    pm_format_number(b, sizeof b, ours, 6);
    if (strcmp(a, b))
        pm_jr_fail_at(jr, key, "%s differs from this run's %s: merge only "
                               "runs with the same solve options", a, b);
}

static void check_part(pm_jr *jr, const pm_mixes_result *res,
                       const cJSON *root)
{
    const char *s;
    char fp[32];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)res->cm->fingerprint);
    if (pm_jr_string(jr, root, "format", true, 64, &s) && strcmp(s, RESULT_FORMAT))
        pm_jr_fail_at(jr, "format", "expected \"%s\", got \"%s\"",
                      RESULT_FORMAT, s);
    if (pm_jr_string(jr, root, "fingerprint", true, 64, &s) && strcmp(s, fp))
        pm_jr_fail_at(jr, "fingerprint", "%s is not this commissioning "
                      "file's (%s): it comes from another file, base "
                      "scenario or cohort selection", s, fp);
    const cJSON *o = pm_jr_object(jr, root, "options", true);
    if (!o)
        return;
    size_t saved = pm_jr_push_key(jr, "options");
    check_option(jr, o, "time_limit", res->opts.solve.time_limit);
    check_option(jr, o, "mip_gap", res->opts.solve.mip_gap);
    check_option(jr, o, "node_limit", (double)res->opts.solve.node_limit);
    bool warm = false; /* files from before the option solved cold */
    if (pm_jr_bool(jr, o, "warm_start", false, &warm) ||
        !cJSON_HasObjectItem(o, "warm_start")) {
        if (warm != (res->opts.warm_start != 0))
            pm_jr_fail_at(jr, "warm_start", "%s differs from this run's %s: "
                          "merge only runs with the same solve options",
                          warm ? "true" : "false",
                          res->opts.warm_start ? "true" : "false");
    }
    pm_jr_pop(jr, saved);
}

static bool read_money(pm_jr *jr, const cJSON *obj, const char *key,
                       double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NAN;
    if (cJSON_IsNull(v))
        return true;
    return pm_jr_number(jr, obj, key, true, -1e15, 1e15, out);
}

static int status_code(const char *s)
{
    for (int st = PM_SOL_OPTIMAL; st <= PM_MIX_ERROR; st++)
        if (!strcmp(s, pm_mix_status_name(st)))
            return st;
    return -1;
}

static bool read_record(pm_jr *jr, const pm_mixes_result *res,
                        const cJSON *it, int *u, unit_rec *r)
{
    static const char *const keys[] = {
        "mix", "cohort", "status", "objective", "bound", "gap", "cash_week",
        "children", "placed", "unmatched", "beyond_far_miles",
        "sibling_groups_split", "moves", NULL};
    int before = jr->problems, mix = 0, k = 0;
    const char *s;
    if (!pm_jr_check_keys(jr, it, keys))
        return false;
    pm_jr_int(jr, it, "mix", true, 0, res->cm->nmixes - 1, &mix);
    pm_jr_int(jr, it, "cohort", true, 0, res->cm->ncohorts - 1, &k);
    if (pm_jr_string(jr, it, "status", true, 32, &s) &&
        (r->status = status_code(s)) < 0)
        pm_jr_fail_at(jr, "status", "unknown status \"%s\"", s);
    read_money(jr, it, "objective", &r->objective);
    read_money(jr, it, "bound", &r->bound);
    read_money(jr, it, "gap", &r->gap);
    read_money(jr, it, "cash_week", &r->cash);
    /* rounded as record() rounds a solve's figures, so that an output
     * merged from a hand-edited file reproduces itself byte for byte */
    r->objective = q2(r->objective);
    r->bound = q2(r->bound);
    r->gap = q6(r->gap);
    r->cash = q2(r->cash);
    int *ints[] = {&r->children, &r->placed, &r->unmatched, &r->beyond,
                   &r->split, &r->moves};
    for (int i = 0; i < 6; i++)
        pm_jr_int(jr, it, keys[7 + i], true, 0, PM_MAX_CHILDREN, ints[i]);
    *u = mix * res->cm->ncohorts + k;
    return jr->problems == before;
}

/* All or nothing: the file's records are checked before any is used. */
static void read_part(pm_jr *jr, pm_mixes_result *res, const cJSON *root)
{
    if (!pm_jr_expect_object(jr, root))
        return;
    check_part(jr, res, root);
    const cJSON *arr = pm_jr_array(jr, root, "evaluations", true, res->nunits);
    if (jr->problems || !arr)
        return;
    int n = cJSON_GetArraySize(arr), i = 0;
    unit_rec *recs = malloc(((size_t)n + 1) * sizeof *recs);
    int *idx = malloc(((size_t)n + 1) * sizeof *idx);
    size_t saved = pm_jr_push_key(jr, "evaluations");
    for (const cJSON *it = arr->child; it && recs && idx; it = it->next, i++) {
        size_t s2 = pm_jr_push_index(jr, i);
        read_record(jr, res, it, &idx[i], &recs[i]);
        pm_jr_pop(jr, s2);
    }
    pm_jr_pop(jr, saved);
    if (!recs || !idx)
        pm_jr_fail_status(jr, PM_ERR_NOMEM, "out of memory");
    for (int j = 0; j < n && !jr->problems; j++)
        if (res->units[idx[j]].status == PM_MIX_NOT_DONE)
            res->units[idx[j]] = recs[j];
    free(recs);
    free(idx);
}

pm_status pm_mixes_result_merge_buffer(pm_mixes_result *res, const char *data,
                                       size_t len, const char *name,
                                       pm_error *err)
{
    if (!res || (!data && len))
        return pm_err_add(err, PM_ERR_ARG, name, NULL,
                          "pm_mixes_result_merge_buffer: NULL argument");
    name = name ? name : "(buffer)";
    cJSON *root = pm_json_parse(data ? data : "", len, name, err);
    if (!root)
        return err ? err->status : PM_ERR_PARSE;
    pm_jr jr;
    pm_jr_init(&jr, name, err);
    read_part(&jr, res, root);
    cJSON_Delete(root);
    if (jr.problems)
        return err && err->status ? err->status : PM_ERR_INVALID;
    return finalize(res) == PM_OK
               ? PM_OK
               : pm_err_add(err, PM_ERR_NOMEM, name, NULL, "out of memory");
}

pm_status pm_mixes_result_merge_file(pm_mixes_result *res, const char *path,
                                     pm_error *err)
{
    if (!res || !path)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_mixes_result_merge_file: NULL argument");
    char *data = NULL;
    size_t len = 0;
    pm_status st = pm_read_file(path, &data, &len, err);
    if (st == PM_OK)
        st = pm_mixes_result_merge_buffer(res, data, len, path, err);
    free(data);
    return st;
}

/* ------------------------------------------------------------------ */
/* Output: CSV                                                        */
/* ------------------------------------------------------------------ */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *fmt, ...) PM_PRINTF(2, 3);

static bool sb_reserve(sbuf *b, size_t n)
{
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return false;
    b->p = p;
    b->cap = cap;
    return true;
}

static void sb_add(sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && sb_reserve(b, (size_t)n)) {
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    } else {
        b->oom = true;
    }
    va_end(again);
}

static pm_status sb_finish(sbuf *b, char **out, pm_error *err)
{
    if (!b->oom && !b->p)
        sb_add(b, "%s", "");
    if (b->oom) {
        free(b->p);
        *out = NULL;
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    *out = b->p;
    return PM_OK;
}

/* A number as in the JSON output; empty when unknown. */
static void sb_num(sbuf *b, double v, int decimals)
{
    char tmp[400];
    if (!isfinite(v)) {
        sb_add(b, ",");
        return;
    }
    pm_format_number(tmp, sizeof tmp, v, decimals);
    sb_add(b, ",%s", tmp);
}

static void csv_header(const pm_commissioning *cm, sbuf *b)
{
    sb_add(b, "rank,mix,baseline,pareto,status,max_gap");
    for (int l = 0; l < cm->nlevers; l++)
        sb_add(b, ",units_%s", cm->levers[l].id); /* ids are [A-Za-z0-9_.-] */
    static const char *const figs[] = {
        "placement_week", "total_week", "total_annual", "spend_week",
        "unmatched", "pct_beyond_far_miles", "sibling_groups_split"};
    sb_add(b, ",fixed_week");
    for (int i = 0; i < 7; i++)
        sb_add(b, ",%s_mean,%s_worst", figs[i], figs[i]);
    sb_add(b, "\n");
}

static void csv_row(const pm_mixes_result *res, int m, sbuf *b)
{
    const pm_mix_summary *s = &res->summ[m];
    if (s->rank)
        sb_add(b, "%d,%d", s->rank, m);
    else
        sb_add(b, ",%d", m);
    sb_add(b, ",%d,%d,%s", s->baseline, s->pareto, pm_mix_status_name(s->status));
    sb_num(b, s->max_gap, 6);
    for (int l = 0; l < res->cm->nlevers; l++)
        sb_add(b, ",%d", mix_units(res->cm, m)[l]);
    sb_num(b, s->fixed_week, MONEY);
    const double v[14] = {
        s->placement_week_mean, s->placement_week_worst, s->total_week_mean,
        s->total_week_worst, s->total_annual_mean, s->total_annual_worst,
        s->spend_week_mean, s->spend_week_worst, s->unmatched_mean,
        s->unmatched_worst, s->pct_beyond_mean, s->pct_beyond_worst,
        s->split_mean, s->split_worst};
    for (int i = 0; i < 14; i++)
        sb_num(b, v[i], 2);
    sb_add(b, "\n");
}

pm_status pm_mixes_result_to_csv(const pm_mixes_result *res, char **csv,
                                 pm_error *err)
{
    if (!res || !csv)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_mixes_result_to_csv: NULL argument");
    sbuf b = {0};
    csv_header(res->cm, &b);
    for (int i = 0; i < res->nlisted; i++)
        csv_row(res, res->listed[i], &b);
    return sb_finish(&b, csv, err);
}

/* ------------------------------------------------------------------ */
/* Output: SVG chart (total annual cost against % beyond far_miles)    */
/* ------------------------------------------------------------------ */

enum { SVG_W = 880, SVG_H = 580, SVG_L = 110, SVG_R = 30, SVG_T = 80,
       SVG_B = 64 };

typedef struct axis {
    double lo, hi, step;
} axis;

/* About five ticks at 1, 2, 2.5 or 5 times a power of ten. */
static axis nice_axis(double lo, double hi)
{
    if (!(hi > lo)) {
        double pad = fabs(lo) > 1 ? fabs(lo) * 0.05 : 1;
        lo -= pad;
        hi += pad;
    }
    double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
    return (axis){floor(lo / step) * step, ceil(hi / step) * step, step};
}

static int decimals_for(double step)
{
    int d = 0;
    while (d < 4 && fabs(step * pow(10, d) - round(step * pow(10, d))) > 1e-6)
        d++;
    return d;
}

/* "£1.25m", "£950k", "£800" with the decimals the step needs. */
static void money_label(char *out, size_t size, double v, const axis *a)
{
    double span = fmax(fabs(a->lo), fabs(a->hi));
    double unit = span >= 1e6 ? 1e6 : span >= 1e4 ? 1e3 : 1;
    const char *suffix = unit == 1e6 ? "m" : unit == 1e3 ? "k" : "";
    int d = decimals_for(a->step / unit);
    snprintf(out, size, "%s\xc2\xa3%.*f%s", v < 0 ? "-" : "", d, fabs(v) / unit,
             suffix);
}

static void sb_escaped(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_add(b, "&amp;"); break;
        case '<': sb_add(b, "&lt;"); break;
        case '>': sb_add(b, "&gt;"); break;
        case '"': sb_add(b, "&quot;"); break;
        default: sb_add(b, "%c", *s);
        }
    }
}

typedef struct plot {
    axis x, y;
    sbuf *b;
    int nsolved;
} plot;

static double px(const plot *p, double x)
{
    return SVG_L + (x - p->x.lo) / (p->x.hi - p->x.lo) * (SVG_W - SVG_L - SVG_R);
}

static double py(const plot *p, double y)
{
    double h = SVG_H - SVG_T - SVG_B;
    return SVG_T + h - (y - p->y.lo) / (p->y.hi - p->y.lo) * h;
}

static void svg_axes(const plot *p, double far_miles)
{
    sbuf *b = p->b;
    char label[64];
    int dx = decimals_for(p->x.step);
    for (double x = p->x.lo; x <= p->x.hi + p->x.step * 1e-6; x += p->x.step) {
        sb_add(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                  "stroke=\"#e3e3e3\"/>\n", px(p, x), SVG_T, px(p, x), SVG_H - SVG_B);
        sb_add(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.*f</text>\n",
               px(p, x), SVG_H - SVG_B + 18, dx, x);
    }
    for (double y = p->y.lo; y <= p->y.hi + p->y.step * 1e-6; y += p->y.step) {
        money_label(label, sizeof label, y, &p->y);
        sb_add(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                  "stroke=\"#e3e3e3\"/>\n", SVG_L, py(p, y), SVG_W - SVG_R, py(p, y));
        sb_add(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
               SVG_L - 8, py(p, y) + 4, label);
    }
    sb_add(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
              "stroke=\"#444\"/>\n", SVG_L, SVG_T, SVG_W - SVG_L - SVG_R,
           SVG_H - SVG_T - SVG_B);
    sb_add(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">Children placed "
              "beyond %g miles (%% of those placed, mean over cohorts)</text>\n",
           (SVG_L + SVG_W - SVG_R) / 2, SVG_H - 16, far_miles);
    sb_add(b, "<text transform=\"translate(22 %d) rotate(-90)\" "
              "text-anchor=\"middle\">Total cost (\xc2\xa3 per year, mean over "
              "cohorts)</text>\n", (SVG_T + SVG_H - SVG_B) / 2);
}

static int cmp_front(const void *a, const void *b)
{
    const rank_key *x = a, *y = b;
    if (x->pct != y->pct)
        return x->pct < y->pct ? -1 : 1;
    if (x->total != y->total)
        return x->total < y->total ? -1 : 1;
    return (x->mix > y->mix) - (x->mix < y->mix);
}

static void svg_points(const pm_mixes_result *res, const plot *p,
                       rank_key *front, int nf)
{
    sbuf *b = p->b;
    for (int i = 0; i < res->nlisted; i++) {
        const pm_mix_summary *s = &res->summ[res->listed[i]];
        if (s->solved && !s->pareto)
            sb_add(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#8fb0d6\">"
                      "<title>mix %d</title></circle>\n",
                   px(p, s->pct_beyond_mean), py(p, s->total_annual_mean),
                   res->listed[i]);
    }
    qsort(front, (size_t)nf, sizeof *front, cmp_front);
    sb_add(b, "<polyline fill=\"none\" stroke=\"#d95f02\" stroke-width=\"1.5\" "
              "points=\"");
    for (int i = 0; i < nf; i++)
        sb_add(b, "%s%.1f,%.1f", i ? " " : "", px(p, front[i].pct),
               py(p, front[i].total * WEEKS_PER_YEAR));
    sb_add(b, "\"/>\n");
    for (int i = 0; i < nf; i++)
        sb_add(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#d95f02\">"
                  "<title>mix %d (Pareto front)</title></circle>\n",
               px(p, front[i].pct), py(p, front[i].total * WEEKS_PER_YEAR),
               front[i].mix);
    const pm_mix_summary *s = &res->summ[0];
    if (s->solved) {
        double x = px(p, s->pct_beyond_mean), y = py(p, s->total_annual_mean);
        sb_add(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" "
                  "fill=\"none\" stroke=\"#000\" stroke-width=\"2\" "
                  "transform=\"rotate(45 %.1f %.1f)\"><title>baseline (mix 0)"
                  "</title></rect>\n", x - 5.5, y - 5.5, x, y);
        sb_add(b, "<text x=\"%.1f\" y=\"%.1f\" font-weight=\"bold\">baseline"
                  "</text>\n", x + 10, y - 8);
    }
}

/* One row above the plot, so that it never hides a point. */
static void svg_legend(sbuf *b)
{
    int x = SVG_L + 6, y = SVG_T - 14;
    sb_add(b, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#8fb0d6\"/><text x=\"%d\" "
              "y=\"%d\">mix</text>\n", x, y, x + 10, y + 4);
    x += 60;
    sb_add(b, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"#d95f02\"/><text x=\"%d\" "
              "y=\"%d\">Pareto front (total cost, %% far, groups split)</text>\n",
           x, y, x + 10, y + 4);
    x += 300;
    sb_add(b, "<rect x=\"%d\" y=\"%d\" width=\"8\" height=\"8\" fill=\"none\" "
              "stroke=\"#000\" stroke-width=\"2\" transform=\"rotate(45 %d %d)\"/>"
              "<text x=\"%d\" y=\"%d\">baseline (every lever at 0)</text>\n",
           x - 4, y - 4, x, y, x + 12, y + 4);
}

/* Axis ranges over the solved mixes; the front (rank order) into front. */
static int svg_ranges(const pm_mixes_result *res, plot *p, rank_key *front)
{
    double xmax = 0, ylo = INFINITY, yhi = -INFINITY;
    int nf = 0;
    for (int i = 0; i < res->nlisted; i++) {
        const pm_mix_summary *s = &res->summ[res->listed[i]];
        if (!s->solved)
            continue;
        p->nsolved++;
        xmax = fmax(xmax, s->pct_beyond_mean);
        ylo = fmin(ylo, s->total_annual_mean);
        yhi = fmax(yhi, s->total_annual_mean);
        if (s->pareto)
            front[nf++] = (rank_key){s->total_week_mean, s->pct_beyond_mean,
                                     s->split_mean, res->listed[i]};
    }
    if (!isfinite(ylo))
        ylo = yhi = 0;
    p->x = nice_axis(0, xmax);
    p->y = nice_axis(ylo, yhi);
    return nf;
}

pm_status pm_mixes_result_to_svg(const pm_mixes_result *res, char **svg,
                                 pm_error *err)
{
    if (!res || !svg)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_mixes_result_to_svg: NULL argument");
    sbuf b = {0};
    plot p = {.b = &b};
    rank_key *front = malloc(((size_t)res->cm->nmixes + 1) * sizeof *front);
    if (!front)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    int nf = svg_ranges(res, &p, front);
    sb_add(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://"
               "www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 "
               "%d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
           SVG_W, SVG_H, SVG_W, SVG_H);
    sb_add(&b, "<text x=\"%d\" y=\"26\" font-size=\"15\" font-weight=\"bold\">",
           SVG_L);
    sb_escaped(&b, res->cm->name[0] ? res->cm->name : "Commissioning mixes");
    sb_add(&b, "</text>\n<text x=\"%d\" y=\"44\" fill=\"#555\">%d of %d mixes "
               "solved on %d cohort%s</text>\n", SVG_L, p.nsolved,
           res->cm->nmixes, res->cm->ncohorts, res->cm->ncohorts == 1 ? "" : "s");
    svg_axes(&p, res->cm->far_miles);
    svg_points(res, &p, front, nf);
    svg_legend(&b);
    sb_add(&b, "</svg>\n");
    free(front);
    return sb_finish(&b, svg, err);
}
