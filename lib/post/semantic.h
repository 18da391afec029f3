/* Internal view of seg_semantic, shared by the decoder and temporal smoothing. */
#ifndef SEGI_POST_SEMANTIC_H
#define SEGI_POST_SEMANTIC_H

#include "seg/seg_semantic.h"

#include "core/scratch.h"

#include <stdbool.h>

struct seg_semantic {
    seg_tensor *labels;
    seg_tensor *probs; /* NULL unless asked */
    seg_tensor *conf;  /* NULL unless asked */
    size_t n_labels;
    int64_t *areas;
    char **names;      /* n_labels entries, NULL = unnamed */
    uint8_t *palette;  /* n_palette RGB triples set by the caller */
    size_t n_palette;
};

/* seg_semantic_from_logits() decoding into *slot: kept when it already has the
 * buffers this decode fills (same size, classes and outputs; `*fresh` false: its names
 * and palette stay), else replaced by a new result (`*fresh` true). Work memory comes
 * from `scratch`. Nothing is allocated when the slot and scratch fit. On failure the
 * slot holds undefined contents (or is unchanged when the arguments were bad). */
seg_status segi_semantic_decode_slot(const seg_tensor *logits,
                                     const seg_semantic_params *params, seg_semantic **slot,
                                     segi_scratch *scratch, bool *fresh);

/* Exponential moving average of the probabilities (docs/sequences.md): with `first`,
 * state = probs and the result is left as decoded; else state = alpha * probs + (1 - alpha) * state. The smoothed values
 * replace the probabilities, and labels (argmax, ties to the lowest class; one channel:
 * p > threshold), areas and confidence are recomputed from them. `state` holds
 * seg_tensor_count(probabilities) floats. SEG_ERR_INVALID_ARGUMENT without
 * probabilities. */
seg_status segi_semantic_smooth(seg_semantic *sem, float *state, bool first, float alpha,
                                float threshold);

#endif
