/*
 * OpenBLAS's thread count, which is process-wide state.
 *
 * libseg's pool splits products over a session's threads (ops/gemm.h), so every run
 * sets OpenBLAS to one thread (only when it differs, so that steady runs cost one
 * query). Builds linked against another CBLAS have no such control and leave
 * threading to that library.
 */
#ifndef SEGI_BLAS_THREADS_H
#define SEGI_BLAS_THREADS_H

/* Make BLAS calls from now on use `threads` threads (>= 1). */
void segi_blas_threads_set(int threads);

/* The thread count BLAS calls use now; 1 where it cannot be known. */
int segi_blas_threads(void);

#endif
