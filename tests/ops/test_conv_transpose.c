/* ConvTranspose against PyTorch's F.conv_transpose1d/2d (tests/goldens/ops_nn.py),
 * output_shape and auto_pad, and errors. */
#include "golden.h"

#define G(name) golden(c, name)

TEST(convt2d_stride_pad_output_padding)
{
    const char *c = "convt2d";
    const int64_t s[] = {2, 2}, p[] = {1, 1, 1, 1}, op[] = {1, 1};
    segi_attr a[] = {attr_ints("strides", s, 2), attr_ints("pads", p, 4),
                     attr_ints("output_padding", op, 2)};
    CHECK_OP("ConvTranspose", a, 3, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(convt2d_output_shape_replaces_output_padding)
{
    /* Same result as above: 5 -> 2*4 + 3 - 2 + 1 = 10, the pads split as 1 before, 0 after. */
    const char *c = "convt2d";
    const int64_t s[] = {2, 2}, shape[] = {10, 10};
    segi_attr a[] = {attr_ints("strides", s, 2), attr_ints("output_shape", shape, 2)};
    CHECK_OP("ConvTranspose", a, 2, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(convt2d_groups_dilations)
{
    const char *c = "convt2d_group";
    const int64_t s[] = {2, 3}, p[] = {0, 1, 0, 1}, d[] = {2, 1};
    segi_attr a[] = {attr_ints("strides", s, 2), attr_ints("pads", p, 4),
                     attr_ints("dilations", d, 2), attr_int("group", 2)};
    CHECK_OP("ConvTranspose", a, 4, IN(G("x"), G("w"), G("b")), 1, IN(G("y")), 1e-4);
}

TEST(convt1d)
{
    const char *c = "convt1d";
    const int64_t s[] = {3};
    segi_attr a[] = {attr_ints("strides", s, 1)};
    CHECK_OP("ConvTranspose", a, 1, IN(G("x"), G("w")), 1, IN(G("y")), 1e-4);
}

TEST(convt_auto_pad_same_upper)
{
    /* x [1,1,2] = {1, 2}, w ones [1,1,3], stride 2: full output 5, SAME wants 4, so the
     * total padding 1 goes after (SAME_UPPER) or before (SAME_LOWER). */
    const int64_t s[] = {2};
    segi_attr a[] = {attr_ints("strides", s, 1), attr_string("auto_pad", "SAME_UPPER")};
    seg_tensor *x = F32(3, DIMS(1, 1, 2), {1, 2}), *w = F32(3, DIMS(1, 1, 3), {1, 1, 1});
    seg_tensor *y = NULL;
    CHECK_OK(run_op("ConvTranspose", a, 2, 2, (const seg_tensor *const[]){x, w}, 1, &y));
    CHECK_F32(y, 3, DIMS(1, 1, 4), 1e-6, {1, 1, 3, 2});
    seg_tensor_destroy(y);
    a[1] = attr_string("auto_pad", "SAME_LOWER");
    CHECK_OK(run_op("ConvTranspose", a, 2, 2, (const seg_tensor *const[]){x, w}, 1, &y));
    CHECK_F32(y, 3, DIMS(1, 1, 4), 1e-6, {1, 3, 2, 2});
    seg_tensor_destroy(y);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
}

TEST(convt_errors)
{
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){1, 4, 3, 3}, NULL);
    seg_tensor *w = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){3, 2, 3, 3}, NULL);
    seg_tensor *w4 = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){4, 2, 3, 3}, NULL);
    seg_tensor *y = NULL;
    CHECK_FAIL(run_op("ConvTranspose", NULL, 0, 2, (const seg_tensor *const[]){x, w}, 1, &y),
               SEG_ERR_SHAPE, "ConvTranspose node 'test': group 1 and weights [3, 2, ...]");
    const int64_t op[] = {2, 0};
    segi_attr a = attr_ints("output_padding", op, 2);
    CHECK_FAIL(run_op("ConvTranspose", &a, 1, 2, (const seg_tensor *const[]){x, w4}, 1, &y),
               SEG_ERR_FORMAT, "output_padding[0] = 2 must be below the stride");
    const int64_t pads[] = {3, 3, 3, 3};
    a = attr_ints("pads", pads, 4);
    CHECK_FAIL(run_op("ConvTranspose", &a, 1, 2, (const seg_tensor *const[]){x, w4}, 1, &y),
               SEG_ERR_SHAPE, "gives output size -1");
    a = attr_int("group", 3);
    CHECK_FAIL(run_op("ConvTranspose", &a, 1, 2, (const seg_tensor *const[]){x, w4}, 1, &y),
               SEG_ERR_SHAPE, "group 3");
    const int64_t bad_shape[] = {-5, 3};
    a = attr_ints("output_shape", bad_shape, 2);
    CHECK_FAIL(run_op("ConvTranspose", &a, 1, 2, (const seg_tensor *const[]){x, w4}, 1, &y),
               SEG_ERR_SHAPE, "output_shape[0] = -5");
    seg_tensor *huge = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){0, 4, (int64_t)1 << 39, 1},
                                 NULL);
    const int64_t big_stride[] = {1 << 20, 1};
    a = attr_ints("strides", big_stride, 2);
    CHECK_FAIL(run_op("ConvTranspose", &a, 1, 2, (const seg_tensor *const[]){huge, w4}, 1, &y),
               SEG_ERR_LIMIT, "spatial axis 0: 549755813888 points");
    seg_tensor_destroy(huge);
    CHECK(y == NULL);
    seg_tensor_destroy(x);
    seg_tensor_destroy(w);
    seg_tensor_destroy(w4);
}

int main(void)
{
    return RUN_TESTS(CASE(convt2d_stride_pad_output_padding),
                     CASE(convt2d_output_shape_replaces_output_padding),
                     CASE(convt2d_groups_dilations), CASE(convt1d),
                     CASE(convt_auto_pad_same_upper), CASE(convt_errors));
}
