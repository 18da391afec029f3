/* Broadcast element-wise operators: hand-computed cases and error paths. The golden
 * cases from tests/goldens/ops_math.py are checked in test_math_goldens.c. */
#include "math_test.h"

TEST(add_broadcasts_rank_mismatch_and_size_one_dims)
{
    seg_tensor *a = F32(3, DIMS(2, 1, 3), {1, 2, 3, 4, 5, 6});
    seg_tensor *b = F32(2, DIMS(2, 1), {10, 20});
    seg_tensor *y = eval1("Add", 2, IN(a, b));
    CHECK_F32(y, 3, DIMS(2, 2, 3), 0,
              {11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26});
    DESTROY(a, b, y);
}

TEST(scalar_operands_and_both_directions)
{
    seg_tensor *s = SCALAR_F32(2);
    seg_tensor *v = F32(1, DIMS(3), {1, 4, 8});
    seg_tensor *y1 = eval1("Sub", 2, IN(s, v));
    seg_tensor *y2 = eval1("Div", 2, IN(v, s));
    seg_tensor *y3 = eval1("Mul", 2, IN(s, s));
    CHECK_F32(y1, 1, DIMS(3), 0, {1, -2, -6});
    CHECK_F32(y2, 1, DIMS(3), 0, {0.5f, 2, 4});
    CHECK_EQ_INT(seg_tensor_rank(y3), 0);
    CHECK_EQ_INT(*(const float *)seg_tensor_const_data(y3), 4);
    DESTROY(s, v, y1, y2, y3);
}

TEST(empty_tensors_broadcast_to_empty)
{
    seg_tensor *e = F32(2, DIMS(0, 3), {0});
    seg_tensor *r = F32(2, DIMS(1, 3), {1, 2, 3});
    seg_tensor *y = eval1("Add", 2, IN(e, r));
    CHECK(y != NULL);
    if (y) {
        CHECK_EQ_INT(seg_tensor_dims(y)[0], 0);
        CHECK_EQ_INT(seg_tensor_dims(y)[1], 3);
        CHECK_EQ_INT(seg_tensor_count(y), 0);
    }
    DESTROY(e, r, y);
}

TEST(integer_div_truncates_and_never_traps)
{
    seg_tensor *a = I32(1, DIMS(6), {7, -7, 7, -7, 5, INT32_MIN});
    seg_tensor *b = I32(1, DIMS(6), {2, 2, -2, -2, 0, -1});
    seg_tensor *y = eval1("Div", 2, IN(a, b));
    CHECK_EXACT(y, SEG_DTYPE_I32, int32_t, 1, DIMS(6), {3, -3, -3, 3, 0, INT32_MIN});
    seg_tensor *big = I64(1, DIMS(2), {INT64_MIN, INT64_MAX});
    seg_tensor *m1 = I64(0, DIMS(0), {-1});
    seg_tensor *q = eval1("Div", 2, IN(big, m1));
    CHECK_EXACT(q, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {INT64_MIN, -INT64_MAX});
    DESTROY(a, b, y, big, m1, q);
}

TEST(integer_add_and_mul_wrap)
{
    seg_tensor *a = U8(1, DIMS(3), {250, 3, 128});
    seg_tensor *b = U8(1, DIMS(3), {10, 4, 2});
    seg_tensor *s = eval1("Add", 2, IN(a, b));
    seg_tensor *m = eval1("Mul", 2, IN(a, b));
    CHECK_EXACT(s, SEG_DTYPE_U8, uint8_t, 1, DIMS(3), {4, 7, 130});
    CHECK_EXACT(m, SEG_DTYPE_U8, uint8_t, 1, DIMS(3), {196, 12, 0});
    seg_tensor *c = I32(1, DIMS(1), {INT32_MAX});
    seg_tensor *one = I32(1, DIMS(1), {1});
    seg_tensor *w = eval1("Add", 2, IN(c, one));
    CHECK_EXACT(w, SEG_DTYPE_I32, int32_t, 1, DIMS(1), {INT32_MIN});
    DESTROY(a, b, s, m, c, one, w);
}

