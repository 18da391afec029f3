/* Broadcast iteration shared by the element-wise, reduction and softmax kernels. */
#include "ops/iter.h"

#include <stdio.h>

segi_operand segi_operand_of(const seg_tensor *t)
{
    /* The one place const is dropped: segi_iterate writes only through operand 0. */
    segi_operand op = {t->data, seg_dtype_size(t->dtype), t->rank, t->dims};
    return op;
}

/* Operand dimension aligned to space dimension d of a rank-`rank` space. */
static int64_t aligned_dim(const segi_operand *op, int rank, int d)
{
    int k = d - (rank - op->rank);
    return k >= 0 ? op->dims[k] : 1;
}

typedef struct loop_plan {
    int rank;
    int64_t dims[SEG_MAX_RANK];
    ptrdiff_t stride[SEGI_ITER_MAX][SEG_MAX_RANK]; /* bytes; 0 = broadcast */
} loop_plan;

/* Drop size-1 dimensions and merge neighbours every operand walks contiguously. */
static void plan_loops(loop_plan *pl, int rank, const int64_t *dims, int n,
                       const segi_operand *ops)
{
    ptrdiff_t full[SEGI_ITER_MAX][SEG_MAX_RANK];
    for (int i = 0; i < n; i++) {
        ptrdiff_t s = (ptrdiff_t)ops[i].esize;
        for (int d = rank - 1; d >= 0; d--) {
            int64_t od = aligned_dim(&ops[i], rank, d);
            full[i][d] = od == 1 ? 0 : s;
            s *= (ptrdiff_t)od;
        }
    }
    pl->rank = 0;
    for (int d = 0; d < rank; d++) {
        if (dims[d] == 1)
            continue;
        int r = pl->rank;
        bool merge = r > 0;
        for (int i = 0; i < n && merge; i++)
            merge = pl->stride[i][r - 1] == full[i][d] * (ptrdiff_t)dims[d];
        if (merge) {
            pl->dims[r - 1] *= dims[d];
            for (int i = 0; i < n; i++)
                pl->stride[i][r - 1] = full[i][d];
            continue;
        }
        pl->dims[r] = dims[d];
        for (int i = 0; i < n; i++)
            pl->stride[i][r] = full[i][d];
        pl->rank++;
    }
    if (pl->rank == 0) {
        pl->rank = 1;
        pl->dims[0] = 1;
        for (int i = 0; i < n; i++)
            pl->stride[i][0] = 0;
    }
}

void segi_iterate(int rank, const int64_t *dims, int n, const segi_operand *ops,
                  segi_loop_fn fn, const void *arg)
{
    for (int d = 0; d < rank; d++)
        if (dims[d] == 0)
            return;
    loop_plan pl;
    plan_loops(&pl, rank, dims, n, ops);
    int last = pl.rank - 1;
    size_t run = (size_t)pl.dims[last];
    char *p[SEGI_ITER_MAX];
    size_t step[SEGI_ITER_MAX];
    for (int i = 0; i < n; i++) {
        p[i] = ops[i].data;
        step[i] = pl.stride[i][last] != 0;
    }
    int64_t idx[SEG_MAX_RANK] = {0};
    for (;;) {
        fn(run, (void *const *)p, step, arg);
        int d = last - 1;
        for (; d >= 0; d--) {
            for (int i = 0; i < n; i++)
                p[i] += pl.stride[i][d];
            if (++idx[d] < pl.dims[d])
                break;
            for (int i = 0; i < n; i++)
                p[i] -= pl.stride[i][d] * (ptrdiff_t)pl.dims[d];
            idx[d] = 0;
        }
        if (d < 0)
            return;
    }
}

typedef struct iter_job {
    loop_plan pl;
    int n;
    const segi_operand *ops;
    segi_loop_fn fn;
    const void *arg;
} iter_job;

/* Elements [begin, end) of the space in row-major order: the first and last runs may
 * be partial. */
