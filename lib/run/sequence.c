/* seg_sequence: frames through one session with temporal smoothing and stable ids
 * (seg_sequence.h, docs/sequences.md). */
#include "seg/seg_sequence.h"

#include "core/error.h"
#include "post/instances.h"
#include "post/panoptic.h"
#include "post/semantic.h"
#include "post/track.h"
#include "run/profile.h"
#include "run/run.h"

#include <stdlib.h>
#include <string.h>

struct seg_sequence {
    const seg_model *model;
    seg_session *session;
    const seg_profile *profile;
    double alpha, iou_threshold;
    int64_t max_missed;
    seg_result *result;      /* the last frame's */
    segi_run_ws ws;          /* pre-processing and decoding buffers kept between frames */
    int64_t frames, h, w;    /* pushed so far; the last frame's size */
    float *ema;              /* smoothed probabilities */
    size_t ema_count, ema_cap; /* ema_count 0: the next frame starts over */
    segi_tracker tracker;
    segi_track_obj *objs;    /* this frame's detections */
    int64_t *ids;            /* their track ids */
    size_t objs_cap, ids_cap;
    uint8_t *masks;          /* panoptic thing masks cut from the id map */
    size_t masks_cap;
    int32_t *new_ids;        /* panoptic: new id of segment i */
    size_t new_ids_cap;
};

/* Grow `*buf` (`*cap` elements of `size` bytes) to at least `need`; contents are not
 * kept. */
static seg_status grow(void **buf, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return SEG_OK;
    void *p = malloc(need * size);
    if (!p)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_sequence_push: out of memory for %zu "
                                                 "items", need);
    free(*buf);
    *buf = p;
    *cap = need;
    return SEG_OK;
}

seg_status seg_sequence_create(const seg_model *model, seg_session *session,
                               const seg_profile *profile, seg_sequence **out)
{
    SEGI_REQUIRE(model);
    SEGI_REQUIRE(session);
    SEGI_REQUIRE(profile);
    SEGI_REQUIRE(out);
    seg_sequence *s = calloc(1, sizeof *s);
    if (!s)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_sequence_create: out of memory");
    s->model = model;
    s->session = session;
    s->profile = profile;
    s->alpha = 1.0;
    s->iou_threshold = 0.3;
    s->max_missed = 5;
    segi_tracker_init(&s->tracker);
    *out = s;
    return SEG_OK;
}

void seg_sequence_destroy(seg_sequence *s)
{
    if (!s)
        return;
    seg_result_destroy(s->result);
    segi_run_ws_free(&s->ws);
    free(s->ema);
    segi_tracker_free(&s->tracker);
    free(s->objs);
    free(s->ids);
    free(s->masks);
    free(s->new_ids);
    free(s);
}

seg_status seg_sequence_set_double(seg_sequence *s, seg_sequence_option key, double value)
{
    SEGI_REQUIRE(s);
    double *slot = key == SEG_SEQUENCE_SMOOTHING       ? &s->alpha
                   : key == SEG_SEQUENCE_IOU_THRESHOLD ? &s->iou_threshold
                                                       : NULL;
    if (!slot)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_sequence_set_double: key %d is not "
                                                    "a double option", (int)key);
    if (!(value > 0 && value <= 1))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_sequence_set_double: %s must be in "
                                                    "(0, 1], got %g",
                          key == SEG_SEQUENCE_SMOOTHING ? "SEG_SEQUENCE_SMOOTHING"
                                                        : "SEG_SEQUENCE_IOU_THRESHOLD", value);
    *slot = value;
    return SEG_OK;
}

seg_status seg_sequence_set_int(seg_sequence *s, seg_sequence_option key, int64_t value)
{
    SEGI_REQUIRE(s);
    if (key != SEG_SEQUENCE_MAX_MISSED)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_sequence_set_int: key %d is not an "
                                                    "integer option", (int)key);
    if (value < 0)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_sequence_set_int: "
                                                    "SEG_SEQUENCE_MAX_MISSED must be >= 0, "
                                                    "got %lld", (long long)value);
    s->max_missed = value;
    return SEG_OK;
}

void seg_sequence_reset(seg_sequence *s)
{
    if (!s)
        return;
    if (s->result)
        segi_run_ws_recycle(&s->ws, s->result);
    s->result = NULL;
    s->ema_count = 0;
    segi_tracker_clear(&s->tracker);
}

int64_t seg_sequence_frame_count(const seg_sequence *s)
{
    return s ? s->frames : 0;
}

/* The run hook: blend this frame's probabilities into the moving average. */
static seg_status smooth(void *ctx, seg_semantic *sem)
{
    seg_sequence *s = ctx;
    size_t n = seg_tensor_count(seg_semantic_probabilities(sem));
    bool first = s->ema_count != n;
    seg_status st = first ? grow((void **)&s->ema, &s->ema_cap, n, sizeof *s->ema) : SEG_OK;
    if (st == SEG_OK)
        st = segi_semantic_smooth(sem, s->ema, first, (float)s->alpha,
                                  s->profile->mask_threshold);
    s->ema_count = st == SEG_OK ? n : 0;
    return st;
}

static seg_status reserve_objs(seg_sequence *s, size_t n)
{
    seg_status st = grow((void **)&s->objs, &s->objs_cap, n, sizeof *s->objs);
    return st == SEG_OK ? grow((void **)&s->ids, &s->ids_cap, n, sizeof *s->ids) : st;
}

