/* Panoptic segmentation of one image: model + profile -> COCO panoptic PNG + JSON and
 * an overlay.
 *
 *   panoptic MODEL.onnx PROFILE.seg.json IMAGE OUT_PREFIX
 *
 * writes OUT_PREFIX.panoptic.png, OUT_PREFIX.json and OUT_PREFIX.overlay.png and
 * prints one line per segment: id, class, name, thing or stuff, area. */
#include <seg/seg.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, seg_status st)
{
    fprintf(stderr, "%s: %s: %s\n", what, seg_status_string(st), seg_last_error());
    return 1;
}

static seg_status write_outputs(const seg_panoptic *pan, const seg_tensor *image,
                                const char *prefix)
{
    char png[4096], path[4096];
    seg_tensor *overlay = NULL;
    snprintf(png, sizeof png, "%s.panoptic.png", prefix);
    seg_status st = seg_panoptic_write_png(pan, png);
    snprintf(path, sizeof path, "%s.json", prefix);
    const char *base = strrchr(png, '/'); /* the JSON names the PNG beside it */
    if (st == SEG_OK)
        st = seg_panoptic_write_json(pan, 0, base ? base + 1 : png, path);
    snprintf(path, sizeof path, "%s.overlay.png", prefix);
    if (st == SEG_OK)
        st = seg_panoptic_overlay(pan, image, 0.5f, &overlay);
    if (st == SEG_OK)
        st = seg_image_write_png(overlay, path);
    seg_tensor_destroy(overlay);
    return st;
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
    seg_tensor *image = NULL;
    seg_result *result = NULL;

    seg_status st = seg_model_load_file(argv[1], NULL, &model);
    if (st == SEG_OK)
        st = seg_session_create(model, NULL, &session);
    if (st == SEG_OK)
        st = seg_profile_load_file(argv[2], &profile);
    if (st == SEG_OK)
        st = seg_image_decode_file(argv[3], NULL, &image);
    if (st == SEG_OK)
        st = seg_run_image(model, session, profile, image, &result);
    const seg_panoptic *pan = st == SEG_OK ? seg_result_panoptic(result) : NULL;
    if (pan)
        st = write_outputs(pan, image, argv[4]);
    for (size_t i = 0; pan && st == SEG_OK && i < seg_panoptic_count(pan); i++) {
        seg_segment_info s = {.struct_size = sizeof s};
        if ((st = seg_panoptic_segment(pan, i, &s)) != SEG_OK)
            break;
        const char *name = seg_profile_class_name(profile, (size_t)s.category_id);
        printf("%d %d %s %s %lld\n", s.id, s.category_id, name ? name : "-",
               s.is_thing ? "thing" : "stuff", (long long)s.area);
    }
    int rc = st != SEG_OK ? fail("panoptic", st) : 0;
    if (st == SEG_OK && !pan)
        rc = 1, fprintf(stderr, "%s: not a panoptic segmentation profile\n", argv[2]);
    seg_result_destroy(result);
    seg_tensor_destroy(image);
    seg_profile_destroy(profile);
    seg_session_destroy(session);
    seg_model_destroy(model);
    return rc;
}
