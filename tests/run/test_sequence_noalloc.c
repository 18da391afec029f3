/* A steady-state seg_sequence of same-size frames makes no heap allocation for
 * semantic and salient profiles (every pre-processing mode, smoothing on or off):
 * malloc and friends are interposed and counted, as tests/graph/test_noalloc.c does. */
#include "check.h"
#include "test_data.h"

#include <seg/seg.h>

#include <stdlib.h>

#include "alloc_hook.h"

#ifndef SANITIZED

/* Frames alternate between two images of one size (so smoothing has work to do). */
static void steady_state(const char *model_name, const char *profile_name, double alpha)
{
    seg_model *m = NULL;
    seg_session *s = NULL;
    seg_profile *p = NULL;
    seg_sequence *seq = NULL;
    seg_tensor *img[2] = {NULL, NULL};
    CHECK_OK(seg_model_load_file(test_data_path("run", model_name), NULL, &m));
    if (m)
        CHECK_OK(seg_session_create(m, NULL, &s));
    CHECK_OK(seg_profile_load_file(test_data_path("run", profile_name), &p));
    CHECK_OK(seg_image_decode_file(test_data_path("run", "blocks.png"), NULL, &img[0]));
    if (img[0])
        CHECK_OK(seg_tensor_clone(img[0], &img[1]));
    if (s && p)
        CHECK_OK(seg_sequence_create(m, s, p, &seq));
    if (seq && img[1]) {
        uint8_t *px = seg_tensor_data(img[1]);
        for (size_t i = 0; i < seg_tensor_count(img[1]); i++)
            px[i] = (uint8_t)(255 - px[i]);
        CHECK_OK(seg_sequence_set_double(seq, SEG_SEQUENCE_SMOOTHING, alpha));
        const seg_result *r = NULL;
        for (int k = 0; k < 3; k++) /* plan, and fill the spare result */
            CHECK_OK(seg_sequence_push(seq, img[k % 2], &r));
        atomic_store(&allocations, 0);
        atomic_store(&counting, 1);
        for (int k = 0; k < 4; k++)
            CHECK_OK(seg_sequence_push(seq, img[k % 2], &r));
        atomic_store(&counting, 0);
        long n = atomic_load(&allocations);
        if (n)
            fprintf(stderr, "%s, alpha %g: %ld allocations in 4 frames\n", profile_name,
                    alpha, n);
        CHECK_EQ_INT(n, 0);
        CHECK_EQ_INT(seg_sequence_frame_count(seq), 7);
    }
    seg_sequence_destroy(seq);
    seg_tensor_destroy(img[0]);
    seg_tensor_destroy(img[1]);
    seg_profile_destroy(p);
    seg_session_destroy(s);
    seg_model_destroy(m);
}

TEST(semantic_frames_allocate_nothing)
{
    steady_state("semantic.onnx", "semantic_keep.seg.json", 1.0);
    steady_state("semantic.onnx", "semantic_stretch.seg.json", 0.5);
    steady_state("semantic.onnx", "semantic_letterbox.seg.json", 0.3);
}

TEST(salient_frames_allocate_nothing)
{
    steady_state("salient.onnx", "salient.seg.json", 1.0);
    steady_state("salient.onnx", "salient.seg.json", 0.5);
}
#endif

int main(void)
{
#ifdef SANITIZED
    return 77; /* the sanitizer owns malloc */
#else
    return RUN_TESTS(CASE(semantic_frames_allocate_nothing),
                     CASE(salient_frames_allocate_nothing));
#endif
}
