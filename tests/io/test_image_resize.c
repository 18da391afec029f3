/* Resize, letterbox and HWC -> NCHW against tests/goldens/io.py: u8 bilinear against
 * cv2.resize(INTER_LINEAR), f32 bilinear against torch F.interpolate, nearest against
 * both, letterbox against ultralytics' convention, NCHW against torchvision's
 * ToTensor + Normalize arithmetic. */
#include "io_test.h"

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

int main(void)
{
    return RUN_TESTS(CASE(u8_bilinear_matches_opencv), CASE(nearest_matches_opencv_and_torch),
                     CASE(f32_bilinear_matches_torch));
}
