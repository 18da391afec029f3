/* seg_sequence: temporal smoothing against a hand computation, track ids on instance
 * and panoptic results, the moving-object sequence of tests/goldens/sequence.py,
 * resets, options and errors. */
#include "check.h"
#include "test_data.h"

#include "post/semantic.h"

#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>

typedef struct fixture {
    seg_model *model;
    seg_session *session;
    seg_profile *profile;
    seg_sequence *seq;
} fixture;


static int setup(fixture *f, const char *area, const char *model, const char *profile)
{
    memset(f, 0, sizeof *f);
    CHECK_OK(seg_model_load_file(test_data_path(area, model), NULL, &f->model));
    if (f->model)
        CHECK_OK(seg_session_create(f->model, NULL, &f->session));
    CHECK_OK(seg_profile_load_file(test_data_path(area, profile), &f->profile));
    if (f->session && f->profile)
        CHECK_OK(seg_sequence_create(f->model, f->session, f->profile, &f->seq));
    return f->seq != NULL;
}

static void teardown(fixture *f)
{
    seg_sequence_destroy(f->seq);
    seg_profile_destroy(f->profile);
    seg_session_destroy(f->session);
    seg_model_destroy(f->model);
}

static seg_tensor *solid(int64_t h, int64_t w, uint8_t r, uint8_t g, uint8_t b)
{
    int64_t dims[3] = {h, w, 3};
    seg_tensor *t = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_U8, 3, dims, &t));
    uint8_t *p = t ? seg_tensor_data(t) : NULL;
    for (int64_t i = 0; p && i < h * w; i++) {
        p[i * 3] = r;
        p[i * 3 + 1] = g;
        p[i * 3 + 2] = b;
    }
    return t;
}

/* Two softmax frames smoothed with alpha 0.25, each value computed by hand. */
TEST(ema_by_hand)
{
    /* [1, 3, 1, 2] logits: pixel 0 goes from class 0 to class 1, pixel 1 stays 2 */
    float l1[6] = {2, 0, 0, 0, 0, 1}, l2[6] = {0, 0, 3, 0, 0, 1};
    int64_t dims[4] = {1, 3, 1, 2};
    seg_tensor *t1 = NULL, *t2 = NULL;
    seg_semantic *s1 = NULL, *s2 = NULL;
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.outputs = SEG_SEMANTIC_PROBABILITIES | SEG_SEMANTIC_CONFIDENCE;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 4, dims, l1, sizeof l1, &t1));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 4, dims, l2, sizeof l2, &t2));
    CHECK_OK(seg_semantic_from_logits(t1, &p, &s1));
    CHECK_OK(seg_semantic_from_logits(t2, &p, &s2));
    if (!s1 || !s2)
        goto done;
    float state[6];
    CHECK_OK(segi_semantic_smooth(s1, state, true, 0.25f, 0.5f));
    CHECK_OK(segi_semantic_smooth(s2, state, false, 0.25f, 0.5f));
    double e2 = exp(2.0), e3 = exp(3.0), e1 = exp(1.0);
    /* frame 1, pixel 0: softmax(2, 0, 0); frame 2: softmax(0, 3, 0); pixel 1 both
     * frames softmax(0, 0, 1) */
    double p1[3] = {e2 / (e2 + 2), 1 / (e2 + 2), 1 / (e2 + 2)};
    double p2[3] = {1 / (e3 + 2), e3 / (e3 + 2), 1 / (e3 + 2)};
    double q[3] = {1 / (e1 + 2), 1 / (e1 + 2), e1 / (e1 + 2)};
    const float *got = seg_tensor_const_data(seg_semantic_probabilities(s2));
    for (int c = 0; c < 3; c++) {
        CHECK_NEAR(got[c * 2], 0.25 * p2[c] + 0.75 * p1[c], 1e-6);
        CHECK_NEAR(got[c * 2 + 1], q[c], 1e-6);
        CHECK_NEAR(state[c * 2], got[c * 2], 0);
    }
    /* smoothed: 0.25 * 0.0453 + 0.75 * 0.787 = 0.60 for class 0 against 0.31 for class
     * 1, so pixel 0 stays class 0 although frame 2 alone says class 1 */
    const uint8_t *lab = seg_tensor_const_data(seg_semantic_labels(s2));
    CHECK_EQ_INT(lab[0], 0);
    CHECK_EQ_INT(lab[1], 2);
    CHECK_EQ_INT(seg_semantic_areas(s2)[0], 1);
    CHECK_EQ_INT(seg_semantic_areas(s2)[1], 0);
    CHECK_EQ_INT(seg_semantic_areas(s2)[2], 1);
    const float *conf = seg_tensor_const_data(seg_semantic_confidence(s2));
    CHECK_NEAR(conf[0], 0.25 * p2[0] + 0.75 * p1[0], 1e-6);
    /* the first frame is left exactly as decoded */
    const float *first = seg_tensor_const_data(seg_semantic_probabilities(s1));
    CHECK_NEAR(first[0], p1[0], 1e-6);
