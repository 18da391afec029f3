/* Conv against PyTorch's F.conv1d/2d/3d (tests/goldens/ops_nn.py), fused activations,
 * auto_pad, and the errors of bad shapes and attributes. */
#include "golden.h"

#define G(name) golden(c, name)

TEST(conv2d_asymmetric_pads_strides_dilations)
{
    const char *c = "conv2d";
    const int64_t strides[] = {2, 1}, dil[] = {1, 2}, pads[] = {1, 0, 0, 2};
    segi_attr a[] = {attr_ints("strides", strides, 2), attr_ints("dilations", dil, 2),
                     attr_ints("pads", pads, 4)};
    CHECK_OP("Conv", a, 3, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(conv2d_groups_and_fused_activations)
{
    const char *c = "conv2d_group";
    const int64_t pads[] = {1, 1, 1, 1};
    segi_attr a[6] = {attr_int("group", 3), attr_ints("pads", pads, 4)};
    CHECK_OP("Conv", a, 2, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
    static const struct {
        const char *act, *golden;
    } acts[] = {{"relu", "relu"}, {"hard_swish", "hswish"}, {"silu", "silu"},
                {"sigmoid", "sigmoid"}};
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
        a[2] = attr_string("segi_activation", acts[i].act);
        CHECK_OP("Conv", a, 3, IN(G("x"), G("w"), G("b")), 1, IN(G(acts[i].golden)), 1e-4);
    }
    a[2] = attr_string("segi_activation", "clip");
    a[3] = attr_float("segi_activation_min", 0.0f);
    a[4] = attr_float("segi_activation_max", 6.0f);
    CHECK_OP("Conv", a, 5, IN(G("x"), G("w"), G("b")), 1, IN(G("clip")), 1e-4);
    a[2] = attr_string("segi_activation", "leaky_relu");
    a[3] = attr_float("segi_alpha", 0.1f);
    CHECK_OP("Conv", a, 4, IN(G("x"), G("w"), G("b")), 1, IN(G("leaky")), 1e-4);
}

TEST(conv2d_depthwise_stride2)
{
    const char *c = "conv2d_depthwise";
    const int64_t pads[] = {1, 1, 1, 1}, strides[] = {2, 2}, ks[] = {3, 3};
    segi_attr a[] = {attr_int("group", 4), attr_ints("pads", pads, 4),
                     attr_ints("strides", strides, 2), attr_ints("kernel_shape", ks, 2)};
    CHECK_OP("Conv", a, 4, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(conv2d_depthwise_wide_rows_dilated)
{
    /* Rows wide enough for the vectorised interior, with edges on both sides. */
    const char *c = "conv2d_depthwise_wide";
    const int64_t pads[] = {1, 2, 0, 1}, dil[] = {1, 2};
    segi_attr a[] = {attr_int("group", 3), attr_ints("pads", pads, 4),
                     attr_ints("dilations", dil, 2)};
    CHECK_OP("Conv", a, 3, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(conv2d_depthwise_stride2_wide_rows)
{
    const char *c = "conv2d_depthwise_s2_wide";
    const int64_t pads[] = {1, 3, 1, 2}, dil[] = {1, 2}, strides[] = {2, 2};
    segi_attr a[] = {attr_int("group", 2), attr_ints("pads", pads, 4),
                     attr_ints("dilations", dil, 2), attr_ints("strides", strides, 2)};
    CHECK_OP("Conv", a, 4, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(conv2d_pointwise_is_direct_gemm)
{
    const char *c = "conv2d_pointwise";
    CHECK_OP("Conv", NULL, 0, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(fused_relu_and_clip_pass_nan_through)
{
    seg_tensor *x = F32(3, DIMS(1, 1, 4), {NAN, -2.0f, 0.5f, 9.0f});
    seg_tensor *w = F32(3, DIMS(1, 1, 1), {1.0f}), *y = NULL;
    segi_attr a[3] = {attr_string("segi_activation", "relu")};
    CHECK_OK(run_op("Conv", a, 1, 2, (const seg_tensor *const[]){x, w}, 1, &y));
    const float *v = y ? seg_tensor_const_data(y) : NULL;
    CHECK(v && isnan(v[0]) && v[1] == 0.0f && v[2] == 0.5f && v[3] == 9.0f);
    seg_tensor_destroy(y);
    a[0] = attr_string("segi_activation", "clip");
    a[1] = attr_float("segi_activation_min", 0.0f);
    a[2] = attr_float("segi_activation_max", 6.0f);
    CHECK_OK(run_op("Conv", a, 3, 2, (const seg_tensor *const[]){x, w}, 1, &y));
    v = y ? seg_tensor_const_data(y) : NULL;
    CHECK(v && isnan(v[0]) && v[1] == 0.0f && v[2] == 0.5f && v[3] == 6.0f);
    seg_tensor_destroy(y);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
}

TEST(conv1d_and_conv3d)
{
    const char *c = "conv1d";
    const int64_t s[] = {2}, d[] = {2}, p[] = {2, 2};
    segi_attr a[] = {attr_ints("strides", s, 1), attr_ints("dilations", d, 1),
                     attr_ints("pads", p, 2)};
    CHECK_OP("Conv", a, 3, IN(G("x"), G("w")), 1, IN(G("y")), 1e-4);
    c = "conv3d";
    CHECK_OP("Conv", NULL, 0, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(conv_auto_pad_same_and_valid)
{
    /* x 1x1x5x5 = 0..24, 3x3 ones kernel, stride 2. */
    float xs[25];
    for (int i = 0; i < 25; i++)
        xs[i] = (float)i;
    float ws[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    const int64_t strides[] = {2, 2};
    segi_attr a[] = {attr_string("auto_pad", "SAME_UPPER"), attr_ints("strides", strides, 2)};
    /* SAME_UPPER: out 3x3, total pad 2 -> 1 before, 1 after. */
    seg_tensor *y = NULL;
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){1, 1, 5, 5}, xs);
    seg_tensor *w = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){1, 1, 3, 3}, ws);
    CHECK_OK(run_op("Conv", a, 2, 2, (const seg_tensor *const[]){x, w}, 1, &y));
    CHECK_F32(y, 4, DIMS(1, 1, 3, 3), 1e-4,
              {12, 27, 24, 63, 108, 81, 72, 117, 84});
    seg_tensor_destroy(y);
    /* SAME_LOWER with an even input: 1x1x4x4, stride 1 needs total pad 2 -> 1/1; use
     * kernel 2 so that the total is 1 and lands before. */
    a[0] = attr_string("auto_pad", "SAME_LOWER");
    seg_tensor *x4 = F32(4, DIMS(1, 1, 2, 2), {1, 2, 3, 4});
    seg_tensor *w2 = F32(4, DIMS(1, 1, 2, 2), {1, 1, 1, 1});
    CHECK_OK(run_op("Conv", a, 1, 2, (const seg_tensor *const[]){x4, w2}, 1, &y));
    CHECK_F32(y, 4, DIMS(1, 1, 2, 2), 1e-6, {1, 3, 4, 10});
    seg_tensor_destroy(y);
    a[0] = attr_string("auto_pad", "VALID");
    CHECK_OK(run_op("Conv", a, 2, 2, (const seg_tensor *const[]){x, w}, 1, &y));
    CHECK_F32(y, 4, DIMS(1, 1, 2, 2), 1e-4, {54, 72, 144, 162});
    seg_tensor_destroy(y);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(x4);
    seg_tensor_destroy(w2);
}

/* y[m, i, j] of a padded stride-1 2-D conv, summed directly. */
static double direct_conv(const float *x, const float *w, int64_t c, int64_t h, int64_t wd,
                          int64_t k, int64_t pad, int64_t m, int64_t i, int64_t j)
{
    double sum = 0;
    for (int64_t ch = 0; ch < c; ch++)
        for (int64_t u = 0; u < k; u++)
            for (int64_t v = 0; v < k; v++) {
                int64_t y = i + u - pad, xx = j + v - pad;
                if (y >= 0 && y < h && xx >= 0 && xx < wd)
                    sum += (double)x[(ch * h + y) * wd + xx] * w[((m * c + ch) * k + u) * k + v];
            }
    return sum;
}

TEST(conv_im2col_tiles_match_a_direct_sum)
{
    /* 64 channels x 3x3 x 130 columns: a 4 MiB im2col tile holds 13 of the 20 output
     * rows, so the output comes from two tiles. */
    const int64_t c = 64, h = 20, wd = 130, m = 5, k = 3;
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){1, c, h, wd}, NULL);
    seg_tensor *w = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){m, c, k, k}, NULL);
    float *xp = seg_tensor_data(x), *wp = seg_tensor_data(w);
    for (size_t i = 0; i < seg_tensor_count(x); i++)
        xp[i] = (float)((i * 7919) % 17) / 8.0f - 1.0f;
    for (size_t i = 0; i < seg_tensor_count(w); i++)
        wp[i] = (float)((i * 104729) % 13) / 6.0f - 1.0f;
    const int64_t pads[] = {1, 1, 1, 1};
    segi_attr a = attr_ints("pads", pads, 4);
    seg_tensor *y = NULL;
    CHECK_OK(run_op("Conv", &a, 1, 2, (const seg_tensor *const[]){x, w}, 1, &y));
    CHECK(y && seg_tensor_count(y) == (size_t)(m * h * wd));
    const float *yp = y ? seg_tensor_const_data(y) : NULL;
    int bad = 0;
    for (int64_t o = 0; yp && o < m; o++)
        for (int64_t i = 0; i < h; i++)
            for (int64_t j = 0; j < wd; j++)
                bad += fabs(yp[(o * h + i) * wd + j] - direct_conv(xp, wp, c, h, wd, k, 1, o, i, j)) >
                       1e-3;
    CHECK_EQ_INT(bad, 0);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(y);
}

TEST(conv_errors_name_the_node)
{
    const int64_t dims_x[] = {1, 4, 5, 5}, dims_w[] = {6, 3, 3, 3}, dims_w1[] = {6, 4, 3};
    const int64_t bad_pads[] = {1, 1, 1}, neg_stride[] = {0, 1}, ks[] = {2, 2};
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, dims_x, NULL);
    seg_tensor *w = tensor_of(SEG_DTYPE_F32, 4, dims_w, NULL);
    seg_tensor *w1 = tensor_of(SEG_DTYPE_F32, 3, dims_w1, NULL);
    seg_tensor *y = NULL;
    const seg_tensor *const xw[] = {x, w}, *const xw1[] = {x, w1};
    CHECK_FAIL(run_op("Conv", NULL, 0, 2, xw, 1, &y), SEG_ERR_SHAPE,
               "Conv node 'test': group 1 does not fit 4 input channels");
    CHECK_FAIL(run_op("Conv", NULL, 0, 2, xw1, 1, &y), SEG_ERR_SHAPE,
               "input rank 4 and weight rank 3");
    segi_attr a = attr_int("group", 3);
    CHECK_FAIL(run_op("Conv", &a, 1, 2, xw, 1, &y), SEG_ERR_SHAPE, "group 3");
    a = attr_ints("pads", bad_pads, 3);
    seg_tensor *wok = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){6, 4, 3, 3}, NULL);
    const seg_tensor *const xwok[] = {x, wok};
    CHECK_FAIL(run_op("Conv", &a, 1, 2, xwok, 1, &y), SEG_ERR_FORMAT,
               "attribute pads has 3 values, expected 4");
    a = attr_ints("strides", neg_stride, 2);
    CHECK_FAIL(run_op("Conv", &a, 1, 2, xwok, 1, &y), SEG_ERR_FORMAT, "strides[0] = 0");
    a = attr_ints("kernel_shape", ks, 2);
    CHECK_FAIL(run_op("Conv", &a, 1, 2, xwok, 1, &y), SEG_ERR_SHAPE,
               "kernel_shape[0] = 2 but the weights have 3");
    a = attr_string("auto_pad", "SAME");
    CHECK_FAIL(run_op("Conv", &a, 1, 2, xwok, 1, &y), SEG_ERR_UNSUPPORTED, "auto_pad 'SAME'");
    a = attr_string("segi_activation", "gelu");
    CHECK_FAIL(run_op("Conv", &a, 1, 2, xwok, 1, &y), SEG_ERR_UNSUPPORTED,
               "fused activation 'gelu' is unknown");
    seg_tensor *big = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){6, 4, 7, 7}, NULL);
    const seg_tensor *const xbig[] = {x, big};
    CHECK_FAIL(run_op("Conv", NULL, 0, 2, xbig, 1, &y), SEG_ERR_SHAPE,
               "kernel extent 7 exceeds the padded input 5");
    seg_tensor *b = tensor_of(SEG_DTYPE_F32, 1, (const int64_t[]){5}, NULL);
    const seg_tensor *const xwb[] = {x, wok, b};
    CHECK_FAIL(run_op("Conv", NULL, 0, 3, xwb, 1, &y), SEG_ERR_SHAPE,
               "bias has 5 values for 6 channels");
    seg_tensor *xi = tensor_of(SEG_DTYPE_I64, 4, dims_x, NULL);
    const seg_tensor *const xiw[] = {xi, wok};
    CHECK_FAIL(run_op("Conv", NULL, 0, 2, xiw, 1, &y), SEG_ERR_UNSUPPORTED,
               "only f32 is supported");
    /* An empty tensor may declare absurd dimensions; they must not overflow. */
    seg_tensor *huge = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){0, 4, (int64_t)1 << 50, 1},
                                 NULL);
    const seg_tensor *const xhuge[] = {huge, wok};
    CHECK_FAIL(run_op("Conv", NULL, 0, 2, xhuge, 1, &y), SEG_ERR_LIMIT,
               "spatial axis 0 has 1125899906842624 points");
    seg_tensor_destroy(huge);
    CHECK(y == NULL);
    seg_tensor *all[] = {x, w, w1, wok, big, b, xi};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        seg_tensor_destroy(all[i]);
}

int main(void)
{
    return RUN_TESTS(CASE(conv2d_asymmetric_pads_strides_dilations),
                     CASE(conv2d_groups_and_fused_activations), CASE(conv2d_depthwise_stride2),
                     CASE(conv2d_depthwise_wide_rows_dilated),
                     CASE(conv2d_depthwise_stride2_wide_rows),
                     CASE(conv2d_pointwise_is_direct_gemm), CASE(fused_relu_and_clip_pass_nan_through), CASE(conv1d_and_conv3d),
                     CASE(conv_auto_pad_same_and_valid),
                     CASE(conv_im2col_tiles_match_a_direct_sum), CASE(conv_errors_name_the_node));
}
