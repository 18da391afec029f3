/* seg_run_image(): pre-process an image as a profile says, run the session, decode the
 * outputs and map them back to the original image. */
#include "run/profile.h"
#include "run/run.h"

#include "core/error.h"
#include "io/image.h"
#include "post/semantic.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the original image sits inside the network input. */
typedef struct run_geom {
    int64_t orig_h, orig_w;
    int64_t in_h, in_w;
    int64_t top, left, rh, rw; /* the resized image inside the input */
    double scale;              /* letterbox gain; 0 for keep/stretch */
} run_geom;

/* A threshold the profile may leave unset (NaN): then the decoder's own default. */
static float threshold(float profile_value, float decoder_default)
{
    return isnan(profile_value) ? decoder_default : profile_value;
}

/* A u8 [H, W, 3] image in *slot: grey repeated, alpha dropped. */
static seg_status to_rgb(const seg_tensor *img, seg_tensor **slot)
{
    int rank = seg_tensor_rank(img);
    int64_t c = rank == 3 ? seg_tensor_dim(img, 2) : 0;
    if (seg_tensor_dtype(img) != SEG_DTYPE_U8 || rank != 3 || (c != 1 && c != 3 && c != 4))
        return segi_error(SEG_ERR_SHAPE, "seg_run_image: image must be u8 [H, W, 1|3|4], got "
                                         "%s rank %d", seg_dtype_name(seg_tensor_dtype(img)), rank);
    int64_t h = seg_tensor_dim(img, 0), w = seg_tensor_dim(img, 1);
    int64_t dims[3] = {h, w, 3};
    seg_status st = segi_tensor_reuse(slot, SEG_DTYPE_U8, 3, dims);
    if (st != SEG_OK)
        return st;
    const uint8_t *s = seg_tensor_const_data(img);
    uint8_t *d = seg_tensor_data(*slot);
    for (int64_t i = 0; i < h * w; i++)
        for (int k = 0; k < 3; k++)
            d[i * 3 + k] = s[i * c + (c >= 3 ? k : 0)];
    return SEG_OK;
}

/* Resize or letterbox `rgb` into the network's input size (ws->fitted, or `rgb` itself
 * for size "keep"), recording the geometry. */
static seg_status fit_image(const seg_profile *p, const seg_tensor *rgb, run_geom *g,
                            segi_run_ws *ws, const seg_tensor **out)
{
    *g = (run_geom){.orig_h = seg_tensor_dim(rgb, 0), .orig_w = seg_tensor_dim(rgb, 1)};
    if (p->fit == SEGI_FIT_KEEP) {
        g->in_h = g->rh = g->orig_h;
        g->in_w = g->rw = g->orig_w;
        g->scale = 1;
        *out = rgb;
        return SEG_OK;
    }
    g->in_h = g->rh = p->height;
    g->in_w = g->rw = p->width;
    *out = NULL;
    if (p->fit == SEGI_FIT_STRETCH) {
        seg_status st = segi_image_resize_slot(rgb, p->height, p->width, SEG_INTERP_BILINEAR,
                                               &ws->fitted, &ws->scratch);
        *out = ws->fitted;
        return st;
    }
    seg_letterbox lb = {.struct_size = sizeof lb};
    seg_status st = segi_image_letterbox_slot(rgb, p->height, p->width, p->pad_value, &lb,
                                              &ws->resized, &ws->fitted, &ws->scratch);
    *out = ws->fitted;
    g->top = lb.pad_top;
    g->left = lb.pad_left;
    g->rh = lb.resized_h;
    g->rw = lb.resized_w;
    g->scale = lb.scale;
    return st;
}

static seg_status run_session(const seg_model *model, seg_session *session,
                              const seg_profile *p, const seg_tensor *input)
{
    const char *name = p->input;
    if (!name) {
        if (seg_model_input_count(model) != 1)
            return segi_error(SEG_ERR_INVALID_ARGUMENT,
                              "seg_run_image: the model has %zu inputs; name one in "
                              "preprocess.input", seg_model_input_count(model));
        name = seg_model_input_name(model, 0);
    }
    return seg_session_run_named(session, &name, &input, 1);
}

