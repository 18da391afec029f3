/* PNG and JPEG decoding against tests/goldens/io.py: every PNG colour type and bit
 * depth (plain, interlaced, tRNS, palette), JPEG baseline/progressive/grey against
 * cv2.imdecode, EXIF orientations 1-8, and bad input. */
#include "io_test.h"

#include <unistd.h>

/* Decode `file` (under io/) and compare with `golden` exactly. */
static void decode_matches(const char *file, const char *golden)
{
    seg_tensor *got = NULL, *want = load_npy(golden);
    CHECK_OK(seg_image_decode_file(io_path(file), NULL, &got));
    compare(file, got, want, 0);
    seg_tensor_destroy(got);
    seg_tensor_destroy(want);
}

TEST(png_every_colour_type_and_depth)
{
    static const char *names[] = {
        "ct0_1", "ct0_2", "ct0_4", "ct0_8", "ct0_16", "ct0_8_trns",
        "ct2_8", "ct2_16", "ct2_8_trns",
        "ct3_1", "ct3_2", "ct3_4", "ct3_8", "ct3_4_trns",
        "ct4_8", "ct4_16", "ct6_8", "ct6_16",
        "cv_rgb8", "cv_rgba16",
    };
    char png[64], npy[64];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(png, sizeof png, "png/%s.png", names[i]);
        snprintf(npy, sizeof npy, "png/%s.npy", names[i]);
        decode_matches(png, npy);
    }
}

TEST(png_interlaced)
{
    static const char *names[] = {"ct0_4", "ct0_8", "ct0_16", "ct2_8", "ct2_16", "ct4_8",
                                  "ct4_16", "ct6_8", "ct6_16", "ct3_4_trns"};
    char png[64], npy[64];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(png, sizeof png, "png/%s_adam7.png", names[i]);
        snprintf(npy, sizeof npy, "png/%s_adam7.npy", names[i]);
        decode_matches(png, npy);
    }
}

/* With SEG_OPT_PNG_PALETTE_INDICES the palette files give their indices: below 2^depth
 * (unpacked, not scaled like grey) and each index always standing for the colour the
 * RGB(A) golden has at that pixel. */
TEST(png_palette_indices)
{
    static const struct { const char *name; int depth; } cases[] = {
        {"ct3_1", 1}, {"ct3_2", 2}, {"ct3_4", 4}, {"ct3_8", 8}, {"ct3_4_trns_adam7", 4},
    };
    seg_options *opts = NULL;
    CHECK_OK(seg_options_create(&opts));
    CHECK_OK(seg_options_set_int(opts, SEG_OPT_PNG_PALETTE_INDICES, 1));
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char png[64], npy[64];
        snprintf(png, sizeof png, "png/%s.png", cases[k].name);
        snprintf(npy, sizeof npy, "png/%s.npy", cases[k].name);
        seg_tensor *idx = NULL, *want = load_npy(npy);
        CHECK_OK(seg_image_decode_file(io_path(png), opts, &idx));
        int64_t c = seg_tensor_dim(want, 2), n = seg_tensor_dim(want, 0) * seg_tensor_dim(want, 1);
        CHECK_EQ_INT(seg_tensor_dtype(idx), SEG_DTYPE_U8);
        CHECK_EQ_INT(seg_tensor_dim(idx, 2), 1);
        CHECK_EQ_INT(seg_tensor_count(idx), n);
        const uint8_t *ix = seg_tensor_const_data(idx), *rgb = seg_tensor_const_data(want);
        int64_t first[256];
        for (int i = 0; i < 256; i++)
            first[i] = -1;
        for (int64_t p = 0; p < n; p++) {
            CHECK(ix[p] < (1 << cases[k].depth));
            if (first[ix[p]] < 0)
                first[ix[p]] = p;
            CHECK(memcmp(rgb + p * c, rgb + first[ix[p]] * c, (size_t)c) == 0);
        }
        seg_tensor_destroy(idx);
        seg_tensor_destroy(want);
    }
    seg_options_destroy(opts);
}

TEST(png_shapes_and_dtypes)
{
    seg_tensor *t = NULL;
    CHECK_OK(seg_image_decode_file(io_path("png/ct3_4_trns.png"), NULL, &t));
    CHECK_EQ_INT(seg_tensor_rank(t), 3);
    CHECK_EQ_INT(seg_tensor_dim(t, 0), 11);
    CHECK_EQ_INT(seg_tensor_dim(t, 1), 13);
    CHECK_EQ_INT(seg_tensor_dim(t, 2), 4);
    CHECK_EQ_INT(seg_tensor_dtype(t), SEG_DTYPE_U8);
    seg_tensor_destroy(t);
    CHECK_OK(seg_image_decode_file(io_path("png/ct4_16.png"), NULL, &t));
    CHECK_EQ_INT(seg_tensor_dim(t, 2), 2);
    CHECK_EQ_INT(seg_tensor_dtype(t), SEG_DTYPE_U16);
    seg_tensor_destroy(t);
}

