/* Stable object ids across frames by class-aware greedy mask-IoU matching
 * (docs/sequences.md). The tracker keeps each live track's last mask; its buffers
 * only grow, so frames that need no more room than earlier ones allocate nothing. */
#ifndef SEGI_POST_TRACK_H
#define SEGI_POST_TRACK_H

#include "seg/seg_common.h"

#include <stdbool.h>

/* One detection of a frame: a binary mask window (any non-zero byte is set). */
typedef struct segi_track_obj {
    int64_t cls;
    int64_t rect[4];     /* x, y, w, h of `bits` in the frame */
    const uint8_t *bits; /* rect[2] * rect[3] bytes; NULL or w * h == 0: empty */
} segi_track_obj;

typedef struct segi_track {
    int64_t id, cls, missed, area;
    int64_t rect[4];
    uint8_t *bits;       /* owned, `cap` bytes (kept when the slot is reused) */
    size_t cap;
} segi_track;

typedef struct segi_track_pair {
    double iou;
    size_t track, det;
} segi_track_pair;

typedef struct segi_tracker {
    segi_track *tracks;  /* n live, then cap - n spare slots keeping their buffers */
    size_t n, cap;
    segi_track_pair *pairs;
    size_t pairs_cap;
    int64_t *det_area;   /* per detection; -1 marks a matched one during an update */
    bool *track_used;
    size_t det_cap, used_cap;
    int64_t next_id;     /* ids start at 1 and are never reused */
} segi_tracker;

typedef struct segi_track_params {
    double iou_threshold; /* match when IoU >= this (and > 0) */
    int64_t max_missed;   /* drop a track unseen for more than this many frames */
} segi_track_params;

void segi_tracker_init(segi_tracker *t);

/* Free every buffer; the tracker may be initialised again. */
void segi_tracker_free(segi_tracker *t);

/* Forget every track (a scene cut or a size change); later ids still never repeat. */
void segi_tracker_clear(segi_tracker *t);

/* Match `n` detections of the next frame to the live tracks and write each one's
 * track id to ids[i]. Pairs of the same class with IoU >= threshold are taken by
 * descending IoU (ties: the older track, i.e. the smaller id, then the lower
 * detection index); unmatched detections start new tracks; unmatched tracks age and
 * are dropped after max_missed frames. On failure (out of memory) the tracker is as
 * before the call. */
seg_status segi_tracker_update(segi_tracker *t, const segi_track_obj *objs, size_t n,
                               const segi_track_params *p, int64_t *ids);

#endif