/* Output `i` of the decoder: the profile's named output, else the model's i-th. */
static seg_status get_output(const seg_model *model, const seg_session *session,
                             const seg_profile *p, size_t i, const seg_tensor **out)
{
    size_t index = i;
    if (i < p->n_outputs) {
        seg_status st = seg_model_find_output(model, p->outputs[i], &index);
        if (st != SEG_OK)
            return segi_error_context(st, "postprocess.outputs[%zu]", i);
    } else if (i >= seg_model_output_count(model)) {
        return segi_error(SEG_ERR_NOT_FOUND, "seg_run_image: the decoder needs output %zu but "
                                             "the model has %zu", i, seg_model_output_count(model));
    }
    *out = seg_session_output(session, index);
    return *out ? SEG_OK : segi_error(SEG_ERR_INTERNAL, "seg_run_image: output %zu missing", index);
}

/* The padding-free region of an [.., lh, lw] output, in its own pixels: top, left, h, w. */
static void output_crop(const run_geom *g, int64_t lh, int64_t lw, int64_t c[4])
{
    c[0] = llround((double)g->top * lh / g->in_h);
    c[1] = llround((double)g->left * lw / g->in_w);
    c[2] = llround((double)g->rh * lh / g->in_h);
    c[3] = llround((double)g->rw * lw / g->in_w);
    c[2] = c[2] < 1 ? 1 : c[2] > lh - c[0] ? lh - c[0] : c[2];
    c[3] = c[3] < 1 ? 1 : c[3] > lw - c[1] ? lw - c[1] : c[3];
}

static seg_status spatial_dims(const seg_tensor *t, const char *what, int64_t *h, int64_t *w)
{
    int rank = seg_tensor_rank(t);
    if (rank < 2 || seg_tensor_dtype(t) != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_SHAPE, "seg_run_image: %s must be f32 [.., H, W], got %s "
                                         "rank %d", what, seg_dtype_name(seg_tensor_dtype(t)), rank);
    *h = seg_tensor_dim(t, rank - 2);
    *w = seg_tensor_dim(t, rank - 1);
    return SEG_OK;
}

/* Decode into *slot (a kept result is reused, see segi_semantic_decode_slot). */
static seg_status decode_semantic(const seg_profile *p, const run_geom *g,
                                  const seg_tensor *logits, const segi_run_hook *hook,
                                  segi_scratch *scratch, seg_semantic **slot)
{
    int64_t lh = 0, lw = 0, c[4];
    seg_status st = spatial_dims(logits, "the logits", &lh, &lw);
    if (st != SEG_OK)
        return st;
    output_crop(g, lh, lw, c);
    seg_semantic_params sp;
    seg_semantic_params_init(&sp);
    sp.out_height = g->orig_h;
    sp.out_width = g->orig_w;
    sp.crop_top = c[0];
    sp.crop_left = c[1];
    sp.crop_height = c[2];
    sp.crop_width = c[3];
    if (p->decoder == SEGI_DEC_SIGMOID) {
        sp.outputs = SEG_SEMANTIC_PROBABILITIES;
        sp.threshold = p->mask_threshold;
    }
    if (hook)
        sp.outputs |= SEG_SEMANTIC_PROBABILITIES;
    bool fresh;
    if ((st = segi_semantic_decode_slot(logits, &sp, slot, scratch, &fresh)) != SEG_OK)
        return st;
    seg_semantic *sem = *slot;
    size_t n = seg_semantic_num_classes(sem);
    for (size_t i = 0; fresh && st == SEG_OK && i < n && i < p->n_classes; i++)
        st = seg_semantic_set_class_name(sem, i, p->class_names[i]);
    if (fresh && st == SEG_OK && p->n_colors)
        st = seg_semantic_set_palette(sem, p->palette, p->n_colors);
    if (st == SEG_OK && hook)
        st = hook->semantic(hook->ctx, sem);
    return st;
}

