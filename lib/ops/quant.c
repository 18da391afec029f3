/*
 * Quantization: QuantizeLinear, DequantizeLinear (per tensor and per axis),
 * DynamicQuantizeLinear, and the integer products ConvInteger, MatMulInteger,
 * QLinearConv, QLinearMatMul.
 *
 * The integer products subtract the zero points, hold the values as doubles and
 * multiply with cblas_dgemm: every partial sum is an integer far below 2^53, so the
 * int32 accumulators come out exact whatever order BLAS adds in. Requantization
 * rounds half to even (rint in the default rounding mode) and saturates.
 */
#include "ops/checks.h"
#include "ops/matmul.h"
#include "ops/window.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* ---- element access ---- */

static bool is_q8(seg_dtype t) { return t == SEG_DTYPE_U8 || t == SEG_DTYPE_I8; }

/* Element i of a u8 / i8 / i32 / f32 tensor; a one-element tensor broadcasts. */
static double qget(const seg_tensor *t, int64_t i)
{
    if (!t)
        return 0;
    if (seg_tensor_count(t) == 1)
        i = 0;
    switch (t->dtype) {
    case SEG_DTYPE_U8: return ((const uint8_t *)t->data)[i];
    case SEG_DTYPE_I8: return ((const int8_t *)t->data)[i];
    case SEG_DTYPE_I32: return ((const int32_t *)t->data)[i];
    default: return ((const float *)t->data)[i];
    }
}

/* Round half to even, saturate to the range of `dtype` (u8, i8, i32) and store. */
static void qput(seg_tensor *t, size_t i, double v)
{
    double lo = t->dtype == SEG_DTYPE_U8 ? 0 : t->dtype == SEG_DTYPE_I8 ? -128 : INT32_MIN;
    double hi = t->dtype == SEG_DTYPE_U8 ? 255 : t->dtype == SEG_DTYPE_I8 ? 127 : INT32_MAX;
    v = rint(v);
    v = !(v >= lo) ? lo : v > hi ? hi : v;  /* NaN saturates low, never to UB */
    switch (t->dtype) {
    case SEG_DTYPE_U8: ((uint8_t *)t->data)[i] = (uint8_t)v; break;
    case SEG_DTYPE_I8: ((int8_t *)t->data)[i] = (int8_t)v; break;
    default: ((int32_t *)t->data)[i] = (int32_t)v; break;
    }
}

typedef enum param_kind { SCALE, ZERO_POINT, OPTIONAL_ZERO_POINT } param_kind;

/* Input i is a scale (f32) or zero point (u8, i8, i32) of 1 or `len` values. */
static seg_status check_param(segi_op_ctx *ctx, int i, const char *what, param_kind kind,
                              int64_t len)
{
    const seg_tensor *t = i < ctx->n_in ? ctx->in[i] : NULL;
    if (!t) {
        if (kind == OPTIONAL_ZERO_POINT)
            return SEG_OK;
        return segi_op_error(ctx, SEG_ERR_FORMAT, "%s (input %d) is required", what, i);
    }
    if (kind == SCALE ? t->dtype != SEG_DTYPE_F32
                      : !(is_q8(t->dtype) || t->dtype == SEG_DTYPE_I32))
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "%s (input %d) has dtype %s", what, i,
                             seg_dtype_name(t->dtype));
    int64_t n = (int64_t)seg_tensor_count(t);
    if (t->rank > 1 || (n != 1 && n != len))
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "%s (input %d) must be a scalar or hold %lld values", what, i,
                             (long long)len);
    return SEG_OK;
}

static seg_status check_q8(segi_op_ctx *ctx, int i, const char *what)
{
    if (!is_q8(ctx->in[i]->dtype))
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "%s has dtype %s, expected u8 or i8",
                             what, seg_dtype_name(ctx->in[i]->dtype));
    return SEG_OK;
}

