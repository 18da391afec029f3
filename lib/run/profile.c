/* Model profiles: strict JSON parsing (jansson) with errors naming the field path. */
#include "run/profile.h"

#include "core/error.h"
#include "core/file.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROFILE_MAX_BYTES (16u << 20)
#define PATH_CAP 96

static seg_status bad(const char *path, const char *what)
{
    return segi_error(SEG_ERR_FORMAT, "%s: %s", path, what);
}

static seg_status get_number(const json_t *v, const char *path, double lo, double hi,
                             double *out)
{
    if (!json_is_number(v))
        return bad(path, "expected a number");
    double d = json_number_value(v);
    if (!(d >= lo && d <= hi))
        return segi_error(SEG_ERR_FORMAT, "%s: %g is outside [%g, %g]", path, d, lo, hi);
    *out = d;
    return SEG_OK;
}

static seg_status get_string(const json_t *v, const char *path, char **out)
{
    if (!json_is_string(v))
        return bad(path, "expected a string");
    *out = strdup(json_string_value(v));
    return *out ? SEG_OK : segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: out of memory", path);
}

/* Index of `v` (a string) in the NULL-terminated `names`. */
static seg_status get_choice(const json_t *v, const char *path, const char *const *names,
                             int *out)
{
    if (!json_is_string(v))
        return bad(path, "expected a string");
    for (int i = 0; names[i]; i++)
        if (strcmp(json_string_value(v), names[i]) == 0)
            return *out = i, SEG_OK;
    return segi_error(SEG_ERR_FORMAT, "%s: unknown value '%s'", path, json_string_value(v));
}

/* An array of exactly `n` (or, with n == 0, 1..cap) elements; its length to *len. */
static seg_status get_array(const json_t *v, const char *path, size_t n, size_t cap,
                            size_t *len)
{
    if (!json_is_array(v))
        return bad(path, "expected an array");
    size_t k = json_array_size(v);
    if (n ? k != n : (k < 1 || k > cap))
        return n ? segi_error(SEG_ERR_FORMAT, "%s: expected %zu elements, got %zu", path, n, k)
                 : segi_error(SEG_ERR_FORMAT, "%s: expected 1..%zu elements, got %zu", path,
                              cap, k);
    *len = k;
    return SEG_OK;
}

static seg_status get_triple(const json_t *v, const char *path, double lo, double hi,
                             float out[3])
{
    size_t n;
    seg_status st = get_array(v, path, 3, 3, &n);
    for (size_t i = 0; st == SEG_OK && i < 3; i++) {
        char sub[PATH_CAP];
        double d = 0;
        if (snprintf(sub, sizeof sub, "%s[%zu]", path, i) >= (int)sizeof sub)
            sub[sizeof sub - 2] = '~'; /* a path this long is cut, visibly */
        st = get_number(json_array_get(v, i), sub, lo, hi, &d);
        out[i] = (float)d;
    }
    return st;
}

/* Reject keys of `obj` not in `known`: a typo must not silently fall back to a default. */
static seg_status check_keys(const json_t *obj, const char *path, const char *const *known)
{
    const char *key;
    const json_t *val;
    json_object_foreach((json_t *)obj, key, val) {
        int found = 0;
        for (int i = 0; known[i] && !found; i++)
            found = strcmp(key, known[i]) == 0;
        if (!found)
            return segi_error(SEG_ERR_FORMAT, "%s.%s: unknown field", path, key);
    }
    return SEG_OK;
}

static seg_status parse_size(seg_profile *p, const json_t *v)
{
    if (json_is_string(v) && strcmp(json_string_value(v), "keep") == 0)
        return p->fit = SEGI_FIT_KEEP, SEG_OK;
    if (!json_is_array(v))
        return bad("preprocess.size", "expected [height, width] or \"keep\"");
    size_t n;
    double hw[2] = {0, 0};
    seg_status st = get_array(v, "preprocess.size", 2, 2, &n);
    for (size_t i = 0; st == SEG_OK && i < 2; i++) {
        char sub[PATH_CAP];
        snprintf(sub, sizeof sub, "preprocess.size[%zu]", i);
        st = get_number(json_array_get(v, i), sub, 1, 65536, &hw[i]);
        if (st == SEG_OK && hw[i] != floor(hw[i]))
            st = bad(sub, "expected an integer");
    }
    p->height = (int64_t)hw[0];
    p->width = (int64_t)hw[1];
    return st;
}

