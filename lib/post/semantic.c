/* seg_semantic: fused bilinear upsample + argmax over class logits. */
#include "seg/seg_semantic.h"

#include "seg/seg_image.h"

#include "core/error.h"
#include "core/scratch.h"
#include "core/tensor.h"
#include "post/interp.h"
#include "post/labels.h"
#include "post/overlay.h"
#include "post/params.h"
#include "post/semantic.h"
#include "post/simd.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void seg_semantic_params_init(seg_semantic_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    p->resize = SEG_RESIZE_HALF_PIXEL;
    p->threshold = 0.5f;
}

/* The geometry of one decode, validated. */
typedef struct sem_geom {
    int64_t c, h, w;            /* logits */
    int64_t top, left, ch, cw;  /* crop */
    int64_t oh, ow;             /* output */
} sem_geom;

static seg_status check_params(const seg_tensor *logits, const seg_semantic_params *p,
                               sem_geom *g)
{
    char shape[96];
    segi_shape_str(logits->rank, logits->dims, shape, sizeof shape);
    if (logits->dtype != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_UNSUPPORTED, "semantic: logits must be f32, got %s",
                          seg_dtype_name(logits->dtype));
    int r = logits->rank;
    if ((r != 3 && r != 4) || (r == 4 && logits->dims[0] != 1))
        return segi_error(SEG_ERR_SHAPE,
                          "semantic: logits must be [1, C, h, w] or [C, h, w], got %s", shape);
    g->c = logits->dims[r - 3];
    g->h = logits->dims[r - 2];
    g->w = logits->dims[r - 1];
    if (g->c < 1 || g->h < 1 || g->w < 1)
        return segi_error(SEG_ERR_SHAPE, "semantic: logits %s are empty", shape);
    if (g->c > INT32_MAX || g->h > INT32_MAX || g->w > INT32_MAX)
        return segi_error(SEG_ERR_LIMIT, "semantic: logits %s are too large", shape);
    if ((unsigned)p->resize > SEG_RESIZE_ALIGN_CORNERS)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "semantic: resize mode %d is unknown",
                          (int)p->resize);
    if (p->outputs & ~(uint32_t)(SEG_SEMANTIC_PROBABILITIES | SEG_SEMANTIC_CONFIDENCE))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "semantic: unknown output bits 0x%x",
                          p->outputs);
    if (!(p->threshold >= 0.0f && p->threshold <= 1.0f))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "semantic: threshold %g is not in [0, 1]", (double)p->threshold);
    g->top = p->crop_top;
    g->left = p->crop_left;
    g->ch = p->crop_height ? p->crop_height : g->h - g->top;
    g->cw = p->crop_width ? p->crop_width : g->w - g->left;
    if (g->top < 0 || g->left < 0 || g->ch < 1 || g->cw < 1 || g->top + g->ch > g->h ||
        g->left + g->cw > g->w)
        return segi_error(SEG_ERR_SHAPE,
                          "semantic: crop top %lld left %lld height %lld width %lld is not "
                          "inside logits %s", (long long)p->crop_top,
                          (long long)p->crop_left, (long long)p->crop_height,
                          (long long)p->crop_width, shape);
    g->oh = p->out_height ? p->out_height : g->ch;
    g->ow = p->out_width ? p->out_width : g->cw;
    if (g->oh < 1 || g->ow < 1 || g->oh > INT32_MAX || g->ow > INT32_MAX)
        return segi_error(SEG_ERR_SHAPE, "semantic: output size %lld x %lld is invalid",
                          (long long)p->out_height, (long long)p->out_width);
    size_t n_labels = g->c == 1 ? 2 : (size_t)g->c;
    if (p->label_dtype == SEG_DTYPE_U8 && n_labels > 256)
        return segi_error(SEG_ERR_LIMIT, "semantic: %zu labels do not fit label_dtype u8",
                          n_labels);
    if (p->label_dtype != 0 && p->label_dtype != SEG_DTYPE_U8 &&
        p->label_dtype != SEG_DTYPE_I32)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "semantic: label_dtype must be u8, i32 or 0, got %s",
                          seg_dtype_name(p->label_dtype));
    return SEG_OK;
}

