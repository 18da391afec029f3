/* Shape operators: Shape, Size, Reshape, Flatten, Squeeze, Unsqueeze, Transpose,
 * Expand, Tile, Identity, Dropout.
 *
 * Shape and Size read only their input's shape, never its data, so the planner can
 * evaluate them as soon as shapes are known; Reshape, Expand, Tile and the axes inputs
 * of Squeeze/Unsqueeze are value inputs, which lets PyTorch's Shape -> Gather ->
 * Concat -> Reshape chains fold into constants. */
#include "ops/op.h"
#include "ops/strided.h"
#include "ops/value.h"

#include <string.h>

/* Outputs that are the input's bytes under another shape. */
static seg_status copy_run(segi_op_ctx *ctx)
{
    if (ctx->out[0]->data != ctx->in[0]->data)
        memcpy(ctx->out[0]->data, ctx->in[0]->data, ctx->out[0]->nbytes);
    return SEG_OK;
}

static seg_status same_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, x->dims);
}

/* ---- Shape, Size ---- */

/* Opset 15's start/end slice the shape like Python indices, clamped. */
static void shape_range(const segi_op_ctx *ctx, int rank, int64_t *start, int64_t *end)
{
    int64_t s = segi_op_attr_int(ctx, "start", 0), e = segi_op_attr_int(ctx, "end", rank);
    if (s < 0)
        s += rank;
    if (e < 0)
        e += rank;
    s = s < 0 ? 0 : s > rank ? rank : s;
    e = e < 0 ? 0 : e > rank ? rank : e;
    *start = s;
    *end = e > s ? e : s;
}

static seg_status shape_infer(segi_op_ctx *ctx)
{
    int64_t s, e;
    shape_range(ctx, ctx->in[0]->rank, &s, &e);
    int64_t n = e - s;
    return segi_op_set_output(ctx, 0, SEG_DTYPE_I64, 1, &n);
}

static seg_status shape_run(segi_op_ctx *ctx)
{
    int64_t s, e;
    shape_range(ctx, ctx->in[0]->rank, &s, &e);
    int64_t *y = ctx->out[0]->data;
    for (int64_t d = s; d < e; d++)
        y[d - s] = ctx->in[0]->dims[d];
    return SEG_OK;
}

static seg_status size_infer(segi_op_ctx *ctx)
{
    return segi_op_set_output(ctx, 0, SEG_DTYPE_I64, 0, NULL);
}

static seg_status size_run(segi_op_ctx *ctx)
{
    *(int64_t *)ctx->out[0]->data = (int64_t)segi_value_count(ctx->in[0]);
    return SEG_OK;
}

/* ---- Reshape ---- */

static seg_status reshape_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t dims[SEG_MAX_RANK];
    int n;
    seg_status st = segi_value_ints(ctx, 1, "shape", dims, SEG_MAX_RANK, &n);
    if (st != SEG_OK)
        return st;
    int allowzero = segi_op_attr_int(ctx, "allowzero", 0) != 0;
    int infer_at = -1;
    int64_t known = 1;
    char a[128], b[128];
    for (int d = 0; d < n; d++) {
        if (dims[d] == 0 && !allowzero) {
            if (d >= x->rank)
                return segi_op_error(ctx, SEG_ERR_SHAPE,
                                     "shape %s copies dimension %d of input %s, which has "
                                     "rank %d",
                                     segi_shape_str(n, dims, a, sizeof a), d,
                                     segi_shape_str(x->rank, x->dims, b, sizeof b), x->rank);
            dims[d] = x->dims[d];
        }
        if (dims[d] == -1) {
            if (infer_at >= 0)
                return segi_op_error(ctx, SEG_ERR_SHAPE, "shape %s has more than one -1",
                                     segi_shape_str(n, dims, a, sizeof a));
            infer_at = d;
        } else if (dims[d] < 0) {
            return segi_op_error(ctx, SEG_ERR_SHAPE, "shape %s has negative dimension %lld",
                                 segi_shape_str(n, dims, a, sizeof a), (long long)dims[d]);
        } else if (__builtin_mul_overflow(known, dims[d], &known)) {
            return segi_op_error(ctx, SEG_ERR_LIMIT, "shape %s overflows",
                                 segi_shape_str(n, dims, a, sizeof a));
        }
    }
    int64_t count = (int64_t)segi_value_count(x);
    int ok = infer_at >= 0 ? known != 0 && count % known == 0 : known == count;
    if (!ok)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "cannot reshape input %s (%lld elements) to %s",
                             segi_shape_str(x->rank, x->dims, b, sizeof b), (long long)count,
                             segi_shape_str(n, dims, a, sizeof a));
    if (infer_at >= 0)
        dims[infer_at] = count / known;
    return segi_op_set_output(ctx, 0, x->dtype, n, dims);
}

