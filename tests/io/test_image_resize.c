/* Resize, letterbox and HWC -> NCHW against tests/goldens/io.py: u8 bilinear against
 * cv2.resize(INTER_LINEAR), f32 bilinear against torch F.interpolate, nearest against
 * both, letterbox against ultralytics' convention, NCHW against torchvision's
 * ToTensor + Normalize arithmetic. */
#include "io_test.h"

#include <stddef.h>

static const int sizes_u8[][2] = {{20, 31}, {50, 70}, {74, 106}, {18, 26}, {37, 53}, {5, 100}};

static void resize_matches(const char *input, const char *golden_fmt, int h, int w,
                           seg_interp interp, double tol)
{
    char name[96];
    snprintf(name, sizeof name, golden_fmt, h, w);
    seg_tensor *in = load_npy(input), *want = load_npy(name), *got = NULL;
    if (in)
        CHECK_OK(seg_image_resize(in, h, w, interp, &got));
    compare(name, got, want, tol);
    seg_tensor_destroy(in);
    seg_tensor_destroy(want);
    seg_tensor_destroy(got);
}

TEST(u8_bilinear_matches_opencv)
{
    for (size_t i = 0; i < sizeof sizes_u8 / sizeof sizes_u8[0]; i++)
        resize_matches("resize/u8_in.npy", "resize/u8_linear_%dx%d.npy", sizes_u8[i][0],
                       sizes_u8[i][1], SEG_INTERP_BILINEAR, 0);
    resize_matches("resize/u8c1_in.npy", "resize/u8c1_linear_%dx%d.npy", 5, 23,
                   SEG_INTERP_BILINEAR, 0);
    resize_matches("resize/u8c4_in.npy", "resize/u8c4_linear_%dx%d.npy", 5, 23,
                   SEG_INTERP_BILINEAR, 0);
}

TEST(nearest_matches_opencv_and_torch)
{
    for (size_t i = 0; i < sizeof sizes_u8 / sizeof sizes_u8[0]; i++)
        resize_matches("resize/u8_in.npy", "resize/u8_nearest_%dx%d.npy", sizes_u8[i][0],
                       sizes_u8[i][1], SEG_INTERP_NEAREST, 0);
}

/* Same source indices and weights as PyTorch; PyTorch sums in another order, so
 * results agree to 2 ulp (inputs are in [0, 1)). */
TEST(f32_bilinear_matches_torch)
{
    static const int sizes[][2] = {{10, 9}, {40, 30}, {23, 17}, {46, 34}, {7, 50}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        resize_matches("resize/f32_in.npy", "resize/f32_linear_%dx%d.npy", sizes[i][0],
                       sizes[i][1], SEG_INTERP_BILINEAR, 2.4e-7);
}

TEST(resize_keeps_rank_and_refuses_bad_input)
{
    uint16_t px[6] = {1, 2, 3, 4, 5, 6};
    int64_t dims[2] = {2, 3};
    seg_tensor *in = NULL, *out = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U16, 2, dims, px, sizeof px, &in));
    CHECK_OK(seg_image_resize(in, 4, 6, SEG_INTERP_NEAREST, &out));
    CHECK_EQ_INT(seg_tensor_rank(out), 2);
    CHECK_EQ_INT(((const uint16_t *)seg_tensor_const_data(out))[6 * 3 + 5], 6);
    CHECK_EQ_INT(((const uint16_t *)seg_tensor_const_data(out))[6 * 2 + 2], 5);
    seg_tensor_destroy(out);
    out = (seg_tensor *)&out;
    CHECK_FAIL(seg_image_resize(in, 4, 6, SEG_INTERP_BILINEAR, &out), SEG_ERR_SHAPE,
               "bilinear takes u8 or f32, got u16");
    CHECK_FAIL(seg_image_resize(in, 0, 6, SEG_INTERP_NEAREST, &out), SEG_ERR_INVALID_ARGUMENT,
               "output size 0x6");
    CHECK_FAIL(seg_image_resize(in, 4, 6, (seg_interp)7, &out), SEG_ERR_INVALID_ARGUMENT,
               "unknown interpolation 7");
    CHECK(out == (seg_tensor *)&out);
    seg_tensor_destroy(in);
    int64_t empty[3] = {0, 4, 3};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_U8, 3, empty, &in));
    CHECK_FAIL(seg_image_resize(in, 4, 6, SEG_INTERP_BILINEAR, &out), SEG_ERR_SHAPE,
               "empty image 0x4x3");
    seg_tensor_destroy(in);
    int64_t r4[4] = {1, 2, 2, 3};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_U8, 4, r4, &in));
    CHECK_FAIL(seg_image_resize(in, 4, 6, SEG_INTERP_BILINEAR, &out), SEG_ERR_SHAPE,
               "got [1, 2, 2, 3]");
    seg_tensor_destroy(in);
}

