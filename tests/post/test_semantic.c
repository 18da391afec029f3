/* seg_semantic against F.interpolate + argmax / softmax goldens (reference §1) and
 * hand-computed cases. */
#include "check.h"
#include "results_golden.h"

#include "post/simd.h"

#include <seg/seg.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static seg_semantic *decode(const seg_tensor *logits, const seg_semantic_params *p)
{
    seg_semantic *s = NULL;
    CHECK_OK(seg_semantic_from_logits(logits, p, &s));
    return s;
}

/* Count label pixels that differ from the golden u8 map. */
static size_t label_mismatches(const seg_semantic *s, const seg_tensor *want)
{
    const seg_tensor *got = seg_semantic_labels(s);
    if (!got || seg_tensor_count(got) != seg_tensor_count(want))
        return (size_t)-1;
    const uint8_t *a = seg_tensor_const_data(got), *b = seg_tensor_const_data(want);
    size_t bad = 0;
    for (size_t i = 0; i < seg_tensor_count(want); i++)
        bad += a[i] != b[i];
    return bad;
}

static double max_abs_diff(const seg_tensor *a, const seg_tensor *b)
{
    if (!a || !b || seg_tensor_count(a) != seg_tensor_count(b))
        return 1e9;
    const float *x = seg_tensor_const_data(a), *y = seg_tensor_const_data(b);
    double m = 0;
    for (size_t i = 0; i < seg_tensor_count(a); i++)
        m = fmax(m, fabs((double)x[i] - (double)y[i]));
    return m;
}

/* torchvision / detectron2 default: F.interpolate(align_corners=False), then argmax;
 * probabilities = softmax of the resized logits (SEG_SEMANTIC_PROBABILITIES). */
TEST(half_pixel_matches_interpolate_argmax_softmax)
{
    seg_tensor *x = golden("sem_logits"), *want = golden("sem_labels");
    seg_tensor *probs = golden("sem_probs"), *conf = golden("sem_conf");
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.out_height = 37;
    p.out_width = 29;
    p.outputs = SEG_SEMANTIC_PROBABILITIES | SEG_SEMANTIC_CONFIDENCE;
    seg_semantic *s = decode(x, &p);
    CHECK_EQ_INT(label_mismatches(s, want), 0);
    CHECK(max_abs_diff(seg_semantic_probabilities(s), probs) < 1e-6);
    CHECK(max_abs_diff(seg_semantic_confidence(s), conf) < 1e-6);
    CHECK_EQ_INT(seg_tensor_dtype(seg_semantic_labels(s)), SEG_DTYPE_U8);
    CHECK_EQ_INT(seg_semantic_num_classes(s), 5);
    const int64_t *areas = seg_semantic_areas(s);
    int64_t counted[5] = {0}, total = 0;
    const uint8_t *w = seg_tensor_const_data(want);
    for (size_t i = 0; i < 37 * 29; i++)
        counted[w[i]]++;
    for (int c = 0; c < 5; c++) {
        CHECK_EQ_INT(areas[c], counted[c]);
        total += areas[c];
    }
    CHECK_EQ_INT(total, 37 * 29);
    seg_semantic_destroy(s);
    /* labels only (the streaming path without kept values) gives the same map */
    p.outputs = 0;
    s = decode(x, &p);
    CHECK_EQ_INT(label_mismatches(s, want), 0);
    CHECK(seg_semantic_probabilities(s) == NULL);
    CHECK(seg_semantic_confidence(s) == NULL);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
    seg_tensor_destroy(want);
    seg_tensor_destroy(probs);
    seg_tensor_destroy(conf);
}

/* mmsegmentation models with align_corners=True: SEG_RESIZE_ALIGN_CORNERS. */
TEST(align_corners_matches_interpolate)
{
    seg_tensor *x = golden("sem_logits"), *want = golden("sem_labels_ac");
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.out_height = 37;
    p.out_width = 29;
    p.resize = SEG_RESIZE_ALIGN_CORNERS;
    seg_semantic *s = decode(x, &p);
    CHECK_EQ_INT(label_mismatches(s, want), 0);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
    seg_tensor_destroy(want);
}

