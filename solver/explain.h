/* Why a child is unmatched, or why a placement is ruled out: the words a
 * panel or an analyst reads.  Ids only, never other personal details. */
#ifndef PM_EXPLAIN_H
#define PM_EXPLAIN_H

#include "compat.h"

/* A growable list of lines (each malloc'd). */
typedef struct pm_lines {
    char **line;
    int count, cap;
    int oom;
} pm_lines;

void pm_lines_add(pm_lines *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void pm_lines_free(pm_lines *l);

/* Reasons child c (unmatched in assign) could not be or was not placed. */
void pm_explain_unmatched(const pm_scenario *sc, const pm_arcs *arcs,
                          const int *assign, int c, pm_lines *out);

/* Why a compatible placement p cannot take c given everyone else in assign
 * (full, sibling-only, an avoid conflict); returns 0 and writes nothing
 * when it could. */
int pm_explain_occupied(const pm_scenario *sc, const int *assign, int c,
                        int p, char *out, int size);

#endif
