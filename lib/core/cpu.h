/*
 * Which vector instructions this CPU runs, for kernels with per-ISA variants.
 *
 * Kernels compile their AVX2 / AVX-512 variants with __attribute__((target(...))) and
 * pick one per call with segi_cpu_isa(); every variant gives the results of the portable
 * one (to rounding where FMA contracts), and tests call each variant directly.
 */
#ifndef SEGI_CPU_H
#define SEGI_CPU_H

typedef enum segi_isa {
    SEGI_ISA_PORTABLE = 0,
    SEGI_ISA_AVX2 = 1,     /* AVX2 + FMA */
    SEGI_ISA_AVX512 = 2,   /* AVX-512 F, BW, DQ, VL */
} segi_isa;

/* The widest ISA both this build and this CPU support. */
segi_isa segi_cpu_isa(void);

#endif
