/* Resize and Upsample: hand-computed coordinate modes and error paths (PyTorch
 * goldens cover nearest, linear and cubic against F.interpolate). */
#include "shape_test.h"

static seg_tensor *resize_sizes(int opset, const segi_attr *a, int n_attrs, seg_tensor *x,
                                seg_tensor *sizes)
{
    seg_tensor *y = NULL;
    CHECK_OK(run_at("Resize", opset, a, n_attrs, 4, INS(x, NULL, NULL, sizes), 1, &y));
    return y;
}

TEST(half_pixel_symmetric_centres_the_fractional_output)
{
    /* 1-D [0, 10, 20, 30] with scale 0.6: output 2 (from 2.4); adjustment 2 / 2.4,
     * offset 2 * (1 - 2 / 2.4) = 1/3; x(i) = 1/3 + (i + 0.5) / 0.6 - 0.5. */
    seg_tensor *x = F32(1, DIMS(4), {0, 10, 20, 30});
    seg_tensor *s = F32(1, DIMS(1), {0.6f});
    segi_attr a[2] = {attr_string("mode", "linear"),
                      attr_string("coordinate_transformation_mode", "half_pixel_symmetric")};
    seg_tensor *y = NULL;
    CHECK_OK(run_at("Resize", 19, a, 2, 3, INS(x, NULL, s), 1, &y));
    double x0 = 1.0 / 3 + 0.5 / 0.6 - 0.5, x1 = 1.0 / 3 + 1.5 / 0.6 - 0.5;
    CHECK_F32(y, 1, DIMS(2), 1e-4, {(float)(10 * x0), (float)(10 * x1)});
    seg_tensor_destroy(y);
    seg_tensor_destroy(s);
    seg_tensor_destroy(x);
}

TEST(tf_crop_and_resize_extrapolates)
{
    seg_tensor *x = F32(2, DIMS(2, 2), {1, 2, 3, 4});
    seg_tensor *roi = F32(1, DIMS(4), {0, -1, 1, 1});
    seg_tensor *sizes = I64(1, DIMS(2), {2, 3});
    segi_attr a[3] = {attr_string("mode", "linear"),
                      attr_string("coordinate_transformation_mode", "tf_crop_and_resize"),
                      attr_float("extrapolation_value", -7)};
    seg_tensor *y = NULL;
    /* Columns sample x = -1, 0, 1: the first lies outside the input. */
    CHECK_OK(run_at("Resize", 13, a, 3, 4, INS(x, roi, NULL, sizes), 1, &y));
    CHECK_F32(y, 2, DIMS(2, 3), 1e-6, {-7, 1, 2, -7, 3, 4});
    seg_tensor_destroy(y);
    /* Nearest on integers fills with the extrapolation value converted. */
    seg_tensor *xi = I64(2, DIMS(2, 2), {1, 2, 3, 4});
    a[0] = attr_string("mode", "nearest");
    CHECK_OK(run_at("Resize", 13, a, 3, 4, INS(xi, roi, NULL, sizes), 1, &y));
    CHECK_I64(y, 6, {-7, 1, 2, -7, 3, 4});
    seg_tensor_destroy(y);
    seg_tensor_destroy(xi);
    seg_tensor_destroy(sizes);
    seg_tensor_destroy(roi);
    seg_tensor_destroy(x);
}

TEST(nearest_modes_round_as_named)
{
    seg_tensor *x = F32(1, DIMS(4), {0, 1, 2, 3});
    seg_tensor *sizes = I64(1, DIMS(1), {8});
    const char *modes[4] = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"};
    /* half_pixel, scale 2: x(i) = i / 2 - 0.25 = -0.25, 0.25, 0.75, 1.25, ... */
    const float want[4][8] = {{0, 0, 1, 1, 2, 2, 3, 3},
                              {0, 0, 1, 1, 2, 2, 3, 3},
                              {0, 0, 0, 1, 1, 2, 2, 3},
                              {0, 1, 1, 2, 2, 3, 3, 3}};
    for (int k = 0; k < 4; k++) {
        segi_attr a = attr_string("nearest_mode", modes[k]);
        seg_tensor *y = resize_sizes(13, &a, 1, x, sizes);
        const float *g = y ? seg_tensor_const_data(y) : want[k];
        for (int i = 0; i < 8; i++)
            CHECK_NEAR(g[i], want[k][i], 0);
        seg_tensor_destroy(y);
    }
    /* 0.5 exactly: align_corners from 2 to 3 samples 0, 0.5, 1. */
    seg_tensor *two = F32(1, DIMS(2), {5, 9});
    seg_tensor *three = I64(1, DIMS(1), {3});
    segi_attr a[2] = {attr_string("coordinate_transformation_mode", "align_corners"),
                      attr_string("nearest_mode", "round_prefer_floor")};
    seg_tensor *y = resize_sizes(13, a, 2, two, three);
    CHECK_F32(y, 1, DIMS(3), 0, {5, 5, 9});
    seg_tensor_destroy(y);
    a[1] = attr_string("nearest_mode", "round_prefer_ceil");
    y = resize_sizes(13, a, 2, two, three);
    CHECK_F32(y, 1, DIMS(3), 0, {5, 9, 9});
    seg_tensor_destroy(y);
    seg_tensor_destroy(two);
    seg_tensor_destroy(three);
    seg_tensor_destroy(sizes);
    seg_tensor_destroy(x);
}

