/* Indexing operators: Gather, GatherElements, GatherND, ScatterND. Indices may be negative
 * (counting from the end); an index out of range fails naming the node, the position
 * and the allowed range. */
#include "ops/op.h"
#include "ops/value.h"

#include <string.h>

static seg_status check_index_dtype(segi_op_ctx *ctx, int i)
{
    seg_dtype dt = ctx->in[i]->dtype;
    if (dt != SEG_DTYPE_I64 && dt != SEG_DTYPE_I32)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "indices have dtype %s, expected i32 or i64",
                             seg_dtype_name(dt));
    return SEG_OK;
}

/* Index k of an i32 or i64 tensor, normalised into [0, n) or an error. */
static seg_status index_at(segi_op_ctx *ctx, const seg_tensor *t, size_t k, int64_t n,
                           int axis, int64_t *out)
{
    int64_t v = t->dtype == SEG_DTYPE_I64 ? ((const int64_t *)t->data)[k]
                                          : ((const int32_t *)t->data)[k];
    int64_t w = v < 0 ? v + n : v;
    if (w < 0 || w >= n)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "index %lld at position %zu is outside [%lld, %lld] for axis %d",
                             (long long)v, k, (long long)-n, (long long)n - 1, axis);
    *out = w;
    return SEG_OK;
}

static seg_status get_axis(segi_op_ctx *ctx, int *axis)
{
    return segi_value_axis(ctx, segi_op_attr_int(ctx, "axis", 0), ctx->in[0]->rank, "axis",
                           axis);
}

/* ---- Gather ---- */

static seg_status gather_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1];
    int axis;
    seg_status st = get_axis(ctx, &axis);
    if (st == SEG_OK)
        st = check_index_dtype(ctx, 1);
    if (st != SEG_OK)
        return st;
    int rank = x->rank - 1 + ind->rank;
    if (rank > SEG_MAX_RANK)
        return segi_op_error(ctx, SEG_ERR_LIMIT, "output rank %d exceeds %d", rank,
                             SEG_MAX_RANK);
    int64_t dims[SEG_MAX_RANK];
    int r = 0;
    for (int d = 0; d < axis; d++)
        dims[r++] = x->dims[d];
    for (int d = 0; d < ind->rank; d++)
        dims[r++] = ind->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        dims[r++] = x->dims[d];
    return segi_op_set_output(ctx, 0, x->dtype, rank, dims);
}

static seg_status gather_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1];
    int axis;
    seg_status st = get_axis(ctx, &axis);
    if (st != SEG_OK)
        return st;
    int64_t n = x->dims[axis], outer = segi_value_span(x->dims, 0, axis);
    size_t esize = seg_dtype_size(x->dtype);
    size_t inner = (size_t)segi_value_span(x->dims, axis + 1, x->rank) * esize;
    size_t count = segi_value_count(ind);
    const char *src = x->data;
    char *dst = ctx->out[0]->data;
    for (int64_t o = 0; o < outer; o++)
        for (size_t k = 0; k < count; k++) {
            int64_t i = 0;
            if ((st = index_at(ctx, ind, k, n, axis, &i)) != SEG_OK)
                return st;
            memcpy(dst, src + ((size_t)o * (size_t)n + (size_t)i) * inner, inner);
            dst += inner;
        }
    return SEG_OK;
}

/* ---- GatherElements ---- */

static seg_status gather_elements_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1];
    int axis;
    seg_status st = get_axis(ctx, &axis);
    if (st == SEG_OK)
        st = check_index_dtype(ctx, 1);
    if (st != SEG_OK)
        return st;
    if (ind->rank != x->rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "indices have rank %d, data has rank %d",
                             ind->rank, x->rank);
    for (int d = 0; d < x->rank; d++)
        if (d != axis && ind->dims[d] > x->dims[d])
            return segi_op_error(ctx, SEG_ERR_SHAPE,
                                 "indices dimension %d (%lld) exceeds data's (%lld)", d,
                                 (long long)ind->dims[d], (long long)x->dims[d]);
    return segi_op_set_output(ctx, 0, x->dtype, ind->rank, ind->dims);
}

