/*
 * placematch: importing case-management exports (docs/IMPORT.md).
 *
 * Turns two CSV files -- one row per child, one row per placement -- and
 * an optional policy (JSON) into a placematch-scenario/1 document.  The
 * columns are documented in docs/IMPORT.md; list cells hold items
 * separated by ';' ("ifa_foster;in_house_foster"), need and support cells
 * hold name:level pairs ("trauma:2;send:1").  Empty cells mean "not set".
 *
 * Include this header separately (placematch.h does not include it):
 *
 *     #include <placematch/import.h>
 *
 * Same conventions as placematch.h: pm_status returns, a caller-owned
 * pm_error with one line per problem, buffers returned through char **
 * released with pm_free().  Problems in a CSV file name the file, the row
 * (the header is row 1; a row is a line of the file, so the numbers match a
 * spreadsheet's unless a cell holds a line break) and the column, e.g.
 *
 *     children.csv: row 14, column B (age): 31 is out of range 0..25
 *
 * The result is checked by loading it exactly as pm_scenario_load_buffer
 * does, so a successful import always gives a scenario that loads; every
 * rule of spec/FORMAT.md is reported against the cell that breaks it.
 *
 * Thread safety: no global state; calls on distinct inputs may run at once.
 * Nothing is printed: problems go to the pm_error only, and name ids (never
 * the contents of other cells, which may be personal data) only where the
 * format's own messages do.
 */
#ifndef PLACEMATCH_IMPORT_H
#define PLACEMATCH_IMPORT_H

#include "placematch/placematch.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pm_import_options {
    const char *name;    /* the scenario's "name" (at most 256 bytes);
                            NULL: "Imported scenario"                      */
    char delimiter;      /* between cells: ',' (default), ';' or '\t'      */
    char list_separator; /* between the items of a list cell (default ';');
                            must differ from delimiter                     */
} pm_import_options;

/** Fills opts with the defaults. */
PM_API void pm_import_options_init(pm_import_options *opts);

/** One input held in memory: name is used in messages (e.g. the file's
 *  name); data is len bytes of UTF-8 text (need not be NUL-terminated). */
typedef struct pm_import_source {
    const char *name;
    const char *data;
    size_t len;
} pm_import_source;

/**
 * Builds a placematch-scenario/1 document from the children's and the
 * placements' CSV text and, when policy is not NULL, a JSON object of
 * policy fields (the "policy" member of spec/FORMAT.md, e.g.
 * {"far_miles": 20, "unmatched_week": 6000}).  opts may be NULL
 * (defaults).
 *
 * On PM_OK *json is NUL-terminated JSON owned by the caller (pm_free),
 * byte-for-byte the same for the same inputs.  Otherwise *json is NULL and
 * err has every problem found: PM_ERR_ARG for NULL inputs or bad options;
 * PM_ERR_PARSE for text that is not CSV (e.g. a quote never closed) or a
 * policy that is not JSON; PM_ERR_INVALID for a missing, unknown or
 * repeated column, a cell that does not convert, or a record that breaks
 * a rule of the format; PM_ERR_LIMIT for more rows than a scenario may
 * hold, or more than 1000 columns; PM_ERR_NOMEM.
 */
PM_API pm_status pm_import_csv(const pm_import_source *children,
                               const pm_import_source *placements,
                               const pm_import_source *policy,
                               const pm_import_options *opts, char **json,
                               pm_error *err);

/**
 * Same, reading the files (policy_path may be NULL).  The file names are
 * used in messages and recorded in the scenario's "meta" (the last path
 * component only).  PM_ERR_IO, naming the file, when one cannot be read.
 */
PM_API pm_status pm_import_csv_files(const char *children_path,
                                     const char *placements_path,
                                     const char *policy_path,
                                     const pm_import_options *opts,
                                     char **json, pm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* PLACEMATCH_IMPORT_H */
