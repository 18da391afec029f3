/*
 * Kernels split over a thread pool give the results of the single-threaded run, bit
 * for bit, on shapes large enough to cross every grain and uneven enough that chunks
 * start mid-run; and each vector variant of the activations equals the portable code.
 */
#include "op_test.h"
#include "core/cpu.h"
#include "ops/binary_f32.h"
#include "ops/fused_act.h"

#include <math.h>

/* Values in [-2, 2) with some exact zeros, negative zeros and a NaN. */
static seg_tensor *pattern(seg_dtype dtype, int rank, const int64_t *dims, uint32_t seed)
{
    seg_tensor *t = tensor_of(dtype, rank, dims, NULL);
    if (!t)
        return NULL;
    uint32_t s = seed;
    size_t n = seg_tensor_count(t);
    for (size_t i = 0; i < n; i++) {
        s = s * 1664525u + 1013904223u;
        float v = (float)(s >> 8) / 4194304.0f - 2.0f;
        v = i % 97 == 0 ? 0.0f : i % 89 == 0 ? -0.0f : i % 1001 == 0 ? NAN : v;
        if (dtype == SEG_DTYPE_F32)
            ((float *)seg_tensor_data(t))[i] = v;
        else
            ((uint8_t *)seg_tensor_data(t))[i] = v > 0;
    }
    return t;
}

/* The op on 1 thread and on pools of 2 and 3: identical bytes. */
static void same_on_threads(const char *op_type, const segi_attr *attrs, int n_attrs, int n_in,
                            const seg_tensor *const *in)
{
    seg_tensor *want = NULL;
    CHECK_OK(run_op_on(NULL, op_type, attrs, n_attrs, n_in, in, &want));
    for (int threads = 2; threads <= 3 && want; threads++) {
        segi_pool *pool = NULL;
        seg_tensor *got = NULL;
        CHECK_OK(segi_pool_create(threads, &pool));
        CHECK_OK(run_op_on(pool, op_type, attrs, n_attrs, n_in, in, &got));
        if (got) {
            CHECK_EQ_INT(seg_tensor_nbytes(got), seg_tensor_nbytes(want));
            bool same = seg_tensor_nbytes(got) == seg_tensor_nbytes(want) &&
                        memcmp(seg_tensor_const_data(got), seg_tensor_const_data(want),
                               seg_tensor_nbytes(want)) == 0;
            if (!same)
                fprintf(stderr, "%s differs on %d threads\n", op_type, threads);
            CHECK(same);
        }
        seg_tensor_destroy(got);
        segi_pool_destroy(pool);
    }
    seg_tensor_destroy(want);
}

static const int64_t big[4] = {2, 19, 61, 67};  /* 155 K values, odd run lengths */

TEST(elementwise)
{
    const int64_t chan[4] = {1, 19, 1, 1}, row[3] = {1, 61, 67}, col[4] = {2, 1, 61, 1};
    seg_tensor *x = pattern(SEG_DTYPE_F32, 4, big, 1), *y = pattern(SEG_DTYPE_F32, 4, big, 2);
    seg_tensor *c = pattern(SEG_DTYPE_F32, 4, chan, 3), *r = pattern(SEG_DTYPE_F32, 3, row, 4);
    seg_tensor *k = pattern(SEG_DTYPE_F32, 4, col, 5), *m = pattern(SEG_DTYPE_BOOL, 4, big, 6);
    static const char *const bin[] = {"Add", "Sub", "Mul", "Div", "Max", "Pow", "PRelu",
                                      "Less"};
    for (size_t i = 0; i < sizeof bin / sizeof bin[0]; i++) {
        same_on_threads(bin[i], NULL, 0, 2, (const seg_tensor *[]){x, y});
        same_on_threads(bin[i], NULL, 0, 2, (const seg_tensor *[]){x, c});
        if (strcmp(bin[i], "PRelu") != 0) {
            same_on_threads(bin[i], NULL, 0, 2, (const seg_tensor *[]){c, x});
            same_on_threads(bin[i], NULL, 0, 2, (const seg_tensor *[]){k, r});
        }
    }
    same_on_threads("Sum", NULL, 0, 3, (const seg_tensor *[]){x, r, c});
    same_on_threads("Where", NULL, 0, 3, (const seg_tensor *[]){m, x, r});
    static const char *const un[] = {"Relu", "Sigmoid", "Tanh", "HardSwish", "LeakyRelu",
                                     "Exp", "Abs"};
    for (size_t i = 0; i < sizeof un / sizeof un[0]; i++)
        same_on_threads(un[i], NULL, 0, 1, (const seg_tensor *[]){x});
    segi_attr clip[2] = {attr_float("min", -0.5f), attr_float("max", 1.25f)};
    const segi_op_def *def = segi_op_find("Clip");
    segi_node_info node = {"par", "Clip", 6, clip, 2};
    seg_tensor *want = NULL, *got = NULL;
    segi_pool *pool = NULL;
    CHECK_OK(segi_pool_create(2, &pool));
    CHECK_OK(segi_op_eval(def, &node, 1, (const seg_tensor *[]){x}, 1, &want));
    seg_tensor shape = {0}, *slot = &shape;
    segi_op_ctx ctx = {.node = &node, .n_in = 1, .in = (const seg_tensor *[]){x}, .n_out = 1,
                       .out = &slot, .pool = pool};
    CHECK_OK(def->infer(&ctx));
    CHECK_OK(seg_tensor_create(shape.dtype, shape.rank, shape.dims, &got));
    ctx.out = &got;
    CHECK_OK(def->run(&ctx));
    CHECK(want && got && !memcmp(seg_tensor_const_data(want), seg_tensor_const_data(got),
                                 seg_tensor_nbytes(want)));
    seg_tensor_destroy(want);
    seg_tensor_destroy(got);
    segi_pool_destroy(pool);
    seg_tensor *all[] = {x, y, c, r, k, m};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        seg_tensor_destroy(all[i]);
}