static seg_status gather_elements_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1];
    int axis;
    seg_status st = get_axis(ctx, &axis);
    if (st != SEG_OK)
        return st;
    size_t esize = seg_dtype_size(x->dtype), count = segi_value_count(ind);
    int64_t strides[SEG_MAX_RANK], idx[SEG_MAX_RANK] = {0};
    int64_t s = 1;
    for (int d = x->rank - 1; d >= 0; d--) {
        strides[d] = s;
        s *= x->dims[d];
    }
    const char *src = x->data;
    char *dst = ctx->out[0]->data;
    int64_t base = 0;  /* data offset of idx with the axis coordinate left out */
    for (size_t k = 0; k < count; k++) {
        int64_t i = 0;
        if ((st = index_at(ctx, ind, k, x->dims[axis], axis, &i)) != SEG_OK)
            return st;
        memcpy(dst + k * esize, src + (size_t)(base + i * strides[axis]) * esize, esize);
        for (int d = ind->rank - 1; d >= 0; d--) {
            int64_t step = d == axis ? 0 : strides[d];
            base += step;
            if (++idx[d] < ind->dims[d])
                break;
            base -= step * idx[d];
            idx[d] = 0;
        }
    }
    return SEG_OK;
}

/* ---- GatherND, ScatterND ---- */

/* The element offset (in units of the slice below the indexed axes) that index tuple
 * `t` (k values) of `ind` addresses in dims[0..k-1]. */
static seg_status tuple_offset(segi_op_ctx *ctx, const seg_tensor *ind, size_t t, int k,
                               const int64_t *dims, int axis0, size_t *off)
{
    *off = 0;
    for (int d = 0; d < k; d++) {
        int64_t i = 0;
        seg_status st = index_at(ctx, ind, t * (size_t)k + (size_t)d, dims[d], axis0 + d, &i);
        if (st != SEG_OK)
            return st;
        *off = *off * (size_t)dims[d] + (size_t)i;
    }
    return SEG_OK;
}

static seg_status gather_nd_shape(segi_op_ctx *ctx, int *batch, int *k)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1];
    seg_status st = check_index_dtype(ctx, 1);
    if (st != SEG_OK)
        return st;
    int64_t b = segi_op_attr_int(ctx, "batch_dims", 0);
    int64_t last = ind->rank ? ind->dims[ind->rank - 1] : -1;
    if (b < 0 || b >= ind->rank || b >= x->rank || last < 1 || last > x->rank - b)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "batch_dims %lld and index length %lld do "
                             "not fit data rank %d and indices rank %d", (long long)b,
                             (long long)last, x->rank, ind->rank);
    for (int d = 0; d < b; d++)
        if (x->dims[d] != ind->dims[d])
            return segi_op_error(ctx, SEG_ERR_SHAPE, "batch dimension %d differs: data %lld, "
                                 "indices %lld", d, (long long)x->dims[d],
                                 (long long)ind->dims[d]);
    *batch = (int)b;
    *k = (int)last;
    return SEG_OK;
}

static seg_status gather_nd_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1];
    int b, k;
    seg_status st = gather_nd_shape(ctx, &b, &k);
    if (st != SEG_OK)
        return st;
    int64_t dims[2 * SEG_MAX_RANK];
    int r = 0;
    for (int d = 0; d < ind->rank - 1; d++)
        dims[r++] = ind->dims[d];
    for (int d = b + k; d < x->rank; d++)
        dims[r++] = x->dims[d];
    if (r > SEG_MAX_RANK)
        return segi_op_error(ctx, SEG_ERR_LIMIT, "output rank %d exceeds %d", r, SEG_MAX_RANK);
    return segi_op_set_output(ctx, 0, x->dtype, r, dims);
}

static seg_status gather_nd_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1];
    int b, k;
    seg_status st = gather_nd_shape(ctx, &b, &k);
    if (st != SEG_OK)
        return st;
    size_t esize = seg_dtype_size(x->dtype);
    size_t slice = (size_t)segi_value_span(x->dims, b + k, x->rank) * esize;
    size_t batches = (size_t)segi_value_span(x->dims, 0, b);
    size_t per_batch = (size_t)segi_value_span(ind->dims, b, ind->rank - 1);
    size_t batch_bytes = (size_t)segi_value_span(x->dims, b, x->rank) * esize;
    const char *src = x->data;
    char *dst = ctx->out[0]->data;
    for (size_t n = 0; n < batches; n++)
        for (size_t t = 0; t < per_batch; t++) {
            size_t off;
            if ((st = tuple_offset(ctx, ind, n * per_batch + t, k, x->dims + b, b, &off)) !=
                SEG_OK)
                return st;
            memcpy(dst, src + n * batch_bytes + off * slice, slice);
            dst += slice;
        }
    return SEG_OK;
}


typedef enum reduction { RED_NONE, RED_ADD, RED_MUL, RED_MAX, RED_MIN } reduction;

