/*
 * The direct depthwise kernel: every ISA variant gives the bits of the portable one and
 * of a float sum in the documented order (kernel rows, then taps, out-of-input taps
 * left out), within a stated bound of a float64 sum, on shapes that take the padded
 * plane copy, the per-block copies, the 4/8/16-float variants' tails and the scalar
 * path (stride 3, wide spans, 3-D kernels).
 */
#include "op_test.h"
#include "core/cpu.h"
#include "ops/conv_depthwise.h"

#include <float.h>
#include <math.h>

typedef struct dw_case {
    int64_t n, c, image[3], kernel[3], stride[3], dilation[3], pad0[3], pad1[3];
} dw_case;

static segi_conv_shape shape_of(const dw_case *dc)
{
    segi_conv_shape s = {.n = dc->n, .c = dc->c, .m = dc->c, .group = dc->c};
    s.w.nd = 3;
    for (int a = 0; a < 3; a++) {
        s.w.image[a] = dc->image[a];
        s.w.kernel[a] = dc->kernel[a];
        s.w.stride[a] = dc->stride[a];
        s.w.dilation[a] = dc->dilation[a];
        s.w.pad0[a] = dc->pad0[a];
        s.w.pad1[a] = dc->pad1[a];
        s.w.grid[a] = (dc->image[a] + dc->pad0[a] + dc->pad1[a] -
                       dc->dilation[a] * (dc->kernel[a] - 1) - 1) / dc->stride[a] + 1;
    }
    return s;
}

/* Values in [-2, 2), every 13th an exact zero. */
static float *random_floats(size_t n, uint32_t seed)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; v && i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = i % 13 == 5 ? 0.0f : (float)(seed >> 8) / 4194304.0f - 2.0f;
    }
    return v;
}

/* Output `o` (flat index within a plane) summed in float in the documented order, the
 * float64 sum and the sum of the terms' magnitudes. */
static void reference(const segi_window *w, const float *x, const float *k, int64_t o,
                      float *in_order, double *exact, double *magnitude)
{
    int64_t g[3] = {o / (w->grid[1] * w->grid[2]), o / w->grid[2] % w->grid[1],
                    o % w->grid[2]};
    float sum = 0;
    *exact = *magnitude = 0;
    for (int64_t t = 0; t < segi_window_kernel_size(w); t++) {
        int64_t tap[3] = {t / (w->kernel[1] * w->kernel[2]),
                          t / w->kernel[2] % w->kernel[1], t % w->kernel[2]};
        int64_t at = 0;
        bool inside = true;
        for (int a = 0; a < 3; a++) {
            int64_t i = g[a] * w->stride[a] - w->pad0[a] + tap[a] * w->dilation[a];
            inside = inside && i >= 0 && i < w->image[a];
            at = at * w->image[a] + i;
        }
        if (!inside)
            continue;
        float prod = k[t] * x[at];
        sum += prod;
        *exact += (double)k[t] * x[at];
        *magnitude += fabs((double)k[t] * x[at]);
    }
    *in_order = sum;
}

/* Outputs of every variant that differ from the portable one's bits, from the in-order
 * float sum's, or from the float64 sum by more than taps * FLT_EPSILON * magnitude (a
 * float sum of n terms is within about n u of the exact one, u = FLT_EPSILON / 2). */
