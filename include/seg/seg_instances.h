/*
 * seg_instances.h: instance segmentation results (boxes, classes, scores, masks).
 *
 * Two decoders produce a seg_instances handle:
 *  - seg_instances_from_yolo(): ultralytics YOLOv8 / YOLO11 -seg outputs
 *    (postprocessing-reference §2), NMS included, masks in letterbox or native mode;
 *  - seg_instances_from_mask_probs(): Mask R-CNN style per-box M x M mask
 *    probabilities pasted into the image, torchvision or detectron2 convention (§3).
 *
 * Boxes are [x1, y1, x2, y2] floats in pixels (x2, y2 exclusive edges as the references
 * use them). Masks are binary bitmaps in "mask space" (seg_instances_mask_size()): the
 * letterboxed network input for YOLO letterbox masks, the original image otherwise.
 * Each mask is stored cropped to the tight bounding rectangle of its set pixels.
 *
 * NaN policy: a NaN score, box coordinate or mask probability is rejected with
 * SEG_ERR_FORMAT naming the detection (NaN mask coefficients give empty masks).
 * Zero-area boxes are accepted and behave as in the references (see each decoder).
 *
 * Threading: a seg_instances is immutable after creation; concurrent reads are safe.
 */
#ifndef SEG_INSTANCES_H
#define SEG_INSTANCES_H

#include "seg_common.h"
#include "seg_mask.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_instances seg_instances;

/**
 * Where an original image sits inside a letterboxed network input.
 * With scale == 0 (the default) the geometry is derived as ultralytics does:
 * gain = min(input_h / orig_h, input_w / orig_w), pad = round((input - orig * gain) / 2
 * - 0.1) with Python's half-to-even rounding, and native masks crop
 * round(pad_p -/+ 0.1) prototype rows/columns with pad_p computed from the prototype
 * size the same way (ultralytics scale_masks).
 * Otherwise input = orig * scale + pad: copy scale, pad_left and pad_top from the
 * seg_letterbox that seg_image_letterbox() filled (or from your own letterbox); the
 * prototype padding is then pad * proto_size / input_size.
 */
typedef struct seg_input_geometry {
    uint32_t struct_size; /**< sizeof(seg_input_geometry) */
    int64_t input_width;  /**< letterboxed network input, e.g. 640 */
    int64_t input_height;
    int64_t orig_width;   /**< the original image */
    int64_t orig_height;
    double scale;         /**< resize gain; 0 = derive as ultralytics. Default 0 */
    double pad_left;      /**< left / top padding in input pixels, used when scale != 0 */
    double pad_top;
} seg_input_geometry;

/** Fill `lb` with the four sizes, scale 0 and zero pads. */
SEG_API void seg_input_geometry_init(seg_input_geometry *lb, int64_t input_width, int64_t input_height,
                                int64_t orig_width, int64_t orig_height);

/** Layout of YOLO output0. */
typedef enum seg_yolo_layout {
    /** [1, 4 + nc + nm, N]: cx, cy, w, h, nc class scores, nm mask coefficients;
     *  decoded with confidence filter + NMS. The default. */
    SEG_YOLO_RAW = 0,
    /** [1, N, 6 + nm]: x1, y1, x2, y2, score, class, coefficients (NMS-free exports);
     *  only the confidence filter and max_det apply. */
    SEG_YOLO_END_TO_END = 1
} seg_yolo_layout;

/** How YOLO masks are assembled from the prototypes. */
typedef enum seg_yolo_mask_mode {
    /** ultralytics process_mask(upsample=True): crop in prototype space with the boxes
     *  scaled by proto/input, bilinear upsample to the input size; masks stay in
     *  letterboxed-input space (padding included). The default. */
    SEG_YOLO_MASKS_LETTERBOX = 0,
    /** ultralytics process_mask_native (retina_masks=True): crop the letterbox padding
     *  out of prototype space, resize to the original image, crop by the mapped boxes.
     *  Needs a seg_input_geometry. */
    SEG_YOLO_MASKS_NATIVE = 1,
    /** No masks (also what a NULL prototype tensor gives). */
    SEG_YOLO_MASKS_NONE = 2
} seg_yolo_mask_mode;

