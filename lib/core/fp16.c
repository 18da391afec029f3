/* IEEE 754 binary16 <-> binary32, exact in one direction and round-to-nearest-even
 * in the other, including subnormals, infinities and NaN (payload kept where it fits). */
#include "seg/seg_tensor.h"

#include <string.h>

static float bits_to_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t f32_to_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t man = h & 0x3ffu;
    if (exp == 0x1f)
        return bits_to_f32(sign | 0x7f800000u | (man << 13));
    if (exp != 0)
        return bits_to_f32(sign | ((exp + 112) << 23) | (man << 13));
    /* Subnormal or zero: value = man * 2^-24, exact in binary32. */
    float v = (float)man * 0x1p-24f;
    return sign ? -v : v;
}

static uint16_t float_to_half(float f)
{
    uint32_t u = f32_to_bits(f);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t abs = u & 0x7fffffffu;
    if (abs >= 0x7f800000u) /* inf or NaN; keep NaN quiet and non-zero */
        return (uint16_t)(sign | 0x7c00u | (abs > 0x7f800000u ? (0x200u | (abs >> 13)) : 0));
    if (abs >= 0x477ff000u) /* rounds to >= 65520: overflow to infinity */
        return (uint16_t)(sign | 0x7c00u);
    if (abs < 0x38800000u) {
        /* Result is subnormal (or zero): scale so the integer part is the mantissa;
         * the FPU's default round-to-nearest-even does the rounding. */
        float v = bits_to_f32(abs) * 0x1p24f;
        return (uint16_t)(sign | (uint16_t)__builtin_nearbyintf(v));
    }
    uint32_t mant_odd = (abs >> 13) & 1u;
    abs += 0xfffu + mant_odd; /* round to nearest, ties to even */
    return (uint16_t)(sign | ((abs - 0x38000000u) >> 13));
}

void seg_f16_to_f32(const uint16_t *src, float *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = half_to_float(src[i]);
}

void seg_f32_to_f16(const float *src, uint16_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = float_to_half(src[i]);
}
