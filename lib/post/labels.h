/* Label maps (u8 or i32 [H, W]) as the semantic and panoptic code reads them. */
#ifndef SEGI_POST_LABELS_H
#define SEGI_POST_LABELS_H

#include "core/tensor.h"

/** A 2-D u8 or i32 label map: its size and label range. */
seg_status segi_label_map(const seg_tensor *t, const char *who, int64_t *h, int64_t *w,
                          int32_t *lo, int32_t *hi);

static inline int32_t segi_label_at(const seg_tensor *t, size_t i)
{
    return t->dtype == SEG_DTYPE_U8 ? ((const uint8_t *)t->data)[i]
                                    : ((const int32_t *)t->data)[i];
}

/** Pixel-count histogram of `labels` over [lo, hi], where `where` (may be NULL) is
 *  zero (unassigned pixels). `counts` has hi - lo + 1 entries. */
void segi_label_counts(const seg_tensor *labels, int32_t lo, const int32_t *where,
                       int64_t *counts);

#endif
