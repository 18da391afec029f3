/* Joining and cutting along axes: Concat, Split, Slice. */
#include "ops/op.h"
#include "ops/strided.h"
#include "ops/value.h"

#include <limits.h>
#include <string.h>

/* ---- Concat ---- */

static seg_status concat_axis(segi_op_ctx *ctx, int *axis)
{
    const seg_tensor *x = ctx->in[0];
    if (!x)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "input 0 is missing");
    int64_t a = segi_op_attr_int(ctx, "axis", INT64_MAX);
    if (a == INT64_MAX)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "attribute 'axis' is required");
    return segi_value_axis(ctx, a, x->rank, "axis", axis);
}

static seg_status concat_infer(segi_op_ctx *ctx)
{
    int axis;
    seg_status st = concat_axis(ctx, &axis);
    if (st != SEG_OK)
        return st;
    const seg_tensor *x = ctx->in[0];
    int64_t dims[SEG_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    dims[axis] = 0;
    for (int i = 0; i < ctx->n_in; i++) {
        const seg_tensor *t = ctx->in[i];
        if (!t)
            return segi_op_error(ctx, SEG_ERR_FORMAT, "input %d is missing", i);
        int ok = t->dtype == x->dtype && t->rank == x->rank;
        for (int d = 0; ok && d < x->rank; d++)
            ok = d == axis || t->dims[d] == x->dims[d];
        if (!ok) {
            char a[128], b[128];
            return segi_op_error(ctx, SEG_ERR_SHAPE,
                                 "input %d (%s %s) does not match input 0 (%s %s) off axis %d",
                                 i, seg_dtype_name(t->dtype),
                                 segi_shape_str(t->rank, t->dims, a, sizeof a),
                                 seg_dtype_name(x->dtype),
                                 segi_shape_str(x->rank, x->dims, b, sizeof b), axis);
        }
        dims[axis] += t->dims[axis];
    }
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, dims);
}

typedef struct concat_job {
    const segi_op_ctx *ctx;
    int axis;
    size_t esize, row, total;  /* bytes of one output row (from axis on) and in all */
} concat_job;

#define CONCAT_BLOCK 16384  /* bytes per unit of work */

/* Output bytes [b, e) in blocks: each part of a row comes from the input whose slice
 * of the row it is, found by walking the inputs (no table: run allocates nothing). */
static void concat_range(void *ctx, size_t b, size_t e)
{
    const concat_job *j = ctx;
    char *dst = j->ctx->out[0]->data;
    size_t at = b * CONCAT_BLOCK, end = e * CONCAT_BLOCK < j->total ? e * CONCAT_BLOCK
                                                                    : j->total;
    while (at < end) {
        size_t o = at / j->row, r = at % j->row, start = 0, chunk = 0;
        int i = 0;
        for (;; i++) {
            const seg_tensor *t = j->ctx->in[i];
            chunk = (size_t)segi_value_span(t->dims, j->axis, t->rank) * j->esize;
            if (r < start + chunk)
                break;
            start += chunk;
        }
        size_t len = start + chunk - r < end - at ? start + chunk - r : end - at;
        memcpy(dst + at, (const char *)j->ctx->in[i]->data + o * chunk + (r - start), len);
        at += len;
    }
}

static seg_status concat_run(segi_op_ctx *ctx)
{
    int axis;
    seg_status st = concat_axis(ctx, &axis);
    if (st != SEG_OK)
        return st;
    const seg_tensor *y = ctx->out[0];
    concat_job j = {ctx, axis, seg_dtype_size(y->dtype), 0, y->nbytes};
    j.row = (size_t)segi_value_span(y->dims, axis, y->rank) * j.esize;
    if (j.total && j.row)
        segi_pool_for(ctx->pool, (j.total + CONCAT_BLOCK - 1) / CONCAT_BLOCK, 16,
                      concat_range, &j);
    return SEG_OK;
}

