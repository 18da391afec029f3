#include "ops/binary_f32.h"

/* One loop per operation so that the compiler sees a plain loop body. */
#define ARITH_SWITCH(LOOP)                                                              \
    switch (op) {                                                                       \
    case SEGI_ARITH_ADD: LOOP(+); break;                                                \
    case SEGI_ARITH_SUB: LOOP(-); break;                                                \
    case SEGI_ARITH_MUL: LOOP(*); break;                                                \
    case SEGI_ARITH_DIV: LOOP(/); break;                                                \
    }

static void arith_portable(segi_arith op, size_t n, float *y, const float *a, size_t sa,
                           const float *b, size_t sb)
{
#define SCALAR_LOOP(OP)                                                                 \
    for (size_t i = 0; i < n; i++)                                                      \
        y[i] = a[i * sa] OP b[i * sb]
    ARITH_SWITCH(SCALAR_LOOP)
#undef SCALAR_LOOP
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

/* Whole vectors of the run (the caller finishes the tail) with the vector type's
 * operators, which are the IEEE operations of the portable loop. W, LOAD and SET1 name
 * the width and intrinsics of the variant being defined. */
#define VECTOR_LOOP(OP)                                                                 \
    for (; i + W <= n; i += W) {                                                        \
        STORE(y + i, (sa ? LOAD(a + i) : ca) OP (sb ? LOAD(b + i) : cb));                \
    }
#define VECTOR_VARIANT(name, isa_name, V)                                                 \
    __attribute__((target(isa_name))) static size_t name(segi_arith op, size_t n, float *y, \
                                                      const float *a, size_t sa,        \
                                                      const float *b, size_t sb)        \
    {                                                                                   \
        size_t i = 0;                                                                   \
        const V ca = SET1(*a), cb = SET1(*b);                                           \
        ARITH_SWITCH(VECTOR_LOOP)                                                       \
        return i;                                                                       \
    }

#define W 8
#define LOAD _mm256_loadu_ps
#define STORE _mm256_storeu_ps
#define SET1 _mm256_set1_ps
VECTOR_VARIANT(arith_avx2, "avx2", __m256)
#undef W
#undef LOAD
#undef STORE
#undef SET1

#define W 16
#define LOAD _mm512_loadu_ps
#define STORE _mm512_storeu_ps
#define SET1 _mm512_set1_ps
VECTOR_VARIANT(arith_avx512, "avx512f", __m512)
#undef W
#undef LOAD
#undef STORE
#undef SET1
#endif

void segi_arith_f32(segi_isa isa, segi_arith op, size_t n, float *y, const float *a,
                    size_t sa, const float *b, size_t sb)
{
    size_t done = 0;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (isa == SEGI_ISA_AVX512)
        done = arith_avx512(op, n, y, a, sa, b, sb);
    else if (isa == SEGI_ISA_AVX2)
        done = arith_avx2(op, n, y, a, sa, b, sb);
#else
    (void)isa;
#endif
    arith_portable(op, n - done, y + done, a + done * sa, sa, b + done * sb, sb);
}
