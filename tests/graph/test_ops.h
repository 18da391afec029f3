/* Test-only operators for graph tests, so the executor is tested without depending on
 * the real kernels: small, obviously correct, f32 only (Shape/Reshape: i64 shapes).
 * Conv is 1x1 with stride 1 and no padding, and reads the fused activation. */
#ifndef SEG_TEST_GRAPH_OPS_H
#define SEG_TEST_GRAPH_OPS_H

#include "ops/op.h"

#include <math.h>
#include <string.h>

static size_t tcount(const seg_tensor *t)
{
    return t->nbytes / seg_dtype_size(t->dtype);
}

static seg_status same_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    for (int i = 0; i < ctx->n_out; i++) {
        seg_status st = segi_op_set_output(ctx, i, x->dtype, x->rank, x->dims);
        if (st != SEG_OK)
            return st;
    }
    return SEG_OK;
}

static float act_apply(const char *act, float v, float lo, float hi, float alpha)
{
    if (!act)
        return v;
    if (!strcmp(act, "relu")) return v > 0 ? v : 0;
    if (!strcmp(act, "sigmoid")) return 1 / (1 + expf(-v));
    if (!strcmp(act, "silu")) return v / (1 + expf(-v));
    if (!strcmp(act, "clip")) return v < lo ? lo : v > hi ? hi : v;
    if (!strcmp(act, "leaky_relu")) return v > 0 ? v : alpha * v;
    if (!strcmp(act, "hard_swish")) return v * fminf(fmaxf(v / 6 + 0.5f, 0), 1);
    return NAN;
}

static seg_status unary_run(segi_op_ctx *ctx, const char *act)
{
    const float *x = ctx->in[0]->data;
    float *y = ctx->out[0]->data;
    for (size_t i = 0; i < tcount(ctx->in[0]); i++)
        y[i] = act_apply(act, x[i], 0, 0, 0);
    return SEG_OK;
}

static seg_status relu_run(segi_op_ctx *ctx) { return unary_run(ctx, "relu"); }
static seg_status sigmoid_run(segi_op_ctx *ctx) { return unary_run(ctx, "sigmoid"); }
static seg_status copy_run(segi_op_ctx *ctx) { return unary_run(ctx, NULL); }

/* Add and Mul: same shapes, or a one-element right operand. */
static seg_status binary_infer(segi_op_ctx *ctx)
{
    if (tcount(ctx->in[1]) != 1 && tcount(ctx->in[1]) != tcount(ctx->in[0]))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "test op: shapes differ");
    return same_infer(ctx);
}

static seg_status binary_run(segi_op_ctx *ctx, bool mul)
{
    const float *a = ctx->in[0]->data, *b = ctx->in[1]->data;
    float *y = ctx->out[0]->data;
    size_t nb = tcount(ctx->in[1]);
    for (size_t i = 0; i < tcount(ctx->in[0]); i++) {
        float bv = b[nb == 1 ? 0 : i];
        y[i] = mul ? a[i] * bv : a[i] + bv;
    }
    return SEG_OK;
}

static seg_status add_run(segi_op_ctx *ctx) { return binary_run(ctx, false); }
static seg_status mul_run(segi_op_ctx *ctx) { return binary_run(ctx, true); }

static seg_status shape_infer(segi_op_ctx *ctx)
{
    int64_t r = ctx->in[0]->rank;
    return segi_op_set_output(ctx, 0, SEG_DTYPE_I64, 1, &r);
}

static seg_status shape_run(segi_op_ctx *ctx)
{
    memcpy(ctx->out[0]->data, ctx->in[0]->dims, (size_t)ctx->in[0]->rank * sizeof(int64_t));
    return SEG_OK;
}

static seg_status reshape_infer(segi_op_ctx *ctx)
{
    const seg_tensor *s = ctx->in[1];
    if (!s->data)
        return segi_op_error(ctx, SEG_ERR_INTERNAL, "shape value unknown");
    return segi_op_set_output(ctx, 0, ctx->in[0]->dtype, (int)s->dims[0], s->data);
}

