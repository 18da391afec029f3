/* seg_instances: YOLO-seg decoding against a torch re-implementation of ultralytics'
 * post-processing with torchvision.ops.nms and F.interpolate (reference §2), NMS alone
 * against torchvision.ops.nms, and Mask R-CNN pasting against torchvision's
 * paste_masks_in_image and detectron2's grid_sample paste (reference §3). */
#include "check.h"
#include "results_golden.h"

#include "post/nms.h"

#include <seg/seg.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const int64_t IN_W = 96, IN_H = 96, ORIG_W = 75, ORIG_H = 45;

/* Each mask's RLE (built from the crop) equals seg_rle_encode of the full bitmap. */
static void check_rle(const seg_instances *in)
{
    for (size_t i = 0; i < seg_instances_count(in); i++) {
        seg_tensor *m = NULL;
        seg_rle *a = NULL, *b = NULL;
        CHECK_OK(seg_instances_mask(in, i, &m));
        CHECK_OK(seg_instances_mask_rle(in, i, &a));
        CHECK_OK(seg_rle_encode_tensor(m, &b));
        size_t na = 0, nb = 0;
        const uint32_t *ca = seg_rle_counts(a, &na), *cb = seg_rle_counts(b, &nb);
        CHECK_EQ_INT(na, nb);
        CHECK(na == nb && memcmp(ca, cb, na * sizeof *ca) == 0);
        seg_rle_destroy(a);
        seg_rle_destroy(b);
        seg_tensor_destroy(m);
    }
}

/* Compare a decode with the golden boxes / scores / classes / packed masks of `tag`. */
static void check_against(const seg_instances *in, const char *tag, bool with_meta)
{
    char name[64];
    snprintf(name, sizeof name, "yolo_%s_boxes", tag);
    seg_tensor *boxes = golden(name);
    snprintf(name, sizeof name, "yolo_%s_masks", tag);
    seg_tensor *masks = golden(name);
    seg_tensor *scores = NULL, *classes = NULL;
    if (with_meta) {
        snprintf(name, sizeof name, "yolo_%s_scores", tag);
        scores = golden(name);
        snprintf(name, sizeof name, "yolo_%s_classes", tag);
        classes = golden(name);
    }
    size_t n = (size_t)seg_tensor_dim(boxes, 0);
    CHECK_EQ_INT(seg_instances_count(in), n);
    if (seg_instances_count(in) != n)
        n = 0;
    int64_t mw, mh;
    seg_instances_mask_size(in, &mw, &mh);
    size_t plane = (size_t)(mw * mh), bad_pixels = 0;
    const float *gb = seg_tensor_const_data(boxes);
    for (size_t i = 0; i < n; i++) {
        float b[4];
        CHECK_OK(seg_instances_box(in, i, b));
        for (int k = 0; k < 4; k++)
            CHECK_NEAR(b[k], gb[4 * i + k], 1e-4);
        if (with_meta) {
            CHECK(seg_instances_score(in, i) == ((const float *)seg_tensor_const_data(scores))[i]);
            CHECK_EQ_INT(seg_instances_class(in, i),
                         ((const int32_t *)seg_tensor_const_data(classes))[i]);
        }
        seg_tensor *m = NULL;
        CHECK_OK(seg_instances_mask(in, i, &m));
        const uint8_t *bits = seg_tensor_const_data(m);
        for (size_t k = 0; k < plane; k++)
            bad_pixels += bits[k] != golden_bit(masks, i * plane + k);
        seg_tensor_destroy(m);
    }
    CHECK_EQ_INT(bad_pixels, 0);
    check_rle(in);
    seg_tensor_destroy(boxes);
    seg_tensor_destroy(masks);
    seg_tensor_destroy(scores);
    seg_tensor_destroy(classes);
}

static seg_instances *yolo_geom(seg_yolo_mask_mode mode, seg_yolo_mask_threshold thr,
                                const char *out0_name, seg_yolo_layout layout,
                                double scale, double pad_top)
{
    seg_tensor *out0 = golden(out0_name), *protos = golden("yolo_protos");
    seg_yolo_params p;
    seg_yolo_params_init(&p);
    p.masks = mode;
    p.mask_threshold = thr;
    p.layout = layout;
    seg_input_geometry lb;
    seg_input_geometry_init(&lb, IN_W, IN_H, ORIG_W, ORIG_H);
    lb.scale = scale;
    lb.pad_top = pad_top;
    seg_instances *in = NULL;
    CHECK_OK(seg_instances_from_yolo(out0, protos, &lb, &p, &in));
    seg_tensor_destroy(out0);
    seg_tensor_destroy(protos);
    return in;
}

