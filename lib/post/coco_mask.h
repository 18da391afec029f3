/* Internal: reading COCO "segmentation" values into masks (seg_rle from seg_mask.h) for
 * the COCO evaluator: RLE objects with a counts string or list, and polygon lists. */
#ifndef SEGI_COCO_MASK_H
#define SEGI_COCO_MASK_H

#include "seg/seg_mask.h"

#include <jansson.h>

/**
 * A COCO "segmentation" value: an RLE object {size: [h, w], counts: string or list}, or
 * (when `allow_polygons`) a list of polygons rasterised at h x w and merged as
 * pycocotools' annToRLE does. An RLE's size must equal h x w. Errors name `where`.
 */
seg_status segi_coco_mask_from_json(const json_t *seg, int64_t h, int64_t w,
                                    int allow_polygons, const char *where, seg_rle **out);

#endif
