/* Pad: hand-computed cases and error paths (NumPy goldens cover the modes). */
#include "shape_test.h"

TEST(pad_reflect_repeats_past_the_edge)
{
    seg_tensor *x = F32(1, DIMS(3), {1, 2, 3});
    seg_tensor *p = I64(1, DIMS(2), {5, 4});
    seg_tensor *y = NULL;
    segi_attr m = attr_string("mode", "reflect");
    CHECK_OK(run_at("Pad", 13, &m, 1, 2, INS(x, p), 1, &y));
    /* numpy.pad([1, 2, 3], (5, 4), 'reflect') */
    CHECK_F32(y, 1, DIMS(12), 0, {2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3});
    seg_tensor_destroy(y);
    m = attr_string("mode", "wrap");
    CHECK_OK(run_at("Pad", 19, &m, 1, 2, INS(x, p), 1, &y));
    CHECK_F32(y, 1, DIMS(12), 0, {2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1});
    seg_tensor_destroy(y);
    seg_tensor_destroy(p);
    seg_tensor_destroy(x);
}

TEST(pad_errors)
{
    seg_tensor *x = F32(2, DIMS(1, 3), {1, 2, 3});
    seg_tensor *p = I64(1, DIMS(2), {1, 1});
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Pad", 13, NULL, 0, 2, INS(x, p), 1, &y), SEG_ERR_SHAPE,
               "Pad node 'n': 2 pads for 2 axes, expected 4");
    seg_tensor_destroy(p);
    p = I64(1, DIMS(4), {0, -2, 0, -2});
    CHECK_FAIL(run_at("Pad", 13, NULL, 0, 2, INS(x, p), 1, &y), SEG_ERR_SHAPE,
               "pads -2, -2 crop more than axis 1 of size 3");
    seg_tensor_destroy(p);
    p = I64(1, DIMS(4), {0, 1, 0, 0});
    segi_attr m = attr_string("mode", "mirror");
    CHECK_FAIL(run_at("Pad", 13, &m, 1, 2, INS(x, p), 1, &y), SEG_ERR_UNSUPPORTED,
               "mode 'mirror'");
    seg_tensor *v = I64(0, DIMS(0), {1});
    CHECK_FAIL(run_at("Pad", 13, NULL, 0, 3, INS(x, p, v), 1, &y), SEG_ERR_SHAPE,
               "constant_value must be one f32 value");
    CHECK_FAIL(run_at("Pad", 2, NULL, 0, 1, INS(x), 1, &y), SEG_ERR_FORMAT,
               "attribute 'pads' is required");
    seg_tensor e = shape_only(SEG_DTYPE_F32, 2, (const int64_t[]){1, 0});
    m = attr_string("mode", "edge");
    CHECK_FAIL(run_at("Pad", 13, &m, 1, 2, INS(&e, p), 1, &y), SEG_ERR_SHAPE,
               "cannot pad empty axis 1 in edge mode");
    seg_tensor_destroy(v);
    seg_tensor_destroy(p);
    seg_tensor_destroy(x);
}

int main(void)
{
    return RUN_TESTS(CASE(pad_reflect_repeats_past_the_edge), CASE(pad_errors));
}
