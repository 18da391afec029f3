/* TensorProto: raw_data used in place or copied once, typed fields converted,
 * external data read from beside the model. */
#include "onnx/decode.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    TP_DIMS = 1, TP_DATA_TYPE = 2, TP_SEGMENT = 3, TP_FLOAT_DATA = 4, TP_INT32_DATA = 5,
    TP_STRING_DATA = 6, TP_INT64_DATA = 7, TP_NAME = 8, TP_RAW_DATA = 9,
    TP_DOUBLE_DATA = 10, TP_UINT64_DATA = 11, TP_EXTERNAL_DATA = 13, TP_DATA_LOCATION = 14
};

seg_dtype segi_onnx_dtype(int elem_type)
{
    switch (elem_type) {
    case SEG_DTYPE_F32: case SEG_DTYPE_U8: case SEG_DTYPE_I8: case SEG_DTYPE_U16:
    case SEG_DTYPE_I32: case SEG_DTYPE_I64: case SEG_DTYPE_BOOL: case SEG_DTYPE_F16:
        return (seg_dtype)elem_type;
    }
    return (seg_dtype)0;
}

const char *segi_onnx_type_name(int elem_type)
{
    static const char *const names[] = {
        "undefined", "float", "uint8", "int8", "uint16", "int16", "int32", "int64",
        "string", "bool", "float16", "double", "uint32", "uint64", "complex64",
        "complex128", "bfloat16", "float8e4m3fn", "float8e4m3fnuz", "float8e5m2",
        "float8e5m2fnuz", "uint4", "int4"};
    if (elem_type >= 0 && elem_type < (int)(sizeof names / sizeof names[0]))
        return names[elem_type];
    return "unknown";
}

seg_status segi_onnx_expect(const segi_pb_field *f, int wire, const char *what)
{
    if (f->wire == wire)
        return SEG_OK;
    return segi_error(SEG_ERR_FORMAT, "at byte %zu: %s (field %u) has wire type %d, expected %d",
                      f->offset, what, f->num, f->wire, wire);
}

/* What one pass over a TensorProto finds. */
typedef struct tensor_fields {
    int64_t dims[SEG_MAX_RANK];
    size_t rank;
    int64_t data_type;
    segi_pb_field name, raw;
    bool has_raw, external;
    uint32_t typed_num;   /* the typed field seen (0: none) */
    size_t typed_count;
    const char *location;
    uint64_t ext_offset;
    int64_t ext_length;   /* -1: to the end of the file */
} tensor_fields;

static seg_status external_entry(segi_onnx_ctx *c, const segi_pb *r, const segi_pb_field *f,
                                 tensor_fields *tf)
{
    segi_pb e = segi_pb_sub(r, f);
    segi_pb_field g, key = {0}, value = {0};
    bool more;
    seg_status st;
    while ((st = segi_pb_next(&e, &g, &more)) == SEG_OK && more) {
        if ((g.num == 1 || g.num == 2) && (st = segi_onnx_expect(&g, SEGI_PB_LEN,
                                                                 "external_data entry")))
            return st;
        if (g.num == 1)
            key = g;
        else if (g.num == 2)
            value = g;
    }
    if (st != SEG_OK)
        return st;
    char k[16] = "", v[64] = "";
    if (!key.data || !value.data)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: external data entry without a key or "
                          "value", f->offset);
    if (key.len < sizeof k)
        memcpy(k, key.data, key.len);
    if (strcmp(k, "location") == 0) {
        if (!c->m)
            return segi_error(SEG_ERR_UNSUPPORTED, "at byte %zu: external data in a lone tensor",
                              f->offset);
        return segi_onnx_string(c, &value, &tf->location);
    }
    bool is_off = strcmp(k, "offset") == 0, is_len = strcmp(k, "length") == 0;
    if (!is_off && !is_len)
        return SEG_OK; /* checksum and unknown keys carry nothing we need */
    if (value.len == 0 || value.len >= sizeof v)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: external data %s has %zu characters",
                          f->offset, k, value.len);
    memcpy(v, value.data, value.len);
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (*end || v[0] == '-' || x > INT64_MAX)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: external data %s '%s' is not a size",
                          f->offset, k, v);
    if (is_off)
        tf->ext_offset = x;
    else
        tf->ext_length = (int64_t)x;
    return SEG_OK;
}

static bool is_typed(uint32_t num)
{
    return num == TP_FLOAT_DATA || num == TP_INT32_DATA || num == TP_INT64_DATA ||
           num == TP_DOUBLE_DATA || num == TP_UINT64_DATA;
}

static int typed_kind(uint32_t num)
{
    return num == TP_FLOAT_DATA ? SEGI_PB_I32
           : num == TP_DOUBLE_DATA ? SEGI_PB_I64
                                   : SEGI_PB_VARINT;
}

