/* Internal view of seg_options: one table of keys, their ranges and defaults. */
#ifndef SEGI_OPTIONS_H
#define SEGI_OPTIONS_H

#include "seg/seg_options.h"

/** Value of `key` in `options`, or its default when `options` is NULL. The key must
 *  be a valid seg_option (internal callers only). */
int64_t segi_option(const seg_options *options, seg_option key);

#endif
