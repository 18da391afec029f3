/* COCO RLE against pycocotools semantics.
 *
 * Reference: pycocotools is not in Debian 12 (and there is no PyPI here), so the goldens in
 * tests/data/masks/rle.json come from tests/goldens/masks.py: an independent NumPy
 * implementation of the format (column-major flatten, run lengths starting with zeros,
 * the compressed-string codec, dense IoU / merge / bbox) and a rule-by-rule Python
 * transcription of pycocotools frPoly. The hand-computed cases of the reference sheet
 * (2x2 -> "13", the 81-pixel square) are checked directly below, and so is a string that
 * pycocotools itself wrote (from its regression tests): decoded and re-encoded byte for
 * byte. */
#include "check.h"
#include "golden.h"

#include <seg/seg.h>

#include <stdlib.h>
#include <string.h>

static void check_counts(const seg_rle *r, const json_t *want)
{
    size_t n = 0, nw = 0;
    const uint32_t *c = seg_rle_counts(r, &n);
    uint32_t *w = golden_u32(want, &nw);
    CHECK_EQ_INT(n, nw);
    if (c && n == nw)
        CHECK(memcmp(c, w, n * sizeof *c) == 0);
    free(w);
}

TEST(hand_cases_from_the_reference)
{
    const uint8_t m[4] = {0, 1, 1, 1};
    seg_rle *r = NULL;
    CHECK_OK(seg_rle_encode(m, 2, 2, 2, &r));
    size_t n = 0;
    const uint32_t *c = seg_rle_counts(r, &n);
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(c[0], 1);
    CHECK_EQ_INT(c[1], 3);
    const char *s = NULL;
    size_t len = 0;
    CHECK_OK(seg_rle_string(r, &s, &len));
    CHECK_STR(s, "13");
    CHECK_EQ_INT(len, 2);
    seg_rle_destroy(r);

    const double square[8] = {0, 0, 0, 9, 9, 9, 9, 0};
    CHECK_OK(seg_rle_from_polygon(20, 20, square, 8, &r));
    CHECK_EQ_INT(seg_rle_area(r), 81);
    double bb[4];
    seg_rle_bbox(r, bb);
    CHECK(bb[0] == 0 && bb[1] == 0 && bb[2] == 9 && bb[3] == 9);
    seg_rle_destroy(r);

    /* The first pixel set: the runs start with an empty run of zeros. */
    const uint8_t first[3] = {1, 0, 0};
    CHECK_OK(seg_rle_encode(first, 3, 1, 1, &r));
    c = seg_rle_counts(r, &n);
    CHECK_EQ_INT(n, 3);
    CHECK(c[0] == 0 && c[1] == 1 && c[2] == 2);
    seg_rle_destroy(r);
}

/* Encode with a padded stride so that the column walk cannot rely on stride == w. */
static seg_rle *encode_padded(const uint8_t *m, int64_t h, int64_t w)
{
    size_t stride = (size_t)w + 5;
    uint8_t *buf = malloc((size_t)h * stride);
    for (int64_t y = 0; y < h; y++) {
        memcpy(buf + y * stride, m + y * w, (size_t)w);
        memset(buf + y * stride + w, 0x7f, 5); /* not binary: must not be read */
    }
    seg_rle *r = NULL;
    CHECK_OK(seg_rle_encode(buf, h, w, stride, &r));
    free(buf);
    return r;
}

/* Regression cases from pycocotools' own tests (the cocoapi fork used by detectron2):
 * toBbox of a mask that does not touch the image border, and a string whose first three
 * counts are 0 (an empty run of ones after the first count), whose box must equal the
 * box of its decoded-and-re-encoded mask. */
