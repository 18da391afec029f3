/* The public seg_session: validate inputs, plan on new shapes, run. */
#include "graph/model.h"

#include "core/blas_threads.h"
#include "core/error.h"
#include "core/options.h"
#include "seg/seg_session_stats.h"

#include <stdlib.h>
#include <string.h>

seg_status seg_session_create(const seg_model *model, const seg_options *options,
                              seg_session **out)
{
    SEGI_REQUIRE(model);
    SEGI_REQUIRE(out);
    seg_session *s = calloc(1, sizeof *s);
    if (s)
        s->inputs = calloc((size_t)model->g->n_inputs + 1, sizeof *s->inputs);
    if (!s || !s->inputs) {
        free(s);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "session");
    }
    s->model = model;
    s->profile = segi_option(options, SEG_OPT_PROFILE_NODES) != 0;
    seg_status st = segi_pool_create((int)segi_option(options, SEG_OPT_THREADS), &s->pool);
    if (st != SEG_OK) {
        seg_session_destroy(s);
        return st;
    }
    *out = s;
    return SEG_OK;
}

void seg_session_destroy(seg_session *s)
{
    if (!s)
        return;
    segi_plan_free(s->plan);
    segi_pool_destroy(s->pool);
    free(s->inputs);
    free(s);
}

static seg_status check_input(const segi_onnx_value *v, const seg_tensor *t)
{
    char want[160], got[160];
    if (!t)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "input '%s' is NULL", v->name);
    seg_dtype dt = segi_onnx_dtype(v->elem_type);
    if (dt && t->dtype != dt)
        return segi_error(SEG_ERR_SHAPE, "input '%s' has dtype %s, the model expects %s",
                          v->name, seg_dtype_name(t->dtype), seg_dtype_name(dt));
    if (v->rank < 0)
        return SEG_OK;
    bool ok = t->rank == v->rank;
    for (int i = 0; ok && i < v->rank; i++)
        ok = v->dims[i] < 0 || v->dims[i] == t->dims[i];
    if (!ok)
        return segi_error(SEG_ERR_SHAPE, "input '%s' has shape %s, the model expects %s "
                          "(-1: any)", v->name, segi_shape_str(t->rank, t->dims, got, sizeof got),
                          segi_shape_str(v->rank, v->dims, want, sizeof want));
    return SEG_OK;
}

static seg_status check_inputs(const seg_session *s, const seg_tensor *const *inputs,
                               size_t n)
{
    const segi_graph *g = s->model->g;
    if (n != (size_t)g->n_inputs)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%zu inputs given, the model has %d", n,
                          g->n_inputs);
    if (n && !inputs)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "inputs is NULL");
    for (size_t i = 0; i < n; i++) {
        seg_status st = check_input(g->input_info[i], inputs[i]);
        if (st != SEG_OK)
            return st;
    }
    return SEG_OK;
}

/* Make sure the plan fits `inputs`, re-planning when their shapes changed. */
static seg_status ensure_plan(seg_session *s, const seg_tensor *const *inputs, size_t n)
{
    seg_status st = check_inputs(s, inputs, n);
    if (st != SEG_OK)
        return st;
    if (s->plan && segi_plan_matches(s->plan, inputs))
        return SEG_OK;
    segi_plan *p = NULL;
    if ((st = segi_plan_create(s->model->g, inputs, s->pool, &p)))
        return st;
    if (s->profile && (st = segi_plan_profile(p))) {
        segi_plan_free(p);
        return st;
    }
    segi_plan_free(s->plan);
    s->plan = p;
    return SEG_OK;
}

seg_status seg_session_prepare(seg_session *s, const seg_tensor *const *inputs, size_t n)
{
    SEGI_REQUIRE(s);
    return ensure_plan(s, inputs, n);
}

seg_status seg_session_run(seg_session *s, const seg_tensor *const *inputs, size_t n)
{
    SEGI_REQUIRE(s);
    s->has_outputs = false;
    /* The session's pool splits every product itself (ops/gemm.h), so OpenBLAS must
     * not start threads of its own (docs/runtime.md). */
    segi_blas_threads_set(1);
    seg_status st = ensure_plan(s, inputs, n);
    if (st == SEG_OK)
        st = segi_plan_run(s->plan, inputs);
    s->has_outputs = st == SEG_OK;
    return st;
}

