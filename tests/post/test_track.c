/* The tracker behind seg_sequence: stable ids by greedy class-aware mask IoU, on
 * hand-made masks whose IoUs are known by construction. */
#include "check.h"

#include "post/track.h"

#include <seg/seg.h>

#define W 48
#define H 32
#define MAX_OBJS 4

/* A frame of hand-drawn objects: full-frame windows (rect = the whole frame). */
typedef struct frame {
    uint8_t bits[MAX_OBJS][H * W];
    segi_track_obj objs[MAX_OBJS];
    size_t n;
} frame;

static void frame_clear(frame *f)
{
    memset(f, 0, sizeof *f);
}

static uint8_t *add(frame *f, int64_t cls)
{
    size_t i = f->n++;
    f->objs[i] = (segi_track_obj){.cls = cls, .rect = {0, 0, W, H}, .bits = f->bits[i]};
    return f->bits[i];
}

static void disc(frame *f, int64_t cls, int cx, int cy, int r)
{
    uint8_t *b = add(f, cls);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            b[y * W + x] = (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
}

static void block(frame *f, int64_t cls, int x0, int y0, int w, int h)
{
    uint8_t *b = add(f, cls);
    for (int y = y0; y < y0 + h; y++)
        memset(b + y * W + x0, 1, (size_t)w);
}

static const segi_track_params defaults = {0.3, 5};

static void update(segi_tracker *t, frame *f, const segi_track_params *p, int64_t *ids)
{
    CHECK_OK(segi_tracker_update(t, f->objs, f->n, p, ids));
}

TEST(moving_disc_keeps_its_id)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f;
    int64_t ids[MAX_OBJS];
    for (int k = 0; k < 12; k++) { /* 3 px a frame, radius 5: IoU about 0.6 */
        frame_clear(&f);
        disc(&f, 0, 6 + 3 * k, 16, 5);
        update(&t, &f, &defaults, ids);
        CHECK_EQ_INT(ids[0], 1);
    }
    CHECK_EQ_INT(t.n, 1);
    segi_tracker_free(&t);
}

TEST(leaving_and_entering_gets_a_new_id)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f;
    int64_t ids[MAX_OBJS];
    frame_clear(&f);
    disc(&f, 0, 8, 16, 5);
    update(&t, &f, &defaults, ids);
    CHECK_EQ_INT(ids[0], 1);
    frame_clear(&f); /* it leaves: two empty frames */
    update(&t, &f, &defaults, ids);
    update(&t, &f, &defaults, ids);
    disc(&f, 0, 38, 16, 5); /* another one enters elsewhere: no overlap, a new id */
    update(&t, &f, &defaults, ids);
    CHECK_EQ_INT(ids[0], 2);
    /* with max_missed 0 the old track is gone at once; an object back at the old
     * place is new too, never id 1 again */
    segi_track_params strict = {0.3, 0};
    frame_clear(&f);
    update(&t, &f, &strict, ids);
    disc(&f, 0, 8, 16, 5);
    update(&t, &f, &strict, ids);
    CHECK_EQ_INT(ids[0], 3);
    CHECK_EQ_INT(t.n, 1);
    segi_tracker_free(&t);
}

TEST(missed_frames_up_to_the_limit_keep_the_track)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f, empty;
    int64_t ids[MAX_OBJS];
    segi_track_params p = {0.3, 2};
    frame_clear(&empty);
    frame_clear(&f);
    block(&f, 1, 10, 10, 8, 8);
    update(&t, &f, &p, ids);
    update(&t, &empty, &p, ids);
    update(&t, &empty, &p, ids); /* unseen for 2 frames: kept */
    update(&t, &f, &p, ids);
    CHECK_EQ_INT(ids[0], 1);
    for (int k = 0; k < 3; k++) /* unseen for 3 > 2 frames: dropped */
        update(&t, &empty, &p, ids);
    CHECK_EQ_INT(t.n, 0);
    update(&t, &f, &p, ids);
    CHECK_EQ_INT(ids[0], 2);
    segi_tracker_free(&t);
}

/* Two discs cross paths, one above the other by 4 rows, 2 px a frame each way: each
 * keeps the higher IoU with its own last mask, so the ids never swap. */
TEST(crossing_objects_keep_their_ids)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f;
    int64_t ids[MAX_OBJS];
    for (int k = 0; k < 16; k++) {
        frame_clear(&f);
        disc(&f, 0, 8 + 2 * k, 13, 5);
        disc(&f, 0, 40 - 2 * k, 17, 5);
        update(&t, &f, &defaults, ids);
        CHECK_EQ_INT(ids[0], 1);
        CHECK_EQ_INT(ids[1], 2);
    }
    segi_tracker_free(&t);
}

