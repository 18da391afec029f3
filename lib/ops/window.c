/* Window geometry from ONNX attributes, and im2col / col2im over it. */
#include "ops/window.h"

#include <string.h>

/* Attribute values beyond this are refused so that window arithmetic cannot overflow. */
#define WIN_MAX_ATTR ((int64_t)1 << 24)

static seg_status read_ints(const segi_op_ctx *ctx, const char *name, int want,
                            int64_t min, int64_t *dst, int at)
{
    const int64_t *v = NULL;
    int n = segi_op_attr_ints(ctx, name, &v);
    if (n < 0)
        return SEG_OK;
    if (n != want)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "attribute %s has %d values, expected %d",
                             name, n, want);
    for (int i = 0; i < n; i++) {
        if (v[i] < min || v[i] > WIN_MAX_ATTR)
            return segi_op_error(ctx, SEG_ERR_FORMAT,
                                 "attribute %s[%d] = %lld is outside %lld..%lld", name, i,
                                 (long long)v[i], (long long)min, (long long)WIN_MAX_ATTR);
        dst[at + i] = v[i];
    }
    return SEG_OK;
}

static seg_status parse_auto_pad(const segi_op_ctx *ctx, segi_auto_pad *out)
{
    static const char *const names[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"};
    const char *s = segi_op_attr_string(ctx, "auto_pad", "NOTSET");
    for (int i = 0; i < 4; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (segi_auto_pad)i;
            return SEG_OK;
        }
    }
    return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "auto_pad '%s' is not supported", s);
}

seg_status segi_window_attrs(const segi_op_ctx *ctx, int nd, const int64_t *kernel,
                             segi_window *w, segi_auto_pad *auto_pad)
{
    if (nd < 1 || nd > SEGI_WIN_AXES)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                             "%d spatial axes (1 to %d are supported)", nd, SEGI_WIN_AXES);
    memset(w, 0, sizeof *w);
    w->nd = nd;
    for (int a = 0; a < SEGI_WIN_AXES; a++)
        w->image[a] = w->grid[a] = w->kernel[a] = w->stride[a] = w->dilation[a] = 1;
    int at = SEGI_WIN_AXES - nd;
    int64_t ks[SEGI_WIN_AXES] = {0, 0, 0};
    seg_status st = read_ints(ctx, "kernel_shape", nd, 1, ks, at);
    if (st != SEG_OK)
        return st;
    for (int a = at; a < SEGI_WIN_AXES; a++) {
        int64_t k = kernel ? kernel[a - at] : ks[a];
        if (kernel && ks[a] && ks[a] != k)
            return segi_op_error(ctx, SEG_ERR_SHAPE,
                                 "kernel_shape[%d] = %lld but the weights have %lld",
                                 a - at, (long long)ks[a], (long long)k);
        if (k < 1 || k > WIN_MAX_ATTR)
            return segi_op_error(ctx, SEG_ERR_FORMAT, "%s kernel size %lld on axis %d",
                                 kernel ? "weights give" : "missing or bad kernel_shape:",
                                 (long long)k, a - at);
        w->kernel[a] = k;
    }
    int64_t pads[2 * SEGI_WIN_AXES] = {0};
    if ((st = read_ints(ctx, "strides", nd, 1, w->stride, at)) != SEG_OK ||
        (st = read_ints(ctx, "dilations", nd, 1, w->dilation, at)) != SEG_OK ||
        (st = read_ints(ctx, "pads", 2 * nd, 0, pads, 0)) != SEG_OK ||
        (st = parse_auto_pad(ctx, auto_pad)) != SEG_OK)
        return st;
    for (int i = 0; i < nd; i++) {
        w->pad0[at + i] = pads[i];
        w->pad1[at + i] = pads[nd + i];
    }
    return SEG_OK;
}

