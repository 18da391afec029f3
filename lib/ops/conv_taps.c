/* Conv as one GEMM per kernel tap over the tap's valid output rectangle (conv_taps.h). */
#include "ops/conv_taps.h"
#include "ops/gemm.h"

#include <string.h>

/* Tap (kh, kw) and the output rectangle [h0, h1) x [w0, w1) whose tap lands inside. */
typedef struct tap_rect {
    int64_t kh, kw, h0, h1, w0, w1;
} tap_rect;

static tap_rect tap_rect_of(const segi_window *w, int64_t kh, int64_t kw)
{
    tap_rect r = {.kh = kh, .kw = kw};
    segi_window_taps(w, 1, kh, &r.h0, &r.h1);
    segi_window_taps(w, 2, kw, &r.w0, &r.w1);
    return r;
}

static int64_t rect_points(const tap_rect *r)
{
    return (r->h1 - r->h0) * (r->w1 - r->w0);
}

/* The share of axis a's taps x grid points inside the image. */
static double axis_share(const segi_window *w, int a)
{
    int64_t valid = 0;
    for (int64_t t = 0; t < w->kernel[a]; t++) {
        int64_t lo, hi;
        segi_window_taps(w, a, t, &lo, &hi);
        valid += hi - lo;
    }
    return w->grid[a] ? (double)valid / (double)(w->kernel[a] * w->grid[a]) : 1.0;
}

double segi_conv_taps_share(const segi_window *w)
{
    return axis_share(w, 0) * axis_share(w, 1) * axis_share(w, 2);
}

bool segi_conv_taps_pay(const segi_conv_shape *s)
{
    const segi_window *w = &s->w;
    return w->kernel[0] == 1 && w->image[0] == 1 && w->grid[0] == 1 &&
           segi_window_kernel_size(w) > 1 && s->c / s->group > 1 &&
           segi_conv_taps_share(w) < SEGI_CONV_TAPS_MAX_SHARE;
}

/* Packed weights of one tap [mg, cg], gathered input [cg, grid], products [mg, grid]. */
bool segi_conv_taps_scratch(const segi_conv_shape *s, size_t *bytes)
{
    size_t cg = (size_t)(s->c / s->group), mg = (size_t)(s->m / s->group);
    size_t grid = (size_t)segi_window_grid_size(&s->w), a, b, c;
    if (!segi_size_mul3(mg, cg, sizeof(float), &a) ||
        !segi_size_mul3(cg, grid, sizeof(float), &b) ||
        !segi_size_mul3(mg, grid, sizeof(float), &c) || a + b < a || a + b + c < c)
        return false;
    *bytes = a + b + c;
    return true;
}

/* The input points of tap r's rectangle for channels [c0, c1): b [cg, points]. */
static void gather_rect(const float *x, int64_t c0, int64_t c1, const segi_window *w,
                        const tap_rect *r, float *b)
{
    int64_t ih = w->image[1], iw = w->image[2], sh = w->stride[1], sw = w->stride[2];
    int64_t y0 = r->h0 * sh - w->pad0[1] + r->kh * w->dilation[1];
    int64_t x0 = r->w0 * sw - w->pad0[2] + r->kw * w->dilation[2];
    int64_t rows = r->h1 - r->h0, cols = r->w1 - r->w0;
    for (int64_t c = c0; c < c1; c++)
        for (int64_t i = 0; i < rows; i++) {
            const float *src = x + (c * ih + y0 + i * sh) * iw + x0;
            float *dst = b + (c * rows + i) * cols;
            if (sw == 1)
                memcpy(dst, src, (size_t)cols * sizeof *dst);
            else
                for (int64_t j = 0; j < cols; j++)
                    dst[j] = src[j * sw];
        }
}

/* y's rectangle r += products p [mg, points of r], for channels [m0, m1). */
static void add_rect(const float *p, int64_t m0, int64_t m1, const segi_window *w,
                     const tap_rect *r, float *y)
{
    int64_t gh = w->grid[1], gw = w->grid[2], rows = r->h1 - r->h0, cols = r->w1 - r->w0;
    for (int64_t m = m0; m < m1; m++)
        for (int64_t i = 0; i < rows; i++) {
            float *dst = y + (m * gh + r->h0 + i) * gw + r->w0;
            const float *src = p + (m * rows + i) * cols;
            for (int64_t j = 0; j < cols; j++)
                dst[j] += src[j];
        }
}

/* Below this many values a copy runs on the calling thread. */
#define SPLIT_MIN_VALUES 16384

/* One of a tap's copies, split over output channels (pack, add) or input channels
 * (gather) on the pool. */
typedef enum tap_copy { COPY_PACK, COPY_GATHER, COPY_ADD } tap_copy;

