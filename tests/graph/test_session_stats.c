/* Per-node profiles through the public API: a record for every executed node, times
 * that add up, conv FLOPs that match the session's, and the error paths. Also the
 * thread policy: a run leaves OpenBLAS at the session's thread count. */
#include "check.h"
#include "core/blas_threads.h"

#include <seg/seg.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    seg_options *o;
    seg_model *m;
    seg_session *s;
    seg_tensor *x;
} fixture;

static void open_model(fixture *f, const char *model, int threads, int profile)
{
    char path[1024];
    const char *root = getenv("SEG_TEST_DATA");
    memset(f, 0, sizeof *f);
    CHECK_OK(seg_options_create(&f->o));
    CHECK_OK(seg_options_set_int(f->o, SEG_OPT_THREADS, threads));
    CHECK_OK(seg_options_set_int(f->o, SEG_OPT_PROFILE_NODES, profile));
    snprintf(path, sizeof path, "%s/parity/%s.onnx", root ? root : "tests/data", model);
    CHECK_OK(seg_model_load_file(path, f->o, &f->m));
    snprintf(path, sizeof path, "%s/parity/%s.input.npy", root ? root : "tests/data", model);
    CHECK_OK(seg_npy_read_file(path, NULL, &f->x));
    if (f->m)
        CHECK_OK(seg_session_create(f->m, f->o, &f->s));
}

static void close_model(fixture *f)
{
    seg_session_destroy(f->s);
    seg_model_destroy(f->m);
    seg_options_destroy(f->o);
    seg_tensor_destroy(f->x);
}

static uint64_t stat_of(const seg_session *s, size_t i, seg_node_stat k)
{
    uint64_t v = UINT64_MAX;
    CHECK_OK(seg_session_node_stat(s, i, k, &v));
    return v;
}

static void check_records(const char *model, int threads)
{
    fixture f;
    open_model(&f, model, threads, 1);
    if (!f.s || !f.x)
        return close_model(&f);
    CHECK_EQ_INT(seg_session_node_count(f.s), 0); /* nothing before a run */
    const seg_tensor *in[1] = {f.x};
    for (int run = 0; run < 2; run++)
        CHECK_OK(seg_session_run(f.s, in, 1));
    size_t n = seg_session_node_count(f.s);
    CHECK(n > 0);
    uint64_t total = 0, flops = 0, run_ns = seg_session_run_ns(f.s);
    int convs = 0;
    for (size_t i = 0; i < n; i++) {
        const char *op = seg_session_node_op_type(f.s, i);
        CHECK(op != NULL && op[0] != '\0');
        CHECK(seg_session_node_name(f.s, i) != NULL);
        uint64_t ns = stat_of(f.s, i, SEG_NODE_STAT_NS);
        uint64_t parts = stat_of(f.s, i, SEG_NODE_STAT_IM2COL_NS) +
                         stat_of(f.s, i, SEG_NODE_STAT_GEMM_NS) +
                         stat_of(f.s, i, SEG_NODE_STAT_TRANSFORM_NS);
        CHECK(parts <= ns);
        total += ns;
        uint64_t fl = stat_of(f.s, i, SEG_NODE_STAT_FLOPS);
        bool conv = op && (!strcmp(op, "Conv") || !strcmp(op, "ConvTranspose"));
        CHECK(conv ? fl > 0 : fl == 0);
        convs += conv;
        flops += fl;
    }
    CHECK(convs > 0);
    CHECK(run_ns > 0);
    CHECK(total <= run_ns); /* node shares add up to at most 100 % */
    CHECK(flops == seg_session_conv_flops(f.s));
    CHECK(seg_session_node_op_type(f.s, n) == NULL);
    CHECK(seg_session_node_name(f.s, n) == NULL);
    close_model(&f);
}

TEST(every_executed_node_has_a_record)
{
    check_records("fcn_resnet", 1);
    check_records("deeplabv3_mbv3", 2);
    check_records("unet", 1);
}

/* MatMul times its GEMMs: the phase counters reach the kernels. */
TEST(matmul_records_gemm_time)
{
    fixture f;
    open_model(&f, "segformer", 1, 1);
    uint64_t gemm = 0;
    int matmuls = 0;
    if (f.s && f.x) {
        const seg_tensor *in[1] = {f.x};
        CHECK_OK(seg_session_run(f.s, in, 1));
        for (size_t i = 0; i < seg_session_node_count(f.s); i++)
            if (!strcmp(seg_session_node_op_type(f.s, i), "MatMul")) {
                matmuls++;
                gemm += stat_of(f.s, i, SEG_NODE_STAT_GEMM_NS);
            }
    }
    CHECK(matmuls > 0);
    CHECK(gemm > 0);
    close_model(&f);
}

