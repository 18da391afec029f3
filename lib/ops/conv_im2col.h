/*
 * Conv as im2col + GEMM over tiles of whole output rows, for every image and group.
 *
 * A tile is the columns of some grid rows: im2col copies them into scratch, a few
 * input channels at a time when the kernel is large, the group's weights multiply them
 * (accumulating over the channel chunks), and the bias and the fused activation run
 * over the tile's outputs while they are still in cache. Pointwise convolutions (1x1,
 * stride 1, unpadded) read the input as it is, one tile per thread. On a pool of
 * several threads each thread takes whole tiles (image, group and grid rows) from a
 * shared counter, with its own slice of scratch and its own single-threaded product,
 * so the copies and the bias pass are split as well as the multiply-adds. Convolutions
 * too small to give every thread a tile of reasonable width run their tiles in turn,
 * each product split over the pool by segi_gemm instead.
 */
#ifndef SEGI_OPS_CONV_IM2COL_H
#define SEGI_OPS_CONV_IM2COL_H

#include "ops/fused_act.h"
#include "ops/window.h"

/* Bytes of one thread's im2col copy: small enough to stay in the core's cache between
 * the copy and the product (docs/conv.md has the measurements). */
#define SEGI_CONV_TILE_BYTES ((size_t)1 << 20)

/* Scratch bytes for conv `s` on `threads` threads; false on overflow. */
bool segi_conv_im2col_scratch(const segi_conv_shape *s, int threads, size_t *bytes);

/* y = act(conv(x, w) + bias) for all images and groups: x [N, C, image], w [M, C /
 * group, kernel], bias [M] or NULL, y [N, M, grid]; scratch as sized above for
 * segi_pool_threads(ctx->pool). */
void segi_conv_im2col(const segi_op_ctx *ctx, const segi_conv_shape *s,
                      const segi_fused_act *act, const float *x, const float *w,
                      const float *bias, float *y, float *scratch);

#endif
