/*
 * Conv as one GEMM per kernel tap, each over only the output points whose tap lands
 * inside the input.
 *
 * Strongly dilated convolutions on small feature maps (DeepLabV3's ASPP: 3x3 with
 * dilation 12, 24, 36 on 32x32) read mostly padding: with dilation 36 on a 32x32 map
 * only the centre tap ever touches the input, and im2col + GEMM would multiply eight
 * ninths of its columns by zeros. Per tap t, y[:, rect_t] += W[:, :, t] x[:, shifted
 * rect_t] skips all of that: the work is the taps' valid rectangles, not kernel size
 * times output. A tap whose rectangle is whole output rows multiplies straight into y;
 * a stride-1 tap that spans the input's full rows reads x without a copy. The weight
 * packing, gathers and adds are split over the session's pool, the products banded.
 */
#ifndef SEGI_OPS_CONV_TAPS_H
#define SEGI_OPS_CONV_TAPS_H

#include "ops/window.h"

/* The valid share of kernel taps x output points below which this path beats im2col
 * (im2col's extra GEMM work then outweighs the per-tap weight packing and copies). */
#define SEGI_CONV_TAPS_MAX_SHARE 0.7

/* The share of taps x output points that land inside the input, in [0, 1]. */
double segi_conv_taps_share(const segi_window *w);

/* Whether conv `s` takes this path: 2-D (or 1-D) windows, not depthwise, and a valid
 * share below SEGI_CONV_TAPS_MAX_SHARE. */
bool segi_conv_taps_pay(const segi_conv_shape *s);

/* Scratch bytes for one image and group; false on overflow. */
bool segi_conv_taps_scratch(const segi_conv_shape *s, size_t *bytes);

/* y [mg, grid] = conv of one image and group: x [cg, image], w [mg, cg, kernel]
 * (row-major, as ONNX stores them). No bias or activation. */
void segi_conv_taps(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                    const float *w, float *y, float *scratch);

#endif
