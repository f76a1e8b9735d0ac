#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_MIN (64 * 1024)

struct pm_arena_block {
    pm_arena_block *next;
    size_t used, cap;
    alignas(max_align_t) unsigned char data[];
};

void pm_arena_init(pm_arena *a) { a->head = NULL; }

void pm_arena_free(pm_arena *a)
{
    pm_arena_block *b = a->head;
    while (b) {
        pm_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *pm_arena_alloc(pm_arena *a, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + align - 1) & ~(align - 1);
    pm_arena_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > BLOCK_MIN ? size : BLOCK_MIN;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = a->head;
        b->used = 0;
        b->cap = cap;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

void *pm_arena_array(pm_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / 4 / size)
        return NULL;
    return pm_arena_alloc(a, n && size ? n * size : 1);
}

char *pm_arena_strdup(pm_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = pm_arena_alloc(a, n);
    if (d)
        memcpy(d, s, n);
    return d;
}