static seg_status track_instances(seg_sequence *s, seg_instances *in,
                                  const segi_track_params *tp)
{
    seg_status st = reserve_objs(s, in->n);
    for (size_t i = 0; st == SEG_OK && i < in->n; i++) {
        const segi_instance *it = &in->items[i];
        s->objs[i] = (segi_track_obj){.cls = it->cls, .bits = it->bits};
        memcpy(s->objs[i].rect, it->rect, sizeof it->rect);
    }
    if (st == SEG_OK)
        st = segi_tracker_update(&s->tracker, s->objs, in->n, tp, s->ids);
    for (size_t i = 0; st == SEG_OK && i < in->n; i++)
        in->items[i].track_id = s->ids[i];
    return st;
}

/* Cut each thing segment's mask out of the id map into s->masks and list it. */
static seg_status thing_objs(seg_sequence *s, const seg_panoptic *pan, size_t *n_things)
{
    size_t bytes = 0, n = 0;
    for (size_t i = 0; i < pan->n; i++)
        if (pan->segs[i].is_thing)
            bytes += (size_t)(pan->segs[i].bbox[2] * pan->segs[i].bbox[3]);
    seg_status st = reserve_objs(s, pan->n);
    if (st == SEG_OK)
        st = grow((void **)&s->masks, &s->masks_cap, bytes, 1);
    uint8_t *m = s->masks;
    for (size_t i = 0; st == SEG_OK && i < pan->n; i++) {
        const segi_pan_seg *sg = &pan->segs[i];
        if (!sg->is_thing)
            continue;
        s->objs[n] = (segi_track_obj){.cls = sg->category, .bits = m};
        memcpy(s->objs[n++].rect, sg->bbox, sizeof sg->bbox);
        for (int64_t y = sg->bbox[1]; y < sg->bbox[1] + sg->bbox[3]; y++)
            for (int64_t x = sg->bbox[0]; x < sg->bbox[0] + sg->bbox[2]; x++)
                *m++ = pan->map[y * pan->w + x] == sg->id;
    }
    *n_things = n;
    return st;
}

/* Things take their track ids, stuff SEG_SEQUENCE_STUFF_ID_BASE + category. */
static seg_status track_panoptic(seg_sequence *s, seg_panoptic *pan,
                                 const segi_track_params *tp)
{
    for (size_t i = 0; i < pan->n; i++)
        if (pan->segs[i].id != (int32_t)(i + 1))
            return segi_error(SEG_ERR_INTERNAL, "seg_sequence_push: panoptic segment %zu has "
                                                "id %d, expected consecutive ids", i,
                              (int)pan->segs[i].id);
    size_t n_things;
    seg_status st = thing_objs(s, pan, &n_things);
    if (st == SEG_OK)
        st = grow((void **)&s->new_ids, &s->new_ids_cap, pan->n + 1, sizeof *s->new_ids);
    if (st == SEG_OK && s->tracker.next_id + (int64_t)n_things > SEG_SEQUENCE_STUFF_ID_BASE)
        st = segi_error(SEG_ERR_LIMIT, "seg_sequence_push: %zu new track ids from %lld would "
                                       "reach the stuff ids at %d", n_things,
                        (long long)s->tracker.next_id, SEG_SEQUENCE_STUFF_ID_BASE);
    if (st == SEG_OK)
        st = segi_tracker_update(&s->tracker, s->objs, n_things, tp, s->ids);
    if (st != SEG_OK)
        return st;
    s->new_ids[0] = 0;
    for (size_t i = 0, k = 0; i < pan->n; i++) {
        segi_pan_seg *sg = &pan->segs[i];
        int64_t id = sg->is_thing ? s->ids[k++] : SEG_SEQUENCE_STUFF_ID_BASE + sg->category;
        s->new_ids[i + 1] = (int32_t)id;
    }
    for (size_t i = 0; i < (size_t)(pan->h * pan->w); i++)
        pan->map[i] = pan->map[i] > 0 ? s->new_ids[pan->map[i]] : pan->map[i];
    for (size_t i = 0; i < pan->n; i++)
        pan->segs[i].id = s->new_ids[i + 1];
    return SEG_OK;
}

/* Whether `image` differs in size from the last frame (then everything starts over). */
static bool new_size(const seg_sequence *s, const seg_tensor *image)
{
    int rank = seg_tensor_rank(image);
    return s->frames && rank >= 2 &&
           (seg_tensor_dim(image, 0) != s->h || seg_tensor_dim(image, 1) != s->w);
}

seg_status seg_sequence_push(seg_sequence *s, const seg_tensor *image, const seg_result **out)
{
    SEGI_REQUIRE(s);
    SEGI_REQUIRE(image);
    SEGI_REQUIRE(out);
    bool resized = new_size(s, image);
    if (resized)
        s->ema_count = 0;
    segi_run_hook hook = {smooth, s};
    seg_result *r = NULL;
    seg_status st = segi_run_image(s->model, s->session, s->profile, image,
                                   s->alpha < 1 ? &hook : NULL, &s->ws, &r);
    segi_track_params tp = {s->iou_threshold, s->max_missed};
    if (st == SEG_OK && resized)
        segi_tracker_clear(&s->tracker);
    if (st == SEG_OK && r->instances)
        st = track_instances(s, r->instances, &tp);
    if (st == SEG_OK && r->panoptic)
        st = track_panoptic(s, r->panoptic, &tp);
    if (st != SEG_OK) {
        seg_result_destroy(r);
        s->ema_count = 0;
        return st;
    }
    if (s->result)
        segi_run_ws_recycle(&s->ws, s->result);
    s->result = r;
    s->frames++;
    s->h = seg_tensor_dim(image, 0);
    s->w = seg_tensor_dim(image, 1);
    *out = r;
    return SEG_OK;
}
