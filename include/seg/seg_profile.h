/*
 * seg_profile.h: model profiles and the one-call image -> result pipeline.
 *
 * A model profile is a small JSON document kept beside the model (`model.onnx` ->
 * `model.seg.json`) that says how to turn an image into the network input (size,
 * resize or letterbox, scale, mean, std, channel order) and how to turn the outputs
 * into a result (task, decoder, output names, classes, thresholds). The full
 * reference is docs/profiles.md. seg_run_image() applies a profile: pre-process,
 * run the session, decode, and map the result back to the original image.
 *
 * Threading: a seg_profile is immutable after loading; one profile may serve any
 * number of sessions concurrently. A seg_result is immutable.
 */
#ifndef SEG_PROFILE_H
#define SEG_PROFILE_H

#include "seg_common.h"
#include "seg_instances.h"
#include "seg_model.h"
#include "seg_panoptic.h"
#include "seg_semantic.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a profile's model predicts. */
typedef enum seg_task {
    SEG_TASK_SEMANTIC = 1, /**< a label per pixel (seg_semantic) */
    SEG_TASK_INSTANCE = 2, /**< boxes, classes, scores, masks (seg_instances) */
    SEG_TASK_PANOPTIC = 3, /**< things and stuff as segments (seg_panoptic) */
    SEG_TASK_SALIENT = 4   /**< a foreground probability per pixel (seg_semantic, C = 1) */
} seg_task;

typedef struct seg_profile seg_profile;

/**
 * Parse a profile from the JSON file at `path` (at most 16 MiB).
 * On success `*out` is a new profile for seg_profile_destroy().
 * Errors: SEG_ERR_IO (cannot read), SEG_ERR_FORMAT (not JSON, or a field that is
 * missing, unknown, of the wrong type or out of range; the message names its path,
 * e.g. "preprocess.mean[2]: expected a number"), SEG_ERR_OUT_OF_MEMORY.
 */
SEG_API SEG_NODISCARD seg_status seg_profile_load_file(const char *path, seg_profile **out);

/** As seg_profile_load_file() from `size` bytes of JSON text at `data`. */
SEG_API SEG_NODISCARD seg_status seg_profile_load_memory(const void *data, size_t size,
                                                        seg_profile **out);

/** Free a profile. NULL is a no-op. */
SEG_API void seg_profile_destroy(seg_profile *profile);

/** The profile's task (postprocess.task). */
SEG_API seg_task seg_profile_task(const seg_profile *profile);

/** Number of classes named in postprocess.classes (0 when none are given). */
SEG_API size_t seg_profile_class_count(const seg_profile *profile);

/** Name of class `cls`, borrowed from the profile; NULL when out of range. */
SEG_API const char *seg_profile_class_name(const seg_profile *profile, size_t cls);

/** Colour of class `cls` into rgb[3]: postprocess.palette[cls] when given, else the
 *  Pascal VOC palette (seg_palette_voc) colour of cls for semantic and salient
 *  profiles, of cls + 1 for instance and panoptic ones (whose class 0 is an object,
 *  not the black background). */
SEG_API void seg_profile_color(const seg_profile *profile, size_t cls, uint8_t rgb[3]);

/** The result of seg_run_image(). */
typedef struct seg_result seg_result;

/**
 * Run one image through `session` as `profile` describes and decode the outputs.
 * `image` is u8 [H, W, C] with C = 1, 3 or 4 (as seg_image_decode_* returns; grey is
 * repeated, alpha ignored). `session` must have been created from `model` (whose
 * input and output names the profile refers to), the model the profile was written
 * for. Results are in the original image's coordinates: letterbox padding is
 * cropped away and sizes are mapped back.
 * On success `*out` is a new result for seg_result_destroy().
 * Errors: SEG_ERR_SHAPE (image or output shapes that do not fit the decoder),
 * SEG_ERR_NOT_FOUND (an input or output name of the profile is not in the model),
 * SEG_ERR_UNSUPPORTED (yolo-seg with resize "stretch"), and any error of the
 * session or the decoder.
 */
SEG_API SEG_NODISCARD seg_status seg_run_image(const seg_model *model, seg_session *session,
                                               const seg_profile *profile,
                                               const seg_tensor *image, seg_result **out);

/** Free a result. NULL is a no-op. */
SEG_API void seg_result_destroy(seg_result *result);

/** The task that produced the result. */
SEG_API seg_task seg_result_task(const seg_result *result);

/**
 * The semantic result (tasks semantic and salient; NULL otherwise), borrowed. Class
 * names and palette come from the profile. For salient the label map is the
 * thresholded foreground and seg_semantic_probabilities() the [1, H, W] matte.
 */
SEG_API const seg_semantic *seg_result_semantic(const seg_result *result);

/** The instances (task instance; NULL otherwise), borrowed. */
SEG_API const seg_instances *seg_result_instances(const seg_result *result);

/** The panoptic result (task panoptic; NULL otherwise), borrowed. Segment ids are
 *  consecutive from 1 (0 is void, as COCO panoptic PNGs require). */
SEG_API const seg_panoptic *seg_result_panoptic(const seg_result *result);

#ifdef __cplusplus
}
#endif

#endif /* SEG_PROFILE_H */