/** How mask values are thresholded. */
typedef enum seg_yolo_mask_threshold {
    /** Threshold the mask logits > 0 (ultralytics since mid-2024). The default. */
    SEG_YOLO_MASK_LOGITS = 0,
    /** Legacy: sigmoid, crop, upsample the probabilities, threshold > 0.5. */
    SEG_YOLO_MASK_SIGMOID = 1
} seg_yolo_mask_threshold;

/** YOLO decoding parameters; seg_yolo_params_init() gives the ultralytics predict
 *  defaults. */
typedef struct seg_yolo_params {
    uint32_t struct_size;      /**< sizeof(seg_yolo_params) */
    float conf_threshold;      /**< keep best class score > this (strict). 0.25
                                    (ultralytics validation uses 0.001) */
    double iou_threshold;      /**< suppress IoU > this (strict; compared in double as
                                    torchvision does). 0.7 */
    int64_t max_det;           /**< detections kept after NMS. 300 */
    int64_t max_nms;           /**< candidates entering NMS, best first. 30000 */
    float class_offset;        /**< class-aware NMS offsets boxes by cls * this;
                                    7680 (ultralytics max_wh); 0 = class-agnostic */
    seg_yolo_layout layout;    /**< default SEG_YOLO_RAW */
    seg_yolo_mask_mode masks;  /**< default SEG_YOLO_MASKS_LETTERBOX */
    seg_yolo_mask_threshold mask_threshold; /**< default SEG_YOLO_MASK_LOGITS */
    int32_t keep_empty_masks;  /**< 0 (default): drop detections whose mask is empty,
                                    as ultralytics 8.3 does in both modes */
} seg_yolo_params;

SEG_API void seg_yolo_params_init(seg_yolo_params *params);

/**
 * Decode YOLOv8/YOLO11-seg outputs. `output0` f32 in the chosen layout; `protos`
 * f32 [1, nm, mh, mw] or [nm, mh, mw], or NULL for a detection-only model (nm = 0).
 * `geometry` may be NULL: boxes then stay in input pixels and the input size is taken
 * as 4 * (mh, mw) (or the boxes' own space without prototypes); with it, boxes are
 * mapped to the original image (ultralytics scale_boxes: subtract the pad, divide by
 * the gain, clip to the image).
 * Steps (RAW): best class per candidate (first on ties), keep score > conf,
 * xywh -> xyxy, keep the max_nms best, greedy NMS per class (boxes offset by
 * cls * class_offset, IoU with area (x2-x1)(y2-y1), suppress IoU > iou_threshold,
 * as torchvision.ops.nms), keep max_det, assemble masks (coefficients @ prototypes
 * with BLAS, over only the prototype rows each mask reads), drop empty masks, map boxes.
 * Errors: SEG_ERR_SHAPE for layouts that do not fit (nc < 1, nm mismatch, batch != 1);
 * SEG_ERR_UNSUPPORTED for non-f32 tensors; SEG_ERR_INVALID_ARGUMENT for bad params
 * or native masks without a geometry; SEG_ERR_FORMAT for NaN scores or boxes and
 * end-to-end classes that are not indices; SEG_ERR_LIMIT for end-to-end box
 * coordinates beyond +-2^24.
 */
SEG_API SEG_NODISCARD seg_status seg_instances_from_yolo(const seg_tensor *output0,
                                                         const seg_tensor *protos,
                                                         const seg_input_geometry *geometry,
                                                         const seg_yolo_params *params,
                                                         seg_instances **out);

/** Mask R-CNN pasting conventions. */
typedef enum seg_paste_mode {
    /** torchvision paste_masks_in_image: pad the M x M mask by one pixel, expand the
     *  box by (M+2)/M, truncate it to integers, bilinear resize (align_corners=False)
     *  to (x1 - x0 + 1) x (y1 - y0 + 1) (at least 1), paste with clipping; a pixel
     *  is set where the probability > threshold. The default. */
    SEG_PASTE_TORCHVISION = 0,
    /** detectron2 paste_masks_in_image (CPU path): grid_sample(align_corners=False,
     *  zeros padding) at pixel centres mapped to the box, evaluated only inside the
     *  box grown to whole pixels plus one; set where the probability >= threshold.
     *  A zero-width or zero-height box gives an empty mask. */
    SEG_PASTE_DETECTRON2 = 1
} seg_paste_mode;