static seg_status decode_yolo(const seg_model *model, const seg_session *session,
                              const seg_profile *p, const run_geom *g, seg_instances **out)
{
    if (p->fit == SEGI_FIT_STRETCH)
        return segi_error(SEG_ERR_UNSUPPORTED, "seg_run_image: yolo-seg needs preprocess.resize "
                                               "\"letterbox\" or size \"keep\"");
    const seg_tensor *out0, *protos;
    seg_status st = get_output(model, session, p, 0, &out0);
    if (st == SEG_OK)
        st = get_output(model, session, p, 1, &protos);
    if (st != SEG_OK)
        return st;
    seg_input_geometry geo;
    seg_input_geometry_init(&geo, g->in_w, g->in_h, g->orig_w, g->orig_h);
    geo.scale = g->scale;
    geo.pad_left = (double)g->left;
    geo.pad_top = (double)g->top;
    seg_yolo_params yp;
    seg_yolo_params_init(&yp);
    yp.conf_threshold = threshold(p->score_threshold, 0.25f);
    yp.iou_threshold = p->iou_threshold;
    yp.max_det = p->max_det;
    yp.masks = SEG_YOLO_MASKS_NATIVE;
    return seg_instances_from_yolo(out0, protos, &geo, &yp, out);
}

/* A new tensor of the rows `keep[0..n)` of `t` (first axis). */
static seg_status gather_rows(const seg_tensor *t, const size_t *keep, size_t n, seg_tensor **out)
{
    int64_t dims[SEG_MAX_RANK];
    int rank = seg_tensor_rank(t);
    memcpy(dims, seg_tensor_dims(t), (size_t)rank * sizeof *dims);
    size_t row = dims[0] ? seg_tensor_nbytes(t) / (size_t)dims[0] : 0;
    dims[0] = (int64_t)n;
    seg_status st = seg_tensor_create(seg_tensor_dtype(t), rank, dims, out);
    for (size_t i = 0; st == SEG_OK && i < n; i++)
        memcpy((uint8_t *)seg_tensor_data(*out) + i * row,
               (const uint8_t *)seg_tensor_const_data(t) + keep[i] * row, row);
    return st;
}

/* Map kept boxes from the network input to the image, in place. */
static void boxes_to_image(seg_tensor *boxes, const run_geom *g)
{
    float *b = seg_tensor_data(boxes);
    double sx = (double)g->rw / (double)g->orig_w, sy = (double)g->rh / (double)g->orig_h;
    for (int64_t i = 0; i < seg_tensor_dim(boxes, 0) * 4; i++) {
        int x = i % 2 == 0;
        double v = ((double)b[i] - (double)(x ? g->left : g->top)) / (x ? sx : sy);
        double hi = (double)(x ? g->orig_w : g->orig_h);
        b[i] = (float)(v < 0 ? 0 : v > hi ? hi : v);
    }
}

