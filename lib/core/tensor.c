#include "core/tensor.h"

#include "core/error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t seg_dtype_size(seg_dtype dtype)
{
    switch (dtype) {
    case SEG_DTYPE_U8: case SEG_DTYPE_I8: case SEG_DTYPE_BOOL: return 1;
    case SEG_DTYPE_U16: case SEG_DTYPE_F16: return 2;
    case SEG_DTYPE_F32: case SEG_DTYPE_I32: return 4;
    case SEG_DTYPE_I64: return 8;
    }
    return 0;
}

const char *seg_dtype_name(seg_dtype dtype)
{
    switch (dtype) {
    case SEG_DTYPE_F32: return "f32";
    case SEG_DTYPE_U8: return "u8";
    case SEG_DTYPE_I8: return "i8";
    case SEG_DTYPE_U16: return "u16";
    case SEG_DTYPE_I32: return "i32";
    case SEG_DTYPE_I64: return "i64";
    case SEG_DTYPE_BOOL: return "bool";
    case SEG_DTYPE_F16: return "f16";
    }
    return "invalid";
}

const char *segi_shape_str(int rank, const int64_t *dims, char *buf, size_t cap)
{
    size_t len = 0;
    len += (size_t)snprintf(buf, cap, "[");
    for (int i = 0; i < rank && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%lld", i ? ", " : "",
                                (long long)dims[i]);
    if (len < cap)
        snprintf(buf + len, cap - len, "]");
    return buf;
}

seg_status segi_shape_count(int rank, const int64_t *dims, size_t *count)
{
    if (rank < 0 || rank > SEG_MAX_RANK)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "rank %d is outside 0..%d", rank,
                          SEG_MAX_RANK);
    if (rank > 0 && !dims)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "rank %d with NULL dims", rank);
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0)
            return segi_error(SEG_ERR_INVALID_ARGUMENT, "dimension %d is negative (%lld)",
                              i, (long long)dims[i]);
        if ((uint64_t)dims[i] > SIZE_MAX || __builtin_mul_overflow(n, (size_t)dims[i], &n))
            return segi_error(SEG_ERR_LIMIT, "element count overflows at dimension %d", i);
    }
    *count = n;
    return SEG_OK;
}

seg_status segi_shape_nbytes(seg_dtype dtype, int rank, const int64_t *dims, size_t *nbytes)
{
    size_t esize = seg_dtype_size(dtype);
    if (esize == 0)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "unknown dtype %d", (int)dtype);
    size_t count;
    seg_status st = segi_shape_count(rank, dims, &count);
    if (st != SEG_OK)
        return st;
    if (__builtin_mul_overflow(count, esize, nbytes))
        return segi_error(SEG_ERR_LIMIT, "byte size of %zu %s elements overflows", count,
                          seg_dtype_name(dtype));
    return SEG_OK;
}

static seg_status tensor_new(seg_dtype dtype, int rank, const int64_t *dims,
                             seg_tensor **out, size_t *nbytes)
{
    seg_status st = segi_shape_nbytes(dtype, rank, dims, nbytes);
    if (st != SEG_OK)
        return st;
    seg_tensor *t = calloc(1, sizeof *t);
    if (!t)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "tensor header");
    t->dtype = dtype;
    t->rank = rank;
    if (rank > 0)
        memcpy(t->dims, dims, (size_t)rank * sizeof dims[0]);
    t->nbytes = *nbytes;
    *out = t;
    return SEG_OK;
}

static seg_status tensor_alloc(seg_dtype dtype, int rank, const int64_t *dims, bool zero,
                               seg_tensor **out)
{
    size_t nbytes = 0;
    seg_tensor *t = NULL;
    seg_status st = tensor_new(dtype, rank, dims, &t, &nbytes);
    if (st != SEG_OK)
        return st;
    /* One byte minimum so that empty tensors still have a valid, unique pointer. */
    t->data = zero ? calloc(nbytes ? nbytes : 1, 1) : malloc(nbytes ? nbytes : 1);
    if (!t->data) {
        free(t);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "tensor of %zu bytes", nbytes);
    }
    t->owned = true;
    *out = t;
    return SEG_OK;
}

