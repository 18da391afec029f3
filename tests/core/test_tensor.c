/* seg_tensor: creation, wrapping, ownership, accessors, conversion, bad input. */
#include "check.h"

#include <seg/seg.h>

#include <stdlib.h>

TEST(create_is_zeroed_and_reports_shape)
{
    int64_t dims[3] = {2, 3, 4};
    seg_tensor *t = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 3, dims, &t));
    CHECK_EQ_INT(seg_tensor_rank(t), 3);
    CHECK_EQ_INT(seg_tensor_dim(t, 1), 3);
    CHECK_EQ_INT(seg_tensor_dim(t, -1), 4);
    CHECK_EQ_INT(seg_tensor_dim(t, 3), -1);
    CHECK_EQ_INT(seg_tensor_count(t), 24);
    CHECK_EQ_INT(seg_tensor_nbytes(t), 96);
    CHECK_EQ_INT(seg_tensor_dtype(t), SEG_DTYPE_F32);
    const float *p = seg_tensor_const_data(t);
    float sum = 0;
    for (int i = 0; i < 24; i++)
        sum += p[i] * p[i];
    CHECK(sum == 0.0f);
    seg_tensor_destroy(t);
}

TEST(scalar_and_empty)
{
    seg_tensor *s = NULL, *e = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I64, 0, NULL, &s));
    CHECK_EQ_INT(seg_tensor_count(s), 1);
    CHECK_EQ_INT(seg_tensor_nbytes(s), 8);
    int64_t dims[2] = {0, 5};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_U8, 2, dims, &e));
    CHECK_EQ_INT(seg_tensor_count(e), 0);
    CHECK(seg_tensor_const_data(e) != NULL);
    seg_tensor_destroy(s);
    seg_tensor_destroy(e);
}

TEST(dtype_sizes_and_names)
{
    CHECK_EQ_INT(seg_dtype_size(SEG_DTYPE_F32), 4);
    CHECK_EQ_INT(seg_dtype_size(SEG_DTYPE_F16), 2);
    CHECK_EQ_INT(seg_dtype_size(SEG_DTYPE_U16), 2);
    CHECK_EQ_INT(seg_dtype_size(SEG_DTYPE_I64), 8);
    CHECK_EQ_INT(seg_dtype_size(SEG_DTYPE_BOOL), 1);
    CHECK_EQ_INT(seg_dtype_size((seg_dtype)99), 0);
    CHECK_STR(seg_dtype_name(SEG_DTYPE_I8), "i8");
    CHECK_STR(seg_dtype_name((seg_dtype)99), "invalid");
}

TEST(bad_shapes_are_refused)
{
    seg_tensor *t = (seg_tensor *)0x1;
    int64_t neg[2] = {2, -1};
    CHECK_FAIL(seg_tensor_create(SEG_DTYPE_F32, 2, neg, &t), SEG_ERR_INVALID_ARGUMENT,
               "dimension 1 is negative");
    CHECK(t == (seg_tensor *)0x1); /* untouched on failure */
    int64_t dims9[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    CHECK_FAIL(seg_tensor_create(SEG_DTYPE_F32, 9, dims9, &t), SEG_ERR_INVALID_ARGUMENT,
               "rank 9");
    int64_t huge[3] = {INT64_C(1) << 40, INT64_C(1) << 40, 16};
    CHECK_FAIL(seg_tensor_create(SEG_DTYPE_F32, 3, huge, &t), SEG_ERR_LIMIT, "overflows");
    CHECK_FAIL(seg_tensor_create((seg_dtype)0, 0, NULL, &t), SEG_ERR_INVALID_ARGUMENT,
               "unknown dtype 0");
    CHECK_FAIL(seg_tensor_create(SEG_DTYPE_F32, 0, NULL, NULL), SEG_ERR_INVALID_ARGUMENT,
               "'out' is NULL");
}

TEST(wrap_borrows_and_checks_size)
{
    float buf[6] = {1, 2, 3, 4, 5, 6};
    int64_t dims[2] = {2, 3};
    seg_tensor *t = NULL;
    CHECK_FAIL(seg_tensor_wrap(SEG_DTYPE_F32, 2, dims, buf, 20, &t), SEG_ERR_SHAPE,
               "20 bytes, shape needs 24");
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, dims, buf, sizeof buf, &t));
    CHECK(seg_tensor_data(t) == buf);
    seg_tensor *c = NULL;
    CHECK_OK(seg_tensor_clone(t, &c));
    seg_tensor_destroy(t);
    buf[0] = 100;
    CHECK(((const float *)seg_tensor_const_data(c))[0] == 1.0f);
    CHECK(((const float *)seg_tensor_const_data(c))[5] == 6.0f);
    seg_tensor_destroy(c);
    seg_tensor_destroy(NULL);
}