static seg_instances *yolo(seg_yolo_mask_mode mode, seg_yolo_mask_threshold thr,
                           const char *out0_name, seg_yolo_layout layout)
{
    return yolo_geom(mode, thr, out0_name, layout, 0.0, 0.0);
}

/* ultralytics defaults (conf 0.25, IoU 0.7, class offset 7680, max_det 300),
 * process_mask(upsample=True): masks at the 96 x 96 letterboxed input, logits > 0. */
TEST(yolo_letterbox_masks_match_ultralytics)
{
    seg_instances *in = yolo(SEG_YOLO_MASKS_LETTERBOX, SEG_YOLO_MASK_LOGITS, "yolo_out0",
                             SEG_YOLO_RAW);
    int64_t w, h;
    seg_instances_mask_size(in, &w, &h);
    CHECK(w == IN_W && h == IN_H);
    check_against(in, "letterbox", true);
    seg_instances_destroy(in);
}

/* retina_masks=True, process_mask_native: padding cropped from prototype space with
 * round(pad -/+ 0.1), resized to 75 x 45, cropped by the mapped boxes. */
TEST(yolo_native_masks_match_ultralytics)
{
    seg_instances *in = yolo(SEG_YOLO_MASKS_NATIVE, SEG_YOLO_MASK_LOGITS, "yolo_out0",
                             SEG_YOLO_RAW);
    int64_t w, h;
    seg_instances_mask_size(in, &w, &h);
    CHECK(w == ORIG_W && h == ORIG_H);
    check_against(in, "native", true);
    seg_instances_destroy(in);
}

/* The same geometry given explicitly, as seg_image_letterbox() reports it (scale 1.28,
 * 19 rows of padding on top; prototype padding 19 * 24 / 96 = 4.75 rounds like 4.8). */
TEST(yolo_native_masks_explicit_geometry)
{
    seg_instances *in = yolo_geom(SEG_YOLO_MASKS_NATIVE, SEG_YOLO_MASK_LOGITS, "yolo_out0",
                                  SEG_YOLO_RAW, 1.28, 19.0);
    check_against(in, "native", true);
    seg_instances_destroy(in);
}

/* Legacy (before mid-2024) masks: sigmoid, crop, upsample, > 0.5 (SEG_YOLO_MASK_SIGMOID). */
TEST(yolo_legacy_sigmoid_masks)
{
    seg_instances *in = yolo(SEG_YOLO_MASKS_LETTERBOX, SEG_YOLO_MASK_SIGMOID, "yolo_out0",
                             SEG_YOLO_RAW);
    check_against(in, "sigmoid", true);
    seg_instances_destroy(in);
}

/* End-to-end exports [1, N, 6 + 32]: score > conf, first max_det, no NMS. */
TEST(yolo_end_to_end_layout)
{
    seg_instances *in = yolo(SEG_YOLO_MASKS_LETTERBOX, SEG_YOLO_MASK_LOGITS, "yolo_e2e_out0",
                             SEG_YOLO_END_TO_END);
    check_against(in, "e2e", false);
    seg_instances_destroy(in);
}

/* Greedy NMS alone vs torchvision.ops.nms at IoU 0.5. */
TEST(nms_matches_torchvision)
{
    seg_tensor *boxes = golden("nms_boxes"), *keep = golden("nms_keep");
    size_t n = (size_t)seg_tensor_dim(boxes, 0), got[200];
    uint8_t scratch[200];
    size_t k = segi_nms(seg_tensor_const_data(boxes), n, 0.5, n, scratch, got);
    CHECK_EQ_INT(k, seg_tensor_count(keep));
    const int64_t *want = seg_tensor_const_data(keep);
    for (size_t i = 0; i < k && i < seg_tensor_count(keep); i++)
        CHECK_EQ_INT(got[i], want[i]);
    seg_tensor_destroy(boxes);
    seg_tensor_destroy(keep);
}

