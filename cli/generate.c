/* placematch generate [--profile NAME] [--seed S] [--children N]
 *                     [--variant V] [-o SCENARIO.json] */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void generate_usage(FILE *out)
{
    fprintf(out, "usage: placematch generate [options]\n"
                 "  --profile NAME   one of:");
    for (const char *const *p = pm_generate_profiles(); *p; p++)
        fprintf(out, " %s", *p);
    fprintf(out, "\n"
                 "  --seed S         random seed (default 1)\n"
                 "  --children N     number of children (default: the profile's)\n"
                 "  --variant V      base, growth, older or siblings\n"
                 "  -o, --output F   write the scenario here (default stdout)\n");
}

int pm_cli_generate(int argc, char **argv)
{
    pm_args a;
    pm_args_init(&a, argc, argv);
    pm_generate_options o;
    pm_generate_options_init(&o);
    const char *output = NULL, *arg;
    long n;
    while ((arg = pm_args_next(&a)) && !a.bad) {
        if (!strcmp(arg, "--profile"))
            o.profile = pm_args_value(&a, arg);
        else if (!strcmp(arg, "--seed")) {
            if (pm_args_long(&a, arg, 0, 0x7fffffffL, &n))
                o.seed = (unsigned long long)n;
        } else if (!strcmp(arg, "--children")) {
            if (pm_args_long(&a, arg, 1, 1000000, &n))
                o.children = (int)n;
        } else if (!strcmp(arg, "--variant"))
            o.variant = pm_args_value(&a, arg);
        else if (!strcmp(arg, "-o") || !strcmp(arg, "--output"))
            output = pm_args_value(&a, arg);
        else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
            generate_usage(stdout);
            return PM_EXIT_OK;
        } else
            pm_args_fail(&a, "unexpected argument '%s'", arg);
    }
    if (a.bad) {
        generate_usage(stderr);
        return PM_EXIT_USAGE;
    }
    pm_error err;
    pm_error_clear(&err);
    char *json = NULL;
    if (pm_generate(&o, &json, &err) != PM_OK)
        return pm_cli_report("generate", &err);
    int rc = pm_cli_output("generate", output, json);
    pm_free(json);
    return rc;
}
