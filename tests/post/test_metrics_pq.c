/* Panoptic quality.
 * Goldens: tests/goldens/metrics.py panoptic() re-implements panopticapi's
 * pq_compute_single_core and PQStat.pq_average (reference §5 format, §6 PQ) on eight
 * synthetic images with crowd regions, void pixels, missed, shifted, relabelled and
 * invented segments. The hand-computed cases are worked out in their comments. */
#include "metrics_test.h"

static seg_tensor *i32_map(const int32_t *ids, int64_t h, int64_t w)
{
    int64_t dims[2] = {h, w};
    seg_tensor *t = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I32, 2, dims, &t));
    if (t)
        memcpy(seg_tensor_data(t), ids, (size_t)(h * w) * sizeof *ids);
    return t;
}

static seg_tensor *rows(const int64_t *v, int64_t n, int64_t cols)
{
    int64_t dims[2] = {n, cols};
    seg_tensor *t = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I64, 2, dims, &t));
    if (t && n)
        memcpy(seg_tensor_data(t), v, (size_t)(n * cols) * sizeof *v);
    return t;
}

static seg_pq *two_categories(void)
{
    seg_pq *pq = NULL;
    CHECK_OK(seg_pq_create(&pq));
    CHECK_OK(seg_pq_add_category(pq, 1, 1, "thing"));
    CHECK_OK(seg_pq_add_category(pq, 2, 0, "stuff"));
    return pq;
}

static void check_class(const seg_pq *pq, size_t index, double p, double s, double r,
                        int64_t tp, int64_t fp, int64_t fn)
{
    double v[3];
    int64_t k[3];
    CHECK_OK(seg_pq_category(pq, index, NULL, NULL, NULL, v, k));
    CHECK_NEAR(v[0], p, 1e-12);
    CHECK_NEAR(v[1], s, 1e-12);
    CHECK_NEAR(v[2], r, 1e-12);
    CHECK_EQ_INT(k[0], tp);
    CHECK_EQ_INT(k[1], fp);
    CHECK_EQ_INT(k[2], fn);
}

/* Hand-computed (reference §6). gt ids      pred ids
 *                                 1 1 1 1 0  5 5 5 5 5
 *                                 2 2 2 3 3  6 6 7 7 7
 * gt 1 thing (area 4), gt 2 stuff (area 3, or 5 in the JSON variant), gt 3 thing crowd;
 * pred 5 thing, 6 stuff, 7 thing. Pairs: (1,5)=4 (0,5)=1 (2,6)=2 (2,7)=1 (3,7)=2.
 * (1,5): union 5 + 4 - 4 - 1 (pred 5 on void) = 4, IoU 1 -> TP.
 * (2,6): union 2 + 3 - 2 = 3, IoU 2/3 -> TP. (3,7) is crowd, (2,7) another category.
 * pred 7 is unmatched but 2 of its 3 pixels lie on its category's crowd region: not FP.
 * thing PQ = SQ = RQ = 1; stuff PQ = SQ = 2/3, RQ = 1; All PQ = 5/6.
 * With gt 2's JSON area 5 the union is 2 + 5 - 2 = 5, IoU 0.4: stuff gets FN 1, FP 1,
 * PQ 0, and All PQ = (1 + 0) / 2: the gt area is taken from the JSON, not counted. */
