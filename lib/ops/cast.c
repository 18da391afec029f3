/* Values made from attributes and conversions: Cast, CastLike, Constant,
 * ConstantOfShape, Range.
 *
 * Cast follows NumPy's astype: float to integer truncates toward zero (NaN gives 0,
 * out-of-range values saturate to int64 and then wrap), integer to narrower integer
 * wraps, anything to bool is "!= 0". */
#include "ops/op.h"
#include "ops/strided.h"
#include "ops/value.h"

#include <math.h>
#include <string.h>

static int is_float(seg_dtype dt)
{
    return dt == SEG_DTYPE_F32 || dt == SEG_DTYPE_F16;
}

static double load_float(const void *p, seg_dtype dt, size_t k)
{
    if (dt == SEG_DTYPE_F32)
        return ((const float *)p)[k];
    float f;
    seg_f16_to_f32((const uint16_t *)p + k, &f, 1);
    return f;
}

static int64_t load_int(const void *p, seg_dtype dt, size_t k)
{
    switch (dt) {
    case SEG_DTYPE_I64: return ((const int64_t *)p)[k];
    case SEG_DTYPE_I32: return ((const int32_t *)p)[k];
    case SEG_DTYPE_I8: return ((const int8_t *)p)[k];
    case SEG_DTYPE_U16: return ((const uint16_t *)p)[k];
    default: return ((const uint8_t *)p)[k];  /* u8, bool */
    }
}

static void store_float(void *p, seg_dtype dt, size_t k, double v)
{
    float f = (float)v;
    if (dt == SEG_DTYPE_F32)
        ((float *)p)[k] = f;
    else
        seg_f32_to_f16(&f, (uint16_t *)p + k, 1);
}

/* Integers wrap by keeping the low bytes (two's complement, little or big endian
 * alike since the value is narrowed before it is stored). */
static void store_int(void *p, seg_dtype dt, size_t k, int64_t v)
{
    uint64_t u = (uint64_t)v;
    switch (dt) {
    case SEG_DTYPE_I64: ((int64_t *)p)[k] = v; break;
    case SEG_DTYPE_I32: { uint32_t w = (uint32_t)u; memcpy((int32_t *)p + k, &w, 4); break; }
    case SEG_DTYPE_U16: ((uint16_t *)p)[k] = (uint16_t)u; break;
    case SEG_DTYPE_BOOL: ((uint8_t *)p)[k] = v != 0; break;
    default: { uint8_t w = (uint8_t)u; memcpy((uint8_t *)p + k, &w, 1); break; }  /* u8, i8 */
    }
}

static int64_t float_to_int(double v)
{
    if (isnan(v))
        return 0;
    if (v >= 9223372036854775807.0)
        return INT64_MAX;
    if (v <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)v;
}

static void convert(const void *src, seg_dtype from, void *dst, seg_dtype to, size_t n)
{
    if (from == to) {
        memcpy(dst, src, n * seg_dtype_size(to));
    } else if (from == SEG_DTYPE_F16 && to == SEG_DTYPE_F32) {
        seg_f16_to_f32(src, dst, n);
    } else if (from == SEG_DTYPE_F32 && to == SEG_DTYPE_F16) {
        seg_f32_to_f16(src, dst, n);
    } else if (is_float(from)) {
        for (size_t k = 0; k < n; k++) {
            double v = load_float(src, from, k);
            if (is_float(to))
                store_float(dst, to, k, v);
            else if (to == SEG_DTYPE_BOOL)
                ((uint8_t *)dst)[k] = v != 0;
            else
                store_int(dst, to, k, float_to_int(v));
        }
    } else {
        for (size_t k = 0; k < n; k++) {
            int64_t v = load_int(src, from, k);
            if (to == SEG_DTYPE_F32)
                ((float *)dst)[k] = (float)v;
            else if (is_float(to))
                store_float(dst, to, k, (double)v);
            else
                store_int(dst, to, k, v);
        }
    }
}

/* ---- Cast, CastLike ---- */

static seg_status cast_to(segi_op_ctx *ctx, seg_dtype *to)
{
    int64_t v = ctx->n_in > 1 ? ctx->in[1]->dtype : segi_op_attr_int(ctx, "to", -1);
    if (v < 0)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "attribute 'to' is required");
    if (v > 255 || seg_dtype_size((seg_dtype)v) == 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "cast to ONNX data type %lld",
                             (long long)v);
    *to = (seg_dtype)v;
    return SEG_OK;
}

static seg_status cast_infer(segi_op_ctx *ctx)
{
    seg_dtype to = SEG_DTYPE_F32;
    seg_status st = cast_to(ctx, &to);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, to, ctx->in[0]->rank, ctx->in[0]->dims);
}

static seg_status cast_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    convert(x->data, x->dtype, ctx->out[0]->data, ctx->out[0]->dtype, segi_value_count(x));
    return SEG_OK;
}

/* ---- Constant ---- */

/* The attribute holding the value as a tensor view (for the list and scalar forms a
 * view of the attribute's own array). */
