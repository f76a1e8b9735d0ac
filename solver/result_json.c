/* placematch-result/1 output and the terminal summary. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "result.h"

#define MONEY 2 /* decimals for pounds and miles */

static void write_totals(const pm_totals *t, pm_jw *w)
{
    pm_jw_key(w, "totals");
    pm_jw_begin_object(w);
    pm_jw_key(w, "weekly_cost"); pm_jw_number(w, t->weekly_cost, MONEY);
    pm_jw_key(w, "annual_cost"); pm_jw_number(w, t->annual_cost, MONEY);
    pm_jw_key(w, "distance_penalty"); pm_jw_number(w, t->distance_penalty, MONEY);
    pm_jw_key(w, "far_penalty"); pm_jw_number(w, t->far_penalty, MONEY);
    pm_jw_key(w, "move_penalty"); pm_jw_number(w, t->move_penalty, MONEY);
    pm_jw_key(w, "split_penalty"); pm_jw_number(w, t->split_penalty, MONEY);
    pm_jw_key(w, "unmatched_penalty"); pm_jw_number(w, t->unmatched_penalty, MONEY);
    pm_jw_end_object(w);
}


/* Type indices with someone placed, sorted by name. */
static int types_by_name(const pm_result *r, int *idx)
{
    const pm_names *types = &r->sc->types;
    int n = 0;
    for (int t = 0; t < types->count; t++) {
        if (!r->by_type[t])
            continue;
        int k = n++;
        while (k > 0 && strcmp(types->name[idx[k - 1]], types->name[t]) > 0) {
            idx[k] = idx[k - 1];
            k--;
        }
        idx[k] = t;
    }
    return n;
}

static void write_kpis(const pm_result *r, pm_jw *w)
{
    const pm_kpis *k = &r->kpis;
    pm_jw_key(w, "kpis");
    pm_jw_begin_object(w);
    pm_jw_key(w, "children"); pm_jw_int(w, k->children);
    pm_jw_key(w, "placed"); pm_jw_int(w, k->placed);
    pm_jw_key(w, "unmatched"); pm_jw_int(w, k->unmatched);
    pm_jw_key(w, "beyond_far_miles"); pm_jw_int(w, k->beyond_far_miles);
    pm_jw_key(w, "pct_beyond_far_miles"); pm_jw_number(w, k->pct_beyond_far_miles, 2);
    pm_jw_key(w, "sibling_groups"); pm_jw_int(w, k->sibling_groups);
    pm_jw_key(w, "sibling_groups_together"); pm_jw_int(w, k->sibling_groups_together);
    pm_jw_key(w, "sibling_groups_split"); pm_jw_int(w, k->sibling_groups_split);
    pm_jw_key(w, "splits"); pm_jw_int(w, k->splits);
    pm_jw_key(w, "moves"); pm_jw_int(w, k->moves);
    pm_jw_key(w, "mean_miles"); pm_jw_number(w, k->mean_miles, 2);
    pm_jw_key(w, "by_type");
    pm_jw_begin_object(w);
    int *idx = malloc(((size_t)r->sc->types.count + 1) * sizeof *idx);
    if (!idx)
        w->oom = true;
    int n = idx ? types_by_name(r, idx) : 0;
    for (int i = 0; i < n; i++) {
        pm_jw_key(w, r->sc->types.name[idx[i]]);
        pm_jw_int(w, r->by_type[idx[i]]);
    }
    free(idx);
    pm_jw_end_object(w);
    pm_jw_end_object(w);
}

/* Children in id order (the format sorts assignments by child id). */
static int *children_by_id(const pm_scenario *sc)
{
    int *order = malloc(((size_t)sc->nchildren + 1) * sizeof *order);
    if (!order)
        return NULL;
    for (int c = 0; c < sc->nchildren; c++)
        order[c] = c;
    /* insertion into runs would be quadratic: use a merge sort */
    int *tmp = malloc(((size_t)sc->nchildren + 1) * sizeof *tmp);
    if (!tmp) {
        free(order);
        return NULL;
    }
    for (int width = 1; width < sc->nchildren; width *= 2) {
        for (int lo = 0; lo < sc->nchildren; lo += 2 * width) {
            int mid = lo + width < sc->nchildren ? lo + width : sc->nchildren;
            int hi = lo + 2 * width < sc->nchildren ? lo + 2 * width : sc->nchildren;
            int i = lo, j = mid, k = lo;
            while (i < mid || j < hi) {
                if (j >= hi || (i < mid && strcmp(sc->children[order[i]].id,
                                                  sc->children[order[j]].id) <= 0))
                    tmp[k++] = order[i++];
                else
                    tmp[k++] = order[j++];
            }
        }
        memcpy(order, tmp, (size_t)sc->nchildren * sizeof *order);
    }
    free(tmp);
    return order;
}

