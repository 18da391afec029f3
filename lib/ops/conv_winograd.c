/* Winograd F(4x4, 3x3) convolution (conv_winograd.h). */
#include "ops/conv_winograd.h"

#include "core/cpu.h"
#include "ops/gemm.h"

#include <stdatomic.h>
#include <string.h>

#define TILE 4    /* output tile side */
#define ALPHA 6   /* input tile side: TILE + 3 - 1 */
#define ELEMS 36  /* ALPHA * ALPHA products per tile */

/* r = B^T d for a 6-vector d. */
static inline void bt6(const float *d, float *r)
{
    r[0] = 4 * d[0] - 5 * d[2] + d[4];
    r[1] = -4 * (d[1] + d[2]) + d[3] + d[4];
    r[2] = 4 * (d[1] - d[2]) - d[3] + d[4];
    r[3] = 2 * (d[3] - d[1]) - d[2] + d[4];
    r[4] = 2 * (d[1] - d[3]) - d[2] + d[4];
    r[5] = 4 * d[1] - 5 * d[3] + d[5];
}

/* r = G g for g = (g0, g1, g2), into r (`rs` apart). */
static inline void g3(float g0, float g1, float g2, float *r, int rs)
{
    const float sixth = 1.0f / 6, twelfth = 1.0f / 12, h = 1.0f / 24;
    r[0] = g0 * 0.25f;
    r[rs] = -(g0 + g1 + g2) * sixth;
    r[2 * rs] = -(g0 - g1 + g2) * sixth;
    r[3 * rs] = g0 * h + g1 * twelfth + g2 * sixth;
    r[4 * rs] = g0 * h - g1 * twelfth + g2 * sixth;
    r[5 * rs] = g2;
}

/* r = A^T m for a 6-vector m. */
static inline void at6(const float *m, float *r)
{
    float s12 = m[1] + m[2], d12 = m[1] - m[2], s34 = m[3] + m[4], d34 = m[3] - m[4];
    r[0] = m[0] + s12 + s34;
    r[1] = d12 + 2 * d34;
    r[2] = s12 + 4 * s34;
    r[3] = d12 + 8 * d34 + m[5];
}

int64_t segi_winograd_tiles(const segi_window *w)
{
    return (w->grid[1] + TILE - 1) / TILE * ((w->grid[2] + TILE - 1) / TILE);
}

bool segi_winograd_pays(const segi_conv_shape *s)
{
    const segi_window *w = &s->w;
    int64_t tiles = segi_winograd_tiles(w);
    return w->kernel[0] == 1 && w->image[0] == 1 && w->grid[0] == 1 && w->kernel[1] == 3 &&
           w->kernel[2] == 3 && w->stride[1] == 1 && w->stride[2] == 1 &&
           w->dilation[1] == 1 && w->dilation[2] == 1 &&
           s->c / s->group >= SEGI_WINOGRAD_MIN_CHANNELS &&
           s->m / s->group >= SEGI_WINOGRAD_MIN_CHANNELS && tiles >= SEGI_WINOGRAD_MIN_TILES;
}

/*
 * Work is split in two levels (docs/conv.md, "Winograd"):
 * - blocks of consecutive tiles (raster order) whose transformed input V [36, cg, tiles]
 *   is at most V_BLOCK_BYTES, but at least MIN_BLOCK_TILES tiles so the products are
 *   wide enough for the GEMM kernels (up to V_MAX_BYTES);
 * - items: a range of a block's tiles times a range of output channels. An item
 *   transforms its kernels into U [36, mb, cg], runs the 36 products single-threaded
 *   into P [36, mb, tiles] and transforms P into the output, all in its thread's slot
 *   of scratch: the threads meet once per block, not once per product.
 * When all kernels transform into at most U_ALL_BYTES, an item takes all output
 * channels, transforms its own tiles' input as well and a thread keeps its U for all
 * its items: one pool loop for the whole convolution. Otherwise the block's V is
 * transformed first (split by channel) and shared by items of mb output channels,
 * with U at most U_ITEM_BYTES; the kernels are then transformed once per block.
 */
