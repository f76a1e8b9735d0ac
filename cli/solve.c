/* placematch solve SCENARIO.json [-o RESULT.json] [--time-limit S] [--gap G] */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* A borough that cannot be proven optimal quickly should still come back
 * with its best match and gap, not run for hours. */
#define DEFAULT_TIME_LIMIT 120.0

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int should_stop(void *info)
{
    (void)info;
    return stop_requested;
}

static void solve_usage(FILE *out)
{
    fprintf(out,
            "usage: placematch solve SCENARIO.json [options]\n"
            "  -o, --output FILE   write placematch-result/1 JSON here (default:\n"
            "                      standard output)\n"
            "  --time-limit S      stop the search after S seconds and report the\n"
            "                      best match and its gap (default %g; 0: no limit)\n"
            "  --gap G             stop when the relative gap is at most G\n"
            "  --node-limit N      stop after N branch-and-bound nodes\n"
            "  --summary           print the readable summary to stderr (default\n"
            "                      when stderr is a terminal)\n"
            "  --quiet             no summary\n"
            "  --verbose           show GLPK's progress on stderr\n",
            DEFAULT_TIME_LIMIT);
}

typedef struct solve_args {
    const char *scenario, *output;
    int summary; /* -1 auto */
    pm_solve_options opts;
} solve_args;

static int parse(pm_args *a, solve_args *s)
{
    const char *arg;
    long n;
    while ((arg = pm_args_next(a)) && !a->bad) {
        if (!strcmp(arg, "-o") || !strcmp(arg, "--output"))
            s->output = pm_args_value(a, arg);
        else if (!strcmp(arg, "--time-limit"))
            pm_args_double(a, arg, 0, 1e7, &s->opts.time_limit);
        else if (!strcmp(arg, "--gap"))
            pm_args_double(a, arg, 0, 0.999, &s->opts.mip_gap);
        else if (!strcmp(arg, "--node-limit")) {
            if (pm_args_long(a, arg, 0, 2000000000L, &n))
                s->opts.node_limit = n;
        } else if (!strcmp(arg, "--summary"))
            s->summary = 1;
        else if (!strcmp(arg, "--quiet"))
            s->summary = 0;
        else if (!strcmp(arg, "--verbose"))
            s->opts.verbose = 1;
        else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            solve_usage(stdout);
            exit(0);
        } else if (arg[0] == '-' && arg[1])
            return pm_args_fail(a, "unknown option '%s'", arg);
        else if (!s->scenario)
            s->scenario = arg;
        else
            return pm_args_fail(a, "unexpected argument '%s'", arg);
    }
    if (!a->bad && !s->scenario)
        pm_args_fail(a, "a scenario file is required");
    return a->bad ? PM_EXIT_USAGE : PM_EXIT_OK;
}

int pm_cli_solve(int argc, char **argv)
{
    pm_args a;
    solve_args s = {.summary = -1};
    pm_args_init(&a, argc, argv);
    pm_solve_options_init(&s.opts);
    s.opts.time_limit = DEFAULT_TIME_LIMIT;
    if (parse(&a, &s) != PM_EXIT_OK) {
        solve_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_error err;
    pm_error_clear(&err);
    pm_scenario *sc = NULL;
    if (pm_scenario_load_file(s.scenario, &sc, &err) != PM_OK)
        return pm_cli_report("solve", &err);
    /* Ctrl-C stops the search; the best match so far is still written. */
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    s.opts.interrupt = should_stop;
    pm_result *res = NULL;
    char *json = NULL;
    int rc = PM_EXIT_OK;
    if (pm_solve(sc, &s.opts, &res, &err) != PM_OK ||
        pm_result_to_json(res, &json, &err) != PM_OK)
        rc = pm_cli_report("solve", &err);
    else
        rc = pm_cli_output("solve", s.output, json);
    if (rc == PM_EXIT_OK && (s.summary == 1 || (s.summary < 0 && isatty(2))))
        pm_result_print_summary(res, stderr);
    pm_free(json);
    pm_result_free(res);
    pm_scenario_free(sc);
    return rc;
}
