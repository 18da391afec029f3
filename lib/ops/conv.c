/*
 * Conv: im2col + cblas_sgemm per image and group, over tiles of output rows so that
 * the column buffer stays bounded. 1x1 stride-1 unpadded convolutions multiply the
 * weights by the input directly (it already is the column matrix). Depthwise
 * convolutions (one input and one output channel per group) would be GEMMs of a single
 * row, which waste im2col's copy: each output row sums its taps directly instead. The
 * bias and a fused activation (ops/fused_act.h) are applied in one pass per tile while
 * the output is in cache. Convolutions whose taps mostly read padding (strongly dilated
 * ones on small maps) run one GEMM per tap over its valid outputs (conv_taps.h), and
 * 3x3 stride-1 ones with enough channels use Winograd F(4x4, 3x3) (conv_winograd.h).
 */
#include "ops/conv_taps.h"
#include "ops/conv_winograd.h"
#include "ops/fused_act.h"

#include <cblas.h>
#include <string.h>

static seg_status plan_conv(segi_op_ctx *ctx, segi_conv_shape *s, segi_fused_act *act)
{
    const seg_tensor *x = ctx->in[0], *wt = ctx->in[1];
    const seg_tensor *b = ctx->n_in > 2 ? ctx->in[2] : NULL;
    seg_status st = segi_require_f32(ctx);
    if (st == SEG_OK)
        st = segi_conv_shape_make(ctx, x, wt, s);
    if (st != SEG_OK)
        return st;
    if (b && (b->rank != 1 || b->dims[0] != s->m))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "bias has %lld values for %lld channels",
                             (long long)(b->rank == 1 ? b->dims[0] : -1), (long long)s->m);
    return segi_fused_act_parse(ctx, act);
}

/* Four floats, one SSE register on the baseline x86-64 target (GCC and clang lower it
 * elsewhere too). The default -O2 does not vectorise loops with unknown trip counts,
 * so the hot loop says it. */
typedef float v4f __attribute__((vector_size(16)));

/* Depthwise kernels up to this many taps per row / in all take the direct path. */
#define DW_MAX_ROWS 64
#define DW_MAX_WIDTH 16

static bool depthwise(const segi_conv_shape *s)
{
    return s->group > 1 && s->group == s->c && s->group == s->m &&
           s->w.kernel[0] * s->w.kernel[1] <= DW_MAX_ROWS && s->w.kernel[2] <= DW_MAX_WIDTH;
}

/* The input rows one output row reads, with the kernel row for each. */
typedef struct dw_rows {
    int n;
    const float *x[DW_MAX_ROWS];
    const float *k[DW_MAX_ROWS];
} dw_rows;

static void gather_rows(const float *x, const float *k, const segi_window *w, int64_t od,
                        int64_t oh, dw_rows *r)
{
    r->n = 0;
    for (int64_t kd = 0; kd < w->kernel[0]; kd++) {
        int64_t id = od * w->stride[0] - w->pad0[0] + kd * w->dilation[0];
        for (int64_t kh = 0; kh < w->kernel[1]; kh++) {
            int64_t ih = oh * w->stride[1] - w->pad0[1] + kh * w->dilation[1];
            if (id < 0 || id >= w->image[0] || ih < 0 || ih >= w->image[1])
                continue;
            r->x[r->n] = x + (id * w->image[1] + ih) * w->image[2];
            r->k[r->n++] = k + (kd * w->kernel[1] + kh) * w->kernel[2];
        }
    }
}

/* Output o of the row near the input's edges: only the taps inside the input. */
static float dw_edge(const dw_rows *r, const segi_window *w, int64_t o)
{
    int64_t start = o * w->stride[2] - w->pad0[2], d = w->dilation[2];
    int64_t lo = start < 0 ? (-start + d - 1) / d : 0;
    int64_t hi = w->image[2] - start <= 0 ? 0 : (w->image[2] - start + d - 1) / d;
    if (hi > w->kernel[2])
        hi = w->kernel[2];
    float sum = 0;
    for (int i = 0; i < r->n; i++)
        for (int64_t kw = lo; kw < hi; kw++)
            sum += r->k[i][kw] * r->x[i][start + kw * d];
    return sum;
}

/*
 * One output row of a depthwise conv. In the interior, where every tap is inside the
 * input, stride-1 rows accumulate eight outputs at a time in registers and stride-2
 * rows four; the edges and other strides go one output at a time.
 */
