/* CSV import (include/placematch/import.h, docs/IMPORT.md): two exports
 * and a policy become a placematch-scenario/1 document.
 *
 * The work is split so that the format's rules live in one place: this
 * module only converts cells (numbers, lists, need:level pairs) and writes
 * JSON; the scenario loader then checks every rule of spec/FORMAT.md, and
 * its problems ("children[12].needs.trauma: ...") are mapped back to the
 * file, row and column they came from.
 *
 * Cell contents are never quoted in messages: a shifted row can put a
 * name or a date of birth into any column, and messages reach terminals
 * and logs. */
#include "csvimport.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "json.h"
#include "jsonw.h"
#include "scenario.h"

#define OUT_NAME "(imported scenario)"
#define DEFAULT_NAME "Imported scenario"
#define META_PREFIX "meta."
#define MAX_CELL_ITEMS PM_MAX_LIST
#define MAX_COLUMNS 1000 /* far more than the 14 known, for meta.* */

/* ------------------------------------------------------------------ */
/* Reading a table with libcsv                                        */
/* ------------------------------------------------------------------ */

typedef struct reader {
    pm_csv_table *t;
    pm_error *err;
    char **fields; /* the record being read */
    int nfields, capfields;
    int caprows;
    int line;  /* the line being fed to the parser */
    int start; /* the line where the current record began; 0: none yet */
    int max_rows;
    int problems;
    bool oom, stop;
} reader;

void pm_csv_column_letter(int col, char *out, size_t size)
{
    char tmp[16];
    int n = 0;
    for (col++; col > 0 && n < (int)sizeof tmp; col = (col - 1) / 26)
        tmp[n++] = (char)('A' + (col - 1) % 26);
    size_t k = 0;
    while (n > 0 && k + 1 < size)
        out[k++] = tmp[--n];
    if (size)
        out[k] = '\0';
}

static void read_fail(reader *R, pm_status st, int row, const char *fmt, ...)
    PM_PRINTF(4, 5);

static void read_fail(reader *R, pm_status st, int row, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pm_err_add(R->err, st, R->t->file, NULL, "row %d: %s", row, msg);
    R->problems++;
}

static void on_field(void *s, size_t len, void *data)
{
    reader *R = data;
    if (R->stop || R->oom)
        return;
    if (R->nfields == R->capfields) {
        int cap = R->capfields ? R->capfields * 2 : 16;
        char **bigger = realloc(R->fields, (size_t)cap * sizeof *bigger);
        if (!bigger) {
            R->oom = true;
            return;
        }
        R->fields = bigger;
        R->capfields = cap;
    }
    char *copy = pm_arena_alloc(&R->t->arena, len + 1);
    if (!copy) {
        R->oom = true;
        return;
    }
    if (len)
        memcpy(copy, s, len);
    /* a NUL inside a cell would silently cut it short: mark it for
       check_cells (0x01 never passes the control-character check) */
    for (size_t i = 0; i < len; i++)
        if (copy[i] == '\0')
            copy[i] = '\x01';
    R->fields[R->nfields++] = copy;
}

static bool grow_rows(reader *R)
{
    pm_csv_table *t = R->t;
    int cap = R->caprows ? R->caprows * 2 : 64;
    char **cell = realloc(t->cell, (size_t)cap * (size_t)t->ncols * sizeof *cell);
    if (cell)
        t->cell = cell;
    int *row = cell ? realloc(t->row, (size_t)cap * sizeof *row) : NULL;
    if (row)
        t->row = row;
    if (!cell || !row)
        return false;
    R->caprows = cap;
    return true;
}

static void store_row(reader *R, int row)
{
    pm_csv_table *t = R->t;
    if (R->nfields != t->ncols) {
        read_fail(R, PM_ERR_INVALID, row, "%d cells, but the header has %d "
                  "columns", R->nfields, t->ncols);
        return;
    }
    if (t->nrows == R->max_rows) {
        read_fail(R, PM_ERR_LIMIT, row, "more than %d rows, the most a "
                  "scenario may hold", R->max_rows);
        R->stop = true;
        return;
    }
    if (t->nrows == R->caprows && !grow_rows(R)) {
        R->oom = true;
        return;
    }
    memcpy(t->cell + (size_t)t->nrows * (size_t)t->ncols, R->fields,
           (size_t)t->ncols * sizeof *R->fields);
    t->row[t->nrows++] = row;
}

static void on_record(int c, void *data)
{
    reader *R = data;
    (void)c;
    int row = R->start ? R->start : R->line;
    R->start = 0;
    /* a row of empty cells (",,,,", as spreadsheets write for rows that
       were once formatted) is as blank as an empty line */
    bool blank = true;
    for (int i = 0; i < R->nfields && blank; i++)
        blank = R->fields[i][0] == '\0';
    if (!R->stop && !R->oom && !blank) {
        if (!R->t->header && R->nfields > MAX_COLUMNS) {
            read_fail(R, PM_ERR_LIMIT, row, "%d columns, more than the limit "
                      "of %d", R->nfields, MAX_COLUMNS);
            R->stop = true;
        } else if (!R->t->header) {
            R->t->header = R->fields;
            R->t->ncols = R->nfields;
            R->fields = NULL;
            R->capfields = 0;
        } else {
            store_row(R, row);
        }
    }
    R->nfields = 0;
}

static bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* Feeds the text a line at a time, so that each record knows the line it
 * began on (a quoted cell may span lines). */
static void feed(reader *R, struct csv_parser *p, const char *data, size_t len)
{
    size_t off = 0;
    while (off < len && !R->stop && !R->oom) {
        const char *nl = memchr(data + off, '\n', len - off);
        size_t n = nl ? (size_t)(nl - (data + off)) + 1 : len - off;
        R->line++;
        if (!R->start && !blank_line(data + off, n))
            R->start = R->line;
        if (csv_parse(p, data + off, n, on_field, on_record, R) != n) {
            if (csv_error(p) == CSV_ENOMEM)
                R->oom = true;
            else
                read_fail(R, PM_ERR_PARSE, R->line, "malformed CSV: a quote "
                          "inside an unquoted cell, or text after a closing "
                          "quote (quote the whole cell and double any quote "
                          "in it)");
            R->stop = true;
        }
        off += n;
    }
}

/* Every cell: UTF-8, no control characters but tab (a quoted cell may
 * hold a line break, which is kept out of ids by the loader). */
static void check_cells(reader *R)
{
    pm_csv_table *t = R->t;
    for (int r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            const char *s = t->cell[(size_t)r * (size_t)t->ncols + (size_t)c];
            char col[16];
            bool ctl = false;
            for (const char *q = s; *q; q++)
                ctl |= (unsigned char)*q < 0x20 && *q != '\t' && *q != '\n' &&
                       *q != '\r';
            pm_csv_column_letter(c, col, sizeof col);
            if (!pm_json_valid_utf8(s))
                read_fail(R, PM_ERR_INVALID, t->row[r], "column %s (%s): not "
                          "valid UTF-8 (export the file as \"CSV UTF-8\")",
                          col, t->header[c]);
            else if (ctl)
                read_fail(R, PM_ERR_INVALID, t->row[r], "column %s (%s): a "
                          "NUL or control character", col, t->header[c]);
        }
}

static void check_header(reader *R)
{
    pm_csv_table *t = R->t;
    for (int c = 0; c < t->ncols; c++) {
        const char *s = t->header[c];
        bool ctl = false;
        for (const char *q = s; *q; q++)
            ctl |= (unsigned char)*q < 0x20 || *q == 0x7f;
        if (!pm_json_valid_utf8(s) || ctl) {
            read_fail(R, PM_ERR_INVALID, 1, "column %d: the column name is "
                      "not printable UTF-8", c + 1);
            /* later messages quote column names: make this one printable */
            for (char *q = t->header[c]; *q; q++)
                if ((unsigned char)*q < 0x20 || (unsigned char)*q >= 0x7f)
                    *q = '?';
        }
    }
}

void pm_csv_free(pm_csv_table *t)
{
    if (!t)
        return;
    free(t->header);
    free(t->cell);
    free(t->row);
    pm_arena_free(&t->arena);
    memset(t, 0, sizeof *t);
}

static void reset_table(pm_csv_table *t, const char *file)
{
    pm_csv_free(t);
    t->file = file;
}

pm_status pm_csv_read(const char *file, const char *data, size_t len,
                      char delimiter, int max_rows, pm_csv_table *t,
                      pm_error *err)
{
    memset(t, 0, sizeof *t);
    t->file = file;
    pm_arena_init(&t->arena);
    reader R = {.t = t, .err = err, .max_rows = max_rows};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return pm_err_add(err, PM_ERR_NOMEM, file, NULL, "out of memory");
    csv_set_delim(&p, (unsigned char)delimiter);
    if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3)) { /* Excel's BOM */
        data += 3;
        len -= 3;
    }
    feed(&R, &p, data, len);
    if (!R.stop && !R.oom && csv_fini(&p, on_field, on_record, &R) != 0)
        read_fail(&R, PM_ERR_PARSE, R.start ? R.start : R.line,
                  "malformed CSV: a quoted cell is never closed");
    csv_free(&p);
    free(R.fields);
    if (R.oom)
        pm_err_add(err, PM_ERR_NOMEM, file, NULL, "out of memory");
    else if (!R.problems && !t->header)
        read_fail(&R, PM_ERR_INVALID, 1, "no header row (the file is empty)");
    if (!R.oom && !R.problems) {
        check_header(&R);
        check_cells(&R);
    }
    if (R.oom || R.problems) {
        reset_table(t, file);
        return err && err->status != PM_OK ? err->status : PM_ERR_INVALID;
    }
    return PM_OK;
}

/* ------------------------------------------------------------------ */
/* Columns                                                            */
/* ------------------------------------------------------------------ */

typedef enum { CELL_TEXT, CELL_INT, CELL_NUMBER, CELL_BOOL, CELL_LIST,
               CELL_LEVELS } cell_kind;

