/* Output writers of `seg run`. Every file is written under a temporary name and
 * renamed into place (the library's writers do this themselves). */
#include "run_outputs.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    unsigned bit;
    const char *name, *suffix;
} formats[] = {
    {RUN_LABEL, "label", ".label.png"},   {RUN_OVERLAY, "overlay", ".overlay.png"},
    {RUN_JSON, "json", ".json"},          {RUN_PANOPTIC, "panoptic", ".panoptic.png"},
    {RUN_MATTE, "matte", ".matte.png"},   {RUN_CUTOUT, "cutout", ".cutout.png"},
};

unsigned run_formats_for(seg_task task)
{
    switch (task) {
    case SEG_TASK_SEMANTIC: return RUN_LABEL | RUN_OVERLAY;
    case SEG_TASK_INSTANCE: return RUN_JSON | RUN_OVERLAY;
    case SEG_TASK_PANOPTIC: return RUN_PANOPTIC | RUN_JSON | RUN_OVERLAY;
    case SEG_TASK_SALIENT: return RUN_MATTE | RUN_CUTOUT;
    }
    return 0;
}

const char *run_format_name(unsigned bit)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].bit == bit)
            return formats[i].name;
    return NULL;
}

const char *run_format_suffix(unsigned bit)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (formats[i].bit == bit)
            return formats[i].suffix;
    return NULL;
}

/* Mask outlines and box edges in the class colour over a 50 % mask blend. */
static seg_status instance_overlay(const seg_instances *in, const seg_profile *profile,
                                   const seg_tensor *image, seg_tensor **out)
{
    seg_status st = seg_tensor_clone(image, out);
    int64_t h = seg_tensor_dim(image, 0), w = seg_tensor_dim(image, 1);
    uint8_t *px = st == SEG_OK ? seg_tensor_data(*out) : NULL;
    for (size_t i = 0; st == SEG_OK && i < seg_instances_count(in); i++) {
        uint8_t rgb[3];
        float box[4];
        seg_profile_color(profile, (size_t)seg_instances_class(in, i), rgb);
        seg_tensor *mask = NULL;
        if (seg_instances_has_masks(in) && (st = seg_instances_mask(in, i, &mask)) == SEG_OK &&
            seg_tensor_dim(mask, 0) == h && seg_tensor_dim(mask, 1) == w) {
            const uint8_t *m = seg_tensor_const_data(mask);
            for (int64_t p = 0; p < h * w; p++)
                for (int k = 0; m[p] && k < 3; k++)
                    px[p * 3 + k] = (uint8_t)((px[p * 3 + k] + rgb[k] + 1) / 2);
        }
        seg_tensor_destroy(mask);
        if (st != SEG_OK || (st = seg_instances_box(in, i, box)) != SEG_OK)
            break;
        int64_t x0 = (int64_t)fmaxf(box[0], 0), y0 = (int64_t)fmaxf(box[1], 0);
        int64_t x1 = (int64_t)fminf(box[2], (float)w - 1), y1 = (int64_t)fminf(box[3], (float)h - 1);
        for (int64_t y = y0; y <= y1; y++)
            for (int64_t x = x0; x <= x1; x++)
                if (y == y0 || y == y1 || x == x0 || x == x1)
                    memcpy(px + (y * w + x) * 3, rgb, 3);
    }
    if (st != SEG_OK) {
        seg_tensor_destroy(*out);
        *out = NULL;
    }
    return st;
}

static seg_status write_json_file(json_t *doc, const char *path)
{
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    seg_status st = SEG_ERR_IO;
    if (tmp) {
        snprintf(tmp, n, "%s.tmp", path);
        if (json_dump_file(doc, tmp, JSON_INDENT(1) | JSON_REAL_PRECISION(7)) == 0 && rename(tmp, path) == 0)
            st = SEG_OK;
        else
            remove(tmp);
    }
    free(tmp);
    json_decref(doc);
    if (st != SEG_OK)
        fprintf(stderr, "seg run: cannot write %s\n", path);
    return st;
}

/* COCO results format: [{"image_id", "file_name", "category_id", "category", "track_id"
 * (in sequences),
 * "bbox": [x, y, w, h], "score", "segmentation": {"size": [h, w], "counts"}}]. */
