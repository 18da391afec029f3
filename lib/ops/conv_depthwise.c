/* Direct depthwise convolution (conv_depthwise.h). */
#include "ops/conv_depthwise.h"

#include <string.h>

/* Depthwise kernels up to this many taps per row / in all take the direct path. */
#define DW_MAX_ROWS 64
#define DW_MAX_WIDTH 16
/* The vector variants take rows with up to this many kernel rows inside the input and
 * blocks that read up to DW_SPAN input columns (dw_span), to fit their stack buffers. */
#define DW_VEC_ROWS 8
#define DW_SPAN 64
/* Planes up to this many floats with their column padding are first copied with
 * zeros in the padding, so that no block of their rows needs dw_block_rows' copies;
 * DW_ROW_ROUND is the most outputs a variant computes at a time. */
#define DW_PLANE 8192
#define DW_ROW_ROUND 32

bool segi_depthwise_pays(const segi_conv_shape *s)
{
    return s->group > 1 && s->group == s->c && s->group == s->m &&
           s->w.kernel[0] * s->w.kernel[1] <= DW_MAX_ROWS && s->w.kernel[2] <= DW_MAX_WIDTH;
}

/* The input rows one output row reads, with the kernel row for each. */
typedef struct dw_rows {
    int n;
    const float *x[DW_MAX_ROWS];
    const float *k[DW_MAX_ROWS];
} dw_rows;

static void gather_rows(const float *x, const float *k, const segi_window *w, int64_t od,
                        int64_t oh, dw_rows *r)
{
    r->n = 0;
    for (int64_t kd = 0; kd < w->kernel[0]; kd++) {
        int64_t id = od * w->stride[0] - w->pad0[0] + kd * w->dilation[0];
        for (int64_t kh = 0; kh < w->kernel[1]; kh++) {
            int64_t ih = oh * w->stride[1] - w->pad0[1] + kh * w->dilation[1];
            if (id < 0 || id >= w->image[0] || ih < 0 || ih >= w->image[1])
                continue;
            r->x[r->n] = x + (id * w->image[1] + ih) * w->image[2];
            r->k[r->n++] = k + (kd * w->kernel[1] + kh) * w->kernel[2];
        }
    }
}

/* The input columns one block of `lanes` outputs reads: x[o * s - pad0 + t], t < span. */
static int64_t dw_span(const segi_window *w, int64_t lanes)
{
    return (lanes - 1) * w->stride[2] + (w->kernel[2] - 1) * w->dilation[2] + 1;
}

/*
 * Where the block of `lanes` outputs from o reads each row: the input row itself when
 * all its taps are inside, else `local`, a copy of the columns it reads with zeros for
 * those outside the input (as im2col pads).
 */
static void dw_block_rows(const dw_rows *r, const segi_window *w, int64_t o, int64_t lanes,
                          float (*local)[DW_SPAN], const float **p)
{
    int64_t start = o * w->stride[2] - w->pad0[2], span = dw_span(w, lanes);
    int64_t width = w->image[2];
    if (start >= 0 && start + span <= width) {
        for (int i = 0; i < r->n; i++)
            p[i] = r->x[i] + start;
        return;
    }
    int64_t lo = start < 0 ? (-start < span ? -start : span) : 0;
    int64_t hi = width - start < lo ? lo : width - start > span ? span : width - start;
    for (int i = 0; i < r->n; i++) {
        memset(local[i], 0, (size_t)lo * sizeof(float));
        if (hi > lo)
            memcpy(local[i] + lo, r->x[i] + start + lo, (size_t)(hi - lo) * sizeof(float));
        memset(local[i] + hi, 0, (size_t)(span - hi) * sizeof(float));
        p[i] = local[i];
    }
}

/* One output row, one output at a time: the reference order of the vector variants,
 * and the path for other strides and rows too large for their buffers. */
static void dw_row_scalar(const dw_rows *r, const segi_window *w, float *y)
{
    int64_t s = w->stride[2], d = w->dilation[2], base = -w->pad0[2];
    for (int64_t o = 0; o < w->grid[2]; o++) {
        float sum = 0;
        for (int i = 0; i < r->n; i++)
            for (int64_t kw = 0; kw < w->kernel[2]; kw++) {
                int64_t at = o * s + base + kw * d;
                float x = at >= 0 && at < w->image[2] ? r->x[i][at] : 0.0f;
                float prod = r->k[i][kw] * x;
                sum += prod;
            }
        y[o] = sum;
    }
}

/* The variants: 4-float vectors (SSE on the baseline x86-64 target and lowered
 * elsewhere; the default -O2 does not vectorise loops with unknown trip counts), AVX2
 * and AVX-512. */
typedef float v4f __attribute__((vector_size(16)));
#define DW_NAME dw_row_portable
#define DW_CHUNK dw_chunk_portable
#define DW_TARGET
#define DW_V v4f
#define DW_W 4
#define DW_U 4
#define DW_EVENS(lo, hi) __builtin_shufflevector(lo, hi, 0, 2, 5, 7)
#include "ops/conv_depthwise_row.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
typedef float v8f __attribute__((vector_size(32)));
#define DW_NAME dw_row_avx2
#define DW_CHUNK dw_chunk_avx2
#define DW_TARGET __attribute__((target("avx2")))
#define DW_V v8f
#define DW_W 8
#define DW_U 4
#define DW_EVENS(lo, hi) __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 9, 11, 13, 15)
#include "ops/conv_depthwise_row.h"

