#include "post/nms.h"

#include <string.h>

static inline float maxf(float a, float b) { return a > b ? a : b; }
static inline float minf(float a, float b) { return a < b ? a : b; }

size_t segi_nms(const float *boxes, size_t n, double iou_threshold, size_t max_keep,
                uint8_t *suppressed, size_t *keep)
{
    memset(suppressed, 0, n);
    size_t kept = 0;
    for (size_t i = 0; i < n && kept < max_keep; i++) {
        if (suppressed[i])
            continue;
        keep[kept++] = i;
        const float *a = boxes + 4 * i;
        float area_a = (a[2] - a[0]) * (a[3] - a[1]);
        for (size_t j = i + 1; j < n; j++) {
            if (suppressed[j])
                continue;
            const float *b = boxes + 4 * j;
            float w = maxf(0.0f, minf(a[2], b[2]) - maxf(a[0], b[0]));
            float h = maxf(0.0f, minf(a[3], b[3]) - maxf(a[1], b[1]));
            float inter = w * h;
            float area_b = (b[2] - b[0]) * (b[3] - b[1]);
            float iou = inter / (area_a + area_b - inter);
            /* 0 / 0 (two empty boxes) is NaN and suppresses nothing, as in torchvision */
            if ((double)iou > iou_threshold)
                suppressed[j] = 1;
        }
    }
    return kept;
}
