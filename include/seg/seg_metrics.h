/*
 * seg_metrics.h: the standard segmentation metrics, computed the way the reference
 * tools compute them (docs/metrics.md says which tool and which option).
 *
 *  - seg_confusion: a confusion matrix accumulated over a data set, with mIoU under the
 *    torchvision, mmsegmentation and detectron2 policies, Cityscapes' ignoreInEval,
 *    pixel / class / mean accuracy, Dice (F1) and frequency-weighted IoU.
 *  - seg_pq: panoptic quality (PQ, SQ, RQ) with panopticapi's pq_compute semantics,
 *    from in-memory id maps or from COCO panoptic PNG folders and JSON files.
 *  - seg_coco_eval: COCO mask AP / AR with COCOeval semantics (iouType "segm").
 *
 * Threading: a handle is used by one thread at a time; const accessors may be called
 * concurrently. Accumulate per thread and combine with seg_confusion_merge.
 */
#ifndef SEG_METRICS_H
#define SEG_METRICS_H

#include "seg_common.h"
#include "seg_options.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ==== Semantic segmentation: confusion matrix ============================= */

typedef struct seg_confusion seg_confusion;

/** How a mean IoU treats classes that are absent from the ground truth. */
typedef enum seg_miou_policy {
    /** torchvision's reference scripts: a class's IoU is tp / (gt + pred - tp), NaN
     *  when it appears nowhere (neither gt nor prediction); the mean is a plain mean,
     *  so one such class makes it NaN. A class predicted but absent from gt has IoU 0. */
    SEG_MIOU_TORCHVISION = 0,
    /** mmsegmentation: per-class IoU as torchvision; the mean skips NaN (nanmean).
     *  With classes excluded by seg_confusion_set_evaluated this is also Cityscapes'
     *  evalPixelLevelSemanticLabeling average. */
    SEG_MIOU_MMSEG = 1,
    /** detectron2's SemSegEvaluator: only classes with gt pixels have an IoU (others
     *  NaN, even if predicted); the mean averages those. */
    SEG_MIOU_DETECTRON2 = 2
} seg_miou_policy;

/**
 * A zeroed confusion matrix over `n_classes` classes (1 .. 4096). Ground-truth pixels
 * equal to `ignore_label` (commonly 255; any value, even one inside [0, n_classes))
 * are skipped; so are other gt values outside [0, n_classes), as torchvision does.
 */
SEG_API SEG_NODISCARD seg_status seg_confusion_create(int64_t n_classes, int64_t ignore_label,
                                                      seg_confusion **out);

SEG_API void seg_confusion_destroy(seg_confusion *cm);

/**
 * Count one image. `gt` and `pred` are label maps of the same shape (any rank), each
 * U8, U16, I32 or I64. A prediction outside [0, n_classes) counts as wrong for its gt
 * class (a false negative) and as a false positive for no class.
 * SEG_ERR_SHAPE on different shapes, SEG_ERR_UNSUPPORTED on another dtype.
 */
SEG_API SEG_NODISCARD seg_status seg_confusion_add(seg_confusion *cm, const seg_tensor *gt,
                                                   const seg_tensor *pred);

/** Add the counts of `src` (same number of classes) into `dst`. */
SEG_API SEG_NODISCARD seg_status seg_confusion_merge(seg_confusion *dst,
                                                     const seg_confusion *src);

/** Set every count back to zero (the class settings stay). */
SEG_API void seg_confusion_reset(seg_confusion *cm);

/**
 * Cityscapes' ignoreInEval: with `evaluated` 0 the class gets IoU, accuracy and Dice
 * NaN, is left out of every mean, and its gt pixels are counted nowhere (they are not
 * false positives of the class predicted there). Default: every class evaluated.
 */
SEG_API SEG_NODISCARD seg_status seg_confusion_set_evaluated(seg_confusion *cm,
                                                             int64_t class_id, int evaluated);

/** Number of classes the matrix was created with. */
SEG_API int64_t seg_confusion_classes(const seg_confusion *cm);

/**
 * Pixels with gt class `gt_class` predicted as `pred_class`. `pred_class` may be
 * n_classes: predictions outside [0, n_classes).
 */
SEG_API SEG_NODISCARD seg_status seg_confusion_count(const seg_confusion *cm, int64_t gt_class,
                                                     int64_t pred_class, uint64_t *out);

/** IoU of one class under `policy` (see seg_miou_policy); NaN when undefined. */
SEG_API SEG_NODISCARD seg_status seg_confusion_class_iou(const seg_confusion *cm,
                                                         seg_miou_policy policy,
                                                         int64_t class_id, double *out);

