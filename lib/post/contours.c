/* Border following (Suzuki and Abe 1985) as OpenCV's findContours runs it, so that the
 * same contours come out with the same starting points, point order, contour order and
 * hierarchy.
 *
 * The bitmap is copied into a byte image with a one-pixel zero frame: BG, FG (not yet on
 * a traced border), MARKED (on a traced border) or RIGHT_EDGE (on a traced border whose
 * right neighbour was examined and is background: Suzuki's "-NBD", which stops the raster
 * scan from starting that border again). `owner` holds, for marked pixels only, the
 * contour that marked them last. OpenCV stores the owner in the pixel as a 7-bit label
 * and disambiguates reused labels; a full-width owner gives the same answers. */
#include "core/error.h"
#include "seg/seg_mask.h"

#include <stdlib.h>
#include <string.h>

struct seg_contours {
    size_t count;
    size_t *start;      /* count + 1 offsets into xy, in points */
    int32_t *xy;
    int32_t *hierarchy; /* count * 4: next, previous, first child, parent */
    uint8_t *hole;
};

typedef struct found {
    int32_t parent; /* discovery index, -1 for the image frame */
    uint8_t hole;
    size_t start;   /* first point in the shared point buffer */
} found;

enum { BG = 0, FG = 1, MARKED = 2, RIGHT_EDGE = 3 };

typedef struct tracer {
    uint8_t *img;
    int32_t *owner; /* read only where img is MARKED or RIGHT_EDGE; never initialised */
    ptrdiff_t delta[8];
    int simple;
    int32_t *xy; /* points of every contour, in discovery order */
    size_t n, cap;
    found *c;
    size_t nc, ccap;
} tracer;

/* Chain-code directions: 0 is +x, counting counter-clockwise on screen (y down). */
static const int DX[8] = {1, 1, 0, -1, -1, -1, 0, 1};
static const int DY[8] = {0, -1, -1, -1, 0, 1, 1, 1};

static int push_point(tracer *t, int x, int y)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        int32_t *p = realloc(t->xy, cap * 2 * sizeof *p);
        if (!p)
            return -1;
        t->xy = p;
        t->cap = cap;
    }
    t->xy[2 * t->n] = x - 1; /* undo the frame */
    t->xy[2 * t->n + 1] = y - 1;
    t->n++;
    return 0;
}

/* Follow the border that starts at pixel i0 = (x, y), marking it as contour `id`. The
 * first neighbour is searched clockwise from the background side (left of an outer
 * border's start, right of a hole's), the rest counter-clockwise from the pixel we came
 * from. SIMPLE keeps a point only where the direction changes. */
static int follow(tracer *t, ptrdiff_t i0, int x, int y, int hole, int32_t id)
{
    uint8_t *img = t->img;
    const ptrdiff_t *d = t->delta;
    int s_end = hole ? 0 : 4, s = s_end;
    ptrdiff_t i1;
    do {
        s = (s - 1) & 7;
        i1 = i0 + d[s];
    } while (img[i1] == 0 && s != s_end);
    if (s == s_end) { /* an isolated pixel */
        img[i0] = RIGHT_EDGE;
        t->owner[i0] = id;
        return push_point(t, x, y);
    }
    ptrdiff_t i3 = i0, i4;
    int prev_s = s ^ 4;
    for (;;) {
        s_end = s;
        do
            i4 = i3 + d[++s & 7];
        while (img[i4] == 0);
        s &= 7;
        if ((unsigned)(s - 1) < (unsigned)s_end) { /* the search passed the right neighbour */
            img[i3] = RIGHT_EDGE;
            t->owner[i3] = id;
        } else if (img[i3] == FG) {
            img[i3] = MARKED;
            t->owner[i3] = id;
        }
        if (!t->simple || s != prev_s) {
            if (push_point(t, x, y))
                return -1;
            prev_s = s;
        }
        x += DX[s];
        y += DY[s];
        if (i4 == i0 && i3 == i1)
            return 0;
        i3 = i4;
        s = (s + 4) & 7;
    }
}

