/*
 * The vectorised rows of MaxPool and AveragePool (pool.c), for its tests.
 */
#ifndef SEGI_OPS_POOL_H
#define SEGI_OPS_POOL_H

#include "core/cpu.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * Outputs y[0 .. done) of one row of windows that lie inside the input along the row:
 * output o reduces rows[i][o * stride + t] for every row i < n_rows and tap t < kernel
 * (stride 1 or 2), the max or the sum divided by `divisor`, in the scalar order with the
 * scalar results (pool_row.h) bit for bit. Returns done, the outputs in whole vectors
 * of the variant for `isa` (n rounded down); the caller computes the rest.
 */
int64_t segi_pool_row(segi_isa isa, const float *const *rows, int n_rows, int64_t kernel,
                      int64_t stride, bool max, float divisor, int64_t n, float *y);

#endif
