/* Panoptic quality with panopticapi's pq_compute semantics (see docs/metrics.md):
 * per image, intersections of every (gt id, pred id) pair; a pair of the same category
 * with a non-crowd gt matches when IoU > 0.5, where the union leaves out the
 * prediction's void pixels and uses the gt area as given; unmatched non-crowd gt are
 * FN; unmatched predictions are FP unless more than half of them lies on void or on
 * the crowd region of their category. */
#include "seg/seg_metrics.h"

#include "core/error.h"
#include "core/tensor.h"
#include "post/u64map.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct pq_category {
    int64_t id;
    int isthing;
    char *name;
    int64_t tp, fp, fn;
    double iou;
} pq_category;

struct seg_pq {
    pq_category *cats;
    size_t n, cap;
};

/* One image's segments (gt or pred) and the index from id to row. */
typedef struct seg_table {
    const char *what; /* "gt" or "pred" */
    size_t n;
    int64_t *id;
    size_t *cat;
    int *crowd;
    int64_t *area;   /* gt: from the rows (or counted); pred: counted */
    int64_t *pixels; /* counted in the map */
    int *matched;
    segi_u64map index;
} seg_table;

/* A segment-id map: I32 [H, W] or U8 [H, W, 3|4] (COCO panoptic RGB). */
typedef struct id_map {
    const uint8_t *data;
    int channels; /* 0 for I32 */
    int64_t h, w;
} id_map;

seg_status seg_pq_create(seg_pq **out)
{
    SEGI_REQUIRE(out);
    seg_pq *pq = calloc(1, sizeof *pq);
    if (!pq)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_pq_create");
    *out = pq;
    return SEG_OK;
}

void seg_pq_destroy(seg_pq *pq)
{
    if (!pq)
        return;
    for (size_t i = 0; i < pq->n; i++)
        free(pq->cats[i].name);
    free(pq->cats);
    free(pq);
}

static bool find_category(const seg_pq *pq, int64_t id, size_t *index)
{
    for (size_t i = 0; i < pq->n; i++) {
        if (pq->cats[i].id == id) {
            *index = i;
            return true;
        }
    }
    return false;
}

seg_status seg_pq_add_category(seg_pq *pq, int64_t category_id, int isthing, const char *name)
{
    SEGI_REQUIRE(pq);
    size_t dup;
    if (find_category(pq, category_id, &dup))
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "seg_pq_add_category: category %lld declared twice",
                          (long long)category_id);
    if (pq->n == pq->cap) {
        size_t cap = pq->cap ? pq->cap * 2 : 64;
        pq_category *cats = realloc(pq->cats, cap * sizeof *cats);
        if (!cats)
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_pq_add_category");
        pq->cats = cats;
        pq->cap = cap;
    }
    char *copy = strdup(name ? name : "");
    if (!copy)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_pq_add_category");
    pq->cats[pq->n++] = (pq_category){.id = category_id, .isthing = isthing != 0, .name = copy};
    return SEG_OK;
}

/* ---- id maps ------------------------------------------------------------- */

static seg_status id_map_view(const seg_tensor *t, const char *what, id_map *m)
{
    if (t->dtype == SEG_DTYPE_I32 && t->rank == 2) {
        m->channels = 0;
    } else if (t->dtype == SEG_DTYPE_U8 && t->rank == 3 &&
               (t->dims[2] == 3 || t->dims[2] == 4)) {
        m->channels = (int)t->dims[2];
    } else {
        char s[96];
        return segi_error(SEG_ERR_SHAPE,
                          "seg_pq_add_image: %s map is %s %s; expected i32 [H, W] or "
                          "u8 [H, W, 3|4] (COCO panoptic RGB)",
                          what, seg_dtype_name(t->dtype),
                          segi_shape_str(t->rank, t->dims, s, sizeof s));
    }
    m->data = t->data;
    m->h = t->dims[0];
    m->w = t->dims[1];
    return SEG_OK;
}

/* Bytes per pixel of a map. */
static size_t map_bpp(const id_map *m)
{
    return m->channels ? (size_t)m->channels : 4;
}

/* Segment ids are below 2^31, so (gt << 32 | pred) keys stay below the hash map's
 * reserved value. */
#define MAX_SEGMENT_ID INT32_MAX

/* Segment id of pixel x of a row. A negative I32 id is void, as in seg_panoptic results
 * (Panoptic-DeepLab's -1) and in seg_panoptic_write_png. */
