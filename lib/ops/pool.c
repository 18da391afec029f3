/*
 * MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool over 1 to 3 spatial axes.
 * Every output point reduces the taps of its window that fall inside the input; the
 * global pools are a window as large as the input. MaxPool on int8 / uint8 pools the
 * values converted to float (exact) in scratch.
 */
#include "ops/window.h"

#include <math.h>
#include <string.h>

typedef enum pool_kind { POOL_MAX, POOL_AVG } pool_kind;

typedef struct pool_plan {
    segi_window w;
    pool_kind kind;
    bool include_pad;
    bool column_major;  /* MaxPool storage_order 1: Indices count the last axis slowest */
    int64_t planes;     /* N * C */
} pool_plan;

static int64_t ceil_div_pos(int64_t a, int64_t b)
{
    return a <= 0 ? 0 : (a + b - 1) / b;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* Reduce the window of grid point `o`; *arg gets the image index of the maximum. */
static float pool_window(const float *x, const pool_plan *p, const int64_t *o, int64_t *arg)
{
    const segi_window *w = &p->w;
    int64_t start[3], lo[3], hi[3], padded = 1, count = 1;
    for (int a = 0; a < SEGI_WIN_AXES; a++) {
        int64_t d = w->dilation[a];
        start[a] = o[a] * w->stride[a] - w->pad0[a];
        lo[a] = start[a] < 0 ? ceil_div_pos(-start[a], d) : 0;
        hi[a] = min64(w->kernel[a], ceil_div_pos(w->image[a] - start[a], d));
        if (hi[a] < lo[a])
            hi[a] = lo[a];
        count *= hi[a] - lo[a];
        padded *= min64(w->kernel[a], ceil_div_pos(w->image[a] + w->pad1[a] - start[a], d));
    }
    float acc = p->kind == POOL_MAX ? -INFINITY : 0.0f;
    int64_t best = -1;
    for (int64_t td = lo[0]; td < hi[0]; td++) {
        int64_t pd = start[0] + td * w->dilation[0];
        for (int64_t th = lo[1]; th < hi[1]; th++) {
            int64_t row = (pd * w->image[1] + start[1] + th * w->dilation[1]) * w->image[2];
            for (int64_t tw = lo[2]; tw < hi[2]; tw++) {
                int64_t at = row + start[2] + tw * w->dilation[2];
                float v = x[at];
                if (p->kind == POOL_AVG)
                    acc += v;
                else if (v > acc || best < 0) {
                    acc = v;
                    best = at;
                }
            }
        }
    }
    if (arg)
        *arg = best < 0 ? 0 : best;
    if (p->kind == POOL_MAX)
        return acc;
    int64_t divisor = p->include_pad ? padded : count;
    return divisor ? acc / (float)divisor : 0.0f;
}

/* A row-major image index as MaxPool's Indices output stores it. */
static int64_t stored_index(const pool_plan *p, int64_t at)
{
    if (!p->column_major)
        return at;
    const int64_t *n = p->w.image;
    int64_t x = at % n[2], y = at / n[2] % n[1], z = at / (n[2] * n[1]);
    return (x * n[1] + y) * n[0] + z;
}

/* Pool every plane: x [planes, image], y [planes, grid], idx (optional) likewise. */
static void pool_planes(const pool_plan *p, const float *x, float *y, int64_t *idx)
{
    const segi_window *w = &p->w;
    int64_t in_size = segi_window_image_size(w), out_size = segi_window_grid_size(w);
    for (int64_t c = 0; c < p->planes; c++) {
        const float *xc = x + c * in_size;
        int64_t o[3], at = c * out_size;
        for (o[0] = 0; o[0] < w->grid[0]; o[0]++)
            for (o[1] = 0; o[1] < w->grid[1]; o[1]++)
                for (o[2] = 0; o[2] < w->grid[2]; o[2]++, at++) {
                    int64_t arg;
                    y[at] = pool_window(xc, p, o, &arg);
                    if (idx)
                        idx[at] = c * in_size + stored_index(p, arg);
                }
    }
}

static seg_status check_input(segi_op_ctx *ctx, bool ints_ok)
{
    const seg_tensor *x = ctx->in[0];
    bool int8 = x->dtype == SEG_DTYPE_U8 || x->dtype == SEG_DTYPE_I8;
    if (x->dtype != SEG_DTYPE_F32 && !(ints_ok && int8))
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s is not supported",
                             seg_dtype_name(x->dtype));
    if (x->rank < 3 || x->rank > 5)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input rank %d, expected 3 to 5", x->rank);
    return SEG_OK;
}

