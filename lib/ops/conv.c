/*
 * Conv: im2col + cblas_sgemm per image and group, over tiles of output rows so that
 * the column buffer stays bounded. 1x1 stride-1 unpadded convolutions multiply the
 * weights by the input directly (it already is the column matrix). Depthwise
 * convolutions sum their taps directly (conv_depthwise.h). The bias and a fused activation (ops/fused_act.h) are applied in one pass per tile while
 * the output is in cache. Convolutions whose taps mostly read padding (strongly dilated
 * ones on small maps) run one GEMM per tap over its valid outputs (conv_taps.h), and
 * 3x3 stride-1 ones with enough channels use Winograd F(4x4, 3x3) (conv_winograd.h).
 */
#include "ops/conv_depthwise.h"
#include "ops/conv_taps.h"
#include "ops/conv_winograd.h"
#include "ops/fused_act.h"
#include "ops/gemm.h"

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
    if (segi_depthwise_pays(s))
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
    if (path == PATH_WINOGRAD && !segi_winograd_scratch(ctx, &s, &ctx->scratch_bytes))
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
        segi_gemm_args g = {.m = mg, .n = ncols, .k = k, .alpha = 1.0f, .a = w, .lda = k,
                            .b = cols, .ldb = ldb, .c = y + c0, .ldc = out_size};
        segi_gemm(ctx->pool, &g);
        segi_phase_stop(ctx, SEGI_PHASE_GEMM, t0);
        for (int64_t m = 0; m < mg; m++)
            segi_fused_act_apply(act, bias ? bias[m] : 0.0f, y + m * out_size + c0,
                                 (size_t)ncols);
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
        segi_conv_depthwise(ctx, &s, &act, x, wt, bias, y);
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
