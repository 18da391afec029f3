/* Post-processing benchmark: each task's time against a memory-bandwidth floor measured
 * in the same run (the bytes the task must read and write, at memcpy speed).
 *
 *   build/bench/bench_post [repeats]
 *
 * Prints one line per task: best and median time, the floor, and time / floor. */
#include <seg/seg.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* memcpy bandwidth in bytes/s counting the bytes read plus the bytes written. */
static double bandwidth(void)
{
    size_t n = (size_t)64 << 20;
    char *a = malloc(n), *b = malloc(n);
    if (!a || !b)
        exit(1);
    memset(a, 1, n);
    memset(b, 2, n);
    double best = 1e9;
    for (int r = 0; r < 8; r++) {
        double t = now();
        memcpy(r % 2 ? a : b, r % 2 ? b : a, n);
        t = now() - t;
        best = t < best ? t : best;
    }
    volatile char sink = a[n / 2] + b[n / 3];
    (void)sink;
    free(a);
    free(b);
    return 2.0 * (double)n / best;
}

static void die(seg_status st, const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", what, seg_status_string(st), seg_last_error());
    exit(1);
}

static float frand(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (float)(*s >> 8) / 16777216.0f;
}

static float nrand(unsigned *s)
{
    return (frand(s) + frand(s) + frand(s) + frand(s) - 2.0f) * 1.7f;
}

typedef void (*task_fn)(void *ctx);

static void report(const char *name, task_fn fn, void *ctx, int repeats, double floor_bytes,
                   double bw)
{
    double *t = malloc((size_t)repeats * sizeof *t);
    fn(ctx); /* warm-up */
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        fn(ctx);
        t[r] = now() - t0;
    }
    qsort(t, (size_t)repeats, sizeof *t, cmp_double);
    double fl = floor_bytes / bw;
    printf("%-40s best %8.3f ms  median %8.3f ms  floor %7.3f ms (%6.2f MB)  ratio %6.2f\n",
           name, 1e3 * t[0], 1e3 * t[repeats / 2], 1e3 * fl, floor_bytes / 1e6, t[0] / fl);
    free(t);
}

/* ---- argmax + upsample: 21 x 128 x 128 -> 512 x 512 ---------------------------- */

typedef struct sem_ctx {
    seg_tensor *logits;
    seg_semantic_params p;
} sem_ctx;

static void run_semantic(void *ctx)
{
    sem_ctx *c = ctx;
    seg_semantic *s;
    seg_status st = seg_semantic_from_logits(c->logits, &c->p, &s);
    if (st)
        die(st, "semantic");
    seg_semantic_destroy(s);
}

/* ---- YOLO-seg decode: 8400 candidates, 80 classes, 32 x 160 x 160 protos -------- */

typedef struct yolo_ctx {
    seg_tensor *out0, *protos;
    seg_input_geometry geom;
    seg_yolo_params p;
    size_t last_count;
} yolo_ctx;

static void run_yolo(void *ctx)
{
    yolo_ctx *c = ctx;
    seg_instances *in;
    seg_status st = seg_instances_from_yolo(c->out0, c->protos, &c->geom, &c->p, &in);
    if (st)
        die(st, "yolo");
    c->last_count = seg_instances_count(in);
    seg_instances_destroy(in);
}

static void make_yolo(yolo_ctx *c, unsigned *seed)
{
    int64_t n = 8400, nc = 80, nm = 32;
    int64_t d0[3] = {1, 4 + nc + nm, n}, d1[4] = {1, nm, 160, 160};
    if (seg_tensor_create(SEG_DTYPE_F32, 3, d0, &c->out0) ||
        seg_tensor_create(SEG_DTYPE_F32, 4, d1, &c->protos))
        die(SEG_ERR_OUT_OF_MEMORY, "yolo tensors");
    float *o = seg_tensor_data(c->out0), *pr = seg_tensor_data(c->protos);
    for (int64_t j = 0; j < n; j++) {
        o[j] = 20 + frand(seed) * 600;         /* cx */
        o[n + j] = 20 + frand(seed) * 600;     /* cy */
        o[2 * n + j] = 10 + frand(seed) * 120; /* w */
        o[3 * n + j] = 10 + frand(seed) * 120; /* h */
        /* like a trained model: every score low, 2% of anchors with one confident class */
        for (int64_t k = 0; k < nc; k++)
            o[(4 + k) * n + j] = frand(seed) * 0.2f;
        if (frand(seed) < 0.02f)
            o[(4 + (int64_t)(frand(seed) * (float)nc)) * n + j] = 0.3f + 0.7f * frand(seed);
        for (int64_t k = 0; k < nm; k++)
            o[(4 + nc + k) * n + j] = nrand(seed);
    }
    for (size_t i = 0; i < (size_t)(nm * 160 * 160); i++)
        pr[i] = nrand(seed);
    seg_input_geometry_init(&c->geom, 640, 640, 810, 1080);
    seg_yolo_params_init(&c->p);
}