static void depthwise_row(const float *x, const float *k, const segi_window *w, int64_t od,
                          int64_t oh, float *y)
{
    dw_rows r;
    gather_rows(x, k, w, od, oh, &r);
    int64_t lo, hi, unused, kw_n = w->kernel[2], s = w->stride[2], d = w->dilation[2];
    segi_window_taps(w, 2, 0, &lo, &unused);
    segi_window_taps(w, 2, kw_n - 1, &unused, &hi);
    if (hi < lo)
        hi = lo;
    int64_t o = 0;
    for (; o < lo && o < w->grid[2]; o++)
        y[o] = dw_edge(&r, w, o);
    int64_t base = -w->pad0[2];
    if (s == 1)
        for (; o + 8 <= hi; o += 8) {  /* two independent sums hide the add latency */
            v4f acc0 = {0}, acc1 = {0};
            for (int i = 0; i < r.n; i++) {
                const float *xi = r.x[i] + o + base;
                for (int64_t kw = 0; kw < kw_n; kw++) {
                    v4f v0, v1;
                    memcpy(&v0, xi + kw * d, sizeof v0);
                    memcpy(&v1, xi + kw * d + 4, sizeof v1);
                    acc0 += r.k[i][kw] * v0;
                    acc1 += r.k[i][kw] * v1;
                }
            }
            memcpy(y + o, &acc0, sizeof acc0);
            memcpy(y + o + 4, &acc1, sizeof acc1);
        }
    if (s == 2)
        for (; o + 4 <= hi; o += 4) {  /* the even elements of x[2o + 0..6] */
            v4f acc = {0};
            for (int i = 0; i < r.n; i++) {
                const float *xi = r.x[i] + 2 * o + base;
                for (int64_t kw = 0; kw < kw_n; kw++) {
                    v4f lo4, hi4;  /* x[0..3] and x[3..6]: never past the last tap */
                    memcpy(&lo4, xi + kw * d, sizeof lo4);
                    memcpy(&hi4, xi + kw * d + 3, sizeof hi4);
                    acc += r.k[i][kw] * __builtin_shufflevector(lo4, hi4, 0, 2, 5, 7);
                }
            }
            memcpy(y + o, &acc, sizeof acc);
        }
    for (; o < hi; o++) {
        float sum = 0;
        for (int i = 0; i < r.n; i++)
            for (int64_t kw = 0; kw < kw_n; kw++)
                sum += r.k[i][kw] * r.x[i][o * s + base + kw * d];
        y[o] = sum;
    }
    for (; o < w->grid[2]; o++)
        y[o] = dw_edge(&r, w, o);
}

/* Grid rows per im2col tile (all of them for pointwise convs, which need no copy). */
static int64_t tile_rows(const segi_conv_shape *s)
{
    if (s->pointwise)
        return s->w.grid[0] * s->w.grid[1];
    return segi_im2col_tile_rows(&s->w, s->c / s->group * segi_window_kernel_size(&s->w),
                                 sizeof(float), SEGI_IM2COL_TILE_BYTES);
}

/* How a conv runs: the cost model (docs/conv.md). */
typedef enum conv_path {
    PATH_DEPTHWISE,  /* direct per-row sums */
    PATH_TAPS,       /* one GEMM per tap over its valid outputs */
    PATH_WINOGRAD,   /* F(4x4, 3x3): 36 GEMMs over transformed tiles */
    PATH_IM2COL,     /* im2col tiles + GEMM; pointwise convs skip the copy */
} conv_path;

static conv_path choose_path(const segi_conv_shape *s)
{
    if (depthwise(s))
        return PATH_DEPTHWISE;
    if (segi_conv_taps_pay(s))
        return PATH_TAPS;
    if (segi_winograd_pays(s))
        return PATH_WINOGRAD;
    return PATH_IM2COL;
}

static seg_status conv_infer(segi_op_ctx *ctx)
{
    segi_conv_shape s;
    segi_fused_act act;
    seg_status st = plan_conv(ctx, &s, &act);
    if (st != SEG_OK)
        return st;
    int64_t dims[5];
    segi_conv_out_dims(&s, dims);
    conv_path path = choose_path(&s);
    if (path == PATH_TAPS && !segi_conv_taps_scratch(&s, &ctx->scratch_bytes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "per-tap GEMM buffer size overflows");
    if (path == PATH_WINOGRAD && !segi_winograd_scratch(&s, &ctx->scratch_bytes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "Winograd buffer size overflows");
    if (path == PATH_IM2COL && !s.pointwise &&
        !segi_size_mul3((size_t)(s.c / s.group * segi_window_kernel_size(&s.w)),
                        (size_t)(tile_rows(&s) * s.w.grid[2]), sizeof(float),
                        &ctx->scratch_bytes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "im2col buffer size overflows");
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, s.w.nd + 2, dims);
}

/* One image and group as GEMMs over tiles of output rows: y [mg, grid] = w [mg, k] x
 * columns [k, tile], then bias and activation over the tile while it is in cache. */
static void conv_group(const segi_op_ctx *ctx, const segi_conv_shape *s,
                       const segi_fused_act *act, const float *x, const float *w,
                       const float *bias, float *y, float *scratch)
{
    int64_t mg = s->m / s->group, k = s->c / s->group * segi_window_kernel_size(&s->w);
    int64_t out_size = segi_window_grid_size(&s->w), gw = s->w.grid[2];
    int64_t grid_rows = s->w.grid[0] * s->w.grid[1], step = tile_rows(s);
    for (int64_t r0 = 0; r0 < grid_rows; r0 += step) {
        int64_t nrows = grid_rows - r0 < step ? grid_rows - r0 : step;
        int64_t c0 = r0 * gw, ncols = nrows * gw;
        const float *cols = x + c0;
        int64_t ldb = out_size;
        if (!s->pointwise) {
            uint64_t t0 = segi_phase_start(ctx);
            segi_im2col(x, s->c / s->group, &s->w, sizeof(float), r0, nrows, scratch);
            segi_phase_stop(ctx, SEGI_PHASE_IM2COL, t0);
            cols = scratch;
            ldb = ncols;
        }
        uint64_t t0 = segi_phase_start(ctx);
        if (k == 0)
            for (int64_t m = 0; m < mg; m++)
                memset(y + m * out_size + c0, 0, (size_t)ncols * sizeof(float));
        else
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)mg, (int)ncols, (int)k,
                        1.0f, w, (int)k, cols, (int)ldb, 0.0f, y + c0, (int)out_size);
        segi_phase_stop(ctx, SEGI_PHASE_GEMM, t0);
        for (int64_t m = 0; m < mg; m++)
            segi_fused_act_apply(act, bias ? bias[m] : 0.0f, y + m * out_size + c0,
                                 (size_t)ncols);
    }
}

