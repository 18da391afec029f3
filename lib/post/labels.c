#include "post/labels.h"

#include "core/error.h"

seg_status segi_label_map(const seg_tensor *t, const char *who, int64_t *h, int64_t *w,
                          int32_t *lo, int32_t *hi)
{
    if (!t)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: the semantic label map is NULL", who);
    if ((t->dtype != SEG_DTYPE_U8 && t->dtype != SEG_DTYPE_I32) || t->rank != 2 ||
        t->dims[0] < 1 || t->dims[1] < 1) {
        char s[96];
        return segi_error(SEG_ERR_SHAPE,
                          "%s: semantic labels must be a non-empty u8 or i32 [H, W], got %s %s",
                          who, seg_dtype_name(t->dtype),
                          segi_shape_str(t->rank, t->dims, s, sizeof s));
    }
    *h = t->dims[0];
    *w = t->dims[1];
    size_t n = (size_t)(*h * *w);
    int32_t a = INT32_MAX, b = INT32_MIN;
    for (size_t i = 0; i < n; i++) {
        int32_t v = segi_label_at(t, i);
        a = v < a ? v : a;
        b = v > b ? v : b;
    }
    if ((int64_t)b - a >= (1 << 24))
        return segi_error(SEG_ERR_LIMIT, "%s: semantic labels span %d..%d (more than 2^24)",
                          who, (int)a, (int)b);
    *lo = a;
    *hi = b;
    return SEG_OK;
}

void segi_label_counts(const seg_tensor *labels, int32_t lo, const int32_t *where,
                       int64_t *counts)
{
    size_t n = seg_tensor_count(labels);
    for (size_t i = 0; i < n; i++)
        if (!where || !where[i])
            counts[segi_label_at(labels, i) - lo]++;
}
