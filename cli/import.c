/* placematch import --children CHILDREN.csv --placements PLACEMENTS.csv
 *                  [--policy POLICY.json] [--name NAME] [-o SCENARIO.json]
 *
 * Case-management exports to placematch-scenario/1 (docs/IMPORT.md).  The
 * output is written only when the whole import is good, and atomically. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "placematch/import.h"

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: placematch import --children CHILDREN.csv --placements "
            "PLACEMENTS.csv [options]\n"
            "  --children FILE       one row per child (columns: docs/IMPORT.md)\n"
            "  --placements FILE     one row per placement\n"
            "  --policy FILE         policy fields as JSON, e.g. {\"far_miles\": 20}\n"
            "                        (default: the defaults of spec/MODEL.md)\n"
            "  --name NAME           the scenario's name\n"
            "  --delimiter C         between cells: ',' (default), ';' or 'tab'\n"
            "  --list-separator C    between items of a list cell (default ';')\n"
            "  -o, --output FILE     write placematch-scenario/1 here (default:\n"
            "                        standard output)\n"
            "  --quiet               no summary line on stderr\n");
}

typedef struct import_args {
    const char *children, *placements, *policy, *output;
    bool quiet;
    pm_import_options opts;
} import_args;

/* One character, or "tab". */
static void char_option(pm_args *a, const char *opt, char *out)
{
    const char *v = pm_args_value(a, opt);
    if (!v)
        return;
    if (!strcmp(v, "tab") || !strcmp(v, "\\t"))
        *out = '\t';
    else if (strlen(v) == 1)
        *out = v[0];
    else
        pm_args_fail(a, "%s: '%s' is not one character (or 'tab')", opt, v);
}

static bool parse_option(pm_args *a, import_args *m, const char *arg)
{
    if (!strcmp(arg, "--children"))
        m->children = pm_args_value(a, arg);
    else if (!strcmp(arg, "--placements"))
        m->placements = pm_args_value(a, arg);
    else if (!strcmp(arg, "--policy"))
        m->policy = pm_args_value(a, arg);
    else if (!strcmp(arg, "--name"))
        m->opts.name = pm_args_value(a, arg);
    else if (!strcmp(arg, "--delimiter"))
        char_option(a, arg, &m->opts.delimiter);
    else if (!strcmp(arg, "--list-separator"))
        char_option(a, arg, &m->opts.list_separator);
    else if (!strcmp(arg, "-o") || !strcmp(arg, "--output"))
        m->output = pm_args_value(a, arg);
    else if (!strcmp(arg, "--quiet"))
        m->quiet = true;
    else
        return false;
    return true;
}

static int parse(pm_args *a, import_args *m)
{
    const char *arg;
    while ((arg = pm_args_next(a)) && !a->bad) {
        if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            import_usage(stdout);
            exit(PM_EXIT_OK);
        } else if (!parse_option(a, m, arg)) {
            return pm_args_fail(a, arg[0] == '-' ? "unknown option '%s'"
                                                 : "unexpected argument '%s'",
                                arg);
        }
    }
    if (!a->bad && (!m->children || !m->placements))
        pm_args_fail(a, "--children and --placements are both required");
    return a->bad ? PM_EXIT_USAGE : PM_EXIT_OK;
}

int pm_cli_import(int argc, char **argv)
{
    pm_args a;
    import_args m = {0};
    pm_args_init(&a, argc, argv);
    pm_import_options_init(&m.opts);
    if (parse(&a, &m) != PM_EXIT_OK) {
        import_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_error err;
    pm_error_clear(&err);
    char *json = NULL;
    if (pm_import_csv_files(m.children, m.placements, m.policy, &m.opts, &json,
                            &err) != PM_OK)
        return pm_cli_report("import", &err);
    /* The library has checked it already; loading it here as well keeps
       this command honest whatever changes there, and gives the counts. */
    pm_scenario *sc = NULL;
    int rc = PM_EXIT_OK;
    if (pm_scenario_load_buffer(json, strlen(json), "import output", &sc,
                                &err) != PM_OK)
        rc = pm_cli_report("import", &err);
    else
        rc = pm_cli_output("import", m.output, json);
    if (rc == PM_EXIT_OK && !m.quiet)
        fprintf(stderr, "placematch import: %d children, %d placements -> %s\n",
                pm_scenario_num_children(sc), pm_scenario_num_placements(sc),
                m.output && strcmp(m.output, "-") ? m.output
                                                  : "standard output");
    pm_scenario_free(sc);
    pm_free(json);
    return rc;
}