static const char zero_leading[] =
    "000lg0Zb01O00001O00001O001O00001O00001O001O00001O01O2N3M3M3M2N3M3N2M3M2N1O1O1O1O"
    "2N1O1O1O2N1O1O101N1O1O1O2N1O1O1O2N3M2N1O2N1O2O0O2N1O1O2N1O2N1O2N1O2N1O2N1O2O0O2N"
    "1O3M2N1O2N2N2N2N2N1O2N2N2N2N1O2N2N2N2N2N1N3N2N00O1O1O1O100000000000000O100000000"
    "000000001O0000001O00001O0O5L7I5K4L4L3M2N2N2N1O2m]OoXOm`0Sg0j^OVYOTa0lf0c^O]YO[a0"
    "ef0\\^OdYOba0bg0N2N2N2N2N2N2N2N2N2N2N2N2N2N2N2N2N3M2M4M2N3M2N3M2N3M2N3M2N3M2N3M2"
    "N3M2N3M2M4M2N2N3M2M4M2N2N3M2M3N3M2N3M2M3N3M2N2N3L3N2N3M2N3L3N2N3M5J4M3M4L3M3L5L3"
    "M3M4L3L4\\EXTOd6jo0K6J5K6I4M1O1O1O1N2O1O1O001N2O00001O0O101O000O2O00001N101N101N"
    "2N101N101N101N2O0O2O0O2O0O2O1N101N2N2O1N2O1N2O1N101N2O1N2O1N2O0O2O1N2N2O1N2O0O2O"
    "1N2O1N2N2N1N4M2N2M4M2N3L3N2N3L3N3L3N2N3L3N2N3L3M4L3M3M4L3M5K5K5K6J5K5K6J7I7I7Ibi"
    "jn0";

TEST(pycocotools_regression_cases)
{
    uint8_t m[100] = {0};
    for (int y = 2; y < 4; y++)
        for (int x = 3; x < 6; x++)
            m[y * 10 + x] = 1;
    seg_rle *r = NULL, *again = NULL;
    CHECK_OK(seg_rle_encode(m, 10, 10, 10, &r));
    double bb[4], bb2[4];
    seg_rle_bbox(r, bb);
    CHECK(bb[0] == 3 && bb[1] == 2 && bb[2] == 3 && bb[3] == 2);
    seg_rle_destroy(r);

    CHECK_OK(seg_rle_from_string(1350, 1080, zero_leading, sizeof zero_leading - 1, &r));
    size_t n;
    const uint32_t *c = seg_rle_counts(r, &n);
    CHECK(n > 3 && c[0] == 0 && c[1] == 0 && c[2] == 0);
    const char *s = NULL;
    CHECK_OK(seg_rle_string(r, &s, NULL)); /* pycocotools' encoder wrote this string */
    CHECK_STR(s, zero_leading);
    uint8_t *bm = malloc(1350 * 1080);
    CHECK_OK(seg_rle_decode(r, bm, 1080));
    CHECK_OK(seg_rle_encode(bm, 1350, 1080, 1080, &again));
    seg_rle_bbox(r, bb);
    seg_rle_bbox(again, bb2);
    CHECK(memcmp(bb, bb2, sizeof bb) == 0);
    CHECK(bb[2] > 0 && bb[3] > 0);
    CHECK_EQ_INT(seg_rle_area(r), seg_rle_area(again));
    free(bm);
    seg_rle_destroy(r);
    seg_rle_destroy(again);
}

TEST(masks_match_numpy_golden)
{
    json_t *g = golden_load("rle.json");
    CHECK(g != NULL);
    json_t *masks = json_object_get(g, "masks");
    CHECK(json_array_size(masks) > 10);
    size_t i;
    json_t *c;
    json_array_foreach(masks, i, c) {
        int64_t h = golden_int(c, "h"), w = golden_int(c, "w");
        json_t *want = json_object_get(c, "counts");
        const char *want_str = json_string_value(json_object_get(c, "string"));
        seg_rle *r = NULL;
        if (json_is_null(json_object_get(c, "mask"))) { /* large: counts only */
            size_t n;
            uint32_t *cnts = golden_u32(want, &n);
            CHECK_OK(seg_rle_from_counts(h, w, cnts, n, &r));
            free(cnts);
        } else {
            uint8_t *m = golden_mask(json_object_get(c, "mask"));
            CHECK_OK(seg_rle_encode(m, h, w, (size_t)w, &r));
            seg_rle *p = encode_padded(m, h, w);
            check_counts(p, want);
            uint8_t *back = malloc((size_t)(h * w));
            CHECK_OK(seg_rle_decode(p, back, (size_t)w));
            CHECK(memcmp(back, m, (size_t)(h * w)) == 0);
            free(back);
            seg_rle_destroy(p);
            free(m);
        }
        check_counts(r, want);
        const char *s = NULL;
        CHECK_OK(seg_rle_string(r, &s, NULL));
        CHECK_STR(s, want_str);
        seg_rle *fs = NULL;
        CHECK_OK(seg_rle_from_string(h, w, want_str, strlen(want_str), &fs));
        check_counts(fs, want);
        seg_rle_destroy(fs);
        CHECK_EQ_INT(seg_rle_area(r), golden_int(c, "area"));
        double bb[4];
        seg_rle_bbox(r, bb);
        json_t *wb = json_object_get(c, "bbox");
        for (int k = 0; k < 4; k++)
            CHECK_EQ_INT(bb[k], json_integer_value(json_array_get(wb, (size_t)k)));
        seg_rle_destroy(r);
    }
    json_decref(g);
}

