/* NumPy .npy reader and writer.
 * Format: "\x93NUMPY", major, minor, header length (u16 for 1.x, u32 for 2.x/3.x,
 * little-endian), then a Python dict literal {'descr', 'fortran_order', 'shape'}
 * padded with spaces and '\n' so the data starts on a 64-byte boundary. */
#include "seg/seg_npy.h"

#include "core/error.h"
#include "core/file.h"
#include "core/options.h"
#include "core/tensor.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAGIC "\x93NUMPY"
#define NPY_MAGIC_LEN 6
#define NPY_MAX_HEADER (1u << 20) /* numpy itself refuses headers past 10 KiB */

typedef struct npy_header {
    seg_dtype dtype;
    int rank;
    int64_t dims[SEG_MAX_RANK];
    size_t data_offset;
} npy_header;

static const struct {
    const char *code; /* kind and size after the byte-order character */
    seg_dtype dtype;
} descr_table[] = {
    {"f4", SEG_DTYPE_F32}, {"f2", SEG_DTYPE_F16}, {"u1", SEG_DTYPE_U8},
    {"i1", SEG_DTYPE_I8},  {"u2", SEG_DTYPE_U16}, {"i4", SEG_DTYPE_I32},
    {"i8", SEG_DTYPE_I64}, {"b1", SEG_DTYPE_BOOL},
};

/* ---- Reading the preamble ---------------------------------------------- */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* From the first bytes of a file: where the dict starts and how long it is. */
static seg_status parse_preamble(const uint8_t *p, size_t avail, size_t *dict_start,
                                 size_t *dict_len)
{
    if (avail < 10)
        return segi_error(SEG_ERR_FORMAT, "%zu bytes: shorter than the 10-byte .npy preamble",
                          avail);
    if (memcmp(p, NPY_MAGIC, NPY_MAGIC_LEN) != 0)
        return segi_error(SEG_ERR_FORMAT, "offset 0: not a .npy file (bad magic)");
    unsigned major = p[6], minor = p[7];
    if (major == 1) {
        *dict_start = 10;
        *dict_len = (size_t)p[8] | (size_t)p[9] << 8;
    } else if (major == 2 || major == 3) {
        if (avail < 12)
            return segi_error(SEG_ERR_FORMAT, "%zu bytes: truncated version %u preamble",
                              avail, major);
        *dict_start = 12;
        *dict_len = le32(p + 8);
    } else {
        return segi_error(SEG_ERR_UNSUPPORTED, "offset 6: .npy format version %u.%u", major,
                          minor);
    }
    if (*dict_len > NPY_MAX_HEADER)
        return segi_error(SEG_ERR_FORMAT, "offset 8: header length %zu is implausible",
                          *dict_len);
    return SEG_OK;
}

/* ---- Parsing the header dict -------------------------------------------- */

typedef struct dict_parser {
    const char *s;
    size_t len, pos, base; /* base: file offset of s[0], for messages */
} dict_parser;

static void skip_space(dict_parser *d)
{
    while (d->pos < d->len && isspace((unsigned char)d->s[d->pos]))
        d->pos++;
}

static seg_status expect(dict_parser *d, char c)
{
    skip_space(d);
    if (d->pos >= d->len || d->s[d->pos] != c)
        return segi_error(SEG_ERR_FORMAT, "offset %zu: expected '%c' in .npy header",
                          d->base + d->pos, c);
    d->pos++;
    return SEG_OK;
}

static bool accept(dict_parser *d, char c)
{
    skip_space(d);
    if (d->pos < d->len && d->s[d->pos] == c) {
        d->pos++;
        return true;
    }
    return false;
}

/* A quoted Python string without escapes, into buf. */
static seg_status parse_string(dict_parser *d, char *buf, size_t cap)
{
    skip_space(d);
    if (d->pos >= d->len || (d->s[d->pos] != '\'' && d->s[d->pos] != '"'))
        return segi_error(SEG_ERR_FORMAT, "offset %zu: expected a string in .npy header",
                          d->base + d->pos);
    char quote = d->s[d->pos++];
    size_t n = 0;
    while (d->pos < d->len && d->s[d->pos] != quote) {
        if (n + 1 >= cap)
            return segi_error(SEG_ERR_FORMAT, "offset %zu: string too long in .npy header",
                              d->base + d->pos);
        buf[n++] = d->s[d->pos++];
    }
    if (d->pos >= d->len)
        return segi_error(SEG_ERR_FORMAT, "offset %zu: unterminated string in .npy header",
                          d->base + d->pos);
    d->pos++;
    buf[n] = '\0';
    return SEG_OK;
}

