/* The public seg_model / seg_session API and its error paths. */
#include "check.h"
#include "test_data.h"

#include <seg/seg.h>
#include <pthread.h>
#include <stdlib.h>

static const char *data_path(const char *name)
{
    return test_data_path("onnx", name);
}

static seg_model *load(const char *name)
{
    seg_model *m = NULL;
    CHECK_OK(seg_model_load_file(data_path(name), NULL, &m));
    return m;
}

TEST(describes_inputs_and_outputs)
{
    seg_model *m = load("passthrough.onnx");
    if (!m)
        return;
    CHECK_EQ_INT(seg_model_input_count(m), 2);
    CHECK_EQ_INT(seg_model_output_count(m), 2);
    CHECK_STR(seg_model_input_name(m, 1), "m");
    CHECK(seg_model_input_name(m, 2) == NULL);
    CHECK_STR(seg_model_output_name(m, 0), "x");
    seg_dtype dt;
    int rank;
    int64_t dims[SEG_MAX_RANK];
    CHECK_OK(seg_model_input_info(m, 0, &dt, &rank, dims));
    CHECK(dt == SEG_DTYPE_F32 && rank == 2 && dims[0] == -1 && dims[1] == 3);
    CHECK_STR(seg_model_input_dim_name(m, 0, 0), "batch");
    CHECK(seg_model_input_dim_name(m, 0, 1) == NULL);
    CHECK_OK(seg_model_output_info(m, 1, &dt, &rank, dims));
    CHECK(dt == SEG_DTYPE_I64 && rank == 1 && dims[0] == 2);
    CHECK_FAIL(seg_model_input_info(m, 5, &dt, &rank, dims), SEG_ERR_INVALID_ARGUMENT,
               "input 5 of 2");
    size_t at = 9;
    CHECK_OK(seg_model_find_input(m, "m", &at));
    CHECK_EQ_INT(at, 1);
    CHECK_FAIL(seg_model_find_output(m, "nope", &at), SEG_ERR_NOT_FOUND, "no output called 'nope'");
    CHECK_EQ_INT(at, 1);
    CHECK_EQ_INT(seg_model_opset(m), 17);
    CHECK_EQ_INT(seg_model_node_count(m), 0);
    CHECK_EQ_INT(seg_model_parameter_count(m), 0);
    seg_model_destroy(m);
}

TEST(runs_and_checks_inputs)
{
    seg_model *m = load("passthrough.onnx");
    seg_session *s = NULL;
    if (!m)
        return;
    CHECK_OK(seg_session_create(m, NULL, &s));
    CHECK(seg_session_output(s, 0) == NULL);
    float xs[6] = {1, 2, 3, 4, 5, 6};
    int64_t ms[2] = {7, 8};
    seg_tensor *x = NULL, *mm = NULL, *bad = NULL, *wrong = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){2, 3}, xs, sizeof xs, &x));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_I64, 1, (const int64_t[]){2}, ms, sizeof ms, &mm));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){3, 2}, xs, sizeof xs, &bad));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 1, (const int64_t[]){2}, xs, 8, &wrong));
    CHECK_OK(seg_session_run(s, (const seg_tensor *const[]){x, mm}, 2));
    const seg_tensor *y = seg_session_output(s, 0);
    CHECK(y && seg_tensor_dim(y, 0) == 2 && ((const float *)seg_tensor_const_data(y))[5] == 6);
    CHECK(seg_session_output(s, 2) == NULL);
    CHECK_FAIL(seg_session_run(s, (const seg_tensor *const[]){x}, 1), SEG_ERR_INVALID_ARGUMENT,
               "1 inputs given, the model has 2");
    CHECK(seg_session_output(s, 0) == NULL);
    CHECK_FAIL(seg_session_run(s, (const seg_tensor *const[]){bad, mm}, 2), SEG_ERR_SHAPE,
               "input 'x' has shape [3, 2], the model expects [-1, 3]");
    CHECK_FAIL(seg_session_run(s, (const seg_tensor *const[]){x, wrong}, 2), SEG_ERR_SHAPE,
               "input 'm' has dtype f32, the model expects i64");
    /* By name, in any order; a new batch size re-plans. */
    seg_tensor *x1 = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){1, 3}, xs, 12, &x1));
    CHECK_OK(seg_session_run_named(s, (const char *const[]){"m", "x"},
                                   (const seg_tensor *const[]){mm, x1}, 2));
    y = seg_session_output(s, 0);
    CHECK(y && seg_tensor_dim(y, 0) == 1);
    CHECK_FAIL(seg_session_run_named(s, (const char *const[]){"x", "x"},
                                     (const seg_tensor *const[]){x, x}, 2),
               SEG_ERR_INVALID_ARGUMENT, "input 'x' is given twice");
    CHECK_FAIL(seg_session_run_named(s, (const char *const[]){"x", "q"},
                                     (const seg_tensor *const[]){x, mm}, 2),
               SEG_ERR_NOT_FOUND, "no input called 'q'");
    CHECK_OK(seg_session_prepare(s, (const seg_tensor *const[]){x, mm}, 2));
    CHECK_EQ_INT(seg_session_arena_bytes(s), 0);
    CHECK_EQ_INT(seg_session_conv_flops(s), 0);
    seg_tensor_destroy(x);
    seg_tensor_destroy(x1);
    seg_tensor_destroy(mm);
    seg_tensor_destroy(bad);
    seg_tensor_destroy(wrong);
    seg_session_destroy(s);
    seg_model_destroy(m);
}

