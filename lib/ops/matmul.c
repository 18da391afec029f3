/* MatMul (N-D, broadcast batch dims, 1-D promotion) and Gemm, on cblas_sgemm. */
#include "ops/matmul.h"
#include "ops/checks.h"
#include "ops/gemm.h"

#include <limits.h>
#include <string.h>

seg_status segi_matmul_plan_make(const segi_op_ctx *ctx, const seg_tensor *a,
                                 const seg_tensor *b, segi_matmul_plan *p)
{
    if (a->rank < 1 || b->rank < 1)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "operands must have rank >= 1 (got %d, %d)",
                             a->rank, b->rank);
    memset(p, 0, sizeof *p);
    p->m = a->rank == 1 ? 1 : a->dims[a->rank - 2];
    p->k = a->dims[a->rank - 1];
    int64_t kb = b->rank == 1 ? b->dims[0] : b->dims[b->rank - 2];
    p->n = b->rank == 1 ? 1 : b->dims[b->rank - 1];
    if (kb != p->k)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "inner dimensions differ: %lld vs %lld",
                             (long long)p->k, (long long)kb);
    int ab = a->rank > 2 ? a->rank - 2 : 0, bb = b->rank > 2 ? b->rank - 2 : 0;
    p->batch_rank = ab > bb ? ab : bb;
    p->batches = 1;
    int64_t a_mats = 1, b_mats = 1;
    for (int d = p->batch_rank - 1; d >= 0; d--) {
        int ia = d - (p->batch_rank - ab), ib = d - (p->batch_rank - bb);
        int64_t da = ia >= 0 ? a->dims[ia] : 1, db = ib >= 0 ? b->dims[ib] : 1;
        if (da != db && da != 1 && db != 1)
            return segi_op_error(ctx, SEG_ERR_SHAPE,
                                 "batch dimensions %lld and %lld do not broadcast",
                                 (long long)da, (long long)db);
        p->dims[d] = da == 1 ? db : da;
        p->a_step[d] = da == 1 ? 0 : a_mats;
        p->b_step[d] = db == 1 ? 0 : b_mats;
        if (!segi_dim_mul(a_mats, da, INT64_MAX, &a_mats) ||
            !segi_dim_mul(b_mats, db, INT64_MAX, &b_mats) ||
            !segi_dim_mul(p->batches, p->dims[d], INT64_MAX, &p->batches))
            return segi_op_error(ctx, SEG_ERR_LIMIT, "batch count overflows");
    }
    p->rank = p->batch_rank;
    if (a->rank > 1)
        p->dims[p->rank++] = p->m;
    if (b->rank > 1)
        p->dims[p->rank++] = p->n;
    p->shared_b = b_mats == 1 && a_mats == p->batches;
    int64_t rows;
    if (p->m > INT_MAX || p->k > INT_MAX || p->n > INT_MAX ||
        (p->shared_b && !segi_dim_mul(p->m, p->batches, INT_MAX, &rows)))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "GEMM dimensions exceed the BLAS int range");
    return SEG_OK;
}

void segi_matmul_batch(const segi_matmul_plan *p, int64_t i, int64_t *a_at, int64_t *b_at)
{
    int64_t ai = 0, bi = 0;
    for (int d = p->batch_rank - 1; d >= 0; d--) {
        int64_t at = i % p->dims[d];
        i /= p->dims[d];
        ai += at * p->a_step[d];
        bi += at * p->b_step[d];
    }
    *a_at = ai;
    *b_at = bi;
}

static seg_status matmul_infer(segi_op_ctx *ctx)
{
    segi_matmul_plan p;
    seg_status st = segi_require_f32(ctx);
    if (st == SEG_OK)
        st = segi_matmul_plan_make(ctx, ctx->in[0], ctx->in[1], &p);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, p.rank, p.dims);
}

/* C[m, n] = A[m, k] B[k, n], with k == 0 giving zeros. */
static void sgemm_rows(segi_pool *pool, int64_t m, int64_t n, int64_t k, const float *a,
                       const float *b, float *c)
{
    segi_gemm_args g = {.m = m, .n = n, .k = k, .alpha = 1.0f, .a = a, .lda = k, .b = b,
                        .ldb = n, .c = c, .ldc = n};
    segi_gemm(pool, &g);
}

/* Products below this many multiply-adds are not worth banding over the pool. */
#define SMALL_PRODUCT_FMAS ((int64_t)1 << 20)

typedef struct batch_job {
    const segi_matmul_plan *p;
    const float *a, *b;
    float *y;
    segi_pool *pool;  /* for each product: NULL when batches are split over threads */
} batch_job;

static void run_batches(void *arg, size_t begin, size_t end)
{
    const batch_job *j = arg;
    const segi_matmul_plan *p = j->p;
    for (size_t i = begin; i < end; i++) {
        int64_t ai, bi;
        segi_matmul_batch(p, (int64_t)i, &ai, &bi);
        sgemm_rows(j->pool, p->m, p->n, p->k, j->a + ai * p->m * p->k, j->b + bi * p->k * p->n,
                   j->y + (int64_t)i * p->m * p->n);
    }
}