TEST(max_min_propagate_nan_and_fold_many_inputs)
{
    seg_tensor *a = F32(1, DIMS(3), {1, NAN, 3});
    seg_tensor *b = F32(1, DIMS(3), {NAN, 2, 1});
    seg_tensor *c = SCALAR_F32(2);
    seg_tensor *mx = eval1("Max", 3, IN(a, b, c));
    seg_tensor *mn = eval1("Min", 3, IN(a, b, c));
    const float *x = mx ? seg_tensor_const_data(mx) : NULL, *n = mn ? seg_tensor_const_data(mn) : NULL;
    CHECK(x && isnan(x[0]) && isnan(x[1]) && x[2] == 3);
    CHECK(n && isnan(n[0]) && isnan(n[1]) && n[2] == 1);
    DESTROY(a, b, c, mx, mn);
}

TEST(sum_mean_variadic_with_broadcast_and_single_input)
{
    seg_tensor *a = F32(2, DIMS(2, 1), {1, 2});
    seg_tensor *b = F32(1, DIMS(2), {10, 20});
    seg_tensor *c = SCALAR_F32(100);
    seg_tensor *s = eval1("Sum", 3, IN(a, b, c));
    seg_tensor *m = eval1("Mean", 3, IN(a, b, c));
    seg_tensor *one = eval1("Sum", 1, IN(b));
    CHECK_F32(s, 2, DIMS(2, 2), 0, {111, 121, 112, 122});
    CHECK_F32(m, 2, DIMS(2, 2), 1e-5, {37, 121.0f / 3, 112.0f / 3, 122.0f / 3});
    CHECK_F32(one, 1, DIMS(2), 0, {10, 20});
    DESTROY(a, b, c, s, m, one);
}

TEST(pow_mixed_dtypes_and_fast_paths)
{
    seg_tensor *x = F32(1, DIMS(3), {-2, 3, 4});
    seg_tensor *two = SCALAR_F32(2), *half = SCALAR_F32(0.5f);
    seg_tensor *e = I64(1, DIMS(3), {3, 2, -1});
    seg_tensor *sq = eval1("Pow", 2, IN(x, two));
    seg_tensor *rt = eval1("Pow", 2, IN(x, half));
    seg_tensor *mixed = eval1("Pow", 2, IN(x, e));
    CHECK_F32(sq, 1, DIMS(3), 0, {4, 9, 16});
    CHECK(rt && isnan(((const float *)seg_tensor_const_data(rt))[0]));
    CHECK_F32(mixed, 1, DIMS(3), 1e-6, {-8, 9, 0.25f});
    seg_tensor *ib = I32(1, DIMS(2), {3, -2});
    seg_tensor *fe = F32(1, DIMS(2), {2, 3});
    seg_tensor *ip = eval1("Pow", 2, IN(ib, fe));
    CHECK_EXACT(ip, SEG_DTYPE_I32, int32_t, 1, DIMS(2), {9, -8});
    DESTROY(x, two, half, e, sq, rt, mixed, ib, fe, ip);
}

TEST(prelu_slope_broadcasts_to_input_only)
{
    seg_tensor *x = F32(3, DIMS(1, 2, 2), {-1, 2, -3, 4});
    seg_tensor *slope = F32(3, DIMS(2, 1, 1), {0.5f, 0.25f});
    seg_tensor *s1 = F32(2, DIMS(2, 1), {0.5f, 0.25f});
    seg_tensor *y = eval1("PRelu", 2, IN(x, s1));
    CHECK_F32(y, 3, DIMS(1, 2, 2), 0, {-0.5f, 2, -0.75f, 4});
    seg_tensor *bad = NULL;
    CHECK_FAIL(eval_at("PRelu", 17, NULL, 0, 2, IN(x, slope), 1, &bad), SEG_ERR_SHAPE,
               "PRelu node 'test': input 1 shape [2, 1, 1] does not broadcast to input 0 shape [1, 2, 2]");
    DESTROY(x, slope, s1, y);
}