TEST(hand_computed_void_crowd_and_json_area)
{
    const int32_t g[10] = {1, 1, 1, 1, 0, 2, 2, 2, 3, 3};
    const int32_t p[10] = {5, 5, 5, 5, 5, 6, 6, 7, 7, 7};
    const int64_t gs[12] = {1, 1, 0, 4, 2, 2, 0, 3, 3, 1, 1, 2};
    const int64_t ps[6] = {5, 1, 6, 2, 7, 1};
    seg_tensor *gm = i32_map(g, 2, 5), *pm = i32_map(p, 2, 5);
    seg_tensor *gseg = rows(gs, 3, 4), *pseg = rows(ps, 3, 2);
    seg_pq *pq = two_categories();
    CHECK_OK(seg_pq_add_image(pq, gm, gseg, pm, pseg));
    check_class(pq, 0, 1, 1, 1, 1, 0, 0);
    check_class(pq, 1, 2.0 / 3, 2.0 / 3, 1, 1, 0, 0);
    double v[3];
    int64_t n;
    CHECK_OK(seg_pq_average(pq, SEG_PQ_ALL, v, &n));
    CHECK_NEAR(v[0], 5.0 / 6, 1e-12);
    CHECK_EQ_INT(n, 2);
    CHECK_OK(seg_pq_average(pq, SEG_PQ_STUFF, v, &n));
    CHECK_NEAR(v[0], 2.0 / 3, 1e-12);
    seg_pq_destroy(pq);

    ((int64_t *)seg_tensor_data(gseg))[7] = 5;
    pq = two_categories();
    CHECK_OK(seg_pq_add_image(pq, gm, gseg, pm, pseg));
    check_class(pq, 1, 0, 0, 0, 0, 1, 1);
    CHECK_OK(seg_pq_average(pq, SEG_PQ_ALL, v, &n));
    CHECK_NEAR(v[0], 0.5, 1e-12);
    seg_pq_destroy(pq);

    /* Negative ids in an I32 map are void (Panoptic-DeepLab's -1): the gt void pixel
     * as -1 gives the first result again. */
    ((int64_t *)seg_tensor_data(gseg))[7] = 3;
    ((int32_t *)seg_tensor_data(gm))[4] = -1;
    pq = two_categories();
    CHECK_OK(seg_pq_add_image(pq, gm, gseg, pm, pseg));
    check_class(pq, 0, 1, 1, 1, 1, 0, 0);
    check_class(pq, 1, 2.0 / 3, 2.0 / 3, 1, 1, 0, 0);
    seg_pq_destroy(pq);

    /* Negative area: counted from the map (3), back to the first result. */
    ((int64_t *)seg_tensor_data(gseg))[7] = -1;
    pq = two_categories();
    CHECK_OK(seg_pq_add_image(pq, gm, gseg, pm, pseg));
    check_class(pq, 1, 2.0 / 3, 2.0 / 3, 1, 1, 0, 0);
    seg_pq_destroy(pq);
    seg_tensor_destroy(gm);
    seg_tensor_destroy(pm);
    seg_tensor_destroy(gseg);
    seg_tensor_destroy(pseg);
}

/* Hand-computed: IoU exactly 0.5 does not match (panopticapi: iou > 0.5).
 * gt [1 1 2], pred [5 0 6]: (1,5) inter 1, union 1 + 2 - 1 = 2 -> 0.5, so thing FN 1
 * and FP 1 (pred 5 has no void); stuff (2,6) IoU 1. Empty groups average to NaN. */
TEST(hand_computed_half_iou_is_not_a_match)
{
    const int32_t g[3] = {1, 1, 2}, p[3] = {5, 0, 6};
    const int64_t gs[8] = {1, 1, 0, 2, 2, 2, 0, 1}, ps[4] = {5, 1, 6, 2};
    seg_tensor *gm = i32_map(g, 1, 3), *pm = i32_map(p, 1, 3);
    seg_tensor *gseg = rows(gs, 2, 4), *pseg = rows(ps, 2, 2);
    seg_pq *pq = two_categories();
    CHECK_OK(seg_pq_add_image(pq, gm, gseg, pm, pseg));
    check_class(pq, 0, 0, 0, 0, 0, 1, 1);
    check_class(pq, 1, 1, 1, 1, 1, 0, 0);
    seg_pq_destroy(pq);

    CHECK_OK(seg_pq_create(&pq));
    CHECK_OK(seg_pq_add_category(pq, 1, 1, NULL));
    double v[3];
    int64_t n = -1;
    CHECK_OK(seg_pq_average(pq, SEG_PQ_STUFF, v, &n));
    CHECK(isnan(v[0]));
    CHECK_EQ_INT(n, 0);
    seg_pq_destroy(pq);
    seg_tensor_destroy(gm);
    seg_tensor_destroy(pm);
    seg_tensor_destroy(gseg);
    seg_tensor_destroy(pseg);
}

static seg_pq *golden_categories(json_t *gt)
{
    seg_pq *pq = NULL;
    CHECK_OK(seg_pq_create(&pq));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(gt, "categories"), i, c)
        CHECK_OK(seg_pq_add_category(pq, json_integer_value(json_object_get(c, "id")),
                                     (int)json_integer_value(json_object_get(c, "isthing")),
                                     json_string_value(json_object_get(c, "name"))));
    return pq;
}