static seg_status scan_field(segi_onnx_ctx *c, const segi_pb *r, const segi_pb_field *f,
                             tensor_fields *tf)
{
    seg_status st = SEG_OK;
    size_t n = 0;
    switch (f->num) {
    case TP_DIMS:
        if ((st = segi_pb_scalars(r, f, SEGI_PB_VARINT, NULL, &n)))
            return st;
        if (tf->rank + n > SEG_MAX_RANK)
            return segi_error(SEG_ERR_UNSUPPORTED, "at byte %zu: tensor rank above %d",
                              f->offset, SEG_MAX_RANK);
        return segi_pb_scalars(r, f, SEGI_PB_VARINT, tf->dims, &tf->rank);
    case TP_DATA_TYPE:
        if ((st = segi_onnx_expect(f, SEGI_PB_VARINT, "data_type")))
            return st;
        tf->data_type = segi_pb_i64(f);
        return SEG_OK;
    case TP_NAME:
        if ((st = segi_onnx_expect(f, SEGI_PB_LEN, "name")))
            return st;
        tf->name = *f;
        return SEG_OK;
    case TP_RAW_DATA:
        if ((st = segi_onnx_expect(f, SEGI_PB_LEN, "raw_data")))
            return st;
        tf->raw = *f;
        tf->has_raw = true;
        return SEG_OK;
    case TP_SEGMENT:
    case TP_STRING_DATA:
        return segi_error(SEG_ERR_UNSUPPORTED, "at byte %zu: tensor %s are not supported",
                          f->offset, f->num == TP_SEGMENT ? "segments" : "strings");
    case TP_EXTERNAL_DATA:
        if ((st = segi_onnx_expect(f, SEGI_PB_LEN, "external_data")))
            return st;
        return external_entry(c, r, f, tf);
    case TP_DATA_LOCATION:
        if ((st = segi_onnx_expect(f, SEGI_PB_VARINT, "data_location")))
            return st;
        tf->external = f->u == 1;
        return SEG_OK;
    }
    if (!is_typed(f->num))
        return SEG_OK;
    if (tf->typed_num && tf->typed_num != f->num)
        return segi_error(SEG_ERR_FORMAT, "at byte %zu: tensor mixes typed data fields %u and %u",
                          f->offset, tf->typed_num, f->num);
    tf->typed_num = f->num;
    return segi_pb_scalars(r, f, typed_kind(f->num), NULL, &tf->typed_count);
}

/* The typed field each dtype's values are stored in. */
static uint32_t typed_field_for(seg_dtype dt)
{
    switch (dt) {
    case SEG_DTYPE_F32: return TP_FLOAT_DATA;
    case SEG_DTYPE_I64: return TP_INT64_DATA;
    default: return TP_INT32_DATA;
    }
}

static void put_value(void *dst, seg_dtype dt, size_t i, uint64_t v)
{
    switch (dt) {
    case SEG_DTYPE_F32: ((uint32_t *)dst)[i] = (uint32_t)v; break;
    case SEG_DTYPE_I64: ((int64_t *)dst)[i] = (int64_t)v; break;
    case SEG_DTYPE_I32: ((int32_t *)dst)[i] = (int32_t)v; break;
    case SEG_DTYPE_U16: case SEG_DTYPE_F16: ((uint16_t *)dst)[i] = (uint16_t)v; break;
    case SEG_DTYPE_BOOL: ((uint8_t *)dst)[i] = v != 0; break;
    case SEG_DTYPE_U8: case SEG_DTYPE_I8: ((uint8_t *)dst)[i] = (uint8_t)v; break;
    }
}

/* Second pass: gather the typed field's values (packed or not) and convert them. */
static seg_status convert_typed(const segi_pb *msg, const tensor_fields *tf, seg_dtype dt,
                                void *dst)
{
    uint64_t *vals = malloc(tf->typed_count * sizeof *vals);
    if (!vals)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%zu typed tensor values", tf->typed_count);
    segi_pb it = *msg;
    segi_pb_field f;
    bool more;
    seg_status st;
    size_t n = 0;
    while ((st = segi_pb_next(&it, &f, &more)) == SEG_OK && more)
        if (f.num == tf->typed_num &&
            (st = segi_pb_scalars(msg, &f, typed_kind(f.num), vals, &n)))
            break;
    for (size_t i = 0; st == SEG_OK && i < n; i++)
        put_value(dst, dt, i, vals[i]);
    free(vals);
    return st;
}

