/* seg_rle: the handle, explicit counts, accessors, area, bbox and decoding. */
#include "post/rle.h"

#include "core/error.h"
#include "core/tensor.h"

#include <stdlib.h>
#include <string.h>

seg_status segi_rle_check_size(const char *who, int64_t h, int64_t w)
{
    if (h < 1 || w < 1)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: zero-size or negative image %lldx%lld",
                          who, (long long)h, (long long)w);
    if (h > UINT32_MAX || w > UINT32_MAX || (uint64_t)h * (uint64_t)w > UINT32_MAX)
        return segi_error(SEG_ERR_LIMIT,
                          "%s: image %lldx%lld has more than 2^32-1 pixels (COCO RLE counts "
                          "are 32-bit)", who, (long long)h, (long long)w);
    return SEG_OK;
}

seg_status segi_rle_adopt(uint32_t h, uint32_t w, uint32_t *cnts, size_t m, seg_rle **out)
{
    seg_rle *r = calloc(1, sizeof *r);
    if (!r) {
        free(cnts);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "RLE handle");
    }
    r->h = h;
    r->w = w;
    r->cnts = cnts;
    r->m = m;
    *out = r;
    return SEG_OK;
}

seg_status seg_rle_from_counts(int64_t h, int64_t w, const uint32_t *counts, size_t n,
                               seg_rle **out)
{
    SEGI_REQUIRE(out);
    seg_status st = segi_rle_check_size(__func__, h, w);
    if (st != SEG_OK)
        return st;
    if (n > 0 && !counts)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: counts is NULL with n = %zu",
                          __func__, n);
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += counts[i];
    if (sum != (uint64_t)h * (uint64_t)w)
        return segi_error(SEG_ERR_FORMAT, "%s: %zu counts sum to %llu, a %lldx%lld mask needs %llu",
                          __func__, n, (unsigned long long)sum, (long long)h, (long long)w,
                          (unsigned long long)((uint64_t)h * (uint64_t)w));
    uint32_t *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu counts", __func__, n);
    if (n)
        memcpy(c, counts, n * sizeof *c);
    return segi_rle_adopt((uint32_t)h, (uint32_t)w, c, n, out);
}

void seg_rle_destroy(seg_rle *rle)
{
    if (!rle)
        return;
    free(rle->cnts);
    free(rle->str);
    free(rle);
}

int64_t seg_rle_height(const seg_rle *rle) { return rle ? rle->h : 0; }
int64_t seg_rle_width(const seg_rle *rle) { return rle ? rle->w : 0; }

const uint32_t *seg_rle_counts(const seg_rle *rle, size_t *n)
{
    if (n)
        *n = rle ? rle->m : 0;
    return rle ? rle->cnts : NULL;
}

uint64_t seg_rle_area(const seg_rle *rle)
{
    uint64_t a = 0;
    for (size_t i = 1; rle && i < rle->m; i += 2)
        a += rle->cnts[i];
    return a;
}

/* pycocotools takes the first and last pixel of each run of ones; a run that spans
 * columns covers full column heights. Empty runs are skipped: pycocotools' unsigned
 * arithmetic turns one after the first count into a huge box, a case its own encoders
 * never produce (canonical counts give the same box either way). */
void segi_rle_bbox(const seg_rle *rle, double bb[4])
{
    const uint64_t h = rle->h;
    uint64_t xs = UINT64_MAX, ys = UINT64_MAX, xe = 0, ye = 0, pos = 0;
    for (size_t j = 0; j < rle->m; j++) {
        uint64_t start = pos;
        pos += rle->cnts[j];
        if (!(j & 1) || pos == start)
            continue;
        uint64_t x0 = start / h, y0 = start % h, x1 = (pos - 1) / h, y1 = (pos - 1) % h;
        if (x1 > x0)
            y0 = 0, y1 = h - 1;
        xs = x0 < xs ? x0 : xs;
        xe = x1 > xe ? x1 : xe;
        ys = y0 < ys ? y0 : ys;
        ye = y1 > ye ? y1 : ye;
    }
    if (xs == UINT64_MAX) {
        bb[0] = bb[1] = bb[2] = bb[3] = 0;
        return;
    }
    bb[0] = (double)xs;
    bb[1] = (double)ys;
    bb[2] = (double)(xe - xs + 1);
    bb[3] = (double)(ye - ys + 1);
}

