/* MatMul and Gemm against PyTorch (tests/goldens/ops_nn.py), and shape errors. */
#include "golden.h"

#define G(name) golden(c, name)

TEST(matmul_broadcast_batches)
{
    const char *c = "matmul_bcast";
    CHECK_OP("MatMul", NULL, 0, IN(G("a"), G("b")), 1, IN(G("y")), 1e-5);
}

TEST(matmul_vector_promotion)
{
    const char *c = "matmul_vec_left";
    CHECK_OP("MatMul", NULL, 0, IN(G("a"), G("b")), 1, IN(G("y")), 1e-5);
    c = "matmul_vec_right";
    CHECK_OP("MatMul", NULL, 0, IN(G("a"), G("b")), 1, IN(G("y")), 1e-5);
    seg_tensor *a = F32(1, DIMS(3), {1, 2, 3}), *b = F32(1, DIMS(3), {4, 5, 6}), *y = NULL;
    CHECK_OK(run_op("MatMul", NULL, 0, 2, (const seg_tensor *const[]){a, b}, 1, &y));
    CHECK_F32(y, 0, DIMS(0), 0, {32});
    seg_tensor_destroy(a);
    seg_tensor_destroy(b);
    seg_tensor_destroy(y);
}

TEST(gemm_transposes_alpha_beta_bias)
{
    const char *c = "gemm";
    segi_attr a[] = {attr_int("transA", 1), attr_int("transB", 1), attr_float("alpha", 0.5f),
                     attr_float("beta", 2.0f)};
    CHECK_OP("Gemm", a, 4, IN(G("a"), G("b"), G("c")), 1, IN(G("y")), 1e-5);
}

TEST(gemm_bias_shapes)
{
    seg_tensor *a = F32(2, DIMS(2, 2), {1, 2, 3, 4}), *b = F32(2, DIMS(2, 2), {1, 0, 0, 1});
    seg_tensor *col = F32(2, DIMS(2, 1), {10, 20}), *y = NULL;
    CHECK_OK(run_op("Gemm", NULL, 0, 3, (const seg_tensor *const[]){a, b, col}, 1, &y));
    CHECK_F32(y, 2, DIMS(2, 2), 0, {11, 12, 23, 24});
    seg_tensor_destroy(y);
    CHECK_OK(run_op("Gemm", NULL, 0, 2, (const seg_tensor *const[]){a, b}, 1, &y));
    CHECK_F32(y, 2, DIMS(2, 2), 0, {1, 2, 3, 4});
    seg_tensor_destroy(y);
    seg_tensor *bad = F32(1, DIMS(3), {1, 2, 3});
    CHECK_FAIL(run_op("Gemm", NULL, 0, 3, (const seg_tensor *const[]){a, b, bad}, 1, &y),
               SEG_ERR_SHAPE, "Gemm node 'test': C does not broadcast to [2, 2]");
    seg_tensor_destroy(a);
    seg_tensor_destroy(b);
    seg_tensor_destroy(col);
    seg_tensor_destroy(bad);
}

TEST(matmul_errors)
{
    seg_tensor *a = tensor_of(SEG_DTYPE_F32, 3, (const int64_t[]){2, 3, 4}, NULL);
    seg_tensor *b = tensor_of(SEG_DTYPE_F32, 3, (const int64_t[]){3, 4, 5}, NULL);
    seg_tensor *b2 = tensor_of(SEG_DTYPE_F32, 2, (const int64_t[]){5, 4}, NULL);
    seg_tensor *s = tensor_of(SEG_DTYPE_F32, 0, NULL, NULL);
    seg_tensor *y = NULL;
    CHECK_FAIL(run_op("MatMul", NULL, 0, 2, (const seg_tensor *const[]){a, b}, 1, &y),
               SEG_ERR_SHAPE, "MatMul node 'test': batch dimensions 2 and 3 do not broadcast");
    CHECK_FAIL(run_op("MatMul", NULL, 0, 2, (const seg_tensor *const[]){a, b2}, 1, &y),
               SEG_ERR_SHAPE, "inner dimensions differ: 4 vs 5");
    CHECK_FAIL(run_op("MatMul", NULL, 0, 2, (const seg_tensor *const[]){a, s}, 1, &y),
               SEG_ERR_SHAPE, "operands must have rank >= 1");
    CHECK_FAIL(run_op("Gemm", NULL, 0, 2, (const seg_tensor *const[]){a, b2}, 1, &y),
               SEG_ERR_SHAPE, "A and B must be 2-D");
    CHECK(y == NULL);
    seg_tensor_destroy(a);
    seg_tensor_destroy(b);
    seg_tensor_destroy(b2);
    seg_tensor_destroy(s);
}

int main(void)
{
    return RUN_TESTS(CASE(matmul_broadcast_batches), CASE(matmul_vector_promotion),
                     CASE(gemm_transposes_alpha_beta_bias), CASE(gemm_bias_shapes),
                     CASE(matmul_errors));
}
