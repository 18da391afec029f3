/* Connected components with statistics (cv2.connectedComponentsWithStats), labelled in
 * row-major order of each component's first pixel.
 *
 * Two passes: the first gives each pixel a provisional label and records equivalences
 * in a union-find that always keeps the smaller label as root; a component's smallest
 * provisional label is the one made at its first pixel, so numbering roots in label
 * order numbers components in row-major order of their first pixel. The second pass
 * writes final labels and gathers statistics. */
#include "core/error.h"
#include "seg/seg_mask.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct seg_components {
    size_t count; /* labels including the background */
    int32_t *labels;
    int64_t *stats;
    double *centroids;
};

typedef struct acc {
    int64_t left, top, right, bottom, area, sx, sy;
} acc;

static int32_t find_root(int32_t *parent, int32_t a)
{
    int32_t r = a;
    while (parent[r] != r)
        r = parent[r];
    while (parent[a] != r) {
        int32_t next = parent[a];
        parent[a] = r;
        a = next;
    }
    return r;
}

static int32_t join(int32_t *parent, int32_t a, int32_t b)
{
    a = find_root(parent, a);
    b = find_root(parent, b);
    if (a < b)
        parent[b] = a;
    else
        parent[a] = b;
    return a < b ? a : b;
}

/* The label of a foreground pixel from its already-labelled neighbours: up-left a, up b,
 * up-right c, left d (0 for background or outside). With 8-connectivity b touches a, c
 * and d, and a touches d, so at most one union is ever needed (Wu, Otoo and Suzuki's
 * decision tree); with 4-connectivity only b and d count. */
static int32_t pixel_label(int32_t a, int32_t b, int32_t c, int32_t d, int conn8,
                           int32_t *parent, int32_t *next)
{
    if (!conn8)
        return b && d ? join(parent, b, d) : b ? b : d ? d : (parent[*next] = *next, (*next)++);
    if (b)
        return b;
    if (c)
        return a ? join(parent, c, a) : d ? join(parent, c, d) : c;
    if (a)
        return a;
    if (d)
        return d;
    parent[*next] = *next;
    return (*next)++;
}

/* The first non-zero byte of row at or after x (or w); masks are mostly background, so
 * zeros are skipped eight at a time. */
static uint32_t zero_run_end(const uint8_t *row, uint32_t x, uint32_t w)
{
    for (uint64_t v; x + 8 <= w; x += 8) {
        memcpy(&v, row + x, 8);
        if (v)
            break;
    }
    while (x < w && !row[x])
        x++;
    return x;
}

/* Pass 1: provisional labels (from 1) into `lab`; returns one past the last made. */
static int32_t provisional(const uint8_t *bm, uint32_t h, uint32_t w, size_t stride, int conn8,
                           int32_t *lab, int32_t *parent)
{
    int32_t next = 1;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = bm + (size_t)y * stride;
        int32_t *l = lab + (size_t)y * w;
        const int32_t *up = y ? l - w : NULL;
        for (uint32_t x = 0; x < w;) {
            uint32_t x1 = zero_run_end(row, x, w);
            memset(l + x, 0, (x1 - x) * sizeof *l);
            for (x = x1; x < w && row[x]; x++) {
                int32_t a = up && x ? up[x - 1] : 0, b = up ? up[x] : 0;
                int32_t c = up && x + 1 < w ? up[x + 1] : 0, d = x ? l[x - 1] : 0;
                l[x] = pixel_label(a, b, c, d, conn8, parent, &next);
            }
        }
    }
    return next;
}

/* Pixels x0..x1 - 1 of row y carry one label. */
static void acc_run(acc *a, int64_t x0, int64_t x1, int64_t y)
{
    int64_t len = x1 - x0;
    if (a->area == 0) {
        a->left = x0;
        a->right = x1 - 1;
        a->top = a->bottom = y;
    }
    a->left = x0 < a->left ? x0 : a->left;
    a->right = x1 - 1 > a->right ? x1 - 1 : a->right;
    a->bottom = y; /* rows come in order */
    a->area += len;
    a->sx += (x0 + x1 - 1) * len / 2;
    a->sy += y * len;
}

static void acc_merge(acc *into, const acc *a)
{
    if (a->area == 0)
        return;
    if (into->area == 0) {
        *into = *a;
        return;
    }
    into->left = a->left < into->left ? a->left : into->left;
    into->top = a->top < into->top ? a->top : into->top;
    into->right = a->right > into->right ? a->right : into->right;
    into->bottom = a->bottom > into->bottom ? a->bottom : into->bottom;
    into->area += a->area;
    into->sx += a->sx;
    into->sy += a->sy;
}

