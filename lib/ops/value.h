/* Reading operator inputs and attributes that steer shapes: axes, shapes, pads,
 * starts, scales. Shared by the shape-family kernels. */
#ifndef SEGI_OPS_VALUE_H
#define SEGI_OPS_VALUE_H

#include "ops/op.h"

#include <stdbool.h>

/* Input i was given (not omitted, and i < n_in). */
bool segi_value_present(const segi_op_ctx *ctx, int i);

/* The data of input i, failing (SEG_ERR_UNSUPPORTED, naming `what`) when its value is
 * not known yet, i.e. during infer when it is computed at run time. */
seg_status segi_value_known(const segi_op_ctx *ctx, int i, const char *what);

/* Input i as int64 values (i32 or i64 tensor of at most `cap` elements). */
seg_status segi_value_ints(const segi_op_ctx *ctx, int i, const char *what, int64_t *vals,
                           int cap, int *n);

/* Input i as float values (f32 or f16 tensor of at most `cap` elements). */
seg_status segi_value_floats(const segi_op_ctx *ctx, int i, const char *what, float *vals,
                             int cap, int *n);

/* Normalise `axis` (negative counts from the end) into 0..rank-1, naming `what`. */
seg_status segi_value_axis(const segi_op_ctx *ctx, int64_t axis, int rank, const char *what,
                           int *out);

/* Normalise a list of axes in place, rejecting duplicates. */
seg_status segi_value_axes(const segi_op_ctx *ctx, int64_t *axes, int n, int rank,
                           const char *what);

/* Element count of tensor t (its shape was validated when it was made). */
size_t segi_value_count(const seg_tensor *t);

/* Write float `v` as one element of `dtype` into out (at least 8 bytes): rounded to
 * half for f16, truncated toward zero for the integer types, != 0 for bool. */
void segi_value_from_float(seg_dtype dtype, float v, void *out);

/* Product of dims[from..to-1] (1 when from >= to): the outer or inner extent around an
 * axis of an already validated shape. */
int64_t segi_value_span(const int64_t *dims, int from, int to);

#endif
