/* seg_run_image on tiny models whose outputs are known by construction
 * (tests/goldens/run.py): exact labels, boxes, masks and segments in the original
 * image's coordinates, for keep, stretch and letterbox pre-processing. */
#include "check.h"
#include "test_data.h"

#include "seg/seg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    seg_model *model;
    seg_session *session;
    seg_profile *profile;
    seg_tensor *image;
} fixture;

static const char *data_path(const char *name)
{
    return test_data_path("run", name);
}

static int setup(fixture *f, const char *model, const char *profile, const char *image)
{
    memset(f, 0, sizeof *f);
    CHECK_OK(seg_model_load_file(data_path(model), NULL, &f->model));
    if (f->model)
        CHECK_OK(seg_session_create(f->model, NULL, &f->session));
    CHECK_OK(seg_profile_load_file(data_path(profile), &f->profile));
    CHECK_OK(seg_image_decode_file(data_path(image), NULL, &f->image));
    return f->session && f->profile && f->image;
}

static void teardown(fixture *f)
{
    seg_tensor_destroy(f->image);
    seg_profile_destroy(f->profile);
    seg_session_destroy(f->session);
    seg_model_destroy(f->model);
}

static seg_status run(fixture *f, seg_result **r)
{
    return seg_run_image(f->model, f->session, f->profile, f->image, r);
}

static void semantic_case(const char *profile)
{
    fixture f;
    seg_result *r = NULL;
    seg_tensor *want = NULL;
    if (!setup(&f, "semantic.onnx", profile, "blocks.png"))
        goto done;
    CHECK_OK(seg_npy_read_file(data_path("semantic_labels.npy"), NULL, &want));
    CHECK_OK(run(&f, &r));
    if (!r || !want)
        goto done;
    CHECK_EQ_INT(seg_result_task(r), SEG_TASK_SEMANTIC);
    CHECK(seg_result_instances(r) == NULL && seg_result_panoptic(r) == NULL);
    const seg_semantic *sem = seg_result_semantic(r);
    const seg_tensor *labels = seg_semantic_labels(sem);
    CHECK_EQ_INT(seg_tensor_dim(labels, 0), 6);
    CHECK_EQ_INT(seg_tensor_dim(labels, 1), 8);
    CHECK_EQ_INT(seg_tensor_dtype(labels), SEG_DTYPE_U8);
    CHECK(memcmp(seg_tensor_const_data(labels), seg_tensor_const_data(want), 48) == 0);
    CHECK_STR(seg_semantic_class_name(sem, 2), "blue");
    uint8_t rgb[3];
    seg_semantic_color(sem, 1, rgb);
    CHECK(rgb[0] == 0 && rgb[1] == 200 && rgb[2] == 0);
done:
    seg_tensor_destroy(want);
    seg_result_destroy(r);
    teardown(&f);
}

TEST(semantic_keep) { semantic_case("semantic_keep.seg.json"); }
TEST(semantic_stretch) { semantic_case("semantic_stretch.seg.json"); }
TEST(semantic_letterbox) { semantic_case("semantic_letterbox.seg.json"); }

TEST(salient)
{
    fixture f;
    seg_result *r = NULL;
    seg_tensor *want = NULL;
    if (!setup(&f, "salient.onnx", "salient.seg.json", "blocks.png"))
        goto done;
    CHECK_OK(seg_npy_read_file(data_path("semantic_labels.npy"), NULL, &want));
    CHECK_OK(run(&f, &r));
    if (!r || !want)
        goto done;
    CHECK_EQ_INT(seg_result_task(r), SEG_TASK_SALIENT);
    const seg_semantic *sem = seg_result_semantic(r);
    const uint8_t *lab = seg_tensor_const_data(seg_semantic_labels(sem));
    const uint8_t *cls = seg_tensor_const_data(want);
    const float *matte = seg_tensor_const_data(seg_semantic_probabilities(sem));
    /* sigmoid(8 * (R - G)): red 8, green -8, blue 0 */
    static const float want_matte[3] = {0.99966465f, 0.00033535f, 0.5f};
    for (int i = 0; i < 48; i++) {
        CHECK_EQ_INT(lab[i], cls[i] == 0); /* red is the foreground */
        CHECK_NEAR(matte[i], want_matte[cls[i]], 1e-6);
    }
done:
    seg_tensor_destroy(want);
    seg_result_destroy(r);
    teardown(&f);
}

