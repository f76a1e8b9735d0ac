/* placematch suggest SCENARIO.json --child ID [--group G] [--k 5]
 *                   [--explain PLACEMENT_ID] [-o OUT.json] */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void suggest_usage(FILE *out)
{
    fprintf(out,
            "usage: placematch suggest SCENARIO.json --child ID [options]\n"
            "  --child ID          the referred child (a child in a sibling group\n"
            "                      brings the whole group)\n"
            "  --group G           or a whole sibling group\n"
            "  --k N               how many arrangements (default 5, at most 1000)\n"
            "  --explain P         list every rule that rules placement P out\n"
            "  -o, --output FILE   write placematch-suggestions/1 JSON here\n"
            "                      (default: standard output)\n"
            "  --table             print the readable table to stderr (default\n"
            "                      when stderr is a terminal)\n"
            "  --quiet             no table\n"
            "Everyone else stays where they are; see docs/SUGGEST.md.\n");
}

typedef struct suggest_args {
    const char *scenario, *output;
    int table; /* -1 auto */
    pm_suggest_options opts;
} suggest_args;

static int parse(pm_args *a, suggest_args *s)
{
    const char *arg;
    long n;
    while ((arg = pm_args_next(a)) && !a->bad) {
        if (!strcmp(arg, "-o") || !strcmp(arg, "--output"))
            s->output = pm_args_value(a, arg);
        else if (!strcmp(arg, "--child"))
            s->opts.child = pm_args_value(a, arg);
        else if (!strcmp(arg, "--group"))
            s->opts.group = pm_args_value(a, arg);
        else if (!strcmp(arg, "--explain"))
            s->opts.explain_placement = pm_args_value(a, arg);
        else if (!strcmp(arg, "--k") || !strcmp(arg, "-k")) {
            if (pm_args_long(a, arg, 1, 1000, &n))
                s->opts.k = (int)n;
        } else if (!strcmp(arg, "--table"))
            s->table = 1;
        else if (!strcmp(arg, "--quiet"))
            s->table = 0;
        else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            suggest_usage(stdout);
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
    else if (!a->bad && !s->opts.child && !s->opts.group)
        pm_args_fail(a, "--child or --group is required");
    return a->bad ? PM_EXIT_USAGE : PM_EXIT_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int pm_cli_suggest(int argc, char **argv)
{
    pm_args a;
    suggest_args s = {.table = -1};
    pm_args_init(&a, argc, argv);
    pm_suggest_options_init(&s.opts);
    if (parse(&a, &s) != PM_EXIT_OK) {
        suggest_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_error err;
    pm_error_clear(&err);
    pm_scenario *sc = NULL;
    if (pm_scenario_load_file(s.scenario, &sc, &err) != PM_OK)
        return pm_cli_report("suggest", &err);
    pm_suggestions *sg = NULL;
    char *json = NULL;
    double t0 = now_seconds();
    int rc = PM_EXIT_OK;
    if (pm_suggest(sc, &s.opts, &sg, &err) != PM_OK)
        rc = pm_cli_report("suggest", &err);
    double ms = (now_seconds() - t0) * 1e3;
    if (rc == PM_EXIT_OK && pm_suggestions_to_json(sg, &json, &err) != PM_OK)
        rc = pm_cli_report("suggest", &err);
    if (rc == PM_EXIT_OK)
        rc = pm_cli_output("suggest", s.output, json);
    if (rc == PM_EXIT_OK && (s.table == 1 || (s.table < 0 && isatty(2)))) {
        pm_suggestions_print(sg, stderr);
        fprintf(stderr, "(ranked in %.1f ms)\n", ms);
    }
    pm_free(json);
    pm_suggestions_free(sg);
    pm_scenario_free(sc);
    return rc;
}
