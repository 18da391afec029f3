/*
 * seg infer MODEL --input NAME=FILE.npy ... --outdir DIR [--threads N] [--iters N]
 *
 * Runs the model once and writes DIR/<output name>.npy for every graph output. Output
 * names are escaped for file systems: bytes other than A-Z a-z 0-9 _ - . and a leading
 * '.' become %XX (upper-case hex); an empty name becomes "%". With --iters N the run is
 * repeated N more times and the median and minimum latency of seg_session_run printed.
 */
#include "commands.h"
#include "model_io.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(FILE *out)
{
    fprintf(out, "usage: seg infer MODEL --input NAME=FILE.npy ... --outdir DIR "
                 "[--threads N] [--iters N]\n"
                 "  --input may omit NAME= when the model has one input\n");
    return out == stdout ? 0 : 2;
}

typedef struct infer_args {
    const char *model, *outdir;
    const char *specs[MODEL_IO_MAX_INPUTS];
    int n_specs;
    long threads, iters;
} infer_args;

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
        if (!strcmp(arg, "--input") && a->n_specs < MODEL_IO_MAX_INPUTS)
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

static seg_status time_runs(seg_session *s, const model_inputs *in, long iters)
{
    double *ms = calloc((size_t)iters, sizeof *ms);
    if (!ms)
        return SEG_ERR_OUT_OF_MEMORY;
    seg_status st = SEG_OK;
    for (long i = 0; i < iters && st == SEG_OK; i++) {
        double t0 = now_ms();
        st = model_inputs_run(s, in);
        ms[i] = now_ms() - t0;
    }
    if (st == SEG_OK) {
        double median = median_of(ms, (size_t)iters);
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
    model_run r;
    model_inputs in = {0};
    seg_status st = model_run_open(a.model, a.threads, &r);
    if (st == SEG_OK)
        st = model_inputs_read(r.model, a.specs, a.n_specs, "infer", &in);
    if (st == SEG_OK)
        st = model_inputs_run(r.session, &in);
    if (st == SEG_OK)
        st = model_outputs_write(r.model, r.session, a.outdir, "infer");
    if (st == SEG_OK && a.iters > 0)
        st = time_runs(r.session, &in, a.iters);
    rc = st == SEG_OK ? 0 : cmd_fail("infer", st);
    model_inputs_free(&in);
    model_run_close(&r);
    return rc;
}
