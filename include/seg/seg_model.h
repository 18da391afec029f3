/*
 * seg_model.h: load ONNX models and run them.
 *
 * A seg_model is loaded once and is immutable: any number of threads may share it,
 * each with its own seg_session. A seg_session holds the per-run state (memory arena,
 * scratch, im2col buffers) and is used by one thread at a time.
 *
 *     seg_model *m;  seg_session *s;
 *     seg_model_load_file("net.onnx", NULL, &m);
 *     seg_session_create(m, NULL, &s);
 *     seg_session_run(s, inputs, 1);
 *     const seg_tensor *y = seg_session_output(s, 0);   // borrowed until the next run
 */
#ifndef SEG_MODEL_H
#define SEG_MODEL_H

#include "seg_common.h"
#include "seg_options.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct seg_model seg_model;
typedef struct seg_session seg_session;

/**
 * Load an ONNX model from a file. The file is memory-mapped; external data files are
 * resolved relative to the model's folder (paths escaping it are refused).
 * SEG_ERR_FORMAT (with the byte offset) for malformed or truncated files,
 * SEG_ERR_UNSUPPORTED (naming op, node and opset) for operators libseg lacks.
 */
SEG_API SEG_NODISCARD seg_status seg_model_load_file(const char *path,
                                                     const seg_options *options,
                                                     seg_model **out);

/** Load from memory; the bytes are copied, so the buffer may be freed on return. */
SEG_API SEG_NODISCARD seg_status seg_model_load_memory(const void *data, size_t size,
                                                       const seg_options *options,
                                                       seg_model **out);

/** Load from memory without copying: `data` must outlive the model. */
SEG_API SEG_NODISCARD seg_status seg_model_load_memory_borrowed(const void *data,
                                                                size_t size,
                                                                const seg_options *options,
                                                                seg_model **out);

SEG_API void seg_model_destroy(seg_model *model);

/** Number of graph inputs (initializers excluded) and outputs. */
SEG_API size_t seg_model_input_count(const seg_model *model);
SEG_API size_t seg_model_output_count(const seg_model *model);

/** Name of input / output `index`; NULL when out of range. Borrowed from the model. */
SEG_API const char *seg_model_input_name(const seg_model *model, size_t index);
SEG_API const char *seg_model_output_name(const seg_model *model, size_t index);

/**
 * Declared dtype and shape of input / output `index`. Unknown or symbolic dimensions
 * are -1; `dims` must have room for SEG_MAX_RANK values. *rank is -1 when the model
 * declares no shape.
 */
SEG_API SEG_NODISCARD seg_status seg_model_input_info(const seg_model *model, size_t index,
                                                      seg_dtype *dtype, int *rank,
                                                      int64_t *dims);
SEG_API SEG_NODISCARD seg_status seg_model_output_info(const seg_model *model, size_t index,
                                                       seg_dtype *dtype, int *rank,
                                                       int64_t *dims);

/** Symbolic name of dimension `axis` of input `index` (e.g. "batch"), or NULL. */
SEG_API const char *seg_model_input_dim_name(const seg_model *model, size_t index, int axis);

/** Index of the input / output called `name`; SEG_ERR_NOT_FOUND otherwise. */
SEG_API SEG_NODISCARD seg_status seg_model_find_input(const seg_model *model,
                                                      const char *name, size_t *index);
SEG_API SEG_NODISCARD seg_status seg_model_find_output(const seg_model *model,
                                                       const char *name, size_t *index);

/** A session for one thread at a time. The model must outlive it. */
SEG_API SEG_NODISCARD seg_status seg_session_create(const seg_model *model,
                                                    const seg_options *options,
                                                    seg_session **out);

SEG_API void seg_session_destroy(seg_session *session);

/**
 * Run with inputs given by position (`n_inputs` must equal seg_model_input_count).
 * Input shapes may change between runs; the session re-plans when they do. Outputs
 * are then read with seg_session_output().
 */
SEG_API SEG_NODISCARD seg_status seg_session_run(seg_session *session,
                                                 const seg_tensor *const *inputs,
                                                 size_t n_inputs);

/** Run with inputs given by name (every graph input exactly once). */
SEG_API SEG_NODISCARD seg_status seg_session_run_named(seg_session *session,
                                                       const char *const *names,
                                                       const seg_tensor *const *inputs,
                                                       size_t n_inputs);

/** Output `index` of the last successful run; borrowed, valid until the next run or
 *  seg_session_destroy; NULL before the first successful run, after a failed one, or
 *  when out of range. */
SEG_API const seg_tensor *seg_session_output(const seg_session *session, size_t index);

/* ---- Introspection (for tools such as `seg info`) ---------------------------- */

/** The default-domain opset version the model imports. */
SEG_API int64_t seg_model_opset(const seg_model *model);

/** Nodes left after load-time optimisation, and the operator type of node `index`
 *  (e.g. "Conv"; NULL when out of range), in execution order. */
SEG_API size_t seg_model_node_count(const seg_model *model);
SEG_API const char *seg_model_node_op_type(const seg_model *model, size_t index);

/** Number of scalar values in the model's initializers (its parameters). */
SEG_API uint64_t seg_model_parameter_count(const seg_model *model);

/**
 * Plan the session for inputs shaped like `inputs` (given by position, as for
 * seg_session_run; only dtypes and shapes are read) without running it. A later run
 * with the same shapes reuses the plan.
 */
SEG_API SEG_NODISCARD seg_status seg_session_prepare(seg_session *session,
                                                     const seg_tensor *const *inputs,
                                                     size_t n_inputs);

/** Bytes of the session's activation arena for the current plan (0 before one). */
SEG_API size_t seg_session_arena_bytes(const seg_session *session);

/** Floating-point operations (2 per multiply-add) of the Conv and ConvTranspose nodes
 *  run by the current plan (0 before one). */
SEG_API uint64_t seg_session_conv_flops(const seg_session *session);

#ifdef __cplusplus
}
#endif

#endif /* SEG_MODEL_H */
