/*
 * seg_session_stats.h: per-node profiles of a session's runs.
 *
 * With SEG_OPT_PROFILE_NODES = 1 in the options given to seg_session_create, every run
 * records, for each node it executes, the node's wall time and the part of it spent in
 * im2col, GEMM and Winograd transforms, and keeps the records of the last successful
 * run until the next one. Nodes evaluated while planning (constants, shape arithmetic)
 * and nodes that became views of their input (Reshape, Flatten, ...) do not run and
 * have no record. Without the option a run reads no clock and records nothing.
 *
 *     seg_options_set_int(opts, SEG_OPT_PROFILE_NODES, 1);
 *     seg_session_create(model, opts, &s);
 *     seg_session_run(s, inputs, 1);
 *     for (size_t i = 0; i < seg_session_node_count(s); i++) {
 *         uint64_t ns;
 *         if (seg_session_node_stat(s, i, SEG_NODE_STAT_NS, &ns) == SEG_OK)
 *             printf("%s %s %.3f ms\n", seg_session_node_op_type(s, i),
 *                    seg_session_node_name(s, i), ns / 1e6);
 *     }
 */
#ifndef SEG_SESSION_STATS_H
#define SEG_SESSION_STATS_H

#include "seg_common.h"
#include "seg_model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What seg_session_node_stat reads. Values are explicit and only appended. */
typedef enum seg_node_stat {
    /** Wall time of the node in the last run, nanoseconds. */
    SEG_NODE_STAT_NS = 1,
    /** Of that, nanoseconds in im2col (packing the input for a GEMM). */
    SEG_NODE_STAT_IM2COL_NS = 2,
    /** Of that, nanoseconds in GEMM (cblas_sgemm and other matrix products). */
    SEG_NODE_STAT_GEMM_NS = 3,
    /** Of that, nanoseconds in Winograd input/output transforms. */
    SEG_NODE_STAT_TRANSFORM_NS = 4,
    /** Floating-point operations of a Conv or ConvTranspose node (2 per multiply-add),
     *  0 for other operators; known from the shapes, the same in every run. */
    SEG_NODE_STAT_FLOPS = 5
} seg_node_stat;

/** Records of the last successful run: the nodes it executed, in execution order.
 *  0 without SEG_OPT_PROFILE_NODES, before the first successful run and after a failed
 *  one; NULL session gives 0. */
SEG_API size_t seg_session_node_count(const seg_session *session);

/** Operator type ("Conv") and node name ("" when the model gives none) of record
 *  `index`, borrowed until the next run or seg_session_destroy; NULL when `index` is
 *  not below seg_session_node_count(). */
SEG_API const char *seg_session_node_op_type(const seg_session *session, size_t index);
SEG_API const char *seg_session_node_name(const seg_session *session, size_t index);

/**
 * One value of record `index`. SEG_ERR_INVALID_ARGUMENT (out untouched) for a NULL
 * session or out, an index not below seg_session_node_count() (which includes a
 * session that does not profile) or an unknown `stat`. The phase times of a node are
 * parts of its SEG_NODE_STAT_NS; their sum never exceeds it.
 */
SEG_API SEG_NODISCARD seg_status seg_session_node_stat(const seg_session *session,
                                                       size_t index, seg_node_stat stat,
                                                       uint64_t *out);

/** Wall time of the last profiled run in nanoseconds (all nodes plus the executor's
 *  own overhead, so node times add up to at most this); 0 when
 *  seg_session_node_count() is 0. */
SEG_API uint64_t seg_session_run_ns(const seg_session *session);

#ifdef __cplusplus
}
#endif

#endif /* SEG_SESSION_STATS_H */
