/* HWC image -> NCHW f32 network input, with scale, mean/std and channel order. */
#include "io/image.h"

#include "core/error.h"
#include "core/tensor.h"

#include <math.h>
#include <stdlib.h>

static seg_status check_args(const seg_tensor *image, float scale, const float *std,
                             seg_channel_order order, int64_t c)
{
    if (image->dtype != SEG_DTYPE_U8 && image->dtype != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_SHAPE, "to_nchw: takes u8 or f32, got %s",
                          seg_dtype_name(image->dtype));
    if (order != SEG_CHANNELS_RGB && order != SEG_CHANNELS_BGR)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "to_nchw: unknown channel order %d",
                          (int)order);
    if (order == SEG_CHANNELS_BGR && c < 3)
        return segi_error(SEG_ERR_SHAPE, "to_nchw: BGR order needs >= 3 channels, got %lld",
                          (long long)c);
    if (!isfinite(scale))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "to_nchw: scale is not finite");
    for (int64_t k = 0; std && k < c; k++)
        if (!(std[k] != 0 && isfinite(std[k])))
            return segi_error(SEG_ERR_INVALID_ARGUMENT, "to_nchw: std[%lld] = %g",
                              (long long)k, (double)std[k]);
    return SEG_OK;
}

/* Read element i of either dtype as float. */
static float sample(const seg_tensor *t, size_t i)
{
    return t->dtype == SEG_DTYPE_U8 ? (float)((const uint8_t *)t->data)[i]
                                    : ((const float *)t->data)[i];
}

seg_status segi_image_to_nchw_slot(const seg_tensor *image, float scale, const float *mean,
                                   const float *std, seg_channel_order order,
                                   seg_tensor **slot)
{
    int64_t h, w, c;
    seg_status st = segi_image_geometry(image, "to_nchw", &h, &w, &c);
    if (st == SEG_OK)
        st = check_args(image, scale, std, order, c);
    int64_t dims[4] = {1, c, h, w};
    if (st == SEG_OK)
        st = segi_tensor_reuse(slot, SEG_DTYPE_F32, 4, dims);
    if (st != SEG_OK)
        return st;
    size_t plane = (size_t)(h * w);
    float *d = (*slot)->data;
    for (int64_t k = 0; k < c; k++) {
        int64_t from = order == SEG_CHANNELS_BGR && k < 3 ? 2 - k : k;
        float m = mean ? mean[k] : 0.0f, s = std ? std[k] : 1.0f;
        float *p = d + (size_t)k * plane;
        for (size_t i = 0; i < plane; i++)
            p[i] = (sample(image, i * (size_t)c + (size_t)from) * scale - m) / s;
    }
    return SEG_OK;
}

seg_status seg_image_to_nchw(const seg_tensor *image, float scale, const float *mean,
                             const float *std, seg_channel_order order, seg_tensor **out)
{
    SEGI_REQUIRE(image);
    SEGI_REQUIRE(out);
    seg_tensor *dst = NULL;
    seg_status st = segi_image_to_nchw_slot(image, scale, mean, std, order, &dst);
    if (st != SEG_OK) {
        seg_tensor_destroy(dst);
        return st;
    }
    *out = dst;
    return SEG_OK;
}