TEST(yolo_letterbox)
{
    fixture f;
    seg_result *r = NULL;
    if (!setup(&f, "yolo.onnx", "yolo.seg.json", "wide.png"))
        goto done;
    CHECK_OK(run(&f, &r));
    if (!r)
        goto done;
    CHECK_EQ_INT(seg_result_task(r), SEG_TASK_INSTANCE);
    const seg_instances *in = seg_result_instances(r);
    CHECK_EQ_INT(seg_instances_count(in), 2);
    if (seg_instances_count(in) != 2)
        goto done;
    static const float boxes[2][4] = {{8, 8, 24, 24}, {40, 0, 56, 32}};
    static const uint64_t areas[2] = {16 * 16, 16 * 32};
    int64_t mw, mh;
    seg_instances_mask_size(in, &mw, &mh);
    CHECK_EQ_INT(mw, 64);
    CHECK_EQ_INT(mh, 32);
    for (size_t i = 0; i < 2; i++) {
        float box[4];
        seg_rle *rle = NULL;
        CHECK_EQ_INT(seg_instances_class(in, i), (int64_t)i);
        CHECK_NEAR(seg_instances_score(in, i), i ? 0.8f : 0.9f, 1e-6);
        CHECK_OK(seg_instances_box(in, i, box));
        for (int k = 0; k < 4; k++)
            CHECK_NEAR(box[k], boxes[i][k], 1e-4);
        CHECK_OK(seg_instances_mask_rle(in, i, &rle));
        CHECK_EQ_INT((int64_t)seg_rle_area(rle), (int64_t)areas[i]);
        seg_rle_destroy(rle);
    }
done:
    seg_result_destroy(r);
    teardown(&f);
}

TEST(maskrcnn_letterbox)
{
    fixture f;
    seg_result *r = NULL;
    if (!setup(&f, "maskrcnn.onnx", "maskrcnn.seg.json", "wide.png"))
        goto done;
    CHECK_OK(run(&f, &r));
    if (!r)
        goto done;
    const seg_instances *in = seg_result_instances(r);
    CHECK_EQ_INT(seg_instances_count(in), 2); /* the 0.3 detection is dropped */
    static const float boxes[2][4] = {{8, 8, 24, 24}, {40, 0, 56, 32}};
    for (size_t i = 0; i < seg_instances_count(in) && i < 2; i++) {
        float box[4];
        seg_rle *rle = NULL;
        CHECK_EQ_INT(seg_instances_class(in, i), (int64_t)i + 1);
        CHECK_OK(seg_instances_box(in, i, box));
        for (int k = 0; k < 4; k++)
            CHECK_NEAR(box[k], boxes[i][k], 1e-4);
        CHECK_OK(seg_instances_mask_rle(in, i, &rle));
        CHECK_EQ_INT(seg_rle_height(rle), 32);
        CHECK_EQ_INT(seg_rle_width(rle), 64);
        /* an all-ones mask pasted over its box covers at least the box */
        CHECK(seg_rle_area(rle) >= (uint64_t)((boxes[i][2] - boxes[i][0]) *
                                              (boxes[i][3] - boxes[i][1])));
        seg_rle_destroy(rle);
    }
done:
    seg_result_destroy(r);
    teardown(&f);
}

TEST(deeplab_keep)
{
    fixture f;
    seg_result *r = NULL;
    if (!setup(&f, "deeplab.onnx", "deeplab.seg.json", "square.png"))
        goto done;
    CHECK_OK(run(&f, &r));
    if (!r)
        goto done;
    CHECK_EQ_INT(seg_result_task(r), SEG_TASK_PANOPTIC);
    const seg_panoptic *pan = seg_result_panoptic(r);
    CHECK_EQ_INT(seg_panoptic_count(pan), 3);
    /* category, is_thing, area, bbox x y w h: the two things (by center order) and the
     * stuff below them. */
    static const int64_t want[3][7] = {
        {1, 1, 16, 0, 0, 4, 4}, {2, 1, 16, 4, 0, 4, 4}, {0, 0, 32, 0, 4, 8, 4}};
    int seen[3] = {0, 0, 0};
    for (size_t i = 0; i < seg_panoptic_count(pan) && i < 3; i++) {
        seg_segment_info s = {.struct_size = sizeof s};
        CHECK_OK(seg_panoptic_segment(pan, i, &s));
        CHECK_EQ_INT(s.id, (int64_t)i + 1); /* consecutive ids: 0 stays void */
        for (int k = 0; k < 3; k++) {
            if (s.category_id != want[k][0])
                continue;
            seen[k]++;
            CHECK_EQ_INT(s.is_thing, want[k][1]);
            CHECK_EQ_INT(s.area, want[k][2]);
            for (int b = 0; b < 4; b++)
                CHECK_EQ_INT(s.bbox[b], want[k][3 + b]);
        }
    }
    CHECK(seen[0] == 1 && seen[1] == 1 && seen[2] == 1);
done:
    seg_result_destroy(r);
    teardown(&f);
}

