/* Panoptic-DeepLab grouping: centers, offsets, majority class, stuff (§4). */
#include "core/error.h"
#include "core/tensor.h"
#include "post/panoptic.h"
#include "post/params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void seg_panoptic_deeplab_params_init(seg_panoptic_deeplab_params *p)
{
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->struct_size = sizeof *p;
    p->center_threshold = 0.1f;
    p->nms_kernel = 7;
    p->top_k = 200;
    p->stuff_area = 2048;
    p->ids.scheme = SEG_PANOPTIC_IDS_CLASS_DIVISOR;
    p->ids.label_divisor = 1000;
    p->ids.void_label = -1;
}

typedef struct dl_center {
    int64_t y, x;
    float heat;
} dl_center;

/* A plane of `want_h` x `want_w` floats from a tensor of rank 2..4 whose leading
 * dimensions are 1 except `channels` planes just before the last two. */
static seg_status plane_of(const seg_tensor *t, const char *name, int64_t channels,
                           int64_t h, int64_t w)
{
    char s[96];
    segi_shape_str(t->rank, t->dims, s, sizeof s);
    if (t->dtype != SEG_DTYPE_F32)
        return segi_error(SEG_ERR_UNSUPPORTED, "panoptic deeplab: %s must be f32, got %s",
                          name, seg_dtype_name(t->dtype));
    bool ok = t->rank >= 2 && t->rank <= 4 && t->dims[t->rank - 2] == h &&
              t->dims[t->rank - 1] == w && seg_tensor_count(t) == (size_t)(channels * h * w);
    if (t->rank >= 3)
        ok = ok && t->dims[t->rank - 3] == channels;
    else
        ok = ok && channels == 1;
    if (!ok)
        return segi_error(SEG_ERR_SHAPE,
                          "panoptic deeplab: %s must be [%s%lld, %lld] to match the semantic "
                          "map, got %s", name, channels == 2 ? "2, " : "", (long long)h,
                          (long long)w, s);
    return SEG_OK;
}

/* 1-D running max over a window of radius r along n samples with stride `step`
 * (out-of-range samples are -inf, as max_pool2d's padding). */
static void max_line(const float *in, float *out, int64_t n, int64_t step, int64_t r)
{
    for (int64_t i = 0; i < n; i++) {
        float m = -INFINITY;
        int64_t a = i - r < 0 ? 0 : i - r, b = i + r >= n ? n - 1 : i + r;
        for (int64_t k = a; k <= b; k++)
            m = in[k * step] > m ? in[k * step] : m;
        out[i * step] = m;
    }
}

static int by_heat_desc(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x < y) - (x > y);
}