static seg_status check_nan(const float *logits, const sem_geom *g)
{
    for (int64_t c = 0; c < g->c; c++)
        for (int64_t y = g->top; y < g->top + g->ch; y++) {
            const float *row = logits + (c * g->h + y) * g->w;
            for (int64_t x = g->left; x < g->left + g->cw; x++)
                if (isnan(row[x]))
                    return segi_error(SEG_ERR_FORMAT,
                                      "semantic: logit of class %lld at (y %lld, x %lld) "
                                      "is NaN", (long long)c, (long long)y, (long long)x);
        }
    return SEG_OK;
}

/* Working state of the streaming decoder. */
typedef struct sem_run {
    const float *logits;
    const sem_geom *g;
    segi_tap *ty, *tx;
    float *hbuf[2];     /* horizontally resized source rows, C x ow each */
    int32_t have[2];    /* which source row each hbuf holds */
    float *best;        /* running max per output column */
    int32_t *arg;       /* running argmax per output column */
    float *vals;        /* C x ow resized logits of the current row, when kept */
    float *sum;         /* softmax denominators per column */
} sem_run;

/* The horizontally resized row `r` of every class, computed into a slot other than
 * the one holding `keep` (the other row the current output row needs). */
static const float *source_row(sem_run *s, int32_t r, int32_t keep)
{
    for (int k = 0; k < 2; k++)
        if (s->have[k] == r)
            return s->hbuf[k];
    int k = s->have[0] == keep ? 1 : 0;
    const sem_geom *g = s->g;
    for (int64_t c = 0; c < g->c; c++)
        segi_lerp_row(s->hbuf[k] + c * g->ow, s->logits + (c * g->h + r) * g->w, s->tx,
                      g->ow);
    s->have[k] = r;
    return s->hbuf[k];
}

/* Resize every class into row `y` and keep the running max / argmax; the resized
 * values go to `vals` (C x ow) when it is not NULL. */
static void argmax_row(sem_run *s, int64_t y, float *vals)
{
    const sem_geom *g = s->g;
    const segi_tap t = s->ty[y];
    const float *a = source_row(s, t.i0, t.i1);
    const float *b = source_row(s, t.i1, t.i0);
    int64_t ow = g->ow;
    segi_blend(s->best, a, b, t.w0, t.w1, ow);
    memset(s->arg, 0, (size_t)ow * sizeof *s->arg);
    if (vals)
        memcpy(vals, s->best, (size_t)ow * sizeof *vals);
    /* strict >: ties stay with the lower class; NaN was rejected up front */
    for (int64_t c = 1; c < g->c; c++) {
        if (!vals) {
            segi_blend_argmax(s->best, s->arg, a + c * ow, b + c * ow, t.w0, t.w1, (int32_t)c,
                              ow);
            continue;
        }
        segi_blend(vals + c * ow, a + c * ow, b + c * ow, t.w0, t.w1, ow);
        (void)segi_argmax_update(s->best, s->arg, vals + c * ow, (int32_t)c, ow);
    }
}

/* Softmax across classes of one row of `vals`, in place when `probs`; the max
 * probability to `conf`. */
static void softmax_row(sem_run *s, float *vals, bool probs, float *conf)
{
    const sem_geom *g = s->g;
    int64_t ow = g->ow, x0 = ow - ow % 4;
    memset(s->sum, 0, (size_t)ow * sizeof *s->sum);
    for (int64_t c = 0; c < g->c; c++) {
        float *v = vals + c * ow;
        for (int64_t x = 0; x < x0; x += 4) {
            segi_f4 e = segi_exp4_nonpos(segi_load4(v + x) - segi_load4(s->best + x));
            segi_store4(v + x, e);
            segi_store4(s->sum + x, segi_load4(s->sum + x) + e);
        }
        for (int64_t x = x0; x < ow; x++) {
            v[x] = expf(v[x] - s->best[x]);
            s->sum[x] += v[x];
        }
    }
    if (probs)
        for (int64_t c = 0; c < g->c; c++)
            for (int64_t x = 0; x < ow; x++)
                vals[c * ow + x] /= s->sum[x];
    if (conf)
        for (int64_t x = 0; x < ow; x++)
            conf[x] = 1.0f / s->sum[x];
}