static void write_assignments(const pm_result *r, const int *order, pm_jw *w)
{
    const pm_scenario *sc = r->sc;
    pm_jw_key(w, "assignments");
    pm_jw_begin_array(w);
    for (int i = 0; i < sc->nchildren; i++) {
        int c = order[i], p = r->assign[c];
        if (p < 0)
            continue;
        const pm_placement_rec *pl = &sc->placements[p];
        pm_jw_begin_object(w);
        pm_jw_key(w, "child"); pm_jw_string(w, sc->children[c].id);
        pm_jw_key(w, "placement"); pm_jw_string(w, pl->id);
        pm_jw_key(w, "type"); pm_jw_string(w, sc->types.name[pl->type]);
        pm_jw_key(w, "miles"); pm_jw_number(w, r->miles[c], MONEY);
        pm_jw_key(w, "weekly_cost"); pm_jw_number(w, pl->weekly_cost, MONEY);
        pm_jw_key(w, "arc_cost"); pm_jw_number(w, r->arc_cost[c], MONEY);
        pm_jw_key(w, "moved");
        pm_jw_bool(w, sc->children[c].current >= 0 && sc->children[c].current != p);
        pm_jw_end_object(w);
    }
    pm_jw_end_array(w);
}

static void write_unmatched(const pm_result *r, const int *order, pm_jw *w)
{
    const pm_scenario *sc = r->sc;
    pm_jw_key(w, "unmatched");
    pm_jw_begin_array(w);
    int have = r->status == PM_SOL_OPTIMAL || r->status == PM_SOL_FEASIBLE;
    for (int i = 0; i < sc->nchildren && have; i++) {
        int c = order[i];
        if (r->assign[c] >= 0)
            continue;
        pm_jw_begin_object(w);
        pm_jw_key(w, "child"); pm_jw_string(w, sc->children[c].id);
        pm_jw_key(w, "reasons");
        pm_jw_begin_array(w);
        for (int k = 0; k < r->reasons[c].count; k++)
            pm_jw_string(w, r->reasons[c].line[k]);
        pm_jw_end_array(w);
        pm_jw_end_object(w);
    }
    pm_jw_end_array(w);
}

void pm_result_write_json(const pm_result *r, pm_jw *w)
{
    int *order = children_by_id(r->sc);
    if (!order) {
        w->oom = true;
        return;
    }
    pm_jw_key(w, "scenario"); pm_jw_string(w, r->sc->name);
    pm_jw_key(w, "status"); pm_jw_string(w, pm_solution_name(r->status));
    if (r->status == PM_SOL_INFEASIBLE || r->status == PM_SOL_NONE) {
        pm_jw_key(w, "message"); pm_jw_string(w, r->message);
    }
    pm_jw_key(w, "objective"); pm_jw_number(w, r->objective, MONEY);
    pm_jw_key(w, "bound"); pm_jw_number(w, r->bound, MONEY);
    pm_jw_key(w, "gap"); pm_jw_number(w, r->gap, 6);
    write_totals(&r->totals, w);
    write_kpis(r, w);
    write_assignments(r, order, w);
    write_unmatched(r, order, w);
    pm_jw_key(w, "solver");
    pm_jw_begin_object(w);
    pm_jw_key(w, "seconds"); pm_jw_number(w, r->stats.seconds, 3);
    pm_jw_key(w, "nodes"); pm_jw_int(w, r->stats.nodes);
    pm_jw_key(w, "lp_iterations"); pm_jw_int(w, r->stats.lp_iterations);
    pm_jw_key(w, "root_bound"); pm_jw_number(w, r->stats.root_bound, MONEY);
    pm_jw_end_object(w);
    free(order);
}

pm_status pm_result_to_json(const pm_result *res, char **json, pm_error *err)
{
    if (!res || !json)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_result_to_json: NULL argument");
    pm_jw w;
    pm_jw_init(&w, 2);
    pm_jw_begin_object(&w);
    pm_jw_key(&w, "format"); pm_jw_string(&w, "placematch-result/1");
    pm_result_write_json(res, &w);
    pm_jw_end_object(&w);
    *json = pm_jw_finish(&w, NULL);
    if (!*json)
        return pm_err_add(err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    return PM_OK;
}

pm_status pm_write_file(const char *path, const char *text, size_t len,
                               pm_error *err)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >=
        (int)sizeof tmp)
        return pm_err_add(err, PM_ERR_ARG, path, NULL, "path is too long");
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return pm_err_add(err, PM_ERR_IO, path, NULL, "cannot write: %s",
                          strerror(errno));
    int ok = fwrite(text, 1, len, f) == len;
    ok &= fflush(f) == 0;
    ok &= fsync(fileno(f)) == 0 || errno == EINVAL;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        return pm_err_add(err, PM_ERR_IO, path, NULL, "cannot write: %s",
                          strerror(e));
    }
    return PM_OK;
}

pm_status pm_result_write_file(const pm_result *res, const char *path,
                               pm_error *err)
{
    if (!path)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_result_write_file: NULL path");
    char *json;
    pm_status st = pm_result_to_json(res, &json, err);
    if (st != PM_OK)
        return st;
    st = pm_write_file(path, json, strlen(json), err);
    free(json);
    return st;
}
