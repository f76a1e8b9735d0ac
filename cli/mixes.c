/* placematch mixes COMMISSIONING.json -o RESULTS.(json|csv) [options]
 *
 * Evaluates every commissioning mix on every cohort (docs/MIXES.md).  A
 * signal stops the run cleanly: no new solve starts, and the evaluations
 * finished so far are written as a complete, valid file that says how far
 * it got (a second signal ends the program at once, writing nothing). */
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define MAX_MERGE 1024

/* Set by the signal handler, read by every solving thread: a lock-free
 * atomic is safe in both places. */
static atomic_int stop_requested;

static void on_signal(int sig)
{
    atomic_store(&stop_requested, 1);
    signal(sig, SIG_DFL); /* a second signal ends the program */
}

static int should_stop(void *info)
{
    (void)info;
    return atomic_load(&stop_requested);
}

static void mixes_usage(FILE *out)
{
    fprintf(out,
            "usage: placematch mixes COMMISSIONING.json -o RESULTS.json|RESULTS.csv [options]\n"
            "  -o, --output FILE   .json: placematch-commissioning-result/1; .csv: one\n"
            "                      row per mix, ranked by total cost; '-': JSON on\n"
            "                      standard output\n"
            "  --svg FILE          also draw total annual cost against %% beyond far_miles\n"
            "  --threads N         solves at once (default: OMP_NUM_THREADS, else every\n"
            "                      processor; 1 when GLPK lacks thread-local storage)\n"
            "  --time-limit S      seconds per solve (default 10; 0 = no limit)\n"
            "  --gap G             stop each solve at relative gap G\n"
            "  --node-limit N      branch-and-bound nodes per solve (unlike a time\n"
            "                      limit, gives the same answer on any machine)\n"
            "  --cold              start every solve from scratch (default: each mix\n"
            "                      starts from the baseline's answer on its cohort)\n"
            "  --cohort NAME       evaluate only this cohort (repeatable)\n"
            "  --shard K/N         evaluate only share K of N of the work (JSON output)\n"
            "  --merge FILE        reuse the evaluations in an earlier JSON output (a\n"
            "                      shard, or an interrupted run); repeatable\n"
            "  --scenario MIX[:COHORT]  write that mix's scenario on that cohort\n"
            "                      (placematch-scenario/1) to -o instead of evaluating\n"
            "  --quiet             no progress bar or summary line\n");
}

typedef struct mixes_args {
    const char *file, *output, *svg, *scenario;
    const char *cohorts[PM_MIXES_MAX_COHORTS];
    int ncohorts;
    const char *merge[MAX_MERGE];
    int nmerge;
    bool quiet;
    pm_mixes_options opts;
} mixes_args;

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

static void parse_shard(pm_args *a, mixes_args *m)
{
    const char *v = pm_args_value(a, "--shard");
    int k = 0, n = 0;
    char extra;
    if (!v)
        return;
    if (sscanf(v, "%d/%d%c", &k, &n, &extra) != 2 || n < 1 || k < 1 || k > n ||
        n > 1000000) {
        pm_args_fail(a, "--shard: '%s' is not K/N with 1 <= K <= N", v);
        return;
    }
    m->opts.shard_index = k - 1;
    m->opts.shard_count = n;
}

static void add_listed(pm_args *a, const char *opt, const char **list,
                       int *n, int max)
{
    const char *v = pm_args_value(a, opt);
    if (v && *n == max)
        pm_args_fail(a, "%s: at most %d", opt, max);
    else if (v)
        list[(*n)++] = v;
}

static bool parse_option(pm_args *a, mixes_args *m, const char *arg)
{
    long n;
    if (!strcmp(arg, "-o") || !strcmp(arg, "--output"))
        m->output = pm_args_value(a, arg);
    else if (!strcmp(arg, "--svg"))
        m->svg = pm_args_value(a, arg);
    else if (!strcmp(arg, "--threads")) {
        if (pm_args_long(a, arg, 1, 4096, &n))
            m->opts.threads = (int)n;
    } else if (!strcmp(arg, "--time-limit"))
        pm_args_double(a, arg, 0, 1e7, &m->opts.solve.time_limit);
    else if (!strcmp(arg, "--gap"))
        pm_args_double(a, arg, 0, 0.999, &m->opts.solve.mip_gap);
    else if (!strcmp(arg, "--node-limit")) {
        if (pm_args_long(a, arg, 0, 2000000000L, &n))
            m->opts.solve.node_limit = n;
    } else if (!strcmp(arg, "--cohort"))
        add_listed(a, arg, m->cohorts, &m->ncohorts, PM_MIXES_MAX_COHORTS);
    else if (!strcmp(arg, "--merge"))
        add_listed(a, arg, m->merge, &m->nmerge, MAX_MERGE);
    else if (!strcmp(arg, "--shard"))
        parse_shard(a, m);
    else if (!strcmp(arg, "--scenario"))
        m->scenario = pm_args_value(a, arg);
    else if (!strcmp(arg, "--quiet"))
        m->quiet = true;
    else if (!strcmp(arg, "--cold"))
        m->opts.warm_start = 0;
    else
        return false;
    return true;
}