TEST(mask2former_keep)
{
    fixture f;
    seg_result *r = NULL;
    if (!setup(&f, "mask2former.onnx", "mask2former.seg.json", "square.png"))
        goto done;
    CHECK_OK(run(&f, &r));
    if (!r)
        goto done;
    const seg_panoptic *pan = seg_result_panoptic(r);
    CHECK_EQ_INT(seg_panoptic_count(pan), 2); /* the "no object" query is dropped */
    /* id, category, is_thing, area, bbox y */
    static const int64_t want[2][5] = {{1, 0, 0, 32, 4}, {2, 1, 1, 32, 0}};
    for (size_t i = 0; i < seg_panoptic_count(pan) && i < 2; i++) {
        seg_segment_info s = {.struct_size = sizeof s};
        CHECK_OK(seg_panoptic_segment(pan, i, &s));
        CHECK_EQ_INT(s.id, want[i][0]);
        CHECK_EQ_INT(s.category_id, want[i][1]);
        CHECK_EQ_INT(s.is_thing, want[i][2]);
        CHECK_EQ_INT(s.area, want[i][3]);
        CHECK_EQ_INT(s.bbox[1], want[i][4]);
    }
done:
    seg_result_destroy(r);
    teardown(&f);
}

/* A torch network with Panoptic FPN's five outputs, letterboxed; the id map and the
 * segments are those of tests/goldens/run_panoptic_fpn.py (torchvision pasting and
 * detectron2's fusion, computed in Python). */
TEST(panoptic_fpn_letterbox)
{
    fixture f;
    seg_result *r = NULL;
    seg_tensor *ids = NULL, *segs = NULL;
    if (!setup(&f, "panoptic_fpn.onnx", "panoptic_fpn.seg.json", "panoptic_fpn.png"))
        goto done;
    CHECK_OK(seg_npy_read_file(data_path("panoptic_fpn_ids.npy"), NULL, &ids));
    CHECK_OK(seg_npy_read_file(data_path("panoptic_fpn_segments.npy"), NULL, &segs));
    CHECK_OK(run(&f, &r));
    if (!r || !ids || !segs)
        goto done;
    CHECK_EQ_INT(seg_result_task(r), SEG_TASK_PANOPTIC);
    const seg_panoptic *pan = seg_result_panoptic(r);
    const seg_tensor *map = seg_panoptic_id_map(pan);
    CHECK_EQ_INT(seg_tensor_dim(map, 0), 32);
    CHECK_EQ_INT(seg_tensor_dim(map, 1), 64);
    CHECK_EQ_INT(seg_tensor_dtype(ids), SEG_DTYPE_I32);
    if (seg_tensor_count(map) != seg_tensor_count(ids))
        goto done;
    const int32_t *got = seg_tensor_const_data(map), *want = seg_tensor_const_data(ids);
    size_t differ = 0;
    for (size_t i = 0; i < seg_tensor_count(ids); i++)
        differ += got[i] != want[i];
    CHECK_EQ_INT(differ, 0);
    size_t n = (size_t)seg_tensor_dim(segs, 0);
    CHECK_EQ_INT(seg_panoptic_count(pan), n);
    const float *row = seg_tensor_const_data(segs);
    for (size_t i = 0; i < n && i < seg_panoptic_count(pan); i++, row += 9) {
        seg_segment_info s = {.struct_size = sizeof s};
        CHECK_OK(seg_panoptic_segment(pan, i, &s));
        CHECK_EQ_INT(s.id, (int64_t)row[0]);
        CHECK_EQ_INT(s.category_id, (int64_t)row[1]);
        CHECK_EQ_INT(s.is_thing, (int64_t)row[2]);
        CHECK_EQ_INT(s.area, (int64_t)row[3]);
        for (int k = 0; k < 4; k++)
            CHECK_EQ_INT(s.bbox[k], (int64_t)row[4 + k]);
        CHECK_NEAR(s.score, row[8], 1e-5);
    }
done:
    seg_tensor_destroy(ids);
    seg_tensor_destroy(segs);
    seg_result_destroy(r);
    teardown(&f);
}

