/* Greedy class-aware mask-IoU tracking (see track.h). */
#include "post/track.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

void segi_tracker_init(segi_tracker *t)
{
    memset(t, 0, sizeof *t);
    t->next_id = 1;
}

void segi_tracker_free(segi_tracker *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->tracks[i].bits);
    free(t->tracks);
    free(t->pairs);
    free(t->det_area);
    free(t->track_used);
    segi_tracker_init(t);
}

void segi_tracker_clear(segi_tracker *t)
{
    t->n = 0;
}

/* Grow `*buf` (of `*cap` elements of `size` bytes) to at least `need` elements. */
static seg_status reserve(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return SEG_OK;
    size_t n = *cap * 2 > need ? *cap * 2 : need;
    void *p = realloc(*buf, n * size);
    if (!p)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "tracker: out of memory for %zu items", n);
    *buf = p;
    *cap = n;
    return SEG_OK;
}

static int64_t window_area(const uint8_t *bits, int64_t w, int64_t h)
{
    int64_t a = 0;
    for (int64_t i = 0; bits && i < w * h; i++)
        a += bits[i] != 0;
    return a;
}

/* Set pixels shared by a track's mask and a detection's. */
static int64_t intersection(const segi_track *tr, const segi_track_obj *o)
{
    int64_t x0 = tr->rect[0] > o->rect[0] ? tr->rect[0] : o->rect[0];
    int64_t y0 = tr->rect[1] > o->rect[1] ? tr->rect[1] : o->rect[1];
    int64_t xa = tr->rect[0] + tr->rect[2], xb = o->rect[0] + o->rect[2];
    int64_t ya = tr->rect[1] + tr->rect[3], yb = o->rect[1] + o->rect[3];
    int64_t x1 = xa < xb ? xa : xb, y1 = ya < yb ? ya : yb, n = 0;
    for (int64_t y = y0; y < y1; y++) {
        const uint8_t *a = tr->bits + (y - tr->rect[1]) * tr->rect[2] - tr->rect[0];
        const uint8_t *b = o->bits + (y - o->rect[1]) * o->rect[2] - o->rect[0];
        for (int64_t x = x0; x < x1; x++)
            n += a[x] && b[x];
    }
    return n;
}

static int by_iou(const void *pa, const void *pb)
{
    const segi_track_pair *a = pa, *b = pb;
    if (a->iou != b->iou)
        return a->iou > b->iou ? -1 : 1;
    if (a->track != b->track) /* tracks are stored oldest (smallest id) first */
        return a->track < b->track ? -1 : 1;
    return (a->det > b->det) - (a->det < b->det);
}

/* Every same-class pair at or above the threshold, best first; returns the count. */
static size_t candidate_pairs(segi_tracker *t, const segi_track_obj *objs, size_t n,
                              double threshold)
{
    size_t np = 0;
    for (size_t i = 0; i < t->n; i++)
        for (size_t d = 0; d < n; d++) {
            const segi_track *tr = &t->tracks[i];
            if (tr->cls != objs[d].cls || !tr->area || !t->det_area[d])
                continue;
            int64_t inter = intersection(tr, &objs[d]);
            double iou = (double)inter / (double)(tr->area + t->det_area[d] - inter);
            if (inter > 0 && iou >= threshold)
                t->pairs[np++] = (segi_track_pair){iou, i, d};
        }
    if (np > 1) /* pairs is NULL before the first frame with a candidate */
        qsort(t->pairs, np, sizeof *t->pairs, by_iou);
    return np;
}

static void store_mask(segi_track *tr, const segi_track_obj *o, int64_t area)
{
    memcpy(tr->rect, o->rect, sizeof tr->rect);
    tr->area = area;
    if (area)
        memcpy(tr->bits, o->bits, (size_t)(o->rect[2] * o->rect[3]));
}

/* Room for every mask this update stores, before anything changes. `slot[d]` is the
 * track slot detection d will be written to. */
