/*
 * A protobuf wire-format reader: fields of one message, one at a time.
 *
 * Every varint and length is bounds-checked against the enclosing message; errors are
 * SEG_ERR_FORMAT and name the byte offset from the start of the outermost buffer.
 */
#ifndef SEGI_PB_H
#define SEGI_PB_H

#include "seg/seg_common.h"

#include <stdbool.h>

enum { SEGI_PB_VARINT = 0, SEGI_PB_I64 = 1, SEGI_PB_LEN = 2, SEGI_PB_I32 = 5 };

typedef struct segi_pb {
    const uint8_t *origin; /* start of the outermost buffer, for offsets in errors */
    const uint8_t *p, *end;
} segi_pb;

typedef struct segi_pb_field {
    uint32_t num;
    int wire;
    uint64_t u;          /* VARINT, I64 and I32 payloads */
    const uint8_t *data; /* LEN payload */
    size_t len;
    size_t offset;       /* of the field's tag */
} segi_pb_field;

/** A reader over a whole buffer. */
segi_pb segi_pb_open(const void *data, size_t size);

/** A reader over the nested message in LEN field `f` of `r`. */
segi_pb segi_pb_sub(const segi_pb *r, const segi_pb_field *f);

/** Byte offset of `p` from the outermost buffer's start. */
size_t segi_pb_offset(const segi_pb *r, const uint8_t *p);

/** Read the next field into *f; *more is false (and *f untouched) at the end. */
seg_status segi_pb_next(segi_pb *r, segi_pb_field *f, bool *more);

/** Number of fields numbered `num` in the message (SEG_ERR_FORMAT on bad bytes). */
seg_status segi_pb_count(segi_pb r, uint32_t num, size_t *count);

/** Reinterpret a field's payload: int32/enum/int64 (two's complement), float. */
static inline int64_t segi_pb_i64(const segi_pb_field *f) { return (int64_t)f->u; }
float segi_pb_float(const segi_pb_field *f);

/*
 * A repeated scalar field arrives packed (one LEN field) or one value per field.
 * segi_pb_scalars adds the values of field `f` to *count and, with `out` != NULL,
 * stores them as uint64_t at out[*count...]: `kind` is SEGI_PB_VARINT, SEGI_PB_I32
 * (e.g. float bits) or SEGI_PB_I64. Called per field, so unpacked repeats accumulate.
 */
seg_status segi_pb_scalars(const segi_pb *r, const segi_pb_field *f, int kind,
                           void *out, size_t *count);

#endif
