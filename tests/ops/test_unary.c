/* One-input element-wise operators: hand-computed cases, attributes, Clip across
 * opsets, integer variants and error paths. */
#include "math_test.h"

TEST(relu_family_with_attributes_and_nan)
{
    seg_tensor *x = F32(1, DIMS(4), {-2, 0, 3, NAN});
    seg_tensor *relu = eval1("Relu", 1, IN(x));
    const float *r = relu ? seg_tensor_const_data(relu) : NULL;
    CHECK(r && r[0] == 0 && r[1] == 0 && r[2] == 3 && isnan(r[3]));
    seg_tensor *x3 = F32(1, DIMS(3), {-2, 0, 3});
    segi_attr alpha = attr_float("alpha", 0.5f);
    seg_tensor *y = NULL;
    CHECK_OK(eval_at("LeakyRelu", 17, &alpha, 1, 1, IN(x3), 1, &y));
    CHECK_F32(y, 1, DIMS(3), 0, {-1, 0, 3});
    seg_tensor *dflt = eval1("LeakyRelu", 1, IN(x3));
    CHECK_F32(dflt, 1, DIMS(3), 1e-7, {-0.02f, 0, 3});
    seg_tensor *thr = NULL;
    segi_attr two = attr_float("alpha", 2.0f);
    CHECK_OK(eval_at("ThresholdedRelu", 17, &two, 1, 1, IN(x3), 1, &thr));
    CHECK_F32(thr, 1, DIMS(3), 0, {0, 0, 3});
    DESTROY(x, x3, relu, y, dflt, thr);
}

TEST(smooth_activations)
{
    seg_tensor *x = F32(1, DIMS(3), {-1, 0, 2});
    seg_tensor *sig = eval1("Sigmoid", 1, IN(x));
    CHECK_F32(sig, 1, DIMS(3), 1e-6, {0.26894142f, 0.5f, 0.88079708f});
    seg_tensor *elu = eval1("Elu", 1, IN(x));
    CHECK_F32(elu, 1, DIMS(3), 1e-6, {-0.63212056f, 0, 2});
    seg_tensor *selu = eval1("Selu", 1, IN(x));
    CHECK_F32(selu, 1, DIMS(3), 1e-6, {-1.11133074f, 0, 2.10140197f});
    seg_tensor *hs = eval1("HardSigmoid", 1, IN(x));
    CHECK_F32(hs, 1, DIMS(3), 1e-7, {0.3f, 0.5f, 0.9f});
    seg_tensor *hw = eval1("HardSwish", 1, IN(x));
    CHECK_F32(hw, 1, DIMS(3), 1e-6, {-1.0f / 3, 0, 2 * 5.0f / 6});
    seg_tensor *sp = eval1("Softplus", 1, IN(x));
    CHECK_F32(sp, 1, DIMS(3), 1e-6, {0.31326169f, 0.69314718f, 2.12692801f});
    DESTROY(x, sig, elu, selu, hs, hw, sp);
}

/* Long enough for the vector kernels: x * min(1, max(0, x / 6 + 0.5)) per element, in
 * float, special values included (0 * inf is NaN, as in the formula). */
TEST(hard_swish_vector_kernel_is_the_formula)
{
    enum { N = 45 };
    float v[N];
    for (int i = 0; i < N; i++)
        v[i] = (float)(i - 22) * 0.37f;
    v[3] = NAN;
    v[4] = -0.0f;
    v[5] = INFINITY;
    v[6] = -INFINITY;
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 1, (const int64_t[]){N}, v);
    seg_tensor *y = eval1("HardSwish", 1, IN(x));
    CHECK(y != NULL);
    for (int i = 0; y && i < N; i++) {
        float gate = v[i] * (1.0f / 6.0f) + 0.5f;
        float want = v[i] * (gate < 0 ? 0 : gate > 1 ? 1 : gate);
        float got = ((const float *)seg_tensor_data(y))[i];
        CHECK(isnan(want) ? isnan(got) : memcmp(&want, &got, sizeof got) == 0);
    }
    DESTROY(x, y);
}

TEST(softplus_and_sigmoid_do_not_overflow)
{
    seg_tensor *x = F32(1, DIMS(2), {-100, 100});
    seg_tensor *sp = eval1("Softplus", 1, IN(x));
    seg_tensor *sig = eval1("Sigmoid", 1, IN(x));
    CHECK_F32(sp, 1, DIMS(2), 1e-6, {0, 100});
    CHECK_F32(sig, 1, DIMS(2), 0, {0, 1});
    DESTROY(x, sp, sig);
}