static seg_status instance_json(const seg_instances *in, const seg_profile *profile,
                                const char *stem, const char *path)
{
    json_t *list = json_array();
    seg_status st = SEG_OK;
    for (size_t i = 0; st == SEG_OK && i < seg_instances_count(in); i++) {
        float b[4];
        int64_t cls = seg_instances_class(in, i);
        const char *name = seg_profile_class_name(profile, (size_t)cls);
        if ((st = seg_instances_box(in, i, b)) != SEG_OK)
            break;
        json_t *o = json_pack("{s:s, s:I, s:[f,f,f,f], s:f}", "file_name", stem, "category_id",
                              (json_int_t)cls, "bbox", b[0], b[1], b[2] - b[0], b[3] - b[1],
                              "score", (double)seg_instances_score(in, i));
        if (name)
            json_object_set_new(o, "category", json_string(name));
        if (seg_instances_track_id(in, i) > 0)
            json_object_set_new(o, "track_id", json_integer(seg_instances_track_id(in, i)));
        seg_rle *rle = NULL;
        const char *counts;
        size_t len;
        if (seg_instances_has_masks(in) && (st = seg_instances_mask_rle(in, i, &rle)) == SEG_OK &&
            (st = seg_rle_string(rle, &counts, &len)) == SEG_OK)
            json_object_set_new(o, "segmentation",
                                json_pack("{s:[I,I], s:s%}", "size",
                                          (json_int_t)seg_rle_height(rle),
                                          (json_int_t)seg_rle_width(rle), "counts", counts, len));
        seg_rle_destroy(rle);
        json_array_append_new(list, o);
    }
    if (st != SEG_OK) {
        json_decref(list);
        return st;
    }
    return write_json_file(list, path);
}

/* The matte as grey u8 [H, W, 1], or the image with it as alpha [H, W, 4]. */
static seg_status salient_png(const seg_semantic *sem, const seg_tensor *image, int cutout,
                              const char *path)
{
    const seg_tensor *prob = seg_semantic_probabilities(sem);
    int64_t h = seg_tensor_dim(image, 0), w = seg_tensor_dim(image, 1);
    int64_t dims[3] = {h, w, cutout ? 4 : 1};
    seg_tensor *out;
    seg_status st = seg_tensor_create(SEG_DTYPE_U8, 3, dims, &out);
    if (st != SEG_OK)
        return st;
    const float *p = seg_tensor_const_data(prob);
    const uint8_t *src = seg_tensor_const_data(image);
    uint8_t *d = seg_tensor_data(out);
    for (int64_t i = 0; i < h * w; i++) {
        uint8_t a = (uint8_t)lrintf(fminf(fmaxf(p[i], 0), 1) * 255);
        if (cutout) {
            memcpy(d + i * 4, src + i * 3, 3);
            d[i * 4 + 3] = a;
        } else {
            d[i] = a;
        }
    }
    st = seg_image_write_png(out, path);
    seg_tensor_destroy(out);
    return st;
}

static seg_status write_overlay(const seg_result *r, const seg_profile *profile,
                                const seg_tensor *image, const char *path)
{
    seg_tensor *ov = NULL;
    seg_status st;
    if (seg_result_semantic(r))
        st = seg_semantic_overlay(seg_result_semantic(r), image, 0.5f, &ov);
    else if (seg_result_panoptic(r))
        st = seg_panoptic_overlay(seg_result_panoptic(r), image, 0.5f, &ov);
    else
        st = instance_overlay(seg_result_instances(r), profile, image, &ov);
    if (st == SEG_OK)
        st = seg_image_write_png(ov, path);
    seg_tensor_destroy(ov);
    return st;
}

seg_status run_write(unsigned bit, const seg_result *r, const seg_profile *profile,
                     const seg_tensor *image, const char *stem, const char *path)
{
    switch (bit) {
    case RUN_LABEL: return seg_semantic_write_png(seg_result_semantic(r), path);
    case RUN_OVERLAY: return write_overlay(r, profile, image, path);
    case RUN_PANOPTIC: return seg_panoptic_write_png(seg_result_panoptic(r), path);
    case RUN_MATTE: return salient_png(seg_result_semantic(r), image, 0, path);
    case RUN_CUTOUT: return salient_png(seg_result_semantic(r), image, 1, path);
    default: break;
    }
    if (seg_result_panoptic(r)) {
        char png[4096];
        snprintf(png, sizeof png, "%s.panoptic.png", stem);
        return seg_panoptic_write_json(seg_result_panoptic(r), 0, png, path);
    }
    return instance_json(seg_result_instances(r), profile, stem, path);
}