static seg_status matmul_run(segi_op_ctx *ctx)
{
    segi_matmul_plan p;
    seg_status st = segi_matmul_plan_make(ctx, ctx->in[0], ctx->in[1], &p);
    if (st != SEG_OK)
        return st;
    batch_job j = {&p, ctx->in[0]->data, ctx->in[1]->data, ctx->out[0]->data, ctx->pool};
    uint64_t t0 = segi_phase_start(ctx);
    int64_t threads = segi_pool_threads(ctx->pool);
    if (p.shared_b) {
        sgemm_rows(ctx->pool, p.batches * p.m, p.n, p.k, j.a, j.b, j.y);
    } else if (threads > 1 && p.batches > 1 &&
               (p.batches >= 4 * threads || p.m * p.n * p.k < SMALL_PRODUCT_FMAS)) {
        /* Many or small products (attention heads): whole products per thread, which
         * needs no band edges and wakes the pool once. */
        j.pool = NULL;
        segi_pool_for(ctx->pool, (size_t)p.batches, 1, run_batches, &j);
    } else {
        run_batches(&j, 0, (size_t)p.batches);
    }
    segi_phase_stop(ctx, SEGI_PHASE_GEMM, t0);
    return SEG_OK;
}

/* Gemm: Y = alpha * op(A) op(B) + beta * C, C unidirectionally broadcast to [M, N]. */
typedef struct gemm_plan {
    int64_t m, k, n, cm, cn;  /* cm, cn: C's broadcast dims (1 or M / N) */
    bool ta, tb;
} gemm_plan;

static seg_status gemm_plan_make(segi_op_ctx *ctx, gemm_plan *p)
{
    seg_status st = segi_require_f32(ctx);
    if (st != SEG_OK)
        return st;
    const seg_tensor *a = ctx->in[0], *b = ctx->in[1];
    const seg_tensor *c = ctx->n_in > 2 ? ctx->in[2] : NULL;
    if (a->rank != 2 || b->rank != 2)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "A and B must be 2-D (got rank %d, %d)",
                             a->rank, b->rank);
    p->ta = segi_op_attr_int(ctx, "transA", 0) != 0;
    p->tb = segi_op_attr_int(ctx, "transB", 0) != 0;
    p->m = a->dims[p->ta];
    p->k = a->dims[!p->ta];
    p->n = b->dims[!p->tb];
    if (b->dims[p->tb] != p->k)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "inner dimensions differ: %lld vs %lld",
                             (long long)p->k, (long long)b->dims[p->tb]);
    if (p->m > INT_MAX || p->k > INT_MAX || p->n > INT_MAX)
        return segi_op_error(ctx, SEG_ERR_LIMIT, "GEMM dimensions exceed the BLAS int range");
    p->cm = p->cn = 0;
    if (!c)
        return SEG_OK;
    p->cm = c->rank >= 2 ? c->dims[c->rank - 2] : 1;
    p->cn = c->rank >= 1 ? c->dims[c->rank - 1] : 1;
    if (c->rank > 2 || (p->cm != 1 && p->cm != p->m) || (p->cn != 1 && p->cn != p->n))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "C does not broadcast to [%lld, %lld]",
                             (long long)p->m, (long long)p->n);
    return SEG_OK;
}

static seg_status gemm_infer(segi_op_ctx *ctx)
{
    gemm_plan p = {0};
    seg_status st = gemm_plan_make(ctx, &p);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, 2, (const int64_t[]){p.m, p.n});
}

static seg_status gemm_run(segi_op_ctx *ctx)
{
    gemm_plan p = {0};
    seg_status st = gemm_plan_make(ctx, &p);
    if (st != SEG_OK)
        return st;
    float alpha = segi_op_attr_float(ctx, "alpha", 1.0f);
    float beta = segi_op_attr_float(ctx, "beta", 1.0f);
    const float *c = p.cm ? ctx->in[2]->data : NULL;
    float *y = ctx->out[0]->data;
    for (int64_t i = 0; i < p.m; i++)
        for (int64_t j = 0; j < p.n; j++)
            y[i * p.n + j] =
                c && beta != 0.0f ? beta * c[(p.cm == 1 ? 0 : i) * p.cn + (p.cn == 1 ? 0 : j)]
                                  : 0.0f;
    if (p.m == 0 || p.n == 0 || p.k == 0)
        return SEG_OK;
    uint64_t t0 = segi_phase_start(ctx);
    segi_gemm_args g = {.trans_a = p.ta, .trans_b = p.tb, .m = p.m, .n = p.n, .k = p.k,
                        .alpha = alpha, .beta = 1.0f, .a = ctx->in[0]->data,
                        .lda = p.ta ? p.m : p.k, .b = ctx->in[1]->data, .ldb = p.tb ? p.k : p.n,
                        .c = y, .ldc = p.n};
    segi_gemm(ctx->pool, &g);
    segi_phase_stop(ctx, SEGI_PHASE_GEMM, t0);
    return SEG_OK;
}

const segi_op_def segi_ops_matmul[] = {
    {"Gemm", 2, 3, 1, 1, 0, gemm_infer, gemm_run},
    {"MatMul", 2, 2, 1, 1, 0, matmul_infer, matmul_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
