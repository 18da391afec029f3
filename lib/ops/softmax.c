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
    segi_axis_view v = {0};
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
static void softmax_slice(const float *x, float *y, segi_axis_view v, size_t i0, size_t i1,
                          float *max, float *sum, bool log_out)
{
    for (size_t i = i0; i < i1; i++) {
        max[i] = -INFINITY;
        sum[i] = 0;
    }
    for (size_t k = 0; k < v.n; k++)
        for (size_t i = i0; i < i1; i++) {
            const float e = x[k * v.inner + i];
            max[i] = e > max[i] || isnan(e) ? e : max[i];
        }
    for (size_t k = 0; k < v.n; k++)
        for (size_t i = i0; i < i1; i++) {
            const float e = expf(x[k * v.inner + i] - max[i]);
            if (!log_out)
                y[k * v.inner + i] = e;
            sum[i] += e;
        }
    if (log_out) {
        /* (x - max) - log(sum): adding max to log(sum) first would round it away */
        for (size_t i = i0; i < i1; i++)
            sum[i] = logf(sum[i]);
        for (size_t k = 0; k < v.n; k++)
            for (size_t i = i0; i < i1; i++)
                y[k * v.inner + i] = (x[k * v.inner + i] - max[i]) - sum[i];
    } else {
        for (size_t i = i0; i < i1; i++)
            sum[i] = 1.0f / sum[i];
        for (size_t k = 0; k < v.n; k++)
            for (size_t i = i0; i < i1; i++)
                y[k * v.inner + i] *= sum[i];
    }
}

typedef struct softmax_job {
    const float *x;
    float *y, *max, *sum;
    segi_axis_view v;
    size_t o;   /* the slice, when inner > 1 */
    bool log_out;
} softmax_job;

/* Rows [b, e) when inner == 1, else columns [b, e) of slice o: disjoint outputs and
 * disjoint max/sum entries, so threads never share one. */
static void softmax_range(void *ctx, size_t b, size_t e)
{
    const softmax_job *j = ctx;
    size_t slice = j->v.n * j->v.inner;
    if (j->v.inner == 1)
        for (size_t o = b; o < e; o++)
            softmax_row(j->x + o * slice, j->y + o * slice, j->v.n, j->log_out);
    else
        softmax_slice(j->x + j->o * slice, j->y + j->o * slice, j->v, b, e, j->max, j->sum,
                      j->log_out);
}

static seg_status softmax_run(segi_op_ctx *ctx, bool log_out)
{
    softmax_job j = {.x = ctx->in[0]->data, .y = ctx->out[0]->data, .log_out = log_out};
    seg_status st = view_of(ctx, &j.v);
    if (st != SEG_OK)
        return st;
    j.max = ctx->scratch;
    j.sum = j.max + j.v.inner;
    size_t grain = j.v.n < SEGI_ITER_GRAIN ? SEGI_ITER_GRAIN / (j.v.n ? j.v.n : 1) : 1;
    if (j.v.inner == 1)
        segi_pool_for(ctx->pool, j.v.outer, grain, softmax_range, &j);
    else
        for (j.o = 0; j.o < j.v.outer; j.o++)
            segi_pool_for(ctx->pool, j.v.inner, grain, softmax_range, &j);
    return SEG_OK;
}

static seg_status Softmax_run(segi_op_ctx *ctx) { return softmax_run(ctx, false); }
static seg_status LogSoftmax_run(segi_op_ctx *ctx) { return softmax_run(ctx, true); }

const segi_op_def segi_ops_softmax[] = {
    {"LogSoftmax", 1, 1, 1, 1, 0, softmax_infer, LogSoftmax_run},
    {"Softmax", 1, 1, 1, 1, 0, softmax_infer, Softmax_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