/* A zero point must have its data's dtype. */
static seg_status check_zp_dtype(segi_op_ctx *ctx, int zp, int data)
{
    if (zp < ctx->n_in && ctx->in[zp] && ctx->in[zp]->dtype != ctx->in[data]->dtype)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "zero point (input %d) is %s but input %d is %s",
                             zp, seg_dtype_name(ctx->in[zp]->dtype), data,
                             seg_dtype_name(ctx->in[data]->dtype));
    return SEG_OK;
}

/* ---- QuantizeLinear / DequantizeLinear ---- */

typedef struct axis_split {
    int64_t outer, len, inner;  /* x = [outer, len, inner]; params index the middle */
} axis_split;

static seg_status linear_split(segi_op_ctx *ctx, axis_split *sp)
{
    const seg_tensor *x = ctx->in[0], *scale = ctx->in[1];
    if (segi_op_attr_int(ctx, "block_size", 0) != 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "blocked quantization (block_size)");
    sp->outer = (int64_t)seg_tensor_count(x);
    sp->len = sp->inner = 1;
    if (scale->dtype == SEG_DTYPE_F32 && seg_tensor_count(scale) != 1) {
        int64_t axis = segi_op_attr_int(ctx, "axis", 1);
        if (axis < -x->rank || axis >= x->rank)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "axis %lld is out of range for rank %d",
                                 (long long)axis, x->rank);
        if (axis < 0)
            axis += x->rank;
        sp->outer = sp->inner = 1;
        for (int d = 0; d < x->rank; d++) {
            int64_t *part = d < axis ? &sp->outer : &sp->inner;
            if (d != axis && !segi_dim_mul(*part, x->dims[d], INT64_MAX, part))
                return segi_op_error(ctx, SEG_ERR_LIMIT, "element count overflows");
        }
        sp->len = x->dims[axis];
    }
    seg_status st = check_param(ctx, 1, "scale", SCALE, sp->len);
    if (st == SEG_OK)
        st = check_param(ctx, 2, "zero point", OPTIONAL_ZERO_POINT, sp->len);
    return st;
}

static seg_status quantize_infer(segi_op_ctx *ctx)
{
    axis_split sp;
    const seg_tensor *x = ctx->in[0];
    const seg_tensor *zp = ctx->n_in > 2 ? ctx->in[2] : NULL;
    if (x->dtype != SEG_DTYPE_F32 && x->dtype != SEG_DTYPE_I32)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s, expected f32 or i32",
                             seg_dtype_name(x->dtype));
    seg_status st = linear_split(ctx, &sp);
    if (st != SEG_OK)
        return st;
    seg_dtype out = zp ? zp->dtype : (seg_dtype)segi_op_attr_int(ctx, "output_dtype", 0);
    if (out == 0)
        out = SEG_DTYPE_U8;
    if (!is_q8(out) || (zp && segi_op_attr_int(ctx, "output_dtype", out) != out))
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                             "output dtype %s (only u8 and i8 are supported)",
                             seg_dtype_name(out));
    return segi_op_set_output(ctx, 0, out, x->rank, x->dims);
}

static seg_status quantize_run(segi_op_ctx *ctx)
{
    axis_split sp;
    seg_status st = linear_split(ctx, &sp);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0], *scale = ctx->in[1];
    const seg_tensor *zp = ctx->n_in > 2 ? ctx->in[2] : NULL;
    int64_t at = 0;
    for (int64_t o = 0; o < sp.outer; o++)
        for (int64_t c = 0; c < sp.len; c++) {
            float s = (float)qget(scale, c), z = (float)qget(zp, c);
            for (int64_t i = 0; i < sp.inner; i++, at++)
                qput(ctx->out[0], (size_t)at, rintf((float)qget(x, at) / s) + z);
        }
    return SEG_OK;
}

static seg_status dequantize_infer(segi_op_ctx *ctx)
{
    axis_split sp;
    const seg_tensor *x = ctx->in[0];
    if (!is_q8(x->dtype) && x->dtype != SEG_DTYPE_I32)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s, expected u8, i8 or i32",
                             seg_dtype_name(x->dtype));
    seg_status st = linear_split(ctx, &sp);
    if (st == SEG_OK)
        st = check_zp_dtype(ctx, 2, 0);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, x->rank, x->dims);
}

