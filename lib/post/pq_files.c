/* panopticapi's pq_compute over a folder pair: the gt JSON gives the categories and
 * the images; each gt annotation is paired with the prediction of the same image_id
 * and both PNGs are read by their "file_name". */
#include "seg/seg_image.h"
#include "seg/seg_metrics.h"

#include "core/error.h"
#include "post/json.h"
#include "post/u64map.h"

#include <stdio.h>
#include <stdlib.h>

static seg_status add_categories(seg_pq *pq, const json_t *gt, const char *path)
{
    json_t *cats = NULL, *c;
    size_t i;
    char where[512];
    seg_status st = segi_json_array(gt, "categories", path, &cats);
    json_array_foreach(cats, i, c) {
        if (st != SEG_OK)
            break;
        int64_t id, isthing;
        const char *name = NULL;
        snprintf(where, sizeof where, "%s: categories[%zu]", path, i);
        st = segi_json_int(c, "id", where, &id);
        if (st == SEG_OK)
            st = segi_json_int(c, "isthing", where, &isthing);
        if (st == SEG_OK && json_object_get(c, "name"))
            st = segi_json_string(c, "name", where, &name);
        if (st == SEG_OK)
            st = seg_pq_add_category(pq, id, isthing == 1, name);
        if (st != SEG_OK)
            segi_error_context(st, "%s", where);
    }
    return st;
}

/* segments_info as I64 rows: gt (id, category_id, iscrowd, area), pred (id, category_id). */
static seg_status segment_rows(const json_t *ann, int is_gt, const char *where,
                               seg_tensor **out)
{
    json_t *infos = NULL, *s;
    seg_status st = segi_json_array(ann, "segments_info", where, &infos);
    if (st != SEG_OK)
        return st;
    int64_t dims[2] = {(int64_t)json_array_size(infos), is_gt ? 4 : 2};
    seg_tensor *t = NULL;
    st = seg_tensor_create(SEG_DTYPE_I64, 2, dims, &t);
    int64_t *row = t ? seg_tensor_data(t) : NULL;
    size_t i;
    char at[600];
    json_array_foreach(infos, i, s) {
        if (st != SEG_OK)
            break;
        snprintf(at, sizeof at, "%s: segments_info[%zu]", where, i);
        double area = 0;
        st = segi_json_int(s, "id", at, &row[0]);
        if (st == SEG_OK)
            st = segi_json_int(s, "category_id", at, &row[1]);
        if (st == SEG_OK && is_gt)
            st = segi_json_int(s, "iscrowd", at, &row[2]);
        if (st == SEG_OK && is_gt)
            st = segi_json_number(s, "area", at, &area);
        if (st == SEG_OK && !(area >= 0 && area <= 0x1p53)) /* exact in int64 and double */
            st = segi_error(SEG_ERR_FORMAT, "%s: area %g is out of range", at, area);
        if (is_gt)
            row[3] = (int64_t)area;
        row += dims[1];
    }
    if (st != SEG_OK) {
        seg_tensor_destroy(t);
        return st;
    }
    *out = t;
    return SEG_OK;
}

/* image_id -> index into the prediction annotations. */
static seg_status index_predictions(const json_t *anns, const char *path, segi_u64map *map)
{
    json_t *a;
    size_t i;
    char where[512];
    seg_status st = segi_u64map_init(map, json_array_size(anns));
    json_array_foreach(anns, i, a) {
        if (st != SEG_OK)
            break;
        int64_t image_id;
        snprintf(where, sizeof where, "%s: annotations[%zu]", path, i);
        st = segi_json_int(a, "image_id", where, &image_id);
        uint64_t *slot = st == SEG_OK ? segi_u64map_slot(map, (uint64_t)image_id) : NULL;
        if (st == SEG_OK && !slot)
            st = segi_error(SEG_ERR_OUT_OF_MEMORY, "%s", where);
        else if (st == SEG_OK && *slot)
            st = segi_error(SEG_ERR_FORMAT, "%s: image_id %lld has two predictions", where,
                            (long long)image_id);
        else if (st == SEG_OK)
            *slot = i + 1;
    }
    return st;
}

static seg_status read_png(const char *dir, const char *file, const seg_options *opts,
                           seg_tensor **out)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s/%s: path too long", dir, file);
    return seg_image_decode_file(path, opts, out);
}

