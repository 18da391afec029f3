/*
 * libseg — CPU image segmentation for C and everything that can call C.
 *
 * seg_common.h: export macros, versioning, status codes and error reporting.
 * Every other public header includes this one.
 *
 * Conventions that hold for the whole API (see docs/api-conventions.md):
 *  - Every fallible function returns seg_status; SEG_OK is 0, and callers must treat
 *    any code they do not know as a failure.
 *  - On failure, out-parameters are left untouched and seg_last_error() describes
 *    what went wrong on the calling thread.
 *  - Every *_destroy() accepts NULL.
 *  - The library never aborts, exits, or writes to stdout/stderr.
 */
#ifndef SEG_COMMON_H
#define SEG_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Export macros ------------------------------------------------------ */

#if defined(SEG_BUILDING_LIBRARY) && defined(__GNUC__)
#define SEG_API __attribute__((visibility("default")))
#else
#define SEG_API
#endif

#if defined(__GNUC__) || defined(__clang__)
#define SEG_NODISCARD __attribute__((warn_unused_result))
#define SEG_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define SEG_NODISCARD
#define SEG_DEPRECATED(msg)
#endif

/* ---- Versioning --------------------------------------------------------- */

#define SEG_VERSION_MAJOR 0
#define SEG_VERSION_MINOR 1
#define SEG_VERSION_PATCH 0
#define SEG_VERSION_NUMBER \
    (SEG_VERSION_MAJOR * 10000 + SEG_VERSION_MINOR * 100 + SEG_VERSION_PATCH)
#define SEG_VERSION_STRING "0.1.0"

/** Version of the library that is running, as SEG_VERSION_NUMBER computes it. */
SEG_API unsigned seg_version_number(void);

/** Version of the library that is running, e.g. "0.1.0". Static storage. */
SEG_API const char *seg_version_string(void);

/* ---- Status codes ------------------------------------------------------- */

/**
 * Result of every fallible call. Values are explicit and never renumbered or
 * removed; new codes are only appended.
 */
typedef enum seg_status {
    SEG_OK = 0,
    SEG_ERR_INVALID_ARGUMENT = 1, /**< NULL where not allowed, bad enum, out of range */
    SEG_ERR_OUT_OF_MEMORY = 2,    /**< an allocation failed */
    SEG_ERR_IO = 3,               /**< a file could not be opened, read or written */
    SEG_ERR_FORMAT = 4,           /**< malformed, truncated or inconsistent data */
    SEG_ERR_UNSUPPORTED = 5,      /**< well-formed but not supported (op, dtype, feature) */
    SEG_ERR_LIMIT = 6,            /**< exceeds a configured limit (pixels, bytes, rank) */
    SEG_ERR_SHAPE = 7,            /**< shape or dtype does not fit the operation */
    SEG_ERR_NOT_FOUND = 8,        /**< a named input, output or key does not exist */
    SEG_ERR_VERSION = 9,          /**< header and library versions are incompatible */
    SEG_ERR_INTERNAL = 10         /**< a bug in libseg; please report it */
} seg_status;

/** Short static description of a status, e.g. "invalid argument".
 *  Unknown codes give "unknown status". Never NULL. */
SEG_API const char *seg_status_string(seg_status status);

/**
 * Detail of the most recent failure on the calling thread: what was wrong and where
 * (file offset, node, tensor, field, expected vs got). Thread-local storage, valid
 * until the next libseg call on this thread; "" if no call has failed yet.
 * Successful calls do not clear it.
 */
SEG_API const char *seg_last_error(void);

/**
 * Check that the library at run time can serve a program compiled against headers
 * of version `header_version` (pass SEG_VERSION_NUMBER, or use SEG_INIT()).
 * Returns SEG_ERR_VERSION when the major versions differ or the library is older
 * than the headers.
 */
SEG_API SEG_NODISCARD seg_status seg_check_version(unsigned header_version);

#define SEG_INIT() seg_check_version(SEG_VERSION_NUMBER)

#ifdef __cplusplus
}
#endif

#endif /* SEG_COMMON_H */