static seg_status constant_value(const segi_op_ctx *ctx, seg_tensor *view)
{
    const seg_tensor *t = segi_op_attr_tensor(ctx, "value");
    if (t) {
        *view = *t;
        return SEG_OK;
    }
    memset(view, 0, sizeof *view);
    const segi_attr *a;
    const segi_node_info *node = ctx->node;
    if ((a = segi_attr_find(node->attrs, node->n_attrs, "value_float")) &&
        a->type == SEGI_ATTR_FLOAT) {
        view->dtype = SEG_DTYPE_F32;
        view->data = (void *)&a->f;
    } else if ((a = segi_attr_find(node->attrs, node->n_attrs, "value_int")) &&
               a->type == SEGI_ATTR_INT) {
        view->dtype = SEG_DTYPE_I64;
        view->data = (void *)&a->i;
    } else if ((a = segi_attr_find(node->attrs, node->n_attrs, "value_floats")) &&
               a->type == SEGI_ATTR_FLOATS) {
        view->dtype = SEG_DTYPE_F32;
        view->data = (void *)a->floats;
        view->rank = 1;
        view->dims[0] = (int64_t)a->n;
    } else if ((a = segi_attr_find(node->attrs, node->n_attrs, "value_ints")) &&
               a->type == SEGI_ATTR_INTS) {
        view->dtype = SEG_DTYPE_I64;
        view->data = (void *)a->ints;
        view->rank = 1;
        view->dims[0] = (int64_t)a->n;
    } else {
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                             "needs one of value, value_float(s), value_int(s)");
    }
    return SEG_OK;
}

static seg_status constant_infer(segi_op_ctx *ctx)
{
    seg_tensor v;
    seg_status st = constant_value(ctx, &v);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, v.dtype, v.rank, v.dims);
}

static seg_status constant_run(segi_op_ctx *ctx)
{
    seg_tensor v;
    seg_status st = constant_value(ctx, &v);
    if (st == SEG_OK && ctx->out[0]->nbytes)
        memcpy(ctx->out[0]->data, v.data, ctx->out[0]->nbytes);
    return st;
}

/* ---- ConstantOfShape ---- */

static const float zero_f32;

static seg_status fill_value(segi_op_ctx *ctx, seg_dtype *dt, const void **value)
{
    const seg_tensor *t = segi_op_attr_tensor(ctx, "value");
    *dt = SEG_DTYPE_F32;
    *value = &zero_f32;
    if (!t)
        return SEG_OK;
    if (segi_value_count(t) != 1)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "value has %zu elements, expected 1",
                             segi_value_count(t));
    *dt = t->dtype;
    *value = t->data;
    return SEG_OK;
}

static seg_status constant_of_shape_infer(segi_op_ctx *ctx)
{
    int64_t dims[SEG_MAX_RANK];
    int n;
    seg_dtype dt;
    const void *value;
    seg_status st = segi_value_ints(ctx, 0, "shape", dims, SEG_MAX_RANK, &n);
    if (st == SEG_OK)
        st = fill_value(ctx, &dt, &value);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, dt, n, dims);
}

static seg_status constant_of_shape_run(segi_op_ctx *ctx)
{
    seg_dtype dt;
    const void *value;
    seg_status st = fill_value(ctx, &dt, &value);
    if (st == SEG_OK)
        segi_fill_elems(ctx->out[0]->data, value, seg_dtype_size(dt),
                        segi_value_count(ctx->out[0]));
    return st;
}

/* ---- Range ---- */

static seg_status range_args(segi_op_ctx *ctx, double v[3], int64_t *count)
{
    static const char *const names[3] = {"start", "limit", "delta"};
    seg_dtype dt = ctx->in[0]->dtype;
    if (dt != SEG_DTYPE_F32 && dt != SEG_DTYPE_I32 && dt != SEG_DTYPE_I64)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "dtype %s", seg_dtype_name(dt));
    for (int k = 0; k < 3; k++) {
        seg_status st = segi_value_known(ctx, k, names[k]);
        if (st != SEG_OK)
            return st;
        const seg_tensor *t = ctx->in[k];
        if (t->dtype != dt || segi_value_count(t) != 1)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "%s must be one %s value", names[k],
                                 seg_dtype_name(dt));
        v[k] = dt == SEG_DTYPE_F32 ? (double)*(const float *)t->data
                                   : (double)load_int(t->data, dt, 0);
    }
    if (v[2] == 0)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "delta is 0");
    double n = ceil((v[1] - v[0]) / v[2]);
    if (!(n < 1e15))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "%g elements", n);
    *count = n > 0 ? (int64_t)n : 0;
    return SEG_OK;
}

static seg_status range_infer(segi_op_ctx *ctx)
{
    double v[3];
    int64_t n;
    seg_status st = range_args(ctx, v, &n);
    if (st != SEG_OK)
        return st;
    return segi_op_set_output(ctx, 0, ctx->in[0]->dtype, 1, &n);
}

static seg_status range_run(segi_op_ctx *ctx)
{
    double v[3];
    int64_t n;
    seg_status st = range_args(ctx, v, &n);
    if (st != SEG_OK)
        return st;
    void *y = ctx->out[0]->data;
    seg_dtype dt = ctx->in[0]->dtype;
    for (int64_t k = 0; k < n; k++) {
        if (dt == SEG_DTYPE_F32)
            ((float *)y)[k] = (float)v[0] + (float)k * (float)v[2];
        else
            store_int(y, dt, (size_t)k, (int64_t)v[0] + k * (int64_t)v[2]);
    }
    return SEG_OK;
}

const segi_op_def segi_ops_cast[] = {
    {"Cast", 1, 1, 1, 1, 0, cast_infer, cast_run},
    {"CastLike", 2, 2, 1, 1, 0, cast_infer, cast_run},
    {"Constant", 0, 0, 1, 1, 0, constant_infer, constant_run},
    {"ConstantOfShape", 1, 1, 1, 1, 0x1, constant_of_shape_infer, constant_of_shape_run},
    {"Range", 3, 3, 1, 1, 0x7, range_infer, range_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
