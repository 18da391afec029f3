/* Portable 4-lane float / int vectors (the x86-64 baseline's SSE width, so no ABI
 * change) with GCC and clang vector extensions, for the hot
 * loops the -O2 build would otherwise leave scalar. Lane arithmetic is plain IEEE
 * float (no FMA contraction under -std=c11), so results equal the scalar code. */
#ifndef SEGI_POST_SIMD_H
#define SEGI_POST_SIMD_H

#include <stdint.h>
#include <string.h>

typedef float segi_f4 __attribute__((vector_size(16)));
typedef int32_t segi_i4 __attribute__((vector_size(16)));

static inline segi_f4 segi_load4(const float *p)
{
    segi_f4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline segi_i4 segi_load4i(const int32_t *p)
{
    segi_i4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void segi_store4(float *p, segi_f4 v)
{
    memcpy(p, &v, sizeof v);
}

static inline void segi_store4i(int32_t *p, segi_i4 v)
{
    memcpy(p, &v, sizeof v);
}

/**
 * Running argmax: where v[x] > best[x] (strict, so ties keep the earlier class),
 * best[x] = v[x] and arg[x] = cls. Returns non-zero when v holds a NaN.
 */
static inline int segi_argmax_update(float *best, int32_t *arg, const float *v, int32_t cls,
                                     int64_t n)
{
    int64_t x = 0;
    segi_i4 nan = {0};
    segi_i4 c = {cls, cls, cls, cls};
    for (; x + 4 <= n; x += 4) {
        segi_f4 a = segi_load4(v + x), b = segi_load4(best + x);
        segi_i4 gt = a > b;
        nan |= a != a;
        segi_store4(best + x, (segi_f4)(((segi_i4)a & gt) | ((segi_i4)b & ~gt)));
        segi_store4i(arg + x, (c & gt) | (segi_load4i(arg + x) & ~gt));
    }
    int any = 0;
    for (int k = 0; k < 4; k++)
        any |= nan[k];
    for (; x < n; x++) {
        any |= v[x] != v[x];
        if (v[x] > best[x]) {
            best[x] = v[x];
            arg[x] = cls;
        }
    }
    return any;
}

/** segi_argmax_update of v[x] = a[x] * wa + b[x] * wb, without storing v. */
static inline void segi_blend_argmax(float *best, int32_t *arg, const float *a, const float *b,
                                     float wa, float wb, int32_t cls, int64_t n)
{
    int64_t x = 0;
    segi_i4 c = {cls, cls, cls, cls};
    for (; x + 4 <= n; x += 4) {
        segi_f4 v = segi_load4(a + x) * wa + segi_load4(b + x) * wb;
        segi_f4 m = segi_load4(best + x);
        segi_i4 gt = v > m;
        segi_store4(best + x, (segi_f4)(((segi_i4)v & gt) | ((segi_i4)m & ~gt)));
        segi_store4i(arg + x, (c & gt) | (segi_load4i(arg + x) & ~gt));
    }
    for (; x < n; x++) {
        float v = a[x] * wa + b[x] * wb;
        if (v > best[x]) {
            best[x] = v;
            arg[x] = cls;
        }
    }
}

/** out[x] = a[x] * wa + b[x] * wb. */
static inline void segi_blend(float *out, const float *a, const float *b, float wa, float wb,
                              int64_t n)
{
    int64_t x = 0;
    for (; x + 4 <= n; x += 4)
        segi_store4(out + x, segi_load4(a + x) * wa + segi_load4(b + x) * wb);
    for (; x < n; x++)
        out[x] = a[x] * wa + b[x] * wb;
}

/**
 * e^x for x <= 0 (softmax numerators x - max), within 4 ulp: x = n ln2 + r with
 * |r| <= ln2 / 2, a degree-7 Taylor polynomial for e^r, and n added to the exponent.
 * Inputs below -86.5 return e^-86.5 (~3e-38), which keeps the result a normal float;
 * against a softmax denominator >= 1 the difference is below 1e-37.
 */
static inline segi_f4 segi_exp4_nonpos(segi_f4 x)
{
    const segi_f4 lo = {-86.5f, -86.5f, -86.5f, -86.5f};
    const segi_f4 magic = {12582912.0f, 12582912.0f, 12582912.0f, 12582912.0f}; /* 1.5 * 2^23 */
    segi_i4 small = x < lo; /* also -inf; NaN stays NaN */
    x = (segi_f4)(((segi_i4)x & ~small) | ((segi_i4)lo & small));
    segi_f4 t = x * 1.44269504f + magic; /* round(x / ln2) in the low mantissa bits */
    segi_f4 n = t - magic;
    segi_f4 r = x - n * 0.693145752f - n * 1.42860677e-6f; /* ln2 split hi + lo */
    segi_f4 p = r * (1.0f / 5040.0f) + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    segi_i4 ni = (segi_i4)t - (segi_i4)magic; /* n as an integer */
    return (segi_f4)((segi_i4)p + (ni << 23));
}

#endif