TEST(jpeg_matches_cv2_imdecode)
{
    decode_matches("jpeg/baseline.jpg", "jpeg/baseline.npy");
    decode_matches("jpeg/progressive.jpg", "jpeg/progressive.npy");
    decode_matches("jpeg/grey.jpg", "jpeg/grey.npy");
}

TEST(photo_matches_cv2_imread)
{
    seg_tensor *img = load_photo(), *sums = load_npy("photo/sums.npy"),
               *sample = load_npy("photo/sample.npy");
    if (img && sums && sample) {
        CHECK_EQ_INT(seg_tensor_dim(img, 0), 600);
        CHECK_EQ_INT(seg_tensor_dim(img, 1), 512);
        const uint8_t *p = seg_tensor_const_data(img), *q = seg_tensor_const_data(sample);
        int64_t got[3] = {0, 0, 0};
        for (size_t i = 0; i < seg_tensor_count(img); i++)
            got[i % 3] += p[i];
        for (int k = 0; k < 3; k++)
            CHECK_EQ_INT(got[k], ((const int64_t *)seg_tensor_const_data(sums))[k]);
        int64_t sw = seg_tensor_dim(sample, 1), mismatches = 0;
        for (int64_t y = 0; y < seg_tensor_dim(sample, 0); y++)
            for (int64_t x = 0; x < sw; x++)
                mismatches += memcmp(p + ((y * 11) * 512 + x * 7) * 3, q + (y * sw + x) * 3, 3) != 0;
        CHECK_EQ_INT(mismatches, 0);
    }
    seg_tensor_destroy(img);
    seg_tensor_destroy(sums);
    seg_tensor_destroy(sample);
}

TEST(jpeg_exif_orientation_1_to_8)
{
    char jpg[64], npy[64];
    for (int o = 1; o <= 8; o++) {
        snprintf(jpg, sizeof jpg, "jpeg/exif_%d.jpg", o);
        snprintf(npy, sizeof npy, "jpeg/exif_%d.npy", o);
        decode_matches(jpg, npy);
    }
    seg_tensor *t = NULL;
    CHECK_OK(seg_image_decode_file(io_path("jpeg/exif_6.jpg"), NULL, &t));
    CHECK_EQ_INT(seg_tensor_dim(t, 0), 20); /* stored 12 x 20, shown rotated */
    CHECK_EQ_INT(seg_tensor_dim(t, 1), 12);
    seg_tensor_destroy(t);
}

TEST(jpeg_bad_exif_is_ignored)
{
    /* the IFD offset points far outside the segment: the image stays as stored */
    decode_matches("jpeg/exif_bad_offset.jpg", "jpeg/exif_1.npy");
}

TEST(memory_and_file_agree)
{
    FILE *f = fopen(io_path("jpeg/progressive.jpg"), "rb");
    CHECK(f != NULL);
    if (!f)
        return;
    unsigned char buf[16384];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    seg_tensor *a = NULL, *b = NULL;
    CHECK_OK(seg_image_decode_memory(buf, n, NULL, &a));
    CHECK_OK(seg_image_decode_file(io_path("jpeg/progressive.jpg"), NULL, &b));
    compare("memory vs file", a, b, 0);
    seg_tensor_destroy(a);
    seg_tensor_destroy(b);
}

/* The call fails with `want` and a message containing `needle`, leaving out alone. */
static void decode_fails(const char *file, const seg_options *opts, seg_status want,
                         const char *needle)
{
    seg_tensor *t = (seg_tensor *)&t;
    CHECK_FAIL(seg_image_decode_file(io_path(file), opts, &t), want, needle);
    CHECK(t == (seg_tensor *)&t);
}

TEST(bad_png)
{
    decode_fails("png/bad_truncated.png", NULL, SEG_ERR_FORMAT, "truncated");
    decode_fails("png/bad_crc.png", NULL, SEG_ERR_FORMAT, "CRC error");
    decode_fails("png/bad_zero_width.png", NULL, SEG_ERR_FORMAT, "width is zero");
    decode_fails("png/bad_huge.png", NULL, SEG_ERR_LIMIT,
                 "100000x100000 image has 10000000000 pixels, limit is 100000000");
    decode_fails("png/bad_truncated.png", NULL, SEG_ERR_FORMAT, "png/bad_truncated.png: PNG");
}

TEST(bad_jpeg)
{
    decode_fails("jpeg/bad_truncated.jpg", NULL, SEG_ERR_FORMAT, "Premature end");
    decode_fails("jpeg/bad_precision.jpg", NULL, SEG_ERR_FORMAT, "precision 12");
    decode_fails("jpeg/cmyk.jpg", NULL, SEG_ERR_UNSUPPORTED,
                 "JPEG: CMYK colour space (4 components) is not supported");
}

/* Every proper prefix of a valid file is an error, never a crash, an over-read (each
 * prefix sits in an exact-size allocation for ASan) or a leak. */
