/*
 * Matrix products for kernels: C = alpha op(A) op(B) + beta C on cblas_sgemm, split
 * over the session's threads.
 *
 * Thread policy (docs/runtime.md): libseg's pool owns a session's cores and OpenBLAS
 * runs single-threaded (every session run sets it so). A product big enough to share
 * is cut into one band of C per thread, each an independent single-threaded
 * cblas_sgemm: columns when C is at least as wide as tall (the threads then each pack
 * the smaller A once), rows otherwise. Bands are multiples of 16, the widest register
 * block of OpenBLAS's x86 kernels. OpenBLAS computes a ragged edge with other kernels
 * than the interior, so an entry can differ in its last bits between thread counts
 * (tests compare threads within float rounding, not bit for bit). Products below
 * about a million multiply-adds run on the calling thread: waking the pool would cost
 * more than it saves.
 */
#ifndef SEGI_OPS_GEMM_H
#define SEGI_OPS_GEMM_H

#include "core/pool.h"

#include <stdbool.h>
#include <stdint.h>

/* Row-major operands, as cblas_sgemm takes them: op(A) is [m, k], op(B) [k, n], C
 * [m, n]; ld* are the row strides of the matrices as stored (before op). */
typedef struct segi_gemm_args {
    bool trans_a, trans_b;
    int64_t m, n, k;
    float alpha, beta;
    const float *a;
    int64_t lda;
    const float *b;
    int64_t ldb;
    float *c;
    int64_t ldc;
} segi_gemm_args;

/* Compute the product on `pool` (NULL: the calling thread). k == 0 gives C = beta C,
 * with beta == 0 writing zeros whatever C held. Must not be called from inside a
 * segi_pool_for loop on the same pool (pass NULL there). */
void segi_gemm(segi_pool *pool, const segi_gemm_args *g);

#endif
