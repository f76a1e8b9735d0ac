/* Growing a plain array in place, for the modules that keep scratch
 * arrays across calls (branch.c, cutpool.c, cutrows.c, gomory.c,
 * prepro.c, tableau.c). */
#ifndef PM_GROW_H
#define PM_GROW_H

#include <stdlib.h>

/* *p resized to count items of size; left as it was when out of memory
 * (then 0). */
static inline int pm_regrow(void **p, size_t count, size_t size)
{
    void *q = realloc(*p, (count ? count : 1) * size);
    if (!q)
        return 0;
    *p = q;
    return 1;
}

#endif