/* Final numbering of roots, then the area filter as a second mapping. Returns count. */
static size_t finish(seg_components *c, const acc *st, size_t n, uint64_t min_area,
                     int32_t *keep)
{
    acc bg = st[0];
    size_t k = 1;
    keep[0] = 0;
    for (size_t i = 1; i < n; i++) {
        if ((uint64_t)st[i].area >= min_area)
            keep[i] = (int32_t)k++;
        else {
            keep[i] = 0;
            acc_merge(&bg, &st[i]);
        }
    }
    for (size_t i = 0; i < n; i++) {
        const acc *a = i ? &st[i] : &bg;
        if (i && !keep[i])
            continue;
        size_t j = (size_t)keep[i];
        int64_t *row = c->stats + 5 * j;
        if (a->area) {
            row[SEG_STAT_LEFT] = a->left;
            row[SEG_STAT_TOP] = a->top;
            row[SEG_STAT_WIDTH] = a->right - a->left + 1;
            row[SEG_STAT_HEIGHT] = a->bottom - a->top + 1;
        } else {
            row[0] = row[1] = row[2] = row[3] = 0;
        }
        row[SEG_STAT_AREA] = a->area;
        c->centroids[2 * j] = a->area ? (double)a->sx / (double)a->area : NAN;
        c->centroids[2 * j + 1] = a->area ? (double)a->sy / (double)a->area : NAN;
    }
    return k;
}

/* Pass 2: final labels and statistics, by runs of background and runs of foreground
 * (a foreground run within a row is always one component). */
static void gather(const uint8_t *bm, uint32_t h, uint32_t w, size_t stride,
                   const int32_t *final, int32_t *labels, acc *st)
{
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = bm + (size_t)y * stride;
        int32_t *l = labels + (size_t)y * w;
        for (uint32_t x = 0, x0; x < w;) {
            x0 = x;
            x = zero_run_end(row, x, w);
            if (x > x0)
                acc_run(&st[0], x0, x, y);
            if (x == w)
                break;
            int32_t lab = final[l[x]];
            for (x0 = x; x < w && row[x]; x++)
                l[x] = lab;
            acc_run(&st[lab], x0, x, y);
        }
    }
}

static seg_status label(seg_components *c, const uint8_t *bm, uint32_t h, uint32_t w,
                        size_t stride, int conn8, uint64_t min_area)
{
    size_t npx = (size_t)h * w, cap = npx / 2 + 2;
    int32_t *parent = malloc(cap * sizeof *parent);
    c->labels = malloc(npx * sizeof *c->labels);
    if (!parent || !c->labels) {
        free(parent);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_components_find: %zu labels", npx);
    }
    int32_t n = provisional(bm, h, w, stride, conn8, c->labels, parent);
    int32_t final = 1; /* roots in label order get 1, 2, ... */
    parent[0] = 0;
    for (int32_t i = 1; i < n; i++)
        parent[i] = parent[i] == i ? final++ : parent[parent[i]];
    acc *st = calloc((size_t)final, sizeof *st);
    int32_t *keep = malloc((size_t)final * sizeof *keep);
    c->stats = malloc((size_t)final * 5 * sizeof *c->stats);
    c->centroids = malloc((size_t)final * 2 * sizeof *c->centroids);
    seg_status status = SEG_OK;
    if (!st || !keep || !c->stats || !c->centroids) {
        status = segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_components_find: %d components",
                            (int)final - 1);
    } else {
        gather(bm, h, w, stride, parent, c->labels, st);
        c->count = finish(c, st, (size_t)final, min_area, keep);
        if (c->count < (size_t)final)
            for (size_t i = 0; i < npx; i++)
                c->labels[i] = keep[c->labels[i]];
    }
    free(parent);
    free(st);
    free(keep);
    return status;
}

seg_status seg_components_find(const uint8_t *bitmap, int64_t h, int64_t w, size_t stride,
                               int connectivity, uint64_t min_area, seg_components **out)
{
    SEGI_REQUIRE(bitmap);
    SEGI_REQUIRE(out);
    if (h < 1 || w < 1)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: zero-size or negative image %lldx%lld",
                          __func__, (long long)h, (long long)w);
    if ((uint64_t)h * (uint64_t)w >= INT32_MAX)
        return segi_error(SEG_ERR_LIMIT, "%s: %lldx%lld pixels do not fit int32 labels",
                          __func__, (long long)h, (long long)w);
    if (stride < (uint64_t)w)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: stride %zu is less than width %lld",
                          __func__, stride, (long long)w);
    if (connectivity != 0 && connectivity != 4 && connectivity != 8)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: connectivity %d is not 4 or 8",
                          __func__, connectivity);
    seg_components *c = calloc(1, sizeof *c);
    if (!c)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: handle", __func__);
    seg_status st = label(c, bitmap, (uint32_t)h, (uint32_t)w, stride, connectivity != 4,
                          min_area);
    if (st != SEG_OK) {
        seg_components_destroy(c);
        return st;
    }
    *out = c;
    return SEG_OK;
}

void seg_components_destroy(seg_components *c)
{
    if (!c)
        return;
    free(c->labels);
    free(c->stats);
    free(c->centroids);
    free(c);
}

size_t seg_components_count(const seg_components *c) { return c ? c->count : 0; }
const int32_t *seg_components_labels(const seg_components *c) { return c ? c->labels : NULL; }
const int64_t *seg_components_stats(const seg_components *c) { return c ? c->stats : NULL; }
const double *seg_components_centroids(const seg_components *c)
{
    return c ? c->centroids : NULL;
}
