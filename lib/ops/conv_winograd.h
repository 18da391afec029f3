/*
 * Winograd F(4x4, 3x3) for 3x3 stride-1 undilated convolutions (Lavin & Gray 2015).
 *
 * Each 4x4 output tile comes from a 6x6 input tile: V = B^T d B per input channel,
 * U = G g G^T per filter, then 36 independent products M_e = U_e V_e (one GEMM per
 * element e of the 6x6 tile, over channels) and y = A^T M A. That is 36 multiplies per
 * 16 outputs per channel pair instead of 144: 4x fewer than im2col's GEMM, paid for
 * with the transforms and with rounding a little larger than a direct sum (the
 * transforms' constants reach 8 and 1/24; see docs/conv.md for measured error).
 * The work is cut into items (a range of tiles x a range of output channels) that each
 * transform their kernels, run their 36 products single-threaded and transform their
 * output in one thread's slot of scratch (docs/conv.md, "Winograd").
 */
#ifndef SEGI_OPS_CONV_WINOGRAD_H
#define SEGI_OPS_CONV_WINOGRAD_H

#include "core/cpu.h"
#include "ops/window.h"

/* Below this many input or output channels per group the transforms cost more than
 * the multiplies they save. */
#define SEGI_WINOGRAD_MIN_CHANNELS 16

/* Below this many 4x4 output tiles (a 20x20 map has 25) the kernel transform, done
 * per run, costs more than the multiplies saved (docs/conv.md). */
#define SEGI_WINOGRAD_MIN_TILES 32

/* The 4x4 output tiles that cover window `w`'s 2-D output grid. */
int64_t segi_winograd_tiles(const segi_window *w);

/* Whether conv `s` takes this path: 2-D 3x3 kernels, stride 1, dilation 1, at least
 * SEGI_WINOGRAD_MIN_CHANNELS input and output channels per group and at least
 * SEGI_WINOGRAD_MIN_TILES output tiles. */
bool segi_winograd_pays(const segi_conv_shape *s);

/* Scratch bytes for one image and group on ctx->pool's threads; false on overflow. */
bool segi_winograd_scratch(const segi_op_ctx *ctx, const segi_conv_shape *s, size_t *bytes);

/* y [mg, grid] = conv of one image and group: x [cg, image], w [mg, cg, 3, 3]. No bias
 * or activation. Items run on ctx->pool; `scratch` holds segi_winograd_scratch's bytes
 * for the same pool. Threads agree to rounding, not bit for bit. */
void segi_winograd(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                   const float *w, float *y, float *scratch);

/* segi_winograd with the transforms compiled for `isa` (at most segi_cpu_isa()), for
 * tests that compare the variants. */
void segi_winograd_isa(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                       const float *w, float *y, float *scratch, segi_isa isa);

#endif
