/* Status strings, thread-local errors, versions and options. */
#include "check.h"

#include <seg/seg.h>

#include <pthread.h>

TEST(status_strings_are_static_and_total)
{
    CHECK_STR(seg_status_string(SEG_OK), "ok");
    CHECK_STR(seg_status_string(SEG_ERR_FORMAT), "malformed data");
    CHECK_STR(seg_status_string((seg_status)1234), "unknown status");
}

TEST(version_agrees_with_header)
{
    CHECK_EQ_INT(seg_version_number(), SEG_VERSION_NUMBER);
    CHECK_EQ_INT(SEG_VERSION_NUMBER, 100);
    CHECK_STR(seg_version_string(), SEG_VERSION_STRING);
    CHECK_OK(SEG_INIT());
    CHECK_FAIL(seg_check_version(10000), SEG_ERR_VERSION, "1.0.0 headers");
    CHECK_FAIL(seg_check_version(SEG_VERSION_NUMBER + 1), SEG_ERR_VERSION, "library is");
}

static void *fail_in_thread(void *arg)
{
    (void)arg;
    seg_tensor *t;
    int64_t d = -3;
    if (seg_tensor_create(SEG_DTYPE_F32, 1, &d, &t) == SEG_OK)
        seg_tensor_destroy(t);
    return NULL;
}

TEST(last_error_is_thread_local)
{
    seg_options *o;
    CHECK_OK(seg_options_create(&o));
    CHECK_FAIL(seg_options_set_int(o, SEG_OPT_THREADS, 0), SEG_ERR_INVALID_ARGUMENT,
               "threads = 0 is outside [1, 1024]");
    pthread_t th;
    pthread_create(&th, NULL, fail_in_thread, NULL);
    pthread_join(th, NULL);
    CHECK(strstr(seg_last_error(), "threads = 0") != NULL);
    seg_options_destroy(o);
}

TEST(options_defaults_and_setters)
{
    int64_t v = 0;
    CHECK_OK(seg_options_get_int(NULL, SEG_OPT_MAX_PIXELS, &v));
    CHECK_EQ_INT(v, 100000000);
    seg_options *o;
    CHECK_OK(seg_options_create(&o));
    CHECK_OK(seg_options_set_int(o, SEG_OPT_MAX_PIXELS, 64));
    CHECK_OK(seg_options_get_int(o, SEG_OPT_MAX_PIXELS, &v));
    CHECK_EQ_INT(v, 64);
    CHECK_FAIL(seg_options_set_int(o, (seg_option)999, 1), SEG_ERR_INVALID_ARGUMENT,
               "unknown option key 999");
    CHECK_FAIL(seg_options_set_int(NULL, SEG_OPT_THREADS, 1), SEG_ERR_INVALID_ARGUMENT,
               "'options' is NULL");
    seg_options_destroy(o);
    seg_options_destroy(NULL);
}

int main(void)
{
    return RUN_TESTS(CASE(status_strings_are_static_and_total),
                     CASE(version_agrees_with_header), CASE(last_error_is_thread_local),
                     CASE(options_defaults_and_setters));
}
