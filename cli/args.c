#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void pm_args_init(pm_args *a, int argc, char **argv)
{
    a->argc = argc;
    a->argv = argv;
    a->i = 1;
    a->cmd = argv[0];
    a->bad = false;
}

const char *pm_args_next(pm_args *a)
{
    return a->i < a->argc ? a->argv[a->i++] : NULL;
}

int pm_args_fail(pm_args *a, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "placematch %s: ", a->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    a->bad = true;
    return PM_EXIT_USAGE;
}

const char *pm_args_value(pm_args *a, const char *opt)
{
    if (a->i >= a->argc) {
        pm_args_fail(a, "%s needs a value", opt);
        return NULL;
    }
    return a->argv[a->i++];
}

bool pm_args_double(pm_args *a, const char *opt, double lo, double hi,
                    double *out)
{
    const char *v = pm_args_value(a, opt);
    if (!v)
        return false;
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || !(d >= lo && d <= hi)) {
        pm_args_fail(a, "%s: '%s' is not a number in %g..%g", opt, v, lo, hi);
        return false;
    }
    *out = d;
    return true;
}

bool pm_args_long(pm_args *a, const char *opt, long lo, long hi, long *out)
{
    const char *v = pm_args_value(a, opt);
    if (!v)
        return false;
    char *end;
    errno = 0;
    long d = strtol(v, &end, 10);
    if (errno || end == v || *end || d < lo || d > hi) {
        pm_args_fail(a, "%s: '%s' is not a whole number in %ld..%ld", opt, v,
                     lo, hi);
        return false;
    }
    *out = d;
    return true;
}

int pm_cli_report(const char *cmd, const pm_error *err)
{
    if (err->text[0])
        fputs(err->text, stderr);
    else
        fprintf(stderr, "placematch %s: %s\n", cmd, pm_strerror(err->status));
    switch (err->status) {
    case PM_ERR_PARSE:
    case PM_ERR_INVALID:
    case PM_ERR_LIMIT:
    case PM_ERR_NOT_FOUND:
    case PM_ERR_ARG:
        return PM_EXIT_USAGE;
    default:
        return PM_EXIT_FAIL;
    }
}

int pm_cli_output(const char *cmd, const char *path, const char *text)
{
    if (!path || !strcmp(path, "-")) {
        if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
            fprintf(stderr, "placematch %s: cannot write to standard output\n",
                    cmd);
            return PM_EXIT_FAIL;
        }
        return PM_EXIT_OK;
    }
    pm_error err;
    pm_error_clear(&err);
    if (pm_write_file(path, text, strlen(text), &err) != PM_OK)
        return pm_cli_report(cmd, &err);
    return PM_EXIT_OK;
}