/* Outputs named in the wrong order: the error names the output and what it should be. */
#define FPN_PROFILE_START                                                                  \
    "{\"preprocess\": {\"size\": [32, 32], \"resize\": \"letterbox\"}, \"postprocess\": " \
    "{\"task\": \"panoptic\", \"decoder\": \"panoptic-fpn\", \"outputs\": [\"semantic\","
TEST(panoptic_fpn_errors)
{
    fixture f;
    seg_result *r = (seg_result *)&r;
    seg_profile *p = NULL;
    if (!setup(&f, "panoptic_fpn.onnx", "panoptic_fpn.seg.json", "panoptic_fpn.png"))
        goto done;
    const char *swapped = FPN_PROFILE_START
                          " \"labels\", \"boxes\", \"scores\", \"masks\"]}}";
    CHECK_OK(seg_profile_load_memory(swapped, strlen(swapped), &p));
    CHECK_FAIL(seg_run_image(f.model, f.session, p, f.image, &r), SEG_ERR_SHAPE,
               "output 1 (postprocess.outputs[1]) must be boxes f32 [N, 4] with N = 4, "
               "got i64 [4]");
    seg_profile_destroy(p);
    p = NULL;
    const char *scores = FPN_PROFILE_START
                         " \"boxes\", \"labels\", \"masks\", \"masks\"]}}";
    CHECK_OK(seg_profile_load_memory(scores, strlen(scores), &p));
    CHECK_FAIL(seg_run_image(f.model, f.session, p, f.image, &r), SEG_ERR_SHAPE,
               "output 3 (postprocess.outputs[3]) must be scores f32 [N]");
    CHECK(r == (seg_result *)&r);
done:
    seg_profile_destroy(p);
    teardown(&f);
}

TEST(errors)
{
    fixture f;
    seg_result *r = (seg_result *)&r;
    if (!setup(&f, "semantic.onnx", "semantic_keep.seg.json", "blocks.png"))
        goto done;
    CHECK_FAIL(seg_run_image(f.model, f.session, f.profile, NULL, &r),
               SEG_ERR_INVALID_ARGUMENT, "image");
    seg_tensor *f32 = NULL;
    int64_t dims[3] = {2, 2, 3};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 3, dims, &f32));
    CHECK_FAIL(seg_run_image(f.model, f.session, f.profile, f32, &r), SEG_ERR_SHAPE,
               "must be u8 [H, W, 1|3|4]");
    seg_tensor_destroy(f32);
    seg_profile *p = NULL;
    const char *named = "{\"preprocess\": {\"size\": \"keep\"}, \"postprocess\": {\"task\":"
                        " \"semantic\", \"decoder\": \"argmax\", \"outputs\": [\"nope\"]}}";
    CHECK_OK(seg_profile_load_memory(named, strlen(named), &p));
    CHECK_FAIL(seg_run_image(f.model, f.session, p, f.image, &r), SEG_ERR_NOT_FOUND,
               "postprocess.outputs[0]");
    seg_profile_destroy(p);
    const char *fpn = "{\"preprocess\": {\"size\": \"keep\"}, \"postprocess\": {\"task\":"
                      " \"panoptic\", \"decoder\": \"panoptic-fpn\"}}";
    CHECK_OK(seg_profile_load_memory(fpn, strlen(fpn), &p));
    CHECK_FAIL(seg_run_image(f.model, f.session, p, f.image, &r), SEG_ERR_NOT_FOUND,
               "the decoder needs output 1 but the model has 1");
    seg_profile_destroy(p);
    CHECK(r == (seg_result *)&r);
    seg_result_destroy(NULL);
done:
    teardown(&f);
}

int main(void)
{
    return RUN_TESTS(CASE(semantic_keep), CASE(semantic_stretch), CASE(semantic_letterbox),
                     CASE(salient), CASE(yolo_letterbox), CASE(maskrcnn_letterbox),
                     CASE(deeplab_keep), CASE(mask2former_keep), CASE(panoptic_fpn_letterbox),
                     CASE(panoptic_fpn_errors), CASE(errors));
}
