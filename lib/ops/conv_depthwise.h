/*
 * Depthwise convolutions (one input and one output channel per group) summed directly,
 * one output row at a time: as GEMMs they would be products of a single row, which
 * waste im2col's copy. Image x channel planes are split over the session's threads;
 * the bias and fused activation are applied per plane while it is in cache.
 *
 * Each output is 0 plus the products of its taps, rounded one by one and added in
 * order (kernel rows, then taps along the row). Taps outside the input's rows are left
 * out; taps outside its columns add k * 0, as im2col's zero padding does: for finite
 * weights that is the sum without them, bit for bit (a sum that starts at +0 is never
 * -0, so adding a zero leaves it unchanged). Stride-1 and stride-2 rows run as 4-, 8-
 * (AVX2) or 16-float (AVX-512) vectors of adjacent outputs, every variant in that
 * order without FMA, so they all give the same bits; the error bound against exact
 * sums is that of a plain float sum of taps terms.
 */
#ifndef SEGI_OPS_CONV_DEPTHWISE_H
#define SEGI_OPS_CONV_DEPTHWISE_H

#include "ops/fused_act.h"
#include "ops/window.h"

/* Whether conv `s` is depthwise with a kernel small enough for the direct path. */
bool segi_depthwise_pays(const segi_conv_shape *s);

/* y = act(conv(x, w) + bias) for all images and channels of depthwise conv `s`; bias
 * may be NULL. */
void segi_conv_depthwise(const segi_op_ctx *ctx, const segi_conv_shape *s,
                         const segi_fused_act *act, const float *x, const float *w,
                         const float *bias, float *y);

/* The same with the variant for `isa` (tests call each) and threads of `pool` (may be
 * NULL). */
void segi_conv_depthwise_isa(segi_pool *pool, segi_isa isa, const segi_conv_shape *s,
                             const segi_fused_act *act, const float *x, const float *w,
                             const float *bias, float *y);

#endif