/* The contour a new border belongs under, from the last border pixel met on its row. */
static int32_t find_parent(const tracer *t, seg_contour_mode mode, int hole, ptrdiff_t lnbd,
                           ptrdiff_t lnbd_x)
{
    if (mode <= SEG_CONTOUR_LIST || (!hole && mode == SEG_CONTOUR_CCOMP) || lnbd_x <= 0)
        return -1;
    int32_t owner = t->owner[lnbd];
    /* a border of the same kind is a sibling: share its parent */
    return t->c[owner].hole == hole ? t->c[owner].parent : owner;
}

static int add_contour(tracer *t, int32_t parent, int hole)
{
    if (t->nc == t->ccap) {
        size_t cap = t->ccap ? 2 * t->ccap : 64;
        found *p = realloc(t->c, cap * sizeof *p);
        if (!p)
            return -1;
        t->c = p;
        t->ccap = cap;
    }
    t->c[t->nc++] = (found){parent, (uint8_t)hole, t->n};
    return 0;
}

/* The pixel value OpenCV would see: marked pixels of different contours differ. */
static int same_value(const tracer *t, const uint8_t *row, ptrdiff_t base, size_t x)
{
    return row[x] == row[x - 1] &&
           (row[x] < MARKED || t->owner[base + (ptrdiff_t)x] == t->owner[base + (ptrdiff_t)x - 1]);
}

/* OpenCV's raster scan, including where it resumes after a border and which pixel it
 * remembers as the last border met (lnbd). OpenCV compares each pixel with the one
 * before; runs of equal unmarked pixels are skipped eight at a time. */
static int scan(tracer *t, size_t h, size_t w, seg_contour_mode mode)
{
    const size_t W = w + 2;
    for (size_t y = 1; y <= h; y++) {
        ptrdiff_t lnbd_x = 0, base = (ptrdiff_t)(y * W);
        uint8_t *row = t->img + base;
        for (size_t x = 1; x <= w; x++) {
            uint8_t prev = row[x - 1];
            for (uint64_t v; prev < MARKED && x + 7 <= w; x += 8) {
                memcpy(&v, row + x, 8);
                if (v != prev * UINT64_C(0x0101010101010101))
                    break;
            }
            if (x > w)
                break;
            if (same_value(t, row, base, x))
                continue;
            uint8_t p = row[x];
            int hole = !(prev == BG && p == FG);
            int start = !hole || (p == BG && (prev == FG || prev == MARKED));
            if (start && hole && prev == MARKED)
                lnbd_x = (ptrdiff_t)x - 1;
            if (start && mode == SEG_CONTOUR_EXTERNAL && (hole || row[lnbd_x] == MARKED))
                start = 0;
            if (!start) {
                if (p >= MARKED)
                    lnbd_x = (ptrdiff_t)x;
                continue;
            }
            int32_t parent = find_parent(t, mode, hole, base + lnbd_x, lnbd_x);
            if (add_contour(t, parent, hole) ||
                follow(t, base + (ptrdiff_t)x - hole, (int)x - hole, (int)y, hole,
                       (int32_t)t->nc - 1))
                return -1;
        }
    }
    return 0;
}

/* OpenCV lists contours depth first, each sibling list newest first (every contour is
 * prepended to its parent's children). */
typedef struct tree {
    int32_t *child, *next, *prev; /* n + 1 nodes: node n is the image frame */
    int32_t *order, *pos;         /* output index -> discovery index, and back */
} tree;

/* Prepend each contour to its parent's children, as OpenCV's cvInsertNodeIntoTree. */
static void tree_link(const tracer *t, tree *g)
{
    size_t n = t->nc;
    for (size_t i = 0; i <= n; i++)
        g->child[i] = g->next[i] = g->prev[i] = -1;
    for (size_t i = 0; i < n; i++) {
        size_t p = t->c[i].parent < 0 ? n : (size_t)t->c[i].parent;
        if (g->child[p] >= 0)
            g->prev[g->child[p]] = (int32_t)i;
        g->next[i] = g->child[p];
        g->child[p] = (int32_t)i;
    }
}

