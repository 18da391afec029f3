/* Polygons and boxes to RLE, as pycocotools rleFrPoly / rleFrBbox.
 *
 * The polygon is scaled by 5 and its edges are walked point by point on that finer
 * grid; wherever the walk crosses a pixel-centre column, the first pixel row below the
 * edge there is a run boundary of that column. Sorting the boundaries by column-major
 * position gives the runs. The rounding, clamping and direction rules below are
 * pycocotools' own, so that every boundary pixel agrees with it. */
#include "post/rle.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>

#define SCALE 5.0
/* Beyond this a coordinate is refused (5 * 2^24 stays far inside int). */
#define MAX_COORD 16777216.0
/* Walking costs one step per fine-grid unit of the longer axis of each edge: a polygon
 * of a 10,000-pixel image needs well under a million; this bound stops a few absurd
 * coordinates from costing seconds. */
#define MAX_STEPS (UINT64_C(1) << 27)

typedef struct walker {
    uint32_t h, w;
    int have_prev;
    int pu, pv;      /* previous point on the fine grid */
    uint32_t *pos;   /* column-major boundary positions */
    size_t n, cap;
} walker;

static int walker_push(walker *k, uint64_t p)
{
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 256;
        uint32_t *q = realloc(k->pos, cap * sizeof *q);
        if (!q)
            return -1;
        k->pos = q;
        k->cap = cap;
    }
    k->pos[k->n++] = (uint32_t)p;
    return 0;
}

/* One point of the dense boundary; a change of fine column may be a pixel boundary. */
static int walker_visit(walker *k, int u, int v)
{
    int pu = k->pu, pv = k->pv, had = k->have_prev;
    k->pu = u, k->pv = v, k->have_prev = 1;
    if (!had || u == pu)
        return 0;
    double xd = (double)(u < pu ? u : u - 1);
    xd = (xd + .5) / SCALE - .5;
    if (floor(xd) != xd || xd < 0 || xd > (double)k->w - 1)
        return 0;
    double yd = (double)(v < pv ? v : pv);
    yd = (yd + .5) / SCALE - .5;
    yd = ceil(yd < 0 ? 0 : yd > k->h ? k->h : yd);
    return walker_push(k, (uint64_t)xd * k->h + (uint64_t)yd);
}

/* The edge (xs, ys) -> (xe, ye) on the fine grid, both ends included, stepping along
 * the longer axis from the end with the smaller coordinate (as pycocotools). */
static int walk_edge(walker *k, int xs, int ys, int xe, int ye)
{
    int dx = abs(xe - xs), dy = abs(ys - ye);
    int flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
        int t = xs;
        xs = xe, xe = t;
        t = ys;
        ys = ye, ye = t;
    }
    /* A zero-length edge gives one point; its row never matters (same column). */
    double s = dx >= dy ? (dx ? (double)(ye - ys) / dx : 0) : (double)(xe - xs) / dy;
    int len = dx >= dy ? dx : dy;
    for (int d = 0; d <= len; d++) {
        int t = flip ? len - d : d;
        int u = dx >= dy ? t + xs : (int)(xs + s * t + .5);
        int v = dx >= dy ? (int)(ys + s * t + .5) : t + ys;
        if (walker_visit(k, u, v))
            return -1;
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorted boundary positions to counts; a zero-length run joins its neighbours. */
static seg_status positions_to_rle(walker *k, seg_rle **out)
{
    if (walker_push(k, (uint64_t)k->h * k->w))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "polygon boundary");
    qsort(k->pos, k->n, sizeof *k->pos, cmp_u32);
    uint32_t *a = k->pos, prev = 0;
    for (size_t j = 0; j < k->n; j++) {
        uint32_t t = a[j];
        a[j] -= prev;
        prev = t;
    }
    size_t m = 1;
    for (size_t j = 1; j < k->n; j++) {
        if (a[j] > 0)
            a[m++] = a[j];
        else if (++j < k->n)
            a[m - 1] += a[j];
    }
    k->pos = NULL;
    return segi_rle_adopt(k->h, k->w, a, m, out);
}

static seg_status check_coords(const char *who, const double *xy, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(fabs(xy[i]) <= MAX_COORD))
            return segi_error(SEG_ERR_INVALID_ARGUMENT,
                              "%s: coordinate %zu is %g; must be finite with |v| <= 2^24",
                              who, i, xy[i]);
    return SEG_OK;
}

static seg_status polygon(uint32_t h, uint32_t w, const double *xy, size_t k, seg_rle **out)
{
    int *fine = malloc(2 * k * sizeof *fine);
    if (!fine)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "polygon of %zu points", k);
    for (size_t i = 0; i < 2 * k; i++)
        fine[i] = (int)(SCALE * xy[i] + .5); /* truncates toward zero, as pycocotools */
    uint64_t steps = 0;
    for (size_t j = 0; j < k; j++) {
        size_t e = (j + 1) % k;
        int dx = abs(fine[2 * e] - fine[2 * j]), dy = abs(fine[2 * e + 1] - fine[2 * j + 1]);
        steps += (uint64_t)(dx > dy ? dx : dy) + 1;
    }
    if (steps > MAX_STEPS) {
        free(fine);
        return segi_error(SEG_ERR_LIMIT,
                          "polygon boundary needs %llu steps, more than 2^27 (coordinates far "
                          "outside the %ux%u image?)", (unsigned long long)steps, h, w);
    }
    walker wk = {.h = h, .w = w};
    int fail = 0;
    for (size_t j = 0; j < k && !fail; j++) {
        size_t e = (j + 1) % k;
        fail = walk_edge(&wk, fine[2 * j], fine[2 * j + 1], fine[2 * e], fine[2 * e + 1]);
    }
    free(fine);
    seg_status st = fail ? segi_error(SEG_ERR_OUT_OF_MEMORY, "polygon boundary")
                         : positions_to_rle(&wk, out);
    free(wk.pos);
    return st;
}

seg_status seg_rle_from_box(int64_t h, int64_t w, const double box[4], seg_rle **out)
{
    SEGI_REQUIRE(box);
    SEGI_REQUIRE(out);
    seg_status st = segi_rle_check_size(__func__, h, w);
    if (st == SEG_OK)
        st = check_coords(__func__, box, 4);
    if (st == SEG_OK) {
        double xe = box[0] + box[2], ye = box[1] + box[3];
        double xy[8] = {box[0], box[1], box[0], ye, xe, ye, xe, box[1]};
        st = check_coords(__func__, xy, 8);
        if (st == SEG_OK)
            st = polygon((uint32_t)h, (uint32_t)w, xy, 4, out);
    }
    return st;
}

seg_status seg_rle_from_polygon(int64_t h, int64_t w, const double *xy, size_t n_values,
                                seg_rle **out)
{
    SEGI_REQUIRE(xy);
    SEGI_REQUIRE(out);
    if (n_values == 4)
        return seg_rle_from_box(h, w, xy, out);
    if (n_values % 2 || n_values < 6)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "%s: %zu numbers is not a polygon (need an even count >= 6, i.e. "
                          "at least 3 points; 4 numbers are a box)", __func__, n_values);
    seg_status st = segi_rle_check_size(__func__, h, w);
    if (st == SEG_OK)
        st = check_coords(__func__, xy, n_values);
    if (st == SEG_OK)
        st = polygon((uint32_t)h, (uint32_t)w, xy, n_values / 2, out);
    return st;
}