static seg_status dequantize_run(segi_op_ctx *ctx)
{
    axis_split sp;
    seg_status st = linear_split(ctx, &sp);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0], *scale = ctx->in[1];
    const seg_tensor *zp = ctx->n_in > 2 ? ctx->in[2] : NULL;
    float *y = ctx->out[0]->data;
    int64_t at = 0;
    for (int64_t o = 0; o < sp.outer; o++)
        for (int64_t c = 0; c < sp.len; c++) {
            float s = (float)qget(scale, c), z = (float)qget(zp, c);
            for (int64_t i = 0; i < sp.inner; i++, at++)
                y[at] = ((float)qget(x, at) - z) * s;
        }
    return SEG_OK;
}

/* ---- DynamicQuantizeLinear: uint8 with a scale and zero point from the data ---- */

static seg_status dynq_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    if (x->dtype != SEG_DTYPE_F32)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s, expected f32",
                             seg_dtype_name(x->dtype));
    seg_status st = segi_op_set_output(ctx, 0, SEG_DTYPE_U8, x->rank, x->dims);
    if (st == SEG_OK)
        st = segi_op_set_output(ctx, 1, SEG_DTYPE_F32, 0, NULL);
    if (st == SEG_OK)
        st = segi_op_set_output(ctx, 2, SEG_DTYPE_U8, 0, NULL);
    return st;
}

static seg_status dynq_run(segi_op_ctx *ctx)
{
    const float *x = ctx->in[0]->data;
    size_t n = seg_tensor_count(ctx->in[0]);
    float lo = 0, hi = 0;  /* the range always includes 0 */
    for (size_t i = 0; i < n; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    float scale = (hi - lo) / 255.0f;
    float zp = scale > 0 ? rintf(fminf(fmaxf(0.0f - lo / scale, 0.0f), 255.0f)) : 0.0f;
    *(float *)ctx->out[1]->data = scale;
    *(uint8_t *)ctx->out[2]->data = (uint8_t)zp;
    for (size_t i = 0; i < n; i++)
        qput(ctx->out[0], i, scale > 0 ? rintf(x[i] / scale) + zp : 0.0f);
    return SEG_OK;
}

/* ---- integer products ---- */

/* dst[r, c] = t[off + r * cols + c] - zp[r or c] as exact doubles, for u8 / i8 data and
 * a zero point of one value or one per row / column. Dtype switches stay out of the
 * per-element loops. */
static void widen_block(const seg_tensor *t, int64_t off, int64_t rows, int64_t cols,
                        const seg_tensor *zp, bool zp_per_col, double *dst)
{
    int64_t n = rows * cols;
    if (t->dtype == SEG_DTYPE_U8)
        for (int64_t i = 0; i < n; i++)
            dst[i] = ((const uint8_t *)t->data)[off + i];
    else
        for (int64_t i = 0; i < n; i++)
            dst[i] = ((const int8_t *)t->data)[off + i];
    if (!zp)
        return;
    bool per_tensor = seg_tensor_count(zp) == 1;
    for (int64_t r = 0; r < rows; r++) {
        double *d = dst + r * cols;
        if (per_tensor || !zp_per_col) {
            double z = qget(zp, per_tensor ? 0 : r);
            for (int64_t c = 0; c < cols; c++)
                d[c] -= z;
        } else {
            for (int64_t c = 0; c < cols; c++)
                d[c] -= qget(zp, c);
        }
    }
}

/* How an accumulator block becomes output: i32 as is, or requantized. */
typedef struct qstore {
    seg_tensor *y;
    const seg_tensor *row_scale, *col_scale, *y_scale, *y_zp;  /* QLinear ops only */
    const seg_tensor *row_bias;                                /* QLinearConv's B */
} qstore;

/* The requantization multiplier of output (r, c), in float32 as ONNX's reference. */
static float multiplier(const qstore *q, float row_scale, int64_t c)
{
    return row_scale * (float)qget(q->col_scale, c) / (float)qget(q->y_scale, 0);
}

/* Store acc [rows, cols] at y[y_at], output rows `ldy` apart; row parameters start at
 * index row0. */
static void store_block(const qstore *q, const double *acc, int64_t rows, int64_t cols,
                        int64_t row0, int64_t y_at, int64_t ldy)
{
    bool col_const = !q->col_scale || seg_tensor_count(q->col_scale) == 1;
    double y_zp = qget(q->y_zp, 0);
    for (int64_t r = 0; r < rows; r++) {
        const double *a = acc + r * cols;
        size_t at = (size_t)(y_at + r * ldy);
        double bias = qget(q->row_bias, row0 + r);
        if (!q->y_scale) {
            for (int64_t c = 0; c < cols; c++)
                qput(q->y, at + (size_t)c, a[c] + bias);
            continue;
        }
        float rs = q->row_scale ? (float)qget(q->row_scale, row0 + r) : 1.0f;
        double mult = col_const ? multiplier(q, rs, 0) : 0.0;
        for (int64_t c = 0; c < cols; c++)
            qput(q->y, at + (size_t)c,
                 rint((a[c] + bias) * (col_const ? mult : multiplier(q, rs, c))) + y_zp);
    }
}

/* c [m, n] = a [m, k] b [k, n], b's rows ldb apart. */
static void dgemm_rows(int64_t m, int64_t n, int64_t k, const double *a, const double *b,
                       int64_t ldb, double *c)
{
    if (k == 0) {
        memset(c, 0, (size_t)(m * n) * sizeof(double));
        return;
    }
    if (m && n)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)n, (int)k, 1.0, a,
                    (int)k, b, (int)ldb, 0.0, c, (int)n);
}

