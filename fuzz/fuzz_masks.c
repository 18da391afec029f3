/* libFuzzer harness for the bitmap side of seg_mask.h: connected components, contours,
 * polygon simplification and polygon rasterisation on arbitrary small bitmaps.
 *
 * Input: byte 0 and 1 choose the size (1..48 each), the next h * w bits are the pixels;
 * any further bytes are polygon coordinates. Checked: component areas add up and labels
 * agree with stats, RLE decode(encode(m)) == m, contour points lie in the image and the
 * hierarchy indices are valid, simplification keeps at most the input points, and a
 * polygon's area never exceeds the image. */
#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c)                                                            \
    do {                                                                      \
        if (!(c)) {                                                           \
            fprintf(stderr, "fuzz_masks.c:%d: %s failed\n", __LINE__, #c);    \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_components(const uint8_t *m, int64_t h, int64_t w, int conn)
{
    seg_components *c = NULL;
    REQUIRE(seg_components_find(m, h, w, (size_t)w, conn, 0, &c) == SEG_OK);
    size_t n = seg_components_count(c);
    const int32_t *lab = seg_components_labels(c);
    const int64_t *st = seg_components_stats(c);
    int64_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += st[5 * k + SEG_STAT_AREA];
    REQUIRE(total == h * w);
    for (int64_t i = 0; i < h * w; i++) {
        REQUIRE(lab[i] >= 0 && (size_t)lab[i] < n && (lab[i] != 0) == (m[i] != 0));
        const int64_t *s = st + 5 * lab[i];
        int64_t x = i % w, y = i / w;
        REQUIRE(x >= s[0] && x < s[0] + s[2] && y >= s[1] && y < s[1] + s[3]);
    }
    seg_components_destroy(c);
}

static void check_contours(const uint8_t *m, int64_t h, int64_t w, int mode, int approx)
{
    seg_contours *c = NULL;
    REQUIRE(seg_contours_find(m, h, w, (size_t)w, (seg_contour_mode)mode,
                              (seg_contour_approx)approx, &c) == SEG_OK);
    size_t n = seg_contours_count(c);
    for (size_t i = 0; i < n; i++) {
        size_t np = 0, kept = 0;
        const int32_t *p = seg_contours_points(c, i, &np);
        REQUIRE(p && np > 0);
        double *xy = malloc(np * 2 * sizeof *xy);
        for (size_t k = 0; k < np; k++) {
            REQUIRE(p[2 * k] >= 0 && p[2 * k] < w && p[2 * k + 1] >= 0 && p[2 * k + 1] < h);
            REQUIRE(m[p[2 * k + 1] * w + p[2 * k]] != 0);
        }
        REQUIRE(seg_contours_polygon(c, i, SEG_COORDS_PIXEL_CENTER, xy, np * 2, &kept) == SEG_OK);
        REQUIRE(seg_polygon_simplify(xy, np, 1.0, true, xy, &kept) == SEG_OK && kept <= np);
        free(xy);
        int32_t hier[4];
        REQUIRE(seg_contours_hierarchy(c, i, hier) == SEG_OK);
        for (int k = 0; k < 4; k++)
            REQUIRE(hier[k] >= -1 && hier[k] < (int32_t)n);
    }
    seg_contours_destroy(c);
}

static void check_polygon(const uint8_t *data, size_t size, int64_t h, int64_t w)
{
    size_t nv = size / 2 & ~(size_t)1;
    if (nv < 6)
        return;
    double *xy = malloc(nv * sizeof *xy);
    for (size_t i = 0; i < nv; i++) /* coordinates from -8 to 56 in steps of 1/4 */
        xy[i] = ((data[2 * i] << 8 | data[2 * i + 1]) % 256) / 4.0 - 8;
    seg_rle *r = NULL;
    REQUIRE(seg_rle_from_polygon(h, w, xy, nv, &r) == SEG_OK);
    REQUIRE(seg_rle_area(r) <= (uint64_t)(h * w));
    seg_rle_destroy(r);
    free(xy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int64_t h = 1 + data[0] % 48, w = 1 + data[1] % 48;
    size_t bits = (size_t)(h * w), bytes = (bits + 7) / 8;
    if (size < 2 + bytes)
        return 0;
    uint8_t *m = malloc(bits);
    for (size_t i = 0; i < bits; i++)
        m[i] = data[2 + i / 8] >> (i % 8) & 1;
    check_components(m, h, w, 4);
    check_components(m, h, w, 8);
    for (int mode = 0; mode <= 3; mode++)
        for (int approx = 1; approx <= 2; approx++)
            check_contours(m, h, w, mode, approx);
    seg_rle *r = NULL;
    uint8_t *back = malloc(bits);
    REQUIRE(seg_rle_encode(m, h, w, (size_t)w, &r) == SEG_OK);
    REQUIRE(seg_rle_decode(r, back, (size_t)w) == SEG_OK && memcmp(back, m, bits) == 0);
    seg_rle_destroy(r);
    free(back);
    check_polygon(data + 2 + bytes, size - 2 - bytes, h, w);
    free(m);
    return 0;
}
