/*
 * seg_tensor.h: n-dimensional arrays that cross the API.
 *
 * A seg_tensor is a dtype, a shape of 0 to SEG_MAX_RANK int64 dimensions, and a
 * dense C-order (row-major) buffer. Its memory is owned by the tensor
 * (seg_tensor_create, seg_tensor_clone), borrowed from the caller (seg_tensor_wrap),
 * or handed over with a deleter (seg_tensor_wrap_with_deleter).
 *
 * Threading: a tensor may move between threads; concurrent reads are safe,
 * concurrent writes are the caller's to synchronise.
 */
#ifndef SEG_TENSOR_H
#define SEG_TENSOR_H

#include "seg_common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SEG_MAX_RANK 8

/** Element types. Values equal ONNX's TensorProto.DataType numbers. */
typedef enum seg_dtype {
    SEG_DTYPE_F32 = 1,
    SEG_DTYPE_U8 = 2,
    SEG_DTYPE_I8 = 3,
    SEG_DTYPE_U16 = 4,
    SEG_DTYPE_I32 = 6,
    SEG_DTYPE_I64 = 7,
    SEG_DTYPE_BOOL = 9,  /**< one byte per element, 0 or 1 */
    SEG_DTYPE_F16 = 10   /**< IEEE 754 binary16, stored as uint16_t */
} seg_dtype;

/** Bytes per element of `dtype`; 0 for a value that is not a seg_dtype. */
SEG_API size_t seg_dtype_size(seg_dtype dtype);

/** Lower-case name, e.g. "f32", "bool"; "invalid" for unknown values. */
SEG_API const char *seg_dtype_name(seg_dtype dtype);

typedef struct seg_tensor seg_tensor;

/** Called by seg_tensor_destroy on memory handed over with a deleter. */
typedef void (*seg_deleter)(void *data, void *user_data);

/**
 * Allocate a tensor whose elements are all zero. `dims` may be NULL when rank is 0
 * (a scalar, one element). Dimensions must be >= 0; a dimension of 0 gives an empty
 * tensor. SEG_ERR_LIMIT if the byte size overflows size_t.
 */
SEG_API SEG_NODISCARD seg_status seg_tensor_create(seg_dtype dtype, int rank,
                                                   const int64_t *dims, seg_tensor **out);

/**
 * Borrow `data` (at least `nbytes` bytes, which must equal the tensor's byte size
 * exactly). The memory must outlive the tensor; libseg never frees it.
 */
SEG_API SEG_NODISCARD seg_status seg_tensor_wrap(seg_dtype dtype, int rank,
                                                 const int64_t *dims, void *data,
                                                 size_t nbytes, seg_tensor **out);

/**
 * Like seg_tensor_wrap, but ownership passes to the tensor: seg_tensor_destroy
 * calls `deleter(data, user_data)`. On failure ownership stays with the caller.
 */
SEG_API SEG_NODISCARD seg_status seg_tensor_wrap_with_deleter(
    seg_dtype dtype, int rank, const int64_t *dims, void *data, size_t nbytes,
    seg_deleter deleter, void *user_data, seg_tensor **out);

/** A deep copy that owns its memory. */
SEG_API SEG_NODISCARD seg_status seg_tensor_clone(const seg_tensor *src, seg_tensor **out);

/**
 * A new owned tensor with the same shape and the elements converted to `dtype`.
 * Supported: F16 <-> F32 (round to nearest even, with infinities, NaN and
 * subnormals), and any conversion between the integer types, BOOL and F32
 * (float to integer truncates toward zero; out-of-range values are SEG_ERR_LIMIT).
 */
SEG_API SEG_NODISCARD seg_status seg_tensor_convert(const seg_tensor *src, seg_dtype dtype,
                                                    seg_tensor **out);

/** Free the tensor (and its memory if owned). NULL is a no-op. */
SEG_API void seg_tensor_destroy(seg_tensor *tensor);

SEG_API seg_dtype seg_tensor_dtype(const seg_tensor *tensor);
SEG_API int seg_tensor_rank(const seg_tensor *tensor);
/** The `rank` dimensions; borrowed, valid while the tensor lives. */
SEG_API const int64_t *seg_tensor_dims(const seg_tensor *tensor);
/** Dimension `axis`; negative axes count from the end; -1 if out of range. */
SEG_API int64_t seg_tensor_dim(const seg_tensor *tensor, int axis);
/** Number of elements (1 for rank 0). */
SEG_API size_t seg_tensor_count(const seg_tensor *tensor);
SEG_API size_t seg_tensor_nbytes(const seg_tensor *tensor);
/** The element buffer, in C order. */
SEG_API void *seg_tensor_data(seg_tensor *tensor);
SEG_API const void *seg_tensor_const_data(const seg_tensor *tensor);

/**
 * Convert `n` halves to floats / floats to halves (round to nearest even).
 * The buffers must not overlap.
 */
SEG_API void seg_f16_to_f32(const uint16_t *src, float *dst, size_t n);
SEG_API void seg_f32_to_f16(const float *src, uint16_t *dst, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* SEG_TENSOR_H */