done:
    seg_semantic_destroy(s1);
    seg_semantic_destroy(s2);
    seg_tensor_destroy(t1);
    seg_tensor_destroy(t2);
}

/* The salient model (logit 8 (R - G)) through a sequence with alpha 0.4 against the
 * moving average of seg_run_image()'s own per-frame mattes: red (p ~ 1), then green
 * (p ~ 0) twice: 0.4 * 0 + 0.6 * 1 = 0.6 keeps frame 2 foreground, frame 3 (0.36) is
 * not; frame 4 has another size, so smoothing starts over. */
TEST(salient_sequence_smooths)
{
    fixture f;
    seg_tensor *frames[4] = {solid(4, 6, 200, 0, 0), solid(4, 6, 0, 200, 0),
                             solid(4, 6, 0, 200, 0), solid(2, 6, 0, 200, 0)};
    seg_result *alone[4] = {NULL, NULL, NULL, NULL};
    if (!setup(&f, "run", "salient.onnx", "salient.seg.json"))
        goto done;
    CHECK_OK(seg_sequence_set_double(f.seq, SEG_SEQUENCE_SMOOTHING, 0.4));
    for (int k = 0; k < 4; k++)
        CHECK_OK(seg_run_image(f.model, f.session, f.profile, frames[k], &alone[k]));
    double want = 0;
    for (int k = 0; k < 4 && alone[k]; k++) {
        const seg_result *r = NULL;
        CHECK_OK(seg_sequence_push(f.seq, frames[k], &r));
        if (!r)
            break;
        const seg_semantic *sem = seg_result_semantic(r);
        double p = *(const float *)seg_tensor_const_data(
            seg_semantic_probabilities(seg_result_semantic(alone[k])));
        want = k == 0 || k == 3 ? p : 0.4 * p + 0.6 * want;
        const float *got = seg_tensor_const_data(seg_semantic_probabilities(sem));
        CHECK_NEAR(got[0], want, 1e-6);
        CHECK_NEAR(got[seg_tensor_count(seg_semantic_probabilities(sem)) - 1], want, 1e-6);
        CHECK_EQ_INT(*(const uint8_t *)seg_tensor_const_data(seg_semantic_labels(sem)),
                     k < 2);
    }
    CHECK_EQ_INT(seg_sequence_frame_count(f.seq), 4);
done:
    for (int k = 0; k < 4; k++) {
        seg_result_destroy(alone[k]);
        seg_tensor_destroy(frames[k]);
    }
    teardown(&f);
}

/* The fixed YOLO outputs of tests/goldens/run.py repeat in every frame: the same two
 * instances keep ids 1 and 2; seg_run_image() results carry no ids. */