TEST(tensor_encode_and_decode)
{
    uint8_t m[6] = {1, 0, 1, 1, 1, 0};
    int64_t dims[2] = {2, 3};
    seg_tensor *t = NULL, *back = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_BOOL, 2, dims, m, sizeof m, &t));
    seg_rle *r = NULL;
    CHECK_OK(seg_rle_encode_tensor(t, &r));
    CHECK_EQ_INT(seg_rle_area(r), 4);
    CHECK_OK(seg_rle_decode_tensor(r, &back));
    CHECK_EQ_INT(seg_tensor_dtype(back), SEG_DTYPE_U8);
    CHECK_EQ_INT(seg_tensor_dim(back, 0), 2);
    CHECK_EQ_INT(seg_tensor_dim(back, 1), 3);
    CHECK(memcmp(seg_tensor_const_data(back), m, 6) == 0);
    seg_tensor_destroy(back);
    seg_tensor_destroy(t);
    seg_rle_destroy(r);

    float f[6] = {0};
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, dims, f, sizeof f, &t));
    r = (seg_rle *)0x1;
    CHECK_FAIL(seg_rle_encode_tensor(t, &r), SEG_ERR_SHAPE, "want a [H, W] u8 or bool mask, got f32 [2, 3]");
    CHECK(r == (seg_rle *)0x1);
    seg_tensor_destroy(t);
}

static seg_rle **rles_from(const json_t *arr, int64_t h, int64_t w, size_t *n)
{
    *n = json_array_size(arr);
    seg_rle **r = calloc(*n, sizeof *r);
    for (size_t i = 0; i < *n; i++) {
        size_t m;
        uint32_t *c = golden_u32(json_array_get(arr, i), &m);
        CHECK_OK(seg_rle_from_counts(h, w, c, m, &r[i]));
        free(c);
    }
    return r;
}

static void free_rles(seg_rle **r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        seg_rle_destroy(r[i]);
    free(r);
}

TEST(iou_with_crowd_matches_dense_golden)
{
    json_t *g = golden_load("rle.json");
    json_t *c = json_object_get(g, "iou");
    int64_t h = golden_int(c, "h"), w = golden_int(c, "w");
    size_t m, n;
    seg_rle **dt = rles_from(json_object_get(c, "dt"), h, w, &m);
    seg_rle **gt = rles_from(json_object_get(c, "gt"), h, w, &n);
    uint8_t *crowd = golden_u8(json_object_get(c, "iscrowd"), NULL);
    double *want = golden_f64(json_object_get(c, "iou"), NULL);
    double *got = calloc(m * n, sizeof *got);
    CHECK_OK(seg_rle_iou((const seg_rle *const *)dt, m, (const seg_rle *const *)gt, n, crowd,
                         got));
    int crowd_pairs_differ = 0;
    for (size_t k = 0; k < m * n; k++)
        CHECK_NEAR(got[k], want[k], 1e-12);
    /* the crowd flag changes the value: without it gt 1 uses the union */
    CHECK_OK(seg_rle_iou((const seg_rle *const *)dt, m, (const seg_rle *const *)gt, n, NULL,
                         got));
    for (size_t d = 0; d < m; d++)
        crowd_pairs_differ += got[1 * m + d] != want[1 * m + d];
    CHECK(crowd_pairs_differ > 0);

    json_t *merges = json_object_get(c, "merges"), *mg;
    size_t i;
    json_array_foreach(merges, i, mg) {
        size_t k;
        uint32_t *idx = golden_u32(json_object_get(mg, "inputs"), &k);
        const seg_rle *in[8];
        for (size_t j = 0; j < k; j++)
            in[j] = dt[idx[j]];
        seg_rle *u = NULL, *x = NULL;
        CHECK_OK(seg_rle_merge(in, k, SEG_RLE_UNION, &u));
        CHECK_OK(seg_rle_merge(in, k, SEG_RLE_INTERSECTION, &x));
        check_counts(u, json_object_get(mg, "union"));
        check_counts(x, json_object_get(mg, "intersection"));
        seg_rle_destroy(u);
        seg_rle_destroy(x);
        free(idx);
    }
    free_rles(dt, m);
    free_rles(gt, n);
    free(crowd), free(want), free(got);
    json_decref(g);
}

