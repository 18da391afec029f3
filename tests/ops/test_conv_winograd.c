/* Winograd F(4x4, 3x3) (ops/conv_winograd.h) against a float64 direct sum, across its
 * work splits (items with their own input, items sharing a block's input, several
 * blocks, tile ranges), its ISA variants and thread counts. */
#include "op_test.h"
#include "core/blas_threads.h"
#include "ops/conv_winograd.h"

#include <math.h>

typedef struct wcase {
    int64_t c, m, h, w, pad;
} wcase;

/* Deterministic values in [-1, 1). */
static void fill(float *v, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = (float)(seed >> 8) / (float)(1u << 23) - 1.0f;
    }
}

static segi_conv_shape shape_of(const wcase *k)
{
    int64_t oh = k->h + 2 * k->pad - 2, ow = k->w + 2 * k->pad - 2;
    segi_conv_shape s = {.n = 1, .c = k->c, .m = k->m, .group = 1};
    s.w = (segi_window){.nd = 2, .image = {1, k->h, k->w}, .grid = {1, oh, ow},
                        .kernel = {1, 3, 3}, .stride = {1, 1, 1}, .dilation = {1, 1, 1},
                        .pad0 = {0, k->pad, k->pad}, .pad1 = {0, k->pad, k->pad}};
    return s;
}

/* The largest |error| / (sum of |terms|) over all outputs. */
static double worst_relative_error(const wcase *k, const float *x, const float *w,
                                   const float *y)
{
    segi_conv_shape s = shape_of(k);
    int64_t oh = s.w.grid[1], ow = s.w.grid[2];
    double worst = 0;
    for (int64_t m = 0; m < k->m; m++)
        for (int64_t i = 0; i < oh; i++)
            for (int64_t j = 0; j < ow; j++) {
                double sum = 0, scale = 1e-30;
                for (int64_t c = 0; c < k->c; c++)
                    for (int u = 0; u < 3; u++)
                        for (int v = 0; v < 3; v++) {
                            int64_t yy = i - k->pad + u, xx = j - k->pad + v;
                            if (yy < 0 || yy >= k->h || xx < 0 || xx >= k->w)
                                continue;
                            double t = (double)x[(c * k->h + yy) * k->w + xx] *
                                       w[((m * k->c + c) * 3 + u) * 3 + v];
                            sum += t;
                            scale += fabs(t);
                        }
                double e = fabs(y[(m * oh + i) * ow + j] - sum) / scale;
                worst = e > worst ? e : worst;
            }
    return worst;
}

/* y of case k on `threads` threads with the transforms of `isa`; NULL on failure. */
static float *run_case(const wcase *k, const float *x, const float *w, int threads,
                       segi_isa isa)
{
    segi_conv_shape s = shape_of(k);
    segi_pool *pool = NULL;
    if (threads > 1 && segi_pool_create(threads, &pool) != SEG_OK)
        return NULL;
    segi_op_ctx ctx = {.pool = pool};
    size_t bytes = 0;
    float *y = NULL, *scratch = NULL;
    if (segi_winograd_scratch(&ctx, &s, &bytes)) {
        y = malloc((size_t)(k->m * segi_window_grid_size(&s.w)) * sizeof *y);
        scratch = malloc(bytes);
    }
    if (y && scratch)
        segi_winograd_isa(&ctx, &s, x, w, y, scratch, isa);
    else {
        free(y);
        y = NULL;
    }
    free(scratch);
    segi_pool_destroy(pool);
    return y;
}

/* Inputs for case k: x [c, h, w], w [m, c, 3, 3] in [-1, 1). */
static bool make_inputs(const wcase *k, float **x, float **w)
{
    *x = malloc((size_t)(k->c * k->h * k->w) * sizeof **x);
    *w = malloc((size_t)(k->m * k->c * 9) * sizeof **w);
    if (!*x || !*w)
        return false;
    fill(*x, (size_t)(k->c * k->h * k->w), 7);
    fill(*w, (size_t)(k->m * k->c * 9), 8);
    return true;
}

