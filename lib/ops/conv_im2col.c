/* Conv as im2col + GEMM over tiles of output rows, tiles shared by threads (conv_im2col.h). */
#include "ops/conv_im2col.h"
#include "ops/gemm.h"

#include <stdatomic.h>

/* Tiles are at least this many columns wide when the grid has them: a narrower
 * product re-packs the weights once per few columns and runs below the GEMM kernels'
 * speed. Large kernels then take their input channels in chunks (below). */
#define TILE_COLS 512
/* Per-thread tiles need this many columns each; below, banding one product over the
 * pool does better. */
#define MIN_SHARED_COLS 128
/* Below this many multiply-adds in all, waking the pool costs more than it saves. */
#define SHARE_MIN_FMAS ((int64_t)1 << 20)

typedef struct tiling {
    int64_t rows;     /* grid rows per tile */
    int64_t tiles;    /* tiles per image and group */
    int64_t chunk;    /* input channels per im2col copy: all, or fewer for large kernels */
    int parts;        /* threads taking whole tiles; 1: tiles in turn, products banded */
} tiling;

static int64_t ceil_div(int64_t a, int64_t b)
{
    return (a + b - 1) / b;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int64_t gemm_k(const segi_conv_shape *s)
{
    return s->c / s->group * segi_window_kernel_size(&s->w);
}

/* Grid rows per tile: as many as fit the budget, and at least TILE_COLS columns. A
 * pointwise product reads the input as it is and takes the whole grid: tiling it
 * measured no faster on one thread, and threads split it into bands. */
static int64_t budget_rows(const segi_conv_shape *s)
{
    const segi_window *w = &s->w;
    int64_t grid_rows = w->grid[0] * w->grid[1];
    if (s->pointwise)
        return grid_rows;
    int64_t rows = segi_im2col_tile_rows(w, gemm_k(s), sizeof(float), SEGI_CONV_TILE_BYTES);
    int64_t wide = ceil_div(TILE_COLS, w->grid[2] ? w->grid[2] : 1);
    return clamp(rows > wide ? rows : wide, 1, grid_rows);
}

static tiling plan_tiling(const segi_conv_shape *s, int threads)
{
    const segi_window *w = &s->w;
    int64_t mg = s->m / s->group, k = gemm_k(s), gw = w->grid[2];
    int64_t grid_rows = w->grid[0] * w->grid[1], items = s->n * s->group;
    tiling t = {budget_rows(s), 0, s->c / s->group, 1};
    t.tiles = ceil_div(grid_rows, t.rows);
    /* The most tiles per image and group that keep MIN_SHARED_COLS columns each. */
    int64_t max_tiles = clamp(grid_rows * gw / MIN_SHARED_COLS, 1, grid_rows);
    if (threads > 1 && items * max_tiles >= threads &&
        mg * k * grid_rows * gw * items >= SHARE_MIN_FMAS) {
        /* Round the tile count up so that every thread gets as many tiles. */
        int64_t want = ceil_div(ceil_div(items * t.tiles, threads) * threads, items);
        t.tiles = want < max_tiles ? want : max_tiles;
        t.rows = ceil_div(grid_rows, t.tiles);
        t.tiles = ceil_div(grid_rows, t.rows);
        t.parts = threads;
    }
    if (!s->pointwise && t.chunk > 0) {
        int64_t bytes = segi_window_kernel_size(w) * t.rows * gw * (int64_t)sizeof(float);
        int64_t fit = clamp((int64_t)SEGI_CONV_TILE_BYTES / (bytes ? bytes : 1), 1, t.chunk);
        /* Equal chunks: a last chunk of a few channels would be a thin product. */
        t.chunk = ceil_div(t.chunk, ceil_div(t.chunk, fit));
    }
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
    return segi_size_mul3((size_t)(t.chunk * segi_window_kernel_size(&s->w)),
                          (size_t)(t.rows * s->w.grid[2]), sizeof(float), &slice) &&
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

/* Item i: y's tile = act(w x columns + bias), the columns copied `chunk` input channels
 * at a time into cols, this thread's scratch slice. */
static void run_tile(const tile_job *j, int64_t i, float *cols, segi_pool *pool,
                     uint64_t *ns)
{
    const segi_conv_shape *s = j->s;
    int64_t cg = s->c / s->group, mg = s->m / s->group, k = gemm_k(s), gw = s->w.grid[2];
    int64_t ks = segi_window_kernel_size(&s->w), ng = i / j->t.tiles;
    int64_t in_size = segi_window_image_size(&s->w), out_size = segi_window_grid_size(&s->w);
    int64_t grid_rows = s->w.grid[0] * s->w.grid[1];
    int64_t n = ng / s->group, g = ng % s->group, r0 = i % j->t.tiles * j->t.rows;
    int64_t nrows = grid_rows - r0 < j->t.rows ? grid_rows - r0 : j->t.rows;
    int64_t c0 = r0 * gw, ncols = nrows * gw;
    const float *x = j->x + (n * s->c + g * cg) * in_size;
    float *y = j->y + (n * s->m + g * mg) * out_size + c0;
    segi_gemm_args args = {.m = mg, .n = ncols, .alpha = 1.0f, .lda = k, .b = x + c0,
                           .ldb = out_size, .c = y, .ldc = out_size};
    /* At least one product: no input channels still give y = bias. */
    int64_t ch = 0;
    do {
        int64_t nch = cg - ch < j->t.chunk ? cg - ch : j->t.chunk;
        if (!s->pointwise) {
            uint64_t t0 = segi_phase_start(j->ctx);
            segi_im2col(x + ch * in_size, nch, &s->w, sizeof(float), r0, nrows, cols);
            ns[SEGI_PHASE_IM2COL] += segi_phase_start(j->ctx) - t0;
            args.b = cols;
            args.ldb = ncols;
        }
        uint64_t t0 = segi_phase_start(j->ctx);
        args.k = nch * ks;
        args.a = j->w + g * mg * k + ch * ks;
        args.beta = ch ? 1.0f : 0.0f;
        segi_gemm(pool, &args);
        ns[SEGI_PHASE_GEMM] += segi_phase_start(j->ctx) - t0;
    } while ((ch += j->t.chunk) < cg);
    const float *bias = j->bias ? j->bias + g * mg : NULL;
    for (int64_t m = 0; m < mg; m++)
        segi_fused_act_apply(j->act, bias ? bias[m] : 0.0f, y + m * out_size, (size_t)ncols);
}

/* Part p takes items from the shared counter until none are left. */
static void run_parts(void *arg, size_t begin, size_t end)
{
    tile_job *j = arg;
    size_t slice = j->s->pointwise ? 0
                                   : (size_t)(j->t.chunk * segi_window_kernel_size(&j->s->w) *
                                              j->t.rows * j->s->w.grid[2]);
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
