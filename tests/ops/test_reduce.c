/* Reductions, ArgMax/ArgMin and TopK: hand-computed cases, axes across opsets,
 * NaN and tie rules, and error paths. */
#include "math_test.h"

/* x = [[[0, 1, 2], [3, 4, 5]], [[6, 7, 8], [9, 10, 11]]], shape [2, 2, 3] */
static seg_tensor *iota_2x2x3(void)
{
    return F32(3, DIMS(2, 2, 3), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
}

TEST(axes_attribute_before_and_input_after_the_switch)
{
    seg_tensor *x = iota_2x2x3();
    const int64_t ax[2] = {0, -1};
    segi_attr attrs[2] = {attr_ints("axes", ax, 2), attr_int("keepdims", 0)};
    seg_tensor *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(eval_at("ReduceSum", 11, attrs, 2, 1, IN(x), 1, &a));
    CHECK_F32(a, 1, DIMS(2), 0, {24, 42});
    seg_tensor *axes = I64(1, DIMS(2), {0, -1});
    CHECK_OK(eval_at("ReduceSum", 13, &attrs[1], 1, 2, IN(x, axes), 1, &b));
    CHECK_F32(b, 1, DIMS(2), 0, {24, 42});
    CHECK_OK(eval_at("ReduceMean", 18, NULL, 0, 2, IN(x, axes), 1, &c));
    CHECK_F32(c, 3, DIMS(1, 2, 1), 1e-6, {4, 7});
    seg_tensor *y = NULL;
    CHECK_FAIL(eval_at("ReduceMean", 17, NULL, 0, 2, IN(x, axes), 1, &y), SEG_ERR_FORMAT,
               "ReduceMean node 'test': axes is an attribute before opset 18, not an input");
    DESTROY(x, a, axes, b, c);
}

TEST(default_axes_reduce_all_or_noop)
{
    seg_tensor *x = iota_2x2x3();
    seg_tensor *all = NULL, *noop = NULL, *empty_axes = NULL;
    CHECK_OK(eval_at("ReduceMax", 13, NULL, 0, 1, IN(x), 1, &all));
    CHECK_F32(all, 3, DIMS(1, 1, 1), 0, {11});
    segi_attr flag = attr_int("noop_with_empty_axes", 1);
    CHECK_OK(eval_at("ReduceSum", 13, &flag, 1, 1, IN(x), 1, &noop));
    CHECK_F32(noop, 3, DIMS(2, 2, 3), 0, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    seg_tensor *none = I64(1, DIMS(0), {0});
    CHECK_OK(eval_at("ReduceSum", 13, NULL, 0, 2, IN(x, none), 1, &empty_axes));
    CHECK_F32(empty_axes, 3, DIMS(1, 1, 1), 0, {66});
    DESTROY(x, all, noop, none, empty_axes);
}

TEST(every_reducer_on_the_middle_axis)
{
    seg_tensor *x = F32(3, DIMS(1, 3, 2), {1, -2, 2, 3, -4, 0.5f});
    const int64_t ax[1] = {1};
    segi_attr a = attr_ints("axes", ax, 1);
    const char *ops[10] = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin",
                           "ReduceProd", "ReduceL1", "ReduceL2", "ReduceSumSquare",
                           "ReduceLogSum", "ReduceLogSumExp"};
    const float want[10][2] = {
        {-1, 1.5f}, {-1.0f / 3, 0.5f}, {2, 3}, {-4, -2}, {-8, -3}, {7, 5.5f},
        {4.58257569f, 3.64005494f}, {21, 13.25f}, {NAN, 0.40546511f},
        {2.31507216f, 3.08509725f}};
    for (int k = 0; k < 10; k++) {
        seg_tensor *y = NULL;
        CHECK_OK(eval_at(ops[k], 12, &a, 1, 1, IN(x), 1, &y));
        CHECK(y && seg_tensor_count(y) == 2 && seg_tensor_dims(y)[1] == 1);
        const float *v = y && seg_tensor_count(y) == 2 ? seg_tensor_const_data(y) : NULL;
        for (int i = 0; v && i < 2; i++)
            if (!close_f32(v[i], want[k][i], 1e-6, 1e-6)) {
                fprintf(stderr, "%s[%d]: got %.9g want %.9g\n", ops[k], i, v[i], want[k][i]);
                check_case_failed = 1;
            }
        seg_tensor_destroy(y);
    }
    seg_tensor_destroy(x);
}

TEST(max_min_propagate_nan_and_empty_sets_give_identities)
{
    seg_tensor *x = F32(2, DIMS(2, 2), {1, NAN, 3, 4});
    const int64_t ax[1] = {1};
    segi_attr a = attr_ints("axes", ax, 1);
    seg_tensor *mx = NULL, *mn = NULL;
    CHECK_OK(eval_at("ReduceMax", 13, &a, 1, 1, IN(x), 1, &mx));
    CHECK_OK(eval_at("ReduceMin", 13, &a, 1, 1, IN(x), 1, &mn));
    const float *p = mx ? seg_tensor_const_data(mx) : NULL, *q = mn ? seg_tensor_const_data(mn) : NULL;
    CHECK(p && isnan(p[0]) && p[1] == 4);
    CHECK(q && isnan(q[0]) && q[1] == 3);
    seg_tensor *e = F32(2, DIMS(0, 2), {0});
    const int64_t ax0[1] = {0};
    segi_attr a0 = attr_ints("axes", ax0, 1);
    seg_tensor *s = NULL, *m = NULL, *pr = NULL;
    CHECK_OK(eval_at("ReduceSum", 11, &a0, 1, 1, IN(e), 1, &s));
    CHECK_OK(eval_at("ReduceMax", 11, &a0, 1, 1, IN(e), 1, &m));
    CHECK_OK(eval_at("ReduceProd", 11, &a0, 1, 1, IN(e), 1, &pr));
    CHECK_F32(s, 2, DIMS(1, 2), 0, {0, 0});
    const float *mv = m ? seg_tensor_const_data(m) : NULL;
    CHECK(mv && seg_tensor_count(m) == 2 && isinf(mv[0]) && mv[0] < 0 && mv[1] == mv[0]);
    CHECK_F32(pr, 2, DIMS(1, 2), 0, {1, 1});
    DESTROY(x, mx, mn, e, s, m, pr);
}

TEST(integer_reductions)
{
    seg_tensor *x = I64(2, DIMS(2, 3), {1, 2, 3, 4, 5, -6});
    const int64_t ax[1] = {1};
    segi_attr attrs[2] = {attr_ints("axes", ax, 1), attr_int("keepdims", 0)};
    seg_tensor *s = NULL, *m = NULL, *mn = NULL;
    CHECK_OK(eval_at("ReduceSum", 11, attrs, 2, 1, IN(x), 1, &s));
    CHECK_OK(eval_at("ReduceMean", 11, attrs, 2, 1, IN(x), 1, &m));
    CHECK_OK(eval_at("ReduceMin", 11, attrs, 2, 1, IN(x), 1, &mn));
    CHECK_EXACT(s, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {6, 3});
    CHECK_EXACT(m, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {2, 1});
    CHECK_EXACT(mn, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {1, -6});
    seg_tensor *i = I32(1, DIMS(3), {5, -1, 7});
    seg_tensor *mx = NULL;
    CHECK_OK(eval_at("ReduceMax", 11, NULL, 0, 1, IN(i), 1, &mx));
    CHECK_EXACT(mx, SEG_DTYPE_I32, int32_t, 1, DIMS(1), {7});
    DESTROY(x, s, m, mn, i, mx);
}

/* ReduceSum over random axes of random shapes against a direct double sum. */
TEST(reduce_sum_matches_naive_on_random_shapes_and_axes)
{
    uint32_t seed = 777;
    for (int trial = 0; trial < 200; trial++) {
        int64_t dims[SEG_MAX_RANK], axes[SEG_MAX_RANK], kept[SEG_MAX_RANK];
        seed = seed * 1664525u + 1013904223u;
        const int rank = 1 + (int)((seed >> 8) % 6);
        int n_axes = 0;
        for (int d = 0; d < rank; d++) {
            seed = seed * 1664525u + 1013904223u;
            dims[d] = 1 + (seed >> 10) % 4;
            const bool reduce = (seed >> 16) & 1;
            kept[d] = reduce ? 1 : dims[d];
            if (reduce)
                axes[n_axes++] = (seed >> 17) & 1 ? d : d - rank;
        }
        seg_tensor *x = tensor_of(SEG_DTYPE_F32, rank, dims, NULL);
        float *px = seg_tensor_data(x);
        for (size_t i = 0; i < seg_tensor_count(x); i++)
            px[i] = (float)((i * 37) % 11) - 5;
        seg_tensor *ax = tensor_of(SEG_DTYPE_I64, 1, (const int64_t[]){n_axes}, axes);
        seg_tensor *y = NULL;
        CHECK_OK(eval_at("ReduceSum", 13, NULL, 0, n_axes ? 2 : 1, IN(x, ax), 1, &y));
        if (!n_axes)
            for (int d = 0; d < rank; d++)
                kept[d] = 1;
        double want[4096] = {0};
        for (size_t i = 0; i < seg_tensor_count(x); i++) {
            size_t flat = i, out = 0, stride = 1;
            for (int d = rank - 1; d >= 0; d--) {
                const size_t idx = flat % (size_t)dims[d];
                flat /= (size_t)dims[d];
                out += (kept[d] == 1 ? 0 : idx) * stride;
                stride *= (size_t)kept[d];
            }
            want[out] += px[i];
        }
        const float *py = y ? seg_tensor_const_data(y) : NULL;
        CHECK(y && seg_tensor_rank(y) == rank &&
              memcmp(seg_tensor_dims(y), kept, sizeof *kept * (size_t)rank) == 0);
        for (size_t j = 0; py && j < seg_tensor_count(y); j++)
            if (py[j] != (float)want[j]) {
                fprintf(stderr, "trial %d element %zu: %g vs %g\n", trial, j, py[j], want[j]);
                check_case_failed = 1;
                break;
            }
        DESTROY(x, ax, y);
    }
}

TEST(reduce_errors)
{
    seg_tensor *x = iota_2x2x3();
    seg_tensor *y = NULL;
    const int64_t rep[2] = {1, -2}, out[1] = {3};
    segi_attr a_rep = attr_ints("axes", rep, 2), a_out = attr_ints("axes", out, 1);
    CHECK_FAIL(eval_at("ReduceMean", 13, &a_rep, 1, 1, IN(x), 1, &y), SEG_ERR_SHAPE,
               "ReduceMean node 'test': axis -2 is repeated");
    CHECK_FAIL(eval_at("ReduceMean", 13, &a_out, 1, 1, IN(x), 1, &y), SEG_ERR_SHAPE,
               "axis 3 is outside [-3, 3) for rank 3");
    seg_tensor *f = F32(1, DIMS(1), {0});
    CHECK_FAIL(eval_at("ReduceSum", 13, NULL, 0, 2, IN(x, f), 1, &y), SEG_ERR_SHAPE,
               "axes must be a 1-D i64 tensor, got f32 of rank 1");
    seg_tensor *b = BOOL(1, DIMS(1), {1});
    CHECK_FAIL(eval_at("ReduceL2", 13, NULL, 0, 1, IN(b), 1, &y), SEG_ERR_UNSUPPORTED,
               "input dtype bool is not supported");
    CHECK(y == NULL);
    DESTROY(x, f, b);
}

TEST(argmax_argmin_ties_last_index_and_nan)
{
    seg_tensor *x = F32(2, DIMS(2, 4), {1, 3, 3, 0, 2, NAN, 5, NAN});
    segi_attr attrs[3] = {attr_int("axis", 1), attr_int("keepdims", 0),
                          attr_int("select_last_index", 1)};
    seg_tensor *first = NULL, *last = NULL, *mn = NULL, *mnl = NULL;
    CHECK_OK(eval_at("ArgMax", 13, attrs, 2, 1, IN(x), 1, &first));
    CHECK_OK(eval_at("ArgMax", 13, attrs, 3, 1, IN(x), 1, &last));
    CHECK_OK(eval_at("ArgMin", 13, attrs, 2, 1, IN(x), 1, &mn));
    CHECK_OK(eval_at("ArgMin", 13, attrs, 3, 1, IN(x), 1, &mnl));
    CHECK_EXACT(first, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {1, 1});
    CHECK_EXACT(last, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {2, 3});
    CHECK_EXACT(mn, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {3, 1});
    CHECK_EXACT(mnl, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {3, 3});
    seg_tensor *def = NULL;
    CHECK_OK(eval_at("ArgMax", 11, NULL, 0, 1, IN(x), 1, &def));
    CHECK_EXACT(def, SEG_DTYPE_I64, int64_t, 2, DIMS(1, 4), {1, 1, 1, 1});
    DESTROY(x, first, last, mn, mnl, def);
}

TEST(argmax_over_channels_of_nchw_and_errors)
{
    /* [1, 3, 1, 2]: pixel 0 channels (0, 5, 2), pixel 1 channels (9, 1, 9) */
    seg_tensor *x = I32(4, DIMS(1, 3, 1, 2), {0, 9, 5, 1, 2, 9});
    segi_attr axis = attr_int("axis", 1), bad = attr_int("axis", 4);
    seg_tensor *y = NULL;
    CHECK_OK(eval_at("ArgMax", 13, &axis, 1, 1, IN(x), 1, &y));
    CHECK_EXACT(y, SEG_DTYPE_I64, int64_t, 4, DIMS(1, 1, 1, 2), {1, 0});
    seg_tensor *z = NULL;
    CHECK_FAIL(eval_at("ArgMin", 13, &bad, 1, 1, IN(x), 1, &z), SEG_ERR_SHAPE,
               "ArgMin node 'test': axis 4 is outside [-4, 4) for rank 4");
    seg_tensor *e = F32(2, DIMS(2, 0), {0});
    CHECK_FAIL(eval_at("ArgMax", 13, &axis, 1, 1, IN(e), 1, &z), SEG_ERR_SHAPE,
               "axis 1 is empty");
    CHECK(z == NULL);
    DESTROY(x, y, e);
}

TEST(topk_largest_smallest_ties_and_nan)
{
    seg_tensor *x = F32(2, DIMS(2, 4), {1, 3, 3, 2, NAN, 0, 5, -1});
    seg_tensor *k = I64(1, DIMS(1), {3});
    seg_tensor *out[2] = {NULL, NULL};
    CHECK_OK(eval_at("TopK", 11, NULL, 0, 2, IN(x, k), 2, out));
    const float *v = out[0] ? seg_tensor_const_data(out[0]) : NULL;
    CHECK(v && v[0] == 3 && v[1] == 3 && v[2] == 2 && isnan(v[3]) && v[4] == 5 && v[5] == 0);
    CHECK_EXACT(out[1], SEG_DTYPE_I64, int64_t, 2, DIMS(2, 3), {1, 2, 3, 0, 2, 1});
    segi_attr small = attr_int("largest", 0);
    seg_tensor *s[2] = {NULL, NULL};
    CHECK_OK(eval_at("TopK", 11, &small, 1, 2, IN(x, k), 2, s));
    CHECK_F32(s[0], 2, DIMS(2, 3), 0, {1, 2, 3, -1, 0, 5});
    CHECK_EXACT(s[1], SEG_DTYPE_I64, int64_t, 2, DIMS(2, 3), {0, 3, 1, 3, 1, 2});
    DESTROY(x, k, out[0], out[1], s[0], s[1]);
}

TEST(topk_axis_attribute_k_and_errors)
{
    seg_tensor *x = I64(2, DIMS(3, 2), {4, 1, 6, 2, 5, 3});
    segi_attr attrs[2] = {attr_int("axis", 0), attr_int("k", 2)};
    seg_tensor *out[2] = {NULL, NULL};
    CHECK_OK(eval_at("TopK", 9, attrs, 2, 1, IN(x), 2, out));
    CHECK_EXACT(out[0], SEG_DTYPE_I64, int64_t, 2, DIMS(2, 2), {6, 3, 5, 2});
    CHECK_EXACT(out[1], SEG_DTYPE_I64, int64_t, 2, DIMS(2, 2), {1, 2, 2, 1});
    seg_tensor *big = I64(1, DIMS(1), {4}), *bad[2] = {NULL, NULL};
    CHECK_FAIL(eval_at("TopK", 11, attrs, 1, 2, IN(x, big), 2, bad), SEG_ERR_SHAPE,
               "TopK node 'test': k = 4 is outside [0, 3] on axis 0");
    CHECK(bad[0] == NULL && bad[1] == NULL);
    DESTROY(x, out[0], out[1], big);
}

TEST(goldens)
{
    check_goldens("reduce");
}

int main(void)
{
    return RUN_TESTS(CASE(goldens), CASE(axes_attribute_before_and_input_after_the_switch),
                     CASE(default_axes_reduce_all_or_noop),
                     CASE(every_reducer_on_the_middle_axis),
                     CASE(max_min_propagate_nan_and_empty_sets_give_identities),
                     CASE(integer_reductions),
                     CASE(reduce_sum_matches_naive_on_random_shapes_and_axes),
                     CASE(reduce_errors),
                     CASE(argmax_argmin_ties_last_index_and_nan),
                     CASE(argmax_over_channels_of_nchw_and_errors),
                     CASE(topk_largest_smallest_ties_and_nan),
                     CASE(topk_axis_attribute_k_and_errors));
}