static inline uint64_t id_at(const uint8_t *row, int channels, size_t x)
{
    if (channels == 0) {
        int32_t v;
        memcpy(&v, row + 4 * x, 4);
        return v < 0 ? 0 : (uint64_t)v;
    }
    const uint8_t *s = row + x * (size_t)channels;
    return (uint64_t)s[0] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16;
}

/* Index of the first set byte of a nonzero word of 8 bytes loaded from memory. */
static inline size_t first_set_byte(uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (size_t)__builtin_clzll(v) / 8;
#else
    return (size_t)__builtin_ctzll(v) / 8;
#endif
}

/* How many pixels from x on (before w) repeat their left neighbour in both rows, which
 * have `bpp` bytes per pixel: 8 bytes of each at a time, compared with the bytes one
 * pixel earlier. A pixel that differs only in alpha ends a run early, which is harmless:
 * the next run has the same key. */
static inline size_t run_length(const uint8_t *g, const uint8_t *p, size_t bpp, size_t x,
                                size_t w)
{
    size_t off = x * bpp, end = w * bpp;
    while (off + 8 <= end) {
        uint64_t g0, g1, p0, p1;
        memcpy(&g0, g + off - bpp, 8);
        memcpy(&g1, g + off, 8);
        memcpy(&p0, p + off - bpp, 8);
        memcpy(&p1, p + off, 8);
        uint64_t diff = (g0 ^ g1) | (p0 ^ p1);
        if (diff)
            return (off + first_set_byte(diff)) / bpp - x;
        off += 8;
    }
    while (off < end && g[off] == g[off - bpp] && p[off] == p[off - bpp])
        off++;
    return off / bpp - x;
}

/* Runs repeat from row to row, so a small direct-mapped cache of pair counts in front
 * of the hash map saves most lookups. */
enum { PAIR_CACHE = 256 };

typedef struct pair_cache {
    uint64_t key[PAIR_CACHE]; /* key + 1; 0 = empty */
    uint64_t cnt[PAIR_CACHE];
} pair_cache;

static bool cache_flush_one(segi_u64map *pairs, pair_cache *c, size_t i)
{
    if (!c->key[i])
        return true;
    uint64_t *slot = segi_u64map_slot(pairs, c->key[i] - 1);
    if (!slot)
        return false;
    *slot += c->cnt[i];
    c->key[i] = 0;
    return true;
}

static inline bool cache_add(segi_u64map *pairs, pair_cache *c, uint64_t key, uint64_t n)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 56);
    if (c->key[i] != key + 1) {
        if (!cache_flush_one(pairs, c, i))
            return false;
        c->key[i] = key + 1;
        c->cnt[i] = 0;
    }
    c->cnt[i] += n;
    return true;
}

/* Count pixels of every (gt id, pred id) pair, keyed gt << 32 | pred, run by run. A run
 * may end early where only an ignored byte (alpha) changes: its pixels still go to the
 * same key. */
static seg_status count_pairs(const id_map *gt, const id_map *pred, segi_u64map *pairs)
{
    const size_t w = (size_t)gt->w, gb = map_bpp(gt), pb = map_bpp(pred);
    pair_cache *cache = calloc(1, sizeof *cache);
    bool ok = cache != NULL;
    for (int64_t y = 0; ok && y < gt->h; y++) {
        const uint8_t *g = gt->data + (size_t)y * w * gb, *p = pred->data + (size_t)y * w * pb;
        size_t x = 0;
        while (ok && x < w) {
            uint64_t key = id_at(g, gt->channels, x) << 32 | id_at(p, pred->channels, x);
            size_t start = x++;
            if (gb == pb) {
                x += run_length(g, p, gb, x, w);
            } else {
                while (x < w && memcmp(g + (x - 1) * gb, g + x * gb, gb) == 0 &&
                       memcmp(p + (x - 1) * pb, p + x * pb, pb) == 0)
                    x++;
            }
            ok = cache_add(pairs, cache, key, x - start);
        }
    }
    for (size_t i = 0; ok && i < PAIR_CACHE; i++)
        ok = cache_flush_one(pairs, cache, i);
    free(cache);
    return ok ? SEG_OK : segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_pq_add_image: pair counts");
}

/* ---- segment tables -------------------------------------------------------- */

