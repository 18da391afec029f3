/* Output writers of `seg run`: one file per (task, format). */
#ifndef SEG_TOOL_RUN_OUTPUTS_H
#define SEG_TOOL_RUN_OUTPUTS_H

#include <seg/seg.h>

/* Output formats, as bits. */
enum {
    RUN_LABEL = 1,    /* semantic: indexed label PNG */
    RUN_OVERLAY = 2,  /* every task but salient: colours blended over the image */
    RUN_JSON = 4,     /* instance: COCO results with RLE; panoptic: segments_info */
    RUN_PANOPTIC = 8, /* panoptic: COCO panoptic PNG */
    RUN_MATTE = 16,   /* salient: grey alpha matte */
    RUN_CUTOUT = 32   /* salient: the image with the matte as alpha */
};

/* The formats a task can write. */
unsigned run_formats_for(seg_task task);

/* Name of a format bit and the file suffix it writes ("label" / ".label.png"). */
const char *run_format_name(unsigned bit);
const char *run_format_suffix(unsigned bit);

/* Write one format of `result` for `image` (u8 [H, W, 3]) to `path`. */
seg_status run_write(unsigned bit, const seg_result *result, const seg_profile *profile,
                     const seg_tensor *image, const char *stem, const char *path);

#endif