static seg_status parse_descr(dict_parser *d, npy_header *h)
{
    size_t at = d->base + d->pos;
    char descr[32];
    seg_status st = parse_string(d, descr, sizeof descr);
    if (st != SEG_OK)
        return st;
    char order = descr[0];
    for (size_t i = 0; i < sizeof descr_table / sizeof descr_table[0]; i++) {
        if (strcmp(descr + 1, descr_table[i].code) != 0)
            continue;
        bool one_byte = seg_dtype_size(descr_table[i].dtype) == 1;
        if (order == '<' || (one_byte && (order == '|' || order == '>'))) {
            h->dtype = descr_table[i].dtype;
            return SEG_OK;
        }
        if (order == '>')
            return segi_error(SEG_ERR_UNSUPPORTED,
                              "offset %zu: big-endian dtype '%s' (byte-swap it in NumPy)",
                              at, descr);
    }
    return segi_error(SEG_ERR_UNSUPPORTED, "offset %zu: dtype '%s' is not supported", at,
                      descr);
}

static seg_status parse_bool(dict_parser *d, bool *v)
{
    skip_space(d);
    const char *p = d->s + d->pos;
    size_t left = d->len - d->pos;
    if (left >= 4 && memcmp(p, "True", 4) == 0) {
        *v = true;
        d->pos += 4;
    } else if (left >= 5 && memcmp(p, "False", 5) == 0) {
        *v = false;
        d->pos += 5;
    } else {
        return segi_error(SEG_ERR_FORMAT, "offset %zu: expected True or False",
                          d->base + d->pos);
    }
    return SEG_OK;
}

static seg_status parse_dim(dict_parser *d, int64_t *v)
{
    skip_space(d);
    size_t start = d->pos;
    int64_t x = 0;
    while (d->pos < d->len && isdigit((unsigned char)d->s[d->pos])) {
        int digit = d->s[d->pos++] - '0';
        if (x > (INT64_MAX - digit) / 10)
            return segi_error(SEG_ERR_FORMAT, "offset %zu: dimension overflows int64",
                              d->base + start);
        x = x * 10 + digit;
    }
    if (d->pos == start)
        return segi_error(SEG_ERR_FORMAT, "offset %zu: expected a non-negative dimension",
                          d->base + start);
    *v = x;
    return SEG_OK;
}

/* "()", "(5,)", "(2, 3)"; also the lenient "(5)". */
static seg_status parse_shape(dict_parser *d, npy_header *h)
{
    seg_status st = expect(d, '(');
    h->rank = 0;
    while (st == SEG_OK && !accept(d, ')')) {
        if (h->rank == SEG_MAX_RANK)
            return segi_error(SEG_ERR_UNSUPPORTED, "offset %zu: rank above %d",
                              d->base + d->pos, SEG_MAX_RANK);
        st = parse_dim(d, &h->dims[h->rank++]);
        if (st == SEG_OK && !accept(d, ','))
            return expect(d, ')');
    }
    return st;
}

static seg_status parse_dict(dict_parser *d, npy_header *h)
{
    enum { DESCR = 1, FORTRAN = 2, SHAPE = 4 };
    unsigned seen = 0;
    seg_status st = expect(d, '{');
    while (st == SEG_OK && !accept(d, '}')) {
        size_t key_at = d->base + d->pos;
        char key[32];
        bool fortran = false;
        if ((st = parse_string(d, key, sizeof key)) != SEG_OK || (st = expect(d, ':')) != SEG_OK)
            return st;
        if (strcmp(key, "descr") == 0 && !(seen & DESCR)) {
            st = parse_descr(d, h);
            seen |= DESCR;
        } else if (strcmp(key, "fortran_order") == 0 && !(seen & FORTRAN)) {
            st = parse_bool(d, &fortran);
            seen |= FORTRAN;
            if (st == SEG_OK && fortran)
                return segi_error(SEG_ERR_UNSUPPORTED,
                                  "offset %zu: Fortran-order array (save it in C order)",
                                  key_at);
        } else if (strcmp(key, "shape") == 0 && !(seen & SHAPE)) {
            st = parse_shape(d, h);
            seen |= SHAPE;
        } else {
            return segi_error(SEG_ERR_FORMAT, "offset %zu: unexpected or repeated key '%s'",
                              key_at, key);
        }
        if (st == SEG_OK && !accept(d, ',')) {
            st = expect(d, '}');
            break;
        }
    }
    if (st == SEG_OK && seen != (DESCR | FORTRAN | SHAPE))
        return segi_error(SEG_ERR_FORMAT, "offset %zu: header lacks %s", d->base,
                          !(seen & DESCR) ? "'descr'" : !(seen & SHAPE) ? "'shape'"
                                                                       : "'fortran_order'");
    return st;
}

