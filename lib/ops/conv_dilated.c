/* Dilated 3x3 convolutions as Winograd on a mosaic of their phases (conv_dilated.h). */
#include "ops/conv_dilated.h"

#include "ops/conv_winograd.h"

#include <string.h>

/* One axis of the mosaic: `d` phases of `len` points each, a zero point between
 * neighbours, so phase a starts at a * (len + 1). */
typedef struct mosaic_axis {
    int64_t d, len, size, extent;  /* size: the mosaic's; extent: the image's */
} mosaic_axis;

static mosaic_axis axis_of(const segi_window *w, int a)
{
    mosaic_axis m = {.d = w->dilation[a], .extent = w->image[a]};
    m.len = (m.extent + m.d - 1) / m.d;
    m.size = m.d * m.len + m.d - 1;
    return m;
}

/* Mosaic position of image point p. */
static int64_t mosaic_pos(const mosaic_axis *m, int64_t p)
{
    return p % m->d * (m->len + 1) + p / m->d;
}

/* The undilated conv that runs on the mosaic. */
static segi_conv_shape mosaic_shape(const segi_conv_shape *s)
{
    segi_conv_shape ms = *s;
    for (int a = 1; a <= 2; a++) {
        mosaic_axis m = axis_of(&s->w, a);
        ms.w.image[a] = ms.w.grid[a] = m.size;
        ms.w.dilation[a] = 1;
        ms.w.pad0[a] = ms.w.pad1[a] = 1;
    }
    return ms;
}

bool segi_dilated_pays(const segi_conv_shape *s)
{
    const segi_window *w = &s->w;
    bool same = true;
    for (int a = 1; a <= 2; a++)
        same = same && w->pad0[a] == w->dilation[a] && w->pad1[a] == w->dilation[a] &&
               w->stride[a] == 1 && w->kernel[a] == 3;
    if (w->nd != 2 || !same || (w->dilation[1] == 1 && w->dilation[2] == 1))
        return false;
    segi_conv_shape ms = mosaic_shape(s);
    return segi_winograd_pays(&ms) && segi_winograd_tiles(&ms.w) <= 2 * segi_winograd_tiles(w);
}

bool segi_dilated_scratch(const segi_op_ctx *ctx, const segi_conv_shape *s, size_t *bytes)
{
    segi_conv_shape ms = mosaic_shape(s);
    size_t plane = (size_t)(ms.w.grid[1] * ms.w.grid[2]), in, out, wino;
    if (!segi_size_mul3(plane, (size_t)(s->c / s->group), sizeof(float), &in) ||
        !segi_size_mul3(plane, (size_t)(s->m / s->group), sizeof(float), &out) ||
        !segi_winograd_scratch(ctx, &ms, &wino) || in + out < in || in + out + wino < wino)
        return false;
    *bytes = in + out + wino;
    return true;
}

/* Planes [begin, end) between image layout and mosaic layout, for the pool. */
typedef struct mosaic_job {
    mosaic_axis rows, cols;
    const float *src;
    float *dst;
} mosaic_job;

static void to_mosaic(void *arg, size_t begin, size_t end)
{
    const mosaic_job *j = arg;
    int64_t ih = j->rows.extent, iw = j->cols.extent, mw = j->cols.size;
    size_t mosaic = (size_t)(j->rows.size * mw);
    for (size_t c = begin; c < end; c++) {
        const float *x = j->src + c * (size_t)(ih * iw);
        float *m = j->dst + c * mosaic;
        memset(m, 0, mosaic * sizeof *m);
        for (int64_t r = 0; r < ih; r++) {
            float *row = m + mosaic_pos(&j->rows, r) * mw;
            for (int64_t q = 0; q < iw; q++)
                row[mosaic_pos(&j->cols, q)] = x[r * iw + q];
        }
    }
}

static void from_mosaic(void *arg, size_t begin, size_t end)
{
    const mosaic_job *j = arg;
    int64_t ih = j->rows.extent, iw = j->cols.extent, mw = j->cols.size;
    size_t mosaic = (size_t)(j->rows.size * mw);
    for (size_t c = begin; c < end; c++) {
        const float *m = j->src + c * mosaic;
        float *y = j->dst + c * (size_t)(ih * iw);
        for (int64_t r = 0; r < ih; r++) {
            const float *row = m + mosaic_pos(&j->rows, r) * mw;
            for (int64_t q = 0; q < iw; q++)
                y[r * iw + q] = row[mosaic_pos(&j->cols, q)];
        }
    }
}

void segi_dilated(const segi_op_ctx *ctx, const segi_conv_shape *s, const float *x,
                  const float *w, float *y, float *scratch)
{
    segi_conv_shape ms = mosaic_shape(s);
    mosaic_axis rows = axis_of(&s->w, 1), cols = axis_of(&s->w, 2);
    float *mx = scratch, *my = mx + s->c / s->group * rows.size * cols.size;
    float *wino = my + s->m / s->group * rows.size * cols.size;
    uint64_t t0 = segi_phase_start(ctx);
    mosaic_job in = {rows, cols, x, mx};
    segi_pool_for(ctx->pool, (size_t)(s->c / s->group), 1, to_mosaic, &in);
    segi_phase_stop(ctx, SEGI_PHASE_IM2COL, t0);
    segi_winograd(ctx, &ms, mx, w, my, wino);
    t0 = segi_phase_start(ctx);
    mosaic_job out = {rows, cols, my, y};
    segi_pool_for(ctx->pool, (size_t)(s->m / s->group), 1, from_mosaic, &out);
    segi_phase_stop(ctx, SEGI_PHASE_IM2COL, t0);
}
