/* Mask2Former panoptic_inference: query filtering, pixel argmax, stuff merge (§4). */
#include "core/error.h"
#include "core/tensor.h"
#include "post/interp.h"
#include "post/panoptic.h"
#include "post/params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg_panoptic_mask2former_params_init(seg_panoptic_mask2former_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    p->object_mask_threshold = 0.8f;
    p->overlap_threshold = 0.8;
    p->ids.scheme = SEG_PANOPTIC_IDS_CONSECUTIVE;
    p->ids.label_divisor = 1000;
    p->ids.void_label = 0;
}

/* One kept query. */
typedef struct m2f_query {
    int64_t q;      /* query index */
    int32_t label;
    float score;
} m2f_query;

typedef struct m2f_geom {
    int64_t q, k1;  /* queries, classes + 1 */
    int64_t mh, mw; /* mask logits */
    int64_t h, w;   /* output */
} m2f_geom;

static seg_status check_inputs(const seg_tensor *cls, const seg_tensor *masks,
                               const int32_t *things, size_t n_things,
                               const seg_panoptic_mask2former_params *p, m2f_geom *g)
{
    SEGI_REQUIRE(cls);
    SEGI_REQUIRE(masks);
    char cs[96], ms[96];
    segi_shape_str(cls->rank, cls->dims, cs, sizeof cs);
    segi_shape_str(masks->rank, masks->dims, ms, sizeof ms);
    if (cls->dtype != SEG_DTYPE_F32 || masks->dtype != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_UNSUPPORTED,
                          "panoptic mask2former: class and mask logits must be f32");
    if ((cls->rank != 2 && cls->rank != 3) || (cls->rank == 3 && cls->dims[0] != 1) ||
        (masks->rank != 3 && masks->rank != 4) || (masks->rank == 4 && masks->dims[0] != 1))
        return segi_error(SEG_ERR_SHAPE, "panoptic mask2former: class logits must be [Q, K+1] "
                          "and mask logits [Q, h, w] (batch 1), got %s and %s", cs, ms);
    g->q = cls->dims[cls->rank - 2];
    g->k1 = cls->dims[cls->rank - 1];
    g->mh = masks->dims[masks->rank - 2];
    g->mw = masks->dims[masks->rank - 1];
    if (masks->dims[masks->rank - 3] != g->q || g->k1 < 2 || g->mh < 1 || g->mw < 1)
        return segi_error(SEG_ERR_SHAPE, "panoptic mask2former: class logits %s and mask "
                          "logits %s disagree on Q or are empty", cs, ms);
    if (n_things && !things)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "panoptic mask2former: thing_classes is NULL with n_things %zu",
                          n_things);
    if (p->out_height < 0 || p->out_width < 0 || !(p->object_mask_threshold >= 0.0f))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "panoptic mask2former: output size %lld x "
                          "%lld and object_mask_threshold %g must be >= 0",
                          (long long)p->out_height, (long long)p->out_width,
                          (double)p->object_mask_threshold);
    g->h = p->out_height ? p->out_height : g->mh;
    g->w = p->out_width ? p->out_width : g->mw;
    const float *v = cls->data;
    for (size_t i = 0; i < (size_t)(g->q * g->k1); i++)
        if (isnan(v[i]))
            return segi_error(SEG_ERR_FORMAT,
                              "panoptic mask2former: class logit %lld of query %lld is NaN",
                              (long long)((int64_t)i % g->k1), (long long)((int64_t)i / g->k1));
    const float *m = masks->data;
    size_t plane = (size_t)(g->mh * g->mw);
    for (size_t i = 0; i < (size_t)g->q * plane; i++)
        if (isnan(m[i]))
            return segi_error(SEG_ERR_FORMAT,
                              "panoptic mask2former: mask logit of query %zu at %zu is NaN",
                              i / plane, i % plane);
    return SEG_OK;
}

/* softmax over K+1; keep label != K and score > threshold. */
static size_t keep_queries(const float *cls, const m2f_geom *g, float threshold,
                           m2f_query *kept)
{
    size_t n = 0;
    for (int64_t q = 0; q < g->q; q++) {
        const float *row = cls + q * g->k1;
        float m = row[0];
        for (int64_t k = 1; k < g->k1; k++)
            m = row[k] > m ? row[k] : m;
        float sum = 0.0f;
        for (int64_t k = 0; k < g->k1; k++)
            sum += expf(row[k] - m);
        int32_t label = 0;
        float best = expf(row[0] - m) / sum;
        for (int64_t k = 1; k < g->k1; k++) {
            float p = expf(row[k] - m) / sum;
            if (p > best) {
                best = p;
                label = (int32_t)k;
            }
        }
        if (label != g->k1 - 1 && best > threshold)
            kept[n++] = (m2f_query){q, label, best};
    }
    return n;
}

