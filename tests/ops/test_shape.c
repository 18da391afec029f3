/* Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Expand, Tile,
 * Identity, Dropout: hand-computed cases and error paths (values against NumPy are in
 * the golden cases). */
#include "shape_test.h"

TEST(shape_and_size_read_only_the_shape)
{
    /* The planner evaluates Shape on values whose data does not exist yet. */
    seg_tensor x = shape_only(SEG_DTYPE_F32, 4, (const int64_t[]){1, 3, 224, 320});
    seg_tensor *y = NULL;
    CHECK_OK(run_at("Shape", 13, NULL, 0, 1, INS(&x), 1, &y));
    CHECK_I64(y, 4, {1, 3, 224, 320});
    seg_tensor_destroy(y);
    segi_attr a[2] = {attr_int("start", -3), attr_int("end", 100)};
    CHECK_OK(run_at("Shape", 15, a, 2, 1, INS(&x), 1, &y));
    CHECK_I64(y, 3, {3, 224, 320});
    seg_tensor_destroy(y);
    a[0] = attr_int("start", 3);
    a[1] = attr_int("end", 1);
    CHECK_OK(run_at("Shape", 15, a, 2, 1, INS(&x), 1, &y));
    CHECK_DIMS(y, 1, {0});
    seg_tensor_destroy(y);
    CHECK_OK(run_at("Size", 13, NULL, 0, 1, INS(&x), 1, &y));
    CHECK_EQ_INT(seg_tensor_rank(y), 0);
    CHECK_I64(y, 1, {3 * 224 * 320});
    seg_tensor_destroy(y);
}

TEST(reshape_infers_and_names_both_shapes)
{
    seg_tensor *x = F32(2, DIMS(2, 3), {1, 2, 3, 4, 5, 6});
    seg_tensor *s = I64(1, DIMS(3), {-1, 0, 4});
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Reshape", 13, NULL, 0, 2, INS(x, s), 1, &y), SEG_ERR_SHAPE,
               "cannot reshape input [2, 3] (6 elements) to [-1, 3, 4]");
    seg_tensor_destroy(s);
    s = I64(1, DIMS(3), {0, -1, 2});
    CHECK_FAIL(run_at("Reshape", 13, NULL, 0, 2, INS(x, s), 1, &y), SEG_ERR_SHAPE,
               "Reshape node 'n': cannot reshape input [2, 3] (6 elements) to [2, -1, 2]");
    seg_tensor_destroy(s);
    s = I64(1, DIMS(3), {-1, 3, -1});
    CHECK_FAIL(run_at("Reshape", 13, NULL, 0, 2, INS(x, s), 1, &y), SEG_ERR_SHAPE,
               "more than one -1");
    seg_tensor_destroy(s);
    s = I64(1, DIMS(3), {3, -1, 1});
    CHECK_OK(run_at("Reshape", 13, NULL, 0, 2, INS(x, s), 1, &y));
    CHECK_F32(y, 3, DIMS(3, 2, 1), 0, {1, 2, 3, 4, 5, 6});
    seg_tensor_destroy(y);
    seg_tensor_destroy(s);
    seg_tensor_destroy(x);
}

TEST(value_inputs_must_be_known_when_planning)
{
    seg_tensor *x = F32(2, DIMS(2, 3), {1, 2, 3, 4, 5, 6});
    seg_tensor s = shape_only(SEG_DTYPE_I64, 1, (const int64_t[]){2});
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Reshape", 13, NULL, 0, 2, INS(x, &s), 1, &y), SEG_ERR_UNSUPPORTED,
               "Reshape node 'n': value of input 1 (shape) is not known when planning");
    CHECK_FAIL(run_at("Expand", 13, NULL, 0, 2, INS(x, &s), 1, &y), SEG_ERR_UNSUPPORTED,
               "input 1 (shape)");
    CHECK_FAIL(run_at("Tile", 13, NULL, 0, 2, INS(x, &s), 1, &y), SEG_ERR_UNSUPPORTED,
               "input 1 (repeats)");
    CHECK_FAIL(run_at("Unsqueeze", 13, NULL, 0, 2, INS(x, &s), 1, &y), SEG_ERR_UNSUPPORTED,
               "input 1 (axes)");
    seg_tensor f = shape_only(SEG_DTYPE_F32, 1, (const int64_t[]){2});
    CHECK_FAIL(run_at("Reshape", 13, NULL, 0, 2, INS(x, &f), 1, &y), SEG_ERR_UNSUPPORTED,
               "not known");
    seg_tensor *ff = F32(1, DIMS(2), {3, 2});
    CHECK_FAIL(run_at("Reshape", 13, NULL, 0, 2, INS(x, ff), 1, &y), SEG_ERR_SHAPE,
               "input 1 (shape) has dtype f32, expected i64");
    CHECK(y == NULL);
    seg_tensor_destroy(ff);
    seg_tensor_destroy(x);
}

