/* DepthToSpace (DCR and CRD) and SpaceToDepth on NCHW tensors of any dtype. Both are
 * the spec's reshape-transpose-reshape, done as one strided copy of a 6-D view. */
#include "ops/op.h"
#include "ops/strided.h"

#include <string.h>

static seg_status get_block(segi_op_ctx *ctx, int64_t *b)
{
    const seg_tensor *x = ctx->in[0];
    if (x->rank != 4)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input has rank %d, expected 4 (NCHW)",
                             x->rank);
    *b = segi_op_attr_int(ctx, "blocksize", 0);
    if (*b <= 0 || *b > 65536)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "blocksize %lld must be in 1..65536",
                             (long long)*b);
    return SEG_OK;
}

static int is_crd(segi_op_ctx *ctx, seg_status *st)
{
    const char *mode = segi_op_attr_string(ctx, "mode", "DCR");
    *st = SEG_OK;
    if (strcmp(mode, "CRD") == 0)
        return 1;
    if (strcmp(mode, "DCR") != 0)
        *st = segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "mode '%s'", mode);
    return 0;
}

static seg_status depth_to_space_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t b = 0;
    seg_status st = get_block(ctx, &b);
    if (st == SEG_OK)
        is_crd(ctx, &st);
    if (st != SEG_OK)
        return st;
    if (x->dims[1] % (b * b))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "channels %lld not divisible by %lld",
                             (long long)x->dims[1], (long long)(b * b));
    int64_t dims[4] = {x->dims[0], x->dims[1] / (b * b), x->dims[2] * b, x->dims[3] * b};
    return segi_op_set_output(ctx, 0, x->dtype, 4, dims);
}

static seg_status depth_to_space_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t b = 0;
    seg_status st = get_block(ctx, &b);
    if (st != SEG_OK)
        return st;
    int crd = is_crd(ctx, &st);
    if (st != SEG_OK)
        return st;
    int64_t c = x->dims[1] / (b * b), h = x->dims[2], w = x->dims[3];
    /* Output view [N, C', H, b, W, b]; the two block axes come from the channel axis,
     * blocks outermost (DCR) or innermost (CRD). */
    int64_t s_c = crd ? b * b * h * w : h * w;
    int64_t s_b1 = crd ? b * h * w : b * c * h * w;
    int64_t s_b2 = crd ? h * w : c * h * w;
    int64_t dims[6] = {x->dims[0], c, h, b, w, b};
    int64_t strides[6] = {x->dims[1] * h * w, s_c, w, s_b1, 1, s_b2};
    segi_strided_copy(ctx->out[0]->data, x->data, seg_dtype_size(x->dtype), 6, dims, strides);
    return SEG_OK;
}

static seg_status space_to_depth_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t b = 0;
    seg_status st = get_block(ctx, &b);
    if (st != SEG_OK)
        return st;
    if (x->dims[2] % b || x->dims[3] % b)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "height %lld and width %lld must be "
                             "divisible by blocksize %lld", (long long)x->dims[2],
                             (long long)x->dims[3], (long long)b);
    int64_t dims[4] = {x->dims[0], x->dims[1] * b * b, x->dims[2] / b, x->dims[3] / b};
    return segi_op_set_output(ctx, 0, x->dtype, 4, dims);
}

static seg_status space_to_depth_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t b = 0;
    seg_status st = get_block(ctx, &b);
    if (st != SEG_OK)
        return st;
    int64_t c = x->dims[1], h = x->dims[2], w = x->dims[3];
    /* Output view [N, b, b, C, H/b, W/b] of the input seen as [N, C, H/b, b, W/b, b]. */
    int64_t dims[6] = {x->dims[0], b, b, c, h / b, w / b};
    int64_t strides[6] = {c * h * w, w, 1, h * w, b * w, b};
    segi_strided_copy(ctx->out[0]->data, x->data, seg_dtype_size(x->dtype), 6, dims, strides);
    return SEG_OK;
}

const segi_op_def segi_ops_depth_space[] = {
    {"DepthToSpace", 1, 1, 1, 1, 0, depth_to_space_infer, depth_to_space_run},
    {"SpaceToDepth", 1, 1, 1, 1, 0, space_to_depth_infer, space_to_depth_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
