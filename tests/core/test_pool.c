/* The thread pool: every index visited exactly once, inline paths, reuse. */
#include "check.h"
#include "core/pool.h"

#include <stdatomic.h>
#include <stdlib.h>

typedef struct visit {
    atomic_int *hits;
    atomic_int calls;
} visit;

static void mark(void *ctx, size_t b, size_t e)
{
    visit *v = ctx;
    atomic_fetch_add(&v->calls, 1);
    for (size_t i = b; i < e; i++)
        atomic_fetch_add(&v->hits[i], 1);
}

static int visited_once(segi_pool *p, size_t n, size_t grain, int *calls)
{
    visit v = {calloc(n + 1, sizeof(atomic_int)), 0};
    segi_pool_for(p, n, grain, mark, &v);
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= atomic_load(&v.hits[i]) == 1;
    *calls = atomic_load(&v.calls);
    free(v.hits);
    return ok;
}

TEST(covers_every_index_once)
{
    segi_pool *p = NULL;
    CHECK_OK(segi_pool_create(4, &p));
    CHECK_EQ_INT(segi_pool_threads(p), 4);
    int calls;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(round * 37 % 1000) + 1;
        CHECK(visited_once(p, n, 1 + (size_t)round % 7, &calls));
    }
    CHECK(visited_once(p, 100000, 16, &calls));
    CHECK(calls > 1); /* split into chunks */
    CHECK(visited_once(p, 10, 64, &calls));
    CHECK_EQ_INT(calls, 1); /* below the grain: inline, one call */
    CHECK(visited_once(p, 0, 1, &calls));
    CHECK_EQ_INT(calls, 0);
    segi_pool_destroy(p);
}

TEST(null_and_single_thread_pools_run_inline)
{
    int calls;
    CHECK_EQ_INT(segi_pool_threads(NULL), 1);
    CHECK(visited_once(NULL, 1000, 1, &calls));
    CHECK_EQ_INT(calls, 1);
    segi_pool *p = NULL;
    CHECK_OK(segi_pool_create(1, &p));
    CHECK(visited_once(p, 1000, 1, &calls));
    CHECK_EQ_INT(calls, 1);
    segi_pool_destroy(p);
    segi_pool_destroy(NULL);
    CHECK_FAIL(segi_pool_create(0, &p), SEG_ERR_INVALID_ARGUMENT, "0 threads");
}

int main(void)
{
    return RUN_TESTS(CASE(covers_every_index_once), CASE(null_and_single_thread_pools_run_inline));
}