TEST(pooling_and_norms)
{
    seg_tensor *x = pattern(SEG_DTYPE_F32, 4, big, 7);
    const int64_t k3[2] = {3, 3}, s2[2] = {2, 2}, p1[4] = {1, 1, 1, 1};
    segi_attr maxp[3] = {attr_ints("kernel_shape", k3, 2), attr_ints("strides", s2, 2),
                         attr_ints("pads", p1, 4)};
    same_on_threads("MaxPool", maxp, 3, 1, (const seg_tensor *[]){x});
    same_on_threads("AveragePool", maxp, 3, 1, (const seg_tensor *[]){x});
    same_on_threads("GlobalAveragePool", NULL, 0, 1, (const seg_tensor *[]){x});
    const int64_t ch[1] = {19};
    seg_tensor *sc = pattern(SEG_DTYPE_F32, 1, ch, 8), *b = pattern(SEG_DTYPE_F32, 1, ch, 9);
    seg_tensor *mean = pattern(SEG_DTYPE_F32, 1, ch, 10), *var = tensor_of(SEG_DTYPE_F32, 1, ch, NULL);
    for (int i = 0; var && i < 19; i++)
        ((float *)seg_tensor_data(var))[i] = 0.5f + (float)i;
    same_on_threads("BatchNormalization", NULL, 0, 5,
                    (const seg_tensor *[]){x, sc, b, mean, var});
    same_on_threads("InstanceNormalization", NULL, 0, 3, (const seg_tensor *[]){x, sc, b});
    seg_tensor *all[] = {x, sc, b, mean, var};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        seg_tensor_destroy(all[i]);
}

