/* Internal open-addressing hash map from uint64 keys to uint64 values, for the
 * metrics' sparse counts (segment id -> index, (gt, pred) pair -> pixels). */
#ifndef SEGI_U64MAP_H
#define SEGI_U64MAP_H

#include "seg/seg_common.h"

#include <stdbool.h>

typedef struct segi_u64map {
    uint64_t *keys; /* key + 1; 0 marks an empty slot */
    uint64_t *vals;
    size_t cap;     /* power of two */
    size_t len;
} segi_u64map;

/** An empty map with room for about `expected` keys before it grows. */
seg_status segi_u64map_init(segi_u64map *map, size_t expected);
void segi_u64map_free(segi_u64map *map);
void segi_u64map_clear(segi_u64map *map);

/** Pointer to the value of `key`, inserted as 0 when new; NULL when out of memory.
 *  Keys must be below UINT64_MAX. The pointer is valid until the next insertion. */
uint64_t *segi_u64map_slot(segi_u64map *map, uint64_t key);

/** The value of `key`, or false when it is absent. */
bool segi_u64map_get(const segi_u64map *map, uint64_t key, uint64_t *val);

/** Iterate: for (size_t i = 0; segi_u64map_next(m, &i, &k, &v);) ... */
bool segi_u64map_next(const segi_u64map *map, size_t *pos, uint64_t *key, uint64_t *val);

#endif