/* A column and the JSON it becomes.  Two columns with the same key (home,
 * location) make one {"lat", "lon"} object, sub naming the member. */
typedef struct col_spec {
    const char *column;
    const char *key;
    const char *sub;
    cell_kind kind;
    bool required;
} col_spec;

static const col_spec child_cols[] = {
    {"id", "id", NULL, CELL_TEXT, true},
    {"age", "age", NULL, CELL_INT, true},
    {"sex", "sex", NULL, CELL_TEXT, true},
    {"home_lat", "home", "lat", CELL_NUMBER, true},
    {"home_lon", "home", "lon", CELL_NUMBER, true},
    {"needs", "needs", NULL, CELL_LEVELS, false},
    {"sibling_group", "sibling_group", NULL, CELL_TEXT, false},
    {"types", "types", NULL, CELL_LIST, false},
    {"max_miles", "max_miles", NULL, CELL_NUMBER, false},
    {"current", "current", NULL, CELL_TEXT, false},
    {"stay", "stay", NULL, CELL_BOOL, false},
    {"avoid", "avoid", NULL, CELL_LIST, false},
    {NULL, NULL, NULL, CELL_TEXT, false}};

static const col_spec placement_cols[] = {
    {"id", "id", NULL, CELL_TEXT, true},
    {"name", "name", NULL, CELL_TEXT, false},
    {"type", "type", NULL, CELL_TEXT, true},
    {"provider", "provider", NULL, CELL_TEXT, false},
    {"lat", "location", "lat", CELL_NUMBER, true},
    {"lon", "location", "lon", CELL_NUMBER, true},
    {"capacity", "capacity", NULL, CELL_INT, true},
    {"sibling_only", "sibling_only", NULL, CELL_INT, false},
    {"age_min", "age_min", NULL, CELL_INT, false},
    {"age_max", "age_max", NULL, CELL_INT, false},
    {"sexes", "sexes", NULL, CELL_LIST, false},
    {"supports", "supports", NULL, CELL_LEVELS, false},
    {"weekly_cost", "weekly_cost", NULL, CELL_NUMBER, true},
    {"reserved_for", "reserved_for", NULL, CELL_LIST, false},
    {NULL, NULL, NULL, CELL_TEXT, false}};

#define MAX_SPECS 16

/* One input table with its columns resolved. */
typedef struct sheet {
    pm_csv_table t;
    const col_spec *specs;
    const char *list; /* "children" or "placements": the JSON array */
    int col_of[MAX_SPECS]; /* spec -> table column, or -1 */
    unsigned char *bad;    /* nrows * ncols: a problem already reported */
    bool usable;           /* the header is right: rows can be converted */
} sheet;

typedef struct importer {
    pm_error *err;
    pm_import_options opts;
    sheet kids, homes;
    int problems;
    bool oom;
} importer;

static const char *cell_at(const sheet *S, int r, int c)
{
    return S->t.cell[(size_t)r * (size_t)S->t.ncols + (size_t)c];
}

static void cell_fail(importer *I, sheet *S, int r, int c, const char *fmt,
                      ...) PM_PRINTF(5, 6);

static void cell_fail(importer *I, sheet *S, int r, int c, const char *fmt,
                      ...)
{
    char msg[512], col[16];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pm_csv_column_letter(c, col, sizeof col);
    pm_err_add(I->err, PM_ERR_INVALID, S->t.file, NULL,
               "row %d, column %s (%s): %s", S->t.row[r], col,
               S->t.header[c], msg);
    S->bad[(size_t)r * (size_t)S->t.ncols + (size_t)c] = 1;
    I->problems++;
}

static void header_fail(importer *I, sheet *S, const char *fmt, ...)
    PM_PRINTF(3, 4);

static void header_fail(importer *I, sheet *S, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pm_err_add(I->err, PM_ERR_INVALID, S->t.file, NULL, "row 1: %s", msg);
    I->problems++;
    S->usable = false;
}

/* Column names are matched without regard to case ("ID" is "id"). */
static int spec_index(const col_spec *specs, const char *column)
{
    for (int k = 0; specs[k].column; k++)
        if (!strcasecmp(specs[k].column, column))
            return k;
    return -1;
}

static bool meta_column(const char *name)
{
    size_t n = strlen(name), p = strlen(META_PREFIX);
    return n > p && n - p <= PM_ID_MAX && !strncmp(name, META_PREFIX, p);
}

static void known_columns(const col_spec *specs, char *out, size_t size)
{
    size_t n = 0;
    out[0] = '\0';
    for (int k = 0; specs[k].column && n < size; k++)
        n += (size_t)snprintf(out + n, size - n, "%s%s", k ? ", " : "",
                              specs[k].column);
}

/* Matches the header against the specs: every required column, no
 * unknown one (a misspelt optional column must not be silently dropped),
 * none twice. */