static void table_free(seg_table *t)
{
    free(t->id);
    free(t->cat);
    free(t->crowd);
    free(t->area);
    free(t->pixels);
    free(t->matched);
    segi_u64map_free(&t->index);
}

static seg_status table_alloc(seg_table *t, size_t n)
{
    size_t k = n ? n : 1;
    t->n = n;
    t->id = calloc(k, sizeof *t->id);
    t->cat = calloc(k, sizeof *t->cat);
    t->crowd = calloc(k, sizeof *t->crowd);
    t->area = calloc(k, sizeof *t->area);
    t->pixels = calloc(k, sizeof *t->pixels);
    t->matched = calloc(k, sizeof *t->matched);
    if (!t->id || !t->cat || !t->crowd || !t->area || !t->pixels || !t->matched)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_pq_add_image: %zu segments", n);
    return segi_u64map_init(&t->index, n);
}

static seg_status table_read(const seg_pq *pq, const seg_tensor *rows, seg_table *t)
{
    const int is_gt = strcmp(t->what, "gt") == 0;
    const int64_t min_cols = is_gt ? 4 : 2;
    if (rows->dtype != SEG_DTYPE_I64 || rows->rank != 2 || rows->dims[1] < min_cols) {
        char s[96];
        return segi_error(SEG_ERR_SHAPE,
                          "seg_pq_add_image: %s segments are %s %s; expected i64 [n, %s]",
                          t->what, seg_dtype_name(rows->dtype),
                          segi_shape_str(rows->rank, rows->dims, s, sizeof s),
                          is_gt ? "4] (id, category_id, iscrowd, area" : ">=2] (id, category_id");
    }
    seg_status st = table_alloc(t, (size_t)rows->dims[0]);
    const int64_t *r = rows->data;
    for (size_t i = 0; i < t->n && st == SEG_OK; i++, r += rows->dims[1]) {
        t->id[i] = r[0];
        if (r[0] <= 0 || r[0] > MAX_SEGMENT_ID)
            return segi_error(SEG_ERR_FORMAT,
                              "seg_pq_add_image: %s segment %zu has id %lld; ids must be in "
                              "[1, 2^31) (0 is void)", t->what, i, (long long)r[0]);
        if (!find_category(pq, r[1], &t->cat[i]))
            return segi_error(SEG_ERR_FORMAT,
                              "seg_pq_add_image: %s segment id %lld has unknown category_id "
                              "%lld", t->what, (long long)r[0], (long long)r[1]);
        if (is_gt && r[2] != 0 && r[2] != 1)
            return segi_error(SEG_ERR_FORMAT,
                              "seg_pq_add_image: gt segment id %lld has iscrowd %lld; "
                              "expected 0 or 1", (long long)r[0], (long long)r[2]);
        t->crowd[i] = is_gt && r[2] == 1;
        t->area[i] = is_gt ? r[3] : -1;
        uint64_t *slot = segi_u64map_slot(&t->index, (uint64_t)r[0]);
        if (!slot)
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_pq_add_image: segment index");
        if (*slot != 0)
            return segi_error(SEG_ERR_FORMAT, "seg_pq_add_image: %s segment id %lld appears "
                              "twice", t->what, (long long)r[0]);
        *slot = i + 1;
    }
    return st;
}

/* Row of segment `id` (0 = void). A map id without a row is an error. */
static seg_status table_row(const seg_table *t, uint64_t id, size_t *row)
{
    uint64_t v = 0;
    if (id == 0) {
        *row = SIZE_MAX;
        return SEG_OK;
    }
    if (!segi_u64map_get(&t->index, id, &v))
        return segi_error(SEG_ERR_FORMAT,
                          "seg_pq_add_image: id %llu (RGB %u,%u,%u) is in the %s map but not "
                          "in its segments", (unsigned long long)id, (unsigned)(id & 255),
                          (unsigned)(id >> 8 & 255), (unsigned)(id >> 16 & 255), t->what);
    *row = (size_t)v - 1;
    return SEG_OK;
}

/* Pixel counts per segment and the ids-present checks; `pred_void` gets each pred's
 * intersection with gt void. */
