/*
 * BatchNormalization (inference), InstanceNormalization, LayerNormalization.
 * Statistics are accumulated in double so that long rows do not lose precision.
 */
#include "ops/checks.h"

#include <math.h>
#include <string.h>

/* Input i is a vector of `n` values (one per channel). */
static seg_status check_vector(segi_op_ctx *ctx, int i, const char *what, int64_t n)
{
    const seg_tensor *t = ctx->in[i];
    if (!t || t->rank != 1 || t->dims[0] != n)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%s (input %d) must have shape [%lld]", what,
                             i, (long long)n);
    return SEG_OK;
}

static seg_status channel_norm_infer(segi_op_ctx *ctx, int n_vectors)
{
    static const char *const names[] = {"", "scale", "B", "input_mean", "input_var"};
    seg_status st = segi_require_f32(ctx);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    if (x->rank < 2)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input rank %d, expected at least 2",
                             x->rank);
    for (int i = 1; i <= n_vectors; i++)
        if ((st = check_vector(ctx, i, names[i], x->dims[1])) != SEG_OK)
            return st;
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, x->rank, x->dims);
}

/* Elements per (n, c) plane; 0 for an empty tensor, whose other dims may be huge. */
static int64_t spatial_size(const seg_tensor *x)
{
    if (seg_tensor_count(x) == 0)
        return 0;
    int64_t n = 1;
    for (int d = 2; d < x->rank; d++)
        n *= x->dims[d];
    return n;
}

static seg_status batchnorm_infer(segi_op_ctx *ctx)
{
    int opset = ctx->node->opset;
    if (segi_op_attr_int(ctx, "training_mode", 0) != 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                             "training_mode=1 is not supported (inference only)");
    if (ctx->n_out > 1)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                             "%d outputs: the running / saved statistics outputs exist only "
                             "in training, which is not supported", ctx->n_out);
    if (opset < 9 && segi_op_attr_int(ctx, "spatial", 1) == 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "spatial=0 is not supported");
    return channel_norm_infer(ctx, 4);
}

static seg_status batchnorm_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    const float *scale = ctx->in[1]->data, *bias = ctx->in[2]->data;
    const float *mean = ctx->in[3]->data, *var = ctx->in[4]->data, *xp = x->data;
    double eps = segi_op_attr_float(ctx, "epsilon", 1e-5f);
    int64_t c = x->dims[1], hw = spatial_size(x);
    float *y = ctx->out[0]->data;
    for (int64_t i = 0; i < x->dims[0] * c; i++) {
        double a = scale[i % c] / sqrt((double)var[i % c] + eps);
        float af = (float)a, bf = (float)(bias[i % c] - mean[i % c] * a);
        for (int64_t j = 0; j < hw; j++)
            y[i * hw + j] = xp[i * hw + j] * af + bf;
    }
    return SEG_OK;
}

/* Mean and 1 / sqrt(variance + eps) of n floats. */
static void moments(const float *x, int64_t n, double eps, double *mean, double *inv_std)
{
    double s = 0, ss = 0;
    for (int64_t i = 0; i < n; i++)
        s += x[i];
    double m = n ? s / (double)n : 0;
    for (int64_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *inv_std = 1.0 / sqrt((n ? ss / (double)n : 0) + eps);
}

static seg_status instancenorm_infer(segi_op_ctx *ctx)
{
    seg_status st = channel_norm_infer(ctx, 2);
    if (st == SEG_OK && ctx->in[0]->rank < 3)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input rank %d, expected at least 3",
                             ctx->in[0]->rank);
    return st;
}

static seg_status instancenorm_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    const float *scale = ctx->in[1]->data, *bias = ctx->in[2]->data, *xp = x->data;
    double eps = segi_op_attr_float(ctx, "epsilon", 1e-5f);
    int64_t c = x->dims[1], hw = spatial_size(x);
    float *y = ctx->out[0]->data;
    for (int64_t i = 0; i < x->dims[0] * c; i++) {
        double mean, inv;
        moments(xp + i * hw, hw, eps, &mean, &inv);
        float a = (float)(scale[i % c] * inv), b = (float)(bias[i % c] - mean * scale[i % c] * inv);
        for (int64_t j = 0; j < hw; j++)
            y[i * hw + j] = xp[i * hw + j] * a + b;
    }
    return SEG_OK;
}

/* LayerNormalization: each row (the trailing dims from `axis`) is normalised. */
typedef struct ln_plan {
    int axis;
    int64_t rows, cols;
} ln_plan;