static seg_status split_sizes(segi_op_ctx *ctx, int *axis, int64_t *sizes)
{
    const seg_tensor *x = ctx->in[0];
    seg_status st = segi_value_axis(ctx, segi_op_attr_int(ctx, "axis", 0), x->rank, "axis",
                                    axis);
    if (st != SEG_OK)
        return st;
    int64_t dim = x->dims[*axis];
    int n = -1;
    if (ctx->node->opset < 13) {
        const int64_t *v;
        n = segi_op_attr_ints(ctx, "split", &v);
        for (int k = 0; k < n && k < ctx->n_out; k++)
            sizes[k] = v[k];
    } else if (segi_value_present(ctx, 1)) {
        st = segi_value_ints(ctx, 1, "split", sizes, ctx->n_out, &n);
        if (st != SEG_OK)
            return st;
        n = n ? n : -1;  /* an empty split is no split */
    }
    if (n < 0) {
        int64_t parts = segi_op_attr_int(ctx, "num_outputs", ctx->n_out);
        if (parts != ctx->n_out)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "num_outputs %lld but %d outputs",
                                 (long long)parts, ctx->n_out);
        int64_t chunk = (dim + parts - 1) / parts;
        for (int k = 0; k < ctx->n_out; k++) {
            int64_t left = dim - chunk * k;
            sizes[k] = left < 0 ? 0 : left < chunk ? left : chunk;
        }
        n = ctx->n_out;
    }
    if (n != ctx->n_out)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "split has %d sizes for %d outputs", n,
                             ctx->n_out);
    int64_t total = 0;
    for (int k = 0; k < n; k++) {
        if (sizes[k] < 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "split[%d] is negative (%lld)", k,
                                 (long long)sizes[k]);
        total += sizes[k];
    }
    if (total != dim)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "split sizes add up to %lld, axis %d has %lld",
                             (long long)total, *axis, (long long)dim);
    return SEG_OK;
}

static seg_status split_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t sizes[64];
    int axis;
    seg_status st = split_sizes(ctx, &axis, sizes);
    int64_t dims[SEG_MAX_RANK];
    memcpy(dims, x->dims, sizeof dims);
    for (int k = 0; k < ctx->n_out && st == SEG_OK; k++) {
        dims[axis] = sizes[k];
        st = segi_op_set_output(ctx, k, x->dtype, x->rank, dims);
    }
    return st;
}

static seg_status split_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t sizes[64];
    int axis;
    seg_status st = split_sizes(ctx, &axis, sizes);
    if (st != SEG_OK)
        return st;
    size_t esize = seg_dtype_size(x->dtype);
    int64_t outer = segi_value_span(x->dims, 0, axis);
    size_t inner = (size_t)segi_value_span(x->dims, axis + 1, x->rank) * esize;
    size_t row = (size_t)x->dims[axis] * inner;
    const char *src = x->data;
    size_t at = 0;
    for (int k = 0; k < ctx->n_out; k++) {
        size_t chunk = (size_t)sizes[k] * inner;
        char *dst = ctx->out[k] ? ctx->out[k]->data : NULL;
        for (int64_t o = 0; dst && o < outer && chunk; o++)
            memcpy(dst + (size_t)o * chunk, src + (size_t)o * row + at, chunk);
        at += chunk;
    }
    return SEG_OK;
}

/* ---- Slice ---- */

typedef struct slice_plan {
    int64_t start[SEG_MAX_RANK], step[SEG_MAX_RANK], count[SEG_MAX_RANK];
} slice_plan;