/* detectron2 sem_seg_postprocess: crop [:, 1:10, 2:13] then resize (crop_* fields). */
TEST(crop_then_resize_matches_detectron2_postprocess)
{
    seg_tensor *x = golden("sem_crop_logits"), *want = golden("sem_crop_labels");
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.crop_top = 1;
    p.crop_left = 2;
    p.crop_height = 9;
    p.crop_width = 11;
    p.out_height = 20;
    p.out_width = 23;
    seg_semantic *s = decode(x, &p);
    CHECK_EQ_INT(label_mismatches(s, want), 0);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
    seg_tensor_destroy(want);
}

/* 21 classes, 4x upsampling (the DeepLabV3 shape, scaled down); i32 labels on request. */
TEST(twenty_one_classes_4x_and_i32_labels)
{
    seg_tensor *x = golden("sem_big_logits"), *want = golden("sem_big_labels");
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.out_height = 128;
    p.out_width = 128;
    seg_semantic *s = decode(x, &p);
    CHECK_EQ_INT(label_mismatches(s, want), 0);
    seg_semantic_destroy(s);
    p.label_dtype = SEG_DTYPE_I32;
    s = decode(x, &p);
    const seg_tensor *l = seg_semantic_labels(s);
    CHECK_EQ_INT(seg_tensor_dtype(l), SEG_DTYPE_I32);
    const int32_t *a = seg_tensor_const_data(l);
    const uint8_t *b = seg_tensor_const_data(want);
    size_t bad = 0;
    for (size_t i = 0; i < 128 * 128; i++)
        bad += a[i] != b[i];
    CHECK_EQ_INT(bad, 0);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
    seg_tensor_destroy(want);
}

/* Binary / salient models: one channel, sigmoid(resized logit) > 0.5. */
TEST(single_channel_sigmoid_threshold)
{
    seg_tensor *x = golden("sem_bin_logits"), *want = golden("sem_bin_labels");
    seg_tensor *probs = golden("sem_bin_probs");
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.out_height = 30;
    p.out_width = 30;
    p.outputs = SEG_SEMANTIC_PROBABILITIES | SEG_SEMANTIC_CONFIDENCE;
    seg_semantic *s = decode(x, &p);
    CHECK_EQ_INT(label_mismatches(s, want), 0);
    CHECK_EQ_INT(seg_semantic_num_classes(s), 2);
    CHECK(max_abs_diff(seg_semantic_probabilities(s), probs) < 1e-6);
    const float *pr = seg_tensor_const_data(probs);
    const float *cf = seg_tensor_const_data(seg_semantic_confidence(s));
    const uint8_t *lab = seg_tensor_const_data(want);
    for (size_t i = 0; i < 900; i++)
        CHECK_NEAR(cf[i], lab[i] ? pr[i] : 1.0f - pr[i], 1e-6);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
    seg_tensor_destroy(want);
    seg_tensor_destroy(probs);
}

/* Hand-computed: equal logits tie to the lowest class; identity size copies. */
TEST(ties_go_to_lowest_class)
{
    float v[3 * 1 * 2] = {1, 5, 1, 5, 0, 5}; /* [3, 1, 2]: pixel 0 tie 0/1, pixel 1 all 5 */
    int64_t dims[3] = {3, 1, 2};
    seg_tensor *x;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, dims, v, sizeof v, &x));
    seg_semantic *s = decode(x, NULL);
    const uint8_t *l = seg_tensor_const_data(seg_semantic_labels(s));
    CHECK_EQ_INT(l[0], 0);
    CHECK_EQ_INT(l[1], 0);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
}

/* Hand-computed 1 x 2 -> 1 x 4 half-pixel resize: src x = 0, 0.25, 0.75, 1 (clamped),
 * so class 1 (logit ramp 0 -> 1 against a constant 0.5) wins only where the
 * interpolated ramp exceeds 0.5: pixels 2 and 3. */
TEST(hand_computed_half_pixel_ramp)
{
    float v[2 * 1 * 2] = {0.5f, 0.5f, 0.0f, 1.0f};
    int64_t dims[3] = {2, 1, 2};
    seg_tensor *x;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, dims, v, sizeof v, &x));
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.out_height = 1;
    p.out_width = 4;
    seg_semantic *s = decode(x, &p);
    const uint8_t *l = seg_tensor_const_data(seg_semantic_labels(s));
    CHECK(l[0] == 0 && l[1] == 0 && l[2] == 1 && l[3] == 1);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
}

