/*
 * Conv as im2col + GEMM over tiles of whole output rows, for every image and group.
 *
 * A tile is the columns of some grid rows: im2col copies them into scratch (pointwise
 * convolutions, 1x1 stride 1 unpadded, read them from the input as they are), one
 * product multiplies the group's weights by them, and the bias and the fused
 * activation run over the tile's outputs while they are still in cache. On a pool of
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

/* Bytes of one thread's tile: its im2col columns, or a pointwise tile's outputs. Small
 * enough that a tile stays in the core's share of the last-level cache between its
 * copy, its product and its bias pass; large enough for long GEMM rows. */
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