static void check_golden(const seg_pq *pq, json_t *want)
{
    static const char *groups[3] = {"All", "Things", "Stuff"};
    for (int gi = 0; gi < 3; gi++) {
        double v[3];
        int64_t n;
        CHECK_OK(seg_pq_average(pq, (seg_pq_group)gi, v, &n));
        CHECK_NEAR(v[0], golden(want, groups[gi], "pq"), 1e-12);
        CHECK_NEAR(v[1], golden(want, groups[gi], "sq"), 1e-12);
        CHECK_NEAR(v[2], golden(want, groups[gi], "rq"), 1e-12);
        CHECK_EQ_INT(n, (int64_t)golden(want, groups[gi], "n"));
    }
    for (size_t i = 0; i < seg_pq_category_count(pq); i++) {
        int64_t id, k[3];
        double v[3];
        char key[32];
        CHECK_OK(seg_pq_category(pq, i, &id, NULL, NULL, v, k));
        snprintf(key, sizeof key, "%lld", (long long)id);
        for (size_t m = 0; m < 3; m++) {
            CHECK_NEAR(v[m], golden_at(want, "per_class", key, m), 1e-12);
            CHECK_EQ_INT(k[m], (int64_t)golden_at(want, "per_class", key, m + 3));
        }
    }
}

TEST(golden_id_maps_match_panopticapi_semantics)
{
    json_t *gt = metrics_json("pan_gt.json"), *want = metrics_json("panoptic.json");
    seg_pq *pq = golden_categories(gt);
    for (int i = 0; i < 8; i++) {
        char name[4][32];
        snprintf(name[0], 32, "pan_npy/gt%02d.npy", i);
        snprintf(name[1], 32, "pan_npy/gtseg%02d.npy", i);
        snprintf(name[2], 32, "pan_npy/pred%02d.npy", i);
        snprintf(name[3], 32, "pan_npy/predseg%02d.npy", i);
        seg_tensor *t[4];
        for (int k = 0; k < 4; k++)
            t[k] = metrics_npy(name[k]);
        CHECK_OK(seg_pq_add_image(pq, t[0], t[1], t[2], t[3]));
        for (int k = 0; k < 4; k++)
            seg_tensor_destroy(t[k]);
    }
    check_golden(pq, want);
    seg_pq_destroy(pq);
    json_decref(gt);
    json_decref(want);
}

/* The same image as an RGB id map (id = R + 256 G + 256^2 B, reference §5). */
TEST(rgb_maps_decode_ids)
{
    const int32_t g[3] = {0x030201, 0x030201, 7}, p[3] = {0x030201, 0x030201, 9};
    uint8_t rgb[12] = {1, 2, 3, 255, 1, 2, 3, 255, 7, 0, 0, 255};
    int64_t dims[3] = {1, 3, 4};
    seg_tensor *gm = i32_map(g, 1, 3), *pm = i32_map(p, 1, 3), *rgba = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 3, dims, rgb, sizeof rgb, &rgba));
    const int64_t gs[8] = {0x030201, 1, 0, 2, 7, 2, 0, 1}, ps[4] = {0x030201, 1, 9, 2};
    seg_tensor *gseg = rows(gs, 2, 4), *pseg = rows(ps, 2, 2);
    seg_pq *pq = two_categories();
    CHECK_OK(seg_pq_add_image(pq, rgba, gseg, pm, pseg));
    check_class(pq, 0, 1, 1, 1, 1, 0, 0);
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg, rgba, pseg), SEG_ERR_FORMAT,
               "id 7 (RGB 7,0,0) is in the pred map but not in its segments");
    /* RGB (3 bytes a pixel) against I32 (4): the scan compares each map on its own. */
    uint8_t rgb3[9] = {1, 2, 3, 1, 2, 3, 7, 0, 0};
    int64_t dims3[3] = {1, 3, 3};
    seg_tensor *rgb_map = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 3, dims3, rgb3, sizeof rgb3, &rgb_map));
    CHECK_OK(seg_pq_add_image(pq, rgb_map, gseg, pm, pseg));
    check_class(pq, 0, 1, 1, 1, 2, 0, 0);
    check_class(pq, 1, 1, 1, 1, 2, 0, 0);
    seg_tensor_destroy(rgb_map);
    seg_pq_destroy(pq);
    seg_tensor_destroy(gm);
    seg_tensor_destroy(pm);
    seg_tensor_destroy(rgba);
    seg_tensor_destroy(gseg);
    seg_tensor_destroy(pseg);
}

