/* The single registry of operators: each family file exports a table ending in an
 * entry whose op_type is NULL, and this list names every family. */
#include "ops/op.h"

#include <string.h>

/* One line per family, sorted. */
extern const segi_op_def segi_ops_binary[];
extern const segi_op_def segi_ops_cast[];
extern const segi_op_def segi_ops_concat[];
extern const segi_op_def segi_ops_conv[];
extern const segi_op_def segi_ops_conv_transpose[];
extern const segi_op_def segi_ops_depth_space[];
extern const segi_op_def segi_ops_gather[];
extern const segi_op_def segi_ops_matmul[];
extern const segi_op_def segi_ops_norm[];
extern const segi_op_def segi_ops_pad[];
extern const segi_op_def segi_ops_pool[];
extern const segi_op_def segi_ops_quant[];
extern const segi_op_def segi_ops_reduce[];
extern const segi_op_def segi_ops_resize[];
extern const segi_op_def segi_ops_shape[];
extern const segi_op_def segi_ops_softmax[];
extern const segi_op_def segi_ops_unary[];

static const segi_op_def *const families[] = {
    segi_ops_binary,
    segi_ops_cast,
    segi_ops_concat,
    segi_ops_conv,
    segi_ops_conv_transpose,
    segi_ops_depth_space,
    segi_ops_gather,
    segi_ops_matmul,
    segi_ops_norm,
    segi_ops_pad,
    segi_ops_pool,
    segi_ops_quant,
    segi_ops_reduce,
    segi_ops_resize,
    segi_ops_shape,
    segi_ops_softmax,
    segi_ops_unary,
    NULL,
};

int segi_op_count(void)
{
    int n = 0;
    for (const segi_op_def *const *f = families; *f; f++)
        for (const segi_op_def *d = *f; d->op_type; d++)
            n++;
    return n;
}

const segi_op_def *segi_op_at(int i)
{
    for (const segi_op_def *const *f = families; *f; f++)
        for (const segi_op_def *d = *f; d->op_type; d++)
            if (i-- == 0)
                return d;
    return NULL;
}

const segi_op_def *segi_op_find(const char *op_type)
{
    for (const segi_op_def *const *f = families; *f; f++)
        for (const segi_op_def *d = *f; d->op_type; d++)
            if (strcmp(d->op_type, op_type) == 0)
                return d;
    return NULL;
}