TEST(gelu_exact_and_tanh)
{
    seg_tensor *x = F32(1, DIMS(3), {-1, 0.5f, 2});
    seg_tensor *g = eval1("Gelu", 1, IN(x));
    /* 0.5 x (1 + erf(x / sqrt 2)) and its tanh approximation, from float64 numpy */
    CHECK_F32(g, 1, DIMS(3), 1e-6, {-0.15865525f, 0.34573123f, 1.95449974f});
    segi_attr tanh_attr = attr_string("approximate", "tanh"), bad = attr_string("approximate", "fast");
    seg_tensor *t = NULL;
    CHECK_OK(eval_at("Gelu", 20, &tanh_attr, 1, 1, IN(x), 1, &t));
    CHECK_F32(t, 1, DIMS(3), 1e-6, {-0.15880801f, 0.34571401f, 1.95459769f});
    seg_tensor *y = NULL;
    CHECK_FAIL(eval_at("Gelu", 20, &bad, 1, 1, IN(x), 1, &y), SEG_ERR_UNSUPPORTED,
               "Gelu node 'test': approximate=\"fast\", expected \"none\" or \"tanh\"");
    DESTROY(x, g, t);
}

TEST(math_functions)
{
    seg_tensor *x = F32(1, DIMS(4), {0.25f, 1, 4, 9});
    seg_tensor *e = eval1("Exp", 1, IN(x)), *l = eval1("Log", 1, IN(x));
    seg_tensor *s = eval1("Sqrt", 1, IN(x)), *r = eval1("Reciprocal", 1, IN(x));
    seg_tensor *erf = eval1("Erf", 1, IN(x)), *th = eval1("Tanh", 1, IN(x));
    CHECK_F32(e, 1, DIMS(4), 1e-3, {1.28402542f, 2.71828183f, 54.59815f, 8103.08393f});
    CHECK_F32(l, 1, DIMS(4), 1e-6, {-1.38629436f, 0, 1.38629436f, 2.19722458f});
    CHECK_F32(s, 1, DIMS(4), 0, {0.5f, 1, 2, 3});
    CHECK_F32(r, 1, DIMS(4), 1e-7, {4, 1, 0.25f, 1.0f / 9});
    CHECK_F32(erf, 1, DIMS(4), 1e-6, {0.27632639f, 0.84270079f, 1, 1});
    CHECK_F32(th, 1, DIMS(4), 1e-6, {0.24491866f, 0.76159416f, 0.99932930f, 0.99999997f});
    DESTROY(x, e, l, s, r, erf, th);
}

TEST(round_is_half_to_even_floor_ceil)
{
    seg_tensor *x = F32(1, DIMS(6), {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.3f});
    seg_tensor *r = eval1("Round", 1, IN(x)), *f = eval1("Floor", 1, IN(x));
    seg_tensor *c = eval1("Ceil", 1, IN(x));
    CHECK_F32(r, 1, DIMS(6), 0, {0, 2, 2, -0.0f, -2, 2});
    CHECK_F32(f, 1, DIMS(6), 0, {0, 1, 2, -1, -2, 2});
    CHECK_F32(c, 1, DIMS(6), 0, {1, 2, 3, -0.0f, -1, 3});
    DESTROY(x, r, f, c);
}

TEST(neg_abs_sign_on_integers)
{
    seg_tensor *i = I32(1, DIMS(4), {-3, 0, 7, INT32_MIN});
    seg_tensor *n = eval1("Neg", 1, IN(i)), *a = eval1("Abs", 1, IN(i));
    seg_tensor *s = eval1("Sign", 1, IN(i));
    CHECK_EXACT(n, SEG_DTYPE_I32, int32_t, 1, DIMS(4), {3, 0, -7, INT32_MIN});
    CHECK_EXACT(a, SEG_DTYPE_I32, int32_t, 1, DIMS(4), {3, 0, 7, INT32_MIN});
    CHECK_EXACT(s, SEG_DTYPE_I32, int32_t, 1, DIMS(4), {-1, 0, 1, -1});
    seg_tensor *l = I64(1, DIMS(2), {-5, 5});
    seg_tensor *nl = eval1("Neg", 1, IN(l));
    CHECK_EXACT(nl, SEG_DTYPE_I64, int64_t, 1, DIMS(2), {5, -5});
    DESTROY(i, n, a, s, l, nl);
}

TEST(not_on_bool_only)
{
    seg_tensor *b = BOOL(2, DIMS(1, 3), {0, 1, 0});
    seg_tensor *n = eval1("Not", 1, IN(b));
    CHECK_EXACT(n, SEG_DTYPE_BOOL, uint8_t, 2, DIMS(1, 3), {1, 0, 1});
    seg_tensor *f = F32(1, DIMS(1), {1}), *y = NULL;
    CHECK_FAIL(eval_at("Not", 17, NULL, 0, 1, IN(f), 1, &y), SEG_ERR_UNSUPPORTED,
               "Not node 'test': input dtype f32 is not supported");
    CHECK_FAIL(eval_at("Sqrt", 17, NULL, 0, 1, IN(b), 1, &y), SEG_ERR_UNSUPPORTED,
               "Sqrt node 'test': input dtype bool is not supported");
    CHECK(y == NULL);
    DESTROY(b, n, f);
}

