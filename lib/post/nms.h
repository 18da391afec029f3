/* Greedy non-maximum suppression with torchvision.ops.nms arithmetic. */
#ifndef SEGI_POST_NMS_H
#define SEGI_POST_NMS_H

#include <stddef.h>
#include <stdint.h>

/**
 * `boxes` holds n x [x1, y1, x2, y2] already ordered best first. Keeps a box unless
 * an earlier kept box overlaps it with IoU > iou_threshold (float IoU, compared in
 * double, area (x2-x1)(y2-y1), no +1). Writes up to `max_keep` kept positions to
 * `keep` in order and returns their count. `scratch` holds n bytes.
 */
size_t segi_nms(const float *boxes, size_t n, double iou_threshold, size_t max_keep,
                uint8_t *scratch, size_t *keep);

#endif
