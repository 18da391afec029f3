/* Helpers for the math operator tests (unary, binary, reduce, softmax): tensors of
 * any dtype, evaluation at a chosen opset, exact comparisons, and golden cases
 * written by tests/goldens/ops_math.py. */
#ifndef SEG_TEST_MATH_TEST_H
#define SEG_TEST_MATH_TEST_H

#include "op_test.h"

#include <seg/seg_npy.h>

#include <stdio.h>
#include <stdlib.h>

/* Typed tensors like op_test.h's F32 (dims via DIMS(...)). */
#define I32(rank, dims, ...) tensor_of(SEG_DTYPE_I32, rank, (const int64_t[])dims, (const int32_t[])__VA_ARGS__)
#define U8(rank, dims, ...) tensor_of(SEG_DTYPE_U8, rank, (const int64_t[])dims, (const uint8_t[])__VA_ARGS__)
#define I8(rank, dims, ...) tensor_of(SEG_DTYPE_I8, rank, (const int64_t[])dims, (const int8_t[])__VA_ARGS__)
#define BOOL(rank, dims, ...) tensor_of(SEG_DTYPE_BOOL, rank, (const int64_t[])dims, (const uint8_t[])__VA_ARGS__)
/* A zero-filled tensor. */
#define ZEROS(dtype, rank, dims) tensor_of(dtype, rank, (const int64_t[])dims, NULL)
#define SCALAR_F32(v) tensor_of(SEG_DTYPE_F32, 0, NULL, (const float[]){v})
#define IN(...) (const seg_tensor *const[]){__VA_ARGS__}

/* Evaluate `op_type` as a node named "test" of the given opset. */
static seg_status eval_at(const char *op_type, int opset, const segi_attr *attrs, int n_attrs,
                          int n_in, const seg_tensor *const *in, int n_out, seg_tensor **out)
{
    const segi_op_def *def = segi_op_find(op_type);
    if (!def)
        return segi_error(SEG_ERR_NOT_FOUND, "operator %s is not registered", op_type);
    segi_node_info node = {"test", op_type, opset, attrs, n_attrs};
    return segi_op_eval(def, &node, n_in, in, n_out, out);
}

/* Evaluate a one-output op at opset 17 with no attributes. */
static seg_tensor *eval1(const char *op_type, int n_in, const seg_tensor *const *in)
{
    seg_tensor *y = NULL;
    CHECK_OK(eval_at(op_type, 17, NULL, 0, n_in, in, 1, &y));
    return y;
}

static void destroy_all(int n, seg_tensor **t)
{
    for (int i = 0; i < n; i++)
        seg_tensor_destroy(t[i]);
}
#define DESTROY(...)                                                                    \
    destroy_all(sizeof((seg_tensor *[]){__VA_ARGS__}) / sizeof(seg_tensor *),           \
                (seg_tensor *[]){__VA_ARGS__})

/* Run `op_type` with output 0 written over input `alias` (which must have the output's
 * shape and dtype), as an executor reusing buffers would. */
static seg_status eval_in_place(const char *op_type, const segi_attr *attrs, int n_attrs,
                                int n_in, const seg_tensor *const *in, int alias)
{
    const segi_op_def *def = segi_op_find(op_type);
    segi_node_info node = {"test", op_type, 17, attrs, n_attrs};
    seg_tensor shape = {0};
    seg_tensor *outs[1] = {&shape};
    segi_op_ctx ctx = {&node, n_in, in, 1, outs, 0, NULL};
    seg_status st = def->infer(&ctx);
    if (st != SEG_OK)
        return st;
    void *scratch = ctx.scratch_bytes ? malloc(ctx.scratch_bytes) : NULL;
    outs[0] = (seg_tensor *)in[alias];
    ctx.scratch = scratch;
    st = def->run(&ctx);
    free(scratch);
    return st;
}

/* Shape and dtype of `t`, and its bytes equal to `want` (exact, for integers/bool). */
#define CHECK_EXACT(t, dtype, ctype, rank, dims, ...)                                   \
    do {                                                                                \
        const int64_t ce_dims_[] = dims;                                                \
        const ctype ce_want_[] = __VA_ARGS__;                                           \
        CHECK((t) != NULL);                                                             \
        if (t) {                                                                        \
            CHECK_EQ_INT(seg_tensor_dtype(t), dtype);                                   \
            CHECK_EQ_INT(seg_tensor_rank(t), rank);                                     \
            for (int ce_d_ = 0; ce_d_ < (rank); ce_d_++)                                \
                CHECK_EQ_INT(seg_tensor_dims(t)[ce_d_], ce_dims_[ce_d_]);               \
            const ctype *ce_got_ = seg_tensor_const_data(t);                            \
            size_t ce_n_ = sizeof ce_want_ / sizeof ce_want_[0];                        \
            CHECK_EQ_INT(seg_tensor_count(t), ce_n_);                                   \
            for (size_t ce_i_ = 0; ce_i_ < ce_n_ && ce_i_ < seg_tensor_count(t); ce_i_++) \
                CHECK_EQ_INT(ce_got_[ce_i_], ce_want_[ce_i_]);                          \
        }                                                                               \
    } while (0)

/* f32 values within atol + rtol * |want|; NaN matches NaN, infinities match exactly. */
static int close_f32(float got, float want, double atol, double rtol)
{
    if (isnan(want) || isnan(got))
        return isnan(want) && isnan(got);
    if (isinf(want) || isinf(got))
        return got == want;
    return fabs((double)got - want) <= atol + rtol * fabs((double)want);
}

/* ---- golden cases: tests/goldens/ops_math.py writes tests/data/ops_math/ ---- */

#define GOLDEN_MAX_IO 8
#define GOLDEN_MAX_ATTRS 8