TEST(instances_get_track_ids)
{
    fixture f;
    seg_tensor *img = NULL;
    seg_result *plain = NULL;
    if (!setup(&f, "run", "yolo.onnx", "yolo.seg.json"))
        goto done;
    CHECK_OK(seg_image_decode_file(test_data_path("run", "wide.png"), NULL, &img));
    for (int k = 0; img && k < 3; k++) {
        const seg_result *r = NULL;
        CHECK_OK(seg_sequence_push(f.seq, img, &r));
        const seg_instances *in = r ? seg_result_instances(r) : NULL;
        CHECK_EQ_INT(seg_instances_count(in), 2);
        CHECK_EQ_INT(seg_instances_track_id(in, 0), 1);
        CHECK_EQ_INT(seg_instances_track_id(in, 1), 2);
        CHECK_EQ_INT(seg_instances_track_id(in, 2), 0);
    }
    seg_sequence_reset(f.seq); /* a scene cut: the same objects get new ids */
    const seg_result *r = NULL;
    if (img)
        CHECK_OK(seg_sequence_push(f.seq, img, &r));
    CHECK_EQ_INT(seg_instances_track_id(r ? seg_result_instances(r) : NULL, 0), 3);
    /* a frame of another size that fails leaves the tracks alone */
    int64_t dims[2] = {5, 5};
    seg_tensor *bad = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_U8, 2, dims, &bad));
    if (bad)
        CHECK_FAIL(seg_sequence_push(f.seq, bad, &r), SEG_ERR_SHAPE, "seg_run_image");
    seg_tensor_destroy(bad);
    if (img)
        CHECK_OK(seg_sequence_push(f.seq, img, &r));
    CHECK_EQ_INT(seg_instances_track_id(r ? seg_result_instances(r) : NULL, 1), 4);
    if (img)
        CHECK_OK(seg_run_image(f.model, f.session, f.profile, img, &plain));
    CHECK_EQ_INT(seg_instances_track_id(plain ? seg_result_instances(plain) : NULL, 0), 0);
done:
    seg_result_destroy(plain);
    seg_tensor_destroy(img);
    teardown(&f);
}

/* The moving disc of tests/data/sequence keeps id 1 in all 10 frames; the square
 * entering at frame 4 (listed first by the decoder) gets id 2; stuff is
 * SEG_SEQUENCE_STUFF_ID_BASE + 0; the id map agrees with the segments. */
TEST(moving_object_keeps_its_panoptic_id)
{
    fixture f;
    if (!setup(&f, "sequence", "blobs.onnx", "blobs.seg.json"))
        goto done;
    CHECK_OK(seg_sequence_set_double(f.seq, SEG_SEQUENCE_SMOOTHING, 0.5));
    for (int k = 0; k < 10; k++) {
        char name[64];
        snprintf(name, sizeof name, "frames/%02d.png", k);
        seg_tensor *img = NULL;
        const seg_result *r = NULL;
        CHECK_OK(seg_image_decode_file(test_data_path("sequence", name), NULL, &img));
        if (img)
            CHECK_OK(seg_sequence_push(f.seq, img, &r));
        seg_tensor_destroy(img);
        const seg_panoptic *pan = r ? seg_result_panoptic(r) : NULL;
        CHECK_EQ_INT(seg_panoptic_count(pan), k < 4 ? 2 : 3);
        for (size_t i = 0; i < seg_panoptic_count(pan); i++) {
            seg_segment_info s = {.struct_size = sizeof s};
            CHECK_OK(seg_panoptic_segment(pan, i, &s));
            int32_t want = s.category_id == 1 ? 1 : s.category_id == 2 ? 2
                                                  : SEG_SEQUENCE_STUFF_ID_BASE;
            CHECK_EQ_INT(s.id, want);
            const int32_t *map = seg_tensor_const_data(seg_panoptic_id_map(pan));
            int64_t at = (s.bbox[1] + s.bbox[3] / 2) * 48 + s.bbox[0] + s.bbox[2] / 2;
            CHECK_EQ_INT(map[at], want); /* the middle of each blob (and of the frame) */
        }
    }
done:
    teardown(&f);
}

