/* Internal error reporting: set the thread-local message and return the status. */
#ifndef SEGI_ERROR_H
#define SEGI_ERROR_H

#include "seg/seg_common.h"

#if defined(__GNUC__)
#define SEGI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SEGI_PRINTF(f, a)
#endif

/** Record a formatted message for seg_last_error() and return `status`. */
seg_status segi_error(seg_status status, const char *fmt, ...) SEGI_PRINTF(2, 3);

/** Prefix the current message with "context: " (for callers that add where). */
seg_status segi_error_context(seg_status status, const char *fmt, ...) SEGI_PRINTF(2, 3);

/** Return the status unchanged when a NULL argument was passed. */
#define SEGI_REQUIRE(ptr)                                                            \
    do {                                                                             \
        if (!(ptr))                                                                  \
            return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: argument '%s' is NULL", \
                              __func__, #ptr);                                       \
    } while (0)

#endif