TEST(polygons_and_boxes_match_frpoly_golden)
{
    json_t *g = golden_load("rle.json");
    json_t *polys = json_object_get(g, "polygons"), *p;
    CHECK(json_array_size(polys) >= 8);
    size_t i;
    json_array_foreach(polys, i, p) {
        size_t n;
        double *xy = golden_f64(json_object_get(p, "xy"), &n);
        seg_rle *r = NULL;
        CHECK_OK(seg_rle_from_polygon(golden_int(p, "h"), golden_int(p, "w"), xy, n, &r));
        if (r)
            check_counts(r, json_object_get(p, "counts"));
        seg_rle_destroy(r);
        free(xy);
    }
    json_decref(g);
    /* a box is the 4-point polygon of its corners */
    const double box[4] = {1, 2, 3, 4};
    seg_rle *r = NULL;
    CHECK_OK(seg_rle_from_box(10, 10, box, &r));
    CHECK_EQ_INT(seg_rle_area(r), 12);
    double bb[4];
    seg_rle_bbox(r, bb);
    CHECK(bb[0] == 1 && bb[1] == 2 && bb[2] == 3 && bb[3] == 4);
    seg_rle_destroy(r);
}

TEST(empty_masks)
{
    uint8_t z[12] = {0};
    seg_rle *e = NULL, *f = NULL;
    CHECK_OK(seg_rle_encode(z, 3, 4, 4, &e));
    size_t n;
    const uint32_t *c = seg_rle_counts(e, &n);
    CHECK(n == 1 && c[0] == 12);
    double bb[4] = {1, 1, 1, 1};
    seg_rle_bbox(e, bb);
    CHECK(bb[0] == 0 && bb[1] == 0 && bb[2] == 0 && bb[3] == 0);
    CHECK_EQ_INT(seg_rle_area(e), 0);
    const double box[4] = {0, 0, 4, 3};
    CHECK_OK(seg_rle_from_box(3, 4, box, &f));
    CHECK_EQ_INT(seg_rle_area(f), 12);
    double iou[1] = {-1};
    const seg_rle *dt[1] = {e}, *gt[1] = {f};
    CHECK_OK(seg_rle_iou(dt, 1, gt, 1, NULL, iou));
    CHECK(iou[0] == 0);
    seg_rle *x = NULL;
    const seg_rle *both[2] = {e, f};
    CHECK_OK(seg_rle_merge(both, 2, SEG_RLE_INTERSECTION, &x));
    CHECK_EQ_INT(seg_rle_area(x), 0);
    seg_rle_destroy(x);
    CHECK_OK(seg_rle_merge(both, 1, SEG_RLE_UNION, &x)); /* one input: a copy */
    c = seg_rle_counts(x, &n);
    CHECK(n == 1 && c[0] == 12);
    seg_rle_destroy(x);
    seg_rle_destroy(e);
    seg_rle_destroy(f);
    /* no detections or no ground truths: nothing to write */
    CHECK_OK(seg_rle_iou(NULL, 0, gt, 1, NULL, NULL));
}

/* Strings may hold empty runs after the first; no encoder makes them. pycocotools' bbox
 * overflows on them; libseg describes the mask they encode. */
TEST(empty_runs_after_the_first)
{
    const uint32_t odd[4] = {1, 0, 1, 2}, canon[2] = {2, 2};
    seg_rle *a = NULL, *b = NULL, *u = NULL;
    CHECK_OK(seg_rle_from_counts(1, 4, odd, 4, &a));
    CHECK_OK(seg_rle_from_counts(1, 4, canon, 2, &b));
    double bb[4];
    seg_rle_bbox(a, bb);
    CHECK(bb[0] == 2 && bb[1] == 0 && bb[2] == 2 && bb[3] == 1);
    double iou = 0;
    const seg_rle *ab[2] = {a, b};
    CHECK_OK(seg_rle_iou(ab, 1, ab + 1, 1, NULL, &iou));
    CHECK(iou == 1);
    CHECK_OK(seg_rle_merge(ab, 2, SEG_RLE_UNION, &u));
    size_t n;
    const uint32_t *c = seg_rle_counts(u, &n);
    CHECK(n == 2 && c[0] == 2 && c[1] == 2);
    seg_rle_destroy(u);
    seg_rle_destroy(a);
    seg_rle_destroy(b);
}

