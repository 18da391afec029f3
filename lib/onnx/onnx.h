/*
 * The ONNX model decoder: ModelProto bytes to plain C structures.
 *
 * Strings, arrays and attributes live in the model's region; tensors whose raw_data is
 * suitably aligned borrow the mapped file, the others own a converted copy. Nothing
 * here knows about operators: checking ops and opsets is the graph layer's job.
 */
#ifndef SEGI_ONNX_H
#define SEGI_ONNX_H

#include "core/attr.h"
#include "core/region.h"
#include "core/tensor.h"

typedef struct segi_onnx_value {
    const char *name;
    int elem_type;      /* ONNX TensorProto.DataType; 0 when not declared */
    int rank;           /* -1 when no shape is declared */
    int64_t dims[SEG_MAX_RANK];            /* -1: unknown or symbolic */
    const char *dim_params[SEG_MAX_RANK];  /* symbolic names, or NULL */
} segi_onnx_value;

typedef struct segi_onnx_node {
    const char *name, *op_type, *domain;
    const char **inputs;   /* "" for an omitted optional input */
    const char **outputs;
    int n_inputs, n_outputs;
    segi_attr *attrs;
    int n_attrs;
    size_t offset;         /* byte offset of the NodeProto, for messages */
} segi_onnx_node;

typedef struct segi_onnx_init {
    const char *name;
    seg_tensor *tensor;
} segi_onnx_init;

typedef struct segi_onnx_opset {
    const char *domain;
    int64_t version;
} segi_onnx_opset;

typedef struct segi_onnx_map segi_onnx_map;

typedef struct segi_onnx_model {
    segi_region mem;
    int64_t ir_version;
    const char *producer_name, *producer_version, *graph_name;
    segi_onnx_opset *opsets;
    int n_opsets;
    segi_onnx_node *nodes;
    int n_nodes;
    segi_onnx_init *inits;
    int n_inits;
    segi_onnx_value *inputs, *outputs; /* inputs as declared, initializers included */
    int n_inputs, n_outputs;
    seg_tensor **tensors;  /* every tensor made while decoding (destroyed with the model) */
    size_t n_tensors, cap_tensors;
    segi_onnx_map *maps;   /* the model file and external data files */
    void *owned_bytes;     /* a copy made by segi_onnx_load_memory */
} segi_onnx_model;

/** Decode the file at `path` (memory-mapped; external data resolved beside it). */
seg_status segi_onnx_load_file(const char *path, size_t max_bytes, segi_onnx_model **out);

/** Decode `size` bytes; `copy` makes the model independent of `data`. External data
 *  is refused (there is no folder to resolve it in). */
seg_status segi_onnx_load_memory(const void *data, size_t size, bool copy,
                                 segi_onnx_model **out);

void segi_onnx_free(segi_onnx_model *m);

/** The default-domain ("" or "ai.onnx") opset version, or 0 when not imported. */
int64_t segi_onnx_default_opset(const segi_onnx_model *m);

/** Decode one serialized TensorProto (ONNX test data files) into an owned tensor. */
seg_status segi_onnx_decode_tensor(const void *data, size_t size, seg_tensor **out,
                                   char *name, size_t name_cap);

/** seg dtype for an ONNX elem_type, or 0 when libseg has no such dtype. */
seg_dtype segi_onnx_dtype(int elem_type);

/** "float", "int64", ... for messages. */
const char *segi_onnx_type_name(int elem_type);

#endif
