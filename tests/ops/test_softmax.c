/* Softmax and LogSoftmax: per-axis (opset 13+) versus 2-D coercion (before 13),
 * numerical stability, NaN and errors. */
#include "math_test.h"

/* x = 0.5 * arange(12) as [2, 3, 2] */
static seg_tensor *half_iota(void)
{
    return F32(3, DIMS(2, 3, 2), {0, 0.5f, 1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4.5f, 5, 5.5f});
}

TEST(per_axis_since_opset_13)
{
    seg_tensor *x = half_iota();
    segi_attr axis = attr_int("axis", 1);
    seg_tensor *s = NULL, *l = NULL;
    CHECK_OK(eval_at("Softmax", 13, &axis, 1, 1, IN(x), 1, &s));
    CHECK_OK(eval_at("LogSoftmax", 13, &axis, 1, 1, IN(x), 1, &l));
    CHECK_F32(s, 3, DIMS(2, 3, 2), 1e-6,
              {0.09003057f, 0.09003057f, 0.24472847f, 0.24472847f, 0.66524096f, 0.66524096f,
               0.09003057f, 0.09003057f, 0.24472847f, 0.24472847f, 0.66524096f, 0.66524096f});
    CHECK_F32(l, 3, DIMS(2, 3, 2), 1e-6,
              {-2.40760596f, -2.40760596f, -1.40760596f, -1.40760596f, -0.40760596f,
               -0.40760596f, -2.40760596f, -2.40760596f, -1.40760596f, -1.40760596f,
               -0.40760596f, -0.40760596f});
    DESTROY(x, s, l);
}

TEST(coerced_to_2d_before_opset_13)
{
    seg_tensor *x = half_iota();
    seg_tensor *s = NULL;
    CHECK_OK(eval_at("Softmax", 11, NULL, 0, 1, IN(x), 1, &s)); /* default axis 1 */
    CHECK_F32(s, 3, DIMS(2, 3, 2), 1e-6,
              {0.0339902f, 0.05604037f, 0.09239495f, 0.15233352f, 0.25115552f, 0.41408544f,
               0.0339902f, 0.05604037f, 0.09239495f, 0.15233352f, 0.25115552f, 0.41408544f});
    DESTROY(x, s);
}

TEST(large_inputs_are_stable_and_nan_stays_in_its_slice)
{
    seg_tensor *x = F32(2, DIMS(2, 3), {1000, 1001, 1002, NAN, 0, 1});
    seg_tensor *s = eval1("Softmax", 1, IN(x));
    seg_tensor *l = eval1("LogSoftmax", 1, IN(x));
    const float *v = s ? seg_tensor_const_data(s) : NULL, *w = l ? seg_tensor_const_data(l) : NULL;
    CHECK(v && fabsf(v[0] - 0.09003057f) < 1e-6f && fabsf(v[2] - 0.66524096f) < 1e-6f);
    CHECK(v && isnan(v[3]) && isnan(v[4]) && isnan(v[5]));
    CHECK(w && fabsf(w[0] + 2.40760596f) < 1e-5f && isnan(w[5]));
    DESTROY(x, s, l);
}

TEST(softmax_errors)
{
    seg_tensor *x = half_iota(), *y = NULL;
    segi_attr axis = attr_int("axis", 3);
    CHECK_FAIL(eval_at("Softmax", 13, &axis, 1, 1, IN(x), 1, &y), SEG_ERR_SHAPE,
               "Softmax node 'test': axis 3 is outside [-3, 3) for rank 3");
    seg_tensor *i = I64(1, DIMS(2), {1, 2});
    CHECK_FAIL(eval_at("LogSoftmax", 13, NULL, 0, 1, IN(i), 1, &y), SEG_ERR_UNSUPPORTED,
               "LogSoftmax node 'test': input dtype i64 is not supported");
    CHECK(y == NULL);
    DESTROY(x, i);
}

TEST(goldens)
{
    check_goldens("softmax");
}

int main(void)
{
    return RUN_TESTS(CASE(goldens), CASE(per_axis_since_opset_13), CASE(coerced_to_2d_before_opset_13),
                     CASE(large_inputs_are_stable_and_nan_stays_in_its_slice),
                     CASE(softmax_errors));
}
