/* seg_instances_from_yolo: ultralytics YOLOv8/YOLO11-seg decoding (reference §2). */
#include "core/error.h"
#include "core/tensor.h"
#include "post/instances.h"
#include "post/interp.h"
#include "post/nms.h"
#include "post/params.h"
#include "post/simd.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg_input_geometry_init(seg_input_geometry *lb, int64_t input_width, int64_t input_height,
                        int64_t orig_width, int64_t orig_height)
{
    if (!lb)
        return;
    memset(lb, 0, sizeof *lb);
    lb->struct_size = sizeof *lb;
    lb->input_width = input_width;
    lb->input_height = input_height;
    lb->orig_width = orig_width;
    lb->orig_height = orig_height;
}

void seg_yolo_params_init(seg_yolo_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    p->conf_threshold = 0.25f;
    p->iou_threshold = 0.7;
    p->max_det = 300;
    p->max_nms = 30000;
    p->class_offset = 7680.0f;
    p->layout = SEG_YOLO_RAW;
    p->masks = SEG_YOLO_MASKS_LETTERBOX;
    p->mask_threshold = SEG_YOLO_MASK_LOGITS;
}

/* One candidate detection. */
typedef struct yolo_det {
    float box[4]; /* xyxy in input pixels */
    float score;
    int32_t cls;
    int32_t anchor; /* column of output0 (row for end-to-end) */
} yolo_det;

/* Everything about the tensors' layout, validated. */
typedef struct yolo_geom {
    const float *out0;
    int64_t n;         /* candidates */
    int64_t nc, nm;    /* classes, mask coefficients */
    int64_t stride;    /* end-to-end: floats per row */
    const float *protos;
    int64_t mh, mw;
    int64_t iw, ih;    /* letterboxed input size (mask space in letterbox mode) */
    bool masks;
} yolo_geom;

static seg_status check_params(const seg_yolo_params *p, const seg_input_geometry *lb)
{
    if (!(p->conf_threshold >= 0.0f && p->conf_threshold <= 1.0f) ||
        !(p->iou_threshold >= 0.0 && p->iou_threshold <= 1.0))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "yolo: conf_threshold %g and iou_threshold %g must be in [0, 1]",
                          (double)p->conf_threshold, p->iou_threshold);
    if (p->max_det < 0 || p->max_nms < 0 || !(p->class_offset >= 0.0f))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "yolo: max_det %lld, max_nms %lld and class_offset %g must be >= 0",
                          (long long)p->max_det, (long long)p->max_nms,
                          (double)p->class_offset);
    if ((unsigned)p->layout > SEG_YOLO_END_TO_END || (unsigned)p->masks > SEG_YOLO_MASKS_NONE ||
        (unsigned)p->mask_threshold > SEG_YOLO_MASK_SIGMOID)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "yolo: unknown layout %d, mask mode %d or mask threshold %d",
                          (int)p->layout, (int)p->masks, (int)p->mask_threshold);
    if (lb && (lb->input_width < 1 || lb->input_height < 1 || lb->orig_width < 1 ||
               lb->orig_height < 1 || !(lb->scale >= 0.0)))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "yolo: geometry sizes must be >= 1 and scale >= 0 (input %lld x "
                          "%lld, original %lld x %lld, scale %g)",
                          (long long)lb->input_width, (long long)lb->input_height,
                          (long long)lb->orig_width, (long long)lb->orig_height, lb->scale);
    return SEG_OK;
}

static seg_status check_protos(const seg_tensor *pr, yolo_geom *g)
{
    char s[96];
    segi_shape_str(pr->rank, pr->dims, s, sizeof s);
    if (pr->dtype != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_UNSUPPORTED, "yolo: prototypes must be f32, got %s",
                          seg_dtype_name(pr->dtype));
    if ((pr->rank != 3 && pr->rank != 4) || (pr->rank == 4 && pr->dims[0] != 1))
        return segi_error(SEG_ERR_SHAPE,
                          "yolo: prototypes must be [1, nm, mh, mw] or [nm, mh, mw], got %s", s);
    g->nm = pr->dims[pr->rank - 3];
    g->mh = pr->dims[pr->rank - 2];
    g->mw = pr->dims[pr->rank - 1];
    if (g->nm < 1 || g->mh < 1 || g->mw < 1)
        return segi_error(SEG_ERR_SHAPE, "yolo: prototypes %s are empty", s);
    g->protos = pr->data;
    return SEG_OK;
}

