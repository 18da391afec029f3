/* Pools against PyTorch (tests/goldens/ops_nn.py), plus int8 MaxPool, errors, and the
 * vectorised rows against the scalar fold. */
#include "golden.h"
#include "core/cpu.h"
#include "ops/pool.h"

#include <math.h>

#define G(name) golden(c, name)

TEST(maxpool2d_dilations_ceil_and_indices)
{
    const char *c = "maxpool2d";
    const int64_t k[] = {3, 2}, s[] = {2, 2}, p[] = {1, 1, 1, 1}, d[] = {1, 2};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_ints("strides", s, 2),
                     attr_ints("pads", p, 4), attr_ints("dilations", d, 2),
                     attr_int("ceil_mode", 1)};
    CHECK_OP("MaxPool", a, 5, IN(G("x")), 2, IN(G("y"), G("idx")), 0);
}

TEST(avgpool2d_count_include_pad_and_ceil)
{
    const char *c = "avgpool2d";
    const int64_t k[] = {3, 3}, s[] = {2, 2}, p[] = {1, 1, 1, 1};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_ints("strides", s, 2),
                     attr_ints("pads", p, 4), attr_int("ceil_mode", 1),
                     attr_int("count_include_pad", 1)};
    CHECK_OP("AveragePool", a, 5, IN(G("x")), 1, IN(G("incl")), 1e-5);
    a[4] = attr_int("count_include_pad", 0);
    CHECK_OP("AveragePool", a, 5, IN(G("x")), 1, IN(G("excl")), 1e-5);
}

TEST(pool1d)
{
    const char *c = "pool1d";
    const int64_t k3[] = {3}, s2[] = {2}, p1[] = {1, 1}, k4[] = {4}, s3[] = {3};
    segi_attr a[] = {attr_ints("kernel_shape", k3, 1), attr_ints("strides", s2, 1),
                     attr_ints("pads", p1, 2)};
    CHECK_OP("MaxPool", a, 3, IN(G("x")), 1, IN(G("max")), 0);
    segi_attr b[] = {attr_ints("kernel_shape", k4, 1), attr_ints("strides", s3, 1)};
    CHECK_OP("AveragePool", b, 2, IN(G("x")), 1, IN(G("avg")), 1e-6);
}

TEST(global_pools)
{
    const char *c = "global";
    CHECK_OP("GlobalAveragePool", NULL, 0, IN(G("x")), 1, IN(G("avg")), 1e-6);
    CHECK_OP("GlobalMaxPool", NULL, 0, IN(G("x")), 1, IN(G("max")), 0);
}

TEST(maxpool_uint8_and_same_lower)
{
    const int64_t k[] = {2, 2};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_string("auto_pad", "SAME_LOWER")};
    const uint8_t xs[] = {1, 200, 3, 4, 5, 6, 7, 250, 9};
    seg_tensor *x = tensor_of(SEG_DTYPE_U8, 4, (const int64_t[]){1, 1, 3, 3}, xs);
    seg_tensor *y = NULL;
    CHECK_OK(run_op("MaxPool", a, 2, 1, (const seg_tensor *const[]){x}, 1, &y));
    /* SAME_LOWER pads one row / column before: windows end at each input point. */
    const uint8_t want[] = {1, 200, 200, 4, 200, 200, 7, 250, 250};
    CHECK(y && seg_tensor_dtype(y) == SEG_DTYPE_U8 && seg_tensor_count(y) == 9);
    if (y)
        for (int i = 0; i < 9; i++)
            CHECK_EQ_INT(((const uint8_t *)seg_tensor_const_data(y))[i], want[i]);
    seg_tensor_destroy(x);
    seg_tensor_destroy(y);
}

TEST(maxpool_indices_column_major)
{
    const int64_t k[] = {2, 2};
    segi_attr a[] = {attr_ints("kernel_shape", k, 2), attr_int("storage_order", 1)};
    seg_tensor *x = F32(4, DIMS(2, 1, 2, 3), {1, 2, 3, 4, 5, 9, 0, 0, 0, 0, 0, 1});
    seg_tensor *y[2] = {NULL, NULL};
    CHECK_OK(run_op("MaxPool", a, 2, 1, (const seg_tensor *const[]){x}, 2, y));
    CHECK_F32(y[0], 4, DIMS(2, 1, 1, 2), 0, {5, 9, 0, 1});
    /* (h, w) -> w * H + h within each plane of 6; planes are still row-major. */
    const int64_t want[] = {3, 5, 6, 11};
    for (int i = 0; y[1] && i < 4; i++)
        CHECK_EQ_INT(((const int64_t *)seg_tensor_const_data(y[1]))[i], want[i]);
    seg_tensor_destroy(x);
    seg_tensor_destroy(y[0]);
    seg_tensor_destroy(y[1]);
}

