/*
 * seg_semantic.h: semantic segmentation results from class logits.
 *
 * seg_semantic_from_logits() turns a network's logits [1, C, h, w] (or [C, h, w]) into
 * a label map at the original image size. Upsampling and argmax are fused: the decoder
 * streams over classes one output row at a time, so the full-resolution C x H x W
 * logits are never materialised (unless probabilities are requested).
 *
 * Reference behaviour (docs/postprocessing.md, postprocessing-reference §1):
 *  - bilinear resize identical to torch.nn.functional.interpolate(mode="bilinear",
 *    align_corners=False) — the torchvision / detectron2 / default mmsegmentation
 *    convention — or align_corners=True (SEG_RESIZE_ALIGN_CORNERS, for mmsegmentation
 *    models configured with it);
 *  - logits are resized first, then the argmax is taken; ties go to the lowest class;
 *  - an optional crop of the logits (the padding) before resizing, as detectron2's
 *    sem_seg_postprocess and mmsegmentation do;
 *  - a single channel (C = 1) is a binary / salient-object model: label 1 where
 *    sigmoid(logit) > threshold (default 0.5), else 0.
 *
 * NaN policy: logits containing NaN inside the crop are rejected with SEG_ERR_FORMAT
 * (naming the class and position) rather than producing an arbitrary label.
 *
 * Threading: a seg_semantic is immutable after creation except for the class-name and
 * palette setters; concurrent reads are safe.
 */
#ifndef SEG_SEMANTIC_H
#define SEG_SEMANTIC_H

#include "seg_common.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a bilinear resize places sample points. */
typedef enum seg_resize_mode {
    /** Half-pixel centres, F.interpolate(align_corners=False):
     *  src = max(0, (dst + 0.5) * in / out - 0.5). The default. */
    SEG_RESIZE_HALF_PIXEL = 0,
    /** Corner alignment, F.interpolate(align_corners=True): src = dst * (in-1)/(out-1).
     *  Used by mmsegmentation models whose decode head sets align_corners=True. */
    SEG_RESIZE_ALIGN_CORNERS = 1
} seg_resize_mode;

/** Extra per-pixel outputs, OR-ed into seg_semantic_params.outputs. */
typedef enum seg_semantic_output {
    /** Softmax probabilities [C, H, W] f32 (sigmoid [1, H, W] for C = 1). This
     *  materialises C x H x W floats. */
    SEG_SEMANTIC_PROBABILITIES = 1,
    /** Probability of the chosen label [H, W] f32: max softmax probability, or for
     *  C = 1 the sigmoid p where label 1 and 1 - p where label 0. */
    SEG_SEMANTIC_CONFIDENCE = 2
} seg_semantic_output;

/** Decoding parameters. Initialise with seg_semantic_params_init(), then change fields. */
typedef struct seg_semantic_params {
    uint32_t struct_size;    /**< sizeof(seg_semantic_params) */
    int64_t out_height;      /**< output size; 0 = the (cropped) logits size. Default 0 */
    int64_t out_width;
    int64_t crop_top;        /**< region of the logits to keep, in logit pixels; */
    int64_t crop_left;       /**< the padding outside it is dropped before resizing. */
    int64_t crop_height;     /**< 0 = to the bottom edge. Default 0 */
    int64_t crop_width;      /**< 0 = to the right edge. Default 0 */
    seg_resize_mode resize;  /**< default SEG_RESIZE_HALF_PIXEL */
    uint32_t outputs;        /**< seg_semantic_output bits; default 0 (labels only) */
    float threshold;         /**< C = 1 only: label 1 where sigmoid > threshold; 0.5 */
    seg_dtype label_dtype;   /**< SEG_DTYPE_U8, SEG_DTYPE_I32, or 0 (the default):
                                  u8 when the label count is <= 256, else i32 */
} seg_semantic_params;

/** Fill `params` with the defaults above (and struct_size). */
SEG_API void seg_semantic_params_init(seg_semantic_params *params);

typedef struct seg_semantic seg_semantic;

