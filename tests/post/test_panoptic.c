/* seg_panoptic against NumPy/torch re-implementations of the reference fusions
 * (reference §4, tests/goldens/post_results.py): detectron2 Panoptic FPN
 * combine_semantic_and_instance_outputs, Panoptic-DeepLab get_panoptic_segmentation
 * and Mask2Former panoptic_inference; plus hand-computed cases, writers, errors. */
#include "check.h"
#include "results_golden.h"

#include <seg/seg.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The id map and segments [n, 8] (id, category, isthing, area, bbox) must match. */
static void check_result(const seg_panoptic *p, const char *ids_name, const char *segs_name)
{
    seg_tensor *ids = golden(ids_name), *segs = golden(segs_name);
    const seg_tensor *got = seg_panoptic_id_map(p);
    CHECK_EQ_INT(seg_tensor_count(got), seg_tensor_count(ids));
    size_t bad = 0;
    const int32_t *a = seg_tensor_const_data(got), *b = seg_tensor_const_data(ids);
    for (size_t i = 0; i < seg_tensor_count(ids) && i < seg_tensor_count(got); i++)
        bad += a[i] != b[i];
    CHECK_EQ_INT(bad, 0);
    size_t n = (size_t)seg_tensor_dim(segs, 0);
    CHECK_EQ_INT(seg_panoptic_count(p), n);
    const int64_t *s = seg_tensor_const_data(segs);
    for (size_t i = 0; i < n && i < seg_panoptic_count(p); i++) {
        seg_segment_info info = {.struct_size = sizeof info};
        CHECK_OK(seg_panoptic_segment(p, i, &info));
        const int64_t *w = s + 8 * i;
        CHECK_EQ_INT(info.id, w[0]);
        CHECK_EQ_INT(info.category_id, w[1]);
        CHECK_EQ_INT(info.is_thing, w[2]);
        CHECK_EQ_INT(info.area, w[3]);
        for (int k = 0; k < 4; k++)
            CHECK_EQ_INT(info.bbox[k], w[4 + k]);
    }
    seg_tensor_destroy(ids);
    seg_tensor_destroy(segs);
}

static seg_instances *fpn_instances(void)
{
    seg_tensor *boxes = golden("fpn_boxes"), *probs = golden("fpn_probs");
    seg_tensor *scores = golden("fpn_scores"), *classes = golden("fpn_classes");
    seg_paste_params pp;
    seg_paste_params_init(&pp);
    pp.image_width = 64;
    pp.image_height = 48;
    seg_instances *in = NULL;
    CHECK_OK(seg_instances_from_mask_probs(boxes, scores, classes, probs, &pp, &in));
    seg_tensor_destroy(boxes);
    seg_tensor_destroy(probs);
    seg_tensor_destroy(scores);
    seg_tensor_destroy(classes);
    return in;
}

/* detectron2 defaults (score 0.5 with a score of exactly 0.5 kept, overlap 0.5,
 * things label 0, consecutive ids) with stuff_area 200 for the small image; instances
 * are torchvision-pasted masks. */
TEST(fpn_matches_detectron2_combine)
{
    seg_tensor *sem = golden("fpn_semantic");
    seg_instances *in = fpn_instances();
    seg_panoptic_fpn_params p;
    seg_panoptic_fpn_params_init(&p);
    p.stuff_area = 200;
    seg_panoptic *pan = NULL;
    CHECK_OK(seg_panoptic_from_fpn(sem, in, &p, &pan));
    check_result(pan, "fpn_ids", "fpn_segments");
    seg_segment_info info = {.struct_size = sizeof info};
    CHECK_OK(seg_panoptic_segment(pan, 0, &info));
    CHECK(info.score >= 0.5f && info.score <= 1.0f);
    seg_panoptic_destroy(pan);
    /* the default stuff_area 4096 exceeds this 64 x 48 image: things only */
    seg_panoptic_fpn_params_init(&p);
    CHECK_OK(seg_panoptic_from_fpn(sem, in, &p, &pan));
    for (size_t i = 0; i < seg_panoptic_count(pan); i++) {
        CHECK_OK(seg_panoptic_segment(pan, i, &info));
        CHECK_EQ_INT(info.is_thing, 1);
    }
    seg_panoptic_destroy(pan);
    seg_instances_destroy(in);
    seg_tensor_destroy(sem);
}

