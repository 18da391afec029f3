/* Direct depthwise convolution (conv_depthwise.h). */
#include "ops/conv_depthwise.h"

#include <string.h>

/* Four floats, one SSE register on the baseline x86-64 target (GCC and clang lower it
 * elsewhere too). The default -O2 does not vectorise loops with unknown trip counts,
 * so the hot loop says it. */
typedef float v4f __attribute__((vector_size(16)));

/* Depthwise kernels up to this many taps per row / in all take the direct path. */
#define DW_MAX_ROWS 64
#define DW_MAX_WIDTH 16

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

/* Output o of the row near the input's edges: only the taps inside the input. */
static float dw_edge(const dw_rows *r, const segi_window *w, int64_t o)
{
    int64_t start = o * w->stride[2] - w->pad0[2], d = w->dilation[2];
    int64_t lo = start < 0 ? (-start + d - 1) / d : 0;
    int64_t hi = w->image[2] - start <= 0 ? 0 : (w->image[2] - start + d - 1) / d;
    if (hi > w->kernel[2])
        hi = w->kernel[2];
    float sum = 0;
    for (int i = 0; i < r->n; i++)
        for (int64_t kw = lo; kw < hi; kw++)
            sum += r->k[i][kw] * r->x[i][start + kw * d];
    return sum;
}

/*
 * One output row of a depthwise conv. In the interior, where every tap is inside the
 * input, stride-1 rows accumulate eight outputs at a time in registers and stride-2
 * rows four; the edges and other strides go one output at a time.
 */
static void depthwise_row(const float *x, const float *k, const segi_window *w, int64_t od,
                          int64_t oh, float *y)
{
    dw_rows r;
    gather_rows(x, k, w, od, oh, &r);
    int64_t lo, hi, unused, kw_n = w->kernel[2], s = w->stride[2], d = w->dilation[2];
    segi_window_taps(w, 2, 0, &lo, &unused);
    segi_window_taps(w, 2, kw_n - 1, &unused, &hi);
    if (hi < lo)
        hi = lo;
    int64_t o = 0;
    for (; o < lo && o < w->grid[2]; o++)
        y[o] = dw_edge(&r, w, o);
    int64_t base = -w->pad0[2];
    if (s == 1)
        for (; o + 8 <= hi; o += 8) {  /* two independent sums hide the add latency */
            v4f acc0 = {0}, acc1 = {0};
            for (int i = 0; i < r.n; i++) {
                const float *xi = r.x[i] + o + base;
                for (int64_t kw = 0; kw < kw_n; kw++) {
                    v4f v0, v1;
                    memcpy(&v0, xi + kw * d, sizeof v0);
                    memcpy(&v1, xi + kw * d + 4, sizeof v1);
                    acc0 += r.k[i][kw] * v0;
                    acc1 += r.k[i][kw] * v1;
                }
            }
            memcpy(y + o, &acc0, sizeof acc0);
            memcpy(y + o + 4, &acc1, sizeof acc1);
        }
    if (s == 2)
        for (; o + 4 <= hi; o += 4) {  /* the even elements of x[2o + 0..6] */
            v4f acc = {0};
            for (int i = 0; i < r.n; i++) {
                const float *xi = r.x[i] + 2 * o + base;
                for (int64_t kw = 0; kw < kw_n; kw++) {
                    v4f lo4, hi4;  /* x[0..3] and x[3..6]: never past the last tap */
                    memcpy(&lo4, xi + kw * d, sizeof lo4);
                    memcpy(&hi4, xi + kw * d + 3, sizeof hi4);
                    acc += r.k[i][kw] * __builtin_shufflevector(lo4, hi4, 0, 2, 5, 7);
                }
            }
            memcpy(y + o, &acc, sizeof acc);
        }
    for (; o < hi; o++) {
        float sum = 0;
        for (int i = 0; i < r.n; i++)
            for (int64_t kw = 0; kw < kw_n; kw++)
                sum += r.k[i][kw] * r.x[i][o * s + base + kw * d];
        y[o] = sum;
    }
    for (; o < w->grid[2]; o++)
        y[o] = dw_edge(&r, w, o);
}

/* Depthwise planes (image x channel) [begin, end) of one conv, for the pool. */
typedef struct dw_job {
    const segi_conv_shape *s;
    const segi_fused_act *act;
    const float *x, *w, *bias;
    float *y;
} dw_job;

static void depthwise_planes(void *arg, size_t begin, size_t end)
{
    const dw_job *j = arg;
    const segi_window *w = &j->s->w;
    int64_t in_size = segi_window_image_size(w), out_size = segi_window_grid_size(w);
    int64_t taps = segi_window_kernel_size(w);
    for (int64_t p = (int64_t)begin; p < (int64_t)end; p++) {
        int64_t ch = p % j->s->c;
        float *y = j->y + p * out_size;
        for (int64_t od = 0; od < w->grid[0]; od++)
            for (int64_t oh = 0; oh < w->grid[1]; oh++)
                depthwise_row(j->x + p * in_size, j->w + ch * taps, w, od, oh,
                              y + (od * w->grid[1] + oh) * w->grid[2]);
        segi_fused_act_apply(j->act, j->bias ? j->bias[ch] : 0.0f, y, (size_t)out_size);
    }
}

void segi_conv_depthwise(const segi_op_ctx *ctx, const segi_conv_shape *s,
                         const segi_fused_act *act, const float *x, const float *w,
                         const float *bias, float *y)
{
    dw_job job = {s, act, x, w, bias, y};
    segi_pool_for(ctx->pool, (size_t)(s->n * s->c), 1, depthwise_planes, &job);
}
