/* seg_instances_from_mask_probs: Mask R-CNN mask pasting (reference §3). */
#include "core/error.h"
#include "core/tensor.h"
#include "post/instances.h"
#include "post/interp.h"
#include "post/params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg_paste_params_init(seg_paste_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    p->mode = SEG_PASTE_TORCHVISION;
    p->threshold = 0.5f;
}

typedef struct paste_geom {
    int64_t n, mh, mw; /* masks */
    int64_t ih, iw;    /* image */
} paste_geom;

/* Scratch for one instance, sized for the largest window. */
typedef struct paste_buf {
    float *padded;   /* (mh + 2) x (mw + 2) */
    float *vals;     /* resized values of the pasted window */
    segi_tap *ty, *tx;
    size_t cap_vals, cap_taps_y, cap_taps_x;
} paste_buf;

static bool grow(void **p, size_t *cap, size_t want, size_t elem)
{
    if (want <= *cap)
        return true;
    void *q = realloc(*p, want * elem);
    if (!q)
        return false;
    *p = q;
    *cap = want;
    return true;
}

/* torchvision: pad by one, expand the box by (M + 2) / M, truncate, resize, paste. */
static seg_status paste_torchvision(paste_buf *b, const paste_geom *g, const float *mask,
                                    segi_instance *it, float threshold)
{
    int64_t pw = g->mw + 2, ph = g->mh + 2;
    for (int64_t y = 0; y < g->mh; y++)
        memcpy(b->padded + (y + 1) * pw + 1, mask + y * g->mw, (size_t)g->mw * sizeof(float));
    float scale = (float)((double)pw / (double)g->mw);
    const float *bx = it->box;
    float w_half = (bx[2] - bx[0]) * 0.5f * scale, h_half = (bx[3] - bx[1]) * 0.5f * scale;
    float xc = (bx[2] + bx[0]) * 0.5f, yc = (bx[3] + bx[1]) * 0.5f;
    int64_t x0 = (int64_t)(xc - w_half), x1 = (int64_t)(xc + w_half);
    int64_t y0 = (int64_t)(yc - h_half), y1 = (int64_t)(yc + h_half);
    int64_t w = x1 - x0 + 1 > 1 ? x1 - x0 + 1 : 1, h = y1 - y0 + 1 > 1 ? y1 - y0 + 1 : 1;
    int64_t ax = x0 > 0 ? x0 : 0, bxe = x1 + 1 < g->iw ? x1 + 1 : g->iw;
    int64_t ay = y0 > 0 ? y0 : 0, bye = y1 + 1 < g->ih ? y1 + 1 : g->ih;
    if (bxe <= ax || bye <= ay)
        return segi_instance_set_mask(it, NULL, 0, 0, 0, 0);
    size_t ww = (size_t)(bxe - ax), wh = (size_t)(bye - ay);
    if (!grow((void **)&b->ty, &b->cap_taps_y, (size_t)h, sizeof *b->ty) ||
        !grow((void **)&b->tx, &b->cap_taps_x, (size_t)w, sizeof *b->tx) ||
        !grow((void **)&b->vals, &b->cap_vals, ww * wh, sizeof(float)))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "paste: out of memory for a %lld x %lld box",
                          (long long)w, (long long)h);
    float *scratch = malloc(2 * (size_t)w * sizeof(float));
    uint8_t *bits = malloc(ww * wh);
    if (!scratch || !bits) {
        free(scratch);
        free(bits);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "paste: out of memory");
    }
    segi_taps(b->ty, h, ph, 0, false);
    segi_taps(b->tx, w, pw, 0, false);
    segi_resize_plane(b->padded, pw, b->vals, (int64_t)ww, b->ty, b->tx, ay - y0, bye - y0,
                      ax - x0, bxe - x0, scratch);
    for (size_t i = 0; i < ww * wh; i++)
        bits[i] = b->vals[i] > threshold;
    seg_status st = segi_instance_set_mask(it, bits, ax, ay, (int64_t)ww, (int64_t)wh);
    free(scratch);
    free(bits);
    return st;
}

/* One axis of grid_sample(align_corners=False, zeros padding) at a normalised
 * coordinate, with the arithmetic of PyTorch's CPU kernel: the low sample index, the
 * weight of the high one, and whether each of the two is inside the plane. */
typedef struct gs_axis {
    int64_t i;
    float w;
    bool in0, in1;
} gs_axis;