static void resolve_columns(importer *I, sheet *S)
{
    char known[512];
    S->usable = true;
    for (int k = 0; k < MAX_SPECS; k++)
        S->col_of[k] = -1;
    for (int c = 0; c < S->t.ncols; c++) {
        const char *name = S->t.header[c];
        int k = spec_index(S->specs, name);
        char col[16];
        pm_csv_column_letter(c, col, sizeof col);
        for (int d = 0; d < c; d++)
            if (!strcasecmp(S->t.header[d], name))
                header_fail(I, S, "column %s: \"%s\" appears twice", col, name);
        if (k >= 0) {
            S->col_of[k] = S->col_of[k] < 0 ? c : S->col_of[k];
        } else if (!meta_column(name)) {
            known_columns(S->specs, known, sizeof known);
            header_fail(I, S, "column %s: unknown column \"%s\" (known: %s; "
                        "or name it meta.%s to carry it into the record's "
                        "meta)", col, name, known, name[0] ? name : "x");
        }
    }
    for (int k = 0; S->specs[k].column; k++)
        if (S->specs[k].required && S->col_of[k] < 0)
            header_fail(I, S, "required column \"%s\" is missing",
                        S->specs[k].column);
}

/* ------------------------------------------------------------------ */
/* Cells to JSON values                                               */
/* ------------------------------------------------------------------ */

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* Digits with an optional sign, point and exponent: what JSON and a
 * person mean by a number (strtod alone would take "0x1p3" or "inf"). */
static bool decimal_syntax(const char *s, bool integer)
{
    const char *p = s;
    int digits = 0;
    if (*p == '-' || *p == '+')
        p++;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (integer)
        return digits > 0 && !*p;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (digits && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '-' || *p == '+')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return digits > 0 && !*p;
}

/* The shortest text that reads back as the same double. */
static void format_double(double v, char *out, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, size, "%.*g", prec, v);
        if (strtod(out, NULL) == v)
            return;
    }
}

static bool parse_int(const char *s, long long *out)
{
    if (!decimal_syntax(s, true))
        return false;
    errno = 0;
    *out = strtoll(s, NULL, 10);
    return errno == 0;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "y", "1", NULL};
    static const char *const no[] = {"false", "no", "n", "0", NULL};
    for (int i = 0; yes[i]; i++) {
        if (!strcasecmp(s, yes[i]))
            return *out = true, true;
        if (!strcasecmp(s, no[i]))
            return *out = false, true;
    }
    return false;
}

/* Splits s at sep into trimmed, non-empty items (s is modified). */
static int split_items(char *s, char sep, char **items, int max)
{
    int n = 0;
    for (char *p = s; p;) {
        char *next = strchr(p, sep);
        if (next)
            *next++ = '\0';
        while (is_space(*p))
            p++;
        char *end = p + strlen(p);
        while (end > p && is_space(end[-1]))
            *--end = '\0';
        if (*p && n <= max)
            items[n++] = p;
        p = next;
    }
    return n;
}

typedef struct cell_ctx {
    importer *I;
    sheet *S;
    int r, c;
    pm_jw *w;
    char *buf;    /* a scratch copy of the cell, split into items */
    char **items; /* MAX_CELL_ITEMS + 2 */
    int nitems;
    long long level[PM_MAX_NEEDS + 1];
} cell_ctx;

static bool split_list(cell_ctx *x, const char *s)
{
    memcpy(x->buf, s, strlen(s) + 1);
    x->nitems = split_items(x->buf, x->I->opts.list_separator, x->items,
                            MAX_CELL_ITEMS);
    if (x->nitems <= MAX_CELL_ITEMS)
        return true;
    cell_fail(x->I, x->S, x->r, x->c, "more than %d items", MAX_CELL_ITEMS);
    return false;
}

/* "trauma:2;send:1": every item must be name:level. */
static bool split_levels(cell_ctx *x, const char *s)
{
    if (!split_list(x, s))
        return false;
    if (x->nitems > PM_MAX_NEEDS) {
        cell_fail(x->I, x->S, x->r, x->c, "more than %d needs", PM_MAX_NEEDS);
        return false;
    }
    for (int i = 0; i < x->nitems; i++) {
        char *name = x->items[i], *colon = strrchr(name, ':'), *end = colon;
        while (end && end > name && is_space(end[-1]))
            end--;
        if (!colon || end == name ||
            !parse_int(colon + 1 + strspn(colon + 1, " \t"), &x->level[i])) {
            cell_fail(x->I, x->S, x->r, x->c, "item %d is not name:level, "
                      "e.g. trauma:2", i + 1);
            return false;
        }
        *end = '\0';
        if (strchr(name, ':')) {
            cell_fail(x->I, x->S, x->r, x->c, "item %d: a need's name cannot "
                      "contain ':'", i + 1);
            return false;
        }
    }
    return true;
}

/* Converts what needs converting, before the key is written: a cell that
 * does not convert writes nothing (and the loader's "missing" for it is
 * not repeated). */
