/* The operator contract itself: arity checks, attribute getters, segi_op_eval. */
#include "op_test.h"

/* A test-only operator: y = x * scale + bias_attr, with scratch to prove it arrives. */
static seg_status affine_infer(segi_op_ctx *ctx)
{
    const seg_tensor *x = ctx->in[0];
    if (x->dtype != SEG_DTYPE_F32)
        return segi_op_error(ctx, SEG_ERR_UNSUPPORTED, "input dtype %s",
                             seg_dtype_name(x->dtype));
    ctx->scratch_bytes = 16;
    return segi_op_set_output(ctx, 0, SEG_DTYPE_F32, x->rank, x->dims);
}

static seg_status affine_run(segi_op_ctx *ctx)
{
    float scale = segi_op_attr_float(ctx, "scale", 1.0f);
    float bias = (float)segi_op_attr_int(ctx, "bias", 0);
    if (!ctx->scratch || ctx->scratch_bytes < 16)
        return segi_op_error(ctx, SEG_ERR_INTERNAL, "no scratch");
    const float *x = ctx->in[0]->data;
    float *y = ctx->out[0]->data;
    for (size_t i = 0; i < seg_tensor_count(ctx->in[0]); i++)
        y[i] = x[i] * scale + bias;
    return SEG_OK;
}

static const segi_op_def affine = {"TestAffine", 1, 1, 1, 1, 0, affine_infer, affine_run};

TEST(eval_runs_infer_then_run)
{
    seg_tensor *x = F32(2, DIMS(2, 2), {1, 2, 3, 4});
    segi_attr attrs[2] = {attr_float("scale", 2.0f), attr_int("bias", 1)};
    segi_node_info node = {"n0", "TestAffine", 17, attrs, 2};
    seg_tensor *y = NULL;
    CHECK_OK(segi_op_eval(&affine, &node, 1, (const seg_tensor *const[]){x}, 1, &y));
    CHECK_F32(y, 2, DIMS(2, 2), 0, {3, 5, 7, 9});
    seg_tensor_destroy(x);
    seg_tensor_destroy(y);
}

TEST(eval_checks_arity_and_names_the_node)
{
    seg_tensor *x = F32(1, DIMS(1), {1});
    segi_node_info node = {"my_node", "TestAffine", 17, NULL, 0};
    seg_tensor *y[2] = {NULL, NULL};
    CHECK_FAIL(segi_op_eval(&affine, &node, 1, (const seg_tensor *const[]){x}, 2, y),
               SEG_ERR_FORMAT, "TestAffine node 'my_node': 2 outputs, expected 1 to 1");
    seg_tensor_destroy(x);
    seg_tensor *i = I64(1, DIMS(1), {1});
    CHECK_FAIL(segi_op_eval(&affine, &node, 1, (const seg_tensor *const[]){i}, 1, y),
               SEG_ERR_UNSUPPORTED, "TestAffine node 'my_node': input dtype i64");
    CHECK(y[0] == NULL);
    seg_tensor_destroy(i);
}

TEST(attribute_getters_check_types)
{
    const int64_t ints[3] = {1, 2, 3};
    segi_attr attrs[3] = {attr_ints("pads", ints, 3), attr_string("mode", "edge"),
                          attr_int("axis", -1)};
    segi_node_info node = {"n", "X", 17, attrs, 3};
    segi_op_ctx ctx = {.node = &node};
    const int64_t *v = NULL;
    CHECK_EQ_INT(segi_op_attr_ints(&ctx, "pads", &v), 3);
    CHECK(v == ints);
    CHECK_EQ_INT(segi_op_attr_ints(&ctx, "axis", &v), -1); /* wrong type: absent */
    CHECK_EQ_INT(segi_op_attr_int(&ctx, "axis", 5), -1);
    CHECK_EQ_INT(segi_op_attr_int(&ctx, "missing", 5), 5);
    CHECK_STR(segi_op_attr_string(&ctx, "mode", "constant"), "edge");
    CHECK(segi_op_attr_tensor(&ctx, "value") == NULL);
}

TEST(registry_lookup_is_consistent)
{
    int n = segi_op_count();
    for (int i = 0; i < n; i++) {
        const segi_op_def *d = segi_op_at(i);
        CHECK(d != NULL && segi_op_find(d->op_type) == d);
    }
    CHECK(segi_op_at(n) == NULL);
    CHECK(segi_op_find("NoSuchOp") == NULL);
}

int main(void)
{
    return RUN_TESTS(CASE(eval_runs_infer_then_run), CASE(eval_checks_arity_and_names_the_node),
                     CASE(attribute_getters_check_types), CASE(registry_lookup_is_consistent));
}