static int deleter_calls;
static void count_free(void *data, void *user)
{
    deleter_calls += *(int *)user;
    free(data);
}

TEST(wrap_with_deleter_transfers_ownership)
{
    int weight = 7;
    int64_t dims[1] = {4};
    void *mem = malloc(4);
    seg_tensor *t = NULL;
    CHECK_OK(seg_tensor_wrap_with_deleter(SEG_DTYPE_U8, 1, dims, mem, 4, count_free,
                                          &weight, &t));
    CHECK_EQ_INT(deleter_calls, 0);
    seg_tensor_destroy(t);
    CHECK_EQ_INT(deleter_calls, 7);
}

/* Goldens: numpy.float16 bit patterns (np.array([...], np.float16).view(np.uint16)). */
TEST(f16_round_trip_matches_numpy)
{
    const float in[] = {0.0f, -0.0f, 1.0f, -2.5f, 65504.0f, 65520.0f, 1e-8f,
                        5.9604645e-08f, 6.1035156e-05f, 0.1f, 1.0009765625f,
                        1.00048828125f, 1.00146484375f, INFINITY, 2.9802322e-08f};
    const uint16_t want[] = {0x0000, 0x8000, 0x3c00, 0xc100, 0x7bff, 0x7c00, 0x0000,
                             0x0001, 0x0400, 0x2e66, 0x3c01,
                             0x3c00 /* tie to even */, 0x3c02 /* tie to even */,
                             0x7c00, 0x0000 /* half of the smallest subnormal: even */};
    uint16_t got[15];
    seg_f32_to_f16(in, got, 15);
    for (int i = 0; i < 15; i++)
        CHECK_EQ_INT(got[i], want[i]);
    float back[15];
    seg_f16_to_f32(want, back, 15);
    CHECK(back[4] == 65504.0f);
    CHECK(back[7] == 5.9604645e-08f);
    CHECK(back[9] == 0.0999755859375f);
    CHECK(isinf(back[13]));
    uint16_t nan_in = 0x7e00;
    float nan_out;
    seg_f16_to_f32(&nan_in, &nan_out, 1);
    CHECK(isnan(nan_out));
    float fnan = NAN;
    uint16_t hnan;
    seg_f32_to_f16(&fnan, &hnan, 1);
    CHECK((hnan & 0x7c00) == 0x7c00 && (hnan & 0x3ff) != 0);
}

TEST(convert_between_dtypes)
{
    float vals[4] = {1.5f, -2.75f, 300.0f, 0.0f};
    int64_t dims[1] = {4};
    seg_tensor *f = NULL, *h = NULL, *i32 = NULL, *u8 = NULL, *b = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 1, dims, vals, sizeof vals, &f));
    CHECK_OK(seg_tensor_convert(f, SEG_DTYPE_F16, &h));
    CHECK_EQ_INT(((const uint16_t *)seg_tensor_const_data(h))[0], 0x3e00);
    CHECK_OK(seg_tensor_convert(f, SEG_DTYPE_I32, &i32));
    const int32_t *ip = seg_tensor_const_data(i32);
    CHECK(ip[0] == 1 && ip[1] == -2 && ip[2] == 300 && ip[3] == 0);
    CHECK_FAIL(seg_tensor_convert(f, SEG_DTYPE_U8, &u8), SEG_ERR_LIMIT,
               "element 1 (-2) does not fit u8");
    CHECK(u8 == NULL);
    CHECK_OK(seg_tensor_convert(f, SEG_DTYPE_BOOL, &b));
    const uint8_t *bp = seg_tensor_const_data(b);
    CHECK(bp[0] == 1 && bp[1] == 1 && bp[3] == 0);
    CHECK_FAIL(seg_tensor_convert(h, SEG_DTYPE_I32, &u8), SEG_ERR_UNSUPPORTED,
               "f16 converts only");
    seg_tensor_destroy(f);
    seg_tensor_destroy(h);
    seg_tensor_destroy(i32);
    seg_tensor_destroy(b);
}

int main(void)
{
    return RUN_TESTS(CASE(create_is_zeroed_and_reports_shape), CASE(scalar_and_empty),
                     CASE(dtype_sizes_and_names), CASE(bad_shapes_are_refused),
                     CASE(wrap_borrows_and_checks_size),
                     CASE(wrap_with_deleter_transfers_ownership),
                     CASE(f16_round_trip_matches_numpy), CASE(convert_between_dtypes));
}
