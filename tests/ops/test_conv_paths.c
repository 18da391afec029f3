/* Every Conv path (im2col, pointwise, per-tap GEMMs, Winograd, depthwise) against a float64
 * direct convolution written here, on shapes that reach each path's edge cases. */
#include "op_test.h"
#include "ops/conv_dilated.h"
#include "ops/conv_taps.h"
#include "ops/conv_winograd.h"

#include <math.h>

typedef struct conv_case {
    int64_t c, h, w, m, group, kh, kw;
    int64_t stride[2], dil[2], pads[4];  /* pads: top, left, bottom, right */
    const char *act;                     /* NULL or "relu" */
} conv_case;

static int64_t out_len(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1)
{
    return (in + p0 + p1 - (k - 1) * d - 1) / s + 1;
}

/* Deterministic values in [-1, 1). */
static void fill(float *v, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = (float)(seed >> 8) / (float)(1u << 23) - 1.0f;
    }
}

/* y[m, i, j] and the sum of |terms| (the scale of its rounding error), in float64. */
static double reference(const conv_case *cc, const float *x, const float *w, const float *b,
                        int64_t m, int64_t i, int64_t j, double *scale)
{
    int64_t cg = cc->c / cc->group, g = m / (cc->m / cc->group);
    double sum = b[m], abs_sum = fabs(b[m]);
    for (int64_t ci = 0; ci < cg; ci++)
        for (int64_t u = 0; u < cc->kh; u++)
            for (int64_t v = 0; v < cc->kw; v++) {
                int64_t y = i * cc->stride[0] - cc->pads[0] + u * cc->dil[0];
                int64_t xx = j * cc->stride[1] - cc->pads[1] + v * cc->dil[1];
                if (y < 0 || y >= cc->h || xx < 0 || xx >= cc->w)
                    continue;
                double t = (double)x[((g * cg + ci) * cc->h + y) * cc->w + xx] *
                           w[((m * cg + ci) * cc->kh + u) * cc->kw + v];
                sum += t;
                abs_sum += fabs(t);
            }
    *scale = abs_sum;
    return cc->act && sum < 0 ? 0.0 : sum;
}

/* Run the case through the Conv op and count outputs off the reference by more than
 * rel_tol times their scale. */
static int conv_mismatches(const conv_case *cc, double rel_tol)
{
    int64_t xd[] = {1, cc->c, cc->h, cc->w}, wd[] = {cc->m, cc->c / cc->group, cc->kh, cc->kw};
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, xd, NULL);
    seg_tensor *w = tensor_of(SEG_DTYPE_F32, 4, wd, NULL);
    seg_tensor *b = tensor_of(SEG_DTYPE_F32, 1, (const int64_t[]){cc->m}, NULL), *y = NULL;
    float *xp = seg_tensor_data(x), *wp = seg_tensor_data(w), *bp = seg_tensor_data(b);
    fill(xp, seg_tensor_count(x), 1);
    fill(wp, seg_tensor_count(w), 2);
    fill(bp, seg_tensor_count(b), 3);
    segi_attr a[] = {attr_int("group", cc->group), attr_ints("strides", cc->stride, 2),
                     attr_ints("dilations", cc->dil, 2), attr_ints("pads", cc->pads, 4),
                     attr_string("segi_activation", cc->act ? cc->act : "")};
    CHECK_OK(run_op("Conv", a, cc->act ? 5 : 4, 3, (const seg_tensor *const[]){x, w, b}, 1,
                    &y));
    int64_t oh = out_len(cc->h, cc->kh, cc->stride[0], cc->dil[0], cc->pads[0], cc->pads[2]);
    int64_t ow = out_len(cc->w, cc->kw, cc->stride[1], cc->dil[1], cc->pads[1], cc->pads[3]);
    int bad = -1;
    if (y && seg_tensor_count(y) == (size_t)(cc->m * oh * ow)) {
        const float *yp = seg_tensor_const_data(y);
        bad = 0;
        for (int64_t m = 0; m < cc->m; m++)
            for (int64_t i = 0; i < oh; i++)
                for (int64_t j = 0; j < ow; j++) {
                    double scale, want = reference(cc, xp, wp, bp, m, i, j, &scale);
                    bad += fabs(yp[(m * oh + i) * ow + j] - want) > rel_tol * scale + 1e-7;
                }
    }
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(b);
    seg_tensor_destroy(y);
    return bad;
}

