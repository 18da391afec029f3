/*
 * The contract between the graph executor and operator kernels.
 *
 * Every operator is one segi_op_def in its family's table (conv.c, pool.c, ...), and
 * lib/ops/registry.c lists the families: the single registry of operators.
 *
 * An operator runs in two steps:
 *   infer(ctx): validate inputs and attributes; set each output's dtype and shape with
 *               segi_op_set_output(); request scratch memory by setting
 *               ctx->scratch_bytes. Input shapes and dtypes are always known; an input's
 *               data is non-NULL only when its value is known at planning time
 *               (initializers, constants, and values folded from them or from shapes).
 *               Operators whose output shape depends on an input's value (Reshape's
 *               shape, Slice's starts, Resize's sizes, ...) list those inputs in
 *               `value_inputs` and may then rely on that input's data in infer.
 *   run(ctx):   compute outputs. Output buffers are allocated by the caller with the
 *               inferred shapes; ctx->scratch holds scratch_bytes bytes.
 * Both return SEG_OK or a status with a message (segi_op_error names the node).
 * Kernels are pure: no global state, no allocation in run (use scratch).
 *
 * Plan-time evaluation: the executor evaluates a node with segi_op_eval while planning
 * when all its inputs are known; Shape and Size are evaluated with inputs whose data is
 * NULL (they read only dims), which makes Shape->Gather->Concat->Reshape chains static.
 *
 * Fused activations (graph pass -> Conv kernel agreement): the Conv+activation fusion
 * pass removes the activation node and adds to the Conv node
 *   segi_activation      STRING: "relu", "clip", "leaky_relu", "hard_swish", "silu",
 *                                "sigmoid"
 *   segi_activation_min  FLOAT, segi_activation_max FLOAT: the bounds for "clip"
 *                                (relu6 is clip with 0 and 6)
 *   segi_alpha           FLOAT: the slope for "leaky_relu"
 * The Conv kernel applies the activation to its output (after the bias). The pass fuses
 * only into operators whose def sets SEGI_OP_FUSES_ACTIVATION in `flags`; such a kernel
 * must fail with SEG_ERR_UNSUPPORTED on an activation name it does not know.
 */
#ifndef SEGI_OP_H
#define SEGI_OP_H

#include "core/attr.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/pool.h"
#include "core/tensor.h"

typedef struct segi_node_info {
    const char *name;     /* node name, may be "" */
    const char *op_type;  /* e.g. "Conv" */
    int opset;            /* the model's default-domain opset */
    const segi_attr *attrs;
    int n_attrs;
} segi_node_info;

typedef struct segi_op_ctx {
    const segi_node_info *node;
    int n_in;
    const seg_tensor *const *in;  /* in[i] == NULL: optional input left out */
    int n_out;
    seg_tensor *const *out;       /* infer sets dtype/shape; run fills data */
    size_t scratch_bytes;         /* infer: requested; run: available */
    void *scratch;
    /* The session's threads (infer and run; NULL in segi_op_eval: run inline). A kernel
     * may split loops with segi_pool_for and size per-thread scratch in infer with
     * segi_pool_threads(). */
    segi_pool *pool;
    /* Where a kernel's time goes, for per-node profiles: NULL unless the session is
     * profiling; else kernels with distinct phases add each phase's nanoseconds to
     * phase_ns[phase] with segi_phase_start/stop. The rest of a node's time is "other". */
    uint64_t *phase_ns;
} segi_op_ctx;

typedef enum segi_phase {
    SEGI_PHASE_IM2COL,     /* im2col / packing of the input for a GEMM */
    SEGI_PHASE_GEMM,       /* cblas_sgemm and other matrix products */
    SEGI_PHASE_TRANSFORM,  /* Winograd input/output transforms */
    SEGI_PHASE_COUNT
} segi_phase;

/* The start time of a phase, or 0 without a clock read when not profiling. */
static inline uint64_t segi_phase_start(const segi_op_ctx *ctx)
{
    return ctx->phase_ns ? segi_clock_ns() : 0;
}

static inline void segi_phase_stop(const segi_op_ctx *ctx, segi_phase phase, uint64_t t0)
{
    if (ctx->phase_ns)
        ctx->phase_ns[phase] += segi_clock_ns() - t0;
}

typedef struct segi_op_def {
    const char *op_type;
    int min_inputs, max_inputs;   /* counts include omitted optional inputs */
    int min_outputs, max_outputs;
    uint32_t value_inputs;        /* bit i: infer needs the value of input i */
    seg_status (*infer)(segi_op_ctx *ctx);
    seg_status (*run)(segi_op_ctx *ctx);
    uint32_t flags;               /* SEGI_OP_* below; 0 when left out of an initializer */
} segi_op_def;

/* The kernel reads segi_activation (see the fusion agreement above). */
#define SEGI_OP_FUSES_ACTIVATION 1u

/* The operator called `op_type` in the default ONNX domain, or NULL. */
const segi_op_def *segi_op_find(const char *op_type);

/* Number of registered operators and the i-th one (for docs and `seg info`). */
int segi_op_count(void);
const segi_op_def *segi_op_at(int i);

/* Set output `i`'s dtype and shape during infer (computes nbytes, checks limits). */
seg_status segi_op_set_output(segi_op_ctx *ctx, int i, seg_dtype dtype, int rank,
                              const int64_t *dims);

/* Fail with a message prefixed by the node's op type and name. */
seg_status segi_op_error(const segi_op_ctx *ctx, seg_status status, const char *fmt, ...)
    SEGI_PRINTF(3, 4);

/* Typed attribute getters with defaults. The _req variants fail (naming the node and
 * attribute) when the attribute is missing or has another type. */
int64_t segi_op_attr_int(const segi_op_ctx *ctx, const char *name, int64_t def);
float segi_op_attr_float(const segi_op_ctx *ctx, const char *name, float def);
const char *segi_op_attr_string(const segi_op_ctx *ctx, const char *name, const char *def);
/* INTS attribute: sets *vals and returns the count, or -1 when absent. */
int segi_op_attr_ints(const segi_op_ctx *ctx, const char *name, const int64_t **vals);
int segi_op_attr_floats(const segi_op_ctx *ctx, const char *name, const float **vals);
const seg_tensor *segi_op_attr_tensor(const segi_op_ctx *ctx, const char *name);

/*
 * Evaluate one node outside a graph: infer, allocate owned outputs and scratch, run.
 * Used by constant folding, by plan-time evaluation of shape computations, and by
 * tests. On success out[0..n_out-1] are new tensors the caller destroys.
 */
seg_status segi_op_eval(const segi_op_def *def, const segi_node_info *node, int n_in,
                        const seg_tensor *const *in, int n_out, seg_tensor **out);

#endif