TEST(pool_errors)
{
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){1, 1, 4, 4}, NULL);
    seg_tensor *x2 = tensor_of(SEG_DTYPE_F32, 2, (const int64_t[]){4, 4}, NULL);
    seg_tensor *xi = tensor_of(SEG_DTYPE_U8, 4, (const int64_t[]){1, 1, 4, 4}, NULL);
    seg_tensor *y[2] = {NULL, NULL};
    const seg_tensor *const in[] = {x}, *const in2[] = {x2}, *const ini[] = {xi};
    CHECK_FAIL(run_op("MaxPool", NULL, 0, 1, in, 1, y), SEG_ERR_FORMAT,
               "MaxPool node 'test': missing or bad kernel_shape");
    const int64_t k[] = {5, 5}, k1[] = {2};
    segi_attr a = attr_ints("kernel_shape", k, 2);
    CHECK_FAIL(run_op("AveragePool", &a, 1, 1, in, 1, y), SEG_ERR_SHAPE,
               "kernel extent 5 exceeds the padded input 4");
    a = attr_ints("kernel_shape", k1, 1);
    CHECK_FAIL(run_op("MaxPool", &a, 1, 1, in, 1, y), SEG_ERR_FORMAT,
               "attribute kernel_shape has 1 values, expected 2");
    CHECK_FAIL(run_op("GlobalAveragePool", NULL, 0, 1, in2, 1, y), SEG_ERR_SHAPE,
               "input rank 2, expected 3 to 5");
    CHECK_FAIL(run_op("AveragePool", &a, 1, 1, ini, 1, y), SEG_ERR_UNSUPPORTED,
               "input dtype u8 is not supported");
    const int64_t k2[] = {2, 2};
    segi_attr so[] = {attr_ints("kernel_shape", k2, 2), attr_int("storage_order", 2)};
    CHECK_FAIL(run_op("MaxPool", so, 2, 1, in, 2, y), SEG_ERR_FORMAT,
               "storage_order 2 (0 or 1)");
    CHECK(y[0] == NULL && y[1] == NULL);
    seg_tensor_destroy(x);
    seg_tensor_destroy(x2);
    seg_tensor_destroy(xi);
}

/* Values with ties, zeros of both signs and NaNs, first taps included. */
static void tricky_fill(float *v, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1664525u + 1013904223u;
        int r = (int)(seed >> 24);
        v[i] = r < 8 ? NAN : r < 20 ? 0.0f : r < 32 ? -0.0f : (float)(r % 9) - 4.5f;
    }
}

/* The scalar fold of pool.c's pool_window for one output of segi_pool_row. */
static float fold(const float *const *rows, int n_rows, int64_t k, int64_t s, bool max,
                  float divisor, int64_t o)
{
    float acc = max ? -INFINITY : 0.0f;
    for (int i = 0; i < n_rows; i++)
        for (int64_t t = 0; t < k; t++) {
            float v = rows[i][o * s + t];
            if (!max)
                acc += v;
            else if (v > acc || (i == 0 && t == 0))
                acc = v;
        }
    return max ? acc : acc / divisor;
}

TEST(vector_rows_equal_the_scalar_fold)
{
    enum { W = 80 };
    float x[4][2 * W + 4], want[W], got[W];
    tricky_fill(&x[0][0], sizeof x / sizeof x[0][0], 7);
    const float *rows[4] = {x[0], x[1], x[2], x[3]};
    int checked = 0;
    for (segi_isa isa = SEGI_ISA_PORTABLE; isa <= segi_cpu_isa(); isa++)
        for (int max = 0; max <= 1; max++)
            for (int64_t s = 1; s <= 2; s++)
                for (int64_t k = 1; k <= 3; k++)
                    for (int n_rows = 1; n_rows <= 4; n_rows++)
                        for (int64_t n = 0; n <= W; n += 13) {
                            float divisor = (float)(n_rows * k + max);
                            int64_t done = segi_pool_row(isa, rows, n_rows, k, s, max,
                                                         divisor, n, got);
                            CHECK(done <= n && n - done < 16);
                            for (int64_t o = 0; o < done; o++)
                                want[o] = fold(rows, n_rows, k, s, max, divisor, o);
                            CHECK(memcmp(want, got, (size_t)done * sizeof *got) == 0);
                            checked += done > 0;
                        }
    CHECK(checked > 0);
}

