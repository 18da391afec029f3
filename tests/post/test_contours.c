/* Contours and polygon simplification against OpenCV.
 *
 * Reference: cv2.findContours (RETR_EXTERNAL / LIST / CCOMP / TREE with CHAIN_APPROX_NONE
 * and SIMPLE) and cv2.approxPolyDP (epsilon 0.5, 1, 2.5; closed and open) from Debian's
 * python3-opencv 4.6, run by tests/goldens/masks.py on fixed-seed random masks (blobs with
 * holes and islands, salt noise, rings, edge cases) into tests/data/masks/. Contours,
 * their order, every point and the hierarchy must be identical. */
#include "check.h"
#include "golden.h"

#include <seg/seg.h>

#include <stdlib.h>
#include <string.h>

static seg_contour_mode mode_of(const char *s)
{
    return !strcmp(s, "external") ? SEG_CONTOUR_EXTERNAL
           : !strcmp(s, "list")   ? SEG_CONTOUR_LIST
           : !strcmp(s, "ccomp")  ? SEG_CONTOUR_CCOMP
                                  : SEG_CONTOUR_TREE;
}

/* Compare one findContours result; returns 0 when identical. */
static int compare(const seg_contours *c, const json_t *res)
{
    json_t *cs = json_object_get(res, "contours"), *hier = json_object_get(res, "hierarchy");
    if (seg_contours_count(c) != json_array_size(cs)) {
        fprintf(stderr, "  %zu contours, OpenCV %zu\n", seg_contours_count(c),
                json_array_size(cs));
        return 1;
    }
    for (size_t i = 0; i < json_array_size(cs); i++) {
        size_t n, nw;
        const int32_t *p = seg_contours_points(c, i, &n);
        int32_t *w = golden_i32(json_array_get(cs, i), &nw);
        int bad = n * 2 != nw || memcmp(p, w, nw * sizeof *w) != 0;
        int32_t h[4];
        int32_t *wh = golden_i32(json_array_get(hier, i), NULL);
        bad |= seg_contours_hierarchy(c, i, h) != SEG_OK || memcmp(h, wh, sizeof h) != 0;
        if (bad)
            fprintf(stderr, "  contour %zu: %zu points (OpenCV %zu), hierarchy %d %d %d %d "
                    "(OpenCV %d %d %d %d)\n", i, n, nw / 2, h[0], h[1], h[2], h[3], wh[0],
                    wh[1], wh[2], wh[3]);
        free(w);
        free(wh);
        if (bad)
            return 1;
    }
    return 0;
}

TEST(find_contours_matches_opencv)
{
    json_t *g = golden_load("contours.json"), *cs;
    CHECK(json_array_size(g) > 10);
    size_t i, checked = 0;
    json_array_foreach(g, i, cs) {
        int64_t h = golden_int(cs, "h"), w = golden_int(cs, "w");
        uint8_t *m = golden_mask(json_object_get(cs, "mask"));
        size_t j;
        json_t *res;
        json_array_foreach(json_object_get(cs, "results"), j, res) {
            const char *mode = json_string_value(json_object_get(res, "mode"));
            const char *ap = json_string_value(json_object_get(res, "approx"));
            seg_contours *c = NULL;
            CHECK_OK(seg_contours_find(m, h, w, (size_t)w, mode_of(mode),
                                       strcmp(ap, "none") ? SEG_CONTOUR_APPROX_SIMPLE
                                                          : SEG_CONTOUR_APPROX_NONE, &c));
            int bad = !c || compare(c, res);
            if (bad)
                fprintf(stderr, "  ^ case %s, mode %s, approx %s\n",
                        json_string_value(json_object_get(cs, "name")), mode, ap);
            CHECK(!bad);
            checked++;
            seg_contours_destroy(c);
        }
        free(m);
    }
    CHECK(checked >= 100);
    json_decref(g);
}

