#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void pm_jr_init(pm_jr *jr, const char *file, pm_error *err)
{
    jr->file = file;
    jr->err = err;
    jr->path[0] = '\0';
    jr->len = 0;
    jr->problems = 0;
}

static void line_col(const char *data, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (data[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* Scans the raw text for bracket depth (outside strings), so that a
 * deeply nested document is refused before cJSON recurses into it. */
static size_t too_deep_at(const char *s, size_t len)
{
    int depth = 0;
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > PM_MAX_NESTING)
                return i;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return (size_t)-1;
}

/* cJSON decodes \u0000 into a NUL that silently cuts a string short (a
 * type "x\u0000y" would read as "x"): refuse it. */
static size_t escaped_nul_at(const char *s, size_t len)
{
    int in_str = 0;
    for (size_t i = 0; i < len; i++) {
        if (!in_str) {
            in_str = s[i] == '"';
        } else if (s[i] == '"') {
            in_str = 0;
        } else if (s[i] == '\\') {
            if (i + 5 < len && s[i + 1] == 'u' && !memcmp(s + i + 2, "0000", 4))
                return i;
            i++;
        }
    }
    return (size_t)-1;
}

/* ---- a JSON syntax check that allocates nothing ------------------------
 * cJSON returns NULL both for bad syntax and when malloc fails, and says
 * nothing about which.  When it fails on text this check accepts, memory
 * ran out.  The check is at least as strict as cJSON 1.7 (RFC 8259, plus
 * cJSON's own limits: numbers of at most 63 characters, \u escapes that
 * are valid UTF-16), so a syntax error is never reported as "out of
 * memory".  Nesting is already capped (too_deep_at), so the recursion is
 * bounded. */
typedef struct scan {
    const char *s;
    size_t i, n;
} scan;

static void scan_ws(scan *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
                           c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static bool scan_lit(scan *c, const char *word)
{
    size_t k = strlen(word);
    if (c->n - c->i < k || memcmp(c->s + c->i, word, k))
        return false;
    c->i += k;
    return true;
}

static int scan_hex4(scan *c)
{
    int v = 0;
    if (c->n - c->i < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        char h = c->s[c->i++];
        int d = h >= '0' && h <= '9'   ? h - '0'
                : h >= 'a' && h <= 'f' ? h - 'a' + 10
                : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* After a backslash. */
static bool scan_escape(scan *c)
{
    if (c->i >= c->n)
        return false;
    char e = c->s[c->i++];
    if (e != 'u')
        return strchr("\"\\/bfnrt", e) != NULL;
    int u = scan_hex4(c);
    if (u < 0 || (u >= 0xdc00 && u <= 0xdfff))
        return false;
    if (u < 0xd800 || u > 0xdbff)
        return true;
    if (!scan_lit(c, "\\u")) /* a high surrogate needs a low one */
        return false;
    int lo = scan_hex4(c);
    return lo >= 0xdc00 && lo <= 0xdfff;
}

static bool scan_string(scan *c)
{
    if (c->i >= c->n || c->s[c->i] != '"')
        return false;
    c->i++;
    while (c->i < c->n) {
        unsigned char ch = (unsigned char)c->s[c->i++];
        if (ch == '"')
            return true;
        if (ch < 0x20 || (ch == '\\' && !scan_escape(c)))
            return false;
    }
    return false;
}

static bool scan_digits(scan *c)
{
    size_t start = c->i;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
        c->i++;
    return c->i > start;
}

static bool scan_number(scan *c)
{
    size_t start = c->i;
    if (c->i < c->n && c->s[c->i] == '-')
        c->i++;
    if (c->i < c->n && c->s[c->i] == '0')
        c->i++;
    else if (!scan_digits(c))
        return false;
    if (c->i < c->n && c->s[c->i] == '.' && (c->i++, !scan_digits(c)))
        return false;
    if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
        c->i++;
        if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
            c->i++;
        if (!scan_digits(c))
            return false;
    }
    return c->i - start <= 63; /* cJSON reads at most 63 characters */
}

static bool scan_value(scan *c);

/* The members of an array or object, after its opening bracket. */
static bool scan_members(scan *c, char close, bool keyed)
{
    scan_ws(c);
    if (c->i < c->n && c->s[c->i] == close) {
        c->i++;
        return true;
    }
    for (;;) {
        if (keyed) {
            if (!scan_string(c))
                return false;
            scan_ws(c);
            if (c->i >= c->n || c->s[c->i++] != ':')
                return false;
        }
        if (!scan_value(c) || c->i >= c->n)
            return false;
        char ch = c->s[c->i++];
        if (ch == close)
            return true;
        if (ch != ',')
            return false;
        scan_ws(c);
    }
}

static bool scan_value(scan *c)
{
    scan_ws(c);
    if (c->i >= c->n)
        return false;
    char ch = c->s[c->i];
    bool ok;
    if (ch == '{' || ch == '[') {
        c->i++;
        ok = scan_members(c, ch == '{' ? '}' : ']', ch == '{');
    } else if (ch == '"') {
        ok = scan_string(c);
    } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
        ok = scan_number(c);
    } else {
        ok = scan_lit(c, "true") || scan_lit(c, "false") || scan_lit(c, "null");
    }
    scan_ws(c);
    return ok;
}

/* True when text (NUL-free, nesting capped) is one well-formed value. */
static bool json_syntax_ok(const char *text, size_t len)
{
    scan c = {text, 0, len};
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) /* cJSON skips a BOM */
        c.i = 3;
    return scan_value(&c) && c.i == len;
}

cJSON *pm_json_parse(const char *data, size_t len, const char *file,
                     pm_error *err)
{
    int line, col;
    if (len > PM_MAX_FILE_BYTES) {
        pm_err_add(err, PM_ERR_LIMIT, file, NULL,
                   "input is %zu bytes, more than the limit of %zu", len,
                   PM_MAX_FILE_BYTES);
        return NULL;
    }
    size_t nul = strnlen(data, len);
    if (nul < len) {
        line_col(data, nul, &line, &col);
        pm_err_add(err, PM_ERR_PARSE, file, NULL,
                   "line %d, column %d: NUL byte in JSON text", line, col);
        return NULL;
    }
    size_t esc = escaped_nul_at(data, len);
    if (esc != (size_t)-1) {
        line_col(data, esc, &line, &col);
        pm_err_add(err, PM_ERR_PARSE, file, NULL,
                   "line %d, column %d: \\u0000 (NUL) in a string is not allowed",
                   line, col);
        return NULL;
    }
    size_t deep = too_deep_at(data, len);
    if (deep != (size_t)-1) {
        line_col(data, deep, &line, &col);
        pm_err_add(err, PM_ERR_LIMIT, file, NULL,
                   "line %d, column %d: nesting deeper than %d levels", line,
                   col, PM_MAX_NESTING);
        return NULL;
    }
    char *text = malloc(len + 1);
    if (!text) {
        pm_err_add(err, PM_ERR_NOMEM, file, NULL, "out of memory");
        return NULL;
    }
    memcpy(text, data, len);
    text[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(text, &end, 1);
    if (!root && json_syntax_ok(text, len)) {
        pm_err_add(err, PM_ERR_NOMEM, file, NULL, "out of memory");
    } else if (!root) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        if (off > len)
            off = len;
        line_col(text, off, &line, &col);
        pm_err_add(err, PM_ERR_PARSE, file, NULL,
                   "line %d, column %d: malformed JSON", line, col);
    }
    free(text);
    return root;
}

/* Refuses a regular file over the limit before reading it; anything else
 * (a pipe, /dev/zero) is read only up to one byte past the limit. */
static pm_status read_capped(FILE *f, const char *path, char **data,
                             size_t *len, pm_error *err)
{
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_size > PM_MAX_FILE_BYTES)
        return pm_err_add(err, PM_ERR_LIMIT, path, NULL,
                          "file is larger than the limit of %zu bytes",
                          PM_MAX_FILE_BYTES);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    if (!buf)
        return pm_err_add(err, PM_ERR_NOMEM, path, NULL,
                          "out of memory reading the file");
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > PM_MAX_FILE_BYTES) {
            free(buf);
            return pm_err_add(err, PM_ERR_LIMIT, path, NULL,
                              "file is larger than the limit of %zu bytes",
                              PM_MAX_FILE_BYTES);
        }
        if (n == cap) {
            size_t bigger = cap * 2 > PM_MAX_FILE_BYTES + 1 ? PM_MAX_FILE_BYTES + 1
                                                            : cap * 2;
            char *b = realloc(buf, bigger);
            if (!b) {
                free(buf);
                return pm_err_add(err, PM_ERR_NOMEM, path, NULL,
                                  "out of memory reading the file");
            }
            buf = b;
            cap = bigger;
        }
    }
    if (ferror(f)) {
        free(buf);
        return pm_err_add(err, PM_ERR_IO, path, NULL, "read error");
    }
    *data = buf;
    *len = n;
    return PM_OK;
}

