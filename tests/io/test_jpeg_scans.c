/* The progressive-scan limit: a valid greyscale JPEG whose scan script refines every
 * coefficient band bit by bit has hundreds of scans; libseg decodes one with 400 and
 * refuses one with 694 (JPEG_MAX_SCANS is 500). The files are made here with
 * libjpeg's own encoder and a custom scan script. */
#include "check.h"

#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>

#include <jpeglib.h>

#define MAX_AL 10 /* the deepest successive approximation libjpeg accepts for 8 bits */

/* A scan script: DC first, then for each AC coefficient k a first scan at MAX_AL and
 * refinements down to 0, stopping after `n` scans in all. */
static int script(jpeg_scan_info *s, int n)
{
    int i = 0;
    s[i++] = (jpeg_scan_info){1, {0}, 0, 0, 0, 0};
    for (int k = 1; k <= 63 && i < n; k++)
        for (int al = MAX_AL; al >= 0 && i < n; al--)
            s[i++] = (jpeg_scan_info){1, {0}, k, k, al == MAX_AL ? 0 : al + 1, al};
    return i;
}

static unsigned char *progressive_jpeg(int scans, unsigned long *size)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    unsigned char *out = NULL;
    *size = 0;
    jpeg_mem_dest(&c, &out, size);
    c.image_width = 8;
    c.image_height = 8;
    c.input_components = 1;
    c.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_scan_info *info = calloc((size_t)scans, sizeof *info);
    c.num_scans = script(info, scans);
    c.scan_info = info;
    jpeg_start_compress(&c, TRUE);
    JSAMPLE row[8];
    for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++)
            row[x] = (JSAMPLE)(x * 31 + y * 7);
        JSAMPROW p = row;
        jpeg_write_scanlines(&c, &p, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(info);
    return out;
}

TEST(scan_limit)
{
    unsigned long size;
    unsigned char *ok = progressive_jpeg(400, &size);
    seg_tensor *t = NULL;
    CHECK_OK(seg_image_decode_memory(ok, size, NULL, &t));
    CHECK_EQ_INT(seg_tensor_dim(t, 0), 8);
    seg_tensor_destroy(t);
    free(ok);
    unsigned char *many = progressive_jpeg(1000, &size);
    t = (seg_tensor *)&t;
    CHECK_FAIL(seg_image_decode_memory(many, size, NULL, &t), SEG_ERR_FORMAT,
               "JPEG: more than 500 progressive scans");
    CHECK(t == (seg_tensor *)&t);
    free(many);
}

int main(void)
{
    return RUN_TESTS(CASE(scan_limit));
}