#define V_BLOCK_BYTES ((size_t)2 << 20)
#define V_MAX_BYTES ((size_t)24 << 20)
#define MIN_BLOCK_TILES 256
#define U_ALL_BYTES ((size_t)4 << 20)
#define U_ITEM_BYTES ((size_t)16 << 20)

typedef struct wino {
    const segi_window *w;
    int64_t cg, mg, tiles_w, tiles;
    int64_t block;    /* tiles per block */
    int64_t mb;       /* output channels per item */
    int64_t split;    /* tile ranges per block */
    int64_t sub;      /* tiles per item: block / split, rounded up */
    int64_t slots;    /* per-thread scratch areas */
    bool own_input;   /* items transform their own input (mb == mg) */
} wino;

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Rounded up to a multiple of 16, as segi_gemm cuts its bands: no product of a split
 * gets a ragged edge panel the whole one would not have. */
static int64_t round16(int64_t v) { return (v + 15) / 16 * 16; }

static wino wino_of(const segi_conv_shape *s, int threads)
{
    wino g = {.w = &s->w, .cg = s->c / s->group, .mg = s->m / s->group, .slots = threads};
    g.tiles_w = ceil_div(s->w.grid[2], TILE);
    g.tiles = g.tiles_w * ceil_div(s->w.grid[1], TILE);
    int64_t v_tile = ELEMS * (int64_t)sizeof(float) * g.cg;
    int64_t most = clamp64((int64_t)V_MAX_BYTES / v_tile, 1, g.tiles);
    g.block = clamp64((int64_t)V_BLOCK_BYTES / v_tile, clamp64(MIN_BLOCK_TILES, 1, most), most);
    g.block = round16(ceil_div(g.tiles, ceil_div(g.tiles, g.block)));
    /* U [36, mg, cg] holds as many bytes per output channel as V per tile. */
    g.own_input = g.mg <= (int64_t)U_ALL_BYTES / v_tile;
    g.mb = g.mg;
    if (!g.own_input) {
        /* At least one item of output channels per thread, so that no two threads
         * transform the same kernels. */
        int64_t mb = clamp64((int64_t)U_ITEM_BYTES / v_tile / 16 * 16, 16, g.mg);
        int64_t items = ceil_div(g.mg, mb) > threads ? ceil_div(g.mg, mb) : threads;
        g.mb = round16(ceil_div(g.mg, items));
    }
    /* Enough items for every thread. */
    int64_t items = g.own_input ? ceil_div(g.tiles, g.block) : ceil_div(g.mg, g.mb);
    g.split = items >= threads ? 1 : ceil_div(threads, items);
    g.sub = round16(ceil_div(g.block, g.split));
    g.split = ceil_div(g.block, g.sub);
    return g;
}

/* Per slot: U [36, mb, cg], P [36, mb, sub] and, for items with their own input,
 * V [36, cg, sub]; the shared V [36, cg, block] otherwise. In floats; false on
 * overflow. */
static bool slot_floats(const wino *g, size_t *slot, size_t *shared)
{
    size_t u, p, v;
    if (!segi_size_mul3(ELEMS, (size_t)g->mb, (size_t)g->cg, &u) ||
        !segi_size_mul3(ELEMS, (size_t)g->mb, (size_t)g->sub, &p) ||
        !segi_size_mul3(ELEMS, (size_t)g->cg, (size_t)(g->own_input ? g->sub : g->block), &v))
        return false;
    *shared = g->own_input ? 0 : v;
    v = g->own_input ? v : 0;
    *slot = u + p + v;
    return u + p >= u && *slot >= v;
}

bool segi_winograd_scratch(const segi_op_ctx *ctx, const segi_conv_shape *s, size_t *bytes)
{
    wino g = wino_of(s, segi_pool_threads(ctx->pool));
    size_t slot, shared, all;
    if (!slot_floats(&g, &slot, &shared) ||
        !segi_size_mul3(slot, (size_t)g.slots, sizeof(float), &all) ||
        all + shared * sizeof(float) < all)
        return false;
    *bytes = all + shared * sizeof(float);
    return true;
}

/* The transforms of one ISA. */
typedef struct wino_isa {
    void (*input)(const float *, const segi_window *, int64_t, int64_t, int64_t, float *,
                  int64_t);
    void (*output)(const float *, int64_t, int64_t, const segi_window *, int64_t, int64_t,
                   float *);
} wino_isa;