TEST(palette_names_overlay)
{
    uint8_t rgb[3];
    seg_palette_voc(1, rgb);
    CHECK(rgb[0] == 128 && rgb[1] == 0 && rgb[2] == 0);
    seg_palette_voc(15, rgb); /* VOC "person" */
    CHECK(rgb[0] == 192 && rgb[1] == 128 && rgb[2] == 128);
    seg_palette_voc(255, rgb);
    CHECK(rgb[0] == 224 && rgb[1] == 224 && rgb[2] == 192);
    float v[2 * 1 * 2] = {1, 0, 0, 1};
    int64_t dims[3] = {2, 1, 2};
    seg_tensor *x;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, dims, v, sizeof v, &x));
    seg_semantic *s = decode(x, NULL);
    CHECK_OK(seg_semantic_set_class_name(s, 1, "cat"));
    CHECK_STR(seg_semantic_class_name(s, 1), "cat");
    CHECK(seg_semantic_class_name(s, 0) == NULL);
    CHECK_FAIL(seg_semantic_set_class_name(s, 2, "x"), SEG_ERR_INVALID_ARGUMENT, "class 2");
    const uint8_t pal[3] = {10, 20, 30};
    CHECK_OK(seg_semantic_set_palette(s, pal, 1));
    seg_semantic_color(s, 0, rgb);
    CHECK(rgb[0] == 10 && rgb[1] == 20 && rgb[2] == 30);
    seg_semantic_color(s, 1, rgb); /* beyond the custom palette: VOC default */
    CHECK(rgb[0] == 128 && rgb[1] == 0 && rgb[2] == 0);
    uint8_t img[1 * 2 * 1] = {100, 200};
    int64_t idims[3] = {1, 2, 1};
    seg_tensor *im, *ov = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 3, idims, img, sizeof img, &im));
    CHECK_OK(seg_semantic_overlay(s, im, 0.5f, &ov));
    const uint8_t *o = seg_tensor_const_data(ov);
    /* pixel 0 grey 100 with (10,20,30): 55, 60, 65; pixel 1 grey 200 with (128,0,0) */
    CHECK(o[0] == 55 && o[1] == 60 && o[2] == 65);
    CHECK(o[3] == 164 && o[4] == 100 && o[5] == 100);
    seg_tensor_destroy(ov);
    CHECK_FAIL(seg_semantic_overlay(s, im, 1.5f, &ov), SEG_ERR_INVALID_ARGUMENT, "alpha");
    seg_tensor_destroy(im);
    int64_t bad_dims[3] = {2, 1, 1};
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 3, bad_dims, img, sizeof img, &im));
    CHECK_FAIL(seg_semantic_overlay(s, im, 0.5f, &ov), SEG_ERR_SHAPE, "[1, 2, 1|3|4]");
    seg_tensor_destroy(im);
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
}

/* The indexed PNG decodes (palette expanded) to each label's palette colour. */
TEST(write_indexed_png)
{
    seg_tensor *x = golden("sem_logits");
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.out_height = 37;
    p.out_width = 29;
    seg_semantic *s = decode(x, &p);
    char path[] = "/tmp/seg-semantic-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(seg_semantic_write_png(s, path));
    seg_tensor *img = NULL;
    CHECK_OK(seg_image_decode_file(path, NULL, &img));
    unlink(path);
    CHECK_EQ_INT(seg_tensor_dim(img, 2), 3);
    const uint8_t *rgb = seg_tensor_const_data(img);
    const uint8_t *lab = seg_tensor_const_data(seg_semantic_labels(s));
    size_t bad = 0;
    for (size_t i = 0; i < 37 * 29; i++) {
        uint8_t c[3];
        seg_semantic_color(s, lab[i], c);
        bad += memcmp(c, rgb + 3 * i, 3) != 0;
    }
    CHECK_EQ_INT(bad, 0);
    seg_tensor_destroy(img);
    CHECK_FAIL(seg_semantic_write_png(s, "/nonexistent-dir/x.png"), SEG_ERR_IO, "");
    seg_semantic_destroy(s);
    seg_tensor_destroy(x);
}