static seg_status check_output0(const seg_tensor *o, const seg_yolo_params *p, yolo_geom *g)
{
    char s[96];
    segi_shape_str(o->rank, o->dims, s, sizeof s);
    if (o->dtype != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_UNSUPPORTED, "yolo: output0 must be f32, got %s",
                          seg_dtype_name(o->dtype));
    if (o->rank != 3 || o->dims[0] != 1)
        return segi_error(SEG_ERR_SHAPE, "yolo: output0 must be [1, C, N] (batch 1), got %s",
                          s);
    g->out0 = o->data;
    if (p->layout == SEG_YOLO_END_TO_END) {
        g->n = o->dims[1];
        g->stride = o->dims[2];
        if (g->stride != 6 + g->nm)
            return segi_error(SEG_ERR_SHAPE,
                              "yolo: end-to-end output0 %s must have 6 + %lld (prototype "
                              "channels) values per detection", s, (long long)g->nm);
        return SEG_OK;
    }
    g->n = o->dims[2];
    g->nc = o->dims[1] - 4 - g->nm;
    if (g->nc < 1)
        return segi_error(SEG_ERR_SHAPE,
                          "yolo: output0 %s has %lld channels, not 4 + classes + %lld mask "
                          "coefficients with at least one class", s, (long long)o->dims[1],
                          (long long)g->nm);
    return SEG_OK;
}

/* Raw layout: best class per candidate (first on ties), keep score > conf. */
static seg_status raw_candidates(const yolo_geom *g, float conf, yolo_det *dets, size_t *nd,
                                 float *best, int32_t *arg)
{
    int64_t n = g->n;
    const float *s0 = g->out0 + 4 * n;
    memcpy(best, s0, (size_t)n * sizeof *best);
    memset(arg, 0, (size_t)n * sizeof *arg);
    int nan = 0;
    for (int64_t j = 0; j < n; j++)
        nan |= isnan(best[j]);
    for (int64_t c = 1; c < g->nc; c++)
        nan |= segi_argmax_update(best, arg, s0 + c * n, (int32_t)c, n);
    for (int64_t c = 0; nan && c < g->nc; c++)
        for (int64_t j = 0; j < n; j++)
            if (isnan(s0[c * n + j]))
                return segi_error(SEG_ERR_FORMAT,
                                  "yolo: score of class %lld for candidate %lld is NaN",
                                  (long long)c, (long long)j);
    size_t k = 0;
    for (int64_t j = 0; j < n; j++) {
        if (!(best[j] > conf))
            continue;
        float cx = g->out0[j], cy = g->out0[n + j];
        float hw = g->out0[2 * n + j] / 2, hh = g->out0[3 * n + j] / 2;
        yolo_det *d = &dets[k++];
        d->box[0] = cx - hw;
        d->box[1] = cy - hh;
        d->box[2] = cx + hw;
        d->box[3] = cy + hh;
        d->score = best[j];
        d->cls = arg[j];
        d->anchor = (int32_t)j;
        if (isnan(d->box[0]) || isnan(d->box[1]) || isnan(d->box[2]) || isnan(d->box[3]))
            return segi_error(SEG_ERR_FORMAT, "yolo: box of candidate %lld has a NaN",
                              (long long)j);
    }
    *nd = k;
    return SEG_OK;
}

/* End-to-end layout: rows already decoded and sorted by the network. */
static seg_status e2e_candidates(const yolo_geom *g, float conf, int64_t max_det,
                                 yolo_det *dets, size_t *nd)
{
    size_t k = 0;
    for (int64_t j = 0; j < g->n && (int64_t)k < max_det; j++) {
        const float *r = g->out0 + j * g->stride;
        if (isnan(r[4]))
            return segi_error(SEG_ERR_FORMAT, "yolo: score of detection %lld is NaN",
                              (long long)j);
        if (!(r[4] > conf))
            continue;
        if (!(r[5] >= 0.0f && r[5] < 2147483648.0f))
            return segi_error(SEG_ERR_FORMAT, "yolo: class %g of detection %lld is not a "
                              "class index", (double)r[5], (long long)j);
        yolo_det *d = &dets[k++];
        memcpy(d->box, r, sizeof d->box);
        d->score = r[4];
        d->cls = (int32_t)r[5];
        d->anchor = (int32_t)j;
        seg_status st = segi_check_box(d->box, (size_t)j, "yolo end-to-end");
        if (st)
            return st;
    }
    *nd = k;
    return SEG_OK;
}