static int parse(pm_args *a, mixes_args *m)
{
    const char *arg;
    while ((arg = pm_args_next(a)) && !a->bad) {
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            mixes_usage(stdout);
            exit(PM_EXIT_OK);
        } else if (parse_option(a, m, arg)) {
            continue;
        } else if (arg[0] == '-' && arg[1]) {
            return pm_args_fail(a, "unknown option '%s'", arg);
        } else if (!m->file) {
            m->file = arg;
        } else {
            return pm_args_fail(a, "unexpected argument '%s'", arg);
        }
    }
    if (a->bad)
        return PM_EXIT_USAGE;
    if (!m->file)
        return pm_args_fail(a, "a commissioning file is required");
    if (!m->output)
        return pm_args_fail(a, "-o RESULTS.json or RESULTS.csv is required");
    bool json = !strcmp(m->output, "-") || ends_with(m->output, ".json");
    if (!m->scenario && !json && !ends_with(m->output, ".csv"))
        return pm_args_fail(a, "the output's name must end in .json or .csv");
    if (m->opts.shard_count > 1 && !json)
        return pm_args_fail(a, "--shard needs a .json output (shards are "
                               "combined with --merge)");
    return PM_EXIT_OK;
}

/* ---- progress bar ---------------------------------------------------- */

typedef struct progress {
    double t0, last;
    int first; /* units done when this run started */
    bool shown;
} progress;

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void format_duration(char *out, size_t size, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, size, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else
        snprintf(out, size, "%ldm%02lds", t / 60, t % 60);
}

/* Called by one thread at a time (the library serialises it). */
static void on_progress(void *info, int done, int total)
{
    progress *p = info;
    double t = now();
    if (p->first < 0)
        p->first = done - 1;
    if (t - p->last < 0.25 && done < total)
        return;
    p->last = t;
    double rate = (done - p->first) / (t - p->t0 > 1e-9 ? t - p->t0 : 1e-9);
    char eta[32] = "--";
    if (rate > 0)
        format_duration(eta, sizeof eta, (total - done) / rate);
    int width = 30, fill = total ? (int)((long long)width * done / total) : width;
    fprintf(stderr, "\r[%.*s%*s] %d/%d evaluations  %.2f/s  ETA %s   ", fill,
            "##############################", width - fill, "", done, total,
            rate, eta);
    p->shown = true;
}

/* ---- running ---------------------------------------------------------- */

static int export_scenario(const pm_commissioning *cm, const mixes_args *m)
{
    char *end;
    long mix = strtol(m->scenario, &end, 10);
    int cohort = 0;
    if (end == m->scenario || (*end && *end != ':') || mix < 0 ||
        mix >= pm_commissioning_num_mixes(cm)) {
        fprintf(stderr, "placematch mixes: --scenario: '%s' is not MIX[:COHORT] "
                        "with MIX in 0..%d\n", m->scenario,
                pm_commissioning_num_mixes(cm) - 1);
        return PM_EXIT_USAGE;
    }
    if (*end == ':' && (cohort = pm_commissioning_find_cohort(cm, end + 1)) < 0) {
        fprintf(stderr, "placematch mixes: --scenario: no cohort named '%s'\n",
                end + 1);
        return PM_EXIT_USAGE;
    }
    pm_error err;
    pm_error_clear(&err);
    char *json = NULL;
    if (pm_commissioning_scenario_json(cm, (int)mix, cohort, &json, &err) != PM_OK)
        return pm_cli_report("mixes", &err);
    int rc = pm_cli_output("mixes", m->output, json);
    pm_free(json);
    return rc;
}

static int write_outputs(const pm_mixes_result *res, const mixes_args *m)
{
    pm_error err;
    pm_error_clear(&err);
    char *text = NULL, *svg = NULL;
    bool csv = ends_with(m->output, ".csv");
    pm_status st = csv ? pm_mixes_result_to_csv(res, &text, &err)
                       : pm_mixes_result_to_json(res, &text, &err);
    if (st == PM_OK && m->svg)
        st = pm_mixes_result_to_svg(res, &svg, &err);
    int rc = st != PM_OK ? pm_cli_report("mixes", &err)
                         : pm_cli_output("mixes", m->output, text);
    if (rc == PM_EXIT_OK && svg)
        rc = pm_cli_output("mixes", m->svg, svg);
    pm_free(text);
    pm_free(svg);
    return rc;
}

