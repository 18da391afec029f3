/*
 * Counting heap allocations in a test program: malloc and friends are interposed, and
 * while `counting` is set each call adds one to `allocations`. Not under AddressSanitizer
 * (it owns the allocator): there SANITIZED is defined and tests skip. Include it from one
 * file of a test program only.
 */
#ifndef SEG_TEST_ALLOC_HOOK_H
#define SEG_TEST_ALLOC_HOOK_H

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

#ifndef SANITIZED
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static atomic_int counting;
static atomic_long allocations;

/* OpenBLAS's threaded GEMM allocates per call on its own; that is outside libseg's
 * control (see docs/runtime.md), so callers inside libopenblas are not counted. */
static void count(void *caller)
{
    if (!atomic_load(&counting))
        return;
    Dl_info info;
    if (dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "openblas"))
        return;
    atomic_fetch_add(&allocations, 1);
}

#define CALLER __builtin_return_address(0)
void *malloc(size_t n) { count(CALLER); return __libc_malloc(n); }
void *calloc(size_t n, size_t s) { count(CALLER); return __libc_calloc(n, s); }
void *realloc(void *p, size_t n) { count(CALLER); return __libc_realloc(p, n); }
void *aligned_alloc(size_t a, size_t n) { count(CALLER); return __libc_memalign(a, n); }
void free(void *p) { __libc_free(p); }
#endif

#endif
