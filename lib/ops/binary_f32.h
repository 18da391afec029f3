/*
 * Float32 Add, Sub, Mul and Div over one run of segi_iterate, with AVX2 and AVX-512
 * variants picked by segi_cpu_isa(). IEEE arithmetic is exact per element in every
 * ISA, so all variants give identical results; tests call each.
 */
#ifndef SEGI_OPS_BINARY_F32_H
#define SEGI_OPS_BINARY_F32_H

#include "core/cpu.h"

#include <stddef.h>

typedef enum segi_arith {
    SEGI_ARITH_ADD,
    SEGI_ARITH_SUB,
    SEGI_ARITH_MUL,
    SEGI_ARITH_DIV
} segi_arith;

/* y[i] = a[i * sa] op b[i * sb] for i < n; sa and sb are 0 (repeat one element) or 1. */
void segi_arith_f32(segi_isa isa, segi_arith op, size_t n, float *y, const float *a,
                    size_t sa, const float *b, size_t sb);

#endif
