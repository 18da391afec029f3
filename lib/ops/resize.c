/* Resize (opsets 10-19) and Upsample (7-9).
 *
 * Each resized axis gets a table: for every output index, the source indices and
 * weights of its taps (1 for nearest, 2 for linear, 4 for cubic, more when antialias
 * widens the kernel), or a marker for tf_crop_and_resize's extrapolation. Nearest is
 * one gather over all axes on any dtype; linear and cubic run f32 separable passes,
 * one per resized axis, per plane of the untouched leading axes (N and C for NCHW),
 * so a bilinear NCHW resize is a vectorised row pass plus a column pass on data that
 * stays in cache. Coordinates are computed in double as in the ONNX reference.
 */
#include "ops/op.h"
#include "ops/strided.h"
#include "ops/value.h"

#include <math.h>
#include <string.h>

typedef enum mode { NEAREST, LINEAR, CUBIC } mode;

typedef enum coord {
    HALF_PIXEL, HALF_PIXEL_SYMMETRIC, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC,
    TF_HALF_PIXEL_FOR_NN, TF_CROP_AND_RESIZE
} coord;

/* SIMPLE is Upsample's and Resize-10's rule: floor when enlarging, ceil when shrinking. */
typedef enum rounding { PREFER_FLOOR, PREFER_CEIL, FLOOR, CEIL, SIMPLE } rounding;

typedef struct plan {
    mode mode;
    coord coord;
    rounding rounding;
    int antialias, exclude_outside;
    float cubic_a, extrapolation;
    int rank;
    int64_t in[SEG_MAX_RANK], out[SEG_MAX_RANK];
    double scale[SEG_MAX_RANK], roi_start[SEG_MAX_RANK], roi_end[SEG_MAX_RANK];
    /* The resized length in the coordinate formulas: the output length, or in * scale
     * when scales are given, which may be fractional (as in ONNX's reference). */
    double length[SEG_MAX_RANK];
} plan;

/* One axis: taps per output index, idx[j * taps + k] (-1 in tap 0: extrapolate). */
typedef struct table {
    int64_t n_out, taps;
    int64_t *idx;
    float *w;
} table;

static int pick(const char *s, const char *const *names, int n)
{
    for (int k = 0; k < n; k++)
        if (strcmp(s, names[k]) == 0)
            return k;
    return -1;
}

static seg_status read_attrs(segi_op_ctx *ctx, plan *p)
{
    static const char *const modes[] = {"nearest", "linear", "cubic"};
    static const char *const coords[] = {"half_pixel", "half_pixel_symmetric",
                                         "pytorch_half_pixel", "align_corners", "asymmetric",
                                         "tf_half_pixel_for_nn", "tf_crop_and_resize"};
    static const char *const roundings[] = {"round_prefer_floor", "round_prefer_ceil",
                                            "floor", "ceil"};
    int legacy = ctx->node->opset < 11;
    const char *m = segi_op_attr_string(ctx, "mode", "nearest");
    const char *c = legacy ? "asymmetric"
                           : segi_op_attr_string(ctx, "coordinate_transformation_mode",
                                                 "half_pixel");
    const char *r = segi_op_attr_string(ctx, "nearest_mode", "round_prefer_floor");
    int mi = pick(m, modes, legacy ? 2 : 3), ci = pick(c, coords, 7);
    int ri = legacy ? SIMPLE : pick(r, roundings, 4);
    if (mi < 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "mode '%s'", m);
    if (ci < 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "coordinate_transformation_mode '%s'",
                             c);
    if (ri < 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "nearest_mode '%s'", r);
    p->mode = (mode)mi;
    p->coord = (coord)ci;
    p->rounding = (rounding)ri;
    p->antialias = segi_op_attr_int(ctx, "antialias", 0) != 0 && p->mode != NEAREST;
    p->exclude_outside = segi_op_attr_int(ctx, "exclude_outside", 0) != 0;
    p->cubic_a = segi_op_attr_float(ctx, "cubic_coeff_a", -0.75f);
    p->extrapolation = segi_op_attr_float(ctx, "extrapolation_value", 0.0f);
    return SEG_OK;
}

/* Where each input sits: scales at input 1 (Upsample-9, Resize-10) or 2 (Resize-11+),
 * sizes at 3, roi at 1 (Resize-11+); Upsample-7 has a scales attribute. -1: none. */
static int scales_input(const segi_op_ctx *ctx)
{
    if (strcmp(ctx->node->op_type, "Upsample") == 0)
        return ctx->node->opset < 9 ? -1 : 1;
    return ctx->node->opset < 11 ? 1 : 2;
}

