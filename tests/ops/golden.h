/* Goldens for the neural-network operator tests: .npy files written by
 * tests/goldens/ops_nn.py into $SEG_TEST_DATA/ops_nn/<case>_<name>.npy. */
#ifndef SEG_TEST_GOLDEN_H
#define SEG_TEST_GOLDEN_H

#include "op_test.h"

#include <seg/seg_npy.h>

static seg_tensor *golden(const char *test_case, const char *name)
{
    char path[4096];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(path, sizeof path, "%s/ops_nn/%s_%s.npy", root ? root : "tests/data", test_case,
             name);
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(path, NULL, &t));
    return t;
}

static double golden_elem(const seg_tensor *t, size_t i)
{
    const void *p = seg_tensor_const_data(t);
    switch (seg_tensor_dtype(t)) {
    case SEG_DTYPE_F32: return ((const float *)p)[i];
    case SEG_DTYPE_U8: return ((const uint8_t *)p)[i];
    case SEG_DTYPE_I8: return ((const int8_t *)p)[i];
    case SEG_DTYPE_I32: return ((const int32_t *)p)[i];
    case SEG_DTYPE_I64: return (double)((const int64_t *)p)[i];
    default: return NAN;
    }
}

/* Same dtype and shape, and every element within tol. */
static void check_match(const seg_tensor *got, const seg_tensor *want, double tol,
                        const char *file, int line)
{
    if (!got || !want) {
        fprintf(stderr, "%s:%d: missing tensor\n", file, line);
        check_case_failed = 1;
        return;
    }
    char a[128], b[128];
    segi_shape_str(got->rank, got->dims, a, sizeof a);
    segi_shape_str(want->rank, want->dims, b, sizeof b);
    if (got->dtype != want->dtype || strcmp(a, b) != 0) {
        fprintf(stderr, "%s:%d: got %s %s, want %s %s\n", file, line,
                seg_dtype_name(got->dtype), a, seg_dtype_name(want->dtype), b);
        check_case_failed = 1;
        return;
    }
    size_t bad = 0, n = seg_tensor_count(got);
    for (size_t i = 0; i < n; i++) {
        double g = golden_elem(got, i), w = golden_elem(want, i);
        if (!(fabs(g - w) <= tol) && bad++ < 5)
            fprintf(stderr, "%s:%d: element %zu: got %.9g, want %.9g\n", file, line, i, g, w);
    }
    if (bad) {
        fprintf(stderr, "%s:%d: %zu of %zu elements differ by more than %g\n", file, line, bad,
                n, tol);
        check_case_failed = 1;
    }
}

/* Run `op` on in[0..n_in) and compare its n_out outputs with want[]; frees all tensors. */
static void check_op_at(const char *file, int line, const char *op, const segi_attr *attrs,
                        int n_attrs, int n_in, seg_tensor **in, int n_out, seg_tensor **want,
                        double tol)
{
    seg_tensor *got[4] = {NULL, NULL, NULL, NULL};
    seg_status st = run_op(op, attrs, n_attrs, n_in, (const seg_tensor *const *)in, n_out, got);
    if (st != SEG_OK) {
        fprintf(stderr, "%s:%d: %s failed: %s\n", file, line, op, seg_last_error());
        check_case_failed = 1;
    }
    for (int i = 0; i < n_out; i++) {
        if (st == SEG_OK)
            check_match(got[i], want[i], tol, file, line);
        seg_tensor_destroy(got[i]);
        seg_tensor_destroy(want[i]);
    }
    for (int i = 0; i < n_in; i++)
        seg_tensor_destroy(in[i]);
}

#define IN(...) (seg_tensor *[]){__VA_ARGS__}
#define ATTRS(...) (const segi_attr[]){__VA_ARGS__}
#define N_ATTRS(...) (int)(sizeof((const segi_attr[]){__VA_ARGS__}) / sizeof(segi_attr))
/* CHECK_OP("Conv", attrs, n_attrs, IN(x, w), 1, IN(y), 1e-5) */
#define CHECK_OP(op, attrs, n_attrs, in, n_out, want, tol)                              \
    check_op_at(__FILE__, __LINE__, op, attrs, n_attrs,                                  \
                (int)(sizeof(in) / sizeof(seg_tensor *)), in, n_out, want, tol)

/* Expect `op` on `in` to fail with `status` and a message containing `needle`. */
#define CHECK_OP_FAILS(op, attrs, n_attrs, in, n_out, status, needle)                   \
    do {                                                                                 \
        seg_tensor **fail_in_ = in;                                                      \
        int fail_n_ = (int)(sizeof(in) / sizeof(seg_tensor *));                          \
        seg_tensor *fail_out_[4] = {NULL, NULL, NULL, NULL};                             \
        CHECK_FAIL(run_op(op, attrs, n_attrs, fail_n_,                                   \
                          (const seg_tensor *const *)fail_in_, n_out, fail_out_),        \
                   status, needle);                                                      \
        CHECK(fail_out_[0] == NULL);                                                     \
        for (int fail_i_ = 0; fail_i_ < fail_n_; fail_i_++)                              \
            seg_tensor_destroy(fail_in_[fail_i_]);                                       \
    } while (0)

#endif