/* starts/ends/axes/steps: attributes before opset 10, inputs 1-4 after. */
static seg_status slice_args(segi_op_ctx *ctx, int64_t v[4][SEG_MAX_RANK], int n[4])
{
    static const char *const names[4] = {"starts", "ends", "axes", "steps"};
    for (int k = 0; k < 4; k++) {
        n[k] = -1;
        if (ctx->node->opset < 10) {
            const int64_t *a;
            n[k] = segi_op_attr_ints(ctx, names[k], &a);
            if (n[k] > SEG_MAX_RANK)
                return segi_op_error(ctx, SEG_ERR_SHAPE, "%s has %d values, at most %d",
                                     names[k], n[k], SEG_MAX_RANK);
            for (int i = 0; i < n[k]; i++)
                v[k][i] = a[i];
        } else if (segi_value_present(ctx, k + 1)) {
            seg_status st = segi_value_ints(ctx, k + 1, names[k], v[k], SEG_MAX_RANK, &n[k]);
            if (st != SEG_OK)
                return st;
        }
    }
    if (n[0] < 0 || n[1] < 0)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "starts and ends are required");
    for (int k = 1; k < 4; k++)
        if (n[k] >= 0 && n[k] != n[0])
            return segi_op_error(ctx, SEG_ERR_SHAPE, "%d %s for %d starts", n[k], names[k],
                                 n[0]);
    return SEG_OK;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static seg_status slice_plan_make(segi_op_ctx *ctx, slice_plan *p)
{
    const seg_tensor *x = ctx->in[0];
    int64_t v[4][SEG_MAX_RANK];
    int n[4];
    seg_status st = slice_args(ctx, v, n);
    if (st != SEG_OK)
        return st;
    if (n[2] < 0)
        for (int k = 0; k < n[0]; k++)
            v[2][k] = k;
    st = segi_value_axes(ctx, v[2], n[0], x->rank, "axes");
    if (st != SEG_OK)
        return st;
    for (int d = 0; d < x->rank; d++) {
        p->start[d] = 0;
        p->step[d] = 1;
        p->count[d] = x->dims[d];
    }
    for (int k = 0; k < n[0]; k++) {
        int d = (int)v[2][k];
        int64_t dim = x->dims[d], start = v[0][k], end = v[1][k];
        int64_t step = n[3] >= 0 ? v[3][k] : 1;
        if (step == 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "step for axis %d is 0", d);
        if (start < 0)
            start += dim;
        if (end < 0)
            end += dim;
        uint64_t diff, ustep;
        if (step > 0) {
            start = clamp64(start, 0, dim);
            end = clamp64(end, 0, dim);
            diff = end > start ? (uint64_t)(end - start) : 0;
            ustep = (uint64_t)step;
        } else {
            start = clamp64(start, 0, dim - 1);
            end = clamp64(end, -1, dim - 1);
            diff = start > end ? (uint64_t)(start - end) : 0;
            ustep = 0 - (uint64_t)step;
        }
        p->start[d] = start;
        p->step[d] = step;
        p->count[d] = (int64_t)((diff + ustep - 1) / ustep);
    }
    return SEG_OK;
}

static seg_status slice_infer(segi_op_ctx *ctx)
{
    slice_plan p;
    seg_status st = slice_plan_make(ctx, &p);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, ctx->in[0]->dtype, ctx->in[0]->rank, p.count);
}

static seg_status slice_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    slice_plan p;
    seg_status st = slice_plan_make(ctx, &p);
    if (st != SEG_OK || segi_value_count(ctx->out[0]) == 0)
        return st;
    int64_t stride = 1, base = 0, strides[SEG_MAX_RANK];
    for (int d = x->rank - 1; d >= 0; d--) {
        base += p.start[d] * stride;
        strides[d] = p.step[d] * stride;
        stride *= x->dims[d];
    }
    size_t esize = seg_dtype_size(x->dtype);
    segi_strided_copy(ctx->out[0]->data, (const char *)x->data + (size_t)base * esize, esize,
                      x->rank, p.count, strides);
    return SEG_OK;
}

const segi_op_def segi_ops_concat[] = {
    {"Concat", 1, INT_MAX, 1, 1, 0, concat_infer, concat_run},
    {"Slice", 1, 5, 1, 1, 0x1e, slice_infer, slice_run},
    {"Split", 1, 2, 1, 64, 0x2, split_infer, split_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
