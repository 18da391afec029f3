/* The EXIF Orientation reader on hand-built APP1 payloads (TIFF layout, both byte
 * orders), including every way the offsets and counts can point outside the data. */
#include "check.h"

#include "io/image.h"

#include <stdlib.h>
#include <string.h>

/* "Exif\0\0" + TIFF header (IFD0 at 8) + one 12-byte entry + next-IFD offset. */
static size_t build(uint8_t *p, int big, unsigned tag, unsigned type, uint32_t count,
                    unsigned value)
{
    size_t n = 0;
    memcpy(p, "Exif\0\0", 6);
    n = 6;
#define PUT16(v) (big ? (p[n] = (uint8_t)((v) >> 8), p[n + 1] = (uint8_t)(v)) \
                      : (p[n] = (uint8_t)(v), p[n + 1] = (uint8_t)((v) >> 8)), n += 2)
#define PUT32(v) (big ? (PUT16((v) >> 16), PUT16((v) & 0xffff)) \
                      : (PUT16((v) & 0xffff), PUT16((v) >> 16)))
    p[n++] = big ? 'M' : 'I';
    p[n++] = big ? 'M' : 'I';
    PUT16(42);
    PUT32(8u);
    PUT16(1);      /* one entry */
    PUT16(tag);
    PUT16(type);
    PUT32(count);
    PUT16(value);
    PUT16(0);
    PUT32(0u);     /* no next IFD */
#undef PUT16
#undef PUT32
    return n;
}

TEST(valid_tags_in_both_byte_orders)
{
    uint8_t buf[64];
    for (unsigned v = 1; v <= 8; v++) {
        size_t n = build(buf, 0, 0x0112, 3, 1, v);
        CHECK_EQ_INT(n, 6 + 8 + 2 + 12 + 4);
        CHECK_EQ_INT(segi_exif_orientation(buf, n), v);
        n = build(buf, 1, 0x0112, 3, 1, v);
        CHECK_EQ_INT(segi_exif_orientation(buf, n), v);
    }
}

TEST(wrong_tag_type_count_or_value_is_ignored)
{
    uint8_t buf[64];
    CHECK_EQ_INT(segi_exif_orientation(buf, build(buf, 0, 0x0110, 3, 1, 6)), 0);
    CHECK_EQ_INT(segi_exif_orientation(buf, build(buf, 0, 0x0112, 4, 1, 6)), 0);
    CHECK_EQ_INT(segi_exif_orientation(buf, build(buf, 1, 0x0112, 3, 2, 6)), 0);
    CHECK_EQ_INT(segi_exif_orientation(buf, build(buf, 1, 0x0112, 3, 1, 0)), 0);
    CHECK_EQ_INT(segi_exif_orientation(buf, build(buf, 1, 0x0112, 3, 1, 9)), 0);
}

TEST(out_of_bounds_offsets_and_counts_are_ignored)
{
    uint8_t buf[64];
    size_t n = build(buf, 0, 0x0112, 3, 1, 6);
    /* every truncation of a valid payload, each in its own exact-size allocation so
     * ASan sees any read past the end; once the entry is whole (only the next-IFD
     * offset is cut) the tag is found */
    for (size_t len = 0; len < n; len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, buf, len);
        CHECK_EQ_INT(segi_exif_orientation(copy, len), len < n - 4 ? 0 : 6);
        free(copy);
    }
    uint8_t bad[64];
    memcpy(bad, buf, n);
    bad[10] = 0xf0, bad[11] = 0xff, bad[12] = 0xff, bad[13] = 0xff; /* IFD0 at 2^32-16 */
    CHECK_EQ_INT(segi_exif_orientation(bad, n), 0);
    memcpy(bad, buf, n);
    bad[10] = (uint8_t)(n - 6 - 1); /* IFD0 one byte before the end */
    CHECK_EQ_INT(segi_exif_orientation(bad, n), 0);
    memcpy(bad, buf, n);
    bad[14] = 2; /* two entries claimed, one present */
    CHECK_EQ_INT(segi_exif_orientation(bad, n - 4), 0);
    memcpy(bad, buf, n);
    bad[6] = 'I', bad[7] = 'M'; /* mixed byte-order mark */
    CHECK_EQ_INT(segi_exif_orientation(bad, n), 0);
    memcpy(bad, buf, n);
    bad[8] = 43; /* not TIFF's 42 */
    CHECK_EQ_INT(segi_exif_orientation(bad, n), 0);
    memcpy(bad, buf, n);
    bad[0] = 'X'; /* not an Exif segment (e.g. XMP) */
    CHECK_EQ_INT(segi_exif_orientation(bad, n), 0);
}

int main(void)
{
    return RUN_TESTS(CASE(valid_tags_in_both_byte_orders),
                     CASE(wrong_tag_type_count_or_value_is_ignored),
                     CASE(out_of_bounds_offsets_and_counts_are_ignored));
}
