#include "post/u64map.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

static size_t hash_slot(uint64_t key, size_t cap)
{
    /* Fibonacci hashing spreads consecutive ids and packed pairs evenly. */
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (cap - 1);
}

static seg_status alloc_table(segi_u64map *map, size_t cap)
{
    map->keys = calloc(cap, sizeof *map->keys);
    map->vals = malloc(cap * sizeof *map->vals);
    if (!map->keys || !map->vals) {
        free(map->keys);
        free(map->vals);
        map->keys = map->vals = NULL;
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "hash map of %zu slots", cap);
    }
    map->cap = cap;
    map->len = 0;
    return SEG_OK;
}

seg_status segi_u64map_init(segi_u64map *map, size_t expected)
{
    size_t cap = 16;
    while (cap < expected * 2 && cap < ((size_t)1 << 40))
        cap <<= 1;
    return alloc_table(map, cap);
}

void segi_u64map_free(segi_u64map *map)
{
    free(map->keys);
    free(map->vals);
    memset(map, 0, sizeof *map);
}

void segi_u64map_clear(segi_u64map *map)
{
    memset(map->keys, 0, map->cap * sizeof *map->keys);
    map->len = 0;
}

static size_t find(const segi_u64map *map, uint64_t stored)
{
    size_t i = hash_slot(stored, map->cap);
    while (map->keys[i] != 0 && map->keys[i] != stored)
        i = (i + 1) & (map->cap - 1);
    return i;
}

static bool grow(segi_u64map *map)
{
    segi_u64map old = *map;
    if (alloc_table(map, old.cap * 2) != SEG_OK) {
        *map = old;
        return false;
    }
    for (size_t i = 0; i < old.cap; i++) {
        if (old.keys[i] == 0)
            continue;
        size_t j = find(map, old.keys[i]);
        map->keys[j] = old.keys[i];
        map->vals[j] = old.vals[i];
    }
    map->len = old.len;
    free(old.keys);
    free(old.vals);
    return true;
}

uint64_t *segi_u64map_slot(segi_u64map *map, uint64_t key)
{
    uint64_t stored = key + 1;
    size_t i = find(map, stored);
    if (map->keys[i] == stored)
        return &map->vals[i];
    if ((map->len + 1) * 2 > map->cap) {
        if (!grow(map))
            return NULL;
        i = find(map, stored);
    }
    map->keys[i] = stored;
    map->vals[i] = 0;
    map->len++;
    return &map->vals[i];
}

bool segi_u64map_get(const segi_u64map *map, uint64_t key, uint64_t *val)
{
    size_t i = find(map, key + 1);
    if (map->keys[i] == 0)
        return false;
    *val = map->vals[i];
    return true;
}

bool segi_u64map_next(const segi_u64map *map, size_t *pos, uint64_t *key, uint64_t *val)
{
    for (size_t i = *pos; i < map->cap; i++) {
        if (map->keys[i] != 0) {
            *key = map->keys[i] - 1;
            *val = map->vals[i];
            *pos = i + 1;
            return true;
        }
    }
    *pos = map->cap;
    return false;
}
