/* Concat, Split, Slice: hand-computed cases and error paths. */
#include "shape_test.h"

TEST(concat_checks_inputs)
{
    seg_tensor *a = F32(2, DIMS(1, 2), {1, 2});
    seg_tensor *b = F32(2, DIMS(2, 2), {3, 4, 5, 6});
    seg_tensor *i = I64(2, DIMS(1, 2), {1, 2});
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Concat", 13, NULL, 0, 2, INS(a, b), 1, &y), SEG_ERR_FORMAT,
               "Concat node 'n': attribute 'axis' is required");
    segi_attr axis = attr_int("axis", 1);
    CHECK_FAIL(run_at("Concat", 13, &axis, 1, 2, INS(a, b), 1, &y), SEG_ERR_SHAPE,
               "input 1 (f32 [2, 2]) does not match input 0 (f32 [1, 2]) off axis 1");
    axis = attr_int("axis", 0);
    CHECK_FAIL(run_at("Concat", 13, &axis, 1, 2, INS(a, i), 1, &y), SEG_ERR_SHAPE,
               "input 1 (i64 [1, 2])");
    CHECK_OK(run_at("Concat", 13, &axis, 1, 3, INS(b, a, b), 1, &y));
    CHECK_F32(y, 2, DIMS(5, 2), 0, {3, 4, 5, 6, 1, 2, 3, 4, 5, 6});
    seg_tensor_destroy(y);
    seg_tensor_destroy(a);
    seg_tensor_destroy(b);
    seg_tensor_destroy(i);
}

TEST(split_checks_sizes)
{
    seg_tensor *x = F32(1, DIMS(5), {1, 2, 3, 4, 5});
    seg_tensor *s = I64(1, DIMS(2), {2, 2});
    seg_tensor *y[3] = {NULL, NULL, NULL};
    CHECK_FAIL(run_at("Split", 13, NULL, 0, 2, INS(x, s), 2, y), SEG_ERR_SHAPE,
               "Split node 'n': split sizes add up to 4, axis 0 has 5");
    CHECK_FAIL(run_at("Split", 13, NULL, 0, 2, INS(x, s), 3, y), SEG_ERR_SHAPE,
               "split has 2 sizes for 3 outputs");
    segi_attr n = attr_int("num_outputs", 2);
    CHECK_FAIL(run_at("Split", 18, &n, 1, 1, INS(x), 3, y), SEG_ERR_SHAPE,
               "num_outputs 2 but 3 outputs");
    n = attr_int("num_outputs", 3);
    CHECK_OK(run_at("Split", 18, &n, 1, 1, INS(x), 3, y));
    CHECK_F32(y[0], 1, DIMS(2), 0, {1, 2});
    CHECK_F32(y[1], 1, DIMS(2), 0, {3, 4});
    CHECK_F32(y[2], 1, DIMS(1), 0, {5});
    for (int k = 0; k < 3; k++)
        seg_tensor_destroy(y[k]);
    seg_tensor_destroy(s);
    seg_tensor_destroy(x);
}

TEST(slice_steps_and_clamps)
{
    seg_tensor *x = F32(2, DIMS(2, 5), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    seg_tensor *st = I64(1, DIMS(2), {INT64_MAX, -1});
    seg_tensor *en = I64(1, DIMS(2), {INT64_MIN, -100});
    seg_tensor *ax = I64(1, DIMS(2), {1, 0});
    seg_tensor *sp = I64(1, DIMS(2), {-2, -1});
    seg_tensor *y = NULL;
    CHECK_OK(run_at("Slice", 13, NULL, 0, 5, INS(x, st, en, ax, sp), 1, &y));
    CHECK_F32(y, 2, DIMS(2, 3), 0, {9, 7, 5, 4, 2, 0});
    seg_tensor_destroy(y);
    seg_tensor_destroy(sp);
    sp = I64(1, DIMS(2), {0, 1});
    CHECK_FAIL(run_at("Slice", 13, NULL, 0, 5, INS(x, st, en, ax, sp), 1, &y), SEG_ERR_SHAPE,
               "Slice node 'n': step for axis 1 is 0");
    seg_tensor_destroy(sp);
    sp = I64(1, DIMS(1), {1});
    CHECK_FAIL(run_at("Slice", 13, NULL, 0, 5, INS(x, st, en, ax, sp), 1, &y), SEG_ERR_SHAPE,
               "1 steps for 2 starts");
    seg_tensor_destroy(ax);
    ax = I64(1, DIMS(2), {1, -1});
    CHECK_FAIL(run_at("Slice", 13, NULL, 0, 4, INS(x, st, en, ax), 1, &y), SEG_ERR_SHAPE,
               "axes repeats axis 1");
    CHECK_FAIL(run_at("Slice", 9, NULL, 0, 1, INS(x), 1, &y), SEG_ERR_FORMAT,
               "starts and ends are required");
    seg_tensor_destroy(sp);
    seg_tensor_destroy(ax);
    seg_tensor_destroy(st);
    seg_tensor_destroy(en);
    seg_tensor_destroy(x);
}

int main(void)
{
    return RUN_TESTS(CASE(concat_checks_inputs), CASE(split_checks_sizes),
                     CASE(slice_steps_and_clamps));
}