/* Depthwise planes (image x channel) [begin, end) of one conv, for the pool. */
typedef struct dw_job {
    const segi_conv_shape *s;
    const segi_fused_act *act;
    const float *x, *w, *bias;
    float *y;
} dw_job;

static void depthwise_planes(void *arg, size_t begin, size_t end)
{
    const dw_job *j = arg;
    const segi_window *w = &j->s->w;
    int64_t in_size = segi_window_image_size(w), out_size = segi_window_grid_size(w);
    int64_t taps = segi_window_kernel_size(w);
    for (int64_t p = (int64_t)begin; p < (int64_t)end; p++) {
        int64_t ch = p % j->s->c;
        float *y = j->y + p * out_size;
        for (int64_t od = 0; od < w->grid[0]; od++)
            for (int64_t oh = 0; oh < w->grid[1]; oh++)
                depthwise_row(j->x + p * in_size, j->w + ch * taps, w, od, oh,
                              y + (od * w->grid[1] + oh) * w->grid[2]);
        segi_fused_act_apply(j->act, j->bias ? j->bias[ch] : 0.0f, y, (size_t)out_size);
    }
}

static seg_status conv_run(segi_op_ctx *ctx)
{
    segi_conv_shape s;
    segi_fused_act act;
    seg_status st = plan_conv(ctx, &s, &act);
    if (st != SEG_OK)
        return st;
    const float *x = ctx->in[0]->data, *wt = ctx->in[1]->data;
    const float *bias = ctx->n_in > 2 && ctx->in[2] ? ctx->in[2]->data : NULL;
    float *y = ctx->out[0]->data;
    if (seg_tensor_count(ctx->out[0]) == 0)
        return SEG_OK;
    conv_path path = choose_path(&s);
    if (path == PATH_DEPTHWISE) {
        dw_job job = {&s, &act, x, wt, bias, y};
        segi_pool_for(ctx->pool, (size_t)(s.n * s.c), 1, depthwise_planes, &job);
        return SEG_OK;
    }
    int64_t cg = s.c / s.group, mg = s.m / s.group;
    int64_t k = cg * segi_window_kernel_size(&s.w);
    int64_t in_size = segi_window_image_size(&s.w), out_size = segi_window_grid_size(&s.w);
    for (int64_t n = 0; n < s.n; n++)
        for (int64_t g = 0; g < s.group; g++) {
            const float *xg = x + (n * s.c + g * cg) * in_size;
            float *yg = y + (n * s.m + g * mg) * out_size;
            const float *bg = bias ? bias + g * mg : NULL;
            const float *wg = wt + g * mg * k;
            if (path == PATH_IM2COL) {
                conv_group(ctx, &s, &act, xg, wg, bg, yg, ctx->scratch);
                continue;
            }
            if (path == PATH_TAPS)
                segi_conv_taps(ctx, &s, xg, wg, yg, ctx->scratch);
            else
                segi_winograd(ctx, &s, xg, wg, yg, ctx->scratch);
            for (int64_t m = 0; m < mg; m++)
                segi_fused_act_apply(&act, bg ? bg[m] : 0.0f, yg + m * out_size,
                                     (size_t)out_size);
        }
    return SEG_OK;
}

const segi_op_def segi_ops_conv[] = {
    {"Conv", 2, 3, 1, 1, 0, conv_infer, conv_run, SEGI_OP_FUSES_ACTIVATION},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
