/* Matrix products split over the session's threads (gemm.h). */
#include "ops/gemm.h"

#include <cblas.h>
#include <string.h>

#define SPLIT_MIN_FMAS ((int64_t)1 << 20)
#define BAND_ALIGN 16

/* C = beta C for rows [0, m): what a product with k == 0 leaves. */
static void scale_rows(const segi_gemm_args *g)
{
    for (int64_t i = 0; i < g->m; i++) {
        float *row = g->c + i * g->ldc;
        if (g->beta == 0.0f)
            memset(row, 0, (size_t)g->n * sizeof *row);
        else
            for (int64_t j = 0; j < g->n; j++)
                row[j] *= g->beta;
    }
}

static void sgemm(const segi_gemm_args *g)
{
    if (g->m == 0 || g->n == 0)
        return;
    if (g->k == 0) {
        scale_rows(g);
        return;
    }
    cblas_sgemm(CblasRowMajor, g->trans_a ? CblasTrans : CblasNoTrans,
                g->trans_b ? CblasTrans : CblasNoTrans, (int)g->m, (int)g->n, (int)g->k,
                g->alpha, g->a, (int)g->lda, g->b, (int)g->ldb, g->beta, g->c, (int)g->ldc);
}

/* The product restricted to C's columns [j0, j1). */
static segi_gemm_args column_band(const segi_gemm_args *g, int64_t j0, int64_t j1)
{
    segi_gemm_args band = *g;
    band.n = j1 - j0;
    band.b += g->trans_b ? j0 * g->ldb : j0;
    band.c += j0;
    return band;
}

/* The product restricted to C's rows [i0, i1). */
static segi_gemm_args row_band(const segi_gemm_args *g, int64_t i0, int64_t i1)
{
    segi_gemm_args band = *g;
    band.m = i1 - i0;
    band.a += g->trans_a ? i0 : i0 * g->lda;
    band.c += i0 * g->ldc;
    return band;
}

typedef struct gemm_job {
    const segi_gemm_args *g;
    bool by_columns;
    int64_t band;  /* columns or rows per thread, a multiple of BAND_ALIGN */
} gemm_job;

static void run_bands(void *arg, size_t begin, size_t end)
{
    const gemm_job *j = arg;
    int64_t extent = j->by_columns ? j->g->n : j->g->m;
    for (size_t t = begin; t < end; t++) {
        int64_t lo = (int64_t)t * j->band, hi = lo + j->band < extent ? lo + j->band : extent;
        if (lo >= hi)
            continue;
        segi_gemm_args band = j->by_columns ? column_band(j->g, lo, hi) : row_band(j->g, lo, hi);
        sgemm(&band);
    }
}

void segi_gemm(segi_pool *pool, const segi_gemm_args *g)
{
    int64_t threads = segi_pool_threads(pool);
    bool by_columns = g->n >= g->m;
    int64_t extent = by_columns ? g->n : g->m;
    if (threads < 2 || g->m * g->n * g->k < SPLIT_MIN_FMAS || extent < 2 * BAND_ALIGN) {
        sgemm(g);
        return;
    }
    int64_t band = (extent + threads - 1) / threads;
    band = (band + BAND_ALIGN - 1) / BAND_ALIGN * BAND_ALIGN;
    gemm_job job = {g, by_columns, band};
    segi_pool_for(pool, (size_t)((extent + band - 1) / band), 1, run_bands, &job);
}