TEST(transpose_rejects_bad_perm)
{
    seg_tensor *x = F32(3, DIMS(1, 2, 3), {0, 1, 2, 3, 4, 5});
    seg_tensor *y = NULL;
    const int64_t dup[3] = {0, 2, 2}, short_perm[2] = {1, 0}, big[3] = {0, 1, 3};
    segi_attr a = attr_ints("perm", dup, 3);
    CHECK_FAIL(run_at("Transpose", 13, &a, 1, 1, INS(x), 1, &y), SEG_ERR_SHAPE,
               "Transpose node 'n': perm [0, 2, 2] is not a permutation of 0..2");
    a = attr_ints("perm", short_perm, 2);
    CHECK_FAIL(run_at("Transpose", 13, &a, 1, 1, INS(x), 1, &y), SEG_ERR_SHAPE,
               "perm [1, 0] is not");
    a = attr_ints("perm", big, 3);
    CHECK_FAIL(run_at("Transpose", 13, &a, 1, 1, INS(x), 1, &y), SEG_ERR_SHAPE,
               "perm [0, 1, 3]");
    CHECK_OK(run_at("Transpose", 13, NULL, 0, 1, INS(x), 1, &y));
    CHECK_F32(y, 3, DIMS(3, 2, 1), 0, {0, 3, 1, 4, 2, 5});
    seg_tensor_destroy(y);
    seg_tensor_destroy(x);
}

/* A transpose large enough for several tiles, with ragged edges, on every element size. */
TEST(transpose_tiles_every_element_size)
{
    const seg_dtype types[4] = {SEG_DTYPE_U8, SEG_DTYPE_F16, SEG_DTYPE_I32, SEG_DTYPE_I64};
    const int64_t dims[4] = {2, 37, 70, 3}, perm[4] = {0, 3, 1, 2};
    segi_attr a = attr_ints("perm", perm, 4);
    for (int k = 0; k < 4; k++) {
        seg_tensor *x = tensor_of(types[k], 4, dims, NULL);
        size_t n = seg_tensor_count(x), es = seg_dtype_size(types[k]);
        unsigned char *p = seg_tensor_data(x);
        for (size_t i = 0; i < n * es; i++)
            p[i] = (unsigned char)(i * 7 + i / 251);
        seg_tensor *y = NULL;
        CHECK_OK(run_at("Transpose", 13, &a, 1, 1, INS(x), 1, &y));
        CHECK_DIMS(y, 4, {2, 3, 37, 70});
        const unsigned char *q = seg_tensor_const_data(y);
        int bad = 0;
        for (int64_t b = 0; b < 2; b++)
            for (int64_t c = 0; c < 3; c++)
                for (int64_t h = 0; h < 37; h++)
                    for (int64_t w = 0; w < 70; w++) {
                        size_t src = (size_t)(((b * 37 + h) * 70 + w) * 3 + c);
                        size_t dst = (size_t)(((b * 3 + c) * 37 + h) * 70 + w);
                        bad += memcmp(q + dst * es, p + src * es, es) != 0;
                    }
        CHECK_EQ_INT(bad, 0);
        seg_tensor_destroy(x);
        seg_tensor_destroy(y);
    }
}

TEST(squeeze_and_unsqueeze_check_axes)
{
    seg_tensor *x = F32(3, DIMS(1, 2, 1), {1, 2});
    seg_tensor *ax = I64(1, DIMS(1), {1});
    seg_tensor *y = NULL;
    CHECK_FAIL(run_at("Squeeze", 13, NULL, 0, 2, INS(x, ax), 1, &y), SEG_ERR_SHAPE,
               "Squeeze node 'n': cannot squeeze axis 1 of size 2");
    seg_tensor_destroy(ax);
    ax = I64(1, DIMS(1), {3});
    CHECK_FAIL(run_at("Squeeze", 13, NULL, 0, 2, INS(x, ax), 1, &y), SEG_ERR_SHAPE,
               "axes 3 is outside [-3, 2] for rank 3");
    seg_tensor_destroy(ax);
    ax = I64(1, DIMS(2), {0, -5});
    CHECK_FAIL(run_at("Unsqueeze", 13, NULL, 0, 2, INS(x, ax), 1, &y), SEG_ERR_SHAPE,
               "axes repeats axis 0");
    CHECK_FAIL(run_at("Unsqueeze", 11, NULL, 0, 1, INS(x), 1, &y), SEG_ERR_FORMAT,
               "axes are required");
    seg_tensor_destroy(ax);
    ax = I64(1, DIMS(6), {0, 1, 2, 3, 4, 5});
    CHECK_FAIL(run_at("Unsqueeze", 13, NULL, 0, 2, INS(x, ax), 1, &y), SEG_ERR_LIMIT,
               "output rank 9 exceeds 8");
    seg_tensor_destroy(ax);
    seg_tensor_destroy(x);
}