/* Kernels transformed per call of the kernel transform: its loops run over them. */
#define KLANES 16

/* Tiles per chunk of a tile row: the transforms' row buffers live on the stack. */
#define CHUNK 64
#define CHUNK_COLS (TILE * CHUNK + TILE)

/* Rows above and below the input read from here. */
static const float zero_row[CHUNK_COLS];

/* The chunk transforms are compiled once per ISA (see the variants below). */
#define CHUNK_FN static inline __attribute__((always_inline)) void

/*
 * The input transform of `n` tiles of one tile row and channel, vectorisable over the
 * tiles: B^T down the six input rows is elementwise over columns; splitting the result
 * by column mod 4 makes each tile's six columns the same index of six arrays, so B^T
 * across the columns is elementwise over tiles too. v[e * ld + t] gets element e of
 * tile t.
 */
CHUNK_FN input_chunk(const float *plane, const segi_window *w, int64_t y0, int64_t x0,
                        int64_t n, float *v, int64_t ld)
{
    float bt[ALPHA][CHUNK_COLS], ph[ALPHA][TILE][CHUNK + 1];
    int64_t cols = TILE * n + TILE, iw = w->image[2];
    /* Columns [lo, hi) of the chunk lie inside the input; B^T of padding is 0. */
    int64_t lo = x0 < 0 ? -x0 : 0, hi = iw - x0 < cols ? iw - x0 : cols;
    hi = hi > lo ? hi : lo;
    const float *src[ALPHA];
    for (int k = 0; k < ALPHA; k++) {
        int64_t y = y0 + k;
        src[k] = y >= 0 && y < w->image[1] ? plane + y * iw + x0 + lo : zero_row;
    }
    for (int i = 0; i < ALPHA; i++) {
        memset(bt[i], 0, (size_t)lo * sizeof bt[i][0]);
        memset(bt[i] + hi, 0, (size_t)(cols - hi) * sizeof bt[i][0]);
    }
    for (int64_t u = 0; u < hi - lo; u++) {
        float d[ALPHA], r[ALPHA];
        for (int k = 0; k < ALPHA; k++)
            d[k] = src[k][u];
        bt6(d, r);
        for (int i = 0; i < ALPHA; i++)
            bt[i][lo + u] = r[i];
    }
    for (int i = 0; i < ALPHA; i++)
        for (int q = 0; q < TILE; q++)
            for (int64_t t = 0; t <= n; t++)
                ph[i][q][t] = bt[i][TILE * t + q];
    for (int i = 0; i < ALPHA; i++) {
        float res[ALPHA][CHUNK];
        for (int64_t t = 0; t < n; t++) {
            float d[ALPHA], r[ALPHA];
            for (int q = 0; q < TILE; q++)
                d[q] = ph[i][q][t];
            d[4] = ph[i][0][t + 1];
            d[5] = ph[i][1][t + 1];
            bt6(d, r);
            for (int j = 0; j < ALPHA; j++)
                res[j][t] = r[j];
        }
        for (int j = 0; j < ALPHA; j++)
            memcpy(v + (i * ALPHA + j) * ld, res[j], (size_t)n * sizeof *v);
    }
}

/*
 * U = G g G^T for `n` <= KLANES kernels g (9 floats each, consecutive), element-wise
 * over the kernels so the loops vectorise: u[e * ld + i] gets element e of kernel i.
 */
CHUNK_FN g3_lanes(const float *g0, const float *g1, const float *g2, float (*r)[KLANES])
{
    for (int i = 0; i < KLANES; i++)
        g3(g0[i], g1[i], g2[i], r[0] + i, KLANES);
}

CHUNK_FN kernel_chunk(const float *w, int64_t n, float *u, int64_t ld)
{
    float g[9][KLANES] = {{0}}, t[3][ALPHA][KLANES], r[ALPHA][ALPHA][KLANES];
    for (int64_t i = 0; i < n; i++)
        for (int k = 0; k < 9; k++)
            g[k][i] = w[i * 9 + k];
    for (int j = 0; j < 3; j++)
        g3_lanes(g[j], g[3 + j], g[6 + j], t[j]);
    for (int a = 0; a < ALPHA; a++)
        g3_lanes(t[0][a], t[1][a], t[2][a], r[a]);
    for (int a = 0; a < ALPHA; a++)
        for (int b = 0; b < ALPHA; b++)
            memcpy(u + (a * ALPHA + b) * ld, r[a][b], (size_t)n * sizeof *u);
}