TEST(error_paths)
{
    fixture f;
    open_model(&f, "fcn_resnet", 1, 1);
    uint64_t v = 42;
    CHECK_FAIL(seg_session_node_stat(f.s, 0, SEG_NODE_STAT_NS, &v), SEG_ERR_INVALID_ARGUMENT,
               "node record 0 of 0");
    if (f.s && f.x) {
        const seg_tensor *in[1] = {f.x};
        CHECK_OK(seg_session_run(f.s, in, 1));
        size_t n = seg_session_node_count(f.s);
        CHECK_FAIL(seg_session_node_stat(f.s, n, SEG_NODE_STAT_NS, &v),
                   SEG_ERR_INVALID_ARGUMENT, "node record");
        CHECK_FAIL(seg_session_node_stat(f.s, 0, (seg_node_stat)0, &v),
                   SEG_ERR_INVALID_ARGUMENT, "unknown node stat 0");
        CHECK_FAIL(seg_session_node_stat(f.s, 0, (seg_node_stat)99, &v),
                   SEG_ERR_INVALID_ARGUMENT, "unknown node stat 99");
        CHECK_FAIL(seg_session_node_stat(f.s, 0, SEG_NODE_STAT_NS, NULL),
                   SEG_ERR_INVALID_ARGUMENT, "out");
        CHECK_EQ_INT(v, 42); /* untouched on failure */
        /* A failed run drops the records. */
        int64_t dims[4] = {1, 3, 7, 7};
        seg_tensor *bad = NULL;
        CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 4, dims, &bad));
        const seg_tensor *bad_in[1] = {bad};
        CHECK(seg_session_run(f.s, bad_in, 1) != SEG_OK);
        CHECK_EQ_INT(seg_session_node_count(f.s), 0);
        CHECK_EQ_INT(seg_session_run_ns(f.s), 0);
        seg_tensor_destroy(bad);
    }
    close_model(&f);
    CHECK_FAIL(seg_session_node_stat(NULL, 0, SEG_NODE_STAT_NS, &v), SEG_ERR_INVALID_ARGUMENT,
               "session");
    CHECK_EQ_INT(seg_session_node_count(NULL), 0);
    CHECK(seg_session_node_name(NULL, 0) == NULL);
    CHECK_EQ_INT(seg_session_run_ns(NULL), 0);
    int64_t bad_value = 2;
    seg_options *o = NULL;
    CHECK_OK(seg_options_create(&o));
    CHECK_FAIL(seg_options_set_int(o, SEG_OPT_PROFILE_NODES, bad_value),
               SEG_ERR_INVALID_ARGUMENT, "profile_nodes = 2");
    seg_options_destroy(o);
}

TEST(sessions_without_the_option_record_nothing)
{
    fixture f;
    open_model(&f, "fcn_resnet", 1, 0);
    if (f.s && f.x) {
        const seg_tensor *in[1] = {f.x};
        CHECK_OK(seg_session_run(f.s, in, 1));
        CHECK_EQ_INT(seg_session_node_count(f.s), 0);
        CHECK_EQ_INT(seg_session_run_ns(f.s), 0);
        uint64_t v;
        CHECK_FAIL(seg_session_node_stat(f.s, 0, SEG_NODE_STAT_NS, &v),
                   SEG_ERR_INVALID_ARGUMENT, "without SEG_OPT_PROFILE_NODES");
    }
    close_model(&f);
}

/* Sessions of 1 and 3 threads both run OpenBLAS on one thread, since the session's
 * pool splits the products (builds without OpenBLAS report 1 and are skipped). */
TEST(runs_keep_blas_single_threaded)
{
    fixture one, three;
    open_model(&one, "fcn_resnet", 1, 0);
    open_model(&three, "fcn_resnet", 3, 0);
    segi_blas_threads_set(3);
    bool openblas = segi_blas_threads() == 3;
    if (!openblas)
        fprintf(stderr, "not linked with OpenBLAS: thread policy not checked\n");
    if (one.s && three.s && one.x && openblas) {
        const seg_tensor *in[1] = {one.x};
        CHECK_OK(seg_session_run(one.s, in, 1));
        CHECK_EQ_INT(segi_blas_threads(), 1);
        segi_blas_threads_set(3);
        CHECK_OK(seg_session_run(three.s, in, 1));
        CHECK_EQ_INT(segi_blas_threads(), 1);
    }
    close_model(&one);
    close_model(&three);
}

int main(void)
{
    return RUN_TESTS(CASE(every_executed_node_has_a_record), CASE(matmul_records_gemm_time),
                     CASE(error_paths),
                     CASE(sessions_without_the_option_record_nothing),
                     CASE(runs_keep_blas_single_threaded));
}
