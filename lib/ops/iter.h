/*
 * Iteration over tensors for element-wise and reduction kernels.
 *
 * One mechanism serves every family: an iteration space (a shape) and up to
 * SEGI_ITER_MAX operands, each right-aligned to that shape with NumPy broadcasting
 * (an operand dimension is either equal to the space's or 1). Operand 0 is the one a
 * kernel writes. Element-wise ops iterate over the output shape; reductions iterate
 * over the input shape with an accumulator whose reduced dimensions are 1.
 *
 * segi_iterate() merges adjacent dimensions that broadcast alike, so the kernel sees
 * the longest possible runs: `step[i]` is 1 when operand i advances along the run and
 * 0 when it repeats one element. Kernels are plain loops over the run.
 */
#ifndef SEGI_ITER_H
#define SEGI_ITER_H

#include "ops/op.h"

#include <stddef.h>

#define SEGI_ITER_MAX 4

/* Kernel tables are indexed by seg_dtype value; entries for unsupported dtypes are NULL. */
#define SEGI_N_DTYPES (SEG_DTYPE_F16 + 1)

typedef struct segi_operand {
    void *data;          /* written only for operand 0 */
    size_t esize;        /* bytes per element */
    int rank;
    const int64_t *dims;
} segi_operand;

/* Process `n` elements: p[i] points at operand i's first element of the run, which
 * advances by step[i] (0 or 1) elements per iteration. */
typedef void (*segi_loop_fn)(size_t n, void *const *p, const size_t *step, const void *arg);

/* An operand viewing tensor `t` (inputs are only read). */
segi_operand segi_operand_of(const seg_tensor *t);

/* Run `fn` over every element of the space `dims` (rank <= SEG_MAX_RANK). Each operand's
 * shape must broadcast to it, as checked by segi_broadcast_shape. */
void segi_iterate(int rank, const int64_t *dims, int n, const segi_operand *ops,
                  segi_loop_fn fn, const void *arg);

/* segi_iterate split over the pool's threads, for element-wise kernels only: every
 * element of operand 0 is written once by one thread, so no thread reads another's
 * output (reductions, which accumulate into operand 0, stay on segi_iterate). Spaces
 * below SEGI_ITER_GRAIN elements run inline. Results equal segi_iterate's. */
#define SEGI_ITER_GRAIN 16384
void segi_iterate_pool(segi_pool *pool, int rank, const int64_t *dims, int n,
                       const segi_operand *ops, segi_loop_fn fn, const void *arg);

/* The multidirectional (NumPy) broadcast of the shapes of in[0..n-1] into rank/dims.
 * SEG_ERR_SHAPE naming the node and every shape when they do not broadcast. */
seg_status segi_broadcast_shape(const segi_op_ctx *ctx, int n, const seg_tensor *const *in,
                                int *rank, int64_t *dims);

/* `axis` in [-rank, rank) made non-negative into *out; SEG_ERR_SHAPE naming the node,
 * `what` and the rank otherwise. */
seg_status segi_axis_normalize(const segi_op_ctx *ctx, const char *what, int64_t axis,
                               int rank, int *out);

/* The tensor viewed as [outer, dims[axis], inner] around `axis`. */
typedef struct segi_axis_view {
    size_t outer, n, inner;
} segi_axis_view;

segi_axis_view segi_axis_split(int rank, const int64_t *dims, int axis);

#endif