TEST(comparisons_give_bool)
{
    seg_tensor *a = F32(1, DIMS(4), {1, 2, NAN, 4});
    seg_tensor *b = SCALAR_F32(2);
    const char *ops[5] = {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"};
    const uint8_t want[5][4] = {{0, 1, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {1, 1, 0, 0},
                                {0, 1, 0, 1}};
    for (int k = 0; k < 5; k++) {
        seg_tensor *y = eval1(ops[k], 2, IN(a, b));
        CHECK(y && seg_tensor_dtype(y) == SEG_DTYPE_BOOL);
        if (y)
            CHECK(memcmp(seg_tensor_const_data(y), want[k], 4) == 0);
        seg_tensor_destroy(y);
    }
    seg_tensor *i = I64(1, DIMS(2), {5, -5});
    seg_tensor *j = I64(2, DIMS(2, 1), {5, -5});
    seg_tensor *eq = eval1("Equal", 2, IN(i, j));
    CHECK_EXACT(eq, SEG_DTYPE_BOOL, uint8_t, 2, DIMS(2, 2), {1, 0, 0, 1});
    DESTROY(a, b, i, j, eq);
}

TEST(logic_ops_on_bool)
{
    seg_tensor *a = BOOL(2, DIMS(2, 2), {0, 0, 1, 1});
    seg_tensor *b = BOOL(1, DIMS(2), {0, 1});
    seg_tensor *and_ = eval1("And", 2, IN(a, b));
    seg_tensor *or_ = eval1("Or", 2, IN(a, b));
    seg_tensor *xor_ = eval1("Xor", 2, IN(a, b));
    CHECK_EXACT(and_, SEG_DTYPE_BOOL, uint8_t, 2, DIMS(2, 2), {0, 0, 0, 1});
    CHECK_EXACT(or_, SEG_DTYPE_BOOL, uint8_t, 2, DIMS(2, 2), {0, 1, 1, 1});
    CHECK_EXACT(xor_, SEG_DTYPE_BOOL, uint8_t, 2, DIMS(2, 2), {0, 1, 1, 0});
    seg_tensor *f = F32(1, DIMS(2), {0, 1});
    seg_tensor *y = NULL;
    CHECK_FAIL(eval_at("And", 17, NULL, 0, 2, IN(f, f), 1, &y), SEG_ERR_UNSUPPORTED,
               "And node 'test': input 0 has unsupported dtype f32");
    DESTROY(a, b, and_, or_, xor_, f);
}

TEST(where_broadcasts_three_ways_for_any_dtype)
{
    seg_tensor *c = BOOL(2, DIMS(2, 1), {1, 0});
    seg_tensor *x = I64(1, DIMS(3), {1, 2, 3});
    seg_tensor *y = I64(0, DIMS(0), {-1});
    seg_tensor *w = eval1("Where", 3, IN(c, x, y));
    CHECK_EXACT(w, SEG_DTYPE_I64, int64_t, 2, DIMS(2, 3), {1, 2, 3, -1, -1, -1});
    seg_tensor *bx = BOOL(1, DIMS(1), {1}), *by = BOOL(1, DIMS(1), {0});
    seg_tensor *wb = eval1("Where", 3, IN(c, bx, by));
    CHECK_EXACT(wb, SEG_DTYPE_BOOL, uint8_t, 2, DIMS(2, 1), {1, 0});
    seg_tensor *fc = F32(1, DIMS(1), {1}), *out = NULL;
    CHECK_FAIL(eval_at("Where", 17, NULL, 0, 3, IN(fc, x, y), 1, &out), SEG_ERR_SHAPE,
               "condition is f32, expected bool");
    DESTROY(c, x, y, w, bx, by, wb, fc);
}

/* Offset of output element `flat` in a right-aligned broadcast operand. */
static size_t naive_offset(size_t flat, int rank, const int64_t *dims, int op_rank,
                           const int64_t *op_dims)
{
    size_t off = 0, stride = 1;
    for (int d = rank - 1; d >= 0; d--) {
        size_t idx = flat % (size_t)dims[d];
        flat /= (size_t)dims[d];
        int k = d - (rank - op_rank);
        if (k >= 0) {
            off += (op_dims[k] == 1 ? 0 : idx) * stride;
            stride *= (size_t)op_dims[k];
        }
    }
    return off;
}

TEST(sub_matches_naive_broadcasting_on_random_shapes)
{
    uint32_t seed = 12345;
    for (int trial = 0; trial < 300; trial++) {
        int64_t out[SEG_MAX_RANK], da[SEG_MAX_RANK], db[SEG_MAX_RANK];
        seed = seed * 1664525u + 1013904223u;
        int rank = 1 + (int)(seed >> 8) % SEG_MAX_RANK;
        int ra = rank;
        const int rb = rank;
        for (int d = 0; d < rank; d++) {
            seed = seed * 1664525u + 1013904223u;
            out[d] = 1 + (seed >> 10) % 3;
            da[d] = (seed >> 14) & 1 ? out[d] : 1;
            db[d] = (seed >> 15) & 1 ? out[d] : 1;
        }
        seed = seed * 1664525u + 1013904223u;
        ra -= (int)((seed >> 9) % (unsigned)(rank + 1)); /* drop leading dims of a */
        seg_tensor *a = tensor_of(SEG_DTYPE_F32, ra, da + (rank - ra), NULL);
        seg_tensor *b = tensor_of(SEG_DTYPE_F32, rb, db, NULL);
        float *pa = seg_tensor_data(a), *pb = seg_tensor_data(b);
        for (size_t i = 0; i < seg_tensor_count(a); i++)
            pa[i] = (float)i;
        for (size_t i = 0; i < seg_tensor_count(b); i++)
            pb[i] = (float)(1000 * i);
        seg_tensor *y = eval1("Sub", 2, IN(a, b));
        int64_t want_dims[SEG_MAX_RANK];
        for (int d = 0; d < rank; d++)
            want_dims[d] = d < rank - ra ? db[d] : (da[d] > db[d] ? da[d] : db[d]);
        CHECK(y && seg_tensor_rank(y) == rank &&
              memcmp(seg_tensor_dims(y), want_dims, sizeof *want_dims * (size_t)rank) == 0);
        const float *py = y ? seg_tensor_const_data(y) : NULL;
        for (size_t i = 0; py && i < seg_tensor_count(y); i++) {
            float want = pa[naive_offset(i, rank, want_dims, ra, da + (rank - ra))] -
                         pb[naive_offset(i, rank, want_dims, rb, db)];
            if (py[i] != want) {
                fprintf(stderr, "trial %d element %zu: %g vs %g\n", trial, i, py[i], want);
                check_case_failed = 1;
                break;
            }
        }
        DESTROY(a, b, y);
    }
}

TEST(kernels_may_write_over_an_input)
{
    seg_tensor *a = F32(2, DIMS(2, 3), {1, 2, 3, 4, 5, 6});
    seg_tensor *b = F32(1, DIMS(3), {10, 20, 30});
    CHECK_OK(eval_in_place("Add", NULL, 0, 2, IN(a, b), 0));
    CHECK_F32(a, 2, DIMS(2, 3), 0, {11, 22, 33, 14, 25, 36});
    CHECK_OK(eval_in_place("Max", NULL, 0, 3, IN(a, b, a), 0));
    CHECK_F32(a, 2, DIMS(2, 3), 0, {11, 22, 33, 14, 25, 36});
    seg_tensor *x = F32(2, DIMS(2, 2), {-1, 2, 0, 0});
    CHECK_OK(eval_in_place("Relu", NULL, 0, 1, IN(x), 0));
    CHECK_F32(x, 2, DIMS(2, 2), 0, {0, 2, 0, 0});
    CHECK_OK(eval_in_place("Softmax", NULL, 0, 1, IN(x), 0));
    CHECK_F32(x, 2, DIMS(2, 2), 1e-6, {0.11920292f, 0.88079708f, 0.5f, 0.5f});
    segi_attr axis = attr_int("axis", 0);
    seg_tensor *z = F32(2, DIMS(2, 2), {0, 1, 0, 1});
    CHECK_OK(eval_in_place("LogSoftmax", &axis, 1, 1, IN(z), 0));
    CHECK_F32(z, 2, DIMS(2, 2), 1e-6, {-0.69314718f, -0.69314718f, -0.69314718f, -0.69314718f});
    DESTROY(a, b, x, z);
}

TEST(errors_name_node_and_shapes)
{
    seg_tensor *a = ZEROS(SEG_DTYPE_F32, 2, DIMS(2, 3));
    seg_tensor *b = ZEROS(SEG_DTYPE_F32, 1, DIMS(4));
    seg_tensor *i = ZEROS(SEG_DTYPE_I64, 1, DIMS(3));
    seg_tensor *y = NULL;
    CHECK_FAIL(eval_at("Add", 17, NULL, 0, 2, IN(a, b), 1, &y), SEG_ERR_SHAPE,
               "Add node 'test': input shapes [2, 3] and [4] do not broadcast");
    CHECK_FAIL(eval_at("Sum", 17, NULL, 0, 3, IN(a, a, b), 1, &y), SEG_ERR_SHAPE,
               "input shapes [2, 3], [2, 3] and [4] do not broadcast");
    CHECK_FAIL(eval_at("Mul", 17, NULL, 0, 2, IN(a, i), 1, &y), SEG_ERR_SHAPE,
               "Mul node 'test': input 0 is f32 but input 1 is i64");
    CHECK_FAIL(eval_at("Mean", 17, NULL, 0, 2, IN(i, i), 1, &y), SEG_ERR_UNSUPPORTED,
               "input 0 has unsupported dtype i64");
    CHECK_FAIL(eval_at("Add", 17, NULL, 0, 1, IN(a), 1, &y), SEG_ERR_FORMAT,
               "1 inputs, expected 2 to 2");
    CHECK_FAIL(eval_at("Add", 17, NULL, 0, 2, IN(a, NULL), 1, &y), SEG_ERR_FORMAT,
               "input 1 is missing");
    CHECK(y == NULL);
    DESTROY(a, b, i);
}

TEST(goldens)
{
    check_goldens("binary");
}

int main(void)
{
    return RUN_TESTS(CASE(goldens), CASE(add_broadcasts_rank_mismatch_and_size_one_dims),
                     CASE(scalar_operands_and_both_directions),
                     CASE(empty_tensors_broadcast_to_empty),
                     CASE(integer_div_truncates_and_never_traps),
                     CASE(integer_add_and_mul_wrap),
                     CASE(max_min_propagate_nan_and_fold_many_inputs),
                     CASE(sum_mean_variadic_with_broadcast_and_single_input),
                     CASE(pow_mixed_dtypes_and_fast_paths),
                     CASE(prelu_slope_broadcasts_to_input_only), CASE(comparisons_give_bool),
                     CASE(logic_ops_on_bool), CASE(where_broadcasts_three_ways_for_any_dtype),
                     CASE(sub_matches_naive_broadcasting_on_random_shapes),
                     CASE(kernels_may_write_over_an_input),
                     CASE(errors_name_node_and_shapes));
}