/* ---- pasting 100 masks of 28 x 28 into 640 x 480 ------------------------------ */

typedef struct paste_ctx {
    seg_tensor *boxes, *masks;
    seg_paste_params p;
} paste_ctx;

static void run_paste(void *ctx)
{
    paste_ctx *c = ctx;
    seg_instances *in;
    seg_status st = seg_instances_from_mask_probs(c->boxes, NULL, NULL, c->masks, &c->p, &in);
    if (st)
        die(st, "paste");
    seg_instances_destroy(in);
}

static double make_paste(paste_ctx *c, unsigned *seed)
{
    int64_t bd[2] = {100, 4}, md[4] = {100, 1, 28, 28};
    if (seg_tensor_create(SEG_DTYPE_F32, 2, bd, &c->boxes) ||
        seg_tensor_create(SEG_DTYPE_F32, 4, md, &c->masks))
        die(SEG_ERR_OUT_OF_MEMORY, "paste tensors");
    float *b = seg_tensor_data(c->boxes), *m = seg_tensor_data(c->masks);
    double box_px = 0;
    for (int i = 0; i < 100; i++) {
        float x = frand(seed) * 540, y = frand(seed) * 380;
        float w = 20 + frand(seed) * 100, h = 20 + frand(seed) * 100;
        b[4 * i] = x;
        b[4 * i + 1] = y;
        b[4 * i + 2] = x + w;
        b[4 * i + 3] = y + h;
        box_px += (double)w * h;
    }
    for (int i = 0; i < 100 * 28 * 28; i++)
        m[i] = frand(seed);
    seg_paste_params_init(&c->p);
    c->p.image_width = 640;
    c->p.image_height = 480;
    return box_px;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 20;
    if (repeats < 1)
        repeats = 1;
    if (seg_check_version(SEG_VERSION_NUMBER))
        return 1;
    unsigned seed = 12345;
    double bw = bandwidth();
    printf("memcpy bandwidth (read + write): %.2f GB/s\n", bw / 1e9);

    sem_ctx sc;
    int64_t sd[4] = {1, 21, 128, 128};
    if (seg_tensor_create(SEG_DTYPE_F32, 4, sd, &sc.logits))
        die(SEG_ERR_OUT_OF_MEMORY, "logits");
    float *l = seg_tensor_data(sc.logits);
    for (size_t i = 0; i < 21 * 128 * 128; i++)
        l[i] = nrand(&seed);
    seg_semantic_params_init(&sc.p);
    sc.p.out_height = sc.p.out_width = 512;
    double sem_bytes = 21.0 * 128 * 128 * 4 + 512.0 * 512;
    report("argmax+upsample 21x128x128 -> 512x512", run_semantic, &sc, repeats, sem_bytes, bw);
    sc.p.outputs = SEG_SEMANTIC_CONFIDENCE;
    report("  same + confidence", run_semantic, &sc, repeats, sem_bytes + 512.0 * 512 * 4, bw);
    seg_tensor_destroy(sc.logits);

    yolo_ctx yc;
    make_yolo(&yc, &seed);
    double yolo_in = (double)seg_tensor_nbytes(yc.out0) + (double)seg_tensor_nbytes(yc.protos);
    run_yolo(&yc);
    char name[96];
    snprintf(name, sizeof name, "yolo-seg 8400 cand, %zu det, letterbox", yc.last_count);
    double yolo_out = (double)yc.last_count * 640 * 640 / 8; /* a crop per detection, roughly */
    report(name, run_yolo, &yc, repeats, yolo_in + yolo_out, bw);
    yc.p.masks = SEG_YOLO_MASKS_NATIVE;
    report("  same, native masks (1080x810)", run_yolo, &yc, repeats, yolo_in + yolo_out, bw);
    yc.p.masks = SEG_YOLO_MASKS_NONE;
    report("  same, boxes only (no masks)", run_yolo, &yc, repeats,
           (double)seg_tensor_nbytes(yc.out0), bw);
    seg_tensor_destroy(yc.out0);
    seg_tensor_destroy(yc.protos);

    paste_ctx pc;
    double box_px = make_paste(&pc, &seed);
    double paste_bytes = (double)seg_tensor_nbytes(pc.masks) + box_px;
    report("paste 100 masks 28x28 -> 640x480, tv", run_paste, &pc, repeats, paste_bytes, bw);
    pc.p.mode = SEG_PASTE_DETECTRON2;
    report("  same, detectron2", run_paste, &pc, repeats, paste_bytes, bw);
    seg_tensor_destroy(pc.boxes);
    seg_tensor_destroy(pc.masks);
    return 0;
}
