/* A bump allocator: a scenario's many small pieces (ids, need lists,
 * member lists) live and die together, so they share one arena and one
 * free.  Allocation failure is reported as NULL, never an abort. */
#ifndef PM_ARENA_H
#define PM_ARENA_H

#include <stddef.h>

typedef struct pm_arena_block pm_arena_block;

typedef struct pm_arena {
    pm_arena_block *head;
} pm_arena;

void pm_arena_init(pm_arena *a);
void pm_arena_free(pm_arena *a);
/* Zeroed memory aligned for any object, or NULL. */
void *pm_arena_alloc(pm_arena *a, size_t size);
/* Overflow-checked n * size. */
void *pm_arena_array(pm_arena *a, size_t n, size_t size);
char *pm_arena_strdup(pm_arena *a, const char *s);

#endif