/* Hand-computed: 1 x 8 row. Instance A (score .9) covers x 0..3, instance B (.8)
 * covers x 2..5: overlap 2/4 = 0.5 is not > 0.5 so B keeps x 4..5; instance C (.7)
 * covers x 3..5, all painted: skipped. Stuff label 2 on x 6..7 (area 2 >= 2).
 * CLASS_DIVISOR ids: A class 1 -> 1001, B class 1 -> 1002, stuff 2 -> 2000. */
TEST(fpn_hand_computed_overlap_and_divisor_ids)
{
    uint8_t sem_v[8] = {0, 0, 0, 0, 0, 0, 2, 2};
    float boxes[12] = {0, 0, 4, 1, 2, 0, 6, 1, 3, 0, 6, 1}, scores[3] = {.9f, .8f, .7f};
    int64_t classes[3] = {1, 1, 3};
    float probs[3 * 4 * 4];
    for (int i = 0; i < 48; i++)
        probs[i] = 1.0f;
    int64_t sd[2] = {1, 8}, bd[2] = {3, 4}, vd[1] = {3}, md[3] = {3, 4, 4};
    seg_tensor *sem, *tb, *ts, *tc, *tm;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 2, sd, sem_v, sizeof sem_v, &sem));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, bd, boxes, sizeof boxes, &tb));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 1, vd, scores, sizeof scores, &ts));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_I64, 1, vd, classes, sizeof classes, &tc));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, md, probs, sizeof probs, &tm));
    seg_paste_params pp;
    seg_paste_params_init(&pp);
    pp.mode = SEG_PASTE_DETECTRON2; /* uniform masks fill exactly their boxes */
    pp.image_width = 8;
    pp.image_height = 1;
    seg_instances *in = NULL;
    CHECK_OK(seg_instances_from_mask_probs(tb, ts, tc, tm, &pp, &in));
    seg_panoptic_fpn_params p;
    seg_panoptic_fpn_params_init(&p);
    p.stuff_area = 2;
    p.ids.scheme = SEG_PANOPTIC_IDS_CLASS_DIVISOR;
    seg_panoptic *pan = NULL;
    CHECK_OK(seg_panoptic_from_fpn(sem, in, &p, &pan));
    const int32_t *ids = seg_tensor_const_data(seg_panoptic_id_map(pan));
    int32_t want[8] = {1001, 1001, 1001, 1001, 1002, 1002, 2000, 2000};
    for (int i = 0; i < 8; i++)
        CHECK_EQ_INT(ids[i], want[i]);
    CHECK_EQ_INT(seg_panoptic_count(pan), 3);
    seg_panoptic_destroy(pan);
    p.stuff_area = 3; /* stuff too small: void */
    p.ids.scheme = SEG_PANOPTIC_IDS_CONSECUTIVE;
    CHECK_OK(seg_panoptic_from_fpn(sem, in, &p, &pan));
    ids = seg_tensor_const_data(seg_panoptic_id_map(pan));
    CHECK(ids[0] == 1 && ids[4] == 2 && ids[6] == 0 && ids[7] == 0);
    seg_panoptic_destroy(pan);
    seg_instances_destroy(in);
    seg_tensor_destroy(sem);
    seg_tensor_destroy(tb);
    seg_tensor_destroy(ts);
    seg_tensor_destroy(tc);
    seg_tensor_destroy(tm);
}