static seg_status reserve_masks(segi_tracker *t, const segi_track_obj *objs, size_t n,
                                const int64_t *slot)
{
    for (size_t d = 0; d < n; d++) {
        segi_track *tr = &t->tracks[slot[d]];
        size_t need = t->det_area[d] ? (size_t)(objs[d].rect[2] * objs[d].rect[3]) : 0;
        if (need > tr->cap) {
            uint8_t *p = realloc(tr->bits, need);
            if (!p)
                return segi_error(SEG_ERR_OUT_OF_MEMORY, "tracker: out of memory for a "
                                                         "%zu-byte mask", need);
            tr->bits = p;
            tr->cap = need;
        }
    }
    return SEG_OK;
}

static seg_status reserve_all(segi_tracker *t, size_t n)
{
    size_t old_cap = t->cap;
    seg_status st = reserve((void **)&t->tracks, &t->cap, t->n + n, sizeof *t->tracks);
    if (st == SEG_OK)
        memset(t->tracks + old_cap, 0, (t->cap - old_cap) * sizeof *t->tracks);
    if (st == SEG_OK)
        st = reserve((void **)&t->pairs, &t->pairs_cap, t->n * n, sizeof *t->pairs);
    if (st == SEG_OK)
        st = reserve((void **)&t->det_area, &t->det_cap, n * 2, sizeof *t->det_area);
    if (st == SEG_OK)
        st = reserve((void **)&t->track_used, &t->used_cap, t->n, sizeof *t->track_used);
    return st;
}

/* Drop tracks unseen for too long, keeping the others in id order and every slot's
 * buffer for reuse. */
static void drop_stale(segi_tracker *t, int64_t max_missed)
{
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->tracks[i].missed > max_missed)
            continue;
        segi_track tmp = t->tracks[k];
        t->tracks[k++] = t->tracks[i];
        t->tracks[i] = tmp;
    }
    t->n = k;
}

seg_status segi_tracker_update(segi_tracker *t, const segi_track_obj *objs, size_t n,
                               const segi_track_params *p, int64_t *ids)
{
    seg_status st = reserve_all(t, n);
    if (st != SEG_OK)
        return st;
    /* det_area holds n areas, then the track slot each detection goes to */
    int64_t *slot_store = t->det_area + n;
    for (size_t d = 0; d < n; d++) {
        t->det_area[d] = window_area(objs[d].bits, objs[d].rect[2], objs[d].rect[3]);
        slot_store[d] = -1;
    }
    if (t->n) /* track_used is NULL until the first track */
        memset(t->track_used, 0, t->n * sizeof *t->track_used);
    size_t np = candidate_pairs(t, objs, n, p->iou_threshold);
    for (size_t k = 0; k < np; k++) {
        const segi_track_pair *pr = &t->pairs[k];
        if (t->track_used[pr->track] || slot_store[pr->det] >= 0)
            continue;
        t->track_used[pr->track] = true;
        slot_store[pr->det] = (int64_t)pr->track;
    }
    size_t fresh = t->n;
    for (size_t d = 0; d < n; d++)
        if (slot_store[d] < 0)
            slot_store[d] = (int64_t)fresh++;
    if ((st = reserve_masks(t, objs, n, slot_store)) != SEG_OK)
        return st;
    for (size_t i = 0; i < t->n; i++)
        t->tracks[i].missed += !t->track_used[i];
    for (size_t d = 0; d < n; d++) {
        segi_track *tr = &t->tracks[slot_store[d]];
        if ((size_t)slot_store[d] >= t->n) {
            tr->id = t->next_id++;
            tr->cls = objs[d].cls;
        }
        tr->missed = 0;
        store_mask(tr, &objs[d], t->det_area[d]);
        ids[d] = tr->id;
    }
    t->n = fresh;
    drop_stale(t, p->max_missed);
    return SEG_OK;
}
