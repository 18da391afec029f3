/*
 * MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool over 1 to 3 spatial axes.
 * Every output point reduces the taps of its window that fall inside the input; the
 * global pools are a window as large as the input. MaxPool on int8 / uint8 pools the
 * values converted to float (exact) in scratch.
 */
#include "ops/pool.h"
#include "ops/window.h"

#include <math.h>
#include <string.h>

/* Output rows whose windows read up to this many input rows take segi_pool_row. */
#define POOL_VEC_ROWS 16

/* The variants (see conv_depthwise.c): 4-float vectors, AVX2, AVX-512. */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static inline v4f max_v4f(v4f v, v4f acc)
{
    v4i gt = v > acc;
    return (v4f)(((v4i)v & gt) | ((v4i)acc & ~gt));
}

#define PR_NAME row_portable
#define PR_BLOCK block_portable
#define PR_TARGET
#define PR_V v4f
#define PR_W 4
#define PR_MAX max_v4f
#define PR_EVENS(lo, hi) __builtin_shufflevector(lo, hi, 0, 2, 5, 7)
#include "ops/pool_row.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define PR_NAME row_avx2
#define PR_BLOCK block_avx2
#define PR_TARGET __attribute__((target("avx2")))
#define PR_V __m256
#define PR_W 8
#define PR_MAX _mm256_max_ps
#define PR_EVENS(lo, hi) __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 9, 11, 13, 15)
#include "ops/pool_row.h"

#define PR_NAME row_avx512
#define PR_BLOCK block_avx512
#define PR_TARGET __attribute__((target("avx512f")))
#define PR_V __m512
#define PR_W 16
#define PR_MAX _mm512_max_ps
#define PR_EVENS(lo, hi)                                                                \
    __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27,   \
                            29, 31)
#include "ops/pool_row.h"
#endif

int64_t segi_pool_row(segi_isa isa, const float *const *rows, int n_rows, int64_t kernel,
                      int64_t stride, bool max, float divisor, int64_t n, float *y)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (isa == SEGI_ISA_AVX512)
        return row_avx512(rows, n_rows, kernel, stride, max, divisor, n, y);
    if (isa == SEGI_ISA_AVX2)
        return row_avx2(rows, n_rows, kernel, stride, max, divisor, n, y);
#else
    (void)isa;
#endif
    return row_portable(rows, n_rows, kernel, stride, max, divisor, n, y);
}

typedef enum pool_kind { POOL_MAX, POOL_AVG } pool_kind;

typedef struct pool_plan {
    segi_window w;
    pool_kind kind;
    bool include_pad;
    bool column_major;  /* MaxPool storage_order 1: Indices count the last axis slowest */
    bool global;        /* GlobalAveragePool, GlobalMaxPool */
    int64_t planes;     /* N * C */
} pool_plan;

