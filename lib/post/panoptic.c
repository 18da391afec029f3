/* seg_panoptic: the result handle, id schemes, accessors. */
#include "post/panoptic.h"

#include "core/error.h"
#include "core/tensor.h"
#include "post/overlay.h"

#include <seg/seg_semantic.h>
#include <stdlib.h>
#include <string.h>

seg_status segi_panoptic_new(int64_t h, int64_t w, seg_panoptic **out)
{
    seg_panoptic *p = calloc(1, sizeof *p);
    if (!p)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic: out of memory");
    int64_t dims[2] = {h, w};
    seg_status st = seg_tensor_create(SEG_DTYPE_I32, 2, dims, &p->ids);
    if (st) {
        free(p);
        return st;
    }
    p->map = p->ids->data;
    p->h = h;
    p->w = w;
    *out = p;
    return SEG_OK;
}

seg_status segi_panoptic_add(seg_panoptic *p, int32_t category, bool is_thing, float score,
                             int32_t *index)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        segi_pan_seg *s = realloc(p->segs, cap * sizeof *s);
        if (!s)
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic: out of memory for segments");
        p->segs = s;
        p->cap = cap;
    }
    segi_pan_seg *s = &p->segs[p->n++];
    memset(s, 0, sizeof *s);
    s->category = category;
    s->is_thing = is_thing;
    s->score = score;
    *index = (int32_t)p->n;
    return SEG_OK;
}

seg_status segi_panoptic_check_ids(const seg_panoptic_id_options *ids, const char *who)
{
    if ((unsigned)ids->scheme > SEG_PANOPTIC_IDS_CLASS_DIVISOR || ids->label_divisor < 1)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "%s: id scheme %d is unknown or label_divisor %d < 1", who,
                          (int)ids->scheme, (int)ids->label_divisor);
    return SEG_OK;
}

static void measure(seg_panoptic *p)
{
    for (size_t s = 0; s < p->n; s++) {
        p->segs[s].bbox[0] = p->w;
        p->segs[s].bbox[1] = p->h;
        p->segs[s].bbox[2] = p->segs[s].bbox[3] = -1; /* x2, y2 while measuring */
    }
    for (int64_t y = 0; y < p->h; y++)
        for (int64_t x = 0; x < p->w; x++) {
            int32_t v = p->map[y * p->w + x];
            if (!v)
                continue;
            segi_pan_seg *s = &p->segs[v - 1];
            s->area++;
            s->bbox[0] = x < s->bbox[0] ? x : s->bbox[0];
            s->bbox[1] = y < s->bbox[1] ? y : s->bbox[1];
            s->bbox[2] = x > s->bbox[2] ? x : s->bbox[2];
            s->bbox[3] = y;
        }
    for (size_t s = 0; s < p->n; s++) {
        int64_t *b = p->segs[s].bbox;
        if (p->segs[s].area == 0) {
            memset(b, 0, 4 * sizeof *b);
            continue;
        }
        b[2] = b[2] - b[0] + 1;
        b[3] = b[3] - b[1] + 1;
    }
}

/* class * divisor + k for things (k counts earlier things of the class), class * divisor
 * for stuff. */
static seg_status divisor_ids(seg_panoptic *p, int32_t divisor)
{
    for (size_t s = 0; s < p->n; s++) {
        segi_pan_seg *g = &p->segs[s];
        int64_t k = 0;
        if (g->is_thing) {
            k = 1;
            for (size_t t = 0; t < s; t++)
                k += p->segs[t].is_thing && p->segs[t].category == g->category;
        }
        int64_t id = (int64_t)g->category * divisor + k;
        if (id > INT32_MAX || id < INT32_MIN)
            return segi_error(SEG_ERR_LIMIT,
                              "panoptic: id %lld of class %d does not fit int32 (label_divisor "
                              "%d)", (long long)id, (int)g->category, (int)divisor);
        g->id = (int32_t)id;
    }
    return SEG_OK;
}

seg_status segi_panoptic_finish(seg_panoptic *p, const seg_panoptic_id_options *ids)
{
    measure(p);
    int32_t void_id = 0;
    if (ids->scheme == SEG_PANOPTIC_IDS_CLASS_DIVISOR) {
        seg_status st = divisor_ids(p, ids->label_divisor);
        if (st)
            return st;
        void_id = ids->void_label;
    } else {
        for (size_t s = 0; s < p->n; s++)
            p->segs[s].id = (int32_t)(s + 1);
    }
    size_t n = (size_t)(p->h * p->w);
    for (size_t i = 0; i < n; i++)
        p->map[i] = p->map[i] ? p->segs[p->map[i] - 1].id : void_id;
    return SEG_OK;
}

void seg_panoptic_destroy(seg_panoptic *p)
{
    if (!p)
        return;
    seg_tensor_destroy(p->ids);
    free(p->segs);
    free(p);
}

const seg_tensor *seg_panoptic_id_map(const seg_panoptic *p)
{
    return p ? p->ids : NULL;
}

size_t seg_panoptic_count(const seg_panoptic *p)
{
    return p ? p->n : 0;
}

seg_status seg_panoptic_segment(const seg_panoptic *p, size_t i, seg_segment_info *out)
{
    SEGI_REQUIRE(p);
    SEGI_REQUIRE(out);
    if (i >= p->n)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "panoptic: segment %zu is out of range (%zu segments)", i, p->n);
    if (out->struct_size < sizeof(uint32_t) || out->struct_size > sizeof *out)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "panoptic: seg_segment_info struct_size %u is not in [4, %zu]",
                          out->struct_size, sizeof *out);
    const segi_pan_seg *s = &p->segs[i];
    seg_segment_info full = {
        .struct_size = out->struct_size,
        .id = s->id,
        .category_id = s->category,
        .is_thing = s->is_thing,
        .area = s->area,
        .bbox = {s->bbox[0], s->bbox[1], s->bbox[2], s->bbox[3]},
        .score = s->score,
    };
    memcpy(out, &full, out->struct_size);
    return SEG_OK;
}

/* Map value -> segment index, or -1 for void, on a finished map. */
static ptrdiff_t segment_of(const seg_panoptic *p, int32_t id, ptrdiff_t hint)
{
    if (hint >= 0 && p->segs[hint].id == id)
        return hint;
    for (size_t s = 0; s < p->n; s++)
        if (p->segs[s].id == id)
            return (ptrdiff_t)s;
    return -1;
}

seg_status seg_panoptic_overlay(const seg_panoptic *p, const seg_tensor *image, float alpha,
                                seg_tensor **out)
{
    SEGI_REQUIRE(p);
    size_t n = (size_t)(p->h * p->w);
    uint8_t *colours = malloc(n * 3), *skip = malloc(n);
    if (!colours || !skip) {
        free(colours);
        free(skip);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "panoptic overlay: out of memory");
    }
    ptrdiff_t s = -1;
    for (size_t i = 0; i < n; i++) {
        s = segment_of(p, p->map[i], s);
        skip[i] = s < 0;
        seg_palette_voc((size_t)(s + 1), colours + 3 * i);
    }
    seg_status st = segi_overlay(image, colours, skip, p->h, p->w, alpha, out);
    free(colours);
    free(skip);
    return st;
}