/* Parse everything up to the data: `p` holds at least the preamble and the dict. */
static seg_status parse_header(const uint8_t *p, size_t avail, npy_header *h)
{
    size_t start = 0, len = 0;
    seg_status st = parse_preamble(p, avail, &start, &len);
    if (st != SEG_OK)
        return st;
    if (avail - start < len)
        return segi_error(SEG_ERR_FORMAT, "offset %zu: header of %zu bytes is truncated",
                          start, len);
    dict_parser d = {(const char *)p + start, len, 0, start};
    st = parse_dict(&d, h);
    if (st != SEG_OK)
        return st;
    h->data_offset = start + len;
    return SEG_OK;
}

static seg_status check_data_size(const npy_header *h, size_t have, size_t *nbytes)
{
    seg_status st = segi_shape_nbytes(h->dtype, h->rank, h->dims, nbytes);
    if (st != SEG_OK)
        return st;
    if (have != *nbytes)
        return segi_error(SEG_ERR_FORMAT,
                          "offset %zu: header promises %zu data bytes, file has %zu",
                          h->data_offset, *nbytes, have);
    return SEG_OK;
}

static seg_status validate_bools(const seg_tensor *t)
{
    if (t->dtype != SEG_DTYPE_BOOL)
        return SEG_OK;
    const uint8_t *b = t->data;
    for (size_t i = 0; i < t->nbytes; i++)
        if (b[i] > 1)
            return segi_error(SEG_ERR_FORMAT, "bool element %zu has value %u", i, b[i]);
    return SEG_OK;
}

seg_status seg_npy_read_memory(const void *data, size_t size, const seg_options *options,
                               seg_tensor **out)
{
    SEGI_REQUIRE(data);
    SEGI_REQUIRE(out);
    if ((uint64_t)size > (uint64_t)segi_option(options, SEG_OPT_MAX_FILE_BYTES))
        return segi_error(SEG_ERR_LIMIT, ".npy buffer of %zu bytes exceeds max_file_bytes",
                          size);
    npy_header h;
    size_t nbytes;
    seg_status st = parse_header(data, size, &h);
    if (st == SEG_OK)
        st = check_data_size(&h, size - h.data_offset, &nbytes);
    seg_tensor *t = NULL;
    if (st == SEG_OK)
        st = segi_tensor_alloc(h.dtype, h.rank, h.dims, &t);
    if (st == SEG_OK) {
        memcpy(t->data, (const uint8_t *)data + h.data_offset, nbytes);
        st = validate_bools(t);
    }
    if (st != SEG_OK) {
        seg_tensor_destroy(t);
        return st;
    }
    *out = t;
    return SEG_OK;
}

/* Files are parsed from their first bytes, then the data is read straight into the
 * tensor, so reading never holds two copies of a large array. */
static seg_status read_stream(FILE *fp, size_t file_size, seg_tensor **out)
{
    uint8_t pre[12];
    size_t got = fread(pre, 1, sizeof pre < file_size ? sizeof pre : file_size, fp);
    size_t start = 0, len = 0;
    seg_status st = parse_preamble(pre, got, &start, &len);
    if (st != SEG_OK)
        return st;
    if (file_size - start < len)
        return segi_error(SEG_ERR_FORMAT, "offset %zu: header of %zu bytes is truncated",
                          start, len);
    uint8_t *head = malloc(start + len);
    if (!head)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, ".npy header of %zu bytes", len);
    npy_header h;
    memcpy(head, pre, start);
    if (fseek(fp, (long)start, SEEK_SET) != 0 || fread(head + start, 1, len, fp) != len)
        st = segi_error(SEG_ERR_IO, "short read in the .npy header");
    else
        st = parse_header(head, start + len, &h);
    free(head);
    size_t nbytes;
    if (st == SEG_OK)
        st = check_data_size(&h, file_size - h.data_offset, &nbytes);
    seg_tensor *t = NULL;
    if (st == SEG_OK)
        st = segi_tensor_alloc(h.dtype, h.rank, h.dims, &t);
    if (st == SEG_OK && fread(t->data, 1, nbytes, fp) != nbytes)
        st = segi_error(SEG_ERR_IO, "short read of %zu data bytes", nbytes);
    if (st == SEG_OK)
        st = validate_bools(t);
    if (st != SEG_OK) {
        seg_tensor_destroy(t);
        return st;
    }
    *out = t;
    return SEG_OK;
}

