/* A steady-state seg_session_run makes no heap allocation: malloc and friends are
 * interposed and counted while a planned session runs real networks again. */
#include "check.h"

#include <seg/seg.h>
#include <stdlib.h>

#include "alloc_hook.h"

static seg_tensor *npy(const char *name)
{
    char path[1024];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(path, sizeof path, "%s/parity/%s", root ? root : "tests/data", name);
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(path, NULL, &t));
    return t;
}

static void steady_state(const char *model, int threads, int profile)
{
    char path[1024], input[256];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(path, sizeof path, "%s/parity/%s.onnx", root ? root : "tests/data", model);
    snprintf(input, sizeof input, "%s.input.npy", model);
    seg_options *o = NULL;
    seg_model *m = NULL;
    seg_session *s = NULL;
    seg_tensor *x = npy(input);
    CHECK_OK(seg_options_create(&o));
    CHECK_OK(seg_options_set_int(o, SEG_OPT_THREADS, threads));
    CHECK_OK(seg_options_set_int(o, SEG_OPT_PROFILE_NODES, profile));
    CHECK_OK(seg_model_load_file(path, o, &m));
    if (m)
        CHECK_OK(seg_session_create(m, o, &s));
    if (s && x) {
        const seg_tensor *in[1] = {x};
        for (int i = 0; i < 2; i++) /* plan, and let BLAS set up its buffers */
            CHECK_OK(seg_session_run(s, in, 1));
#ifndef SANITIZED
        atomic_store(&allocations, 0);
        atomic_store(&counting, 1);
#endif
        for (int i = 0; i < 3; i++)
            CHECK_OK(seg_session_run(s, in, 1));
#ifndef SANITIZED
        atomic_store(&counting, 0);
        long n = atomic_load(&allocations);
        if (n)
            fprintf(stderr, "%s, %d threads: %ld allocations in 3 runs\n", model, threads, n);
        CHECK_EQ_INT(n, 0);
#endif
    }
    seg_session_destroy(s);
    seg_model_destroy(m);
    seg_options_destroy(o);
    seg_tensor_destroy(x);
}

TEST(runs_allocate_nothing)
{
    steady_state("deeplabv3_mbv3", 1, 0);
    steady_state("segformer", 2, 0);
    steady_state("unet_fp16", 1, 0);
    steady_state("fcn_resnet", 2, 0);
    steady_state("deeplabv3_mbv3", 2, 1); /* profiling records into counters made at planning */
}

int main(void)
{
#ifdef SANITIZED
    return 77; /* the sanitizer owns malloc */
#else
    return RUN_TESTS(CASE(runs_allocate_nothing));
#endif
}
