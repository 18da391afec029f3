/* Conv as im2col + GEMM over tiles of output rows, tiles shared by threads (conv_im2col.h). */
#include "ops/conv_im2col.h"
#include "ops/gemm.h"

#include <stdatomic.h>

/* Per-thread tiles need this many columns each: narrower products run below the GEMM
 * kernels' speed, and banding one product over the pool then does better. */
#define MIN_TILE_COLS 128
/* Below this many multiply-adds in all, waking the pool costs more than it saves. */
#define SHARE_MIN_FMAS ((int64_t)1 << 20)

typedef struct tiling {
    int64_t rows;   /* grid rows per tile */
    int64_t tiles;  /* tiles per image and group */
    int parts;      /* threads taking whole tiles; 1: tiles in turn, products banded */
} tiling;

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

static int64_t gemm_k(const segi_conv_shape *s)
{
    return s->c / s->group * segi_window_kernel_size(&s->w);
}

static tiling plan_tiling(const segi_conv_shape *s, int threads)
{
    const segi_window *w = &s->w;
    int64_t mg = s->m / s->group, k = gemm_k(s), gw = w->grid[2];
    int64_t grid_rows = w->grid[0] * w->grid[1], items = s->n * s->group;
    tiling t = {segi_im2col_tile_rows(w, s->pointwise ? mg : k, sizeof(float),
                                      SEGI_CONV_TILE_BYTES), 0, 1};
    t.tiles = ceil_div(grid_rows, t.rows);
    /* The most tiles per image and group that keep MIN_TILE_COLS columns each. */
    int64_t max_tiles = grid_rows * gw / MIN_TILE_COLS;
    max_tiles = max_tiles < 1 ? 1 : max_tiles > grid_rows ? grid_rows : max_tiles;
    if (threads < 2 || items * max_tiles < threads ||
        mg * k * grid_rows * gw * items < SHARE_MIN_FMAS)
        return t;
    /* Round the tile count up so that every thread gets as many tiles as the others. */
    int64_t want = ceil_div(ceil_div(items * t.tiles, threads) * threads, items);
    t.tiles = want < max_tiles ? want : max_tiles;
    t.rows = ceil_div(grid_rows, t.tiles);
    t.tiles = ceil_div(grid_rows, t.rows);
    t.parts = threads;
    return t;
}

bool segi_conv_im2col_scratch(const segi_conv_shape *s, int threads, size_t *bytes)
{
    tiling t = plan_tiling(s, threads);
    if (s->pointwise) {
        *bytes = 0;
        return true;
    }
    size_t slice;
    return segi_size_mul3((size_t)gemm_k(s), (size_t)(t.rows * s->w.grid[2]), sizeof(float),
                          &slice) &&
           segi_size_mul3(slice, (size_t)t.parts, 1, bytes);
}

typedef struct tile_job {
    const segi_op_ctx *ctx;
    const segi_conv_shape *s;
    const segi_fused_act *act;
    const float *x, *w, *bias;
    float *y, *scratch;
    tiling t;
    int64_t items;              /* images x groups x tiles */
    atomic_int_fast64_t next;   /* the next item to take */
    /* Profiling: nanoseconds over all threads per phase, and in all (index COUNT). */
    atomic_uint_fast64_t ns[SEGI_PHASE_COUNT + 1];
} tile_job;

