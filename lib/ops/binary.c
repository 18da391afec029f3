/*
 * Element-wise operators over broadcast inputs: arithmetic (Add Sub Mul Div Pow PRelu),
 * variadic folds (Max Min Sum Mean), comparisons (Equal Less Greater LessOrEqual
 * GreaterOrEqual), logic (And Or Xor) and Where.
 *
 * Each operator is a row of loop kernels indexed by dtype. Kernels are generated from
 * one expression in `a` and `b` per dtype class: floats follow IEEE (and NumPy for NaN
 * in Max/Min), integers wrap on overflow like ONNX Runtime, integer Div truncates
 * toward zero and defines x / 0 = 0 (ONNX leaves it undefined; it must not trap).
 */
#include "ops/binary_f32.h"
#include "ops/iter.h"

#include <limits.h>
#include <math.h>
#include <string.h>

/* y = expr(a, b) over one run; the output may alias an input element for element. */
#define BINARY_LOOP(name, TI, TO, expr)                                                 \
    static void name(size_t n, void *const *p, const size_t *step, const void *arg)     \
    {                                                                                   \
        (void)arg;                                                                      \
        TO *y = p[0];                                                                   \
        const TI *pa = p[1], *pb = p[2];                                                \
        if (step[1] && step[2]) {                                                       \
            for (size_t i = 0; i < n; i++) {                                            \
                const TI a = pa[i], b = pb[i];                                          \
                y[i] = (TO)(expr);                                                      \
            }                                                                           \
        } else if (step[1]) {                                                           \
            const TI b = *pb;                                                           \
            for (size_t i = 0; i < n; i++) {                                            \
                const TI a = pa[i];                                                     \
                y[i] = (TO)(expr);                                                      \
            }                                                                           \
        } else {                                                                        \
            const TI a = *pa;                                                           \
            const size_t sb = step[2];                                                  \
            for (size_t i = 0; i < n; i++) {                                            \
                const TI b = pb[i * sb];                                                \
                y[i] = (TO)(expr);                                                      \
            }                                                                           \
        }                                                                               \
    }

/* Kernels for every integer dtype from one expression (computed in wider or unsigned
 * arithmetic so that overflow wraps instead of being undefined). */