/*
 * The output transform of `n` tiles of one tile row and output channel: A^T over the
 * products' rows, then across their columns, both elementwise over tiles; the 4x4
 * tiles are then laid side by side into (up to) four output rows.
 */
CHUNK_FN output_chunk(const float *p, int64_t ld, int64_t n, const segi_window *w,
                         int64_t y0, int64_t x0, float *y)
{
    float at[TILE][ALPHA][CHUNK];
    /* Rows and columns of the tiles inside the output; the last tile may be partial. */
    int64_t gh = w->grid[1], gw = w->grid[2];
    int64_t rows = gh - y0 < TILE ? gh - y0 : TILE;
    int64_t cols = gw - x0 < TILE * n ? gw - x0 : TILE * n, full = cols / TILE;
    for (int b = 0; b < ALPHA; b++) {
        const float *m = p + b * ld;
        for (int64_t t = 0; t < n; t++) {
            float v[ALPHA], r[TILE];
            for (int a = 0; a < ALPHA; a++)
                v[a] = m[a * ALPHA * ld + t];
            at6(v, r);
            for (int i = 0; i < TILE; i++)
                at[i][b][t] = r[i];
        }
    }
    for (int64_t i = 0; i < rows; i++) {
        float o[TILE][CHUNK];
        for (int64_t t = 0; t < n; t++) {
            float v[ALPHA], r[TILE];
            for (int b = 0; b < ALPHA; b++)
                v[b] = at[i][b][t];
            at6(v, r);
            for (int k = 0; k < TILE; k++)
                o[k][t] = r[k];
        }
        float *dst = y + (y0 + i) * gw + x0;
        for (int64_t t = 0; t < full; t++)
            for (int k = 0; k < TILE; k++)
                dst[TILE * t + k] = o[k][t];
        for (int64_t k = 0; k < cols - TILE * full; k++)
            dst[TILE * full + k] = o[k][full];
    }
}

/* Wrappers that compile the always-inline tile transforms for one target: the loops
 * over tiles vectorise at the target's width. The kernel transform is compiled once:
 * with FMA contraction in the variants, U itself would differ between ISAs. */
#define WINO_VARIANT(name, attr)                                                          \
    attr static void input_##name(const float *plane, const segi_window *w, int64_t y0,  \
                                  int64_t x0, int64_t n, float *v, int64_t ld)           \
    {                                                                                     \
        input_chunk(plane, w, y0, x0, n, v, ld);                                          \
    }                                                                                     \
    attr static void output_##name(const float *p, int64_t ld, int64_t n,                \
                                   const segi_window *w, int64_t y0, int64_t x0, float *y) \
    {                                                                                     \
        output_chunk(p, ld, n, w, y0, x0, y);                                             \
    }

WINO_VARIANT(portable, )
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
WINO_VARIANT(avx2, __attribute__((target("avx2,fma"))))
WINO_VARIANT(avx512, __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma"))))
#endif

static wino_isa wino_isa_of(segi_isa isa)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (isa == SEGI_ISA_AVX512)
        return (wino_isa){input_avx512, output_avx512};
    if (isa == SEGI_ISA_AVX2)
        return (wino_isa){input_avx2, output_avx2};
#endif
    (void)isa;
    return (wino_isa){input_portable, output_portable};
}

/* One convolution's arguments for the pool loops. */
typedef struct wino_job {
    const segi_op_ctx *ctx;
    const wino *g;
    wino_isa isa;
    const float *x, *w;
    float *y, *scratch, *v;  /* v: the shared block input, or NULL */
    int64_t b0, nb;          /* the block (shared input only): first tile, tile count */
    _Atomic uint64_t busy[SEGI_PHASE_COUNT];  /* profiling: thread time per phase */
} wino_job;

/* Profiling inside items: add the time since *t to `phase` and restart *t. */
static void item_phase(wino_job *j, segi_phase phase, uint64_t *t)
{
    if (!j->ctx->phase_ns)
        return;
    uint64_t now = segi_clock_ns();
    atomic_fetch_add(&j->busy[phase], now - *t);
    *t = now;
}

