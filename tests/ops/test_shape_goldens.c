/* Data-driven operator cases: every folder under $SEG_TEST_DATA/ops_shape (written by
 * tests/goldens/ops_shape.py) holds case.txt, naming an operator, its opset and
 * attributes, and .npy inputs and expected outputs. A folder given as argv[1] is run
 * instead, e.g. cases converted from ONNX's node tests while developing.
 *
 * case.txt, one item per line:
 *   op NAME OPSET
 *   attr NAME int V | float V | string S | ints N V... | floats N V... | tensor FILE
 *   in FILE | in -          (an omitted optional input)
 *   out FILE
 *   tol ABS                 (optional; default 1e-5, scaled by the value's magnitude)
 */
#include "check.h"
#include "ops/op.h"
#include "seg/seg_npy.h"

#include <dirent.h>
#include <stdlib.h>

#define MAX_ITEMS 16
#define MAX_VALUES 64

typedef struct test_case {
    char op[64];
    int opset;
    int n_attrs, n_in, n_out;
    segi_attr attrs[MAX_ITEMS];
    char names[MAX_ITEMS][64], strings[MAX_ITEMS][64];
    int64_t ints[MAX_ITEMS][MAX_VALUES];
    float floats[MAX_ITEMS][MAX_VALUES];
    seg_tensor *attr_tensors[MAX_ITEMS];
    seg_tensor *in[MAX_ITEMS], *want[MAX_ITEMS];
    double tol;
} test_case;

static int load_npy(const char *dir, const char *file, seg_tensor **out)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (seg_npy_read_file(path, NULL, out) != SEG_OK) {
        fprintf(stderr, "%s: %s\n", path, seg_last_error());
        return 0;
    }
    return 1;
}

static int parse_attr(test_case *c, const char *dir, char *rest)
{
    int k = c->n_attrs++;
    segi_attr *a = &c->attrs[k];
    char type[16];
    int used = 0;
    if (k >= MAX_ITEMS || sscanf(rest, "%63s %15s %n", c->names[k], type, &used) < 2)
        return 0;
    a->name = c->names[k];
    rest += used;
    if (strcmp(type, "int") == 0) {
        a->type = SEGI_ATTR_INT;
        a->i = strtoll(rest, NULL, 10);
    } else if (strcmp(type, "float") == 0) {
        a->type = SEGI_ATTR_FLOAT;
        a->f = strtof(rest, NULL);
    } else if (strcmp(type, "string") == 0) {
        a->type = SEGI_ATTR_STRING;
        sscanf(rest, "%63s", c->strings[k]);
        a->s = c->strings[k];
        a->s_len = strlen(a->s);
    } else if (strcmp(type, "ints") == 0 || strcmp(type, "floats") == 0) {
        int is_int = type[0] == 'i';
        char *p = rest;
        long n = strtol(p, &p, 10);
        if (n < 0 || n > MAX_VALUES)
            return 0;
        for (long i = 0; i < n; i++) {
            if (is_int)
                c->ints[k][i] = strtoll(p, &p, 10);
            else
                c->floats[k][i] = strtof(p, &p);
        }
        a->type = is_int ? SEGI_ATTR_INTS : SEGI_ATTR_FLOATS;
        a->ints = c->ints[k];
        a->floats = c->floats[k];
        a->n = (size_t)n;
    } else if (strcmp(type, "tensor") == 0) {
        char file[256];
        if (sscanf(rest, "%255s", file) != 1 || !load_npy(dir, file, &c->attr_tensors[k]))
            return 0;
        a->type = SEGI_ATTR_TENSOR;
        a->t = c->attr_tensors[k];
    } else {
        return 0;
    }
    return 1;
}