static seg_status reshape_run(segi_op_ctx *ctx)
{
    memcpy(ctx->out[0]->data, ctx->in[0]->data, ctx->in[0]->nbytes);
    return SEG_OK;
}

static seg_status constant_infer(segi_op_ctx *ctx)
{
    const seg_tensor *v = segi_op_attr_tensor(ctx, "value");
    return segi_op_set_output(ctx, 0, v->dtype, v->rank, v->dims);
}

static seg_status constant_run(segi_op_ctx *ctx)
{
    memcpy(ctx->out[0]->data, segi_op_attr_tensor(ctx, "value")->data, ctx->out[0]->nbytes);
    return SEG_OK;
}

static seg_status conv_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *w = ctx->in[1];
    int64_t dims[4] = {x->dims[0], w->dims[0], x->dims[2], x->dims[3]};
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, 4, dims);
}

static seg_status conv_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0], *w = ctx->in[1];
    const seg_tensor *b = ctx->n_in > 2 ? ctx->in[2] : NULL;
    const char *act = segi_op_attr_string(ctx, "segi_activation", NULL);
    float lo = segi_op_attr_float(ctx, "segi_activation_min", 0);
    float hi = segi_op_attr_float(ctx, "segi_activation_max", 0);
    float alpha = segi_op_attr_float(ctx, "segi_alpha", 0);
    int64_t n = x->dims[0], ci = x->dims[1], co = w->dims[0], hw = x->dims[2] * x->dims[3];
    const float *xd = x->data, *wd = w->data;
    float *y = ctx->out[0]->data;
    for (int64_t i = 0; i < n; i++)
        for (int64_t o = 0; o < co; o++)
            for (int64_t p = 0; p < hw; p++) {
                float s = b ? ((const float *)b->data)[o] : 0;
                for (int64_t c = 0; c < ci; c++)
                    s += wd[o * ci + c] * xd[(i * ci + c) * hw + p];
                y[(i * co + o) * hw + p] = act_apply(act, s, lo, hi, alpha);
            }
    return SEG_OK;
}

static seg_status bn_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    const float *xd = x->data, *g = ctx->in[1]->data, *be = ctx->in[2]->data;
    const float *m = ctx->in[3]->data, *v = ctx->in[4]->data;
    float eps = segi_op_attr_float(ctx, "epsilon", 1e-5f);
    int64_t c = x->dims[1], hw = x->dims[2] * x->dims[3];
    float *y = ctx->out[0]->data;
    for (int64_t i = 0; i < x->dims[0] * c; i++)
        for (int64_t p = 0; p < hw; p++) {
            int64_t k = i % c;
            y[i * hw + p] = (xd[i * hw + p] - m[k]) / sqrtf(v[k] + eps) * g[k] + be[k];
        }
    return SEG_OK;
}

static const segi_op_def test_ops[] = {
    {"Add", 2, 2, 1, 1, 0, binary_infer, add_run},
    {"BatchNormalization", 5, 5, 1, 3, 0, same_infer, bn_run},
    {"Constant", 0, 0, 1, 1, 0, constant_infer, constant_run},
    {"Conv", 2, 3, 1, 1, 0, conv_infer, conv_run, SEGI_OP_FUSES_ACTIVATION},
    {"Dropout", 1, 3, 1, 2, 0, same_infer, copy_run},
    {"Identity", 1, 1, 1, 1, 0, same_infer, copy_run},
    {"Mul", 2, 2, 1, 1, 0, binary_infer, mul_run},
    {"Relu", 1, 1, 1, 1, 0, same_infer, relu_run},
    {"Reshape", 2, 2, 1, 1, 2, reshape_infer, reshape_run},
    {"Shape", 1, 1, 1, 1, 0, shape_infer, shape_run},
    {"Sigmoid", 1, 1, 1, 1, 0, same_infer, sigmoid_run},
};

static const segi_op_def *test_resolve(const char *op_type, void *user)
{
    (void)user;
    for (size_t i = 0; i < sizeof test_ops / sizeof test_ops[0]; i++)
        if (strcmp(test_ops[i].op_type, op_type) == 0)
            return &test_ops[i];
    return NULL;
}

#endif