static seg_status parse_preprocess(seg_profile *p, const json_t *pre)
{
    static const char *const keys[] = {"input", "size",  "resize",   "pad_value", "mean",
                                       "std",   "scale", "channels", NULL};
    static const char *const resizes[] = {"stretch", "letterbox", NULL};
    static const char *const orders[] = {"rgb", "bgr", NULL};
    if (!json_is_object(pre))
        return bad("preprocess", "expected an object");
    seg_status st = check_keys(pre, "preprocess", keys);
    const json_t *v;
    if (st == SEG_OK && (v = json_object_get(pre, "input")))
        st = get_string(v, "preprocess.input", &p->input);
    if (st == SEG_OK)
        st = (v = json_object_get(pre, "size")) ? parse_size(p, v)
                                                 : bad("preprocess.size", "missing");
    int choice = 0;
    if (st == SEG_OK && (v = json_object_get(pre, "resize"))) {
        st = get_choice(v, "preprocess.resize", resizes, &choice);
        if (st == SEG_OK && p->fit == SEGI_FIT_KEEP)
            st = bad("preprocess.resize", "not allowed with size \"keep\"");
        if (st == SEG_OK)
            p->fit = choice ? SEGI_FIT_LETTERBOX : SEGI_FIT_STRETCH;
    }
    if (st == SEG_OK && (v = json_object_get(pre, "pad_value")))
        st = get_number(v, "preprocess.pad_value", 0, 255, &p->pad_value);
    if (st == SEG_OK && (v = json_object_get(pre, "mean")))
        st = get_triple(v, "preprocess.mean", -1e6, 1e6, p->mean);
    if (st == SEG_OK && (v = json_object_get(pre, "std")))
        st = get_triple(v, "preprocess.std", 1e-12, 1e6, p->std);
    double scale = 1;
    if (st == SEG_OK && (v = json_object_get(pre, "scale"))) {
        st = get_number(v, "preprocess.scale", 1e-12, 1e6, &scale);
        p->scale = (float)scale;
    }
    if (st == SEG_OK && (v = json_object_get(pre, "channels"))) {
        st = get_choice(v, "preprocess.channels", orders, &choice);
        p->order = choice ? SEG_CHANNELS_BGR : SEG_CHANNELS_RGB;
    }
    return st;
}

/* The decoders, the task each produces and the outputs each takes, in segi_decoder order. */
static const struct {
    const char *name;
    seg_task task;
    size_t n_outputs;
    const char *outputs;
} decoders[] = {
    {"argmax", SEG_TASK_SEMANTIC, 1, "logits"},
    {"sigmoid", SEG_TASK_SALIENT, 1, "logit"},
    {"yolo-seg", SEG_TASK_INSTANCE, 2, "output0, prototypes"},
    {"maskrcnn", SEG_TASK_INSTANCE, 4, "boxes, labels, scores, masks"},
    {"panoptic-fpn", SEG_TASK_PANOPTIC, 5, "semantic logits, boxes, labels, scores, masks"},
    {"panoptic-deeplab", SEG_TASK_PANOPTIC, 3, "semantic logits, center, offsets"},
    {"mask2former", SEG_TASK_PANOPTIC, 2, "class logits, mask logits"},
};

static seg_status parse_task(seg_profile *p, const json_t *post)
{
    static const char *const tasks[] = {"semantic", "instance", "panoptic", "salient", NULL};
    const char *names[sizeof decoders / sizeof decoders[0] + 1] = {NULL};
    for (size_t i = 0; i < sizeof decoders / sizeof decoders[0]; i++)
        names[i] = decoders[i].name;
    const json_t *v = json_object_get(post, "task");
    int task = 0, dec = 0;
    if (!v)
        return bad("postprocess.task", "missing");
    seg_status st = get_choice(v, "postprocess.task", tasks, &task);
    if (st != SEG_OK)
        return st;
    p->task = (seg_task)(task + 1);
    if (!(v = json_object_get(post, "decoder")))
        return bad("postprocess.decoder", "missing");
    if ((st = get_choice(v, "postprocess.decoder", names, &dec)) != SEG_OK)
        return st;
    if (decoders[dec].task != p->task)
        return segi_error(SEG_ERR_FORMAT, "postprocess.decoder: '%s' does not produce task '%s'",
                          names[dec], tasks[task]);
    p->decoder = (segi_decoder)dec;
    return SEG_OK;
}

