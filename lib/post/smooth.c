/* Temporal smoothing of semantic probabilities (see semantic.h). */
#include "post/semantic.h"

#include "core/error.h"
#include "core/tensor.h"

#include <string.h>

/* Label of pixel i from the `c` planes of `p`; one plane: p > threshold. */
static int32_t label_at(const float *p, int64_t c, size_t plane, size_t i, float threshold,
                        float *conf)
{
    if (c == 1) {
        int32_t on = p[i] > threshold;
        *conf = on ? p[i] : 1.0f - p[i];
        return on;
    }
    int32_t best = 0;
    for (int64_t k = 1; k < c; k++)
        if (p[(size_t)k * plane + i] > p[(size_t)best * plane + i])
            best = (int32_t)k;
    *conf = p[(size_t)best * plane + i];
    return best;
}

seg_status segi_semantic_smooth(seg_semantic *sem, float *state, bool first, float alpha,
                                float threshold)
{
    if (!sem->probs)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "semantic smoothing: the result has no "
                                                    "probabilities");
    float *p = sem->probs->data;
    size_t n = seg_tensor_count(sem->probs);
    if (first) { /* unsmoothed: labels stay exactly the decoder's */
        memcpy(state, p, n * sizeof *p);
        return SEG_OK;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = state[i] = alpha * p[i] + (1.0f - alpha) * state[i];
    int64_t c = sem->probs->dims[0];
    size_t plane = n / (size_t)c;
    float *conf = sem->conf ? sem->conf->data : NULL;
    memset(sem->areas, 0, sem->n_labels * sizeof *sem->areas);
    for (size_t i = 0; i < plane; i++) {
        float cf;
        int32_t l = label_at(p, c, plane, i, threshold, &cf);
        if (sem->labels->dtype == SEG_DTYPE_U8)
            ((uint8_t *)sem->labels->data)[i] = (uint8_t)l;
        else
            ((int32_t *)sem->labels->data)[i] = l;
        sem->areas[l]++;
        if (conf)
            conf[i] = cf;
    }
    return SEG_OK;
}
