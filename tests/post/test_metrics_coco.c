/* COCO mask AP / AR.
 * Goldens: tests/goldens/metrics.py instances() re-implements pycocotools' COCOeval
 * (iouType "segm": evaluateImg, accumulate, summarize; reference §6) on five synthetic
 * images with tiny, medium and large objects, crowd regions (uncompressed RLE), RLE
 * strings and rectangle polygons, score ties and one image with over 100 results.
 * The hand-computed case is worked out in its comment. */
#include "metrics_test.h"

static char *slurp(const char *name, size_t *size)
{
    FILE *f = fopen(metrics_path(name), "rb");
    CHECK(f != NULL);
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return buf;
}

static void check_against(seg_coco_eval *ev, json_t *want)
{
    json_t *stats = json_object_get(want, "stats");
    for (int s = 0; s < SEG_COCO_STAT_COUNT; s++) {
        double v;
        CHECK_OK(seg_coco_eval_stat(ev, (seg_coco_stat)s, &v));
        double w = json_number_value(json_array_get(stats, (size_t)s));
        if (fabs(v - w) > 1e-12)
            fprintf(stderr, "stat %d: %.17g vs golden %.17g\n", s, v, w);
        CHECK_NEAR(v, w, 1e-12);
    }
    CHECK_EQ_INT(seg_coco_eval_category_count(ev), 4);
    for (size_t k = 0; k < seg_coco_eval_category_count(ev); k++) {
        double ap;
        int64_t id;
        CHECK_OK(seg_coco_eval_category(ev, k, &id, NULL, &ap));
        CHECK_EQ_INT(id, (int64_t)k + 1);
        CHECK_NEAR(ap, json_number_value(json_array_get(json_object_get(want,
                                                        "per_category_ap"), k)), 1e-12);
    }
}

TEST(golden_rle_ground_truth)
{
    json_t *want = metrics_json("coco_expected.json");
    char gt[4096], res[4096];
    snprintf(gt, sizeof gt, "%s", metrics_path("coco_gt_rle.json"));
    snprintf(res, sizeof res, "%s", metrics_path("coco_results.json"));
    seg_coco_eval *ev = NULL;
    CHECK_OK(seg_coco_eval_files(gt, res, NULL, &ev));
    if (ev)
        check_against(ev, want);
    seg_coco_eval_destroy(ev);
    json_decref(want);
}

TEST(golden_polygon_ground_truth)
{
    json_t *want = metrics_json("coco_expected.json");
    size_t ng = 0, nr = 0;
    char *gt = slurp("coco_gt.json", &ng), *res = slurp("coco_results.json", &nr);
    seg_coco_eval *ev = NULL;
    CHECK_OK(seg_coco_eval_memory(gt, ng, res, nr, NULL, &ev));
    if (ev)
        check_against(ev, want);
    seg_coco_eval_destroy(ev);
    free(gt);
    free(res);
    json_decref(want);
}

/* A 10x10 image, category 1: gt square x, y in [2, 6) (area 16, "small"), and a crowd
 * region (columns 0-1). Results: B (score .9) a 2x2 square elsewhere, A (.8) exactly
 * the gt, C (.95) inside the crowd region.
 * C matches the crowd gt (IoU = 5 / area(C) = 1), which is ignored, so C counts
 * nowhere. At every threshold the ranked list is B (FP), A (TP): recall [0, 1],
 * precision [0, .5], made monotone [.5, .5]; every recall point samples .5, so AP = AP50
 * = AP75 = APs = .5; APm = APl = -1 (no gt there). AR100 = 1, AR1 = 0 (only the top
 * result of the image, C - ignored - then B: neither matches a counted gt). */
static const char hand_gt[] =
    "{\"images\": [{\"id\": 1, \"height\": 10, \"width\": 10}],"
    " \"categories\": [{\"id\": 1, \"name\": \"square\"}],"
    " \"annotations\": ["
    "  {\"id\": 1, \"image_id\": 1, \"category_id\": 1, \"area\": 16, \"iscrowd\": 0,"
    "   \"segmentation\": {\"size\": [10, 10], \"counts\": [22,4,6,4,6,4,6,4,44]}},"
    "  {\"id\": 2, \"image_id\": 1, \"category_id\": 1, \"area\": 20, \"iscrowd\": 1,"
    "   \"segmentation\": {\"size\": [10, 10], \"counts\": [0, 20, 80]}}]}";
static const char hand_res[] =
    "[{\"image_id\": 1, \"category_id\": 1, \"score\": 0.9,"
    "  \"segmentation\": {\"size\": [10, 10], \"counts\": [77, 2, 8, 2, 11]}},"
    " {\"image_id\": 1, \"category_id\": 1, \"score\": 0.8,"
    "  \"segmentation\": {\"size\": [10, 10], \"counts\": [22,4,6,4,6,4,6,4,44]}},"
    " {\"image_id\": 1, \"category_id\": 1, \"score\": 0.95,"
    "  \"segmentation\": {\"size\": [10, 10], \"counts\": [0, 5, 95]}}]";