TEST(flatten_expand_tile_errors)
{
    seg_tensor *x = F32(2, DIMS(2, 3), {1, 2, 3, 4, 5, 6});
    seg_tensor *y = NULL;
    segi_attr a = attr_int("axis", 3);
    CHECK_FAIL(run_at("Flatten", 13, &a, 1, 1, INS(x), 1, &y), SEG_ERR_SHAPE,
               "axis 3 is outside [-2, 2]");
    a = attr_int("axis", -2);
    CHECK_OK(run_at("Flatten", 13, &a, 1, 1, INS(x), 1, &y));
    CHECK_F32(y, 2, DIMS(1, 6), 0, {1, 2, 3, 4, 5, 6});
    seg_tensor_destroy(y);
    seg_tensor *s = I64(1, DIMS(2), {4, 3});
    CHECK_FAIL(run_at("Expand", 13, NULL, 0, 2, INS(x, s), 1, &y), SEG_ERR_SHAPE,
               "cannot expand input [2, 3] to shape [4, 3]");
    seg_tensor_destroy(s);
    s = I64(1, DIMS(1), {2});
    CHECK_FAIL(run_at("Tile", 13, NULL, 0, 2, INS(x, s), 1, &y), SEG_ERR_SHAPE,
               "1 repeats for input of rank 2");
    seg_tensor_destroy(s);
    s = I64(1, DIMS(2), {0, 2});
    CHECK_OK(run_at("Tile", 13, NULL, 0, 2, INS(x, s), 1, &y));
    CHECK_DIMS(y, 2, {0, 6});
    seg_tensor_destroy(y);
    seg_tensor_destroy(s);
    seg_tensor_destroy(x);
}

TEST(dropout_is_identity_for_inference)
{
    seg_tensor *x = F32(1, DIMS(3), {1, -2, 3});
    seg_tensor *ratio = F32(0, DIMS(0), {0.5f});
    uint8_t on = 1;
    seg_tensor *train = tensor_of(SEG_DTYPE_BOOL, 0, NULL, &on);
    seg_tensor *y[2] = {NULL, NULL};
    CHECK_FAIL(run_at("Dropout", 13, NULL, 0, 3, INS(x, ratio, train), 2, y),
               SEG_ERR_UNSUPPORTED, "training_mode with ratio 0.5 is not supported");
    CHECK_OK(run_at("Dropout", 13, NULL, 0, 3, INS(x, ratio, NULL), 2, y));
    CHECK_F32(y[0], 1, DIMS(3), 0, {1, -2, 3});
    CHECK_EQ_INT(seg_tensor_dtype(y[1]), SEG_DTYPE_BOOL);
    const uint8_t *m = seg_tensor_const_data(y[1]);
    CHECK(m[0] == 1 && m[1] == 1 && m[2] == 1);
    seg_tensor_destroy(y[0]);
    seg_tensor_destroy(y[1]);
    CHECK_OK(run_at("Identity", 13, NULL, 0, 1, INS(x), 1, y));
    CHECK_F32(y[0], 1, DIMS(3), 0, {1, -2, 3});
    seg_tensor_destroy(y[0]);
    seg_tensor_destroy(train);
    seg_tensor_destroy(ratio);
    seg_tensor_destroy(x);
}

int main(void)
{
    return RUN_TESTS(CASE(shape_and_size_read_only_the_shape),
                     CASE(reshape_infers_and_names_both_shapes),
                     CASE(value_inputs_must_be_known_when_planning),
                     CASE(transpose_rejects_bad_perm),
                     CASE(transpose_tiles_every_element_size),
                     CASE(squeeze_and_unsqueeze_check_axes), CASE(flatten_expand_tile_errors),
                     CASE(dropout_is_identity_for_inference));
}