/* Run an item loop on the pool; its wall time goes to the phases in the proportions
 * of the threads' time in them. */
static void run_items(wino_job *j, segi_pool_fn fn)
{
    uint64_t t0 = segi_phase_start(j->ctx);
    for (int ph = 0; ph < SEGI_PHASE_COUNT; ph++)
        atomic_store(&j->busy[ph], 0);
    segi_pool_for(j->ctx->pool, (size_t)j->g->slots, 1, fn, j);
    if (!j->ctx->phase_ns)
        return;
    uint64_t wall = segi_clock_ns() - t0, sum = 0, busy[SEGI_PHASE_COUNT];
    for (int ph = 0; ph < SEGI_PHASE_COUNT; ph++)
        sum += busy[ph] = atomic_load(&j->busy[ph]);
    for (int ph = 0; ph < SEGI_PHASE_COUNT && sum; ph++)
        j->ctx->phase_ns[ph] += (uint64_t)((double)wall * (double)busy[ph] / (double)sum);
}

/* U [36, nm, cg] of output channels [m0, m0 + nm). */
static void transform_kernels(const wino_job *j, int64_t m0, int64_t nm, float *u)
{
    int64_t cg = j->g->cg;
    for (int64_t m = 0; m < nm; m++)
        for (int64_t c = 0; c < cg; c += KLANES)
            kernel_chunk(j->w + ((m0 + m) * cg + c) * 9, cg - c < KLANES ? cg - c : KLANES,
                           u + m * cg + c, nm * cg);
}

/* V [36, channels [c0, c1), tiles [t0, t0 + nt)]: element e of channel c, tile t at
 * v[(e * cg + c) * ld + t - t0]. Chunks never cross a tile row. */
static void transform_input(const wino_job *j, int64_t c0, int64_t c1, int64_t t0, int64_t nt,
                            float *v, int64_t ld)
{
    const wino *g = j->g;
    const segi_window *w = g->w;
    int64_t tw = g->tiles_w, in_size = segi_window_image_size(w);
    for (int64_t c = c0; c < c1; c++)
        for (int64_t t = t0; t < t0 + nt;) {
            int64_t tj = t % tw, n = tw - tj;
            n = n < CHUNK ? n : CHUNK;
            n = n < t0 + nt - t ? n : t0 + nt - t;
            j->isa.input(j->x + c * in_size, w, t / tw * TILE - w->pad0[1],
                         tj * TILE - w->pad0[2], n, v + c * ld + (t - t0), g->cg * ld);
            t += n;
        }
}

/* The output of channels [m0, m0 + nm) on tiles [t0, t0 + nt) from P [36, nm, nt]. */
static void transform_output(const wino_job *j, int64_t m0, int64_t nm, int64_t t0,
                             int64_t nt, const float *p)
{
    const segi_window *w = j->g->w;
    int64_t tw = j->g->tiles_w, out_size = segi_window_grid_size(w);
    for (int64_t m = 0; m < nm; m++)
        for (int64_t t = t0; t < t0 + nt;) {
            int64_t tj = t % tw, n = tw - tj;
            n = n < CHUNK ? n : CHUNK;
            n = n < t0 + nt - t ? n : t0 + nt - t;
            j->isa.output(p + m * nt + (t - t0), nm * nt, n, w, t / tw * TILE, tj * TILE,
                          j->y + (m0 + m) * out_size);
            t += n;
        }
}

/* P [36, nm, nt] = U [36, nm, cg] V [36, cg, nt] (V rows `ldv` apart), on this thread. */
static void products(const wino *g, int64_t nm, int64_t nt, const float *u, const float *v,
                     int64_t ldv, float *p)
{
    for (int e = 0; e < ELEMS; e++) {
        segi_gemm_args prod = {.m = nm, .n = nt, .k = g->cg, .alpha = 1.0f,
                               .a = u + e * nm * g->cg, .lda = g->cg,
                               .b = v + e * g->cg * ldv, .ldb = ldv,
                               .c = p + e * nm * nt, .ldc = nt};
        segi_gemm(NULL, &prod);
    }
}

