/* Versioned parameter PODs: every public params struct starts with uint32_t
 * struct_size. A caller compiled against an older header passes a shorter struct; the
 * fields it does not know keep their defaults. */
#ifndef SEGI_POST_PARAMS_H
#define SEGI_POST_PARAMS_H

#include "core/error.h"

#include <stdint.h>
#include <string.h>

/** Copy the caller's `src` (may be NULL: keep `dst`'s defaults) over the defaults
 *  already in `dst` (`dst_size` bytes), honouring src->struct_size. */
static inline seg_status segi_params_merge(void *dst, size_t dst_size, const void *src,
                                           const char *what)
{
    if (!src)
        return SEG_OK;
    uint32_t size;
    memcpy(&size, src, sizeof size);
    if (size < sizeof(uint32_t) || size > dst_size)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "%s: struct_size %u is not in [4, %zu]; call the *_init function "
                          "first", what, size, dst_size);
    memcpy((char *)dst + sizeof size, (const char *)src + sizeof size, size - sizeof size);
    return SEG_OK;
}

#endif