/* ---- Flatten ---- */

static seg_status flatten_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t axis = segi_op_attr_int(ctx, "axis", 1);
    if (axis < -(int64_t)x->rank || axis > x->rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "axis %lld is outside [%d, %d]",
                             (long long)axis, -x->rank, x->rank);
    if (axis < 0)
        axis += x->rank;
    int64_t dims[2] = {1, 1};
    for (int d = 0; d < x->rank; d++)
        dims[d >= axis] *= x->dims[d];
    return segi_op_set_output(ctx, 0, x->dtype, 2, dims);
}

/* ---- Squeeze, Unsqueeze ---- */

/* The axes of Squeeze/Unsqueeze: an attribute before opset 13, input 1 after.
 * *n is -1 when none were given. */
static seg_status get_axes(segi_op_ctx *ctx, int64_t *axes, int *n)
{
    if (ctx->node->opset < 13) {
        const int64_t *v;
        *n = segi_op_attr_ints(ctx, "axes", &v);
        if (*n > SEG_MAX_RANK)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "%d axes, at most %d", *n, SEG_MAX_RANK);
        for (int k = 0; k < *n; k++)
            axes[k] = v[k];
        return SEG_OK;
    }
    *n = -1;
    if (!segi_value_present(ctx, 1))
        return SEG_OK;
    return segi_value_ints(ctx, 1, "axes", axes, SEG_MAX_RANK, n);
}

static seg_status squeeze_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t axes[SEG_MAX_RANK];
    int n;
    seg_status st = get_axes(ctx, axes, &n);
    if (n == 0)
        n = -1;  /* empty axes squeeze every size-1 axis, as when absent (ONNX Runtime) */
    if (st == SEG_OK && n >= 0)
        st = segi_value_axes(ctx, axes, n, x->rank, "axes");
    if (st != SEG_OK)
        return st;
    uint32_t drop = 0;
    for (int k = 0; k < n; k++) {
        if (x->dims[axes[k]] != 1)
            return segi_op_error(ctx, SEG_ERR_SHAPE,
                                 "cannot squeeze axis %lld of size %lld",
                                 (long long)axes[k], (long long)x->dims[axes[k]]);
        drop |= 1u << axes[k];
    }
    int64_t dims[SEG_MAX_RANK];
    int r = 0;
    for (int d = 0; d < x->rank; d++)
        if (n >= 0 ? !(drop & (1u << d)) : x->dims[d] != 1)
            dims[r++] = x->dims[d];
    return segi_op_set_output(ctx, 0, x->dtype, r, dims);
}

static seg_status unsqueeze_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t axes[SEG_MAX_RANK];
    int n;
    seg_status st = get_axes(ctx, axes, &n);
    if (st != SEG_OK)
        return st;
    if (n < 0)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "axes are required");
    int rank = x->rank + n;
    if (rank > SEG_MAX_RANK)
        return segi_op_error(ctx, SEG_ERR_LIMIT, "output rank %d exceeds %d", rank,
                             SEG_MAX_RANK);
    st = segi_value_axes(ctx, axes, n, rank, "axes");
    if (st != SEG_OK)
        return st;
    uint32_t add = 0;
    for (int k = 0; k < n; k++)
        add |= 1u << axes[k];
    int64_t dims[SEG_MAX_RANK];
    for (int d = 0, s = 0; d < rank; d++)
        dims[d] = (add & (1u << d)) ? 1 : x->dims[s++];
    return segi_op_set_output(ctx, 0, x->dtype, rank, dims);
}

/* ---- Transpose ---- */