static bool cell_ok(cell_ctx *x, cell_kind kind, const char *s)
{
    long long i;
    bool b;
    switch (kind) {
    case CELL_INT:
        if (parse_int(s, &i))
            return true;
        cell_fail(x->I, x->S, x->r, x->c, "not a whole number");
        return false;
    case CELL_NUMBER:
        if (decimal_syntax(s, false) && isfinite(strtod(s, NULL)))
            return true;
        cell_fail(x->I, x->S, x->r, x->c, "not a number (write digits with "
                  "an optional '.' decimal point: no currency sign, unit or "
                  "thousands separator)");
        return false;
    case CELL_BOOL:
        if (parse_bool(s, &b))
            return true;
        cell_fail(x->I, x->S, x->r, x->c, "not true or false (also: yes/no, "
                  "y/n, 1/0)");
        return false;
    case CELL_LIST:
        return split_list(x, s);
    case CELL_LEVELS:
        return split_levels(x, s);
    default:
        return true;
    }
}

static void write_value(cell_ctx *x, cell_kind kind, const char *s)
{
    char num[64];
    long long i = 0;
    bool b = false;
    switch (kind) {
    case CELL_TEXT:
        pm_jw_string(x->w, s);
        break;
    case CELL_INT:
        parse_int(s, &i);
        pm_jw_int(x->w, i);
        break;
    case CELL_NUMBER:
        format_double(strtod(s, NULL), num, sizeof num);
        pm_jw_raw(x->w, num);
        break;
    case CELL_BOOL:
        parse_bool(s, &b);
        pm_jw_bool(x->w, b);
        break;
    case CELL_LIST:
        pm_jw_begin_array(x->w);
        for (int k = 0; k < x->nitems; k++)
            pm_jw_string(x->w, x->items[k]);
        pm_jw_end_array(x->w);
        break;
    case CELL_LEVELS:
        pm_jw_begin_object(x->w);
        for (int k = 0; k < x->nitems; k++) {
            pm_jw_key(x->w, x->items[k]);
            pm_jw_int(x->w, x->level[k]);
        }
        pm_jw_end_object(x->w);
        break;
    }
}

/* Lists and levels are written only when they have an item: an empty
 * "types" cell means "any type", not an empty list. */
static bool has_items(const char *s, char sep)
{
    for (; *s; s++)
        if (!is_space(*s) && *s != sep)
            return true;
    return false;
}

static bool present(const cell_ctx *x, const col_spec *sp, const char *s)
{
    if (!*s)
        return false;
    if (sp->kind == CELL_LIST || sp->kind == CELL_LEVELS)
        return has_items(s, x->I->opts.list_separator);
    return true;
}

static void write_cell(cell_ctx *x, const col_spec *sp, int k)
{
    x->c = x->S->col_of[k];
    if (x->c < 0)
        return;
    const char *s = cell_at(x->S, x->r, x->c);
    if (!present(x, sp, s) || !cell_ok(x, sp->kind, s))
        return;
    pm_jw_key(x->w, sp->sub ? sp->sub : sp->key);
    write_value(x, sp->kind, s);
}

/* The {"lat", "lon"} object of two specs k and k + 1 (lat first). */
static void write_point(cell_ctx *x, int k)
{
    const col_spec *sp = x->S->specs;
    bool any = false;
    for (int j = k; j <= k + 1; j++) {
        int c = x->S->col_of[j];
        any |= c >= 0 && present(x, &sp[j], cell_at(x->S, x->r, c));
    }
    if (!any)
        return;
    pm_jw_key(x->w, sp[k].key);
    pm_jw_begin_object(x->w);
    write_cell(x, &sp[k], k);
    write_cell(x, &sp[k + 1], k + 1);
    pm_jw_end_object(x->w);
}

static void write_meta(cell_ctx *x)
{
    const pm_csv_table *t = &x->S->t;
    bool open = false;
    for (int c = 0; c < t->ncols; c++) {
        const char *s = cell_at(x->S, x->r, c);
        if (!meta_column(t->header[c]) || !*s)
            continue;
        if (!open) {
            pm_jw_key(x->w, "meta");
            pm_jw_begin_object(x->w);
            open = true;
        }
        pm_jw_key(x->w, t->header[c] + strlen(META_PREFIX));
        pm_jw_string(x->w, s);
    }
    if (open)
        pm_jw_end_object(x->w);
}

static void write_record(cell_ctx *x)
{
    const col_spec *sp = x->S->specs;
    pm_jw_begin_object(x->w);
    for (int k = 0; sp[k].column; k++) {
        if (sp[k].sub && !strcmp(sp[k].sub, "lat"))
            write_point(x, k++);
        else
            write_cell(x, &sp[k], k);
    }
    write_meta(x);
    pm_jw_end_object(x->w);
}

/* The longest cell of the sheet, for the scratch buffer. */
static size_t longest_cell(const sheet *S)
{
    size_t most = 0;
    for (size_t i = 0; i < (size_t)S->t.nrows * (size_t)S->t.ncols; i++) {
        size_t n = strlen(S->t.cell[i]);
        most = n > most ? n : most;
    }
    return most;
}

static void write_records(importer *I, sheet *S, pm_jw *w)
{
    cell_ctx x = {.I = I, .S = S, .w = w};
    x.buf = malloc(longest_cell(S) + 1);
    x.items = malloc((MAX_CELL_ITEMS + 2) * sizeof *x.items);
    pm_jw_key(w, S->list);
    pm_jw_begin_array(w);
    for (x.r = 0; x.buf && x.items && x.r < S->t.nrows; x.r++)
        write_record(&x);
    pm_jw_end_array(w);
    if (!x.buf || !x.items)
        I->oom = true;
    free(x.buf);
    free(x.items);
}

