/* Semantic segmentation of one image: model + profile -> label PNG and overlay.
 *
 *   semantic MODEL.onnx PROFILE.seg.json IMAGE OUT_PREFIX
 *
 * writes OUT_PREFIX.label.png (one palette entry per class) and OUT_PREFIX.overlay.png,
 * and prints the pixel count of every class present. */
#include <seg/seg.h>

#include <stdio.h>

static int fail(const char *what, seg_status st)
{
    fprintf(stderr, "%s: %s: %s\n", what, seg_status_string(st), seg_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s MODEL PROFILE IMAGE OUT_PREFIX\n", argv[0]);
        return 2;
    }
    if (SEG_INIT() != SEG_OK)
        return fail("init", SEG_ERR_VERSION);
    seg_model *model = NULL;
    seg_session *session = NULL;
    seg_profile *profile = NULL;
    seg_tensor *image = NULL, *overlay = NULL;
    seg_result *result = NULL;
    char path[4096];
    int rc = 1;

    seg_status st = seg_model_load_file(argv[1], NULL, &model);
    if (st != SEG_OK) {
        rc = fail(argv[1], st);
        goto done;
    }
    if ((st = seg_session_create(model, NULL, &session)) != SEG_OK ||
        (st = seg_profile_load_file(argv[2], &profile)) != SEG_OK ||
        (st = seg_image_decode_file(argv[3], NULL, &image)) != SEG_OK ||
        (st = seg_run_image(model, session, profile, image, &result)) != SEG_OK) {
        rc = fail("run", st);
        goto done;
    }
    const seg_semantic *sem = seg_result_semantic(result);
    if (!sem) {
        fprintf(stderr, "%s: not a semantic segmentation profile\n", argv[2]);
        goto done;
    }
    snprintf(path, sizeof path, "%s.label.png", argv[4]);
    if ((st = seg_semantic_write_png(sem, path)) != SEG_OK) {
        rc = fail(path, st);
        goto done;
    }
    snprintf(path, sizeof path, "%s.overlay.png", argv[4]);
    if ((st = seg_semantic_overlay(sem, image, 0.5f, &overlay)) != SEG_OK ||
        (st = seg_image_write_png(overlay, path)) != SEG_OK) {
        rc = fail(path, st);
        goto done;
    }
    const int64_t *areas = seg_semantic_areas(sem);
    for (size_t c = 0; c < seg_semantic_num_classes(sem); c++)
        if (areas[c] > 0) {
            const char *name = seg_semantic_class_name(sem, c);
            printf("%zu %s %lld\n", c, name ? name : "-", (long long)areas[c]);
        }
    rc = 0;
done:
    seg_result_destroy(result);
    seg_tensor_destroy(overlay);
    seg_tensor_destroy(image);
    seg_profile_destroy(profile);
    seg_session_destroy(session);
    seg_model_destroy(model);
    return rc;
}
