/*
 * Runs ONNX's backend node tests (one folder per case: model.onnx and
 * test_data_set_K/input_N.pb and output_N.pb) through the public API and compares outputs
 * like ONNX's backend runner: |got - want| <= atol + rtol * |want| with rtol 1e-3 and
 * atol 1e-7 for floats (NaN matches NaN), exact equality for integers and booleans.
 *
 *   onnx-node-runner NODE_DIR EXPECTED EXCLUDED [--write-expected FILE] [-v] [CASE...]
 *
 * Cases listed in EXCLUDED are skipped. Without --write-expected the run fails when a
 * case listed in EXPECTED fails, and reports (without failing) cases that pass but are
 * not listed. With it, FILE receives the sorted list of passing cases.
 */
#include "core/file.h"
#include "onnx/onnx.h"
#include "test_data.h"

#include <seg/seg.h>

#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTOL 1e-3
#define ATOL 1e-7
#define MAX_IO 32

typedef struct name_list {
    char **names;
    size_t n, cap;
} name_list;

static int push(name_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        char **p = realloc(l->names, cap * sizeof *p);
        if (!p)
            return -1;
        l->names = p;
        l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(s)))
        return -1;
    l->n++;
    return 0;
}

static bool contains(const name_list *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->names[i], s) == 0)
            return true;
    return false;
}

static void clear(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    memset(l, 0, sizeof *l);
}

/* Case names from a list file: the text before ':' on lines not starting with '#'. */
static void read_list(const char *path, name_list *l)
{
    FILE *fp = fopen(path, "r");
    char line[1024];
    if (!fp)
        return;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, ":\r\n")] = '\0';
        if (line[0] && line[0] != '#')
            push(l, line);
    }
    fclose(fp);
}

/* snprintf through va_list: truncation of these messages and paths is acceptable. */
static void fmt(char *buf, size_t cap, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, cap, f, ap);
    va_end(ap);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static seg_status read_pb(const char *path, seg_tensor **out)
{
    void *data = NULL;
    size_t size = 0;
    seg_status st = segi_read_file(path, (size_t)1 << 30, &data, &size);
    if (st != SEG_OK)
        return st;
    st = segi_onnx_decode_tensor(data, size, out, NULL, 0);
    free(data);
    return st;
}

/* NULL when equal within tolerance, else a description in `msg`. */
static const char *compare(const seg_tensor *got, const seg_tensor *want, char *msg, size_t cap)
{
    char a[128], b[128];
    if (seg_tensor_dtype(got) != seg_tensor_dtype(want)) {
        fmt(msg, cap, "dtype %s, expected %s", seg_dtype_name(seg_tensor_dtype(got)),
                 seg_dtype_name(seg_tensor_dtype(want)));
        return msg;
    }
    int rg = seg_tensor_rank(got), rw = seg_tensor_rank(want);
    if (rg != rw || memcmp(seg_tensor_dims(got), seg_tensor_dims(want),
                           (size_t)rg * sizeof(int64_t)) != 0) {
        int n = 0;
        a[0] = b[0] = '\0';
        for (int i = 0; i < rg && n < 100; i++)
            n += snprintf(a + n, sizeof a - (size_t)n, "%s%lld", i ? "," : "",
                          (long long)seg_tensor_dims(got)[i]);
        n = 0;
        for (int i = 0; i < rw && n < 100; i++)
            n += snprintf(b + n, sizeof b - (size_t)n, "%s%lld", i ? "," : "",
                          (long long)seg_tensor_dims(want)[i]);
        fmt(msg, cap, "shape [%s], expected [%s]", a, b);
        return msg;
    }
    bool exact = seg_tensor_dtype(want) != SEG_DTYPE_F32 && seg_tensor_dtype(want) != SEG_DTYPE_F16;
    for (size_t i = 0; i < seg_tensor_count(want); i++) {
        double g = test_elem(got, i), w = test_elem(want, i);
        bool ok = exact ? g == w
                        : (isnan(g) && isnan(w)) || g == w || fabs(g - w) <= ATOL + RTOL * fabs(w);
        if (!ok) {
            fmt(msg, cap, "element %zu is %.9g, expected %.9g", i, g, w);
            return msg;
        }
    }
    return NULL;
}

/* Read input_N.pb or output_N.pb files of one data set until one is missing. */
static int read_set(const char *dir, const char *kind, seg_tensor **ts, char *msg, size_t cap)
{
    int n = 0;
    for (; n < MAX_IO; n++) {
        char path[4096];
        fmt(path, sizeof path, "%s/%s_%d.pb", dir, kind, n);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            break;
        fclose(fp);
        if (read_pb(path, &ts[n]) != SEG_OK) {
            fmt(msg, cap, "%s: %s", path, seg_last_error());
            return -1 - n;
        }
    }
    return n;
}

static void free_all(seg_tensor **ts, int n)
{
    for (int i = 0; i < n; i++)
        seg_tensor_destroy(ts[i]);
}