/* find_instance_center: threshold to -1, max-pool NMS, top_k. */
static seg_status find_centers(const float *heat, int64_t h, int64_t w,
                               const seg_panoptic_deeplab_params *prm, dl_center **centers,
                               size_t *n_centers)
{
    size_t n = (size_t)(h * w);
    float *t = malloc(n * sizeof *t), *rows = malloc(n * sizeof *rows);
    float *pool = malloc(n * sizeof *pool);
    if (!t || !rows || !pool) {
        free(t);
        free(rows);
        free(pool);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic deeplab: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        t[i] = heat[i] > prm->center_threshold ? heat[i] : -1.0f;
    int64_t r = (prm->nms_kernel - 1) / 2;
    for (int64_t y = 0; y < h; y++)
        max_line(t + y * w, rows + y * w, w, 1, r);
    for (int64_t x = 0; x < w; x++)
        max_line(rows + x, pool + x, h, w, r);
    size_t peaks = 0;
    for (size_t i = 0; i < n; i++) {
        bool keep = t[i] == pool[i] && t[i] != -1.0f;
        if (keep)
            rows[peaks++] = t[i];
        else
            t[i] = -1.0f;
    }
    /* keep values strictly greater than the top_k-th of the whole (suppressed) map */
    float kth = prm->top_k > 0 ? -1.0f : 0.0f;
    if (prm->top_k > 0 && peaks >= (size_t)prm->top_k) {
        qsort(rows, peaks, sizeof *rows, by_heat_desc);
        kth = rows[prm->top_k - 1];
    }
    dl_center *c = malloc((peaks + 1) * sizeof *c);
    size_t k = 0;
    if (c)
        for (size_t i = 0; i < n; i++)
            if (t[i] > kth)
                c[k++] = (dl_center){(int64_t)i / w, (int64_t)i % w, t[i]};
    free(t);
    free(rows);
    free(pool);
    if (!c)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic deeplab: out of memory");
    *centers = c;
    *n_centers = k;
    return SEG_OK;
}

/* Instance (center index + 1) of every thing pixel; 0 elsewhere. */
static void group_pixels(int32_t *ins, const uint8_t *thing, const float *off, int64_t h,
                         int64_t w, const dl_center *c, size_t nc)
{
    const float *dy = off, *dx = off + h * w;
    for (int64_t y = 0; y < h; y++)
        for (int64_t x = 0; x < w; x++) {
            int64_t i = y * w + x;
            ins[i] = 0;
            if (!thing[i] || nc == 0)
                continue;
            float ly = (float)y + dy[i], lx = (float)x + dx[i];
            float best = INFINITY;
            int32_t arg = 0;
            for (size_t k = 0; k < nc; k++) {
                float ey = (float)c[k].y - ly, ex = (float)c[k].x - lx;
                float d = ey * ey + ex * ex;
                if (d < best) {
                    best = d;
                    arg = (int32_t)k;
                }
            }
            ins[i] = arg + 1;
        }
}

/* The deeplab fusion state. */
typedef struct dl_run {
    const seg_tensor *sem;
    int32_t lo, hi;
    const int32_t *things;
    size_t n_things;
    uint8_t *thing;    /* per pixel: label is a thing class */
    int32_t *ins;      /* per pixel instance (center index + 1) */
} dl_run;

static bool is_thing_label(const dl_run *r, int32_t label, size_t *pos)
{
    for (size_t t = 0; t < r->n_things; t++)
        if (r->things[t] == label) {
            if (pos)
                *pos = t;
            return true;
        }
    return false;
}

/* Majority semantic label (ties to the smallest) per instance, then paint things. */
static seg_status merge_things(seg_panoptic *p, dl_run *r, const dl_center *c, size_t nc)
{
    size_t n = (size_t)(p->h * p->w), nt = r->n_things;
    int64_t *hist = calloc(nc * nt + 1, sizeof *hist);
    int32_t *seg = calloc(nc + 1, sizeof *seg);
    if (!hist || !seg) {
        free(hist);
        free(seg);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic deeplab: out of memory");
    }
    for (size_t i = 0; i < n; i++)
        if (r->ins[i]) {
            size_t pos = 0;
            is_thing_label(r, segi_label_at(r->sem, i), &pos);
            hist[(size_t)(r->ins[i] - 1) * nt + pos]++;
        }
    seg_status st = SEG_OK;
    for (size_t k = 0; !st && k < nc; k++) {
        const int64_t *hk = hist + k * nt;
        size_t best = nt;
        for (size_t t = 0; t < nt; t++)
            if (hk[t] > 0 && (best == nt || hk[t] > hk[best] ||
                              (hk[t] == hk[best] && r->things[t] < r->things[best])))
                best = t;
        if (best < nt)
            st = segi_panoptic_add(p, r->things[best], true, c[k].heat, &seg[k + 1]);
    }
    for (size_t i = 0; !st && i < n; i++)
        p->map[i] = seg[r->ins[i]];
    free(hist);
    free(seg);
    return st;
}

/* Stuff labels in ascending order keep their pixels when area >= stuff_area. */
static seg_status merge_stuff(seg_panoptic *p, dl_run *r, int64_t stuff_area)
{
    size_t range = (size_t)((int64_t)r->hi - r->lo + 1), n = (size_t)(p->h * p->w);
    int64_t *counts = calloc(range, sizeof *counts);
    int32_t *lut = calloc(range, sizeof *lut);
    seg_status st = SEG_OK;
    if (!counts || !lut)
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic deeplab: out of memory");
    else
        segi_label_counts(r->sem, r->lo, NULL, counts);
    for (size_t l = 0; !st && l < range; l++) {
        int32_t label = (int32_t)((int64_t)r->lo + (int64_t)l);
        if (counts[l] == 0 || counts[l] < stuff_area || is_thing_label(r, label, NULL))
            continue;
        st = segi_panoptic_add(p, label, false, 1.0f, &lut[l]);
    }
    for (size_t i = 0; !st && i < n; i++)
        if (!r->thing[i])
            p->map[i] = lut[segi_label_at(r->sem, i) - r->lo];
    free(counts);
    free(lut);
    return st;
}

static seg_status check_inputs(const seg_tensor *center, const seg_tensor *offsets,
                               const int32_t *things, size_t n_things,
                               const seg_panoptic_deeplab_params *prm, int64_t h, int64_t w)
{
    SEGI_REQUIRE(center);
    SEGI_REQUIRE(offsets);
    if (n_things && !things)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "panoptic deeplab: thing_classes is NULL with n_things %zu", n_things);
    if (prm->nms_kernel < 1 || prm->nms_kernel % 2 == 0 || prm->top_k < 0 ||
        !(prm->center_threshold >= 0.0f))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "panoptic deeplab: nms_kernel %d must be odd and >= 1, top_k %d >= 0,"
                          " center_threshold %g >= 0", (int)prm->nms_kernel, (int)prm->top_k,
                          (double)prm->center_threshold);
    seg_status st = plane_of(center, "center", 1, h, w);
    if (!st)
        st = plane_of(offsets, "offsets", 2, h, w);
    if (st)
        return st;
    const float *heat = center->data, *off = offsets->data;
    for (size_t i = 0; i < (size_t)(h * w); i++)
        if (isnan(heat[i]))
            return segi_error(SEG_ERR_FORMAT, "panoptic deeplab: center heat at (y %lld, x "
                              "%lld) is NaN", (long long)((int64_t)i / w),
                              (long long)((int64_t)i % w));
    for (size_t i = 0; i < (size_t)(2 * h * w); i++)
        if (isnan(off[i]))
            return segi_error(SEG_ERR_FORMAT, "panoptic deeplab: offset %s at (y %lld, x %lld) "
                              "is NaN", i < (size_t)(h * w) ? "dy" : "dx",
                              (long long)((int64_t)i % (h * w) / w), (long long)((int64_t)i % w));
    return SEG_OK;
}