/* Pools whose rows take the vector path give the bits of the scalar path, which the
 * pools with an Indices output take, and of the fold above. */
TEST(vector_pools_equal_the_scalar_path)
{
    const int64_t dims[] = {2, 3, 19, 45};
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, dims, NULL);
    tricky_fill(seg_tensor_data(x), seg_tensor_count(x), 11);
    const int64_t k2[] = {2, 2}, k3[] = {3, 3}, s2[] = {2, 2}, s1[] = {1, 1};
    const int64_t p0[] = {0, 0, 0, 0}, p1[] = {1, 1, 1, 1};
    const struct {
        const char *op;
        const int64_t *k, *s, *p;
        int include_pad;
    } cases[] = {{"MaxPool", k2, s2, p0, 0}, {"MaxPool", k3, s2, p1, 0},
                 {"MaxPool", k3, s1, p1, 0}, {"AveragePool", k3, s2, p1, 1},
                 {"AveragePool", k2, s2, p0, 0}, {"AveragePool", k3, s1, p1, 0}};
    const seg_tensor *const in[] = {x};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        segi_attr a[] = {attr_ints("kernel_shape", cases[i].k, 2),
                         attr_ints("strides", cases[i].s, 2),
                         attr_ints("pads", cases[i].p, 4),
                         attr_int("count_include_pad", cases[i].include_pad)};
        bool max = cases[i].op[0] == 'M';
        seg_tensor *vec[1] = {NULL}, *scalar[2] = {NULL, NULL};
        CHECK_OK(run_op(cases[i].op, a, 4, 1, in, 1, vec));
        if (max)
            CHECK_OK(run_op(cases[i].op, a, 4, 1, in, 2, scalar));
        if (!vec[0] || (max && !scalar[0]))
            continue;
        const float *y = seg_tensor_data(vec[0]);
        if (max)
            CHECK(memcmp(y, seg_tensor_data(scalar[0]), vec[0]->nbytes) == 0);
        /* output row 1 of plane 4, away from the top and bottom edges: the fold */
        const int64_t *g = vec[0]->dims;
        const float *xr = (const float *)seg_tensor_data(x) + 4 * 19 * 45;
        int64_t kk = cases[i].k[0], ss = cases[i].s[0], pp = cases[i].p[0];
        const float *rows[3];
        for (int64_t r = 0; r < kk; r++)
            rows[r] = xr + (1 * ss - pp + r) * 45 - pp;
        for (int64_t o = pp ? 1 : 0; o < g[3] - 1; o++) {
            float want = fold(rows, (int)kk, kk, ss, max, (float)(kk * kk), o);
            CHECK(memcmp(&want, y + (4 * g[2] + 1) * g[3] + o, sizeof want) == 0);
        }
        seg_tensor_destroy(vec[0]);
        seg_tensor_destroy(scalar[0]);
        seg_tensor_destroy(scalar[1]);
    }
    seg_tensor_destroy(x);
}

/* Global pools, whose planes are folded four at a time, give each plane's fold. */
TEST(global_pools_equal_the_fold)
{
    const int64_t dims[] = {1, 7, 5, 13};
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, dims, NULL);
    tricky_fill(seg_tensor_data(x), seg_tensor_count(x), 5);
    const seg_tensor *const in[] = {x};
    for (int max = 0; max <= 1; max++) {
        seg_tensor *y = NULL;
        const char *op = max ? "GlobalMaxPool" : "GlobalAveragePool";
        CHECK_OK(run_op(op, NULL, 0, 1, in, 1, &y));
        for (int64_t c = 0; y && c < 7; c++) {
            const float *plane = (const float *)seg_tensor_data(x) + c * 65;
            float want = fold(&plane, 1, 65, 1, max, 65.0f, 0);
            CHECK(memcmp(&want, (const float *)seg_tensor_data(y) + c, sizeof want) == 0);
        }
        seg_tensor_destroy(y);
    }
    seg_tensor_destroy(x);
}

int main(void)
{
    return RUN_TESTS(CASE(maxpool2d_dilations_ceil_and_indices),
                     CASE(avgpool2d_count_include_pad_and_ceil), CASE(pool1d),
                     CASE(global_pools), CASE(maxpool_uint8_and_same_lower),
                     CASE(maxpool_indices_column_major), CASE(pool_errors),
                     CASE(vector_rows_equal_the_scalar_fold),
                     CASE(vector_pools_equal_the_scalar_path),
                     CASE(global_pools_equal_the_fold));
}
