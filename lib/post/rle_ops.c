/* Merge and IoU of RLEs, computed on the runs without decoding (pycocotools rleMerge,
 * rleIou): both walk two run lists in lock step. Empty runs after the first (which no
 * encoder makes, but a string may hold) are stepped over; pycocotools takes one per step
 * and can then stop early or emit empty runs. Canonical counts give identical results. */
#include "post/rle.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct run_cursor {
    const uint32_t *cnts;
    size_t m, next;
    uint32_t left; /* pixels left in the current run */
    int on;        /* the current run is of ones */
} run_cursor;

static run_cursor cursor_start(const uint32_t *cnts, size_t m)
{
    run_cursor c = {cnts, m, 1, m ? cnts[0] : 0, 0};
    return c;
}

/* Consume n pixels (n <= left); step into the next non-empty run when this one is used
 * up, so that left is 0 only at the end. */
static void cursor_take(run_cursor *c, uint32_t n)
{
    c->left -= n;
    while (c->left == 0 && c->next < c->m) {
        c->left = c->cnts[c->next++];
        c->on = !c->on;
    }
}

/* Two same-size masks; out must hold a.m + b.m counts. Returns the number written. */
static size_t merge_pair(const uint32_t *a, size_t ma, const uint32_t *b, size_t mb,
                         seg_rle_merge_op op, uint32_t *out)
{
    run_cursor ca = cursor_start(a, ma), cb = cursor_start(b, mb);
    size_t k = 0;
    uint32_t run = 0;
    int on = 0;
    for (;;) {
        uint32_t n = ca.left < cb.left ? ca.left : cb.left;
        run += n;
        cursor_take(&ca, n);
        cursor_take(&cb, n);
        int was = on;
        on = op == SEG_RLE_INTERSECTION ? ca.on && cb.on : ca.on || cb.on;
        int done = ca.left == 0 && cb.left == 0;
        if (on != was || done) {
            out[k++] = run;
            run = 0;
        }
        if (done)
            return k;
    }
}

static seg_status same_size(const char *who, const char *what, size_t i, const seg_rle *r,
                            const seg_rle *ref)
{
    if (!r)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: %s[%zu] is NULL", who, what, i);
    if (r->h != ref->h || r->w != ref->w)
        return segi_error(SEG_ERR_SHAPE, "%s: %s[%zu] is %ux%u, expected %ux%u", who, what, i,
                          r->h, r->w, ref->h, ref->w);
    return SEG_OK;
}

seg_status seg_rle_merge(const seg_rle *const *rles, size_t n, seg_rle_merge_op op,
                         seg_rle **out)
{
    SEGI_REQUIRE(rles);
    SEGI_REQUIRE(out);
    if (n == 0)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: no masks to merge", __func__);
    if (op != SEG_RLE_UNION && op != SEG_RLE_INTERSECTION)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: unknown merge op %d", __func__, (int)op);
    if (!rles[0])
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: rles[0] is NULL", __func__);
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        seg_status st = same_size(__func__, "rles", i, rles[i], rles[0]);
        if (st != SEG_OK)
            return st;
        total += rles[i]->m;
    }
    /* Every merged run list is no longer than the sum of its inputs'. */
    uint32_t *acc = malloc(total * sizeof *acc), *tmp = malloc(total * sizeof *tmp);
    if (!acc || !tmp) {
        free(acc), free(tmp);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu counts", __func__, total);
    }
    size_t m = rles[0]->m;
    memcpy(acc, rles[0]->cnts, m * sizeof *acc);
    for (size_t i = 1; i < n; i++) {
        m = merge_pair(acc, m, rles[i]->cnts, rles[i]->m, op, tmp);
        uint32_t *t = acc;
        acc = tmp;
        tmp = t;
    }
    free(tmp);
    return segi_rle_adopt(rles[0]->h, rles[0]->w, acc, m, out);
}

/* Exact intersection / union (or / area(dt) for a crowd gt) of two same-size masks. */
static double mask_iou(const seg_rle *dt, const seg_rle *gt, int crowd)
{
    run_cursor a = cursor_start(dt->cnts, dt->m), b = cursor_start(gt->cnts, gt->m);
    uint64_t inter = 0, uni = 0;
    do { /* at least once: both masks may start with an empty run of zeros */
        uint32_t n = a.left < b.left ? a.left : b.left;
        if (a.on || b.on)
            uni += n;
        if (a.on && b.on)
            inter += n;
        cursor_take(&a, n);
        cursor_take(&b, n);
    } while (a.left || b.left);
    if (inter == 0)
        return 0;
    if (crowd)
        uni = seg_rle_area(dt);
    return (double)inter / (double)uni;
}

/* pycocotools bbIou: boxes that do not overlap give 0 and skip the exact count. */
static double box_overlap(const double *d, const double *g)
{
    double w = fmin(d[0] + d[2], g[0] + g[2]) - fmax(d[0], g[0]);
    double h = fmin(d[1] + d[3], g[1] + g[3]) - fmax(d[1], g[1]);
    return w > 0 && h > 0 ? w * h : 0;
}

seg_status seg_rle_iou(const seg_rle *const *dt, size_t m, const seg_rle *const *gt,
                       size_t n, const uint8_t *iscrowd, double *out)
{
    if (m == 0 || n == 0)
        return SEG_OK;
    SEGI_REQUIRE(dt);
    SEGI_REQUIRE(gt);
    SEGI_REQUIRE(out);
    const seg_rle *ref = dt[0] ? dt[0] : gt[0];
    if (!ref)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: dt[0] is NULL", __func__);
    seg_status st = SEG_OK;
    for (size_t d = 0; d < m && st == SEG_OK; d++)
        st = same_size(__func__, "dt", d, dt[d], ref);
    for (size_t g = 0; g < n && st == SEG_OK; g++)
        st = same_size(__func__, "gt", g, gt[g], ref);
    if (st != SEG_OK)
        return st;
    double *db = malloc(m * 4 * sizeof *db);
    if (!db)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu boxes", __func__, m);
    for (size_t d = 0; d < m; d++)
        segi_rle_bbox(dt[d], db + 4 * d);
    for (size_t g = 0; g < n; g++) {
        double gb[4];
        segi_rle_bbox(gt[g], gb);
        int crowd = iscrowd && iscrowd[g];
        for (size_t d = 0; d < m; d++)
            out[g * m + d] = box_overlap(db + 4 * d, gb) > 0 ? mask_iou(dt[d], gt[g], crowd) : 0;
    }
    free(db);
    return SEG_OK;
}