static gs_axis gs_axis_at(float g, int64_t size)
{
    float v = (g + 1.0f) * ((float)size / 2) - 0.5f;
    gs_axis a = {0, 0.0f, false, false};
    if (!(v > -2.0f && v < (float)size + 1.0f))
        return a; /* both samples outside (also catches inf and NaN) */
    float f = floorf(v);
    a.i = (int64_t)f;
    a.w = v - f;
    a.in0 = a.i > -1 && a.i < size;
    a.in1 = a.i + 1 > -1 && a.i + 1 < size;
    return a;
}

/* Bilinear sample of plane `m` from the separable axes (x: ax, y: ay). */
static float gs_sample(const float *m, int64_t mw, gs_axis ax, gs_axis ay)
{
    float e = 1.0f - ax.w, s = 1.0f - ay.w;
    int64_t k = ay.i * mw + ax.i; /* only dereferenced where both indices are inside */
    float nw = ay.in0 && ax.in0 ? m[k] : 0.0f;
    float ne = ay.in0 && ax.in1 ? m[k + 1] : 0.0f;
    float sw = ay.in1 && ax.in0 ? m[k + mw] : 0.0f;
    float se = ay.in1 && ax.in1 ? m[k + mw + 1] : 0.0f;
    return nw * (s * e) + ne * (s * ax.w) + sw * (ay.w * e) + se * (ay.w * ax.w);
}

/* detectron2: sample at pixel centres inside the box grown to whole pixels plus one. */
static seg_status paste_detectron2(const paste_geom *g, const float *mask, segi_instance *it,
                                   float threshold)
{
    const float *bx = it->box;
    if (!(bx[2] > bx[0]) || !(bx[3] > bx[1]))
        return segi_instance_set_mask(it, NULL, 0, 0, 0, 0);
    int64_t x0 = (int64_t)floorf(bx[0]) - 1, y0 = (int64_t)floorf(bx[1]) - 1;
    int64_t x1 = (int64_t)ceilf(bx[2]) + 1, y1 = (int64_t)ceilf(bx[3]) + 1;
    x0 = x0 > 0 ? x0 : 0;
    y0 = y0 > 0 ? y0 : 0;
    x1 = x1 < g->iw ? x1 : g->iw;
    y1 = y1 < g->ih ? y1 : g->ih;
    if (x1 <= x0 || y1 <= y0)
        return segi_instance_set_mask(it, NULL, 0, 0, 0, 0);
    int64_t ww = x1 - x0, wh = y1 - y0;
    uint8_t *bits = malloc((size_t)(ww * wh));
    gs_axis *xs = malloc((size_t)ww * sizeof *xs);
    if (!bits || !xs) {
        free(bits);
        free(xs);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "paste: out of memory");
    }
    for (int64_t x = 0; x < ww; x++)
        xs[x] = gs_axis_at(((float)(x0 + x) + 0.5f - bx[0]) / (bx[2] - bx[0]) * 2.0f - 1.0f,
                           g->mw);
    for (int64_t y = 0; y < wh; y++) {
        gs_axis ay =
            gs_axis_at(((float)(y0 + y) + 0.5f - bx[1]) / (bx[3] - bx[1]) * 2.0f - 1.0f, g->mh);
        uint8_t *row = bits + y * ww;
        if (!ay.in0 && !ay.in1) {
            memset(row, 0.0f >= threshold, (size_t)ww);
            continue;
        }
        for (int64_t x = 0; x < ww; x++)
            row[x] = gs_sample(mask, g->mw, xs[x], ay) >= threshold;
    }
    seg_status st = segi_instance_set_mask(it, bits, x0, y0, ww, wh);
    free(bits);
    free(xs);
    return st;
}

static seg_status check_vector(const seg_tensor *t, int64_t n, const char *name)
{
    if (!t)
        return SEG_OK;
    if (t->rank != 1 || t->dims[0] != n)
        return segi_error(SEG_ERR_SHAPE, "paste: %s must be [%lld] like boxes, got rank %d "
                          "first dim %lld", name, (long long)n, t->rank,
                          (long long)(t->rank ? t->dims[0] : 0));
    return SEG_OK;
}