static seg_status tally(const segi_u64map *pairs, seg_table *gt, seg_table *pred,
                        int64_t *pred_void)
{
    uint64_t key, cnt;
    for (size_t pos = 0; segi_u64map_next(pairs, &pos, &key, &cnt);) {
        size_t gi = 0, pi = 0;
        seg_status st = table_row(gt, key >> 32, &gi);
        if (st == SEG_OK)
            st = table_row(pred, key & 0xFFFFFFFFu, &pi);
        if (st != SEG_OK)
            return st;
        if (gi != SIZE_MAX)
            gt->pixels[gi] += (int64_t)cnt;
        if (pi != SIZE_MAX) {
            pred->pixels[pi] += (int64_t)cnt;
            if (gi == SIZE_MAX)
                pred_void[pi] += (int64_t)cnt;
        }
    }
    for (size_t i = 0; i < pred->n; i++) {
        if (pred->pixels[i] == 0)
            return segi_error(SEG_ERR_FORMAT, "seg_pq_add_image: pred segment id %lld is in "
                              "the segments but not in the pred map", (long long)pred->id[i]);
        pred->area[i] = pred->pixels[i];
    }
    for (size_t i = 0; i < gt->n; i++) {
        if (gt->area[i] < 0)
            gt->area[i] = gt->pixels[i];
        /* A smaller area would give an IoU above 1 (or a zero union) and PQ above 1. */
        if (gt->area[i] < gt->pixels[i])
            return segi_error(SEG_ERR_FORMAT, "seg_pq_add_image: gt segment id %lld has area "
                              "%lld but %lld pixels in the gt map", (long long)gt->id[i],
                              (long long)gt->area[i], (long long)gt->pixels[i]);
    }
    return SEG_OK;
}

/* ---- matching ------------------------------------------------------------ */

static void match(seg_pq *pq, const segi_u64map *pairs, seg_table *gt, seg_table *pred,
                  const int64_t *pred_void)
{
    uint64_t key, inter;
    for (size_t pos = 0; segi_u64map_next(pairs, &pos, &key, &inter);) {
        size_t gi = 0, pi = 0;
        if ((key >> 32) == 0 || (key & 0xFFFFFFFFu) == 0)
            continue;
        (void)table_row(gt, key >> 32, &gi);
        (void)table_row(pred, key & 0xFFFFFFFFu, &pi);
        if (gt->crowd[gi] || gt->cat[gi] != pred->cat[pi])
            continue;
        /* In doubles: a gt area from the rows may be as large as INT64_MAX. */
        double uni = (double)pred->area[pi] + (double)gt->area[gi] - (double)inter -
                     (double)pred_void[pi];
        double iou = (double)inter / uni;
        if (iou > 0.5) {
            pq->cats[gt->cat[gi]].tp++;
            pq->cats[gt->cat[gi]].iou += iou;
            gt->matched[gi] = pred->matched[pi] = 1;
        }
    }
}

static void count_errors(seg_pq *pq, const segi_u64map *pairs, const seg_table *gt,
                         const seg_table *pred, const int64_t *pred_void, size_t *crowd_of)
{
    for (size_t c = 0; c < pq->n; c++)
        crowd_of[c] = SIZE_MAX;
    for (size_t i = 0; i < gt->n; i++) {
        if (gt->matched[i])
            continue;
        if (gt->crowd[i])
            crowd_of[gt->cat[i]] = i; /* the last crowd segment of a category wins */
        else
            pq->cats[gt->cat[i]].fn++;
    }
    for (size_t i = 0; i < pred->n; i++) {
        if (pred->matched[i])
            continue;
        uint64_t ignored = (uint64_t)pred_void[i], crowd = 0;
        size_t g = crowd_of[pred->cat[i]];
        if (g != SIZE_MAX &&
            segi_u64map_get(pairs, (uint64_t)gt->id[g] << 32 | (uint64_t)pred->id[i], &crowd))
            ignored += crowd;
        if ((double)ignored / (double)pred->area[i] > 0.5)
            continue;
        pq->cats[pred->cat[i]].fp++;
    }
}