pm_status pm_read_file(const char *path, char **data, size_t *len,
                       pm_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return pm_err_add(err, PM_ERR_IO, path, NULL, "cannot open: %s",
                          strerror(errno));
    pm_status st = read_capped(f, path, data, len, err);
    fclose(f);
    return st;
}

/* Keys come from the input: keep paths printable and short. */
static void append_sanitized(pm_jr *jr, const char *s)
{
    int count = 0;
    for (; *s && jr->len + 5 < PM_JR_PATH_MAX; s++, count++) {
        unsigned char c = (unsigned char)*s;
        if (count == 64) {
            jr->len += (size_t)snprintf(jr->path + jr->len,
                                        PM_JR_PATH_MAX - jr->len, "...");
            break;
        }
        jr->path[jr->len++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    jr->path[jr->len] = '\0';
}

size_t pm_jr_push_key(pm_jr *jr, const char *key)
{
    size_t saved = jr->len;
    if (jr->len && jr->len + 1 < PM_JR_PATH_MAX)
        jr->path[jr->len++] = '.';
    append_sanitized(jr, key);
    return saved;
}

size_t pm_jr_push_index(pm_jr *jr, int index)
{
    size_t saved = jr->len;
    int n = snprintf(jr->path + jr->len, PM_JR_PATH_MAX - jr->len, "[%d]",
                     index);
    if (n > 0 && jr->len + (size_t)n < PM_JR_PATH_MAX)
        jr->len += (size_t)n;
    jr->path[jr->len] = '\0';
    return saved;
}

void pm_jr_pop(pm_jr *jr, size_t saved)
{
    jr->len = saved;
    jr->path[saved] = '\0';
}

static void vfail(pm_jr *jr, pm_status st, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    jr->problems++;
    pm_err_add(jr->err, st, jr->file, jr->len ? jr->path : "(root)", "%s",
               msg);
}

void pm_jr_fail(pm_jr *jr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(jr, PM_ERR_INVALID, fmt, ap);
    va_end(ap);
}

void pm_jr_fail_status(pm_jr *jr, pm_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(jr, st, fmt, ap);
    va_end(ap);
}

void pm_jr_fail_at(pm_jr *jr, const char *key, const char *fmt, ...)
{
    size_t saved = pm_jr_push_key(jr, key);
    va_list ap;
    va_start(ap, fmt);
    vfail(jr, PM_ERR_INVALID, fmt, ap);
    va_end(ap);
    pm_jr_pop(jr, saved);
}

bool pm_jr_expect_object(pm_jr *jr, const cJSON *obj)
{
    if (cJSON_IsObject(obj))
        return true;
    pm_jr_fail(jr, "expected an object");
    return false;
}

bool pm_jr_check_keys(pm_jr *jr, const cJSON *obj, const char *const *allowed)
{
    if (!pm_jr_expect_object(jr, obj))
        return false;
    enum { MAX_ALLOWED = 32 };
    int first_at[MAX_ALLOWED];
    int n_allowed = 0;
    while (allowed[n_allowed] && n_allowed < MAX_ALLOWED)
        first_at[n_allowed++] = -1;
    bool ok = true;
    int pos = 0;
    for (const cJSON *it = obj->child; it; it = it->next, pos++) {
        int k = 0;
        while (k < n_allowed && strcmp(allowed[k], it->string) != 0)
            k++;
        if (k == n_allowed) {
            pm_jr_fail_at(jr, it->string, "unknown field");
            ok = false;
        } else if (first_at[k] >= 0) {
            pm_jr_fail_at(jr, it->string, "duplicate field");
            ok = false;
        } else {
            first_at[k] = pos;
        }
    }
    return ok;
}

bool pm_json_valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2
                  : (c >> 3) == 30 ? 3 : -1;
        if (extra < 0 || (extra == 1 && c < 0xc2) || c > 0xf4)
            return false;
        unsigned cp = extra ? c & (0x3fu >> extra) : c;
        p++;
        for (int i = 0; i < extra; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (*p & 0x3f);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)))
            return false;
    }
    return true;
}