static int mismatches(const dw_case *dc)
{
    segi_conv_shape s = shape_of(dc);
    const segi_window *w = &s.w;
    int64_t planes = s.n * s.c, in_size = segi_window_image_size(w);
    int64_t out_size = segi_window_grid_size(w), taps = segi_window_kernel_size(w);
    float *x = random_floats((size_t)(planes * in_size), 1);
    float *k = random_floats((size_t)(s.c * taps), 2);
    float *want = malloc((size_t)(planes * out_size) * sizeof *want);
    float *got = malloc((size_t)(planes * out_size) * sizeof *got);
    int bad = 0;
    if (!x || !k || !want || !got) {
        bad = -1;
        goto done;
    }
    segi_fused_act none = {SEGI_ACT_NONE, 0, 0};
    segi_conv_depthwise_isa(NULL, SEGI_ISA_PORTABLE, &s, &none, x, k, NULL, want);
    for (int64_t p = 0; p < planes; p++)
        for (int64_t o = 0; o < out_size; o++) {
            float in_order;
            double exact, magnitude;
            reference(w, x + p * in_size, k + p % s.c * taps, o, &in_order, &exact,
                      &magnitude);
            float v = want[p * out_size + o];
            bad += memcmp(&v, &in_order, sizeof v) != 0 ||
                   fabs(v - exact) > (double)taps * FLT_EPSILON * magnitude;
        }
    for (segi_isa isa = SEGI_ISA_AVX2; isa <= segi_cpu_isa(); isa++) {
        segi_conv_depthwise_isa(NULL, isa, &s, &none, x, k, NULL, got);
        bad += memcmp(want, got, (size_t)(planes * out_size) * sizeof *got) != 0;
    }
done:
    free(x);
    free(k);
    free(want);
    free(got);
    return bad;
}

/* A 2-D case: kernel k x k, stride s, dilation d, pads p0 before and p1 after. */
static dw_case case_2d(int64_t n, int64_t c, int64_t h, int64_t wd, int64_t k, int64_t s,
                       int64_t d, int64_t p0, int64_t p1)
{
    return (dw_case){n, c, {1, h, wd}, {1, k, k}, {1, s, s}, {1, d, d},
                     {0, p0, p0}, {0, p1, p1}};
}

TEST(variants_match_the_reference_3x3_5x5)
{
    /* Widths: tails of 4-, 8- and 16-float blocks; planes that fit the padded copy
     * (small) and that do not (100 x 100: per-block copies at the edges). */
    const int64_t widths[] = {1, 5, 17, 32, 37, 100};
    for (int64_t k = 3; k <= 5; k += 2)
        for (int64_t s = 1; s <= 2; s++)
            for (int64_t d = 1; d <= 2; d++)
                for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
                    int64_t p = k / 2 * d, wd = widths[i], h = wd < 9 ? 9 : wd;
                    dw_case same = case_2d(2, 3, h, wd, k, s, d, p, p);
                    dw_case uneven = case_2d(1, 2, h, wd, k, s, d, p, p == 1 ? 0 : 1);
                    dw_case valid = case_2d(1, 2, h, wd + (k - 1) * d, k, s, d, 0, 0);
                    CHECK_EQ_INT(mismatches(&same), 0);
                    if (shape_of(&uneven).w.grid[2] > 0)  /* width 1, less padding */
                        CHECK_EQ_INT(mismatches(&uneven), 0);
                    CHECK_EQ_INT(mismatches(&valid), 0);
                }
}

TEST(other_shapes_take_the_scalar_path_with_the_same_sums)
{
    /* stride 3; a dilation whose block span exceeds the local buffers; a 3-D kernel
     * with more rows than the vector path takes; 1x7 and 7x1 kernels. */
    dw_case stride3 = case_2d(1, 3, 20, 41, 3, 3, 1, 1, 1);
    dw_case wide_span = case_2d(1, 2, 12, 90, 3, 1, 20, 20, 20);
    dw_case cube = {1, 2, {4, 6, 40}, {3, 3, 3}, {1, 1, 1},
                    {1, 1, 1}, {1, 1, 1}, {1, 1, 1}};
    dw_case row = {1, 3, {1, 5, 50}, {1, 1, 7}, {1, 1, 1}, {1, 1, 1}, {0, 0, 3}, {0, 0, 3}};
    dw_case col = {1, 3, {1, 50, 5}, {1, 7, 1}, {1, 2, 1}, {1, 1, 1}, {0, 3, 0}, {0, 3, 0}};
    CHECK_EQ_INT(mismatches(&stride3), 0);
    CHECK_EQ_INT(mismatches(&wide_span), 0);
    CHECK_EQ_INT(mismatches(&cube), 0);
    CHECK_EQ_INT(mismatches(&row), 0);
    CHECK_EQ_INT(mismatches(&col), 0);
}