/* Scratch for n blocks of rows x cols doubles. */
static seg_status scratch_doubles(segi_op_ctx *ctx, const int64_t (*blocks)[2], int n)
{
    size_t total = 0, one;
    for (int i = 0; i < n; i++)
        if (!segi_size_mul3((size_t)blocks[i][0], (size_t)blocks[i][1], sizeof(double), &one) ||
            __builtin_add_overflow(total, one, &total))
            return segi_op_error(ctx, SEG_ERR_LIMIT, "scratch size overflows");
    ctx->scratch_bytes = total;
    return SEG_OK;
}

/* Input indices of the integer conv / matmul operands and their parameters. */
typedef struct qlayout {
    bool qlinear;
    int a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp, bias;
} qlayout;

static const qlayout integer_layout = {false, 0, -1, 2, 1, -1, 3, -1, -1, -1};
static const qlayout qlinear_layout = {true, 0, 1, 2, 3, 4, 5, 6, 7, 8};

static const seg_tensor *input(const segi_op_ctx *ctx, int i)
{
    return i >= 0 && i < ctx->n_in ? ctx->in[i] : NULL;
}

static qlayout layout_of(const segi_op_ctx *ctx)
{
    return strncmp(ctx->node->op_type, "QLinear", 7) == 0 ? qlinear_layout : integer_layout;
}

static seg_status check_operand_dtypes(segi_op_ctx *ctx, const qlayout *l)
{
    seg_status st = check_q8(ctx, l->a, "input A / x");
    return st == SEG_OK ? check_q8(ctx, l->b, "input B / w") : st;
}

/* Zero points matching their operands, scales / zero points of 1 or n values. */
static seg_status check_operands(segi_op_ctx *ctx, const qlayout *l, int64_t a_len,
                                 int64_t b_len)
{
    param_kind zp = l->qlinear ? ZERO_POINT : OPTIONAL_ZERO_POINT;
    seg_status st;
    if ((st = check_zp_dtype(ctx, l->a_zp, l->a)) != SEG_OK ||
        (st = check_zp_dtype(ctx, l->b_zp, l->b)) != SEG_OK ||
        (st = check_param(ctx, l->a_zp, "zero point of A / x", zp, a_len)) != SEG_OK ||
        (st = check_param(ctx, l->b_zp, "zero point of B / w", zp, b_len)) != SEG_OK)
        return st;
    if (!l->qlinear)
        return SEG_OK;
    if ((st = check_param(ctx, l->a_scale, "scale of A / x", SCALE, a_len)) != SEG_OK ||
        (st = check_param(ctx, l->b_scale, "scale of B / w", SCALE, b_len)) != SEG_OK ||
        (st = check_param(ctx, l->y_scale, "output scale", SCALE, 1)) != SEG_OK ||
        (st = check_param(ctx, l->y_zp, "output zero point", ZERO_POINT, 1)) != SEG_OK)
        return st;
    if (!is_q8(ctx->in[l->y_zp]->dtype))
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "output zero point dtype %s",
                             seg_dtype_name(ctx->in[l->y_zp]->dtype));
    return SEG_OK;
}

