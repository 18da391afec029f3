/*
 * Conv: im2col + cblas_sgemm per image and group. 1x1 stride-1 unpadded convolutions
 * multiply the weights by the input directly (it already is the column matrix). The
 * bias and a fused activation (ops/fused_act.h) are applied in one pass per group
 * while the GEMM output is still in cache.
 */
#include "ops/fused_act.h"
#include "ops/window.h"

#include <cblas.h>
#include <string.h>

static seg_status plan_conv(segi_op_ctx *ctx, segi_conv_shape *s, segi_fused_act *act)
{
    const seg_tensor *x = ctx->in[0], *wt = ctx->in[1];
    const seg_tensor *b = ctx->n_in > 2 ? ctx->in[2] : NULL;
    if (x->dtype != SEG_DTYPE_F32 || wt->dtype != SEG_DTYPE_F32 ||
        (b && b->dtype != SEG_DTYPE_F32))
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "dtypes %s/%s, only f32 is supported",
                             seg_dtype_name(x->dtype), seg_dtype_name(wt->dtype));
    seg_status st = segi_conv_shape_make(ctx, x, wt, s);
    if (st != SEG_OK)
        return st;
    if (b && (b->rank != 1 || b->dims[0] != s->m))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "bias has %lld values for %lld channels",
                             (long long)(b->rank == 1 ? b->dims[0] : -1), (long long)s->m);
    return segi_fused_act_parse(ctx, act);
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
    if (!s.pointwise &&
        !segi_size_mul3((size_t)(s.c / s.group * segi_window_kernel_size(&s.w)),
                        (size_t)segi_window_grid_size(&s.w), sizeof(float),
                        &ctx->scratch_bytes))
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
    int64_t cg = s.c / s.group, mg = s.m / s.group;
    int64_t k = cg * segi_window_kernel_size(&s.w);
    int64_t in_size = segi_window_image_size(&s.w), out_size = segi_window_grid_size(&s.w);
    for (int64_t n = 0; n < s.n; n++)
        for (int64_t g = 0; g < s.group; g++) {
            const float *xg = x + (n * s.c + g * cg) * in_size;
            float *yg = y + (n * s.m + g * mg) * out_size;
            const float *cols = xg;
            if (!s.pointwise) {
                segi_im2col(xg, cg, &s.w, sizeof(float), ctx->scratch);
                cols = ctx->scratch;
            }
            if (k == 0)
                memset(yg, 0, (size_t)(mg * out_size) * sizeof(float));
            else
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)mg, (int)out_size,
                            (int)k, 1.0f, wt + g * mg * k, (int)k, cols, (int)out_size, 0.0f,
                            yg, (int)out_size);
            for (int64_t m = 0; m < mg; m++)
                segi_fused_act_apply(&act, bias ? bias[g * mg + m] : 0.0f, yg + m * out_size,
                                     (size_t)out_size);
        }
    return SEG_OK;
}

const segi_op_def segi_ops_conv[] = {
    {"Conv", 2, 3, 1, 1, 0, conv_infer, conv_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
