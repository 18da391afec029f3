/* PNG and JPEG encoding: byte-level checks of the headers written, round trips
 * through the decoder, JPEG bytes against cv2.imencode (same libjpeg-turbo), atomic
 * file writes, and bad input. */
#include "io_test.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

static seg_tensor *image(seg_dtype dtype, int64_t h, int64_t w, int64_t c)
{
    int64_t dims[3] = {h, w, c};
    seg_tensor *t = NULL;
    CHECK_OK(seg_tensor_create(dtype, 3, dims, &t));
    if (!t)
        return NULL;
    /* a pattern that uses the whole sample range */
    size_t n = seg_tensor_count(t);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)(i * 2654435761u) >> 7;
        if (dtype == SEG_DTYPE_U16)
            ((uint16_t *)seg_tensor_data(t))[i] = (uint16_t)v;
        else
            ((uint8_t *)seg_tensor_data(t))[i] = (uint8_t)v;
    }
    return t;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

TEST(png_every_channel_count_and_depth_round_trips)
{
    static const int color_type[5] = {0, 0, 4, 2, 6};
    for (int depth = 8; depth <= 16; depth += 8) {
        for (int c = 1; c <= 4; c++) {
            seg_tensor *img = image(depth == 8 ? SEG_DTYPE_U8 : SEG_DTYPE_U16, 7, 9, c);
            seg_tensor *png = NULL, *back = NULL;
            CHECK_OK(seg_image_encode_png(img, &png));
            if (!png) {
                seg_tensor_destroy(img);
                continue;
            }
            const uint8_t *b = seg_tensor_const_data(png);
            CHECK_EQ_INT(seg_tensor_rank(png), 1);
            CHECK_EQ_INT(seg_tensor_dtype(png), SEG_DTYPE_U8);
            CHECK(memcmp(b, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) == 0);
            CHECK_EQ_INT(be32(b + 16), 9);  /* width */
            CHECK_EQ_INT(be32(b + 20), 7);  /* height */
            CHECK_EQ_INT(b[24], depth);
            CHECK_EQ_INT(b[25], color_type[c]);
            CHECK_OK(seg_image_decode_memory(b, seg_tensor_nbytes(png), NULL, &back));
            compare(depth == 8 ? "png u8" : "png u16", back, img, 0);
            seg_tensor_destroy(img);
            seg_tensor_destroy(png);
            seg_tensor_destroy(back);
        }
    }
}

TEST(png_rank2_is_grey)
{
    uint8_t px[6] = {0, 50, 100, 150, 200, 250};
    int64_t dims[2] = {2, 3};
    seg_tensor *img = NULL, *png = NULL, *back = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 2, dims, px, sizeof px, &img));
    CHECK_OK(seg_image_encode_png(img, &png));
    CHECK_OK(seg_image_decode_memory(seg_tensor_const_data(png), seg_tensor_nbytes(png), NULL,
                                     &back));
    CHECK_EQ_INT(seg_tensor_dim(back, 2), 1);
    CHECK(memcmp(seg_tensor_const_data(back), px, 6) == 0);
    seg_tensor_destroy(img);
    seg_tensor_destroy(png);
    seg_tensor_destroy(back);
}