/* Values of an optional float or int input, n = 0 when omitted or empty. */
static seg_status optional_floats(segi_op_ctx *ctx, int i, const char *what, double *vals,
                                  int cap, int *n)
{
    float f[2 * SEG_MAX_RANK];
    *n = 0;
    if (i < 0 || !segi_value_present(ctx, i))
        return SEG_OK;
    seg_status st = segi_value_floats(ctx, i, what, f, cap, n);
    for (int k = 0; st == SEG_OK && k < *n; k++)
        vals[k] = f[k];
    return st;
}

/* The axes that scales/sizes/roi talk about: opset 18's `axes`, else all. */
static seg_status get_axes(segi_op_ctx *ctx, int rank, int64_t *axes, int *n)
{
    const int64_t *v;
    *n = segi_op_attr_ints(ctx, "axes", &v);
    if (*n < 0) {
        *n = rank;
        for (int d = 0; d < rank; d++)
            axes[d] = d;
        return SEG_OK;
    }
    if (*n > rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%d axes for rank %d", *n, rank);
    memcpy(axes, v, (size_t)*n * sizeof *axes);
    return segi_value_axes(ctx, axes, *n, rank, "axes");
}

static seg_status keep_aspect(segi_op_ctx *ctx, plan *p, const int64_t *axes, int n)
{
    const char *policy = segi_op_attr_string(ctx, "keep_aspect_ratio_policy", "stretch");
    int k = pick(policy, (const char *const[]){"stretch", "not_larger", "not_smaller"}, 3);
    if (k < 0)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "keep_aspect_ratio_policy '%s'",
                             policy);
    if (k == 0)
        return SEG_OK;
    double s = p->scale[axes[0]];
    for (int a = 1; a < n; a++)
        s = k == 1 ? fmin(s, p->scale[axes[a]]) : fmax(s, p->scale[axes[a]]);
    for (int a = 0; a < n; a++) {
        if (!(s * (double)p->in[axes[a]] < 4e18))
            return segi_op_error(ctx, SEG_ERR_LIMIT, "axis %d resized to %g elements",
                                 (int)axes[a], s * (double)p->in[axes[a]]);
        p->scale[axes[a]] = s;
        p->out[axes[a]] = (int64_t)floor(s * (double)p->in[axes[a]] + 0.5);
        p->length[axes[a]] = (double)p->out[axes[a]];
    }
    return SEG_OK;
}

/* What the node asks for, per listed axis: a scale or a size, and for
 * tf_crop_and_resize a region of interest. */
typedef struct request {
    int n_axes, n_scales, n_sizes, n_roi;
    int64_t axes[SEG_MAX_RANK];
    double scales[SEG_MAX_RANK], sizes[SEG_MAX_RANK], roi[2 * SEG_MAX_RANK];
} request;

static seg_status read_request(segi_op_ctx *ctx, const plan *p, request *r)
{
    seg_status st = get_axes(ctx, p->rank, r->axes, &r->n_axes);
    if (st != SEG_OK)
        return st;
    r->n_scales = r->n_sizes = r->n_roi = 0;
    int si = scales_input(ctx);
    if (si < 0) {
        const float *v;
        r->n_scales = segi_op_attr_floats(ctx, "scales", &v);
        for (int k = 0; k < r->n_scales && k < SEG_MAX_RANK; k++)
            r->scales[k] = v[k];
    } else if ((st = optional_floats(ctx, si, "scales", r->scales, SEG_MAX_RANK,
                                     &r->n_scales)) != SEG_OK) {
        return st;
    }
    if (si == 2 && segi_value_present(ctx, 3)) {
        int64_t v[SEG_MAX_RANK];
        if ((st = segi_value_ints(ctx, 3, "sizes", v, SEG_MAX_RANK, &r->n_sizes)) != SEG_OK)
            return st;
        for (int k = 0; k < r->n_sizes; k++)
            r->sizes[k] = (double)v[k];
    }
    if (si == 2 && p->coord == TF_CROP_AND_RESIZE &&
        (st = optional_floats(ctx, 1, "roi", r->roi, 2 * SEG_MAX_RANK, &r->n_roi)) != SEG_OK)
        return st;
    if ((r->n_scales > 0) == (r->n_sizes > 0))
        return segi_op_error(ctx, SEG_ERR_FORMAT, "exactly one of scales and sizes must be "
                             "given (got %d scales, %d sizes)", r->n_scales, r->n_sizes);
    int n = r->n_scales ? r->n_scales : r->n_sizes;
    if (n != r->n_axes || (r->n_roi && r->n_roi != 2 * r->n_axes))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%d %s and %d roi values for %d axes", n,
                             r->n_scales ? "scales" : "sizes", r->n_roi, r->n_axes);
    return SEG_OK;
}

