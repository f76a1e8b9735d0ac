#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

void pm_strmap_init(pm_strmap *m) { memset(m, 0, sizeof *m); }

void pm_strmap_free(pm_strmap *m)
{
    free(m->keys);
    free(m->vals);
    pm_strmap_init(m);
}

/* Slot holding key, or the empty slot where it would go. */
static int find_slot(const pm_strmap *m, const char *key)
{
    int mask = m->cap - 1;
    int i = (int)(hash(key) & (uint32_t)mask);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & mask;
    return i;
}

int pm_strmap_get(const pm_strmap *m, const char *key)
{
    if (!m->cap)
        return -1;
    int i = find_slot(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

static bool grow(pm_strmap *m)
{
    int cap = m->cap ? m->cap * 2 : 16;
    pm_strmap bigger = {calloc((size_t)cap, sizeof(char *)),
                        calloc((size_t)cap, sizeof(int)), cap, 0};
    if (!bigger.keys || !bigger.vals) {
        pm_strmap_free(&bigger);
        return false;
    }
    for (int i = 0; i < m->cap; i++) {
        if (m->keys[i]) {
            int j = find_slot(&bigger, m->keys[i]);
            bigger.keys[j] = m->keys[i];
            bigger.vals[j] = m->vals[i];
            bigger.count++;
        }
    }
    pm_strmap_free(m);
    *m = bigger;
    return true;
}

int pm_strmap_put(pm_strmap *m, const char *key, int val)
{
    /* Keep the load factor under 1/2 so probes stay short. */
    if ((m->count + 1) * 2 > m->cap && !grow(m))
        return -2;
    int i = find_slot(m, key);
    if (m->keys[i])
        return m->vals[i];
    m->keys[i] = key;
    m->vals[i] = val;
    m->count++;
    return val;
}