static seg_status new_header(const tensor_fields *tf, seg_dtype dt, size_t nbytes,
                             seg_tensor **out)
{
    seg_tensor *t = calloc(1, sizeof *t);
    if (!t)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "tensor header");
    t->dtype = dt;
    t->rank = (int)tf->rank;
    memcpy(t->dims, tf->dims, sizeof t->dims);
    t->nbytes = nbytes;
    *out = t;
    return SEG_OK;
}

static seg_status fill(segi_onnx_ctx *c, const segi_pb *msg, const tensor_fields *tf,
                       seg_dtype dt, seg_tensor *t, const char *what)
{
    size_t count = t->nbytes / seg_dtype_size(dt);
    if (tf->external) {
        if (!tf->location)
            return segi_error(SEG_ERR_FORMAT, "%s: external data without a location", what);
        seg_status st = segi_onnx_external(c, what, tf->location, tf->ext_offset,
                                           tf->ext_length, t->nbytes, &t->data);
        t->owned = st == SEG_OK;
        return st;
    }
    if (tf->has_raw) {
        if (tf->raw.len != t->nbytes)
            return segi_error(SEG_ERR_FORMAT, "at byte %zu: %s: raw_data has %zu bytes, "
                              "shape needs %zu", tf->raw.offset, what, tf->raw.len, t->nbytes);
        if (c->borrow && (uintptr_t)tf->raw.data % seg_dtype_size(dt) == 0) {
            t->data = (void *)(uintptr_t)tf->raw.data; /* read-only: kernels never write inputs */
            return SEG_OK;
        }
        if (!(t->data = malloc(t->nbytes ? t->nbytes : 1)))
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu bytes", what, t->nbytes);
        t->owned = true;
        memcpy(t->data, tf->raw.data, t->nbytes);
        return SEG_OK;
    }
    /* Counts are checked before allocating: a tiny file may declare a huge shape. */
    if (count && tf->typed_num != typed_field_for(dt))
        return segi_error(SEG_ERR_FORMAT, "%s: %zu %s values but no data for them", what, count,
                          seg_dtype_name(dt));
    if (count && tf->typed_count != count)
        return segi_error(SEG_ERR_FORMAT, "%s: %zu typed values, shape needs %zu", what,
                          tf->typed_count, count);
    if (!(t->data = malloc(t->nbytes ? t->nbytes : 1)))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu bytes", what, t->nbytes);
    t->owned = true;
    return count ? convert_typed(msg, tf, dt, t->data) : SEG_OK;
}

static void describe(const tensor_fields *tf, size_t offset, char *buf, size_t cap)
{
    int n = (int)(tf->name.len < 200 ? tf->name.len : 200);
    if (tf->name.data)
        snprintf(buf, cap, "tensor '%.*s' at byte %zu", n, (const char *)tf->name.data, offset);
    else
        snprintf(buf, cap, "tensor at byte %zu", offset);
}

seg_status segi_onnx_tensor(segi_onnx_ctx *c, const segi_pb *r, const segi_pb_field *f,
                            seg_tensor **out, segi_pb_field *name)
{
    seg_status st = segi_onnx_expect(f, SEGI_PB_LEN, "tensor");
    if (st != SEG_OK)
        return st;
    segi_pb msg = segi_pb_sub(r, f), it = msg;
    tensor_fields tf = {.data_type = 0, .ext_length = -1};
    segi_pb_field g;
    bool more;
    while ((st = segi_pb_next(&it, &g, &more)) == SEG_OK && more)
        if ((st = scan_field(c, &msg, &g, &tf)))
            break;
    if (st != SEG_OK)
        return st;
    char what[256];
    describe(&tf, f->offset, what, sizeof what);
    seg_dtype dt = segi_onnx_dtype((int)tf.data_type);
    if (!dt)
        return segi_error(SEG_ERR_UNSUPPORTED, "%s: data type %s (%lld) is not supported", what,
                          segi_onnx_type_name((int)tf.data_type), (long long)tf.data_type);
    size_t nbytes;
    for (size_t i = 0; i < tf.rank; i++)
        if (tf.dims[i] < 0)
            return segi_error(SEG_ERR_FORMAT, "%s: dimension %zu is negative", what, i);
    if ((st = segi_shape_nbytes(dt, (int)tf.rank, tf.dims, &nbytes)))
        return segi_error_context(st, "%s", what);
    seg_tensor *t = NULL;
    if ((st = new_header(&tf, dt, nbytes, &t)))
        return st;
    if ((st = fill(c, &msg, &tf, dt, t, what))) {
        seg_tensor_destroy(t);
        return st;
    }
    if (c->m && (st = segi_onnx_keep(c->m, t))) {
        seg_tensor_destroy(t);
        return st;
    }
    *out = t;
    if (name)
        *name = tf.name;
    return SEG_OK;
}