TEST(clip_attributes_before_opset_11_inputs_after)
{
    seg_tensor *x = F32(1, DIMS(5), {-3, -1, 0, 2, NAN});
    segi_attr bounds[2] = {attr_float("min", -1.5f), attr_float("max", 1)};
    seg_tensor *y = NULL;
    CHECK_OK(eval_at("Clip", 6, bounds, 2, 1, IN(x), 1, &y));
    const float *v = y ? seg_tensor_const_data(y) : NULL;
    CHECK(v && v[0] == -1.5f && v[1] == -1 && v[2] == 0 && v[3] == 1 && isnan(v[4]));
    seg_tensor *lo = SCALAR_F32(-1), *hi = SCALAR_F32(1), *z = NULL, *only_max = NULL;
    CHECK_OK(eval_at("Clip", 13, NULL, 0, 3, IN(x, lo, hi), 1, &z));
    CHECK_OK(eval_at("Clip", 13, NULL, 0, 3, IN(x, NULL, hi), 1, &only_max));
    CHECK(z && ((const float *)seg_tensor_const_data(z))[0] == -1 &&
          ((const float *)seg_tensor_const_data(z))[3] == 1);
    CHECK(only_max && ((const float *)seg_tensor_const_data(only_max))[0] == -3 &&
          ((const float *)seg_tensor_const_data(only_max))[3] == 1);
    seg_tensor *none = eval1("Clip", 1, IN(x));
    CHECK(none && ((const float *)seg_tensor_const_data(none))[0] == -3);
    DESTROY(x, y, lo, hi, z, only_max, none);
}

TEST(clip_integers_and_bad_bounds)
{
    seg_tensor *x = I8(1, DIMS(4), {-128, -5, 5, 127});
    seg_tensor *lo = I8(0, DIMS(0), {-6}), *hi = I8(0, DIMS(0), {6});
    seg_tensor *y = NULL;
    CHECK_OK(eval_at("Clip", 13, NULL, 0, 3, IN(x, lo, hi), 1, &y));
    CHECK_EXACT(y, SEG_DTYPE_I8, int8_t, 1, DIMS(4), {-6, -5, 5, 6});
    seg_tensor *flo = SCALAR_F32(0), *vec = I8(1, DIMS(2), {0, 1}), *z = NULL;
    CHECK_FAIL(eval_at("Clip", 13, NULL, 0, 2, IN(x, flo), 1, &z), SEG_ERR_SHAPE,
               "Clip node 'test': min is f32 [], expected a i8 scalar");
    CHECK_FAIL(eval_at("Clip", 13, NULL, 0, 3, IN(x, NULL, vec), 1, &z), SEG_ERR_SHAPE,
               "max is i8 [2], expected a i8 scalar");
    CHECK_FAIL(eval_at("Clip", 6, NULL, 0, 2, IN(x, lo), 1, &z), SEG_ERR_FORMAT,
               "opset 6 takes min and max as attributes");
    CHECK(z == NULL);
    DESTROY(x, lo, hi, y, flo, vec);
}

TEST(empty_and_scalar_inputs)
{
    seg_tensor *e = F32(2, DIMS(0, 4), {0});
    seg_tensor *y = eval1("Exp", 1, IN(e));
    CHECK(y && seg_tensor_count(y) == 0 && seg_tensor_dims(y)[1] == 4);
    seg_tensor *s = SCALAR_F32(-4);
    seg_tensor *a = eval1("Abs", 1, IN(s));
    CHECK(a && seg_tensor_rank(a) == 0 && *(const float *)seg_tensor_const_data(a) == 4);
    DESTROY(e, y, s, a);
}

TEST(goldens)
{
    check_goldens("unary");
}

int main(void)
{
    return RUN_TESTS(CASE(goldens), CASE(relu_family_with_attributes_and_nan), CASE(smooth_activations),
                     CASE(softplus_and_sigmoid_do_not_overflow), CASE(gelu_exact_and_tanh),
                     CASE(hard_swish_vector_kernel_is_the_formula),
                     CASE(math_functions), CASE(round_is_half_to_even_floor_ceil),
                     CASE(neg_abs_sign_on_integers), CASE(not_on_bool_only),
                     CASE(clip_attributes_before_opset_11_inputs_after),
                     CASE(clip_integers_and_bad_bounds), CASE(empty_and_scalar_inputs));
}
