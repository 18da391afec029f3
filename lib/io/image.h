/* Internal interface of the image codecs and pre-processing (lib/io). */
#ifndef SEGI_IMAGE_H
#define SEGI_IMAGE_H

#include "seg/seg_image.h"

#include "core/scratch.h"
#include "io/bytebuf.h"

#include <stdint.h>

/* The pre-processing of seg_image.h writing into *slot (kept when it already has the
 * output's dtype and shape, see segi_tensor_reuse) with work memory from `scratch`,
 * so that repeated calls of one size allocate nothing. The letterbox also keeps its
 * resized image in *resized. On failure the slots hold undefined contents. */
seg_status segi_image_resize_slot(const seg_tensor *image, int64_t out_h, int64_t out_w,
                                  seg_interp interp, seg_tensor **slot, segi_scratch *scratch);
seg_status segi_image_letterbox_slot(const seg_tensor *image, int64_t out_h, int64_t out_w,
                                     double pad_value, seg_letterbox *info,
                                     seg_tensor **resized, seg_tensor **slot,
                                     segi_scratch *scratch);
seg_status segi_image_to_nchw_slot(const seg_tensor *image, float scale, const float *mean,
                                   const float *std, seg_channel_order order,
                                   seg_tensor **slot);

/** Geometry of an image tensor: rank 3 [H, W, C], or rank 2 [H, W] as C = 1.
 *  SEG_ERR_SHAPE (naming `what`) for any other rank or an empty image. */
seg_status segi_image_geometry(const seg_tensor *image, const char *what, int64_t *h,
                               int64_t *w, int64_t *c);

/** Decoders: `data` holds the whole file; pixel memory is allocated only after the
 *  header's width x height has been checked against `max_pixels`. */
seg_status segi_png_decode(const uint8_t *data, size_t size, int64_t max_pixels,
                           seg_tensor **out);
seg_status segi_jpeg_decode(const uint8_t *data, size_t size, int64_t max_pixels,
                            seg_tensor **out);

/** Encoders append the file to `buf`. `palette` (n_colors RGB triplets) is NULL for
 *  a non-palette PNG; then `pixels` is u8 or u16 with 1..4 channels. */
seg_status segi_png_encode(const seg_tensor *pixels, const uint8_t *palette,
                           size_t n_colors, segi_bytebuf *buf);
seg_status segi_jpeg_encode(const seg_tensor *pixels, int quality, segi_bytebuf *buf);

/** EXIF orientation (1-8) from the payload of an APP1 segment (starting "Exif\0\0");
 *  0 when the segment is not EXIF or has no valid Orientation tag. Never reads
 *  outside [data, data + size). */
int segi_exif_orientation(const uint8_t *data, size_t size);

/** A new u8 image that is `src` [H, W, C] displayed with EXIF orientation 2-8
 *  (5-8 swap H and W). */
seg_status segi_image_orient(const seg_tensor *src, int orientation, seg_tensor **out);

#endif
