/* A minimal test harness: each test file is one executable of named cases.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_EQ_INT(a, b); CHECK_NEAR(x, y, 1e-6); }
 *   int main(void) { return RUN_TESTS(CASE(name), CASE(other)); }
 *
 * A failed check prints file:line and the values, marks the case failed and goes on;
 * the executable exits non-zero when any case failed. */
#ifndef SEG_TEST_CHECK_H
#define SEG_TEST_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_case_failed;
static int check_cases_failed;

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (!(cond)) {                                                              \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            check_case_failed = 1;                                                  \
        }                                                                           \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                          \
    do {                                                                            \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);             \
        if (check_a_ != check_b_) {                                                 \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld vs %lld\n", __FILE__,     \
                    __LINE__, #a, #b, check_a_, check_b_);                          \
            check_case_failed = 1;                                                  \
        }                                                                           \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                       \
    do {                                                                            \
        double check_a_ = (double)(a), check_b_ = (double)(b);                      \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                \
            fprintf(stderr, "%s:%d: |%s - %s| <= %g failed: %.9g vs %.9g\n",        \
                    __FILE__, __LINE__, #a, #b, (double)(tol), check_a_, check_b_); \
            check_case_failed = 1;                                                  \
        }                                                                           \
    } while (0)

#define CHECK_STR(a, b)                                                             \
    do {                                                                            \
        const char *check_a_ = (a), *check_b_ = (b);                                \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {            \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" vs \"%s\"\n", __FILE__, \
                    __LINE__, #a, #b, check_a_ ? check_a_ : "(null)",               \
                    check_b_ ? check_b_ : "(null)");                                \
            check_case_failed = 1;                                                  \
        }                                                                           \
    } while (0)

/* The call must succeed; on failure print the status and seg_last_error(). */
#define CHECK_OK(expr)                                                              \
    do {                                                                            \
        seg_status check_st_ = (expr);                                              \
        if (check_st_ != SEG_OK) {                                                  \
            fprintf(stderr, "%s:%d: %s returned %s: %s\n", __FILE__, __LINE__,      \
                    #expr, seg_status_string(check_st_), seg_last_error());         \
            check_case_failed = 1;                                                  \
        }                                                                           \
    } while (0)

/* The call must fail with `want`, and its message must contain `needle`. */
#define CHECK_FAIL(expr, want, needle)                                              \
    do {                                                                            \
        seg_status check_st_ = (expr);                                              \
        if (check_st_ != (want) || !strstr(seg_last_error(), (needle))) {           \
            fprintf(stderr, "%s:%d: %s: want %s containing \"%s\", got %s: \"%s\"\n", \
                    __FILE__, __LINE__, #expr, seg_status_string(want), (needle),   \
                    seg_status_string(check_st_), seg_last_error());                \
            check_case_failed = 1;                                                  \
        }                                                                           \
    } while (0)

#define TEST(name) static void name(void)

typedef struct check_case {
    const char *name;
    void (*fn)(void);
} check_case;

static int check_run(const check_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        check_case_failed = 0;
        cases[i].fn();
        printf("%s %s\n", check_case_failed ? "FAIL" : "ok  ", cases[i].name);
        check_cases_failed += check_case_failed;
    }
    printf("%zu cases, %d failed\n", n, check_cases_failed);
    return check_cases_failed ? 1 : 0;
}

/* int main(void) { return RUN_TESTS(CASE(a), CASE(b)); } */
#define CASE(fn) {#fn, fn}
#define RUN_TESTS(...)                                                              \
    check_run((const check_case[]){__VA_ARGS__},                                    \
              sizeof((const check_case[]){__VA_ARGS__}) / sizeof(check_case))

#endif