/* `in` is taken over; goldens are "<prefix>_out.npy" and "<prefix>_info.npy". */
static void letterbox_matches(seg_tensor *in, const char *prefix, int64_t h, int64_t w)
{
    char buf[96];
    seg_tensor *got = NULL;
    snprintf(buf, sizeof buf, "%s_out.npy", prefix);
    seg_tensor *want = load_npy(buf);
    snprintf(buf, sizeof buf, "%s_info.npy", prefix);
    seg_tensor *info = load_npy(buf);
    seg_letterbox lb = {.struct_size = sizeof lb};
    if (in)
        CHECK_OK(seg_image_letterbox(in, h, w, 114, &lb, &got));
    compare(prefix, got, want, 0);
    if (info) {
        const int64_t *v = seg_tensor_const_data(info);
        double scale;
        memcpy(&scale, &v[0], sizeof scale);
        CHECK(lb.scale == scale);
        CHECK_EQ_INT(lb.resized_h, v[1]);
        CHECK_EQ_INT(lb.resized_w, v[2]);
        CHECK_EQ_INT(lb.pad_top, v[3]);
        CHECK_EQ_INT(lb.pad_bottom, v[4]);
        CHECK_EQ_INT(lb.pad_left, v[5]);
        CHECK_EQ_INT(lb.pad_right, v[6]);
    }
    seg_tensor_destroy(in);
    seg_tensor_destroy(want);
    seg_tensor_destroy(info);
    seg_tensor_destroy(got);
}

static void letterbox_case(const char *name, int64_t h, int64_t w)
{
    char in[96], prefix[96];
    snprintf(in, sizeof in, "letterbox/%s_in.npy", name);
    snprintf(prefix, sizeof prefix, "letterbox/%s", name);
    letterbox_matches(load_npy(in), prefix, h, w);
}

TEST(letterbox_matches_ultralytics)
{
    letterbox_case("wide", 64, 64);  /* 37x53 -> 45x64, pads 9 above, 10 below */
    letterbox_case("tall", 48, 64);
    letterbox_case("down", 32, 24);
    letterbox_case("same", 37, 53);
    /* the demo photograph, 600x512 -> 64x55 (a strong downscale) */
    letterbox_matches(load_photo(), "photo/letterbox_64", 64, 64);
}

TEST(letterbox_hand_computed_and_versioned_struct)
{
    /* 2x4 grey -> 4x4: r = 1, no resize; dh = 1: one row above, one below */
    uint8_t px[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    int64_t dims[3] = {2, 4, 1};
    seg_tensor *in = NULL, *out = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 3, dims, px, sizeof px, &in));
    /* an older caller's struct that ends after pad_top: later fields stay untouched */
    seg_letterbox lb;
    memset(&lb, 0x55, sizeof lb);
    lb.struct_size = (uint32_t)(offsetof(seg_letterbox, pad_top) + sizeof lb.pad_top);
    CHECK_OK(seg_image_letterbox(in, 4, 4, 0, &lb, &out));
    CHECK(lb.scale == 1.0);
    CHECK_EQ_INT(lb.pad_top, 1);
    CHECK_EQ_INT(lb.pad_bottom, 0x55555555);
    const uint8_t *o = seg_tensor_const_data(out);
    static const uint8_t want[16] = {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0};
    CHECK(memcmp(o, want, 16) == 0);
    seg_tensor_destroy(out);
    out = NULL;
    lb.struct_size = 4;
    CHECK_FAIL(seg_image_letterbox(in, 4, 4, 0, &lb, &out), SEG_ERR_INVALID_ARGUMENT,
               "struct_size 4");
    CHECK_FAIL(seg_image_letterbox(in, 4, 4, 300, NULL, &out), SEG_ERR_INVALID_ARGUMENT,
               "pad value 300");
    CHECK_FAIL(seg_image_letterbox(in, 4, 0, 0, NULL, &out), SEG_ERR_INVALID_ARGUMENT,
               "output size 4x0");
    CHECK(out == NULL);
    seg_tensor_destroy(in);
    /* a 1x1000 sliver into 8x8 keeps one row: pads 3 and 4 */
    uint8_t line[1000] = {0};
    int64_t ldims[3] = {1, 1000, 1};
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 3, ldims, line, sizeof line, &in));
    lb.struct_size = sizeof lb;
    CHECK_OK(seg_image_letterbox(in, 8, 8, 114, &lb, &out));
    CHECK_EQ_INT(lb.resized_h, 1);
    CHECK_EQ_INT(lb.pad_top + lb.pad_bottom, 7);
    seg_tensor_destroy(out);
    seg_tensor_destroy(in);
}