seg_status segi_window_forward(const segi_op_ctx *ctx, const int64_t *in_spatial,
                               segi_auto_pad auto_pad, bool ceil_mode, segi_window *w)
{
    int at = SEGI_WIN_AXES - w->nd;
    for (int a = at; a < SEGI_WIN_AXES; a++) {
        int64_t in = in_spatial[a - at], s = w->stride[a];
        if (in > SEGI_WIN_MAX_SIZE)
            return segi_op_error(ctx, SEG_ERR_LIMIT, "spatial axis %d has %lld points",
                                 a - at, (long long)in);
        int64_t span = (w->kernel[a] - 1) * w->dilation[a] + 1;
        w->image[a] = in;
        if (auto_pad == SEGI_PAD_SAME_UPPER || auto_pad == SEGI_PAD_SAME_LOWER) {
            int64_t out = (in + s - 1) / s;
            int64_t total = (out - 1) * s + span - in;
            if (total < 0)
                total = 0;
            int64_t small = total / 2;
            w->pad0[a] = auto_pad == SEGI_PAD_SAME_UPPER ? small : total - small;
            w->pad1[a] = total - w->pad0[a];
            w->grid[a] = out;
            continue;
        }
        if (auto_pad == SEGI_PAD_VALID)
            w->pad0[a] = w->pad1[a] = 0;
        int64_t room = in + w->pad0[a] + w->pad1[a] - span;
        if (room < 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE,
                                 "kernel extent %lld exceeds the padded input %lld on "
                                 "spatial axis %d",
                                 (long long)span, (long long)(in + w->pad0[a] + w->pad1[a]),
                                 a - at);
        int64_t out = room / s + 1;
        /* ceil_mode: one more window if it starts inside the input or left padding. */
        if (ceil_mode && auto_pad == SEGI_PAD_NOTSET && room % s != 0 &&
            out * s < in + w->pad0[a])
            out++;
        w->grid[a] = out;
    }
    return segi_window_check(ctx, w);
}

seg_status segi_window_check(const segi_op_ctx *ctx, const segi_window *w)
{
    const int64_t *sizes[3] = {w->image, w->grid, w->kernel};
    for (int i = 0; i < 3; i++) {
        int64_t n = 1;
        for (int a = 0; a < SEGI_WIN_AXES; a++)
            if (!segi_dim_mul(n, sizes[i][a], SEGI_WIN_MAX_SIZE, &n))
                return segi_op_error(ctx, SEG_ERR_LIMIT, "window geometry exceeds %lld points",
                                     (long long)SEGI_WIN_MAX_SIZE);
    }
    return SEG_OK;
}

seg_status segi_conv_shape_make(const segi_op_ctx *ctx, const seg_tensor *x,
                                const seg_tensor *w, segi_conv_shape *s)
{
    if (x->rank < 3 || x->rank > 5 || w->rank != x->rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "input rank %d and weight rank %d (want equal ranks 3 to 5)",
                             x->rank, w->rank);
    s->n = x->dims[0];
    s->c = x->dims[1];
    s->m = w->dims[0];
    s->group = segi_op_attr_int(ctx, "group", 1);
    if (s->group < 1 || s->c % s->group || s->m % s->group || w->dims[1] != s->c / s->group)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "group %lld does not fit %lld input channels and weights "
                             "[%lld, %lld, ...]",
                             (long long)s->group, (long long)s->c, (long long)s->m,
                             (long long)w->dims[1]);
    segi_auto_pad ap;
    seg_status st = segi_window_attrs(ctx, x->rank - 2, w->dims + 2, &s->w, &ap);
    if (st == SEG_OK)
        st = segi_window_forward(ctx, x->dims + 2, ap, false, &s->w);
    if (st != SEG_OK)
        return st;
    s->pointwise = segi_window_kernel_size(&s->w) == 1;
    for (int a = 0; a < SEGI_WIN_AXES; a++)
        s->pointwise = s->pointwise && s->w.stride[a] == 1 && s->w.pad0[a] == 0 &&
                       s->w.pad1[a] == 0;
    int64_t k;
    if (s->m > INT32_MAX || segi_window_grid_size(&s->w) > INT32_MAX ||
        !segi_dim_mul(w->dims[1], segi_window_kernel_size(&s->w), INT32_MAX, &k))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "GEMM dimensions exceed the BLAS int range");
    return SEG_OK;
}

void segi_conv_out_dims(const segi_conv_shape *s, int64_t *dims)
{
    dims[0] = s->n;
    dims[1] = s->m;
    memcpy(dims + 2, segi_window_grid_dims(&s->w), (size_t)s->w.nd * sizeof dims[0]);
}

static int64_t prod3(const int64_t *v)
{
    return v[0] * v[1] * v[2];
}

int64_t segi_window_image_size(const segi_window *w) { return prod3(w->image); }
int64_t segi_window_grid_size(const segi_window *w) { return prod3(w->grid); }
int64_t segi_window_kernel_size(const segi_window *w) { return prod3(w->kernel); }

const int64_t *segi_window_grid_dims(const segi_window *w)
{
    return w->grid + (SEGI_WIN_AXES - w->nd);
}

void segi_window_taps(const segi_window *w, int a, int64_t t, int64_t *lo, int64_t *hi)
{
    int64_t off = t * w->dilation[a] - w->pad0[a], s = w->stride[a];
    /* o * s + off >= 0  and  o * s + off < image */
    int64_t l = off >= 0 ? 0 : (-off + s - 1) / s;
    int64_t h = w->image[a] - off <= 0 ? 0 : (w->image[a] - off + s - 1) / s;
    if (h > w->grid[a])
        h = w->grid[a];
    if (l > h)
        l = h;
    *lo = l;
    *hi = h;
}

