/* PyTorch exports whose Resize sizes are computed by Shape -> Slice -> Concat chains
 * (tests/goldens/ops_shape.py): the planner must fold those chains through the shape
 * operators' value inputs, and the outputs must match PyTorch's. Public API only. */
#include "check.h"

#include <seg/seg.h>

#include <dirent.h>
#include <stdlib.h>

static seg_tensor *load(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(path, NULL, &t));
    return t;
}

/* Returns 1 when `model` runs and matches its expected output within 1e-5. */
static int run_model(const char *dir, const char *model, const seg_tensor *const *inputs)
{
    char path[4096], expected[1024];
    snprintf(path, sizeof path, "%s/%s", dir, model);
    snprintf(expected, sizeof expected, "%.*s.expected.npy", (int)(strlen(model) - 5), model);
    seg_model *m = NULL;
    seg_session *s = NULL;
    seg_tensor *want = load(dir, expected);
    int ok = 0;
    if (seg_model_load_file(path, NULL, &m) != SEG_OK ||
        seg_session_create(m, NULL, &s) != SEG_OK || seg_session_run(s, inputs, 2) != SEG_OK) {
        fprintf(stderr, "%s: %s\n", model, seg_last_error());
    } else if (want) {
        const seg_tensor *got = seg_session_output(s, 0);
        ok = seg_tensor_count(got) == seg_tensor_count(want) &&
             seg_tensor_rank(got) == seg_tensor_rank(want);
        for (int d = 0; ok && d < seg_tensor_rank(want); d++)
            ok = seg_tensor_dims(got)[d] == seg_tensor_dims(want)[d];
        const float *g = seg_tensor_const_data(got), *w = seg_tensor_const_data(want);
        for (size_t i = 0; ok && i < seg_tensor_count(want); i++)
            ok = fabsf(g[i] - w[i]) <= 1e-5f * (1 + fabsf(w[i]));
        if (!ok)
            fprintf(stderr, "%s: output differs from PyTorch's\n", model);
    }
    seg_tensor_destroy(want);
    seg_session_destroy(s);
    seg_model_destroy(m);
    return ok;
}

TEST(pytorch_exports_match)
{
    char dir[1024];
    const char *data = getenv("SEG_TEST_DATA");
    snprintf(dir, sizeof dir, "%s/ops_shape_models", data ? data : "tests/data");
    seg_tensor *x = load(dir, "x.npy"), *y = load(dir, "y.npy");
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    int models = 0;
    for (struct dirent *e; d && x && y && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".onnx") != 0)
            continue;
        models++;
        int ok = run_model(dir, e->d_name, (const seg_tensor *const[]){x, y});
        printf("%s %s\n", ok ? "ok  " : "FAIL", e->d_name);
        CHECK(ok);
    }
    CHECK(models >= 8);
    if (d)
        closedir(d);
    seg_tensor_destroy(x);
    seg_tensor_destroy(y);
}

int main(void)
{
    return RUN_TESTS(CASE(pytorch_exports_match));
}