static seg_status get_reduction(segi_op_ctx *ctx, reduction *r)
{
    static const char *const names[] = {"none", "add", "mul", "max", "min"};
    const char *s = segi_op_attr_string(ctx, "reduction", "none");
    for (int k = 0; k < 5; k++)
        if (strcmp(s, names[k]) == 0) {
            *r = (reduction)k;
            seg_dtype dt = ctx->in[0]->dtype;
            if (k && dt != SEG_DTYPE_F32 && dt != SEG_DTYPE_I32 && dt != SEG_DTYPE_I64)
                return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "reduction %s on %s data", s,
                                     seg_dtype_name(dt));
            return SEG_OK;
        }
    return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "reduction '%s'", s);
}

static seg_status scatter_nd_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1], *upd = ctx->in[2];
    reduction red;
    seg_status st = check_index_dtype(ctx, 1);
    if (st == SEG_OK)
        st = get_reduction(ctx, &red);
    if (st != SEG_OK)
        return st;
    int64_t k = ind->rank ? ind->dims[ind->rank - 1] : -1;
    if (k < 0 || k > x->rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "indices' last dimension %lld is outside "
                             "[0, %d]", (long long)k, x->rank);
    int ok = upd->dtype == x->dtype && upd->rank == ind->rank - 1 + x->rank - (int)k;
    for (int d = 0; ok && d < upd->rank; d++)
        ok = upd->dims[d] == (d < ind->rank - 1 ? ind->dims[d]
                                                : x->dims[d - (ind->rank - 1) + k]);
    if (!ok) {
        char a[128];
        return segi_op_error(ctx, SEG_ERR_SHAPE, "updates %s %s do not fit data and indices",
                             seg_dtype_name(upd->dtype),
                             segi_shape_str(upd->rank, upd->dims, a, sizeof a));
    }
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, x->dims);
}

#define DEFINE_COMBINE(T)                                                                \
    static void combine_##T(T *dst, const T *src, size_t n, reduction r)                 \
    {                                                                                    \
        for (size_t i = 0; i < n; i++)                                                   \
            switch (r) {                                                                 \
            case RED_ADD: dst[i] += src[i]; break;                                       \
            case RED_MUL: dst[i] *= src[i]; break;                                       \
            case RED_MAX: dst[i] = src[i] > dst[i] ? src[i] : dst[i]; break;             \
            case RED_MIN: dst[i] = src[i] < dst[i] ? src[i] : dst[i]; break;             \
            default: dst[i] = src[i]; break;                                             \
            }                                                                            \
    }

DEFINE_COMBINE(float)
DEFINE_COMBINE(int32_t)
DEFINE_COMBINE(int64_t)

static void combine(seg_dtype dt, void *dst, const void *src, size_t n, size_t esize,
                    reduction r)
{
    if (r == RED_NONE)
        memcpy(dst, src, n * esize);
    else if (dt == SEG_DTYPE_F32)
        combine_float(dst, src, n, r);
    else if (dt == SEG_DTYPE_I32)
        combine_int32_t(dst, src, n, r);
    else
        combine_int64_t(dst, src, n, r);
}

static seg_status scatter_nd_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *ind = ctx->in[1], *upd = ctx->in[2];
    reduction red;
    seg_status st = get_reduction(ctx, &red);
    if (st != SEG_OK)
        return st;
    char *dst = ctx->out[0]->data;
    memcpy(dst, x->data, x->nbytes);
    int k = (int)ind->dims[ind->rank - 1];
    size_t esize = seg_dtype_size(x->dtype);
    size_t slice = (size_t)segi_value_span(x->dims, k, x->rank);
    size_t tuples = (size_t)segi_value_span(ind->dims, 0, ind->rank - 1);
    const char *src = upd->data;
    for (size_t t = 0; t < tuples; t++) {
        size_t off;
        if ((st = tuple_offset(ctx, ind, t, k, x->dims, 0, &off)) != SEG_OK)
            return st;
        combine(x->dtype, dst + off * slice * esize, src + t * slice * esize, slice, esize,
                red);
    }
    return SEG_OK;
}

const segi_op_def segi_ops_gather[] = {
    {"Gather", 2, 2, 1, 1, 0, gather_infer, gather_run},
    {"GatherElements", 2, 2, 1, 1, 0, gather_elements_infer, gather_elements_run},
    {"GatherND", 2, 2, 1, 1, 0, gather_nd_infer, gather_nd_run},
    {"ScatterND", 3, 3, 1, 1, 0, scatter_nd_infer, scatter_nd_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
