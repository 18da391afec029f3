/* Copying strided views into dense tensors: the engine behind Transpose, Slice,
 * Expand, DepthToSpace and SpaceToDepth. */
#ifndef SEGI_OPS_STRIDED_H
#define SEGI_OPS_STRIDED_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fill dense C-order `dst` of shape dims[0..rank-1] (rank <= 16) from a view of `src`:
 * output element (i0, ..., i_{r-1}) is the element at `src` + sum(i_d * strides[d])
 * elements of `esize` bytes. Strides may be zero (broadcast) or negative (reversed).
 * Contiguous rows become memcpy, broadcast rows fills, and a view whose innermost
 * source stride is large (a transpose) is copied in cache-sized tiles.
 */
void segi_strided_copy(void *dst, const void *src, size_t esize, int rank,
                       const int64_t *dims, const int64_t *strides);

/*
 * Fill dense `dst` of shape out_dims[0..rank-1] (rank <= 8) from dense `src` of shape
 * in_dims: output index o along axis d reads source index maps[d][o], or takes the
 * element at `fill` when that is negative. The gather behind Pad and nearest Resize.
 */
void segi_mapped_copy(void *dst, const void *src, size_t esize, int rank,
                      const int64_t *out_dims, const int64_t *in_dims,
                      const int64_t *const *maps, const void *fill);

/* Write the element at `value` into dst[0..n-1]. */
void segi_fill_elems(void *dst, const void *value, size_t esize, size_t n);

#endif
