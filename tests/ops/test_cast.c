/* Cast, Constant, ConstantOfShape, Range, DepthToSpace, SpaceToDepth: edge cases and
 * error paths (NumPy goldens cover ordinary values). */
#include "shape_test.h"

#include <math.h>

TEST(cast_edge_values)
{
    seg_tensor *x = F32(1, DIMS(6), {NAN, INFINITY, -INFINITY, 1e30f, -2.9f, 255.9f});
    seg_tensor *y = NULL;
    segi_attr to = attr_int("to", SEG_DTYPE_I64);
    CHECK_OK(run_at("Cast", 13, &to, 1, 1, INS(x), 1, &y));
    CHECK_I64(y, 6, {0, INT64_MAX, INT64_MIN, INT64_MAX, -2, 255});
    seg_tensor_destroy(y);
    to = attr_int("to", SEG_DTYPE_BOOL);
    CHECK_OK(run_at("Cast", 13, &to, 1, 1, INS(x), 1, &y));
    const uint8_t *b = seg_tensor_const_data(y);
    CHECK(b[0] == 1 && b[1] == 1 && b[2] == 1 && b[3] == 1 && b[4] == 1 && b[5] == 1);
    seg_tensor_destroy(y);
    to = attr_int("to", 11);
    CHECK_FAIL(run_at("Cast", 13, &to, 1, 1, INS(x), 1, &y), SEG_ERR_UNSUPPORTED,
               "Cast node 'n': cast to ONNX data type 11");
    CHECK_FAIL(run_at("Cast", 13, NULL, 0, 1, INS(x), 1, &y), SEG_ERR_FORMAT,
               "attribute 'to' is required");
    seg_tensor_destroy(x);
}

TEST(constant_forms_and_errors)
{
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Constant", 13, NULL, 0, 0, NULL, 1, &y), SEG_ERR_UNSUPPORTED,
               "Constant node 'n': needs one of value");
    const int64_t v[3] = {4, 5, 6};
    segi_attr a = attr_ints("value_ints", v, 3);
    CHECK_OK(run_at("Constant", 13, &a, 1, 0, NULL, 1, &y));
    CHECK_I64(y, 3, {4, 5, 6});
    seg_tensor_destroy(y);
    seg_tensor *two = F32(1, DIMS(2), {1, 2});
    segi_attr t = {.name = "value", .type = SEGI_ATTR_TENSOR, .t = two};
    seg_tensor *shape = I64(1, DIMS(1), {3});
    CHECK_FAIL(run_at("ConstantOfShape", 13, &t, 1, 1, INS(shape), 1, &y), SEG_ERR_SHAPE,
               "value has 2 elements, expected 1");
    seg_tensor_destroy(shape);
    seg_tensor_destroy(two);
}

TEST(range_errors)
{
    seg_tensor *a = I64(0, DIMS(0), {1});
    seg_tensor *b = I64(0, DIMS(0), {5});
    seg_tensor *z = I64(0, DIMS(0), {0});
    seg_tensor *f = F32(0, DIMS(0), {1});
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Range", 11, NULL, 0, 3, INS(a, b, z), 1, &y), SEG_ERR_SHAPE,
               "Range node 'n': delta is 0");
    CHECK_FAIL(run_at("Range", 11, NULL, 0, 3, INS(a, b, f), 1, &y), SEG_ERR_SHAPE,
               "delta must be one i64 value");
    CHECK_OK(run_at("Range", 11, NULL, 0, 3, INS(b, a, a), 1, &y));
    CHECK_DIMS(y, 1, {0});
    seg_tensor_destroy(y);
    seg_tensor_destroy(a);
    seg_tensor_destroy(b);
    seg_tensor_destroy(z);
    seg_tensor_destroy(f);
}

TEST(depth_space_errors)
{
    seg_tensor *x = F32(4, DIMS(1, 3, 2, 2), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    seg_tensor *y = NULL;
    segi_attr a[2] = {attr_int("blocksize", 2), attr_string("mode", "XYZ")};
    CHECK_FAIL(run_at("DepthToSpace", 13, a, 1, 1, INS(x), 1, &y), SEG_ERR_SHAPE,
               "DepthToSpace node 'n': channels 3 not divisible by 4");
    CHECK_FAIL(run_at("DepthToSpace", 13, a, 2, 1, INS(x), 1, &y), SEG_ERR_UNSUPPORTED,
               "mode 'XYZ'");
    CHECK_FAIL(run_at("SpaceToDepth", 13, NULL, 0, 1, INS(x), 1, &y), SEG_ERR_FORMAT,
               "blocksize 0 must be in 1..65536");
    a[0] = attr_int("blocksize", 3);
    CHECK_FAIL(run_at("SpaceToDepth", 13, a, 1, 1, INS(x), 1, &y), SEG_ERR_SHAPE,
               "height 2 and width 2 must be divisible by blocksize 3");
    a[0] = attr_int("blocksize", 2);
    CHECK_OK(run_at("SpaceToDepth", 13, a, 1, 1, INS(x), 1, &y));
    CHECK_F32(y, 4, DIMS(1, 12, 1, 1), 0, {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11});
    seg_tensor_destroy(y);
    seg_tensor_destroy(x);
}

int main(void)
{
    return RUN_TESTS(CASE(cast_edge_values), CASE(constant_forms_and_errors),
                     CASE(range_errors), CASE(depth_space_errors));
}
