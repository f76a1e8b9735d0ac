/* A small JSON writer with fixed number formatting, so that results are
 * byte-for-byte reproducible (cJSON prints doubles with %.17g, which makes
 * 300.42 come out as 300.42000000000002). */
#ifndef PM_JSONW_H
#define PM_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#define PM_JW_MAX_DEPTH 32

typedef struct pm_jw {
    char *buf;
    size_t len, cap;
    int depth;
    int pretty_depth;            /* containers opened deeper print inline  */
    bool first[PM_JW_MAX_DEPTH]; /* no element written yet at this depth  */
    bool after_key;
    bool oom;
} pm_jw;

/* pretty_depth: 0 = everything on one line; N = containers at nesting depth
 * < N put each member on its own indented line. */
void pm_jw_init(pm_jw *w, int pretty_depth);
void pm_jw_begin_object(pm_jw *w);
void pm_jw_end_object(pm_jw *w);
void pm_jw_begin_array(pm_jw *w);
void pm_jw_end_array(pm_jw *w);
void pm_jw_key(pm_jw *w, const char *key);
void pm_jw_string(pm_jw *w, const char *s);
/* Fixed-point with at most `decimals` decimals, trailing zeros trimmed;
 * non-finite numbers are written as null (JSON has no NaN). */
void pm_jw_number(pm_jw *w, double v, int decimals);
void pm_jw_int(pm_jw *w, long long v);
void pm_jw_bool(pm_jw *w, bool v);
void pm_jw_null(pm_jw *w);
/* Appends raw text (already valid JSON) as a value. */
void pm_jw_raw(pm_jw *w, const char *json);
/* Returns the NUL-terminated text (ownership passes to the caller) or NULL
 * if an allocation failed; the writer is reset either way. */
char *pm_jw_finish(pm_jw *w, size_t *len);
void pm_jw_discard(pm_jw *w);

/* Formats v as pm_jw_number would, into out (>= 64 bytes). */
void pm_format_number(char *out, size_t size, double v, int decimals);

#endif
