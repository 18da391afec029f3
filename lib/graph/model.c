/* The public seg_model: load, then describe inputs, outputs and contents. */
#include "graph/model.h"

#include "core/error.h"
#include "core/options.h"

#include <stdlib.h>
#include <string.h>

static seg_status check_inputs(const segi_graph *g)
{
    for (int i = 0; i < g->n_inputs; i++) {
        int et = g->input_info[i]->elem_type;
        if (et && !segi_onnx_dtype(et))
            return segi_error(SEG_ERR_UNSUPPORTED, "graph input '%s' has type %s, which libseg "
                              "does not support", g->input_info[i]->name,
                              segi_onnx_type_name(et));
    }
    return SEG_OK;
}

static seg_status finish_load(segi_onnx_model *onnx, const seg_options *options,
                              seg_model **out)
{
    seg_model *m = calloc(1, sizeof *m);
    if (!m) {
        segi_onnx_free(onnx);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "model");
    }
    int level = (int)segi_option(options, SEG_OPT_OPT_LEVEL);
    seg_status st = segi_graph_build(onnx, level, NULL, NULL, &m->g);
    if (st == SEG_OK)
        st = check_inputs(m->g);
    if (st != SEG_OK) {
        seg_model_destroy(m);
        return st;
    }
    *out = m;
    return SEG_OK;
}

seg_status seg_model_load_file(const char *path, const seg_options *options, seg_model **out)
{
    SEGI_REQUIRE(path);
    SEGI_REQUIRE(out);
    segi_onnx_model *onnx = NULL;
    size_t max = (size_t)segi_option(options, SEG_OPT_MAX_FILE_BYTES);
    seg_status st = segi_onnx_load_file(path, max, &onnx);
    if (st != SEG_OK)
        return st;
    st = finish_load(onnx, options, out);
    if (st != SEG_OK)
        segi_error_context(st, "%s", path);
    return st;
}

static seg_status load_memory(const void *data, size_t size, bool copy,
                              const seg_options *options, seg_model **out)
{
    SEGI_REQUIRE(data);
    SEGI_REQUIRE(out);
    if ((uint64_t)size > (uint64_t)segi_option(options, SEG_OPT_MAX_FILE_BYTES))
        return segi_error(SEG_ERR_LIMIT, "model of %zu bytes exceeds the limit", size);
    segi_onnx_model *onnx = NULL;
    seg_status st = segi_onnx_load_memory(data, size, copy, &onnx);
    if (st != SEG_OK)
        return st;
    return finish_load(onnx, options, out);
}

seg_status seg_model_load_memory(const void *data, size_t size, const seg_options *options,
                                 seg_model **out)
{
    return load_memory(data, size, true, options, out);
}

seg_status seg_model_load_memory_borrowed(const void *data, size_t size,
                                          const seg_options *options, seg_model **out)
{
    return load_memory(data, size, false, options, out);
}

void seg_model_destroy(seg_model *model)
{
    if (!model)
        return;
    segi_graph_free(model->g);
    free(model);
}

size_t seg_model_input_count(const seg_model *m) { return (size_t)m->g->n_inputs; }
size_t seg_model_output_count(const seg_model *m) { return (size_t)m->g->n_outputs; }

const char *seg_model_input_name(const seg_model *m, size_t index)
{
    return index < (size_t)m->g->n_inputs ? m->g->input_info[index]->name : NULL;
}

const char *seg_model_output_name(const seg_model *m, size_t index)
{
    return index < (size_t)m->g->n_outputs ? m->g->output_info[index]->name : NULL;
}

static seg_status value_info(const segi_onnx_value *v, seg_dtype *dtype, int *rank,
                             int64_t *dims)
{
    SEGI_REQUIRE(dtype);
    SEGI_REQUIRE(rank);
    SEGI_REQUIRE(dims);
    *dtype = segi_onnx_dtype(v->elem_type);
    *rank = v->rank;
    for (int i = 0; i < v->rank; i++)
        dims[i] = v->dims[i];
    return SEG_OK;
}

seg_status seg_model_input_info(const seg_model *m, size_t index, seg_dtype *dtype, int *rank,
                                int64_t *dims)
{
    SEGI_REQUIRE(m);
    if (index >= (size_t)m->g->n_inputs)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "input %zu of %d", index, m->g->n_inputs);
    return value_info(m->g->input_info[index], dtype, rank, dims);
}

seg_status seg_model_output_info(const seg_model *m, size_t index, seg_dtype *dtype, int *rank,
                                 int64_t *dims)
{
    SEGI_REQUIRE(m);
    if (index >= (size_t)m->g->n_outputs)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "output %zu of %d", index, m->g->n_outputs);
    return value_info(m->g->output_info[index], dtype, rank, dims);
}

const char *seg_model_input_dim_name(const seg_model *m, size_t index, int axis)
{
    if (index >= (size_t)m->g->n_inputs)
        return NULL;
    const segi_onnx_value *v = m->g->input_info[index];
    return axis >= 0 && axis < v->rank ? v->dim_params[axis] : NULL;
}

static seg_status find(const segi_onnx_value *const *vals, int n, const char *what,
                       const char *name, size_t *index)
{
    SEGI_REQUIRE(name);
    SEGI_REQUIRE(index);
    for (int i = 0; i < n; i++)
        if (strcmp(vals[i]->name, name) == 0) {
            *index = (size_t)i;
            return SEG_OK;
        }
    return segi_error(SEG_ERR_NOT_FOUND, "the model has no %s called '%s'", what, name);
}

seg_status seg_model_find_input(const seg_model *m, const char *name, size_t *index)
{
    SEGI_REQUIRE(m);
    return find(m->g->input_info, m->g->n_inputs, "input", name, index);
}

seg_status seg_model_find_output(const seg_model *m, const char *name, size_t *index)
{
    SEGI_REQUIRE(m);
    return find(m->g->output_info, m->g->n_outputs, "output", name, index);
}

int64_t seg_model_opset(const seg_model *m)
{
    return m->g->opset;
}

size_t seg_model_node_count(const seg_model *m)
{
    return (size_t)m->g->n_order;
}

const char *seg_model_node_op_type(const seg_model *m, size_t index)
{
    return index < (size_t)m->g->n_order ? m->g->nodes[m->g->order[index]].op_type : NULL;
}

uint64_t seg_model_parameter_count(const seg_model *m)
{
    uint64_t n = 0;
    const segi_onnx_model *onnx = m->g->onnx;
    for (int i = 0; i < onnx->n_inits; i++)
        n += seg_tensor_count(onnx->inits[i].tensor);
    return n;
}