void seg_rle_bbox(const seg_rle *rle, double bbox[4])
{
    if (!bbox)
        return;
    if (!rle) {
        bbox[0] = bbox[1] = bbox[2] = bbox[3] = 0;
        return;
    }
    segi_rle_bbox(rle, bbox);
}

/* Row 0 gets each column's first value by walking the runs. Every other run boundary is
 * a pixel that differs from the one above it: bucketed by row, they turn each row into
 * "copy the row above, flip these bytes", so the bitmap is written once, in order. */
/* Run boundaries inside columns (row > 0), bucketed by row: afterwards row y's columns
 * are xs[end[y - 1]] .. xs[end[y] - 1] for y >= 1. */
static void boundaries_by_row(const seg_rle *rle, size_t *end, uint32_t *xs)
{
    const uint32_t h = rle->h;
    uint64_t t = 0;
    for (size_t i = 0; i + 1 < rle->m; i++) {
        t += rle->cnts[i];
        end[t % h + 1] += t % h != 0;
    }
    for (uint32_t y = 0; y < h; y++)
        end[y + 1] += end[y];
    t = 0;
    for (size_t i = 0; i + 1 < rle->m; i++) {
        t += rle->cnts[i];
        if (t % h)
            xs[end[t % h]++] = (uint32_t)(t / h);
    }
}

/* Row 0: the value at the top of each column, walking the runs once. */
static void first_row(const seg_rle *rle, uint8_t *row)
{
    uint64_t end = 0; /* where run r - 1 ends */
    size_t r = 0;
    uint8_t val = 0;
    for (uint32_t x = 0; x < rle->w; x++) {
        uint64_t p = (uint64_t)x * rle->h;
        while (end <= p && r < rle->m) {
            end += rle->cnts[r];
            val = (uint8_t)(r & 1);
            r++;
        }
        row[x] = val;
    }
}

seg_status seg_rle_decode(const seg_rle *rle, uint8_t *bitmap, size_t stride)
{
    SEGI_REQUIRE(rle);
    SEGI_REQUIRE(bitmap);
    const uint32_t h = rle->h, w = rle->w;
    if (stride < w)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: stride %zu is less than width %u",
                          __func__, stride, w);
    size_t *end = calloc((size_t)h + 1, sizeof *end);
    uint32_t *xs = malloc((rle->m ? rle->m : 1) * sizeof *xs);
    if (!end || !xs) {
        free(end), free(xs);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu runs", __func__, rle->m);
    }
    boundaries_by_row(rle, end, xs);
    first_row(rle, bitmap);
    for (uint32_t y = 1; y < h; y++) {
        uint8_t *row = bitmap + (size_t)y * stride;
        memcpy(row, row - stride, w);
        for (size_t k = end[y - 1]; k < end[y]; k++)
            row[xs[k]] ^= 1;
    }
    free(end);
    free(xs);
    return SEG_OK;
}

seg_status seg_rle_decode_tensor(const seg_rle *rle, seg_tensor **out)
{
    SEGI_REQUIRE(rle);
    SEGI_REQUIRE(out);
    int64_t dims[2] = {rle->h, rle->w};
    seg_tensor *t = NULL;
    seg_status st = segi_tensor_alloc(SEG_DTYPE_U8, 2, dims, &t);
    if (st != SEG_OK)
        return st;
    st = seg_rle_decode(rle, seg_tensor_data(t), rle->w);
    if (st != SEG_OK) {
        seg_tensor_destroy(t);
        return st;
    }
    *out = t;
    return SEG_OK;
}
