/* EXIF Orientation: read the tag from IFD0 of an APP1 "Exif" segment (TIFF layout,
 * either byte order) and turn a decoded image upright. */
#include "io/image.h"

#include "core/error.h"
#include "core/tensor.h"

#include <string.h>

#define TAG_ORIENTATION 0x0112
#define TYPE_SHORT 3

static unsigned read16(const uint8_t *p, int big_endian)
{
    return big_endian ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

static uint32_t read32(const uint8_t *p, int big_endian)
{
    return big_endian ? (uint32_t)read16(p, 1) << 16 | read16(p + 2, 1)
                      : (uint32_t)read16(p + 2, 0) << 16 | read16(p, 0);
}

int segi_exif_orientation(const uint8_t *data, size_t size)
{
    static const uint8_t exif_id[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (size < sizeof exif_id + 8 || memcmp(data, exif_id, sizeof exif_id) != 0)
        return 0;
    const uint8_t *tiff = data + sizeof exif_id;
    size_t tsize = size - sizeof exif_id;
    int big;
    if (tiff[0] == 'M' && tiff[1] == 'M')
        big = 1;
    else if (tiff[0] == 'I' && tiff[1] == 'I')
        big = 0;
    else
        return 0;
    if (read16(tiff + 2, big) != 42)
        return 0;
    uint32_t ifd = read32(tiff + 4, big);
    if (ifd > tsize - 2)
        return 0;
    size_t count = read16(tiff + ifd, big);
    if (count > (tsize - ifd - 2) / 12)
        return 0;
    for (size_t i = 0; i < count; i++) {
        const uint8_t *e = tiff + ifd + 2 + 12 * i;
        if (read16(e, big) != TAG_ORIENTATION)
            continue;
        unsigned v = read16(e + 8, big);
        if (read16(e + 2, big) != TYPE_SHORT || read32(e + 4, big) != 1 || v < 1 || v > 8)
            return 0;
        return (int)v;
    }
    return 0;
}

/* For orientations 1-8: transpose (5-8), then which source axes run backwards. */
static const struct {
    int transpose, flip_rows, flip_cols;
} orient_map[9] = {
    {0, 0, 0}, {0, 0, 0}, {0, 0, 1}, {0, 1, 1}, {0, 1, 0},
    {1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {1, 0, 1},
};

seg_status segi_image_orient(const seg_tensor *src, int orientation, seg_tensor **out)
{
    int64_t h = src->dims[0], w = src->dims[1], c = src->dims[2];
    int t = orient_map[orientation].transpose;
    int fr = orient_map[orientation].flip_rows, fc = orient_map[orientation].flip_cols;
    int64_t oh = t ? w : h, ow = t ? h : w;
    seg_status st = segi_tensor_alloc3(SEG_DTYPE_U8, oh, ow, c, out);
    if (st != SEG_OK)
        return st;
    const uint8_t *s = src->data;
    uint8_t *d = (*out)->data;
    for (int64_t y = 0; y < oh; y++) {
        for (int64_t x = 0; x < ow; x++) {
            int64_t sy = t ? x : y, sx = t ? y : x;
            if (fr)
                sy = h - 1 - sy;
            if (fc)
                sx = w - 1 - sx;
            memcpy(d, s + (sy * w + sx) * c, (size_t)c);
            d += c;
        }
    }
    return SEG_OK;
}