bool pm_jr_string_value(pm_jr *jr, const cJSON *item, size_t max_len,
                        const char **out)
{
    if (!cJSON_IsString(item)) {
        pm_jr_fail(jr, "expected a string");
        return false;
    }
    const char *s = item->valuestring;
    size_t n = strlen(s);
    if (n == 0 || n > max_len) {
        pm_jr_fail(jr, "length %zu is out of range 1..%zu", n, max_len);
        return false;
    }
    if (!pm_json_valid_utf8(s)) {
        pm_jr_fail(jr, "not valid UTF-8");
        return false;
    }
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            pm_jr_fail(jr, "control character in string");
            return false;
        }
    }
    *out = s;
    return true;
}

/* Finds key, recording "missing" when required. */
static const cJSON *field(pm_jr *jr, const cJSON *obj, const char *key,
                          bool required)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!it && required)
        pm_jr_fail_at(jr, key, "required field is missing");
    return it;
}

bool pm_jr_string(pm_jr *jr, const cJSON *obj, const char *key, bool required,
                  size_t max_len, const char **out)
{
    const cJSON *it = field(jr, obj, key, required);
    if (!it)
        return false;
    size_t saved = pm_jr_push_key(jr, key);
    bool ok = pm_jr_string_value(jr, it, max_len, out);
    pm_jr_pop(jr, saved);
    return ok;
}