#define CHECK_CONV(tol, ...)                                   \
    do {                                                       \
        const conv_case cc_ = __VA_ARGS__;                     \
        CHECK_EQ_INT(conv_mismatches(&cc_, tol), 0);           \
    } while (0)

/* FP32 GEMM sums of a few hundred terms: well within 1e-5 of their absolute sum. */
#define GEMM_TOL 1e-5

TEST(per_tap_gemm_share_is_the_valid_fraction)
{
    /* ASPP on a 32x32 map: dilation 36 leaves only the centre tap, dilation 24 has
     * 32 + 8 + 8 valid points per axis out of 96, dilation 1 all but 2. */
    segi_window w = {.nd = 2, .image = {1, 32, 32}, .grid = {1, 32, 32},
                     .kernel = {1, 3, 3}, .stride = {1, 1, 1}, .dilation = {1, 36, 36},
                     .pad0 = {0, 36, 36}, .pad1 = {0, 36, 36}};
    CHECK_NEAR(segi_conv_taps_share(&w), 1.0 / 9.0, 1e-12);
    w.dilation[1] = w.dilation[2] = w.pad0[1] = w.pad0[2] = w.pad1[1] = w.pad1[2] = 24;
    CHECK_NEAR(segi_conv_taps_share(&w), 0.25, 1e-12);
    w.dilation[1] = w.dilation[2] = w.pad0[1] = w.pad0[2] = w.pad1[1] = w.pad1[2] = 1;
    CHECK_NEAR(segi_conv_taps_share(&w), (94.0 / 96.0) * (94.0 / 96.0), 1e-12);
    segi_conv_shape s = {.w = w, .n = 1, .c = 8, .m = 4, .group = 1};
    CHECK(!segi_conv_taps_pay(&s));
    s.w.dilation[1] = s.w.dilation[2] = s.w.pad0[1] = s.w.pad0[2] = 24;
    s.w.pad1[1] = s.w.pad1[2] = 24;
    CHECK(segi_conv_taps_pay(&s));
    s.group = 8;  /* one channel per group: the depthwise kernel's, not a GEMM */
    CHECK(!segi_conv_taps_pay(&s));
}

TEST(per_tap_gemm_matches_direct_sums)
{
    /* Only the centre tap touches the input: one direct GEMM on x. */
    CHECK_CONV(GEMM_TOL, {6, 12, 12, 5, 1, 3, 3, {1, 1}, {13, 13}, {13, 13, 13, 13}, NULL});
    /* All taps partly valid: row-rectangles straight into y, others via the buffer. */
    CHECK_CONV(GEMM_TOL, {8, 12, 12, 6, 1, 3, 3, {1, 1}, {7, 7}, {7, 7, 7, 7}, "relu"});
    /* Non-square, asymmetric pads, two groups, a 1x3 and a 3x1 dilation mix. */
    CHECK_CONV(GEMM_TOL, {6, 9, 14, 4, 2, 3, 3, {1, 1}, {6, 9}, {5, 9, 7, 8}, NULL});
    /* Stride 2: rectangles are gathered with a stride. */
    CHECK_CONV(GEMM_TOL, {5, 11, 13, 3, 1, 3, 3, {2, 2}, {6, 6}, {6, 6, 6, 6}, NULL});
    /* No tap covers the whole output: y starts from zeros. */
    CHECK_CONV(GEMM_TOL, {4, 6, 6, 3, 1, 2, 2, {1, 1}, {8, 8}, {4, 4, 4, 4}, "relu"});
}

/* Winograd's transforms (constants up to 8 and 1/24) round a little more than a direct
 * sum; measured errors stay below 1e-6 of the sum of |terms|. */
#define WINOGRAD_TOL 1e-5

TEST(winograd_is_chosen_for_wide_3x3_stride_1)
{
    /* 21x21: 36 tiles of 4x4. */
    segi_window w = {.nd = 2, .image = {1, 21, 21}, .grid = {1, 21, 21}, .kernel = {1, 3, 3},
                     .stride = {1, 1, 1}, .dilation = {1, 1, 1}, .pad0 = {0, 1, 1},
                     .pad1 = {0, 1, 1}};
    segi_conv_shape s = {.w = w, .n = 1, .c = 16, .m = 16, .group = 1};
    CHECK_EQ_INT(segi_winograd_tiles(&s.w), 36);
    CHECK(segi_winograd_pays(&s));
    s.w.grid[1] = s.w.grid[2] = 16;  /* 16 tiles: the kernel transform does not pay */
    CHECK(!segi_winograd_pays(&s));
    s.w.grid[1] = s.w.grid[2] = 21;
    s.m = 15;
    CHECK(!segi_winograd_pays(&s));
    s.m = 32;
    s.group = 2;
    CHECK(!segi_winograd_pays(&s));
    s.group = 1;
    s.w.stride[2] = 2;
    CHECK(!segi_winograd_pays(&s));
    s.w.stride[2] = 1;
    s.w.dilation[1] = 2;
    CHECK(!segi_winograd_pays(&s));
}

