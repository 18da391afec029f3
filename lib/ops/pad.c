/* Pad: constant, reflect, edge and wrap modes on any dtype. Pads come from the
 * attribute before opset 11 and from input 1 after (opset 18 adds `axes`); negative
 * pads crop, and the other modes then pad from the cropped range. */
#include "ops/op.h"
#include "ops/strided.h"
#include "ops/value.h"

#include <string.h>

typedef enum pad_mode { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE, PAD_WRAP } pad_mode;

typedef struct pad_plan {
    pad_mode mode;
    int64_t begin[SEG_MAX_RANK], end[SEG_MAX_RANK];
} pad_plan;

static seg_status get_mode(segi_op_ctx *ctx, pad_mode *mode)
{
    static const char *const names[] = {"constant", "reflect", "edge", "wrap"};
    const char *s = segi_op_attr_string(ctx, "mode", "constant");
    for (int k = 0; k < 4; k++)
        if (strcmp(s, names[k]) == 0) {
            *mode = (pad_mode)k;
            return SEG_OK;
        }
    return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "mode '%s'", s);
}

static seg_status get_pads(segi_op_ctx *ctx, pad_plan *p)
{
    const seg_tensor *x = ctx->in[0];
    int64_t pads[2 * SEG_MAX_RANK], axes[SEG_MAX_RANK];
    int n, n_axes = x->rank;
    seg_status st = get_mode(ctx, &p->mode);
    if (st != SEG_OK)
        return st;
    if (ctx->node->opset < 11) {
        const int64_t *v;
        n = segi_op_attr_ints(ctx, "pads", &v);
        if (n < 0)
            return segi_op_error(ctx, SEG_ERR_FORMAT, "attribute 'pads' is required");
        for (int k = 0; k < n && k < 2 * SEG_MAX_RANK; k++)
            pads[k] = v[k];
    } else if ((st = segi_value_ints(ctx, 1, "pads", pads, 2 * SEG_MAX_RANK, &n)) != SEG_OK) {
        return st;
    }
    if (segi_value_present(ctx, 3)) {
        st = segi_value_ints(ctx, 3, "axes", axes, SEG_MAX_RANK, &n_axes);
        if (st == SEG_OK)
            st = segi_value_axes(ctx, axes, n_axes, x->rank, "axes");
        if (st != SEG_OK)
            return st;
    } else {
        for (int d = 0; d < x->rank; d++)
            axes[d] = d;
    }
    if (n != 2 * n_axes)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%d pads for %d axes, expected %d", n,
                             n_axes, 2 * n_axes);
    for (int d = 0; d < x->rank; d++)
        p->begin[d] = p->end[d] = 0;
    for (int k = 0; k < n_axes; k++) {
        p->begin[axes[k]] = pads[k];
        p->end[axes[k]] = pads[n_axes + k];
    }
    return SEG_OK;
}

static seg_status pad_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    pad_plan p;
    seg_status st = get_pads(ctx, &p);
    if (st != SEG_OK)
        return st;
    int64_t dims[SEG_MAX_RANK], total = 0;
    for (int d = 0; d < x->rank; d++) {
        int64_t kept = x->dims[d] + (p.begin[d] < 0 ? p.begin[d] : 0) +
                       (p.end[d] < 0 ? p.end[d] : 0);
        dims[d] = x->dims[d] + p.begin[d] + p.end[d];
        if (kept < 0 || dims[d] < 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "pads %lld, %lld crop more than axis %d "
                                 "of size %lld", (long long)p.begin[d], (long long)p.end[d],
                                 d, (long long)x->dims[d]);
        if (kept == 0 && dims[d] > 0 && p.mode != PAD_CONSTANT)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "cannot pad empty axis %d in %s mode", d,
                                 segi_op_attr_string(ctx, "mode", ""));
        total += dims[d];
    }
    if (segi_value_present(ctx, 2) && (ctx->in[2]->dtype != x->dtype ||
                                       segi_value_count(ctx->in[2]) != 1))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "constant_value must be one %s value",
                             seg_dtype_name(x->dtype));
    ctx->scratch_bytes = (size_t)total * sizeof(int64_t);
    return segi_op_set_output(ctx, 0, x->dtype, x->rank, dims);
}

/* Source index along one axis for each output index, -1 for the constant. */
static void axis_map(pad_mode mode, int64_t in, int64_t begin, int64_t end, int64_t *map)
{
    int64_t lo = begin < 0 ? -begin : 0, hi = in - (end < 0 ? -end : 0), n = hi - lo;
    int64_t out = in + begin + end;
    for (int64_t o = 0; o < out; o++) {
        int64_t j = o - begin - lo;  /* relative to the kept range */
        if (j < 0 || j >= n) {
            if (mode == PAD_CONSTANT) {
                map[o] = -1;
                continue;
            }
            if (mode == PAD_EDGE) {
                j = j < 0 ? 0 : n - 1;
            } else if (mode == PAD_WRAP) {
                j = ((j % n) + n) % n;
            } else if (n == 1) {
                j = 0;
            } else {
                int64_t period = 2 * (n - 1);
                j = ((j % period) + period) % period;
                j = j < n ? j : period - j;
            }
        }
        map[o] = lo + j;
    }
}

static void constant_value(segi_op_ctx *ctx, unsigned char *value)
{
    const seg_tensor *x = ctx->in[0];
    size_t esize = seg_dtype_size(x->dtype);
    if (segi_value_present(ctx, 2)) {
        memcpy(value, ctx->in[2]->data, esize);
        return;
    }
    segi_value_from_float(x->dtype, segi_op_attr_float(ctx, "value", 0.0f), value);
}

static seg_status pad_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    seg_tensor *y = ctx->out[0];
    pad_plan p;
    seg_status st = get_pads(ctx, &p);
    if (st != SEG_OK)
        return st;
    size_t esize = seg_dtype_size(x->dtype);
    unsigned char value[8];
    constant_value(ctx, value);
    int64_t *map[SEG_MAX_RANK], *next = ctx->scratch;
    for (int d = 0; d < x->rank; d++) {
        map[d] = next;
        axis_map(p.mode, x->dims[d], p.begin[d], p.end[d], map[d]);
        next += y->dims[d];
    }
    segi_mapped_copy(y->data, x->data, esize, x->rank, y->dims, x->dims,
                     (const int64_t *const *)map, value);
    return SEG_OK;
}

const segi_op_def segi_ops_pad[] = {
    {"Pad", 1, 4, 1, 1, 0xa, pad_infer, pad_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