/* Item i: y's tile = act(w x columns + bias); cols: this thread's scratch slice. */
static void run_tile(const tile_job *j, int64_t i, float *cols, segi_pool *pool,
                     uint64_t *ns)
{
    const segi_conv_shape *s = j->s;
    int64_t cg = s->c / s->group, mg = s->m / s->group, k = gemm_k(s), gw = s->w.grid[2];
    int64_t in_size = segi_window_image_size(&s->w), out_size = segi_window_grid_size(&s->w);
    int64_t grid_rows = s->w.grid[0] * s->w.grid[1], ng = i / j->t.tiles;
    int64_t n = ng / s->group, g = ng % s->group, r0 = i % j->t.tiles * j->t.rows;
    int64_t nrows = grid_rows - r0 < j->t.rows ? grid_rows - r0 : j->t.rows;
    int64_t c0 = r0 * gw, ncols = nrows * gw;
    const float *x = j->x + (n * s->c + g * cg) * in_size, *b = x + c0;
    float *y = j->y + (n * s->m + g * mg) * out_size + c0;
    int64_t ldb = out_size;
    if (!s->pointwise) {
        uint64_t t0 = segi_phase_start(j->ctx);
        segi_im2col(x, cg, &s->w, sizeof(float), r0, nrows, cols);
        ns[SEGI_PHASE_IM2COL] += segi_phase_start(j->ctx) - t0;
        b = cols;
        ldb = ncols;
    }
    uint64_t t0 = segi_phase_start(j->ctx);
    segi_gemm_args args = {.m = mg, .n = ncols, .k = k, .alpha = 1.0f, .a = j->w + g * mg * k,
                           .lda = k, .b = b, .ldb = ldb, .c = y, .ldc = out_size};
    segi_gemm(pool, &args);
    ns[SEGI_PHASE_GEMM] += segi_phase_start(j->ctx) - t0;
    const float *bias = j->bias ? j->bias + g * mg : NULL;
    for (int64_t m = 0; m < mg; m++)
        segi_fused_act_apply(j->act, bias ? bias[m] : 0.0f, y + m * out_size, (size_t)ncols);
}

/* Part p takes items from the shared counter until none are left. */
static void run_parts(void *arg, size_t begin, size_t end)
{
    tile_job *j = arg;
    size_t slice = j->s->pointwise ? 0 : (size_t)(gemm_k(j->s) * j->t.rows * j->s->w.grid[2]);
    /* One part alone splits each product over the pool; parts never do (not reentrant). */
    segi_pool *pool = j->t.parts > 1 ? NULL : j->ctx->pool;
    for (size_t p = begin; p < end; p++) {
        uint64_t ns[SEGI_PHASE_COUNT] = {0}, t0 = segi_phase_start(j->ctx);
        for (int64_t i; (i = atomic_fetch_add(&j->next, 1)) < j->items;)
            run_tile(j, i, j->scratch + p * slice, pool, ns);
        if (!j->ctx->phase_ns)
            continue;
        atomic_fetch_add(&j->ns[SEGI_PHASE_COUNT], segi_phase_start(j->ctx) - t0);
        for (int ph = 0; ph < SEGI_PHASE_COUNT; ph++)
            atomic_fetch_add(&j->ns[ph], ns[ph]);
    }
}

void segi_conv_im2col(const segi_op_ctx *ctx, const segi_conv_shape *s,
                      const segi_fused_act *act, const float *x, const float *w,
                      const float *bias, float *y, float *scratch)
{
    tile_job j = {.ctx = ctx, .s = s, .act = act, .x = x, .w = w, .bias = bias, .y = y,
                  .scratch = scratch, .t = plan_tiling(s, segi_pool_threads(ctx->pool))};
    j.items = s->n * s->group * j.t.tiles;
    atomic_init(&j.next, 0);
    for (int ph = 0; ph <= SEGI_PHASE_COUNT; ph++)
        atomic_init(&j.ns[ph], 0);
    uint64_t t0 = segi_phase_start(ctx);
    if (j.t.parts > 1)
        segi_pool_for(ctx->pool, (size_t)j.t.parts, 1, run_parts, &j);
    else
        run_parts(&j, 0, 1);
    /* A phase's share of the threads' busy time, as a share of the wall time. */
    uint64_t busy = atomic_load(&j.ns[SEGI_PHASE_COUNT]);
    if (!ctx->phase_ns || busy == 0)
        return;
    double wall = (double)(segi_phase_start(ctx) - t0);
    for (int ph = 0; ph < SEGI_PHASE_COUNT; ph++)
        ctx->phase_ns[ph] += (uint64_t)(wall * (double)atomic_load(&j.ns[ph]) / (double)busy);
}
