/* COCO RLE parsing and run-length IoU for the evaluator. */
#include "post/coco_mask.h"

#include "core/error.h"
#include "post/json.h"

#include <stdlib.h>
#include <string.h>

void segi_cmask_free(segi_cmask *m)
{
    free(m->cnts);
    memset(m, 0, sizeof *m);
}

static seg_status alloc_counts(segi_cmask *m, size_t n, const char *where)
{
    m->cnts = malloc((n ? n : 1) * sizeof *m->cnts);
    if (!m->cnts)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu run lengths", where, n);
    m->n = 0;
    return SEG_OK;
}

/* The compressed string form (maskApi.c rleFrString), bounds-checked: each count is
 * 5-bit groups, low first, 0x20 = more follow, the last group sign-extended from
 * 0x10; from the fourth count on, a delta to the count two before. */
static seg_status decode_string(const char *s, segi_cmask *m, const char *where)
{
    size_t len = strlen(s);
    seg_status st = alloc_counts(m, len, where);
    for (size_t p = 0; p < len && st == SEG_OK;) {
        int64_t x = 0;
        int shift = 0, more = 1;
        while (more) {
            if (p >= len)
                return segi_error(SEG_ERR_FORMAT, "%s: field 'counts': string ends inside "
                                  "a run length at offset %zu", where, p);
            int c = (unsigned char)s[p] - 48;
            if (c < 0 || c > 63 || shift > 55)
                return segi_error(SEG_ERR_FORMAT, "%s: field 'counts': invalid character "
                                  "'%c' at offset %zu", where, s[p], p);
            x |= (int64_t)(c & 0x1f) << shift;
            more = c & 0x20;
            shift += 5;
            p++;
            if (!more && (c & 0x10))
                x |= (int64_t)(~(uint64_t)0 << shift);
        }
        if (m->n > 2)
            x += m->cnts[m->n - 2];
        if (x < 0 || x > UINT32_MAX)
            return segi_error(SEG_ERR_FORMAT, "%s: field 'counts': run %zu decodes to %lld",
                              where, m->n, (long long)x);
        m->cnts[m->n++] = (uint32_t)x;
    }
    return st;
}

static seg_status decode_list(const json_t *list, segi_cmask *m, const char *where)
{
    seg_status st = alloc_counts(m, json_array_size(list), where);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (st != SEG_OK)
            break;
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > UINT32_MAX)
            return segi_error(SEG_ERR_FORMAT, "%s: field 'counts': element %zu is not a "
                              "run length", where, i);
        m->cnts[m->n++] = (uint32_t)json_integer_value(v);
    }
    return st;
}

static seg_status rle_from_json(const json_t *seg, int64_t h, int64_t w, const char *where,
                                segi_cmask *m)
{
    json_t *size, *counts;
    seg_status st = segi_json_array(seg, "size", where, &size);
    if (st != SEG_OK)
        return st;
    if (json_array_size(size) != 2 || !json_is_integer(json_array_get(size, 0)) ||
        !json_is_integer(json_array_get(size, 1)))
        return segi_error(SEG_ERR_FORMAT, "%s: field 'size' must be [height, width]", where);
    int64_t rh = json_integer_value(json_array_get(size, 0));
    int64_t rw = json_integer_value(json_array_get(size, 1));
    if (rh != h || rw != w)
        return segi_error(SEG_ERR_FORMAT, "%s: field 'size' is [%lld, %lld] but the image "
                          "is %lldx%lld", where, (long long)rh, (long long)rw, (long long)h,
                          (long long)w);
    counts = json_object_get(seg, "counts");
    if (json_is_string(counts))
        st = decode_string(json_string_value(counts), m, where);
    else if (json_is_array(counts))
        st = decode_list(counts, m, where);
    else
        st = segi_error(SEG_ERR_FORMAT, "%s: field 'counts' is %s; expected a string or a "
                        "list of run lengths", where, counts ? segi_json_kind(counts) : "missing");
    if (st != SEG_OK)
        return st;
    uint64_t total = 0;
    for (size_t i = 0; i < m->n; i++)
        total += m->cnts[i];
    if (total != (uint64_t)(h * w))
        return segi_error(SEG_ERR_FORMAT, "%s: field 'counts': runs cover %llu pixels, the "
                          "mask has %lld", where, (unsigned long long)total, (long long)(h * w));
    return SEG_OK;
}

seg_status segi_cmask_from_json(const json_t *seg, int64_t h, int64_t w, int allow_polygons,
                                const char *where, segi_cmask *out)
{
    segi_cmask m = {.h = h, .w = w};
    seg_status st;
    if (json_is_object(seg))
        st = rle_from_json(seg, h, w, where, &m);
    else if (json_is_array(seg) && allow_polygons)
        st = segi_error(SEG_ERR_UNSUPPORTED, "%s: polygon segmentations need the mask "
                        "rasteriser", where);
    else
        st = segi_error(SEG_ERR_FORMAT, "%s: field 'segmentation' is %s; expected %s", where,
                        segi_json_kind(seg),
                        allow_polygons ? "an RLE object or a list of polygons" : "an RLE object");
    if (st != SEG_OK) {
        segi_cmask_free(&m);
        return st;
    }
    *out = m;
    return SEG_OK;
}

uint64_t segi_cmask_area(const segi_cmask *m)
{
    uint64_t a = 0;
    for (size_t i = 1; i < m->n; i += 2)
        a += m->cnts[i];
    return a;
}

/* Pixels set in both: walk the two run lists together. */
static uint64_t intersection(const segi_cmask *a, const segi_cmask *b)
{
    size_t i = 0, j = 0;
    uint64_t ra = a->n ? a->cnts[0] : 0, rb = b->n ? b->cnts[0] : 0, inter = 0;
    while (i < a->n && j < b->n) {
        uint64_t step = ra < rb ? ra : rb;
        if ((i & 1) && (j & 1))
            inter += step;
        ra -= step;
        rb -= step;
        while (ra == 0 && ++i < a->n)
            ra = a->cnts[i];
        while (rb == 0 && ++j < b->n)
            rb = b->cnts[j];
    }
    return inter;
}

double segi_cmask_iou(const segi_cmask *dt, const segi_cmask *gt, int gt_crowd)
{
    uint64_t inter = intersection(dt, gt), ad = segi_cmask_area(dt);
    uint64_t uni = gt_crowd ? ad : ad + segi_cmask_area(gt) - inter;
    return uni ? (double)inter / (double)uni : 0.0;
}
