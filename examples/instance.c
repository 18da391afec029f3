/* Instance segmentation of one image: model + profile -> boxes, classes, scores and
 * COCO RLE masks.
 *
 *   instance MODEL.onnx PROFILE.seg.json IMAGE
 *
 * prints one line per instance: class, name, score, box x1 y1 x2 y2, mask area and
 * the mask's compressed COCO RLE string. */
#include <seg/seg.h>

#include <stdio.h>

static int fail(const char *what, seg_status st)
{
    fprintf(stderr, "%s: %s: %s\n", what, seg_status_string(st), seg_last_error());
    return 1;
}

static seg_status print_instance(const seg_instances *in, const seg_profile *profile, size_t i)
{
    float box[4];
    seg_rle *rle = NULL;
    const char *counts = "";
    size_t len = 0;
    seg_status st = seg_instances_box(in, i, box);
    if (st == SEG_OK && seg_instances_has_masks(in) &&
        (st = seg_instances_mask_rle(in, i, &rle)) == SEG_OK)
        st = seg_rle_string(rle, &counts, &len);
    if (st == SEG_OK) {
        int64_t cls = seg_instances_class(in, i);
        const char *name = seg_profile_class_name(profile, (size_t)cls);
        printf("%lld %s %.3f %.1f %.1f %.1f %.1f %llu %.*s\n", (long long)cls,
               name ? name : "-", seg_instances_score(in, i), box[0], box[1], box[2], box[3],
               rle ? (unsigned long long)seg_rle_area(rle) : 0ull, (int)len, counts);
    }
    seg_rle_destroy(rle);
    return st;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s MODEL PROFILE IMAGE\n", argv[0]);
        return 2;
    }
    if (SEG_INIT() != SEG_OK)
        return fail("init", SEG_ERR_VERSION);
    seg_model *model = NULL;
    seg_session *session = NULL;
    seg_profile *profile = NULL;
    seg_tensor *image = NULL;
    seg_result *result = NULL;
    int rc = 1;

    seg_status st = seg_model_load_file(argv[1], NULL, &model);
    if (st == SEG_OK)
        st = seg_session_create(model, NULL, &session);
    if (st == SEG_OK)
        st = seg_profile_load_file(argv[2], &profile);
    if (st == SEG_OK)
        st = seg_image_decode_file(argv[3], NULL, &image);
    if (st == SEG_OK)
        st = seg_run_image(model, session, profile, image, &result);
    if (st != SEG_OK) {
        rc = fail("run", st);
    } else if (!seg_result_instances(result)) {
        fprintf(stderr, "%s: not an instance segmentation profile\n", argv[2]);
    } else {
        const seg_instances *in = seg_result_instances(result);
        for (size_t i = 0; st == SEG_OK && i < seg_instances_count(in); i++)
            st = print_instance(in, profile, i);
        rc = st == SEG_OK ? 0 : fail("instance", st);
    }
    seg_result_destroy(result);
    seg_tensor_destroy(image);
    seg_profile_destroy(profile);
    seg_session_destroy(session);
    seg_model_destroy(model);
    return rc;
}
