/* A region: many small allocations freed together (decoded models, graph IR). */
#ifndef SEGI_REGION_H
#define SEGI_REGION_H

#include <stddef.h>

typedef struct segi_region_block segi_region_block;

typedef struct segi_region {
    segi_region_block *head;
    size_t used, cap; /* within head */
} segi_region;

/** `size` bytes aligned to 16, zeroed; NULL when out of memory (no error is set). */
void *segi_region_alloc(segi_region *r, size_t size);

/** `n` elements of `size` bytes (overflow-checked), zeroed; NULL on failure. */
void *segi_region_array(segi_region *r, size_t n, size_t size);

/** A NUL-terminated copy of `len` bytes; NULL on failure. */
char *segi_region_strndup(segi_region *r, const char *s, size_t len);

/** Free every allocation; the region is empty and reusable afterwards. */
void segi_region_free(segi_region *r);

#endif