TEST(holes_and_corner_coordinates)
{
    /* a 4x4 ring: one outer border and one hole, as detectron2 reads them (CCOMP) */
    const uint8_t m[6 * 6] = {
        0, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 0,
        0, 1, 0, 0, 1, 0,
        0, 1, 0, 0, 1, 0,
        0, 1, 1, 1, 1, 0,
        0, 0, 0, 0, 0, 0,
    };
    seg_contours *c = NULL;
    CHECK_OK(seg_contours_find(m, 6, 6, 6, SEG_CONTOUR_CCOMP, SEG_CONTOUR_APPROX_SIMPLE, &c));
    CHECK_EQ_INT(seg_contours_count(c), 2);
    CHECK(!seg_contours_is_hole(c, 0));
    CHECK(seg_contours_is_hole(c, 1));
    int32_t h[4];
    CHECK_OK(seg_contours_hierarchy(c, 1, h));
    CHECK_EQ_INT(h[3], 0); /* the hole's parent is the outer border */
    size_t n;
    const int32_t *p = seg_contours_points(c, 0, &n);
    CHECK_EQ_INT(n, 4); /* SIMPLE keeps the corners: (1,1) (1,4) (4,4) (4,1) */
    CHECK(p[0] == 1 && p[1] == 1 && p[2] == 1 && p[3] == 4 && p[4] == 4 && p[5] == 4);
    double xy[8];
    CHECK_OK(seg_contours_polygon(c, 0, SEG_COORDS_PIXEL_CORNER, xy, 8, &n));
    CHECK(xy[0] == 1.5 && xy[1] == 1.5 && xy[5] == 4.5);
    CHECK_OK(seg_contours_polygon(c, 0, SEG_COORDS_PIXEL_CENTER, xy, 8, &n));
    CHECK(xy[0] == 1 && xy[5] == 4);
    CHECK_FAIL(seg_contours_polygon(c, 0, SEG_COORDS_PIXEL_CENTER, xy, 7, &n), SEG_ERR_LIMIT,
               "contour 0 has 4 points, buffer holds 7 doubles");
    CHECK_FAIL(seg_contours_polygon(c, 2, SEG_COORDS_PIXEL_CENTER, xy, 8, &n),
               SEG_ERR_INVALID_ARGUMENT, "contour 2 of 2");
    CHECK_FAIL(seg_contours_hierarchy(c, 5, h), SEG_ERR_INVALID_ARGUMENT, "contour 5 of 2");
    CHECK(seg_contours_points(c, 2, &n) == NULL && n == 0);

    /* any non-zero byte is foreground, as in OpenCV: 255, 128 and 7 trace the same ring */
    uint8_t big[6 * 6];
    const uint8_t vals[3] = {255, 128, 7};
    for (int i = 0; i < 36; i++)
        big[i] = m[i] ? vals[i % 3] : 0;
    seg_contours *c2 = NULL;
    CHECK_OK(seg_contours_find(big, 6, 6, 6, SEG_CONTOUR_CCOMP, SEG_CONTOUR_APPROX_SIMPLE, &c2));
    CHECK_EQ_INT(seg_contours_count(c2), 2);
    for (size_t i = 0; i < 2; i++) {
        size_t n1, n2;
        const int32_t *p1 = seg_contours_points(c, i, &n1), *p2 = seg_contours_points(c2, i, &n2);
        CHECK(n1 == n2 && memcmp(p1, p2, 2 * n1 * sizeof *p1) == 0);
    }
    seg_contours_destroy(c2);
    seg_contours_destroy(c);
}

