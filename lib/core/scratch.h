/* Reusable work memory: buffers and tensors kept between calls, so that repeated
 * calls of one size allocate nothing (seg_sequence's steady state). */
#ifndef SEGI_SCRATCH_H
#define SEGI_SCRATCH_H

#include "seg/seg_tensor.h"

typedef struct segi_scratch {
    void *data;
    size_t cap;
} segi_scratch;

/* Point ptrs[i] at n consecutive blocks of sizes[i] bytes (each 64-byte aligned within
 * the buffer, contents undefined), growing the buffer only when they do not fit.
 * SEG_ERR_OUT_OF_MEMORY names `who`. */
seg_status segi_scratch_carve(segi_scratch *s, void **ptrs, const size_t *sizes, size_t n,
                              const char *who);

void segi_scratch_free(segi_scratch *s);

/* Make *slot an owned tensor of this dtype and shape: kept when it already is one
 * (contents undefined), else replaced by a new one. On failure *slot is unchanged. */
seg_status segi_tensor_reuse(seg_tensor **slot, seg_dtype dtype, int rank,
                             const int64_t *dims);

#endif
