/* A video through one session: frames rendered into one reused image (a red disc
 * moving right, a green one entering from the right and moving left; the test model
 * of tests/goldens/sequence.py calls them "disc" and "square") are pushed through a
 * seg_sequence, which keeps ids stable across frames.
 *
 *   frames MODEL.onnx PROFILE.seg.json [FRAMES]
 *
 * prints one line per frame: "frame K: id:class ..." (panoptic segments, or instance
 * track ids). The caller allocates nothing per frame: one image, one borrowed result. */
#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { H = 32, W = 48 };

static int fail(const char *what, seg_status st)
{
    fprintf(stderr, "%s: %s: %s\n", what, seg_status_string(st), seg_last_error());
    return 1;
}

static void disc(uint8_t *px, int cx, int cy, int channel)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= 9)
                px[(y * W + x) * 3 + channel] = 255;
}

static void render(uint8_t *px, int k)
{
    memset(px, 0, (size_t)H * W * 3);
    disc(px, 6 + 2 * k, 10, 0);
    if (k >= 3)
        disc(px, 44 - 2 * (k - 3), 24, 1);
}

static void print_frame(int k, const seg_result *r, const seg_profile *profile)
{
    const seg_panoptic *pan = seg_result_panoptic(r);
    const seg_instances *in = seg_result_instances(r);
    printf("frame %d:", k);
    for (size_t i = 0; i < seg_panoptic_count(pan); i++) {
        seg_segment_info s = {.struct_size = sizeof s};
        if (seg_panoptic_segment(pan, i, &s) == SEG_OK)
            printf(" %d:%s", (int)s.id, seg_profile_class_name(profile, (size_t)s.category_id));
    }
    for (size_t i = 0; i < seg_instances_count(in); i++)
        printf(" %lld:%s", (long long)seg_instances_track_id(in, i),
               seg_profile_class_name(profile, (size_t)seg_instances_class(in, i)));
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.onnx PROFILE.seg.json [FRAMES]\n", argv[0]);
        return 2;
    }
    int frames = argc > 3 ? atoi(argv[3]) : 10;
    static uint8_t pixels[H * W * 3];
    int64_t dims[3] = {H, W, 3};
    seg_model *model = NULL;
    seg_session *session = NULL;
    seg_profile *profile = NULL;
    seg_sequence *seq = NULL;
    seg_tensor *image = NULL;
    seg_status st = seg_model_load_file(argv[1], NULL, &model);
    if (st == SEG_OK)
        st = seg_session_create(model, NULL, &session);
    if (st == SEG_OK)
        st = seg_profile_load_file(argv[2], &profile);
    if (st == SEG_OK)
        st = seg_sequence_create(model, session, profile, &seq);
    if (st == SEG_OK) /* average class probabilities over frames: half the newest */
        st = seg_sequence_set_double(seq, SEG_SEQUENCE_SMOOTHING, 0.5);
    if (st == SEG_OK) /* the image borrows `pixels`, redrawn for every frame */
        st = seg_tensor_wrap(SEG_DTYPE_U8, 3, dims, pixels, sizeof pixels, &image);
    for (int k = 0; st == SEG_OK && k < frames; k++) {
        const seg_result *r; /* borrowed: valid until the next push */
        render(pixels, k);
        if ((st = seg_sequence_push(seq, image, &r)) == SEG_OK)
            print_frame(k, r, profile);
    }
    int rc = st == SEG_OK ? 0 : fail("frames", st);
    seg_tensor_destroy(image);
    seg_sequence_destroy(seq);
    seg_profile_destroy(profile);
    seg_session_destroy(session);
    seg_model_destroy(model);
    return rc;
}
