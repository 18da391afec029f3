/*
 * Element-wise operators of one tensor: activations (Relu LeakyRelu Elu Selu Celu
 * ThresholdedRelu Sigmoid HardSigmoid HardSwish Softplus Softsign Mish Gelu Tanh Clip),
 * math (Erf Exp Log Sqrt Reciprocal Neg Abs Sign Floor Ceil Round) and Not.
 *
 * Each operator is a row: map kernels indexed by dtype, each written once as an
 * expression in `x` and the parameters `P` (alpha, beta, gamma from the node's
 * attributes with per-operator defaults; Clip's bounds; Gelu's approximation).
 * NaN passes through every activation as in NumPy.
 */
#include "ops/fused_act.h"
#include "ops/iter.h"

#include <float.h>
#include <math.h>
#include <string.h>

typedef struct unary_params {
    float alpha, beta, gamma;
    float lo, hi;      /* Clip bounds for f32 */
    int64_t ilo, ihi;  /* Clip bounds for integers */
    bool tanh_approx;  /* Gelu approximate="tanh" */
} unary_params;

typedef void (*unary_fn)(const void *x, void *y, size_t n, const unary_params *p);

/* y[i] = expr(x) over a contiguous buffer; y may alias x. The parameters are copied
 * into a local so the compiler knows stores to y cannot change them. */
#define MAP_LOOP(name, T, expr)                                                         \
    static void name(const void *xv, void *yv, size_t n, const unary_params *p)         \
    {                                                                                   \
        const unary_params P = *p;                                                      \
        (void)P; /* most expressions take no parameter */                               \
        const T *xs = xv;                                                               \
        T *ys = yv;                                                                     \
        for (size_t i = 0; i < n; i++) {                                                \
            const T x = xs[i];                                                          \
            ys[i] = (T)(expr);                                                          \
        }                                                                               \
    }
