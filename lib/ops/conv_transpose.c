/*
 * ConvTranspose: per image and group, one GEMM computes every kernel tap's
 * contribution (W_g^T x X_g, a column matrix over the input grid) and col2im adds the
 * columns into the output, which starts as the bias; output channels are split over
 * the session's threads for the col2im.
 */
#include "ops/gemm.h"
#include "ops/window.h"

#include <limits.h>
#include <string.h>

/* Below this many values of work a split over the pool costs more than it saves. */
#define SPLIT_MIN_VALUES 65536

typedef struct convt_plan {
    segi_window w;   /* image: the output, grid: the input */
    int64_t n, c, m, group;
} convt_plan;

/* Pads from the total padding that makes the output `out` long (ONNX's rule, with
 * floor division: a negative total grows the output at the end, as output_padding). */
static void split_total(segi_window *w, int a, int64_t total, segi_auto_pad ap)
{
    int64_t half = total >= 0 ? total / 2 : -((1 - total) / 2);
    w->pad0[a] = ap == SEGI_PAD_SAME_UPPER ? half : total - half;
    w->pad1[a] = total - w->pad0[a];
}

static seg_status output_geometry(segi_op_ctx *ctx, const int64_t *in, segi_auto_pad ap,
                                  segi_window *w)
{
    int nd = w->nd, at = SEGI_WIN_AXES - nd;
    const int64_t *opad = NULL, *oshape = NULL;
    int n_opad = segi_op_attr_ints(ctx, "output_padding", &opad);
    int n_oshape = segi_op_attr_ints(ctx, "output_shape", &oshape);
    if (n_opad >= 0 && n_opad != nd)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "output_padding has %d values, expected %d",
                             n_opad, nd);
    if (n_oshape >= 0 && n_oshape != nd && n_oshape != nd + 2)
        return segi_op_error(ctx, SEG_ERR_FORMAT, "output_shape has %d values, expected %d",
                             n_oshape, nd);
    for (int i = 0; i < nd; i++) {
        int a = at + i;
        int64_t op = n_opad >= 0 ? opad[i] : 0;
        if (op < 0 || op >= (w->stride[a] > w->dilation[a] ? w->stride[a] : w->dilation[a]))
            return segi_op_error(ctx, SEG_ERR_FORMAT,
                                 "output_padding[%d] = %lld must be below the stride or "
                                 "dilation", i, (long long)op);
        int64_t strided;
        if (in[i] < 1 || !segi_dim_mul(in[i], w->stride[a], SEGI_WIN_MAX_SIZE, &strided))
            return segi_op_error(ctx, SEG_ERR_LIMIT,
                                 "spatial axis %d: %lld points (1 to %lld times the stride)",
                                 i, (long long)in[i], (long long)SEGI_WIN_MAX_SIZE);
        w->grid[a] = in[i];
        int64_t full = strided - w->stride[a] + op + (w->kernel[a] - 1) * w->dilation[a] + 1;
        int64_t out;
        if (n_oshape >= 0) {
            out = oshape[n_oshape - nd + i];
            if (out < 0 || out > SEGI_WIN_MAX_SIZE)
                return segi_op_error(ctx, SEG_ERR_SHAPE, "output_shape[%d] = %lld", i,
                                     (long long)out);
            split_total(w, a, full - out, ap);
        } else if (ap == SEGI_PAD_SAME_UPPER || ap == SEGI_PAD_SAME_LOWER) {
            out = strided;
            split_total(w, a, full - out, ap);
        } else {
            if (ap == SEGI_PAD_VALID)
                w->pad0[a] = w->pad1[a] = 0;
            out = full - w->pad0[a] - w->pad1[a];
        }
        if (out < 0)
            return segi_op_error(ctx, SEG_ERR_SHAPE,
                                 "spatial axis %d: input %lld gives output size %lld", i,
                                 (long long)in[i], (long long)out);
        w->image[a] = out;
    }
    return segi_window_check(ctx, w);
}

