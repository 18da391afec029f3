#include "model_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

bool parse_long(const char *s, long lo, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !*s || *end || v < lo)
        return false;
    *out = v;
    return true;
}

double now_ms(void)
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

double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

seg_status model_run_open(const char *path, long threads, model_run *r)
{
    memset(r, 0, sizeof *r);
    seg_status st = seg_options_create(&r->options);
    if (st == SEG_OK)
        st = seg_options_set_int(r->options, SEG_OPT_THREADS, threads);
    if (st == SEG_OK)
        st = seg_model_load_file(path, r->options, &r->model);
    if (st == SEG_OK)
        st = seg_session_create(r->model, r->options, &r->session);
    return st;
}

void model_run_close(model_run *r)
{
    seg_session_destroy(r->session);
    seg_model_destroy(r->model);
    seg_options_destroy(r->options);
    memset(r, 0, sizeof *r);
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

seg_status model_inputs_read(const seg_model *m, const char *const *specs, int n_specs,
                             const char *cmd, model_inputs *in)
{
    memset(in, 0, sizeof *in);
    for (int i = 0; i < n_specs && i < MODEL_IO_MAX_INPUTS; i++) {
        const char *spec = specs[i], *eq = strchr(spec, '=');
        const char *file = eq ? eq + 1 : spec;
        if (eq) {
            in->names[i] = strndup(spec, (size_t)(eq - spec));
        } else if (seg_model_input_count(m) == 1) {
            in->names[i] = strdup(seg_model_input_name(m, 0));
        } else {
            fprintf(stderr, "seg %s: --input '%s' needs NAME= (the model has %zu inputs)\n",
                    cmd, spec, seg_model_input_count(m));
            return SEG_ERR_INVALID_ARGUMENT;
        }
        in->n = i + 1;
        if (!in->names[i])
            return SEG_ERR_OUT_OF_MEMORY;
        seg_status st = seg_npy_read_file(file, NULL, &in->tensors[i]);
        if (st != SEG_OK)
            return st;
    }
    return SEG_OK;
}

void model_inputs_free(model_inputs *in)
{
    for (int i = 0; i < in->n; i++) {
        free((char *)in->names[i]);
        seg_tensor_destroy(in->tensors[i]);
    }
    in->n = 0;
}

seg_status model_inputs_run(seg_session *s, const model_inputs *in)
{
    return seg_session_run_named(s, in->names, (const seg_tensor *const *)in->tensors,
                                 (size_t)in->n);
}

seg_status model_outputs_write(const seg_model *m, const seg_session *s, const char *dir,
                               const char *cmd)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "seg %s: cannot create %s: %s\n", cmd, dir, strerror(errno));
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