/* One gt annotation against its prediction. */
static seg_status add_pair(seg_pq *pq, const json_t *gt_ann, const json_t *pred_ann,
                           const char *gt_where, const char *pred_where, const char *gt_dir,
                           const char *pred_dir, const seg_options *opts)
{
    const char *gt_file, *pred_file;
    seg_tensor *gseg = NULL, *pseg = NULL, *gmap = NULL, *pmap = NULL;
    seg_status st = segi_json_string(gt_ann, "file_name", gt_where, &gt_file);
    if (st == SEG_OK)
        st = segi_json_string(pred_ann, "file_name", pred_where, &pred_file);
    if (st == SEG_OK)
        st = segment_rows(gt_ann, 1, gt_where, &gseg);
    if (st == SEG_OK)
        st = segment_rows(pred_ann, 0, pred_where, &pseg);
    if (st == SEG_OK)
        st = read_png(gt_dir, gt_file, opts, &gmap);
    if (st == SEG_OK)
        st = read_png(pred_dir, pred_file, opts, &pmap);
    if (st == SEG_OK && (st = seg_pq_add_image(pq, gmap, gseg, pmap, pseg)) != SEG_OK)
        segi_error_context(st, "%s (%s/%s vs %s/%s)", gt_where, gt_dir, gt_file, pred_dir,
                           pred_file);
    seg_tensor_destroy(gseg);
    seg_tensor_destroy(pseg);
    seg_tensor_destroy(gmap);
    seg_tensor_destroy(pmap);
    return st;
}

static seg_status evaluate(seg_pq *pq, const json_t *gt, const json_t *pred,
                           const char *gt_json, const char *gt_dir, const char *pred_json,
                           const char *pred_dir, const seg_options *opts)
{
    json_t *gt_anns = NULL, *pred_anns = NULL, *a;
    segi_u64map index = {0};
    seg_status st = add_categories(pq, gt, gt_json);
    if (st == SEG_OK)
        st = segi_json_array(gt, "annotations", gt_json, &gt_anns);
    if (st == SEG_OK)
        st = segi_json_array(pred, "annotations", pred_json, &pred_anns);
    if (st == SEG_OK)
        st = index_predictions(pred_anns, pred_json, &index);
    size_t i;
    char gt_where[512], pred_where[512];
    json_array_foreach(gt_anns, i, a) {
        if (st != SEG_OK)
            break;
        int64_t image_id;
        uint64_t p = 0;
        snprintf(gt_where, sizeof gt_where, "%s: annotations[%zu]", gt_json, i);
        st = segi_json_int(a, "image_id", gt_where, &image_id);
        if (st == SEG_OK && !segi_u64map_get(&index, (uint64_t)image_id, &p))
            st = segi_error(SEG_ERR_NOT_FOUND, "%s: no prediction for the image with id %lld",
                            pred_json, (long long)image_id);
        if (st != SEG_OK)
            break;
        snprintf(pred_where, sizeof pred_where, "%s: annotations[%llu]", pred_json,
                 (unsigned long long)(p - 1));
        st = add_pair(pq, a, json_array_get(pred_anns, (size_t)(p - 1)), gt_where, pred_where,
                      gt_dir, pred_dir, opts);
    }
    segi_u64map_free(&index);
    return st;
}

seg_status seg_pq_evaluate_files(const char *gt_json, const char *gt_dir, const char *pred_json,
                                 const char *pred_dir, const seg_options *opts, seg_pq **out)
{
    SEGI_REQUIRE(gt_json);
    SEGI_REQUIRE(gt_dir);
    SEGI_REQUIRE(pred_json);
    SEGI_REQUIRE(pred_dir);
    SEGI_REQUIRE(out);
    json_t *gt = NULL, *pred = NULL;
    seg_pq *pq = NULL;
    seg_status st = segi_json_load(gt_json, opts, &gt);
    if (st == SEG_OK)
        st = segi_json_load(pred_json, opts, &pred);
    if (st == SEG_OK)
        st = seg_pq_create(&pq);
    if (st == SEG_OK)
        st = evaluate(pq, gt, pred, gt_json, gt_dir, pred_json, pred_dir, opts);
    json_decref(gt);
    json_decref(pred);
    if (st != SEG_OK) {
        seg_pq_destroy(pq);
        return st;
    }
    *out = pq;
    return SEG_OK;
}