static seg_status check_inputs(const seg_tensor *boxes, const seg_tensor *scores,
                               const seg_tensor *classes, const seg_tensor *masks,
                               const seg_paste_params *p, paste_geom *g)
{
    char bs[96], ms[96];
    segi_shape_str(boxes->rank, boxes->dims, bs, sizeof bs);
    segi_shape_str(masks->rank, masks->dims, ms, sizeof ms);
    if (boxes->dtype != SEG_DTYPE_F32 || masks->dtype != SEG_DTYPE_F32 ||
        (scores && scores->dtype != SEG_DTYPE_F32) ||
        (classes && classes->dtype != SEG_DTYPE_I64 && classes->dtype != SEG_DTYPE_I32))
        return segi_error(SEG_ERR_UNSUPPORTED,
                          "paste: boxes, scores and masks must be f32 and classes i64 or i32");
    if (boxes->rank != 2 || boxes->dims[1] != 4)
        return segi_error(SEG_ERR_SHAPE, "paste: boxes must be [N, 4], got %s", bs);
    g->n = boxes->dims[0];
    int r = masks->rank;
    if ((r != 3 && r != 4) || masks->dims[0] != g->n || (r == 4 && masks->dims[1] != 1))
        return segi_error(SEG_ERR_SHAPE,
                          "paste: masks must be [N, 1, M, M] or [N, M, M] with N = %lld "
                          "(boxes %s), got %s", (long long)g->n, bs, ms);
    g->mh = masks->dims[r - 2];
    g->mw = masks->dims[r - 1];
    if (g->mh < 1 || g->mw < 1)
        return segi_error(SEG_ERR_SHAPE, "paste: masks %s are empty", ms);
    seg_status st = check_vector(scores, g->n, "scores");
    if (!st)
        st = check_vector(classes, g->n, "classes");
    if (st)
        return st;
    if ((unsigned)p->mode > SEG_PASTE_DETECTRON2 || p->image_width < 1 ||
        p->image_height < 1 || !(p->threshold >= 0.0f && p->threshold <= 1.0f))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "paste: need mode 0 or 1 (got %d), image size >= 1 (got %lld x %lld)"
                          " and threshold in [0, 1] (got %g)", (int)p->mode,
                          (long long)p->image_width, (long long)p->image_height,
                          (double)p->threshold);
    g->iw = p->image_width;
    g->ih = p->image_height;
    return SEG_OK;
}

static seg_status check_values(const float *m, size_t count, int64_t i)
{
    for (size_t k = 0; k < count; k++)
        if (isnan(m[k]))
            return segi_error(SEG_ERR_FORMAT, "paste: mask %lld has a NaN probability at %zu",
                              (long long)i, k);
    return SEG_OK;
}

static seg_status fill_instance(segi_instance *it, int64_t i, const seg_tensor *boxes,
                                const seg_tensor *scores, const seg_tensor *classes)
{
    memcpy(it->box, (const float *)boxes->data + 4 * i, sizeof it->box);
    it->score = scores ? ((const float *)scores->data)[i] : 1.0f;
    if (classes)
        it->cls = classes->dtype == SEG_DTYPE_I64 ? ((const int64_t *)classes->data)[i]
                                                  : ((const int32_t *)classes->data)[i];
    if (isnan(it->score))
        return segi_error(SEG_ERR_FORMAT, "paste: score %lld is NaN", (long long)i);
    return segi_check_box(it->box, (size_t)i, "paste");
}

seg_status seg_instances_from_mask_probs(const seg_tensor *boxes, const seg_tensor *scores,
                                         const seg_tensor *classes, const seg_tensor *masks,
                                         const seg_paste_params *params, seg_instances **out)
{
    SEGI_REQUIRE(boxes);
    SEGI_REQUIRE(masks);
    SEGI_REQUIRE(out);
    seg_paste_params p;
    seg_paste_params_init(&p);
    seg_status st = segi_params_merge(&p, sizeof p, params, "seg_paste_params");
    paste_geom g = {0};
    if (!st)
        st = check_inputs(boxes, scores, classes, masks, &p, &g);
    seg_instances *res = NULL;
    if (!st)
        st = segi_instances_new((size_t)g.n, g.iw, g.ih, true, &res);
    if (st)
        return st;
    paste_buf b = {0};
    size_t plane = (size_t)(g.mh * g.mw);
    b.padded = calloc((size_t)((g.mh + 2) * (g.mw + 2)), sizeof(float));
    if (!b.padded)
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "paste: out of memory");
    for (int64_t i = 0; !st && i < g.n; i++) {
        segi_instance *it = &res->items[res->n++];
        const float *m = (const float *)masks->data + (size_t)i * plane;
        st = fill_instance(it, i, boxes, scores, classes);
        if (!st)
            st = check_values(m, plane, i);
        if (!st)
            st = p.mode == SEG_PASTE_TORCHVISION
                     ? paste_torchvision(&b, &g, m, it, p.threshold)
                     : paste_detectron2(&g, m, it, p.threshold);
    }
    free(b.padded);
    free(b.vals);
    free(b.ty);
    free(b.tx);
    if (st) {
        seg_instances_destroy(res);
        return st;
    }
    *out = res;
    return SEG_OK;
}