seg_status seg_session_run_named(seg_session *s, const char *const *names,
                                 const seg_tensor *const *inputs, size_t n)
{
    SEGI_REQUIRE(s);
    const segi_graph *g = s->model->g;
    if (n != (size_t)g->n_inputs)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%zu inputs given, the model has %d", n,
                          g->n_inputs);
    if (n && (!names || !inputs))
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "names or inputs is NULL");
    memset(s->inputs, 0, (size_t)g->n_inputs * sizeof *s->inputs);
    for (size_t i = 0; i < n; i++) {
        size_t at;
        if (!names[i])
            return segi_error(SEG_ERR_INVALID_ARGUMENT, "input name %zu is NULL", i);
        seg_status st = seg_model_find_input(s->model, names[i], &at);
        if (st != SEG_OK)
            return st;
        if (s->inputs[at])
            return segi_error(SEG_ERR_INVALID_ARGUMENT, "input '%s' is given twice", names[i]);
        if (!inputs[i])
            return segi_error(SEG_ERR_INVALID_ARGUMENT, "input '%s' is NULL", names[i]);
        s->inputs[at] = inputs[i];
    }
    return seg_session_run(s, s->inputs, n);
}

const seg_tensor *seg_session_output(const seg_session *s, size_t index)
{
    if (!s || !s->has_outputs || index >= (size_t)s->model->g->n_outputs)
        return NULL;
    return segi_plan_output(s->plan, (int)index);
}

size_t seg_session_arena_bytes(const seg_session *s)
{
    return s && s->plan ? segi_plan_arena_bytes(s->plan) : 0;
}

uint64_t seg_session_conv_flops(const seg_session *s)
{
    return s && s->plan ? segi_plan_conv_flops(s->plan) : 0;
}

size_t seg_session_node_count(const seg_session *s)
{
    return s && s->profile && s->has_outputs ? (size_t)segi_plan_steps(s->plan) : 0;
}

const char *seg_session_node_op_type(const seg_session *s, size_t index)
{
    return index < seg_session_node_count(s) ? segi_plan_step_node(s->plan, (int)index)->op_type
                                             : NULL;
}

const char *seg_session_node_name(const seg_session *s, size_t index)
{
    return index < seg_session_node_count(s) ? segi_plan_step_node(s->plan, (int)index)->name
                                             : NULL;
}

seg_status seg_session_node_stat(const seg_session *s, size_t index, seg_node_stat stat,
                                 uint64_t *out)
{
    SEGI_REQUIRE(s);
    SEGI_REQUIRE(out);
    size_t n = seg_session_node_count(s);
    if (index >= n)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "node record %zu of %zu%s", index, n,
                          s->profile ? "" : " (the session was created without "
                                            "SEG_OPT_PROFILE_NODES)");
    static const int stats[] = {
        [SEG_NODE_STAT_NS] = SEGI_PLAN_STAT_NS,
        [SEG_NODE_STAT_IM2COL_NS] = SEGI_PLAN_STAT_PHASE + SEGI_PHASE_IM2COL,
        [SEG_NODE_STAT_GEMM_NS] = SEGI_PLAN_STAT_PHASE + SEGI_PHASE_GEMM,
        [SEG_NODE_STAT_TRANSFORM_NS] = SEGI_PLAN_STAT_PHASE + SEGI_PHASE_TRANSFORM,
        [SEG_NODE_STAT_FLOPS] = SEGI_PLAN_STAT_FLOPS,
    };
    if ((unsigned)stat >= sizeof stats / sizeof stats[0] || stat == 0)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "unknown node stat %d", (int)stat);
    *out = segi_plan_step_stat(s->plan, (int)index, stats[stat]);
    return SEG_OK;
}

uint64_t seg_session_run_ns(const seg_session *s)
{
    return seg_session_node_count(s) ? segi_plan_run_ns(s->plan) : 0;
}
