/* From a decoded ONNX model to the IR: names resolved, operators bound, nodes sorted. */
#include "graph/graph.h"

#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOMEM() segi_error(SEG_ERR_OUT_OF_MEMORY, "building the graph")

/* ---- name -> value index: open addressing, used only while building ---------- */

typedef struct name_map {
    int *slots; /* value index + 1; 0 empty */
    size_t mask;
} name_map;

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

static seg_status map_init(name_map *m, size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n + 1)
        cap *= 2;
    m->slots = calloc(cap, sizeof *m->slots);
    m->mask = cap - 1;
    return m->slots ? SEG_OK : NOMEM();
}

/* The slot holding `name`, or the empty slot where it belongs. */
static int *map_slot(const name_map *m, const segi_value *values, const char *name)
{
    for (size_t i = hash(name) & m->mask;; i = (i + 1) & m->mask)
        if (!m->slots[i] || strcmp(values[m->slots[i] - 1].name, name) == 0)
            return &m->slots[i];
}

/* ---- values ------------------------------------------------------------------- */

seg_status segi_graph_add_value(segi_graph *g, const char *name, int *index)
{
    if (g->n_values == g->cap_values) {
        int cap = g->cap_values ? 2 * g->cap_values : 64;
        segi_value *v = realloc(g->values, (size_t)cap * sizeof *v);
        if (!v)
            return NOMEM();
        g->values = v;
        g->cap_values = cap;
    }
    segi_value *v = &g->values[g->n_values];
    memset(v, 0, sizeof *v);
    v->name = name;
    v->producer = -1;
    v->input_index = -1;
    *index = g->n_values++;
    return SEG_OK;
}

seg_status segi_graph_keep(segi_graph *g, seg_tensor *t)
{
    if (g->n_owned == g->cap_owned) {
        int cap = g->cap_owned ? 2 * g->cap_owned : 16;
        seg_tensor **p = realloc(g->owned, (size_t)cap * sizeof *p);
        if (!p)
            return NOMEM();
        g->owned = p;
        g->cap_owned = cap;
    }
    g->owned[g->n_owned++] = t;
    return SEG_OK;
}

/* Define `name` as a new value; a name defined twice is malformed. */
static seg_status define(segi_graph *g, name_map *map, const char *name, const char *what,
                         int *index)
{
    int *slot = map_slot(map, g->values, name);
    if (*slot)
        return segi_error(SEG_ERR_FORMAT, "value '%s' is defined twice (again as %s)", name,
                          what);
    seg_status st = segi_graph_add_value(g, name, index);
    if (st == SEG_OK)
        *slot = *index + 1;
    return st;
}

static seg_status add_sources(segi_graph *g, name_map *map)
{
    const segi_onnx_model *m = g->onnx;
    seg_status st;
    int idx = -1;
    for (int i = 0; i < m->n_inits; i++) {
        if ((st = define(g, map, m->inits[i].name, "an initializer", &idx)))
            return st;
        g->values[idx].constant = m->inits[i].tensor;
    }
    g->inputs = segi_region_array(&g->mem, (size_t)m->n_inputs + 1, sizeof(int));
    g->input_info = segi_region_array(&g->mem, (size_t)m->n_inputs + 1, sizeof(void *));
    if (!g->inputs || !g->input_info)
        return NOMEM();
    for (int i = 0; i < m->n_inputs; i++) {
        const segi_onnx_value *v = &m->inputs[i];
        int *slot = map_slot(map, g->values, v->name);
        if (*slot) {
            /* IR < 4 lists initializers among the inputs: they stay constants. */
            if (g->values[*slot - 1].constant)
                continue;
            return segi_error(SEG_ERR_FORMAT, "graph input '%s' is declared twice", v->name);
        }
        if ((st = define(g, map, v->name, "a graph input", &idx)))
            return st;
        g->values[idx].input_index = g->n_inputs;
        g->input_info[g->n_inputs] = v;
        g->inputs[g->n_inputs++] = idx;
    }
    return SEG_OK;
}

/* ---- nodes -------------------------------------------------------------------- */

static bool default_domain(const char *d)
{
    return !d[0] || strcmp(d, "ai.onnx") == 0;
}

/* Messages name nodes; a node without a name is called by its position, "#12". */
static const char *unnamed(segi_graph *g, int index)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "#%d", index);
    return segi_region_strndup(&g->mem, buf, (size_t)n);
}