TEST(classes_never_match_each_other)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f;
    int64_t ids[MAX_OBJS];
    frame_clear(&f);
    block(&f, 0, 10, 10, 8, 8);
    update(&t, &f, &defaults, ids);
    frame_clear(&f); /* the same pixels now class 1: a new track; class 0 ages */
    block(&f, 1, 10, 10, 8, 8);
    update(&t, &f, &defaults, ids);
    CHECK_EQ_INT(ids[0], 2);
    frame_clear(&f); /* both classes at the same place: each finds its own track */
    block(&f, 1, 10, 10, 8, 8);
    block(&f, 0, 11, 10, 8, 8);
    update(&t, &f, &defaults, ids);
    CHECK_EQ_INT(ids[0], 2);
    CHECK_EQ_INT(ids[1], 1);
    segi_tracker_free(&t);
}

/* Equal IoUs: the older track (smaller id) wins, then the lower detection index. */
TEST(ties_go_to_the_older_track)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f;
    int64_t ids[MAX_OBJS];
    frame_clear(&f);
    block(&f, 0, 16, 10, 4, 8); /* id 1, right */
    block(&f, 0, 12, 10, 4, 8); /* id 2, left */
    update(&t, &f, &defaults, ids);
    frame_clear(&f); /* over half of each: IoU 16 / 48 = 1/3 with both */
    block(&f, 0, 14, 10, 4, 8);
    update(&t, &f, &defaults, ids);
    CHECK_EQ_INT(ids[0], 1);
    segi_tracker_free(&t);
}

TEST(ties_go_to_the_first_detection)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f;
    int64_t ids[MAX_OBJS];
    frame_clear(&f);
    block(&f, 0, 14, 10, 4, 8);
    update(&t, &f, &defaults, ids);
    frame_clear(&f); /* two detections, each IoU 1/3 with track 1 */
    block(&f, 0, 16, 10, 4, 8);
    block(&f, 0, 12, 10, 4, 8);
    update(&t, &f, &defaults, ids);
    CHECK_EQ_INT(ids[0], 1);
    CHECK_EQ_INT(ids[1], 2);
    segi_tracker_free(&t);
}

TEST(iou_threshold_is_inclusive)
{
    segi_tracker t;
    segi_tracker_init(&t);
    frame f;
    int64_t ids[MAX_OBJS];
    segi_track_params half = {0.5, 5};
    frame_clear(&f);
    block(&f, 0, 0, 0, 6, 4); /* 24 px */
    update(&t, &f, &half, ids);
    frame_clear(&f); /* shifted by 2: intersection 16, union 32, IoU exactly 0.5 */
    block(&f, 0, 2, 0, 6, 4);
    update(&t, &f, &half, ids);
    CHECK_EQ_INT(ids[0], 1);
    frame_clear(&f); /* shifted by 3 more: IoU 6 / 42 */
    block(&f, 0, 5, 0, 6, 4);
    update(&t, &f, &half, ids);
    CHECK_EQ_INT(ids[0], 2);
    segi_tracker_free(&t);
}

TEST(windows_and_empty_masks)
{
    segi_tracker t;
    segi_tracker_init(&t);
    int64_t ids[2];
    /* the same 3 x 2 object as a window at (5, 7) and then at (6, 7) */
    const uint8_t a[6] = {1, 1, 1, 1, 1, 1};
    segi_track_obj o[2] = {{.cls = 0, .rect = {5, 7, 3, 2}, .bits = a},
                           {.cls = 0, .rect = {0, 0, 0, 0}, .bits = NULL}};
    CHECK_OK(segi_tracker_update(&t, o, 2, &defaults, ids));
    CHECK_EQ_INT(ids[0], 1);
    CHECK_EQ_INT(ids[1], 2); /* an empty mask is tracked but never matched */
    o[0].rect[0] = 6;        /* IoU 4 / 8 */
    CHECK_OK(segi_tracker_update(&t, o, 2, &defaults, ids));
    CHECK_EQ_INT(ids[0], 1);
    CHECK_EQ_INT(ids[1], 3);
    segi_tracker_clear(&t); /* a reset forgets tracks but not the id counter */
    CHECK_OK(segi_tracker_update(&t, o, 1, &defaults, ids));
    CHECK_EQ_INT(ids[0], 4);
    segi_tracker_free(&t);
}

int main(void)
{
    return RUN_TESTS(CASE(moving_disc_keeps_its_id), CASE(leaving_and_entering_gets_a_new_id),
                     CASE(missed_frames_up_to_the_limit_keep_the_track),
                     CASE(crossing_objects_keep_their_ids),
                     CASE(classes_never_match_each_other), CASE(ties_go_to_the_older_track),
                     CASE(ties_go_to_the_first_detection),
                     CASE(iou_threshold_is_inclusive), CASE(windows_and_empty_masks));
}
