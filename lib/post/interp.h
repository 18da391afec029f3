/* Linear interpolation taps shared by the post-processing decoders. The arithmetic
 * follows PyTorch's CPU upsample_bilinear2d (float scale and source index, lambda
 * clamped to [0, 1], second index clamped to in - 1, identity when sizes match) so that
 * label maps and masks agree with F.interpolate bit for bit. */
#ifndef SEGI_POST_INTERP_H
#define SEGI_POST_INTERP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct segi_tap {
    int32_t i0, i1; /* source indices (offset already added) */
    float w0, w1;   /* their weights */
} segi_tap;

/** Taps resizing `n_in` samples starting at `offset` to `n_out` samples:
 *  half-pixel centres (align_corners=False) or corner alignment (align_corners=True). */
void segi_taps(segi_tap *taps, int64_t n_out, int64_t n_in, int64_t offset,
               bool align_corners);

/** out[x] = in[t.i0] * t.w0 + in[t.i1] * t.w1 for `n` taps. */
static inline void segi_lerp_row(float *out, const float *in, const segi_tap *taps,
                                 int64_t n)
{
    for (int64_t x = 0; x < n; x++)
        out[x] = in[taps[x].i0] * taps[x].w0 + in[taps[x].i1] * taps[x].w1;
}

/**
 * Bilinear resize of one plane `src` (row stride `sw`) with taps `ty` / `tx`
 * (F.interpolate bilinear), evaluating only output rows [y0, y1) and columns [x0, x1)
 * into the window `dst` (its top-left is output (y0, x0); row stride `dst_stride`).
 * Only the source rows the taps name are read. `scratch` holds 2 * (x1 - x0) floats.
 */
void segi_resize_plane(const float *src, int64_t sw, float *dst, int64_t dst_stride,
                       const segi_tap *ty, const segi_tap *tx, int64_t y0, int64_t y1,
                       int64_t x0, int64_t x1, float *scratch);

#endif