static seg_status get_perm(const segi_op_ctx *ctx, int rank, int *perm)
{
    const int64_t *v;
    int n = segi_op_attr_ints(ctx, "perm", &v);
    if (n < 0) {
        for (int d = 0; d < rank; d++)
            perm[d] = rank - 1 - d;
        return SEG_OK;
    }
    uint32_t seen = 0;
    int ok = n == rank;
    for (int d = 0; ok && d < n; d++) {
        ok = v[d] >= 0 && v[d] < rank && !(seen & (1u << v[d]));
        if (ok) {
            seen |= 1u << v[d];
            perm[d] = (int)v[d];
        }
    }
    if (!ok) {
        char buf[128];
        return segi_op_error(ctx, SEG_ERR_SHAPE, "perm %s is not a permutation of 0..%d",
                             segi_shape_str(n, v, buf, sizeof buf), rank - 1);
    }
    return SEG_OK;
}

static seg_status transpose_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int perm[SEG_MAX_RANK];
    seg_status st = get_perm(ctx, x->rank, perm);
    if (st != SEG_OK)
        return st;
    int64_t dims[SEG_MAX_RANK];
    for (int d = 0; d < x->rank; d++)
        dims[d] = x->dims[perm[d]];
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, dims);
}

/* Dense C-order strides of a shape, in elements. */
static void dense_strides(int rank, const int64_t *dims, int64_t *strides)
{
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        strides[d] = s;
        s *= dims[d];
    }
}

static seg_status transpose_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int perm[SEG_MAX_RANK];
    seg_status st = get_perm(ctx, x->rank, perm);
    if (st != SEG_OK)
        return st;
    int64_t in_strides[SEG_MAX_RANK], strides[SEG_MAX_RANK];
    dense_strides(x->rank, x->dims, in_strides);
    for (int d = 0; d < x->rank; d++)
        strides[d] = in_strides[perm[d]];
    segi_strided_copy(ctx->out[0]->data, x->data, seg_dtype_size(x->dtype), x->rank,
                      ctx->out[0]->dims, strides);
    return SEG_OK;
}

/* ---- Expand ---- */

static seg_status expand_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t shape[SEG_MAX_RANK], dims[SEG_MAX_RANK];
    int n;
    seg_status st = segi_value_ints(ctx, 1, "shape", shape, SEG_MAX_RANK, &n);
    if (st != SEG_OK)
        return st;
    int rank = n > x->rank ? n : x->rank;
    for (int d = 0; d < rank; d++) {
        int dx = d - (rank - x->rank), ds = d - (rank - n);
        int64_t a = dx >= 0 ? x->dims[dx] : 1, b = ds >= 0 ? shape[ds] : 1;
        if (a != b && a != 1 && b != 1) {
            char s1[128], s2[128];
            return segi_op_error(ctx, SEG_ERR_SHAPE, "cannot expand input %s to shape %s",
                                 segi_shape_str(x->rank, x->dims, s1, sizeof s1),
                                 segi_shape_str(n, shape, s2, sizeof s2));
        }
        if (b < 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "shape has negative dimension %lld",
                                 (long long)b);
        dims[d] = a == 1 ? b : a;
    }
    return segi_op_set_output(ctx, 0, x->dtype, rank, dims);
}

static seg_status expand_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    const seg_tensor *y = ctx->out[0];
    int64_t in_strides[SEG_MAX_RANK], strides[SEG_MAX_RANK];
    dense_strides(x->rank, x->dims, in_strides);
    int lead = y->rank - x->rank;
    for (int d = 0; d < y->rank; d++)
        strides[d] = d < lead || x->dims[d - lead] == 1 ? 0 : in_strides[d - lead];
    segi_strided_copy(y->data, x->data, seg_dtype_size(x->dtype), y->rank, y->dims, strides);
    return SEG_OK;
}

/* ---- Tile ---- */

static seg_status tile_repeats(segi_op_ctx *ctx, int64_t *reps)
{
    const seg_tensor *x = ctx->in[0];
    int n;
    seg_status st = segi_value_ints(ctx, 1, "repeats", reps, SEG_MAX_RANK, &n);
    if (st != SEG_OK)
        return st;
    if (n != x->rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%d repeats for input of rank %d", n,
                             x->rank);
    for (int d = 0; d < n; d++)
        if (reps[d] < 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "repeats[%d] is negative (%lld)", d,
                                 (long long)reps[d]);
    return SEG_OK;
}

