/* Reusable work memory (see scratch.h). */
#include "core/scratch.h"

#include "core/error.h"
#include "core/tensor.h"

#include <stdlib.h>
#include <string.h>

static size_t round64(size_t n)
{
    return (n + 63) & ~(size_t)63;
}

seg_status segi_scratch_carve(segi_scratch *s, void **ptrs, const size_t *sizes, size_t n,
                              const char *who)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (sizes[i] > SIZE_MAX / 2 - total)
            return segi_error(SEG_ERR_LIMIT, "%s: work buffers too large", who);
        total += round64(sizes[i]);
    }
    if (total > s->cap) {
        void *p = malloc(total);
        if (!p)
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: out of memory for %zu bytes of "
                                                     "work buffers", who, total);
        free(s->data);
        s->data = p;
        s->cap = total;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        ptrs[i] = (char *)s->data + at;
        at += round64(sizes[i]);
    }
    return SEG_OK;
}

void segi_scratch_free(segi_scratch *s)
{
    free(s->data);
    s->data = NULL;
    s->cap = 0;
}

seg_status segi_tensor_reuse(seg_tensor **slot, seg_dtype dtype, int rank,
                             const int64_t *dims)
{
    const seg_tensor *t = *slot;
    if (t && t->owned && t->dtype == dtype && t->rank == rank &&
        !memcmp(t->dims, dims, (size_t)rank * sizeof *dims))
        return SEG_OK;
    seg_tensor *fresh;
    seg_status st = segi_tensor_alloc(dtype, rank, dims, &fresh);
    if (st != SEG_OK)
        return st;
    seg_tensor_destroy(*slot);
    *slot = fresh;
    return SEG_OK;
}