/* One output row of im2col: dst[o] = src[o * stride + off] for o in [lo, hi), else 0. */
static void gather_row(char *dst, const char *src, int64_t n, int64_t lo, int64_t hi,
                       int64_t stride, int64_t off, size_t elem)
{
    memset(dst, 0, (size_t)lo * elem);
    memset(dst + hi * (int64_t)elem, 0, (size_t)(n - hi) * elem);
    if (hi == lo)
        return;
    const char *s = src + (off + lo * stride) * (int64_t)elem;
    char *d = dst + lo * (int64_t)elem;
    if (stride == 1)
        memcpy(d, s, (size_t)(hi - lo) * elem);
    else if (elem == 4)
        for (int64_t o = 0; o < hi - lo; o++)
            memcpy(d + o * 4, s + o * stride * 4, 4);
    else
        for (int64_t o = 0; o < hi - lo; o++)
            memcpy(d + o * 8, s + o * stride * 8, 8);
}

int64_t segi_im2col_tile_rows(const segi_window *w, int64_t rows, size_t elem, size_t budget)
{
    int64_t grid_rows = w->grid[0] * w->grid[1];
    uint64_t row_bytes = (uint64_t)rows * (uint64_t)w->grid[2] * elem;
    int64_t n = row_bytes ? (int64_t)(budget / row_bytes) : grid_rows;
    return n < 1 ? 1 : n > grid_rows ? grid_rows : n;
}

void segi_im2col(const void *image, int64_t channels, const segi_window *w, size_t elem,
                 int64_t row0, int64_t nrows, void *cols)
{
    const char *img = image;
    char *col = cols;
    int64_t gh = w->grid[1], gw = w->grid[2];
    int64_t id = w->image[0], ih = w->image[1], iw = w->image[2];
    size_t row_bytes = (size_t)gw * elem;
    for (int64_t c = 0; c < channels; c++) {
        const char *plane = img + c * id * ih * iw * (int64_t)elem;
        for (int64_t kd = 0; kd < w->kernel[0]; kd++)
            for (int64_t kh = 0; kh < w->kernel[1]; kh++)
                for (int64_t kw = 0; kw < w->kernel[2]; kw++) {
                    int64_t lo, hi;
                    segi_window_taps(w, 2, kw, &lo, &hi);
                    int64_t woff = kw * w->dilation[2] - w->pad0[2];
                    for (int64_t r = row0; r < row0 + nrows; r++, col += row_bytes) {
                        int64_t y = r / gh * w->stride[0] - w->pad0[0] + kd * w->dilation[0];
                        int64_t x = r % gh * w->stride[1] - w->pad0[1] + kh * w->dilation[1];
                        if (y < 0 || y >= id || x < 0 || x >= ih) {
                            memset(col, 0, row_bytes);
                            continue;
                        }
                        gather_row(col, plane + (y * ih + x) * iw * (int64_t)elem, gw, lo, hi,
                                   w->stride[2], woff, elem);
                    }
                }
    }
}

void segi_col2im_add(const float *cols, int64_t channels, const segi_window *w,
                     float *image)
{
    int64_t gd = w->grid[0], gh = w->grid[1], gw = w->grid[2];
    int64_t id = w->image[0], ih = w->image[1], iw = w->image[2];
    for (int64_t c = 0; c < channels; c++) {
        float *plane = image + c * id * ih * iw;
        for (int64_t kd = 0; kd < w->kernel[0]; kd++)
            for (int64_t kh = 0; kh < w->kernel[1]; kh++)
                for (int64_t kw = 0; kw < w->kernel[2]; kw++) {
                    int64_t lo, hi;
                    segi_window_taps(w, 2, kw, &lo, &hi);
                    int64_t woff = kw * w->dilation[2] - w->pad0[2], s = w->stride[2];
                    for (int64_t od = 0; od < gd; od++) {
                        int64_t y = od * w->stride[0] - w->pad0[0] + kd * w->dilation[0];
                        for (int64_t oh = 0; oh < gh; oh++, cols += gw) {
                            int64_t x = oh * w->stride[1] - w->pad0[1] + kh * w->dilation[1];
                            if (y < 0 || y >= id || x < 0 || x >= ih)
                                continue;
                            int64_t base = (y * ih + x) * iw + woff;
                            for (int64_t o = lo; o < hi; o++)
                                plane[base + o * s] += cols[o];
                        }
                    }
                }
    }
}