static int by_score(const void *a, const void *b)
{
    const yolo_det *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->anchor > y->anchor) - (x->anchor < y->anchor);
}

/* Sort, cap at max_nms, class-aware NMS; the kept detections move to the front. */
static seg_status nms_candidates(yolo_det *dets, size_t *nd, const seg_yolo_params *p)
{
    size_t n = *nd;
    qsort(dets, n, sizeof *dets, by_score);
    if (n > (size_t)p->max_nms)
        n = (size_t)p->max_nms;
    float *boxes = malloc(n * 4 * sizeof(float) + 1);
    uint8_t *scratch = malloc(n + 1);
    size_t *keep = malloc(n * sizeof(size_t) + 1);
    if (!boxes || !scratch || !keep) {
        free(boxes);
        free(scratch);
        free(keep);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "yolo: out of memory for %zu boxes", n);
    }
    for (size_t i = 0; i < n; i++) {
        float off = (float)dets[i].cls * p->class_offset;
        for (int k = 0; k < 4; k++)
            boxes[4 * i + k] = dets[i].box[k] + off;
    }
    size_t kept = segi_nms(boxes, n, p->iou_threshold, (size_t)p->max_det, scratch, keep);
    for (size_t i = 0; i < kept; i++)
        dets[i] = dets[keep[i]]; /* keep[i] >= i, so this compacts in place */
    *nd = kept;
    free(boxes);
    free(scratch);
    free(keep);
    return SEG_OK;
}

/* Mapping from the letterboxed input to the original image. */
typedef struct yolo_map {
    float pad_x, pad_y, gain;
    float clip_w, clip_h;
    int64_t top, left, bottom, right; /* native mode: prototype rows / cols to keep */
} yolo_map;

static void letterbox_map(const seg_input_geometry *lb, const yolo_geom *g, yolo_map *m)
{
    double ow = (double)lb->orig_width, oh = (double)lb->orig_height;
    double gain = lb->scale, px = lb->pad_left, py = lb->pad_top;
    double gp = fmin((double)g->mh / oh, (double)g->mw / ow);
    double ppx = ((double)g->mw - ow * gp) / 2, ppy = ((double)g->mh - oh * gp) / 2;
    if (gain == 0.0) {
        /* ultralytics scale_boxes / scale_masks, Python round() = half to even */
        gain = fmin((double)lb->input_height / oh, (double)lb->input_width / ow);
        px = nearbyint(((double)lb->input_width - ow * gain) / 2 - 0.1);
        py = nearbyint(((double)lb->input_height - oh * gain) / 2 - 0.1);
    } else {
        ppx = px * (double)g->mw / (double)lb->input_width;
        ppy = py * (double)g->mh / (double)lb->input_height;
    }
    m->gain = (float)gain;
    m->pad_x = (float)px;
    m->pad_y = (float)py;
    m->clip_w = (float)ow;
    m->clip_h = (float)oh;
    m->top = (int64_t)nearbyint(ppy - 0.1);
    m->left = (int64_t)nearbyint(ppx - 0.1);
    m->bottom = g->mh - (int64_t)nearbyint(ppy + 0.1);
    m->right = g->mw - (int64_t)nearbyint(ppx + 0.1);
}

static void map_box(float b[4], const yolo_map *m)
{
    for (int k = 0; k < 4; k++) {
        float v = (b[k] - (k % 2 ? m->pad_y : m->pad_x)) / m->gain;
        float hi = k % 2 ? m->clip_h : m->clip_w;
        b[k] = v < 0.0f ? 0.0f : (v > hi ? hi : v);
    }
}

/* [lo, hi) of integer positions r in [0, n) with lo_edge <= r < hi_edge (float compares,
 * as ultralytics crop_mask does). */
