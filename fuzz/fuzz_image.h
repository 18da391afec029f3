/* Shared by the image fuzzers: what to do with a successfully decoded image. */
#ifndef SEG_FUZZ_IMAGE_H
#define SEG_FUZZ_IMAGE_H

#include "io/image.h"

#include <string.h>

/* Small enough that libFuzzer's default 2 GB RSS limit is never the finding. */
#define FUZZ_MAX_PIXELS (1 << 22)
/* Round-tripping big images would only slow the fuzzer down. */
#define FUZZ_ROUND_TRIP_PIXELS (1 << 16)

static inline void fuzz_exercise_image(const seg_tensor *img)
{
    seg_interp interp = seg_tensor_dtype(img) == SEG_DTYPE_U8 ? SEG_INTERP_BILINEAR
                                                              : SEG_INTERP_NEAREST;
    seg_tensor *small = NULL;
    if (seg_image_resize(img, 7, 5, interp, &small) != SEG_OK)
        __builtin_trap();
    seg_tensor_destroy(small);
    if ((size_t)(seg_tensor_dim(img, 0) * seg_tensor_dim(img, 1)) > FUZZ_ROUND_TRIP_PIXELS)
        return;
    seg_tensor *png = NULL, *back = NULL;
    if (seg_image_encode_png(img, &png) != SEG_OK ||
        seg_image_decode_memory(seg_tensor_const_data(png), seg_tensor_nbytes(png), NULL,
                                &back) != SEG_OK ||
        seg_tensor_nbytes(back) != seg_tensor_nbytes(img) ||
        memcmp(seg_tensor_const_data(back), seg_tensor_const_data(img),
               seg_tensor_nbytes(img)) != 0)
        __builtin_trap();
    seg_tensor_destroy(png);
    seg_tensor_destroy(back);
}

#endif