static seg_status bind(segi_graph *g, const segi_onnx_node *on, segi_node *n,
                       segi_op_resolver resolve, void *user)
{
    if (!default_domain(on->domain))
        return segi_error(SEG_ERR_UNSUPPORTED, "operator %s.%s (node '%s') is not supported: "
                          "unknown domain '%s'", on->domain, on->op_type, n->name, on->domain);
    n->def = resolve ? resolve(on->op_type, user) : segi_op_find(on->op_type);
    if (!n->def)
        return segi_error(SEG_ERR_UNSUPPORTED, "operator %s (node '%s', opset %d) is not "
                          "supported", on->op_type, n->name, g->opset);
    const segi_op_def *d = n->def;
    if (on->n_inputs < d->min_inputs || on->n_inputs > d->max_inputs ||
        on->n_outputs < d->min_outputs || on->n_outputs > d->max_outputs)
        return segi_error(SEG_ERR_FORMAT, "%s node '%s': %d inputs and %d outputs, expected "
                          "%d..%d and %d..%d", on->op_type, n->name, on->n_inputs,
                          on->n_outputs, d->min_inputs, d->max_inputs, d->min_outputs,
                          d->max_outputs);
    return SEG_OK;
}

static seg_status add_nodes(segi_graph *g, name_map *map, segi_op_resolver resolve,
                            void *user)
{
    const segi_onnx_model *m = g->onnx;
    g->nodes = segi_region_array(&g->mem, (size_t)m->n_nodes + 1, sizeof *g->nodes);
    if (!g->nodes)
        return NOMEM();
    seg_status st;
    for (int i = 0; i < m->n_nodes; i++) {
        const segi_onnx_node *on = &m->nodes[i];
        segi_node *n = &g->nodes[i];
        n->name = on->name[0] ? on->name : unnamed(g, i);
        n->op_type = on->op_type;
        if (!n->name)
            return NOMEM();
        n->attrs = on->attrs;
        n->n_attrs = on->n_attrs;
        n->n_in = on->n_inputs;
        n->n_out = on->n_outputs;
        n->in = segi_region_array(&g->mem, (size_t)n->n_in + 1, sizeof(int));
        n->out = segi_region_array(&g->mem, (size_t)n->n_out + 1, sizeof(int));
        if (!n->in || !n->out)
            return NOMEM();
        if ((st = bind(g, on, n, resolve, user)))
            return st;
        for (int k = 0; k < n->n_out; k++) {
            if (!on->outputs[k][0]) { /* an optional output left out */
                if ((st = segi_graph_add_value(g, "", &n->out[k])))
                    return st;
            } else if ((st = define(g, map, on->outputs[k], "a node output", &n->out[k]))) {
                return st;
            }
            g->values[n->out[k]].producer = i;
        }
        g->n_nodes++;
    }
    /* Inputs are resolved once every output exists: files need not be sorted. */
    for (int i = 0; i < g->n_nodes; i++) {
        const segi_onnx_node *on = &m->nodes[i];
        segi_node *n = &g->nodes[i];
        for (int k = 0; k < n->n_in; k++) {
            n->in[k] = -1;
            if (!on->inputs[k][0])
                continue;
            int *slot = map_slot(map, g->values, on->inputs[k]);
            if (!*slot)
                return segi_error(SEG_ERR_FORMAT, "%s node '%s': input '%s' is not a graph "
                                  "input, initializer or node output", n->op_type, n->name,
                                  on->inputs[k]);
            n->in[k] = *slot - 1;
        }
    }
    return SEG_OK;
}

static seg_status add_outputs(segi_graph *g, name_map *map)
{
    const segi_onnx_model *m = g->onnx;
    g->outputs = segi_region_array(&g->mem, (size_t)m->n_outputs + 1, sizeof(int));
    g->output_info = segi_region_array(&g->mem, (size_t)m->n_outputs + 1, sizeof(void *));
    if (!g->outputs || !g->output_info)
        return NOMEM();
    for (int i = 0; i < m->n_outputs; i++) {
        int *slot = map_slot(map, g->values, m->outputs[i].name);
        if (!*slot)
            return segi_error(SEG_ERR_FORMAT, "graph output '%s' is not produced by any node",
                              m->outputs[i].name);
        g->outputs[i] = *slot - 1;
        g->output_info[i] = &m->outputs[i];
        g->values[*slot - 1].is_output = true;
    }
    g->n_outputs = m->n_outputs;
    return SEG_OK;
}

/* ---- order -------------------------------------------------------------------- */

/* Consumers of each value as CSR arrays (first[v]..first[v+1] index into `who`). */
static seg_status consumers(const segi_graph *g, int **first, int **who)
{
    int *f = calloc((size_t)g->n_values + 1, sizeof *f);
    size_t total = 0;
    for (int v = 0; v < g->n_values; v++)
        total += (size_t)g->values[v].n_uses;
    int *w = malloc((total + 1) * sizeof *w);
    if (!f || !w) {
        free(f);
        free(w);
        return NOMEM();
    }
    for (int v = 0; v < g->n_values; v++)
        f[v + 1] = f[v] + g->values[v].n_uses;
    int *fill = calloc((size_t)g->n_values + 1, sizeof *fill);
    if (!fill) {
        free(f);
        free(w);
        return NOMEM();
    }
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; !g->nodes[i].dead && k < g->nodes[i].n_in; k++) {
            int v = g->nodes[i].in[k];
            if (v >= 0)
                w[f[v] + fill[v]++] = i;
        }
    free(fill);
    *first = f;
    *who = w;
    return SEG_OK;
}

