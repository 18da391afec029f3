/*
 * Convolutions and matrix products split over a pool of 2 and 3 threads give the
 * single-threaded result within float rounding, on shapes large enough to be split
 * (several tiles per thread, batches and groups, ragged last tiles) and small enough
 * that some are not; and the single-threaded Conv equals a float64 direct sum, so that
 * a tiling bug common to all thread counts fails too.
 */
#include "op_test.h"

#include <math.h>

/* A tensor of values in [-1, 1). */
static seg_tensor *filled(int rank, const int64_t *dims, uint32_t seed)
{
    seg_tensor *t = tensor_of(SEG_DTYPE_F32, rank, dims, NULL);
    float *v = t ? seg_tensor_data(t) : NULL;
    for (size_t i = 0; v && i < seg_tensor_count(t); i++) {
        seed = seed * 1664525u + 1013904223u;
        v[i] = (float)(seed >> 8) / (float)(1u << 23) - 1.0f;
    }
    return t;
}

/* Largest |a - b| over equally sized tensors; +inf when the sizes differ. */
static double max_diff(const seg_tensor *a, const seg_tensor *b)
{
    if (seg_tensor_count(a) != seg_tensor_count(b))
        return INFINITY;
    const float *p = seg_tensor_const_data(a), *q = seg_tensor_const_data(b);
    double d = 0.0;
    for (size_t i = 0; i < seg_tensor_count(a); i++)
        d = fmax(d, fabs((double)p[i] - q[i]));
    return d;
}

/* The op on 1 thread (returned) and on pools of 2 and 3: equal within `tol`. */
static seg_tensor *same_on_threads(const char *op_type, const segi_attr *attrs, int n_attrs,
                                   int n_in, const seg_tensor *const *in, double tol)
{
    seg_tensor *want = NULL;
    CHECK_OK(run_op_on(NULL, op_type, attrs, n_attrs, n_in, in, &want));
    for (int threads = 2; threads <= 3 && want; threads++) {
        segi_pool *pool = NULL;
        seg_tensor *got = NULL;
        CHECK_OK(segi_pool_create(threads, &pool));
        CHECK_OK(run_op_on(pool, op_type, attrs, n_attrs, n_in, in, &got));
        double d = got ? max_diff(got, want) : INFINITY;
        if (!(d <= tol))
            fprintf(stderr, "%s on %d threads: off by %g\n", op_type, threads, d);
        CHECK(d <= tol);
        seg_tensor_destroy(got);
        segi_pool_destroy(pool);
    }
    return want;
}

typedef struct conv_case {
    int64_t n, c, h, w, m, group, kh, kw;
    int64_t stride, dil, pad;
    bool relu;
} conv_case;

static int64_t out_len(const conv_case *cc, int64_t in, int64_t k)
{
    return (in + 2 * cc->pad - (k - 1) * cc->dil - 1) / cc->stride + 1;
}

/* Outputs of y off the float64 direct convolution by more than 1e-5 of their sum of
 * |terms| (the scale of float rounding). */
static int64_t direct_mismatches(const conv_case *cc, const float *x, const float *w,
                                 const float *b, const float *y)
{
    int64_t cg = cc->c / cc->group, mg = cc->m / cc->group, bad = 0;
    int64_t oh = out_len(cc, cc->h, cc->kh), ow = out_len(cc, cc->w, cc->kw);
    for (int64_t n = 0; n < cc->n; n++)
        for (int64_t m = 0; m < cc->m; m++)
            for (int64_t i = 0; i < oh * ow; i++) {
                double sum = b[m], scale = fabs(b[m]);
                for (int64_t ci = 0; ci < cg; ci++)
                    for (int64_t u = 0; u < cc->kh * cc->kw; u++) {
                        int64_t yy = i / ow * cc->stride - cc->pad + u / cc->kw * cc->dil;
                        int64_t xx = i % ow * cc->stride - cc->pad + u % cc->kw * cc->dil;
                        if (yy < 0 || yy >= cc->h || xx < 0 || xx >= cc->w)
                            continue;
                        double t = (double)x[((n * cc->c + m / mg * cg + ci) * cc->h + yy) *
                                                 cc->w + xx] *
                                   w[(m * cg + ci) * cc->kh * cc->kw + u];
                        sum += t;
                        scale += fabs(t);
                    }
                double want = cc->relu && sum < 0 ? 0.0 : sum;
                bad += fabs(y[(n * cc->m + m) * oh * ow + i] - want) > 1e-5 * scale + 1e-7;
            }
    return bad;
}