TEST(winograd_matches_direct_sums)
{
    /* Whole tiles; then sizes that leave partial tiles on the right and bottom. */
    CHECK_CONV(WINOGRAD_TOL, {16, 24, 24, 16, 1, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL});
    CHECK_CONV(WINOGRAD_TOL, {17, 25, 23, 19, 1, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, "relu"});
    /* No padding, asymmetric padding, a single-row output, two groups. */
    CHECK_CONV(WINOGRAD_TOL, {16, 26, 25, 16, 1, 3, 3, {1, 1}, {1, 1}, {0, 0, 0, 0}, NULL});
    CHECK_CONV(WINOGRAD_TOL, {20, 23, 30, 16, 1, 3, 3, {1, 1}, {1, 1}, {2, 0, 1, 2}, NULL});
    CHECK_CONV(WINOGRAD_TOL, {16, 1, 130, 16, 1, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL});
    CHECK_CONV(WINOGRAD_TOL, {32, 22, 22, 32, 2, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL});
    /* Rows of more tiles than one chunk (64) of the transforms' row buffers. */
    CHECK_CONV(WINOGRAD_TOL, {16, 5, 301, 16, 1, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL});
}

TEST(dilated_same_3x3_takes_winograd_on_a_mosaic)
{
    /* 24x24, dilation 2, padding 2: a 25x25 mosaic of 49 tiles for 36 dense ones. */
    segi_window w = {.nd = 2, .image = {1, 24, 24}, .grid = {1, 24, 24}, .kernel = {1, 3, 3},
                     .stride = {1, 1, 1}, .dilation = {1, 2, 2}, .pad0 = {0, 2, 2},
                     .pad1 = {0, 2, 2}};
    segi_conv_shape s = {.w = w, .n = 1, .c = 16, .m = 16, .group = 1};
    CHECK(segi_dilated_pays(&s));
    CHECK(!segi_conv_taps_pay(&s));  /* so the Conv op takes this path */
    s.w.pad1[2] = 1;                  /* not "same": the phases are no plain convs */
    CHECK(!segi_dilated_pays(&s));
    s.w.pad1[2] = 2;
    s.c = 15;
    CHECK(!segi_dilated_pays(&s));
    s.c = 16;
    s.w.stride[1] = 2;
    CHECK(!segi_dilated_pays(&s));
    s.w.stride[1] = 1;
    /* Dilation 12: a 35x35 mosaic of 81 tiles, over twice the 36 dense ones. */
    for (int a = 1; a <= 2; a++)
        s.w.dilation[a] = s.w.pad0[a] = s.w.pad1[a] = 12;
    CHECK(!segi_dilated_pays(&s));
    for (int a = 1; a <= 2; a++)
        s.w.dilation[a] = s.w.pad0[a] = s.w.pad1[a] = 1;
    CHECK(!segi_dilated_pays(&s));  /* undilated: plain Winograd */
}

TEST(dilated_winograd_matches_direct_sums)
{
    CHECK_CONV(WINOGRAD_TOL, {16, 24, 24, 16, 1, 3, 3, {1, 1}, {2, 2}, {2, 2, 2, 2}, NULL});
    /* Sides that are no multiple of the dilation: phases of unequal length. */
    CHECK_CONV(WINOGRAD_TOL, {17, 25, 23, 19, 1, 3, 3, {1, 1}, {3, 3}, {3, 3, 3, 3}, "relu"});
    CHECK_CONV(WINOGRAD_TOL, {16, 30, 29, 16, 1, 3, 3, {1, 1}, {4, 4}, {4, 4, 4, 4}, NULL});
    /* Dilated along one axis only; two groups. */
    CHECK_CONV(WINOGRAD_TOL, {16, 26, 21, 16, 1, 3, 3, {1, 1}, {2, 1}, {2, 1, 2, 1}, NULL});
    CHECK_CONV(WINOGRAD_TOL, {32, 22, 22, 32, 2, 3, 3, {1, 1}, {2, 2}, {2, 2, 2, 2}, NULL});
}