/* Hand-computed: two boxes of area 100 overlapping by 80 (IoU 80/120 = 0.667) survive
 * at the default 0.7 and the lower-scored one goes at 0.6; a different class never
 * suppresses (offset 7680); a third candidate at 0.25 fails the strict conf test. */
TEST(yolo_hand_computed_nms_and_conf)
{
    /* [1, 4 + 2, 4]: cx, cy, w, h, score class 0, score class 1 */
    float v[6 * 4] = {
        5, 7, 5, 50,     /* cx */
        5, 5, 5, 50,     /* cy */
        10, 10, 10, 10,  /* w */
        10, 10, 10, 10,  /* h */
        0.9f, 0.8f, 0.1f, 0.25f, /* class 0 */
        0.1f, 0.1f, 0.85f, 0.0f, /* class 1 */
    };
    int64_t dims[3] = {1, 6, 4};
    seg_tensor *t;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, dims, v, sizeof v, &t));
    seg_instances *in = NULL;
    CHECK_OK(seg_instances_from_yolo(t, NULL, NULL, NULL, &in));
    CHECK_EQ_INT(seg_instances_count(in), 3);
    CHECK_EQ_INT(seg_instances_class(in, 0), 0);
    CHECK_EQ_INT(seg_instances_class(in, 1), 1); /* 0.85 before 0.8 */
    CHECK(seg_instances_score(in, 2) == 0.8f);
    CHECK(!seg_instances_has_masks(in));
    float b[4];
    CHECK_OK(seg_instances_box(in, 0, b));
    CHECK(b[0] == 0 && b[1] == 0 && b[2] == 10 && b[3] == 10);
    seg_instances_destroy(in);
    seg_yolo_params p;
    seg_yolo_params_init(&p);
    p.iou_threshold = 0.6;
    CHECK_OK(seg_instances_from_yolo(t, NULL, NULL, &p, &in));
    CHECK_EQ_INT(seg_instances_count(in), 2);
    seg_instances_destroy(in);
    p.class_offset = 0; /* class-agnostic: the class-1 box at the same place also goes */
    CHECK_OK(seg_instances_from_yolo(t, NULL, NULL, &p, &in));
    CHECK_EQ_INT(seg_instances_count(in), 1);
    seg_instances_destroy(in);
    p.max_det = 0;
    CHECK_OK(seg_instances_from_yolo(t, NULL, NULL, &p, &in));
    CHECK_EQ_INT(seg_instances_count(in), 0);
    seg_instances_destroy(in);
    seg_tensor_destroy(t);
}

/* Zero-area boxes (reference §2 via torchvision.ops.nms semantics): a zero-width box
 * and a box inside it survive NMS (0/0 IoU suppresses nothing); the zero-width box's
 * mask is empty, so it is dropped by default and kept (empty) with keep_empty_masks.
 * One prototype channel of ones with coefficient 1: logits 1 inside each crop. */
