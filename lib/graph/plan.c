#include "graph/plan.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define ALIGN 64
#define NOMEM() segi_error(SEG_ERR_OUT_OF_MEMORY, "planning the session")

typedef struct plan_value {
    seg_tensor t;       /* dtype, shape and (once placed or known) data */
    bool known;         /* value fixed at planning time */
    bool in_arena;
    int alias;          /* value whose buffer this one shares (views), or -1 */
    size_t offset, size;
    int first, last;    /* steps that produce it and last read it */
} plan_value;

typedef struct plan_step {
    segi_node_info info;
    const segi_op_def *def;
    const seg_tensor **in;
    seg_tensor **out;
    int n_in, n_out;
    uint64_t conv_flops;
} plan_step;

struct segi_plan {
    const segi_graph *g;
    segi_pool *pool;
    plan_value *vals;
    plan_step *steps;
    int n_steps;
    const seg_tensor **in_ptrs;  /* storage behind every step's in/out arrays */
    seg_tensor **out_ptrs;
    seg_tensor **folded;         /* values evaluated while planning */
    int n_folded;
    seg_tensor **captured;       /* per graph input: a copy when its value shapes the plan */
    void *arena, *scratch;
    size_t arena_bytes, scratch_bytes;
    uint64_t conv_flops;
    /* Per step when profiling (else NULL): SEGI_PLAN_STAT_COUNT counters of the last
     * run, the step's total nanoseconds first, then its phases. */
    uint64_t *stats;
    uint64_t run_ns;
};

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

void segi_plan_free(segi_plan *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n_folded; i++)
        seg_tensor_destroy(p->folded[i]);
    free(p->folded);
    for (int i = 0; p->captured && i < p->g->n_inputs; i++)
        seg_tensor_destroy(p->captured[i]);
    free(p->captured);
    free(p->vals);
    free(p->steps);
    free(p->in_ptrs);
    free(p->out_ptrs);
    free(p->arena);
    free(p->scratch);
    free(p->stats);
    free(p);
}

static seg_status alloc_plan(const segi_graph *g, segi_plan **out)
{
    segi_plan *p = calloc(1, sizeof *p);
    if (!p)
        return NOMEM();
    size_t n_in = 0, n_out = 0;
    for (int o = 0; o < g->n_order; o++) {
        n_in += (size_t)g->nodes[g->order[o]].n_in;
        n_out += (size_t)g->nodes[g->order[o]].n_out;
    }
    p->g = g;
    p->vals = calloc((size_t)g->n_values + 1, sizeof *p->vals);
    p->steps = calloc((size_t)g->n_order + 1, sizeof *p->steps);
    p->in_ptrs = calloc(n_in + 1, sizeof *p->in_ptrs);
    p->out_ptrs = calloc(n_out + 1, sizeof *p->out_ptrs);
    p->folded = calloc(n_out + 1, sizeof *p->folded);
    p->captured = calloc((size_t)g->n_inputs + 1, sizeof *p->captured);
    if (!p->vals || !p->steps || !p->in_ptrs || !p->out_ptrs || !p->folded || !p->captured) {
        segi_plan_free(p);
        return NOMEM();
    }
    *out = p;
    return SEG_OK;
}

static bool shape_only(const segi_node *n)
{
    return strcmp(n->op_type, "Shape") == 0 || strcmp(n->op_type, "Size") == 0;
}

/*
 * Graph inputs whose values decide shapes (a Reshape's shape fed by the caller, or
 * through a Cast): walking the order backwards from every value input, each needed
 * value needs all inputs of its producer, except for Shape and Size which read only
 * shapes. Such inputs are copied into the plan and compared by value in matches().
 */
static seg_status capture_inputs(segi_plan *p, const seg_tensor *const *inputs)
{
    const segi_graph *g = p->g;
    bool *need = calloc((size_t)g->n_values + 1, sizeof *need);
    if (!need)
        return NOMEM();
    for (int o = g->n_order - 1; o >= 0; o--) {
        const segi_node *n = &g->nodes[g->order[o]];
        bool out_needed = false;
        for (int k = 0; k < n->n_out; k++)
            out_needed |= need[n->out[k]];
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0 && ((n->def->value_inputs >> k & 1) ||
                                  (out_needed && !shape_only(n))))
                need[n->in[k]] = true;
    }
    seg_status st = SEG_OK;
    for (int i = 0; i < g->n_inputs && st == SEG_OK; i++)
        if (need[g->inputs[i]] && inputs[i]->data)
            st = seg_tensor_clone(inputs[i], &p->captured[i]);
    free(need);
    return st;
}

