/*
 * gemm_calib MODEL.onnx ... [--threads 1,2] [--min-ms N]
 *
 * The GFLOP/s cblas_sgemm reaches on the GEMMs of the models' convolutions, as the
 * ceiling for the per-conv GFLOP/s of `seg bench --profile`. Each model is planned for
 * its declared input shape (symbolic dimensions: 1); every Conv step with a group of
 * one gives one shape, as the im2col path multiplies it:
 *   M = output channels, K = input channels x kernel size, N = output pixels
 * (y[M, N] = w[M, K] x columns[K, N], row-major). Each distinct shape is timed at each
 * thread count (OpenBLAS's count set with openblas_set_num_threads) until --min-ms of
 * runs (default 200) after one warm-up call; the median is kept. Prints one Markdown
 * row per shape and a FLOP-weighted ceiling per thread count: the GFLOP/s of all the
 * models' conv GEMMs run once each, which `seg bench --gemm-peak` takes.
 *
 * Planning reaches into libseg's internals (the plan's steps), so this links the
 * static library.
 */
#include "graph/model.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SHAPES 512
#define MAX_THREADS 8

typedef struct gemm_shape {
    int m, n, k, count;
} gemm_shape;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void add_shape(gemm_shape *shapes, int *n, int m, int nn, int k)
{
    for (int i = 0; i < *n; i++)
        if (shapes[i].m == m && shapes[i].n == nn && shapes[i].k == k) {
            shapes[i].count++;
            return;
        }
    if (*n < MAX_SHAPES)
        shapes[(*n)++] = (gemm_shape){m, nn, k, 1};
}

/* The conv GEMM shapes of one model's plan for its declared input shapes. */
static seg_status model_shapes(const char *path, gemm_shape *shapes, int *n)
{
    seg_model *m = NULL;
    seg_session *s = NULL;
    seg_tensor *in[8] = {0};
    size_t n_in = 0;
    seg_status st = seg_model_load_file(path, NULL, &m);
    if (st == SEG_OK)
        st = seg_session_create(m, NULL, &s);
    for (size_t i = 0; st == SEG_OK && i < seg_model_input_count(m) && i < 8; i++, n_in++) {
        seg_dtype dt;
        int rank;
        int64_t dims[SEG_MAX_RANK];
        if ((st = seg_model_input_info(m, i, &dt, &rank, dims)) != SEG_OK)
            break;
        for (int d = 0; d < rank; d++)
            dims[d] = dims[d] < 0 ? 1 : dims[d];
        st = seg_tensor_create(dt, rank < 0 ? 0 : rank, dims, &in[i]);
    }
    if (st == SEG_OK)
        st = seg_session_prepare(s, (const seg_tensor *const *)in, n_in);
    for (int i = 0; st == SEG_OK && i < segi_plan_steps(s->plan); i++) {
        const seg_tensor *const *x;
        seg_tensor *const *y;
        int nx, ny;
        if (strcmp(segi_plan_step_node(s->plan, i)->op_type, "Conv") != 0)
            continue;
        segi_plan_step_tensors(s->plan, i, &x, &nx, &y, &ny);
        const seg_tensor *w = x[1];
        if (x[0]->dims[1] != w->dims[1])
            continue; /* grouped: not one GEMM */
        int64_t k = 1, pixels = 1;
        for (int d = 1; d < w->rank; d++)
            k *= w->dims[d];
        for (int d = 2; d < y[0]->rank; d++)
            pixels *= y[0]->dims[d];
        add_shape(shapes, n, (int)w->dims[0], (int)pixels, (int)k);
    }
    for (size_t i = 0; i < 8; i++)
        seg_tensor_destroy(in[i]);
    seg_session_destroy(s);
    seg_model_destroy(m);
    if (st != SEG_OK)
        fprintf(stderr, "gemm_calib: %s: %s: %s\n", path, seg_status_string(st),
                seg_last_error());
    return st;
}