#define F32_MAP(name, expr) MAP_LOOP(name##_f32, float, expr)
/* Integer kernels compute in uint64_t where negation could overflow, then narrow. */
#define SIGNED_MAPS(name, expr)                                                         \
    MAP_LOOP(name##_i8, int8_t, expr)                                                   \
    MAP_LOOP(name##_i32, int32_t, expr)                                                 \
    MAP_LOOP(name##_i64, int64_t, expr)
#define INT_MAPS(name, expr)                                                            \
    SIGNED_MAPS(name, expr)                                                             \
    MAP_LOOP(name##_u8, uint8_t, expr)                                                  \
    MAP_LOOP(name##_u16, uint16_t, expr)

#define F32(name) {[SEG_DTYPE_F32] = name##_f32}
#define SIGNED(name)                                                                    \
    {[SEG_DTYPE_F32] = name##_f32, [SEG_DTYPE_I8] = name##_i8,                          \
     [SEG_DTYPE_I32] = name##_i32, [SEG_DTYPE_I64] = name##_i64}
#define NUMERIC(name)                                                                   \
    {[SEG_DTYPE_F32] = name##_f32, [SEG_DTYPE_I8] = name##_i8,                          \
     [SEG_DTYPE_I32] = name##_i32, [SEG_DTYPE_I64] = name##_i64,                        \
     [SEG_DTYPE_U8] = name##_u8, [SEG_DTYPE_U16] = name##_u16}

static inline float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }
static inline float clamp01(float x) { return x < 0 ? 0 : x > 1 ? 1 : x; }
/* log(1 + e^x) without overflow for large x. */
static inline float softplus(float x) { return x > 0 ? x + log1pf(expf(-x)) : log1pf(expf(x)); }

SIGNED_MAPS(relu, x < 0 ? 0 : x)
F32_MAP(elu, x < 0 ? P.alpha * expm1f(x) : x)
F32_MAP(selu, x > 0 ? P.gamma * x : P.gamma * P.alpha * expm1f(x))
F32_MAP(celu, x > 0 ? x : P.alpha * expm1f(x / P.alpha))
F32_MAP(thresholded_relu, x > P.alpha ? x : 0)
F32_MAP(sigmoid, sigmoid(x))
F32_MAP(hard_sigmoid, clamp01(P.alpha * x + P.beta))
F32_MAP(softplus, softplus(x))
F32_MAP(softsign, x / (1 + fabsf(x)))
F32_MAP(mish, x * tanhf(softplus(x)))
F32_MAP(tanh, tanhf(x))
INT_MAPS(clip, x < P.ilo ? P.ilo : x > P.ihi ? P.ihi : x)
F32_MAP(erf, erff(x))
F32_MAP(gelu_erf, 0.5f * x * (1 + erff(x * (float)M_SQRT1_2)))
F32_MAP(gelu_tanh, 0.5f * x * (1 + tanhf(0.7978845608f * (x + 0.044715f * x * x * x))))
F32_MAP(exp, expf(x))
F32_MAP(log, logf(x))
F32_MAP(sqrt, sqrtf(x))
F32_MAP(reciprocal, 1 / x)
F32_MAP(neg, -x)
SIGNED_MAPS(neg, 0 - (uint64_t)x)
F32_MAP(abs, fabsf(x))
SIGNED_MAPS(abs, x < 0 ? 0 - (uint64_t)x : (uint64_t)x)
F32_MAP(sign, x > 0 ? 1 : x < 0 ? -1 : x)
SIGNED_MAPS(sign, x > 0 ? 1 : x < 0 ? -1 : 0)
F32_MAP(floor, floorf(x))
F32_MAP(ceil, ceilf(x))
F32_MAP(round, rintf(x)) /* the default rounding mode: half to even */
MAP_LOOP(not_bool, uint8_t, x == 0)

/* Relu, LeakyRelu, Clip and HardSwish share the fused activations' vector kernels; a
 * bias of -0.0f adds nothing, not even to -0.0. */
static void act_f32(segi_act_kind kind, float a, float b, const void *x, void *y, size_t n)
{
    segi_fused_act act = {kind, a, b};
    segi_act_map(segi_cpu_isa(), &act, -0.0f, x, y, n);
}

static void relu_f32(const void *x, void *y, size_t n, const unary_params *p)
{
    (void)p;
    act_f32(SEGI_ACT_RELU, 0, 0, x, y, n);
}

static void leaky_relu_f32(const void *x, void *y, size_t n, const unary_params *p)
{
    act_f32(SEGI_ACT_LEAKY_RELU, p->alpha, 0, x, y, n);
}

static void clip_f32(const void *x, void *y, size_t n, const unary_params *p)
{
    act_f32(SEGI_ACT_CLIP, p->lo, p->hi, x, y, n);
}

static void hard_swish_f32(const void *x, void *y, size_t n, const unary_params *p)
{
    (void)p;
    act_f32(SEGI_ACT_HARD_SWISH, 1.0f / 6.0f, 0.5f, x, y, n);
}

static void gelu_f32(const void *x, void *y, size_t n, const unary_params *p)
{
    (p->tanh_approx ? gelu_tanh_f32 : gelu_erf_f32)(x, y, n, p);
}

typedef struct unary_row {
    unary_fn kernel[SEGI_N_DTYPES];
    unary_params defaults; /* alpha, beta, gamma when the attribute is absent */
    /* Parameters that are not plain float attributes; called by infer and run. */
    seg_status (*params)(const segi_op_ctx *ctx, unary_params *p);
} unary_row;

/* The value of a one-element tensor, or SEG_ERR_SHAPE. */
static seg_status clip_bound(const segi_op_ctx *ctx, int i, unary_params *p)
{
    const seg_tensor *b = ctx->in[i];
    const seg_tensor *x = ctx->in[0];
    if (b->dtype != x->dtype || seg_tensor_count(b) != 1) {
        char shape[160];
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%s is %s %s, expected a %s scalar",
                             i == 1 ? "min" : "max", seg_dtype_name(b->dtype),
                             segi_shape_str(b->rank, b->dims, shape, sizeof shape),
                             seg_dtype_name(x->dtype));
    }
    if (!b->data)
        return SEG_OK; /* known only when run */
    float *f = i == 1 ? &p->lo : &p->hi;
    int64_t *v = i == 1 ? &p->ilo : &p->ihi;
    switch (b->dtype) {
    case SEG_DTYPE_F32: *f = *(const float *)b->data; break;
    case SEG_DTYPE_U8: *v = *(const uint8_t *)b->data; break;
    case SEG_DTYPE_I8: *v = *(const int8_t *)b->data; break;
    case SEG_DTYPE_U16: *v = *(const uint16_t *)b->data; break;
    case SEG_DTYPE_I32: *v = *(const int32_t *)b->data; break;
    default: *v = *(const int64_t *)b->data; break;
    }
    return SEG_OK;
}

/* Clip: bounds are attributes before opset 11 and optional scalar inputs since. */
static seg_status clip_params(const segi_op_ctx *ctx, unary_params *p)
{
    p->lo = -FLT_MAX;
    p->hi = FLT_MAX;
    p->ilo = INT64_MIN;
    p->ihi = INT64_MAX;
    if (ctx->node->opset < 11) {
        if (ctx->n_in > 1)
            return segi_op_error(ctx, SEG_ERR_FORMAT,
                                 "opset %d takes min and max as attributes, not inputs",
                                 ctx->node->opset);
        p->lo = segi_op_attr_float(ctx, "min", -FLT_MAX);
        p->hi = segi_op_attr_float(ctx, "max", FLT_MAX);
        return SEG_OK;
    }
    for (int i = 1; i < ctx->n_in; i++) {
        seg_status st = ctx->in[i] ? clip_bound(ctx, i, p) : SEG_OK;
        if (st != SEG_OK)
            return st;
    }
    return SEG_OK;
}

static seg_status gelu_params(const segi_op_ctx *ctx, unary_params *p)
{
    const char *mode = segi_op_attr_string(ctx, "approximate", "none");
    p->tanh_approx = strcmp(mode, "tanh") == 0;
    if (!p->tanh_approx && strcmp(mode, "none") != 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                             "approximate=\"%s\", expected \"none\" or \"tanh\"", mode);
    return SEG_OK;
}

static seg_status read_params(const segi_op_ctx *ctx, const unary_row *row, unary_params *p)
{
    *p = row->defaults;
    p->alpha = segi_op_attr_float(ctx, "alpha", p->alpha);
    p->beta = segi_op_attr_float(ctx, "beta", p->beta);
    p->gamma = segi_op_attr_float(ctx, "gamma", p->gamma);
    return row->params ? row->params(ctx, p) : SEG_OK;
}

static seg_status unary_infer(segi_op_ctx *ctx, const unary_row *row)
{
    const seg_tensor *x = ctx->in[0];
    if (!x)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "input 0 is missing");
    if ((unsigned)x->dtype >= SEGI_N_DTYPES || !row->kernel[x->dtype])
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s is not supported",
                             seg_dtype_name(x->dtype));
    unary_params p;
    seg_status st = read_params(ctx, row, &p);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, x->dims);
}

typedef struct unary_job {
    unary_fn kernel;
    const char *x;
    char *y;
    size_t esize;
    const unary_params *p;
} unary_job;

static void unary_range(void *ctx, size_t begin, size_t end)
{
    const unary_job *j = ctx;
    j->kernel(j->x + begin * j->esize, j->y + begin * j->esize, end - begin, j->p);
}

static seg_status unary_run(segi_op_ctx *ctx, const unary_row *row)
{
    const seg_tensor *x = ctx->in[0];
    unary_params p;
    seg_status st = read_params(ctx, row, &p);
    unary_job j = {row->kernel[x->dtype], x->data, ctx->out[0]->data,
                   seg_dtype_size(x->dtype), &p};
    if (st == SEG_OK)
        segi_pool_for(ctx->pool, seg_tensor_count(x), SEGI_ITER_GRAIN, unary_range, &j);
    return st;
}

/* One row per operator, with its infer and run bound to it. */
#define UNARY_OP(Name, ...)                                                             \
    static const unary_row Name##_row = {__VA_ARGS__};                                  \
    static seg_status Name##_infer(segi_op_ctx *ctx) { return unary_infer(ctx, &Name##_row); } \
    static seg_status Name##_run(segi_op_ctx *ctx) { return unary_run(ctx, &Name##_row); }

/* Defaults as the ONNX specification gives them. */
UNARY_OP(Abs, SIGNED(abs))
UNARY_OP(Ceil, F32(ceil))
UNARY_OP(Celu, F32(celu), {.alpha = 1.0f})
UNARY_OP(Clip, NUMERIC(clip), .params = clip_params)
UNARY_OP(Elu, F32(elu), {.alpha = 1.0f})
UNARY_OP(Erf, F32(erf))
UNARY_OP(Exp, F32(exp))
UNARY_OP(Floor, F32(floor))
UNARY_OP(Gelu, F32(gelu), .params = gelu_params)
UNARY_OP(HardSigmoid, F32(hard_sigmoid), {.alpha = 0.2f, .beta = 0.5f})
UNARY_OP(HardSwish, F32(hard_swish))
UNARY_OP(LeakyRelu, F32(leaky_relu), {.alpha = 0.01f})
UNARY_OP(Log, F32(log))
UNARY_OP(Mish, F32(mish))
UNARY_OP(Neg, SIGNED(neg))
UNARY_OP(Not, {[SEG_DTYPE_BOOL] = not_bool})
UNARY_OP(Reciprocal, F32(reciprocal))
UNARY_OP(Relu, SIGNED(relu))
UNARY_OP(Round, F32(round))
UNARY_OP(Selu, F32(selu), {.alpha = 1.67326319217681884765625f,
                           .gamma = 1.05070102214813232421875f})
UNARY_OP(Sigmoid, F32(sigmoid))
UNARY_OP(Sign, SIGNED(sign))
UNARY_OP(Softplus, F32(softplus))
UNARY_OP(Softsign, F32(softsign))
UNARY_OP(Sqrt, F32(sqrt))
UNARY_OP(Tanh, F32(tanh))
UNARY_OP(ThresholdedRelu, F32(thresholded_relu), {.alpha = 1.0f})

#define DEF(Name, max_in) {#Name, 1, max_in, 1, 1, 0, Name##_infer, Name##_run}

const segi_op_def segi_ops_unary[] = {
    DEF(Abs, 1),
    DEF(Ceil, 1),
    DEF(Celu, 1),
    DEF(Clip, 3),
    DEF(Elu, 1),
    DEF(Erf, 1),
    DEF(Exp, 1),
    DEF(Floor, 1),
    DEF(Gelu, 1),
    DEF(HardSigmoid, 1),
    DEF(HardSwish, 1),
    DEF(LeakyRelu, 1),
    DEF(Log, 1),
    DEF(Mish, 1),
    DEF(Neg, 1),
    DEF(Not, 1),
    DEF(Reciprocal, 1),
    DEF(Relu, 1),
    DEF(Round, 1),
    DEF(Selu, 1),
    DEF(Sigmoid, 1),
    DEF(Sign, 1),
    DEF(Softplus, 1),
    DEF(Softsign, 1),
    DEF(Sqrt, 1),
    DEF(Tanh, 1),
    DEF(ThresholdedRelu, 1),
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