static void init_values(segi_plan *p, const seg_tensor *const *inputs)
{
    const segi_graph *g = p->g;
    for (int v = 0; v < g->n_values; v++) {
        plan_value *pv = &p->vals[v];
        pv->first = pv->last = -1;
        pv->alias = -1;
        if (g->values[v].constant) {
            pv->t = *g->values[v].constant;
            pv->t.owned = false;
            pv->t.deleter = NULL;
            pv->known = true;
        }
    }
    for (int i = 0; i < g->n_inputs; i++) {
        plan_value *pv = &p->vals[g->inputs[i]];
        pv->t = p->captured[i] ? *p->captured[i] : *inputs[i];
        pv->known = p->captured[i] != NULL;
        if (!pv->known)
            pv->t.data = NULL; /* supplied by each run */
        pv->t.owned = false;
        pv->t.deleter = NULL;
    }
}

/* Evaluate node `n` now and make its outputs known. */
static seg_status fold(segi_plan *p, const segi_node *n, const seg_tensor **in)
{
    seg_tensor *out[64] = {0};
    segi_node_info info = segi_graph_node_info(p->g, n);
    seg_status st = segi_op_eval(n->def, &info, n->n_in, in, n->n_out, out);
    if (st != SEG_OK)
        return st;
    for (int k = 0; k < n->n_out; k++) {
        plan_value *pv = &p->vals[n->out[k]];
        p->folded[p->n_folded++] = out[k];
        pv->t = *out[k];
        pv->t.owned = false;
        pv->known = true;
    }
    return SEG_OK;
}

/* 2 * multiply-adds: each output (Conv) or input (ConvTranspose) element meets one
 * weight filter of count(W) / W.dims[0] values. */
static uint64_t conv_flops(const segi_node *n, const seg_tensor **in, seg_tensor **out)
{
    bool conv = strcmp(n->op_type, "Conv") == 0;
    if ((!conv && strcmp(n->op_type, "ConvTranspose") != 0) || n->n_in < 2 || !in[1] ||
        in[1]->rank < 1 || in[1]->dims[0] == 0)
        return 0;
    size_t esize = seg_dtype_size(in[1]->dtype);
    uint64_t per = in[1]->nbytes / esize / (uint64_t)in[1]->dims[0];
    const seg_tensor *t = conv ? out[0] : in[0];
    return 2 * per * (t->nbytes / seg_dtype_size(t->dtype));
}

/* Ops whose single output has the input's bytes unchanged. */
static bool is_view(const segi_node *n)
{
    static const char *const views[] = {"Reshape", "Flatten", "Squeeze", "Unsqueeze",
                                        "Identity", "Dropout"};
    if (n->n_out != 1 || n->in[0] < 0)
        return false;
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        if (strcmp(n->op_type, views[i]) == 0)
            return true;
    return false;
}

/*
 * A view of a value computed at run time shares its buffer instead of becoming a step
 * that copies it: values are never written after they are produced, so the two may
 * alias for the union of their lifetimes (merged in place()).
 */
static bool make_view(segi_plan *p, const segi_node *n)
{
    if (!is_view(n))
        return false;
    plan_value *src = &p->vals[n->in[0]], *dst = &p->vals[n->out[0]];
    if ((!src->in_arena && src->alias < 0) || dst->t.nbytes != src->t.nbytes)
        return false;
    dst->alias = src->alias >= 0 ? src->alias : n->in[0];
    dst->first = dst->last = p->n_steps;
    return true;
}

static seg_status plan_node(segi_plan *p, const segi_node *n, const seg_tensor **in,
                            seg_tensor **out)
{
    bool all_known = true;
    for (int k = 0; k < n->n_in; k++) {
        in[k] = n->in[k] >= 0 ? &p->vals[n->in[k]].t : NULL;
        all_known &= n->in[k] < 0 || p->vals[n->in[k]].known;
    }
    if (n->n_out > 64)
        return segi_error(SEG_ERR_LIMIT, "%s node '%s' has %d outputs", n->op_type, n->name,
                          n->n_out);
    if (all_known || shape_only(n))
        return fold(p, n, in);
    for (int k = 0; k < n->n_in; k++)
        if ((n->def->value_inputs >> k & 1) && n->in[k] >= 0 && !p->vals[n->in[k]].known)
            return segi_error(SEG_ERR_UNSUPPORTED, "%s node '%s': input %d ('%s') decides the "
                              "output shape but is only computed at run time", n->op_type,
                              n->name, k, p->g->values[n->in[k]].name);
    plan_step *s = &p->steps[p->n_steps];
    s->info = segi_graph_node_info(p->g, n);
    s->def = n->def;
    s->in = in;
    s->out = out;
    s->n_in = n->n_in;
    s->n_out = n->n_out;
    for (int k = 0; k < n->n_out; k++) {
        out[k] = &p->vals[n->out[k]].t;
        memset(out[k], 0, sizeof *out[k]);
    }
    segi_op_ctx ctx = {
        .node = &s->info, .n_in = n->n_in, .in = in, .n_out = n->n_out, .out = out,
        .pool = p->pool};
    seg_status st = n->def->infer(&ctx);
    if (st != SEG_OK)
        return st;
    if (make_view(p, n))
        return SEG_OK;
    if (ctx.scratch_bytes > p->scratch_bytes)
        p->scratch_bytes = ctx.scratch_bytes;
    s->conv_flops = conv_flops(n, in, out);
    p->conv_flops += s->conv_flops;
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0)
            p->vals[n->in[k]].last = p->n_steps;
    for (int k = 0; k < n->n_out; k++) {
        plan_value *pv = &p->vals[n->out[k]];
        pv->in_arena = true;
        pv->first = pv->last = p->n_steps;
        pv->size = round_up(pv->t.nbytes ? pv->t.nbytes : 1);
    }
    p->n_steps++;
    return SEG_OK;
}

