/* libFuzzer: the PNG decoder on arbitrary bytes, then the resize and the PNG encoder
 * on whatever it decodes (a decoded image must re-encode and decode to itself). */
#include "fuzz_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seg_tensor *img = NULL;
    if (segi_png_decode(data, size, FUZZ_MAX_PIXELS, &img) == SEG_OK)
        fuzz_exercise_image(img);
    seg_tensor_destroy(img);
    return 0;
}