static void deeplab_case(const char *tag, int32_t top_k, int32_t kernel)
{
    seg_tensor *sem = golden("dl_semantic"), *ctr = golden("dl_center");
    seg_tensor *off = golden("dl_offsets");
    const int32_t things[3] = {1, 2, 3};
    seg_panoptic_deeplab_params p;
    seg_panoptic_deeplab_params_init(&p);
    p.stuff_area = 200;
    p.top_k = top_k;
    p.nms_kernel = kernel;
    seg_panoptic *pan = NULL;
    CHECK_OK(seg_panoptic_from_deeplab(sem, ctr, off, things, 3, &p, &pan));
    char ids[64], segs[64], scores[64];
    snprintf(ids, sizeof ids, "dl_%s_ids", tag);
    snprintf(segs, sizeof segs, "dl_%s_segments", tag);
    snprintf(scores, sizeof scores, "dl_%s_scores", tag);
    check_result(pan, ids, segs);
    seg_tensor *sc = golden(scores);
    for (size_t i = 0; i < seg_panoptic_count(pan) && i < seg_tensor_count(sc); i++) {
        seg_segment_info info = {.struct_size = sizeof info};
        CHECK_OK(seg_panoptic_segment(pan, i, &info));
        CHECK(info.score == ((const float *)seg_tensor_const_data(sc))[i]);
    }
    seg_tensor_destroy(sc);
    seg_panoptic_destroy(pan);
    seg_tensor_destroy(sem);
    seg_tensor_destroy(ctr);
    seg_tensor_destroy(off);
}

/* Panoptic-DeepLab defaults: threshold 0.1, 7 x 7 NMS, top_k 200, label_divisor 1000,
 * void -1 (stuff_area 200 for the small image). */
TEST(deeplab_matches_reference_defaults)
{
    deeplab_case("default", 200, 7);
}

/* top_k 4 keeps centers strictly above the 4th value (3 centers); 3 x 3 NMS. */
TEST(deeplab_top_k_strict_and_small_kernel)
{
    deeplab_case("topk", 4, 3);
}

/* Hand-computed: 1 x 6, things class 1 everywhere but x 5 (class 7, stuff).
 * Heat peaks at x 1 (0.9) and x 4 (0.5); offsets 0: pixels 0..2 go to the first
 * center, 3..4 to the second (x 3 is 2 from x 1 and 1 from x 4). Stuff area 1 >= 1.
 * Consecutive ids on request. */
TEST(deeplab_hand_computed)
{
    uint8_t sem_v[6] = {1, 1, 1, 1, 1, 7};
    float heat[6] = {0.2f, 0.9f, 0.3f, 0.05f, 0.5f, 0.0f}, off[12] = {0};
    int64_t sd[2] = {1, 6}, cd[2] = {1, 6}, od[3] = {2, 1, 6};
    seg_tensor *sem, *ctr, *of;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 2, sd, sem_v, sizeof sem_v, &sem));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, cd, heat, sizeof heat, &ctr));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, od, off, sizeof off, &of));
    const int32_t things[1] = {1};
    seg_panoptic_deeplab_params p;
    seg_panoptic_deeplab_params_init(&p);
    p.stuff_area = 1;
    p.nms_kernel = 3;
    seg_panoptic *pan = NULL;
    CHECK_OK(seg_panoptic_from_deeplab(sem, ctr, of, things, 1, &p, &pan));
    const int32_t *ids = seg_tensor_const_data(seg_panoptic_id_map(pan));
    int32_t want[6] = {1001, 1001, 1001, 1002, 1002, 7000};
    for (int i = 0; i < 6; i++)
        CHECK_EQ_INT(ids[i], want[i]);
    /* COCO PNG of ids above 255: 1001 = (233, 3, 0), 7000 = (88, 27, 0) */
    char png[] = "/tmp/seg-panoptic-dl-XXXXXX";
    int fd = mkstemp(png);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(seg_panoptic_write_png(pan, png));
    seg_tensor *dec = NULL;
    CHECK_OK(seg_image_decode_file(png, NULL, &dec));
    unlink(png);
    const uint8_t *px = seg_tensor_const_data(dec);
    CHECK(px[0] == 233 && px[1] == 3 && px[2] == 0);
    CHECK(px[15] == 88 && px[16] == 27 && px[17] == 0);
    seg_tensor_destroy(dec);
    seg_panoptic_destroy(pan);
    p.ids.scheme = SEG_PANOPTIC_IDS_CONSECUTIVE;
    p.center_threshold = 0.95f; /* no centers: thing pixels become void (0) */
    CHECK_OK(seg_panoptic_from_deeplab(sem, ctr, of, things, 1, &p, &pan));
    ids = seg_tensor_const_data(seg_panoptic_id_map(pan));
    int32_t want2[6] = {0, 0, 0, 0, 0, 1};
    for (int i = 0; i < 6; i++)
        CHECK_EQ_INT(ids[i], want2[i]);
    seg_panoptic_destroy(pan);
    seg_tensor_destroy(sem);
    seg_tensor_destroy(ctr);
    seg_tensor_destroy(of);
}

