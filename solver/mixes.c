/* Commissioning mixes (spec/MODEL.md "Commissioning mixes", docs/MIXES.md):
 * solving every (mix, cohort) unit of work in parallel, the per-mix
 * summaries, rank and Pareto front, and merging earlier outputs.  Loading
 * and applying mixes is commissioning.c; the outputs mixes_write.c.
 *
 * The unit of work is independent of every other: its record (rounded to
 * pence) is stored at its own index, and all per-mix figures are derived
 * from the records in index order.  That is what makes the output the same
 * for any number of threads, shards or resumed runs. */
#include "mixes.h"

#include <glpk.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonw.h"
#include "solve.h"

#define MAX_MERGE_LIST 1000000
#define DEFAULT_TIME_LIMIT 10.0
/* With warm starts, each cohort's baseline is solved first with this many
 * times the per-solve limit: its answer and prices seed every other mix. */
#define BASELINE_TIME_FACTOR 4

/* ------------------------------------------------------------------ */
/* Results: records of units of work                                  */
/* ------------------------------------------------------------------ */

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
    r->objective = have ? pm_q2(pm_result_objective(res)) : NAN;
    r->bound = have ? pm_q2(pm_result_bound(res)) : NAN;
    r->gap = have ? pm_q6(pm_result_gap(res)) : NAN;
    r->cash = have ? pm_q2(t.weekly_cost) : NAN;
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
    pm_mix_unit_label(cm, mix, k, label, sizeof label);
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
    f[F_TOTAL] = pm_q2(fixed + r->objective);
    f[F_SPEND] = pm_q2(fixed + r->cash);
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
    s->total_annual_mean = mean[F_TOTAL] * PM_WEEKS_PER_YEAR;
    s->total_annual_worst = worst[F_TOTAL] * PM_WEEKS_PER_YEAR;
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
    pm_status st = pm_mix_check_unit(res->cm, mix, cohort, NULL);
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
    out->total_week = have ? pm_q2(out->fixed_week + r->objective) : NAN;
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
    if (pm_jr_string(jr, root, "format", true, 64, &s) && strcmp(s, PM_MIXES_RESULT_FORMAT))
        pm_jr_fail_at(jr, "format", "expected \"%s\", got \"%s\"",
                      PM_MIXES_RESULT_FORMAT, s);
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
    r->objective = pm_q2(r->objective);
    r->bound = pm_q2(r->bound);
    r->gap = pm_q6(r->gap);
    r->cash = pm_q2(r->cash);
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