static seg_status plan_window(segi_op_ctx *ctx, pool_kind kind, pool_plan *p)
{
    seg_status st = check_input(ctx, kind == POOL_MAX);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    p->kind = kind;
    p->planes = x->dims[0] * x->dims[1];
    p->include_pad = segi_op_attr_int(ctx, "count_include_pad", 0) != 0;
    int64_t order = kind == POOL_MAX ? segi_op_attr_int(ctx, "storage_order", 0) : 0;
    if (order != 0 && order != 1)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "storage_order %lld (0 or 1)", (long long)order);
    p->column_major = order == 1;
    segi_auto_pad ap;
    if ((st = segi_window_attrs(ctx, x->rank - 2, NULL, &p->w, &ap)) != SEG_OK)
        return st;
    return segi_window_forward(ctx, x->dims + 2, ap, segi_op_attr_int(ctx, "ceil_mode", 0),
                               &p->w);
}

static seg_status plan_global(segi_op_ctx *ctx, pool_kind kind, pool_plan *p)
{
    seg_status st = check_input(ctx, false);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    int nd = x->rank - 2, at = SEGI_WIN_AXES - nd;
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->planes = x->dims[0] * x->dims[1];
    p->w.nd = nd;
    for (int a = 0; a < SEGI_WIN_AXES; a++) {
        int64_t in = a < at ? 1 : x->dims[2 + a - at];
        p->w.image[a] = p->w.kernel[a] = in;
        p->w.grid[a] = p->w.stride[a] = p->w.dilation[a] = 1;
    }
    return SEG_OK;
}

static seg_status plan(segi_op_ctx *ctx, pool_plan *p)
{
    const char *op = ctx->node->op_type;
    if (strcmp(op, "MaxPool") == 0)
        return plan_window(ctx, POOL_MAX, p);
    if (strcmp(op, "AveragePool") == 0)
        return plan_window(ctx, POOL_AVG, p);
    return plan_global(ctx, strcmp(op, "GlobalMaxPool") == 0 ? POOL_MAX : POOL_AVG, p);
}

static seg_status pool_infer(segi_op_ctx *ctx)
{
    pool_plan p;
    seg_status st = plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    int64_t dims[5] = {x->dims[0], x->dims[1]};
    memcpy(dims + 2, segi_window_grid_dims(&p.w), (size_t)p.w.nd * sizeof dims[0]);
    if (x->dtype != SEG_DTYPE_F32) {
        size_t n = seg_tensor_count(x);
        size_t m = (size_t)(p.planes * segi_window_grid_size(&p.w));
        if (__builtin_add_overflow(n, m, &n) ||
            __builtin_mul_overflow(n, sizeof(float), &ctx->scratch_bytes))
            return segi_op_error(ctx, SEG_ERR_LIMIT, "scratch size overflows");
    }
    if ((st = segi_op_set_output(ctx, 0, x->dtype, x->rank, dims)) != SEG_OK)
        return st;
    if (ctx->n_out > 1)
        return segi_op_set_output(ctx, 1, SEG_DTYPE_I64, x->rank, dims);
    return SEG_OK;
}

/* Float <-> int8/uint8 copies for MaxPool on quantized tensors (exact both ways). */
static void widen(const seg_tensor *t, float *dst)
{
    size_t n = seg_tensor_count(t);
    for (size_t i = 0; i < n; i++)
        dst[i] = t->dtype == SEG_DTYPE_U8 ? ((const uint8_t *)t->data)[i]
                                          : ((const int8_t *)t->data)[i];
}

static void narrow(const float *src, seg_tensor *t)
{
    size_t n = seg_tensor_count(t);
    for (size_t i = 0; i < n; i++) {
        if (t->dtype == SEG_DTYPE_U8)
            ((uint8_t *)t->data)[i] = (uint8_t)src[i];
        else
            ((int8_t *)t->data)[i] = (int8_t)src[i];
    }
}

static seg_status pool_run(segi_op_ctx *ctx)
{
    pool_plan p;
    seg_status st = plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    seg_tensor *y = ctx->out[0];
    int64_t *idx = ctx->n_out > 1 && ctx->out[1] ? ctx->out[1]->data : NULL;
    if (x->dtype == SEG_DTYPE_F32) {
        pool_planes(&p, x->data, y->data, idx);
        return SEG_OK;
    }
    float *xf = ctx->scratch, *yf = xf + seg_tensor_count(x);
    widen(x, xf);
    pool_planes(&p, xf, yf, idx);
    narrow(yf, y);
    return SEG_OK;
}

const segi_op_def segi_ops_pool[] = {
    {"AveragePool", 1, 1, 1, 1, 0, pool_infer, pool_run},
    {"GlobalAveragePool", 1, 1, 1, 1, 0, pool_infer, pool_run},
    {"GlobalMaxPool", 1, 1, 1, 1, 0, pool_infer, pool_run},
    {"MaxPool", 1, 1, 1, 2, 0, pool_infer, pool_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
