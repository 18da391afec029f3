/* Internal JSON helpers over jansson for the metrics' COCO readers: loading with a
 * size limit, and typed member access whose errors name the field and where it is. */
#ifndef SEGI_JSON_H
#define SEGI_JSON_H

#include "seg/seg_options.h"

#include <jansson.h>

/** Parse `size` bytes of JSON; errors name `what` (a path) with line and column. */
seg_status segi_json_parse(const char *data, size_t size, const char *what, json_t **out);

/** Read and parse a file, honouring SEG_OPT_MAX_FILE_BYTES. */
seg_status segi_json_load(const char *path, const seg_options *opts, json_t **out);

/* Member `key` of object `obj`, of the expected kind. `where` says where `obj` is
 * (e.g. "gt.json: annotations[3]") for the message. */
seg_status segi_json_array(const json_t *obj, const char *key, const char *where,
                           json_t **out);
seg_status segi_json_object(const json_t *obj, const char *key, const char *where,
                            json_t **out);
seg_status segi_json_string(const json_t *obj, const char *key, const char *where,
                            const char **out);
seg_status segi_json_int(const json_t *obj, const char *key, const char *where,
                         int64_t *out);
/** An integer or a real. */
seg_status segi_json_number(const json_t *obj, const char *key, const char *where,
                            double *out);
/** As segi_json_int, but `fallback` when the member is absent. */
seg_status segi_json_int_or(const json_t *obj, const char *key, const char *where,
                            int64_t fallback, int64_t *out);

/** Reads one element of an array; `where` names it ("gt.json: images[3]"). */
typedef seg_status (*segi_json_element_fn)(const json_t *item, size_t i, const char *where,
                                           void *ctx);

/** Call `read` on each element of array `arr` in order, stopping at the first error.
 *  Elements are named "<where>: <name>[i]". */
seg_status segi_json_each(const json_t *arr, const char *where, const char *name,
                          segi_json_element_fn read, void *ctx);

/** "object", "array", "string", "integer", "real", "true", "false", "null". */
const char *segi_json_kind(const json_t *v);

#endif