static int64_t ceil_div_pos(int64_t a, int64_t b)
{
    return a <= 0 ? 0 : (a + b - 1) / b;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* The taps of one axis for grid point o: first image position, taps [lo, hi) inside
 * the image, and how many fall inside the padded image. */
typedef struct axis_taps {
    int64_t start, lo, hi, padded;
} axis_taps;

static axis_taps taps_of(const segi_window *w, int a, int64_t o)
{
    axis_taps t;
    int64_t d = w->dilation[a];
    t.start = o * w->stride[a] - w->pad0[a];
    t.lo = t.start < 0 ? ceil_div_pos(-t.start, d) : 0;
    t.hi = min64(w->kernel[a], ceil_div_pos(w->image[a] - t.start, d));
    if (t.hi < t.lo)
        t.hi = t.lo;
    t.padded = min64(w->kernel[a], ceil_div_pos(w->image[a] + w->pad1[a] - t.start, d));
    return t;
}

/* Reduce one window given its taps per axis; *arg gets the image index of the max. */
static float pool_window(const float *x, const pool_plan *p, const axis_taps *t, int64_t *arg)
{
    const segi_window *w = &p->w;
    float acc = p->kind == POOL_MAX ? -INFINITY : 0.0f;
    int64_t best = -1;
    for (int64_t td = t[0].lo; td < t[0].hi; td++) {
        int64_t pd = t[0].start + td * w->dilation[0];
        for (int64_t th = t[1].lo; th < t[1].hi; th++) {
            int64_t row = (pd * w->image[1] + t[1].start + th * w->dilation[1]) * w->image[2];
            const float *r = x + row + t[2].start;
            for (int64_t tw = t[2].lo; tw < t[2].hi; tw++) {
                float v = r[tw * w->dilation[2]];
                if (p->kind == POOL_AVG)
                    acc += v;
                else if (v > acc || best < 0) {
                    acc = v;
                    best = row + t[2].start + tw * w->dilation[2];
                }
            }
        }
    }
    *arg = best < 0 ? 0 : best;
    if (p->kind == POOL_MAX)
        return acc;
    int64_t divisor = p->include_pad ? t[0].padded * t[1].padded * t[2].padded
                                     : (t[0].hi - t[0].lo) * (t[1].hi - t[1].lo) *
                                           (t[2].hi - t[2].lo);
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

typedef struct pool_job {
    const pool_plan *p;
    const float *x;
    float *y;
    int64_t *idx;
} pool_job;

/*
 * Outputs [in_lo, in_hi) of one row, whose windows lie inside the image along the row,
 * with segi_pool_row when it applies (no Indices, stride 1 or 2, no dilation along the
 * row, few input rows); returns how many it did.
 */
static int64_t vector_row(const pool_plan *p, const float *xc, const axis_taps *t,
                          int64_t in_lo, int64_t in_hi, float *y)
{
    const segi_window *w = &p->w;
    int64_t rows = (t[0].hi - t[0].lo) * (t[1].hi - t[1].lo);
    if (in_hi <= in_lo || w->dilation[2] != 1 || w->stride[2] > 2 || rows < 1 ||
        rows > POOL_VEC_ROWS)
        return 0;
    const float *x[POOL_VEC_ROWS];
    int n = 0;
    for (int64_t td = t[0].lo; td < t[0].hi; td++)
        for (int64_t th = t[1].lo; th < t[1].hi; th++) {
            int64_t pd = t[0].start + td * w->dilation[0];
            int64_t ph = t[1].start + th * w->dilation[1];
            x[n++] = xc + (pd * w->image[1] + ph) * w->image[2] + in_lo * w->stride[2] -
                     w->pad0[2];
        }
    int64_t divisor = p->include_pad ? t[0].padded * t[1].padded : rows;
    return segi_pool_row(segi_cpu_isa(), x, n, w->kernel[2], w->stride[2],
                         p->kind == POOL_MAX, (float)(divisor * w->kernel[2]),
                         in_hi - in_lo, y + in_lo);
}

/*
 * Global pools of planes [c, c + GLOBAL_LANES): each plane folds its values in order as
 * pool_window does, and the planes' folds are interleaved so that they overlap instead
 * of waiting on one chain of dependent additions or comparisons.
 */
#define GLOBAL_LANES 4

static void global_planes(const pool_plan *p, const float *x, int64_t c, float *y)
{
    int64_t n = segi_window_image_size(&p->w);
    const float *xc[GLOBAL_LANES];
    float acc[GLOBAL_LANES];
    for (int l = 0; l < GLOBAL_LANES; l++) {
        xc[l] = x + (c + l) * n;
        acc[l] = p->kind == POOL_MAX ? xc[l][0] : 0.0f;
    }
    for (int64_t i = p->kind == POOL_MAX; i < n; i++)
        for (int l = 0; l < GLOBAL_LANES; l++) {
            float v = xc[l][i];
            if (p->kind == POOL_AVG)
                acc[l] += v;
            else if (v > acc[l])
                acc[l] = v;
        }
    for (int l = 0; l < GLOBAL_LANES; l++)
        y[c + l] = p->kind == POOL_MAX ? acc[l] : acc[l] / (float)n;
}

/* Pool planes [c0, c1): x [planes, image], y [planes, grid], idx (optional) likewise.
 * The taps of the first two axes are found once per output row, and those of the last
 * axis once per plane for the interior, where every tap is inside the image; without
 * Indices, the interior of a row takes vector_row. */
static void pool_range(void *ctx, size_t c0, size_t c1)
{
    const pool_job *j = ctx;
    const pool_plan *p = j->p;
    const float *x = j->x;
    float *y = j->y;
    int64_t *idx = j->idx;
    const segi_window *w = &p->w;
    int64_t in_size = segi_window_image_size(w), out_size = segi_window_grid_size(w);
    int64_t span = (w->kernel[2] - 1) * w->dilation[2], s = w->stride[2];
    int64_t in_lo = ceil_div_pos(w->pad0[2], s);  /* interior: [in_lo, in_hi) */
    int64_t in_hi = w->image[2] - span + w->pad0[2] <= 0
                        ? 0 : min64(w->grid[2], ceil_div_pos(w->image[2] - span + w->pad0[2], s));
    int64_t c = (int64_t)c0;
    for (; p->global && in_size > 0 && c + GLOBAL_LANES <= (int64_t)c1; c += GLOBAL_LANES)
        global_planes(p, x, c, y);
    for (; c < (int64_t)c1; c++) {
        const float *xc = x + c * in_size;
        int64_t at = c * out_size;
        for (int64_t od = 0; od < w->grid[0]; od++)
            for (int64_t oh = 0; oh < w->grid[1]; oh++, at += w->grid[2]) {
                axis_taps t[3] = {taps_of(w, 0, od), taps_of(w, 1, oh)};
                int64_t vec_hi =
                    in_lo + (idx ? 0 : vector_row(p, xc, t, in_lo, in_hi, y + at));
                for (int64_t ow = 0; ow < w->grid[2]; ow++) {
                    if (ow >= in_lo && ow < vec_hi)
                        continue;
                    if (ow >= in_lo && ow < in_hi)
                        t[2] = (axis_taps){ow * s - w->pad0[2], 0, w->kernel[2], w->kernel[2]};
                    else
                        t[2] = taps_of(w, 2, ow);
                    int64_t arg;
                    y[at + ow] = pool_window(xc, p, t, &arg);
                    if (idx)
                        idx[at + ow] = c * in_size + stored_index(p, arg);
                }
            }
    }
}

/* Every plane, split over the pool's threads in runs of at least ~64 K input values. */
static void pool_planes(segi_pool *pool, const pool_plan *p, const float *x, float *y,
                        int64_t *idx)
{
    pool_job j = {p, x, y, idx};
    int64_t in_size = segi_window_image_size(&p->w);
    size_t grain = in_size > 0 && in_size < 65536 ? (size_t)(65536 / in_size) : 1;
    segi_pool_for(pool, (size_t)p->planes, grain, pool_range, &j);
}

/* Check the input and set the kind and the number of planes. */
static seg_status plan_input(segi_op_ctx *ctx, pool_kind kind, bool ints_ok, pool_plan *p)
{
    const seg_tensor *x = ctx->in[0];
    bool int8 = x->dtype == SEG_DTYPE_U8 || x->dtype == SEG_DTYPE_I8;
    if (x->dtype != SEG_DTYPE_F32 && !(ints_ok && int8))
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s is not supported",
                             seg_dtype_name(x->dtype));
    if (x->rank < 3 || x->rank > 5)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input rank %d, expected 3 to 5", x->rank);
    memset(p, 0, sizeof *p);
    p->kind = kind;
    if (!segi_dim_mul(x->dims[0], x->dims[1], INT64_MAX, &p->planes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "%lld x %lld planes", (long long)x->dims[0],
                             (long long)x->dims[1]);
    return SEG_OK;
}

static seg_status plan_window(segi_op_ctx *ctx, pool_kind kind, pool_plan *p)
{
    seg_status st = plan_input(ctx, kind, kind == POOL_MAX, p);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
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
    seg_status st = plan_input(ctx, kind, false, p);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    int nd = x->rank - 2, at = SEGI_WIN_AXES - nd;
    p->w.nd = nd;
    p->global = true;
    for (int a = 0; a < SEGI_WIN_AXES; a++) {
        int64_t in = a < at ? 1 : x->dims[2 + a - at];
        p->w.image[a] = p->w.kernel[a] = in;
        p->w.grid[a] = p->w.stride[a] = p->w.dilation[a] = 1;
    }
    return segi_window_check(ctx, &p->w);
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
    if ((st = segi_op_set_output(ctx, 0, x->dtype, x->rank, dims)) != SEG_OK ||
        (ctx->n_out > 1 && (st = segi_op_set_output(ctx, 1, SEG_DTYPE_I64, x->rank, dims))))
        return st;
    if (x->dtype != SEG_DTYPE_F32) {  /* int8 / uint8: one byte per element */
        size_t n;
        if (__builtin_add_overflow(x->nbytes, ctx->out[0]->nbytes, &n) ||
            __builtin_mul_overflow(n, sizeof(float), &ctx->scratch_bytes))
            return segi_op_error(ctx, SEG_ERR_LIMIT, "scratch size overflows");
    }
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
        pool_planes(ctx->pool, &p, x->data, y->data, idx);
        return SEG_OK;
    }
    float *xf = ctx->scratch, *yf = xf + seg_tensor_count(x);
    widen(x, xf);
    pool_planes(ctx->pool, &p, xf, yf, idx);
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