seg_status segi_tensor_alloc(seg_dtype dtype, int rank, const int64_t *dims, seg_tensor **out)
{
    return tensor_alloc(dtype, rank, dims, false, out);
}

seg_status seg_tensor_create(seg_dtype dtype, int rank, const int64_t *dims, seg_tensor **out)
{
    SEGI_REQUIRE(out);
    return tensor_alloc(dtype, rank, dims, true, out);
}

seg_status seg_tensor_wrap_with_deleter(seg_dtype dtype, int rank, const int64_t *dims,
                                        void *data, size_t nbytes, seg_deleter deleter,
                                        void *user_data, seg_tensor **out)
{
    SEGI_REQUIRE(out);
    SEGI_REQUIRE(data);
    size_t want = 0;
    seg_tensor *t = NULL;
    seg_status st = tensor_new(dtype, rank, dims, &t, &want);
    if (st != SEG_OK)
        return st;
    if (nbytes != want) {
        free(t);
        return segi_error(SEG_ERR_SHAPE, "wrapped buffer has %zu bytes, shape needs %zu",
                          nbytes, want);
    }
    t->data = data;
    t->deleter = deleter;
    t->deleter_data = user_data;
    *out = t;
    return SEG_OK;
}

seg_status seg_tensor_wrap(seg_dtype dtype, int rank, const int64_t *dims, void *data,
                           size_t nbytes, seg_tensor **out)
{
    return seg_tensor_wrap_with_deleter(dtype, rank, dims, data, nbytes, NULL, NULL, out);
}

seg_status seg_tensor_clone(const seg_tensor *src, seg_tensor **out)
{
    SEGI_REQUIRE(src);
    SEGI_REQUIRE(out);
    seg_tensor *t = NULL;
    seg_status st = segi_tensor_alloc(src->dtype, src->rank, src->dims, &t);
    if (st != SEG_OK)
        return st;
    memcpy(t->data, src->data, src->nbytes);
    *out = t;
    return SEG_OK;
}

void seg_tensor_destroy(seg_tensor *t)
{
    if (!t)
        return;
    if (t->owned)
        free(t->data);
    else if (t->deleter)
        t->deleter(t->data, t->deleter_data);
    free(t);
}

seg_dtype seg_tensor_dtype(const seg_tensor *t) { return t->dtype; }
int seg_tensor_rank(const seg_tensor *t) { return t->rank; }
const int64_t *seg_tensor_dims(const seg_tensor *t) { return t->dims; }
size_t seg_tensor_nbytes(const seg_tensor *t) { return t->nbytes; }
void *seg_tensor_data(seg_tensor *t) { return t->data; }
const void *seg_tensor_const_data(const seg_tensor *t) { return t->data; }

size_t seg_tensor_count(const seg_tensor *t)
{
    return t->nbytes / seg_dtype_size(t->dtype);
}

int64_t seg_tensor_dim(const seg_tensor *t, int axis)
{
    if (axis < 0)
        axis += t->rank;
    if (axis < 0 || axis >= t->rank)
        return -1;
    return t->dims[axis];
}

/* ---- dtype conversion through double: exact for every supported pair. ---- */

static double load_elem(const void *p, seg_dtype dt, size_t i)
{
    switch (dt) {
    case SEG_DTYPE_F32: return ((const float *)p)[i];
    case SEG_DTYPE_U8: return ((const uint8_t *)p)[i];
    case SEG_DTYPE_I8: return ((const int8_t *)p)[i];
    case SEG_DTYPE_U16: return ((const uint16_t *)p)[i];
    case SEG_DTYPE_I32: return ((const int32_t *)p)[i];
    case SEG_DTYPE_I64: return (double)((const int64_t *)p)[i];
    case SEG_DTYPE_BOOL: return ((const uint8_t *)p)[i] != 0;
    case SEG_DTYPE_F16: {
        float f;
        seg_f16_to_f32((const uint16_t *)p + i, &f, 1);
        return f;
    }
    }
    return 0;
}

