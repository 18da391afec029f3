/* seg_instances: the result handle and its accessors. */
#include "post/instances.h"

#include "core/error.h"
#include "core/tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

seg_status segi_instances_new(size_t cap, int64_t mask_w, int64_t mask_h, bool has_masks,
                              seg_instances **out)
{
    seg_instances *in = calloc(1, sizeof *in);
    if (in && cap)
        in->items = calloc(cap, sizeof *in->items);
    if (!in || (cap && !in->items)) {
        free(in);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "instances: out of memory for %zu", cap);
    }
    in->cap = cap;
    in->mask_w = has_masks ? mask_w : 0;
    in->mask_h = has_masks ? mask_h : 0;
    in->has_masks = has_masks;
    *out = in;
    return SEG_OK;
}

seg_status segi_instance_set_mask(segi_instance *it, const uint8_t *win, int64_t x0,
                                  int64_t y0, int64_t w, int64_t h)
{
    int64_t xa = w, xb = -1, ya = h, yb = -1;
    for (int64_t y = 0; y < h; y++) {
        const uint8_t *row = win + y * w;
        const uint8_t *first = memchr(row, 1, (size_t)w);
        if (!first)
            continue;
        int64_t a = first - row, b = w - 1;
        while (!row[b])
            b--;
        xa = a < xa ? a : xa;
        xb = b > xb ? b : xb;
        ya = y < ya ? y : ya;
        yb = y;
    }
    free(it->bits);
    it->bits = NULL;
    memset(it->rect, 0, sizeof it->rect);
    if (yb < 0)
        return SEG_OK;
    int64_t cw = xb - xa + 1, ch = yb - ya + 1;
    it->bits = malloc((size_t)(cw * ch));
    if (!it->bits)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "instances: out of memory for a mask");
    for (int64_t y = 0; y < ch; y++)
        memcpy(it->bits + y * cw, win + (ya + y) * w + xa, (size_t)cw);
    it->rect[0] = x0 + xa;
    it->rect[1] = y0 + ya;
    it->rect[2] = cw;
    it->rect[3] = ch;
    return SEG_OK;
}

int64_t segi_instance_area(const segi_instance *it)
{
    int64_t n = it->rect[2] * it->rect[3], area = 0;
    for (int64_t i = 0; i < n; i++)
        area += it->bits[i];
    return area;
}

seg_status segi_check_box(const float b[4], size_t i, const char *who)
{
    if (isnan(b[0]) || isnan(b[1]) || isnan(b[2]) || isnan(b[3]))
        return segi_error(SEG_ERR_FORMAT, "%s: box %zu has a NaN coordinate", who, i);
    for (int k = 0; k < 4; k++)
        if (!(fabsf(b[k]) <= SEGI_MAX_COORD))
            return segi_error(SEG_ERR_LIMIT, "%s: box %zu coordinate %g is beyond +-%g", who,
                              i, (double)b[k], (double)SEGI_MAX_COORD);
    if (b[2] < b[0] || b[3] < b[1])
        return segi_error(SEG_ERR_FORMAT,
                          "%s: box %zu [%g, %g, %g, %g] has x2 < x1 or y2 < y1", who, i,
                          (double)b[0], (double)b[1], (double)b[2], (double)b[3]);
    return SEG_OK;
}

void seg_instances_destroy(seg_instances *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++)
        free(in->items[i].bits);
    free(in->items);
    free(in);
}

size_t seg_instances_count(const seg_instances *in)
{
    return in ? in->n : 0;
}

int64_t seg_instances_class(const seg_instances *in, size_t i)
{
    return in && i < in->n ? in->items[i].cls : -1;
}

float seg_instances_score(const seg_instances *in, size_t i)
{
    return in && i < in->n ? in->items[i].score : NAN;
}

int64_t seg_instances_track_id(const seg_instances *in, size_t i)
{
    return in && i < in->n ? in->items[i].track_id : 0;
}

