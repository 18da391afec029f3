/* seg info MODEL: what a model takes, gives and costs. */
#include "commands.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_shape(int rank, const int64_t *dims, const seg_model *m, size_t input)
{
    if (rank < 0) {
        printf("(no shape)");
        return;
    }
    printf("[");
    for (int d = 0; d < rank; d++) {
        const char *sym = m && dims[d] < 0 ? seg_model_input_dim_name(m, input, d) : NULL;
        if (sym)
            printf("%s%s", d ? ", " : "", sym);
        else if (dims[d] < 0)
            printf("%s?", d ? ", " : "");
        else
            printf("%s%lld", d ? ", " : "", (long long)dims[d]);
    }
    printf("]");
}

static int print_values(const seg_model *m, bool inputs)
{
    size_t n = inputs ? seg_model_input_count(m) : seg_model_output_count(m);
    printf("%s:\n", inputs ? "inputs" : "outputs");
    for (size_t i = 0; i < n; i++) {
        seg_dtype dt;
        int rank;
        int64_t dims[SEG_MAX_RANK];
        seg_status st = inputs ? seg_model_input_info(m, i, &dt, &rank, dims)
                               : seg_model_output_info(m, i, &dt, &rank, dims);
        if (st != SEG_OK)
            return cmd_fail("info", st);
        printf("  %-24s %-5s ", inputs ? seg_model_input_name(m, i) : seg_model_output_name(m, i),
               dt ? seg_dtype_name(dt) : "?");
        print_shape(rank, dims, inputs ? m : NULL, i);
        printf("\n");
    }
    return 0;
}

typedef struct op_count {
    const char *op;
    size_t n;
} op_count;

static int by_count(const void *a, const void *b)
{
    const op_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->op, y->op);
}

static int print_histogram(const seg_model *m)
{
    size_t n = seg_model_node_count(m), kinds = 0;
    op_count *counts = calloc(n + 1, sizeof *counts);
    if (!counts)
        return cmd_fail("info", SEG_ERR_OUT_OF_MEMORY);
    for (size_t i = 0; i < n; i++) {
        const char *op = seg_model_node_op_type(m, i);
        size_t k = 0;
        while (k < kinds && strcmp(counts[k].op, op) != 0)
            k++;
        counts[k].op = op;
        counts[k].n++;
        kinds += k == kinds;
    }
    qsort(counts, kinds, sizeof *counts, by_count);
    printf("operators: %zu nodes after optimisation\n", n);
    for (size_t k = 0; k < kinds; k++)
        printf("  %-24s %zu\n", counts[k].op, counts[k].n);
    free(counts);
    return 0;
}

#define MAX_DIMS 16

/* --dim NAME=N values for symbolic dimensions. */
typedef struct dim_values {
    const char *spec[MAX_DIMS];
    int n;
} dim_values;

/* The value given for symbolic dimension `name`, or 1. */
static int64_t dim_value(const dim_values *dv, const char *name)
{
    size_t len = name ? strlen(name) : 0;
    for (int i = 0; name && i < dv->n; i++)
        if (strncmp(dv->spec[i], name, len) == 0 && dv->spec[i][len] == '=')
            return strtoll(dv->spec[i] + len + 1, NULL, 10);
    return 1;
}

/* Inputs shaped as declared, symbolic dimensions as given by --dim, others 1. */
static seg_status declared_inputs(const seg_model *m, const dim_values *dv, seg_tensor **ts)
{
    for (size_t i = 0; i < seg_model_input_count(m); i++) {
        seg_dtype dt;
        int rank;
        int64_t dims[SEG_MAX_RANK];
        seg_status st = seg_model_input_info(m, i, &dt, &rank, dims);
        if (st != SEG_OK)
            return st;
        if (rank < 0 || !dt)
            return SEG_ERR_UNSUPPORTED;
        for (int d = 0; d < rank; d++)
            dims[d] = dims[d] < 0 ? dim_value(dv, seg_model_input_dim_name(m, i, d)) : dims[d];
        if ((st = seg_tensor_create(dt, rank, dims, &ts[i])))
            return st;
    }
    return SEG_OK;
}

static void print_costs(const seg_model *m, const dim_values *dv)
{
    size_t n = seg_model_input_count(m);
    seg_tensor **ts = calloc(n + 1, sizeof *ts);
    seg_session *s = NULL;
    seg_status st = ts ? declared_inputs(m, dv, ts) : SEG_ERR_OUT_OF_MEMORY;
    if (st == SEG_OK)
        st = seg_session_create(m, NULL, &s);
    if (st == SEG_OK)
        st = seg_session_prepare(s, (const seg_tensor *const *)ts, n);
    if (st == SEG_OK) {
        printf("conv FLOPs (declared input shapes; symbolic dims from --dim, else 1): "
               "%.3f G\n",
               (double)seg_session_conv_flops(s) / 1e9);
        printf("arena: %zu bytes (%.2f MiB)\n", seg_session_arena_bytes(s),
               (double)seg_session_arena_bytes(s) / (1 << 20));
    } else {
        printf("conv FLOPs, arena: not available (%s%s%s)\n",
               st == SEG_ERR_UNSUPPORTED ? "an input declares no shape" : seg_status_string(st),
               st == SEG_ERR_UNSUPPORTED ? "" : ": ",
               st == SEG_ERR_UNSUPPORTED ? "" : seg_last_error());
    }
    seg_session_destroy(s);
    for (size_t i = 0; ts && i < n; i++)
        seg_tensor_destroy(ts[i]);
    free(ts);
}

static int usage(FILE *out)
{
    fprintf(out, "usage: seg info MODEL.onnx [--dim NAME=N ...]\n"
                 "  --dim gives symbolic input dimensions a size for the FLOPs and arena "
                 "(default 1)\n");
    return out == stdout ? 0 : 2;
}

int cmd_info(int argc, char **argv)
{
    const char *path = NULL;
    dim_values dv = {{0}, 0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0)
            return usage(stdout);
        if (strcmp(argv[i], "--dim") == 0 && i + 1 < argc && strchr(argv[i + 1], '=') &&
            dv.n < MAX_DIMS)
            dv.spec[dv.n++] = argv[++i];
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            return usage(stderr);
    }
    if (!path)
        return usage(stderr);
    seg_model *m = NULL;
    seg_status st = seg_model_load_file(path, NULL, &m);
    if (st != SEG_OK)
        return cmd_fail("info", st);
    printf("model: %s\nopset: %lld\n", path, (long long)seg_model_opset(m));
    int rc = print_values(m, true);
    if (!rc)
        rc = print_values(m, false);
    if (!rc)
        rc = print_histogram(m);
    if (!rc) {
        printf("parameters: %llu\n", (unsigned long long)seg_model_parameter_count(m));
        print_costs(m, &dv);
    }
    seg_model_destroy(m);
    return rc;
}
