/* The copy engines behind the shape operators, against naive loops on random views:
 * random shapes, strides (negative, zero, transposed) and element sizes, and random
 * index maps with fills. */
#include "check.h"
#include "ops/strided.h"

#include <stdint.h>
#include <stdlib.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int64_t pick(int64_t n)
{
    return (int64_t)(next() % (uint64_t)n);
}

static const size_t sizes[4] = {1, 2, 4, 8};

/* Naive: walk every output index, compute its source offset. */
static void naive_strided(unsigned char *dst, const unsigned char *src, size_t es, int rank,
                          const int64_t *dims, const int64_t *strides, size_t count)
{
    int64_t idx[16] = {0};
    for (size_t i = 0; i < count; i++) {
        int64_t off = 0;
        for (int d = 0; d < rank; d++)
            off += idx[d] * strides[d];
        memcpy(dst + i * es, src + off * (int64_t)es, es);
        for (int d = rank - 1; d >= 0 && ++idx[d] == dims[d]; d--)
            idx[d] = 0;
    }
}

TEST(strided_copy_matches_naive_views)
{
    int bad = 0;
    for (int iter = 0; iter < 400; iter++) {
        size_t es = sizes[pick(4)];
        int rank = (int)pick(6) + (iter % 50 == 0 ? 0 : 1);
        int64_t in_dims[8], dims[8], strides[8], in_strides[8];
        int perm[8];
        for (int d = 0; d < rank; d++) {
            in_dims[d] = pick(d == rank - 1 && iter % 3 == 0 ? 70 : 6) + 1;
            perm[d] = d;
        }
        for (int d = rank - 1; d > 0; d--) {
            int j = (int)pick(d + 1), t = perm[d];
            perm[d] = perm[j];
            perm[j] = t;
        }
        int64_t s = 1;
        for (int d = rank - 1; d >= 0; d--) {
            in_strides[d] = s;
            s *= in_dims[d];
        }
        /* A view: permuted axes, each broadcast, reversed or sliced with a step. */
        int64_t base = 0;
        size_t count = 1;
        for (int d = 0; d < rank; d++) {
            int a = perm[d];
            int mode = (int)pick(5);
            if (mode == 0) {            /* broadcast */
                dims[d] = pick(4) + 1;
                strides[d] = 0;
            } else if (mode == 1) {     /* reversed */
                dims[d] = in_dims[a];
                strides[d] = -in_strides[a];
                base += (in_dims[a] - 1) * in_strides[a];
            } else if (mode == 2) {     /* every second from 1 */
                dims[d] = in_dims[a] / 2;
                strides[d] = 2 * in_strides[a];
                base += dims[d] ? in_strides[a] : 0;
            } else {
                dims[d] = in_dims[a];
                strides[d] = in_strides[a];
            }
            count *= (size_t)dims[d];
        }
        size_t n_in = (size_t)s;
        unsigned char *src = malloc(n_in * es), *got = malloc(count * es + 1),
                      *want = malloc(count * es + 1);
        for (size_t i = 0; i < n_in * es; i++)
            src[i] = (unsigned char)next();
        segi_strided_copy(got, src + base * (int64_t)es, es, rank, dims, strides);
        naive_strided(want, src + base * (int64_t)es, es, rank, dims, strides, count);
        bad += memcmp(got, want, count * es) != 0;
        free(src);
        free(got);
        free(want);
    }
    CHECK_EQ_INT(bad, 0);
}

TEST(mapped_copy_matches_naive_maps)
{
    int bad = 0;
    for (int iter = 0; iter < 300; iter++) {
        size_t es = sizes[pick(4)];
        int rank = (int)pick(4) + 1;
        int64_t in_dims[8], out_dims[8], strides[8], *maps[8];
        size_t n_in = 1, count = 1;
        for (int d = rank - 1; d >= 0; d--) {
            in_dims[d] = pick(d == rank - 1 ? 40 : 5) + 1;
            out_dims[d] = pick(d == rank - 1 ? 90 : 6) + 1;
            strides[d] = (int64_t)n_in;
            n_in *= (size_t)in_dims[d];
            count *= (size_t)out_dims[d];
        }
        for (int d = 0; d < rank; d++) {
            maps[d] = malloc((size_t)out_dims[d] * sizeof(int64_t));
            int style = (int)pick(3);
            for (int64_t o = 0; o < out_dims[d]; o++) {
                if (style == 0)  /* pad-like: fills around a run */
                    maps[d][o] = o - 2 >= 0 && o - 2 < in_dims[d] ? o - 2 : -1;
                else if (style == 1)  /* nearest-like repeats */
                    maps[d][o] = o * in_dims[d] / out_dims[d];
                else
                    maps[d][o] = pick(in_dims[d] + 1) - 1;
            }
        }
        unsigned char fill[8];
        for (int k = 0; k < 8; k++)
            fill[k] = (unsigned char)next();
        unsigned char *src = malloc(n_in * es), *got = malloc(count * es),
                      *want = malloc(count * es);
        for (size_t i = 0; i < n_in * es; i++)
            src[i] = (unsigned char)next();
        segi_mapped_copy(got, src, es, rank, out_dims, in_dims, (const int64_t *const *)maps,
                         fill);
        int64_t idx[8] = {0};
        for (size_t i = 0; i < count; i++) {
            int64_t off = 0;
            for (int d = 0; d < rank && off >= 0; d++)
                off = maps[d][idx[d]] < 0 ? -1 : off + maps[d][idx[d]] * strides[d];
            memcpy(want + i * es, off < 0 ? fill : src + (size_t)off * es, es);
            for (int d = rank - 1; d >= 0 && ++idx[d] == out_dims[d]; d--)
                idx[d] = 0;
        }
        bad += memcmp(got, want, count * es) != 0;
        for (int d = 0; d < rank; d++)
            free(maps[d]);
        free(src);
        free(got);
        free(want);
    }
    CHECK_EQ_INT(bad, 0);
}

int main(void)
{
    return RUN_TESTS(CASE(strided_copy_matches_naive_views),
                     CASE(mapped_copy_matches_naive_maps));
}