/* ------------------------------------------------------------------ */
/* The policy                                                         */
/* ------------------------------------------------------------------ */

/* A problem line of the policy's check, "file: policy.key: message", as
 * "file: key: message". */
static void relay_policy_line(importer *I, const char *file, const char *line)
{
    size_t fl = strlen(file);
    const char *rest = line;
    if (!strncmp(line, file, fl) && !strncmp(line + fl, ": ", 2))
        rest = line + fl + 2;
    if (!strncmp(rest, "policy.", 7))
        rest += 7;
    else if (!strncmp(rest, "policy: ", 8))
        rest += 8;
    pm_err_add(I->err, PM_ERR_INVALID, rest == line ? NULL : file, NULL,
               "%s", rest);
    I->problems++;
}

static void relay_lines(importer *I, const char *file, const char *text)
{
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)n, text);
        relay_policy_line(I, file, line);
        text += n + (nl ? 1 : 0);
    }
}

/* Checks the policy as the loader would (inside an empty scenario), so its
 * rules are the format's.  Returns the parsed object, or NULL. */
static cJSON *read_policy(importer *I, const pm_import_source *src)
{
    cJSON *pol = pm_json_parse(src->data ? src->data : "", src->len, src->name,
                               I->err);
    if (!pol) {
        I->problems++;
        return NULL;
    }
    if (!cJSON_IsObject(pol)) {
        pm_err_add(I->err, PM_ERR_INVALID, src->name, NULL, "expected a JSON "
                   "object of policy fields, e.g. {\"far_miles\": 20}");
        I->problems++;
        cJSON_Delete(pol);
        return NULL;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *copy = cJSON_Duplicate(pol, 1);
    pm_scenario *sc = NULL;
    pm_error tmp;
    pm_error_clear(&tmp);
    if (!root || !copy || !cJSON_AddStringToObject(root, "format", "placematch-scenario/1") ||
        !cJSON_AddArrayToObject(root, "placements") ||
        !cJSON_AddArrayToObject(root, "children")) {
        cJSON_Delete(copy);
        I->oom = true;
    } else if (!cJSON_AddItemToObject(root, "policy", copy)) {
        cJSON_Delete(copy); /* the key could not be copied */
        I->oom = true;
    } else if (pm_scenario_from_json(root, src->name, &sc, &tmp) != PM_OK) {
        if (tmp.status == PM_ERR_NOMEM) /* not a problem with the policy */
            I->oom = true;
        else
            relay_lines(I, src->name, tmp.text);
    }
    pm_scenario_free(sc);
    cJSON_Delete(root);
    if (I->oom || tmp.status != PM_OK) {
        cJSON_Delete(pol);
        return NULL;
    }
    return pol;
}

static void write_policy(const cJSON *pol, pm_jw *w)
{
    char num[64];
    pm_jw_key(w, "policy");
    pm_jw_begin_object(w);
    for (const cJSON *it = pol->child; it; it = it->next) {
        pm_jw_key(w, it->string);
        format_double(it->valuedouble, num, sizeof num);
        pm_jw_raw(w, num);
    }
    pm_jw_end_object(w);
}

/* ------------------------------------------------------------------ */
/* The loader's problems, mapped back to rows and columns             */
/* ------------------------------------------------------------------ */

typedef struct located {
    sheet *S;
    int r, c;               /* c < 0: the column is not in the file */
    char column[PM_ID_MAX + 16];
    char detail[PM_JR_PATH_MAX];
} located;

/* "children[12].needs.trauma" -> sheet, row 12, column "needs", detail
 * "trauma".  False for paths outside the records. */
static bool locate(importer *I, const char *path, located *at)
{
    sheet *sheets[] = {&I->kids, &I->homes};
    at->S = NULL;
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(sheets[i]->list);
        if (!strncmp(path, sheets[i]->list, n) && path[n] == '[') {
            at->S = sheets[i];
            path += n;
            break;
        }
    }
    char *end;
    long r = at->S ? strtol(path + 1, &end, 10) : -1;
    if (!at->S || r < 0 || r >= at->S->t.nrows || *end != ']')
        return false;
    at->r = (int)r;
    path = end + 1;
    path += *path == '.';
    size_t klen = strcspn(path, ".[");
    snprintf(at->column, sizeof at->column, "%.*s", (int)klen, path);
    path += klen;
    if (!strcmp(at->column, "home") || !strcmp(at->column, "location")) {
        bool lon = !strncmp(path, ".lon", 4);
        const char *pre = at->column[0] == 'h' ? "home_" : "";
        snprintf(at->column, sizeof at->column, "%s%s", pre, lon ? "lon" : "lat");
        path += (!strncmp(path, ".lat", 4) || lon) ? 4 : 0;
    }
    int k = spec_index(at->S->specs, at->column);
    at->c = k >= 0 ? at->S->col_of[k] : -1;
    if (*path == '[')
        snprintf(at->detail, sizeof at->detail, "item %ld", strtol(path + 1, NULL, 10) + 1);
    else
        snprintf(at->detail, sizeof at->detail, "%s", path + (*path == '.'));
    return true;
}