static float *slot_of(const wino_job *j, size_t slot)
{
    size_t per, shared;
    slot_floats(j->g, &per, &shared);
    return j->scratch + shared + slot * per;
}

/* Items with their own input: item i is tile range i % split of block i / split; slot
 * s takes items s, s + slots, ... and transforms its U (all output channels) once. */
static void own_input_items(void *arg, size_t begin, size_t end)
{
    wino_job *j = arg;
    const wino *g = j->g;
    int64_t items = ceil_div(g->tiles, g->block) * g->split;
    for (size_t s = begin; s < end && (int64_t)s < items; s++) {
        float *u = slot_of(j, s), *p = u + ELEMS * g->mg * g->cg;
        float *v = p + ELEMS * g->mg * g->sub;
        uint64_t t = segi_phase_start(j->ctx);
        transform_kernels(j, 0, g->mg, u);
        for (int64_t i = (int64_t)s; i < items; i += g->slots) {
            int64_t b0 = i / g->split * g->block, r0 = i % g->split * g->sub;
            int64_t nb = clamp64(g->tiles - b0, 0, g->block);
            int64_t nt = clamp64(nb - r0, 0, g->sub);
            if (nt == 0)
                continue;
            transform_input(j, 0, g->cg, b0 + r0, nt, v, nt);
            item_phase(j, SEGI_PHASE_TRANSFORM, &t);
            products(g, g->mg, nt, u, v, nt, p);
            item_phase(j, SEGI_PHASE_GEMM, &t);
            transform_output(j, 0, g->mg, b0 + r0, nt, p);
            item_phase(j, SEGI_PHASE_TRANSFORM, &t);
        }
    }
}

/* Items on the shared block input: item i is output channels (i / split) * mb and tile
 * range i % split; slot s takes items s, s + slots, ... */
static void shared_input_items(void *arg, size_t begin, size_t end)
{
    wino_job *j = arg;
    const wino *g = j->g;
    int64_t items = ceil_div(g->mg, g->mb) * g->split;
    for (size_t s = begin; s < end; s++) {
        float *u = slot_of(j, s), *p = u + ELEMS * g->mb * g->cg;
        for (int64_t i = (int64_t)s; i < items; i += g->slots) {
            int64_t m0 = i / g->split * g->mb, r0 = i % g->split * g->sub;
            int64_t nm = clamp64(g->mg - m0, 0, g->mb), nt = clamp64(j->nb - r0, 0, g->sub);
            if (nt == 0)
                continue;
            uint64_t t = segi_phase_start(j->ctx);
            transform_kernels(j, m0, nm, u);
            item_phase(j, SEGI_PHASE_TRANSFORM, &t);
            products(g, nm, nt, u, j->v + r0, j->nb, p);
            item_phase(j, SEGI_PHASE_GEMM, &t);
            transform_output(j, m0, nm, j->b0 + r0, nt, p);
            item_phase(j, SEGI_PHASE_TRANSFORM, &t);
        }
    }
}

static void shared_input(void *arg, size_t begin, size_t end)
{
    const wino_job *j = arg;
    transform_input(j, (int64_t)begin, (int64_t)end, j->b0, j->nb, j->v, j->nb);
}

void segi_winograd(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                   const float *w, float *y, float *scratch)
{
    segi_winograd_isa(ctx, s, x, w, y, scratch, segi_cpu_isa());
}

void segi_winograd_isa(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                       const float *w, float *y, float *scratch, segi_isa isa)
{
    wino g = wino_of(s, segi_pool_threads(ctx->pool));
    wino_job j = {ctx, &g, wino_isa_of(isa), x, w, y, scratch, NULL, 0, 0, {0}};
    if (g.own_input) {
        run_items(&j, own_input_items);
        return;
    }
    j.v = scratch;
    for (j.b0 = 0; j.b0 < g.tiles; j.b0 += g.block) {
        j.nb = g.tiles - j.b0 < g.block ? g.tiles - j.b0 : g.block;
        uint64_t t0 = segi_phase_start(ctx);
        segi_pool_for(ctx->pool, (size_t)g.cg, 1, shared_input, &j);
        segi_phase_stop(ctx, SEGI_PHASE_TRANSFORM, t0);
        run_items(&j, shared_input_items);
    }
}
