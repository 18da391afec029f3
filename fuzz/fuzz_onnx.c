/* libFuzzer harness for the ONNX loader: decode, build the graph, run the passes.
 * Any input must end in SEG_OK or a status with a message, never a crash or a leak. */
#include <seg/seg.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seg_model *m = NULL;
    if (seg_model_load_memory_borrowed(data, size, NULL, &m) == SEG_OK) {
        for (size_t i = 0; i < seg_model_input_count(m); i++)
            (void)seg_model_input_name(m, i);
        (void)seg_model_parameter_count(m);
    }
    seg_model_destroy(m);
    return 0;
}