TEST(failed_push_keeps_the_previous_frame)
{
    fixture f;
    seg_tensor *img = solid(4, 6, 200, 0, 0), *bad = NULL;
    int64_t dims[2] = {4, 6};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_U8, 2, dims, &bad));
    if (!setup(&f, "run", "salient.onnx", "salient.seg.json") || !img || !bad)
        goto done;
    const seg_result *r = NULL, *keep = NULL;
    CHECK_OK(seg_sequence_push(f.seq, img, &keep));
    r = keep;
    CHECK_FAIL(seg_sequence_push(f.seq, bad, &r), SEG_ERR_SHAPE, "u8 [H, W, 1|3|4]");
    CHECK(r == keep); /* untouched, and still readable */
    CHECK_EQ_INT(seg_semantic_num_classes(seg_result_semantic(keep)), 2);
    CHECK_EQ_INT(seg_sequence_frame_count(f.seq), 1);
    CHECK_FAIL(seg_sequence_push(f.seq, NULL, &r), SEG_ERR_INVALID_ARGUMENT, "image");
    CHECK_FAIL(seg_sequence_push(NULL, img, &r), SEG_ERR_INVALID_ARGUMENT, "NULL");
done:
    seg_tensor_destroy(img);
    seg_tensor_destroy(bad);
    teardown(&f);
}

TEST(options)
{
    fixture f;
    if (!setup(&f, "run", "salient.onnx", "salient.seg.json"))
        goto done;
    CHECK_FAIL(seg_sequence_set_double(f.seq, SEG_SEQUENCE_SMOOTHING, 0), SEG_ERR_INVALID_ARGUMENT,
               "SEG_SEQUENCE_SMOOTHING must be in (0, 1], got 0");
    CHECK_FAIL(seg_sequence_set_double(f.seq, SEG_SEQUENCE_IOU_THRESHOLD, 1.5),
               SEG_ERR_INVALID_ARGUMENT, "SEG_SEQUENCE_IOU_THRESHOLD must be in (0, 1]");
    CHECK_FAIL(seg_sequence_set_double(f.seq, SEG_SEQUENCE_IOU_THRESHOLD, NAN),
               SEG_ERR_INVALID_ARGUMENT, "got nan");
    CHECK_FAIL(seg_sequence_set_double(f.seq, SEG_SEQUENCE_MAX_MISSED, 1),
               SEG_ERR_INVALID_ARGUMENT, "key 3 is not a double option");
    CHECK_FAIL(seg_sequence_set_int(f.seq, SEG_SEQUENCE_SMOOTHING, 1), SEG_ERR_INVALID_ARGUMENT,
               "key 1 is not an integer option");
    CHECK_FAIL(seg_sequence_set_int(f.seq, SEG_SEQUENCE_MAX_MISSED, -1),
               SEG_ERR_INVALID_ARGUMENT, "SEG_SEQUENCE_MAX_MISSED must be >= 0, got -1");
    CHECK_OK(seg_sequence_set_double(f.seq, SEG_SEQUENCE_SMOOTHING, 1));
    CHECK_OK(seg_sequence_set_double(f.seq, SEG_SEQUENCE_IOU_THRESHOLD, 0.5));
    CHECK_OK(seg_sequence_set_int(f.seq, SEG_SEQUENCE_MAX_MISSED, 0));
    seg_sequence *s = (seg_sequence *)&f; /* untouched on failure */
    CHECK_FAIL(seg_sequence_create(NULL, f.session, f.profile, &s), SEG_ERR_INVALID_ARGUMENT,
               "model");
    CHECK(s == (seg_sequence *)&f);
    seg_sequence_destroy(NULL);
    seg_sequence_reset(NULL);
    CHECK_EQ_INT(seg_sequence_frame_count(NULL), 0);
done:
    teardown(&f);
}

int main(void)
{
    return RUN_TESTS(CASE(ema_by_hand), CASE(salient_sequence_smooths),
                     CASE(instances_get_track_ids), CASE(moving_object_keeps_its_panoptic_id),
                     CASE(failed_push_keeps_the_previous_frame), CASE(options));
}
