/* libFuzzer: the .npy reader on arbitrary bytes; what it accepts must re-encode. */
#include <seg/seg.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seg_tensor *t = NULL, *again = NULL;
    if (seg_npy_read_memory(data, size, NULL, &t) != SEG_OK)
        return 0;
    if (seg_npy_encode(t, &again) != SEG_OK)
        __builtin_trap();
    seg_tensor_destroy(again);
    seg_tensor_destroy(t);
    return 0;
}