static int by_size_desc(const void *a, const void *b, void *vals)
{
    const plan_value *v = vals;
    size_t sa = v[*(const int *)a].size, sb = v[*(const int *)b].size;
    if (sa != sb)
        return sa < sb ? 1 : -1;
    return *(const int *)a - *(const int *)b;
}

static bool overlap(const plan_value *a, const plan_value *b)
{
    return a->first <= b->last && b->first <= a->last;
}

/*
 * Greedy by size: the largest values are placed first, each at the lowest offset that
 * does not collide with an already placed value alive at the same time.
 */
static seg_status place(segi_plan *p)
{
    const segi_graph *g = p->g;
    for (int i = 0; i < g->n_outputs; i++)
        if (p->vals[g->outputs[i]].in_arena || p->vals[g->outputs[i]].alias >= 0)
            p->vals[g->outputs[i]].last = p->n_steps;
    for (int v = 0; v < g->n_values; v++) {
        plan_value *pv = &p->vals[v];
        if (pv->alias >= 0 && pv->last > p->vals[pv->alias].last)
            p->vals[pv->alias].last = pv->last;
    }
    int n = 0;
    int *items = malloc(((size_t)g->n_values + 1) * sizeof *items);
    int *placed = malloc(((size_t)g->n_values + 1) * sizeof *placed);
    if (!items || !placed) {
        free(items);
        free(placed);
        return NOMEM();
    }
    for (int v = 0; v < g->n_values; v++)
        if (p->vals[v].in_arena)
            items[n++] = v;
    qsort_r(items, (size_t)n, sizeof *items, by_size_desc, p->vals);
    int n_placed = 0; /* sorted by offset */
    for (int i = 0; i < n; i++) {
        plan_value *v = &p->vals[items[i]];
        size_t at = 0;
        int pos = 0;
        for (int j = 0; j < n_placed; j++) {
            const plan_value *q = &p->vals[placed[j]];
            if (!overlap(v, q))
                continue;
            if (q->offset >= at + v->size)
                break;
            if (q->offset + q->size > at)
                at = q->offset + q->size;
        }
        v->offset = at;
        while (pos < n_placed && p->vals[placed[pos]].offset <= at)
            pos++;
        memmove(placed + pos + 1, placed + pos, (size_t)(n_placed - pos) * sizeof *placed);
        placed[pos] = items[i];
        n_placed++;
        if (at + v->size > p->arena_bytes)
            p->arena_bytes = at + v->size;
    }
    free(items);
    free(placed);
    return SEG_OK;
}

static seg_status allocate(segi_plan *p)
{
    if (p->arena_bytes && !(p->arena = aligned_alloc(ALIGN, p->arena_bytes)))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "session arena of %zu bytes", p->arena_bytes);
    if (p->scratch_bytes && !(p->scratch = aligned_alloc(ALIGN, round_up(p->scratch_bytes))))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "scratch of %zu bytes", p->scratch_bytes);
    for (int v = 0; v < p->g->n_values; v++) {
        const plan_value *pv = &p->vals[v];
        int at = pv->alias >= 0 ? pv->alias : v;
        if (pv->in_arena || pv->alias >= 0)
            p->vals[v].t.data = (char *)p->arena + p->vals[at].offset;
    }
    return SEG_OK;
}