TEST(png_indexed_label_map)
{
    uint8_t labels[2 * 3] = {0, 1, 2, 2, 1, 0};
    static const uint8_t palette[9] = {0, 0, 0, 128, 0, 0, 0, 128, 0};
    int64_t dims[2] = {2, 3};
    seg_tensor *lab = NULL, *png = NULL, *back = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 2, dims, labels, sizeof labels, &lab));
    CHECK_OK(seg_image_encode_png_indexed(lab, palette, 3, &png));
    const uint8_t *b = seg_tensor_const_data(png);
    CHECK_EQ_INT(b[24], 8);
    CHECK_EQ_INT(b[25], 3); /* palette colour type */
    /* PLTE follows IHDR (8 + 25 bytes) and holds exactly the 3 colours */
    CHECK(memcmp(b + 33, "\0\0\0\x09PLTE", 8) == 0);
    CHECK(memcmp(b + 41, palette, 9) == 0);
    CHECK_OK(seg_image_decode_memory(b, seg_tensor_nbytes(png), NULL, &back));
    CHECK_EQ_INT(seg_tensor_dim(back, 2), 3);
    const uint8_t *rgb = seg_tensor_const_data(back);
    for (int i = 0; i < 6; i++)
        CHECK(memcmp(rgb + 3 * i, palette + 3 * labels[i], 3) == 0);
    seg_tensor_destroy(back);
    /* Asked for, the indices themselves come back: the label map as written. */
    seg_options *opts = NULL;
    CHECK_OK(seg_options_create(&opts));
    CHECK_OK(seg_options_set_int(opts, SEG_OPT_PNG_PALETTE_INDICES, 1));
    CHECK_OK(seg_image_decode_memory(b, seg_tensor_nbytes(png), opts, &back));
    CHECK_EQ_INT(seg_tensor_rank(back), 3);
    CHECK_EQ_INT(seg_tensor_dim(back, 2), 1);
    CHECK(memcmp(seg_tensor_const_data(back), labels, sizeof labels) == 0);
    CHECK_FAIL(seg_options_set_int(opts, SEG_OPT_PNG_PALETTE_INDICES, 2),
               SEG_ERR_INVALID_ARGUMENT, "png_palette_indices");
    seg_options_destroy(opts);
    seg_tensor_destroy(png);
    seg_tensor_destroy(back);
    png = (seg_tensor *)&png;
    CHECK_FAIL(seg_image_encode_png_indexed(lab, palette, 2, &png), SEG_ERR_INVALID_ARGUMENT,
               "label 2 at row 0, column 2 is not below the 2 palette colours");
    CHECK_FAIL(seg_image_encode_png_indexed(lab, palette, 0, &png), SEG_ERR_INVALID_ARGUMENT,
               "palette has 0 colours");
    CHECK_FAIL(seg_image_encode_png_indexed(lab, palette, 257, &png),
               SEG_ERR_INVALID_ARGUMENT, "palette has 257 colours");
    CHECK(png == (seg_tensor *)&png);
    seg_tensor_destroy(lab);
    seg_tensor *rgbimg = image(SEG_DTYPE_U8, 2, 2, 3);
    CHECK_FAIL(seg_image_encode_png_indexed(rgbimg, palette, 3, &png), SEG_ERR_SHAPE,
               "label map must be u8 [H, W]");
    seg_tensor_destroy(rgbimg);
}

static seg_tensor *read_whole(const char *name)
{
    FILE *f = fopen(io_path(name), "rb");
    CHECK(f != NULL);
    if (!f)
        return NULL;
    static uint8_t buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    int64_t dims[1] = {(int64_t)n};
    seg_tensor *t = NULL, *copy = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 1, dims, buf, n, &t));
    CHECK_OK(seg_tensor_clone(t, &copy));
    seg_tensor_destroy(t);
    return copy;
}

/* libseg and OpenCV drive the same libjpeg-turbo with its defaults: same bytes. */
TEST(jpeg_bytes_match_cv2_imencode)
{
    static const char *cases[][2] = {{"jpeg/baseline.npy", "jpeg/encode_q75.jpg"},
                                     {"jpeg/grey.npy", "jpeg/encode_grey_q75.jpg"}};
    for (int i = 0; i < 2; i++) {
        seg_tensor *px = load_npy(cases[i][0]), *want = read_whole(cases[i][1]), *got = NULL;
        if (px)
            CHECK_OK(seg_image_encode_jpeg(px, 75, &got));
        compare(cases[i][1], got, want, 0);
        seg_tensor_destroy(px);
        seg_tensor_destroy(want);
        seg_tensor_destroy(got);
    }
}

TEST(jpeg_round_trip_is_close)
{
    /* grey: no chroma subsampling, so only quantisation error remains */
    seg_tensor *px = load_npy("jpeg/grey.npy"), *jpg = NULL, *back = NULL;
    if (!px)
        return;
    CHECK_OK(seg_image_encode_jpeg(px, 95, &jpg));
    CHECK_OK(seg_image_decode_memory(seg_tensor_const_data(jpg), seg_tensor_nbytes(jpg), NULL,
                                     &back));
    double mean = 0;
    size_t n = seg_tensor_count(px);
    for (size_t i = 0; back && i < n; i++)
        mean += fabs(element(back, i) - element(px, i));
    CHECK(back && mean / (double)n < 1.0);
    seg_tensor_destroy(px);
    seg_tensor_destroy(jpg);
    seg_tensor_destroy(back);
}

