/* Helpers every kernel uses: outputs, errors and attributes. */
#include "ops/op.h"

#include <stdarg.h>
#include <stdio.h>

seg_status segi_op_set_output(segi_op_ctx *ctx, int i, seg_dtype dtype, int rank,
                              const int64_t *dims)
{
    if (i < 0 || i >= ctx->n_out)
        return segi_op_error(ctx, SEG_ERR_INTERNAL, "output %d of %d", i, ctx->n_out);
    size_t nbytes;
    seg_status st = segi_shape_nbytes(dtype, rank, dims, &nbytes);
    if (st != SEG_OK)
        return segi_error_context(st, "%s node '%s' output %d", ctx->node->op_type,
                                  ctx->node->name, i);
    seg_tensor *t = ctx->out[i];
    t->dtype = dtype;
    t->rank = rank;
    for (int d = 0; d < rank; d++)
        t->dims[d] = dims[d];
    t->nbytes = nbytes;
    return SEG_OK;
}

seg_status segi_op_error(const segi_op_ctx *ctx, seg_status status, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return segi_error(status, "%s node '%s': %s", ctx->node->op_type, ctx->node->name, msg);
}

static const segi_attr *find(const segi_op_ctx *ctx, const char *name, segi_attr_type type)
{
    const segi_attr *a = segi_attr_find(ctx->node->attrs, ctx->node->n_attrs, name);
    return a && a->type == type ? a : NULL;
}

int64_t segi_op_attr_int(const segi_op_ctx *ctx, const char *name, int64_t def)
{
    const segi_attr *a = find(ctx, name, SEGI_ATTR_INT);
    return a ? a->i : def;
}

float segi_op_attr_float(const segi_op_ctx *ctx, const char *name, float def)
{
    const segi_attr *a = find(ctx, name, SEGI_ATTR_FLOAT);
    return a ? a->f : def;
}

const char *segi_op_attr_string(const segi_op_ctx *ctx, const char *name, const char *def)
{
    const segi_attr *a = find(ctx, name, SEGI_ATTR_STRING);
    return a ? a->s : def;
}

int segi_op_attr_ints(const segi_op_ctx *ctx, const char *name, const int64_t **vals)
{
    const segi_attr *a = find(ctx, name, SEGI_ATTR_INTS);
    if (!a)
        return -1;
    *vals = a->ints;
    return (int)a->n;
}

int segi_op_attr_floats(const segi_op_ctx *ctx, const char *name, const float **vals)
{
    const segi_attr *a = find(ctx, name, SEGI_ATTR_FLOATS);
    if (!a)
        return -1;
    *vals = a->floats;
    return (int)a->n;
}

const seg_tensor *segi_op_attr_tensor(const segi_op_ctx *ctx, const char *name)
{
    const segi_attr *a = find(ctx, name, SEGI_ATTR_TENSOR);
    return a ? a->t : NULL;
}
