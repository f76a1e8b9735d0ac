/*
 * Shared checks for the libFuzzer harnesses (tests/fuzz/README.md).
 *
 * A crash, a sanitizer report, a leak or a timeout is a finding by itself;
 * these checks add the library's promises about *what* it returns, so that
 * a wrong answer is a finding too:
 *  - a failed call leaves *out NULL and describes every problem in the
 *    pm_error: the status matches, count >= 1, and every line names the
 *    input ("name: ...") and is printable (no control characters from the
 *    input can reach a terminal or a log);
 *  - a successful call leaves the pm_error empty.
 * fuzz_fail() reports through abort(), which libFuzzer records as a crash
 * with the input that caused it.
 */
#ifndef PM_FUZZ_COMMON_H
#define PM_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "placematch/placematch.h"

#ifndef PM_FUZZ_DIR /* set by scripts/fuzz.sh: this folder */
#define PM_FUZZ_DIR "tests/fuzz"
#endif

#define FUZZ_NAME "fuzz.json"

static inline void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "FUZZ CHECK FAILED: %s\n%s\n", what, detail ? detail : "");
    abort();
}

/* Text meant for a terminal: printable, or UTF-8 (bytes >= 0x80), tabs
 * and newlines only. */
static inline int fuzz_printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            return 0;
    }
    return 1;
}

/* name: the input every line must start with ("name: "), or NULL when
 * lines may name other files (a commissioning file's base scenario). */
static inline void fuzz_check_error(pm_status st, const pm_error *err,
                             const char *name)
{
    if (st == PM_OK) {
        if (err->status != PM_OK || err->count != 0 || err->text[0])
            fuzz_fail("PM_OK with a non-empty pm_error", err->text);
        return;
    }
    if (err->status != st)
        fuzz_fail("returned status differs from err->status", err->text);
    if (err->count < 1 || !err->text[0])
        fuzz_fail("failure without a message", err->text);
    size_t n = strnlen(err->text, PM_ERROR_TEXT_MAX);
    if (n == PM_ERROR_TEXT_MAX)
        fuzz_fail("error text not NUL-terminated", NULL);
    if (!fuzz_printable(err->text, n))
        fuzz_fail("control character in an error message", err->text);
    if (err->text[n - 1] != '\n')
        fuzz_fail("error text does not end with a newline", err->text);
    size_t name_len = name ? strlen(name) : 0;
    for (const char *line = err->text; *line;) {
        const char *eol = strchr(line, '\n');
        const char *colon = strstr(line, ": ");
        int overflow = !strncmp(line, "... and ", 8);
        int named = name ? !strncmp(line, name, name_len) && line[name_len] == ':'
                         : colon && colon < eol && colon > line;
        if (!overflow && !named)
            fuzz_fail("an error line does not name the input", err->text);
        line = eol + 1;
    }
}

/* Runs a printing function into memory and checks the text is printable. */
static inline void fuzz_check_printed(void (*print)(const void *obj, FILE *out),
                               const void *obj)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return;
    print(obj, f);
    fclose(f);
    if (!fuzz_printable(buf, len))
        fuzz_fail("control character in printed output", buf);
    free(buf);
}

/* The library's JSON outputs must parse back as one object, with every
 * control character below 0x20 escaped (the writer's line breaks aside). */
static inline void fuzz_check_json_text(const char *json)
{
    for (const char *p = json; *p; p++) /* JSON allows DEL, not these */
        if ((unsigned char)*p < 0x20 && *p != '\n')
            fuzz_fail("raw control character in JSON output", json);
    cJSON *root = cJSON_ParseWithOpts(json, NULL, 1);
    if (!cJSON_IsObject(root))
        fuzz_fail("JSON output does not parse as an object", json);
    cJSON_Delete(root);
}

#endif