static void crop_range(float lo_edge, float hi_edge, int64_t n, int64_t *lo, int64_t *hi)
{
    int64_t a = 0;
    while (a < n && !((float)a >= lo_edge))
        a++;
    int64_t b = a;
    while (b < n && (float)b < hi_edge)
        b++;
    *lo = a;
    *hi = b;
}

/* Output positions whose taps read any source index in [lo, hi). */
static void tap_window(const segi_tap *t, int64_t n, int64_t lo, int64_t hi, int64_t *a,
                       int64_t *b)
{
    int64_t x = 0;
    while (x < n && t[x].i1 < lo && t[x].i0 < lo)
        x++;
    int64_t y = n;
    while (y > x && t[y - 1].i0 >= hi && t[y - 1].i1 >= hi)
        y--;
    *a = x;
    *b = y;
}

/* Working buffers for mask assembly. */
typedef struct yolo_masks {
    const yolo_geom *g;
    const seg_yolo_params *p;
    segi_tap *ty, *tx;
    int64_t oh, ow;        /* mask space */
    float *plane;          /* mh x mw logits of the current detection (rows as needed);
                              letterbox mode keeps it zero outside the current crop */
    float *coef;           /* nm coefficients of the current detection */
    float *win;            /* resized values of the current window */
    uint8_t *bits;
    size_t cap_win;
    float *scratch;        /* 2 * ow */
} yolo_masks;

static float mask_cut(const seg_yolo_params *p)
{
    return p->mask_threshold == SEG_YOLO_MASK_SIGMOID ? 0.5f : 0.0f;
}

/* Rows [r0, r1) of coefficients @ prototypes (sigmoid if legacy) into the plane: only the
 * rows a detection's window reads, so the product is a fraction of the full one. One
 * detection is one row of output: sgemv, which unlike an M = 1 sgemm packs nothing. */
static void logit_rows(yolo_masks *w, const yolo_det *d, int64_t r0, int64_t r1)
{
    const yolo_geom *g = w->g;
    for (int64_t k = 0; k < g->nm; k++)
        w->coef[k] = g->stride ? g->out0[d->anchor * g->stride + 6 + k]
                               : g->out0[(4 + g->nc + k) * g->n + d->anchor];
    int n = (int)((r1 - r0) * g->mw), ld = (int)(g->mh * g->mw);
    float *dst = w->plane + r0 * g->mw;
    cblas_sgemv(CblasRowMajor, CblasTrans, (int)g->nm, n, 1.0f, g->protos + r0 * g->mw, ld,
                w->coef, 1, 0.0f, dst, 1);
    if (w->p->mask_threshold == SEG_YOLO_MASK_SIGMOID)
        for (int i = 0; i < n; i++)
            dst[i] = 1.0f / (1.0f + expf(-dst[i]));
}

/* Resize the window [y0, y1) x [x0, x1) of the plane, threshold, store in `it`. */
static seg_status resize_window(yolo_masks *w, segi_instance *it, int64_t y0, int64_t y1,
                                int64_t x0, int64_t x1)
{
    size_t ww = (size_t)(x1 - x0), n = ww * (size_t)(y1 - y0);
    if (n > w->cap_win) {
        float *v = realloc(w->win, n * sizeof *v);
        if (v)
            w->win = v;
        uint8_t *b = v ? realloc(w->bits, n) : NULL;
        if (!b)
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "yolo: out of memory for a mask window");
        w->bits = b;
        w->cap_win = n;
    }
    segi_resize_plane(w->plane, w->g->mw, w->win, (int64_t)ww, w->ty, w->tx, y0, y1, x0, x1,
                      w->scratch);
    float cut = mask_cut(w->p);
    for (size_t i = 0; i < n; i++)
        w->bits[i] = w->win[i] > cut;
    return segi_instance_set_mask(it, w->bits, x0, y0, (int64_t)ww, y1 - y0);
}

