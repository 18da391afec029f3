#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SEGI_ERROR_CAP 1024

static _Thread_local char last_error[SEGI_ERROR_CAP];

const char *seg_status_string(seg_status status)
{
    switch (status) {
    case SEG_OK: return "ok";
    case SEG_ERR_INVALID_ARGUMENT: return "invalid argument";
    case SEG_ERR_OUT_OF_MEMORY: return "out of memory";
    case SEG_ERR_IO: return "input/output error";
    case SEG_ERR_FORMAT: return "malformed data";
    case SEG_ERR_UNSUPPORTED: return "unsupported";
    case SEG_ERR_LIMIT: return "limit exceeded";
    case SEG_ERR_SHAPE: return "shape mismatch";
    case SEG_ERR_NOT_FOUND: return "not found";
    case SEG_ERR_VERSION: return "version mismatch";
    case SEG_ERR_INTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *seg_last_error(void)
{
    return last_error;
}

seg_status segi_error(seg_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return status;
}

seg_status segi_error_context(seg_status status, const char *fmt, ...)
{
    char prefix[SEGI_ERROR_CAP];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(prefix, sizeof prefix - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return status;
    size_t plen = strlen(prefix);
    memcpy(prefix + plen, ": ", 3);
    plen += 2;
    /* Shift the old message right (truncating its tail) and put the prefix in front. */
    size_t keep = strnlen(last_error, SEGI_ERROR_CAP - 1);
    if (plen + keep > SEGI_ERROR_CAP - 1)
        keep = plen < SEGI_ERROR_CAP - 1 ? SEGI_ERROR_CAP - 1 - plen : 0;
    memmove(last_error + plen, last_error, keep);
    last_error[plen + keep] = '\0';
    memcpy(last_error, prefix, plen);
    return status;
}