TEST(resize_softmax_concat)
{
    const int64_t small[4] = {1, 21, 33, 29};
    seg_tensor *x = pattern(SEG_DTYPE_F32, 4, small, 11);
    const float sv[4] = {1, 1, 7.5f, 8};
    seg_tensor *scales = tensor_of(SEG_DTYPE_F32, 1, (const int64_t[]){4}, sv);
    static const char *const modes[] = {"linear", "cubic", "nearest"};
    for (int i = 0; i < 3; i++) {
        segi_attr mode = attr_string("mode", modes[i]);
        same_on_threads("Resize", &mode, 1, 3, (const seg_tensor *[]){x, NULL, scales});
    }
    seg_tensor *big_x = pattern(SEG_DTYPE_F32, 4, big, 12);
    for (int axis = -1; axis <= 1; axis++) {
        segi_attr a = attr_int("axis", axis);
        same_on_threads("Softmax", &a, 1, 1, (const seg_tensor *[]){big_x});
        same_on_threads("LogSoftmax", &a, 1, 1, (const seg_tensor *[]){big_x});
    }
    const int64_t d1[4] = {2, 7, 61, 67}, d2[4] = {2, 19, 13, 67};
    seg_tensor *y1 = pattern(SEG_DTYPE_F32, 4, d1, 13), *y2 = pattern(SEG_DTYPE_F32, 4, d2, 14);
    segi_attr ax1 = attr_int("axis", 1), ax2 = attr_int("axis", 2);
    same_on_threads("Concat", &ax1, 1, 3, (const seg_tensor *[]){big_x, y1, big_x});
    same_on_threads("Concat", &ax2, 1, 2, (const seg_tensor *[]){y2, big_x});
    seg_tensor *all[] = {x, scales, big_x, y1, y2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        seg_tensor_destroy(all[i]);
}

TEST(vector_activations_equal_portable)
{
    enum { N = 1000 };
    float x[N], want[N], got[N];
    for (int i = 0; i < N; i++)
        x[i] = (float)((i * 7919) % 2001 - 1000) / 250.0f;
    x[3] = NAN;
    x[5] = -0.0f;
    x[17] = INFINITY;
    x[18] = -INFINITY;
    x[40] = -NAN;
    const segi_fused_act acts[] = {{SEGI_ACT_NONE, 0, 0},       {SEGI_ACT_RELU, 0, 0},
                                   {SEGI_ACT_CLIP, -0.5f, 3.0f}, {SEGI_ACT_CLIP, 0, 6},
                                   {SEGI_ACT_LEAKY_RELU, 0.1f, 0}, {SEGI_ACT_HARD_SWISH, 1 / 6.0f, 0.5f},
                                   {SEGI_ACT_SIGMOID, 0, 0}};
    const float biases[] = {0.0f, -0.0f, 0.75f, -1.5f};
    int variants = 0;
    for (segi_isa isa = SEGI_ISA_AVX2; isa <= segi_cpu_isa(); isa++)
        for (size_t a = 0; a < sizeof acts / sizeof acts[0]; a++)
            for (size_t b = 0; b < sizeof biases / sizeof biases[0]; b++)
                for (size_t n = N - 37; n <= N; n += 37 / 2 + 1) {  /* uneven tails */
                    segi_act_map(SEGI_ISA_PORTABLE, &acts[a], biases[b], x, want, n);
                    segi_act_map(isa, &acts[a], biases[b], x, got, n);
                    CHECK(memcmp(want, got, n * sizeof *got) == 0);
                    variants++;
                }
    if (segi_cpu_isa() == SEGI_ISA_PORTABLE)
        fprintf(stderr, "no vector ISA on this CPU: only the portable code ran\n");
    /* In place, and -0.0f as the bias leaves everything (even -0.0) as it is. */
    memcpy(got, x, sizeof got);
    segi_act_map(segi_cpu_isa(), &acts[0], -0.0f, got, got, N);
    CHECK(memcmp(got, x, sizeof got) == 0);
    segi_act_map(segi_cpu_isa(), &acts[1], -0.0f, x, got, N);
    CHECK(signbit(got[5]) && got[5] == 0.0f);
    CHECK(isnan(got[3]));
    (void)variants;
}

TEST(vector_arithmetic_equals_portable)
{
    enum { N = 300 };
    float a[N], b[N], want[N], got[N];
    for (int i = 0; i < N; i++) {
        a[i] = (float)((i * 7919) % 2001 - 1000) / 7.0f;
        b[i] = (float)((i * 104729) % 1999 - 999) / 3.0f;
    }
    a[4] = NAN;
    b[9] = 0.0f;   /* x / 0 = inf */
    b[10] = -0.0f;
    a[11] = INFINITY;
    b[11] = INFINITY;
    const size_t steps[3][2] = {{1, 1}, {1, 0}, {0, 1}};
    for (segi_isa isa = SEGI_ISA_AVX2; isa <= segi_cpu_isa(); isa++)
        for (int op = SEGI_ARITH_ADD; op <= SEGI_ARITH_DIV; op++)
            for (int s = 0; s < 3; s++)
                for (size_t n = 0; n <= N; n += 23) {
                    const float *pa = steps[s][0] ? a : a + 7, *pb = steps[s][1] ? b : b + 5;
                    segi_arith_f32(SEGI_ISA_PORTABLE, (segi_arith)op, n, want, pa,
                                   steps[s][0], pb, steps[s][1]);
                    segi_arith_f32(isa, (segi_arith)op, n, got, pa, steps[s][0], pb,
                                   steps[s][1]);
                    CHECK(memcmp(want, got, n * sizeof *got) == 0);
                }
    segi_arith_f32(SEGI_ISA_PORTABLE, SEGI_ARITH_DIV, 1, got, a, 1, b + 9, 1);
    CHECK(isinf(got[0]));  /* the portable code is IEEE too */
    segi_arith_f32(SEGI_ISA_PORTABLE, SEGI_ARITH_SUB, 1, got, a + 11, 1, b + 11, 1);
    CHECK(isnan(got[0]));
}

int main(void)
{
    return RUN_TESTS(CASE(elementwise), CASE(pooling_and_norms), CASE(resize_softmax_concat),
                     CASE(vector_activations_equal_portable),
                     CASE(vector_arithmetic_equals_portable));
}
