/*
 * seg bench MODEL [--input NAME=FILE.npy ...] [--threads N] [--warmup N] [--runs N]
 *                 [--outdir DIR] [--serve] [--profile [--gemm-peak GFLOPS]]
 *
 * Times seg_session_run on fixed inputs: model load, then warm-up runs, then timed runs;
 * prints load, median and min latency and the process's peak RSS. Without --input every
 * model input must have a static shape and is filled with a fixed pseudo-random pattern.
 *
 * --serve is for side-by-side comparisons (bench/compare.py): after loading and the
 * warm-up it prints "ready load_ms=X" and then answers one line per command on stdin:
 *   run        -> "ms=X"         one timed run
 *   write DIR  -> "ok"           write the outputs of the last run as .npy
 *   rss        -> "rss_kb=X"     peak resident set size so far
 *   quit       -> exits
 *
 * --profile: after the timed runs (which are not profiled), a second session with
 * SEG_OPT_PROFILE_NODES runs as many times and prints each node's mean time, its share
 * of the run, GFLOP/s for convs (and, with --gemm-peak, that as a fraction of the GEMM
 * ceiling bench/gemm_calib measured), then the shares of im2col, GEMM, Winograd
 * transforms and everything else.
 */
#include "commands.h"
#include "model_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bench_args {
    const char *model, *outdir;
    const char *specs[MODEL_IO_MAX_INPUTS];
    int n_specs;
    long threads, warmup, runs;
    bool serve, profile;
    double gemm_peak;  /* GFLOP/s, 0: unknown */
} bench_args;

static int usage(FILE *out)
{
    fprintf(out, "usage: seg bench MODEL [--input NAME=FILE.npy ...] [--threads N] "
                 "[--warmup N] [--runs N] [--outdir DIR] [--serve] "
                 "[--profile [--gemm-peak GFLOPS]]\n");
    return out == stdout ? 0 : 2;
}

/* 0 on success, else the exit code (100 + code: stop without error). */
static int parse(int argc, char **argv, bench_args *a)
{
    memset(a, 0, sizeof *a);
    a->threads = 1;
    a->warmup = 3;
    a->runs = 10;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(arg, "--help"))
            return 100 + usage(stdout);
        if (!strcmp(arg, "--serve") || !strcmp(arg, "--profile")) {
            a->serve |= !strcmp(arg, "--serve");
            a->profile |= !strcmp(arg, "--profile");
            continue;
        }
        if (!strcmp(arg, "--gemm-peak")) {
            char *end = NULL;
            a->gemm_peak = val ? strtod(val, &end) : 0;
            if (!val || *end || !(a->gemm_peak > 0))
                return fprintf(stderr, "seg bench: bad --gemm-peak '%s'\n", val ? val : ""), 2;
            i++;
            continue;
        }
        long *num = !strcmp(arg, "--threads") ? &a->threads : !strcmp(arg, "--warmup") ? &a->warmup
                  : !strcmp(arg, "--runs") ? &a->runs : NULL;
        bool takes = num || !strcmp(arg, "--input") || !strcmp(arg, "--outdir");
        if (takes && !val)
            return fprintf(stderr, "seg bench: %s needs a value\n", arg), 2;
        if (num && !parse_long(val, num == &a->threads ? 1 : 0, num))
            return fprintf(stderr, "seg bench: bad %s '%s'\n", arg, val), 2;
        if (!strcmp(arg, "--input") && a->n_specs < MODEL_IO_MAX_INPUTS)
            a->specs[a->n_specs++] = val;
        else if (!strcmp(arg, "--outdir"))
            a->outdir = val;
        else if (!takes && arg[0] != '-' && !a->model)
            a->model = arg;
        else if (!takes)
            return fprintf(stderr, "seg bench: unexpected argument '%s'\n", arg), usage(stderr);
        i += takes;
    }
    return a->model ? 0 : usage(stderr);
}

