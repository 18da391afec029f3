/* Shared helpers for operator tests: build tensors and attributes, evaluate a
 * registered op, compare outputs with expected values. */
#ifndef SEG_TEST_OP_TEST_H
#define SEG_TEST_OP_TEST_H

#include "check.h"
#include "ops/op.h"

#include <stdlib.h>

/* A tensor of `dtype` with `rank` dims, copied from `data` (may be NULL: zeroed). */
static seg_tensor *tensor_of(seg_dtype dtype, int rank, const int64_t *dims, const void *data)
{
    seg_tensor *t = NULL;
    if (seg_tensor_create(dtype, rank, dims, &t) != SEG_OK)
        return NULL;
    if (data)
        memcpy(seg_tensor_data(t), data, seg_tensor_nbytes(t));
    return t;
}

#define F32(rank, dims, ...) tensor_of(SEG_DTYPE_F32, rank, (const int64_t[])dims, (const float[])__VA_ARGS__)
#define I64(rank, dims, ...) tensor_of(SEG_DTYPE_I64, rank, (const int64_t[])dims, (const int64_t[])__VA_ARGS__)
#define DIMS(...) {__VA_ARGS__}

static segi_attr attr_int(const char *name, int64_t v)
{
    segi_attr a = {.name = name, .type = SEGI_ATTR_INT, .i = v};
    return a;
}

static segi_attr attr_float(const char *name, float v)
{
    segi_attr a = {.name = name, .type = SEGI_ATTR_FLOAT, .f = v};
    return a;
}

static segi_attr attr_ints(const char *name, const int64_t *v, size_t n)
{
    segi_attr a = {.name = name, .type = SEGI_ATTR_INTS, .ints = v, .n = n};
    return a;
}

static segi_attr attr_string(const char *name, const char *s)
{
    segi_attr a = {.name = name, .type = SEGI_ATTR_STRING, .s = s, .s_len = strlen(s)};
    return a;
}

/* Evaluate registered op `op_type` (opset 17 unless node.opset is set by the caller). */
static seg_status run_op(const char *op_type, const segi_attr *attrs, int n_attrs, int n_in,
                         const seg_tensor *const *in, int n_out, seg_tensor **out)
{
    const segi_op_def *def = segi_op_find(op_type);
    if (!def)
        return segi_error(SEG_ERR_NOT_FOUND, "operator %s is not registered", op_type);
    segi_node_info node = {"test", op_type, 17, attrs, n_attrs};
    return segi_op_eval(def, &node, n_in, in, n_out, out);
}

/* segi_op_eval's steps with a thread pool (NULL: inline): infer, allocate the one
 * output and the scratch, run. */
static seg_status run_op_on(segi_pool *pool, const char *op_type, const segi_attr *attrs,
                            int n_attrs, int n_in, const seg_tensor *const *in,
                            seg_tensor **out)
{
    const segi_op_def *def = segi_op_find(op_type);
    if (!def)
        return segi_error(SEG_ERR_NOT_FOUND, "operator %s is not registered", op_type);
    segi_node_info node = {"test", op_type, 17, attrs, n_attrs};
    seg_tensor shape = {0}, *slot = &shape;
    segi_op_ctx ctx = {.node = &node, .n_in = n_in, .in = in, .n_out = 1, .out = &slot,
                       .pool = pool};
    seg_status st = def->infer(&ctx);
    if (st != SEG_OK)
        return st;
    if ((st = seg_tensor_create(shape.dtype, shape.rank, shape.dims, out)) != SEG_OK)
        return st;
    ctx.scratch = ctx.scratch_bytes ? malloc(ctx.scratch_bytes) : NULL;
    ctx.out = out;
    st = def->run(&ctx);
    free(ctx.scratch);
    return st;
}

/* Every element of f32 tensor `t` is within `tol` of `want[i]`, and the shape matches. */
#define CHECK_F32(t, rank, dims, tol, ...)                                           \
    do {                                                                             \
        const int64_t check_dims_[] = dims;                                          \
        const float check_want_[] = __VA_ARGS__;                                     \
        CHECK((t) != NULL);                                                          \
        if (t) {                                                                     \
            CHECK_EQ_INT(seg_tensor_dtype(t), SEG_DTYPE_F32);                        \
            CHECK_EQ_INT(seg_tensor_rank(t), rank);                                  \
            for (int check_d_ = 0; check_d_ < (rank); check_d_++)                    \
                CHECK_EQ_INT(seg_tensor_dims(t)[check_d_], check_dims_[check_d_]);   \
            const float *check_got_ = seg_tensor_const_data(t);                      \
            size_t check_n_ = sizeof check_want_ / sizeof check_want_[0];            \
            CHECK_EQ_INT(seg_tensor_count(t), check_n_);                             \
            for (size_t check_i_ = 0; check_i_ < check_n_ && check_i_ < seg_tensor_count(t); check_i_++) \
                CHECK_NEAR(check_got_[check_i_], check_want_[check_i_], tol);        \
        }                                                                            \
    } while (0)

#endif
