/*
 * Softmax and LogSoftmax.
 *
 * Opset 13 on normalises along `axis` (default -1). Before opset 13 the input is
 * coerced to 2-D [prod(dims[:axis]), prod(dims[axis:])] (default axis 1) and each row
 * is normalised as a whole. Both are the view [outer, n, inner] with inner = 1 for
 * the old semantics. The maximum is subtracted before exponentiating, so large
 * inputs do not overflow; a NaN in a slice makes that slice NaN.
 */
#include "ops/iter.h"

#include <math.h>

static seg_status view_of(const segi_op_ctx *ctx, segi_axis_view *v)
{
    const seg_tensor *x = ctx->in[0];
    if (x->dtype != SEG_DTYPE_F32)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s is not supported",
                             seg_dtype_name(x->dtype));
    const bool per_axis = ctx->node->opset >= 13;
    int axis;
    int rank = x->rank > 0 ? x->rank : 1; /* a scalar is one slice of one element */
    const int64_t one = 1, *dims = x->rank > 0 ? x->dims : &one;
    const int64_t axis_attr = segi_op_attr_int(ctx, "axis", per_axis ? -1 : 1);
    seg_status st = segi_axis_normalize(ctx, "axis", axis_attr, rank, &axis);
    if (st != SEG_OK)
        return st;
    *v = segi_axis_split(rank, dims, axis);
    if (!per_axis) {
        v->n *= v->inner;
        v->inner = 1;
    }
    return SEG_OK;
}

static seg_status softmax_infer(segi_op_ctx *ctx)
{
    segi_axis_view v;
    seg_status st = view_of(ctx, &v);
    if (st != SEG_OK)
        return st;
    ctx->scratch_bytes = 2 * v.inner * sizeof(float);
    const seg_tensor *x = ctx->in[0];
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, x->dims);
}

/* One contiguous slice (inner == 1, the common last-axis case): scalar accumulators. */
static void softmax_row(const float *x, float *y, size_t n, bool log_out)
{
    float max = -INFINITY, sum = 0;
    for (size_t k = 0; k < n; k++)
        max = x[k] > max || isnan(x[k]) ? x[k] : max;
    for (size_t k = 0; k < n; k++) {
        const float e = expf(x[k] - max);
        if (!log_out)
            y[k] = e;
        sum += e;
    }
    if (log_out) {
        const float log_sum = logf(sum); /* (x - max) - log(sum), see softmax_slice */
        for (size_t k = 0; k < n; k++)
            y[k] = (x[k] - max) - log_sum;
        return;
    }
    const float scale = 1.0f / sum;
    for (size_t k = 0; k < n; k++)
        y[k] *= scale;
}

/* One [n, inner] slice: per inner position, the max and the sum of exponentials are
 * accumulated row by row so the loops walk memory in order. */
static void softmax_slice(const float *x, float *y, segi_axis_view v, float *max, float *sum,
                          bool log_out)
{
    for (size_t i = 0; i < v.inner; i++) {
        max[i] = -INFINITY;
        sum[i] = 0;
    }
    for (size_t k = 0; k < v.n; k++)
        for (size_t i = 0; i < v.inner; i++) {
            const float e = x[k * v.inner + i];
            max[i] = e > max[i] || isnan(e) ? e : max[i];
        }
    for (size_t k = 0; k < v.n; k++)
        for (size_t i = 0; i < v.inner; i++) {
            const float e = expf(x[k * v.inner + i] - max[i]);
            if (!log_out)
                y[k * v.inner + i] = e;
            sum[i] += e;
        }
    if (log_out) {
        /* (x - max) - log(sum): adding max to log(sum) first would round it away */
        for (size_t i = 0; i < v.inner; i++)
            sum[i] = logf(sum[i]);
        for (size_t k = 0; k < v.n; k++)
            for (size_t i = 0; i < v.inner; i++)
                y[k * v.inner + i] = (x[k * v.inner + i] - max[i]) - sum[i];
    } else {
        for (size_t i = 0; i < v.inner; i++)
            sum[i] = 1.0f / sum[i];
        for (size_t k = 0; k < v.n; k++)
            for (size_t i = 0; i < v.inner; i++)
                y[k * v.inner + i] *= sum[i];
    }
}

static seg_status softmax_run(segi_op_ctx *ctx, bool log_out)
{
    segi_axis_view v;
    seg_status st = view_of(ctx, &v);
    if (st != SEG_OK)
        return st;
    const float *x = ctx->in[0]->data;
    float *y = ctx->out[0]->data;
    float *max = ctx->scratch, *sum = max + v.inner;
    const size_t slice = v.n * v.inner;
    for (size_t o = 0; o < v.outer; o++) {
        if (v.inner == 1)
            softmax_row(x + o * slice, y + o * slice, v.n, log_out);
        else
            softmax_slice(x + o * slice, y + o * slice, v, max, sum, log_out);
    }
    return SEG_OK;
}

static seg_status Softmax_run(segi_op_ctx *ctx) { return softmax_run(ctx, false); }
static seg_status LogSoftmax_run(segi_op_ctx *ctx) { return softmax_run(ctx, true); }

const segi_op_def segi_ops_softmax[] = {
    {"LogSoftmax", 1, 1, 1, 1, 0, softmax_infer, LogSoftmax_run},
    {"Softmax", 1, 1, 1, 1, 0, softmax_infer, Softmax_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