static void check_conv(const conv_case *cc)
{
    int64_t xd[] = {cc->n, cc->c, cc->h, cc->w};
    int64_t wd[] = {cc->m, cc->c / cc->group, cc->kh, cc->kw}, bd[] = {cc->m};
    seg_tensor *x = filled(4, xd, 1), *w = filled(4, wd, 2), *b = filled(1, bd, 3);
    int64_t s2[] = {cc->stride, cc->stride}, d2[] = {cc->dil, cc->dil};
    int64_t p4[] = {cc->pad, cc->pad, cc->pad, cc->pad};
    segi_attr a[] = {attr_int("group", cc->group), attr_ints("strides", s2, 2),
                     attr_ints("dilations", d2, 2), attr_ints("pads", p4, 4),
                     attr_string("segi_activation", "relu")};
    seg_tensor *y = same_on_threads("Conv", a, cc->relu ? 5 : 4, 3,
                                    (const seg_tensor *const[]){x, w, b}, 1e-4);
    if (y)
        CHECK_EQ_INT(direct_mismatches(cc, seg_tensor_const_data(x), seg_tensor_const_data(w),
                                       seg_tensor_const_data(b), seg_tensor_const_data(y)),
                     0);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(b);
    seg_tensor_destroy(y);
}

TEST(im2col_tiles_split_over_threads)
{
    /* Several 1 MiB tiles per image with a ragged last one; two images of two groups;
     * dilated and padded; one too small to split. */
    check_conv(&(conv_case){1, 64, 91, 89, 20, 1, 3, 3, 2, 1, 1, true});
    check_conv(&(conv_case){1, 64, 181, 179, 8, 1, 3, 3, 1, 1, 1, false});
    check_conv(&(conv_case){2, 16, 37, 41, 24, 2, 3, 3, 1, 2, 2, false});
    check_conv(&(conv_case){1, 5, 23, 29, 7, 1, 5, 3, 1, 1, 1, true});
    check_conv(&(conv_case){3, 4, 9, 7, 6, 1, 3, 3, 1, 1, 1, false});
}

TEST(pointwise_bands_split_over_threads)
{
    check_conv(&(conv_case){1, 40, 33, 47, 72, 1, 1, 1, 1, 1, 0, true});
    check_conv(&(conv_case){3, 24, 31, 17, 36, 3, 1, 1, 1, 1, 0, false});
    check_conv(&(conv_case){1, 96, 125, 121, 48, 1, 1, 1, 1, 1, 0, true});
}

TEST(per_tap_and_winograd_split_over_threads)
{
    /* Dilation 12 on 23x21: most taps read padding (per-tap path); 3x3 stride 1 with
     * 16+ channels (Winograd). */
    check_conv(&(conv_case){1, 48, 23, 21, 40, 1, 3, 3, 1, 12, 12, true});
    check_conv(&(conv_case){2, 20, 19, 17, 18, 2, 3, 3, 1, 8, 8, false});
    check_conv(&(conv_case){1, 24, 45, 38, 20, 1, 3, 3, 1, 1, 1, true});
}

TEST(conv_transpose_splits_over_threads)
{
    int64_t xd[] = {2, 32, 21, 19}, wd[] = {32, 12, 4, 4}, bd[] = {24};
    seg_tensor *x = filled(4, xd, 4), *w = filled(4, wd, 5), *b = filled(1, bd, 6);
    int64_t s2[] = {2, 2}, p4[] = {1, 1, 1, 1};
    segi_attr a[] = {attr_int("group", 2), attr_ints("strides", s2, 2),
                     attr_ints("pads", p4, 4)};
    seg_tensor_destroy(same_on_threads("ConvTranspose", a, 3, 3,
                                       (const seg_tensor *const[]){x, w, b}, 1e-4));
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(b);
}

TEST(matmul_batches_split_over_threads)
{
    /* Many small products (attention-like), broadcast batch dims, a shared B, and a
     * few large products. */
    int64_t ad[] = {6, 3, 37, 29}, bd[] = {6, 3, 29, 45}, b2d[] = {3, 29, 45};
    int64_t sd[] = {29, 45}, la[] = {2, 150, 170}, lb[] = {2, 170, 130};
    seg_tensor *a = filled(4, ad, 7), *b = filled(4, bd, 8), *b2 = filled(3, b2d, 9);
    seg_tensor *shared = filled(2, sd, 10), *big_a = filled(3, la, 11), *big_b = filled(3, lb, 12);
    const seg_tensor *pairs[][2] = {{a, b}, {a, b2}, {a, shared}, {big_a, big_b}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        seg_tensor_destroy(same_on_threads("MatMul", NULL, 0, 2, pairs[i], 1e-4));
    seg_tensor_destroy(a);
    seg_tensor_destroy(b);
    seg_tensor_destroy(b2);
    seg_tensor_destroy(shared);
    seg_tensor_destroy(big_a);
    seg_tensor_destroy(big_b);
}

int main(void)
{
    return RUN_TESTS(CASE(im2col_tiles_split_over_threads),
                     CASE(pointwise_bands_split_over_threads),
                     CASE(per_tap_and_winograd_split_over_threads),
                     CASE(conv_transpose_splits_over_threads),
                     CASE(matmul_batches_split_over_threads));
}
