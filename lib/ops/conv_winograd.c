/* Winograd F(4x4, 3x3) convolution (conv_winograd.h). */
#include "ops/conv_winograd.h"

#include "core/cpu.h"
#include "ops/gemm.h"

#include <string.h>

#define TILE 4    /* output tile side */
#define ALPHA 6   /* input tile side: TILE + 3 - 1 */
#define ELEMS 36  /* ALPHA * ALPHA products per tile */

/* The transformed input and the products of a block of tiles fit in this. */
#define BLOCK_BYTES ((size_t)8 << 20)

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

/* r = G g for a 3-vector g (elements `gs` apart), into r (`rs` apart). */
static inline void g3(const float *g, int gs, float *r, int rs)
{
    const float sixth = 1.0f / 6, twelfth = 1.0f / 12, h = 1.0f / 24;
    float g0 = g[0], g1 = g[gs], g2 = g[2 * gs];
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

/* u [36] = G g G^T of one 3x3 kernel g, row-major. */
static void kernel_tile(const float *g, float *u)
{
    float t[ALPHA * 3];
    for (int j = 0; j < 3; j++)
        g3(g + j, 3, t + j, 3);
    for (int i = 0; i < ALPHA; i++)
        g3(t + i * 3, 1, u + i * ALPHA, 1);
}

bool segi_winograd_pays(const segi_conv_shape *s)
{
    const segi_window *w = &s->w;
    return w->kernel[0] == 1 && w->image[0] == 1 && w->grid[0] == 1 && w->kernel[1] == 3 &&
           w->kernel[2] == 3 && w->stride[1] == 1 && w->stride[2] == 1 &&
           w->dilation[1] == 1 && w->dilation[2] == 1 &&
           s->c / s->group >= SEGI_WINOGRAD_MIN_CHANNELS &&
           s->m / s->group >= SEGI_WINOGRAD_MIN_CHANNELS;
}

/* The geometry of one image and group; blocks are whole rows of tiles. */
typedef struct wino {
    const segi_window *w;
    int64_t cg, mg, tiles_w, tile_rows, block_rows;
} wino;

static wino wino_of(const segi_conv_shape *s)
{
    wino g = {.w = &s->w, .cg = s->c / s->group, .mg = s->m / s->group};
    g.tiles_w = (s->w.grid[2] + TILE - 1) / TILE;
    g.tile_rows = (s->w.grid[1] + TILE - 1) / TILE;
    size_t per_row = (size_t)ELEMS * (size_t)(g.cg + g.mg) * sizeof(float) * (size_t)g.tiles_w;
    g.block_rows = per_row ? (int64_t)(BLOCK_BYTES / per_row) : 1;
    if (g.block_rows < 1)
        g.block_rows = 1;
    if (g.block_rows > g.tile_rows)
        g.block_rows = g.tile_rows;
    return g;
}

/* Transformed kernels U [36, mg, cg], a block's inputs V [36, cg, tiles] and products
 * P [36, mg, tiles]. */
bool segi_winograd_scratch(const segi_conv_shape *s, size_t *bytes)
{
    wino g = wino_of(s);
    size_t u, v, p, tiles = (size_t)(g.block_rows * g.tiles_w);
    if (!segi_size_mul3(ELEMS * sizeof(float), (size_t)g.mg, (size_t)g.cg, &u) ||
        !segi_size_mul3(ELEMS * sizeof(float), (size_t)g.cg, tiles, &v) ||
        !segi_size_mul3(ELEMS * sizeof(float), (size_t)g.mg, tiles, &p) ||
        u + v < u || u + v + p < p)
        return false;
    *bytes = u + v + p;
    return true;
}

/* The chunk transforms of one ISA. */
typedef struct wino_isa {
    void (*input)(const float *, const segi_window *, int64_t, int64_t, int64_t, float *,
                  int64_t);
    void (*output)(const float *, int64_t, int64_t, const segi_window *, int64_t, int64_t,
                   float *);
} wino_isa;

/* One loop's arguments for the pool: the geometry, the block, the buffers. */
typedef struct wino_job {
    const wino *g;
    int64_t row0, nt;  /* the block's first tile row and its tile count */
    const float *src;
    float *dst;
    wino_isa isa;
} wino_job;

static void kernel_transform(void *arg, size_t begin, size_t end)
{
    const wino_job *j = arg;
    int64_t cg = j->g->cg, mg = j->g->mg;
    float u[ELEMS];
    for (int64_t m = (int64_t)begin; m < (int64_t)end; m++)
        for (int64_t c = 0; c < cg; c++) {
            kernel_tile(j->src + (m * cg + c) * 9, u);
            for (int e = 0; e < ELEMS; e++)
                j->dst[(e * mg + m) * cg + c] = u[e];
        }
}

/* Tiles per chunk of a tile row: the transforms' row buffers live on the stack. */
#define CHUNK 64
#define CHUNK_COLS (TILE * CHUNK + TILE)

/* Input row y, columns [x0, x0 + n), into dst; points outside read as 0. */
static void load_row(const float *plane, const segi_window *w, int64_t y, int64_t x0,
                     int64_t n, float *dst)
{
    int64_t iw = w->image[2];
    int64_t lo = x0 < 0 ? -x0 : 0, hi = iw - x0 < n ? iw - x0 : n;
    if (y < 0 || y >= w->image[1] || hi <= lo) {
        memset(dst, 0, (size_t)n * sizeof *dst);
        return;
    }
    memset(dst, 0, (size_t)lo * sizeof *dst);
    memcpy(dst + lo, plane + y * iw + x0 + lo, (size_t)(hi - lo) * sizeof *dst);
    memset(dst + hi, 0, (size_t)(n - hi) * sizeof *dst);
}

/*
 * The input transform of `n` tiles of one tile row and channel, vectorisable over the
 * tiles: B^T down the six input rows is elementwise over columns; splitting the result
 * by column mod 4 makes each tile's six columns the same index of six arrays, so B^T
 * across the columns is elementwise over tiles too. v[e * ld + t] gets element e of
 * tile t.
 */
/* The chunk transforms are compiled once per ISA (see the variants below). */
#define CHUNK_FN static inline __attribute__((always_inline)) void

CHUNK_FN input_chunk(const float *plane, const segi_window *w, int64_t y0, int64_t x0,
                        int64_t n, float *v, int64_t ld)
{
    float in[ALPHA][CHUNK_COLS], bt[ALPHA][CHUNK_COLS], ph[ALPHA][TILE][CHUNK + 1];
    int64_t cols = TILE * n + TILE;
    for (int k = 0; k < ALPHA; k++)
        load_row(plane, w, y0 + k, x0, cols, in[k]);
    for (int64_t u = 0; u < cols; u++) {
        float d[ALPHA], r[ALPHA];
        for (int k = 0; k < ALPHA; k++)
            d[k] = in[k][u];
        bt6(d, r);
        for (int i = 0; i < ALPHA; i++)
            bt[i][u] = r[i];
    }
    for (int i = 0; i < ALPHA; i++)
        for (int q = 0; q < TILE; q++)
            for (int64_t t = 0; t <= n; t++)
                ph[i][q][t] = bt[i][TILE * t + q];
    for (int i = 0; i < ALPHA; i++) {
        float *o = v + i * ALPHA * ld;
        const float *p0 = ph[i][0], *p1 = ph[i][1], *p2 = ph[i][2], *p3 = ph[i][3];
        for (int64_t t = 0; t < n; t++) {
            float d[ALPHA] = {p0[t], p1[t], p2[t], p3[t], p0[t + 1], p1[t + 1]}, r[ALPHA];
            bt6(d, r);
            for (int j = 0; j < ALPHA; j++)
                o[j * ld + t] = r[j];
        }
    }
}

/*
 * The output transform of `n` tiles of one tile row and output channel: A^T over the
 * products' rows, then across their columns, both elementwise over tiles; the 4x4
 * tiles are then laid side by side into four output rows.
 */
CHUNK_FN output_chunk(const float *p, int64_t ld, int64_t n, const segi_window *w,
                         int64_t y0, int64_t x0, float *y)
{
    float at[TILE][ALPHA][CHUNK], out[TILE][TILE * CHUNK];
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
    for (int i = 0; i < TILE; i++) {
        float o[TILE][CHUNK];
        for (int64_t t = 0; t < n; t++) {
            float v[ALPHA], r[TILE];
            for (int b = 0; b < ALPHA; b++)
                v[b] = at[i][b][t];
            at6(v, r);
            for (int k = 0; k < TILE; k++)
                o[k][t] = r[k];
        }
        for (int64_t t = 0; t < n; t++)
            for (int k = 0; k < TILE; k++)
                out[i][TILE * t + k] = o[k][t];
    }
    int64_t gh = w->grid[1], gw = w->grid[2];
    int64_t rows = gh - y0 < TILE ? gh - y0 : TILE;
    int64_t cols = gw - x0 < TILE * n ? gw - x0 : TILE * n;
    for (int64_t i = 0; i < rows; i++)
        memcpy(y + (y0 + i) * gw + x0, out[i], (size_t)cols * sizeof *y);
}

/* Wrappers that compile the always-inline chunk transforms for one target: the loops
 * over tiles vectorise at the target's width. */
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

static void input_transform(void *arg, size_t begin, size_t end)
{
    const wino_job *j = arg;
    const segi_window *w = j->g->w;
    int64_t cg = j->g->cg, nt = j->nt, tw = j->g->tiles_w, in_size = segi_window_image_size(w);
    for (int64_t c = (int64_t)begin; c < (int64_t)end; c++)
        for (int64_t t = 0; t < nt;) {
            int64_t tj = t % tw, n = tw - tj < CHUNK ? tw - tj : CHUNK;
            j->isa.input(j->src + c * in_size, w, (j->row0 + t / tw) * TILE - w->pad0[1],
                        tj * TILE - w->pad0[2], n, j->dst + c * nt + t, cg * nt);
            t += n;
        }
}

static void output_transform(void *arg, size_t begin, size_t end)
{
    const wino_job *j = arg;
    const segi_window *w = j->g->w;
    int64_t mg = j->g->mg, nt = j->nt, tw = j->g->tiles_w, out_size = segi_window_grid_size(w);
    for (int64_t m = (int64_t)begin; m < (int64_t)end; m++)
        for (int64_t t = 0; t < nt;) {
            int64_t tj = t % tw, n = tw - tj < CHUNK ? tw - tj : CHUNK;
            j->isa.output(j->src + m * nt + t, mg * nt, n, w, (j->row0 + t / tw) * TILE,
                         tj * TILE, j->dst + m * out_size);
            t += n;
        }
}

void segi_winograd(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                   const float *w, float *y, float *scratch)
{
    segi_winograd_isa(ctx, s, x, w, y, scratch, segi_cpu_isa());
}

void segi_winograd_isa(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                       const float *w, float *y, float *scratch, segi_isa isa)
{
    wino g = wino_of(s);
    wino_isa fns = wino_isa_of(isa);
    int64_t block = g.block_rows * g.tiles_w;
    float *u = scratch, *v = u + ELEMS * g.mg * g.cg, *p = v + ELEMS * g.cg * block;
    uint64_t t0 = segi_phase_start(ctx);
    wino_job kj = {&g, 0, 0, w, u, fns};
    segi_pool_for(ctx->pool, (size_t)g.mg, 1, kernel_transform, &kj);
    segi_phase_stop(ctx, SEGI_PHASE_TRANSFORM, t0);
    for (int64_t r0 = 0; r0 < g.tile_rows; r0 += g.block_rows) {
        int64_t rows = g.tile_rows - r0 < g.block_rows ? g.tile_rows - r0 : g.block_rows;
        int64_t nt = rows * g.tiles_w;
        t0 = segi_phase_start(ctx);
        wino_job ij = {&g, r0, nt, x, v, fns};
        segi_pool_for(ctx->pool, (size_t)g.cg, 1, input_transform, &ij);
        segi_phase_stop(ctx, SEGI_PHASE_TRANSFORM, t0);
        t0 = segi_phase_start(ctx);
        for (int e = 0; e < ELEMS; e++) {
            segi_gemm_args prod = {.m = g.mg, .n = nt, .k = g.cg, .alpha = 1.0f,
                                   .a = u + e * g.mg * g.cg, .lda = g.cg,
                                   .b = v + e * g.cg * nt, .ldb = nt,
                                   .c = p + e * g.mg * nt, .ldc = nt};
            segi_gemm(ctx->pool, &prod);
        }
        segi_phase_stop(ctx, SEGI_PHASE_GEMM, t0);
        t0 = segi_phase_start(ctx);
        wino_job oj = {&g, r0, nt, p, y, fns};
        segi_pool_for(ctx->pool, (size_t)g.mg, 1, output_transform, &oj);
        segi_phase_stop(ctx, SEGI_PHASE_TRANSFORM, t0);
    }
}