TEST(winograd_isa_variants_match_the_portable_one)
{
    /* 300 columns: 75 tiles per row, more than one chunk; partial tiles at the edges. */
    const int64_t c = 18, m = 17, h = 9, wd = 301;
    segi_conv_shape s = {.n = 1, .c = c, .m = m, .group = 1};
    s.w = (segi_window){.nd = 2, .image = {1, h, wd}, .grid = {1, h, wd}, .kernel = {1, 3, 3},
                        .stride = {1, 1, 1}, .dilation = {1, 1, 1}, .pad0 = {0, 1, 1},
                        .pad1 = {0, 1, 1}};
    size_t bytes = 0;
    segi_op_ctx ctx = {0};
    CHECK(segi_winograd_scratch(&ctx, &s, &bytes));
    float *x = malloc((size_t)(c * h * wd) * sizeof *x), *w = malloc((size_t)(m * c * 9) * sizeof *w);
    float *want = malloc((size_t)(m * h * wd) * sizeof *want);
    float *got = malloc((size_t)(m * h * wd) * sizeof *got), *scratch = malloc(bytes);
    CHECK(x && w && want && got && scratch);
    if (!x || !w || !want || !got || !scratch)
        goto out;
    fill(x, (size_t)(c * h * wd), 4);
    fill(w, (size_t)(m * c * 9), 5);
    segi_winograd_isa(&ctx, &s, x, w, want, scratch, SEGI_ISA_PORTABLE);
    for (int isa = SEGI_ISA_PORTABLE + 1; isa <= (int)segi_cpu_isa(); isa++) {
        segi_winograd_isa(&ctx, &s, x, w, got, scratch, (segi_isa)isa);
        int bad = 0;
        /* Equal but for FMA contraction, which clang may apply in the variants. */
        for (int64_t i = 0; i < m * h * wd; i++)
            bad += fabsf(got[i] - want[i]) > 1e-5f * (1.0f + fabsf(want[i]));
        CHECK_EQ_INT(bad, 0);
    }
out:
    free(x);
    free(w);
    free(want);
    free(got);
    free(scratch);
}

TEST(im2col_and_pointwise_match_direct_sums)
{
    CHECK_CONV(GEMM_TOL, {7, 10, 11, 5, 1, 3, 3, {1, 1}, {1, 1}, {1, 1, 1, 1}, NULL});
    CHECK_CONV(GEMM_TOL, {6, 10, 11, 4, 2, 3, 3, {2, 2}, {1, 1}, {1, 0, 1, 2}, "relu"});
    CHECK_CONV(GEMM_TOL, {9, 7, 8, 5, 1, 1, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}, NULL});
    CHECK_CONV(GEMM_TOL, {9, 7, 8, 6, 3, 1, 1, {1, 1}, {1, 1}, {0, 0, 0, 0}, "relu"});
    CHECK_CONV(GEMM_TOL, {3, 9, 9, 4, 1, 5, 5, {1, 1}, {1, 1}, {2, 2, 2, 2}, NULL});
}

TEST(depthwise_matches_direct_sums)
{
    /* 3x3 and 5x5, stride 1 and 2, dilation 1 and 2, rows wide enough for the
     * vectorised interior, with padded edges. */
    for (int64_t k = 3; k <= 5; k += 2)
        for (int64_t s = 1; s <= 2; s++)
            for (int64_t d = 1; d <= 2; d++) {
                int64_t p = k / 2 * d;
                conv_case cc = {4, 13, 37, 4, 4, k, k, {s, s}, {d, d}, {p, p, p, p}, "relu"};
                CHECK_EQ_INT(conv_mismatches(&cc, GEMM_TOL), 0);
                cc.pads[3] = 0;
                cc.act = NULL;
                CHECK_EQ_INT(conv_mismatches(&cc, GEMM_TOL), 0);
            }
}

int main(void)
{
    return RUN_TESTS(CASE(per_tap_gemm_share_is_the_valid_fraction),
                     CASE(per_tap_gemm_matches_direct_sums),
                     CASE(winograd_is_chosen_for_wide_3x3_stride_1),
                     CASE(winograd_matches_direct_sums),
                     CASE(winograd_isa_variants_match_the_portable_one),
                     CASE(dilated_same_3x3_takes_winograd_on_a_mosaic),
                     CASE(dilated_winograd_matches_direct_sums),
                     CASE(im2col_and_pointwise_match_direct_sums),
                     CASE(depthwise_matches_direct_sums));
}
