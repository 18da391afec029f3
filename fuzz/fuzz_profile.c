/* libFuzzer: model profile JSON (seg_profile_load_memory) on arbitrary bytes. A profile
 * that loads must answer every class query: names for each counted class, NULL past the
 * end, and a colour for any class index. */
#include <seg/seg.h>

#include <stdio.h>

#define REQUIRE(c)                                                               \
    do {                                                                         \
        if (!(c)) {                                                              \
            fprintf(stderr, "fuzz_profile.c:%d: %s failed\n", __LINE__, #c);     \
            __builtin_trap();                                                    \
        }                                                                        \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seg_profile *p = NULL;
    if (seg_profile_load_memory(data, size, &p) != SEG_OK) {
        REQUIRE(p == NULL && seg_last_error()[0] != '\0');
        return 0;
    }
    seg_task task = seg_profile_task(p);
    REQUIRE(task == SEG_TASK_SEMANTIC || task == SEG_TASK_SALIENT ||
            task == SEG_TASK_INSTANCE || task == SEG_TASK_PANOPTIC);
    size_t n = seg_profile_class_count(p);
    for (size_t c = 0; c < n; c++)
        REQUIRE(seg_profile_class_name(p, c) != NULL);
    REQUIRE(seg_profile_class_name(p, n) == NULL);
    uint8_t rgb[3];
    for (size_t c = 0; c <= n + 300; c += 1 + c / 4)
        seg_profile_color(p, c, rgb);
    seg_profile_color(p, SIZE_MAX, rgb);
    seg_profile_destroy(p);
    return 0;
}
