#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pm_jw_init(pm_jw *w, int pretty_depth)
{
    memset(w, 0, sizeof *w);
    w->pretty_depth = pretty_depth;
    w->first[0] = true;
}

static void put(pm_jw *w, const char *s, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        while (w->len + n + 1 > cap)
            cap *= 2;
        char *nb = realloc(w->buf, cap);
        if (!nb) {
            w->oom = true;
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void puts_(pm_jw *w, const char *s) { put(w, s, strlen(s)); }

static void newline(pm_jw *w, int depth)
{
    put(w, "\n", 1);
    for (int i = 0; i < depth; i++)
        put(w, "  ", 2);
}

/* Separator and layout before a value or key at the current depth. */
static void before_item(pm_jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (!w->first[w->depth])
            put(w, w->depth <= w->pretty_depth ? "," : ", ", w->depth <= w->pretty_depth ? 1 : 2);
        if (w->depth <= w->pretty_depth)
            newline(w, w->depth);
    }
    w->first[w->depth] = false;
}

static void open_(pm_jw *w, const char *c)
{
    before_item(w);
    puts_(w, c);
    if (w->depth + 1 >= PM_JW_MAX_DEPTH) {
        w->oom = true; /* deeper than we ever write: a programming error */
        return;
    }
    w->depth++;
    w->first[w->depth] = true;
}

static void close_(pm_jw *w, const char *c)
{
    bool empty = w->first[w->depth];
    w->depth--;
    if (!empty && w->depth + 1 <= w->pretty_depth)
        newline(w, w->depth);
    puts_(w, c);
    if (w->depth == 0)
        put(w, "\n", 1);
}

void pm_jw_begin_object(pm_jw *w) { open_(w, "{"); }
void pm_jw_end_object(pm_jw *w) { close_(w, "}"); }
void pm_jw_begin_array(pm_jw *w) { open_(w, "["); }
void pm_jw_end_array(pm_jw *w) { close_(w, "]"); }

static void string_body(pm_jw *w, const char *s)
{
    put(w, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': puts_(w, "\\\""); break;
        case '\\': puts_(w, "\\\\"); break;
        case '\n': puts_(w, "\\n"); break;
        case '\r': puts_(w, "\\r"); break;
        case '\t': puts_(w, "\\t"); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                puts_(w, esc);
            } else {
                put(w, (const char *)p, 1);
            }
        }
    }
    put(w, "\"", 1);
}

void pm_jw_key(pm_jw *w, const char *key)
{
    before_item(w);
    string_body(w, key);
    put(w, ": ", 2);
    w->after_key = true;
}

void pm_jw_string(pm_jw *w, const char *s)
{
    before_item(w);
    string_body(w, s ? s : "");
}

void pm_format_number(char *out, size_t size, double v, int decimals)
{
    if (!isfinite(v)) {
        snprintf(out, size, "null");
        return;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    snprintf(out, size, "%.*f", decimals, v);
    char *dot = strchr(out, '.');
    if (dot) {
        char *end = out + strlen(out) - 1;
        while (end > dot && *end == '0')
            *end-- = '\0';
        if (end == dot)
            *end = '\0';
    }
    if (strcmp(out, "-0") == 0)
        snprintf(out, size, "0");
}

void pm_jw_number(pm_jw *w, double v, int decimals)
{
    char tmp[400];
    before_item(w);
    pm_format_number(tmp, sizeof tmp, v, decimals);
    puts_(w, tmp);
}

void pm_jw_int(pm_jw *w, long long v)
{
    char tmp[32];
    before_item(w);
    snprintf(tmp, sizeof tmp, "%lld", v);
    puts_(w, tmp);
}

void pm_jw_bool(pm_jw *w, bool v)
{
    before_item(w);
    puts_(w, v ? "true" : "false");
}

void pm_jw_null(pm_jw *w)
{
    before_item(w);
    puts_(w, "null");
}

void pm_jw_raw(pm_jw *w, const char *json)
{
    before_item(w);
    puts_(w, json);
}

char *pm_jw_finish(pm_jw *w, size_t *len)
{
    char *out = w->buf;
    size_t n = w->len;
    if (w->oom) {
        free(out);
        out = NULL;
        n = 0;
    } else if (!out) {
        out = calloc(1, 1); /* nothing written: an empty string */
    }
    if (len)
        *len = out ? n : 0;
    w->buf = NULL;
    w->len = w->cap = 0;
    return out;
}

void pm_jw_discard(pm_jw *w)
{
    free(w->buf);
    w->buf = NULL;
    w->len = w->cap = 0;
}
