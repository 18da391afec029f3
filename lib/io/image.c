/* Public image entry points: format sniffing, file wrappers, shared shape checks. */
#include "io/image.h"

#include "core/error.h"
#include "core/file.h"
#include "core/options.h"
#include "core/tensor.h"

#include <stdlib.h>
#include <string.h>

static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
static const uint8_t jpeg_magic[3] = {0xff, 0xd8, 0xff};

seg_status segi_image_geometry(const seg_tensor *image, const char *what, int64_t *h,
                               int64_t *w, int64_t *c)
{
    int rank = image->rank;
    if (rank != 2 && rank != 3) {
        char buf[128];
        return segi_error(SEG_ERR_SHAPE, "%s: expected an image [H, W, C] or [H, W], got %s",
                          what, segi_shape_str(rank, image->dims, buf, sizeof buf));
    }
    *h = image->dims[0];
    *w = image->dims[1];
    *c = rank == 3 ? image->dims[2] : 1;
    if (*h < 1 || *w < 1 || *c < 1)
        return segi_error(SEG_ERR_SHAPE, "%s: empty image %lldx%lldx%lld", what,
                          (long long)*h, (long long)*w, (long long)*c);
    return SEG_OK;
}

seg_status seg_image_decode_memory(const void *data, size_t size, const seg_options *opts,
                                   seg_tensor **out)
{
    SEGI_REQUIRE(out);
    if (!data && size)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "image data is NULL with size %zu", size);
    if (size == 0)
        return segi_error(SEG_ERR_FORMAT, "image data is empty (0 bytes)");
    int64_t max_pixels = segi_option(opts, SEG_OPT_MAX_PIXELS);
    const uint8_t *p = data;
    if (size >= sizeof png_magic && memcmp(p, png_magic, sizeof png_magic) == 0)
        return segi_png_decode(p, size, max_pixels,
                               (int)segi_option(opts, SEG_OPT_PNG_PALETTE_INDICES), out);
    if (size >= sizeof jpeg_magic && memcmp(p, jpeg_magic, sizeof jpeg_magic) == 0)
        return segi_jpeg_decode(p, size, max_pixels, out);
    uint8_t head[4] = {0};
    memcpy(head, p, size < 4 ? size : 4);
    return segi_error(SEG_ERR_UNSUPPORTED,
                      "not a PNG or JPEG image (first bytes %02x %02x %02x %02x)", head[0],
                      head[1], head[2], head[3]);
}

seg_status seg_image_decode_file(const char *path, const seg_options *opts, seg_tensor **out)
{
    SEGI_REQUIRE(path);
    SEGI_REQUIRE(out);
    void *data;
    size_t size;
    seg_status st = segi_read_file(path, (size_t)segi_option(opts, SEG_OPT_MAX_FILE_BYTES),
                                   &data, &size);
    if (st != SEG_OK)
        return st;
    st = seg_image_decode_memory(data, size, opts, out);
    free(data);
    if (st != SEG_OK)
        return segi_error_context(st, "%s", path);
    return SEG_OK;
}

/* Encode into a buffer, then hand it out as a tensor. */
static seg_status finish_encode(seg_status st, segi_bytebuf *buf, seg_tensor **out)
{
    if (st == SEG_OK)
        st = segi_bytebuf_to_tensor(buf, out);
    segi_bytebuf_free(buf);
    return st;
}

static seg_status write_encoded(seg_status st, seg_tensor *bytes, const char *path)
{
    if (st == SEG_OK)
        st = segi_write_bytes(bytes, path);
    seg_tensor_destroy(bytes);
    return st;
}

seg_status seg_image_encode_png(const seg_tensor *hwc, seg_tensor **out)
{
    SEGI_REQUIRE(hwc);
    SEGI_REQUIRE(out);
    segi_bytebuf buf = {0};
    return finish_encode(segi_png_encode(hwc, NULL, 0, &buf), &buf, out);
}

seg_status seg_image_write_png(const seg_tensor *hwc, const char *path)
{
    SEGI_REQUIRE(path);
    seg_tensor *bytes = NULL;
    seg_status st = seg_image_encode_png(hwc, &bytes);
    return write_encoded(st, bytes, path);
}

seg_status seg_image_encode_png_indexed(const seg_tensor *labels, const uint8_t *palette_rgb,
                                        size_t n_colors, seg_tensor **out)
{
    SEGI_REQUIRE(labels);
    SEGI_REQUIRE(palette_rgb);
    SEGI_REQUIRE(out);
    if (n_colors < 1 || n_colors > 256)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "palette has %zu colours, expected 1..256",
                          n_colors);
    segi_bytebuf buf = {0};
    return finish_encode(segi_png_encode(labels, palette_rgb, n_colors, &buf), &buf, out);
}

seg_status seg_image_write_png_indexed(const seg_tensor *labels, const uint8_t *palette_rgb,
                                       size_t n_colors, const char *path)
{
    SEGI_REQUIRE(path);
    seg_tensor *bytes = NULL;
    seg_status st = seg_image_encode_png_indexed(labels, palette_rgb, n_colors, &bytes);
    return write_encoded(st, bytes, path);
}

seg_status seg_image_encode_jpeg(const seg_tensor *hwc, int quality, seg_tensor **out)
{
    SEGI_REQUIRE(hwc);
    SEGI_REQUIRE(out);
    if (quality < 1 || quality > 100)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "JPEG quality %d is outside 1..100",
                          quality);
    segi_bytebuf buf = {0};
    return finish_encode(segi_jpeg_encode(hwc, quality, &buf), &buf, out);
}

seg_status seg_image_write_jpeg(const seg_tensor *hwc, int quality, const char *path)
{
    SEGI_REQUIRE(path);
    seg_tensor *bytes = NULL;
    seg_status st = seg_image_encode_jpeg(hwc, quality, &bytes);
    return write_encoded(st, bytes, path);
}