typedef struct copy_job {
    tap_copy kind;
    const segi_conv_shape *s;
    const tap_rect *r;
    const float *src;
    float *dst;
} copy_job;

static void run_copy(void *arg, size_t begin, size_t end)
{
    const copy_job *j = arg;
    const segi_window *w = &j->s->w;
    int64_t cg = j->s->c / j->s->group, lo = (int64_t)begin, hi = (int64_t)end;
    if (j->kind == COPY_GATHER) {
        gather_rect(j->src, lo, hi, w, j->r, j->dst);
    } else if (j->kind == COPY_ADD) {
        add_rect(j->src, lo, hi, w, j->r, j->dst);
    } else {
        /* The tap's weights [mg, cg] out of [mg, cg, kh, kw]. */
        int64_t taps = segi_window_kernel_size(w), t = j->r->kh * w->kernel[2] + j->r->kw;
        for (int64_t i = lo * cg; i < hi * cg; i++)
            j->dst[i] = j->src[i * taps + t];
    }
}

/* Run a copy over `rows` channels of `row_values` values each. */
static void copy(const segi_op_ctx *ctx, const copy_job *j, int64_t rows, int64_t row_values)
{
    int64_t grain = row_values ? SPLIT_MIN_VALUES / row_values : rows;
    segi_pool_for(ctx->pool, (size_t)rows, (size_t)(grain > 1 ? grain : 1), run_copy,
                  (void *)j);
}

/* y [mg, grid] (+)= w[:, :, tap] x the tap's input rectangle; `first` overwrites y. */
static void tap_gemm(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                     const float *w, const tap_rect *r, bool first, float *y, float *scratch)
{
    const segi_window *win = &s->w;
    int64_t cg = s->c / s->group, mg = s->m / s->group;
    int64_t n = rect_points(r), cols = r->w1 - r->w0, gw = win->grid[2];
    int64_t in_size = segi_window_image_size(win), out_size = segi_window_grid_size(win);
    float *a = scratch, *b = a + mg * cg, *p = b + cg * out_size;
    uint64_t t0 = segi_phase_start(ctx);
    copy(ctx, &(copy_job){COPY_PACK, s, r, w, a}, mg, cg);
    /* Stride-1 rectangles as wide as the input are contiguous runs of x. */
    const float *bm = b;
    int64_t ldb = n;
    if (win->stride[1] == 1 && win->stride[2] == 1 && cols == win->image[2]) {
        bm = x + (r->h0 - win->pad0[1] + r->kh * win->dilation[1]) * cols;
        ldb = in_size;
    } else {
        copy(ctx, &(copy_job){COPY_GATHER, s, r, x, b}, cg, n);
    }
    segi_phase_stop(ctx, SEGI_PHASE_IM2COL, t0);
    /* Rectangles of whole output rows are contiguous runs of y. */
    bool direct = cols == gw;
    t0 = segi_phase_start(ctx);
    segi_gemm_args g = {.m = mg, .n = n, .k = cg, .alpha = 1.0f,
                        .beta = direct && !first ? 1.0f : 0.0f, .a = a, .lda = cg, .b = bm,
                        .ldb = ldb, .c = direct ? y + r->h0 * gw : p,
                        .ldc = direct ? out_size : n};
    segi_gemm(ctx->pool, &g);
    segi_phase_stop(ctx, SEGI_PHASE_GEMM, t0);
    if (!direct)
        copy(ctx, &(copy_job){COPY_ADD, s, r, p, y}, mg, n);
}

void segi_conv_taps(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                    const float *w, float *y, float *scratch)
{
    const segi_window *win = &s->w;
    int64_t out_size = segi_window_grid_size(win), kh_n = win->kernel[1], kw_n = win->kernel[2];
    /* A tap that covers the whole output goes first and overwrites y; else y starts 0. */
    int64_t full = -1;
    for (int64_t t = 0; t < kh_n * kw_n && full < 0; t++) {
        tap_rect r = tap_rect_of(win, t / kw_n, t % kw_n);
        if (rect_points(&r) == out_size)
            full = t;
    }
    if (full >= 0) {
        tap_rect r = tap_rect_of(win, full / kw_n, full % kw_n);
        tap_gemm(ctx, s, x, w, &r, true, y, scratch);
    } else {
        memset(y, 0, (size_t)(s->m / s->group * out_size) * sizeof *y);
    }
    for (int64_t t = 0; t < kh_n * kw_n; t++) {
        tap_rect r = tap_rect_of(win, t / kw_n, t % kw_n);
        if (t != full && rect_points(&r) > 0)
            tap_gemm(ctx, s, x, w, &r, false, y, scratch);
    }
}