static seg_status plan_convt(segi_op_ctx *ctx, convt_plan *p)
{
    const seg_tensor *x = ctx->in[0], *wt = ctx->in[1];
    const seg_tensor *b = ctx->n_in > 2 ? ctx->in[2] : NULL;
    seg_status st = segi_require_f32(ctx);
    if (st != SEG_OK)
        return st;
    if (x->rank < 3 || x->rank > 5 || wt->rank != x->rank)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "input rank %d and weight rank %d (want equal ranks 3 to 5)",
                             x->rank, wt->rank);
    p->n = x->dims[0];
    p->c = x->dims[1];
    p->group = segi_op_attr_int(ctx, "group", 1);
    if (p->group < 1 || wt->dims[0] != p->c || p->c % p->group)
        return segi_op_error(ctx, SEG_ERR_SHAPE,
                             "group %lld and weights [%lld, %lld, ...] do not fit %lld "
                             "input channels",
                             (long long)p->group, (long long)wt->dims[0],
                             (long long)wt->dims[1], (long long)p->c);
    if (!segi_dim_mul(wt->dims[1], p->group, INT32_MAX, &p->m))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "%lld output channels",
                             (long long)wt->dims[1]);
    if (b && (b->rank != 1 || b->dims[0] != p->m))
        return segi_op_error(ctx, SEG_ERR_SHAPE, "bias has %lld values for %lld channels",
                             (long long)(b->rank == 1 ? b->dims[0] : -1), (long long)p->m);
    segi_auto_pad ap;
    st = segi_window_attrs(ctx, x->rank - 2, wt->dims + 2, &p->w, &ap);
    if (st == SEG_OK)
        st = output_geometry(ctx, x->dims + 2, ap, &p->w);
    if (st != SEG_OK)
        return st;
    int64_t rows;
    if (!segi_dim_mul(wt->dims[1], segi_window_kernel_size(&p->w), INT_MAX, &rows) ||
        segi_window_grid_size(&p->w) > INT_MAX || p->c > INT_MAX)
        return segi_op_error(ctx, SEG_ERR_LIMIT, "GEMM dimensions exceed the BLAS int range");
    return SEG_OK;
}

static seg_status convt_infer(segi_op_ctx *ctx)
{
    convt_plan p;
    seg_status st = plan_convt(ctx, &p);
    if (st != SEG_OK)
        return st;
    int64_t dims[5] = {p.n, p.m};
    memcpy(dims + 2, p.w.image + SEGI_WIN_AXES - p.w.nd, (size_t)p.w.nd * sizeof dims[0]);
    if (!segi_size_mul3((size_t)(p.m / p.group * segi_window_kernel_size(&p.w)),
                        (size_t)segi_window_grid_size(&p.w), sizeof(float),
                        &ctx->scratch_bytes))
        return segi_op_error(ctx, SEG_ERR_LIMIT, "column buffer size overflows");
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, p.w.nd + 2, dims);
}

/* Output channels [begin, end) of one image and group: the bias, plus col2im. */
typedef struct col2im_job {
    const convt_plan *p;
    const float *cols, *bias;  /* bias: the group's, or NULL */
    float *y;
} col2im_job;

static void col2im_channels(void *arg, size_t begin, size_t end)
{
    const col2im_job *j = arg;
    int64_t out_size = segi_window_image_size(&j->p->w);
    int64_t col_size = segi_window_kernel_size(&j->p->w) * segi_window_grid_size(&j->p->w);
    for (size_t m = begin; m < end; m++) {
        float *plane = j->y + (int64_t)m * out_size, b = j->bias ? j->bias[m] : 0.0f;
        for (int64_t i = 0; i < out_size; i++)
            plane[i] = b;
        if (j->cols)
            segi_col2im_add(j->cols + (int64_t)m * col_size, 1, &j->p->w, plane);
    }
}

static seg_status convt_run(segi_op_ctx *ctx)
{
    convt_plan p;
    seg_status st = plan_convt(ctx, &p);
    if (st != SEG_OK)
        return st;
    const float *x = ctx->in[0]->data, *wt = ctx->in[1]->data;
    const float *bias = ctx->n_in > 2 && ctx->in[2] ? ctx->in[2]->data : NULL;
    float *y = ctx->out[0]->data;
    int64_t cg = p.c / p.group, mg = p.m / p.group;
    int64_t rows = mg * segi_window_kernel_size(&p.w);
    int64_t in_size = segi_window_grid_size(&p.w), out_size = segi_window_image_size(&p.w);
    int64_t channel_values = segi_window_kernel_size(&p.w) * in_size + out_size;
    for (int64_t n = 0; n < p.n; n++)
        for (int64_t g = 0; g < p.group; g++) {
            float *yg = y + (n * p.m + g * mg) * out_size;
            bool empty = rows == 0 || in_size == 0 || cg == 0;
            if (!empty) {
                segi_gemm_args args = {.trans_a = true, .m = rows, .n = in_size, .k = cg,
                                       .alpha = 1.0f, .a = wt + g * cg * rows, .lda = rows,
                                       .b = x + (n * p.c + g * cg) * in_size,
                                       .ldb = in_size, .c = ctx->scratch, .ldc = in_size};
                segi_gemm(ctx->pool, &args);
            }
            /* Channels are independent: each reads its own columns, writes its plane. */
            col2im_job j = {&p, empty ? NULL : ctx->scratch, bias ? bias + g * mg : NULL, yg};
            int64_t grain = SPLIT_MIN_VALUES / (channel_values ? channel_values : 1);
            segi_pool_for(ctx->pool, (size_t)mg, (size_t)(grain > 1 ? grain : 1),
                          col2im_channels, &j);
        }
    return SEG_OK;
}

const segi_op_def segi_ops_conv_transpose[] = {
    {"ConvTranspose", 2, 3, 1, 1, 0, convt_infer, convt_run},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