static void m2f_case(const char *tag, double overlap)
{
    seg_tensor *cls = golden("m2f_class"), *masks = golden("m2f_masks");
    const int32_t things[3] = {0, 1, 2};
    seg_panoptic_mask2former_params p;
    seg_panoptic_mask2former_params_init(&p);
    p.overlap_threshold = overlap;
    p.out_height = 40;
    p.out_width = 48;
    seg_panoptic *pan = NULL;
    CHECK_OK(seg_panoptic_from_mask2former(cls, masks, things, 3, &p, &pan));
    char ids[64], segs[64];
    snprintf(ids, sizeof ids, "m2f_%s_ids", tag);
    snprintf(segs, sizeof segs, "m2f_%s_segments", tag);
    check_result(pan, ids, segs);
    seg_panoptic_destroy(pan);
    seg_tensor_destroy(cls);
    seg_tensor_destroy(masks);
}

/* Mask2Former shipped defaults: object_mask_threshold 0.8, overlap 0.8; mask logits
 * upsampled 20 x 24 -> 40 x 48 with F.interpolate first (out_height / out_width). */
TEST(mask2former_matches_panoptic_inference)
{
    m2f_case("default", 0.8);
}

/* overlap 0.3 keeps more queries; three stuff queries of class 3 merge into one. */
TEST(mask2former_overlap_option_and_stuff_merge)
{
    m2f_case("overlap", 0.3);
}

