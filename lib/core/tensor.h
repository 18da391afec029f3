/* Internal view of seg_tensor, for layers that compute on tensors directly. */
#ifndef SEGI_TENSOR_H
#define SEGI_TENSOR_H

#include "seg/seg_tensor.h"

#include <stdbool.h>

struct seg_tensor {
    void *data;
    size_t nbytes;
    seg_dtype dtype;
    int rank;
    int64_t dims[SEG_MAX_RANK];
    seg_deleter deleter;   /* NULL: borrowed, or owned via free() when `owned` */
    void *deleter_data;
    bool owned;
};

/** Element count of a shape; SEG_ERR_INVALID_ARGUMENT / SEG_ERR_LIMIT on bad or
 *  overflowing dimensions. */
seg_status segi_shape_count(int rank, const int64_t *dims, size_t *count);

/** Byte size of a shape of `dtype`, with the same checks. */
seg_status segi_shape_nbytes(seg_dtype dtype, int rank, const int64_t *dims, size_t *nbytes);

/** Allocate an owned tensor; its memory is left uninitialised (hot paths fill it). */
seg_status segi_tensor_alloc(seg_dtype dtype, int rank, const int64_t *dims,
                             seg_tensor **out);

/** Convenience shape builders for the common ranks. */
static inline seg_status segi_tensor_alloc3(seg_dtype dtype, int64_t d0, int64_t d1,
                                            int64_t d2, seg_tensor **out)
{
    int64_t dims[3] = {d0, d1, d2};
    return segi_tensor_alloc(dtype, 3, dims, out);
}

/** "[1, 3, 224, 224]" into buf; returns buf. */
const char *segi_shape_str(int rank, const int64_t *dims, char *buf, size_t cap);

#endif
