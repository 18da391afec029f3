/*
 * seg_npy.h: NumPy .npy files, the lingua franca for tensors between libseg, Python
 * and the `seg infer` tool.
 *
 * Supported: format versions 1.0, 2.0 and 3.0; little-endian (or byte-order-free)
 * dtypes that map to seg_dtype: <f4 <f2 |u1 |i1 <u2 <i4 <i8 |b1; C order; rank 0-8.
 * Refused with a clear status: Fortran order, big-endian, object and other dtypes
 * (SEG_ERR_UNSUPPORTED); malformed, truncated or inconsistent files (SEG_ERR_FORMAT,
 * naming the byte offset or header field).
 */
#ifndef SEG_NPY_H
#define SEG_NPY_H

#include "seg_common.h"
#include "seg_options.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Read a .npy file into a new tensor. Files larger than SEG_OPT_MAX_FILE_BYTES
 * (options may be NULL for defaults) are SEG_ERR_LIMIT.
 */
SEG_API SEG_NODISCARD seg_status seg_npy_read_file(const char *path,
                                                   const seg_options *options,
                                                   seg_tensor **out);

/** Parse .npy bytes into a new tensor (the data is copied). */
SEG_API SEG_NODISCARD seg_status seg_npy_read_memory(const void *data, size_t size,
                                                     const seg_options *options,
                                                     seg_tensor **out);

/**
 * Write `tensor` as a .npy file (format version 1.0, as numpy.save does). The
 * file appears under `path` only when complete; on failure nothing is left behind.
 */
SEG_API SEG_NODISCARD seg_status seg_npy_write_file(const seg_tensor *tensor,
                                                    const char *path);

/** Serialise `tensor` as .npy bytes into a new 1-D u8 tensor. */
SEG_API SEG_NODISCARD seg_status seg_npy_encode(const seg_tensor *tensor, seg_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SEG_NPY_H */