/* Letterbox mode: crop in prototype space by box * proto/input, upsample to the input. */
static seg_status mask_letterbox(yolo_masks *w, const yolo_det *d, segi_instance *it)
{
    const yolo_geom *g = w->g;
    float rw = (float)((double)g->mw / (double)g->iw);
    float rh = (float)((double)g->mh / (double)g->ih);
    int64_t cx0, cx1, cy0, cy1;
    crop_range(it->box[0] * rw, it->box[2] * rw, g->mw, &cx0, &cx1);
    crop_range(it->box[1] * rh, it->box[3] * rh, g->mh, &cy0, &cy1);
    if (cx0 >= cx1 || cy0 >= cy1)
        return segi_instance_set_mask(it, NULL, 0, 0, 0, 0);
    logit_rows(w, d, cy0, cy1);
    for (int64_t y = cy0; y < cy1; y++) {
        float *row = w->plane + y * g->mw;
        memset(row, 0, (size_t)cx0 * sizeof *row);
        memset(row + cx1, 0, (size_t)(g->mw - cx1) * sizeof *row);
    }
    int64_t x0, x1, y0, y1;
    tap_window(w->tx, w->ow, cx0, cx1, &x0, &x1);
    tap_window(w->ty, w->oh, cy0, cy1, &y0, &y1);
    seg_status st = resize_window(w, it, y0, y1, x0, x1);
    memset(w->plane + cy0 * g->mw, 0, (size_t)((cy1 - cy0) * g->mw) * sizeof(float));
    return st;
}

/* Native mode: resize the unpadded prototype region to the original image and crop by
 * the mapped box (taps already carry the padding offsets). */
static seg_status mask_native(yolo_masks *w, const yolo_det *d, segi_instance *it)
{
    int64_t x0, x1, y0, y1;
    crop_range(it->box[0], it->box[2], w->ow, &x0, &x1);
    crop_range(it->box[1], it->box[3], w->oh, &y0, &y1);
    if (x0 >= x1 || y0 >= y1)
        return segi_instance_set_mask(it, NULL, 0, 0, 0, 0);
    logit_rows(w, d, w->ty[y0].i0, w->ty[y1 - 1].i1 + 1);
    return resize_window(w, it, y0, y1, x0, x1);
}

static void free_masks(yolo_masks *w)
{
    free(w->ty);
    free(w->tx);
    free(w->plane);
    free(w->coef);
    free(w->win);
    free(w->bits);
    free(w->scratch);
}

static seg_status alloc_masks(yolo_masks *w, const yolo_map *m)
{
    const yolo_geom *g = w->g;
    w->ty = malloc((size_t)w->oh * sizeof *w->ty);
    w->tx = malloc((size_t)w->ow * sizeof *w->tx);
    w->plane = calloc((size_t)(g->mh * g->mw), sizeof(float));
    w->coef = malloc((size_t)g->nm * sizeof(float));
    w->scratch = malloc(2 * (size_t)w->ow * sizeof(float));
    if (!w->ty || !w->tx || !w->plane || !w->coef || !w->scratch)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "yolo: out of memory for %lld x %lld masks",
                          (long long)w->oh, (long long)w->ow);
    if (w->p->masks == SEG_YOLO_MASKS_NATIVE) {
        segi_taps(w->ty, w->oh, m->bottom - m->top, m->top, false);
        segi_taps(w->tx, w->ow, m->right - m->left, m->left, false);
    } else {
        segi_taps(w->ty, w->oh, g->mh, 0, false);
        segi_taps(w->tx, w->ow, g->mw, 0, false);
    }
    return SEG_OK;
}

static seg_status assemble_masks(seg_instances *res, const yolo_det *dets, const yolo_geom *g,
                                 const seg_yolo_params *p, const yolo_map *m)
{
    yolo_masks w = {.g = g, .p = p, .oh = res->mask_h, .ow = res->mask_w};
    if (p->masks == SEG_YOLO_MASKS_NATIVE &&
        (m->top < 0 || m->left < 0 || m->bottom <= m->top || m->right <= m->left))
        return segi_error(SEG_ERR_SHAPE,
                          "yolo: letterbox padding leaves no prototype rows %lld..%lld / "
                          "columns %lld..%lld", (long long)m->top, (long long)m->bottom,
                          (long long)m->left, (long long)m->right);
    seg_status st = alloc_masks(&w, m);
    for (size_t i = 0; !st && i < res->n; i++)
        st = p->masks == SEG_YOLO_MASKS_NATIVE ? mask_native(&w, &dets[i], &res->items[i])
                                               : mask_letterbox(&w, &dets[i], &res->items[i]);
    free_masks(&w);
    return st;
}