TEST(bad_inputs_name_the_problem)
{
    const int32_t g[4] = {1, 1, 2, 0}, p[4] = {5, 5, 6, 0};
    seg_tensor *gm = i32_map(g, 2, 2), *pm = i32_map(p, 2, 2), *wide = i32_map(p, 1, 4);
    const int64_t gs[8] = {1, 1, 0, 2, 2, 2, 0, 1}, ps[4] = {5, 1, 6, 2};
    seg_tensor *gseg = rows(gs, 2, 4), *pseg = rows(ps, 2, 2);
    seg_pq *pq = two_categories();
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg, wide, pseg), SEG_ERR_SHAPE,
               "gt map is 2x2 (HxW), pred map is 1x4");
    const int64_t ps_missing[2] = {5, 1};
    seg_tensor *short_rows = rows(ps_missing, 1, 2);
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg, pm, short_rows), SEG_ERR_FORMAT,
               "id 6 (RGB 6,0,0) is in the pred map but not in its segments");
    CHECK_FAIL(seg_pq_add_image(pq, gm, short_rows, pm, pseg), SEG_ERR_SHAPE,
               "gt segments are i64 [1, 2]");
    const int64_t gs_short[4] = {1, 1, 0, 2};
    seg_tensor *gseg_short = rows(gs_short, 1, 4);
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg_short, pm, pseg), SEG_ERR_FORMAT,
               "id 2 (RGB 2,0,0) is in the gt map but not in its segments");
    const int64_t ps_extra[6] = {5, 1, 6, 2, 8, 1};
    seg_tensor *pseg_extra = rows(ps_extra, 3, 2);
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg, pm, pseg_extra), SEG_ERR_FORMAT,
               "pred segment id 8 is in the segments but not in the pred map");
    const int64_t ps_cat[4] = {5, 1, 6, 42};
    seg_tensor *pseg_cat = rows(ps_cat, 2, 2);
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg, pm, pseg_cat), SEG_ERR_FORMAT,
               "pred segment id 6 has unknown category_id 42");
    const int64_t ps_dup[4] = {5, 1, 5, 2};
    seg_tensor *pseg_dup = rows(ps_dup, 2, 2);
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg, pm, pseg_dup), SEG_ERR_FORMAT,
               "pred segment id 5 appears twice");
    const int64_t gs_zero[8] = {0, 1, 0, 2, 2, 2, 0, 1};
    seg_tensor *gseg_zero = rows(gs_zero, 2, 4);
    CHECK_FAIL(seg_pq_add_image(pq, gm, gseg_zero, pm, pseg), SEG_ERR_FORMAT,
               "gt segment 0 has id 0");
    CHECK_FAIL(seg_pq_add_category(pq, 2, 0, "again"), SEG_ERR_INVALID_ARGUMENT,
               "category 2 declared twice");
    /* Nothing was counted by the failed calls. */
    int64_t k[3];
    CHECK_OK(seg_pq_category(pq, 0, NULL, NULL, NULL, NULL, k));
    CHECK_EQ_INT(k[0] + k[1] + k[2], 0);
    CHECK_FAIL(seg_pq_category(pq, 2, NULL, NULL, NULL, NULL, k), SEG_ERR_INVALID_ARGUMENT,
               "index 2 >= 2 categories");
    seg_pq_destroy(pq);
    seg_pq_destroy(NULL);
    seg_tensor *list[] = {gm, pm, wide, gseg, pseg, short_rows, gseg_short, pseg_extra,
                          pseg_cat, pseg_dup, gseg_zero};
    for (size_t i = 0; i < sizeof list / sizeof list[0]; i++)
        seg_tensor_destroy(list[i]);
}

/* panopticapi's pq_compute on the same data as PNG folders and JSON files. */
TEST(golden_files_match_panopticapi_semantics)
{
    json_t *want = metrics_json("panoptic.json");
    char gj[4096], gd[4096], pj[4096], pd[4096];
    snprintf(gj, sizeof gj, "%s", metrics_path("pan_gt.json"));
    snprintf(gd, sizeof gd, "%s", metrics_path("pan_gt"));
    snprintf(pj, sizeof pj, "%s", metrics_path("pan_pred.json"));
    snprintf(pd, sizeof pd, "%s", metrics_path("pan_pred"));
    seg_pq *pq = NULL;
    CHECK_OK(seg_pq_evaluate_files(gj, gd, pj, pd, NULL, &pq));
    if (pq) {
        check_golden(pq, want);
        const char *name = NULL;
        int thing = -1;
        CHECK_OK(seg_pq_category(pq, 4, NULL, &thing, &name, NULL, NULL));
        CHECK_STR(name, "sky");
        CHECK_EQ_INT(thing, 0);
    }
    seg_pq_destroy(pq);
    json_decref(want);
}

/* Each file in pan_bad/ changes one thing of the golden set (tests/goldens/metrics.py
 * bad_panoptic_files); panopticapi raises on the pred ones. */
