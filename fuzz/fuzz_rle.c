/* libFuzzer harness for the COCO RLE string decoder and the RLE round trips.
 *
 * Input: byte 0 and 1 choose the mask size (1..64 each), the rest is the string. A string
 * that decodes must re-encode to the same counts, decode to a bitmap whose encoding has
 * the same area, and give a bbox inside the image and an IoU of 1 with itself. */
#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUIRE(c)                                                  \
    do {                                                            \
        if (!(c)) {                                                 \
            fprintf(stderr, "fuzz_rle.c:%d: %s failed\n", __LINE__, #c); \
            __builtin_trap();                                       \
        }                                                           \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(seg_rle *r, int64_t h, int64_t w)
{
    const char *s = NULL;
    size_t len = 0, n = 0, n2 = 0;
    REQUIRE(seg_rle_string(r, &s, &len) == SEG_OK && strlen(s) == len);
    seg_rle *again = NULL;
    REQUIRE(seg_rle_from_string(h, w, s, len, &again) == SEG_OK);
    const uint32_t *c = seg_rle_counts(r, &n), *c2 = seg_rle_counts(again, &n2);
    REQUIRE(n == n2 && memcmp(c, c2, n * sizeof *c) == 0);
    seg_rle_destroy(again);

    uint8_t *bm = malloc((size_t)(h * w));
    REQUIRE(bm && seg_rle_decode(r, bm, (size_t)w) == SEG_OK);
    seg_rle *enc = NULL;
    REQUIRE(seg_rle_encode(bm, h, w, (size_t)w, &enc) == SEG_OK);
    REQUIRE(seg_rle_area(enc) == seg_rle_area(r));
    double bb[4];
    seg_rle_bbox(enc, bb);
    REQUIRE(bb[0] >= 0 && bb[1] >= 0 && bb[0] + bb[2] <= w && bb[1] + bb[3] <= h);
    const seg_rle *pair[2] = {r, enc};
    double iou = -1;
    REQUIRE(seg_rle_iou(pair, 1, pair + 1, 1, NULL, &iou) == SEG_OK);
    REQUIRE(seg_rle_area(r) == 0 ? iou == 0 : iou == 1);
    seg_rle *u = NULL;
    REQUIRE(seg_rle_merge(pair, 2, SEG_RLE_UNION, &u) == SEG_OK);
    REQUIRE(seg_rle_area(u) == seg_rle_area(r));
    seg_rle_destroy(u);
    seg_rle_destroy(enc);
    free(bm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    int64_t h = 1 + data[0] % 64, w = 1 + data[1] % 64;
    seg_rle *r = NULL;
    if (seg_rle_from_string(h, w, (const char *)data + 2, size - 2, &r) != SEG_OK)
        return 0;
    round_trip(r, h, w);
    seg_rle_destroy(r);
    return 0;
}