/* "f32 [3, 4]" into buf. */
static const char *describe(const seg_tensor *t, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s [", seg_dtype_name(seg_tensor_dtype(t)));
    for (int i = 0; i < seg_tensor_rank(t) && n > 0 && (size_t)n < size; i++)
        n += snprintf(buf + n, size - (size_t)n, "%s%lld", i ? ", " : "",
                      (long long)seg_tensor_dim(t, i));
    if (n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "]");
    return buf;
}

/* The Mask R-CNN outputs t[0..4) (boxes, labels, scores, masks) agree on N, the
 * scores' length; else an error naming the first bad one and its output index. */
static seg_status check_maskrcnn(const seg_tensor *const t[4], size_t first)
{
    static const char *const want[4] = {"boxes f32 [N, 4]", "labels i64 or i32 [N]",
                                        "scores f32 [N]", "masks f32 [N, ..]"};
    int64_t n = seg_tensor_rank(t[2]) == 1 ? seg_tensor_dim(t[2], 0) : -1;
    seg_dtype lt = seg_tensor_dtype(t[1]);
    int ok[4] = {
        seg_tensor_rank(t[0]) == 2 && seg_tensor_dim(t[0], 0) == n &&
            seg_tensor_dim(t[0], 1) == 4 && seg_tensor_dtype(t[0]) == SEG_DTYPE_F32,
        seg_tensor_rank(t[1]) == 1 && seg_tensor_dim(t[1], 0) == n &&
            (lt == SEG_DTYPE_I64 || lt == SEG_DTYPE_I32),
        n >= 0 && seg_tensor_dtype(t[2]) == SEG_DTYPE_F32,
        seg_tensor_rank(t[3]) >= 1 && seg_tensor_dim(t[3], 0) == n &&
            seg_tensor_dtype(t[3]) == SEG_DTYPE_F32,
    };
    int bad = !ok[2] ? 2 : !ok[0] ? 0 : !ok[1] ? 1 : !ok[3] ? 3 : -1;
    char got[96];
    if (bad < 0)
        return SEG_OK;
    return segi_error(SEG_ERR_SHAPE, "seg_run_image: output %zu (postprocess.outputs[%zu]) "
                                     "must be %s with N = %lld, got %s", first + (size_t)bad,
                      first + (size_t)bad, want[bad], (long long)n,
                      describe(t[bad], got, sizeof got));
}

/* torchvision Mask R-CNN outputs from output `first` on: boxes [N, 4], labels [N],
 * scores [N], masks [N, 1, M, M]; keep score > threshold, map boxes to the image,
 * paste the masks. */
static seg_status decode_maskrcnn(const seg_model *model, const seg_session *session,
                                  const seg_profile *p, const run_geom *g, size_t first,
                                  seg_instances **out)
{
    const seg_tensor *t[4];
    seg_status st = SEG_OK;
    for (size_t i = 0; st == SEG_OK && i < 4; i++)
        st = get_output(model, session, p, first + i, &t[i]);
    if (st == SEG_OK)
        st = check_maskrcnn(t, first);
    if (st != SEG_OK)
        return st;
    int64_t n = seg_tensor_dim(t[2], 0);
    size_t *keep = malloc((size_t)(n ? n : 1) * sizeof *keep), k = 0;
    if (!keep)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_run_image: out of memory");
    const float *scores = seg_tensor_const_data(t[2]);
    for (int64_t i = 0; i < n; i++)
        if (scores[i] > threshold(p->score_threshold, 0.5f))
            keep[k++] = (size_t)i;
    seg_tensor *kept[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; st == SEG_OK && i < 4; i++)
        st = gather_rows(t[i], keep, k, &kept[i]);
    if (st == SEG_OK) {
        boxes_to_image(kept[0], g);
        seg_paste_params pp;
        seg_paste_params_init(&pp);
        pp.image_width = g->orig_w;
        pp.image_height = g->orig_h;
        pp.threshold = p->mask_threshold;
        st = seg_instances_from_mask_probs(kept[0], kept[2], kept[1], kept[3], &pp, out);
    }
    for (int i = 0; i < 4; i++)
        seg_tensor_destroy(kept[i]);
    free(keep);
    return st;
}

/* Crop one [lh, lw] plane, resize it to the original size and multiply by `gain`. */
static seg_status plane_to_image(const float *plane, int64_t lw, const int64_t c[4],
                                 const run_geom *g, float gain, float *dst)
{
    int64_t dims[3] = {c[2], c[3], 1};
    seg_tensor *crop, *big = NULL;
    seg_status st = seg_tensor_create(SEG_DTYPE_F32, 3, dims, &crop);
    if (st != SEG_OK)
        return st;
    float *d = seg_tensor_data(crop);
    for (int64_t y = 0; y < c[2]; y++)
        memcpy(d + y * c[3], plane + (c[0] + y) * lw + c[1], (size_t)c[3] * sizeof *d);
    st = seg_image_resize(crop, g->orig_h, g->orig_w, SEG_INTERP_BILINEAR, &big);
    if (st == SEG_OK) {
        const float *b = seg_tensor_const_data(big);
        for (int64_t i = 0; i < g->orig_h * g->orig_w; i++)
            dst[i] = b[i] * gain;
    }
    seg_tensor_destroy(big);
    seg_tensor_destroy(crop);
    return st;
}

/* Center heat [1, H, W] and offsets [2, H, W] at the original size, offsets rescaled. */
static seg_status deeplab_maps(const seg_tensor *center, const seg_tensor *offsets,
                               const run_geom *g, seg_tensor **heat, seg_tensor **offs)
{
    int64_t lh = 0, lw = 0, oh = 0, ow = 0, c[4];
    seg_status st = spatial_dims(center, "the center heatmap", &lh, &lw);
    if (st == SEG_OK)
        st = spatial_dims(offsets, "the offsets", &oh, &ow);
    if (st != SEG_OK)
        return st;
    if (oh != lh || ow != lw || seg_tensor_count(center) != (size_t)(lh * lw) ||
        seg_tensor_count(offsets) != (size_t)(2 * lh * lw))
        return segi_error(SEG_ERR_SHAPE, "seg_run_image: center must be [1, H, W] and offsets "
                                         "[2, H, W] of one size");
    output_crop(g, lh, lw, c);
    int64_t hd[3] = {1, g->orig_h, g->orig_w}, od[3] = {2, g->orig_h, g->orig_w};
    if ((st = seg_tensor_create(SEG_DTYPE_F32, 3, hd, heat)) != SEG_OK)
        return st;
    if ((st = seg_tensor_create(SEG_DTYPE_F32, 3, od, offs)) != SEG_OK)
        return st;
    const float *cs = seg_tensor_const_data(center), *os = seg_tensor_const_data(offsets);
    float *od_data = seg_tensor_data(*offs);
    size_t plane = (size_t)(g->orig_h * g->orig_w);
    st = plane_to_image(cs, lw, c, g, 1.0f, seg_tensor_data(*heat));
    if (st == SEG_OK)
        st = plane_to_image(os, lw, c, g, (float)g->orig_h / (float)c[2], od_data);
    if (st == SEG_OK)
        st = plane_to_image(os + lh * lw, lw, c, g, (float)g->orig_w / (float)c[3],
                            od_data + plane);
    return st;
}

static seg_status decode_deeplab(const seg_model *model, const seg_session *session,
                                 const seg_profile *p, const run_geom *g,
                                 const segi_run_hook *hook, segi_scratch *scratch,
                                 seg_panoptic **out)
{
    const seg_tensor *logits, *center, *offsets;
    seg_status st = get_output(model, session, p, 0, &logits);
    if (st == SEG_OK)
        st = get_output(model, session, p, 1, &center);
    if (st == SEG_OK)
        st = get_output(model, session, p, 2, &offsets);
    if (st != SEG_OK)
        return st;
    seg_semantic *sem = NULL;
    seg_tensor *heat = NULL, *offs = NULL;
    int32_t *things = calloc(p->n_classes + 1, sizeof *things);
    size_t n_things = 0;
    if (!things)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_run_image: out of memory");
    for (size_t i = 0; i < p->n_classes; i++)
        if (p->is_thing[i])
            things[n_things++] = (int32_t)i;
    st = decode_semantic(p, g, logits, hook, scratch, &sem);
    if (st == SEG_OK)
        st = deeplab_maps(center, offsets, g, &heat, &offs);
    if (st == SEG_OK) {
        seg_panoptic_deeplab_params dp;
        seg_panoptic_deeplab_params_init(&dp);
        dp.center_threshold = p->center_threshold;
        dp.stuff_area = p->stuff_area ? p->stuff_area : dp.stuff_area;
        /* COCO panoptic PNGs reserve id 0 for void, which class 0 * divisor would hit. */
        dp.ids.scheme = SEG_PANOPTIC_IDS_CONSECUTIVE;
        dp.ids.void_label = 0;
        st = seg_panoptic_from_deeplab(seg_semantic_labels(sem), heat, offs, things, n_things,
                                       &dp, out);
    }
    free(things);
    seg_tensor_destroy(heat);
    seg_tensor_destroy(offs);
    seg_semantic_destroy(sem);
    return st;
}

/* Mask2Former: class logits [1, Q, K + 1], mask logits [1, Q, h, w]; the masks are
 * cropped to the image part of the input, then resized to the image by the decoder. */
static seg_status decode_mask2former(const seg_model *model, const seg_session *session,
                                     const seg_profile *p, const run_geom *g,
                                     seg_panoptic **out)
{
    const seg_tensor *cls, *masks;
    int64_t lh = 0, lw = 0, c[4];
    seg_status st = get_output(model, session, p, 0, &cls);
    if (st == SEG_OK)
        st = get_output(model, session, p, 1, &masks);
    if (st == SEG_OK)
        st = spatial_dims(masks, "the mask logits", &lh, &lw);
    if (st != SEG_OK)
        return st;
    output_crop(g, lh, lw, c);
    int64_t q = (int64_t)seg_tensor_count(masks) / (lh * lw), dims[3] = {q, c[2], c[3]};
    seg_tensor *crop;
    if ((st = seg_tensor_create(SEG_DTYPE_F32, 3, dims, &crop)) != SEG_OK)
        return st;
    const float *src = seg_tensor_const_data(masks);
    float *dst = seg_tensor_data(crop);
    for (int64_t k = 0; k < q; k++)
        for (int64_t y = 0; y < c[2]; y++)
            memcpy(dst + (k * c[2] + y) * c[3], src + (k * lh + c[0] + y) * lw + c[1],
                   (size_t)c[3] * sizeof *dst);
    int32_t *things = calloc(p->n_classes + 1, sizeof *things);
    size_t n_things = 0;
    if (!things)
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_run_image: out of memory");
    for (size_t i = 0; things && i < p->n_classes; i++)
        if (p->is_thing[i])
            things[n_things++] = (int32_t)i;
    if (st == SEG_OK) {
        seg_panoptic_mask2former_params mp;
        seg_panoptic_mask2former_params_init(&mp);
        mp.object_mask_threshold = threshold(p->score_threshold, 0.8f);
        mp.out_height = g->orig_h;
        mp.out_width = g->orig_w;
        st = seg_panoptic_from_mask2former(cls, crop, things, n_things, &mp, out);
    }
    free(things);
    seg_tensor_destroy(crop);
    return st;
}

/* An i32 copy of `labels` with every thing class's label replaced by -1, so that
 * the fusion's one "things" label (-1) stands for all of them. */
static seg_status stuff_labels(const seg_profile *p, const seg_tensor *labels,
                               seg_tensor **out)
{
    seg_tensor *t;
    seg_status st = seg_tensor_create(SEG_DTYPE_I32, 2, seg_tensor_dims(labels), &t);
    if (st != SEG_OK)
        return st;
    int32_t *d = seg_tensor_data(t);
    size_t n = seg_tensor_count(labels);
    for (size_t i = 0; i < n; i++) {
        int32_t v = seg_tensor_dtype(labels) == SEG_DTYPE_U8
                        ? ((const uint8_t *)seg_tensor_const_data(labels))[i]
                        : ((const int32_t *)seg_tensor_const_data(labels))[i];
        d[i] = v >= 0 && (size_t)v < p->n_classes && p->is_thing[v] ? -1 : v;
    }
    *out = t;
    return SEG_OK;
}

/* Panoptic FPN: semantic logits [1, C, h, w] (decoded as `argmax`), then the four
 * Mask R-CNN outputs (decoded as `maskrcnn`), fused as detectron2 does. Semantic
 * channels and instance labels index the one class list; the semantic labels of
 * thing classes are left to the instances. */
static seg_status decode_fpn(const seg_model *model, const seg_session *session,
                             const seg_profile *p, const run_geom *g,
                             const segi_run_hook *hook, segi_scratch *scratch,
                             seg_panoptic **out)
{
    const seg_tensor *logits;
    seg_semantic *sem = NULL;
    seg_instances *inst = NULL;
    seg_tensor *labels = NULL;
    seg_status st = get_output(model, session, p, 0, &logits);
    if (st == SEG_OK)
        st = decode_semantic(p, g, logits, hook, scratch, &sem);
    if (st == SEG_OK)
        st = decode_maskrcnn(model, session, p, g, 1, &inst);
    if (st == SEG_OK)
        st = stuff_labels(p, seg_semantic_labels(sem), &labels);
    if (st == SEG_OK) {
        seg_panoptic_fpn_params fp;
        seg_panoptic_fpn_params_init(&fp);
        fp.score_threshold = threshold(p->score_threshold, fp.score_threshold);
        fp.stuff_area = p->stuff_area ? p->stuff_area : fp.stuff_area;
        fp.things_label = -1;
        st = seg_panoptic_from_fpn(labels, inst, &fp, out);
    }
    seg_tensor_destroy(labels);
    seg_instances_destroy(inst);
    seg_semantic_destroy(sem);
    return st;
}

static seg_status decode(const seg_model *model, const seg_session *session,
                         const seg_profile *p, const run_geom *g, const segi_run_hook *hook,
                         segi_scratch *scratch, seg_result *r)
{
    const seg_tensor *logits;
    seg_status st;
    switch (p->decoder) {
    case SEGI_DEC_ARGMAX:
    case SEGI_DEC_SIGMOID:
        st = get_output(model, session, p, 0, &logits);
        return st == SEG_OK ? decode_semantic(p, g, logits, hook, scratch, &r->semantic) : st;
    case SEGI_DEC_YOLO_SEG:
        return decode_yolo(model, session, p, g, &r->instances);
    case SEGI_DEC_MASKRCNN:
        return decode_maskrcnn(model, session, p, g, 0, &r->instances);
    case SEGI_DEC_PANOPTIC_FPN:
        return decode_fpn(model, session, p, g, hook, scratch, &r->panoptic);
    case SEGI_DEC_PANOPTIC_DEEPLAB:
        return decode_deeplab(model, session, p, g, hook, scratch, &r->panoptic);
    case SEGI_DEC_MASK2FORMER:
        return decode_mask2former(model, session, p, g, &r->panoptic);
    }
    return segi_error(SEG_ERR_INTERNAL, "seg_run_image: decoder %d unknown", (int)p->decoder);
}

seg_status seg_run_image(const seg_model *model, seg_session *session, const seg_profile *profile,
                         const seg_tensor *image, seg_result **out)
{
    SEGI_REQUIRE(model);
    SEGI_REQUIRE(session);
    SEGI_REQUIRE(profile);
    SEGI_REQUIRE(image);
    SEGI_REQUIRE(out);
    segi_run_ws ws = {0};
    seg_status st = segi_run_image(model, session, profile, image, NULL, &ws, out);
    segi_run_ws_free(&ws);
    return st;
}

void segi_run_ws_free(segi_run_ws *ws)
{
    seg_tensor_destroy(ws->rgb);
    seg_tensor_destroy(ws->resized);
    seg_tensor_destroy(ws->fitted);
    seg_tensor_destroy(ws->input);
    segi_scratch_free(&ws->scratch);
    seg_result_destroy(ws->spare);
    *ws = (segi_run_ws){0};
}

void segi_run_ws_recycle(segi_run_ws *ws, seg_result *result)
{
    seg_result_destroy(ws->spare);
    ws->spare = result;
}

/* The spare result (only its semantic part is reusable) or a new one. */
static seg_status take_result(segi_run_ws *ws, seg_task task, seg_result **out)
{
    seg_result *r = ws->spare;
    ws->spare = NULL;
    if (r) {
        seg_instances_destroy(r->instances);
        seg_panoptic_destroy(r->panoptic);
        r->instances = NULL;
        r->panoptic = NULL;
    } else if (!(r = calloc(1, sizeof *r))) {
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_run_image: out of memory");
    }
    r->task = task;
    *out = r;
    return SEG_OK;
}

seg_status segi_run_image(const seg_model *model, seg_session *session,
                          const seg_profile *profile, const seg_tensor *image,
                          const segi_run_hook *hook, segi_run_ws *ws, seg_result **out)
{
    const seg_tensor *fitted = NULL;
    run_geom g;
    seg_status st = to_rgb(image, &ws->rgb);
    if (st == SEG_OK)
        st = fit_image(profile, ws->rgb, &g, ws, &fitted);
    if (st == SEG_OK)
        st = segi_image_to_nchw_slot(fitted, profile->scale, profile->mean, profile->std,
                                     profile->order, &ws->input);
    if (st == SEG_OK)
        st = run_session(model, session, profile, ws->input);
    seg_result *r = NULL;
    if (st == SEG_OK)
        st = take_result(ws, profile->task, &r);
    if (st == SEG_OK)
        st = decode(model, session, profile, &g, hook, &ws->scratch, r);
    if (st != SEG_OK) {
        seg_result_destroy(r);
        return st;
    }
    *out = r;
    return SEG_OK;
}

void seg_result_destroy(seg_result *result)
{
    if (!result)
        return;
    seg_semantic_destroy(result->semantic);
    seg_instances_destroy(result->instances);
    seg_panoptic_destroy(result->panoptic);
    free(result);
}

seg_task seg_result_task(const seg_result *result)
{
    return result ? result->task : (seg_task)0;
}

const seg_semantic *seg_result_semantic(const seg_result *result)
{
    return result ? result->semantic : NULL;
}

const seg_instances *seg_result_instances(const seg_result *result)
{
    return result ? result->instances : NULL;
}

const seg_panoptic *seg_result_panoptic(const seg_result *result)
{
    return result ? result->panoptic : NULL;
}
