/* Internal view of seg_panoptic: the fusions paint segment indices, then finish. */
#ifndef SEGI_POST_PANOPTIC_H
#define SEGI_POST_PANOPTIC_H

#include "post/labels.h"
#include "seg/seg_panoptic.h"

#include <stdbool.h>

typedef struct segi_pan_seg {
    int32_t id;
    int32_t category;
    bool is_thing;
    float score;
    int64_t area;
    int64_t bbox[4];
} segi_pan_seg;

/* While a fusion runs, `map` holds segment index + 1 (0 = void); segi_panoptic_finish
 * turns it into ids. */
struct seg_panoptic {
    seg_tensor *ids; /* i32 [H, W] */
    int32_t *map;    /* = ids->data */
    int64_t h, w;
    segi_pan_seg *segs;
    size_t n, cap;
};

/** A result with an all-void map. */
seg_status segi_panoptic_new(int64_t h, int64_t w, seg_panoptic **out);

/** Append a segment; `*index` receives its map value (index + 1). */
seg_status segi_panoptic_add(seg_panoptic *p, int32_t category, bool is_thing, float score,
                             int32_t *index);

/** Areas, boxes and ids (per `ids`), and the id map. */
seg_status segi_panoptic_finish(seg_panoptic *p, const seg_panoptic_id_options *ids);

/** Validate id options. */
seg_status segi_panoptic_check_ids(const seg_panoptic_id_options *ids, const char *who);

#endif