/** Mean IoU under `policy`; NaN when no class has an IoU. */
SEG_API SEG_NODISCARD seg_status seg_confusion_miou(const seg_confusion *cm,
                                                    seg_miou_policy policy, double *out);

/** detectron2's fwIoU: IoUs weighted by each class's share of gt pixels. */
SEG_API SEG_NODISCARD seg_status seg_confusion_fwiou(const seg_confusion *cm, double *out);

/** Correct pixels / counted pixels; NaN when nothing was counted. */
SEG_API SEG_NODISCARD seg_status seg_confusion_pixel_accuracy(const seg_confusion *cm,
                                                              double *out);

/** Recall of one class: tp / gt pixels; NaN without gt pixels. */
SEG_API SEG_NODISCARD seg_status seg_confusion_class_accuracy(const seg_confusion *cm,
                                                              int64_t class_id, double *out);

/** Mean of the class accuracies that are defined (mmsegmentation's and detectron2's mAcc). */
SEG_API SEG_NODISCARD seg_status seg_confusion_mean_accuracy(const seg_confusion *cm,
                                                             double *out);

/** Dice / F1 of one class: 2 tp / (gt + pred); NaN when both are 0. */
SEG_API SEG_NODISCARD seg_status seg_confusion_class_dice(const seg_confusion *cm,
                                                          int64_t class_id, double *out);

/** Mean of the defined Dice values (mmsegmentation's mDice). */
SEG_API SEG_NODISCARD seg_status seg_confusion_mean_dice(const seg_confusion *cm, double *out);

/* ==== Panoptic quality ==================================================== */

typedef struct seg_pq seg_pq;

/** Which categories a PQ average covers. */
typedef enum seg_pq_group {
    SEG_PQ_ALL = 0,
    SEG_PQ_THINGS = 1,
    SEG_PQ_STUFF = 2
} seg_pq_group;

/** An empty evaluator: add categories, then images. */
SEG_API SEG_NODISCARD seg_status seg_pq_create(seg_pq **out);

SEG_API void seg_pq_destroy(seg_pq *pq);

/**
 * Declare a category (the gt JSON's "categories"). `name` may be NULL; it is copied.
 * SEG_ERR_INVALID_ARGUMENT for a duplicate id.
 */
SEG_API SEG_NODISCARD seg_status seg_pq_add_category(seg_pq *pq, int64_t category_id,
                                                     int isthing, const char *name);

/**
 * Evaluate one image pair and add its counts.
 *
 * `gt_map` / `pred_map`: segment ids, either I32 [H, W] or a COCO panoptic PNG decoded
 * as U8 [H, W, 3 or 4] (id = R + 256 G + 256^2 B; alpha ignored). Id 0 is void, and so
 * is a negative I32 id (Panoptic-DeepLab's -1 in seg_panoptic_id_map).
 * `gt_segments`: I64 [n, 4], one row (id, category_id, iscrowd, area) per segment, as
 * in the gt JSON's segments_info; the area is used for the union as panopticapi does,
 * and a negative area means "count it in gt_map". `pred_segments`: I64 [n, 2 or more],
 * rows starting (id, category_id); the prediction's area is always its pixel count.
 *
 * Errors (nothing is added): maps of different sizes (SEG_ERR_SHAPE); an id in a map
 * without a segment row, a pred segment missing from its map, a duplicate segment id
 * or one outside [1, 2^31), or a category never declared (SEG_ERR_FORMAT, naming the
 * id), a gt area (non-negative) smaller than the segment's pixel count in gt_map
 * (SEG_ERR_FORMAT: panopticapi would report an IoU, and PQ, above 1).
 * Unlike panopticapi, a gt id missing from the rows is an error too, not skipped.
 */
SEG_API SEG_NODISCARD seg_status seg_pq_add_image(seg_pq *pq, const seg_tensor *gt_map,
                                                  const seg_tensor *gt_segments,
                                                  const seg_tensor *pred_map,
                                                  const seg_tensor *pred_segments);

/**
 * panopticapi's pq_compute on files: categories from `gt_json`'s "categories", each
 * entry of its "annotations" paired with the prediction of the same image_id (missing
 * one: SEG_ERR_NOT_FOUND), PNGs read from `gt_dir` / `pred_dir` by "file_name".
 * A new evaluator holding the counts of every image. Errors name the file and field.
 * `opts` may be NULL; SEG_OPT_MAX_FILE_BYTES bounds every file and SEG_OPT_MAX_PIXELS
 * every PNG.
 */
