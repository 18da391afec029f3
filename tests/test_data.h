/* Helpers shared by the tests: golden files under $SEG_TEST_DATA (set by
 * tests/meson.build; "tests/data" when run by hand from the source root) and any
 * tensor element as a double. */
#ifndef SEG_TEST_DATA_H
#define SEG_TEST_DATA_H

#include <seg/seg.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* "$SEG_TEST_DATA/<area>/<name>", in a buffer the next call overwrites. */
static inline const char *test_data_path(const char *area, const char *name)
{
    static char buf[4096];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(buf, sizeof buf, "%s/%s/%s", root ? root : "tests/data", area, name);
    return buf;
}

/* Element i of a tensor of any dtype as a double (NaN for an unknown dtype). */
static inline double test_elem(const seg_tensor *t, size_t i)
{
    const void *p = seg_tensor_const_data(t);
    switch (seg_tensor_dtype(t)) {
    case SEG_DTYPE_F32: return ((const float *)p)[i];
    case SEG_DTYPE_F16: {
        float f;
        seg_f16_to_f32((const uint16_t *)p + i, &f, 1);
        return f;
    }
    case SEG_DTYPE_U8: case SEG_DTYPE_BOOL: return ((const uint8_t *)p)[i];
    case SEG_DTYPE_I8: return ((const int8_t *)p)[i];
    case SEG_DTYPE_U16: return ((const uint16_t *)p)[i];
    case SEG_DTYPE_I32: return ((const int32_t *)p)[i];
    case SEG_DTYPE_I64: return (double)((const int64_t *)p)[i];
    }
    return NAN;
}

#endif