/* The error of F(4x4, 3x3) with these transforms, relative to the sum of |terms|. */
#define REL_TOL 1e-5

static const wcase cases[] = {
    {16, 16, 8, 8, 1},      /* one block, items with their own input */
    {17, 19, 13, 11, 1},    /* ragged tiles at the right and bottom edges */
    {16, 16, 10, 9, 0},     /* no padding */
    {16, 20, 70, 70, 1},    /* several blocks of their own input */
    {16, 16, 70, 130, 1},   /* blocks that start inside a tile row */
    {160, 150, 9, 13, 1},   /* own input, kernels of 3.5 MiB */
    {1024, 150, 9, 13, 1},  /* kernels over 4 MiB: shared block input, two items (80 + 70) */
    {256, 160, 36, 40, 1},  /* shared input, one item of output channels, tile ranges */
};

TEST(matches_a_float64_direct_sum)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const wcase *k = &cases[i];
        float *x = NULL, *w = NULL, *y = NULL;
        CHECK(make_inputs(k, &x, &w));
        if (x && w)
            y = run_case(k, x, w, 1, segi_cpu_isa());
        CHECK(y != NULL);
        if (y)
            CHECK(worst_relative_error(k, x, w, y) < REL_TOL);
        free(x);
        free(w);
        free(y);
    }
}

/* Count of outputs of a and b further apart than tol relative to 1 + |a|. */
static int64_t differences(const float *a, const float *b, int64_t n, float tol)
{
    int64_t bad = 0;
    for (int64_t i = 0; i < n; i++)
        bad += fabsf(a[i] - b[i]) > tol * (1.0f + fabsf(a[i]));
    return bad;
}

TEST(isa_variants_agree_and_threads_keep_the_bound)
{
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const wcase *k = &cases[i];
        segi_conv_shape s = shape_of(k);
        int64_t n = k->m * segi_window_grid_size(&s.w);
        float *x = NULL, *w = NULL;
        CHECK(make_inputs(k, &x, &w));
        float *want = x && w ? run_case(k, x, w, 1, SEGI_ISA_PORTABLE) : NULL;
        CHECK(want != NULL);
        for (int isa = SEGI_ISA_PORTABLE + 1; want && isa <= (int)segi_cpu_isa(); isa++) {
            float *got = run_case(k, x, w, 1, (segi_isa)isa);
            CHECK(got != NULL);
            /* Equal but for FMA contraction, which compilers may apply in the variants. */
            if (got)
                CHECK_EQ_INT(differences(want, got, n, 1e-5f), 0);
            free(got);
        }
        /* Other threads split the tiles into GEMMs of other widths, which OpenBLAS
         * rounds differently: the same bound, not the same bits. */
        for (int threads = 2; want && threads <= 3; threads++) {
            float *got = run_case(k, x, w, threads, segi_cpu_isa());
            CHECK(got != NULL);
            if (got)
                CHECK(worst_relative_error(k, x, w, got) < REL_TOL);
            free(got);
        }
        free(x);
        free(w);
        free(want);
    }
}

TEST(scratch_size_overflow_is_refused)
{
    wcase k = {1, 1, 8, 8, 1};
    segi_conv_shape s = shape_of(&k);
    /* U of one 16-channel item: 36 x 16 x 2^54 floats, more bytes than size_t holds. */
    s.c = (int64_t)1 << 54;
    s.m = 64;
    segi_op_ctx ctx = {0};
    size_t bytes = 0;
    CHECK(!segi_winograd_scratch(&ctx, &s, &bytes));
}

int main(void)
{
    /* As in a session: the pool's threads each run a single-threaded OpenBLAS. */
    segi_blas_threads_set(1);
    return RUN_TESTS(CASE(matches_a_float64_direct_sum),
                     CASE(isa_variants_agree_and_threads_keep_the_bound),
                     CASE(scratch_size_overflow_is_refused));
}