typedef struct golden_case {
    char *family, *name, *op;
    int opset;
    double atol, rtol;
    int n_in, n_out, n_attrs;
    seg_tensor *in[GOLDEN_MAX_IO], *want[GOLDEN_MAX_IO];
    segi_attr attrs[GOLDEN_MAX_ATTRS];
    int64_t ints[GOLDEN_MAX_ATTRS][SEG_MAX_RANK];
} golden_case;

static seg_tensor *golden_load(const char *file)
{
    const char *root = getenv("SEG_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/ops_math/%s", root ? root : "tests/data", file);
    seg_tensor *t = NULL;
    if (seg_npy_read_file(path, NULL, &t) != SEG_OK)
        fprintf(stderr, "cannot read %s: %s\n", path, seg_last_error());
    return t;
}

/* Comma-separated files into tensors; "-" leaves a NULL (omitted) input. */
static int golden_tensors(char *list, seg_tensor **out)
{
    int n = 0;
    char *save = NULL;
    for (char *f = strtok_r(list, ",", &save); f && n < GOLDEN_MAX_IO; f = strtok_r(NULL, ",", &save))
        out[n++] = strcmp(f, "-") == 0 ? NULL : golden_load(f);
    return n;
}

static void golden_attr(golden_case *c, char *tok)
{
    char *colon = strchr(tok, ':'), *eq = strchr(tok, '=');
    if (!colon || !eq || c->n_attrs == GOLDEN_MAX_ATTRS)
        return;
    *colon = *eq = '\0';
    const char *name = colon + 1, *val = eq + 1;
    segi_attr *a = &c->attrs[c->n_attrs];
    if (strcmp(tok, "i") == 0) {
        *a = attr_int(name, strtoll(val, NULL, 10));
    } else if (strcmp(tok, "f") == 0) {
        *a = attr_float(name, strtof(val, NULL));
    } else if (strcmp(tok, "s") == 0) {
        *a = attr_string(name, val);
    } else {
        size_t n = 0;
        for (char *p = (char *)val; *p && n < SEG_MAX_RANK; p += *p == ',')
            c->ints[c->n_attrs][n++] = strtoll(p, &p, 10);
        *a = attr_ints(name, c->ints[c->n_attrs], n);
    }
    c->n_attrs++;
}

/* Parse one manifest line (tokens point into `line`). */
static int golden_parse(char *line, golden_case *c)
{
    char *save = NULL, *tok[8];
    for (int i = 0; i < 8; i++)
        if (!(tok[i] = strtok_r(i ? NULL : line, " \n", &save)))
            return 0;
    c->family = tok[0];
    c->name = tok[1];
    c->op = tok[2];
    c->opset = atoi(tok[3]);
    c->atol = atof(tok[4]);
    c->rtol = atof(tok[5]);
    for (char *t; (t = strtok_r(NULL, " \n", &save));)
        golden_attr(c, t);
    c->n_in = golden_tensors(tok[6], c->in);
    c->n_out = golden_tensors(tok[7], c->want);
    return 1;
}

static int golden_same(const golden_case *c, const seg_tensor *got, const seg_tensor *want)
{
    if (!got || !want || got->dtype != want->dtype || got->rank != want->rank ||
        memcmp(got->dims, want->dims, sizeof *got->dims * (size_t)got->rank) != 0) {
        char g[160] = "(none)", w[160] = "(none)";
        if (got)
            segi_shape_str(got->rank, got->dims, g, sizeof g);
        if (want)
            segi_shape_str(want->rank, want->dims, w, sizeof w);
        fprintf(stderr, "%s: got %s %s, want %s %s\n", c->name,
                got ? seg_dtype_name(got->dtype) : "-", g,
                want ? seg_dtype_name(want->dtype) : "-", w);
        return 0;
    }
    size_t n = seg_tensor_count(got);
    if (got->dtype != SEG_DTYPE_F32)
        return memcmp(got->data, want->data, got->nbytes) == 0 ||
               (fprintf(stderr, "%s: values differ\n", c->name), 0);
    const float *g = got->data, *w = want->data;
    for (size_t i = 0; i < n; i++)
        if (!close_f32(g[i], w[i], c->atol, c->rtol)) {
            fprintf(stderr, "%s: element %zu is %.9g, want %.9g\n", c->name, i, g[i], w[i]);
            return 0;
        }
    return 1;
}

/* Run every golden case of `family`; each must evaluate and match its outputs. */
static void check_goldens(const char *family)
{
    const char *root = getenv("SEG_TEST_DATA");
    char path[1024], line[2048];
    snprintf(path, sizeof path, "%s/ops_math/manifest.txt", root ? root : "tests/data");
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    int cases = 0;
    while (f && fgets(line, sizeof line, f)) {
        golden_case c;
        memset(&c, 0, sizeof c);
        if (!golden_parse(line, &c) || strcmp(c.family, family) != 0)
            goto next;
        cases++;
        seg_tensor *got[GOLDEN_MAX_IO] = {NULL};
        seg_status st = eval_at(c.op, c.opset, c.attrs, c.n_attrs, c.n_in,
                                (const seg_tensor *const *)c.in, c.n_out, got);
        if (st != SEG_OK) {
            fprintf(stderr, "%s: %s: %s\n", c.name, seg_status_string(st), seg_last_error());
            check_case_failed = 1;
        }
        for (int j = 0; st == SEG_OK && j < c.n_out; j++)
            if (!golden_same(&c, got[j], c.want[j]))
                check_case_failed = 1;
        destroy_all(c.n_out, got);
    next:
        destroy_all(c.n_in, c.in);
        destroy_all(c.n_out, c.want);
    }
    if (f)
        fclose(f);
    printf("%d golden %s cases\n", cases, family);
    CHECK(cases > 0);
}

#endif
