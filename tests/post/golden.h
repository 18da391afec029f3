/* Reading the JSON goldens of tests/goldens/masks.py (tests/data/masks/) with jansson. */
#ifndef SEG_TEST_GOLDEN_H
#define SEG_TEST_GOLDEN_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static json_t *golden_load(const char *name)
{
    const char *root = getenv("SEG_TEST_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/masks/%s", root ? root : "tests/data", name);
    json_error_t err;
    json_t *j = json_load_file(path, 0, &err);
    if (!j)
        fprintf(stderr, "%s:%d: %s\n", path, err.line, err.text);
    return j;
}

static int64_t golden_int(const json_t *obj, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(obj, key));
}

/* A mask stored as a string of '0' and '1' (row-major) as a malloc'd 0/1 array. */
static uint8_t *golden_mask(const json_t *str)
{
    const char *s = json_string_value(str);
    size_t n = json_string_length(str);
    uint8_t *m = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        m[i] = s[i] == '1';
    return m;
}

/* A JSON array of integers as a malloc'd array of T (caller frees); *n gets the length. */
#define GOLDEN_ARRAY(T, name)                                                       \
    static T *golden_##name(const json_t *arr, size_t *n)                           \
    {                                                                               \
        size_t len = json_array_size(arr);                                          \
        T *out = malloc((len ? len : 1) * sizeof *out);                             \
        for (size_t i = 0; i < len; i++)                                            \
            out[i] = (T)json_number_value(json_array_get(arr, i));                  \
        if (n)                                                                      \
            *n = len;                                                               \
        return out;                                                                 \
    }
GOLDEN_ARRAY(uint8_t, u8)
GOLDEN_ARRAY(uint32_t, u32)
GOLDEN_ARRAY(int32_t, i32)
GOLDEN_ARRAY(double, f64)

#endif
