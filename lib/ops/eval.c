/* One node, evaluated on its own: infer, allocate, run. */
#include "ops/op.h"

#include <stdlib.h>
#include <string.h>

#define SEGI_MAX_IO 64

static seg_status check_arity(const segi_op_def *def, const segi_node_info *node, int n_in,
                              int n_out)
{
    if (n_in < def->min_inputs || n_in > def->max_inputs)
        return segi_error(SEG_ERR_FORMAT, "%s node '%s': %d inputs, expected %d to %d",
                          node->op_type, node->name, n_in, def->min_inputs,
                          def->max_inputs);
    if (n_out < def->min_outputs || n_out > def->max_outputs || n_out > SEGI_MAX_IO)
        return segi_error(SEG_ERR_FORMAT, "%s node '%s': %d outputs, expected %d to %d",
                          node->op_type, node->name, n_out, def->min_outputs,
                          def->max_outputs);
    return SEG_OK;
}

seg_status segi_op_eval(const segi_op_def *def, const segi_node_info *node, int n_in,
                        const seg_tensor *const *in, int n_out, seg_tensor **out)
{
    seg_status st = check_arity(def, node, n_in, n_out);
    if (st != SEG_OK)
        return st;
    seg_tensor shapes[SEGI_MAX_IO];
    seg_tensor *slots[SEGI_MAX_IO];
    memset(shapes, 0, sizeof shapes);
    for (int i = 0; i < n_out; i++)
        slots[i] = &shapes[i];
    segi_op_ctx ctx = {.node = node, .n_in = n_in, .in = in, .n_out = n_out, .out = slots};
    st = def->infer(&ctx);
    if (st != SEG_OK)
        return st;

    seg_tensor *made[SEGI_MAX_IO] = {0};
    for (int i = 0; i < n_out && st == SEG_OK; i++)
        st = segi_tensor_alloc(shapes[i].dtype, shapes[i].rank, shapes[i].dims, &made[i]);
    void *scratch = NULL;
    if (st == SEG_OK && ctx.scratch_bytes && !(scratch = malloc(ctx.scratch_bytes)))
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "%s node '%s': %zu bytes of scratch",
                        node->op_type, node->name, ctx.scratch_bytes);
    if (st == SEG_OK) {
        ctx.out = made;
        ctx.scratch = scratch;
        st = def->run(&ctx);
    }
    free(scratch);
    for (int i = 0; i < n_out; i++) {
        if (st == SEG_OK)
            out[i] = made[i];
        else
            seg_tensor_destroy(made[i]);
    }
    return st;
}