/* sigmoid of each kept query's mask logits, resized to the output size first. */
static seg_status sigmoid_planes(const float *masks, const m2f_geom *g, const m2f_query *kept,
                                 size_t n, float *sig)
{
    size_t plane = (size_t)(g->h * g->w), mplane = (size_t)(g->mh * g->mw);
    bool resize = g->h != g->mh || g->w != g->mw;
    segi_tap *ty = resize ? malloc((size_t)g->h * sizeof *ty) : NULL;
    segi_tap *tx = resize ? malloc((size_t)g->w * sizeof *tx) : NULL;
    float *scratch = resize ? malloc(2 * (size_t)g->w * sizeof(float)) : NULL;
    if (resize && (!ty || !tx || !scratch)) {
        free(ty);
        free(tx);
        free(scratch);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic mask2former: out of memory");
    }
    if (resize) {
        segi_taps(ty, g->h, g->mh, 0, false);
        segi_taps(tx, g->w, g->mw, 0, false);
    }
    for (size_t k = 0; k < n; k++) {
        float *dst = sig + k * plane;
        const float *src = masks + (size_t)kept[k].q * mplane;
        if (resize)
            segi_resize_plane(src, g->mw, dst, g->w, ty, tx, 0, g->h, 0, g->w, scratch);
        else
            memcpy(dst, src, plane * sizeof *dst);
        for (size_t i = 0; i < plane; i++)
            dst[i] = 1.0f / (1.0f + expf(-dst[i]));
    }
    free(ty);
    free(tx);
    free(scratch);
    return SEG_OK;
}

static bool is_thing(const int32_t *things, size_t n, int32_t label)
{
    for (size_t t = 0; t < n; t++)
        if (things[t] == label)
            return true;
    return false;
}

/* Per pixel winner, the area tests, stuff merging, painting. */
static seg_status fuse(seg_panoptic *p, const m2f_query *kept, size_t n, const float *sig,
                       const int32_t *things, size_t n_things, double overlap)
{
    size_t plane = (size_t)(p->h * p->w);
    int32_t *win = malloc(plane * sizeof *win);
    int64_t *areas = calloc(3 * n + 1, sizeof *areas); /* won, own, kept */
    int32_t *seg = calloc(n + 1, sizeof *seg);
    if (!win || !areas || !seg) {
        free(win);
        free(areas);
        free(seg);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic mask2former: out of memory");
    }
    for (size_t i = 0; i < plane; i++) {
        float best = kept[0].score * sig[i];
        int32_t arg = 0;
        for (size_t k = 1; k < n; k++) {
            float v = kept[k].score * sig[k * plane + i];
            if (v > best) {
                best = v;
                arg = (int32_t)k;
            }
        }
        win[i] = arg;
        areas[3 * (size_t)arg]++;
        areas[3 * (size_t)arg + 2] += sig[(size_t)arg * plane + i] >= 0.5f;
    }
    for (size_t k = 0; k < n; k++)
        for (size_t i = 0; i < plane; i++)
            areas[3 * k + 1] += sig[k * plane + i] >= 0.5f;
    seg_status st = SEG_OK;
    for (size_t k = 0; !st && k < n; k++) {
        int64_t won = areas[3 * k], own = areas[3 * k + 1], kept_px = areas[3 * k + 2];
        if (won == 0 || own == 0 || kept_px == 0 || (double)won / (double)own < overlap)
            continue;
        bool thing = is_thing(things, n_things, kept[k].label);
        for (size_t j = 0; !thing && j < k; j++)
            if (seg[j] && kept[j].label == kept[k].label && !p->segs[seg[j] - 1].is_thing)
                seg[k] = seg[j]; /* stuff of one class merges into its first segment */
        if (!seg[k])
            st = segi_panoptic_add(p, kept[k].label, thing, kept[k].score, &seg[k]);
    }
    for (size_t i = 0; !st && i < plane; i++) {
        int32_t k = win[i];
        p->map[i] = sig[(size_t)k * plane + i] >= 0.5f ? seg[k] : 0;
    }
    free(win);
    free(areas);
    free(seg);
    return st;
}

static seg_status run(seg_panoptic *p, const seg_tensor *cls, const seg_tensor *masks,
                      const m2f_geom *g, const int32_t *things, size_t n_things,
                      const seg_panoptic_mask2former_params *prm)
{
    m2f_query *kept = malloc((size_t)g->q * sizeof *kept + 1);
    if (!kept)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic mask2former: out of memory");
    size_t n = keep_queries(cls->data, g, prm->object_mask_threshold, kept);
    seg_status st = SEG_OK;
    if (n > 0) {
        float *sig = malloc(n * (size_t)(g->h * g->w) * sizeof *sig);
        if (!sig)
            st = segi_error(SEG_ERR_OUT_OF_MEMORY,
                            "panoptic mask2former: out of memory for %zu masks", n);
        if (!st)
            st = sigmoid_planes(masks->data, g, kept, n, sig);
        if (!st)
            st = fuse(p, kept, n, sig, things, n_things, prm->overlap_threshold);
        free(sig);
    }
    free(kept);
    return st;
}

seg_status seg_panoptic_from_mask2former(const seg_tensor *class_logits,
                                         const seg_tensor *mask_logits,
                                         const int32_t *thing_classes, size_t n_things,
                                         const seg_panoptic_mask2former_params *params,
                                         seg_panoptic **out)
{
    SEGI_REQUIRE(out);
    seg_panoptic_mask2former_params prm;
    seg_panoptic_mask2former_params_init(&prm);
    seg_status st =
        segi_params_merge(&prm, sizeof prm, params, "seg_panoptic_mask2former_params");
    m2f_geom g = {0};
    if (!st)
        st = segi_panoptic_check_ids(&prm.ids, "panoptic mask2former");
    if (!st)
        st = check_inputs(class_logits, mask_logits, thing_classes, n_things, &prm, &g);
    seg_panoptic *p = NULL;
    if (!st)
        st = segi_panoptic_new(g.h, g.w, &p);
    if (!st)
        st = run(p, class_logits, mask_logits, &g, thing_classes, n_things, &prm);
    if (!st)
        st = segi_panoptic_finish(p, &prm.ids);
    if (st) {
        seg_panoptic_destroy(p);
        return st;
    }
    *out = p;
    return SEG_OK;
}