static bool run_set(seg_session *s, const char *dir, char *msg, size_t cap)
{
    seg_tensor *in[MAX_IO] = {0}, *want[MAX_IO] = {0};
    int n_in = read_set(dir, "input", in, msg, cap);
    int n_out = n_in < 0 ? 0 : read_set(dir, "output", want, msg, cap);
    bool ok = n_in >= 0 && n_out >= 0;
    if (ok) {
        seg_status st = seg_session_run(s, (const seg_tensor *const *)in, (size_t)n_in);
        if (st != SEG_OK) {
            fmt(msg, cap, "run: %s: %s", seg_status_string(st), seg_last_error());
            ok = false;
        }
    }
    for (int i = 0; ok && i < n_out; i++) {
        const seg_tensor *got = seg_session_output(s, (size_t)i);
        char detail[512];
        if (!got || compare(got, want[i], detail, sizeof detail)) {
            fmt(msg, cap, "output %d: %s", i, got ? detail : "missing");
            ok = false;
        }
    }
    free_all(in, n_in < 0 ? -1 - n_in : n_in);
    free_all(want, n_out < 0 ? -1 - n_out : n_out);
    return ok;
}

static bool run_case(const char *case_dir, char *msg, size_t cap)
{
    char path[4096];
    fmt(path, sizeof path, "%s/model.onnx", case_dir);
    seg_model *m = NULL;
    seg_session *s = NULL;
    seg_status st = seg_model_load_file(path, NULL, &m);
    if (st == SEG_OK)
        st = seg_session_create(m, NULL, &s);
    if (st != SEG_OK) {
        fmt(msg, cap, "load: %s: %s", seg_status_string(st), seg_last_error());
        seg_model_destroy(m);
        return false;
    }
    bool ok = true;
    for (int k = 0; ok; k++) {
        fmt(path, sizeof path, "%s/test_data_set_%d", case_dir, k);
        DIR *d = opendir(path);
        if (!d)
            break;
        closedir(d);
        ok = run_set(s, path, msg, cap);
    }
    seg_session_destroy(s);
    seg_model_destroy(m);
    return ok;
}

static int write_list(const char *path, const name_list *l)
{
    char tmp[4096];
    fmt(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "w");
    if (!fp)
        return -1;
    fprintf(fp, "# ONNX backend node tests that must pass; regenerate with tools/onnx-node-list.\n");
    for (size_t i = 0; i < l->n; i++)
        fprintf(fp, "%s\n", l->names[i]);
    if (fclose(fp) != 0 || rename(tmp, path) != 0)
        return -1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s NODE_DIR EXPECTED EXCLUDED [--write-expected FILE] [-v] "
                "[CASE...]\n", argv[0]);
        return 2;
    }
    const char *node_dir = argv[1], *write_to = NULL;
    bool verbose = false;
    name_list expected = {0}, excluded = {0}, only = {0}, cases = {0}, passed = {0};
    read_list(argv[2], &expected);
    read_list(argv[3], &excluded);
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--write-expected") == 0 && i + 1 < argc)
            write_to = argv[++i];
        else if (strcmp(argv[i], "-v") == 0)
            verbose = true;
        else
            push(&only, argv[i]);
    }
    DIR *d = opendir(node_dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open\n", node_dir);
        return 1;
    }
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, "test_", 5) == 0)
            push(&cases, e->d_name);
    closedir(d);
    qsort(cases.names, cases.n, sizeof *cases.names, by_name);

    int failed_expected = 0, ran = 0, new_passes = 0;
    for (size_t i = 0; i < cases.n; i++) {
        const char *name = cases.names[i];
        if (contains(&excluded, name) || (only.n && !contains(&only, name)))
            continue;
        char dir[4096], msg[1024] = "";
        fmt(dir, sizeof dir, "%s/%s", node_dir, name);
        bool ok = run_case(dir, msg, sizeof msg);
        bool want = contains(&expected, name);
        ran++;
        if (ok)
            push(&passed, name);
        if (!ok && want) {
            printf("FAIL %s (expected to pass): %s\n", name, msg);
            failed_expected++;
        } else if (ok && !want && !write_to) {
            printf("NEW  %s passes but is not in the expected list\n", name);
            new_passes++;
        } else if (verbose) {
            printf("%s %s%s%s\n", ok ? "ok  " : "todo", name, ok ? "" : ": ", msg);
        }
    }
    printf("%d cases run (%zu excluded): %zu pass, %d expected passes failed, %d new passes\n",
           ran, excluded.n, passed.n, failed_expected, new_passes);
    int rc = failed_expected ? 1 : 0;
    if (write_to && write_list(write_to, &passed) != 0) {
        fprintf(stderr, "%s: cannot write\n", write_to);
        rc = 1;
    } else if (write_to) {
        printf("wrote %zu passing cases to %s\n", passed.n, write_to);
        rc = 0;
    }
    clear(&expected);
    clear(&excluded);
    clear(&only);
    clear(&cases);
    clear(&passed);
    return rc;
}