/* The vector exp used by the softmax stays within a few ulp of expf on [-86.5, 0]. */
TEST(vector_exp_accuracy)
{
    double worst = 0;
    for (int i = 0; i <= 400000; i++) {
        float x[4];
        for (int k = 0; k < 4; k++)
            x[k] = -86.5f * (float)(4 * i + k) / 1600003.0f;
        float y[4];
        segi_store4(y, segi_exp4_nonpos(segi_load4(x)));
        for (int k = 0; k < 4; k++) {
            double want = exp((double)x[k]);
            worst = fmax(worst, fabs(y[k] - want) / want);
        }
    }
    CHECK(worst < 4 * 5.96e-8); /* 4 ulp */
    float z[4] = {0, -200, -1e30f, -INFINITY}, out[4];
    segi_store4(out, segi_exp4_nonpos(segi_load4(z)));
    CHECK(out[0] == 1.0f);
    CHECK(out[1] > 0 && out[1] < 1e-37f && out[3] < 1e-37f);
}

TEST(bad_inputs)
{
    seg_semantic *s = (seg_semantic *)0x1;
    float v[8] = {0};
    int64_t d4[4] = {2, 1, 2, 2}, d3[3] = {2, 2, 2}, d2[2] = {2, 4};
    seg_tensor *t;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 4, d4, v, sizeof v, &t));
    CHECK_FAIL(seg_semantic_from_logits(t, NULL, &s), SEG_ERR_SHAPE, "[2, 1, 2, 2]");
    seg_tensor_destroy(t);
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, d2, v, sizeof v, &t));
    CHECK_FAIL(seg_semantic_from_logits(t, NULL, &s), SEG_ERR_SHAPE, "[1, C, h, w]");
    seg_tensor_destroy(t);
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 3, d3, v, sizeof v, &t));
    seg_semantic_params p;
    seg_semantic_params_init(&p);
    p.crop_top = 1;
    p.crop_height = 2;
    CHECK_FAIL(seg_semantic_from_logits(t, &p, &s), SEG_ERR_SHAPE, "not inside logits");
    seg_semantic_params_init(&p);
    p.resize = (seg_resize_mode)7;
    CHECK_FAIL(seg_semantic_from_logits(t, &p, &s), SEG_ERR_INVALID_ARGUMENT, "resize mode 7");
    seg_semantic_params_init(&p);
    p.struct_size = 1000;
    CHECK_FAIL(seg_semantic_from_logits(t, &p, &s), SEG_ERR_INVALID_ARGUMENT, "struct_size");
    seg_semantic_params_init(&p);
    p.threshold = 2.0f;
    CHECK_FAIL(seg_semantic_from_logits(t, &p, &s), SEG_ERR_INVALID_ARGUMENT, "threshold");
    v[5] = NAN; /* class 1, y 0, x 1 */
    CHECK_FAIL(seg_semantic_from_logits(t, NULL, &s), SEG_ERR_FORMAT,
               "class 1 at (y 0, x 1) is NaN");
    CHECK(s == (seg_semantic *)0x1);
    seg_tensor_destroy(t);
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_I32, 3, d3, v, sizeof v, &t));
    CHECK_FAIL(seg_semantic_from_logits(t, NULL, &s), SEG_ERR_UNSUPPORTED, "f32");
    seg_tensor_destroy(t);
    int64_t d0[3] = {0, 2, 2};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 3, d0, &t));
    CHECK_FAIL(seg_semantic_from_logits(t, NULL, &s), SEG_ERR_SHAPE, "empty");
    seg_tensor_destroy(t);
    int64_t dbig[3] = {300, 1, 1};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 3, dbig, &t));
    seg_semantic_params_init(&p);
    p.label_dtype = SEG_DTYPE_U8;
    CHECK_FAIL(seg_semantic_from_logits(t, &p, &s), SEG_ERR_LIMIT, "300 labels");
    CHECK_OK(seg_semantic_from_logits(t, NULL, &s)); /* auto: i32 */
    CHECK_EQ_INT(seg_tensor_dtype(seg_semantic_labels(s)), SEG_DTYPE_I32);
    seg_semantic_destroy(s);
    seg_tensor_destroy(t);
    seg_semantic_destroy(NULL);
}

int main(void)
{
    return RUN_TESTS(CASE(half_pixel_matches_interpolate_argmax_softmax),
                     CASE(align_corners_matches_interpolate),
                     CASE(crop_then_resize_matches_detectron2_postprocess),
                     CASE(twenty_one_classes_4x_and_i32_labels),
                     CASE(single_channel_sigmoid_threshold), CASE(ties_go_to_lowest_class),
                     CASE(hand_computed_half_pixel_ramp), CASE(palette_names_overlay), CASE(write_indexed_png), CASE(vector_exp_accuracy),
                     CASE(bad_inputs));
}
