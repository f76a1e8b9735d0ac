/* CSV import (include/placematch/import.h): the table reader, exposed for
 * tests.  The CSV syntax itself is libcsv's; this module adds row numbers,
 * a header, a fixed cell count per row and the checks an export needs
 * (UTF-8, no NUL bytes). */
#ifndef PM_CSVIMPORT_H
#define PM_CSVIMPORT_H

#include "arena.h"
#include "placematch/import.h"

typedef struct pm_csv_table {
    const char *file; /* for messages (borrowed) */
    int ncols, nrows; /* nrows: data rows, the header excluded */
    char **header;    /* ncols names */
    char **cell;      /* nrows * ncols, row-major; "" when empty */
    int *row;         /* nrows: each row's number (the header is row 1) */
    pm_arena arena;   /* the strings */
} pm_csv_table;

/* Reads len bytes of CSV (a UTF-8 byte order mark is skipped; blank lines
 * and rows of empty cells are skipped but counted).  At most max_rows data
 * rows and 1000 columns.  On failure the
 * problems are in err (PM_ERR_PARSE, PM_ERR_INVALID, PM_ERR_LIMIT or
 * PM_ERR_NOMEM) and t is empty; either way free t with pm_csv_free. */
pm_status pm_csv_read(const char *file, const char *data, size_t len,
                      char delimiter, int max_rows, pm_csv_table *t,
                      pm_error *err);
void pm_csv_free(pm_csv_table *t);

/* "A", "B", ..., "Z", "AA", ... for column index col (0-based). */
void pm_csv_column_letter(int col, char *out, size_t size);

#endif
