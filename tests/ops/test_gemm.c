/*
 * segi_gemm against a double-precision sum, on the calling thread and split over pools
 * of 2 and 3 threads: every transposition, both split directions (wide and tall C),
 * strided operands, beta accumulation, and k == 0.
 */
#include "check.h"
#include "ops/gemm.h"

#include <stdlib.h>

/* Values in [-1, 1) from a linear congruential sequence. */
static float *random_floats(size_t n, uint32_t seed)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = (float)(seed >> 8) / 8388608.0f - 1.0f;
    }
    return v;
}

/* op(A)[i, l] and op(B)[l, j] as stored. */
static float at_a(const segi_gemm_args *g, int64_t i, int64_t l)
{
    return g->trans_a ? g->a[l * g->lda + i] : g->a[i * g->lda + l];
}

static float at_b(const segi_gemm_args *g, int64_t l, int64_t j)
{
    return g->trans_b ? g->b[j * g->ldb + l] : g->b[l * g->ldb + j];
}

/* Run `g` on `pool` over C0 (copied to g->c first) and compare each entry with the
 * double sum alpha op(A) op(B) + beta C0; entries outside [m, n] must not change. */
static void check_product(segi_pool *pool, segi_gemm_args g, const float *c0)
{
    size_t c_size = (size_t)(g.m * g.ldc);
    memcpy(g.c, c0, c_size * sizeof *c0);
    segi_gemm(pool, &g);
    int64_t bad = 0;
    for (int64_t i = 0; i < g.m; i++)
        for (int64_t j = 0; j < g.ldc; j++) {
            float got = g.c[i * g.ldc + j];
            if (j >= g.n) {
                bad += memcmp(&got, &c0[i * g.ldc + j], sizeof got) != 0;
                continue;
            }
            double want = g.beta == 0.0f ? 0.0 : (double)g.beta * c0[i * g.ldc + j];
            for (int64_t l = 0; l < g.k; l++)
                want += (double)g.alpha * at_a(&g, i, l) * at_b(&g, l, j);
            bad += !(fabs(got - want) <= 1e-5 * (1.0 + (double)g.k));
        }
    CHECK_EQ_INT(bad, 0);
}

/* Every transposition of an m x n x k product, with padded leading dimensions. */
static void check_shape(int64_t m, int64_t n, int64_t k, float alpha, float beta)
{
    int64_t pad = 3, lda_max = (m > k ? m : k) + pad, ldb_max = (k > n ? k : n) + pad;
    float *a = random_floats((size_t)(lda_max * lda_max), 1);
    float *b = random_floats((size_t)(ldb_max * ldb_max), 2);
    float *c0 = random_floats((size_t)(m * (n + pad)), 3);
    float *c = malloc((size_t)(m * (n + pad)) * sizeof *c);
    segi_pool *pools[3] = {NULL, NULL, NULL};
    CHECK_OK(segi_pool_create(2, &pools[1]));
    CHECK_OK(segi_pool_create(3, &pools[2]));
    for (int t = 0; t < 4 && a && b && c0 && c; t++) {
        bool ta = t & 1, tb = t & 2;
        segi_gemm_args g = {.trans_a = ta, .trans_b = tb, .m = m, .n = n, .k = k,
                            .alpha = alpha, .beta = beta, .a = a,
                            .lda = (ta ? m : k) + pad, .b = b, .ldb = (tb ? k : n) + pad,
                            .c = c, .ldc = n + pad};
        for (int p = 0; p < 3; p++)
            check_product(pools[p], g, c0);
    }
    segi_pool_destroy(pools[1]);
    segi_pool_destroy(pools[2]);
    free(a);
    free(b);
    free(c0);
    free(c);
}

/* Wider than tall: split by columns, into bands of 16 with a ragged last one. */
TEST(wide_products_split_by_columns)
{
    check_shape(37, 1001, 53, 1.0f, 0.0f);
    check_shape(5, 3000, 80, 0.5f, 1.0f);
}

/* Taller than wide: split by rows. */
TEST(tall_products_split_by_rows)
{
    check_shape(1001, 37, 53, 1.0f, 0.0f);
    check_shape(700, 20, 90, -2.0f, 0.25f);
}

/* Below the split threshold the caller does it alone; the results are the same. */
TEST(small_products_run_inline)
{
    check_shape(3, 4, 5, 1.0f, 0.0f);
    check_shape(1, 1, 1, 1.0f, 1.0f);
}

/* k == 0: C = beta C, and beta == 0 clears NaNs that C held. */
TEST(empty_inner_dimension_scales_c)
{
    check_shape(40, 50, 0, 1.0f, 0.5f);
    float c[6] = {NAN, 1, 2, 3, 4, 5}, dummy = 0;
    segi_gemm_args g = {.m = 2, .n = 3, .k = 0, .alpha = 1.0f, .a = &dummy, .lda = 1,
                        .b = &dummy, .ldb = 3, .c = c, .ldc = 3};
    segi_gemm(NULL, &g);
    for (int i = 0; i < 6; i++)
        CHECK(c[i] == 0.0f && !signbit(c[i]));
}

int main(void)
{
    return RUN_TESTS(CASE(wide_products_split_by_columns), CASE(tall_products_split_by_rows),
                     CASE(small_products_run_inline), CASE(empty_inner_dimension_scales_c));
}