/* C = 1: label 1 where sigmoid(v) > threshold. */
static void sigmoid_row(sem_run *s, float threshold, float *probs, float *conf)
{
    for (int64_t x = 0; x < s->g->ow; x++) {
        float p = 1.0f / (1.0f + expf(-s->best[x]));
        bool on = p > threshold;
        s->arg[x] = on;
        if (probs)
            probs[x] = p;
        if (conf)
            conf[x] = on ? p : 1.0f - p;
    }
}

static void store_labels(seg_semantic *sem, const sem_run *s, int64_t y)
{
    int64_t ow = s->g->ow;
    if (sem->labels->dtype == SEG_DTYPE_U8) {
        uint8_t *dst = (uint8_t *)sem->labels->data + y * ow;
        for (int64_t x = 0; x < ow; x++)
            dst[x] = (uint8_t)s->arg[x];
    } else {
        memcpy((int32_t *)sem->labels->data + y * ow, s->arg, (size_t)ow * sizeof(int32_t));
    }
    for (int64_t x = 0; x < ow; x++)
        sem->areas[s->arg[x]]++;
}

static void decode(seg_semantic *sem, sem_run *s, const seg_semantic_params *p)
{
    const sem_geom *g = s->g;
    bool want_probs = sem->probs != NULL;
    float *conf = sem->conf ? sem->conf->data : NULL;
    size_t plane = (size_t)(g->oh * g->ow);
    for (int64_t y = 0; y < g->oh; y++) {
        float *conf_row = conf ? conf + y * g->ow : NULL;
        if (g->c == 1) {
            argmax_row(s, y, NULL);
            float *prob_row = want_probs ? (float *)sem->probs->data + y * g->ow : NULL;
            sigmoid_row(s, p->threshold, prob_row, conf_row);
        } else {
            argmax_row(s, y, s->vals);
            if (s->vals)
                softmax_row(s, s->vals, want_probs, conf_row);
            if (want_probs) {
                float *dst = (float *)sem->probs->data + y * g->ow;
                for (int64_t c = 0; c < g->c; c++)
                    memcpy(dst + c * plane, s->vals + c * g->ow,
                           (size_t)g->ow * sizeof(float));
            }
        }
        store_labels(sem, s, y);
    }
}

static seg_status alloc_result(const sem_geom *g, const seg_semantic_params *p,
                               seg_semantic **out)
{
    seg_semantic *sem = calloc(1, sizeof *sem);
    if (!sem)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "semantic: out of memory");
    sem->n_labels = g->c == 1 ? 2 : (size_t)g->c;
    seg_dtype dt = p->label_dtype ? p->label_dtype
                                  : (sem->n_labels <= 256 ? SEG_DTYPE_U8 : SEG_DTYPE_I32);
    int64_t hw[2] = {g->oh, g->ow};
    int64_t chw[3] = {g->c, g->oh, g->ow};
    seg_status st = segi_tensor_alloc(dt, 2, hw, &sem->labels);
    if (!st && (p->outputs & SEG_SEMANTIC_PROBABILITIES))
        st = segi_tensor_alloc(SEG_DTYPE_F32, 3, chw, &sem->probs);
    if (!st && (p->outputs & SEG_SEMANTIC_CONFIDENCE))
        st = segi_tensor_alloc(SEG_DTYPE_F32, 2, hw, &sem->conf);
    sem->areas = calloc(sem->n_labels, sizeof *sem->areas);
    sem->names = calloc(sem->n_labels, sizeof *sem->names);
    if (!st && (!sem->areas || !sem->names))
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "semantic: out of memory");
    if (st) {
        seg_semantic_destroy(sem);
        return st;
    }
    *out = sem;
    return SEG_OK;
}

