/* COCO RLE from a row-major bitmap without a transposed copy.
 *
 * A column-major run boundary is a pixel that differs from its column-major
 * predecessor: the pixel above it, or for row 0 the bottom pixel of the previous column
 * (a virtual 0 before the first pixel). Rows are compared with the row above 64 bytes
 * at a time, so the bitmap is read once in memory order; the few boundaries found are
 * then bucketed by column (a counting sort, stable in y) to give the runs. */
#include "post/rle.h"

#include "core/error.h"
#include "core/tensor.h"

#include <stdlib.h>
#include <string.h>

#define NOT_BINARY UINT64_C(0xFEFEFEFEFEFEFEFE)

typedef struct edges {
    uint32_t *xy; /* x, y pairs in row-major order */
    size_t n, cap;
} edges;

static int edges_push(edges *e, uint32_t x, uint32_t y)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 1024;
        uint32_t *p = realloc(e->xy, cap * 2 * sizeof *p);
        if (!p)
            return -1;
        e->xy = p;
        e->cap = cap;
    }
    e->xy[2 * e->n] = x;
    e->xy[2 * e->n + 1] = y;
    e->n++;
    return 0;
}

static seg_status first_bad_pixel(const uint8_t *bm, uint32_t h, uint32_t w, size_t stride)
{
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++)
            if (bm[(size_t)y * stride + x] > 1)
                return segi_error(SEG_ERR_INVALID_ARGUMENT,
                                  "seg_rle_encode: pixel (row %u, column %u) is %u; a mask "
                                  "must hold only 0 and 1", y, x, bm[(size_t)y * stride + x]);
    return segi_error(SEG_ERR_INTERNAL, "seg_rle_encode: non-binary byte not found again");
}

/* Row 0: each pixel against the bottom pixel of the previous column. */
static int row0_edges(const uint8_t *bm, uint32_t h, uint32_t w, size_t stride, edges *e)
{
    const uint8_t *last = bm + (size_t)(h - 1) * stride;
    uint8_t prev = 0;
    for (uint32_t x = 0; x < w; x++) {
        if (bm[x] != prev && edges_push(e, x, 0))
            return -1;
        prev = last[x];
    }
    return 0;
}

/* Index of the lowest-addressed non-zero byte of a word loaded from memory. */
static unsigned first_set_byte(uint64_t d)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (unsigned)__builtin_clzll(d) >> 3;
#else
    return (unsigned)__builtin_ctzll(d) >> 3;
#endif
}

/* Boundaries among 8 binary bytes at x whose XOR with the row above is d. Each
 * differing byte of binary data has exactly one bit set, so clearing bits walks bytes. */
static int word_edges(uint64_t d, uint32_t x, uint32_t y, edges *e)
{
    for (; d; d &= d - 1)
        if (edges_push(e, x + first_set_byte(d), y))
            return -1;
    return 0;
}

/* 8 bytes at x against the row above; 1 on a non-binary byte, -1 on OOM. */
static int word_at(const uint8_t *row, const uint8_t *above, uint32_t x, uint32_t y, edges *e)
{
    uint64_t a, b;
    memcpy(&a, row + x, 8);
    memcpy(&b, above + x, 8);
    return a & NOT_BINARY ? 1 : word_edges(a ^ b, x, y, e);
}

typedef uint8_t v16 __attribute__((vector_size(16)));

static int any_set(v16 v)
{
    uint64_t q[2];
    memcpy(q, &v, sizeof q);
    return (q[0] | q[1]) != 0;
}

/* Row y >= 1 against the row above. A 64-byte block that is binary and equal to the row
 * above (most of a mask) costs a few vector operations; others go word by word. */
