/* A growable byte buffer for encoders, and the two ways its bytes leave the library:
 * as a 1-D u8 tensor or as a file written atomically. */
#ifndef SEGI_BYTEBUF_H
#define SEGI_BYTEBUF_H

#include "seg/seg_tensor.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct segi_bytebuf {
    uint8_t *data;
    size_t len, cap;
} segi_bytebuf;

/** Make room for `extra` more bytes after `len`; false when out of memory. */
bool segi_bytebuf_reserve(segi_bytebuf *b, size_t extra);

/** Append `n` bytes; false when out of memory (the buffer is unchanged then). */
bool segi_bytebuf_append(segi_bytebuf *b, const void *data, size_t n);

void segi_bytebuf_free(segi_bytebuf *b);

/** Hand the bytes over to a new 1-D u8 tensor; the buffer is emptied on success. */
seg_status segi_bytebuf_to_tensor(segi_bytebuf *b, seg_tensor **out);

/** Write a 1-D u8 tensor's bytes to `path` atomically (lib/core/file.h). */
seg_status segi_write_bytes(const seg_tensor *bytes, const char *path);

#endif
