/* Shape-steering inputs: presence, known values, integer and float lists, axes. */
#include "ops/value.h"

#include <math.h>
#include <string.h>

bool segi_value_present(const segi_op_ctx *ctx, int i)
{
    return i < ctx->n_in && ctx->in[i] != NULL;
}

size_t segi_value_count(const seg_tensor *t)
{
    return (size_t)segi_value_span(t->dims, 0, t->rank);
}

void segi_value_from_float(seg_dtype dtype, float v, void *out)
{
    union {
        float f;
        uint16_t h, u16;
        int64_t i64;
        int32_t i32;
        int8_t i8;
        uint8_t u8;
    } u;
    /* Clamp first: converting an out-of-range float to an integer is undefined. */
    double c = isnan(v) ? 0 : v < -9e18 ? -9e18 : v > 9e18 ? 9e18 : v;
    switch (dtype) {
    case SEG_DTYPE_F32: u.f = v; break;
    case SEG_DTYPE_F16: seg_f32_to_f16(&v, &u.h, 1); break;
    case SEG_DTYPE_I64: u.i64 = (int64_t)c; break;
    case SEG_DTYPE_I32: u.i32 = (int32_t)(int64_t)c; break;
    case SEG_DTYPE_I8: u.i8 = (int8_t)(int64_t)c; break;
    case SEG_DTYPE_U16: u.u16 = (uint16_t)(int64_t)c; break;
    case SEG_DTYPE_BOOL: u.u8 = v != 0; break;
    default: u.u8 = (uint8_t)(int64_t)c; break;
    }
    memcpy(out, &u, seg_dtype_size(dtype));
}

int64_t segi_value_span(const int64_t *dims, int from, int to)
{
    int64_t n = 1;
    for (int d = from; d < to; d++)
        n *= dims[d];
    return n;
}

seg_status segi_value_known(const segi_op_ctx *ctx, int i, const char *what)
{
    if (!segi_value_present(ctx, i))
        return segi_op_error(ctx, SEG_ERR_FORMAT, "input %d (%s) is missing", i, what);
    if (!ctx->in[i]->data)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                             "value of input %d (%s) is not known when planning; it must be "
                             "a constant or computed from shapes",
                             i, what);
    return SEG_OK;
}

static seg_status check_count(const segi_op_ctx *ctx, int i, const char *what, int cap,
                              int *n)
{
    seg_status st = segi_value_known(ctx, i, what);
    if (st != SEG_OK)
        return st;
    const seg_tensor *t = ctx->in[i];
    size_t count = segi_value_count(t);
    if (t->rank > 1)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input %d (%s) has rank %d, expected 0 or 1",
                             i, what, t->rank);
    if (count > (size_t)cap)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input %d (%s) has %zu values, at most %d",
                             i, what, count, cap);
    *n = (int)count;
    return SEG_OK;
}

seg_status segi_value_ints(const segi_op_ctx *ctx, int i, const char *what, int64_t *vals,
                           int cap, int *n)
{
    seg_status st = check_count(ctx, i, what, cap, n);
    if (st != SEG_OK)
        return st;
    const seg_tensor *t = ctx->in[i];
    if (t->dtype == SEG_DTYPE_I64) {
        const int64_t *p = t->data;
        for (int k = 0; k < *n; k++)
            vals[k] = p[k];
    } else if (t->dtype == SEG_DTYPE_I32) {
        const int32_t *p = t->data;
        for (int k = 0; k < *n; k++)
            vals[k] = p[k];
    } else {
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input %d (%s) has dtype %s, expected i64",
                             i, what, seg_dtype_name(t->dtype));
    }
    return SEG_OK;
}

seg_status segi_value_floats(const segi_op_ctx *ctx, int i, const char *what, float *vals,
                             int cap, int *n)
{
    seg_status st = check_count(ctx, i, what, cap, n);
    if (st != SEG_OK)
        return st;
    const seg_tensor *t = ctx->in[i];
    if (t->dtype == SEG_DTYPE_F32) {
        const float *p = t->data;
        for (int k = 0; k < *n; k++)
            vals[k] = p[k];
    } else if (t->dtype == SEG_DTYPE_F16) {
        seg_f16_to_f32(t->data, vals, (size_t)*n);
    } else {
        return segi_op_error(ctx, SEG_ERR_SHAPE, "input %d (%s) has dtype %s, expected f32",
                             i, what, seg_dtype_name(t->dtype));
    }
    return SEG_OK;
}

seg_status segi_value_axis(const segi_op_ctx *ctx, int64_t axis, int rank, const char *what,
                           int *out)
{
    if (axis < -(int64_t)rank || axis >= rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%s %lld is outside [%d, %d] for rank %d",
                             what, (long long)axis, -rank, rank - 1, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return SEG_OK;
}

seg_status segi_value_axes(const segi_op_ctx *ctx, int64_t *axes, int n, int rank,
                           const char *what)
{
    uint32_t seen = 0;
    for (int k = 0; k < n; k++) {
        int a = 0;
        seg_status st = segi_value_axis(ctx, axes[k], rank, what, &a);
        if (st != SEG_OK)
            return st;
        if (seen & (1u << a))
            return segi_op_error(ctx, SEG_ERR_SHAPE, "%s repeats axis %d", what, a);
        seen |= 1u << a;
        axes[k] = a;
    }
    return SEG_OK;
}
