/* placematch: the command.  Subcommands live in their own files; this one
 * dispatches and holds what they share. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: placematch <command> [options]\n"
            "\n"
            "commands:\n"
            "  solve SCENARIO.json [-o RESULT.json] [--time-limit S] [--gap G]\n"
            "        match every child exactly (placematch-result/1)\n"
            "  generate [--profile NAME] [--seed S] [--children N] [--variant V]\n"
            "        [-o SCENARIO.json]   write a synthetic scenario\n"
            "  suggest SCENARIO.json --child ID [--group G] [--k 5] [--explain P]\n"
            "        [-o OUT.json]   rank placements for one referral\n"
            "  mixes COMMISSIONING.json -o RESULTS.(json|csv) [--threads N]\n"
            "        [--time-limit S] [--svg CHART.svg]   rank commissioning mixes\n"
            "  import --children C.csv --placements P.csv [--policy POLICY.json]\n"
            "        [-o SCENARIO.json]   turn CSV exports into a scenario\n"
            "  version      print the version\n"
            "\n"
            "Run 'placematch <command> --help' for a command's options.\n"
            "Exit status: 0 done, 1 failure, 2 bad input or usage.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return PM_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "solve"))
        return pm_cli_solve(argc - 1, argv + 1);
    if (!strcmp(cmd, "generate"))
        return pm_cli_generate(argc - 1, argv + 1);
    if (!strcmp(cmd, "suggest"))
        return pm_cli_suggest(argc - 1, argv + 1);
    if (!strcmp(cmd, "mixes"))
        return pm_cli_mixes(argc - 1, argv + 1);
    if (!strcmp(cmd, "import"))
        return pm_cli_import(argc - 1, argv + 1);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("placematch %s\n", pm_version());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "placematch: unknown command '%s'\n", cmd);
    usage(stderr);
    return PM_EXIT_USAGE;
}
