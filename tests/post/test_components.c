/* Connected components against OpenCV.
 *
 * Reference: cv2.connectedComponentsWithStats (connectivity 4 and 8) from Debian's
 * python3-opencv 4.6 on the fixed-seed masks of tests/goldens/masks.py. OpenCV's label
 * numbers depend on its algorithm, so the script renumbers them in row-major order of
 * each component's first pixel (libseg's documented order) and permutes the stats and
 * centroids to match; the partition, stats and centroids are OpenCV's. */
#include "check.h"
#include "golden.h"

#include <seg/seg.h>

#include <stdlib.h>
#include <string.h>

static void check_result(const seg_components *c, const json_t *res)
{
    size_t n = (size_t)golden_int(res, "n");
    CHECK_EQ_INT(seg_components_count(c), n);
    if (seg_components_count(c) != n)
        return;
    size_t np;
    int32_t *labels = golden_i32(json_object_get(res, "labels"), &np);
    CHECK(memcmp(seg_components_labels(c), labels, np * sizeof *labels) == 0);
    free(labels);
    const int64_t *st = seg_components_stats(c);
    const double *ce = seg_components_centroids(c);
    json_t *bg = json_object_get(res, "background");
    for (size_t k = 0; k < 5; k++)
        CHECK_EQ_INT(st[k], json_integer_value(json_array_get(bg, k)));
    json_t *stats = json_object_get(res, "stats"), *cents = json_object_get(res, "centroids");
    for (size_t l = 1; l < n; l++)
        for (size_t k = 0; k < 5; k++)
            CHECK_EQ_INT(st[5 * l + k],
                         json_integer_value(json_array_get(json_array_get(stats, l - 1), k)));
    for (size_t l = 0; l < n; l++)
        for (size_t k = 0; k < 2; k++) {
            json_t *v = json_array_get(json_array_get(cents, l), k);
            if (json_is_null(v)) /* OpenCV's NaN for an empty background */
                CHECK(isnan(ce[2 * l + k]));
            else
                CHECK_NEAR(ce[2 * l + k], json_number_value(v), 1e-9);
        }
}

TEST(components_match_opencv)
{
    json_t *g = golden_load("components.json"), *cs;
    CHECK(json_array_size(g) > 10);
    size_t i, checked = 0;
    json_array_foreach(g, i, cs) {
        int64_t h = golden_int(cs, "h"), w = golden_int(cs, "w");
        uint8_t *m = golden_mask(json_object_get(cs, "mask"));
        size_t j;
        json_t *res;
        json_array_foreach(json_object_get(cs, "results"), j, res) {
            seg_components *c = NULL;
            CHECK_OK(seg_components_find(m, h, w, (size_t)w, (int)golden_int(res, "connectivity"),
                                         0, &c));
            if (c)
                check_result(c, res);
            seg_components_destroy(c);
            checked++;
        }
        free(m);
    }
    CHECK(checked >= 30);
    json_decref(g);
}

TEST(default_connectivity_is_8_and_order_is_row_major)
{
    /* Two diagonal touches: one component with 8-connectivity, three with 4. The
     * component whose first pixel comes first in row-major order is label 1 even though
     * a larger component starts further left on a lower row. */
    const uint8_t m[4 * 5] = {
        0, 0, 0, 1, 0,
        0, 0, 1, 0, 0,
        1, 1, 0, 0, 0,
        1, 1, 0, 0, 1,
    };
    seg_components *c = NULL;
    CHECK_OK(seg_components_find(m, 4, 5, 5, 0, 0, &c));
    CHECK_EQ_INT(seg_components_count(c), 3);
    const int32_t *l = seg_components_labels(c);
    CHECK(l[3] == 1 && l[7] == 1 && l[10] == 1 && l[19] == 2);
    seg_components_destroy(c);
    CHECK_OK(seg_components_find(m, 4, 5, 5, 4, 0, &c));
    CHECK_EQ_INT(seg_components_count(c), 5);
    l = seg_components_labels(c);
    CHECK(l[3] == 1 && l[7] == 2 && l[10] == 3 && l[19] == 4);
    const int64_t *st = seg_components_stats(c);
    CHECK(st[5 * 3 + SEG_STAT_LEFT] == 0 && st[5 * 3 + SEG_STAT_TOP] == 2 &&
          st[5 * 3 + SEG_STAT_WIDTH] == 2 && st[5 * 3 + SEG_STAT_HEIGHT] == 2 &&
          st[5 * 3 + SEG_STAT_AREA] == 4);
    CHECK_NEAR(seg_components_centroids(c)[2 * 3], 0.5, 0);
    seg_components_destroy(c);
}

TEST(min_area_drops_small_components)
{
    const uint8_t m[3 * 6] = {
        1, 0, 1, 1, 0, 1,
        0, 0, 1, 1, 0, 0,
        1, 0, 0, 0, 0, 1,
    };
    seg_components *c = NULL;
    CHECK_OK(seg_components_find(m, 3, 6, 6, 8, 2, &c));
    CHECK_EQ_INT(seg_components_count(c), 2); /* only the 2x2 block survives */
    const int32_t *l = seg_components_labels(c);
    CHECK(l[0] == 0 && l[2] == 1 && l[9] == 1 && l[5] == 0 && l[17] == 0);
    const int64_t *st = seg_components_stats(c);
    /* the dropped pixels join the background */
    CHECK_EQ_INT(st[SEG_STAT_AREA], 14);
    CHECK_EQ_INT(st[5 + SEG_STAT_AREA], 4);
    CHECK_EQ_INT(st[SEG_STAT_WIDTH], 6);
    seg_components_destroy(c);
}

TEST(component_bad_input)
{
    const uint8_t m[4] = {1, 0, 0, 1};
    seg_components *c = (seg_components *)0x1;
    CHECK_FAIL(seg_components_find(m, 2, 2, 2, 6, 0, &c), SEG_ERR_INVALID_ARGUMENT,
               "connectivity 6 is not 4 or 8");
    CHECK_FAIL(seg_components_find(m, 2, 0, 2, 8, 0, &c), SEG_ERR_INVALID_ARGUMENT,
               "zero-size or negative image 2x0");
    CHECK_FAIL(seg_components_find(m, 2, 2, 1, 8, 0, &c), SEG_ERR_INVALID_ARGUMENT,
               "stride 1 is less than width 2");
    CHECK_FAIL(seg_components_find(NULL, 2, 2, 2, 8, 0, &c), SEG_ERR_INVALID_ARGUMENT,
               "'bitmap' is NULL");
    CHECK(c == (seg_components *)0x1);
    seg_components_destroy(NULL);
}

int main(void)
{
    return RUN_TESTS(CASE(components_match_opencv),
                     CASE(default_connectivity_is_8_and_order_is_row_major),
                     CASE(min_area_drops_small_components), CASE(component_bad_input));
}