/* Output length, scale and resized length of axis d from the a-th requested value. */
static seg_status apply_axis(segi_op_ctx *ctx, plan *p, const request *r, int a)
{
    int d = (int)r->axes[a];
    if (r->n_roi) {
        p->roi_start[d] = r->roi[a];
        p->roi_end[d] = r->roi[r->n_axes + a];
    }
    double v = r->n_scales ? r->scales[a] : r->sizes[a], in = (double)p->in[d];
    if (!(v >= 0) || (r->n_scales && v == 0) || v > 1e9)
        return segi_op_error(ctx, SEG_ERR_SHAPE, "%s[%d] = %g is not allowed",
                             r->n_scales ? "scales" : "sizes", a, v);
    if (!r->n_scales) {
        p->out[d] = (int64_t)v;
        p->length[d] = v;
        p->scale[d] = in > 0 ? v / in : 1.0;
        return SEG_OK;
    }
    double len = in * (p->roi_end[d] - p->roi_start[d]) * v;
    if (!(len < 4e18))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "axis %d resized to %g elements", d, len);
    p->scale[d] = v;
    p->length[d] = in * v;
    p->out[d] = len > 0 ? (int64_t)floor(len) : 0;
    return SEG_OK;
}

static seg_status make_plan(segi_op_ctx *ctx, plan *p)
{
    const seg_tensor *x = ctx->in[0];
    seg_status st = read_attrs(ctx, p);
    if (st != SEG_OK)
        return st;
    p->rank = x->rank;
    for (int d = 0; d < x->rank; d++) {
        p->in[d] = p->out[d] = x->dims[d];
        p->scale[d] = 1.0;
        p->length[d] = (double)x->dims[d];
        p->roi_start[d] = 0.0;
        p->roi_end[d] = 1.0;
    }
    request r;
    if ((st = read_request(ctx, p, &r)) != SEG_OK)
        return st;
    for (int a = 0; a < r.n_axes; a++)
        if ((st = apply_axis(ctx, p, &r, a)) != SEG_OK)
            return st;
    if (r.n_sizes && (st = keep_aspect(ctx, p, r.axes, r.n_axes)) != SEG_OK)
        return st;
    for (int d = 0; d < x->rank; d++)
        if (p->out[d] > 0 && p->in[d] == 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE, "cannot resize empty axis %d to %lld", d,
                                 (long long)p->out[d]);
    if (p->mode != NEAREST && x->dtype != SEG_DTYPE_F32)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "%s mode on %s input",
                             p->mode == LINEAR ? "linear" : "cubic", seg_dtype_name(x->dtype));
    return SEG_OK;
}

/* The source coordinate of output index i along axis d. */
static double source_coord(const plan *p, int d, int64_t i)
{
    double s = p->scale[d], in = (double)p->in[d], out = p->length[d];
    double x = (double)i;
    switch (p->coord) {
    case HALF_PIXEL: return (x + 0.5) / s - 0.5;
    case HALF_PIXEL_SYMMETRIC: {
        double adjust = (double)p->out[d] / (s * in);
        return in / 2 * (1 - adjust) + (x + 0.5) / s - 0.5;
    }
    case PYTORCH_HALF_PIXEL: return out > 1 ? (x + 0.5) / s - 0.5 : 0;
    case ALIGN_CORNERS: return out > 1 ? x * (in - 1) / (out - 1) : 0;
    case ASYMMETRIC: return x / s;
    case TF_HALF_PIXEL_FOR_NN: return (x + 0.5) / s;
    case TF_CROP_AND_RESIZE: {
        double a = p->roi_start[d], b = p->roi_end[d];
        return out > 1 ? a * (in - 1) + x * (b - a) * (in - 1) / (out - 1)
                       : 0.5 * (a + b) * (in - 1);
    }
    }
    return x;
}

/* The factor antialias stretches the kernel by (1 when not shrinking). Below 1e-4 the
 * kernel would span more than 10^4 taps; it is capped there. */
static double antialias_scale(const plan *p, int d)
{
    if (!p->antialias || !(p->scale[d] < 1))
        return 1.0;
    return p->scale[d] > 1e-4 ? p->scale[d] : 1e-4;
}

