/* libFuzzer: the PNG decoder on arbitrary bytes, then the resize and the PNG encoder
 * on whatever it decodes (a decoded image must re-encode and decode to itself).
 * Mutations almost always break a chunk's CRC, and libpng then stops at that chunk,
 * so the harness first rewrites every complete chunk's CRC: the fuzzer reaches the
 * chunk parsers and the inflate/unfilter/de-interlace paths behind them. (Bad CRCs
 * themselves are covered by tests/io/test_image_decode.c.) */
#include "fuzz_image.h"

#include <stdlib.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void fix_crcs(uint8_t *png, size_t size)
{
    size_t pos = 8; /* after the signature */
    while (size - pos >= 12) {
        uint32_t len = get_be32(png + pos);
        if (len > size - pos - 12)
            break;
        put_be32(png + pos + 8 + len, (uint32_t)crc32(0, png + pos + 4, len + 4));
        pos += 12 + (size_t)len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so that ASan sees any read past the end */
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    if (size >= 8)
        fix_crcs(copy, size);
    seg_tensor *img = NULL;
    if (segi_png_decode(copy, size, FUZZ_MAX_PIXELS, 0, &img) == SEG_OK)
        fuzz_exercise_image(img);
    seg_tensor_destroy(img);
    free(copy);
    return 0;
}