TEST(encode_refuses_bad_input)
{
    seg_tensor *out = (seg_tensor *)&out;
    seg_tensor *rgba = image(SEG_DTYPE_U8, 2, 2, 4), *five = image(SEG_DTYPE_U8, 2, 2, 5);
    int64_t dims[3] = {2, 2, 3};
    seg_tensor *f32 = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 3, dims, &f32));
    CHECK_FAIL(seg_image_encode_jpeg(rgba, 90, &out), SEG_ERR_SHAPE,
               "expected u8 with 1 or 3 channels, got u8 with 4");
    CHECK_FAIL(seg_image_encode_jpeg(f32, 90, &out), SEG_ERR_SHAPE, "got f32");
    CHECK_FAIL(seg_image_encode_jpeg(rgba, 0, &out), SEG_ERR_INVALID_ARGUMENT,
               "quality 0 is outside 1..100");
    CHECK_FAIL(seg_image_encode_jpeg(rgba, 101, &out), SEG_ERR_INVALID_ARGUMENT, "101");
    CHECK_FAIL(seg_image_encode_png(five, &out), SEG_ERR_SHAPE, "5 channels, expected 1..4");
    CHECK_FAIL(seg_image_encode_png(f32, &out), SEG_ERR_SHAPE, "dtype f32, expected u8 or u16");
    CHECK_FAIL(seg_image_encode_png(NULL, &out), SEG_ERR_INVALID_ARGUMENT, "'hwc' is NULL");
    CHECK(out == (seg_tensor *)&out);
    seg_tensor_destroy(rgba);
    seg_tensor_destroy(five);
    seg_tensor_destroy(f32);
}

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

TEST(files_are_written_atomically)
{
    char dir[] = "/tmp/seg-io-test-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    seg_tensor *img = image(SEG_DTYPE_U8, 5, 6, 3), *back = NULL;
    snprintf(path, sizeof path, "%s/out.png", dir);
    CHECK_OK(seg_image_write_png(img, path));
    CHECK_OK(seg_image_decode_file(path, NULL, &back));
    compare("written png", back, img, 0);
    seg_tensor_destroy(back);
    snprintf(path, sizeof path, "%s/out.jpg", dir);
    CHECK_OK(seg_image_write_jpeg(img, 90, path));
    CHECK_OK(seg_image_decode_file(path, NULL, &back));
    CHECK_EQ_INT(seg_tensor_dim(back, 1), 6);
    seg_tensor_destroy(back);
    CHECK_EQ_INT(count_entries(dir), 2);
    /* a directory where the file should go: the rename fails, no temporary is left */
    snprintf(path, sizeof path, "%s/sub", dir);
    CHECK(mkdir(path, 0755) == 0);
    CHECK_FAIL(seg_image_write_png(img, path), SEG_ERR_IO, "sub: write failed");
    CHECK_EQ_INT(count_entries(dir), 3);
    snprintf(path, sizeof path, "%s/missing/out.png", dir);
    CHECK_FAIL(seg_image_write_png(img, path), SEG_ERR_IO, "cannot create");
    /* invalid input: nothing is created at all */
    snprintf(path, sizeof path, "%s/never.jpg", dir);
    CHECK_FAIL(seg_image_write_jpeg(img, 0, path), SEG_ERR_INVALID_ARGUMENT, "quality 0");
    uint8_t pal[3] = {1, 2, 3};
    CHECK_FAIL(seg_image_write_png_indexed(img, pal, 1, path), SEG_ERR_SHAPE, "label map");
    CHECK_EQ_INT(count_entries(dir), 3);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/out.png", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/out.jpg", dir);
    unlink(path);
    CHECK(rmdir(dir) == 0);
    seg_tensor_destroy(img);
}

int main(void)
{
    return RUN_TESTS(CASE(png_every_channel_count_and_depth_round_trips),
                     CASE(png_rank2_is_grey), CASE(png_indexed_label_map),
                     CASE(jpeg_bytes_match_cv2_imencode), CASE(jpeg_round_trip_is_close),
                     CASE(encode_refuses_bad_input), CASE(files_are_written_atomically));
}
