/* Helpers for the image tests: golden paths under $SEG_TEST_DATA/io, .npy loading
 * and element-wise comparison reporting the first difference. */
#ifndef SEG_TEST_IO_H
#define SEG_TEST_IO_H

#include "check.h"

#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>

static char io_path_buf[4096];

static const char *io_path(const char *name)
{
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(io_path_buf, sizeof io_path_buf, "%s/io/%s", root ? root : "tests/data", name);
    return io_path_buf;
}

/* The demo photograph, examples/data/grace_hopper.jpg, decoded. */
static seg_tensor *load_photo(void)
{
    const char *root = getenv("SEG_SOURCE_ROOT");
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/data/grace_hopper.jpg", root ? root : ".");
    seg_tensor *t = NULL;
    CHECK_OK(seg_image_decode_file(path, NULL, &t));
    return t;
}

static seg_tensor *load_npy(const char *name)
{
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(io_path(name), NULL, &t));
    return t;
}

static double element(const seg_tensor *t, size_t i)
{
    const void *p = seg_tensor_const_data(t);
    switch (seg_tensor_dtype(t)) {
    case SEG_DTYPE_U8: return ((const uint8_t *)p)[i];
    case SEG_DTYPE_U16: return ((const uint16_t *)p)[i];
    case SEG_DTYPE_F32: return ((const float *)p)[i];
    default: return NAN;
    }
}

/* Same dtype and shape, and every element within `tol`; returns the largest
 * difference (or INFINITY when the tensors cannot be compared). */
static double compare(const char *what, const seg_tensor *got, const seg_tensor *want,
                      double tol)
{
    if (!got || !want)
        return INFINITY;
    int same_shape = seg_tensor_rank(got) == seg_tensor_rank(want) &&
                     seg_tensor_dtype(got) == seg_tensor_dtype(want);
    for (int i = 0; same_shape && i < seg_tensor_rank(got); i++)
        same_shape = seg_tensor_dim(got, i) == seg_tensor_dim(want, i);
    if (!same_shape) {
        fprintf(stderr, "%s: dtype/shape differ (%s rank %d [%lld, %lld] vs %s rank %d "
                "[%lld, %lld])\n", what, seg_dtype_name(seg_tensor_dtype(got)),
                seg_tensor_rank(got), (long long)seg_tensor_dim(got, 0),
                (long long)seg_tensor_dim(got, 1), seg_dtype_name(seg_tensor_dtype(want)),
                seg_tensor_rank(want), (long long)seg_tensor_dim(want, 0),
                (long long)seg_tensor_dim(want, 1));
        check_case_failed = 1;
        return INFINITY;
    }
    double worst = 0;
    size_t first = (size_t)-1;
    for (size_t i = 0; i < seg_tensor_count(got); i++) {
        double d = fabs(element(got, i) - element(want, i));
        if (d > tol && first == (size_t)-1)
            first = i;
        if (d > worst)
            worst = d;
    }
    if (first != (size_t)-1) {
        fprintf(stderr, "%s: element %zu is %.9g, want %.9g (largest difference %g)\n",
                what, first, element(got, first), element(want, first), worst);
        check_case_failed = 1;
    }
    return worst;
}

#endif