TEST(writers_json_png_overlay)
{
    seg_tensor *cls = golden("m2f_class"), *masks = golden("m2f_masks");
    const int32_t things[3] = {0, 1, 2};
    seg_panoptic *pan = NULL;
    CHECK_OK(seg_panoptic_from_mask2former(cls, masks, things, 3, NULL, &pan));
    char path[] = "/tmp/seg-panoptic-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(seg_panoptic_write_json(pan, 42, "img.png", path));
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    CHECK(root != NULL);
    CHECK_EQ_INT(json_integer_value(json_object_get(root, "image_id")), 42);
    CHECK_STR(json_string_value(json_object_get(root, "file_name")), "img.png");
    json_t *infos = json_object_get(root, "segments_info");
    CHECK_EQ_INT(json_array_size(infos), seg_panoptic_count(pan));
    for (size_t i = 0; i < json_array_size(infos); i++) {
        seg_segment_info info = {.struct_size = sizeof info};
        CHECK_OK(seg_panoptic_segment(pan, i, &info));
        json_t *o = json_array_get(infos, i);
        CHECK_EQ_INT(json_integer_value(json_object_get(o, "id")), info.id);
        CHECK_EQ_INT(json_integer_value(json_object_get(o, "category_id")), info.category_id);
        CHECK_EQ_INT(json_integer_value(json_object_get(o, "area")), info.area);
        CHECK_EQ_INT(json_integer_value(json_object_get(o, "iscrowd")), 0);
        CHECK_EQ_INT(json_integer_value(json_array_get(json_object_get(o, "bbox"), 2)),
                     info.bbox[2]);
    }
    json_decref(root);
    unlink(path);
    CHECK_FAIL(seg_panoptic_write_json(pan, 1, NULL, "/nonexistent-dir/x.json"), SEG_ERR_IO,
               "/nonexistent-dir");
    /* COCO panoptic PNG: id = R + 256 G + 256^2 B */
    char png[] = "/tmp/seg-panoptic-png-XXXXXX";
    fd = mkstemp(png);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(seg_panoptic_write_png(pan, png));
    seg_tensor *dec = NULL;
    CHECK_OK(seg_image_decode_file(png, NULL, &dec));
    unlink(png);
    const uint8_t *px = seg_tensor_const_data(dec);
    const int32_t *map = seg_tensor_const_data(seg_panoptic_id_map(pan));
    size_t wrong = 0;
    for (size_t i = 0; i < 20 * 24; i++)
        wrong += px[3 * i] + 256 * px[3 * i + 1] + 65536 * px[3 * i + 2] != map[i];
    CHECK_EQ_INT(wrong, 0);
    seg_tensor_destroy(dec);
    /* overlay: void pixels keep the image, segment i gets VOC colour i + 1 */
    int64_t idims[3] = {20, 24, 3};
    seg_tensor *img, *ov = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_U8, 3, idims, &img));
    CHECK_OK(seg_panoptic_overlay(pan, img, 1.0f, &ov));
    const int32_t *ids = seg_tensor_const_data(seg_panoptic_id_map(pan));
    const uint8_t *o = seg_tensor_const_data(ov);
    size_t checked = 0;
    for (size_t i = 0; i < 20 * 24; i++) {
        uint8_t rgb[3] = {0, 0, 0};
        if (ids[i])
            seg_palette_voc((size_t)ids[i], rgb); /* consecutive: id = index + 1 */
        CHECK(o[3 * i] == rgb[0] && o[3 * i + 1] == rgb[1] && o[3 * i + 2] == rgb[2]);
        checked += ids[i] != 0;
    }
    CHECK(checked > 0);
    seg_tensor_destroy(ov);
    seg_tensor_destroy(img);
    seg_panoptic_destroy(pan);
    seg_tensor_destroy(cls);
    seg_tensor_destroy(masks);
}