TEST(yolo_zero_area_and_empty_masks)
{
    float v[5 * 2] = {
        8, 8,    /* cx */
        8, 8,    /* cy */
        0, 8,    /* w: the first box has zero width */
        8, 8,    /* h */
        0.9f, 0.8f, /* class 0 */
    };
    float c[2] = {1, 1}, pr[16];
    for (int i = 0; i < 16; i++)
        pr[i] = 1.0f;
    float o[6 * 2]; /* [1, 4 + 1 + 1, 2]: coefficients as the last channel */
    memcpy(o, v, sizeof v);
    memcpy(o + 10, c, sizeof c);
    int64_t od[3] = {1, 6, 2}, pd[4] = {1, 1, 4, 4};
    seg_tensor *t0, *tp;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, od, o, sizeof o, &t0));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 4, pd, pr, sizeof pr, &tp));
    seg_instances *in = NULL;
    CHECK_OK(seg_instances_from_yolo(t0, tp, NULL, NULL, &in));
    CHECK_EQ_INT(seg_instances_count(in), 1);
    CHECK(seg_instances_score(in, 0) == 0.8f);
    int64_t rect[4];
    const uint8_t *bits;
    CHECK_OK(seg_instances_mask_crop(in, 0, rect, &bits));
    /* box [4, 4, 12, 12] in the 16 x 16 input: proto crop [1, 3) upsampled x4 with
     * zeros around (F.interpolate): src x = (x + .5) / 4 - .5 first reaches proto
     * pixel 1 with a positive weight at x 2 and last at x 13 */
    CHECK(rect[0] == 2 && rect[1] == 2 && rect[2] == 12 && rect[3] == 12);
    seg_instances_destroy(in);
    seg_yolo_params p;
    seg_yolo_params_init(&p);
    p.keep_empty_masks = 1;
    CHECK_OK(seg_instances_from_yolo(t0, tp, NULL, &p, &in));
    CHECK_EQ_INT(seg_instances_count(in), 2);
    CHECK_OK(seg_instances_mask_crop(in, 0, rect, &bits));
    CHECK(rect[2] == 0 && rect[3] == 0 && bits == NULL);
    seg_rle *rle = NULL;
    CHECK_OK(seg_instances_mask_rle(in, 0, &rle));
    size_t n = 0;
    const uint32_t *counts = seg_rle_counts(rle, &n);
    CHECK(n == 1 && counts[0] == 256);
    seg_rle_destroy(rle);
    seg_instances_destroy(in);
    seg_tensor_destroy(t0);
    seg_tensor_destroy(tp);
}

/* A caller built against an older, shorter seg_yolo_params: fields past its
 * struct_size keep their defaults, whatever the memory there holds. */
TEST(yolo_params_struct_size_versioning)
{
    seg_tensor *out0 = golden("yolo_out0"), *protos = golden("yolo_protos");
    seg_yolo_params p;
    memset(&p, 0xff, sizeof p);
    seg_yolo_params_init(&p);
    p.struct_size = (uint32_t)offsetof(seg_yolo_params, layout);
    p.layout = (seg_yolo_layout)99; /* beyond struct_size: ignored */
    p.masks = (seg_yolo_mask_mode)99;
    seg_input_geometry lb;
    seg_input_geometry_init(&lb, IN_W, IN_H, ORIG_W, ORIG_H);
    seg_instances *in = NULL;
    CHECK_OK(seg_instances_from_yolo(out0, protos, &lb, &p, &in));
    check_against(in, "letterbox", true);
    seg_instances_destroy(in);
    seg_tensor_destroy(out0);
    seg_tensor_destroy(protos);
}

TEST(yolo_bad_inputs)
{
    seg_tensor *out0 = golden("yolo_out0"), *protos = golden("yolo_protos"), *t;
    seg_instances *in = (seg_instances *)0x1;
    seg_yolo_params p;
    seg_yolo_params_init(&p);
    p.masks = SEG_YOLO_MASKS_NATIVE;
    CHECK_FAIL(seg_instances_from_yolo(out0, protos, NULL, &p, &in), SEG_ERR_INVALID_ARGUMENT,
               "native masks need a seg_input_geometry");
    seg_yolo_params_init(&p);
    p.iou_threshold = 1.5;
    CHECK_FAIL(seg_instances_from_yolo(out0, protos, NULL, &p, &in), SEG_ERR_INVALID_ARGUMENT,
               "iou_threshold 1.5");
    /* 39 channels with 16 prototype channels would be 4 + 19 + 16: fine; with a
     * 40-channel prototype tensor it cannot hold a class */
    int64_t pd[4] = {1, 40, 2, 2};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 4, pd, &t));
    CHECK_FAIL(seg_instances_from_yolo(out0, t, NULL, NULL, &in), SEG_ERR_SHAPE,
               "4 + classes + 40 mask coefficients");
    seg_tensor_destroy(t);
    int64_t bd[3] = {2, 39, 300};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 3, bd, &t));
    CHECK_FAIL(seg_instances_from_yolo(t, protos, NULL, NULL, &in), SEG_ERR_SHAPE, "batch 1");
    seg_tensor_destroy(t);
    seg_yolo_params_init(&p);
    p.layout = SEG_YOLO_END_TO_END;
    CHECK_FAIL(seg_instances_from_yolo(out0, protos, NULL, &p, &in), SEG_ERR_SHAPE,
               "6 + 32");
    seg_tensor *e2e = golden("yolo_e2e_out0");
    ((float *)seg_tensor_data(e2e))[38 * 2 + 5] = -3; /* class of row 2 */
    CHECK_FAIL(seg_instances_from_yolo(e2e, protos, NULL, &p, &in), SEG_ERR_FORMAT,
               "class -3 of detection 2");
    seg_tensor_destroy(e2e);
    float *v = seg_tensor_data(out0);
    v[(4 + 1) * 300 + 17] = NAN; /* class 1 of candidate 17 */
    CHECK_FAIL(seg_instances_from_yolo(out0, protos, NULL, NULL, &in), SEG_ERR_FORMAT,
               "class 1 for candidate 17 is NaN");
    CHECK(in == (seg_instances *)0x1);
    seg_tensor_destroy(out0);
    seg_tensor_destroy(protos);
    /* accessors out of range */
    CHECK_EQ_INT(seg_instances_class(NULL, 0), -1);
    CHECK(isnan(seg_instances_score(NULL, 0)));
    seg_instances_destroy(NULL);
}