static seg_status check_index(const seg_instances *in, size_t i, bool need_masks)
{
    SEGI_REQUIRE(in);
    if (i >= in->n)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "instances: index %zu is out of range (%zu instances)", i, in->n);
    if (need_masks && !in->has_masks)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "instances: decoded without masks");
    return SEG_OK;
}

seg_status seg_instances_box(const seg_instances *in, size_t i, float xyxy[4])
{
    seg_status st = check_index(in, i, false);
    if (st)
        return st;
    SEGI_REQUIRE(xyxy);
    memcpy(xyxy, in->items[i].box, sizeof in->items[i].box);
    return SEG_OK;
}

int seg_instances_has_masks(const seg_instances *in)
{
    return in && in->has_masks;
}

void seg_instances_mask_size(const seg_instances *in, int64_t *width, int64_t *height)
{
    if (width)
        *width = in ? in->mask_w : 0;
    if (height)
        *height = in ? in->mask_h : 0;
}

seg_status seg_instances_mask_crop(const seg_instances *in, size_t i, int64_t rect[4],
                                   const uint8_t **bits)
{
    seg_status st = check_index(in, i, true);
    if (st)
        return st;
    SEGI_REQUIRE(rect);
    SEGI_REQUIRE(bits);
    memcpy(rect, in->items[i].rect, sizeof in->items[i].rect);
    *bits = in->items[i].bits;
    return SEG_OK;
}

seg_status seg_instances_mask(const seg_instances *in, size_t i, seg_tensor **out)
{
    seg_status st = check_index(in, i, true);
    if (st)
        return st;
    SEGI_REQUIRE(out);
    int64_t dims[2] = {in->mask_h, in->mask_w};
    seg_tensor *t;
    st = seg_tensor_create(SEG_DTYPE_U8, 2, dims, &t);
    if (st)
        return st;
    const segi_instance *it = &in->items[i];
    uint8_t *dst = t->data;
    for (int64_t y = 0; y < it->rect[3]; y++)
        memcpy(dst + (it->rect[1] + y) * in->mask_w + it->rect[0], it->bits + y * it->rect[2],
               (size_t)it->rect[2]);
    *out = t;
    return SEG_OK;
}

/* Column-major runs, always starting with a run of zeros. */
typedef struct rle_runs {
    uint32_t *counts;
    size_t n;
    int cur;
    uint64_t run;
} rle_runs;

static void emit(rle_runs *r, int value, uint64_t len)
{
    if (value != r->cur) {
        r->counts[r->n++] = (uint32_t)r->run;
        r->cur = value;
        r->run = 0;
    }
    r->run += len;
}

seg_status seg_instances_mask_rle(const seg_instances *in, size_t i, seg_rle **out)
{
    seg_status st = check_index(in, i, true);
    if (st)
        return st;
    SEGI_REQUIRE(out);
    const segi_instance *it = &in->items[i];
    const int64_t *r = it->rect;
    uint64_t h = (uint64_t)in->mask_h;
    if (h * (uint64_t)in->mask_w > UINT32_MAX)
        return segi_error(SEG_ERR_LIMIT, "instances: a %lld x %lld mask exceeds COCO RLE's "
                          "32-bit counts", (long long)in->mask_w, (long long)in->mask_h);
    rle_runs runs = {.counts = malloc((2 * (size_t)(r[2] * r[3]) + 2) * sizeof(uint32_t))};
    if (!runs.counts)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "instances: out of memory for an RLE");
    emit(&runs, 0, (uint64_t)r[0] * h);
    for (int64_t x = 0; x < r[2]; x++) {
        emit(&runs, 0, (uint64_t)r[1]);
        for (int64_t y = 0; y < r[3]; y++)
            emit(&runs, it->bits[y * r[2] + x], 1);
        emit(&runs, 0, h - (uint64_t)(r[1] + r[3]));
    }
    emit(&runs, 0, (uint64_t)(in->mask_w - r[0] - r[2]) * h);
    runs.counts[runs.n++] = (uint32_t)runs.run;
    st = seg_rle_from_counts(in->mask_h, in->mask_w, runs.counts, runs.n, out);
    free(runs.counts);
    return st;
}
