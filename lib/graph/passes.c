/*
 * Load-time passes. Each keeps the graph valid: values keep their producers, graph
 * outputs keep their names, and segi_graph_reorder() is rerun where uses change.
 *   level 1: Identity/Dropout removal, constant folding, dead-node removal
 *   level 2: also Conv+BatchNormalization folding and Conv+activation fusion
 */
#include "graph/graph.h"

#include "core/error.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NOMEM() segi_error(SEG_ERR_OUT_OF_MEMORY, "optimising the graph")

static bool is_op(const segi_node *n, const char *op)
{
    return !n->dead && strcmp(n->op_type, op) == 0;
}

static const seg_tensor *const_in(const segi_graph *g, const segi_node *n, int k)
{
    return k < n->n_in && n->in[k] >= 0 ? g->values[n->in[k]].constant : NULL;
}

static void replace_uses(segi_graph *g, int from, int to)
{
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; !g->nodes[i].dead && k < g->nodes[i].n_in; k++)
            if (g->nodes[i].in[k] == from)
                g->nodes[i].in[k] = to;
}

/* The only live node reading value `v`, or NULL. */
static segi_node *sole_consumer(segi_graph *g, int v)
{
    if (g->values[v].n_uses != 1 || g->values[v].is_output)
        return NULL;
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; !g->nodes[i].dead && k < g->nodes[i].n_in; k++)
            if (g->nodes[i].in[k] == v)
                return &g->nodes[i];
    return NULL;
}

/* ---- Identity and Dropout --------------------------------------------------- */

static bool dropout_is_identity(const segi_graph *g, const segi_node *n)
{
    if (n->n_out > 1 && (g->values[n->out[1]].n_uses || g->values[n->out[1]].is_output))
        return false;
    if (n->n_in < 3 || n->in[2] < 0)
        return true;
    const seg_tensor *t = g->values[n->in[2]].constant;
    return t && t->dtype == SEG_DTYPE_BOOL && t->nbytes == 1 && !*(const uint8_t *)t->data;
}

static void remove_identities(segi_graph *g)
{
    for (int i = 0; i < g->n_nodes; i++) {
        segi_node *n = &g->nodes[i];
        bool identity = is_op(n, "Identity") || (is_op(n, "Dropout") && dropout_is_identity(g, n));
        /* A graph output keeps its name, so its Identity stays. */
        if (!identity || n->in[0] < 0 || g->values[n->out[0]].is_output)
            continue;
        replace_uses(g, n->out[0], n->in[0]);
        n->dead = true;
    }
}

/* ---- constant folding ------------------------------------------------------- */

static seg_status fold_node(segi_graph *g, segi_node *n)
{
    const seg_tensor *in[64];
    seg_tensor *out[64] = {0};
    if (n->n_in > 64 || n->n_out > 64)
        return SEG_OK;
    for (int k = 0; k < n->n_in; k++)
        in[k] = n->in[k] >= 0 ? g->values[n->in[k]].constant : NULL;
    segi_node_info info = segi_graph_node_info(g, n);
    seg_status st = segi_op_eval(n->def, &info, n->n_in, in, n->n_out, out);
    for (int k = 0; k < n->n_out; k++) {
        if (st == SEG_OK)
            st = segi_graph_keep(g, out[k]);
        else
            seg_tensor_destroy(out[k]);
        if (st == SEG_OK)
            g->values[n->out[k]].constant = out[k];
    }
    n->dead = st == SEG_OK;
    return st;
}

static seg_status fold_constants(segi_graph *g)
{
    for (int o = 0; o < g->n_order; o++) {
        segi_node *n = &g->nodes[g->order[o]];
        bool all = true;
        for (int k = 0; k < n->n_in && all; k++)
            all = n->in[k] < 0 || g->values[n->in[k]].constant;
        if (!all || n->dead)
            continue;
        seg_status st = fold_node(g, n);
        if (st != SEG_OK)
            return segi_error_context(st, "constant folding");
    }
    return SEG_OK;
}

/* ---- Conv + BatchNormalization ---------------------------------------------- */

static bool f32_vec(const seg_tensor *t, int64_t n)
{
    return t && t->dtype == SEG_DTYPE_F32 && t->rank == 1 && t->dims[0] == n;
}

static seg_status add_constant(segi_graph *g, seg_tensor *t, int *index)
{
    seg_status st = segi_graph_keep(g, t);
    if (st != SEG_OK) {
        seg_tensor_destroy(t);
        return st;
    }
    if ((st = segi_graph_add_value(g, "", index)))
        return st;
    g->values[*index].constant = t;
    return SEG_OK;
}