/* Paste the golden masks with `mode` and compare with the packed reference. */
static void check_paste(seg_paste_mode mode, const char *want_name)
{
    seg_tensor *boxes = golden("paste_boxes"), *masks = golden("paste_masks");
    seg_tensor *want = golden(want_name);
    seg_paste_params p;
    seg_paste_params_init(&p);
    p.image_width = 70;
    p.image_height = 50;
    p.mode = mode;
    seg_instances *in = NULL;
    CHECK_OK(seg_instances_from_mask_probs(boxes, NULL, NULL, masks, &p, &in));
    CHECK_EQ_INT(seg_instances_count(in), 12);
    size_t bad = 0, set = 0;
    for (size_t i = 0; i < seg_instances_count(in); i++) {
        seg_tensor *m = NULL;
        CHECK_OK(seg_instances_mask(in, i, &m));
        const uint8_t *b = seg_tensor_const_data(m);
        for (size_t k = 0; k < 50 * 70; k++) {
            bad += b[k] != golden_bit(want, i * 3500 + k);
            set += b[k];
        }
        seg_tensor_destroy(m);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(set > 1000); /* the case is not trivially empty */
    seg_instances_destroy(in);
    seg_tensor_destroy(boxes);
    seg_tensor_destroy(masks);
    seg_tensor_destroy(want);
}

/* torchvision.models.detection.roi_heads.paste_masks_in_image(padding=1) > 0.5. */
TEST(paste_torchvision)
{
    check_paste(SEG_PASTE_TORCHVISION, "paste_tv");
}

/* detectron2 _do_paste_mask (grid_sample at pixel centres, CPU box region) >= 0.5. */
TEST(paste_detectron2)
{
    check_paste(SEG_PASTE_DETECTRON2, "paste_d2");
}

/* Hand-computed: a uniform 0.9 mask on box [2, 1, 5, 3] in a 8 x 6 image.
 * torchvision: expanded box (M = 2: scale 2) -> [0.5, 0, 6.5, 4] -> int [0, 0, 6, 4];
 * the padded 4 x 4 mask [0 .9 .9 0] resized to 7 x 5 exceeds 0.5 on columns 2..4 and
 * rows 1..3. detectron2: pixel centres 2.5..4.5 x 1.5..2.5 sample inside -> 3 x 2. */
TEST(paste_hand_computed_uniform_mask)
{
    float box[4] = {2, 1, 5, 3}, m[4] = {0.9f, 0.9f, 0.9f, 0.9f};
    int64_t bd[2] = {1, 4}, md[3] = {1, 2, 2};
    seg_tensor *tb, *tm;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, bd, box, sizeof box, &tb));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, md, m, sizeof m, &tm));
    seg_paste_params p;
    seg_paste_params_init(&p);
    p.image_width = 8;
    p.image_height = 6;
    seg_instances *in = NULL;
    int64_t rect[4];
    const uint8_t *bits;
    CHECK_OK(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in));
    CHECK_OK(seg_instances_mask_crop(in, 0, rect, &bits));
    CHECK(rect[0] == 2 && rect[1] == 1 && rect[2] == 3 && rect[3] == 3);
    seg_instances_destroy(in);
    p.mode = SEG_PASTE_DETECTRON2;
    CHECK_OK(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in));
    CHECK_OK(seg_instances_mask_crop(in, 0, rect, &bits));
    CHECK(rect[0] == 2 && rect[1] == 1 && rect[2] == 3 && rect[3] == 2);
    for (int k = 0; k < 6; k++)
        CHECK_EQ_INT(bits[k], 1);
    seg_instances_destroy(in);
    /* zero-area box: torchvision pastes a 1-pixel strip, detectron2 gives an empty mask */
    box[2] = 2;
    CHECK_OK(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in));
    CHECK_OK(seg_instances_mask_crop(in, 0, rect, &bits));
    CHECK(rect[2] == 0 && bits == NULL);
    seg_instances_destroy(in);
    p.mode = SEG_PASTE_TORCHVISION;
    CHECK_OK(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in));
    CHECK_OK(seg_instances_mask_crop(in, 0, rect, &bits));
    CHECK(rect[2] == 1 && rect[0] == 2);
    seg_instances_destroy(in);
    seg_tensor_destroy(tb);
    seg_tensor_destroy(tm);
}

