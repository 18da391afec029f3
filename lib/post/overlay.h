/* Colour overlays shared by the semantic and panoptic results. */
#ifndef SEGI_POST_OVERLAY_H
#define SEGI_POST_OVERLAY_H

#include "seg/seg_tensor.h"

/** out = round(image * (1 - alpha) + colours * alpha); `colours` is RGB [h, w, 3].
 *  Pixels where `skip` (h * w bytes, may be NULL) is non-zero keep the image.
 *  Checks that `image` is u8 [h, w, 1|3|4] and alpha is in [0, 1]. */
seg_status segi_overlay(const seg_tensor *image, const uint8_t *colours,
                        const uint8_t *skip, int64_t h, int64_t w, float alpha,
                        seg_tensor **out);

#endif