/* W'[o] = W[o] * s[o], B'[o] = (B[o] - mean[o]) * s[o] + beta[o], s = gamma / sqrt(var + eps) */
static seg_status fold_bn_into(segi_graph *g, segi_node *conv, const segi_node *bn)
{
    const seg_tensor *w = const_in(g, conv, 1), *b = const_in(g, conv, 2);
    const seg_tensor *gamma = const_in(g, bn, 1), *beta = const_in(g, bn, 2);
    const seg_tensor *mean = const_in(g, bn, 3), *var = const_in(g, bn, 4);
    if (!w || w->dtype != SEG_DTYPE_F32 || w->rank < 3)
        return SEG_OK;
    int64_t oc = w->dims[0];
    if (!f32_vec(gamma, oc) || !f32_vec(beta, oc) || !f32_vec(mean, oc) || !f32_vec(var, oc) ||
        (conv->n_in > 2 && conv->in[2] >= 0 && !f32_vec(b, oc)))
        return SEG_OK;
    segi_node_info info = segi_graph_node_info(g, bn);
    segi_op_ctx ctx = {.node = &info};
    if (segi_op_attr_int(&ctx, "training_mode", 0))
        return SEG_OK;
    float eps = segi_op_attr_float(&ctx, "epsilon", 1e-5f);
    seg_tensor *nw = NULL, *nb = NULL;
    seg_status st = seg_tensor_clone(w, &nw);
    if (st == SEG_OK)
        st = segi_tensor_alloc(SEG_DTYPE_F32, 1, &oc, &nb);
    if (st != SEG_OK) {
        seg_tensor_destroy(nw);
        return st;
    }
    size_t per = seg_tensor_count(w) / (size_t)oc;
    float *wd = nw->data, *bd = nb->data;
    const float *gd = gamma->data, *betad = beta->data, *md = mean->data, *vd = var->data;
    for (int64_t o = 0; o < oc; o++) {
        float s = gd[o] / sqrtf(vd[o] + eps);
        for (size_t i = 0; i < per; i++)
            wd[(size_t)o * per + i] *= s;
        float b0 = b ? ((const float *)b->data)[o] : 0.0f;
        bd[o] = (b0 - md[o]) * s + betad[o];
    }
    int wi, bi;
    if ((st = add_constant(g, nw, &wi))) {
        seg_tensor_destroy(nb);
        return st;
    }
    if ((st = add_constant(g, nb, &bi)))
        return st;
    if (conv->n_in < 3) {
        int *in = segi_region_array(&g->mem, 3, sizeof *in);
        if (!in)
            return NOMEM();
        in[0] = conv->in[0];
        conv->in = in;
        conv->n_in = 3;
    }
    conv->in[1] = wi;
    conv->in[2] = bi;
    return SEG_OK;
}

static seg_status fold_batchnorms(segi_graph *g)
{
    for (int o = 0; o < g->n_order; o++) {
        segi_node *conv = &g->nodes[g->order[o]];
        if (!is_op(conv, "Conv"))
            continue;
        segi_node *bn = sole_consumer(g, conv->out[0]);
        if (!bn || !is_op(bn, "BatchNormalization") || bn->in[0] != conv->out[0])
            continue;
        bool extra = false;
        for (int k = 1; k < bn->n_out; k++)
            extra |= g->values[bn->out[k]].n_uses > 0 || g->values[bn->out[k]].is_output;
        const seg_tensor *w_before = const_in(g, conv, 1);
        if (extra || !w_before)
            continue;
        seg_status st = fold_bn_into(g, conv, bn);
        if (st != SEG_OK)
            return st;
        if (const_in(g, conv, 1) == w_before) /* not foldable */
            continue;
        conv->out[0] = bn->out[0];
        g->values[bn->out[0]].producer = (int)(conv - g->nodes);
        bn->dead = true;
    }
    return segi_graph_reorder(g);
}

/* ---- Conv + activation -------------------------------------------------------- */

typedef struct activation {
    const char *name;
    float lo, hi, alpha;
    bool bounds, has_alpha;
} activation;

static bool scalar_f32(const seg_tensor *t, float *v)
{
    if (!t || t->dtype != SEG_DTYPE_F32 || t->nbytes != sizeof(float))
        return false;
    *v = *(const float *)t->data;
    return true;
}

/* The fusable activation node `a` computes, if any. */
static bool single_activation(const segi_graph *g, const segi_node *a, activation *act)
{
    segi_node_info info = segi_graph_node_info(g, a);
    segi_op_ctx ctx = {.node = &info};
    if (is_op(a, "Relu")) {
        act->name = "relu";
    } else if (is_op(a, "Sigmoid")) {
        act->name = "sigmoid";
    } else if (is_op(a, "HardSwish")) {
        act->name = "hard_swish";
    } else if (is_op(a, "LeakyRelu")) {
        act->name = "leaky_relu";
        act->alpha = segi_op_attr_float(&ctx, "alpha", 0.01f);
        act->has_alpha = true;
    } else if (is_op(a, "Clip")) {
        act->name = "clip";
        act->bounds = true;
        act->lo = segi_op_attr_float(&ctx, "min", -FLT_MAX);
        act->hi = segi_op_attr_float(&ctx, "max", FLT_MAX);
        for (int k = 1; k < a->n_in; k++) {
            if (a->in[k] < 0)
                continue;
            if (!scalar_f32(const_in(g, a, k), k == 1 ? &act->lo : &act->hi))
                return false;
        }
    } else {
        return false;
    }
    return true;
}

