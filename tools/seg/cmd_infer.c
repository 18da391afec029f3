/*
 * seg infer MODEL --input NAME=FILE.npy ... --outdir DIR [--threads N] [--iters N]
 *
 * Runs the model once and writes DIR/<output name>.npy for every graph output. Output
 * names are escaped for file systems: bytes other than A-Z a-z 0-9 _ - . and a leading
 * '.' become %XX (upper-case hex); an empty name becomes "%". With --iters N the run is
 * repeated N more times and the median and minimum latency of seg_session_run printed.
 */
#include "commands.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MAX_INPUTS 64

static int usage(FILE *out)
{
    fprintf(out, "usage: seg infer MODEL --input NAME=FILE.npy ... --outdir DIR "
                 "[--threads N] [--iters N]\n"
                 "  --input may omit NAME= when the model has one input\n");
    return out == stdout ? 0 : 2;
}

typedef struct infer_args {
    const char *model, *outdir;
    const char *specs[MAX_INPUTS];
    int n_specs;
    long threads, iters;
} infer_args;

static bool parse_long(const char *s, long lo, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !*s || *end || v < lo)
        return false;
    *out = v;
    return true;
}

/* 0 on success, else the exit code. */
static int parse(int argc, char **argv, infer_args *a)
{
    memset(a, 0, sizeof *a);
    a->threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "--help") == 0)
            return usage(stdout) + 100; /* 100: stop, exit code 0 */
        bool takes = !strcmp(arg, "--input") || !strcmp(arg, "--outdir") ||
                     !strcmp(arg, "--threads") || !strcmp(arg, "--iters");
        if (takes && !val) {
            fprintf(stderr, "seg infer: %s needs a value\n", arg);
            return 2;
        }
        if (!strcmp(arg, "--input") && a->n_specs < MAX_INPUTS)
            a->specs[a->n_specs++] = val;
        else if (!strcmp(arg, "--outdir"))
            a->outdir = val;
        else if (!strcmp(arg, "--threads") && !parse_long(val, 1, &a->threads))
            return fprintf(stderr, "seg infer: bad --threads '%s'\n", val), 2;
        else if (!strcmp(arg, "--iters") && !parse_long(val, 0, &a->iters))
            return fprintf(stderr, "seg infer: bad --iters '%s'\n", val), 2;
        else if (!takes && arg[0] != '-' && !a->model)
            a->model = arg;
        else if (!takes)
            return fprintf(stderr, "seg infer: unexpected argument '%s'\n", arg), usage(stderr);
        i += takes;
    }
    if (!a->model || !a->outdir || !a->n_specs)
        return usage(stderr);
    return 0;
}

static void escape(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    if (!*name)
        snprintf(out, cap, "%%");
    for (size_t i = 0; name[i] && n + 4 < cap; i++) {
        unsigned char c = (unsigned char)name[i];
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9') || c == '_' || c == '-' || (c == '.' && i > 0);
        n += (size_t)snprintf(out + n, cap - n, plain ? "%c" : "%%%02X", c);
    }
    if (*name)
        out[n] = '\0';
}

static seg_status read_inputs(const seg_model *m, const infer_args *a, const char **names,
                              seg_tensor **ts)
{
    for (int i = 0; i < a->n_specs; i++) {
        const char *spec = a->specs[i], *eq = strchr(spec, '=');
        const char *file = eq ? eq + 1 : spec;
        if (eq) {
            names[i] = strndup(spec, (size_t)(eq - spec));
        } else if (seg_model_input_count(m) == 1) {
            names[i] = strdup(seg_model_input_name(m, 0));
        } else {
            fprintf(stderr, "seg infer: --input '%s' needs NAME= (the model has %zu inputs)\n",
                    spec, seg_model_input_count(m));
            return SEG_ERR_INVALID_ARGUMENT;
        }
        if (!names[i])
            return SEG_ERR_OUT_OF_MEMORY;
        seg_status st = seg_npy_read_file(file, NULL, &ts[i]);
        if (st != SEG_OK)
            return st;
    }
    return SEG_OK;
}

static seg_status write_outputs(const seg_model *m, const seg_session *s, const char *dir)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "seg infer: cannot create %s: %s\n", dir, strerror(errno));
        return SEG_ERR_IO;
    }
    for (size_t i = 0; i < seg_model_output_count(m); i++) {
        char file[1024], path[4096];
        escape(seg_model_output_name(m, i), file, sizeof file);
        if (snprintf(path, sizeof path, "%s/%s.npy", dir, file) >= (int)sizeof path)
            return SEG_ERR_LIMIT;
        seg_status st = seg_npy_write_file(seg_session_output(s, i), path);
        if (st != SEG_OK)
            return st;
        printf("%s\n", path);
    }
    return SEG_OK;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static seg_status time_runs(seg_session *s, const char **names, seg_tensor **ts, int n,
                            long iters)
{
    double *ms = calloc((size_t)iters, sizeof *ms);
    if (!ms)
        return SEG_ERR_OUT_OF_MEMORY;
    seg_status st = SEG_OK;
    for (long i = 0; i < iters && st == SEG_OK; i++) {
        double t0 = now_ms();
        st = seg_session_run_named(s, names, (const seg_tensor *const *)ts, (size_t)n);
        ms[i] = now_ms() - t0;
    }
    if (st == SEG_OK) {
        qsort(ms, (size_t)iters, sizeof *ms, by_value);
        double median = iters % 2 ? ms[iters / 2] : (ms[iters / 2 - 1] + ms[iters / 2]) / 2;
        printf("latency over %ld runs: median %.3f ms, min %.3f ms\n", iters, median, ms[0]);
    }
    free(ms);
    return st;
}

int cmd_infer(int argc, char **argv)
{
    infer_args a;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc >= 100 ? rc - 100 : rc;
    seg_options *o = NULL;
    seg_model *m = NULL;
    seg_session *s = NULL;
    const char *names[MAX_INPUTS] = {0};
    seg_tensor *ts[MAX_INPUTS] = {0};
    seg_status st = seg_options_create(&o);
    if (st == SEG_OK)
        st = seg_options_set_int(o, SEG_OPT_THREADS, a.threads);
    if (st == SEG_OK)
        st = seg_model_load_file(a.model, o, &m);
    if (st == SEG_OK)
        st = read_inputs(m, &a, names, ts);
    if (st == SEG_OK)
        st = seg_session_create(m, o, &s);
    if (st == SEG_OK)
        st = seg_session_run_named(s, names, (const seg_tensor *const *)ts, (size_t)a.n_specs);
    if (st == SEG_OK)
        st = write_outputs(m, s, a.outdir);
    if (st == SEG_OK && a.iters > 0)
        st = time_runs(s, names, ts, a.n_specs, a.iters);
    rc = st == SEG_OK ? 0 : cmd_fail("infer", st);
    for (int i = 0; i < a.n_specs; i++) {
        free((char *)names[i]);
        seg_tensor_destroy(ts[i]);
    }
    seg_session_destroy(s);
    seg_model_destroy(m);
    seg_options_destroy(o);
    return rc;
}