/* Whether `sem` already has the buffers that decoding `g` with `p` fills. */
static bool fits(const seg_semantic *sem, const sem_geom *g, const seg_semantic_params *p)
{
    size_t n_labels = g->c == 1 ? 2 : (size_t)g->c;
    seg_dtype dt = p->label_dtype ? p->label_dtype
                                  : (n_labels <= 256 ? SEG_DTYPE_U8 : SEG_DTYPE_I32);
    bool want_probs = p->outputs & SEG_SEMANTIC_PROBABILITIES;
    bool want_conf = p->outputs & SEG_SEMANTIC_CONFIDENCE;
    return sem->n_labels == n_labels && sem->labels->dtype == dt &&
           sem->labels->dims[0] == g->oh && sem->labels->dims[1] == g->ow &&
           (sem->probs != NULL) == want_probs && (sem->conf != NULL) == want_conf &&
           (!want_probs || sem->probs->dims[0] == g->c);
}

static seg_status run_decoder(seg_semantic *sem, const float *logits, const sem_geom *g,
                              const seg_semantic_params *p, segi_scratch *scratch)
{
    sem_run s = {.logits = logits, .g = g, .have = {-1, -1}};
    size_t ow = (size_t)g->ow, c = (size_t)g->c;
    bool keep_vals = c > 1 && (p->outputs != 0);
    void *buf[7];
    size_t sizes[7] = {(size_t)g->oh * sizeof *s.ty, ow * sizeof *s.tx,
                       2 * c * ow * sizeof(float), ow * sizeof(float), ow * sizeof(int32_t),
                       keep_vals ? c * ow * sizeof(float) : 0, ow * sizeof(float)};
    seg_status st = segi_scratch_carve(scratch, buf, sizes, 7, "semantic");
    if (st != SEG_OK)
        return st;
    s.ty = buf[0];
    s.tx = buf[1];
    s.hbuf[0] = buf[2];
    s.hbuf[1] = s.hbuf[0] + c * ow;
    s.best = buf[3];
    s.arg = buf[4];
    s.vals = keep_vals ? buf[5] : NULL;
    s.sum = buf[6];
    bool ac = p->resize == SEG_RESIZE_ALIGN_CORNERS;
    segi_taps(s.ty, g->oh, g->ch, g->top, ac);
    segi_taps(s.tx, g->ow, g->cw, g->left, ac);
    memset(sem->areas, 0, sem->n_labels * sizeof *sem->areas);
    decode(sem, &s, p);
    return SEG_OK;
}

seg_status segi_semantic_decode_slot(const seg_tensor *logits,
                                     const seg_semantic_params *params, seg_semantic **slot,
                                     segi_scratch *scratch, bool *fresh)
{
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    seg_status st = segi_params_merge(&p, sizeof p, params, "seg_semantic_params");
    sem_geom g = {0};
    if (!st)
        st = check_params(logits, &p, &g);
    if (!st)
        st = check_nan(logits->data, &g);
    if (st)
        return st;
    *fresh = !*slot || !fits(*slot, &g, &p);
    if (*fresh) {
        seg_semantic *sem = NULL;
        if ((st = alloc_result(&g, &p, &sem)) != SEG_OK)
            return st;
        seg_semantic_destroy(*slot);
        *slot = sem;
    }
    return run_decoder(*slot, logits->data, &g, &p, scratch);
}

seg_status seg_semantic_from_logits(const seg_tensor *logits,
                                    const seg_semantic_params *params, seg_semantic **out)
{
    SEGI_REQUIRE(logits);
    SEGI_REQUIRE(out);
    seg_semantic *sem = NULL;
    segi_scratch scratch = {0};
    bool fresh;
    seg_status st = segi_semantic_decode_slot(logits, params, &sem, &scratch, &fresh);
    segi_scratch_free(&scratch);
    if (st) {
        seg_semantic_destroy(sem);
        return st;
    }
    *out = sem;
    return SEG_OK;
}

void seg_semantic_destroy(seg_semantic *sem)
{
    if (!sem)
        return;
    seg_tensor_destroy(sem->labels);
    seg_tensor_destroy(sem->probs);
    seg_tensor_destroy(sem->conf);
    if (sem->names)
        for (size_t i = 0; i < sem->n_labels; i++)
            free(sem->names[i]);
    free(sem->names);
    free(sem->areas);
    free(sem->palette);
    free(sem);
}

