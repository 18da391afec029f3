/*
 * Dilated 3x3 "same" convolutions through Winograd, by their phases.
 *
 * With dilation d, stride 1 and padding d on both sides, output row a + d*i reads only
 * input rows a + d*(i-1), a + d*i, a + d*(i+1): each of the d x d phases (rows and
 * columns of one residue mod d) is an ordinary 3x3 conv with padding 1 on that phase's
 * subsampled image. The phases are laid out side by side as one mosaic, separated by
 * a zero row or column that serves as both neighbours' padding, so one undilated
 * Winograd conv (conv_winograd.h) computes them all: ResNet's dilated layers (d = 2
 * and 4 on 64x64 maps in the torchvision segmentation models) then need about 3.5x
 * fewer multiply-adds than im2col, the gap rows and ragged tiles costing the rest.
 * Phases shorter than the longest (sides not a multiple of d) are padded with zeros,
 * which is what the input holds past its edge anyway.
 */
#ifndef SEGI_OPS_CONV_DILATED_H
#define SEGI_OPS_CONV_DILATED_H

#include "ops/window.h"

/* Whether conv `s` takes this path: 2-D 3x3, stride 1, dilation above 1 on some axis,
 * padding equal to the dilation on both sides of each axis, and a mosaic on which
 * Winograd pays (segi_winograd_pays) without wasting more than half its tiles. */
bool segi_dilated_pays(const segi_conv_shape *s);

/* Scratch bytes for one image and group (mosaic input and output, and Winograd's
 * scratch on the mosaic); false on overflow. */
bool segi_dilated_scratch(const segi_op_ctx *ctx, const segi_conv_shape *s, size_t *bytes);

/* y [mg, grid] = conv of one image and group: x [cg, image], w [mg, cg, 3, 3]. No bias
 * or activation. */
void segi_dilated(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                  const float *w, float *y, float *scratch);

#endif