/* Pre-order walk without recursion: down, else right, else up and right. */
static void tree_order(const tracer *t, tree *g)
{
    size_t k = 0;
    for (int32_t v = g->child[t->nc]; v >= 0;) {
        g->pos[v] = (int32_t)k;
        g->order[k++] = v;
        if (g->child[v] >= 0) {
            v = g->child[v];
            continue;
        }
        while (v >= 0 && g->next[v] < 0)
            v = t->c[v].parent;
        v = v >= 0 ? g->next[v] : -1;
    }
}

static int32_t tree_pos(const tree *g, int32_t v) { return v >= 0 ? g->pos[v] : -1; }

/* Copy points, hierarchy and hole flags in output order. */
static void emit(const tracer *t, const tree *g, seg_contours *c)
{
    size_t np = 0;
    for (size_t j = 0; j < t->nc; j++) {
        size_t i = (size_t)g->order[j];
        size_t len = (i + 1 < t->nc ? t->c[i + 1].start : t->n) - t->c[i].start;
        c->start[j] = np;
        memcpy(c->xy + 2 * np, t->xy + 2 * t->c[i].start, len * 2 * sizeof *c->xy);
        np += len;
        int32_t *hrow = c->hierarchy + 4 * j;
        hrow[0] = tree_pos(g, g->next[i]);
        hrow[1] = tree_pos(g, g->prev[i]);
        hrow[2] = tree_pos(g, g->child[i]);
        hrow[3] = tree_pos(g, t->c[i].parent);
        c->hole[j] = t->c[i].hole;
    }
    c->start[t->nc] = np;
    c->count = t->nc;
}

/* OpenCV lists contours depth first, each sibling list newest first. */
static seg_status assemble(const tracer *t, seg_contours *c)
{
    size_t n = t->nc;
    int32_t *buf = malloc(5 * (n + 1) * sizeof *buf);
    tree g = {buf, buf + (n + 1), buf + 2 * (n + 1), buf + 3 * (n + 1), buf + 4 * (n + 1)};
    c->start = malloc((n + 1) * sizeof *c->start);
    c->xy = malloc((t->n ? t->n : 1) * 2 * sizeof *c->xy);
    c->hierarchy = malloc((n ? n : 1) * 4 * sizeof *c->hierarchy);
    c->hole = malloc(n ? n : 1);
    if (!buf || !c->start || !c->xy || !c->hierarchy || !c->hole) {
        free(buf);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_contours_find: %zu contours", n);
    }
    tree_link(t, &g);
    tree_order(t, &g);
    emit(t, &g, c);
    free(buf);
    return SEG_OK;
}

/* dst[i] = src[i] != 0, eight bytes at a time: adding 0x7f to the low seven bits sets
 * bit 7 exactly when they are non-zero; or-ing in the byte covers bit 7 itself. */
static void to_binary(const uint8_t *src, uint8_t *dst, size_t n)
{
    const uint64_t low7 = UINT64_C(0x7F7F7F7F7F7F7F7F);
    size_t i = 0;
    for (uint64_t v; i + 8 <= n; i += 8) {
        memcpy(&v, src + i, 8);
        v = ((((v & low7) + low7) | v) >> 7) & UINT64_C(0x0101010101010101);
        memcpy(dst + i, &v, 8);
    }
    for (; i < n; i++)
        dst[i] = src[i] != 0;
}

void seg_contours_destroy(seg_contours *c)
{
    if (!c)
        return;
    free(c->start);
    free(c->xy);
    free(c->hierarchy);
    free(c->hole);
    free(c);
}