static seg_status fuse(seg_panoptic *p, dl_run *r, const seg_tensor *center,
                       const seg_tensor *offsets, const seg_panoptic_deeplab_params *prm)
{
    size_t n = (size_t)(p->h * p->w);
    r->thing = malloc(n);
    r->ins = malloc(n * sizeof *r->ins);
    if (!r->thing || !r->ins)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic deeplab: out of memory");
    for (size_t i = 0; i < n; i++)
        r->thing[i] = is_thing_label(r, segi_label_at(r->sem, i), NULL);
    dl_center *c = NULL;
    size_t nc = 0;
    seg_status st = find_centers(center->data, p->h, p->w, prm, &c, &nc);
    if (st)
        return st;
    group_pixels(r->ins, r->thing, offsets->data, p->h, p->w, c, nc);
    st = merge_things(p, r, c, nc);
    if (!st)
        st = merge_stuff(p, r, prm->stuff_area);
    free(c);
    return st;
}

seg_status seg_panoptic_from_deeplab(const seg_tensor *semantic, const seg_tensor *center,
                                     const seg_tensor *offsets, const int32_t *thing_classes,
                                     size_t n_things, const seg_panoptic_deeplab_params *params,
                                     seg_panoptic **out)
{
    SEGI_REQUIRE(out);
    seg_panoptic_deeplab_params prm;
    seg_panoptic_deeplab_params_init(&prm);
    seg_status st = segi_params_merge(&prm, sizeof prm, params, "seg_panoptic_deeplab_params");
    dl_run r = {.sem = semantic, .things = thing_classes, .n_things = n_things};
    int64_t h = 0, w = 0;
    if (!st)
        st = segi_panoptic_check_ids(&prm.ids, "panoptic deeplab");
    if (!st)
        st = segi_label_map(semantic, "panoptic deeplab", &h, &w, &r.lo, &r.hi);
    if (!st)
        st = check_inputs(center, offsets, thing_classes, n_things, &prm, h, w);
    seg_panoptic *p = NULL;
    if (!st)
        st = segi_panoptic_new(h, w, &p);
    if (!st)
        st = fuse(p, &r, center, offsets, &prm);
    if (!st)
        st = segi_panoptic_finish(p, &prm.ids);
    free(r.thing);
    free(r.ins);
    if (st) {
        seg_panoptic_destroy(p);
        return st;
    }
    *out = p;
    return SEG_OK;
}
