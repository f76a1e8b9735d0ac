/* The outputs of a commissioning run: JSON
 * (placematch-commissioning-result/1), CSV and the SVG chart, all from the
 * records and summaries that mixes.c keeps, in a fixed order. */
#include "mixes.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"

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
        pm_jw_int(w, pm_mix_units(cm, m)[l]);
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
    pm_jw_string(w, PM_MIXES_RESULT_FORMAT);
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
        sb_add(b, ",%d", pm_mix_units(res->cm, m)[l]);
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
               py(p, front[i].total * PM_WEEKS_PER_YEAR));
    sb_add(b, "\"/>\n");
    for (int i = 0; i < nf; i++)
        sb_add(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#d95f02\">"
                  "<title>mix %d (Pareto front)</title></circle>\n",
               px(p, front[i].pct), py(p, front[i].total * PM_WEEKS_PER_YEAR),
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
