/*
 * Reductions: ReduceSum ReduceMean ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2
 * ReduceSumSquare ReduceLogSum ReduceLogSumExp over a set of axes; ArgMax ArgMin and
 * TopK along one axis.
 *
 * A reduction iterates over the input with an accumulator shaped like the keepdims
 * output (reduced axes of size 1), so segi_iterate broadcasts the accumulator over
 * the reduced axes. f32 accumulates in double (sums of many elements stay accurate);
 * integers accumulate in int64 and wrap on overflow. Max/Min propagate NaN as NumPy.
 */
#include "ops/iter.h"

#include <math.h>
#include <string.h>

/* acc = expr(a, v) for each element v of the run; the accumulator may stay in place
 * (a reduced innermost axis) or advance with x (a kept innermost axis). */
#define ACC_LOOP(name, TX, TA, expr)                                                    \
    static void name(size_t n, void *const *p, const size_t *step, const void *arg)     \
    {                                                                                   \
        (void)arg;                                                                      \
        TA *acc = p[0];                                                                 \
        const TX *x = p[1];                                                             \
        if (step[0]) {                                                                  \
            for (size_t i = 0; i < n; i++) {                                            \
                const TA a = acc[i], v = (TA)x[i];                                      \
                acc[i] = (TA)(expr);                                                    \
            }                                                                           \
        } else {                                                                        \
            TA a = *acc;                                                                \
            for (size_t i = 0; i < n; i++) {                                            \
                const TA v = (TA)x[i];                                                  \
                a = (TA)(expr);                                                         \
            }                                                                           \
            *acc = a;                                                                   \
        }                                                                               \
    }
