/* Checks shared by the neural-network operator families: dtypes, and products of
 * dimensions that must not overflow. */
#ifndef SEGI_OPS_CHECKS_H
#define SEGI_OPS_CHECKS_H

#include "ops/op.h"

#include <stdbool.h>

/* Every present input is f32; otherwise SEG_ERR_UNSUPPORTED naming the input. */
seg_status segi_require_f32(const segi_op_ctx *ctx);

/* a * b into *out for a, b >= 0; false when it overflows or exceeds `limit`. Shapes of
 * empty tensors (a dimension of 0) may hold any other dimensions, so products of
 * dimensions are checked before use. */
bool segi_dim_mul(int64_t a, int64_t b, int64_t limit, int64_t *out);

/* a * b * c into *out; false on overflow. For scratch sizes. */
bool segi_size_mul3(size_t a, size_t b, size_t c, size_t *out);

#endif