TEST(bias_and_activation_match_across_variants_and_threads)
{
    dw_case dc = case_2d(2, 5, 33, 33, 5, 1, 2, 4, 4);
    segi_conv_shape s = shape_of(&dc);
    size_t n_out = (size_t)(s.n * s.c * segi_window_grid_size(&s.w));
    float *x = random_floats((size_t)(s.n * s.c * segi_window_image_size(&s.w)), 3);
    float *k = random_floats((size_t)(s.c * 25), 4), *bias = random_floats(5, 5);
    float *want = malloc(n_out * sizeof *want), *got = malloc(n_out * sizeof *got);
    segi_pool *pool = NULL;
    CHECK_OK(segi_pool_create(2, &pool));
    const segi_fused_act acts[] = {{SEGI_ACT_HARD_SWISH, 1 / 6.0f, 0.5f},
                                   {SEGI_ACT_CLIP, 0, 6}, {SEGI_ACT_SILU, 0, 0}};
    for (size_t a = 0; x && k && bias && want && got && a < 3; a++) {
        segi_conv_depthwise_isa(NULL, SEGI_ISA_PORTABLE, &s, &acts[a], x, k, bias, want);
        /* the activation of the sum plus the bias, here for one output */
        float in_order;
        double exact, magnitude;
        reference(&s.w, x, k, 40, &in_order, &exact, &magnitude);
        float v = in_order + bias[0];
        float hs = v * fminf(fmaxf(v / 6.0f + 0.5f, 0.0f), 1.0f);
        if (a == 0)
            CHECK_NEAR(want[40], hs, 1e-6);
        for (segi_isa isa = SEGI_ISA_PORTABLE; isa <= segi_cpu_isa(); isa++) {
            segi_conv_depthwise_isa(pool, isa, &s, &acts[a], x, k, bias, got);
            CHECK(memcmp(want, got, n_out * sizeof *got) == 0);
        }
    }
    segi_pool_destroy(pool);
    free(x);
    free(k);
    free(bias);
    free(want);
    free(got);
}

TEST(conv_op_takes_the_depthwise_path_and_checks_channels)
{
    /* 1 x 2 x 1 x 3 input, 3-tap kernels, one per channel, pad 1: direct sums. */
    seg_tensor *x = F32(4, DIMS(1, 2, 1, 3), {1, 2, 3, -1, 0, 4});
    seg_tensor *w = F32(4, DIMS(2, 1, 1, 3), {1, 10, 100, 2, 0, -1});
    seg_tensor *bad_w = F32(4, DIMS(3, 1, 1, 3), {0, 0, 0, 0, 0, 0, 0, 0, 0});
    const int64_t pads[] = {0, 1, 0, 1};
    segi_attr attrs[] = {attr_int("group", 2), attr_ints("pads", pads, 4)};
    const seg_tensor *in[] = {x, w};
    seg_tensor *y = NULL;
    CHECK_OK(run_op("Conv", attrs, 2, 2, in, 1, &y));
    const float want[] = {210, 321, 32, 0, -6, 0};
    CHECK(y && memcmp(seg_tensor_data(y), want, sizeof want) == 0);
    seg_tensor_destroy(y);
    const seg_tensor *bad_in[] = {x, bad_w};
    y = NULL;
    CHECK_FAIL(run_op("Conv", attrs, 2, 2, bad_in, 1, &y), SEG_ERR_SHAPE, "does not fit");
    CHECK(y == NULL);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(bad_w);
}

int main(void)
{
    return RUN_TESTS(CASE(variants_match_the_reference_3x3_5x5),
                     CASE(other_shapes_take_the_scalar_path_with_the_same_sums),
                     CASE(bias_and_activation_match_across_variants_and_threads),
                     CASE(conv_op_takes_the_depthwise_path_and_checks_channels));
}
