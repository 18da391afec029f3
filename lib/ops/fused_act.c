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

static void map_portable(const segi_fused_act *act, float bias, const float *x, float *y,
                         size_t n)
{
    float a = act->a, b = act->b;
    switch (act->kind) {
    case SEGI_ACT_NONE:
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] + bias;
        break;
    case SEGI_ACT_RELU:
        for (size_t i = 0; i < n; i++) {
            float v = x[i] + bias;
            y[i] = v < 0.0f ? 0.0f : v;
        }
        break;
    case SEGI_ACT_CLIP:
        for (size_t i = 0; i < n; i++)
            y[i] = clampf(x[i] + bias, a, b);
        break;
    case SEGI_ACT_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) {
            float v = x[i] + bias;
            y[i] = v < 0.0f ? v * a : v;
        }
        break;
    case SEGI_ACT_HARD_SWISH:
        for (size_t i = 0; i < n; i++) {
            float v = x[i] + bias;
            y[i] = v * clampf(a * v + b, 0.0f, 1.0f);
        }
        break;
    case SEGI_ACT_SILU:
        for (size_t i = 0; i < n; i++) {
            float v = x[i] + bias;
            y[i] = v / (1.0f + expf(-v));
        }
        break;
    case SEGI_ACT_SIGMOID:
        for (size_t i = 0; i < n; i++)
            y[i] = 1.0f / (1.0f + expf(-(x[i] + bias)));
        break;
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* max(lo, v) and min(hi, v) return v when it is NaN and pick exactly as the portable
 * comparisons do (v < lo ? lo : v), so the results are identical; no FMA is used
 * (hard_swish's gate a * v + b is a product rounded, then a sum, as in map_portable). */
__attribute__((target("avx2"))) static size_t map_avx2(const segi_fused_act *act,
                                                       float bias, const float *x,
                                                       float *y, size_t n)
{
    const __m256 b = _mm256_set1_ps(bias), zero = _mm256_setzero_ps();
    const __m256 lo = _mm256_set1_ps(act->a), hi = _mm256_set1_ps(act->b);
    const __m256 one = _mm256_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 v = _mm256_add_ps(_mm256_loadu_ps(x + i), b);
        switch (act->kind) {
        case SEGI_ACT_RELU: v = _mm256_max_ps(zero, v); break;
        case SEGI_ACT_CLIP: v = _mm256_min_ps(hi, _mm256_max_ps(lo, v)); break;
        case SEGI_ACT_LEAKY_RELU:
            v = _mm256_blendv_ps(v, _mm256_mul_ps(v, lo), _mm256_cmp_ps(v, zero, _CMP_LT_OQ));
            break;
        case SEGI_ACT_HARD_SWISH: {
            __m256 gate = _mm256_add_ps(_mm256_mul_ps(lo, v), hi);
            v = _mm256_mul_ps(v, _mm256_min_ps(one, _mm256_max_ps(zero, gate)));
            break;
        }
        default: break;
        }
        _mm256_storeu_ps(y + i, v);
    }
    return i;
}

__attribute__((target("avx512f"))) static size_t map_avx512(const segi_fused_act *act,
                                                            float bias, const float *x,
                                                            float *y, size_t n)
{
    const __m512 b = _mm512_set1_ps(bias), zero = _mm512_setzero_ps();
    const __m512 lo = _mm512_set1_ps(act->a), hi = _mm512_set1_ps(act->b);
    const __m512 one = _mm512_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_add_ps(_mm512_loadu_ps(x + i), b);
        switch (act->kind) {
        case SEGI_ACT_RELU: v = _mm512_max_ps(zero, v); break;
        case SEGI_ACT_CLIP: v = _mm512_min_ps(hi, _mm512_max_ps(lo, v)); break;
        case SEGI_ACT_LEAKY_RELU:
            v = _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), v, lo);
            break;
        case SEGI_ACT_HARD_SWISH: {
            __m512 gate = _mm512_add_ps(_mm512_mul_ps(lo, v), hi);
            v = _mm512_mul_ps(v, _mm512_min_ps(one, _mm512_max_ps(zero, gate)));
            break;
        }
        default: break;
        }
        _mm512_storeu_ps(y + i, v);
    }
    return i;
}
#endif

void segi_act_map(segi_isa isa, const segi_fused_act *act, float bias, const float *x,
                  float *y, size_t n)
{
    size_t done = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    bool vec = act->kind != SEGI_ACT_SILU && act->kind != SEGI_ACT_SIGMOID;
    if (vec && isa == SEGI_ISA_AVX512)
        done = map_avx512(act, bias, x, y, n);
    else if (vec && isa == SEGI_ISA_AVX2)
        done = map_avx2(act, bias, x, y, n);
#else
    (void)isa;
#endif
    map_portable(act, bias, x + done, y + done, n - done);
}

void segi_fused_act_apply(const segi_fused_act *act, float bias, float *y, size_t n)
{
    if (act->kind != SEGI_ACT_NONE || bias != 0.0f)
        segi_act_map(segi_cpu_isa(), act, bias, y, y, n);
}
