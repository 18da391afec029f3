/* Helpers for the math operator tests (unary, binary, reduce, softmax): tensors of
 * any dtype, evaluation at a chosen opset, exact comparisons, and golden cases
 * written by tests/goldens/ops_math.py. */
#ifndef SEG_TEST_MATH_TEST_H
#define SEG_TEST_MATH_TEST_H

#include "op_test.h"

/* Typed tensors like op_test.h's F32 (dims via DIMS(...)). */
#define I32(rank, dims, ...) tensor_of(SEG_DTYPE_I32, rank, (const int64_t[])dims, (const int32_t[])__VA_ARGS__)
#define U8(rank, dims, ...) tensor_of(SEG_DTYPE_U8, rank, (const int64_t[])dims, (const uint8_t[])__VA_ARGS__)
#define I8(rank, dims, ...) tensor_of(SEG_DTYPE_I8, rank, (const int64_t[])dims, (const int8_t[])__VA_ARGS__)
#define BOOL(rank, dims, ...) tensor_of(SEG_DTYPE_BOOL, rank, (const int64_t[])dims, (const uint8_t[])__VA_ARGS__)
#define SCALAR_F32(v) tensor_of(SEG_DTYPE_F32, 0, NULL, (const float[]){v})
#define IN(...) (const seg_tensor *const[]){__VA_ARGS__}

/* Evaluate `op_type` as a node named "test" of the given opset. */
static seg_status eval_at(const char *op_type, int opset, const segi_attr *attrs, int n_attrs,
                          int n_in, const seg_tensor *const *in, int n_out, seg_tensor **out)
{
    const segi_op_def *def = segi_op_find(op_type);
    if (!def)
        return segi_error(SEG_ERR_NOT_FOUND, "operator %s is not registered", op_type);
    segi_node_info node = {"test", op_type, opset, attrs, n_attrs};
    return segi_op_eval(def, &node, n_in, in, n_out, out);
}

/* Evaluate a one-output op at opset 17 with no attributes. */
static seg_tensor *eval1(const char *op_type, int n_in, const seg_tensor *const *in)
{
    seg_tensor *y = NULL;
    CHECK_OK(eval_at(op_type, 17, NULL, 0, n_in, in, 1, &y));
    return y;
}

static void destroy_all(int n, seg_tensor **t)
{
    for (int i = 0; i < n; i++)
        seg_tensor_destroy(t[i]);
}
#define DESTROY(...)                                                                    \
    destroy_all(sizeof((seg_tensor *[]){__VA_ARGS__}) / sizeof(seg_tensor *),           \
                (seg_tensor *[]){__VA_ARGS__})

/* Shape and dtype of `t`, and its bytes equal to `want` (exact, for integers/bool). */
#define CHECK_EXACT(t, dtype, ctype, rank, dims, ...)                                   \
    do {                                                                                \
        const int64_t ce_dims_[] = dims;                                                \
        const ctype ce_want_[] = __VA_ARGS__;                                           \
        CHECK((t) != NULL);                                                             \
        if (t) {                                                                        \
            CHECK_EQ_INT(seg_tensor_dtype(t), dtype);                                   \
            CHECK_EQ_INT(seg_tensor_rank(t), rank);                                     \
            for (int ce_d_ = 0; ce_d_ < (rank); ce_d_++)                                \
                CHECK_EQ_INT(seg_tensor_dims(t)[ce_d_], ce_dims_[ce_d_]);               \
            const ctype *ce_got_ = seg_tensor_const_data(t);                            \
            size_t ce_n_ = sizeof ce_want_ / sizeof ce_want_[0];                        \
            CHECK_EQ_INT(seg_tensor_count(t), ce_n_);                                   \
            for (size_t ce_i_ = 0; ce_i_ < ce_n_ && ce_i_ < seg_tensor_count(t); ce_i_++) \
                CHECK_EQ_INT(ce_got_[ce_i_], ce_want_[ce_i_]);                          \
        }                                                                               \
    } while (0)

/* f32 values within atol + rtol * |want|; NaN matches NaN, infinities match exactly. */
static int close_f32(float got, float want, double atol, double rtol)
{
    if (isnan(want) || isnan(got))
        return isnan(want) && isnan(got);
    if (isinf(want) || isinf(got))
        return got == want;
    return fabs((double)got - want) <= atol + rtol * fabs((double)want);
}

#endif
