/* Pools against PyTorch (tests/goldens/ops_nn.py), plus int8 MaxPool and errors. */
#include "golden.h"

#define G(name) golden(c, name)

TEST(maxpool2d_dilations_ceil_and_indices)
{
    const char *c = "maxpool2d";
    const int64_t k[] = {3, 2}, s[] = {2, 2}, p[] = {1, 1, 1, 1}, d[] = {1, 2};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_ints("strides", s, 2),
                     attr_ints("pads", p, 4), attr_ints("dilations", d, 2),
                     attr_int("ceil_mode", 1)};
    CHECK_OP("MaxPool", a, 5, IN(G("x")), 2, IN(G("y"), G("idx")), 0);
}

TEST(avgpool2d_count_include_pad_and_ceil)
{
    const char *c = "avgpool2d";
    const int64_t k[] = {3, 3}, s[] = {2, 2}, p[] = {1, 1, 1, 1};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_ints("strides", s, 2),
                     attr_ints("pads", p, 4), attr_int("ceil_mode", 1),
                     attr_int("count_include_pad", 1)};
    CHECK_OP("AveragePool", a, 5, IN(G("x")), 1, IN(G("incl")), 1e-5);
    a[4] = attr_int("count_include_pad", 0);
    CHECK_OP("AveragePool", a, 5, IN(G("x")), 1, IN(G("excl")), 1e-5);
}

TEST(pool1d)
{
    const char *c = "pool1d";
    const int64_t k3[] = {3}, s2[] = {2}, p1[] = {1, 1}, k4[] = {4}, s3[] = {3};
    segi_attr a[] = {attr_ints("kernel_shape", k3, 1), attr_ints("strides", s2, 1),
                     attr_ints("pads", p1, 2)};
    CHECK_OP("MaxPool", a, 3, IN(G("x")), 1, IN(G("max")), 0);
    segi_attr b[] = {attr_ints("kernel_shape", k4, 1), attr_ints("strides", s3, 1)};
    CHECK_OP("AveragePool", b, 2, IN(G("x")), 1, IN(G("avg")), 1e-6);
}

TEST(global_pools)
{
    const char *c = "global";
    CHECK_OP("GlobalAveragePool", NULL, 0, IN(G("x")), 1, IN(G("avg")), 1e-6);
    CHECK_OP("GlobalMaxPool", NULL, 0, IN(G("x")), 1, IN(G("max")), 0);
}

TEST(maxpool_uint8_and_same_lower)
{
    const int64_t k[] = {2, 2};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_string("auto_pad", "SAME_LOWER")};
    const uint8_t xs[] = {1, 200, 3, 4, 5, 6, 7, 250, 9};
    seg_tensor *x = tensor_of(SEG_DTYPE_U8, 4, (const int64_t[]){1, 1, 3, 3}, xs);
    seg_tensor *y = NULL;
    CHECK_OK(run_op("MaxPool", a, 2, 1, (const seg_tensor *const[]){x}, 1, &y));
    /* SAME_LOWER pads one row / column before: windows end at each input point. */
    const uint8_t want[] = {1, 200, 200, 4, 200, 200, 7, 250, 250};
    CHECK(y && seg_tensor_dtype(y) == SEG_DTYPE_U8 && seg_tensor_count(y) == 9);
    if (y)
        for (int i = 0; i < 9; i++)
            CHECK_EQ_INT(((const uint8_t *)seg_tensor_const_data(y))[i], want[i]);
    seg_tensor_destroy(x);
    seg_tensor_destroy(y);
}

TEST(maxpool_indices_column_major)
{
    const int64_t k[] = {2, 2};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_int("storage_order", 1)};
    seg_tensor *x = F32(4, DIMS(2, 1, 2, 3), {1, 2, 3, 4, 5, 9, 0, 0, 0, 0, 0, 1});
    seg_tensor *y[2] = {NULL, NULL};
    CHECK_OK(run_op("MaxPool", a, 2, 1, (const seg_tensor *const[]){x}, 2, y));
    CHECK_F32(y[0], 4, DIMS(2, 1, 1, 2), 0, {5, 9, 0, 1});
    /* (h, w) -> w * H + h within each plane of 6; planes are still row-major. */
    const int64_t want[] = {3, 5, 6, 11};
    for (int i = 0; y[1] && i < 4; i++)
        CHECK_EQ_INT(((const int64_t *)seg_tensor_const_data(y[1]))[i], want[i]);
    seg_tensor_destroy(x);
    seg_tensor_destroy(y[0]);
    seg_tensor_destroy(y[1]);
}

TEST(pool_errors)
{
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){1, 1, 4, 4}, NULL);
    seg_tensor *x2 = tensor_of(SEG_DTYPE_F32, 2, (const int64_t[]){4, 4}, NULL);
    seg_tensor *xi = tensor_of(SEG_DTYPE_U8, 4, (const int64_t[]){1, 1, 4, 4}, NULL);
    seg_tensor *y[2] = {NULL, NULL};
    const seg_tensor *const in[] = {x}, *const in2[] = {x2}, *const ini[] = {xi};
    CHECK_FAIL(run_op("MaxPool", NULL, 0, 1, in, 1, y), SEG_ERR_FORMAT,
               "MaxPool node 'test': missing or bad kernel_shape");
    const int64_t k[] = {5, 5}, k1[] = {2};
    segi_attr a = attr_ints("kernel_shape", k, 2);
    CHECK_FAIL(run_op("AveragePool", &a, 1, 1, in, 1, y), SEG_ERR_SHAPE,
               "kernel extent 5 exceeds the padded input 4");
    a = attr_ints("kernel_shape", k1, 1);
    CHECK_FAIL(run_op("MaxPool", &a, 1, 1, in, 1, y), SEG_ERR_FORMAT,
               "attribute kernel_shape has 1 values, expected 2");
    CHECK_FAIL(run_op("GlobalAveragePool", NULL, 0, 1, in2, 1, y), SEG_ERR_SHAPE,
               "input rank 2, expected 3 to 5");
    CHECK_FAIL(run_op("AveragePool", &a, 1, 1, ini, 1, y), SEG_ERR_UNSUPPORTED,
               "input dtype u8 is not supported");
    const int64_t k2[] = {2, 2};
    segi_attr so[] = {attr_ints("kernel_shape", k2, 2), attr_int("storage_order", 2)};
    CHECK_FAIL(run_op("MaxPool", so, 2, 1, in, 2, y), SEG_ERR_FORMAT,
               "storage_order 2 (0 or 1)");
    CHECK(y[0] == NULL && y[1] == NULL);
    seg_tensor_destroy(x);
    seg_tensor_destroy(x2);
    seg_tensor_destroy(xi);
}

int main(void)
{
    return RUN_TESTS(CASE(maxpool2d_dilations_ceil_and_indices),
                     CASE(avgpool2d_count_include_pad_and_ceil), CASE(pool1d),
                     CASE(global_pools), CASE(maxpool_uint8_and_same_lower),
                     CASE(maxpool_indices_column_major), CASE(pool_errors));
}