/* MatMulInteger / QLinearMatMul: A zero points / scales per row, B's per column. */
static seg_status qmatmul_plan(segi_op_ctx *ctx, segi_matmul_plan *p)
{
    qlayout l = layout_of(ctx);
    seg_status st = check_operand_dtypes(ctx, &l);
    if (st == SEG_OK)
        st = segi_matmul_plan_make(ctx, ctx->in[l.a], ctx->in[l.b], p);
    if (st == SEG_OK)
        st = check_operands(ctx, &l, p->m, p->n);
    return st;
}

static seg_status qmatmul_infer(segi_op_ctx *ctx)
{
    segi_matmul_plan p;
    seg_status st = qmatmul_plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    qlayout l = layout_of(ctx);
    seg_dtype out = l.qlinear ? ctx->in[l.y_zp]->dtype : SEG_DTYPE_I32;
    if ((st = segi_op_set_output(ctx, 0, out, p.rank, p.dims)) != SEG_OK)
        return st;
    const int64_t blocks[3][2] = {{p.m, p.k}, {p.k, p.n}, {p.m, p.n}};
    return scratch_doubles(ctx, blocks, 3);
}

static seg_status qmatmul_run(segi_op_ctx *ctx)
{
    segi_matmul_plan p;
    seg_status st = qmatmul_plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    qlayout l = layout_of(ctx);
    qstore q = {ctx->out[0], input(ctx, l.a_scale), input(ctx, l.b_scale),
                input(ctx, l.y_scale), input(ctx, l.y_zp), NULL};
    double *a = ctx->scratch, *b = a + p.m * p.k, *acc = b + p.k * p.n;
    for (int64_t i = 0; i < p.batches; i++) {
        int64_t ai, bi;
        segi_matmul_batch(&p, i, &ai, &bi);
        widen_block(ctx->in[l.a], ai * p.m * p.k, p.m, p.k, input(ctx, l.a_zp), false, a);
        widen_block(ctx->in[l.b], bi * p.k * p.n, p.k, p.n, input(ctx, l.b_zp), true, b);
        dgemm_rows(p.m, p.n, p.k, a, b, p.n, acc);
        store_block(&q, acc, p.m, p.n, 0, i * p.m * p.n, p.n);
    }
    return SEG_OK;
}

/* ConvInteger / QLinearConv: x zero point / scale per tensor, w's per output channel. */
static seg_status qconv_plan(segi_op_ctx *ctx, segi_conv_shape *s)
{
    qlayout l = layout_of(ctx);
    seg_status st = check_operand_dtypes(ctx, &l);
    if (st == SEG_OK)
        st = segi_conv_shape_make(ctx, ctx->in[l.a], ctx->in[l.b], s);
    if (st == SEG_OK)
        st = check_operands(ctx, &l, 1, s->m);
    if (st != SEG_OK)
        return st;
    const seg_tensor *bias = input(ctx, l.bias);
    if (bias && (bias->dtype != SEG_DTYPE_I32 || bias->rank != 1 || bias->dims[0] != s->m))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "bias must be i32 [%lld]", (long long)s->m);
    return SEG_OK;
}

/* Grid rows per im2col tile; pointwise convs read the widened input directly. */
static int64_t qconv_tile_rows(const segi_conv_shape *s)
{
    if (s->pointwise)
        return s->w.grid[0] * s->w.grid[1];
    return segi_im2col_tile_rows(&s->w, s->c / s->group * segi_window_kernel_size(&s->w),
                                 sizeof(double), SEGI_IM2COL_TILE_BYTES);
}

