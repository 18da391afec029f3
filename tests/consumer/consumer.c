/* A program that knows libseg only through `pkg-config --cflags --libs libseg`. */
#include <seg/seg.h>

#include <stdio.h>

int main(void)
{
    if (SEG_INIT() != SEG_OK) {
        fprintf(stderr, "%s\n", seg_last_error());
        return 1;
    }
    int64_t dims[2] = {2, 2};
    seg_tensor *t;
    if (seg_tensor_create(SEG_DTYPE_F32, 2, dims, &t) != SEG_OK)
        return 1;
    int ok = seg_tensor_count(t) == 4;
    seg_tensor_destroy(t);
    printf("libseg %s: %s\n", seg_version_string(), ok ? "ok" : "wrong count");
    return ok ? 0 : 1;
}