/* x * Sigmoid(x) and x * HardSigmoid(x; 1/6, 1/2): two consumers of the Conv output. */
static segi_node *gated_activation(segi_graph *g, int v, activation *act, segi_node **gate)
{
    if (g->values[v].n_uses != 2 || g->values[v].is_output)
        return NULL;
    segi_node *f = NULL, *mul = NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        segi_node *n = &g->nodes[i];
        if (n->dead || n->n_in < 1)
            continue;
        bool reads = false;
        for (int k = 0; k < n->n_in; k++)
            reads |= n->in[k] == v;
        if (!reads)
            continue;
        if ((is_op(n, "Sigmoid") || is_op(n, "HardSigmoid")) && n->in[0] == v)
            f = n;
        else if (is_op(n, "Mul") && n->n_in == 2)
            mul = n;
    }
    if (!f || !mul || g->values[f->out[0]].n_uses != 1 || g->values[f->out[0]].is_output)
        return NULL;
    if (!((mul->in[0] == v && mul->in[1] == f->out[0]) ||
          (mul->in[1] == v && mul->in[0] == f->out[0])))
        return NULL;
    if (is_op(f, "HardSigmoid")) {
        segi_node_info info = segi_graph_node_info(g, f);
        segi_op_ctx ctx = {.node = &info};
        if (fabsf(segi_op_attr_float(&ctx, "alpha", 0.2f) - 1.0f / 6) > 1e-6f ||
            segi_op_attr_float(&ctx, "beta", 0.5f) != 0.5f)
            return NULL;
        act->name = "hard_swish";
    } else {
        act->name = "silu";
    }
    *gate = f;
    return mul;
}

static seg_status add_activation_attrs(segi_graph *g, segi_node *conv, const activation *act)
{
    int n = conv->n_attrs;
    segi_attr *a = segi_region_array(&g->mem, (size_t)n + 3, sizeof *a);
    if (!a)
        return NOMEM();
    memcpy(a, conv->attrs, (size_t)n * sizeof *a);
    a[n++] = (segi_attr){.name = "segi_activation", .type = SEGI_ATTR_STRING, .s = act->name,
                         .s_len = strlen(act->name)};
    if (act->bounds) {
        a[n++] = (segi_attr){.name = "segi_activation_min", .type = SEGI_ATTR_FLOAT, .f = act->lo};
        a[n++] = (segi_attr){.name = "segi_activation_max", .type = SEGI_ATTR_FLOAT, .f = act->hi};
    }
    if (act->has_alpha)
        a[n++] = (segi_attr){.name = "segi_alpha", .type = SEGI_ATTR_FLOAT, .f = act->alpha};
    conv->attrs = a;
    conv->n_attrs = n;
    return SEG_OK;
}

static seg_status fuse_activations(segi_graph *g)
{
    for (int o = 0; o < g->n_order; o++) {
        segi_node *conv = &g->nodes[g->order[o]];
        if (!is_op(conv, "Conv") || !(conv->def->flags & SEGI_OP_FUSES_ACTIVATION) ||
            segi_attr_find(conv->attrs, conv->n_attrs, "segi_activation"))
            continue;
        activation act = {0};
        segi_node *last = sole_consumer(g, conv->out[0]), *gate = NULL;
        if (last && (last->in[0] != conv->out[0] || !single_activation(g, last, &act)))
            last = NULL;
        if (!last)
            last = gated_activation(g, conv->out[0], &act, &gate);
        if (!last || g->values[conv->out[0]].is_output)
            continue;
        seg_status st = add_activation_attrs(g, conv, &act);
        if (st != SEG_OK)
            return st;
        conv->out[0] = last->out[0];
        g->values[last->out[0]].producer = (int)(conv - g->nodes);
        last->dead = true;
        if (gate)
            gate->dead = true;
    }
    return segi_graph_reorder(g);
}

/* ---- dead nodes ----------------------------------------------------------------- */

static seg_status remove_dead(segi_graph *g)
{
    /* Reverse execution order sees every consumer before its producers. */
    for (int o = g->n_order - 1; o >= 0; o--) {
        segi_node *n = &g->nodes[g->order[o]];
        bool used = false;
        for (int k = 0; k < n->n_out; k++)
            used |= g->values[n->out[k]].n_uses > 0 || g->values[n->out[k]].is_output;
        if (used)
            continue;
        n->dead = true;
        for (int k = 0; k < n->n_in; k++)
            if (n->in[k] >= 0)
                g->values[n->in[k]].n_uses--;
    }
    return segi_graph_reorder(g);
}

seg_status segi_graph_optimize(segi_graph *g, int opt_level)
{
    remove_identities(g);
    seg_status st = segi_graph_reorder(g);
    if (st == SEG_OK)
        st = fold_constants(g);
    if (st == SEG_OK)
        st = segi_graph_reorder(g);
    if (st == SEG_OK && opt_level >= 2)
        st = fold_batchnorms(g);
    if (st == SEG_OK && opt_level >= 2)
        st = fuse_activations(g);
    if (st == SEG_OK)
        st = remove_dead(g);
    return st;
}