/* "(first at children[3])" -> "(first at row 5)". */
static void rewrite_first_at(const sheet *S, char *msg, size_t size)
{
    char pat[64];
    snprintf(pat, sizeof pat, "(first at %s[", S->list);
    char *p = strstr(msg, pat);
    if (!p)
        return;
    char *end;
    long r = strtol(p + strlen(pat), &end, 10);
    if (r < 0 || r >= S->t.nrows || *end != ']')
        return;
    char tail[512];
    snprintf(tail, sizeof tail, "%s", end + 1);
    snprintf(p, size - (size_t)(p - msg), "(first at row %d%s", S->t.row[r],
             tail);
}

static void relay_record_problem(importer *I, pm_status st, located *at,
                                 const char *msg)
{
    char m[600], col[16];
    sheet *S = at->S;
    if (at->c >= 0 && S->bad[(size_t)at->r * (size_t)S->t.ncols + (size_t)at->c])
        return; /* its cell's conversion problem is already reported */
    snprintf(m, sizeof m, "%s", msg);
    if (!strcmp(m, "required field is missing"))
        snprintf(m, sizeof m, "empty, but a value is required");
    rewrite_first_at(S, m, sizeof m);
    I->problems++;
    if (at->c < 0) { /* not a column of the file: name the field */
        pm_err_add(I->err, st, S->t.file, NULL, "row %d%s%s%s: %s%s%s",
                   S->t.row[at->r], at->column[0] ? " (" : "", at->column,
                   at->column[0] ? ")" : "", at->detail,
                   at->detail[0] ? ": " : "", m);
        return;
    }
    pm_csv_column_letter(at->c, col, sizeof col);
    pm_err_add(I->err, st, S->t.file, NULL, "row %d, column %s (%s): %s%s%s",
               S->t.row[at->r], col, S->t.header[at->c], at->detail,
               at->detail[0] ? ": " : "", m);
}

static void relay_loader_line(importer *I, pm_status st, const char *line)
{
    const char *prefix = OUT_NAME ": ";
    size_t pl = strlen(prefix);
    const char *start = line + pl;
    const char *sep = !strncmp(line, prefix, pl) ? strstr(start, ": ") : NULL;
    char path[PM_JR_PATH_MAX + 1];
    located at;
    if (sep && (size_t)(sep - start) < sizeof path) {
        snprintf(path, sizeof path, "%.*s", (int)(sep - start), start);
        if (locate(I, path, &at)) {
            relay_record_problem(I, st, &at, sep + 2);
            return;
        }
    }
    pm_err_add(I->err, st, NULL, NULL, "%s", line);
    I->problems++;
}

/* Loads the document exactly as pm_scenario_load_buffer does. */
static void check_document(importer *I, const char *json, size_t len)
{
    pm_error tmp;
    pm_scenario *sc = NULL;
    pm_error_clear(&tmp);
    if (pm_scenario_load_buffer(json, len, OUT_NAME, &sc, &tmp) == PM_OK) {
        pm_scenario_free(sc);
        return;
    }
    for (const char *p = tmp.text; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        relay_loader_line(I, tmp.status, line);
        p += n + (nl ? 1 : 0);
    }
    if (!tmp.text[0])
        pm_err_add(I->err, tmp.status, NULL, NULL, "the imported scenario "
                   "does not load: %s", pm_strerror(tmp.status));
    I->problems += !tmp.text[0];
}

/* ------------------------------------------------------------------ */
/* The document                                                       */
/* ------------------------------------------------------------------ */

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void write_head(importer *I, const pm_import_source *policy, pm_jw *w)
{
    pm_jw_key(w, "format");
    pm_jw_string(w, "placematch-scenario/1");
    pm_jw_key(w, "name");
    pm_jw_string(w, I->opts.name ? I->opts.name : DEFAULT_NAME);
    pm_jw_key(w, "meta");
    pm_jw_begin_object(w);
    pm_jw_key(w, "source");
    pm_jw_string(w, "placematch import");
    pm_jw_key(w, "children_csv");
    pm_jw_string(w, base_name(I->kids.t.file));
    pm_jw_key(w, "placements_csv");
    pm_jw_string(w, base_name(I->homes.t.file));
    if (policy) {
        pm_jw_key(w, "policy_json");
        pm_jw_string(w, base_name(policy->name));
    }
    pm_jw_end_object(w);
}

static char *write_document(importer *I, const pm_import_source *policy,
                            const cJSON *pol, size_t *len)
{
    pm_jw w;
    pm_jw_init(&w, 2);
    pm_jw_begin_object(&w);
    write_head(I, policy, &w);
    if (pol)
        write_policy(pol, &w);
    write_records(I, &I->homes, &w);
    write_records(I, &I->kids, &w);
    pm_jw_end_object(&w);
    char *json = pm_jw_finish(&w, len);
    if (!json)
        I->oom = true;
    return json;
}

