/* Shared between the ONNX decoder's files: the decoding context and field helpers. */
#ifndef SEGI_ONNX_DECODE_H
#define SEGI_ONNX_DECODE_H

#include "onnx/onnx.h"
#include "onnx/pb.h"

typedef struct segi_onnx_ctx {
    segi_onnx_model *m; /* NULL when decoding a lone TensorProto */
    const char *dir;    /* folder for external data; NULL refuses it */
    bool borrow;        /* raw_data may be used in place */
} segi_onnx_ctx;

struct segi_onnx_map {
    segi_onnx_map *next;
    void *addr;
    size_t len;
};

/** Add `t` to the tensors the model destroys. */
seg_status segi_onnx_keep(segi_onnx_model *m, seg_tensor *t);

/** Field `f` must have wire type `wire`. */
seg_status segi_onnx_expect(const segi_pb_field *f, int wire, const char *what);

/** Copy LEN field `f` as a NUL-terminated string into the model's region. */
seg_status segi_onnx_string(segi_onnx_ctx *c, const segi_pb_field *f, const char **out);

/** Decode the TensorProto in LEN field `f`. The tensor is owned by the model (when
 *  ctx->m is set) or by the caller; `name` (may be NULL) receives the name field's
 *  bytes (data NULL, len 0 when absent). */
seg_status segi_onnx_tensor(segi_onnx_ctx *c, const segi_pb *r, const segi_pb_field *f,
                            seg_tensor **out, segi_pb_field *name);

/** Read `len` bytes at `offset` of the external file `location` (relative to ctx->dir)
 *  into a new owned buffer. */
seg_status segi_onnx_external(segi_onnx_ctx *c, const char *tensor, const char *location,
                              uint64_t offset, int64_t length, size_t want, void **out);

#endif