static void iterate_range(void *ctx, size_t begin, size_t end)
{
    const iter_job *j = ctx;
    const loop_plan *pl = &j->pl;
    int last = pl->rank - 1;
    size_t run = (size_t)pl->dims[last];
    int64_t idx[SEG_MAX_RANK];
    size_t rest = begin / run;
    for (int d = last - 1; d >= 0; d--) {
        idx[d] = (int64_t)(rest % (size_t)pl->dims[d]);
        rest /= (size_t)pl->dims[d];
    }
    char *p[SEGI_ITER_MAX];
    size_t step[SEGI_ITER_MAX];
    for (int i = 0; i < j->n; i++) {
        step[i] = pl->stride[i][last] != 0;
        p[i] = (char *)j->ops[i].data + (ptrdiff_t)(begin % run) * pl->stride[i][last];
        for (int d = 0; d < last; d++)
            p[i] += idx[d] * pl->stride[i][d];
    }
    size_t at = begin, off = begin % run;
    while (at < end) {
        size_t len = run - off < end - at ? run - off : end - at;
        j->fn(len, (void *const *)p, step, j->arg);
        at += len;
        if (at >= end)
            return;
        for (int i = 0; i < j->n; i++)
            p[i] -= (ptrdiff_t)off * pl->stride[i][last];
        off = 0;
        int d = last - 1;
        for (; d >= 0; d--) {
            for (int i = 0; i < j->n; i++)
                p[i] += pl->stride[i][d];
            if (++idx[d] < pl->dims[d])
                break;
            for (int i = 0; i < j->n; i++)
                p[i] -= pl->stride[i][d] * (ptrdiff_t)pl->dims[d];
            idx[d] = 0;
        }
    }
}

void segi_iterate_pool(segi_pool *pool, int rank, const int64_t *dims, int n,
                       const segi_operand *ops, segi_loop_fn fn, const void *arg)
{
    size_t total = 1;
    for (int d = 0; d < rank; d++)
        total *= (size_t)dims[d];
    if (total < SEGI_ITER_GRAIN || segi_pool_threads(pool) == 1) {
        segi_iterate(rank, dims, n, ops, fn, arg);
        return;
    }
    iter_job j = {.n = n, .ops = ops, .fn = fn, .arg = arg};
    plan_loops(&j.pl, rank, dims, n, ops);
    segi_pool_for(pool, total, SEGI_ITER_GRAIN / 4, iterate_range, &j);
}

seg_status segi_broadcast_shape(const segi_op_ctx *ctx, int n, const seg_tensor *const *in,
                                int *rank, int64_t *dims)
{
    int r = 0;
    for (int i = 0; i < n; i++)
        r = in[i]->rank > r ? in[i]->rank : r;
    for (int d = 0; d < r; d++) {
        int64_t out = 1;
        for (int i = 0; i < n; i++) {
            segi_operand op = segi_operand_of(in[i]);
            int64_t od = aligned_dim(&op, r, d);
            if (od == out || od == 1)
                continue;
            if (out != 1)
                goto mismatch;
            out = od;
        }
        dims[d] = out;
    }
    *rank = r;
    return SEG_OK;
mismatch:;
    char msg[512];
    size_t len = 0;
    for (int i = 0; i < n && len < sizeof msg; i++) {
        char shape[160];
        segi_shape_str(in[i]->rank, in[i]->dims, shape, sizeof shape);
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s",
                                i == 0 ? "" : i == n - 1 ? " and " : ", ", shape);
    }
    return segi_op_error(ctx, SEG_ERR_SHAPE, "input shapes %s do not broadcast", msg);
}

seg_status segi_axis_normalize(const segi_op_ctx *ctx, const char *what, int64_t axis,
                               int rank, int *out)
{
    if (axis < -(int64_t)rank || axis >= rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%s %lld is outside [%d, %d) for rank %d",
                             what, (long long)axis, -rank, rank, rank);
    *out = (int)(axis < 0 ? axis + rank : axis);
    return SEG_OK;
}

segi_axis_view segi_axis_split(int rank, const int64_t *dims, int axis)
{
    segi_axis_view v = {1, (size_t)dims[axis], 1};
    for (int d = 0; d < axis; d++)
        v.outer *= (size_t)dims[d];
    for (int d = axis + 1; d < rank; d++)
        v.inner *= (size_t)dims[d];
    return v;
}