TEST(bad_bitmaps_and_sizes)
{
    uint8_t m[6] = {0, 1, 1, 0, 1, 7};
    seg_rle *r = (seg_rle *)0x1;
    CHECK_FAIL(seg_rle_encode(m, 2, 3, 3, &r), SEG_ERR_INVALID_ARGUMENT,
               "pixel (row 1, column 2) is 7");
    m[5] = 0;
    m[0] = 255;
    CHECK_FAIL(seg_rle_encode(m, 2, 3, 3, &r), SEG_ERR_INVALID_ARGUMENT,
               "pixel (row 0, column 0) is 255");
    uint8_t wide[3 * 150] = {0};
    wide[150 + 17] = 2; /* inside a 64-byte block of the fast path */
    CHECK_FAIL(seg_rle_encode(wide, 3, 150, 150, &r), SEG_ERR_INVALID_ARGUMENT,
               "pixel (row 1, column 17) is 2");
    wide[150 + 17] = 0;
    wide[300 + 131] = 9; /* in the 8-byte words after the blocks */
    CHECK_FAIL(seg_rle_encode(wide, 3, 150, 150, &r), SEG_ERR_INVALID_ARGUMENT,
               "pixel (row 2, column 131) is 9");
    wide[300 + 131] = 0;
    wide[300 + 149] = 3; /* in the byte tail */
    CHECK_FAIL(seg_rle_encode(wide, 3, 150, 150, &r), SEG_ERR_INVALID_ARGUMENT,
               "pixel (row 2, column 149) is 3");
    CHECK_FAIL(seg_rle_encode(m, 0, 3, 3, &r), SEG_ERR_INVALID_ARGUMENT, "zero-size");
    CHECK_FAIL(seg_rle_encode(m, 2, 0, 3, &r), SEG_ERR_INVALID_ARGUMENT, "zero-size");
    CHECK_FAIL(seg_rle_encode(m, 2, 3, 2, &r), SEG_ERR_INVALID_ARGUMENT,
               "stride 2 is less than width 3");
    CHECK_FAIL(seg_rle_encode(m, 70000, 70000, 70000, &r), SEG_ERR_LIMIT, "2^32-1");
    CHECK_FAIL(seg_rle_encode(NULL, 2, 3, 3, &r), SEG_ERR_INVALID_ARGUMENT, "'bitmap' is NULL");
    const uint32_t cnts[2] = {3, 2};
    CHECK_FAIL(seg_rle_from_counts(2, 3, cnts, 2, &r), SEG_ERR_FORMAT,
               "2 counts sum to 5, a 2x3 mask needs 6");
    CHECK(r == (seg_rle *)0x1);
}

TEST(mismatched_sizes_in_iou_and_merge)
{
    uint8_t z[12] = {0};
    seg_rle *a = NULL, *b = NULL;
    CHECK_OK(seg_rle_encode(z, 3, 4, 4, &a));
    CHECK_OK(seg_rle_encode(z, 4, 3, 3, &b));
    const seg_rle *ab[2] = {a, b};
    double o[4];
    CHECK_FAIL(seg_rle_iou(ab, 1, ab + 1, 1, NULL, o), SEG_ERR_SHAPE,
               "gt[0] is 4x3, expected 3x4");
    CHECK_FAIL(seg_rle_iou(ab, 2, ab, 1, NULL, o), SEG_ERR_SHAPE, "dt[1] is 4x3");
    seg_rle *x = (seg_rle *)0x1;
    CHECK_FAIL(seg_rle_merge(ab, 2, SEG_RLE_UNION, &x), SEG_ERR_SHAPE,
               "rles[1] is 4x3, expected 3x4");
    CHECK_FAIL(seg_rle_merge(ab, 0, SEG_RLE_UNION, &x), SEG_ERR_INVALID_ARGUMENT,
               "no masks to merge");
    CHECK_FAIL(seg_rle_merge(ab, 1, (seg_rle_merge_op)7, &x), SEG_ERR_INVALID_ARGUMENT,
               "unknown merge op 7");
    CHECK(x == (seg_rle *)0x1);
    seg_rle_destroy(a);
    seg_rle_destroy(b);
}

