/* Internal view of seg_rle, shared by the RLE source files. */
#ifndef SEGI_RLE_H
#define SEGI_RLE_H

#include "seg/seg_mask.h"

struct seg_rle {
    uint32_t h, w;
    size_t m;        /* number of counts */
    uint32_t *cnts;  /* m counts, column-major runs starting with zeros */
    char *str;       /* cached compressed string, NULL until seg_rle_string */
    size_t str_len;
};

/** Check h and w (>= 1, h * w < 2^32) for the function `who`. */
seg_status segi_rle_check_size(const char *who, int64_t h, int64_t w);

/** A new RLE that takes ownership of `cnts` (malloc'd, m entries); frees it on failure. */
seg_status segi_rle_adopt(uint32_t h, uint32_t w, uint32_t *cnts, size_t m, seg_rle **out);

/** pycocotools rleToBbox on one RLE. */
void segi_rle_bbox(const seg_rle *rle, double bb[4]);

#endif
