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

/* pycocotools computes this in unsigned 32-bit arithmetic over an even number of runs
 * (a trailing zero run is ignored); the same arithmetic gives the same box even for
 * counts with zero-length runs. */
void segi_rle_bbox(const seg_rle *rle, double bb[4])
{
    size_t m = rle->m & ~(size_t)1;
    if (m == 0) {
        bb[0] = bb[1] = bb[2] = bb[3] = 0;
        return;
    }
    uint32_t h = rle->h, xs = rle->w, ys = h, xe = 0, ye = 0, cc = 0, xp = 0;
    for (size_t j = 0; j < m; j++) {
        cc += rle->cnts[j];
        uint32_t t = cc - (uint32_t)(j & 1), y = t % h, x = (t - y) / h;
        if (!(j & 1))
            xp = x;
        else if (xp < x) /* the run spans columns, so it covers whole column heights */
            ys = 0, ye = h - 1;
        xs = x < xs ? x : xs;
        xe = x > xe ? x : xe;
        ys = y < ys ? y : ys;
        ye = y > ye ? y : ye;
    }
    bb[0] = xs;
    bb[1] = ys;
    bb[2] = (uint32_t)(xe - xs + 1);
    bb[3] = (uint32_t)(ye - ys + 1);
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

/* Row 0 gets each column's first value by walking the runs; every other transition is
 * a toggle marker at its pixel, and a running XOR down the rows turns markers into
 * values. All writes but the markers go row by row. */
seg_status seg_rle_decode(const seg_rle *rle, uint8_t *bitmap, size_t stride)
{
    SEGI_REQUIRE(rle);
    SEGI_REQUIRE(bitmap);
    const uint32_t h = rle->h, w = rle->w;
    if (stride < w)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: stride %zu is less than width %u",
                          __func__, stride, w);
    for (uint32_t y = 0; y < h; y++)
        memset(bitmap + (size_t)y * stride, 0, w);
    uint64_t end = 0; /* where run r - 1 ends */
    size_t r = 0;
    uint8_t val = 0;
    for (uint32_t x = 0; x < w; x++) {
        uint64_t p = (uint64_t)x * h;
        while (end <= p && r < rle->m) {
            end += rle->cnts[r];
            val = (uint8_t)(r & 1);
            r++;
        }
        bitmap[x] = val;
    }
    uint64_t t = 0;
    for (size_t i = 0; i + 1 < rle->m; i++) {
        t += rle->cnts[i];
        uint32_t y = (uint32_t)(t % h);
        if (y != 0)
            bitmap[(size_t)y * stride + (size_t)(t / h)] ^= 1;
    }
    for (uint32_t y = 1; y < h; y++) {
        uint8_t *row = bitmap + (size_t)y * stride;
        const uint8_t *above = row - stride;
        for (uint32_t x = 0; x < w; x++)
            row[x] ^= above[x];
    }
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