static bool read_sheet(importer *I, sheet *S, const pm_import_source *src,
                       int max_rows)
{
    const char *name = src->name ? src->name : S->list;
    if (pm_csv_read(name, src->data ? src->data : "", src->len,
                    I->opts.delimiter, max_rows, &S->t, I->err) != PM_OK) {
        I->problems++;
        return false;
    }
    S->bad = calloc((size_t)S->t.nrows * (size_t)S->t.ncols + 1, 1);
    if (!S->bad) {
        I->oom = true;
        return false;
    }
    resolve_columns(I, S);
    return S->usable;
}

static pm_status check_args(const pm_import_source *children,
                            const pm_import_source *placements,
                            const pm_import_options *o, char **json,
                            pm_error *err)
{
    if (!children || !placements || !json ||
        (!children->data && children->len) ||
        (!placements->data && placements->len))
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_import_csv: NULL argument");
    const char *bad = "\"\r\n";
    if (!o->delimiter || strchr(bad, o->delimiter) || !o->list_separator ||
        strchr(bad, o->list_separator) || o->delimiter == o->list_separator)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_import_csv: the delimiter and the list "
                          "separator must be two different characters, "
                          "neither a quote nor a line break");
    if (o->name && (strlen(o->name) > 256 || !*o->name))
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_import_csv: the name must be 1..256 bytes");
    return PM_OK;
}

static void free_importer(importer *I)
{
    pm_csv_free(&I->kids.t);
    pm_csv_free(&I->homes.t);
    free(I->kids.bad);
    free(I->homes.bad);
}

/* ------------------------------------------------------------------ */
/* Public API                                                         */
/* ------------------------------------------------------------------ */

void pm_import_options_init(pm_import_options *opts)
{
    if (!opts)
        return;
    opts->name = NULL;
    opts->delimiter = ',';
    opts->list_separator = ';';
}

static char *import_all(importer *I, const pm_import_source *children,
                        const pm_import_source *placements,
                        const pm_import_source *policy)
{
    cJSON *pol = policy ? read_policy(I, policy) : NULL;
    bool kids_ok = read_sheet(I, &I->kids, children, PM_MAX_CHILDREN);
    bool homes_ok = read_sheet(I, &I->homes, placements, PM_MAX_PLACEMENTS);
    char *json = NULL;
    size_t len = 0;
    /* Rows are converted even after a policy problem, so that one run
       reports everything; not when a header is wrong (every row would
       repeat it). */
    if (kids_ok && homes_ok && !I->oom)
        json = write_document(I, policy, pol, &len);
    if (json && !I->oom)
        check_document(I, json, len);
    cJSON_Delete(pol);
    if (I->oom)
        pm_err_add(I->err, PM_ERR_NOMEM, NULL, NULL, "out of memory");
    if (I->problems || I->oom) {
        free(json);
        return NULL;
    }
    return json;
}

pm_status pm_import_csv(const pm_import_source *children,
                        const pm_import_source *placements,
                        const pm_import_source *policy,
                        const pm_import_options *opts, char **json,
                        pm_error *err)
{
    importer I = {.err = err};
    pm_import_options_init(&I.opts);
    if (opts)
        I.opts = *opts;
    if (json)
        *json = NULL;
    pm_status st = check_args(children, placements, &I.opts, json, err);
    if (st != PM_OK)
        return st;
    if (policy && !policy->data && policy->len)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_import_csv: NULL policy data");
    /* problems are counted here, and the caller's err may be NULL */
    pm_error local;
    pm_error_clear(&local);
    I.err = err ? err : &local;
    I.kids = (sheet){.specs = child_cols, .list = "children"};
    I.homes = (sheet){.specs = placement_cols, .list = "placements"};
    *json = import_all(&I, children, placements, policy);
    free_importer(&I);
    if (*json)
        return PM_OK;
    return I.err->status != PM_OK ? I.err->status : PM_ERR_INVALID;
}

pm_status pm_import_csv_files(const char *children_path,
                              const char *placements_path,
                              const char *policy_path,
                              const pm_import_options *opts, char **json,
                              pm_error *err)
{
    if (json)
        *json = NULL;
    if (!children_path || !placements_path || !json)
        return pm_err_add(err, PM_ERR_ARG, NULL, NULL,
                          "pm_import_csv_files: NULL argument");
    const char *paths[3] = {children_path, placements_path, policy_path};
    pm_import_source src[3] = {{0}};
    pm_status st = PM_OK;
    for (int i = 0; i < 3; i++) {
        src[i].name = paths[i];
        if (paths[i] && pm_read_file(paths[i], (char **)&src[i].data,
                                     &src[i].len, err) != PM_OK)
            st = err && err->status != PM_OK ? err->status : PM_ERR_IO;
    }
    if (st == PM_OK)
        st = pm_import_csv(&src[0], &src[1], policy_path ? &src[2] : NULL,
                           opts, json, err);
    for (int i = 0; i < 3; i++)
        free((char *)src[i].data);
    return st;
}
