/* The ONNX decoder on its own: fields, attributes, tensors, external data, damage. */
#include "check.h"
#include "test_data.h"
#include "onnx/onnx.h"
#include "onnx/pb.h"

#include <stdlib.h>

static const char *data_path(const char *name)
{
    return test_data_path("onnx", name);
}

static segi_onnx_model *load(const char *name)
{
    segi_onnx_model *m = NULL;
    seg_status st = segi_onnx_load_file(data_path(name), SIZE_MAX, &m);
    if (st != SEG_OK)
        fprintf(stderr, "%s: %s\n", name, seg_last_error());
    return m;
}

static const seg_tensor *init(const segi_onnx_model *m, const char *name)
{
    for (int i = 0; i < m->n_inits; i++)
        if (strcmp(m->inits[i].name, name) == 0)
            return m->inits[i].tensor;
    return NULL;
}

TEST(decodes_graph_structure)
{
    segi_onnx_model *m = load("conv_relu.onnx");
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK_EQ_INT(segi_onnx_default_opset(m), 17);
    CHECK_STR(m->producer_name, "libseg-goldens");
    CHECK_EQ_INT(m->n_nodes, 2);
    CHECK_STR(m->nodes[0].op_type, "Conv");
    CHECK_STR(m->nodes[0].name, "conv0");
    CHECK_EQ_INT(m->nodes[0].n_inputs, 3);
    CHECK_STR(m->nodes[0].inputs[1], "W");
    CHECK_STR(m->nodes[1].outputs[0], "y");
    CHECK_EQ_INT(m->n_inputs, 1);
    CHECK_EQ_INT(m->inputs[0].rank, 4);
    CHECK_EQ_INT(m->inputs[0].dims[0], -1);
    CHECK_STR(m->inputs[0].dim_params[0], "N");
    CHECK_EQ_INT(m->inputs[0].dims[3], 3);
    CHECK_EQ_INT(m->inputs[0].elem_type, 1);
    const seg_tensor *w = init(m, "W");
    CHECK(w && w->rank == 4 && w->dims[0] == 3 && w->dims[1] == 2 && w->nbytes == 24);
    segi_onnx_free(m);
}

TEST(decodes_every_attribute_type)
{
    segi_onnx_model *m = load("attrs.onnx");
    CHECK(m != NULL);
    if (!m)
        return;
    const segi_onnx_node *n = &m->nodes[0];
    CHECK_EQ_INT(n->n_attrs, 7);
    const segi_attr *a = segi_attr_find(n->attrs, n->n_attrs, "f");
    CHECK(a && a->type == SEGI_ATTR_FLOAT && a->f == 0.25f);
    a = segi_attr_find(n->attrs, n->n_attrs, "i");
    CHECK(a && a->type == SEGI_ATTR_INT && a->i == -7);
    a = segi_attr_find(n->attrs, n->n_attrs, "s");
    CHECK(a && a->type == SEGI_ATTR_STRING && strcmp(a->s, "hello") == 0 && a->s_len == 5);
    a = segi_attr_find(n->attrs, n->n_attrs, "t");
    CHECK(a && a->type == SEGI_ATTR_TENSOR && a->t->rank == 2 &&
          ((const float *)a->t->data)[1] == -2.0f);
    a = segi_attr_find(n->attrs, n->n_attrs, "floats");
    CHECK(a && a->type == SEGI_ATTR_FLOATS && a->n == 2 && a->floats[1] == 2.5f);
    a = segi_attr_find(n->attrs, n->n_attrs, "ints");
    CHECK(a && a->type == SEGI_ATTR_INTS && a->n == 3 && a->ints[1] == -4 && a->ints[2] == 5);
    a = segi_attr_find(n->attrs, n->n_attrs, "strings");
    CHECK(a && a->type == SEGI_ATTR_STRINGS && a->n == 2 && strcmp(a->strings[1], "bc") == 0);
    segi_onnx_free(m);
}

TEST(converts_typed_fields)
{
    segi_onnx_model *m = load("typed.onnx");
    CHECK(m != NULL);
    if (!m)
        return;
    const seg_tensor *t = init(m, "f_typed");
    CHECK(t && t->dtype == SEG_DTYPE_F32 && ((const float *)t->data)[2] == 3.5f);
    t = init(m, "f_raw");
    CHECK(t && ((const float *)t->data)[2] == -2.5f);
    t = init(m, "i64");
    CHECK(t && t->dtype == SEG_DTYPE_I64 && ((const int64_t *)t->data)[0] == -1 &&
          ((const int64_t *)t->data)[1] == (INT64_C(1) << 40));
    t = init(m, "i32");
    CHECK(t && ((const int32_t *)t->data)[0] == -5);
    t = init(m, "u8");
    CHECK(t && ((const uint8_t *)t->data)[2] == 255);
    t = init(m, "i8");
    CHECK(t && ((const int8_t *)t->data)[0] == -128);
    t = init(m, "b");
    CHECK(t && t->dtype == SEG_DTYPE_BOOL && ((const uint8_t *)t->data)[0] == 1);
    t = init(m, "h");
    CHECK(t && t->dtype == SEG_DTYPE_F16 && ((const uint16_t *)t->data)[0] == 0x3c00 &&
          ((const uint16_t *)t->data)[1] == 0xb800);
    t = init(m, "scalar");
    CHECK(t && t->rank == 0 && ((const float *)t->data)[0] == 42.0f);
    t = init(m, "empty");
    CHECK(t && t->rank == 2 && t->nbytes == 0);
    CHECK_STR(m->inputs[0].dim_params[0], "batch");
    segi_onnx_free(m);
}

