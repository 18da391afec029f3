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

/* Pass 1: provisional labels (from 1) into `lab`; returns how many were made. */
static int32_t provisional(const uint8_t *bm, uint32_t h, uint32_t w, size_t stride, int conn8,
                           int32_t *lab, int32_t *parent)
{
    int32_t next = 1;
    for (uint32_t y = 0; y < h; y++) {
        const uint8_t *row = bm + (size_t)y * stride;
        int32_t *l = lab + (size_t)y * w, *up = y ? l - w : NULL;
        for (uint32_t x = 0; x < w; x++) {
            if (!row[x]) {
                l[x] = 0;
                continue;
            }
            int32_t cur = 0;
            int32_t nb[4] = {x ? l[x - 1] : 0, up ? up[x] : 0,
                             conn8 && up && x ? up[x - 1] : 0,
                             conn8 && up && x + 1 < w ? up[x + 1] : 0};
            for (int k = 0; k < 4; k++)
                if (nb[k])
                    cur = cur ? join(parent, cur, nb[k]) : nb[k];
            if (!cur) {
                cur = next++;
                parent[cur] = cur;
            }
            l[x] = cur;
        }
    }
    return next;
}

static void acc_add(acc *a, int64_t x, int64_t y)
{
    if (a->area == 0) {
        a->left = a->right = x;
        a->top = a->bottom = y;
    }
    a->left = x < a->left ? x : a->left;
    a->right = x > a->right ? x : a->right;
    a->top = y < a->top ? y : a->top;
    a->bottom = y > a->bottom ? y : a->bottom;
    a->area++;
    a->sx += x;
    a->sy += y;
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
        for (uint32_t y = 0; y < h; y++)
            for (uint32_t x = 0; x < w; x++) {
                int32_t *l = &c->labels[(size_t)y * w + x];
                *l = parent[*l];
                acc_add(&st[*l], x, y);
            }
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
