/* String -> index map (open addressing, FNV-1a).  Used to look ids up and
 * to intern names (types, needs, sexes, sibling groups) into small ints. */
#ifndef PM_STRMAP_H
#define PM_STRMAP_H

#include <stdbool.h>

typedef struct pm_strmap {
    const char **keys; /* borrowed: the caller keeps them alive */
    int *vals;
    int cap, count;
} pm_strmap;

void pm_strmap_init(pm_strmap *m);
void pm_strmap_free(pm_strmap *m);
/* Value for key, or -1. */
int pm_strmap_get(const pm_strmap *m, const char *key);
/* Adds key -> val unless present.  Returns the stored value (the existing
 * one when present), or -2 when memory ran out. */
int pm_strmap_put(pm_strmap *m, const char *key, int val);

#endif