static seg_status parse_outputs(seg_profile *p, const json_t *v)
{
    seg_status st = get_array(v, "postprocess.outputs", 0, SEGI_PROFILE_MAX_OUTPUTS, &p->n_outputs);
    for (size_t i = 0; st == SEG_OK && i < p->n_outputs; i++) {
        char sub[PATH_CAP];
        snprintf(sub, sizeof sub, "postprocess.outputs[%zu]", i);
        st = get_string(json_array_get(v, i), sub, &p->outputs[i]);
    }
    if (st == SEG_OK && p->n_outputs != decoders[p->decoder].n_outputs)
        st = segi_error(SEG_ERR_FORMAT, "postprocess.outputs: decoder '%s' takes %zu outputs "
                        "(%s), got %zu", decoders[p->decoder].name,
                        decoders[p->decoder].n_outputs, decoders[p->decoder].outputs,
                        p->n_outputs);
    return st;
}

static seg_status parse_classes(seg_profile *p, const json_t *v)
{
    size_t n = 0;
    seg_status st = get_array(v, "postprocess.classes", 0, 65536, &n);
    if (st != SEG_OK)
        return st;
    p->class_names = calloc(n, sizeof *p->class_names);
    p->is_thing = calloc(n, sizeof *p->is_thing);
    if (!p->class_names || !p->is_thing)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "postprocess.classes: out of memory");
    p->n_classes = n;
    for (size_t i = 0; st == SEG_OK && i < n; i++) {
        char sub[PATH_CAP];
        snprintf(sub, sizeof sub, "postprocess.classes[%zu]", i);
        st = get_string(json_array_get(v, i), sub, &p->class_names[i]);
    }
    return st;
}

static seg_status parse_things(seg_profile *p, const json_t *v)
{
    size_t n = 0;
    if (!p->n_classes)
        return bad("postprocess.things", "needs postprocess.classes");
    seg_status st = get_array(v, "postprocess.things", p->n_classes, p->n_classes, &n);
    for (size_t i = 0; st == SEG_OK && i < n; i++) {
        char sub[PATH_CAP];
        snprintf(sub, sizeof sub, "postprocess.things[%zu]", i);
        const json_t *e = json_array_get(v, i);
        if (!json_is_boolean(e))
            st = bad(sub, "expected true or false");
        p->is_thing[i] = json_is_true(e);
    }
    return st;
}

static seg_status parse_palette(seg_profile *p, const json_t *v)
{
    seg_status st = get_array(v, "postprocess.palette", 0, 65536, &p->n_colors);
    if (st != SEG_OK)
        return st;
    if (!(p->palette = malloc(p->n_colors * 3)))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "postprocess.palette: out of memory");
    for (size_t i = 0; st == SEG_OK && i < p->n_colors; i++) {
        char sub[PATH_CAP];
        float rgb[3];
        snprintf(sub, sizeof sub, "postprocess.palette[%zu]", i);
        st = get_triple(json_array_get(v, i), sub, 0, 255, rgb);
        for (int k = 0; k < 3; k++)
            p->palette[i * 3 + k] = (uint8_t)rgb[k];
    }
    return st;
}

static seg_status parse_thresholds(seg_profile *p, const json_t *t)
{
    static const char *const keys[] = {"score", "iou",        "mask",    "center",
                                       "stuff_area", "max_det", NULL};
    float *const unit[] = {&p->score_threshold, &p->iou_threshold, &p->mask_threshold,
                           &p->center_threshold};
    if (!json_is_object(t))
        return bad("postprocess.thresholds", "expected an object");
    seg_status st = check_keys(t, "postprocess.thresholds", keys);
    for (int i = 0; st == SEG_OK && keys[i]; i++) {
        const json_t *v = json_object_get(t, keys[i]);
        char sub[PATH_CAP];
        double d = 0;
        if (!v)
            continue;
        snprintf(sub, sizeof sub, "postprocess.thresholds.%s", keys[i]);
        st = get_number(v, sub, i < 4 ? 0 : 1, i < 4 ? 1 : 1e12, &d);
        if (st == SEG_OK && i >= 4 && d != floor(d))
            st = bad(sub, "expected an integer");
        if (i < 4)
            *unit[i] = (float)d;
        else
            *(i == 4 ? &p->stuff_area : &p->max_det) = (int64_t)d;
    }
    return st;
}

