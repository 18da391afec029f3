/* COCO segmentation JSON -> seg_rle, with errors that name the annotation and field. */
#include "post/coco_mask.h"

#include "core/error.h"
#include "post/json.h"

#include <stdlib.h>
#include <string.h>

static seg_status counts_list(const json_t *list, int64_t h, int64_t w, const char *where,
                              seg_rle **out)
{
    size_t n = json_array_size(list);
    uint32_t *cnts = malloc((n ? n : 1) * sizeof *cnts);
    if (!cnts)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu run lengths", where, n);
    seg_status st = SEG_OK;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > UINT32_MAX) {
            st = segi_error(SEG_ERR_FORMAT, "%s: field 'counts': element %zu is not a run "
                            "length", where, i);
            break;
        }
        cnts[i] = (uint32_t)json_integer_value(v);
    }
    if (st == SEG_OK)
        st = seg_rle_from_counts(h, w, cnts, n, out);
    free(cnts);
    return st;
}

static seg_status rle_object(const json_t *seg, int64_t h, int64_t w, const char *where,
                             seg_rle **out)
{
    json_t *size = NULL;
    seg_status st = segi_json_array(seg, "size", where, &size);
    if (st != SEG_OK)
        return st;
    if (json_array_size(size) != 2 || !json_is_integer(json_array_get(size, 0)) ||
        !json_is_integer(json_array_get(size, 1)))
        return segi_error(SEG_ERR_FORMAT, "%s: field 'size' must be [height, width]", where);
    int64_t rh = json_integer_value(json_array_get(size, 0));
    int64_t rw = json_integer_value(json_array_get(size, 1));
    if (rh != h || rw != w)
        return segi_error(SEG_ERR_FORMAT, "%s: field 'size' is [%lld, %lld] but the image "
                          "is %lldx%lld", where, (long long)rh, (long long)rw, (long long)h,
                          (long long)w);
    json_t *counts = json_object_get(seg, "counts");
    if (json_is_string(counts))
        st = seg_rle_from_string(h, w, json_string_value(counts), json_string_length(counts),
                                 out);
    else if (json_is_array(counts))
        st = counts_list(counts, h, w, where, out);
    else
        return segi_error(SEG_ERR_FORMAT, "%s: field 'counts' is %s; expected a string or a "
                          "list of run lengths", where,
                          counts ? segi_json_kind(counts) : "missing");
    if (st != SEG_OK)
        segi_error_context(st, "%s: field 'counts'", where);
    return st;
}

/* One polygon: a flat list of numbers. */
static seg_status polygon(const json_t *poly, int64_t h, int64_t w, const char *where,
                          size_t k, seg_rle **out)
{
    size_t n = json_array_size(poly);
    if (!json_is_array(poly))
        return segi_error(SEG_ERR_FORMAT, "%s: segmentation[%zu] is %s; expected a list of "
                          "coordinates", where, k, segi_json_kind(poly));
    double *xy = malloc((n ? n : 1) * sizeof *xy);
    if (!xy)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: polygon of %zu values", where, n);
    seg_status st = SEG_OK;
    for (size_t i = 0; i < n && st == SEG_OK; i++) {
        json_t *v = json_array_get(poly, i);
        if (!json_is_number(v))
            st = segi_error(SEG_ERR_FORMAT, "%s: segmentation[%zu][%zu] is %s; expected a "
                            "number", where, k, i, segi_json_kind(v));
        else
            xy[i] = json_number_value(v);
    }
    if (st == SEG_OK && (st = seg_rle_from_polygon(h, w, xy, n, out)) != SEG_OK)
        segi_error_context(st, "%s: segmentation[%zu]", where, k);
    free(xy);
    return st;
}

/* annToRLE: every polygon rasterised, then their union. */
static seg_status polygons(const json_t *list, int64_t h, int64_t w, const char *where,
                           seg_rle **out)
{
    size_t n = json_array_size(list);
    if (n == 0)
        return segi_error(SEG_ERR_FORMAT, "%s: field 'segmentation' is an empty list", where);
    seg_rle **parts = calloc(n, sizeof *parts);
    if (!parts)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu polygons", where, n);
    seg_status st = SEG_OK;
    for (size_t k = 0; k < n && st == SEG_OK; k++)
        st = polygon(json_array_get(list, k), h, w, where, k, &parts[k]);
    if (st == SEG_OK)
        st = seg_rle_merge((const seg_rle *const *)parts, n, SEG_RLE_UNION, out);
    for (size_t k = 0; k < n; k++)
        seg_rle_destroy(parts[k]);
    free(parts);
    return st;
}

seg_status segi_coco_mask_from_json(const json_t *seg, int64_t h, int64_t w,
                                    int allow_polygons, const char *where, seg_rle **out)
{
    if (json_is_object(seg))
        return rle_object(seg, h, w, where, out);
    if (json_is_array(seg) && allow_polygons)
        return polygons(seg, h, w, where, out);
    return segi_error(SEG_ERR_FORMAT, "%s: field 'segmentation' is %s; expected %s", where,
                      segi_json_kind(seg),
                      allow_polygons ? "an RLE object or a list of polygons" : "an RLE object");
}
