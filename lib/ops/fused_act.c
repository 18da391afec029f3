/* Bias plus a fused activation, applied in one pass over a GEMM's output. */
#include "ops/fused_act.h"

#include <math.h>
#include <string.h>

seg_status segi_fused_act_parse(const segi_op_ctx *ctx, segi_fused_act *act)
{
    static const struct {
        const char *name;
        segi_act_kind kind;
    } kinds[] = {
        {"relu", SEGI_ACT_RELU},         {"clip", SEGI_ACT_CLIP},
        {"leaky_relu", SEGI_ACT_LEAKY_RELU}, {"hard_swish", SEGI_ACT_HARD_SWISH},
        {"silu", SEGI_ACT_SILU},         {"sigmoid", SEGI_ACT_SIGMOID},
    };
    const char *name = segi_op_attr_string(ctx, "segi_activation", NULL);
    act->kind = SEGI_ACT_NONE;
    act->a = act->b = 0;
    if (!name)
        return SEG_OK;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(name, kinds[i].name) == 0)
            act->kind = kinds[i].kind;
    switch (act->kind) {
    case SEGI_ACT_NONE:
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "fused activation '%s' is unknown",
                             name);
    case SEGI_ACT_CLIP:
        act->a = segi_op_attr_float(ctx, "segi_activation_min", -INFINITY);
        act->b = segi_op_attr_float(ctx, "segi_activation_max", INFINITY);
        break;
    case SEGI_ACT_LEAKY_RELU:
        act->a = segi_op_attr_float(ctx, "segi_alpha", 0.01f);
        break;
    case SEGI_ACT_HARD_SWISH:
        act->a = segi_op_attr_float(ctx, "segi_alpha", 1.0f / 6.0f);
        act->b = segi_op_attr_float(ctx, "segi_beta", 0.5f);
        break;
    default:
        break;
    }
    return SEG_OK;
}

/* Comparisons instead of fmaxf/fminf, which -O2 without -ffast-math leaves as libm
 * calls; NaN passes through, as in ONNX's Relu and Clip. */
static inline float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void segi_fused_act_apply(const segi_fused_act *act, float bias, float *y, size_t n)
{
    float a = act->a, b = act->b;
    switch (act->kind) {
    case SEGI_ACT_NONE:
        if (bias != 0.0f)
            for (size_t i = 0; i < n; i++)
                y[i] += bias;
        break;
    case SEGI_ACT_RELU:
        for (size_t i = 0; i < n; i++) {
            float v = y[i] + bias;
            y[i] = v < 0.0f ? 0.0f : v;
        }
        break;
    case SEGI_ACT_CLIP:
        for (size_t i = 0; i < n; i++)
            y[i] = clampf(y[i] + bias, a, b);
        break;
    case SEGI_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) {
            float v = y[i] + bias;
            y[i] = v < 0.0f ? v * a : v;
        }
        break;
    case SEGI_ACT_HARD_SWISH:
        for (size_t i = 0; i < n; i++) {
            float v = y[i] + bias;
            y[i] = v * clampf(a * v + b, 0.0f, 1.0f);
        }
        break;
    case SEGI_ACT_SILU:
        for (size_t i = 0; i < n; i++) {
            float v = y[i] + bias;
            y[i] = v / (1.0f + expf(-v));
        }
        break;
    case SEGI_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            y[i] = 1.0f / (1.0f + expf(-(y[i] + bias)));
        break;
    }
}