TEST(hand_computed_crowd_and_ranking)
{
    seg_coco_eval *ev = NULL;
    CHECK_OK(seg_coco_eval_memory(hand_gt, strlen(hand_gt), hand_res, strlen(hand_res), NULL,
                                  &ev));
    if (!ev)
        return;
    static const double want[SEG_COCO_STAT_COUNT] = {.5, .5, .5, .5, -1, -1,
                                                     0, 1, 1, 1, -1, -1};
    for (int s = 0; s < SEG_COCO_STAT_COUNT; s++) {
        double v;
        CHECK_OK(seg_coco_eval_stat(ev, (seg_coco_stat)s, &v));
        CHECK_NEAR(v, want[s], 1e-12);
    }
    const char *name = NULL;
    CHECK_OK(seg_coco_eval_category(ev, 0, NULL, &name, NULL));
    CHECK_STR(name, "square");
    double v;
    CHECK_FAIL(seg_coco_eval_stat(ev, (seg_coco_stat)12, &v), SEG_ERR_INVALID_ARGUMENT,
               "unknown stat 12");
    CHECK_FAIL(seg_coco_eval_category(ev, 1, NULL, NULL, NULL), SEG_ERR_INVALID_ARGUMENT,
               "index 1 >= 1");
    seg_coco_eval_destroy(ev);
    seg_coco_eval_destroy(NULL);
}

static void expect_fail(const char *res, seg_status want, const char *needle)
{
    seg_coco_eval *ev = NULL;
    CHECK_FAIL(seg_coco_eval_memory(hand_gt, strlen(hand_gt), res, strlen(res), NULL, &ev),
               want, needle);
    CHECK(ev == NULL);
}

TEST(bad_results_name_the_field)
{
    expect_fail("[{\"image_id\": 1, \"category_id\": 7, \"score\": 1, \"segmentation\": {}}]",
                SEG_ERR_FORMAT, "results: [0]: category_id 7 is not a category");
    expect_fail("[{\"image_id\": 3, \"category_id\": 1, \"score\": 1, \"segmentation\": {}}]",
                SEG_ERR_FORMAT, "results: [0]: image_id 3 is not an image");
    expect_fail("[{\"image_id\": 1, \"category_id\": 1, \"segmentation\": {}}]",
                SEG_ERR_FORMAT, "results: [0]: field 'score' is missing");
    expect_fail("[{\"image_id\": 1, \"category_id\": 1, \"score\": \"high\"}]",
                SEG_ERR_FORMAT, "field 'score' is a string; expected a number");
    expect_fail("[{\"image_id\": 1, \"category_id\": 1, \"score\": 1, \"segmentation\":"
                " {\"size\": [10, 10], \"counts\": \"0\\u007f\"}}]",
                SEG_ERR_FORMAT, "results: [0]: field 'counts': RLE string byte 0x7f at offset 1");
    expect_fail("[{\"image_id\": 1, \"category_id\": 1, \"score\": 1, \"segmentation\":"
                " {\"size\": [10, 10], \"counts\": \"X\"}}]",
                SEG_ERR_FORMAT, "RLE string ends inside the value starting at offset 0");
    expect_fail("[{\"image_id\": 1, \"category_id\": 1, \"score\": 1, \"segmentation\":"
                " {\"size\": [10, 10], \"counts\": [5, 5]}}]",
                SEG_ERR_FORMAT, "2 counts sum to 10, a 10x10 mask needs 100");
    expect_fail("[{\"image_id\": 1, \"category_id\": 1, \"score\": 1, \"segmentation\":"
                " {\"size\": [5, 20], \"counts\": [100]}}]",
                SEG_ERR_FORMAT, "field 'size' is [5, 20] but the image is 10x10");
    expect_fail("[{\"image_id\": 1, \"category_id\": 1, \"score\": 1, \"segmentation\":"
                " [[0, 0, 0, 4, 4, 4]]}]",
                SEG_ERR_FORMAT, "field 'segmentation' is an array; expected an RLE object");
    expect_fail("{\"image_id\": 1}", SEG_ERR_FORMAT, "results: is an object; expected a list");
    seg_coco_eval *bad = NULL;
    const char *bad_poly =
        "{\"images\": [{\"id\": 1, \"height\": 10, \"width\": 10}],"
        " \"categories\": [{\"id\": 1}], \"annotations\": [{\"id\": 1, \"image_id\": 1,"
        " \"category_id\": 1, \"area\": 4, \"segmentation\": [[0, 0, 2, \"x\", 2, 2]]}]}";
    CHECK_FAIL(seg_coco_eval_memory(bad_poly, strlen(bad_poly), "[]", 2, NULL, &bad),
               SEG_ERR_FORMAT, "ground truth: annotations[0]: segmentation[0][3] is a string");
    expect_fail("[{\"image_id\": 1,]", SEG_ERR_FORMAT, "results: invalid JSON at line 1");
    seg_coco_eval *ev = NULL;
    const char *no_images = "{\"categories\": [], \"annotations\": []}";
    CHECK_FAIL(seg_coco_eval_memory(no_images, strlen(no_images), "[]", 2, NULL, &ev),
               SEG_ERR_FORMAT, "ground truth: field 'images' is missing");
    CHECK_FAIL(seg_coco_eval_files("/nonexistent/gt.json", "/nonexistent/r.json", NULL, &ev),
               SEG_ERR_IO, "/nonexistent/gt.json: cannot open");
}

/* No results at all: recall 0 and precision 0 where gt exist (not -1). */
TEST(empty_results)
{
    seg_coco_eval *ev = NULL;
    CHECK_OK(seg_coco_eval_memory(hand_gt, strlen(hand_gt), "[]", 2, NULL, &ev));
    double v = -5;
    if (ev)
        CHECK_OK(seg_coco_eval_stat(ev, SEG_COCO_AP, &v));
    CHECK_NEAR(v, 0, 0);
    seg_coco_eval_destroy(ev);
}

int main(void)
{
    return RUN_TESTS(CASE(golden_rle_ground_truth), CASE(golden_polygon_ground_truth),
                     CASE(hand_computed_crowd_and_ranking), CASE(bad_results_name_the_field),
                     CASE(empty_results));
}