#define INT_ACC_LOOPS(name, iexpr)                                                      \
    ACC_LOOP(name##_u8, uint8_t, int64_t, iexpr)                                        \
    ACC_LOOP(name##_i8, int8_t, int64_t, iexpr)                                         \
    ACC_LOOP(name##_i32, int32_t, int64_t, iexpr)                                       \
    ACC_LOOP(name##_i64, int64_t, int64_t, iexpr)
#define REDUCER(name, fexpr, iexpr)                                                     \
    ACC_LOOP(name##_f32, float, double, fexpr)                                          \
    INT_ACC_LOOPS(name, iexpr)
#define F32(name) {[SEG_DTYPE_F32] = name##_f32}
#define NUMERIC(name)                                                                   \
    {[SEG_DTYPE_F32] = name##_f32, [SEG_DTYPE_U8] = name##_u8, [SEG_DTYPE_I8] = name##_i8, \
     [SEG_DTYPE_I32] = name##_i32, [SEG_DTYPE_I64] = name##_i64}

static inline uint64_t wrap_abs(int64_t v) { return v < 0 ? 0 - (uint64_t)v : (uint64_t)v; }

REDUCER(sum, a + v, (uint64_t)a + (uint64_t)v)
REDUCER(sum_square, a + v * v, (uint64_t)a + (uint64_t)v * (uint64_t)v)
REDUCER(l1, a + fabs(v), (uint64_t)a + wrap_abs(v))
REDUCER(prod, a * v, (uint64_t)a * (uint64_t)v)
REDUCER(max, v > a || isnan(v) ? v : a, v > a ? v : a)
REDUCER(min, v < a || isnan(v) ? v : a, v < a ? v : a)
ACC_LOOP(sum_exp_f32, float, double, a + exp(v))

typedef enum { INIT_ZERO, INIT_ONE, INIT_LOWEST, INIT_HIGHEST } init_kind;
typedef enum { POST_NONE, POST_MEAN, POST_SQRT, POST_LOG } post_kind;

typedef struct reduce_row {
    segi_loop_fn kernel[SEGI_N_DTYPES];
    init_kind init;
    post_kind post;
    int axes_input_opset; /* from this opset on, axes is input 1 instead of an attribute */
} reduce_row;

typedef struct reduce_plan {
    bool noop;                    /* empty axes with noop_with_empty_axes: identity */
    bool reduced[SEG_MAX_RANK];
    int64_t kept[SEG_MAX_RANK];   /* the input shape with reduced axes set to 1 */
    size_t group;                 /* input elements per output element */
} reduce_plan;

static seg_status axes_of(const segi_op_ctx *ctx, const reduce_row *row, const int64_t **axes,
                          int *n)
{
    *n = 0;
    if (ctx->node->opset < row->axes_input_opset) {
        if (ctx->n_in > 1)
            return segi_op_error(ctx, SEG_ERR_FORMAT,
                                 "axes is an attribute before opset %d, not an input",
                                 row->axes_input_opset);
        int count = segi_op_attr_ints(ctx, "axes", axes);
        *n = count > 0 ? count : 0;
        return SEG_OK;
    }
    const seg_tensor *t = ctx->n_in > 1 ? ctx->in[1] : NULL;
    if (!t)
        return SEG_OK;
    if (t->dtype != SEG_DTYPE_I64 || t->rank > 1)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "axes must be a 1-D i64 tensor, got %s of rank %d",
                             seg_dtype_name(t->dtype), t->rank);
    if (!t->data)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "axes must be known when planning");
    *axes = t->data;
    *n = (int)seg_tensor_count(t);
    return SEG_OK;
}

static seg_status plan_reduce(const segi_op_ctx *ctx, const reduce_row *row, reduce_plan *pl)
{
    const seg_tensor *x = ctx->in[0];
    const int64_t *axes = NULL;
    int n;
    seg_status st = axes_of(ctx, row, &axes, &n);
    if (st != SEG_OK)
        return st;
    bool *reduced = pl->reduced;
    pl->noop = n == 0 && segi_op_attr_int(ctx, "noop_with_empty_axes", 0) != 0;
    for (int d = 0; d < x->rank; d++)
        reduced[d] = n == 0 && !pl->noop;
    for (int i = 0; i < n; i++) {
        int a;
        st = segi_axis_normalize(ctx, "axis", axes[i], x->rank, &a);
        if (st != SEG_OK)
            return st;
        if (reduced[a])
            return segi_op_error(ctx, SEG_ERR_SHAPE, "axis %lld is repeated",
                                 (long long)axes[i]);
        reduced[a] = true;
    }
    pl->group = 1;
    for (int d = 0; d < x->rank; d++) {
        pl->kept[d] = reduced[d] ? 1 : x->dims[d];
        pl->group *= reduced[d] ? (size_t)x->dims[d] : 1;
    }
    return SEG_OK;
}

static seg_status reduce_infer(segi_op_ctx *ctx, const reduce_row *row)
{
    const seg_tensor *x = ctx->in[0];
    if (!x)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "input 0 is missing");
    if ((unsigned)x->dtype >= SEGI_N_DTYPES || !row->kernel[x->dtype])
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s is not supported",
                             seg_dtype_name(x->dtype));
    reduce_plan pl;
    seg_status st = plan_reduce(ctx, row, &pl);
    if (st != SEG_OK)
        return st;
    if (pl.noop)
        return segi_op_set_output(ctx, 0, x->dtype, x->rank, x->dims);
    bool keepdims = segi_op_attr_int(ctx, "keepdims", 1) != 0;
    int64_t dims[SEG_MAX_RANK];
    int rank = 0;
    for (int d = 0; d < x->rank; d++)
        if (keepdims || !pl.reduced[d])
            dims[rank++] = pl.kept[d];
    st = segi_op_set_output(ctx, 0, x->dtype, rank, dims);
    ctx->scratch_bytes = seg_tensor_count(ctx->out[0]) * sizeof(int64_t);
    return st;
}

/* The integer range of `dtype`, for Max/Min over an empty set. */
static void int_range(seg_dtype dtype, int64_t *lo, int64_t *hi)
{
    switch (dtype) {
    case SEG_DTYPE_U8: *lo = 0; *hi = UINT8_MAX; break;
    case SEG_DTYPE_I8: *lo = INT8_MIN; *hi = INT8_MAX; break;
    case SEG_DTYPE_I32: *lo = INT32_MIN; *hi = INT32_MAX; break;
    default: *lo = INT64_MIN; *hi = INT64_MAX; break;
    }
}

static void init_acc(const reduce_row *row, seg_dtype dtype, void *acc, size_t n)
{
    static const double f[] = {[INIT_ZERO] = 0, [INIT_ONE] = 1, [INIT_LOWEST] = -INFINITY,
                               [INIT_HIGHEST] = INFINITY};
    if (dtype == SEG_DTYPE_F32) {
        for (size_t j = 0; j < n; j++)
            ((double *)acc)[j] = f[row->init];
        return;
    }
    int64_t lo, hi;
    int_range(dtype, &lo, &hi);
    const int64_t v = row->init == INIT_ZERO ? 0 : row->init == INIT_ONE ? 1
                    : row->init == INIT_LOWEST ? lo : hi;
    for (size_t j = 0; j < n; j++)
        ((int64_t *)acc)[j] = v;
}

static double post_f64(post_kind post, double a, size_t group)
{
    switch (post) {
    case POST_MEAN: return a / (double)group;
    case POST_SQRT: return sqrt(a);
    case POST_LOG: return log(a);
    case POST_NONE: break;
    }
    return a;
}

/* Convert the accumulators into the output dtype (integers narrow by wrapping). */
static void finish(const reduce_row *row, const void *acc, seg_tensor *y, size_t group)
{
    const size_t n = seg_tensor_count(y);
    if (y->dtype == SEG_DTYPE_F32) {
        for (size_t j = 0; j < n; j++)
            ((float *)y->data)[j] = (float)post_f64(row->post, ((const double *)acc)[j], group);
        return;
    }
    for (size_t j = 0; j < n; j++) {
        int64_t a = ((const int64_t *)acc)[j];
        if (row->post == POST_MEAN)
            a = group ? a / (int64_t)group : 0;
        switch (y->dtype) {
        case SEG_DTYPE_U8: ((uint8_t *)y->data)[j] = (uint8_t)a; break;
        case SEG_DTYPE_I8: ((int8_t *)y->data)[j] = (int8_t)a; break;
        case SEG_DTYPE_I32: ((int32_t *)y->data)[j] = (int32_t)a; break;
        default: ((int64_t *)y->data)[j] = a; break;
        }
    }
}

static seg_status reduce_run(segi_op_ctx *ctx, const reduce_row *row)
{
    const seg_tensor *x = ctx->in[0];
    seg_tensor *y = ctx->out[0];
    reduce_plan pl;
    seg_status st = plan_reduce(ctx, row, &pl);
    if (st != SEG_OK)
        return st;
    if (pl.noop) {
        memcpy(y->data, x->data, y->nbytes);
        return SEG_OK;
    }
    init_acc(row, x->dtype, ctx->scratch, seg_tensor_count(y));
    segi_operand ops[2] = {{ctx->scratch, sizeof(int64_t), x->rank, pl.kept},
                           segi_operand_of(x)};
    segi_iterate(x->rank, x->dims, 2, ops, row->kernel[x->dtype], NULL);
    finish(row, ctx->scratch, y, pl.group);
    return SEG_OK;
}

#define REDUCE_OP(Name, ...)                                                            \
    static const reduce_row Name##_row = {__VA_ARGS__};                                 \
    static seg_status Name##_infer(segi_op_ctx *ctx) { return reduce_infer(ctx, &Name##_row); } \
    static seg_status Name##_run(segi_op_ctx *ctx) { return reduce_run(ctx, &Name##_row); }

REDUCE_OP(ReduceL1, NUMERIC(l1), INIT_ZERO, POST_NONE, 18)
REDUCE_OP(ReduceL2, F32(sum_square), INIT_ZERO, POST_SQRT, 18)
REDUCE_OP(ReduceLogSum, F32(sum), INIT_ZERO, POST_LOG, 18)
REDUCE_OP(ReduceLogSumExp, F32(sum_exp), INIT_ZERO, POST_LOG, 18)
REDUCE_OP(ReduceMax, NUMERIC(max), INIT_LOWEST, POST_NONE, 18)
REDUCE_OP(ReduceMean, NUMERIC(sum), INIT_ZERO, POST_MEAN, 18)
REDUCE_OP(ReduceMin, NUMERIC(min), INIT_HIGHEST, POST_NONE, 18)
REDUCE_OP(ReduceProd, NUMERIC(prod), INIT_ONE, POST_NONE, 18)
REDUCE_OP(ReduceSum, NUMERIC(sum), INIT_ZERO, POST_NONE, 13)
REDUCE_OP(ReduceSumSquare, NUMERIC(sum_square), INIT_ZERO, POST_NONE, 18)

/*
 * ArgMax / ArgMin: the index of the first (or, with select_last_index, the last)
 * extreme element along `axis`. A NaN counts as the extreme, as in NumPy.
 * The running best values live in scratch, one per inner position, so the loop walks
 * the input in memory order.
 */
typedef void (*arg_fn)(const void *x, segi_axis_view s, bool last, void *best, int64_t *out);

#define ARG_LOOP(name, T, BEATS, BEATS_OR_TIES)                                         \
    static void name(const void *xv, segi_axis_view s, bool last, void *scratch,        \
                     int64_t *out)                                                      \
    {                                                                                   \
        const T *x = xv;                                                                \
        T *best = scratch;                                                              \
        for (size_t o = 0; o < s.outer; o++, x += s.n * s.inner, out += s.inner) {      \
            for (size_t i = 0; i < s.inner; i++) {                                      \
                best[i] = x[i];                                                         \
                out[i] = 0;                                                             \
            }                                                                           \
            for (size_t k = 1; k < s.n; k++) {                                          \
                const T *row = x + k * s.inner;                                         \
                for (size_t i = 0; i < s.inner; i++) {                                  \
                    const T v = row[i], b = best[i];                                    \
                    if (last ? (BEATS_OR_TIES) : (BEATS)) {                             \
                        best[i] = v;                                                    \
                        out[i] = (int64_t)k;                                            \
                    }                                                                   \
                }                                                                       \
            }                                                                           \
        }                                                                               \
    }
/* A NaN beats any number; among NaNs the first (or last) wins. */
#define NAN_FIRST(cmp) (isnan((double)v) ? !isnan((double)b) : (v cmp b))
#define NAN_LAST(cmp) (isnan((double)v) || (!isnan((double)b) && v cmp b))
#define ARG_LOOPS(name, gt, ge)                                                         \
    ARG_LOOP(name##_f32, float, NAN_FIRST(gt), NAN_LAST(ge))                            \
    ARG_LOOP(name##_u8, uint8_t, v gt b, v ge b)                                        \
    ARG_LOOP(name##_i8, int8_t, v gt b, v ge b)                                         \
    ARG_LOOP(name##_i32, int32_t, v gt b, v ge b)                                       \
    ARG_LOOP(name##_i64, int64_t, v gt b, v ge b)
ARG_LOOPS(argmax, >, >=)
ARG_LOOPS(argmin, <, <=)

static seg_status arg_axis(const segi_op_ctx *ctx, const arg_fn *kernel, int *axis)
{
    const seg_tensor *x = ctx->in[0];
    if ((unsigned)x->dtype >= SEGI_N_DTYPES || !kernel[x->dtype])
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s is not supported",
                             seg_dtype_name(x->dtype));
    seg_status st = segi_axis_normalize(ctx, "axis", segi_op_attr_int(ctx, "axis", 0),
                                        x->rank, axis);
    if (st == SEG_OK && x->dims[*axis] == 0)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "axis %d is empty", *axis);
    return st;
}

static seg_status arg_infer(segi_op_ctx *ctx, const arg_fn *kernel)
{
    const seg_tensor *x = ctx->in[0];
    int axis;
    seg_status st = arg_axis(ctx, kernel, &axis);
    if (st != SEG_OK)
        return st;
    bool keepdims = segi_op_attr_int(ctx, "keepdims", 1) != 0;
    int64_t dims[SEG_MAX_RANK];
    int rank = 0;
    for (int d = 0; d < x->rank; d++)
        if (d != axis || keepdims)
            dims[rank++] = d == axis ? 1 : x->dims[d];
    segi_axis_view s = segi_axis_split(x->rank, x->dims, axis);
    ctx->scratch_bytes = s.inner * seg_dtype_size(x->dtype);
    return segi_op_set_output(ctx, 0, SEG_DTYPE_I64, rank, dims);
}

static seg_status arg_run(segi_op_ctx *ctx, const arg_fn *kernel)
{
    const seg_tensor *x = ctx->in[0];
    int axis;
    seg_status st = arg_axis(ctx, kernel, &axis);
    if (st != SEG_OK)
        return st;
    bool last = segi_op_attr_int(ctx, "select_last_index", 0) != 0;
    kernel[x->dtype](x->data, segi_axis_split(x->rank, x->dims, axis), last, ctx->scratch,
                     ctx->out[0]->data);
    return SEG_OK;
}

#define ARG_OP(Name, name)                                                              \
    static const arg_fn Name##_kernel[SEGI_N_DTYPES] = {                                \
        [SEG_DTYPE_F32] = name##_f32, [SEG_DTYPE_U8] = name##_u8,                       \
        [SEG_DTYPE_I8] = name##_i8, [SEG_DTYPE_I32] = name##_i32,                       \
        [SEG_DTYPE_I64] = name##_i64};                                                  \
    static seg_status Name##_infer(segi_op_ctx *ctx) { return arg_infer(ctx, Name##_kernel); } \
    static seg_status Name##_run(segi_op_ctx *ctx) { return arg_run(ctx, Name##_kernel); }
ARG_OP(ArgMax, argmax)
ARG_OP(ArgMin, argmin)

/*
 * TopK: the k largest (or smallest) elements along `axis` with their indices, always
 * sorted; equal values keep index order (the spec's tie rule) and NaN sorts as the
 * largest value, as NumPy's sort does. Values are compared as double, which is exact
 * for every supported dtype up to 2^53 in magnitude.
 */
static double load_f64(const void *base, seg_dtype dtype, size_t i)
{
    switch (dtype) {
    case SEG_DTYPE_F32: return ((const float *)base)[i];
    case SEG_DTYPE_U8: return ((const uint8_t *)base)[i];
    case SEG_DTYPE_I8: return ((const int8_t *)base)[i];
    case SEG_DTYPE_I32: return ((const int32_t *)base)[i];
    default: return (double)((const int64_t *)base)[i];
    }
}

/* Does a come strictly before b in the output order? */
static inline bool topk_before(double a, double b, bool largest)
{
    if (largest)
        return a > b || (isnan(a) && !isnan(b));
    return a < b || (isnan(b) && !isnan(a));
}

/* Stable bottom-up merge sort of idx[0..n) by vals[idx], using tmp[0..n). */
static void sort_indices(int64_t *idx, int64_t *tmp, size_t n, const double *vals, bool largest)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                tmp[o++] = topk_before(vals[idx[b]], vals[idx[a]], largest) ? idx[b++] : idx[a++];
            while (a < mid)
                tmp[o++] = idx[a++];
            while (b < hi)
                tmp[o++] = idx[b++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

static seg_status topk_k(const segi_op_ctx *ctx, int axis, int64_t *k)
{
    const seg_tensor *x = ctx->in[0];
    if (ctx->node->opset < 10) {
        *k = segi_op_attr_int(ctx, "k", -1);
    } else {
        const seg_tensor *t = ctx->n_in > 1 ? ctx->in[1] : NULL;
        if (!t || t->dtype != SEG_DTYPE_I64 || seg_tensor_count(t) != 1)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "K must be a one-element i64 tensor");
        if (!t->data)
            return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "K must be known when planning");
        *k = *(const int64_t *)t->data;
    }
    if (*k < 0 || *k > x->dims[axis])
        return segi_op_error(ctx, SEG_ERR_SHAPE, "k = %lld is outside [0, %lld] on axis %d",
                             (long long)*k, (long long)x->dims[axis], axis);
    return SEG_OK;
}

static seg_status topk_plan(const segi_op_ctx *ctx, int *axis, int64_t *k)
{
    const seg_tensor *x = ctx->in[0];
    if (x->dtype != SEG_DTYPE_F32 && x->dtype != SEG_DTYPE_U8 && x->dtype != SEG_DTYPE_I8 &&
        x->dtype != SEG_DTYPE_I32 && x->dtype != SEG_DTYPE_I64)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s is not supported",
                             seg_dtype_name(x->dtype));
    seg_status st = segi_axis_normalize(ctx, "axis", segi_op_attr_int(ctx, "axis", -1),
                                        x->rank, axis);
    return st == SEG_OK ? topk_k(ctx, *axis, k) : st;
}

static seg_status TopK_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int axis;
    int64_t k = 0;
    seg_status st = topk_plan(ctx, &axis, &k);
    if (st != SEG_OK)
        return st;
    int64_t dims[SEG_MAX_RANK];
    memcpy(dims, x->dims, sizeof *dims * (size_t)x->rank);
    dims[axis] = k;
    ctx->scratch_bytes = (size_t)x->dims[axis] * (sizeof(double) + 2 * sizeof(int64_t));
    st = segi_op_set_output(ctx, 0, x->dtype, x->rank, dims);
    if (st == SEG_OK && ctx->n_out > 1)
        st = segi_op_set_output(ctx, 1, SEG_DTYPE_I64, x->rank, dims);
    return st;
}

static seg_status TopK_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int axis;
    int64_t k = 0;
    seg_status st = topk_plan(ctx, &axis, &k);
    if (st != SEG_OK)
        return st;
    const bool largest = segi_op_attr_int(ctx, "largest", 1) != 0;
    const segi_axis_view s = segi_axis_split(x->rank, x->dims, axis);
    const size_t esize = seg_dtype_size(x->dtype);
    double *vals = ctx->scratch;
    int64_t *idx = (int64_t *)(vals + s.n), *tmp = idx + s.n;
    const char *src = x->data;
    char *values = ctx->out[0]->data;
    int64_t *indices = ctx->n_out > 1 ? ctx->out[1]->data : NULL;
    for (size_t o = 0; o < s.outer; o++) {
        for (size_t i = 0; i < s.inner; i++) {
            const size_t base = o * s.n * s.inner + i;
            for (size_t j = 0; j < s.n; j++) {
                vals[j] = load_f64(src, x->dtype, base + j * s.inner);
                idx[j] = (int64_t)j;
            }
            sort_indices(idx, tmp, s.n, vals, largest);
            for (size_t j = 0; j < (size_t)k; j++) {
                const size_t dst = (o * (size_t)k + j) * s.inner + i;
                memcpy(values + dst * esize, src + (base + (size_t)idx[j] * s.inner) * esize,
                       esize);
                if (indices)
                    indices[dst] = idx[j];
            }
        }
    }
    return SEG_OK;
}

#define DEF(Name, max_in, value_inputs)                                                 \
    {#Name, 1, max_in, 1, 1, value_inputs, Name##_infer, Name##_run}

const segi_op_def segi_ops_reduce[] = {
    DEF(ArgMax, 1, 0),
    DEF(ArgMin, 1, 0),
    DEF(ReduceL1, 2, 1u << 1),
    DEF(ReduceL2, 2, 1u << 1),
    DEF(ReduceLogSum, 2, 1u << 1),
    DEF(ReduceLogSumExp, 2, 1u << 1),
    DEF(ReduceMax, 2, 1u << 1),
    DEF(ReduceMean, 2, 1u << 1),
    DEF(ReduceMin, 2, 1u << 1),
    DEF(ReduceProd, 2, 1u << 1),
    DEF(ReduceSum, 2, 1u << 1),
    DEF(ReduceSumSquare, 2, 1u << 1),
    {"TopK", 1, 2, 1, 2, 1u << 1, TopK_infer, TopK_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