TEST(malformed_strings)
{
    seg_rle *r = (seg_rle *)0x1;
    /* "13" is the valid 2x2 example; everything below breaks it one way */
    CHECK_FAIL(seg_rle_from_string(2, 2, "1 3", 3, &r), SEG_ERR_FORMAT,
               "byte 0x20 at offset 1 is outside '0'..'o'");
    CHECK_FAIL(seg_rle_from_string(2, 2, "1p", 2, &r), SEG_ERR_FORMAT, "offset 1");
    CHECK_FAIL(seg_rle_from_string(2, 2, "1\0003", 3, &r), SEG_ERR_FORMAT,
               "byte 0x00 at offset 1");
    CHECK_FAIL(seg_rle_from_string(2, 2, "1P", 2, &r), SEG_ERR_FORMAT,
               "ends inside the value starting at offset 1");
    CHECK_FAIL(seg_rle_from_string(2, 2, "1PPPPPPPP0", 10, &r), SEG_ERR_FORMAT,
               "value at offset 1 has more than 7 groups");
    CHECK_FAIL(seg_rle_from_string(2, 2, "1O", 2, &r), SEG_ERR_FORMAT,
               "count 1 (offset 1) is -1"); /* 'O' = 48 + 0x1f: -1 */
    CHECK_FAIL(seg_rle_from_string(2, 2, "12", 2, &r), SEG_ERR_FORMAT,
               "counts sum to 3 at its end (offset 2); a 2x2 mask needs 4");
    CHECK_FAIL(seg_rle_from_string(2, 2, "131", 3, &r), SEG_ERR_FORMAT,
               "count 2 (offset 2) is 1; the 2x2 mask has 0 pixels left");
    CHECK_FAIL(seg_rle_from_string(2, 2, "", 0, &r), SEG_ERR_FORMAT, "counts sum to 0");
    CHECK_FAIL(seg_rle_from_string(0, 2, "", 0, &r), SEG_ERR_INVALID_ARGUMENT, "zero-size");
    CHECK(r == (seg_rle *)0x1);
    /* a delta below zero is fine while the count it gives is not negative */
    CHECK_OK(seg_rle_from_string(1, 10, "122O2", 5, &r));
    size_t n;
    const uint32_t *c = seg_rle_counts(r, &n);
    CHECK(n == 5 && c[3] == 1 && c[4] == 4);
    const char *s = NULL;
    CHECK_OK(seg_rle_string(r, &s, NULL));
    CHECK_STR(s, "122O2");
    seg_rle_destroy(r);
}

TEST(bad_polygons)
{
    seg_rle *r = (seg_rle *)0x1;
    const double two[4 + 2] = {0, 0, 5, 5, 1, 1};
    CHECK_FAIL(seg_rle_from_polygon(9, 9, two, 2, &r), SEG_ERR_INVALID_ARGUMENT,
               "2 numbers is not a polygon");
    CHECK_FAIL(seg_rle_from_polygon(9, 9, two, 5, &r), SEG_ERR_INVALID_ARGUMENT,
               "5 numbers is not a polygon");
    double nan_xy[6] = {0, 0, 5, NAN, 1, 4};
    CHECK_FAIL(seg_rle_from_polygon(9, 9, nan_xy, 6, &r), SEG_ERR_INVALID_ARGUMENT,
               "coordinate 3 is nan");
    nan_xy[3] = 1e30;
    CHECK_FAIL(seg_rle_from_polygon(9, 9, nan_xy, 6, &r), SEG_ERR_INVALID_ARGUMENT,
               "coordinate 3 is 1e+30");
    const double far[6] = {0, 0, 1e7, 0, 0, 1e7};
    CHECK_FAIL(seg_rle_from_polygon(9, 9, far, 6, &r), SEG_ERR_LIMIT,
               "more than 2^27 (coordinates far outside the 9x9 image?)");
    const double inf_box[4] = {0, 0, INFINITY, 1};
    CHECK_FAIL(seg_rle_from_box(9, 9, inf_box, &r), SEG_ERR_INVALID_ARGUMENT,
               "coordinate 2 is inf");
    const double ok[6] = {0, 0, 5, 0, 0, 5};
    CHECK_FAIL(seg_rle_from_polygon(0, 9, ok, 6, &r), SEG_ERR_INVALID_ARGUMENT, "zero-size");
    CHECK(r == (seg_rle *)0x1);
}

int main(void)
{
    return RUN_TESTS(CASE(hand_cases_from_the_reference), CASE(pycocotools_regression_cases),
                     CASE(masks_match_numpy_golden),
                     CASE(tensor_encode_and_decode), CASE(iou_with_crowd_matches_dense_golden),
                     CASE(polygons_and_boxes_match_frpoly_golden), CASE(empty_masks),
                     CASE(empty_runs_after_the_first),
                     CASE(bad_bitmaps_and_sizes), CASE(mismatched_sizes_in_iou_and_merge),
                     CASE(malformed_strings), CASE(bad_polygons));
}
