/*
 * A small thread pool for data-parallel loops inside one session.
 *
 * segi_pool_for splits [0, n) into chunks run by the workers and the calling thread,
 * and returns when all are done. It allocates nothing, so runs stay allocation-free.
 * A pool serves one caller at a time (a session is used by one thread at a time) and
 * is not reentrant: a chunk function must not call segi_pool_for on the same pool.
 * A NULL pool, or one of 1 thread, runs the loop inline.
 */
#ifndef SEGI_POOL_H
#define SEGI_POOL_H

#include "seg/seg_common.h"

typedef struct segi_pool segi_pool;

typedef void (*segi_pool_fn)(void *ctx, size_t begin, size_t end);

/** A pool of `threads` threads in all (the caller counts as one: threads - 1 workers). */
seg_status segi_pool_create(int threads, segi_pool **out);

void segi_pool_destroy(segi_pool *pool);

/** Threads that run a loop: 1 for NULL. Kernels size per-thread scratch with it. */
int segi_pool_threads(const segi_pool *pool);

/** fn(ctx, begin, end) over [0, n) in chunks of at least `grain` items. */
void segi_pool_for(segi_pool *pool, size_t n, size_t grain, segi_pool_fn fn, void *ctx);

#endif
