/* Internal entry to the image -> result pipeline, with a hook for seg_sequence. */
#ifndef SEGI_RUN_H
#define SEGI_RUN_H

#include "seg/seg_profile.h"

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

/* seg_run_image() with an optional `hook` (NULL: none). */
seg_status segi_run_image(const seg_model *model, seg_session *session,
                          const seg_profile *profile, const seg_tensor *image,
                          const segi_run_hook *hook, seg_result **out);

#endif
