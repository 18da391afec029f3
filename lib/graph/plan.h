/*
 * Per-session planning and execution for one set of input shapes.
 *
 * Planning infers every node in order. A node whose inputs are all known (constants,
 * or values folded earlier in the plan) is evaluated right away, as are Shape and Size
 * (they need only shapes): this is constant folding specialised to the input shapes.
 * The remaining nodes become steps; their outputs get offsets in one arena, reused
 * between values whose lifetimes do not overlap. Running a plan allocates nothing.
 */
#ifndef SEGI_PLAN_H
#define SEGI_PLAN_H

#include "graph/graph.h"

typedef struct segi_plan segi_plan;

/** Plan `g` for inputs with the shapes and dtypes of `inputs`; the data of inputs
 *  whose values decide shapes is read and kept. Kernels get `pool` (may be NULL),
 *  which must outlive the plan. */
seg_status segi_plan_create(const segi_graph *g, const seg_tensor *const *inputs,
                            segi_pool *pool, segi_plan **out);

void segi_plan_free(segi_plan *p);

/** Whether `inputs` have the shapes and dtypes the plan was made for. */
bool segi_plan_matches(const segi_plan *p, const seg_tensor *const *inputs);

/** Run the steps on `inputs` (which must match). */
seg_status segi_plan_run(segi_plan *p, const seg_tensor *const *inputs);

/** Graph output `i` after a run (its header lives in the plan). */
const seg_tensor *segi_plan_output(const segi_plan *p, int i);

/** Arena and scratch bytes, and the number of steps left for run time. */
size_t segi_plan_arena_bytes(const segi_plan *p);
size_t segi_plan_scratch_bytes(const segi_plan *p);
int segi_plan_steps(const segi_plan *p);

/** Conv and ConvTranspose FLOPs (2 per multiply-add) of the steps. */
uint64_t segi_plan_conv_flops(const segi_plan *p);

/*
 * Per-step profiles. segi_plan_profile allocates the counters (once; runs stay
 * allocation-free), after which every run records each step's time and phases
 * (ops/op.h); without it runs read no clock.
 */
enum {
    SEGI_PLAN_STAT_NS = 0,                               /* the step's wall time */
    SEGI_PLAN_STAT_PHASE = 1,                            /* + segi_phase */
    SEGI_PLAN_STAT_COUNT = SEGI_PLAN_STAT_PHASE + SEGI_PHASE_COUNT,
    SEGI_PLAN_STAT_FLOPS = SEGI_PLAN_STAT_COUNT          /* conv FLOPs, known at planning */
};

seg_status segi_plan_profile(segi_plan *p);

/** Step s (< segi_plan_steps) as a node, and one of its SEGI_PLAN_STAT_* values from
 *  the last run (0 before a profiled run). */
const segi_node_info *segi_plan_step_node(const segi_plan *p, int s);
uint64_t segi_plan_step_stat(const segi_plan *p, int s, int stat);

/** Step s's tensors: inputs (an omitted optional input is NULL) and outputs, with
 *  the shapes of the plan (data only during and after a run). */
void segi_plan_step_tensors(const segi_plan *p, int s, const seg_tensor *const **in,
                            int *n_in, seg_tensor *const **out, int *n_out);

/** Wall time of the last profiled run, steps and input binding included. */
uint64_t segi_plan_run_ns(const segi_plan *p);

#endif
