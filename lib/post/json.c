#include "post/json.h"

#include "core/error.h"
#include "core/file.h"
#include "core/options.h"

#include <stdio.h>
#include <stdlib.h>

seg_status segi_json_parse(const char *data, size_t size, const char *what, json_t **out)
{
    json_error_t err;
    json_t *root = json_loadb(data, size, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        return segi_error(SEG_ERR_FORMAT, "%s: invalid JSON at line %d column %d: %s", what,
                          err.line, err.column, err.text);
    *out = root;
    return SEG_OK;
}

seg_status segi_json_load(const char *path, const seg_options *opts, json_t **out)
{
    void *data = NULL;
    size_t size = 0;
    seg_status st = segi_read_file(path, (size_t)segi_option(opts, SEG_OPT_MAX_FILE_BYTES),
                                   &data, &size);
    if (st == SEG_OK)
        st = segi_json_parse(data, size, path, out);
    free(data);
    return st;
}

const char *segi_json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "unknown";
}

/* The member, or an error naming the missing field. */
static seg_status member(const json_t *obj, const char *key, const char *where, json_t **out)
{
    if (!json_is_object(obj))
        return segi_error(SEG_ERR_FORMAT, "%s: is %s; expected an object with field '%s'",
                          where, segi_json_kind(obj), key);
    json_t *v = json_object_get(obj, key);
    if (!v)
        return segi_error(SEG_ERR_FORMAT, "%s: field '%s' is missing", where, key);
    *out = v;
    return SEG_OK;
}

static seg_status wrong_kind(const char *where, const char *key, const json_t *v,
                             const char *expected)
{
    return segi_error(SEG_ERR_FORMAT, "%s: field '%s' is %s; expected %s", where, key,
                      segi_json_kind(v), expected);
}

seg_status segi_json_array(const json_t *obj, const char *key, const char *where, json_t **out)
{
    json_t *v = NULL;
    seg_status st = member(obj, key, where, &v);
    if (st == SEG_OK && !json_is_array(v))
        st = wrong_kind(where, key, v, "an array");
    if (st == SEG_OK)
        *out = v;
    return st;
}

seg_status segi_json_object(const json_t *obj, const char *key, const char *where, json_t **out)
{
    json_t *v = NULL;
    seg_status st = member(obj, key, where, &v);
    if (st == SEG_OK && !json_is_object(v))
        st = wrong_kind(where, key, v, "an object");
    if (st == SEG_OK)
        *out = v;
    return st;
}

seg_status segi_json_string(const json_t *obj, const char *key, const char *where,
                            const char **out)
{
    json_t *v = NULL;
    seg_status st = member(obj, key, where, &v);
    if (st == SEG_OK && !json_is_string(v))
        st = wrong_kind(where, key, v, "a string");
    if (st == SEG_OK)
        *out = json_string_value(v);
    return st;
}

seg_status segi_json_int(const json_t *obj, const char *key, const char *where, int64_t *out)
{
    json_t *v = NULL;
    seg_status st = member(obj, key, where, &v);
    if (st == SEG_OK && !json_is_integer(v))
        st = wrong_kind(where, key, v, "an integer");
    if (st == SEG_OK)
        *out = json_integer_value(v);
    return st;
}

seg_status segi_json_number(const json_t *obj, const char *key, const char *where, double *out)
{
    json_t *v = NULL;
    seg_status st = member(obj, key, where, &v);
    if (st == SEG_OK && !json_is_number(v))
        st = wrong_kind(where, key, v, "a number");
    if (st == SEG_OK)
        *out = json_number_value(v);
    return st;
}

seg_status segi_json_int_or(const json_t *obj, const char *key, const char *where,
                            int64_t fallback, int64_t *out)
{
    if (json_is_object(obj) && !json_object_get(obj, key)) {
        *out = fallback;
        return SEG_OK;
    }
    return segi_json_int(obj, key, where, out);
}

seg_status segi_json_each(const json_t *arr, const char *where, const char *name,
                          segi_json_element_fn read, void *ctx)
{
    size_t i;
    const json_t *item;
    char at[600];
    json_array_foreach(arr, i, item) {
        snprintf(at, sizeof at, "%s: %s[%zu]", where, name, i);
        seg_status st = read(item, i, at, ctx);
        if (st != SEG_OK)
            return st;
    }
    return SEG_OK;
}
