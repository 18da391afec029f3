/* Quantized operators: exact integer goldens from NumPy (tests/goldens/ops_nn.py) and
 * hand-computed rounding (half to even) and saturation cases. */
#include "golden.h"

#define G(name) golden(c, name)

TEST(quantize_rounds_half_to_even_and_saturates)
{
    seg_tensor *x = F32(1, DIMS(8), {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300, -300, 3.49f});
    seg_tensor *s = F32(0, DIMS(0), {1.0f});
    const int8_t zp0 = 0;
    seg_tensor *zp = tensor_of(SEG_DTYPE_I8, 0, NULL, &zp0), *y = NULL;
    CHECK_OK(run_op("QuantizeLinear", NULL, 0, 3, (const seg_tensor *const[]){x, s, zp}, 1, &y));
    const int8_t want[] = {0, 2, 2, 0, -2, 127, -128, 3};
    CHECK(y && seg_tensor_dtype(y) == SEG_DTYPE_I8);
    for (int i = 0; y && i < 8; i++)
        CHECK_EQ_INT(((const int8_t *)seg_tensor_const_data(y))[i], want[i]);
    seg_tensor_destroy(y);
    /* No zero point: uint8 with zero point 0. */
    CHECK_OK(run_op("QuantizeLinear", NULL, 0, 2, (const seg_tensor *const[]){x, s}, 1, &y));
    const uint8_t want_u8[] = {0, 2, 2, 0, 0, 255, 0, 3};
    CHECK(y && seg_tensor_dtype(y) == SEG_DTYPE_U8);
    for (int i = 0; y && i < 8; i++)
        CHECK_EQ_INT(((const uint8_t *)seg_tensor_const_data(y))[i], want_u8[i]);
    seg_tensor_destroy(y);
    seg_tensor_destroy(x);
    seg_tensor_destroy(s);
    seg_tensor_destroy(zp);
}

TEST(quantize_dequantize_per_axis)
{
    const char *c = "quantize_axis";
    segi_attr a[] = {attr_int("axis", 1)};
    CHECK_OP("QuantizeLinear", a, 1, IN(G("x"), G("scale"), G("zp")), 1, IN(G("y")), 0);
    a[0] = attr_int("axis", -2);
    CHECK_OP("DequantizeLinear", a, 1, IN(G("y"), G("scale"), G("zp")), 1, IN(G("deq")), 1e-6);
}

TEST(dequantize_int32_per_tensor)
{
    const int32_t xs[] = {-1000, 0, 7};
    seg_tensor *x = tensor_of(SEG_DTYPE_I32, 1, (const int64_t[]){3}, xs);
    seg_tensor *s = F32(0, DIMS(0), {0.5f}), *y = NULL;
    CHECK_OK(run_op("DequantizeLinear", NULL, 0, 2, (const seg_tensor *const[]){x, s}, 1, &y));
    CHECK_F32(y, 1, DIMS(3), 0, {-500, 0, 3.5f});
    seg_tensor_destroy(x);
    seg_tensor_destroy(s);
    seg_tensor_destroy(y);
}

TEST(dynamic_quantize)
{
    const char *c = "dynquant";
    CHECK_OP("DynamicQuantizeLinear", NULL, 0, IN(G("x")), 3, IN(G("y"), G("scale"), G("zp")),
             0);
}

TEST(integer_products_are_exact)
{
    const char *c = "convinteger";
    const int64_t pads[] = {1, 1, 1, 1};
    segi_attr a[] = {attr_int("group", 2), attr_ints("pads", pads, 4)};
    CHECK_OP("ConvInteger", a, 2, IN(G("x"), G("w"), G("x_zp"), G("w_zp")), 1, IN(G("y")), 0);
    c = "qlinearconv";
    CHECK_OP("QLinearConv", a, 2,
             IN(G("x"), G("x_scale"), G("x_zp"), G("w"), G("w_scale"), G("w_zp"), G("y_scale"),
                G("y_zp"), G("b")),
             1, IN(G("y")), 0);
    c = "matmulinteger";
    CHECK_OP("MatMulInteger", NULL, 0, IN(G("a"), G("b"), G("a_zp"), G("b_zp")), 1, IN(G("y")),
             0);
    c = "qlinearmatmul";
    CHECK_OP("QLinearMatMul", NULL, 0,
             IN(G("a"), G("a_scale"), G("a_zp"), G("b"), G("b_scale"), G("b_zp"), G("y_scale"),
                G("y_zp")),
             1, IN(G("y")), 0);
}

