/* libFuzzer: the JPEG decoder (with its EXIF reader) on arbitrary bytes, then the
 * resize and the PNG encoder on whatever it decodes. */
#include "fuzz_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the EXIF reader alone, on the raw bytes as if they were an APP1 payload */
    int o = segi_exif_orientation(data, size);
    if (o < 0 || o > 8)
        __builtin_trap();
    seg_tensor *img = NULL;
    if (segi_jpeg_decode(data, size, FUZZ_MAX_PIXELS, &img) == SEG_OK)
        fuzz_exercise_image(img);
    seg_tensor_destroy(img);
    return 0;
}