TEST(every_truncation_is_an_error)
{
    static const char *files[] = {"png/ct6_16_adam7.png", "png/ct3_4_trns.png",
                                  "png/cv_rgb8.png", "jpeg/progressive.jpg",
                                  "jpeg/exif_6.jpg", "jpeg/grey.jpg"};
    static unsigned char buf[16384];
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        FILE *fp = fopen(io_path(files[f]), "rb");
        CHECK(fp != NULL);
        if (!fp)
            continue;
        size_t n = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        int wrong = 0;
        for (size_t len = 0; len < n; len++) {
            unsigned char *copy = malloc(len ? len : 1);
            memcpy(copy, buf, len);
            seg_tensor *t = NULL;
            seg_status st = seg_image_decode_memory(copy, len, NULL, &t);
            /* shorter than the signature: not recognisable (empty is malformed) */
            size_t magic = buf[0] == 0x89 ? 8 : 3;
            seg_status want = len == 0 || len >= magic ? SEG_ERR_FORMAT : SEG_ERR_UNSUPPORTED;
            if (st != want || t != NULL) {
                if (!wrong++)
                    fprintf(stderr, "%s cut to %zu bytes: %s: %s\n", files[f], len,
                            seg_status_string(st), seg_last_error());
                seg_tensor_destroy(t);
            }
            free(copy);
        }
        CHECK_EQ_INT(wrong, 0);
    }
}

TEST(pixel_limit_from_options)
{
    seg_options *o = NULL;
    CHECK_OK(seg_options_create(&o));
    CHECK_OK(seg_options_set_int(o, SEG_OPT_MAX_PIXELS, 11 * 13 - 1));
    decode_fails("png/ct2_8.png", o, SEG_ERR_LIMIT, "13x11 image has 143 pixels, limit is 142");
    decode_fails("png/ct2_8_adam7.png", o, SEG_ERR_LIMIT, "limit is 142");
    CHECK_OK(seg_options_set_int(o, SEG_OPT_MAX_PIXELS, 24 * 32 - 1));
    decode_fails("jpeg/progressive.jpg", o, SEG_ERR_LIMIT, "32x24 image has 768 pixels");
    CHECK_OK(seg_options_set_int(o, SEG_OPT_MAX_PIXELS, 24 * 32));
    seg_tensor *t = NULL;
    CHECK_OK(seg_image_decode_file(io_path("jpeg/progressive.jpg"), o, &t));
    seg_tensor_destroy(t);
    CHECK_OK(seg_options_set_int(o, SEG_OPT_MAX_FILE_BYTES, 100));
    decode_fails("jpeg/progressive.jpg", o, SEG_ERR_LIMIT, "exceed the limit of 100");
    seg_options_destroy(o);
}

TEST(empty_wrong_type_and_missing)
{
    seg_tensor *t = NULL;
    CHECK_FAIL(seg_image_decode_memory("", 0, NULL, &t), SEG_ERR_FORMAT, "empty (0 bytes)");
    CHECK_FAIL(seg_image_decode_memory("GIF89a", 6, NULL, &t), SEG_ERR_UNSUPPORTED,
               "not a PNG or JPEG image (first bytes 47 49 46 38)");
    CHECK_FAIL(seg_image_decode_memory("\x89P", 2, NULL, &t), SEG_ERR_UNSUPPORTED,
               "first bytes 89 50 00 00");
    CHECK_FAIL(seg_image_decode_memory(NULL, 4, NULL, &t), SEG_ERR_INVALID_ARGUMENT, "NULL");
    CHECK_FAIL(seg_image_decode_memory("\xff\xd8\xff", 3, NULL, NULL),
               SEG_ERR_INVALID_ARGUMENT, "'out' is NULL");
    decode_fails("no/such/file.png", NULL, SEG_ERR_IO, "cannot open");
    /* a PNG signature and nothing else */
    CHECK_FAIL(seg_image_decode_memory("\x89PNG\r\n\x1a\n", 8, NULL, &t), SEG_ERR_FORMAT,
               "truncated");
    CHECK_FAIL(seg_image_decode_memory("\xff\xd8\xff", 3, NULL, &t), SEG_ERR_FORMAT, "JPEG");
    CHECK(t == NULL);
}

int main(void)
{
    return RUN_TESTS(CASE(png_every_colour_type_and_depth), CASE(png_interlaced),
                     CASE(png_palette_indices), CASE(png_shapes_and_dtypes), CASE(jpeg_matches_cv2_imdecode), CASE(photo_matches_cv2_imread),
                     CASE(jpeg_exif_orientation_1_to_8), CASE(jpeg_bad_exif_is_ignored),
                     CASE(memory_and_file_agree), CASE(bad_png), CASE(bad_jpeg), CASE(every_truncation_is_an_error),
                     CASE(pixel_limit_from_options), CASE(empty_wrong_type_and_missing));
}
