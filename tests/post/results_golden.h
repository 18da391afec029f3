/* Loading the goldens written by tests/goldens/post_results.py. */
#ifndef SEG_TEST_POST_RESULTS_GOLDEN_H
#define SEG_TEST_POST_RESULTS_GOLDEN_H

#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>

/* tests/data/post_results/<name>.npy, or NULL (after printing why). */
static seg_tensor *golden(const char *name)
{
    const char *root = getenv("SEG_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/post_results/%s.npy", root ? root : "tests/data", name);
    seg_tensor *t = NULL;
    if (seg_npy_read_file(path, NULL, &t) != SEG_OK) {
        fprintf(stderr, "cannot read %s: %s\n", path, seg_last_error());
        return NULL;
    }
    return t;
}

/* Bit `i` of an np.packbits array. */
static int golden_bit(const seg_tensor *packed, size_t i)
{
    const uint8_t *b = seg_tensor_const_data(packed);
    return (b[i >> 3] >> (7 - (i & 7))) & 1;
}

#endif