static bool int_range(seg_dtype dt, double *lo, double *hi)
{
    switch (dt) {
    case SEG_DTYPE_U8: *lo = 0; *hi = 255; return true;
    case SEG_DTYPE_I8: *lo = -128; *hi = 127; return true;
    case SEG_DTYPE_U16: *lo = 0; *hi = 65535; return true;
    case SEG_DTYPE_I32: *lo = -2147483648.0; *hi = 2147483647.0; return true;
    case SEG_DTYPE_I64: *lo = -0x1p63; *hi = 0x1p63; return true;
    default: return false;
    }
}

static seg_status store_elem(void *p, seg_dtype dt, size_t i, double v)
{
    double lo, hi;
    if (int_range(dt, &lo, &hi)) {
        v = trunc(v);
        if (!(v >= lo && v <= hi) || (dt == SEG_DTYPE_I64 && v >= hi))
            return segi_error(SEG_ERR_LIMIT, "element %zu (%g) does not fit %s", i, v,
                              seg_dtype_name(dt));
    }
    switch (dt) {
    case SEG_DTYPE_F32: ((float *)p)[i] = (float)v; break;
    case SEG_DTYPE_U8: ((uint8_t *)p)[i] = (uint8_t)v; break;
    case SEG_DTYPE_I8: ((int8_t *)p)[i] = (int8_t)v; break;
    case SEG_DTYPE_U16: ((uint16_t *)p)[i] = (uint16_t)v; break;
    case SEG_DTYPE_I32: ((int32_t *)p)[i] = (int32_t)v; break;
    case SEG_DTYPE_I64: ((int64_t *)p)[i] = (int64_t)v; break;
    case SEG_DTYPE_BOOL: ((uint8_t *)p)[i] = v != 0; break;
    case SEG_DTYPE_F16: {
        float f = (float)v;
        seg_f32_to_f16(&f, (uint16_t *)p + i, 1);
        break;
    }
    }
    return SEG_OK;
}

static bool is_f16_pair(seg_dtype a, seg_dtype b)
{
    return (a == SEG_DTYPE_F16 || b == SEG_DTYPE_F16) &&
           (a == SEG_DTYPE_F32 || a == SEG_DTYPE_F16) &&
           (b == SEG_DTYPE_F32 || b == SEG_DTYPE_F16);
}

seg_status seg_tensor_convert(const seg_tensor *src, seg_dtype dtype, seg_tensor **out)
{
    SEGI_REQUIRE(src);
    SEGI_REQUIRE(out);
    if (seg_dtype_size(dtype) == 0)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "unknown target dtype %d", (int)dtype);
    if (!is_f16_pair(src->dtype, dtype) &&
        (src->dtype == SEG_DTYPE_F16 || dtype == SEG_DTYPE_F16))
        return segi_error(SEG_ERR_UNSUPPORTED, "conversion %s -> %s: f16 converts only to "
                          "and from f32", seg_dtype_name(src->dtype), seg_dtype_name(dtype));
    seg_tensor *t = NULL;
    seg_status st = segi_tensor_alloc(dtype, src->rank, src->dims, &t);
    if (st != SEG_OK)
        return st;
    size_t n = seg_tensor_count(src);
    if (src->dtype == SEG_DTYPE_F16 && dtype == SEG_DTYPE_F32)
        seg_f16_to_f32(src->data, t->data, n);
    else if (src->dtype == SEG_DTYPE_F32 && dtype == SEG_DTYPE_F16)
        seg_f32_to_f16(src->data, t->data, n);
    else
        for (size_t i = 0; i < n && st == SEG_OK; i++)
            st = store_elem(t->data, dtype, i, load_elem(src->data, src->dtype, i));
    if (st != SEG_OK) {
        seg_tensor_destroy(t);
        return st;
    }
    *out = t;
    return SEG_OK;
}
