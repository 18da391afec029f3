/*
 * seg_panoptic.h: panoptic segmentation results (an id per pixel plus segments).
 *
 * Three fusions build a seg_panoptic (postprocessing-reference §4):
 *  - seg_panoptic_from_fpn(): Panoptic FPN, detectron2's
 *    combine_semantic_and_instance_outputs (panopticapi's combiner);
 *  - seg_panoptic_from_deeplab(): Panoptic-DeepLab's center/offset grouping;
 *  - seg_panoptic_from_mask2former(): Mask2Former's panoptic_inference.
 * Each takes a params POD whose *_init() fills the reference defaults.
 *
 * Ids. Every segment has an id written into the int32 id map [H, W]:
 *  - SEG_PANOPTIC_IDS_CONSECUTIVE: 1, 2, ... in segment order; void pixels are 0
 *    (detectron2 Panoptic FPN and Mask2Former);
 *  - SEG_PANOPTIC_IDS_CLASS_DIVISOR: things class * label_divisor + k (k = 1, 2, ...
 *    per class in segment order), stuff class * label_divisor; void pixels are
 *    void_label (Panoptic-DeepLab: -1; evaluators add one so that void becomes 0).
 *    With void_label 0, a stuff class 0 is indistinguishable from void, as in the
 *    reference.
 * Segments are reported in the order they were created; category ids are the class
 * indices the model produced (map them to dataset ids yourself).
 *
 * NaN policy: NaN scores, class or mask logits, center heat or offsets are rejected
 * with SEG_ERR_FORMAT.
 *
 * Semantic label maps (u8 or i32) may hold any values, negative ones included, as long
 * as they span fewer than 2^24 distinct values (SEG_ERR_LIMIT otherwise).
 *
 * Threading: a seg_panoptic is immutable after creation; concurrent reads are safe.
 */
#ifndef SEG_PANOPTIC_H
#define SEG_PANOPTIC_H

#include "seg_common.h"
#include "seg_instances.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_panoptic seg_panoptic;

/** Segment id schemes. */
typedef enum seg_panoptic_ids {
    SEG_PANOPTIC_IDS_CONSECUTIVE = 0,
    SEG_PANOPTIC_IDS_CLASS_DIVISOR = 1
} seg_panoptic_ids;

/** Id options shared by every fusion. */
typedef struct seg_panoptic_id_options {
    seg_panoptic_ids scheme;
    int32_t label_divisor; /**< >= 1; 1000 */
    int32_t void_label;    /**< id of void pixels with CLASS_DIVISOR (0 with CONSECUTIVE) */
} seg_panoptic_id_options;

/** One segment, as seg_panoptic_segment() reports it. Set struct_size before the
 *  call; only the fields that fit are written. */
typedef struct seg_segment_info {
    uint32_t struct_size;
    int32_t id;           /**< value in the id map */
    int32_t category_id;  /**< class index */
    int32_t is_thing;     /**< 1 thing, 0 stuff */
    int64_t area;         /**< pixels in the id map */
    int64_t bbox[4];      /**< x, y, width, height of those pixels (COCO) */
    float score;          /**< instance / query score; 1 for stuff without one */
} seg_segment_info;

/* ---- Panoptic FPN ------------------------------------------------------- */

typedef struct seg_panoptic_fpn_params {
    uint32_t struct_size;        /**< sizeof(seg_panoptic_fpn_params) */
    float score_threshold;       /**< stop at the first instance scoring below: 0.5 */
    double overlap_threshold;    /**< skip an instance whose already-painted part / its
                                      area > this: 0.5 */
    int64_t stuff_area;          /**< keep a stuff class whose unassigned area >= this:
                                      4096 */
    int32_t things_label;        /**< semantic label standing for all things (skipped):
                                      0; -1 = none */
    seg_panoptic_id_options ids; /**< CONSECUTIVE, 1000, 0 */
} seg_panoptic_fpn_params;

SEG_API void seg_panoptic_fpn_params_init(seg_panoptic_fpn_params *params);

/**
 * Panoptic FPN fusion. `semantic` is a label map u8 or i32 [H, W] (e.g.
 * seg_semantic_labels()); `instances` carry masks in an H x W mask space (YOLO native
 * masks or pasted Mask R-CNN masks; NULL = no instances). Instances are taken by
 * descending score (stable), stopping at the first below score_threshold; empty masks
 * are skipped; each paints only unassigned pixels; then each stuff label in ascending
 * order paints its unassigned pixels if they number >= stuff_area.
 * Errors: SEG_ERR_SHAPE when the mask space is not H x W or semantic is not 2-D;
 * SEG_ERR_FORMAT for NaN scores.
 */
SEG_API SEG_NODISCARD seg_status seg_panoptic_from_fpn(const seg_tensor *semantic,
                                                       const seg_instances *instances,
                                                       const seg_panoptic_fpn_params *params,
                                                       seg_panoptic **out);

/* ---- Panoptic-DeepLab --------------------------------------------------- */

typedef struct seg_panoptic_deeplab_params {
    uint32_t struct_size;        /**< sizeof(seg_panoptic_deeplab_params) */
    float center_threshold;      /**< keep center heat > this: 0.1 */
    int32_t nms_kernel;          /**< odd max-pool size for center NMS: 7 */
    int32_t top_k;               /**< keep centers > the top_k-th heat value: 200;
                                      0 = keep every peak > 0 */
    int64_t stuff_area;          /**< keep a stuff class with area >= this: 2048 */
    seg_panoptic_id_options ids; /**< CLASS_DIVISOR, 1000, -1 */
} seg_panoptic_deeplab_params;