seg_status seg_pq_add_image(seg_pq *pq, const seg_tensor *gt_map, const seg_tensor *gt_segments,
                            const seg_tensor *pred_map, const seg_tensor *pred_segments)
{
    SEGI_REQUIRE(pq);
    SEGI_REQUIRE(gt_map);
    SEGI_REQUIRE(gt_segments);
    SEGI_REQUIRE(pred_map);
    SEGI_REQUIRE(pred_segments);
    id_map gm = {0}, pm = {0};
    seg_status st = id_map_view(gt_map, "gt", &gm);
    if (st == SEG_OK)
        st = id_map_view(pred_map, "pred", &pm);
    if (st != SEG_OK)
        return st;
    if (gm.h != pm.h || gm.w != pm.w)
        return segi_error(SEG_ERR_SHAPE, "seg_pq_add_image: gt map is %lldx%lld (HxW), pred "
                          "map is %lldx%lld", (long long)gm.h, (long long)gm.w,
                          (long long)pm.h, (long long)pm.w);

    seg_table gt = {.what = "gt"}, pred = {.what = "pred"};
    segi_u64map pairs = {0};
    int64_t *pred_void = NULL;
    size_t *crowd_of = NULL;
    st = table_read(pq, gt_segments, &gt);
    if (st == SEG_OK)
        st = table_read(pq, pred_segments, &pred);
    if (st == SEG_OK)
        st = segi_u64map_init(&pairs, 4 * (gt.n + pred.n) + 16);
    if (st == SEG_OK) {
        pred_void = calloc(pred.n + 1, sizeof *pred_void);
        crowd_of = malloc((pq->n + 1) * sizeof *crowd_of);
        if (!pred_void || !crowd_of)
            st = segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_pq_add_image");
    }
    if (st == SEG_OK)
        st = count_pairs(&gm, &pm, &pairs);
    if (st == SEG_OK)
        st = tally(&pairs, &gt, &pred, pred_void);
    if (st == SEG_OK) { /* nothing below can fail: the counts change only on success */
        match(pq, &pairs, &gt, &pred, pred_void);
        count_errors(pq, &pairs, &gt, &pred, pred_void, crowd_of);
    }
    free(pred_void);
    free(crowd_of);
    segi_u64map_free(&pairs);
    table_free(&gt);
    table_free(&pred);
    return st;
}

/* ---- results --------------------------------------------------------------- */

/* panopticapi's per-class numbers; false for a class with no TP, FP or FN. */
static bool class_pq(const pq_category *c, double out[3])
{
    int64_t total = c->tp + c->fp + c->fn;
    out[0] = out[1] = out[2] = 0.0;
    if (total == 0)
        return false;
    double den = (double)c->tp + 0.5 * (double)c->fp + 0.5 * (double)c->fn;
    out[0] = c->iou / den;
    out[1] = c->tp ? c->iou / (double)c->tp : 0.0;
    out[2] = (double)c->tp / den;
    return true;
}

seg_status seg_pq_average(const seg_pq *pq, seg_pq_group group, double *pq_sq_rq, int64_t *n)
{
    SEGI_REQUIRE(pq);
    SEGI_REQUIRE(pq_sq_rq);
    if (group != SEG_PQ_ALL && group != SEG_PQ_THINGS && group != SEG_PQ_STUFF)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_pq_average: unknown group %d",
                          (int)group);
    double sum[3] = {0, 0, 0};
    int64_t used = 0;
    for (size_t i = 0; i < pq->n; i++) {
        const pq_category *c = &pq->cats[i];
        if ((group == SEG_PQ_THINGS && !c->isthing) || (group == SEG_PQ_STUFF && c->isthing))
            continue;
        double v[3];
        if (!class_pq(c, v))
            continue;
        for (int k = 0; k < 3; k++)
            sum[k] += v[k];
        used++;
    }
    for (int k = 0; k < 3; k++)
        pq_sq_rq[k] = used ? sum[k] / (double)used : NAN;
    if (n)
        *n = used;
    return SEG_OK;
}

size_t seg_pq_category_count(const seg_pq *pq)
{
    return pq ? pq->n : 0;
}

seg_status seg_pq_category(const seg_pq *pq, size_t index, int64_t *category_id, int *isthing,
                           const char **name, double *pq_sq_rq, int64_t *tp_fp_fn)
{
    SEGI_REQUIRE(pq);
    if (index >= pq->n)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_pq_category: index %zu >= %zu "
                          "categories", index, pq->n);
    const pq_category *c = &pq->cats[index];
    if (category_id)
        *category_id = c->id;
    if (isthing)
        *isthing = c->isthing;
    if (name)
        *name = c->name;
    if (pq_sq_rq)
        (void)class_pq(c, pq_sq_rq);
    if (tp_fp_fn) {
        tp_fp_fn[0] = c->tp;
        tp_fp_fn[1] = c->fp;
        tp_fp_fn[2] = c->fn;
    }
    return SEG_OK;
}