static seg_status parse_postprocess(seg_profile *p, const json_t *post)
{
    static const char *const keys[] = {"task",   "decoder", "outputs",    "classes",
                                       "things", "palette", "thresholds", NULL};
    if (!json_is_object(post))
        return bad("postprocess", "expected an object");
    seg_status st = check_keys(post, "postprocess", keys);
    if (st == SEG_OK)
        st = parse_task(p, post);
    const json_t *v;
    if (st == SEG_OK && (v = json_object_get(post, "outputs")))
        st = parse_outputs(p, v);
    if (st == SEG_OK && (v = json_object_get(post, "classes")))
        st = parse_classes(p, v);
    if (st == SEG_OK && (v = json_object_get(post, "things")))
        st = parse_things(p, v);
    if (st == SEG_OK && (v = json_object_get(post, "palette")))
        st = parse_palette(p, v);
    if (st == SEG_OK && (v = json_object_get(post, "thresholds")))
        st = parse_thresholds(p, v);
    return st;
}

static void set_defaults(seg_profile *p)
{
    p->fit = SEGI_FIT_STRETCH;
    p->pad_value = 114;
    p->scale = 1.0f / 255;
    for (int i = 0; i < 3; i++)
        p->std[i] = 1;
    p->score_threshold = NAN; /* each decoder has its own default */
    p->iou_threshold = 0.7f;
    p->mask_threshold = 0.5f;
    p->center_threshold = 0.1f;
    p->stuff_area = 0; /* each panoptic decoder has its own default */
    p->max_det = 300;
}

static seg_status parse_root(seg_profile *p, const json_t *root)
{
    static const char *const keys[] = {"preprocess", "postprocess", NULL};
    if (!json_is_object(root))
        return bad("(root)", "expected an object");
    seg_status st = check_keys(root, "(root)", keys);
    const json_t *pre = json_object_get(root, "preprocess");
    const json_t *post = json_object_get(root, "postprocess");
    if (st == SEG_OK)
        st = pre ? parse_preprocess(p, pre) : bad("preprocess", "missing");
    if (st == SEG_OK)
        st = post ? parse_postprocess(p, post) : bad("postprocess", "missing");
    return st;
}

seg_status seg_profile_load_memory(const void *data, size_t size, seg_profile **out)
{
    SEGI_REQUIRE(data || !size);
    SEGI_REQUIRE(out);
    json_error_t jerr;
    json_t *root = json_loadb(data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return segi_error(SEG_ERR_FORMAT, "profile: invalid JSON at line %d column %d: %s",
                          jerr.line, jerr.column, jerr.text);
    seg_profile *p = calloc(1, sizeof *p);
    if (!p) {
        json_decref(root);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "profile: out of memory");
    }
    set_defaults(p);
    seg_status st = parse_root(p, root);
    json_decref(root);
    if (st != SEG_OK) {
        seg_profile_destroy(p);
        return st;
    }
    *out = p;
    return SEG_OK;
}

seg_status seg_profile_load_file(const char *path, seg_profile **out)
{
    SEGI_REQUIRE(path);
    SEGI_REQUIRE(out);
    void *data;
    size_t size;
    seg_status st = segi_read_file(path, PROFILE_MAX_BYTES, &data, &size);
    if (st != SEG_OK)
        return st;
    st = seg_profile_load_memory(data, size, out);
    free(data);
    return st == SEG_OK ? st : segi_error_context(st, "%s", path);
}

void seg_profile_destroy(seg_profile *profile)
{
    if (!profile)
        return;
    free(profile->input);
    for (size_t i = 0; i < profile->n_outputs; i++)
        free(profile->outputs[i]);
    for (size_t i = 0; i < profile->n_classes; i++)
        free(profile->class_names[i]);
    free(profile->class_names);
    free(profile->is_thing);
    free(profile->palette);
    free(profile);
}

seg_task seg_profile_task(const seg_profile *profile)
{
    return profile ? profile->task : (seg_task)0;
}

size_t seg_profile_class_count(const seg_profile *profile)
{
    return profile ? profile->n_classes : 0;
}

const char *seg_profile_class_name(const seg_profile *profile, size_t cls)
{
    return profile && cls < profile->n_classes ? profile->class_names[cls] : NULL;
}

void seg_profile_color(const seg_profile *profile, size_t cls, uint8_t rgb[3])
{
    if (profile && cls < profile->n_colors)
        memcpy(rgb, profile->palette + cls * 3, 3);
    else if (profile && (profile->task == SEG_TASK_INSTANCE || profile->task == SEG_TASK_PANOPTIC))
        seg_palette_voc(cls + 1, rgb); /* VOC colour 0 is background black */
    else
        seg_palette_voc(cls, rgb);
}