const seg_tensor *seg_semantic_labels(const seg_semantic *sem)
{
    return sem ? sem->labels : NULL;
}

const seg_tensor *seg_semantic_probabilities(const seg_semantic *sem)
{
    return sem ? sem->probs : NULL;
}

const seg_tensor *seg_semantic_confidence(const seg_semantic *sem)
{
    return sem ? sem->conf : NULL;
}

size_t seg_semantic_num_classes(const seg_semantic *sem)
{
    return sem ? sem->n_labels : 0;
}

const int64_t *seg_semantic_areas(const seg_semantic *sem)
{
    return sem ? sem->areas : NULL;
}

seg_status seg_semantic_set_class_name(seg_semantic *sem, size_t cls, const char *name)
{
    SEGI_REQUIRE(sem);
    SEGI_REQUIRE(name);
    if (cls >= sem->n_labels)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "semantic: class %zu is out of range (%zu labels)", cls,
                          sem->n_labels);
    char *copy = strdup(name);
    if (!copy)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "semantic: out of memory");
    free(sem->names[cls]);
    sem->names[cls] = copy;
    return SEG_OK;
}

const char *seg_semantic_class_name(const seg_semantic *sem, size_t cls)
{
    return sem && cls < sem->n_labels ? sem->names[cls] : NULL;
}

seg_status seg_semantic_set_palette(seg_semantic *sem, const uint8_t *rgb, size_t n_colors)
{
    SEGI_REQUIRE(sem);
    SEGI_REQUIRE(rgb);
    if (n_colors == 0 || n_colors > SIZE_MAX / 3)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "semantic: palette of %zu colours",
                          n_colors);
    uint8_t *copy = malloc(n_colors * 3);
    if (!copy)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "semantic: out of memory");
    memcpy(copy, rgb, n_colors * 3);
    free(sem->palette);
    sem->palette = copy;
    sem->n_palette = n_colors;
    return SEG_OK;
}

void seg_palette_voc(size_t index, uint8_t rgb[3])
{
    unsigned c = (unsigned)(index & 255), r = 0, g = 0, b = 0;
    for (int bit = 7; bit >= 0; bit--) {
        r |= (c & 1u) << bit;
        g |= ((c >> 1) & 1u) << bit;
        b |= ((c >> 2) & 1u) << bit;
        c >>= 3;
    }
    rgb[0] = (uint8_t)r;
    rgb[1] = (uint8_t)g;
    rgb[2] = (uint8_t)b;
}

void seg_semantic_color(const seg_semantic *sem, size_t cls, uint8_t rgb[3])
{
    if (sem && cls < sem->n_palette)
        memcpy(rgb, sem->palette + cls * 3, 3);
    else
        seg_palette_voc(cls, rgb);
}

seg_status seg_semantic_overlay(const seg_semantic *sem, const seg_tensor *image, float alpha,
                                seg_tensor **out)
{
    SEGI_REQUIRE(sem);
    int64_t h = sem->labels->dims[0], w = sem->labels->dims[1];
    size_t n = (size_t)(h * w);
    uint8_t *colours = malloc(n * 3);
    if (!colours)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "semantic overlay: out of memory");
    for (size_t i = 0; i < n; i++)
        seg_semantic_color(sem, (size_t)segi_label_at(sem->labels, i), colours + i * 3);
    seg_status st = segi_overlay(image, colours, NULL, h, w, alpha, out);
    free(colours);
    return st;
}

seg_status seg_semantic_write_png(const seg_semantic *sem, const char *path)
{
    SEGI_REQUIRE(sem);
    SEGI_REQUIRE(path);
    if (sem->labels->dtype != SEG_DTYPE_U8)
        return segi_error(SEG_ERR_UNSUPPORTED,
                          "semantic: an indexed PNG holds at most 256 labels, this map has "
                          "%zu (i32 labels)", sem->n_labels);
    uint8_t palette[256 * 3];
    size_t n = sem->n_labels;
    for (size_t c = 0; c < n; c++)
        seg_semantic_color(sem, c, palette + 3 * c);
    return seg_image_write_png_indexed(sem->labels, palette, n, path);
}
