/*
 * seg_options.h: typed, enum-keyed settings shared by decoding, loading and running.
 *
 * Functions that take `const seg_options *` accept NULL, meaning "all defaults".
 * An options object may be reused and destroyed as soon as the call that took it
 * returns; libseg copies what it keeps.
 */
#ifndef SEG_OPTIONS_H
#define SEG_OPTIONS_H

#include "seg_common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_options seg_options;

/** Option keys. Values are explicit and only appended. */
typedef enum seg_option {
    /** Threads (cores) a session uses, >= 1: for libseg's own loops and, when libseg is
     *  linked with OpenBLAS, for its BLAS calls (each run sets OpenBLAS's process-wide
     *  thread count to this; see docs/runtime.md). Default 1. */
    SEG_OPT_THREADS = 1,
    /** Largest image (width x height) a decoder accepts, >= 1. Default 100,000,000. */
    SEG_OPT_MAX_PIXELS = 2,
    /** Graph optimisation level: 0 none, 1 basic, 2 all. Default 2. */
    SEG_OPT_OPT_LEVEL = 3,
    /** Largest file or buffer a loader accepts, in bytes, >= 1. Default 2^34. */
    SEG_OPT_MAX_FILE_BYTES = 4,
    /** Sessions record per-node times (seg_session_stats.h): 0 off, 1 on. Default 0. */
    SEG_OPT_PROFILE_NODES = 5,
    /** 1: palette PNGs decode to their palette indices, u8 [H, W, 1] (label maps such as
     *  seg_semantic_write_png() and Pascal VOC write); 0: to RGB or RGBA. Default 0. */
    SEG_OPT_PNG_PALETTE_INDICES = 6
} seg_option;

/** A new options object holding every default. */
SEG_API SEG_NODISCARD seg_status seg_options_create(seg_options **out);

SEG_API void seg_options_destroy(seg_options *options);

/** Set an integer option. SEG_ERR_INVALID_ARGUMENT names the key and the valid range. */
SEG_API SEG_NODISCARD seg_status seg_options_set_int(seg_options *options, seg_option key,
                                                     int64_t value);

/** Read an option; `options` may be NULL to read the default. */
SEG_API SEG_NODISCARD seg_status seg_options_get_int(const seg_options *options,
                                                     seg_option key, int64_t *out);

#ifdef __cplusplus
}
#endif

#endif /* SEG_OPTIONS_H */