SEG_API void seg_panoptic_deeplab_params_init(seg_panoptic_deeplab_params *params);

/**
 * Panoptic-DeepLab grouping. `semantic` u8 or i32 [H, W]; `center` f32 heatmap
 * [H, W], [1, H, W] or [1, 1, H, W]; `offsets` f32 [2, H, W] or [1, 2, H, W] holding
 * (dy, dx). `thing_classes` lists the `n_things` semantic labels that are things.
 * Centers: heat <= threshold is dropped, a nms_kernel max-pool keeps local maxima
 * (pixels equal to their pooled value), then the top_k rule; centers are ordered
 * row-major. Each thing pixel joins the nearest center to (y + dy, x + dx) (squared
 * float distance, ties to the first center); an instance's class is the majority
 * semantic label of its pixels (ties to the smallest label); stuff labels keep their
 * area if >= stuff_area. Thing scores are the center heat values.
 * Errors: SEG_ERR_SHAPE for disagreeing sizes; SEG_ERR_INVALID_ARGUMENT for an even
 * or non-positive nms_kernel; SEG_ERR_FORMAT for NaN heat or offsets.
 */
SEG_API SEG_NODISCARD seg_status seg_panoptic_from_deeplab(
    const seg_tensor *semantic, const seg_tensor *center, const seg_tensor *offsets,
    const int32_t *thing_classes, size_t n_things,
    const seg_panoptic_deeplab_params *params, seg_panoptic **out);

/* ---- Mask2Former -------------------------------------------------------- */

typedef struct seg_panoptic_mask2former_params {
    uint32_t struct_size;          /**< sizeof(seg_panoptic_mask2former_params) */
    float object_mask_threshold;   /**< keep queries whose max class probability > this
                                        (float compare): 0.8 */
    double overlap_threshold;      /**< drop a query whose won area / its own area
                                        (sigmoid >= 0.5) < this: 0.8 */
    int64_t out_height;            /**< resize mask logits (bilinear, half-pixel) to this
                                        size first; 0 = keep the mask size */
    int64_t out_width;
    seg_panoptic_id_options ids;   /**< CONSECUTIVE, 1000, 0 */
} seg_panoptic_mask2former_params;

SEG_API void seg_panoptic_mask2former_params_init(seg_panoptic_mask2former_params *params);

/**
 * Mask2Former panoptic inference. `class_logits` f32 [Q, K + 1] or [1, Q, K + 1]
 * (the last class is "no object"); `mask_logits` f32 [Q, h, w] or [1, Q, h, w].
 * `thing_classes` lists the `n_things` classes that are things (others are stuff).
 * Kept queries: softmax label != K and score > object_mask_threshold. Per pixel the
 * kept query maximising score * sigmoid(mask) wins (ties to the first); a query keeps
 * the pixels it wins where sigmoid >= 0.5, and is dropped when its won area divided by
 * its sigmoid >= 0.5 area is below overlap_threshold (or either is empty); stuff
 * queries of one class merge into one segment.
 * Errors: SEG_ERR_SHAPE for disagreeing Q or ranks; SEG_ERR_FORMAT for NaN logits.
 */
SEG_API SEG_NODISCARD seg_status seg_panoptic_from_mask2former(
    const seg_tensor *class_logits, const seg_tensor *mask_logits,
    const int32_t *thing_classes, size_t n_things,
    const seg_panoptic_mask2former_params *params, seg_panoptic **out);

/* ---- Result ------------------------------------------------------------- */

SEG_API void seg_panoptic_destroy(seg_panoptic *panoptic);

/** The id map, i32 [H, W]. Borrowed from the handle. */
SEG_API const seg_tensor *seg_panoptic_id_map(const seg_panoptic *panoptic);

/** Number of segments. */
SEG_API size_t seg_panoptic_count(const seg_panoptic *panoptic);

/** Segment `i` into `*out` (set out->struct_size first). SEG_ERR_INVALID_ARGUMENT
 *  when i is out of range or struct_size is too small. */
SEG_API SEG_NODISCARD seg_status seg_panoptic_segment(const seg_panoptic *panoptic, size_t i,
                                                      seg_segment_info *out);

/**
 * Write the COCO panoptic PNG: RGB with id = R + 256 G + 256^2 B; void (and any
 * negative id) is 0. Atomic. SEG_ERR_LIMIT when an id is >= 2^24.
 */
SEG_API SEG_NODISCARD seg_status seg_panoptic_write_png(const seg_panoptic *panoptic,
                                                        const char *path);

/**
 * Write the COCO panoptic annotation of this image as JSON:
 * {"image_id": image_id, "file_name": file_name, "segments_info": [{"id",
 * "category_id", "iscrowd": 0, "bbox": [x, y, w, h], "area", "isthing", "score"}]}.
 * `file_name` is the PNG's name (may be NULL: omitted). Atomic.
 */
SEG_API SEG_NODISCARD seg_status seg_panoptic_write_json(const seg_panoptic *panoptic,
                                                         int64_t image_id,
                                                         const char *file_name,
                                                         const char *path);

/**
 * Blend segment colours over `image` (u8 [H, W, 1|3|4]): segment i (0-based) gets the
 * Pascal VOC palette colour of i + 1 (seg_palette_voc); void pixels keep the image.
 * out = round(image * (1 - alpha) + colour * alpha). New u8 [H, W, 3] tensor.
 */
SEG_API SEG_NODISCARD seg_status seg_panoptic_overlay(const seg_panoptic *panoptic,
                                                      const seg_tensor *image, float alpha,
                                                      seg_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SEG_PANOPTIC_H */