/* Inputs with a static declared shape, filled with a fixed pattern in [0, 1). */
static seg_status synthesize_inputs(const seg_model *m, model_inputs *in)
{
    memset(in, 0, sizeof *in);
    for (size_t i = 0; i < seg_model_input_count(m) && i < MODEL_IO_MAX_INPUTS; i++) {
        seg_dtype dtype;
        int rank;
        int64_t dims[SEG_MAX_RANK];
        seg_status st = seg_model_input_info(m, i, &dtype, &rank, dims);
        for (int d = 0; st == SEG_OK && d < rank; d++)
            if (dims[d] < 0) {
                fprintf(stderr, "seg bench: input '%s' has a symbolic dimension: give "
                                "--input\n", seg_model_input_name(m, i));
                return SEG_ERR_INVALID_ARGUMENT;
            }
        if (st == SEG_OK && dtype != SEG_DTYPE_F32) {
            fprintf(stderr, "seg bench: input '%s' is %s: give --input\n",
                    seg_model_input_name(m, i), seg_dtype_name(dtype));
            return SEG_ERR_INVALID_ARGUMENT;
        }
        if (st == SEG_OK)
            st = seg_tensor_create(dtype, rank < 0 ? 0 : rank, dims, &in->tensors[i]);
        if (st != SEG_OK)
            return st;
        in->names[i] = strdup(seg_model_input_name(m, i));
        in->n = (int)i + 1;
        float *x = seg_tensor_data(in->tensors[i]);
        uint32_t state = 12345;
        for (size_t k = 0; k < seg_tensor_count(in->tensors[i]); k++) {
            state = state * 1664525u + 1013904223u;
            x[k] = (float)(state >> 8) / 16777216.0f;
        }
    }
    return SEG_OK;
}

static long peak_rss_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (fp && fgets(line, sizeof line, fp))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    if (fp)
        fclose(fp);
    return kb;
}

static seg_status serve(const seg_model *m, seg_session *s, const model_inputs *in)
{
    char line[4096];
    seg_status st = SEG_OK;
    while (st == SEG_OK && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        if (!strcmp(line, "run")) {
            double t0 = now_ms();
            st = model_inputs_run(s, in);
            printf("ms=%.4f\n", now_ms() - t0);
        } else if (!strncmp(line, "write ", 6)) {
            st = model_outputs_write(m, s, line + 6, "bench");
            printf("ok\n");
        } else if (!strcmp(line, "rss")) {
            printf("rss_kb=%ld\n", peak_rss_kb());
        } else if (!strcmp(line, "quit")) {
            break;
        } else {
            printf("error unknown command '%s'\n", line);
        }
        fflush(stdout);
    }
    return st;
}

static seg_status measure(const seg_model *m, seg_session *s, const model_inputs *in,
                          const bench_args *a, double load_ms)
{
    double *ms = calloc((size_t)a->runs + 1, sizeof *ms);
    if (!ms)
        return SEG_ERR_OUT_OF_MEMORY;
    seg_status st = SEG_OK;
    for (long i = 0; i < a->runs && st == SEG_OK; i++) {
        double t0 = now_ms();
        st = model_inputs_run(s, in);
        ms[i] = now_ms() - t0;
    }
    if (st == SEG_OK && a->outdir)
        st = model_outputs_write(m, s, a->outdir, "bench");
    if (st == SEG_OK && a->runs > 0) {
        double median = median_of(ms, (size_t)a->runs);
        printf("load %.1f ms; %ld runs after %ld warm-up: median %.3f ms, min %.3f ms; "
               "peak RSS %ld kB\n", load_ms, a->runs, a->warmup, median, ms[0], peak_rss_kb());
    }
    free(ms);
    return st;
}

/* Per-node sums over the profiled runs, in the session's record order. */
typedef struct node_sums {
    size_t n;
    double *ns;                 /* n rows of stats */
    double phase[3], run_ns;    /* im2col, GEMM, transform; whole runs */
} node_sums;

enum { N_COLS = 5 };  /* NS, IM2COL_NS, GEMM_NS, TRANSFORM_NS, FLOPS */

static seg_status add_run(const seg_session *s, node_sums *sum)
{
    if (!sum->ns) {
        sum->n = seg_session_node_count(s);
        if (!(sum->ns = calloc(sum->n * N_COLS + 1, sizeof *sum->ns)))
            return SEG_ERR_OUT_OF_MEMORY;
    }
    for (size_t i = 0; i < sum->n; i++)
        for (int c = 0; c < N_COLS; c++) {
            uint64_t v = 0;
            seg_status st = seg_session_node_stat(s, i, (seg_node_stat)(SEG_NODE_STAT_NS + c), &v);
            if (st != SEG_OK)
                return st;
            sum->ns[i * N_COLS + c] += (double)v;
            if (c >= 1 && c <= 3)
                sum->phase[c - 1] += (double)v;
        }
    sum->run_ns += (double)seg_session_run_ns(s);
    return SEG_OK;
}