SEG_API SEG_NODISCARD seg_status seg_pq_evaluate_files(const char *gt_json, const char *gt_dir,
                                                       const char *pred_json,
                                                       const char *pred_dir,
                                                       const seg_options *opts, seg_pq **out);

/**
 * Averages over the categories of `group` that have any TP, FP or FN: `pq_sq_rq`
 * receives 3 doubles (NaN when no category counts), `n` (may be NULL) how many counted.
 */
SEG_API SEG_NODISCARD seg_status seg_pq_average(const seg_pq *pq, seg_pq_group group,
                                                double *pq_sq_rq, int64_t *n);

/** Number of declared categories (indexes in declaration order). */
SEG_API size_t seg_pq_category_count(const seg_pq *pq);

/**
 * Category `index`: id, isthing and name (borrowed, "" when none; any out-param may
 * be NULL), `pq_sq_rq` 3 doubles (all 0 when the class has no TP, FP or FN, as
 * panopticapi reports) and `tp_fp_fn` 3 counts; either may be NULL.
 */
SEG_API SEG_NODISCARD seg_status seg_pq_category(const seg_pq *pq, size_t index,
                                                 int64_t *category_id, int *isthing,
                                                 const char **name, double *pq_sq_rq,
                                                 int64_t *tp_fp_fn);

/* ==== COCO mask AP ======================================================== */

typedef struct seg_coco_eval seg_coco_eval;

/** The twelve numbers COCOeval.summarize() prints, in its order. */
typedef enum seg_coco_stat {
    SEG_COCO_AP = 0,      /**< IoU .50:.95, all areas, 100 detections */
    SEG_COCO_AP50 = 1,
    SEG_COCO_AP75 = 2,
    SEG_COCO_AP_SMALL = 3,  /**< area <= 32^2 (gt by JSON area, results by mask area) */
    SEG_COCO_AP_MEDIUM = 4, /**< 32^2 <= area <= 96^2 */
    SEG_COCO_AP_LARGE = 5,  /**< area >= 96^2 (bounds belong to both ranges) */
    SEG_COCO_AR1 = 6,
    SEG_COCO_AR10 = 7,
    SEG_COCO_AR100 = 8,
    SEG_COCO_AR_SMALL = 9,
    SEG_COCO_AR_MEDIUM = 10,
    SEG_COCO_AR_LARGE = 11
} seg_coco_stat;

#define SEG_COCO_STAT_COUNT 12

/**
 * Evaluate `results_json` (a list of {image_id, category_id, segmentation: RLE,
 * score}) against `gt_json` (COCO instances: images with height/width, categories,
 * annotations with polygon or RLE segmentations, area, iscrowd), as COCOeval with
 * iouType "segm" and default parameters does. Unlike COCOeval, a result whose image or
 * category is not in the gt is an error rather than an assertion or silently dropped.
 * `opts` may be NULL; files larger than SEG_OPT_MAX_FILE_BYTES are SEG_ERR_LIMIT.
 */
SEG_API SEG_NODISCARD seg_status seg_coco_eval_files(const char *gt_json,
                                                     const char *results_json,
                                                     const seg_options *opts,
                                                     seg_coco_eval **out);

/** As seg_coco_eval_files, from JSON text in memory (need not be NUL-terminated).
 *  Texts longer than SEG_OPT_MAX_FILE_BYTES are SEG_ERR_LIMIT. */
SEG_API SEG_NODISCARD seg_status seg_coco_eval_memory(const char *gt_json, size_t gt_size,
                                                      const char *results_json,
                                                      size_t results_size,
                                                      const seg_options *opts,
                                                      seg_coco_eval **out);

SEG_API void seg_coco_eval_destroy(seg_coco_eval *ev);

/** One of the summary numbers; -1 where COCOeval gives -1 (nothing to average). */
SEG_API SEG_NODISCARD seg_status seg_coco_eval_stat(const seg_coco_eval *ev, seg_coco_stat stat,
                                                    double *out);

/** Number of gt categories (indexes in increasing id order, as COCOeval's catIds). */
SEG_API size_t seg_coco_eval_category_count(const seg_coco_eval *ev);

/**
 * Category `index`: id, name (borrowed) and its AP (IoU .50:.95, all areas, 100
 * detections; -1 when undefined). Any out-param may be NULL.
 */
SEG_API SEG_NODISCARD seg_status seg_coco_eval_category(const seg_coco_eval *ev, size_t index,
                                                        int64_t *category_id,
                                                        const char **name, double *ap);

#ifdef __cplusplus
}
#endif

#endif /* SEG_METRICS_H */