static seg_status qconv_infer(segi_op_ctx *ctx)
{
    segi_conv_shape s;
    seg_status st = qconv_plan(ctx, &s);
    if (st != SEG_OK)
        return st;
    qlayout l = layout_of(ctx);
    int64_t dims[5];
    segi_conv_out_dims(&s, dims);
    st = segi_op_set_output(ctx, 0, l.qlinear ? ctx->in[l.y_zp]->dtype : SEG_DTYPE_I32,
                            s.w.nd + 2, dims);
    if (st != SEG_OK)
        return st;
    int64_t cg = s.c / s.group, k = cg * segi_window_kernel_size(&s.w);
    int64_t tile = qconv_tile_rows(&s) * s.w.grid[2];
    const int64_t blocks[4][2] = {{s.m, k},
                                  {cg, segi_window_image_size(&s.w)},
                                  {s.pointwise ? 0 : k, tile},
                                  {s.m / s.group, tile}};
    return scratch_doubles(ctx, blocks, 4);
}

static seg_status qconv_run(segi_op_ctx *ctx)
{
    segi_conv_shape s;
    seg_status st = qconv_plan(ctx, &s);
    if (st != SEG_OK)
        return st;
    qlayout l = layout_of(ctx);
    /* Scratch: widened weights [M, K], one widened input group [Cg, image], a tile of
     * its columns [K, tile] (unless pointwise), the tile's accumulators [M / group, tile]. */
    int64_t cg = s.c / s.group, mg = s.m / s.group, grid = segi_window_grid_size(&s.w);
    int64_t k = cg * segi_window_kernel_size(&s.w), in = cg * segi_window_image_size(&s.w);
    int64_t step = qconv_tile_rows(&s), gw = s.w.grid[2], grid_rows = s.w.grid[0] * s.w.grid[1];
    double *w = ctx->scratch, *x = w + s.m * k, *cols = x + in;
    double *acc = cols + (s.pointwise ? 0 : k * step * gw);
    widen_block(ctx->in[l.b], 0, s.m, k, input(ctx, l.b_zp), false, w);
    qstore q = {ctx->out[0], input(ctx, l.b_scale), input(ctx, l.a_scale),
                input(ctx, l.y_scale), input(ctx, l.y_zp), input(ctx, l.bias)};
    for (int64_t n = 0; n < s.n; n++)
        for (int64_t g = 0; g < s.group; g++) {
            widen_block(ctx->in[l.a], (n * s.group + g) * in, 1, in, input(ctx, l.a_zp), false,
                        x);
            for (int64_t r0 = 0; r0 < grid_rows; r0 += step) {
                int64_t nrows = grid_rows - r0 < step ? grid_rows - r0 : step;
                int64_t c0 = r0 * gw, ncols = nrows * gw;
                if (!s.pointwise)
                    segi_im2col(x, cg, &s.w, sizeof(double), r0, nrows, cols);
                dgemm_rows(mg, ncols, k, w + g * mg * k, s.pointwise ? x + c0 : cols,
                           s.pointwise ? grid : ncols, acc);
                store_block(&q, acc, mg, ncols, g * mg, (n * s.m + g * mg) * grid + c0, grid);
            }
        }
    return SEG_OK;
}

const segi_op_def segi_ops_quant[] = {
    {"ConvInteger", 2, 4, 1, 1, 0, qconv_infer, qconv_run},
    {"DequantizeLinear", 2, 3, 1, 1, 0, dequantize_infer, dequantize_run},
    {"DynamicQuantizeLinear", 1, 1, 3, 3, 0, dynq_infer, dynq_run},
    {"MatMulInteger", 2, 4, 1, 1, 0, qmatmul_infer, qmatmul_run},
    {"QLinearConv", 8, 9, 1, 1, 0, qconv_infer, qconv_run},
    {"QLinearMatMul", 8, 8, 1, 1, 0, qmatmul_infer, qmatmul_run},
    {"QuantizeLinear", 2, 3, 1, 1, 0, quantize_infer, quantize_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
