/*
 * seg_sequence.h: frame sequences (video, streams) through one model and session.
 *
 * A seg_sequence runs frames pushed one by one through seg_run_image()'s pipeline
 * with one model, session and profile, and adds two kinds of temporal consistency
 * (docs/sequences.md has the details and the reasons):
 *
 *  - Smoothing (SEG_SEQUENCE_SMOOTHING = alpha, off by default): for semantic and
 *    salient profiles and the semantic part of panoptic-deeplab and panoptic-fpn,
 *    the per-pixel class probabilities — the softmax over classes after resizing to
 *    the image, or the sigmoid for a one-channel model — are averaged over frames,
 *        S_1 = P_1,   S_t = alpha * P_t + (1 - alpha) * S_(t-1),
 *    and the labels are the argmax of S_t (ties to the lowest class) or S_t >
 *    threshold. Frame 1 (and the first frame after a reset) is left unsmoothed.
 *    seg_semantic_probabilities() of a smoothed frame returns S_t. Mask2Former and
 *    instance profiles have no per-pixel class probabilities and are not smoothed.
 *  - Tracking (always on for instance and panoptic profiles): each instance (each
 *    thing segment) is matched to the tracks of earlier frames by mask IoU, class by
 *    class: every same-class (track, detection) pair with IoU >= the threshold is
 *    taken greedily by descending IoU; ties go to the older track (the smaller id),
 *    then to the lower detection index. A matched detection takes the track's id; an
 *    unmatched one starts a new track with the next id (ids start at 1 and are never
 *    reused within a sequence, not even after seg_sequence_reset()). A track not
 *    matched for more than SEG_SEQUENCE_MAX_MISSED consecutive frames is dropped; until
 *    then it is matched by the mask it had when last seen.
 *    Instances carry their id (seg_instances_track_id()). Panoptic results get stable
 *    segment ids: a thing segment's id is its track id, a stuff segment's id is
 *    SEG_SEQUENCE_STUFF_ID_BASE + its category (one segment per stuff class).
 *
 * A frame whose size differs from the previous frame's resets both (as
 * seg_sequence_reset() does): masks and probabilities of another size do not compare.
 *
 * Memory: the sequence keeps its buffers (pre-processed tensors, work memory, two
 * results used in turn, smoothing state, track masks) between frames. For semantic
 * and salient profiles, from the third frame of one size on, a push makes no heap
 * allocation at all. Instance and panoptic decoders still allocate each frame's
 * result; tracking itself allocates only when a frame needs more room than any
 * before it (docs/sequences.md).
 *
 * Threading: a sequence uses its session, so it is used by one thread at a time, and
 * the session must not be used elsewhere while a push runs.
 */
#ifndef SEG_SEQUENCE_H
#define SEG_SEQUENCE_H

#include "seg_common.h"
#include "seg_model.h"
#include "seg_profile.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Panoptic stuff segment ids in a sequence: this plus the category (2^23). */
#define SEG_SEQUENCE_STUFF_ID_BASE 8388608

/** Sequence option keys. Values are explicit and only appended. */
typedef enum seg_sequence_option {
    /** double alpha in (0, 1]: weight of the newest frame in the moving average of
     *  the probabilities; 1 (the default) turns smoothing off. */
    SEG_SEQUENCE_SMOOTHING = 1,
    /** double in (0, 1]: least mask IoU for a detection to continue a track. 0.3 */
    SEG_SEQUENCE_IOU_THRESHOLD = 2,
    /** int >= 0: frames a track may go unmatched before it is dropped. 5 */
    SEG_SEQUENCE_MAX_MISSED = 3
} seg_sequence_option;

typedef struct seg_sequence seg_sequence;

/**
 * A new sequence running frames through `session` (created from `model`) as
 * `profile` says. All three are borrowed and must outlive the sequence.
 * On success `*out` is a new sequence for seg_sequence_destroy().
 * Errors: SEG_ERR_INVALID_ARGUMENT (NULL), SEG_ERR_OUT_OF_MEMORY.
 */
SEG_API SEG_NODISCARD seg_status seg_sequence_create(const seg_model *model,
                                                     seg_session *session,
                                                     const seg_profile *profile,
                                                     seg_sequence **out);

/** Free a sequence (and its last result). NULL is a no-op. */
SEG_API void seg_sequence_destroy(seg_sequence *sequence);

/** Set a double option (SMOOTHING, IOU_THRESHOLD); it applies from the next frame.
 *  SEG_ERR_INVALID_ARGUMENT names the key and the valid range, also for an integer
 *  key. */
SEG_API SEG_NODISCARD seg_status seg_sequence_set_double(seg_sequence *sequence,
                                                         seg_sequence_option key,
                                                         double value);

/** Set an integer option (MAX_MISSED); as seg_sequence_set_double(). */
SEG_API SEG_NODISCARD seg_status seg_sequence_set_int(seg_sequence *sequence,
                                                      seg_sequence_option key,
                                                      int64_t value);

/**
 * Run the next frame (`image` as for seg_run_image()). On success `*out` is the
 * frame's result, borrowed from the sequence: valid until the next successful push,
 * seg_sequence_reset() or seg_sequence_destroy().
 * On failure `*out` is untouched, the previous result stays valid, the tracks are
 * unchanged (unless the frame's size was new and only tracking failed, out of memory:
 * then they were reset) and smoothing restarts with the next frame.
 * Errors: those of seg_run_image(); SEG_ERR_LIMIT when a track id reaches
 * SEG_SEQUENCE_STUFF_ID_BASE in a panoptic sequence; SEG_ERR_OUT_OF_MEMORY.
 */
SEG_API SEG_NODISCARD seg_status seg_sequence_push(seg_sequence *sequence,
                                                   const seg_tensor *image,
                                                   const seg_result **out);

/** Start over as at a scene cut: forget the tracks, the smoothing state and the last
 *  result. Track ids keep counting (never reused). NULL is a no-op. */
SEG_API void seg_sequence_reset(seg_sequence *sequence);

/** Frames pushed successfully since creation (resets do not restart the count). */
SEG_API int64_t seg_sequence_frame_count(const seg_sequence *sequence);

#ifdef __cplusplus
}
#endif

#endif /* SEG_SEQUENCE_H */