TEST(reads_external_data_inside_the_folder_only)
{
    segi_onnx_model *m = load("external.onnx");
    CHECK(m != NULL);
    if (m) {
        const seg_tensor *w = init(m, "W");
        CHECK(w && ((const float *)w->data)[5] == 5.0f);
        segi_onnx_free(m);
    }
    m = NULL;
    CHECK_FAIL(segi_onnx_load_file(data_path("external_escape.onnx"), SIZE_MAX, &m),
               SEG_ERR_FORMAT, "escapes the model's folder");
    CHECK_FAIL(segi_onnx_load_file(data_path("external_absolute.onnx"), SIZE_MAX, &m),
               SEG_ERR_FORMAT, "'/etc/passwd' escapes");
    CHECK_FAIL(segi_onnx_load_file(data_path("external_short.onnx"), SIZE_MAX, &m),
               SEG_ERR_FORMAT, "exceeds");
    CHECK(m == NULL);
}

TEST(damage_reports_byte_offsets)
{
    segi_onnx_model *m = NULL;
    CHECK_FAIL(segi_onnx_load_file(data_path("truncated.onnx"), SIZE_MAX, &m), SEG_ERR_FORMAT,
               "at byte ");
    CHECK_FAIL(segi_onnx_load_file(data_path("bad_length.onnx"), SIZE_MAX, &m), SEG_ERR_FORMAT,
               "at byte 2: field 7 length 65535 exceeds the 4 bytes left");
    CHECK_FAIL(segi_onnx_load_file(data_path("bad_varint.onnx"), SIZE_MAX, &m), SEG_ERR_FORMAT,
               "at byte 1: varint longer than 64 bits");
    CHECK_FAIL(segi_onnx_load_file(data_path("bad_wire.onnx"), SIZE_MAX, &m), SEG_ERR_FORMAT,
               "unsupported wire type 7");
    CHECK_FAIL(segi_onnx_load_file(data_path("no_graph.onnx"), SIZE_MAX, &m), SEG_ERR_FORMAT,
               "no graph");
    CHECK_FAIL(segi_onnx_load_file(data_path("double_init.onnx"), SIZE_MAX, &m),
               SEG_ERR_UNSUPPORTED, "tensor 'd' at byte");
    CHECK_FAIL(segi_onnx_load_file(data_path("missing.onnx"), SIZE_MAX, &m), SEG_ERR_IO,
               "cannot open");
    CHECK_FAIL(segi_onnx_load_file(data_path("conv_relu.onnx"), 10, &m), SEG_ERR_LIMIT,
               "exceed the limit");
    CHECK(m == NULL);
}

TEST(every_prefix_of_a_model_fails_cleanly)
{
    void *data = NULL;
    size_t size = 0;
    FILE *fp = fopen(data_path("attrs.onnx"), "rb");
    CHECK(fp != NULL);
    if (!fp)
        return;
    data = malloc(4096);
    size = fread(data, 1, 4096, fp);
    fclose(fp);
    for (size_t n = 0; n < size; n++) {
        segi_onnx_model *m = NULL;
        seg_status st = segi_onnx_load_memory(data, n, true, &m);
        /* Some prefixes end exactly between fields and are valid models. */
        CHECK(st == SEG_OK || st == SEG_ERR_FORMAT);
        CHECK((st == SEG_OK) == (m != NULL));
        segi_onnx_free(m);
    }
    segi_onnx_model *m = NULL;
    CHECK_OK(segi_onnx_load_memory(data, size, false, &m));
    segi_onnx_free(m);
    free(data);
}

TEST(lone_tensor_proto)
{
    /* TensorProto{dims: [2], data_type: INT64, int64_data: [5, -1] packed, name: "v"} */
    const uint8_t pb[] = {0x08, 0x02, 0x10, 0x07, 0x3a, 0x0b, 0x05, 0xff, 0xff, 0xff, 0xff,
                          0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x42, 0x01, 'v'};
    seg_tensor *t = NULL;
    char name[8];
    CHECK_OK(segi_onnx_decode_tensor(pb, sizeof pb, &t, name, sizeof name));
    CHECK(t && t->dtype == SEG_DTYPE_I64 && ((int64_t *)t->data)[1] == -1 && t->owned);
    CHECK_STR(name, "v");
    seg_tensor_destroy(t);
    CHECK_FAIL(segi_onnx_decode_tensor(pb, 12, &t, NULL, 0), SEG_ERR_FORMAT,
               "at byte 4: field 7 length 11 exceeds the 6 bytes left");
}

int main(void)
{
    return RUN_TESTS(CASE(decodes_graph_structure), CASE(decodes_every_attribute_type),
                     CASE(converts_typed_fields), CASE(reads_external_data_inside_the_folder_only),
                     CASE(damage_reports_byte_offsets), CASE(every_prefix_of_a_model_fails_cleanly),
                     CASE(lone_tensor_proto));
}