static int row_edges(const uint8_t *row, const uint8_t *above, uint32_t y, uint32_t w,
                     edges *e)
{
    const v16 not_binary = {0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE,
                            0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE, 0xFE};
    uint32_t x = 0;
    int rc = 0;
    for (; x + 64 <= w; x += 64) {
        v16 a[4], b[4];
        memcpy(a, row + x, sizeof a);
        memcpy(b, above + x, sizeof b);
        v16 any = a[0] | a[1] | a[2] | a[3];
        v16 diff = (a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]);
        if (any_set(any & not_binary))
            return 1;
        for (uint32_t k = 0; k < 64 && any_set(diff) && !rc; k += 8)
            rc = word_at(row, above, x + k, y, e);
        if (rc)
            return rc;
    }
    for (; x + 8 <= w && !rc; x += 8)
        rc = word_at(row, above, x, y, e);
    for (; x < w && !rc; x++) {
        if (row[x] > 1)
            return 1;
        if (row[x] != above[x])
            rc = edges_push(e, x, y);
    }
    return rc;
}

static int row_is_binary(const uint8_t *row, uint32_t w)
{
    for (uint32_t x = 0; x < w; x++)
        if (row[x] > 1)
            return 0;
    return 1;
}

/* Bucket the boundaries by column and turn their column-major positions into runs. */
static seg_status edges_to_rle(const edges *e, uint32_t h, uint32_t w, seg_rle **out)
{
    size_t *start = calloc((size_t)w + 1, sizeof *start);
    uint32_t *ys = malloc((e->n ? e->n : 1) * sizeof *ys);
    uint32_t *cnts = malloc((e->n + 1) * sizeof *cnts);
    if (!start || !ys || !cnts) {
        free(start), free(ys), free(cnts);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_rle_encode: %zu run boundaries", e->n);
    }
    for (size_t i = 0; i < e->n; i++)
        start[e->xy[2 * i] + 1]++;
    for (uint32_t x = 0; x < w; x++)
        start[x + 1] += start[x];
    for (size_t i = 0; i < e->n; i++)
        ys[start[e->xy[2 * i]]++] = e->xy[2 * i + 1];
    /* start[x] is now the end of column x's bucket */
    size_t k = 0, m = 0;
    uint32_t prev = 0;
    for (uint32_t x = 0; x < w; x++)
        for (; k < start[x]; k++) {
            uint32_t p = x * h + ys[k];
            cnts[m++] = p - prev;
            prev = p;
        }
    cnts[m++] = h * w - prev;
    free(start);
    free(ys);
    return segi_rle_adopt(h, w, cnts, m, out);
}

seg_status seg_rle_encode(const uint8_t *bitmap, int64_t h, int64_t w, size_t stride,
                          seg_rle **out)
{
    SEGI_REQUIRE(bitmap);
    SEGI_REQUIRE(out);
    seg_status st = segi_rle_check_size(__func__, h, w);
    if (st != SEG_OK)
        return st;
    if (stride < (uint64_t)w)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: stride %zu is less than width %lld",
                          __func__, stride, (long long)w);
    const uint32_t H = (uint32_t)h, W = (uint32_t)w;
    edges e = {0};
    int rc = row_is_binary(bitmap, W) && row_is_binary(bitmap + (size_t)(H - 1) * stride, W)
                 ? row0_edges(bitmap, H, W, stride, &e)
                 : 1;
    for (uint32_t y = 1; y < H && rc == 0; y++)
        rc = row_edges(bitmap + (size_t)y * stride, bitmap + (size_t)(y - 1) * stride, y, W,
                       &e);
    if (rc == 0)
        st = edges_to_rle(&e, H, W, out);
    else if (rc > 0)
        st = first_bad_pixel(bitmap, H, W, stride);
    else
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: run boundaries", __func__);
    free(e.xy);
    return st;
}

seg_status seg_rle_encode_tensor(const seg_tensor *mask, seg_rle **out)
{
    SEGI_REQUIRE(mask);
    SEGI_REQUIRE(out);
    if (mask->rank != 2 || (mask->dtype != SEG_DTYPE_U8 && mask->dtype != SEG_DTYPE_BOOL)) {
        char buf[128];
        return segi_error(SEG_ERR_SHAPE, "%s: want a [H, W] u8 or bool mask, got %s %s",
                          __func__, seg_dtype_name(mask->dtype),
                          segi_shape_str(mask->rank, mask->dims, buf, sizeof buf));
    }
    return seg_rle_encode(mask->data, mask->dims[0], mask->dims[1], (size_t)mask->dims[1],
                          out);
}