static seg_status tile_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t reps[SEG_MAX_RANK], dims[SEG_MAX_RANK];
    seg_status st = tile_repeats(ctx, reps);
    if (st != SEG_OK)
        return st;
    for (int d = 0; d < x->rank; d++) {
        if (reps[d] && x->dims[d] > INT64_MAX / reps[d])
            return segi_op_error(ctx, SEG_ERR_LIMIT, "axis %d overflows", d);
        dims[d] = x->dims[d] * reps[d];
    }
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, dims);
}

/* Output axis d viewed as (repeat, index) pairs: a broadcast over the repeats of a
 * strided read of the input. */
static seg_status tile_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    int64_t reps[SEG_MAX_RANK], in_strides[SEG_MAX_RANK];
    int64_t dims[2 * SEG_MAX_RANK], strides[2 * SEG_MAX_RANK];
    seg_status st = tile_repeats(ctx, reps);
    if (st != SEG_OK)
        return st;
    dense_strides(x->rank, x->dims, in_strides);
    for (int d = 0; d < x->rank; d++) {
        dims[2 * d] = reps[d];
        strides[2 * d] = 0;
        dims[2 * d + 1] = x->dims[d];
        strides[2 * d + 1] = in_strides[d];
    }
    segi_strided_copy(ctx->out[0]->data, x->data, seg_dtype_size(x->dtype), 2 * x->rank, dims,
                      strides);
    return SEG_OK;
}

/* ---- Dropout (inference) ---- */

/* Opset 12 moved ratio and training_mode to inputs; training with a non-zero ratio
 * is random and not what an inference library does. */
static seg_status dropout_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    if (segi_value_present(ctx, 2)) {
        seg_status st = segi_value_known(ctx, 2, "training_mode");
        if (st != SEG_OK)
            return st;
        float ratio = 0.5f;
        int n = 0;
        if (segi_value_present(ctx, 1) &&
            (st = segi_value_floats(ctx, 1, "ratio", &ratio, 1, &n)) != SEG_OK)
            return st;
        if (*(const uint8_t *)ctx->in[2]->data && ratio != 0.0f)
            return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                                 "training_mode with ratio %g is not supported", ratio);
    }
    seg_status st = segi_op_set_output(ctx, 0, x->dtype, x->rank, x->dims);
    if (st == SEG_OK && ctx->n_out > 1) {
        seg_dtype mask = ctx->node->opset < 10 ? x->dtype : SEG_DTYPE_BOOL;
        st = segi_op_set_output(ctx, 1, mask, x->rank, x->dims);
    }
    return st;
}

static seg_status dropout_run(segi_op_ctx *ctx)
{
    copy_run(ctx);
    if (ctx->n_out < 2 || !ctx->out[1])
        return SEG_OK;
    seg_tensor *mask = ctx->out[1];
    size_t n = segi_value_count(mask);
    if (mask->dtype == SEG_DTYPE_BOOL) {
        memset(mask->data, 1, n);
    } else {
        /* Before opset 10 the mask had the input's float type. */
        float one = 1.0f;
        uint16_t half;
        seg_f32_to_f16(&one, &half, 1);
        const void *v = mask->dtype == SEG_DTYPE_F16 ? (const void *)&half
                                                     : (const void *)&one;
        segi_fill_elems(mask->data, v, seg_dtype_size(mask->dtype), n);
    }
    return SEG_OK;
}

const segi_op_def segi_ops_shape[] = {
    {"Dropout", 1, 3, 1, 2, 0x6, dropout_infer, dropout_run},
    {"Expand", 2, 2, 1, 1, 0x2, expand_infer, expand_run},
    {"Flatten", 1, 1, 1, 1, 0, flatten_infer, copy_run},
    {"Identity", 1, 1, 1, 1, 0, same_infer, copy_run},
    {"Reshape", 2, 2, 1, 1, 0x2, reshape_infer, copy_run},
    {"Shape", 1, 1, 1, 1, 0, shape_infer, shape_run},
    {"Size", 1, 1, 1, 1, 0, size_infer, size_run},
    {"Squeeze", 1, 2, 1, 1, 0x2, squeeze_infer, copy_run},
    {"Tile", 2, 2, 1, 1, 0x2, tile_infer, tile_run},
    {"Transpose", 1, 1, 1, 1, 0, transpose_infer, transpose_run},
    {"Unsqueeze", 1, 2, 1, 1, 0x2, unsqueeze_infer, copy_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