/**
 * Decode `logits` (f32, [1, C, h, w] or [C, h, w], C >= 1) into a label map.
 * `params` may be NULL (all defaults).
 * Errors: SEG_ERR_SHAPE for another rank, batch != 1, an empty tensor, a crop outside
 * the logits; SEG_ERR_UNSUPPORTED for a dtype other than f32; SEG_ERR_LIMIT for
 * label_dtype U8 with more than 256 labels; SEG_ERR_FORMAT for NaN logits;
 * SEG_ERR_INVALID_ARGUMENT for bad enum values or a threshold outside [0, 1].
 */
SEG_API SEG_NODISCARD seg_status seg_semantic_from_logits(const seg_tensor *logits,
                                                          const seg_semantic_params *params,
                                                          seg_semantic **out);

SEG_API void seg_semantic_destroy(seg_semantic *semantic);

/** Label map [H, W], u8 or i32 (see label_dtype). Borrowed from the handle. */
SEG_API const seg_tensor *seg_semantic_labels(const seg_semantic *semantic);

/** Probabilities [C, H, W] f32, or NULL unless SEG_SEMANTIC_PROBABILITIES was asked. */
SEG_API const seg_tensor *seg_semantic_probabilities(const seg_semantic *semantic);

/** Confidence [H, W] f32, or NULL unless SEG_SEMANTIC_CONFIDENCE was asked. */
SEG_API const seg_tensor *seg_semantic_confidence(const seg_semantic *semantic);

/** Number of labels: C, or 2 for a single-channel (sigmoid) model. */
SEG_API size_t seg_semantic_num_classes(const seg_semantic *semantic);

/** Pixel count of each label, seg_semantic_num_classes() entries. Borrowed. */
SEG_API const int64_t *seg_semantic_areas(const seg_semantic *semantic);

/** Name label `cls` (copied; UTF-8). SEG_ERR_INVALID_ARGUMENT if cls is out of range. */
SEG_API SEG_NODISCARD seg_status seg_semantic_set_class_name(seg_semantic *semantic,
                                                             size_t cls, const char *name);

/** Name of label `cls`, or NULL when unnamed or out of range. Borrowed. */
SEG_API const char *seg_semantic_class_name(const seg_semantic *semantic, size_t cls);

/**
 * Replace the palette with `n_colors` RGB triples (copied). Labels without a colour
 * keep their default colour. The default palette is Pascal VOC's: label i gets
 * r, g, b built by interleaving the bits of i, most significant first
 * (0 black, 1 (128,0,0), 2 (0,128,0), 3 (128,128,0), ..., 255 (224,224,192));
 * labels >= 256 repeat it modulo 256.
 */
SEG_API SEG_NODISCARD seg_status seg_semantic_set_palette(seg_semantic *semantic,
                                                          const uint8_t *rgb,
                                                          size_t n_colors);

/** Colour of label `cls` into rgb[3]. */
SEG_API void seg_semantic_color(const seg_semantic *semantic, size_t cls, uint8_t rgb[3]);

/** Pascal VOC palette colour of `index` (index modulo 256) into rgb[3]. */
SEG_API void seg_palette_voc(size_t index, uint8_t rgb[3]);

/**
 * Write the label map as an 8-bit indexed (palette) PNG, one palette entry per label.
 * Atomic. SEG_ERR_UNSUPPORTED when there are more than 256 labels.
 */
SEG_API SEG_NODISCARD seg_status seg_semantic_write_png(const seg_semantic *semantic,
                                                        const char *path);

/**
 * Blend the label colours over `image` (u8 [H, W, C], C = 1, 3 or 4, the label map's
 * size): out = round(image * (1 - alpha) + colour * alpha) per channel; grey images
 * are expanded to RGB and an alpha channel is dropped. Returns a new u8 [H, W, 3]
 * tensor for seg_tensor_destroy(). alpha in [0, 1].
 */
SEG_API SEG_NODISCARD seg_status seg_semantic_overlay(const seg_semantic *semantic,
                                                      const seg_tensor *image, float alpha,
                                                      seg_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SEG_SEMANTIC_H */
