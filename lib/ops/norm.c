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

/* A per-(n, c) plane kernel over planes [b, e) and what it reads. */
typedef struct norm_job {
    const segi_op_ctx *ctx;
    double eps;
    int64_t c, hw;
} norm_job;

/* Run `fn` over the N x C planes, split over the pool's threads (~64 K values per
 * part at least). */
static seg_status run_planes(segi_op_ctx *ctx, segi_pool_fn fn)
{
    const seg_tensor *x = ctx->in[0];
    norm_job j = {ctx, segi_op_attr_float(ctx, "epsilon", 1e-5f), x->dims[1],
                  spatial_size(x)};
    size_t grain = j.hw > 0 && j.hw < 65536 ? (size_t)(65536 / j.hw) : 1;
    if (j.hw > 0)
        segi_pool_for(ctx->pool, (size_t)(x->dims[0] * j.c), grain, fn, &j);
    return SEG_OK;
}

static void batchnorm_planes(void *ctx, size_t b, size_t e)
{
    const norm_job *j = ctx;
    const seg_tensor *const *in = j->ctx->in;
    const float *scale = in[1]->data, *bias = in[2]->data, *xp = in[0]->data;
    const float *mean = in[3]->data, *var = in[4]->data;
    int64_t c = j->c, hw = j->hw;
    float *y = j->ctx->out[0]->data;
    for (int64_t i = (int64_t)b; i < (int64_t)e; i++) {
        double a = scale[i % c] / sqrt((double)var[i % c] + j->eps);
        float af = (float)a, bf = (float)(bias[i % c] - mean[i % c] * a);
        for (int64_t k = 0; k < hw; k++)
            y[i * hw + k] = xp[i * hw + k] * af + bf;
    }
}

static seg_status batchnorm_run(segi_op_ctx *ctx)
{
    return run_planes(ctx, batchnorm_planes);
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

static void instancenorm_planes(void *ctx, size_t b, size_t e)
{
    const norm_job *j = ctx;
    const seg_tensor *const *in = j->ctx->in;
    const float *scale = in[1]->data, *bias = in[2]->data, *xp = in[0]->data;
    int64_t c = j->c, hw = j->hw;
    float *y = j->ctx->out[0]->data;
    for (int64_t i = (int64_t)b; i < (int64_t)e; i++) {
        double mean, inv;
        moments(xp + i * hw, hw, j->eps, &mean, &inv);
        float sa = (float)(scale[i % c] * inv);
        float sb = (float)(bias[i % c] - mean * scale[i % c] * inv);
        for (int64_t k = 0; k < hw; k++)
            y[i * hw + k] = xp[i * hw + k] * sa + sb;
    }
}

static seg_status instancenorm_run(segi_op_ctx *ctx)
{
    return run_planes(ctx, instancenorm_planes);
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
