/* Internal entry to the image -> result pipeline, with a hook for seg_sequence. */
#ifndef SEGI_RUN_H
#define SEGI_RUN_H

#include "seg/seg_profile.h"

#include "core/scratch.h"

struct seg_result {
    seg_task task;
    seg_semantic *semantic;
    seg_instances *instances;
    seg_panoptic *panoptic;
};

/* Called on every semantic decode, with probabilities, before the result uses it
 * (sequences smooth the semantic and panoptic-semantic outputs there). */
typedef struct segi_run_hook {
    seg_status (*semantic)(void *ctx, seg_semantic *sem);
    void *ctx;
} segi_run_hook;

/* What one run keeps for the next: the pre-processed tensors, work memory and a spare
 * result whose semantic part is decoded into again. With it, runs of one image size
 * through a semantic or salient profile allocate nothing (after the first two). */
typedef struct segi_run_ws {
    seg_tensor *rgb, *resized, *fitted, *input;
    segi_scratch scratch;
    seg_result *spare;
} segi_run_ws;

/* Free everything the workspace holds; it is empty ({0}) afterwards. */
void segi_run_ws_free(segi_run_ws *ws);

/* Give a result back for reuse as the spare (a previous spare is freed). */
void segi_run_ws_recycle(segi_run_ws *ws, seg_result *result);

/* seg_run_image() with an optional `hook` (NULL: none) and a workspace (an empty one
 * for a one-off run). On success *out is a new result (or the recycled spare) owned by
 * the caller. */
seg_status segi_run_image(const seg_model *model, seg_session *session,
                          const seg_profile *profile, const seg_tensor *image,
                          const segi_run_hook *hook, segi_run_ws *ws, seg_result **out);

#endif
