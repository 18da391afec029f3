#include "core/options.h"

#include "core/error.h"

#include <stdlib.h>

typedef struct option_spec {
    seg_option key;
    const char *name;
    int64_t def, min, max;
} option_spec;

/* The single registry of options; append new keys at the end. */
static const option_spec specs[] = {
    {SEG_OPT_THREADS, "threads", 1, 1, 1024},
    {SEG_OPT_MAX_PIXELS, "max_pixels", 100000000, 1, INT64_MAX},
    {SEG_OPT_OPT_LEVEL, "opt_level", 2, 0, 2},
    {SEG_OPT_MAX_FILE_BYTES, "max_file_bytes", INT64_C(1) << 34, 1, INT64_MAX},
    {SEG_OPT_PROFILE_NODES, "profile_nodes", 0, 0, 1},
    {SEG_OPT_PNG_PALETTE_INDICES, "png_palette_indices", 0, 0, 1},
};

#define NSPECS (sizeof specs / sizeof specs[0])

struct seg_options {
    int64_t values[NSPECS];
};

static int spec_index(seg_option key)
{
    for (size_t i = 0; i < NSPECS; i++)
        if (specs[i].key == key)
            return (int)i;
    return -1;
}

seg_status seg_options_create(seg_options **out)
{
    SEGI_REQUIRE(out);
    seg_options *o = malloc(sizeof *o);
    if (!o)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "options");
    for (size_t i = 0; i < NSPECS; i++)
        o->values[i] = specs[i].def;
    *out = o;
    return SEG_OK;
}

void seg_options_destroy(seg_options *options)
{
    free(options);
}

seg_status seg_options_set_int(seg_options *options, seg_option key, int64_t value)
{
    SEGI_REQUIRE(options);
    int i = spec_index(key);
    if (i < 0)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "unknown option key %d", (int)key);
    if (value < specs[i].min || value > specs[i].max)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "option %s = %lld is outside [%lld, %lld]", specs[i].name,
                          (long long)value, (long long)specs[i].min,
                          (long long)specs[i].max);
    options->values[i] = value;
    return SEG_OK;
}

seg_status seg_options_get_int(const seg_options *options, seg_option key, int64_t *out)
{
    SEGI_REQUIRE(out);
    int i = spec_index(key);
    if (i < 0)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "unknown option key %d", (int)key);
    *out = options ? options->values[i] : specs[i].def;
    return SEG_OK;
}

int64_t segi_option(const seg_options *options, seg_option key)
{
    int i = spec_index(key);
    return options ? options->values[i] : specs[i].def;
}