seg_status seg_npy_read_file(const char *path, const seg_options *options, seg_tensor **out)
{
    SEGI_REQUIRE(path);
    SEGI_REQUIRE(out);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return segi_error(SEG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    long size = -1;
    if (fseek(fp, 0, SEEK_END) == 0)
        size = ftell(fp);
    seg_status st = SEG_OK;
    if (size < 0 || fseek(fp, 0, SEEK_SET) != 0)
        st = segi_error(SEG_ERR_IO, "cannot determine the size (not a regular file?)");
    else if ((uint64_t)size > (uint64_t)segi_option(options, SEG_OPT_MAX_FILE_BYTES))
        st = segi_error(SEG_ERR_LIMIT, "%ld bytes exceed max_file_bytes", size);
    else
        st = read_stream(fp, (size_t)size, out);
    fclose(fp);
    return st == SEG_OK ? st : segi_error_context(st, "%s", path);
}

/* ---- Writing ------------------------------------------------------------ */

static const char *descr_of(seg_dtype dtype)
{
    switch (dtype) {
    case SEG_DTYPE_F32: return "<f4";
    case SEG_DTYPE_F16: return "<f2";
    case SEG_DTYPE_U8: return "|u1";
    case SEG_DTYPE_I8: return "|i1";
    case SEG_DTYPE_U16: return "<u2";
    case SEG_DTYPE_I32: return "<i4";
    case SEG_DTYPE_I64: return "<i8";
    case SEG_DTYPE_BOOL: return "|b1";
    }
    return NULL;
}

/* The full header (preamble + padded dict) for `t` into buf[320]; returns its length.
 * Rank <= 8 keeps the dict far below version 1.0's 64 KiB limit. */
static size_t format_header(const seg_tensor *t, char *buf)
{
    char shape[200] = "(";
    size_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n += (size_t)snprintf(shape + n, sizeof shape - n, i ? ", %lld" : "%lld",
                              (long long)t->dims[i]);
    snprintf(shape + n, sizeof shape - n, t->rank == 1 ? ",)" : ")");
    char dict[256];
    int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                       descr_of(t->dtype), shape);
    size_t total = (10 + (size_t)len + 1 + 63) / 64 * 64;
    size_t dict_len = total - 10;
    memcpy(buf, NPY_MAGIC "\x01\x00", 8);
    buf[8] = (char)(dict_len & 0xff);
    buf[9] = (char)(dict_len >> 8);
    memcpy(buf + 10, dict, (size_t)len);
    memset(buf + 10 + len, ' ', dict_len - (size_t)len - 1);
    buf[total - 1] = '\n';
    return total;
}

seg_status seg_npy_encode(const seg_tensor *tensor, seg_tensor **out)
{
    SEGI_REQUIRE(tensor);
    SEGI_REQUIRE(out);
    char head[320];
    size_t hlen = format_header(tensor, head);
    int64_t total = (int64_t)(hlen + tensor->nbytes);
    seg_tensor *t;
    seg_status st = segi_tensor_alloc(SEG_DTYPE_U8, 1, &total, &t);
    if (st != SEG_OK)
        return st;
    memcpy(t->data, head, hlen);
    memcpy((uint8_t *)t->data + hlen, tensor->data, tensor->nbytes);
    *out = t;
    return SEG_OK;
}

seg_status seg_npy_write_file(const seg_tensor *tensor, const char *path)
{
    SEGI_REQUIRE(tensor);
    SEGI_REQUIRE(path);
    char head[320];
    size_t hlen = format_header(tensor, head);
    segi_atomic_file af;
    seg_status st = segi_atomic_open(&af, path);
    if (st != SEG_OK)
        return st;
    if (fwrite(head, 1, hlen, af.fp) != hlen ||
        fwrite(tensor->data, 1, tensor->nbytes, af.fp) != tensor->nbytes) {
        segi_atomic_abort(&af);
        return segi_error(SEG_ERR_IO, "%s: write failed", path);
    }
    return segi_atomic_commit(&af);
}
