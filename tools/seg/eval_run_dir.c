/* Gathers `seg run` outputs (one JSON per image, named after the image) into the COCO
 * documents that seg_coco_eval_* and seg_pq_evaluate_files read. */
#include "eval_run_dir.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* RUN_DIR/<file_name without its extension>.json */
static void output_path(const char *run_dir, const char *file_name, char *out, size_t cap)
{
    const char *base = strrchr(file_name, '/');
    base = base ? base + 1 : file_name;
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(out, cap, "%s/%.*s.json", run_dir, len, base);
}

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    if (!doc)
        fprintf(stderr, "seg eval: %s: line %d: %s\n", path, err.line, err.text);
    return doc;
}

/* Calls add(image_id, per-image document, acc) for every ground-truth image; returns
 * 0, or 1 after printing why. */
static int each_image(const char *gt_json, const char *run_dir,
                      int (*add)(json_int_t id, json_t *doc, const char *path, json_t *acc),
                      json_t *acc)
{
    json_t *gt = load(gt_json);
    json_t *images = gt ? json_object_get(gt, "images") : NULL;
    int rc = gt ? 0 : 1;
    if (gt && !json_is_array(images)) {
        fprintf(stderr, "seg eval: %s: \"images\" is not an array\n", gt_json);
        rc = 1;
    }
    size_t i;
    json_t *img;
    json_array_foreach(rc ? NULL : images, i, img) {
        json_t *id = json_object_get(img, "id"), *name = json_object_get(img, "file_name");
        if (!json_is_integer(id) || !json_is_string(name)) {
            fprintf(stderr, "seg eval: %s: images[%zu] lacks an integer \"id\" or a "
                            "\"file_name\"\n", gt_json, i);
            rc = 1;
            break;
        }
        char path[4096];
        output_path(run_dir, json_string_value(name), path, sizeof path);
        json_t *doc = load(path);
        rc = doc ? add(json_integer_value(id), doc, path, acc) : 1;
        json_decref(doc);
        if (rc)
            break;
    }
    json_decref(gt);
    return rc;
}

static int add_detections(json_int_t id, json_t *doc, const char *path, json_t *acc)
{
    if (!json_is_array(doc)) {
        fprintf(stderr, "seg eval: %s: expected a list of detections\n", path);
        return 1;
    }
    size_t i;
    json_t *det;
    json_array_foreach(doc, i, det) {
        if (!json_is_object(det)) {
            fprintf(stderr, "seg eval: %s: [%zu] is not an object\n", path, i);
            return 1;
        }
        json_object_set_new(det, "image_id", json_integer(id));
        json_array_append(acc, det);
    }
    return 0;
}

static int add_annotation(json_int_t id, json_t *doc, const char *path, json_t *acc)
{
    if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "file_name"))) {
        fprintf(stderr, "seg eval: %s: not a panoptic annotation with a \"file_name\"\n",
                path);
        return 1;
    }
    json_object_set_new(doc, "image_id", json_integer(id));
    json_array_append(acc, doc);
    return 0;
}

int run_dir_gather(const char *gt_json, const char *run_dir, int panoptic, char *path,
                   size_t cap)
{
    json_t *list = json_array();
    int rc = list ? each_image(gt_json, run_dir, panoptic ? add_annotation : add_detections,
                               list) : 1;
    const char *tmpdir = getenv("TMPDIR");
    snprintf(path, cap, "%s/seg-eval-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = rc ? -1 : mkstemp(path);
    if (!rc && fd < 0) {
        fprintf(stderr, "seg eval: cannot create a temporary file %s\n", path);
        rc = 1;
    }
    if (fd >= 0) {
        json_t *doc = panoptic ? json_pack("{s:O}", "annotations", list) : json_incref(list);
        if (!doc || json_dumpfd(doc, fd, JSON_COMPACT) != 0) {
            fprintf(stderr, "seg eval: cannot write %s\n", path);
            remove(path);
            rc = 1;
        }
        json_decref(doc);
        close(fd);
    }
    json_decref(list);
    return rc;
}