bool pm_json_is_int(const cJSON *item, double lo, double hi)
{
    double v = item->valuedouble;
    return cJSON_IsNumber(item) && isfinite(v) && v == floor(v) && v >= lo &&
           v <= hi;
}

bool pm_jr_int(pm_jr *jr, const cJSON *obj, const char *key, bool required,
               int lo, int hi, int *out)
{
    const cJSON *it = field(jr, obj, key, required);
    if (!it)
        return false;
    if (!cJSON_IsNumber(it) || !pm_json_is_int(it, -1e18, 1e18)) {
        pm_jr_fail_at(jr, key, "expected an integer");
        return false;
    }
    if (it->valuedouble < lo || it->valuedouble > hi) {
        pm_jr_fail_at(jr, key, "%.0f is out of range %d..%d",
                      it->valuedouble, lo, hi);
        return false;
    }
    *out = (int)it->valuedouble;
    return true;
}

bool pm_jr_number(pm_jr *jr, const cJSON *obj, const char *key, bool required,
                  double lo, double hi, double *out)
{
    const cJSON *it = field(jr, obj, key, required);
    if (!it)
        return false;
    double v = it->valuedouble;
    if (!cJSON_IsNumber(it) || !isfinite(v)) {
        pm_jr_fail_at(jr, key, "expected a finite number");
        return false;
    }
    if (v < lo || v > hi) {
        pm_jr_fail_at(jr, key, "%g is out of range %g..%g", v, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

bool pm_jr_bool(pm_jr *jr, const cJSON *obj, const char *key, bool required,
                bool *out)
{
    const cJSON *it = field(jr, obj, key, required);
    if (!it)
        return false;
    if (!cJSON_IsBool(it)) {
        pm_jr_fail_at(jr, key, "expected true or false");
        return false;
    }
    *out = cJSON_IsTrue(it);
    return true;
}

const cJSON *pm_jr_object(pm_jr *jr, const cJSON *obj, const char *key,
                          bool required)
{
    const cJSON *it = field(jr, obj, key, required);
    if (it && !cJSON_IsObject(it)) {
        pm_jr_fail_at(jr, key, "expected an object");
        return NULL;
    }
    return it;
}

const cJSON *pm_jr_array(pm_jr *jr, const cJSON *obj, const char *key,
                         bool required, int max_items)
{
    const cJSON *it = field(jr, obj, key, required);
    if (!it)
        return NULL;
    if (!cJSON_IsArray(it)) {
        pm_jr_fail_at(jr, key, "expected an array");
        return NULL;
    }
    int n = cJSON_GetArraySize(it);
    if (n > max_items) {
        size_t saved = pm_jr_push_key(jr, key);
        pm_jr_fail_status(jr, PM_ERR_LIMIT, "%d items, more than the limit of %d",
                          n, max_items);
        pm_jr_pop(jr, saved);
        return NULL;
    }
    return it;
}