static int by_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median milliseconds of one sgemm of this shape. */
static double time_gemm(const gemm_shape *g, const float *a, const float *b, float *c,
                        double min_ms)
{
    double ms[1000];
    int runs = 0;
    double start = now_ms();
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->m, g->n, g->k, 1.0f, a, g->k,
                b, g->n, 0.0f, c, g->n);
    while (runs < 1000 && (runs < 3 || now_ms() - start < min_ms)) {
        double t0 = now_ms();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->m, g->n, g->k, 1.0f, a,
                    g->k, b, g->n, 0.0f, c, g->n);
        ms[runs++] = now_ms() - t0;
    }
    qsort(ms, (size_t)runs, sizeof ms[0], by_cmp);
    return ms[runs / 2];
}

static void set_threads(int t)
{
#ifdef SEGI_OPENBLAS
    openblas_set_num_threads(t);
#else
    (void)t;
#endif
}

int main(int argc, char **argv)
{
    static gemm_shape shapes[MAX_SHAPES];
    int n = 0, threads[MAX_THREADS] = {1, 2}, n_threads = 2;
    double min_ms = 200;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            n_threads = 0;
            for (char *t = strtok(argv[++i], ","); t && n_threads < MAX_THREADS; t = strtok(NULL, ","))
                threads[n_threads++] = atoi(t) > 0 ? atoi(t) : 1;
        } else if (!strcmp(argv[i], "--min-ms") && i + 1 < argc) {
            min_ms = atof(argv[++i]);
        } else if (model_shapes(argv[i], shapes, &n) != SEG_OK) {
            return 1;
        }
    }
    if (n == 0) {
        fprintf(stderr, "usage: gemm_calib MODEL.onnx ... [--threads 1,2] [--min-ms N]\n");
        return 2;
    }
    size_t na = 1, nb = 1, nc = 1;
    for (int i = 0; i < n; i++) {
        size_t m = (size_t)shapes[i].m, nn = (size_t)shapes[i].n, k = (size_t)shapes[i].k;
        na = m * k > na ? m * k : na;
        nb = k * nn > nb ? k * nn : nb;
        nc = m * nn > nc ? m * nn : nc;
    }
    float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b), *c = malloc(nc * sizeof *c);
    if (!a || !b || !c)
        return fprintf(stderr, "gemm_calib: out of memory\n"), 1;
    for (size_t i = 0; i < na; i++)
        a[i] = (float)(i % 13) / 13.0f;
    for (size_t i = 0; i < nb; i++)
        b[i] = (float)(i % 7) / 7.0f;
    double flops_total = 0, ms_total[MAX_THREADS] = {0};
    printf("| M | N | K | convs |");
    for (int t = 0; t < n_threads; t++)
        printf(" GFLOP/s %d thr |", threads[t]);
    printf("\n|---|---|---|---|");
    for (int t = 0; t < n_threads; t++)
        printf("---|");
    printf("\n");
    for (int i = 0; i < n; i++) {
        const gemm_shape *g = &shapes[i];
        double flops = 2.0 * g->m * (double)g->n * g->k;
        flops_total += flops * g->count;
        printf("| %d | %d | %d | %d |", g->m, g->n, g->k, g->count);
        for (int t = 0; t < n_threads; t++) {
            set_threads(threads[t]);
            double ms = time_gemm(g, a, b, c, min_ms);
            ms_total[t] += ms * g->count;
            printf(" %.1f |", flops / ms / 1e6);
        }
        printf("\n");
        fflush(stdout);
    }
    for (int t = 0; t < n_threads; t++)
        printf("\nceiling %d thread%s: %.1f GFLOP/s (all conv GEMMs once, FLOP-weighted)",
               threads[t], threads[t] > 1 ? "s" : "", flops_total / ms_total[t] / 1e6);
    printf("\n");
    free(a);
    free(b);
    free(c);
    return 0;
}
