/* Gather, GatherElements, GatherND, ScatterND: hand-computed cases and bounds errors. */
#include "shape_test.h"

TEST(gather_bounds_errors_name_the_node)
{
    seg_tensor *x = F32(2, DIMS(2, 3), {1, 2, 3, 4, 5, 6});
    seg_tensor *i = I64(1, DIMS(2), {-3, 3});
    seg_tensor *y = NULL;
    segi_attr a = attr_int("axis", 1);
    CHECK_FAIL(run_at("Gather", 13, &a, 1, 2, INS(x, i), 1, &y), SEG_ERR_SHAPE,
               "Gather node 'n': index 3 at position 1 is outside [-3, 2] for axis 1");
    CHECK_FAIL(run_at("GatherElements", 13, &a, 1, 2, INS(x, i), 1, &y), SEG_ERR_SHAPE,
               "indices have rank 1, data has rank 2");
    a = attr_int("axis", 2);
    CHECK_FAIL(run_at("Gather", 13, &a, 1, 2, INS(x, i), 1, &y), SEG_ERR_SHAPE,
               "axis 2 is outside [-2, 1] for rank 2");
    seg_tensor *f = F32(1, DIMS(1), {0});
    CHECK_FAIL(run_at("Gather", 13, NULL, 0, 2, INS(x, f), 1, &y), SEG_ERR_SHAPE,
               "indices have dtype f32, expected i32 or i64");
    seg_tensor_destroy(i);
    i = I64(2, DIMS(2, 1), {-1, 0});
    CHECK_OK(run_at("Gather", 13, NULL, 0, 2, INS(x, i), 1, &y));
    CHECK_F32(y, 3, DIMS(2, 1, 3), 0, {4, 5, 6, 1, 2, 3});
    seg_tensor_destroy(y);
    seg_tensor_destroy(f);
    seg_tensor_destroy(i);
    seg_tensor_destroy(x);
}

TEST(gather_elements_and_gather_nd)
{
    seg_tensor *x = F32(2, DIMS(2, 3), {1, 2, 3, 4, 5, 6});
    seg_tensor *i = I64(2, DIMS(2, 2), {2, -3, 0, 7});
    seg_tensor *y = NULL;
    segi_attr a = attr_int("axis", 1);
    CHECK_FAIL(run_at("GatherElements", 13, &a, 1, 2, INS(x, i), 1, &y), SEG_ERR_SHAPE,
               "index 7 at position 3 is outside [-3, 2] for axis 1");
    seg_tensor_destroy(i);
    i = I64(2, DIMS(2, 2), {2, -3, 0, 1});
    CHECK_OK(run_at("GatherElements", 13, &a, 1, 2, INS(x, i), 1, &y));
    CHECK_F32(y, 2, DIMS(2, 2), 0, {3, 1, 4, 5});
    seg_tensor_destroy(y);
    seg_tensor_destroy(i);
    i = I64(2, DIMS(2, 2), {1, -1, 0, 1});
    CHECK_OK(run_at("GatherND", 13, NULL, 0, 2, INS(x, i), 1, &y));
    CHECK_F32(y, 1, DIMS(2), 0, {6, 2});
    seg_tensor_destroy(y);
    seg_tensor_destroy(i);
    i = I64(2, DIMS(1, 3), {0, 0, 0});
    CHECK_FAIL(run_at("GatherND", 13, NULL, 0, 2, INS(x, i), 1, &y), SEG_ERR_SHAPE,
               "index length 3 do not fit data rank 2");
    seg_tensor_destroy(i);
    seg_tensor_destroy(x);
}

TEST(scatter_nd_reductions_and_errors)
{
    seg_tensor *x = F32(2, DIMS(2, 2), {1, 2, 3, 4});
    seg_tensor *i = I64(2, DIMS(2, 1), {1, 1});
    seg_tensor *u = F32(2, DIMS(2, 2), {10, 20, 30, 40});
    seg_tensor *y = NULL;
    segi_attr r = attr_string("reduction", "add");
    CHECK_OK(run_at("ScatterND", 16, &r, 1, 3, INS(x, i, u), 1, &y));
    CHECK_F32(y, 2, DIMS(2, 2), 0, {1, 2, 43, 64});
    seg_tensor_destroy(y);
    y = NULL;
    r = attr_string("reduction", "median");
    CHECK_FAIL(run_at("ScatterND", 16, &r, 1, 3, INS(x, i, u), 1, &y), SEG_ERR_UNSUPPORTED,
               "ScatterND node 'n': reduction 'median'");
    seg_tensor_destroy(i);
    i = I64(2, DIMS(2, 1), {1, -3});
    CHECK_FAIL(run_at("ScatterND", 16, NULL, 0, 3, INS(x, i, u), 1, &y), SEG_ERR_SHAPE,
               "index -3 at position 1 is outside [-2, 1] for axis 0");
    seg_tensor *bad = F32(1, DIMS(2), {1, 2});
    CHECK_FAIL(run_at("ScatterND", 16, NULL, 0, 3, INS(x, i, bad), 1, &y), SEG_ERR_SHAPE,
               "updates f32 [2] do not fit data and indices");
    CHECK(y == NULL);
    seg_tensor_destroy(bad);
    seg_tensor_destroy(i);
    seg_tensor_destroy(u);
    seg_tensor_destroy(x);
}

int main(void)
{
    return RUN_TESTS(CASE(gather_bounds_errors_name_the_node),
                     CASE(gather_elements_and_gather_nd),
                     CASE(scatter_nd_reductions_and_errors));
}
