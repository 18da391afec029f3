/* COCO compressed counts strings (pycocotools rleToString / rleFrString).
 *
 * Counts after the third are stored as differences to the count two before (runs of
 * zeros and ones tend to repeat), each value as little-endian 5-bit groups with 0x20
 * marking "more groups follow" and bit 0x10 of the last group as the sign, plus 48 to
 * stay printable ('0'..'o'). */
#include "post/rle.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

/* A 33-bit signed difference needs at most 7 groups of 5 bits. */
#define MAX_GROUPS 7

seg_status seg_rle_string(seg_rle *rle, const char **str, size_t *len)
{
    SEGI_REQUIRE(rle);
    SEGI_REQUIRE(str);
    if (!rle->str) {
        char *s = malloc(rle->m * MAX_GROUPS + 1);
        if (!s)
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: string of %zu counts", __func__,
                              rle->m);
        size_t p = 0;
        for (size_t i = 0; i < rle->m; i++) {
            int64_t x = rle->cnts[i];
            if (i > 2)
                x -= rle->cnts[i - 2];
            for (int more = 1; more;) {
                int64_t c = x & 0x1f;
                x = (x - c) / 32; /* floor division: an arithmetic shift, portably */
                more = (c & 0x10) ? x != -1 : x != 0;
                s[p++] = (char)((more ? c | 0x20 : c) + 48);
            }
        }
        s[p] = '\0';
        rle->str = s;
        rle->str_len = p;
    }
    *str = rle->str;
    if (len)
        *len = rle->str_len;
    return SEG_OK;
}

/* Decode the value starting at s[*p]; advances *p. */
static seg_status read_value(const char *s, size_t len, size_t *p, int64_t *value)
{
    size_t start = *p;
    uint64_t x = 0;
    for (int k = 0;; k++) {
        if (*p >= len)
            return segi_error(SEG_ERR_FORMAT,
                              "RLE string ends inside the value starting at offset %zu", start);
        unsigned char ch = (unsigned char)s[*p];
        if (ch < 48 || ch > 48 + 63)
            return segi_error(SEG_ERR_FORMAT,
                              "RLE string byte 0x%02x at offset %zu is outside '0'..'o'", ch, *p);
        if (k == MAX_GROUPS)
            return segi_error(SEG_ERR_FORMAT,
                              "RLE string value at offset %zu has more than %d groups", start,
                              MAX_GROUPS);
        unsigned c = ch - 48u;
        x |= (uint64_t)(c & 0x1f) << (5 * k);
        (*p)++;
        if (!(c & 0x20)) {
            if (c & 0x10) /* sign-extend the last group */
                x |= ~UINT64_C(0) << (5 * (k + 1));
            *value = (int64_t)x;
            return SEG_OK;
        }
    }
}

seg_status seg_rle_from_string(int64_t h, int64_t w, const char *str, size_t len,
                               seg_rle **out)
{
    SEGI_REQUIRE(out);
    if (len > 0 && !str)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: str is NULL with len %zu", __func__,
                          len);
    seg_status st = segi_rle_check_size(__func__, h, w);
    if (st != SEG_OK)
        return st;
    const uint64_t area = (uint64_t)h * (uint64_t)w;
    uint32_t *cnts = malloc((len ? len : 1) * sizeof *cnts);
    if (!cnts)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu-byte string", __func__, len);
    size_t m = 0, p = 0;
    uint64_t sum = 0;
    while (p < len && st == SEG_OK) {
        size_t start = p;
        int64_t v = 0;
        st = read_value(str, len, &p, &v);
        if (st != SEG_OK)
            break;
        if (m > 2)
            v += cnts[m - 2];
        if (v < 0 || (uint64_t)v > area - sum)
            st = segi_error(SEG_ERR_FORMAT,
                            "RLE string count %zu (offset %zu) is %lld; the %lldx%lld mask has "
                            "%llu pixels left", m, start, (long long)v, (long long)h,
                            (long long)w, (unsigned long long)(area - sum));
        else
            sum += (uint64_t)(cnts[m++] = (uint32_t)v);
    }
    if (st == SEG_OK && sum != area)
        st = segi_error(SEG_ERR_FORMAT,
                        "RLE string counts sum to %llu at its end (offset %zu); a %lldx%lld "
                        "mask needs %llu", (unsigned long long)sum, len, (long long)h,
                        (long long)w, (unsigned long long)area);
    if (st != SEG_OK) {
        free(cnts);
        return st;
    }
    return segi_rle_adopt((uint32_t)h, (uint32_t)w, cnts, m, out);
}
