/*
 * The graph IR: values (inputs, initializers, intermediates), nodes bound to their
 * operator definitions, and the execution order. Built once from a decoded ONNX model,
 * rewritten by the load-time passes, then immutable and shared by every session.
 */
#ifndef SEGI_GRAPH_H
#define SEGI_GRAPH_H

#include "onnx/onnx.h"
#include "ops/op.h"

typedef struct segi_value {
    const char *name;
    const seg_tensor *constant; /* initializer or folded value; NULL otherwise */
    int producer;               /* node index; -1 for inputs and constants */
    int input_index;            /* position among the graph inputs, or -1 */
    int n_uses;                 /* live nodes reading it (recomputed by passes) */
    bool is_output;
} segi_value;

typedef struct segi_node {
    const char *name, *op_type;
    const segi_op_def *def;
    int *in, *out;              /* value indices; -1 for an omitted optional input */
    int n_in, n_out;
    segi_attr *attrs;
    int n_attrs;
    bool dead;                  /* removed by a pass */
} segi_node;

/* Operator lookup; tests substitute their own operators. */
typedef const segi_op_def *(*segi_op_resolver)(const char *op_type, void *user);

typedef struct segi_graph {
    segi_region mem;
    segi_onnx_model *onnx;      /* owns names, attributes and initializer tensors */
    int opset;
    segi_value *values;
    int n_values, cap_values;
    segi_node *nodes;
    int n_nodes;
    int *order;                 /* live nodes in execution order */
    int n_order;
    int *inputs, *outputs;      /* value indices */
    const segi_onnx_value **input_info, **output_info; /* as declared */
    int n_inputs, n_outputs;
    seg_tensor **owned;         /* tensors made by passes */
    int n_owned, cap_owned;
} segi_graph;

/**
 * Build the IR from `onnx` (ownership passes to the graph, also on failure):
 * resolve names, bind operators (SEG_ERR_UNSUPPORTED naming op, node and opset),
 * sort topologically (SEG_ERR_FORMAT on cycles) and run the passes of `opt_level`
 * (0 none, 1 folding and removals, 2 also BatchNorm folding and activation fusion).
 * `resolve` may be NULL for the registry.
 */
seg_status segi_graph_build(segi_onnx_model *onnx, int opt_level, segi_op_resolver resolve,
                            void *user, segi_graph **out);

void segi_graph_free(segi_graph *g);

/** Recompute use counts and the execution order of live nodes. */
seg_status segi_graph_reorder(segi_graph *g);

/** A new value (index in *index); the values array may move. */
seg_status segi_graph_add_value(segi_graph *g, const char *name, int *index);

/** Keep a tensor made by a pass; destroyed with the graph. */
seg_status segi_graph_keep(segi_graph *g, seg_tensor *t);

/** The node's info for operator calls. */
static inline segi_node_info segi_graph_node_info(const segi_graph *g, const segi_node *n)
{
    segi_node_info info = {n->name, n->op_type, g->opset, n->attrs, n->n_attrs};
    return info;
}

/** The load-time passes (graph/passes.c). */
seg_status segi_graph_optimize(segi_graph *g, int opt_level);

#endif