/* Scale / B broadcast to the normalised shape: full, trailing suffix, or scalar. */
static seg_status check_ln_param(segi_op_ctx *ctx, int i, const ln_plan *p)
{
    const seg_tensor *x = ctx->in[0], *t = i < ctx->n_in ? ctx->in[i] : NULL;
    if (!t)
        return SEG_OK;
    int norm_rank = x->rank - p->axis;
    bool ok = t->rank <= norm_rank;
    for (int d = 0; ok && d < t->rank; d++)
        ok = t->dims[t->rank - 1 - d] == x->dims[x->rank - 1 - d] ||
             (seg_tensor_count(t) == 1);
    if (!ok)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "input %d does not broadcast to the normalised shape (axis %d)",
                             i, p->axis);
    return SEG_OK;
}

static seg_status layernorm_plan(segi_op_ctx *ctx, ln_plan *p)
{
    seg_status st = segi_require_f32(ctx);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    int64_t axis = segi_op_attr_int(ctx, "axis", -1);
    if (axis < -x->rank || axis >= x->rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "axis %lld is out of range for rank %d",
                             (long long)axis, x->rank);
    int64_t stash = segi_op_attr_int(ctx, "stash_type", 1);
    if (stash != 1)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "stash_type %lld (only 1, float)",
                             (long long)stash);
    p->axis = (int)(axis < 0 ? axis + x->rank : axis);
    /* An empty tensor is no rows (its other dims may be huge: no products of them). */
    bool empty = seg_tensor_count(x) == 0;
    p->rows = empty ? 0 : 1;
    p->cols = 1;
    for (int d = 0; d < x->rank && !empty; d++)
        *(d < p->axis ? &p->rows : &p->cols) *= x->dims[d];
    if ((st = check_ln_param(ctx, 1, p)) != SEG_OK)
        return st;
    return check_ln_param(ctx, 2, p);
}

static seg_status layernorm_infer(segi_op_ctx *ctx)
{
    ln_plan p;
    seg_status st = layernorm_plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    if ((st = segi_op_set_output(ctx, 0, SEG_DTYPE_F32, x->rank, x->dims)) != SEG_OK)
        return st;
    int64_t dims[SEG_MAX_RANK];
    for (int d = 0; d < x->rank; d++)
        dims[d] = d < p.axis ? x->dims[d] : 1;
    for (int i = 1; i < ctx->n_out && st == SEG_OK; i++)
        st = segi_op_set_output(ctx, i, SEG_DTYPE_F32, x->rank, dims);
    return st;
}

static float param_at(const seg_tensor *t, int64_t j, float def)
{
    if (!t)
        return def;
    const float *v = t->data;
    return v[j % (int64_t)seg_tensor_count(t)];
}

static seg_status layernorm_run(segi_op_ctx *ctx)
{
    ln_plan p;
    seg_status st = layernorm_plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    const float *x = ctx->in[0]->data;
    const seg_tensor *scale = ctx->in[1], *bias = ctx->n_in > 2 ? ctx->in[2] : NULL;
    double eps = segi_op_attr_float(ctx, "epsilon", 1e-5f);
    float *y = ctx->out[0]->data;
    float *mean_out = ctx->n_out > 1 && ctx->out[1] ? ctx->out[1]->data : NULL;
    float *inv_out = ctx->n_out > 2 && ctx->out[2] ? ctx->out[2]->data : NULL;
    for (int64_t r = 0; r < p.rows; r++) {
        double mean, inv;
        moments(x + r * p.cols, p.cols, eps, &mean, &inv);
        for (int64_t j = 0; j < p.cols; j++) {
            float norm = (float)((x[r * p.cols + j] - mean) * inv);
            y[r * p.cols + j] = norm * param_at(scale, j, 1.0f) + param_at(bias, j, 0.0f);
        }
        if (mean_out)
            mean_out[r] = (float)mean;
        if (inv_out)
            inv_out[r] = (float)inv;
    }
    return SEG_OK;
}

const segi_op_def segi_ops_norm[] = {
    {"BatchNormalization", 5, 5, 1, 5, 0, batchnorm_infer, batchnorm_run},
    {"InstanceNormalization", 3, 3, 1, 1, 0, instancenorm_infer, instancenorm_run},
    {"LayerNormalization", 2, 3, 1, 3, 0, layernorm_infer, layernorm_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
