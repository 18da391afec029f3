/* Helpers shared by the shape-family operator tests. */
#ifndef SEG_TEST_SHAPE_TEST_H
#define SEG_TEST_SHAPE_TEST_H

#include "op_test.h"

/* Evaluate `op_type` at `opset` with named node "n". */
static seg_status run_at(const char *op_type, int opset, const segi_attr *attrs, int n_attrs,
                         int n_in, const seg_tensor *const *in, int n_out, seg_tensor **out)
{
    const segi_op_def *def = segi_op_find(op_type);
    if (!def)
        return segi_error(SEG_ERR_NOT_FOUND, "operator %s is not registered", op_type);
    segi_node_info node = {"n", op_type, opset, attrs, n_attrs};
    return segi_op_eval(def, &node, n_in, in, n_out, out);
}

#define INS(...) (const seg_tensor *const[]){__VA_ARGS__}

/* A tensor header with a shape but no data: a value known only at run time. */
static seg_tensor shape_only(seg_dtype dtype, int rank, const int64_t *dims)
{
    seg_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = dtype;
    t.rank = rank;
    for (int d = 0; d < rank; d++)
        t.dims[d] = dims[d];
    return t;
}

#define CHECK_I64(t, n, ...)                                                         \
    do {                                                                             \
        const int64_t want_[] = __VA_ARGS__;                                         \
        CHECK((t) != NULL);                                                          \
        if (t) {                                                                     \
            CHECK_EQ_INT(seg_tensor_count(t), n);                                    \
            const int64_t *got_ = seg_tensor_const_data(t);                          \
            for (size_t i_ = 0; i_ < (size_t)(n) && i_ < seg_tensor_count(t); i_++)  \
                CHECK_EQ_INT(got_[i_], want_[i_]);                                   \
        }                                                                            \
    } while (0)

#define CHECK_DIMS(t, rank, ...)                                                     \
    do {                                                                             \
        const int64_t want_[] = __VA_ARGS__;                                         \
        CHECK((t) != NULL);                                                          \
        if (t) {                                                                     \
            CHECK_EQ_INT(seg_tensor_rank(t), rank);                                  \
            for (int d_ = 0; d_ < (rank) && d_ < seg_tensor_rank(t); d_++)           \
                CHECK_EQ_INT(seg_tensor_dims(t)[d_], want_[d_]);                     \
        }                                                                            \
    } while (0)

#endif