TEST(contour_bad_input)
{
    const uint8_t m[4] = {1, 1, 1, 1};
    seg_contours *c = (seg_contours *)0x1;
    CHECK_FAIL(seg_contours_find(m, 0, 2, 2, SEG_CONTOUR_LIST, SEG_CONTOUR_APPROX_NONE, &c),
               SEG_ERR_INVALID_ARGUMENT, "zero-size or negative image 0x2");
    CHECK_FAIL(seg_contours_find(m, 2, 2, 1, SEG_CONTOUR_LIST, SEG_CONTOUR_APPROX_NONE, &c),
               SEG_ERR_INVALID_ARGUMENT, "stride 1 is less than width 2");
    CHECK_FAIL(seg_contours_find(m, 2, 2, 2, (seg_contour_mode)4, SEG_CONTOUR_APPROX_NONE, &c),
               SEG_ERR_INVALID_ARGUMENT, "unknown mode 4");
    CHECK_FAIL(seg_contours_find(m, 2, 2, 2, SEG_CONTOUR_LIST, (seg_contour_approx)0, &c),
               SEG_ERR_INVALID_ARGUMENT, "unknown approximation 0");
    CHECK(c == (seg_contours *)0x1);
    const uint8_t z[4] = {0};
    CHECK_OK(seg_contours_find(z, 2, 2, 2, SEG_CONTOUR_TREE, SEG_CONTOUR_APPROX_NONE, &c));
    CHECK_EQ_INT(seg_contours_count(c), 0);
    seg_contours_destroy(c);
    seg_contours_destroy(NULL);
}

TEST(approx_poly_dp_matches_opencv)
{
    json_t *g = golden_load("approx.json"), *a;
    CHECK(json_array_size(g) > 30);
    size_t i, bad = 0, checked = 0;
    json_array_foreach(g, i, a) {
        size_t n, j;
        double *xy = golden_f64(json_object_get(a, "xy"), &n);
        double *out = malloc(n * sizeof *out);
        json_t *run;
        json_array_foreach(json_object_get(a, "runs"), j, run) {
            size_t nw, k = 0;
            double *want = golden_f64(json_object_get(run, "out"), &nw);
            double eps = json_number_value(json_object_get(run, "eps"));
            int closed = json_is_true(json_object_get(run, "closed"));
            CHECK_OK(seg_polygon_simplify(xy, n / 2, eps, closed, out, &k));
            if ((k * 2 != nw || memcmp(out, want, nw * sizeof *out) != 0) && bad++ < 5)
                fprintf(stderr, "  approx %zu (%s, eps %g, %s): %zu points, OpenCV %zu\n", i,
                        json_string_value(json_object_get(a, "case")), eps,
                        closed ? "closed" : "open", k, nw / 2);
            checked++;
            free(want);
        }
        free(xy), free(out);
    }
    CHECK_EQ_INT(bad, 0);
    CHECK(checked > 200);
    json_decref(g);
}

TEST(simplify_in_place_and_bad_input)
{
    /* a square with extra points on its sides keeps its 4 corners */
    double xy[16] = {0, 0, 0, 5, 0, 10, 5, 10, 10, 10, 10, 5, 10, 0, 5, 0};
    size_t k = 0;
    CHECK_OK(seg_polygon_simplify(xy, 8, 1.0, true, xy, &k));
    CHECK_EQ_INT(k, 4);
    double nan_xy[6] = {0, 0, 1, NAN, 2, 2};
    CHECK_FAIL(seg_polygon_simplify(nan_xy, 3, 1.0, true, xy, &k), SEG_ERR_INVALID_ARGUMENT,
               "point 1 has y nan");
    CHECK_FAIL(seg_polygon_simplify(xy, 3, -1.0, true, xy, &k), SEG_ERR_INVALID_ARGUMENT,
               "epsilon -1 must be finite and >= 0");
    CHECK_FAIL(seg_polygon_simplify(xy, 3, NAN, true, xy, &k), SEG_ERR_INVALID_ARGUMENT,
               "epsilon nan");
    CHECK_OK(seg_polygon_simplify(NULL, 0, 1.0, true, NULL, &k));
    CHECK_EQ_INT(k, 0);
}

int main(void)
{
    return RUN_TESTS(CASE(find_contours_matches_opencv), CASE(holes_and_corner_coordinates),
                     CASE(contour_bad_input), CASE(approx_poly_dp_matches_opencv),
                     CASE(simplify_in_place_and_bad_input));
}
