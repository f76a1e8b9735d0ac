#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one table of status codes: keep in the order of enum pm_status. */
static const char *const status_text[PM_STATUS_COUNT] = {
    [PM_OK] = "success",
    [PM_ERR_ARG] = "invalid argument",
    [PM_ERR_IO] = "input/output error",
    [PM_ERR_PARSE] = "malformed JSON",
    [PM_ERR_INVALID] = "invalid input",
    [PM_ERR_LIMIT] = "limit exceeded",
    [PM_ERR_NOMEM] = "out of memory",
    [PM_ERR_NOT_FOUND] = "not found",
    [PM_ERR_SOLVER] = "solver failure",
    [PM_ERR_INTERRUPTED] = "interrupted",
    [PM_ERR_UNSUPPORTED] = "not supported",
};

const char *pm_strerror(pm_status status)
{
    if ((int)status < 0 || status >= PM_STATUS_COUNT)
        return "unknown status";
    return status_text[status];
}

void pm_error_clear(pm_error *err)
{
    if (!err)
        return;
    err->status = PM_OK;
    err->count = 0;
    err->text[0] = '\0';
}

void pm_free(void *ptr) { free(ptr); }

/* Room kept at the end of text for the "... more problems" line. */
#define TAIL_RESERVE 64

pm_status pm_err_add(pm_error *err, pm_status status, const char *file,
                     const char *path, const char *fmt, ...)
{
    if (!err)
        return status;
    if (err->status == PM_OK)
        err->status = status;
    err->count++;
    size_t used = strnlen(err->text, PM_ERROR_TEXT_MAX - 1);
    char line[1024];
    int n = 0;
    if (file)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s: ", file);
    if (path && *path && n < (int)sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, "%s: ", path);
    if (n < (int)sizeof line) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
    }
    size_t len = strlen(line);
    /* once the overflow line is there, it stays the last line */
    int overflowed = !strncmp(err->text, "... and ", 8) ||
                     strstr(err->text, "\n... and ") != NULL;
    if (!overflowed && used + len + 2 + TAIL_RESERVE < PM_ERROR_TEXT_MAX) {
        memcpy(err->text + used, line, len);
        err->text[used + len] = '\n';
        err->text[used + len + 1] = '\0';
    } else {
        /* Replace any previous overflow line with an updated count. */
        char *mark = strstr(err->text, "... and ");
        if (mark)
            *mark = '\0';
        used = strlen(err->text);
        int shown = 0;
        for (const char *p = err->text; *p; p++)
            shown += *p == '\n';
        snprintf(err->text + used, PM_ERROR_TEXT_MAX - used,
                 "... and %d more problems\n", err->count - shown);
    }
    return status;
}
