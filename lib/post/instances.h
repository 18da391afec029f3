/* Internal view of seg_instances, shared by the YOLO and paste decoders and panoptic. */
#ifndef SEGI_POST_INSTANCES_H
#define SEGI_POST_INSTANCES_H

#include "seg/seg_instances.h"

#include <stdbool.h>

typedef struct segi_instance {
    float box[4];     /* x1 y1 x2 y2 */
    float score;
    int64_t cls;
    int64_t rect[4];  /* tight mask rectangle x, y, w, h in mask space */
    uint8_t *bits;    /* rect[2] * rect[3] bytes, NULL when empty */
    int64_t track_id; /* >= 1 when a seg_sequence tracked it, else 0 */
} segi_instance;

struct seg_instances {
    segi_instance *items;
    size_t n, cap;
    int64_t mask_w, mask_h;
    bool has_masks;
};

/** A handle with room for `cap` instances (n = 0). */
seg_status segi_instances_new(size_t cap, int64_t mask_w, int64_t mask_h, bool has_masks,
                              seg_instances **out);

/** Set `it`'s mask from the binary window `win` (w x h at x0, y0 in mask space),
 *  trimmed to its set pixels. */
seg_status segi_instance_set_mask(segi_instance *it, const uint8_t *win, int64_t x0,
                                  int64_t y0, int64_t w, int64_t h);

/** Area (set pixels) of a stored mask. */
int64_t segi_instance_area(const segi_instance *it);

/** Largest box coordinate the decoders accept (2^24: integer boxes stay exact). */
#define SEGI_MAX_COORD 16777216.0f

/** Instance checks shared by the decoders: NaN, infinite or huge coordinates
 *  (SEG_ERR_LIMIT) and inverted boxes. */
seg_status segi_check_box(const float box[4], size_t i, const char *who);

#endif