/* Drop instances with empty masks, keeping order. */
static void drop_empty(seg_instances *res)
{
    size_t k = 0;
    for (size_t i = 0; i < res->n; i++)
        if (res->items[i].bits)
            res->items[k++] = res->items[i];
    res->n = k;
}

static seg_status build_result(const yolo_det *dets, size_t nd, const yolo_geom *g,
                               const seg_yolo_params *p, const seg_input_geometry *lb,
                               seg_instances **out)
{
    yolo_map m = {0};
    if (lb)
        letterbox_map(lb, g, &m);
    bool native = g->masks && p->masks == SEG_YOLO_MASKS_NATIVE;
    int64_t mw = native ? lb->orig_width : g->iw, mh = native ? lb->orig_height : g->ih;
    seg_instances *res;
    seg_status st = segi_instances_new(nd, mw, mh, g->masks, &res);
    if (st)
        return st;
    for (size_t i = 0; i < nd; i++) {
        segi_instance *it = &res->items[res->n++];
        memcpy(it->box, dets[i].box, sizeof it->box);
        it->score = dets[i].score;
        it->cls = dets[i].cls;
        if (native)
            map_box(it->box, &m);
    }
    if (g->masks)
        st = assemble_masks(res, dets, g, p, &m);
    if (!st && g->masks && !p->keep_empty_masks)
        drop_empty(res);
    if (lb && !native)
        for (size_t i = 0; i < res->n; i++)
            map_box(res->items[i].box, &m);
    if (st) {
        seg_instances_destroy(res);
        return st;
    }
    *out = res;
    return SEG_OK;
}

static seg_status check_inputs(const seg_tensor *output0, const seg_tensor *protos,
                               const seg_input_geometry *lb, const seg_yolo_params *p, yolo_geom *g)
{
    seg_status st = check_params(p, lb);
    if (!st && protos)
        st = check_protos(protos, g);
    if (!st)
        st = check_output0(output0, p, g);
    if (st)
        return st;
    g->masks = protos && p->masks != SEG_YOLO_MASKS_NONE;
    if (g->masks && p->masks == SEG_YOLO_MASKS_NATIVE && !lb)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "yolo: native masks need a seg_input_geometry (original image size)");
    g->iw = lb ? lb->input_width : 4 * g->mw;
    g->ih = lb ? lb->input_height : 4 * g->mh;
    if (g->n > INT32_MAX || g->mh * g->mw > INT32_MAX)
        return segi_error(SEG_ERR_LIMIT, "yolo: %lld candidates / %lld x %lld prototypes "
                          "are too many", (long long)g->n, (long long)g->mh, (long long)g->mw);
    return SEG_OK;
}

seg_status seg_instances_from_yolo(const seg_tensor *output0, const seg_tensor *protos,
                                   const seg_input_geometry *geometry,
                                   const seg_yolo_params *params, seg_instances **out)
{
    SEGI_REQUIRE(output0);
    SEGI_REQUIRE(out);
    seg_yolo_params p;
    seg_yolo_params_init(&p);
    seg_input_geometry lb;
    seg_input_geometry_init(&lb, 0, 0, 0, 0);
    seg_status st = segi_params_merge(&p, sizeof p, params, "seg_yolo_params");
    if (!st)
        st = segi_params_merge(&lb, sizeof lb, geometry, "seg_input_geometry");
    yolo_geom g = {0};
    if (!st)
        st = check_inputs(output0, protos, geometry ? &lb : NULL, &p, &g);
    if (st)
        return st;
    size_t n = (size_t)g.n;
    yolo_det *dets = malloc(n * sizeof *dets + 1);
    float *best = malloc(n * sizeof(float) + 1);
    int32_t *arg = malloc(n * sizeof(int32_t) + 1);
    size_t nd = 0;
    if (!dets || !best || !arg)
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "yolo: out of memory for %zu candidates", n);
    else if (p.layout == SEG_YOLO_END_TO_END)
        st = e2e_candidates(&g, p.conf_threshold, p.max_det, dets, &nd);
    else
        st = raw_candidates(&g, p.conf_threshold, dets, &nd, best, arg);
    if (!st && p.layout == SEG_YOLO_RAW)
        st = nms_candidates(dets, &nd, &p);
    if (!st)
        st = build_result(dets, nd, &g, &p, geometry ? &lb : NULL, out);
    free(dets);
    free(best);
    free(arg);
    return st;
}