TEST(to_nchw_matches_torch_normalize)
{
    static const float mean[3] = {0.485f, 0.456f, 0.406f}, std[3] = {0.229f, 0.224f, 0.225f};
    seg_tensor *in = load_npy("nchw/in.npy"), *rgb = load_npy("nchw/rgb.npy"),
               *bgr = load_npy("nchw/bgr.npy"), *got = NULL;
    if (in) {
        /* torchvision divides by 255 where libseg multiplies by 1/255: 1 ulp apart */
        CHECK_OK(seg_image_to_nchw(in, 1.0f / 255, mean, std, SEG_CHANNELS_RGB, &got));
        compare("rgb", got, rgb, 1e-6);
        seg_tensor_destroy(got);
        CHECK_OK(seg_image_to_nchw(in, 1.0f / 255, mean, std, SEG_CHANNELS_BGR, &got));
        compare("bgr", got, bgr, 1e-6);
        seg_tensor_destroy(got);
    }
    seg_tensor_destroy(in);
    seg_tensor_destroy(rgb);
    seg_tensor_destroy(bgr);
}

TEST(to_nchw_layout_and_errors)
{
    uint8_t px[2 * 2 * 2] = {10, 20, 30, 40, 50, 60, 70, 80};
    int64_t dims[3] = {2, 2, 2};
    seg_tensor *in = NULL, *out = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 3, dims, px, sizeof px, &in));
    CHECK_OK(seg_image_to_nchw(in, 0.5f, NULL, NULL, SEG_CHANNELS_RGB, &out));
    CHECK_EQ_INT(seg_tensor_rank(out), 4);
    CHECK_EQ_INT(seg_tensor_dim(out, 1), 2);
    const float *o = seg_tensor_const_data(out);
    static const float want[8] = {5, 15, 25, 35, 10, 20, 30, 40};
    for (int i = 0; i < 8; i++)
        CHECK(o[i] == want[i]);
    seg_tensor_destroy(out);
    out = NULL;
    CHECK_FAIL(seg_image_to_nchw(in, 1, NULL, NULL, SEG_CHANNELS_BGR, &out), SEG_ERR_SHAPE,
               "BGR order needs >= 3 channels, got 2");
    float bad_std[2] = {1, 0};
    CHECK_FAIL(seg_image_to_nchw(in, 1, NULL, bad_std, SEG_CHANNELS_RGB, &out),
               SEG_ERR_INVALID_ARGUMENT, "std[1] = 0");
    CHECK_FAIL(seg_image_to_nchw(in, NAN, NULL, NULL, SEG_CHANNELS_RGB, &out),
               SEG_ERR_INVALID_ARGUMENT, "scale is not finite");
    CHECK(out == NULL);
    seg_tensor_destroy(in);
}

int main(void)
{
    return RUN_TESTS(CASE(u8_bilinear_matches_opencv), CASE(nearest_matches_opencv_and_torch),
                     CASE(f32_bilinear_matches_torch),
                     CASE(resize_keeps_rank_and_refuses_bad_input),
                     CASE(letterbox_matches_ultralytics),
                     CASE(letterbox_hand_computed_and_versioned_struct),
                     CASE(to_nchw_matches_torch_normalize), CASE(to_nchw_layout_and_errors));
}
