/* Shapes of MatMul-like operators (MatMul, MatMulInteger, QLinearMatMul): NumPy
 * matmul semantics, with 1-D operands promoted and batch dims broadcast. */
#ifndef SEGI_OPS_MATMUL_H
#define SEGI_OPS_MATMUL_H

#include "ops/op.h"

typedef struct segi_matmul_plan {
    int64_t m, k, n;
    int rank;                           /* output rank and dims */
    int64_t dims[SEG_MAX_RANK];
    int batch_rank;                     /* output batch dims: dims[0 .. batch_rank) */
    int64_t batches;                    /* their product */
    int64_t a_step[SEG_MAX_RANK];       /* matrix-index steps per batch dim, 0 if broadcast */
    int64_t b_step[SEG_MAX_RANK];
    bool shared_b;                      /* every batch uses B's only matrix and A is
                                           not broadcast: A rows can be stacked */
} segi_matmul_plan;

/* Check a and b (shapes only) and fill the plan; fails naming the node. */
seg_status segi_matmul_plan_make(const segi_op_ctx *ctx, const seg_tensor *a,
                                 const seg_tensor *b, segi_matmul_plan *p);

/* Matrix indices into A and B (in units of m*k / k*n elements) for output batch i. */
void segi_matmul_batch(const segi_matmul_plan *p, int64_t i, int64_t *a_at, int64_t *b_at);

#endif