seg_status seg_contours_find(const uint8_t *bitmap, int64_t h, int64_t w, size_t stride,
                             seg_contour_mode mode, seg_contour_approx approx,
                             seg_contours **out)
{
    SEGI_REQUIRE(bitmap);
    SEGI_REQUIRE(out);
    if (h < 1 || w < 1)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: zero-size or negative image %lldx%lld",
                          __func__, (long long)h, (long long)w);
    if (h > INT32_MAX - 2 || w > INT32_MAX - 2 ||
        (uint64_t)(h + 2) * (uint64_t)(w + 2) > INT32_MAX)
        return segi_error(SEG_ERR_LIMIT, "%s: image %lldx%lld is too large", __func__,
                          (long long)h, (long long)w);
    if (stride < (uint64_t)w)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: stride %zu is less than width %lld",
                          __func__, stride, (long long)w);
    if ((unsigned)mode > SEG_CONTOUR_TREE)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: unknown mode %d", __func__, (int)mode);
    if (approx != SEG_CONTOUR_APPROX_NONE && approx != SEG_CONTOUR_APPROX_SIMPLE)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: unknown approximation %d", __func__,
                          (int)approx);
    const size_t H = (size_t)h, W = (size_t)w, PW = W + 2;
    tracer t = {.simple = approx == SEG_CONTOUR_APPROX_SIMPLE};
    t.img = malloc((H + 2) * PW);
    t.owner = malloc((H + 2) * PW * sizeof *t.owner);
    seg_contours *c = calloc(1, sizeof *c);
    seg_status st = SEG_OK;
    if (!t.img || !t.owner || !c) {
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %lldx%lld work image", __func__,
                        (long long)h, (long long)w);
        goto fail;
    }
    memset(t.img, BG, PW);
    memset(t.img + (H + 1) * PW, BG, PW);
    for (size_t y = 0; y < H; y++) {
        uint8_t *row = t.img + (y + 1) * PW;
        row[0] = row[W + 1] = BG;
        to_binary(bitmap + y * stride, row + 1, W);
    }
    for (int s = 0; s < 8; s++)
        t.delta[s] = DY[s] * (ptrdiff_t)PW + DX[s];
    if (scan(&t, H, W, mode)) {
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: contour points", __func__);
        goto fail;
    }
    st = assemble(&t, c);
    if (st != SEG_OK)
        goto fail;
    free(t.img), free(t.owner), free(t.xy), free(t.c);
    *out = c;
    return SEG_OK;
fail:
    free(t.img), free(t.owner), free(t.xy), free(t.c);
    seg_contours_destroy(c);
    return st;
}

size_t seg_contours_count(const seg_contours *c) { return c ? c->count : 0; }

const int32_t *seg_contours_points(const seg_contours *c, size_t i, size_t *n)
{
    if (!c || i >= c->count) {
        if (n)
            *n = 0;
        return NULL;
    }
    if (n)
        *n = c->start[i + 1] - c->start[i];
    return c->xy + 2 * c->start[i];
}

seg_status seg_contours_hierarchy(const seg_contours *c, size_t i, int32_t out[4])
{
    SEGI_REQUIRE(c);
    SEGI_REQUIRE(out);
    if (i >= c->count)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: contour %zu of %zu", __func__, i,
                          c->count);
    memcpy(out, c->hierarchy + 4 * i, 4 * sizeof *out);
    return SEG_OK;
}

bool seg_contours_is_hole(const seg_contours *c, size_t i)
{
    return c && i < c->count && c->hole[i];
}

seg_status seg_contours_polygon(const seg_contours *c, size_t i, seg_coords coords,
                                double *xy, size_t cap, size_t *n)
{
    SEGI_REQUIRE(c);
    SEGI_REQUIRE(xy);
    SEGI_REQUIRE(n);
    if (i >= c->count)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: contour %zu of %zu", __func__, i,
                          c->count);
    if (coords != SEG_COORDS_PIXEL_CENTER && coords != SEG_COORDS_PIXEL_CORNER)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: unknown coordinates %d", __func__,
                          (int)coords);
    size_t np = c->start[i + 1] - c->start[i];
    if (cap < 2 * np)
        return segi_error(SEG_ERR_LIMIT, "%s: contour %zu has %zu points, buffer holds %zu "
                          "doubles", __func__, i, np, cap);
    double off = coords == SEG_COORDS_PIXEL_CORNER ? 0.5 : 0.0;
    const int32_t *p = c->xy + 2 * c->start[i];
    for (size_t k = 0; k < 2 * np; k++)
        xy[k] = p[k] + off;
    *n = np;
    return SEG_OK;
}
