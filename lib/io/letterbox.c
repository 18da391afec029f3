/* Letterbox as ultralytics' LetterBox(auto=False, scaleup=True): scale to fit, centre,
 * pad. The arithmetic is Python's: doubles, round() is half to even (nearbyint under
 * the default rounding mode). */
#include "io/image.h"

#include "core/error.h"
#include "core/tensor.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

static seg_status check_pad(const seg_tensor *image, double pad_value)
{
    if (image->dtype == SEG_DTYPE_U8 &&
        !(pad_value >= 0 && pad_value <= 255 && pad_value == floor(pad_value)))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "letterbox: pad value %g is not an integer in 0..255 for a u8 image",
                          pad_value);
    if (!isfinite(pad_value))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "letterbox: pad value is not finite");
    return SEG_OK;
}

static void plan(int64_t h, int64_t w, int64_t out_h, int64_t out_w, seg_letterbox *lb)
{
    double r = fmin((double)out_h / (double)h, (double)out_w / (double)w);
    /* A sliver thinner than half a pixel after scaling still keeps one row/column. */
    double nh = fmax(nearbyint((double)h * r), 1), nw = fmax(nearbyint((double)w * r), 1);
    double dh = ((double)out_h - nh) / 2, dw = ((double)out_w - nw) / 2;
    lb->scale = r;
    lb->resized_h = (int32_t)nh;
    lb->resized_w = (int32_t)nw;
    lb->pad_top = (int32_t)nearbyint(dh - 0.1);
    lb->pad_bottom = (int32_t)nearbyint(dh + 0.1);
    lb->pad_left = (int32_t)nearbyint(dw - 0.1);
    lb->pad_right = (int32_t)nearbyint(dw + 0.1);
}

static void fill(seg_tensor *canvas, double pad_value)
{
    size_t n = seg_tensor_count(canvas);
    if (canvas->dtype == SEG_DTYPE_U8) {
        memset(canvas->data, (int)pad_value, n);
        return;
    }
    float *p = canvas->data;
    for (size_t i = 0; i < n; i++)
        p[i] = (float)pad_value;
}

static void paste(seg_tensor *canvas, const seg_tensor *img, const seg_letterbox *lb)
{
    size_t pix = (size_t)canvas->dims[2] * seg_dtype_size(canvas->dtype);
    size_t cstride = (size_t)canvas->dims[1] * pix, istride = (size_t)lb->resized_w * pix;
    uint8_t *dst = (uint8_t *)canvas->data + (size_t)lb->pad_top * cstride +
                   (size_t)lb->pad_left * pix;
    const uint8_t *src = img->data;
    for (int32_t y = 0; y < lb->resized_h; y++)
        memcpy(dst + (size_t)y * cstride, src + (size_t)y * istride, istride);
}

seg_status segi_image_letterbox_slot(const seg_tensor *image, int64_t out_h, int64_t out_w,
                                     double pad_value, seg_letterbox *info,
                                     seg_tensor **resized, seg_tensor **slot,
                                     segi_scratch *scratch)
{
    size_t min_size = offsetof(seg_letterbox, scale) + sizeof(double);
    if (info && info->struct_size < min_size)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "letterbox: info->struct_size %u, expected at least %zu",
                          (unsigned)info->struct_size, min_size);
    if (out_h < 1 || out_w < 1 || out_h > INT32_MAX || out_w > INT32_MAX)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "letterbox: output size %lldx%lld, expected 1..2^31-1 each",
                          (long long)out_h, (long long)out_w);
    int64_t h, w, c;
    seg_status st = segi_image_geometry(image, "letterbox", &h, &w, &c);
    if (st == SEG_OK && image->rank != 3)
        st = segi_error(SEG_ERR_SHAPE, "letterbox: expected an image [H, W, C]");
    if (st == SEG_OK && image->dtype != SEG_DTYPE_U8 && image->dtype != SEG_DTYPE_F32)
        st = segi_error(SEG_ERR_SHAPE, "letterbox: takes u8 or f32, got %s",
                        seg_dtype_name(image->dtype));
    if (st == SEG_OK)
        st = check_pad(image, pad_value);
    if (st != SEG_OK)
        return st;
    seg_letterbox lb = {.struct_size = sizeof lb};
    plan(h, w, out_h, out_w, &lb);
    int64_t dims[3] = {out_h, out_w, c};
    st = segi_image_resize_slot(image, lb.resized_h, lb.resized_w, SEG_INTERP_BILINEAR,
                                resized, scratch);
    if (st == SEG_OK)
        st = segi_tensor_reuse(slot, image->dtype, 3, dims);
    if (st == SEG_OK) {
        fill(*slot, pad_value);
        paste(*slot, *resized, &lb);
        if (info) {
            uint32_t size = info->struct_size < sizeof lb ? info->struct_size : sizeof lb;
            lb.struct_size = info->struct_size;
            memcpy(info, &lb, size);
        }
    }
    return st;
}

seg_status seg_image_letterbox(const seg_tensor *image, int64_t out_h, int64_t out_w,
                               double pad_value, seg_letterbox *info, seg_tensor **out)
{
    SEGI_REQUIRE(image);
    SEGI_REQUIRE(out);
    seg_tensor *resized = NULL, *canvas = NULL;
    segi_scratch scratch = {0};
    seg_status st = segi_image_letterbox_slot(image, out_h, out_w, pad_value, info, &resized,
                                              &canvas, &scratch);
    segi_scratch_free(&scratch);
    seg_tensor_destroy(resized);
    if (st != SEG_OK) {
        seg_tensor_destroy(canvas);
        return st;
    }
    *out = canvas;
    return SEG_OK;
}
