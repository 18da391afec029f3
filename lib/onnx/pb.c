#include "onnx/pb.h"

#include "core/error.h"

#include <string.h>

segi_pb segi_pb_open(const void *data, size_t size)
{
    const uint8_t *p = data;
    segi_pb r = {p, p, p + size};
    return r;
}

segi_pb segi_pb_sub(const segi_pb *r, const segi_pb_field *f)
{
    segi_pb s = {r->origin, f->data, f->data + f->len};
    return s;
}

size_t segi_pb_offset(const segi_pb *r, const uint8_t *p)
{
    return (size_t)(p - r->origin);
}

static seg_status read_varint(segi_pb *r, uint64_t *v)
{
    const uint8_t *start = r->p;
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p == r->end)
            return segi_error(SEG_ERR_FORMAT, "at byte %zu: truncated varint",
                              segi_pb_offset(r, start));
        uint8_t b = *r->p++;
        /* The tenth byte may carry only the top bit of a 64-bit value. */
        if (shift == 63 && b > 1)
            break;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return SEG_OK;
        }
    }
    return segi_error(SEG_ERR_FORMAT, "at byte %zu: varint longer than 64 bits",
                      segi_pb_offset(r, start));
}

static seg_status read_fixed(segi_pb *r, size_t n, uint64_t *v)
{
    if ((size_t)(r->end - r->p) < n)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: %zu-byte value truncated",
                          segi_pb_offset(r, r->p), n);
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++)
        x |= (uint64_t)r->p[i] << (8 * i);
    r->p += n;
    *v = x;
    return SEG_OK;
}

seg_status segi_pb_next(segi_pb *r, segi_pb_field *f, bool *more)
{
    if (r->p == r->end) {
        *more = false;
        return SEG_OK;
    }
    size_t offset = segi_pb_offset(r, r->p);
    uint64_t key = 0;
    seg_status st = read_varint(r, &key);
    if (st != SEG_OK)
        return st;
    uint64_t num = key >> 3;
    int wire = (int)(key & 7);
    if (num == 0 || num > 0x1fffffff)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: invalid field number %llu", offset,
                          (unsigned long long)num);
    segi_pb_field g = {(uint32_t)num, wire, 0, NULL, 0, offset};
    switch (wire) {
    case SEGI_PB_VARINT: st = read_varint(r, &g.u); break;
    case SEGI_PB_I64: st = read_fixed(r, 8, &g.u); break;
    case SEGI_PB_I32: st = read_fixed(r, 4, &g.u); break;
    case SEGI_PB_LEN: {
        uint64_t len = 0;
        st = read_varint(r, &len);
        if (st != SEG_OK)
            break;
        size_t left = (size_t)(r->end - r->p);
        if (len > left)
            return segi_error(SEG_ERR_FORMAT,
                              "at byte %zu: field %u length %llu exceeds the %zu bytes left",
                              offset, g.num, (unsigned long long)len, left);
        g.data = r->p;
        g.len = (size_t)len;
        r->p += len;
        break;
    }
    default:
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: field %u has unsupported wire type %d",
                          offset, g.num, wire);
    }
    if (st != SEG_OK)
        return st;
    *f = g;
    *more = true;
    return SEG_OK;
}

seg_status segi_pb_count(segi_pb r, uint32_t num, size_t *count)
{
    size_t n = 0;
    segi_pb_field f = {0};
    bool more;
    seg_status st;
    while ((st = segi_pb_next(&r, &f, &more)) == SEG_OK && more)
        n += f.num == num;
    if (st == SEG_OK)
        *count = n;
    return st;
}

float segi_pb_float(const segi_pb_field *f)
{
    uint32_t bits = (uint32_t)f->u;
    float x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

seg_status segi_pb_scalars(const segi_pb *r, const segi_pb_field *f, int kind, void *out,
                           size_t *count)
{
    if (f->wire == kind) {
        if (out)
            ((uint64_t *)out)[*count] = f->u;
        ++*count;
        return SEG_OK;
    }
    if (f->wire != SEGI_PB_LEN)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: field %u has wire type %d, expected %d",
                          f->offset, f->num, f->wire, kind);
    segi_pb s = segi_pb_sub(r, f);
    size_t width = kind == SEGI_PB_I32 ? 4 : kind == SEGI_PB_I64 ? 8 : 0;
    if (width && f->len % width)
        return segi_error(SEG_ERR_FORMAT,
                          "at byte %zu: packed field %u has %zu bytes, not a multiple of %zu",
                          f->offset, f->num, f->len, width);
    while (s.p < s.end) {
        uint64_t v = 0;
        seg_status st = width ? read_fixed(&s, width, &v) : read_varint(&s, &v);
        if (st != SEG_OK)
            return st;
        if (out)
            ((uint64_t *)out)[*count] = v;
        ++*count;
    }
    return SEG_OK;
}