seg_status segi_graph_reorder(segi_graph *g)
{
    for (int v = 0; v < g->n_values; v++)
        g->values[v].n_uses = 0;
    int *pending = calloc((size_t)g->n_nodes + 1, sizeof *pending);
    int *queue = realloc(g->order, ((size_t)g->n_nodes + 1) * sizeof *queue);
    if (queue)
        g->order = queue;
    if (!pending || !queue) {
        free(pending);
        return NOMEM();
    }
    int tail = 0;
    for (int i = 0; i < g->n_nodes; i++) {
        const segi_node *n = &g->nodes[i];
        if (n->dead)
            continue;
        for (int k = 0; k < n->n_in; k++) {
            if (n->in[k] < 0)
                continue;
            segi_value *v = &g->values[n->in[k]];
            v->n_uses++;
            pending[i] += v->producer >= 0 && !v->constant;
        }
        if (!pending[i])
            queue[tail++] = i;
    }
    int *first = NULL, *who = NULL;
    seg_status st = consumers(g, &first, &who);
    if (st != SEG_OK) {
        free(pending);
        return st;
    }
    /* Kahn's algorithm; a consumer's count drops once per input slot it reads. */
    for (int head = 0; head < tail; head++) {
        const segi_node *n = &g->nodes[queue[head]];
        for (int k = 0; k < n->n_out; k++) {
            int v = n->out[k];
            if (g->values[v].constant)
                continue;
            for (int c = first[v]; c < first[v + 1]; c++)
                if (--pending[who[c]] == 0)
                    queue[tail++] = who[c];
        }
    }
    free(first);
    free(who);
    int live = 0, stuck = -1;
    for (int i = 0; i < g->n_nodes; i++) {
        live += !g->nodes[i].dead;
        if (!g->nodes[i].dead && pending[i] && stuck < 0)
            stuck = i;
    }
    free(pending);
    g->n_order = tail;
    if (tail != live)
        return segi_error(SEG_ERR_FORMAT, "the graph has a cycle through %s node '%s'",
                          g->nodes[stuck].op_type, g->nodes[stuck].name);
    return SEG_OK;
}

/* ---- entry points --------------------------------------------------------------- */

void segi_graph_free(segi_graph *g)
{
    if (!g)
        return;
    for (int i = 0; i < g->n_owned; i++)
        seg_tensor_destroy(g->owned[i]);
    free(g->owned);
    free(g->values);
    free(g->order);
    segi_region_free(&g->mem);
    segi_onnx_free(g->onnx);
    free(g);
}

static seg_status check_opset(const segi_onnx_model *m)
{
    int64_t v = segi_onnx_default_opset(m);
    if (v == 0)
        return segi_error(SEG_ERR_UNSUPPORTED, "the model imports no default-domain opset");
    if (v < 7 || v > 21)
        return segi_error(SEG_ERR_UNSUPPORTED, "default-domain opset %lld is not supported "
                          "(libseg runs opsets 7 to 21)", (long long)v);
    return SEG_OK;
}

seg_status segi_graph_build(segi_onnx_model *onnx, int opt_level, segi_op_resolver resolve,
                            void *user, segi_graph **out)
{
    segi_graph *g = calloc(1, sizeof *g);
    if (!g) {
        segi_onnx_free(onnx);
        return NOMEM();
    }
    g->onnx = onnx;
    seg_status st = check_opset(onnx);
    g->opset = (int)segi_onnx_default_opset(onnx);
    name_map map = {0};
    size_t names = (size_t)onnx->n_inits + (size_t)onnx->n_inputs;
    for (int i = 0; i < onnx->n_nodes; i++)
        names += (size_t)onnx->nodes[i].n_outputs;
    if (st == SEG_OK)
        st = map_init(&map, names);
    if (st == SEG_OK)
        st = add_sources(g, &map);
    if (st == SEG_OK)
        st = add_nodes(g, &map, resolve, user);
    if (st == SEG_OK)
        st = add_outputs(g, &map);
    free(map.slots);
    if (st == SEG_OK)
        st = segi_graph_reorder(g);
    if (st == SEG_OK && opt_level > 0)
        st = segi_graph_optimize(g, opt_level);
    if (st != SEG_OK) {
        segi_graph_free(g);
        return st;
    }
    *out = g;
    return SEG_OK;
}
