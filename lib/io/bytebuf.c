#include "io/bytebuf.h"

#include "core/error.h"
#include "core/file.h"

#include <stdlib.h>
#include <string.h>

bool segi_bytebuf_reserve(segi_bytebuf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return true;
    if (extra > SIZE_MAX / 2 - b->len)
        return false;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < extra)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return false;
    b->data = p;
    b->cap = cap;
    return true;
}

bool segi_bytebuf_append(segi_bytebuf *b, const void *data, size_t n)
{
    if (!segi_bytebuf_reserve(b, n))
        return false;
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return true;
}

void segi_bytebuf_free(segi_bytebuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void free_bytes(void *data, void *user_data)
{
    (void)user_data;
    free(data);
}

seg_status segi_bytebuf_to_tensor(segi_bytebuf *b, seg_tensor **out)
{
    int64_t dims[1] = {(int64_t)b->len};
    seg_status st = seg_tensor_wrap_with_deleter(SEG_DTYPE_U8, 1, dims, b->data, b->len,
                                                 free_bytes, NULL, out);
    if (st == SEG_OK)
        memset(b, 0, sizeof *b);
    return st;
}

seg_status segi_write_bytes(const seg_tensor *bytes, const char *path)
{
    segi_atomic_file af;
    seg_status st = segi_atomic_open(&af, path);
    if (st != SEG_OK)
        return st;
    size_t n = seg_tensor_nbytes(bytes);
    if (fwrite(seg_tensor_const_data(bytes), 1, n, af.fp) != n) {
        segi_atomic_abort(&af);
        return segi_error(SEG_ERR_IO, "%s: short write", path);
    }
    return segi_atomic_commit(&af);
}
