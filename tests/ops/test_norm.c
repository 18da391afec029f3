/* BatchNormalization, InstanceNormalization, LayerNormalization against PyTorch
 * (tests/goldens/ops_nn.py), and the refusals of training mode and bad shapes. */
#include "golden.h"

#define G(name) golden(c, name)

TEST(batchnorm_inference)
{
    const char *c = "batchnorm";
    segi_attr a[] = {attr_float("epsilon", 1e-3f)};
    CHECK_OP("BatchNormalization", a, 1, IN(G("x"), G("scale"), G("bias"), G("mean"), G("var")),
             1, IN(G("y")), 1e-5);
}

TEST(instancenorm)
{
    const char *c = "instancenorm";
    CHECK_OP("InstanceNormalization", NULL, 0, IN(G("x"), G("scale"), G("bias")), 1, IN(G("y")),
             1e-5);
}

TEST(layernorm_with_statistics)
{
    const char *c = "layernorm";
    segi_attr a[] = {attr_int("axis", -2)};
    CHECK_OP("LayerNormalization", a, 1, IN(G("x"), G("scale"), G("bias")), 3,
             IN(G("y"), G("mean"), G("invstd")), 1e-5);
    a[0] = attr_int("axis", 2);
    CHECK_OP("LayerNormalization", a, 1, IN(G("x"), G("scale"), G("bias")), 1, IN(G("y")), 1e-5);
}

TEST(layernorm_default_axis_no_bias)
{
    const char *c = "layernorm_last";
    segi_attr a[] = {attr_float("epsilon", 1e-3f)};
    CHECK_OP("LayerNormalization", a, 1, IN(G("x"), G("scale")), 1, IN(G("y")), 1e-5);
}

TEST(norm_errors)
{
    seg_tensor *x = tensor_of(SEG_DTYPE_F32, 4, (const int64_t[]){1, 3, 2, 2}, NULL);
    seg_tensor *v3 = tensor_of(SEG_DTYPE_F32, 1, (const int64_t[]){3}, NULL);
    seg_tensor *v4 = tensor_of(SEG_DTYPE_F32, 1, (const int64_t[]){4}, NULL);
    seg_tensor *y[5] = {NULL};
    const seg_tensor *const bn[] = {x, v3, v3, v3, v3}, *const bn_bad[] = {x, v3, v4, v3, v3};
    segi_attr train = attr_int("training_mode", 1);
    CHECK_FAIL(run_op("BatchNormalization", &train, 1, 5, bn, 1, y), SEG_ERR_UNSUPPORTED,
               "BatchNormalization node 'test': training_mode=1 is not supported");
    CHECK_FAIL(run_op("BatchNormalization", NULL, 0, 5, bn, 3, y), SEG_ERR_UNSUPPORTED,
               "exist only in training");
    CHECK_FAIL(run_op("BatchNormalization", NULL, 0, 5, bn_bad, 1, y), SEG_ERR_SHAPE,
               "B (input 2) must have shape [3]");
    const seg_tensor *const in_bad[] = {x, v4, v3};
    CHECK_FAIL(run_op("InstanceNormalization", NULL, 0, 3, in_bad, 1, y), SEG_ERR_SHAPE,
               "scale (input 1) must have shape [3]");
    segi_attr axis = attr_int("axis", 4);
    const seg_tensor *const ln[] = {x, v3};
    CHECK_FAIL(run_op("LayerNormalization", &axis, 1, 2, ln, 1, y), SEG_ERR_SHAPE,
               "axis 4 is out of range for rank 4");
    CHECK_FAIL(run_op("LayerNormalization", NULL, 0, 2, ln, 1, y), SEG_ERR_SHAPE,
               "input 1 does not broadcast to the normalised shape (axis 3)");
    segi_attr stash = attr_int("stash_type", 10);
    const seg_tensor *const ln_ok[] = {x, v3};
    axis = attr_int("axis", 1);
    segi_attr both[] = {axis, stash};
    CHECK_FAIL(run_op("LayerNormalization", both, 2, 2, ln_ok, 1, y), SEG_ERR_UNSUPPORTED,
               "stash_type 10");
    CHECK(y[0] == NULL);
    seg_tensor_destroy(x);
    seg_tensor_destroy(v3);
    seg_tensor_destroy(v4);
}

int main(void)
{
    return RUN_TESTS(CASE(batchnorm_inference), CASE(instancenorm),
                     CASE(layernorm_with_statistics), CASE(layernorm_default_axis_no_bias),
                     CASE(norm_errors));
}
