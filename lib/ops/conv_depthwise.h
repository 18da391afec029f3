/*
 * Depthwise convolutions (one input and one output channel per group) summed directly,
 * one output row at a time: as GEMMs they would be products of a single row, which
 * waste im2col's copy. Image x channel planes are split over the session's threads;
 * the bias and fused activation are applied per plane while it is in cache.
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

#endif