TEST(load_errors)
{
    seg_model *m = NULL;
    CHECK_FAIL(seg_model_load_file(data_path("unknown_op.onnx"), NULL, &m), SEG_ERR_UNSUPPORTED,
               "operator FooBar (node 'mystery', opset 13) is not supported");
    CHECK_FAIL(seg_model_load_file(data_path("truncated.onnx"), NULL, &m), SEG_ERR_FORMAT,
               "truncated.onnx: at byte ");
    CHECK_FAIL(seg_model_load_file(data_path("does-not-exist.onnx"), NULL, &m), SEG_ERR_IO,
               "cannot open");
    CHECK_FAIL(seg_model_load_file(NULL, NULL, &m), SEG_ERR_INVALID_ARGUMENT, "path");
    seg_options *o = NULL;
    CHECK_OK(seg_options_create(&o));
    CHECK_OK(seg_options_set_int(o, SEG_OPT_MAX_FILE_BYTES, 16));
    CHECK_FAIL(seg_model_load_file(data_path("passthrough.onnx"), o, &m), SEG_ERR_LIMIT, "limit");
    seg_options_destroy(o);
    CHECK(m == NULL);
    seg_model_destroy(NULL);
    seg_session_destroy(NULL);
}

TEST(loads_from_memory)
{
    FILE *fp = fopen(data_path("passthrough.onnx"), "rb");
    CHECK(fp != NULL);
    if (!fp)
        return;
    char *buf = malloc(4096);
    size_t n = fread(buf, 1, 4096, fp);
    fclose(fp);
    seg_model *a = NULL, *b = NULL;
    CHECK_OK(seg_model_load_memory(buf, n, NULL, &a));
    CHECK_OK(seg_model_load_memory_borrowed(buf, n, NULL, &b));
    memset(buf, 0, n); /* the copy must not care */
    if (a)
        CHECK_STR(seg_model_input_name(a, 0), "x");
    seg_model_destroy(b);
    seg_model *c = NULL;
    CHECK_FAIL(seg_model_load_memory(buf, n, NULL, &c), SEG_ERR_FORMAT, "at byte 0");
    seg_model_destroy(a);
    free(buf);
}

typedef struct worker_job {
    const seg_model *model;
    const seg_tensor *x;
    float first, last; /* of the output, after several runs */
    seg_status st;
} worker_job;

static void *worker(void *arg)
{
    worker_job *j = arg;
    seg_session *s = NULL;
    j->st = seg_session_create(j->model, NULL, &s);
    for (int i = 0; i < 4 && j->st == SEG_OK; i++)
        j->st = seg_session_run(s, &j->x, 1);
    if (j->st == SEG_OK) {
        const seg_tensor *y = seg_session_output(s, 0);
        const float *d = seg_tensor_const_data(y);
        j->first = d[0];
        j->last = d[seg_tensor_count(y) - 1];
    }
    seg_session_destroy(s);
    return NULL;
}

TEST(sessions_share_a_model_across_threads)
{
    char path[1024];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(path, sizeof path, "%s/parity/segformer.onnx", root ? root : "tests/data");
    seg_model *m = NULL;
    CHECK_OK(seg_model_load_file(path, NULL, &m));
    snprintf(path, sizeof path, "%s/parity/segformer.input.npy", root ? root : "tests/data");
    seg_tensor *x = NULL;
    CHECK_OK(seg_npy_read_file(path, NULL, &x));
    if (!m || !x)
        return;
    worker_job jobs[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        jobs[i] = (worker_job){m, x, 0, 0, SEG_OK};
        CHECK(pthread_create(&th[i], NULL, worker, &jobs[i]) == 0);
    }
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < 3; i++) {
        CHECK_OK(jobs[i].st);
        CHECK(jobs[i].first == jobs[0].first && jobs[i].last == jobs[0].last);
    }
    seg_tensor_destroy(x);
    seg_model_destroy(m);
}

int main(void)
{
    return RUN_TESTS(CASE(describes_inputs_and_outputs), CASE(runs_and_checks_inputs),
                     CASE(load_errors), CASE(loads_from_memory),
                     CASE(sessions_share_a_model_across_threads));
}
