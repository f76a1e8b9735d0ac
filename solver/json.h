/* Reading JSON with cJSON, keeping track of the JSON path so that every
 * problem is reported as "file: path: message".  cJSON stays inside the
 * library: nothing in the public header mentions it. */
#ifndef PM_JSON_H
#define PM_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define PM_JR_PATH_MAX 256
/* Inputs beyond these are refused with PM_ERR_LIMIT. */
#define PM_MAX_FILE_BYTES ((size_t)512 << 20)
#define PM_MAX_NESTING 64

typedef struct pm_jr {
    const char *file;
    pm_error *err;
    char path[PM_JR_PATH_MAX];
    size_t len;
    int problems;
} pm_jr;

void pm_jr_init(pm_jr *jr, const char *file, pm_error *err);

/* Parses len bytes (need not be NUL-terminated).  Refuses trailing
 * garbage, NUL bytes and nesting deeper than PM_MAX_NESTING.  Returns NULL
 * and records the problem (with line and column) on failure. */
cJSON *pm_json_parse(const char *data, size_t len, const char *file,
                     pm_error *err);

/* Reads a whole file (at most PM_MAX_FILE_BYTES) into a malloc'd buffer. */
pm_status pm_read_file(const char *path, char **data, size_t *len,
                       pm_error *err);

/* Path building: each returns the previous length for pm_jr_pop. */
size_t pm_jr_push_key(pm_jr *jr, const char *key);
size_t pm_jr_push_index(pm_jr *jr, int index);
void pm_jr_pop(pm_jr *jr, size_t saved);

/* Records a problem at the current path (status PM_ERR_INVALID unless
 * given). */
void pm_jr_fail(pm_jr *jr, const char *fmt, ...) PM_PRINTF(2, 3);
void pm_jr_fail_status(pm_jr *jr, pm_status st, const char *fmt, ...)
    PM_PRINTF(3, 4);
/* Same, at current path + "." + key. */
void pm_jr_fail_at(pm_jr *jr, const char *key, const char *fmt, ...)
    PM_PRINTF(3, 4);

/* obj must be an object; every key must be in allowed (NULL-terminated)
 * and appear once.  Keys named "meta" are allowed when listed. */
bool pm_jr_expect_object(pm_jr *jr, const cJSON *obj);
bool pm_jr_check_keys(pm_jr *jr, const cJSON *obj, const char *const *allowed);

/* Typed field getters.  Each returns true when the field is present and
 * valid (writing *out), false when absent (recording a problem if
 * required) or invalid (always recording a problem). */
bool pm_jr_string(pm_jr *jr, const cJSON *obj, const char *key, bool required,
                  size_t max_len, const char **out);
bool pm_jr_int(pm_jr *jr, const cJSON *obj, const char *key, bool required,
               int lo, int hi, int *out);
bool pm_jr_number(pm_jr *jr, const cJSON *obj, const char *key, bool required,
                  double lo, double hi, double *out);
bool pm_jr_bool(pm_jr *jr, const cJSON *obj, const char *key, bool required,
                bool *out);
/* Object or array member with type check (NULL when absent or wrong). */
const cJSON *pm_jr_object(pm_jr *jr, const cJSON *obj, const char *key,
                          bool required);
const cJSON *pm_jr_array(pm_jr *jr, const cJSON *obj, const char *key,
                         bool required, int max_items);

/* A string value (not a field): checks type, UTF-8, length 1..max_len. */
bool pm_jr_string_value(pm_jr *jr, const cJSON *item, size_t max_len,
                        const char **out);
bool pm_json_valid_utf8(const char *s);
/* Integral number within lo..hi? */
bool pm_json_is_int(const cJSON *item, double lo, double hi);

#endif