TEST(identity_resize_copies)
{
    seg_tensor *x = F32(4, DIMS(1, 1, 2, 2), {1, 2, 3, 4});
    seg_tensor *sizes = I64(1, DIMS(4), {1, 1, 2, 2});
    segi_attr a = attr_string("mode", "cubic");
    seg_tensor *y = resize_sizes(13, &a, 1, x, sizes);
    CHECK_F32(y, 4, DIMS(1, 1, 2, 2), 0, {1, 2, 3, 4});
    seg_tensor_destroy(y);
    seg_tensor_destroy(sizes);
    seg_tensor_destroy(x);
}

TEST(resize_errors)
{
    seg_tensor *x = F32(2, DIMS(2, 2), {1, 2, 3, 4});
    seg_tensor *s = F32(1, DIMS(2), {2, 2});
    seg_tensor *sizes = I64(1, DIMS(2), {4, 4});
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Resize", 13, NULL, 0, 4, INS(x, NULL, s, sizes), 1, &y), SEG_ERR_FORMAT,
               "Resize node 'n': exactly one of scales and sizes must be given (got 2 "
               "scales, 2 sizes)");
    CHECK_FAIL(run_at("Resize", 13, NULL, 0, 2, INS(x, NULL), 1, &y), SEG_ERR_FORMAT,
               "exactly one of scales and sizes");
    seg_tensor *s3 = F32(1, DIMS(3), {1, 2, 2});
    CHECK_FAIL(run_at("Resize", 13, NULL, 0, 3, INS(x, NULL, s3), 1, &y), SEG_ERR_SHAPE,
               "3 scales and 0 roi values for 2 axes");
    segi_attr a = attr_string("mode", "area");
    CHECK_FAIL(run_at("Resize", 13, &a, 1, 3, INS(x, NULL, s), 1, &y), SEG_ERR_UNSUPPORTED,
               "mode 'area'");
    a = attr_string("coordinate_transformation_mode", "half_pixel_sym");
    CHECK_FAIL(run_at("Resize", 13, &a, 1, 3, INS(x, NULL, s), 1, &y), SEG_ERR_UNSUPPORTED,
               "coordinate_transformation_mode 'half_pixel_sym'");
    a = attr_string("mode", "cubic");
    seg_tensor *i = I64(2, DIMS(2, 2), {1, 2, 3, 4});
    CHECK_FAIL(run_at("Resize", 13, &a, 1, 3, INS(i, NULL, s), 1, &y), SEG_ERR_UNSUPPORTED,
               "cubic mode on i64 input");
    seg_tensor *neg = F32(1, DIMS(2), {1, -2});
    CHECK_FAIL(run_at("Resize", 13, NULL, 0, 3, INS(x, NULL, neg), 1, &y), SEG_ERR_SHAPE,
               "scales[1] = -2 is not allowed");
    seg_tensor dyn = shape_only(SEG_DTYPE_F32, 1, (const int64_t[]){2});
    CHECK_FAIL(run_at("Resize", 13, NULL, 0, 3, INS(x, NULL, &dyn), 1, &y),
               SEG_ERR_UNSUPPORTED, "value of input 2 (scales) is not known when planning");
    CHECK_FAIL(run_at("Upsample", 7, NULL, 0, 1, INS(x), 1, &y), SEG_ERR_FORMAT,
               "exactly one of scales and sizes");
    CHECK(y == NULL);
    seg_tensor_destroy(neg);
    seg_tensor_destroy(i);
    seg_tensor_destroy(s3);
    seg_tensor_destroy(sizes);
    seg_tensor_destroy(s);
    seg_tensor_destroy(x);
}

int main(void)
{
    return RUN_TESTS(CASE(half_pixel_symmetric_centres_the_fractional_output),
                     CASE(tf_crop_and_resize_extrapolates), CASE(nearest_modes_round_as_named),
                     CASE(identity_resize_copies), CASE(resize_errors));
}