#define INT_LOOPS(name, TO_SAME, expr)                                                  \
    BINARY_LOOP(name##_u8, uint8_t, TO_SAME(uint8_t), expr)                             \
    BINARY_LOOP(name##_i8, int8_t, TO_SAME(int8_t), expr)                               \
    BINARY_LOOP(name##_u16, uint16_t, TO_SAME(uint16_t), expr)                          \
    BINARY_LOOP(name##_i32, int32_t, TO_SAME(int32_t), expr)                            \
    BINARY_LOOP(name##_i64, int64_t, TO_SAME(int64_t), expr)
#define SAME(T) T
#define BOOL(T) uint8_t

/* Arithmetic: output has the input dtype. */
#define ARITH_LOOPS(name, fexpr, iexpr)                                                 \
    BINARY_LOOP(name##_f32, float, float, fexpr)                                        \
    INT_LOOPS(name, SAME, iexpr)
/* Add, Sub, Mul, Div on floats: the vector kernels of ops/binary_f32.c. */
#define VECTOR_ARITH_LOOPS(name, OP, iexpr)                                             \
    static void name##_f32(size_t n, void *const *p, const size_t *step, const void *arg) \
    {                                                                                   \
        (void)arg;                                                                      \
        segi_arith_f32(segi_cpu_isa(), OP, n, p[0], p[1], step[1], p[2], step[2]);      \
    }                                                                                   \
    INT_LOOPS(name, SAME, iexpr)
/* Comparisons: bool output, one expression for every dtype. */
#define COMPARE_LOOPS(name, expr)                                                       \
    BINARY_LOOP(name##_f32, float, uint8_t, expr)                                       \
    INT_LOOPS(name, BOOL, expr)

#define INT_TABLE(name)                                                                 \
    [SEG_DTYPE_U8] = name##_u8, [SEG_DTYPE_I8] = name##_i8,                             \
    [SEG_DTYPE_U16] = name##_u16, [SEG_DTYPE_I32] = name##_i32,                         \
    [SEG_DTYPE_I64] = name##_i64
#define NUM_TABLE(name) {[SEG_DTYPE_F32] = name##_f32, INT_TABLE(name)}

static inline int64_t div_trunc(int64_t a, int64_t b)
{
    if (b == 0)
        return 0;
    return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b; /* INT64_MIN / -1 wraps */
}

/* NumPy's maximum/minimum: a NaN operand wins. */
static inline float nan_max(float a, float b) { return a > b || isnan(a) ? a : b; }
static inline float nan_min(float a, float b) { return a < b || isnan(a) ? a : b; }

/* Max/Min on IEEE binary16 bit patterns: a NaN wins, otherwise compare magnitudes with
 * the sign applied (the bit pattern order of sign-magnitude numbers). */
static inline bool half_nan(uint16_t h) { return (h & 0x7fff) > 0x7c00; }
static inline int half_key(uint16_t h) { return h & 0x8000 ? -(h & 0x7fff) : h & 0x7fff; }
static inline uint16_t half_max(uint16_t a, uint16_t b)
{
    return half_nan(a) || (!half_nan(b) && half_key(a) >= half_key(b)) ? a : b;
}
static inline uint16_t half_min(uint16_t a, uint16_t b)
{
    return half_nan(a) || (!half_nan(b) && half_key(a) <= half_key(b)) ? a : b;
}

VECTOR_ARITH_LOOPS(add, SEGI_ARITH_ADD, (uint64_t)a + (uint64_t)b)
VECTOR_ARITH_LOOPS(sub, SEGI_ARITH_SUB, (uint64_t)a - (uint64_t)b)
VECTOR_ARITH_LOOPS(mul, SEGI_ARITH_MUL, (uint64_t)a * (uint64_t)b)
VECTOR_ARITH_LOOPS(div, SEGI_ARITH_DIV, div_trunc(a, b))
ARITH_LOOPS(max, nan_max(a, b), a > b ? a : b)
ARITH_LOOPS(min, nan_min(a, b), a < b ? a : b)
BINARY_LOOP(prelu_f32, float, float, a < 0 ? a * b : a)
BINARY_LOOP(prelu_i32, int32_t, int32_t, a < 0 ? (uint64_t)a * (uint64_t)b : (uint64_t)a)
BINARY_LOOP(prelu_i64, int64_t, int64_t, a < 0 ? (uint64_t)a * (uint64_t)b : (uint64_t)a)
BINARY_LOOP(max_f16, uint16_t, uint16_t, half_max(a, b))
BINARY_LOOP(min_f16, uint16_t, uint16_t, half_min(a, b))
COMPARE_LOOPS(equal, a == b)
COMPARE_LOOPS(less, a < b)
COMPARE_LOOPS(greater, a > b)
COMPARE_LOOPS(less_equal, a <= b)
COMPARE_LOOPS(greater_equal, a >= b)
BINARY_LOOP(and_bool, uint8_t, uint8_t, (a != 0) & (b != 0))
BINARY_LOOP(or_bool, uint8_t, uint8_t, (a != 0) | (b != 0))
BINARY_LOOP(xor_bool, uint8_t, uint8_t, (a != 0) ^ (b != 0))

typedef struct binary_row {
    segi_loop_fn kernel[SEGI_N_DTYPES];
    bool to_bool; /* comparisons and logic */
    bool mean;    /* Mean: the sum divided by the input count */
    bool unidirectional; /* PRelu: the output keeps input 0's shape */
} binary_row;

static seg_status check_dtypes(const segi_op_ctx *ctx, int first, int n)
{
    for (int i = first + 1; i < first + n; i++)
        if (ctx->in[i]->dtype != ctx->in[first]->dtype)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "input %d is %s but input %d is %s",
                                 first, seg_dtype_name(ctx->in[first]->dtype), i,
                                 seg_dtype_name(ctx->in[i]->dtype));
    return SEG_OK;
}

static seg_status check_present(const segi_op_ctx *ctx)
{
    for (int i = 0; i < ctx->n_in; i++)
        if (!ctx->in[i])
            return segi_op_error(ctx, SEG_ERR_FORMAT, "input %d is missing", i);
    return SEG_OK;
}

static bool has_kernel(const segi_loop_fn *kernel, seg_dtype dtype)
{
    return (unsigned)dtype < SEGI_N_DTYPES && kernel[dtype];
}

static seg_status unsupported_dtype(const segi_op_ctx *ctx, int i)
{
    return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input %d has unsupported dtype %s", i,
                         seg_dtype_name(ctx->in[i]->dtype));
}

static seg_status binary_infer(segi_op_ctx *ctx, const binary_row *row)
{
    seg_status st = check_present(ctx);
    if (st == SEG_OK)
        st = check_dtypes(ctx, 0, ctx->n_in);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    if (!has_kernel(row->kernel, x->dtype))
        return unsupported_dtype(ctx, 0);
    int rank;
    int64_t dims[SEG_MAX_RANK];
    st = segi_broadcast_shape(ctx, ctx->n_in, ctx->in, &rank, dims);
    if (st != SEG_OK)
        return st;
    if (row->unidirectional &&
        (rank != x->rank || memcmp(dims, x->dims, sizeof *dims * (size_t)rank) != 0)) {
        char xs[160], ss[160];
        const seg_tensor *s = ctx->in[1];
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "input 1 shape %s does not broadcast to input 0 shape %s",
                             segi_shape_str(s->rank, s->dims, ss, sizeof ss),
                             segi_shape_str(x->rank, x->dims, xs, sizeof xs));
    }
    return segi_op_set_output(ctx, 0, row->to_bool ? SEG_DTYPE_BOOL : x->dtype, rank, dims);
}

/* Fold the inputs left to right into the output: y = in0 op in1, then y = y op in_i. */
static seg_status binary_run(segi_op_ctx *ctx, const binary_row *row)
{
    seg_tensor *y = ctx->out[0];
    segi_loop_fn kernel = row->kernel[ctx->in[0]->dtype];
    if (ctx->n_in == 1) {
        memcpy(y->data, ctx->in[0]->data, y->nbytes);
    } else {
        segi_operand ops[3] = {segi_operand_of(y), segi_operand_of(ctx->in[0]),
                               segi_operand_of(ctx->in[1])};
        segi_iterate_pool(ctx->pool, y->rank, y->dims, 3, ops, kernel, NULL);
        for (int i = 2; i < ctx->n_in; i++) {
            ops[1] = ops[0];
            ops[2] = segi_operand_of(ctx->in[i]);
            segi_iterate_pool(ctx->pool, y->rank, y->dims, 3, ops, kernel, NULL);
        }
    }
    if (row->mean) {
        float *v = y->data, n = (float)ctx->n_in;
        for (size_t i = 0, count = seg_tensor_count(y); i < count; i++)
            v[i] /= n;
    }
    return SEG_OK;
}

/* One row per operator, with its infer and run bound to it. */
#define BINARY_OP(Name, ...)                                                            \
    static const binary_row Name##_row = {__VA_ARGS__};                                 \
    static seg_status Name##_infer(segi_op_ctx *ctx) { return binary_infer(ctx, &Name##_row); } \
    static seg_status Name##_run(segi_op_ctx *ctx) { return binary_run(ctx, &Name##_row); }

BINARY_OP(Add, NUM_TABLE(add))
BINARY_OP(Sub, NUM_TABLE(sub))
BINARY_OP(Mul, NUM_TABLE(mul))
BINARY_OP(Div, NUM_TABLE(div))
BINARY_OP(Max, {[SEG_DTYPE_F32] = max_f32, INT_TABLE(max), [SEG_DTYPE_F16] = max_f16})
BINARY_OP(Min, {[SEG_DTYPE_F32] = min_f32, INT_TABLE(min), [SEG_DTYPE_F16] = min_f16})
BINARY_OP(Sum, NUM_TABLE(add))
BINARY_OP(Mean, {[SEG_DTYPE_F32] = add_f32}, .mean = true)
BINARY_OP(PRelu,
          {[SEG_DTYPE_F32] = prelu_f32, [SEG_DTYPE_I32] = prelu_i32, [SEG_DTYPE_I64] = prelu_i64},
          .unidirectional = true)
BINARY_OP(Equal, {[SEG_DTYPE_F32] = equal_f32, INT_TABLE(equal), [SEG_DTYPE_BOOL] = equal_u8},
          .to_bool = true)
BINARY_OP(Less, NUM_TABLE(less), .to_bool = true)
BINARY_OP(Greater, NUM_TABLE(greater), .to_bool = true)
BINARY_OP(LessOrEqual, NUM_TABLE(less_equal), .to_bool = true)
BINARY_OP(GreaterOrEqual, NUM_TABLE(greater_equal), .to_bool = true)
BINARY_OP(And, {[SEG_DTYPE_BOOL] = and_bool}, .to_bool = true)
BINARY_OP(Or, {[SEG_DTYPE_BOOL] = or_bool}, .to_bool = true)
BINARY_OP(Xor, {[SEG_DTYPE_BOOL] = xor_bool}, .to_bool = true)

/*
 * Pow: the exponent may have another dtype than the base (opset 12+); the output has
 * the base's. Mixed and integer cases compute in double like NumPy's promotion does;
 * integer results saturate to the int64 range before narrowing.
 */
static inline int64_t pow_int(double a, double b)
{
    double r = pow(a, b);
    if (!(r > -9.2233720368547758e18))
        return r < 0 ? INT64_MIN : 0; /* -inf saturates, NaN gives 0 */
    return r < 9.2233720368547758e18 ? (int64_t)r : INT64_MAX;
}

static void pow_f32_f32(size_t n, void *const *p, const size_t *step, const void *arg)
{
    (void)arg;
    float *y = p[0];
    const float *a = p[1], *b = p[2];
    const size_t sa = step[1], sb = step[2];
    if (!sb && (*b == 2.0f || *b == 0.5f || *b == 1.0f)) {
        /* x^2, sqrt and identity dominate exported graphs (LayerNorm, RMS norms). */
        const float e = *b;
        for (size_t i = 0; i < n; i++) {
            const float x = a[i * sa];
            y[i] = e == 2.0f ? x * x : e == 0.5f ? sqrtf(x) : x;
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        y[i] = powf(a[i * sa], b[i * sb]);
}

#define POW_LOOP(name, TA, TB, expr)                                                    \
    static void name(size_t n, void *const *p, const size_t *step, const void *arg)     \
    {                                                                                   \
        (void)arg;                                                                      \
        TA *y = p[0];                                                                   \
        const TA *pa = p[1];                                                            \
        const TB *pb = p[2];                                                            \
        for (size_t i = 0; i < n; i++) {                                                \
            const double a = (double)pa[i * step[1]], b = (double)pb[i * step[2]];      \
            y[i] = (TA)(expr);                                                          \
        }                                                                               \
    }
POW_LOOP(pow_f32_i32, float, int32_t, pow(a, b))
POW_LOOP(pow_f32_i64, float, int64_t, pow(a, b))
POW_LOOP(pow_i32_f32, int32_t, float, pow_int(a, b))
POW_LOOP(pow_i32_i32, int32_t, int32_t, pow_int(a, b))
POW_LOOP(pow_i32_i64, int32_t, int64_t, pow_int(a, b))
POW_LOOP(pow_i64_f32, int64_t, float, pow_int(a, b))
POW_LOOP(pow_i64_i32, int64_t, int32_t, pow_int(a, b))
POW_LOOP(pow_i64_i64, int64_t, int64_t, pow_int(a, b))

/* Indexed by [base dtype][exponent dtype]. */
static const segi_loop_fn pow_kernels[SEGI_N_DTYPES][SEGI_N_DTYPES] = {
    [SEG_DTYPE_F32] = {[SEG_DTYPE_F32] = pow_f32_f32, [SEG_DTYPE_I32] = pow_f32_i32,
                       [SEG_DTYPE_I64] = pow_f32_i64},
    [SEG_DTYPE_I32] = {[SEG_DTYPE_F32] = pow_i32_f32, [SEG_DTYPE_I32] = pow_i32_i32,
                       [SEG_DTYPE_I64] = pow_i32_i64},
    [SEG_DTYPE_I64] = {[SEG_DTYPE_F32] = pow_i64_f32, [SEG_DTYPE_I32] = pow_i64_i32,
                       [SEG_DTYPE_I64] = pow_i64_i64},
};

static seg_status Pow_infer(segi_op_ctx *ctx)
{
    seg_status st = check_present(ctx);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    if ((unsigned)x->dtype >= SEGI_N_DTYPES || !pow_kernels[x->dtype][SEG_DTYPE_F32])
        return unsupported_dtype(ctx, 0);
    if (!has_kernel(pow_kernels[x->dtype], ctx->in[1]->dtype))
        return unsupported_dtype(ctx, 1);
    int rank;
    int64_t dims[SEG_MAX_RANK];
    st = segi_broadcast_shape(ctx, 2, ctx->in, &rank, dims);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, x->dtype, rank, dims);
}

static seg_status Pow_run(segi_op_ctx *ctx)
{
    seg_tensor *y = ctx->out[0];
    segi_operand ops[3] = {segi_operand_of(y), segi_operand_of(ctx->in[0]),
                           segi_operand_of(ctx->in[1])};
    segi_iterate_pool(ctx->pool, y->rank, y->dims, 3, ops,
                      pow_kernels[ctx->in[0]->dtype][ctx->in[1]->dtype], NULL);
    return SEG_OK;
}

/* Where(condition, x, y): any dtype, selected by element size. */
#define WHERE_LOOP(name, T)                                                             \
    static void name(size_t n, void *const *p, const size_t *step, const void *arg)     \
    {                                                                                   \
        (void)arg;                                                                      \
        T *out = p[0];                                                                  \
        const uint8_t *c = p[1];                                                        \
        const T *x = p[2], *y = p[3];                                                   \
        for (size_t i = 0; i < n; i++)                                                  \
            out[i] = c[i * step[1]] ? x[i * step[2]] : y[i * step[3]];                  \
    }
WHERE_LOOP(where_1, uint8_t)
WHERE_LOOP(where_2, uint16_t)
WHERE_LOOP(where_4, uint32_t)
WHERE_LOOP(where_8, uint64_t)

static segi_loop_fn where_kernel(size_t esize)
{
    switch (esize) {
    case 1: return where_1;
    case 2: return where_2;
    case 4: return where_4;
    default: return where_8;
    }
}

static seg_status Where_infer(segi_op_ctx *ctx)
{
    seg_status st = check_present(ctx);
    if (st != SEG_OK)
        return st;
    if (ctx->in[0]->dtype != SEG_DTYPE_BOOL)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "condition is %s, expected bool",
                             seg_dtype_name(ctx->in[0]->dtype));
    st = check_dtypes(ctx, 1, 2);
    if (st != SEG_OK)
        return st;
    if (seg_dtype_size(ctx->in[1]->dtype) == 0)
        return unsupported_dtype(ctx, 1);
    int rank;
    int64_t dims[SEG_MAX_RANK];
    st = segi_broadcast_shape(ctx, 3, ctx->in, &rank, dims);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, ctx->in[1]->dtype, rank, dims);
}

static seg_status Where_run(segi_op_ctx *ctx)
{
    seg_tensor *y = ctx->out[0];
    segi_operand ops[4] = {segi_operand_of(y), segi_operand_of(ctx->in[0]),
                           segi_operand_of(ctx->in[1]), segi_operand_of(ctx->in[2])};
    segi_iterate_pool(ctx->pool, y->rank, y->dims, 4, ops, where_kernel(ops[0].esize), NULL);
    return SEG_OK;
}

#define DEF(Name, min_in, max_in) {#Name, min_in, max_in, 1, 1, 0, Name##_infer, Name##_run}

const segi_op_def segi_ops_binary[] = {
    DEF(Add, 2, 2),
    DEF(And, 2, 2),
    DEF(Div, 2, 2),
    DEF(Equal, 2, 2),
    DEF(Greater, 2, 2),
    DEF(GreaterOrEqual, 2, 2),
    DEF(Less, 2, 2),
    DEF(LessOrEqual, 2, 2),
    DEF(Max, 1, INT_MAX),
    DEF(Mean, 1, INT_MAX),
    DEF(Min, 1, INT_MAX),
    DEF(Mul, 2, 2),
    DEF(Or, 2, 2),
    DEF(Pow, 2, 2),
    DEF(PRelu, 2, 2),
    DEF(Sub, 2, 2),
    DEF(Sum, 1, INT_MAX),
    DEF(Where, 3, 3),
    DEF(Xor, 2, 2),
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