static void print_profile(const seg_session *s, const node_sums *sum, long runs, double peak)
{
    double run_ms = sum->run_ns / 1e6 / (double)runs, nodes = 0;
    printf("profile: %ld runs, %zu nodes, mean run %.3f ms\n", runs, sum->n, run_ms);
    printf("%7s %6s %9s %6s  %-22s %s\n", "ms", "share", "GFLOP/s", "eff", "op", "node");
    for (size_t i = 0; i < sum->n; i++) {
        const double *r = sum->ns + i * N_COLS;
        double ms = r[0] / 1e6 / (double)runs, flops = r[4] / (double)runs;
        nodes += r[0];
        printf("%7.3f %5.1f%%", ms, 100 * r[0] / sum->run_ns);
        if (flops > 0 && ms > 0)
            printf(" %9.1f", flops / ms / 1e6);
        else
            printf(" %9s", "");
        if (flops > 0 && ms > 0 && peak > 0)
            printf(" %5.0f%%", 100 * flops / ms / 1e6 / peak);
        else
            printf(" %6s", "");
        printf("  %-22s %s\n", seg_session_node_op_type(s, i), seg_session_node_name(s, i));
    }
    double other = sum->run_ns - sum->phase[0] - sum->phase[1] - sum->phase[2];
    printf("shares: im2col %.1f%%, GEMM %.1f%%, Winograd transforms %.1f%%, other %.1f%% "
           "(of which outside nodes %.1f%%)\n", 100 * sum->phase[0] / sum->run_ns,
           100 * sum->phase[1] / sum->run_ns, 100 * sum->phase[2] / sum->run_ns,
           100 * other / sum->run_ns, 100 * (sum->run_ns - nodes) / sum->run_ns);
}

/* A second session that profiles: warm-up, then a.runs runs summed per node. */
static seg_status profile(const model_run *r, const model_inputs *in, const bench_args *a)
{
    seg_session *s = NULL;
    node_sums sum = {0};
    seg_status st = seg_options_set_int(r->options, SEG_OPT_PROFILE_NODES, 1);
    if (st == SEG_OK)
        st = seg_session_create(r->model, r->options, &s);
    for (long i = 0; i < a->warmup && st == SEG_OK; i++)
        st = model_inputs_run(s, in);
    for (long i = 0; i < a->runs && st == SEG_OK; i++)
        if ((st = model_inputs_run(s, in)) == SEG_OK)
            st = add_run(s, &sum);
    if (st == SEG_OK && a->runs > 0)
        print_profile(s, &sum, a->runs, a->gemm_peak);
    free(sum.ns);
    seg_session_destroy(s);
    return st;
}

int cmd_bench(int argc, char **argv)
{
    bench_args a;
    int rc = parse(argc, argv, &a);
    if (rc)
        return rc >= 100 ? rc - 100 : rc;
    model_run r;
    model_inputs in = {0};
    double t0 = now_ms();
    seg_status st = model_run_open(a.model, a.threads, &r);
    double load_ms = now_ms() - t0;
    if (st == SEG_OK)
        st = a.n_specs ? model_inputs_read(r.model, a.specs, a.n_specs, "bench", &in)
                       : synthesize_inputs(r.model, &in);
    for (long i = 0; i < a.warmup && st == SEG_OK; i++)
        st = model_inputs_run(r.session, &in);
    if (st == SEG_OK && a.serve) {
        printf("ready load_ms=%.3f\n", load_ms);
        fflush(stdout);
        st = serve(r.model, r.session, &in);
    } else if (st == SEG_OK) {
        st = measure(r.model, r.session, &in, &a, load_ms);
    }
    if (st == SEG_OK && a.profile && !a.serve)
        st = profile(&r, &in, &a);
    rc = st == SEG_OK ? 0 : cmd_fail("bench", st);
    model_inputs_free(&in);
    model_run_close(&r);
    return rc;
}
