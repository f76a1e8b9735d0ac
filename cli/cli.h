#ifndef PM_CLI_H
#define PM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "placematch/placematch.h"

enum { PM_EXIT_OK = 0, PM_EXIT_FAIL = 1, PM_EXIT_USAGE = 2 };

int pm_cli_solve(int argc, char **argv);
int pm_cli_generate(int argc, char **argv);
int pm_cli_suggest(int argc, char **argv);
int pm_cli_mixes(int argc, char **argv);
int pm_cli_import(int argc, char **argv);

/* Option parsing shared by the subcommands. */
typedef struct pm_args {
    int argc, i;
    char **argv;
    const char *cmd;
    bool bad;
} pm_args;

void pm_args_init(pm_args *a, int argc, char **argv);
/* Next argument, or NULL at the end. */
const char *pm_args_next(pm_args *a);
/* The value after an option (reports a usage error when missing). */
const char *pm_args_value(pm_args *a, const char *opt);
bool pm_args_double(pm_args *a, const char *opt, double lo, double hi,
                    double *out);
bool pm_args_long(pm_args *a, const char *opt, long lo, long hi, long *out);
int pm_args_fail(pm_args *a, const char *fmt, ...);

/* Prints err's lines to stderr (each already names file and path) and
 * maps the status to an exit code. */
int pm_cli_report(const char *cmd, const pm_error *err);
/* Writes text to path atomically, or to stdout when path is NULL or "-". */
int pm_cli_output(const char *cmd, const char *path, const char *text);

#endif