typedef struct seg_paste_params {
    uint32_t struct_size;   /**< sizeof(seg_paste_params) */
    int64_t image_width;    /**< the image the masks are pasted into (required) */
    int64_t image_height;
    seg_paste_mode mode;    /**< default SEG_PASTE_TORCHVISION */
    float threshold;        /**< 0.5 */
} seg_paste_params;

SEG_API void seg_paste_params_init(seg_paste_params *params);

/**
 * Paste per-box mask probabilities. `boxes` f32 [N, 4] xyxy in image pixels;
 * `scores` f32 [N] or NULL (all 1); `classes` i64 or i32 [N] or NULL (all 0);
 * `masks` f32 [N, 1, M, M'] or [N, M, M'] probabilities (class-specific channel
 * already selected). Instances keep their input order; empty masks are kept.
 * Errors: SEG_ERR_SHAPE for disagreeing N or ranks; SEG_ERR_INVALID_ARGUMENT for a
 * missing image size; SEG_ERR_FORMAT for NaN, x2 < x1 or y2 < y1; SEG_ERR_LIMIT for
 * a coordinate beyond +-2^24 (or infinite).
 */
SEG_API SEG_NODISCARD seg_status seg_instances_from_mask_probs(const seg_tensor *boxes,
                                                               const seg_tensor *scores,
                                                               const seg_tensor *classes,
                                                               const seg_tensor *masks,
                                                               const seg_paste_params *params,
                                                               seg_instances **out);

SEG_API void seg_instances_destroy(seg_instances *instances);

/** Number of instances. */
SEG_API size_t seg_instances_count(const seg_instances *instances);

/** Class of instance `i`; -1 when i is out of range. */
SEG_API int64_t seg_instances_class(const seg_instances *instances, size_t i);

/** Score of instance `i`; NaN when i is out of range. */
SEG_API float seg_instances_score(const seg_instances *instances, size_t i);

/** Track id of instance `i` (>= 1, stable across the frames of a seg_sequence and never
 *  reused within it; see seg_sequence.h); 0 for instances not produced by a sequence
 *  and when i is out of range. */
SEG_API int64_t seg_instances_track_id(const seg_instances *instances, size_t i);

/** Box of instance `i` as x1, y1, x2, y2. SEG_ERR_INVALID_ARGUMENT when out of range. */
SEG_API SEG_NODISCARD seg_status seg_instances_box(const seg_instances *instances, size_t i,
                                                   float xyxy[4]);

/** 1 when the instances carry masks, else 0 (detection-only decode). */
SEG_API int seg_instances_has_masks(const seg_instances *instances);

/** Mask space width and height (0 x 0 without masks). */
SEG_API void seg_instances_mask_size(const seg_instances *instances, int64_t *width,
                                     int64_t *height);

/**
 * Mask of instance `i` cropped to the tight bounding rectangle of its set pixels:
 * rect = x, y, width, height in mask space, `*bits` = width * height bytes (0 or 1),
 * row-major, borrowed from the handle. An empty mask gives a 0 x 0 rect and NULL bits.
 * SEG_ERR_INVALID_ARGUMENT when i is out of range or there are no masks.
 */
SEG_API SEG_NODISCARD seg_status seg_instances_mask_crop(const seg_instances *instances,
                                                         size_t i, int64_t rect[4],
                                                         const uint8_t **bits);

/** Mask of instance `i` at full mask-space size, as a new u8 [H, W] tensor of 0/1 for
 *  seg_tensor_destroy(). */
SEG_API SEG_NODISCARD seg_status seg_instances_mask(const seg_instances *instances, size_t i,
                                                    seg_tensor **out);

/**
 * Mask of instance `i` as a COCO RLE over the full mask space (pycocotools layout:
 * column-major runs starting with zeros), built from the cropped bitmap without a
 * full-size copy. A new seg_rle for seg_rle_destroy(); seg_rle_string() gives the
 * compressed "counts" string of COCO results files.
 */
SEG_API SEG_NODISCARD seg_status seg_instances_mask_rle(const seg_instances *instances,
                                                        size_t i, seg_rle **out);

#ifdef __cplusplus
}
#endif

#endif /* SEG_INSTANCES_H */
