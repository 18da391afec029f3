/* Helpers for the metrics tests: goldens from tests/goldens/metrics.py live in
 * $SEG_TEST_DATA/metrics (NumPy arrays and JSON; JSON null stands for NaN). */
#ifndef SEG_TEST_METRICS_H
#define SEG_TEST_METRICS_H

#include "check.h"

#include <seg/seg.h>

#include <jansson.h>
#include <stdlib.h>

static char metrics_path_buf[4096];

static const char *metrics_path(const char *name)
{
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(metrics_path_buf, sizeof metrics_path_buf, "%s/metrics/%s",
             root ? root : "tests/data", name);
    return metrics_path_buf;
}

static seg_tensor *metrics_npy(const char *name)
{
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(metrics_path(name), NULL, &t));
    return t;
}

static json_t *metrics_json(const char *name)
{
    json_error_t err;
    json_t *j = json_load_file(metrics_path(name), 0, &err);
    if (!j)
        fprintf(stderr, "%s: %s\n", name, err.text);
    CHECK(j != NULL);
    return j;
}

/* A golden number by path "a.b" (array index allowed as last part via json_get_at). */
static double golden(json_t *root, const char *obj, const char *key)
{
    json_t *v = json_object_get(json_object_get(root, obj), key);
    CHECK(v != NULL);
    return json_is_null(v) ? NAN : json_number_value(v);
}

static double golden_at(json_t *root, const char *obj, const char *key, size_t i)
{
    json_t *v = json_array_get(json_object_get(json_object_get(root, obj), key), i);
    CHECK(v != NULL);
    return json_is_null(v) ? NAN : json_number_value(v);
}

/* Equal within tol, or both NaN. */
#define CHECK_SAME(a, b, tol)                                                        \
    do {                                                                             \
        double cs_a_ = (a), cs_b_ = (b);                                             \
        if (isnan(cs_a_) || isnan(cs_b_))                                            \
            CHECK(isnan(cs_a_) && isnan(cs_b_));                                     \
        else                                                                         \
            CHECK_NEAR(cs_a_, cs_b_, tol);                                           \
    } while (0)

#endif
