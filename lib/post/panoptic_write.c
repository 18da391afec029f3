/* seg_panoptic writers: COCO panoptic PNG and JSON segments_info. */
#include "core/error.h"
#include "core/file.h"
#include "core/tensor.h"
#include "post/panoptic.h"

#include "seg/seg_image.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *segment_json(const segi_pan_seg *s)
{
    json_t *o = json_object();
    json_t *bbox = json_pack("[IIII]", (json_int_t)s->bbox[0], (json_int_t)s->bbox[1],
                             (json_int_t)s->bbox[2], (json_int_t)s->bbox[3]);
    if (!o || !bbox || json_object_set_new(o, "id", json_integer(s->id)) ||
        json_object_set_new(o, "category_id", json_integer(s->category)) ||
        json_object_set_new(o, "iscrowd", json_integer(0)) ||
        json_object_set_new(o, "bbox", bbox) ||
        json_object_set_new(o, "area", json_integer((json_int_t)s->area)) ||
        json_object_set_new(o, "isthing", json_boolean(s->is_thing)) ||
        json_object_set_new(o, "score", json_real((double)s->score))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *annotation_json(const seg_panoptic *p, int64_t image_id, const char *file_name)
{
    json_t *root = json_object(), *infos = json_array();
    bool ok = root && infos &&
              !json_object_set_new(root, "image_id", json_integer((json_int_t)image_id));
    if (ok && file_name)
        ok = !json_object_set_new(root, "file_name", json_string(file_name));
    for (size_t i = 0; ok && i < p->n; i++)
        ok = !json_array_append_new(infos, segment_json(&p->segs[i]));
    if (ok) {
        ok = !json_object_set_new(root, "segments_info", infos);
        infos = NULL;
    }
    json_decref(infos);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}

seg_status seg_panoptic_write_json(const seg_panoptic *p, int64_t image_id,
                                   const char *file_name, const char *path)
{
    SEGI_REQUIRE(p);
    SEGI_REQUIRE(path);
    json_t *root = annotation_json(p, image_id, file_name);
    char *text = root ? json_dumps(root, JSON_INDENT(2)) : NULL;
    json_decref(root);
    if (!text)
        return segi_error(SEG_ERR_OUT_OF_MEMORY,
                          "panoptic: cannot build the JSON (out of memory or bad UTF-8 in "
                          "file_name)");
    segi_atomic_file af;
    seg_status st = segi_atomic_open(&af, path);
    if (!st) {
        size_t len = strlen(text);
        if (fwrite(text, 1, len, af.fp) != len || fputc('\n', af.fp) == EOF) {
            segi_atomic_abort(&af);
            st = segi_error(SEG_ERR_IO, "panoptic: cannot write %s", path);
        } else {
            st = segi_atomic_commit(&af);
        }
    }
    free(text);
    return st;
}

seg_status seg_panoptic_write_png(const seg_panoptic *p, const char *path)
{
    SEGI_REQUIRE(p);
    SEGI_REQUIRE(path);
    seg_tensor *rgb;
    seg_status st = segi_tensor_alloc3(SEG_DTYPE_U8, p->h, p->w, 3, &rgb);
    if (st)
        return st;
    uint8_t *d = rgb->data;
    size_t n = (size_t)(p->h * p->w);
    for (size_t i = 0; i < n; i++) {
        int32_t id = p->map[i] < 0 ? 0 : p->map[i];
        if (id >= (1 << 24)) {
            seg_tensor_destroy(rgb);
            return segi_error(SEG_ERR_LIMIT,
                              "panoptic: id %d at pixel %zu does not fit 24-bit RGB", (int)id,
                              i);
        }
        d[3 * i] = (uint8_t)(id & 255);
        d[3 * i + 1] = (uint8_t)((id >> 8) & 255);
        d[3 * i + 2] = (uint8_t)((id >> 16) & 255);
    }
    st = seg_image_write_png(rgb, path);
    seg_tensor_destroy(rgb);
    return st;
}
