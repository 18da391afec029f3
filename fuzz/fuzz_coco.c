/* libFuzzer: COCO instance ground truth and results for mask AP (seg_coco_eval_memory).
 *
 * Input: the gt JSON, a NUL byte, the results JSON (without a NUL the results are "[]").
 * An evaluation that succeeds must give every summary number in [0, 1] or exactly -1,
 * and a named category with such an AP for every index. */
#include <seg/seg.h>

#include <stdio.h>
#include <string.h>

#define REQUIRE(c)                                                            \
    do {                                                                      \
        if (!(c)) {                                                           \
            fprintf(stderr, "fuzz_coco.c:%d: %s failed\n", __LINE__, #c);     \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int valid_ap(double v)
{
    return v == -1 || (v >= 0 && v <= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *gt = (const char *)data, *res = "[]";
    const char *nul = memchr(data, 0, size);
    size_t gt_size = nul ? (size_t)(nul - gt) : size, res_size = 2;
    if (nul) {
        res = nul + 1;
        res_size = size - gt_size - 1;
    }
    seg_coco_eval *ev = NULL;
    if (seg_coco_eval_memory(gt, gt_size, res, res_size, NULL, &ev) != SEG_OK) {
        REQUIRE(ev == NULL && seg_last_error()[0] != '\0');
        return 0;
    }
    for (int s = 0; s < SEG_COCO_STAT_COUNT; s++) {
        double v = 0;
        REQUIRE(seg_coco_eval_stat(ev, (seg_coco_stat)s, &v) == SEG_OK && valid_ap(v));
    }
    size_t n = seg_coco_eval_category_count(ev);
    for (size_t i = 0; i < n; i++) {
        int64_t id = 0;
        const char *name = NULL;
        double ap = 0;
        REQUIRE(seg_coco_eval_category(ev, i, &id, &name, &ap) == SEG_OK && valid_ap(ap));
    }
    REQUIRE(seg_coco_eval_category(ev, n, NULL, NULL, NULL) != SEG_OK);
    seg_coco_eval_destroy(ev);
    return 0;
}