TEST(convinteger_tiles_match_a_direct_sum)
{
    /* 64 channels x 3x3 x 130 columns of doubles: six output rows per 4 MiB tile, so the
     * 20 rows take four tiles, the last one partial. */
    const int64_t c = 64, h = 20, wd = 130, m = 3, k = 3;
    seg_tensor *x = tensor_of(SEG_DTYPE_U8, 4, (const int64_t[]){1, c, h, wd}, NULL);
    seg_tensor *w = tensor_of(SEG_DTYPE_I8, 4, (const int64_t[]){m, c, k, k}, NULL);
    uint8_t *xp = seg_tensor_data(x);
    int8_t *wp = seg_tensor_data(w);
    for (size_t i = 0; i < seg_tensor_count(x); i++)
        xp[i] = (uint8_t)((i * 7919) % 256);
    for (size_t i = 0; i < seg_tensor_count(w); i++)
        wp[i] = (int8_t)((int)((i * 104729) % 256) - 128);
    const uint8_t xz = 100;
    seg_tensor *x_zp = tensor_of(SEG_DTYPE_U8, 0, NULL, &xz);
    const int64_t pads[] = {1, 1, 1, 1};
    segi_attr a = attr_ints("pads", pads, 4);
    seg_tensor *y = NULL;
    CHECK_OK(run_op("ConvInteger", &a, 1, 3, (const seg_tensor *const[]){x, w, x_zp}, 1, &y));
    const int32_t *yp = y ? seg_tensor_const_data(y) : NULL;
    int bad = 0;
    for (int64_t o = 0; yp && o < m; o++)
        for (int64_t i = 0; i < h; i++)
            for (int64_t j = 0; j < wd; j++) {
                int64_t sum = 0;
                for (int64_t ch = 0; ch < c; ch++)
                    for (int64_t u = 0; u < k; u++)
                        for (int64_t v = 0; v < k; v++) {
                            int64_t yy = i + u - 1, xx = j + v - 1;
                            if (yy >= 0 && yy < h && xx >= 0 && xx < wd)
                                sum += (xp[(ch * h + yy) * wd + xx] - (int64_t)xz) *
                                       wp[((o * c + ch) * k + u) * k + v];
                        }
                bad += yp[(o * h + i) * wd + j] != sum;
            }
    CHECK(yp != NULL);
    CHECK_EQ_INT(bad, 0);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(x_zp);
    seg_tensor_destroy(y);
}

TEST(quant_errors)
{
    seg_tensor *x = F32(1, DIMS(4), {1, 2, 3, 4});
    seg_tensor *s2 = F32(1, DIMS(2), {1, 2}), *s1 = F32(0, DIMS(0), {1});
    const uint16_t zp16 = 0;
    seg_tensor *zp = tensor_of(SEG_DTYPE_U16, 0, NULL, &zp16);
    seg_tensor *y[3] = {NULL, NULL, NULL};
    segi_attr axis = attr_int("axis", 0);
    CHECK_FAIL(run_op("QuantizeLinear", &axis, 1, 2, (const seg_tensor *const[]){x, s2}, 1, y),
               SEG_ERR_SHAPE, "QuantizeLinear node 'test': scale (input 1) must be a scalar or "
                              "hold 4 values");
    CHECK_FAIL(run_op("QuantizeLinear", NULL, 0, 3, (const seg_tensor *const[]){x, s1, zp}, 1, y),
               SEG_ERR_UNSUPPORTED, "zero point (input 2) has dtype u16");
    segi_attr block = attr_int("block_size", 2);
    CHECK_FAIL(run_op("DequantizeLinear", &block, 1, 2, (const seg_tensor *const[]){x, s1}, 1, y),
               SEG_ERR_UNSUPPORTED, "input dtype f32, expected u8, i8 or i32");
    const uint8_t u[4] = {1, 2, 3, 4};
    seg_tensor *q = tensor_of(SEG_DTYPE_U8, 2, (const int64_t[]){2, 2}, u);
    CHECK_FAIL(run_op("DequantizeLinear", &block, 1, 2, (const seg_tensor *const[]){q, s1}, 1, y),
               SEG_ERR_UNSUPPORTED, "blocked quantization");
    const int8_t zi = 0;
    seg_tensor *zpi8 = tensor_of(SEG_DTYPE_I8, 0, NULL, &zi);
    CHECK_FAIL(run_op("DequantizeLinear", NULL, 0, 3, (const seg_tensor *const[]){q, s1, zpi8}, 1, y),
               SEG_ERR_SHAPE, "zero point (input 2) is i8 but input 0 is u8");
    CHECK_FAIL(run_op("MatMulInteger", NULL, 0, 2, (const seg_tensor *const[]){x, q}, 1, y),
               SEG_ERR_UNSUPPORTED, "MatMulInteger node 'test': input A / x has dtype f32");
    seg_tensor *q3 = tensor_of(SEG_DTYPE_U8, 2, (const int64_t[]){3, 2}, NULL);
    CHECK_FAIL(run_op("MatMulInteger", NULL, 0, 2, (const seg_tensor *const[]){q, q3}, 1, y),
               SEG_ERR_SHAPE, "inner dimensions differ: 2 vs 3");
    CHECK_FAIL(run_op("QLinearMatMul", NULL, 0, 8,
                      (const seg_tensor *const[]){q, s1, zpi8, q, s1, zpi8, s1, zpi8}, 1, y),
               SEG_ERR_SHAPE, "zero point (input 2) is i8 but input 0 is u8");
    const uint8_t zu = 0;
    seg_tensor *zpu8 = tensor_of(SEG_DTYPE_U8, 0, NULL, &zu);
    CHECK_FAIL(run_op("QLinearMatMul", NULL, 0, 8,
                      (const seg_tensor *const[]){q, s1, NULL, q, s1, zpu8, s1, zpu8}, 1, y),
               SEG_ERR_FORMAT, "zero point of A / x (input 2) is required");
    seg_tensor_destroy(zpu8);
    CHECK(y[0] == NULL);
    seg_tensor *all[] = {x, s2, s1, zp, q, zpi8, q3};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        seg_tensor_destroy(all[i]);
}

int main(void)
{
    return RUN_TESTS(CASE(quantize_rounds_half_to_even_and_saturates),
                     CASE(quantize_dequantize_per_axis), CASE(dequantize_int32_per_tensor),
                     CASE(dynamic_quantize), CASE(integer_products_are_exact),
                     CASE(convinteger_tiles_match_a_direct_sum),
                     CASE(quant_errors));
}