TEST(paste_bad_inputs)
{
    float box[8] = {0, 0, 4, 4, 5, 1, 2, 3}, m[8] = {0};
    int64_t bd[2] = {2, 4}, md[3] = {2, 2, 2}, md1[3] = {1, 2, 2};
    seg_tensor *tb, *tm, *tm1;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, bd, box, sizeof box, &tb));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, md, m, sizeof m, &tm));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, md1, m, 16, &tm1));
    seg_paste_params p;
    seg_paste_params_init(&p);
    seg_instances *in = (seg_instances *)0x1;
    CHECK_FAIL(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in),
               SEG_ERR_INVALID_ARGUMENT, "image size >= 1");
    p.image_width = p.image_height = 8;
    CHECK_FAIL(seg_instances_from_mask_probs(tb, NULL, NULL, tm1, &p, &in), SEG_ERR_SHAPE,
               "N = 2");
    CHECK_FAIL(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in), SEG_ERR_FORMAT,
               "box 1 [5, 1, 2, 3] has x2 < x1");
    box[4] = 1;
    m[5] = NAN;
    CHECK_FAIL(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in), SEG_ERR_FORMAT,
               "mask 1 has a NaN");
    m[5] = 0;
    box[2] = INFINITY;
    CHECK_FAIL(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in), SEG_ERR_LIMIT,
               "box 0 coordinate inf");
    box[2] = 4;
    box[1] = NAN;
    CHECK_FAIL(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in), SEG_ERR_FORMAT,
               "box 0 has a NaN");
    CHECK(in == (seg_instances *)0x1);
    box[1] = 0;
    int64_t cd[1] = {3};
    seg_tensor *tc;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I64, 1, cd, &tc));
    CHECK_FAIL(seg_instances_from_mask_probs(tb, NULL, tc, tm, &p, &in), SEG_ERR_SHAPE,
               "classes must be [2]");
    seg_tensor_destroy(tc);
    CHECK_OK(seg_instances_from_mask_probs(tb, NULL, NULL, tm, &p, &in));
    int64_t rect[4];
    const uint8_t *bits;
    CHECK_FAIL(seg_instances_mask_crop(in, 2, rect, &bits), SEG_ERR_INVALID_ARGUMENT,
               "index 2 is out of range");
    seg_instances_destroy(in);
    seg_tensor_destroy(tb);
    seg_tensor_destroy(tm);
    seg_tensor_destroy(tm1);
}

int main(void)
{
    return RUN_TESTS(CASE(yolo_letterbox_masks_match_ultralytics),
                     CASE(yolo_native_masks_match_ultralytics),
                     CASE(yolo_native_masks_explicit_geometry), CASE(yolo_legacy_sigmoid_masks),
                     CASE(yolo_end_to_end_layout), CASE(nms_matches_torchvision),
                     CASE(yolo_hand_computed_nms_and_conf), CASE(yolo_zero_area_and_empty_masks),
                     CASE(yolo_params_struct_size_versioning),
                     CASE(yolo_bad_inputs),
                     CASE(paste_torchvision), CASE(paste_detectron2),
                     CASE(paste_hand_computed_uniform_mask), CASE(paste_bad_inputs));
}
