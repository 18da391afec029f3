/* Named, typed attribute values: what an ONNX AttributeProto carries, decoded.
 * The loader produces them, graph passes rewrite them, operator kernels read them. */
#ifndef SEGI_ATTR_H
#define SEGI_ATTR_H

#include "seg/seg_tensor.h"

#include <stdbool.h>

/* Values equal ONNX's AttributeProto.AttributeType numbers. */
typedef enum segi_attr_type {
    SEGI_ATTR_FLOAT = 1,
    SEGI_ATTR_INT = 2,
    SEGI_ATTR_STRING = 3,
    SEGI_ATTR_TENSOR = 4,
    SEGI_ATTR_FLOATS = 6,
    SEGI_ATTR_INTS = 7,
    SEGI_ATTR_STRINGS = 8
} segi_attr_type;

typedef struct segi_attr {
    const char *name;
    segi_attr_type type;
    float f;
    int64_t i;
    const char *s;            /* NUL-terminated; s_len excludes the NUL */
    size_t s_len;
    const float *floats;      /* FLOATS: n values */
    const int64_t *ints;      /* INTS: n values */
    const char *const *strings; /* STRINGS: n values */
    size_t n;
    const seg_tensor *t;      /* TENSOR */
} segi_attr;

/* The attribute called `name`, or NULL. */
const segi_attr *segi_attr_find(const segi_attr *attrs, int n_attrs, const char *name);

#endif