/* Kernel support in taps and the first tap's offset from floor(x). Antialias widens
 * the kernel by 1/scale when shrinking. */
static void kernel_taps(const plan *p, int d, int64_t *taps, int64_t *first)
{
    if (p->mode == NEAREST) {
        *taps = 1;
        *first = 0;
        return;
    }
    double s = antialias_scale(p, d);
    double reach = p->mode == LINEAR ? 1.0 : 2.0;
    *first = (int64_t)floor(-reach / s) + 1;
    *taps = 2 - 2 * *first;
}

static double kernel(const plan *p, double t)
{
    t = fabs(t);
    if (p->mode == LINEAR)
        return t < 1 ? 1 - t : 0;
    double a = p->cubic_a;
    if (t <= 1)
        return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2)
        return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
    return 0;
}

static int64_t nearest_index(const plan *p, int d, double x)
{
    double f = floor(x), r = x - f;
    int up;
    switch (p->rounding) {
    case PREFER_FLOOR: up = r > 0.5; break;
    case PREFER_CEIL: up = r >= 0.5; break;
    case FLOOR: up = 0; break;
    case CEIL: up = r > 0; break;
    default: up = p->scale[d] < 1 && r > 0; break;
    }
    return (int64_t)f + up;
}

static int64_t clamp_index(int64_t i, int64_t n)
{
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* Fill table t for axis d (t->idx and t->w point at n_out * taps slots). */
static void build_table(const plan *p, int d, table *t)
{
    int64_t first, n = p->in[d];
    kernel_taps(p, d, &t->taps, &first);
    t->n_out = p->out[d];
    double s = antialias_scale(p, d);
    for (int64_t j = 0; j < t->n_out; j++) {
        int64_t *idx = t->idx + j * t->taps;
        float *w = t->w + j * t->taps;
        double x = source_coord(p, d, j);
        if (p->coord == TF_CROP_AND_RESIZE && (x < 0 || x > (double)(n - 1))) {
            for (int64_t k = 0; k < t->taps; k++) {
                idx[k] = -1;
                w[k] = 0;
            }
            continue;
        }
        if (p->mode == NEAREST) {
            idx[0] = clamp_index(nearest_index(p, d, x), n);
            w[0] = 1;
            continue;
        }
        double f = floor(x), r = x - f, sum = 0, kept = 0;
        for (int64_t k = 0; k < t->taps; k++) {
            int64_t i = (int64_t)f + first + k;
            double wk = kernel(p, ((double)(first + k) - r) * s);
            sum += wk;
            if (p->exclude_outside && (i < 0 || i >= n))
                wk = 0;
            kept += wk;
            idx[k] = clamp_index(i, n);
            w[k] = (float)wk;
        }
        /* Antialias always renormalises; exclude_outside when it dropped taps. */
        double norm = p->antialias ? kept : p->exclude_outside && kept != sum ? kept : 0;
        for (int64_t k = 0; norm != 0 && k < t->taps; k++)
            w[k] = (float)(w[k] / norm);
    }
}

/* ---- planning the passes ---- */

/* Whether axis d maps every output index onto the same input index exactly (then it
 * needs no pass): the same length and integral source coordinates equal to i. */
static int axis_is_identity(const plan *p, int d)
{
    if (p->out[d] != p->in[d])
        return 0;
    for (int64_t i = 0; i < p->out[d]; i++) {
        double x = source_coord(p, d, i);
        if (p->coord == TF_CROP_AND_RESIZE && (x < 0 || x > (double)(p->in[d] - 1)))
            return 0;
        if (p->mode == NEAREST ? nearest_index(p, d, x) != i : x != (double)i)
            return 0;
    }
    return 1;
}

typedef struct passes {
    int n;
    int axes[SEG_MAX_RANK];    /* resized axes, in the order they are processed */
    int first;                 /* axes before it are untouched: planes */
    size_t taps_total;         /* table slots over all axes */
    size_t buffer_elems;       /* each of the two ping-pong buffers, per plane */
} passes;

/* Resized axes, most-shrinking first (so later passes see less data), ties from the
 * innermost axis; and the scratch they need. */
static void plan_passes(const plan *p, passes *ps)
{
    ps->n = 0;
    ps->taps_total = 0;
    ps->first = p->rank;
    for (int d = p->rank - 1; d >= 0; d--) {
        int64_t taps, first;
        kernel_taps(p, d, &taps, &first);
        ps->taps_total += (size_t)(p->out[d] * taps);
        if (!axis_is_identity(p, d)) {
            ps->axes[ps->n++] = d;
            ps->first = d;
        }
    }
    for (int a = 1; a < ps->n; a++)
        for (int b = a; b > 0; b--) {
            int u = ps->axes[b - 1], v = ps->axes[b];
            double ru = (double)p->out[u] / (double)(p->in[u] ? p->in[u] : 1);
            double rv = (double)p->out[v] / (double)(p->in[v] ? p->in[v] : 1);
            if (rv >= ru)
                break;
            ps->axes[b - 1] = v;
            ps->axes[b] = u;
        }
    int64_t cur[SEG_MAX_RANK];
    memcpy(cur, p->in, sizeof cur);
    size_t biggest = 0;
    for (int a = 0; a + 1 < ps->n; a++) {
        cur[ps->axes[a]] = p->out[ps->axes[a]];
        size_t n = 1;
        for (int d = ps->first; d < p->rank; d++)
            n *= (size_t)cur[d];
        biggest = n > biggest ? n : biggest;
    }
    ps->buffer_elems = biggest;
}

static seg_status resize_infer(segi_op_ctx *ctx)
{
    plan p;
    seg_status st = make_plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    passes ps;
    plan_passes(&p, &ps);
    ctx->scratch_bytes = ps.taps_total * (sizeof(int64_t) + sizeof(float));
    if (p.mode != NEAREST)  /* two buffers per thread */
        ctx->scratch_bytes += 2 * ps.buffer_elems * sizeof(float) *
                              (size_t)segi_pool_threads(ctx->pool);
    return segi_op_set_output(ctx, 0, ctx->in[0]->dtype, p.rank, p.out);
}

/* Interpolate along the innermost axis: src is [rows, n_in], dst [rows, t->n_out]. */
static void pass_last(const float *src, float *dst, int64_t rows, int64_t n_in,
                      const table *t, float extrapolation)
{
    int64_t taps = t->taps;
    for (int64_t o = 0; o < rows; o++) {
        const float *s = src + o * n_in;
        float *d = dst + o * t->n_out;
        if (taps == 2) {
            for (int64_t j = 0; j < t->n_out; j++) {
                const int64_t *idx = t->idx + 2 * j;
                const float *w = t->w + 2 * j;
                d[j] = idx[0] < 0 ? extrapolation : w[0] * s[idx[0]] + w[1] * s[idx[1]];
            }
            continue;
        }
        for (int64_t j = 0; j < t->n_out; j++) {
            const int64_t *idx = t->idx + j * taps;
            const float *w = t->w + j * taps;
            float acc = 0;
            for (int64_t k = 0; k < taps && idx[0] >= 0; k++)
                acc += w[k] * s[idx[k]];
            d[j] = idx[0] < 0 ? extrapolation : acc;
        }
    }
}

/* Interpolate along an outer axis: src is [outer, n_in, inner], dst [outer, t->n_out,
 * inner]; every output row is a weighted sum of whole input rows (vectorisable). */
static void pass_rows(const float *src, float *dst, int64_t outer, int64_t n_in,
                      int64_t inner, const table *t, float extrapolation)
{
    int64_t taps = t->taps;
    for (int64_t o = 0; o < outer; o++) {
        const float *s = src + o * n_in * inner;
        float *dd = dst + o * t->n_out * inner;
        for (int64_t j = 0; j < t->n_out; j++) {
            const int64_t *idx = t->idx + j * taps;
            const float *w = t->w + j * taps;
            float *d = dd + j * inner;
            if (idx[0] < 0) {
                for (int64_t i = 0; i < inner; i++)
                    d[i] = extrapolation;
            } else if (taps == 2) {
                const float *a = s + idx[0] * inner, *b = s + idx[1] * inner;
                float wa = w[0], wb = w[1];
                for (int64_t i = 0; i < inner; i++)
                    d[i] = wa * a[i] + wb * b[i];
            } else {
                const float *a = s + idx[0] * inner;
                for (int64_t i = 0; i < inner; i++)
                    d[i] = w[0] * a[i];
                for (int64_t k = 1; k < taps; k++) {
                    const float *b = s + idx[k] * inner;
                    float wk = w[k];
                    for (int64_t i = 0; i < inner; i++)
                        d[i] += wk * b[i];
                }
            }
        }
    }
}

typedef struct interp_job {
    const plan *p;
    const passes *ps;
    const table *tables;
    const float *src;
    float *dst, *bufs;  /* bufs: two buffers of ps->buffer_elems per part */
    int64_t planes;
    size_t parts;
} interp_job;

/* Parts [b, e) of the planes, one contiguous range of planes and one pair of buffers
 * per part, so that no two threads share a buffer. */
static void interpolate_parts(void *ctx, size_t b, size_t e)
{
    const interp_job *j = ctx;
    const plan *p = j->p;
    const passes *ps = j->ps;
    int first = ps->first;
    int64_t in_plane = segi_value_span(p->in, first, p->rank);
    int64_t out_plane = segi_value_span(p->out, first, p->rank);
    for (size_t part = b; part < e; part++) {
        float *buf[2] = {j->bufs + 2 * part * ps->buffer_elems,
                         j->bufs + (2 * part + 1) * ps->buffer_elems};
        int64_t pl0 = j->planes * (int64_t)part / (int64_t)j->parts;
        int64_t pl1 = j->planes * (int64_t)(part + 1) / (int64_t)j->parts;
        for (int64_t pl = pl0; pl < pl1; pl++) {
            int64_t cur[SEG_MAX_RANK];
            memcpy(cur, p->in, sizeof cur);
            const float *from = j->src + pl * in_plane;
            for (int a = 0; a < ps->n; a++) {
                int d = ps->axes[a];
                float *to = a == ps->n - 1 ? j->dst + pl * out_plane : buf[a & 1];
                int64_t outer = segi_value_span(cur, first, d);
                int64_t inner = segi_value_span(cur, d + 1, p->rank);
                if (inner == 1)
                    pass_last(from, to, outer, cur[d], &j->tables[d], p->extrapolation);
                else
                    pass_rows(from, to, outer, cur[d], inner, &j->tables[d],
                              p->extrapolation);
                cur[d] = p->out[d];
                from = to;
            }
        }
    }
}

/* The planes split into one part per thread, or run inline when they are small. */
static void run_interpolation(segi_pool *pool, const plan *p, const passes *ps,
                              const table *tables, const float *src, float *dst, float *bufs)
{
    int64_t planes = segi_value_span(p->in, 0, ps->first);
    size_t out_values = (size_t)segi_value_span(p->out, 0, p->rank);
    size_t threads = (size_t)segi_pool_threads(pool);
    size_t parts = out_values < 65536 || planes < 2 ? 1
                 : threads < (size_t)planes ? threads : (size_t)planes;
    interp_job j = {p, ps, tables, src, dst, bufs, planes, parts};
    segi_pool_for(parts > 1 ? pool : NULL, parts, 1, interpolate_parts, &j);
}

static seg_status resize_run(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    seg_tensor *y = ctx->out[0];
    plan p;
    seg_status st = make_plan(ctx, &p);
    if (st != SEG_OK)
        return st;
    passes ps;
    plan_passes(&p, &ps);
    if (segi_value_count(y) == 0)
        return SEG_OK;
    /* Scratch: every axis's indices, then every axis's weights, then two buffers. */
    table tables[SEG_MAX_RANK];
    int64_t *idx = ctx->scratch;
    float *w = (float *)((char *)ctx->scratch + ps.taps_total * sizeof(int64_t));
    for (int d = 0; d < p.rank; d++) {
        int64_t first;
        kernel_taps(&p, d, &tables[d].taps, &first);
        tables[d].idx = idx;
        tables[d].w = w;
        idx += p.out[d] * tables[d].taps;
        w += p.out[d] * tables[d].taps;
        build_table(&p, d, &tables[d]);
    }
    if (ps.n == 0) {
        memcpy(y->data, x->data, y->nbytes);
    } else if (p.mode == NEAREST) {
        const int64_t *maps[SEG_MAX_RANK];
        for (int d = 0; d < p.rank; d++)
            maps[d] = tables[d].idx;
        unsigned char fill[8];
        segi_value_from_float(x->dtype, p.extrapolation, fill);
        segi_mapped_copy(y->data, x->data, seg_dtype_size(x->dtype), p.rank, y->dims,
                         x->dims, maps, fill);
    } else {
        run_interpolation(ctx->pool, &p, &ps, tables, x->data, y->data, w);
    }
    return SEG_OK;
}

const segi_op_def segi_ops_resize[] = {
    {"Resize", 1, 4, 1, 1, 0xe, resize_infer, resize_run},
    {"Upsample", 1, 2, 1, 1, 0x2, resize_infer, resize_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