typedef float v16f __attribute__((vector_size(64)));
#define DW_NAME dw_row_avx512
#define DW_CHUNK dw_chunk_avx512
#define DW_TARGET __attribute__((target("avx512f")))
#define DW_V v16f
#define DW_W 16
#define DW_U 2
#define DW_EVENS(lo, hi)                                                                \
    __builtin_shufflevector(lo, hi, 0, 2, 4, 6, 8, 10, 12, 14, 17, 19, 21, 23, 25, 27,   \
                            29, 31)
#include "ops/conv_depthwise_row.h"
#endif

static void depthwise_row(segi_isa isa, const float *x, const float *k,
                          const segi_window *w, int64_t od, int64_t oh, float *y)
{
    dw_rows r;
    gather_rows(x, k, w, od, oh, &r);
    bool done = false;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (isa == SEGI_ISA_AVX512)
        done = dw_row_avx512(&r, w, y);
    else if (isa == SEGI_ISA_AVX2)
        done = dw_row_avx2(&r, w, y);
    else
#else
    (void)isa;
#endif
        done = dw_row_portable(&r, w, y);
    if (!done)
        dw_row_scalar(&r, w, y);
}

/* Depthwise planes (image x channel) [begin, end) of one conv, for the pool. */
typedef struct dw_job {
    const segi_conv_shape *s;
    const segi_fused_act *act;
    const float *x, *w, *bias;
    float *y;
    segi_isa isa;
} dw_job;

/*
 * The window that reads input planes copied into a DW_PLANE buffer with their columns
 * padded by zeros (no column padding, a wider image), or false when a copy does not
 * pay or fit.
 */
static bool padded_window(const segi_window *w, segi_window *pw)
{
    *pw = *w;
    int64_t round = (w->grid[2] + DW_ROW_ROUND - 1) / DW_ROW_ROUND * DW_ROW_ROUND;
    int64_t width = (round - 1) * w->stride[2] + (w->kernel[2] - 1) * w->dilation[2] + 1;
    if (width < w->pad0[2] + w->image[2])
        width = w->pad0[2] + w->image[2];
    bool unpadded = w->pad0[2] == 0 && w->pad1[2] == 0;
    if (unpadded || w->image[0] * w->image[1] * width > DW_PLANE)
        return false;
    pw->image[2] = width;
    pw->pad0[2] = pw->pad1[2] = 0;
    return true;
}

static void depthwise_planes(void *arg, size_t begin, size_t end)
{
    const dw_job *j = arg;
    const segi_window *w = &j->s->w;
    int64_t in_size = segi_window_image_size(w), out_size = segi_window_grid_size(w);
    int64_t taps = segi_window_kernel_size(w), rows = w->image[0] * w->image[1];
    float buf[DW_PLANE];
    segi_window pw;
    bool padded = padded_window(w, &pw);
    if (padded)  /* the copies below leave the padding as it is */
        memset(buf, 0, (size_t)(rows * pw.image[2]) * sizeof(float));
    for (int64_t p = (int64_t)begin; p < (int64_t)end; p++) {
        int64_t ch = p % j->s->c;
        float *y = j->y + p * out_size;
        const float *x = j->x + p * in_size;
        if (padded) {
            for (int64_t r = 0; r < rows; r++)
                memcpy(buf + r * pw.image[2] + w->pad0[2], x + r * w->image[2],
                       (size_t)w->image[2] * sizeof(float));
            x = buf;
        }
        for (int64_t od = 0; od < w->grid[0]; od++)
            for (int64_t oh = 0; oh < w->grid[1]; oh++)
                depthwise_row(j->isa, x, j->w + ch * taps, &pw, od, oh,
                              y + (od * w->grid[1] + oh) * w->grid[2]);
        float bias = j->bias ? j->bias[ch] : 0.0f;
        if (j->act->kind != SEGI_ACT_NONE || bias != 0.0f)
            segi_act_map(j->isa, j->act, bias, y, y, (size_t)out_size);
    }
}

void segi_conv_depthwise(const segi_op_ctx *ctx, const segi_conv_shape *s,
                         const segi_fused_act *act, const float *x, const float *w,
                         const float *bias, float *y)
{
    segi_conv_depthwise_isa(ctx->pool, segi_cpu_isa(), s, act, x, w, bias, y);
}

void segi_conv_depthwise_isa(segi_pool *pool, segi_isa isa, const segi_conv_shape *s,
                             const segi_fused_act *act, const float *x, const float *w,
                             const float *bias, float *y)
{
    dw_job job = {s, act, x, w, bias, y, isa};
    segi_pool_for(pool, (size_t)(s->n * s->c), 1, depthwise_planes, &job);
}
