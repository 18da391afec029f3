/* Image resize. Bilinear is separable: each output row blends two source rows that
 * were first resampled horizontally (kept in a two-row cache), so every source row
 * is resampled at most once per use. u8 follows OpenCV's INTER_LINEAR fixed point,
 * f32 follows PyTorch's upsample_bilinear2d; nearest follows PyTorch's nearest_idx,
 * which OpenCV's INTER_NEAREST agrees with. */
#include "io/image.h"

#include "core/error.h"
#include "core/scratch.h"
#include "core/tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One output coordinate's two source indices and their weights: q0/q1 are OpenCV's
 * 11-bit fixed-point weights (u8), f0/f1 PyTorch's float weights (f32). */
typedef struct tap {
    int64_t i0, i1;
    float f0, f1;
    int32_t q0, q1;
} tap;

#define CV_COEF_BITS 11
#define CV_COEF_SCALE (1 << CV_COEF_BITS)

static int64_t clamp_index(int64_t i, int64_t n)
{
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* cv::resize clamps the horizontal weights at the borders to (1, 0) but leaves the
 * vertical ones alone and only clamps the row indices: both rows are then the same
 * border row, blended with weights that round differently. */
static void opencv_taps(int64_t in, int64_t out, tap *t, int clamp_weights)
{
    /* cv::resize stores the scale as 1 / (out / in), which can differ from in / out
     * in the last bit. */
    double scale = 1.0 / ((double)out / (double)in);
    for (int64_t d = 0; d < out; d++) {
        float f = (float)((d + 0.5) * scale - 0.5);
        int64_t s = (int64_t)floorf(f);
        f -= (float)s;
        if (clamp_weights && s < 0)
            f = 0, s = 0;
        if (clamp_weights && s >= in - 1)
            f = 0, s = in - 1;
        t[d].i0 = clamp_index(s, in);
        t[d].i1 = clamp_index(s + 1, in);
        t[d].q0 = (int32_t)lrintf((1.0f - f) * CV_COEF_SCALE);
        t[d].q1 = (int32_t)lrintf(f * CV_COEF_SCALE);
    }
}

static void opencv_taps_x(int64_t in, int64_t out, tap *t)
{
    opencv_taps(in, out, t, 1);
}

static void opencv_taps_y(int64_t in, int64_t out, tap *t)
{
    opencv_taps(in, out, t, 0);
}

static void torch_taps(int64_t in, int64_t out, tap *t)
{
    float scale = (float)in / (float)out;
    for (int64_t d = 0; d < out; d++) {
        /* PyTorch scales in float but forms the source position and its fraction in
         * double, rounding only the final weight to float. */
        double real = scale * (d + 0.5) - 0.5;
        if (real < 0)
            real = 0;
        int64_t i0 = (int64_t)real < in - 1 ? (int64_t)real : in - 1;
        float l1 = (float)fmin(fmax(real - (double)i0, 0.0), 1.0);
        t[d].i0 = i0;
        t[d].i1 = i0 < in - 1 ? i0 + 1 : i0;
        t[d].f1 = l1;
        t[d].f0 = 1.0f - l1;
    }
}

static void hpass_u8(const void *src, const tap *tx, int64_t ow, int64_t c, void *row)
{
    const uint8_t *s = src;
    int32_t *r = row;
    for (int64_t x = 0; x < ow; x++, r += c) {
        const uint8_t *a = s + tx[x].i0 * c, *b = s + tx[x].i1 * c;
        for (int64_t k = 0; k < c; k++)
            r[k] = a[k] * tx[x].q0 + b[k] * tx[x].q1;
    }
}

static void hpass_f32(const void *src, const tap *tx, int64_t ow, int64_t c, void *row)
{
    const float *s = src;
    float *r = row;
    for (int64_t x = 0; x < ow; x++, r += c) {
        const float *a = s + tx[x].i0 * c, *b = s + tx[x].i1 * c;
        for (int64_t k = 0; k < c; k++)
            r[k] = a[k] * tx[x].f0 + b[k] * tx[x].f1;
    }
}

/* OpenCV's vectorised vertical pass, which its x86 builds run on whole rows: drop 4
 * bits, keep the high 16 bits of each product, round off the remaining 2 bits. (Its
 * portable scalar code rounds the exact sum instead, which can differ by one.) */
static void vpass_u8(const void *row0, const void *row1, const tap *ty, void *dst, size_t n)
{
    const int32_t *a = row0, *b = row1;
    uint8_t *d = dst;
    for (size_t i = 0; i < n; i++) {
        int32_t v = (((a[i] >> 4) * ty->q0) >> 16) + (((b[i] >> 4) * ty->q1) >> 16);
        v = (v + 2) >> 2;
        d[i] = (uint8_t)(v > 255 ? 255 : v);
    }
}

static void vpass_f32(const void *row0, const void *row1, const tap *ty, void *dst, size_t n)
{
    const float *a = row0, *b = row1;
    float *d = dst;
    for (size_t i = 0; i < n; i++)
        d[i] = a[i] * ty->f0 + b[i] * ty->f1;
}

typedef struct bilinear_kernel {
    void (*taps_x)(int64_t in, int64_t out, tap *t);
    void (*taps_y)(int64_t in, int64_t out, tap *t);
    void (*hpass)(const void *src, const tap *tx, int64_t ow, int64_t c, void *row);
    void (*vpass)(const void *row0, const void *row1, const tap *ty, void *dst, size_t n);
} bilinear_kernel;

static const bilinear_kernel kernel_u8 = {opencv_taps_x, opencv_taps_y, hpass_u8, vpass_u8};
static const bilinear_kernel kernel_f32 = {torch_taps, torch_taps, hpass_f32, vpass_f32};

/* Two horizontally resampled source rows, remembered by source index. */
typedef struct row_cache {
    void *buf[2];
    int64_t index[2];
} row_cache;

typedef struct resize_job {
    const bilinear_kernel *k;
    const uint8_t *src;
    size_t src_stride, dst_stride, esize;
    int64_t ow, c;
    const tap *tx;
    row_cache cache;
} resize_job;

static const void *source_row(resize_job *job, int64_t want, int64_t keep)
{
    row_cache *rc = &job->cache;
    for (int s = 0; s < 2; s++)
        if (rc->index[s] == want)
            return rc->buf[s];
    int s = rc->index[0] == keep ? 1 : 0;
    job->k->hpass(job->src + (size_t)want * job->src_stride, job->tx, job->ow, job->c,
                  rc->buf[s]);
    rc->index[s] = want;
    return rc->buf[s];
}

static seg_status bilinear(const seg_tensor *src, int64_t h, int64_t w, int64_t c,
                           seg_tensor *dst, int64_t oh, int64_t ow, segi_scratch *scratch)
{
    resize_job job = {
        .k = src->dtype == SEG_DTYPE_U8 ? &kernel_u8 : &kernel_f32,
        .src = src->data,
        .esize = seg_dtype_size(src->dtype),
        .ow = ow,
        .c = c,
        .cache = {.index = {-1, -1}},
    };
    job.src_stride = (size_t)(w * c) * job.esize;
    job.dst_stride = (size_t)(ow * c) * job.esize;
    size_t row_bytes = (size_t)(ow * c) * 4; /* int32 or float */
    void *buf[4];
    size_t sizes[4] = {(size_t)ow * sizeof(tap), (size_t)oh * sizeof(tap), row_bytes,
                       row_bytes};
    seg_status st = segi_scratch_carve(scratch, buf, sizes, 4, "resize");
    if (st != SEG_OK)
        return st;
    tap *tx = buf[0], *ty = buf[1];
    job.cache.buf[0] = buf[2];
    job.cache.buf[1] = buf[3];
    job.k->taps_x(w, ow, tx);
    job.k->taps_y(h, oh, ty);
    job.tx = tx;
    uint8_t *out = dst->data;
    for (int64_t y = 0; y < oh; y++) {
        const void *r0 = source_row(&job, ty[y].i0, ty[y].i1);
        const void *r1 = source_row(&job, ty[y].i1, ty[y].i0);
        job.k->vpass(r0, r1, &ty[y], out + (size_t)y * job.dst_stride, (size_t)(ow * c));
    }
    return SEG_OK;
}

/* PyTorch's nearest_idx: exact for equal sizes and 2x upsampling, else float scale. */
static int64_t nearest_index(int64_t d, int64_t in, int64_t out)
{
    if (out == in)
        return d;
    if (out == 2 * in)
        return d >> 1;
    float scale = (float)in / (float)out;
    int64_t s = (int64_t)floorf((float)d * scale);
    return s < in - 1 ? s : in - 1;
}

static seg_status nearest(const seg_tensor *src, int64_t h, int64_t w, int64_t c,
                          seg_tensor *dst, int64_t oh, int64_t ow, segi_scratch *scratch)
{
    size_t pix = (size_t)c * seg_dtype_size(src->dtype), size = (size_t)ow * sizeof(int64_t);
    void *buf;
    seg_status st = segi_scratch_carve(scratch, &buf, &size, 1, "resize");
    if (st != SEG_OK)
        return st;
    int64_t *xs = buf;
    for (int64_t x = 0; x < ow; x++)
        xs[x] = nearest_index(x, w, ow);
    const uint8_t *s = src->data;
    uint8_t *d = dst->data;
    for (int64_t y = 0; y < oh; y++) {
        const uint8_t *row = s + (size_t)nearest_index(y, h, oh) * (size_t)w * pix;
        for (int64_t x = 0; x < ow; x++, d += pix)
            memcpy(d, row + (size_t)xs[x] * pix, pix);
    }
    return SEG_OK;
}

seg_status segi_image_resize_slot(const seg_tensor *image, int64_t out_h, int64_t out_w,
                                  seg_interp interp, seg_tensor **slot, segi_scratch *scratch)
{
    if (out_h < 1 || out_w < 1)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "resize: output size %lldx%lld, "
                          "expected >= 1 each", (long long)out_h, (long long)out_w);
    if (interp != SEG_INTERP_NEAREST && interp != SEG_INTERP_BILINEAR)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "resize: unknown interpolation %d",
                          (int)interp);
    int64_t h, w, c;
    seg_status st = segi_image_geometry(image, "resize", &h, &w, &c);
    if (st != SEG_OK)
        return st;
    if (interp == SEG_INTERP_BILINEAR && image->dtype != SEG_DTYPE_U8 &&
        image->dtype != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_SHAPE, "resize: bilinear takes u8 or f32, got %s",
                          seg_dtype_name(image->dtype));
    int64_t dims[3] = {out_h, out_w, c};
    st = segi_tensor_reuse(slot, image->dtype, image->rank, dims);
    if (st != SEG_OK)
        return st;
    return interp == SEG_INTERP_NEAREST ? nearest(image, h, w, c, *slot, out_h, out_w, scratch)
                                        : bilinear(image, h, w, c, *slot, out_h, out_w, scratch);
}

seg_status seg_image_resize(const seg_tensor *image, int64_t out_h, int64_t out_w,
                            seg_interp interp, seg_tensor **out)
{
    SEGI_REQUIRE(image);
    SEGI_REQUIRE(out);
    seg_tensor *dst = NULL;
    segi_scratch scratch = {0};
    seg_status st = segi_image_resize_slot(image, out_h, out_w, interp, &dst, &scratch);
    segi_scratch_free(&scratch);
    if (st != SEG_OK) {
        seg_tensor_destroy(dst);
        return st;
    }
    *out = dst;
    return SEG_OK;
}