static void expect_files_fail(const char *gt_json, const char *pred_json, seg_status want,
                              const char *needle)
{
    char gj[4096], gd[4096], pj[4096], pd[4096];
    snprintf(gj, sizeof gj, "%s", metrics_path(gt_json));
    snprintf(gd, sizeof gd, "%s", metrics_path("pan_gt"));
    snprintf(pj, sizeof pj, "%s", metrics_path(pred_json));
    snprintf(pd, sizeof pd, "%s", metrics_path("pan_pred"));
    seg_pq *pq = NULL;
    CHECK_FAIL(seg_pq_evaluate_files(gj, gd, pj, pd, NULL, &pq), want, needle);
    CHECK(pq == NULL);
}

TEST(bad_files_name_the_problem)
{
    expect_files_fail("pan_gt.json", "pan_bad/pred_missing_image.json", SEG_ERR_NOT_FOUND,
                      "pred_missing_image.json: no prediction for the image with id 103");
    expect_files_fail("pan_gt.json", "pan_bad/pred_extra_segment.json", SEG_ERR_FORMAT,
                      "pred segment id 1234567 is in the segments but not in the pred map");
    expect_files_fail("pan_gt.json", "pan_bad/pred_unknown_category.json", SEG_ERR_FORMAT,
                      "has unknown category_id 99");
    expect_files_fail("pan_gt.json", "pan_bad/pred_missing_field.json", SEG_ERR_FORMAT,
                      "pred_missing_field.json: annotations[1]: segments_info[2]: field "
                      "'category_id' is missing");
    expect_files_fail("pan_bad/gt_missing_segment.json", "pan_pred.json", SEG_ERR_FORMAT,
                      "is in the gt map but not in its segments");
    expect_files_fail("pan_gt.json", "pan_bad/pred_truncated.json", SEG_ERR_FORMAT,
                      "pred_truncated.json: invalid JSON at line 1");
    expect_files_fail("pan_gt.json", "no_such.json", SEG_ERR_IO, "no_such.json: cannot open");
    char gj[4096];
    snprintf(gj, sizeof gj, "%s", metrics_path("pan_gt.json"));
    seg_pq *pq = NULL;
    CHECK_FAIL(seg_pq_evaluate_files(gj, "/nonexistent", gj, "/nonexistent", NULL, &pq),
               SEG_ERR_IO, "/nonexistent/img00.png: cannot open");
}

/* Found by fuzz_pq: a gt area below its pixel count gave an IoU, and a PQ, above 1. */
TEST(gt_area_below_pixel_count_is_an_error)
{
    int64_t mdims[2] = {1, 4}, gdims[2] = {1, 4}, pdims[2] = {1, 2};
    seg_tensor *gm = NULL, *pm = NULL, *gs = NULL, *ps = NULL;
    seg_pq *pq = NULL;
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I32, 2, mdims, &gm));
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I32, 2, mdims, &pm));
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I64, 2, gdims, &gs));
    CHECK_OK(seg_tensor_create(SEG_DTYPE_I64, 2, pdims, &ps));
    CHECK_OK(seg_pq_create(&pq));
    if (gm && pm && gs && ps && pq) {
        int32_t *g = seg_tensor_data(gm), *p = seg_tensor_data(pm);
        int64_t *gr = seg_tensor_data(gs), *pr = seg_tensor_data(ps);
        for (int i = 0; i < 4; i++)
            g[i] = p[i] = 1;
        gr[0] = 1, gr[1] = 7, gr[2] = 0, gr[3] = 2; /* area 2, 4 pixels */
        pr[0] = 1, pr[1] = 7;
        CHECK_OK(seg_pq_add_category(pq, 7, 1, "x"));
        CHECK_FAIL(seg_pq_add_image(pq, gm, gs, pm, ps), SEG_ERR_FORMAT,
                   "gt segment id 1 has area 2 but 4 pixels in the gt map");
        gr[3] = 4;
        CHECK_OK(seg_pq_add_image(pq, gm, gs, pm, ps));
    }
    seg_pq_destroy(pq);
    seg_tensor_destroy(gm);
    seg_tensor_destroy(pm);
    seg_tensor_destroy(gs);
    seg_tensor_destroy(ps);
}

int main(void)
{
    return RUN_TESTS(CASE(hand_computed_void_crowd_and_json_area),
                     CASE(hand_computed_half_iou_is_not_a_match),
                     CASE(golden_id_maps_match_panopticapi_semantics), CASE(rgb_maps_decode_ids),
                     CASE(bad_inputs_name_the_problem),
                     CASE(golden_files_match_panopticapi_semantics),
                     CASE(bad_files_name_the_problem),
                     CASE(gt_area_below_pixel_count_is_an_error));
}
