#include "core/blas_threads.h"

#ifdef SEGI_OPENBLAS
#include <cblas.h>

void segi_blas_threads_set(int threads)
{
    /* Setting the count takes OpenBLAS's lock and may start threads: skip it when
     * nothing changes, which is every run after the first in a one-session process. */
    if (openblas_get_num_threads() != threads)
        openblas_set_num_threads(threads);
}

int segi_blas_threads(void)
{
    return openblas_get_num_threads();
}
#else
void segi_blas_threads_set(int threads)
{
    (void)threads;
}

int segi_blas_threads(void)
{
    return 1;
}
#endif
