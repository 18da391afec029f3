#include "core/pool.h"

#include "core/error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

struct segi_pool {
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    pthread_t *workers;
    int n_workers;
    unsigned long generation;
    bool stop;
    int busy;              /* workers not yet finished with the current loop */
    segi_pool_fn fn;       /* the current loop */
    void *ctx;
    size_t n, chunk;
    atomic_size_t next;
};

static void run_chunks(segi_pool *p)
{
    for (;;) {
        size_t b = atomic_fetch_add(&p->next, p->chunk);
        if (b >= p->n)
            return;
        size_t e = p->n - b < p->chunk ? p->n : b + p->chunk;
        p->fn(p->ctx, b, e);
    }
}

static void *worker(void *arg)
{
    segi_pool *p = arg;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->mu);
        if (p->stop)
            break;
        seen = p->generation;
        pthread_mutex_unlock(&p->mu);
        run_chunks(p);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

void segi_pool_destroy(segi_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->n_workers; i++)
        pthread_join(p->workers[i], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->mu);
    free(p->workers);
    free(p);
}

seg_status segi_pool_create(int threads, segi_pool **out)
{
    if (threads < 1)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "thread pool of %d threads", threads);
    segi_pool *p = calloc(1, sizeof *p);
    if (!p)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "thread pool");
    p->workers = calloc((size_t)threads, sizeof *p->workers);
    if (!p->workers || pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p->workers);
        free(p);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "thread pool");
    }
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    for (int i = 0; i < threads - 1; i++) {
        if (pthread_create(&p->workers[i], NULL, worker, p) != 0) {
            segi_pool_destroy(p);
            return segi_error(SEG_ERR_OUT_OF_MEMORY, "thread %d of %d could not start", i + 2,
                              threads);
        }
        p->n_workers++;
    }
    *out = p;
    return SEG_OK;
}

int segi_pool_threads(const segi_pool *p)
{
    return p ? p->n_workers + 1 : 1;
}

void segi_pool_for(segi_pool *p, size_t n, size_t grain, segi_pool_fn fn, void *ctx)
{
    if (grain == 0)
        grain = 1;
    if (!p || p->n_workers == 0 || n <= grain) {
        if (n)
            fn(ctx, 0, n);
        return;
    }
    /* About four chunks per thread balances uneven chunks without much overhead. */
    size_t per = (n + 4 * (size_t)segi_pool_threads(p) - 1) / (4 * (size_t)segi_pool_threads(p));
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->n = n;
    p->chunk = per > grain ? per : grain;
    atomic_store(&p->next, 0);
    p->busy = p->n_workers;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    run_chunks(p);
    pthread_mutex_lock(&p->mu);
    while (p->busy)
        pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}