TEST(bad_inputs)
{
    seg_panoptic *pan = (seg_panoptic *)0x1;
    seg_tensor *sem = golden("fpn_semantic"), *ctr = golden("dl_center");
    seg_tensor *off = golden("dl_offsets"), *cls = golden("m2f_class");
    seg_tensor *masks = golden("m2f_masks");
    seg_instances *in = fpn_instances();
    const int32_t things[1] = {1};
    /* FPN: 64 x 48 instances against a 56 x 40 semantic map */
    seg_tensor *dsem = golden("dl_semantic");
    CHECK_FAIL(seg_panoptic_from_fpn(dsem, in, NULL, &pan), SEG_ERR_SHAPE,
               "instance masks are 64 x 48, semantic is 56 x 40");
    CHECK_FAIL(seg_panoptic_from_fpn(ctr, in, NULL, &pan), SEG_ERR_SHAPE, "u8 or i32 [H, W]");
    seg_panoptic_fpn_params fp;
    seg_panoptic_fpn_params_init(&fp);
    fp.ids.label_divisor = 0;
    CHECK_FAIL(seg_panoptic_from_fpn(sem, in, &fp, &pan), SEG_ERR_INVALID_ARGUMENT,
               "label_divisor 0");
    /* DeepLab: center of the wrong size, even kernel, NaN heat */
    CHECK_FAIL(seg_panoptic_from_deeplab(sem, ctr, off, things, 1, NULL, &pan), SEG_ERR_SHAPE,
               "center must be [48, 64]");
    seg_panoptic_deeplab_params dp;
    seg_panoptic_deeplab_params_init(&dp);
    dp.nms_kernel = 4;
    CHECK_FAIL(seg_panoptic_from_deeplab(dsem, ctr, off, things, 1, &dp, &pan),
               SEG_ERR_INVALID_ARGUMENT, "nms_kernel 4");
    CHECK_FAIL(seg_panoptic_from_deeplab(dsem, ctr, ctr, things, 1, NULL, &pan), SEG_ERR_SHAPE,
               "offsets must be [2, 40, 56]");
    ((float *)seg_tensor_data(off))[40 * 56 + 2 * 56 + 7] = NAN;
    CHECK_FAIL(seg_panoptic_from_deeplab(dsem, ctr, off, things, 1, NULL, &pan),
               SEG_ERR_FORMAT, "offset dx at (y 2, x 7) is NaN");
    ((float *)seg_tensor_data(ctr))[3 * 56 + 5] = NAN;
    CHECK_FAIL(seg_panoptic_from_deeplab(dsem, ctr, off, things, 1, NULL, &pan),
               SEG_ERR_FORMAT, "(y 3, x 5) is NaN");
    /* Mask2Former: Q mismatch, NaN class logit */
    CHECK_FAIL(seg_panoptic_from_mask2former(cls, ctr, things, 1, NULL, &pan), SEG_ERR_SHAPE,
               "disagree on Q");
    ((float *)seg_tensor_data(masks))[20 * 24 * 4 + 3] = NAN;
    CHECK_FAIL(seg_panoptic_from_mask2former(cls, masks, things, 1, NULL, &pan),
               SEG_ERR_FORMAT, "mask logit of query 4 at 3 is NaN");
    ((float *)seg_tensor_data(cls))[6 * 2 + 1] = NAN;
    CHECK_FAIL(seg_panoptic_from_mask2former(cls, masks, things, 1, NULL, &pan),
               SEG_ERR_FORMAT, "class logit 1 of query 2 is NaN");
    CHECK(pan == (seg_panoptic *)0x1);
    seg_segment_info info = {.struct_size = 2};
    CHECK_OK(seg_panoptic_from_fpn(sem, in, NULL, &pan));
    CHECK_FAIL(seg_panoptic_segment(pan, 0, &info), SEG_ERR_INVALID_ARGUMENT, "struct_size 2");
    info.struct_size = sizeof info;
    CHECK_FAIL(seg_panoptic_segment(pan, 99, &info), SEG_ERR_INVALID_ARGUMENT, "segment 99");
    seg_panoptic_destroy(pan);
    /* empty instance list: stuff only */
    CHECK_OK(seg_panoptic_from_fpn(sem, NULL, NULL, &pan));
    seg_panoptic_destroy(pan);
    seg_panoptic_destroy(NULL);
    seg_instances_destroy(in);
    seg_tensor_destroy(sem);
    seg_tensor_destroy(dsem);
    seg_tensor_destroy(ctr);
    seg_tensor_destroy(off);
    seg_tensor_destroy(cls);
    seg_tensor_destroy(masks);
}

int main(void)
{
    return RUN_TESTS(CASE(fpn_matches_detectron2_combine),
                     CASE(fpn_hand_computed_overlap_and_divisor_ids),
                     CASE(deeplab_matches_reference_defaults),
                     CASE(deeplab_top_k_strict_and_small_kernel), CASE(deeplab_hand_computed),
                     CASE(mask2former_matches_panoptic_inference),
                     CASE(mask2former_overlap_option_and_stuff_merge),
                     CASE(writers_json_png_overlay), CASE(bad_inputs));
}
