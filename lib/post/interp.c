#include "post/interp.h"

#include "post/simd.h"

#include <math.h>

void segi_taps(segi_tap *taps, int64_t n_out, int64_t n_in, int64_t offset,
               bool align_corners)
{
    /* align_corners with a single output sample reads the first input sample */
    float scale = (float)n_in / (float)n_out;
    if (align_corners)
        scale = n_out > 1 ? (float)(n_in - 1) / (float)(n_out - 1) : 0.0f;
    for (int64_t i = 0; i < n_out; i++) {
        segi_tap *t = &taps[i];
        if (n_in == n_out) {
            t->i0 = t->i1 = (int32_t)(i + offset);
            t->w0 = 1.0f;
            t->w1 = 0.0f;
            continue;
        }
        float src = align_corners ? scale * (float)i : scale * ((float)i + 0.5f) - 0.5f;
        if (src < 0.0f)
            src = 0.0f;
        int64_t i0 = (int64_t)floorf(src);
        if (i0 > n_in - 1)
            i0 = n_in - 1;
        float l1 = src - (float)i0;
        l1 = l1 < 0.0f ? 0.0f : (l1 > 1.0f ? 1.0f : l1);
        t->i0 = (int32_t)(i0 + offset);
        t->i1 = (int32_t)(i0 + (i0 < n_in - 1 ? 1 : 0) + offset);
        t->w1 = l1;
        t->w0 = 1.0f - l1;
    }
}

void segi_resize_plane(const float *src, int64_t sw, float *dst, int64_t dst_stride,
                       const segi_tap *ty, const segi_tap *tx, int64_t y0, int64_t y1,
                       int64_t x0, int64_t x1, float *scratch)
{
    int64_t n = x1 - x0;
    float *r0 = scratch, *r1 = scratch + n;
    int32_t have0 = -1, have1 = -1;
    for (int64_t y = y0; y < y1; y++) {
        const segi_tap t = ty[y];
        /* Rows advance monotonically, so two cached source rows serve every output row. */
        if (have0 != t.i0) {
            if (have1 == t.i0) {
                float *tmp = r0;
                r0 = r1;
                r1 = tmp;
                have0 = have1;
                have1 = -1;
            } else {
                segi_lerp_row(r0, src + (int64_t)t.i0 * sw, tx + x0, n);
                have0 = t.i0;
            }
        }
        if (have1 != t.i1) {
            segi_lerp_row(r1, src + (int64_t)t.i1 * sw, tx + x0, n);
            have1 = t.i1;
        }
        segi_blend(dst + (y - y0) * dst_stride, r0, r1, t.w0, t.w1, n);
    }
}
