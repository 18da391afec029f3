/* Internal view of a parsed model profile (docs/profiles.md). */
#ifndef SEGI_PROFILE_H
#define SEGI_PROFILE_H

#include "seg/seg_image.h"
#include "seg/seg_profile.h"

#include <stdbool.h>

typedef enum segi_decoder {
    SEGI_DEC_ARGMAX,
    SEGI_DEC_SIGMOID,
    SEGI_DEC_YOLO_SEG,
    SEGI_DEC_MASKRCNN,
    SEGI_DEC_PANOPTIC_FPN,
    SEGI_DEC_PANOPTIC_DEEPLAB,
    SEGI_DEC_MASK2FORMER
} segi_decoder;

typedef enum segi_fit {
    SEGI_FIT_KEEP,      /* the image's own size */
    SEGI_FIT_STRETCH,   /* resize to size, ignoring the aspect ratio */
    SEGI_FIT_LETTERBOX  /* keep the aspect ratio, pad with pad_value */
} segi_fit;

#define SEGI_PROFILE_MAX_OUTPUTS 8

struct seg_profile {
    /* preprocess */
    char *input;              /* NULL: the model's first input */
    segi_fit fit;
    int64_t height, width;    /* with STRETCH and LETTERBOX */
    double pad_value;
    float scale, mean[3], std[3];
    seg_channel_order order;
    /* postprocess */
    seg_task task;
    segi_decoder decoder;
    char *outputs[SEGI_PROFILE_MAX_OUTPUTS]; /* NULL entries: by position */
    size_t n_outputs;
    size_t n_classes;
    char **class_names;       /* n_classes */
    bool *is_thing;           /* n_classes */
    uint8_t *palette;         /* n_colors * 3 */
    size_t n_colors;
    float score_threshold, iou_threshold, mask_threshold, center_threshold;
    int64_t stuff_area, max_det; /* stuff_area 0: the decoder's default */
};

#endif
