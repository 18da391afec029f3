/* Checks shared by the neural-network operator families. */
#include "ops/checks.h"

seg_status segi_require_f32(const segi_op_ctx *ctx)
{
    for (int i = 0; i < ctx->n_in; i++)
        if (ctx->in[i] && ctx->in[i]->dtype != SEG_DTYPE_F32)
            return segi_op_error(ctx, SEG_ERR_UNSUPPORTED,
                                 "input %d has dtype %s, only f32 is supported", i,
                                 seg_dtype_name(ctx->in[i]->dtype));
    return SEG_OK;
}

bool segi_dim_mul(int64_t a, int64_t b, int64_t limit, int64_t *out)
{
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r) || r > limit)
        return false;
    *out = r;
    return true;
}

bool segi_size_mul3(size_t a, size_t b, size_t c, size_t *out)
{
    size_t ab;
    return !__builtin_mul_overflow(a, b, &ab) && !__builtin_mul_overflow(ab, c, out);
}
