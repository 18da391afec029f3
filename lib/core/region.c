#include "core/region.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct segi_region_block {
    segi_region_block *next;
    size_t pad; /* keeps the payload 16-byte aligned */
};

#define BLOCK_MIN 16384

void *segi_region_alloc(segi_region *r, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (size == 0)
        size = 16;
    if (!r->head || r->cap - r->used < size) {
        size_t cap = size > BLOCK_MIN ? size : BLOCK_MIN;
        if (cap > SIZE_MAX - sizeof(segi_region_block))
            return NULL;
        segi_region_block *b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        /* A large allocation gets its own block behind the head so that the head's
         * free space stays usable for the small ones that follow. */
        if (r->head && cap == size && r->cap - r->used > 0) {
            b->next = r->head->next;
            r->head->next = b;
            memset(b + 1, 0, size);
            return b + 1;
        }
        b->next = r->head;
        r->head = b;
        r->used = 0;
        r->cap = cap;
    }
    char *p = (char *)(r->head + 1) + r->used;
    r->used += size;
    memset(p, 0, size);
    return p;
}

void *segi_region_array(segi_region *r, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total))
        return NULL;
    return segi_region_alloc(r, total);
}

char *segi_region_strndup(segi_region *r, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = segi_region_alloc(r, len + 1);
    if (p && len)
        memcpy(p, s, len);
    return p;
}

void segi_region_free(segi_region *r)
{
    segi_region_block *b = r->head;
    while (b) {
        segi_region_block *next = b->next;
        free(b);
        b = next;
    }
    r->head = NULL;
    r->used = r->cap = 0;
}
