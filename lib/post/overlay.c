#include "post/overlay.h"

#include "core/error.h"
#include "core/tensor.h"

#include <math.h>

seg_status segi_overlay(const seg_tensor *image, const uint8_t *colours,
                        const uint8_t *skip, int64_t h, int64_t w, float alpha,
                        seg_tensor **out)
{
    SEGI_REQUIRE(image);
    SEGI_REQUIRE(out);
    if (!(alpha >= 0.0f && alpha <= 1.0f))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "overlay: alpha %g is not in [0, 1]",
                          (double)alpha);
    if (image->dtype != SEG_DTYPE_U8 || image->rank != 3 || image->dims[0] != h ||
        image->dims[1] != w || (image->dims[2] != 1 && image->dims[2] != 3 &&
                                image->dims[2] != 4)) {
        char got[96];
        return segi_error(SEG_ERR_SHAPE,
                          "overlay: image must be u8 [%lld, %lld, 1|3|4], got %s %s",
                          (long long)h, (long long)w, seg_dtype_name(image->dtype),
                          segi_shape_str(image->rank, image->dims, got, sizeof got));
    }
    seg_tensor *t;
    seg_status st = segi_tensor_alloc3(SEG_DTYPE_U8, h, w, 3, &t);
    if (st)
        return st;
    const uint8_t *src = image->data;
    uint8_t *dst = t->data;
    int64_t ch = image->dims[2];
    for (int64_t i = 0; i < h * w; i++) {
        float a = skip && skip[i] ? 0.0f : alpha;
        for (int c = 0; c < 3; c++) {
            float v = src[i * ch + (ch == 1 ? 0 : c)];
            dst[i * 3 + c] =
                (uint8_t)lrintf(v * (1.0f - a) + (float)colours[i * 3 + c] * a);
        }
    }
    *out = t;
    return SEG_OK;
}