static int parse_case(test_case *c, const char *dir)
{
    char path[4096], line[2048];
    snprintf(path, sizeof path, "%s/case.txt", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ok = 1;
    c->tol = 1e-5;
    while (ok && fgets(line, sizeof line, f)) {
        char key[16], file[256];
        int used = 0;
        if (sscanf(line, "%15s %n", key, &used) < 1)
            continue;
        if (strcmp(key, "op") == 0) {
            ok = sscanf(line + used, "%63s %d", c->op, &c->opset) == 2;
        } else if (strcmp(key, "attr") == 0) {
            ok = parse_attr(c, dir, line + used);
        } else if (strcmp(key, "in") == 0 && c->n_in < MAX_ITEMS) {
            ok = sscanf(line + used, "%255s", file) == 1 &&
                 (strcmp(file, "-") == 0 || load_npy(dir, file, &c->in[c->n_in]));
            c->n_in++;
        } else if (strcmp(key, "out") == 0 && c->n_out < MAX_ITEMS) {
            ok = sscanf(line + used, "%255s", file) == 1 &&
                 load_npy(dir, file, &c->want[c->n_out++]);
        } else if (strcmp(key, "tol") == 0) {
            ok = sscanf(line + used, "%lf", &c->tol) == 1;
        } else {
            ok = 0;
        }
    }
    fclose(f);
    return ok;
}

static double element(const seg_tensor *t, size_t i)
{
    const void *p = seg_tensor_const_data(t);
    switch (seg_tensor_dtype(t)) {
    case SEG_DTYPE_F32: return ((const float *)p)[i];
    case SEG_DTYPE_F16: {
        float f;
        seg_f16_to_f32((const uint16_t *)p + i, &f, 1);
        return f;
    }
    case SEG_DTYPE_I64: return (double)((const int64_t *)p)[i];
    case SEG_DTYPE_I32: return ((const int32_t *)p)[i];
    case SEG_DTYPE_I8: return ((const int8_t *)p)[i];
    case SEG_DTYPE_U16: return ((const uint16_t *)p)[i];
    default: return ((const uint8_t *)p)[i];
    }
}

/* Returns 1 when got matches want: dtype, shape, values (NaN matches NaN). */
static int compare(const char *name, int k, const seg_tensor *got, const seg_tensor *want,
                   double tol)
{
    char a[128], b[128];
    int rank = seg_tensor_rank(want);
    int same = seg_tensor_dtype(got) == seg_tensor_dtype(want) && seg_tensor_rank(got) == rank;
    for (int d = 0; same && d < rank; d++)
        same = seg_tensor_dims(got)[d] == seg_tensor_dims(want)[d];
    if (!same) {
        fprintf(stderr, "%s: output %d is %s %s, expected %s %s\n", name, k,
                seg_dtype_name(seg_tensor_dtype(got)),
                segi_shape_str(seg_tensor_rank(got), seg_tensor_dims(got), a, sizeof a),
                seg_dtype_name(seg_tensor_dtype(want)),
                segi_shape_str(rank, seg_tensor_dims(want), b, sizeof b));
        return 0;
    }
    int is_float = seg_tensor_dtype(want) == SEG_DTYPE_F32 ||
                   seg_tensor_dtype(want) == SEG_DTYPE_F16;
    for (size_t i = 0; i < seg_tensor_count(want); i++) {
        double g = element(got, i), w = element(want, i);
        double limit = is_float ? tol * (1 + fabs(w)) : 0;
        if ((isnan(g) && isnan(w)) || fabs(g - w) <= limit)
            continue;
        fprintf(stderr, "%s: output %d element %zu is %.9g, expected %.9g\n", name, k, i, g,
                w);
        return 0;
    }
    return 1;
}

static void free_case(test_case *c)
{
    for (int i = 0; i < MAX_ITEMS; i++) {
        seg_tensor_destroy(c->in[i]);
        seg_tensor_destroy(c->want[i]);
        seg_tensor_destroy(c->attr_tensors[i]);
    }
}

/* Returns 1 when the case passes. */
static int run_case(const char *dir, const char *name)
{
    test_case *c = calloc(1, sizeof *c);
    int pass = 0;
    seg_tensor *got[MAX_ITEMS] = {0};
    const segi_op_def *def = NULL;
    if (!c || !parse_case(c, dir)) {
        fprintf(stderr, "%s: unreadable case\n", name);
    } else if (!(def = segi_op_find(c->op))) {
        fprintf(stderr, "%s: operator %s is not registered\n", name, c->op);
    } else {
        segi_node_info node = {name, c->op, c->opset, c->attrs, c->n_attrs};
        seg_status st = segi_op_eval(def, &node, c->n_in, (const seg_tensor *const *)c->in,
                                     c->n_out, got);
        if (st != SEG_OK) {
            fprintf(stderr, "%s: %s: %s\n", name, seg_status_string(st), seg_last_error());
        } else {
            pass = 1;
            for (int k = 0; k < c->n_out; k++)
                pass &= compare(name, k, got[k], c->want[k], c->tol);
        }
    }
    for (int k = 0; k < MAX_ITEMS; k++)
        seg_tensor_destroy(got[k]);
    if (c)
        free_case(c);
    free(c);
    return pass;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int main(int argc, char **argv)
{
    char root[1024];
    const char *data = getenv("SEG_TEST_DATA");
    if (argc > 1)
        snprintf(root, sizeof root, "%s", argv[1]);
    else
        snprintf(root, sizeof root, "%s/ops_shape", data ? data : "tests/data");
    struct dirent **list;
    int n = scandir(root, &list, NULL, by_name);
    if (n < 0) {
        fprintf(stderr, "cannot list %s\n", root);
        return 1;
    }
    int cases = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        char dir[3072];
        snprintf(dir, sizeof dir, "%s/%s", root, list[i]->d_name);
        if (list[i]->d_name[0] != '.') {
            int ok = run_case(dir, list[i]->d_name);
            printf("%s %s\n", ok ? "ok  " : "FAIL", list[i]->d_name);
            cases++;
            failed += !ok;
        }
        free(list[i]);
    }
    free(list);
    printf("%d cases, %d failed\n", cases, failed);
    return failed || cases == 0;
}