/* One line for the person at the terminal: counts and speed, ids only. */
static void print_summary(const pm_mixes_result *res, const pm_commissioning *cm,
                          int ran, double seconds, int threads)
{
    int count[PM_MIX_NOT_DONE + 1] = {0};
    int nc = pm_commissioning_num_cohorts(cm);
    pm_mix_evaluation ev;
    for (int u = 0; u < pm_mixes_result_units_total(res); u++)
        if (pm_mixes_result_evaluation(res, u / nc, u % nc, &ev) == PM_OK)
            count[ev.status]++;
    fprintf(stderr, "placematch mixes: %d evaluations in %.1f s (%.2f per second, "
                    "%d thread%s); optimal %d, feasible %d, infeasible %d, "
                    "none %d, error %d, not done %d\n",
            ran, seconds, seconds > 0 ? ran / seconds : 0.0, threads,
            threads == 1 ? "" : "s", count[PM_SOL_OPTIMAL], count[PM_SOL_FEASIBLE],
            count[PM_SOL_INFEASIBLE], count[PM_SOL_NONE], count[PM_MIX_ERROR],
            count[PM_MIX_NOT_DONE]);
    pm_mix_summary s;
    for (int mix = 0; mix < pm_commissioning_num_mixes(cm); mix++)
        if (pm_mixes_result_summary(res, mix, &s) == PM_OK && s.rank == 1)
            fprintf(stderr, "placematch mixes: lowest mean total cost: mix %d, "
                            "%.0f pounds a year (%.2f%% beyond far_miles)\n",
                    mix, s.total_annual_mean, s.pct_beyond_mean);
}

static int evaluate(pm_mixes_result *res, const pm_commissioning *cm,
                    const mixes_args *m, progress *pr)
{
    pm_error err;
    pm_error_clear(&err);
    int before = pm_mixes_result_units_done(res);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    pr->t0 = now();
    pm_status st = pm_mixes_evaluate(res, &err);
    double seconds = now() - pr->t0;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (pr->shown)
        fputc('\n', stderr);
    if (st != PM_OK && st != PM_ERR_INTERRUPTED)
        return pm_cli_report("mixes", &err);
    int ran = pm_mixes_result_units_done(res) - before;
    if (!m->quiet)
        print_summary(res, cm, ran, seconds,
                      m->opts.threads ? m->opts.threads : pm_mixes_max_threads());
    if (st == PM_OK)
        return write_outputs(res, m);
    if (pm_mixes_result_units_done(res) == 0) {
        fprintf(stderr, "placematch mixes: interrupted before any evaluation "
                        "finished; %s not written\n", m->output);
        return PM_EXIT_FAIL;
    }
    int rc = write_outputs(res, m);
    if (rc == PM_EXIT_OK)
        fprintf(stderr, "placematch mixes: interrupted: %s holds %d of %d "
                        "evaluations%s\n", m->output,
                pm_mixes_result_units_done(res), pm_mixes_result_units_total(res),
                ends_with(m->output, ".json")
                    ? "; run again with --merge on it to finish" : "");
    return rc == PM_EXIT_OK ? PM_EXIT_FAIL : rc;
}

static int run(const pm_commissioning *cm, mixes_args *m)
{
    progress pr = {.first = -1};
    if (!m->quiet && isatty(2)) {
        m->opts.progress = on_progress;
        m->opts.progress_info = &pr;
    }
    m->opts.interrupt = should_stop;
    pm_error err;
    pm_error_clear(&err);
    pm_mixes_result *res = NULL;
    if (pm_mixes_result_create(cm, &m->opts, &res, &err) != PM_OK)
        return pm_cli_report("mixes", &err);
    for (int i = 0; i < m->nmerge; i++) {
        if (pm_mixes_result_merge_file(res, m->merge[i], &err) != PM_OK) {
            pm_mixes_result_free(res);
            return pm_cli_report("mixes", &err);
        }
    }
    int rc = evaluate(res, cm, m, &pr);
    pm_mixes_result_free(res);
    return rc;
}

int pm_cli_mixes(int argc, char **argv)
{
    pm_args a;
    mixes_args m = {0};
    pm_args_init(&a, argc, argv);
    pm_mixes_options_init(&m.opts);
    if (parse(&a, &m) != PM_EXIT_OK) {
        mixes_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_error err;
    pm_error_clear(&err);
    pm_commissioning *cm = NULL;
    if (pm_commissioning_load_file(m.file, &cm, &err) != PM_OK)
        return pm_cli_report("mixes", &err);
    int rc = PM_EXIT_OK;
    if (m.ncohorts &&
        pm_commissioning_keep_cohorts(cm, m.cohorts, m.ncohorts, &err) != PM_OK)
        rc = pm_cli_report("mixes", &err);
    else if (m.scenario)
        rc = export_scenario(cm, &m);
    else
        rc = run(cm, &m);
    pm_commissioning_free(cm);
    return rc;
}
