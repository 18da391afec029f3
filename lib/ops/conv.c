/*
 * Conv: im2col + GEMM over tiles of output rows, the tiles shared by the session's
 * threads (conv_im2col.h); 1x1 stride-1 unpadded convolutions multiply the weights by
 * the input directly. Depthwise convolutions sum their taps directly (conv_depthwise.h).
 * The bias and a fused activation (ops/fused_act.h) are applied per tile while the
 * output is in cache, or in one pass per channel after the other paths. Convolutions
 * whose taps mostly read padding (strongly dilated ones on small maps) run one GEMM per
 * tap over its valid outputs (conv_taps.h), and 3x3 stride-1 ones with enough channels
 * use Winograd F(4x4, 3x3) (conv_winograd.h), dilated ones through a mosaic of their
 * phases (conv_dilated.h).
 */
#include "ops/conv_depthwise.h"
#include "ops/conv_dilated.h"
#include "ops/conv_im2col.h"
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

/* How a conv runs: the cost model (docs/conv.md). */
typedef enum conv_path {
    PATH_DEPTHWISE,  /* direct per-row sums */
    PATH_TAPS,       /* one GEMM per tap over its valid outputs */
    PATH_DILATED,    /* dilated 3x3 "same": Winograd on a mosaic of the phases */
    PATH_WINOGRAD,   /* F(4x4, 3x3): 36 GEMMs over transformed tiles */
    PATH_IM2COL,     /* im2col tiles + GEMM; pointwise convs skip the copy */
} conv_path;

static conv_path choose_path(const segi_conv_shape *s)
{
    if (segi_depthwise_pays(s))
        return PATH_DEPTHWISE;
    if (segi_conv_taps_pay(s))
        return PATH_TAPS;
    if (segi_dilated_pays(s))
        return PATH_DILATED;
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
    if (path == PATH_DILATED && !segi_dilated_scratch(ctx, &s, &ctx->scratch_bytes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "dilated Winograd buffer size overflows");
    if (path == PATH_WINOGRAD && !segi_winograd_scratch(ctx, &s, &ctx->scratch_bytes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "Winograd buffer size overflows");
    if (path == PATH_IM2COL &&
        !segi_conv_im2col_scratch(&s, segi_pool_threads(ctx->pool), &ctx->scratch_bytes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "im2col buffer size overflows");
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, s.w.nd + 2, dims);
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
    if (path == PATH_IM2COL) {
        segi_conv_im2col(ctx, &s, &act, x, wt, bias, y, ctx->scratch);
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
            if (path == PATH_TAPS)
                segi_conv_taps(ctx, &s, xg, wg, yg, ctx->scratch);
            else if (path == PATH_DILATED)
                segi_dilated(ctx, &s, xg, wg, yg, ctx->scratch);
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
