/*
 * Activations fused into a producer (Conv) by the graph's fusion pass, which states
 * them as node attributes:
 *   segi_activation      STRING  "relu" | "clip" | "leaky_relu" | "hard_swish" |
 *                                "silu" | "sigmoid"
 *   segi_activation_min  FLOAT   clip lower bound (default -inf)
 *   segi_activation_max  FLOAT   clip upper bound (default +inf)
 *   segi_alpha           FLOAT   leaky_relu slope (default 0.01); hard_swish slope of
 *                                its hard sigmoid (default 1/6)
 *   segi_beta            FLOAT   hard_swish offset of its hard sigmoid (default 0.5)
 * hard_swish is x * max(0, min(1, alpha * x + beta)), so HardSigmoid(alpha, beta)(x) * x
 * fuses exactly; silu is x * sigmoid(x).
 */
#ifndef SEGI_OPS_FUSED_ACT_H
#define SEGI_OPS_FUSED_ACT_H

#include "core/cpu.h"
#include "ops/op.h"

typedef enum segi_act_kind {
    SEGI_ACT_NONE,
    SEGI_ACT_RELU,
    SEGI_ACT_CLIP,
    SEGI_ACT_LEAKY_RELU,
    SEGI_ACT_HARD_SWISH,
    SEGI_ACT_SILU,
    SEGI_ACT_SIGMOID
} segi_act_kind;

typedef struct segi_fused_act {
    segi_act_kind kind;
    float a, b;  /* clip: min, max; leaky_relu: alpha; hard_swish: alpha, beta */
} segi_fused_act;

/* Read the attributes above; an unknown activation name is SEG_ERR_UNSUPPORTED. */
seg_status segi_fused_act_parse(const segi_op_ctx *ctx, segi_fused_act *act);

/* y[i] = act(y[i] + bias) for n values, in one pass. */
void segi_fused_act_apply(const segi_fused_act *act, float bias, float *y, size_t n);

/* y[i] = act(x[i] + bias) (y may be x) with the variant for `isa` (tests call each):
 * AVX2 and AVX-512 variants vectorise none, relu, clip, leaky_relu and hard_swish, with
 * results identical to the portable code (no FMA, NaN passes through the same way);
 * silu and sigmoid always take the portable code. A bias of -0.0f leaves every x as it
 * is, -0.0 included: the element-wise Relu, Clip, LeakyRelu and HardSwish use it. */
void segi_act_map(segi_isa isa, const segi_fused_act *act, float bias, const float *x,
                  float *y, size_t n);

#endif
