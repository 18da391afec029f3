/* Panoptic FPN fusion: detectron2 combine_semantic_and_instance_outputs (§4). */
#include "core/error.h"
#include "core/tensor.h"
#include "post/instances.h"
#include "post/panoptic.h"
#include "post/params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg_panoptic_fpn_params_init(seg_panoptic_fpn_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    p->score_threshold = 0.5f;
    p->overlap_threshold = 0.5;
    p->stuff_area = 4096;
    p->things_label = 0;
    p->ids.scheme = SEG_PANOPTIC_IDS_CONSECUTIVE;
    p->ids.label_divisor = 1000;
    p->ids.void_label = 0;
}

typedef struct ranked {
    float score;
    size_t index;
} ranked;

/* Descending score, then input order (a stable sort). */
static int by_score(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* Paint one instance unless its overlap with painted pixels is too large. */
static seg_status paint_instance(seg_panoptic *p, const segi_instance *it, double overlap)
{
    int64_t area = 0, inter = 0;
    const int64_t *r = it->rect;
    for (int64_t y = 0; y < r[3]; y++)
        for (int64_t x = 0; x < r[2]; x++) {
            int on = it->bits[y * r[2] + x];
            area += on;
            inter += on && p->map[(r[1] + y) * p->w + r[0] + x] > 0;
        }
    if (area == 0 || (double)inter / (double)area > overlap)
        return SEG_OK;
    int32_t idx;
    seg_status st = segi_panoptic_add(p, (int32_t)it->cls, true, it->score, &idx);
    if (st)
        return st;
    for (int64_t y = 0; y < r[3]; y++)
        for (int64_t x = 0; x < r[2]; x++) {
            int32_t *m = &p->map[(r[1] + y) * p->w + r[0] + x];
            if (it->bits[y * r[2] + x] && !*m)
                *m = idx;
        }
    return SEG_OK;
}

static seg_status paint_instances(seg_panoptic *p, const seg_instances *in,
                                  const seg_panoptic_fpn_params *prm)
{
    size_t n = in ? in->n : 0;
    if (n == 0)
        return SEG_OK;
    if (!in->has_masks || in->mask_w != p->w || in->mask_h != p->h)
        return segi_error(SEG_ERR_SHAPE,
                          "panoptic fpn: instance masks are %lld x %lld, semantic is %lld x "
                          "%lld (width x height)", (long long)in->mask_w,
                          (long long)in->mask_h, (long long)p->w, (long long)p->h);
    for (size_t i = 0; i < n; i++)
        if (isnan(in->items[i].score))
            return segi_error(SEG_ERR_FORMAT, "panoptic fpn: score of instance %zu is NaN", i);
    ranked *order = malloc(n * sizeof *order);
    if (!order)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic fpn: out of memory");
    for (size_t i = 0; i < n; i++)
        order[i] = (ranked){in->items[i].score, i};
    qsort(order, n, sizeof *order, by_score);
    seg_status st = SEG_OK;
    for (size_t k = 0; !st && k < n; k++) {
        const segi_instance *it = &in->items[order[k].index];
        if (it->score < prm->score_threshold)
            break;
        st = paint_instance(p, it, prm->overlap_threshold);
    }
    free(order);
    return st;
}

/* Each stuff label in ascending order takes its unassigned pixels if there are enough. */
static seg_status paint_stuff(seg_panoptic *p, const seg_tensor *sem, int32_t lo, int32_t hi,
                              const seg_panoptic_fpn_params *prm)
{
    size_t range = (size_t)((int64_t)hi - lo + 1);
    int64_t *counts = calloc(range, sizeof *counts);
    int32_t *lut = calloc(range, sizeof *lut);
    seg_status st = SEG_OK;
    if (!counts || !lut)
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic fpn: out of memory");
    else
        segi_label_counts(sem, lo, p->map, counts);
    for (size_t l = 0; !st && l < range; l++) {
        int32_t label = (int32_t)((int64_t)lo + (int64_t)l);
        if (label == prm->things_label || counts[l] == 0 || counts[l] < prm->stuff_area)
            continue;
        st = segi_panoptic_add(p, label, false, 1.0f, &lut[l]);
    }
    size_t n = (size_t)(p->h * p->w);
    for (size_t i = 0; !st && i < n; i++)
        if (!p->map[i])
            p->map[i] = lut[segi_label_at(sem, i) - lo];
    free(counts);
    free(lut);
    return st;
}

seg_status seg_panoptic_from_fpn(const seg_tensor *semantic, const seg_instances *instances,
                                 const seg_panoptic_fpn_params *params, seg_panoptic **out)
{
    SEGI_REQUIRE(out);
    seg_panoptic_fpn_params prm;
    seg_panoptic_fpn_params_init(&prm);
    seg_status st = segi_params_merge(&prm, sizeof prm, params, "seg_panoptic_fpn_params");
    int64_t h = 0, w = 0;
    int32_t lo = 0, hi = 0;
    if (!st)
        st = segi_panoptic_check_ids(&prm.ids, "panoptic fpn");
    if (!st)
        st = segi_label_map(semantic, "panoptic fpn", &h, &w, &lo, &hi);
    seg_panoptic *p = NULL;
    if (!st)
        st = segi_panoptic_new(h, w, &p);
    if (!st)
        st = paint_instances(p, instances, &prm);
    if (!st)
        st = paint_stuff(p, semantic, lo, hi, &prm);
    if (!st)
        st = segi_panoptic_finish(p, &prm.ids);
    if (st) {
        seg_panoptic_destroy(p);
        return st;
    }
    *out = p;
    return SEG_OK;
}
