/* Internal: the few COCO mask operations that COCO evaluation needs, as one small
 * interface so the evaluator does not depend on how masks are stored elsewhere.
 * A mask is COCO RLE: column-major run lengths starting with a run of zeros. */
#ifndef SEGI_COCO_MASK_H
#define SEGI_COCO_MASK_H

#include "seg/seg_common.h"

#include <jansson.h>

typedef struct segi_cmask {
    int64_t h, w;
    size_t n;
    uint32_t *cnts;
} segi_cmask;

/**
 * A COCO "segmentation" value: an RLE object {size: [h, w], counts: string or list}
 * or (when `allow_polygons`) a list of polygons, rasterised at `h` x `w`. An RLE's
 * size must equal h x w. Errors name `where` and the field.
 */
seg_status segi_cmask_from_json(const json_t *seg, int64_t h, int64_t w, int allow_polygons,
                                const char *where, segi_cmask *out);

void segi_cmask_free(segi_cmask *m);

/** Number of set pixels. */
uint64_t segi_cmask_area(const segi_cmask *m);

/** pycocotools' rleIou for one pair: intersection over union, or over the detection's
 *  area when the gt is a crowd region; 0 when the denominator is 0. Same sizes. */
double segi_cmask_iou(const segi_cmask *dt, const segi_cmask *gt, int gt_crowd);

#endif