seg_status segi_plan_create(const segi_graph *g, const seg_tensor *const *inputs,
                            segi_pool *pool, segi_plan **out)
{
    segi_plan *p = NULL;
    seg_status st = alloc_plan(g, &p);
    if (st != SEG_OK)
        return st;
    p->pool = pool;
    if ((st = capture_inputs(p, inputs))) {
        segi_plan_free(p);
        return st;
    }
    init_values(p, inputs);
    const seg_tensor **in = p->in_ptrs;
    seg_tensor **outs = p->out_ptrs;
    for (int o = 0; o < g->n_order && st == SEG_OK; o++) {
        const segi_node *n = &g->nodes[g->order[o]];
        st = plan_node(p, n, in, outs);
        in += n->n_in;
        outs += n->n_out;
    }
    if (st == SEG_OK)
        st = place(p);
    if (st == SEG_OK)
        st = allocate(p);
    if (st != SEG_OK) {
        segi_plan_free(p);
        return st;
    }
    *out = p;
    return SEG_OK;
}

bool segi_plan_matches(const segi_plan *p, const seg_tensor *const *inputs)
{
    const segi_graph *g = p->g;
    for (int i = 0; i < g->n_inputs; i++) {
        const seg_tensor *a = &p->vals[g->inputs[i]].t, *b = inputs[i];
        if (a->dtype != b->dtype || a->rank != b->rank ||
            memcmp(a->dims, b->dims, (size_t)a->rank * sizeof a->dims[0]) != 0)
            return false;
        if (p->captured[i] && (!b->data || memcmp(a->data, b->data, a->nbytes) != 0))
            return false;
    }
    return true;
}

/* One step; with profiling on, its time and phases land in its counters. */
static seg_status run_step(segi_plan *p, int s)
{
    plan_step *st = &p->steps[s];
    uint64_t *stats = p->stats ? p->stats + (size_t)s * SEGI_PLAN_STAT_COUNT : NULL;
    segi_op_ctx ctx = {.node = &st->info,
                       .n_in = st->n_in,
                       .in = st->in,
                       .n_out = st->n_out,
                       .out = st->out,
                       .scratch_bytes = p->scratch_bytes,
                       .scratch = p->scratch,
                       .pool = p->pool,
                       .phase_ns = stats ? stats + 1 : NULL};
    if (!stats)
        return st->def->run(&ctx);
    memset(stats, 0, SEGI_PLAN_STAT_COUNT * sizeof *stats);
    uint64_t t0 = segi_clock_ns();
    seg_status r = st->def->run(&ctx);
    stats[0] = segi_clock_ns() - t0;
    return r;
}

seg_status segi_plan_run(segi_plan *p, const seg_tensor *const *inputs)
{
    const segi_graph *g = p->g;
    uint64_t t0 = p->stats ? segi_clock_ns() : 0;
    for (int i = 0; i < g->n_inputs; i++)
        if (!p->captured[i])
            p->vals[g->inputs[i]].t.data = inputs[i]->data;
    for (int s = 0; s < p->n_steps; s++) {
        seg_status r = run_step(p, s);
        if (r != SEG_OK)
            return r;
    }
    if (p->stats)
        p->run_ns = segi_clock_ns() - t0;
    return SEG_OK;
}

seg_status segi_plan_profile(segi_plan *p)
{
    if (p->stats)
        return SEG_OK;
    p->stats = calloc((size_t)p->n_steps * SEGI_PLAN_STAT_COUNT + 1, sizeof *p->stats);
    return p->stats ? SEG_OK : segi_error(SEG_ERR_OUT_OF_MEMORY, "profile counters");
}

const segi_node_info *segi_plan_step_node(const segi_plan *p, int s)
{
    return &p->steps[s].info;
}

uint64_t segi_plan_step_stat(const segi_plan *p, int s, int stat)
{
    if (stat == SEGI_PLAN_STAT_FLOPS)
        return p->steps[s].conv_flops;
    return p->stats ? p->stats[(size_t)s * SEGI_PLAN_STAT_COUNT + stat] : 0;
}

uint64_t segi_plan_run_ns(const segi_plan *p) { return p->run_ns; }

void segi_plan_step_tensors(const segi_plan *p, int s, const seg_tensor *const **in,
                            int *n_in, seg_tensor *const **out, int *n_out)
{
    *in = p->steps[s].in;
    *n_in = p->steps[s].n_in;
    *out = p->steps[s].out;
    *n_out = p->steps[s].n_out;
}

const seg_tensor *segi_plan_output(const segi_plan *p, int i)
{
    return &p->vals[p->g->outputs[i]].t;
}

size_t segi_plan_arena_bytes(const segi_plan *p) { return p->arena_bytes; }
uint64_t segi_plan_conv_flops(const segi_plan *p) { return p->conv_flops; }
size_t segi_plan_scratch_bytes(const segi_plan *p) { return p->scratch_bytes; }
int segi_plan_steps(const segi_plan *p) { return p->n_steps; }
