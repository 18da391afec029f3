/* The graph layer with test-only operators: build, passes, planning, execution. */
#include "check.h"
#include "graph/plan.h"
#include "test_ops.h"

#include <seg/seg_npy.h>
#include <stdlib.h>

static const char *data_path(const char *name)
{
    static char buf[1024];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(buf, sizeof buf, "%s/onnx/%s", root ? root : "tests/data", name);
    return buf;
}

static seg_status build(const char *name, int level, segi_graph **g)
{
    segi_onnx_model *m = NULL;
    seg_status st = segi_onnx_load_file(data_path(name), SIZE_MAX, &m);
    if (st != SEG_OK)
        return st;
    return segi_graph_build(m, level, test_resolve, NULL, g);
}

static seg_tensor *npy(const char *name)
{
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(data_path(name), NULL, &t));
    return t;
}

static void check_close(const seg_tensor *got, const seg_tensor *want, float tol)
{
    CHECK(got && want);
    if (!got || !want)
        return;
    CHECK_EQ_INT(got->rank, want->rank);
    CHECK_EQ_INT(got->nbytes, want->nbytes);
    size_t n = got->nbytes < want->nbytes ? got->nbytes / 4 : want->nbytes / 4;
    for (size_t i = 0; i < n; i++)
        CHECK_NEAR(((const float *)got->data)[i], ((const float *)want->data)[i], tol);
}

static int live_ops(const segi_graph *g, const char *op)
{
    int n = 0;
    for (int o = 0; o < g->n_order; o++)
        n += strcmp(g->nodes[g->order[o]].op_type, op) == 0;
    return n;
}

/* Build at `level`, run on input file `x`, compare with `y`; returns the graph. */
static void run_case(const char *model, int level, const char *x, const char *y,
                     int want_nodes)
{
    segi_graph *g = NULL;
    CHECK_OK(build(model, level, &g));
    if (!g)
        return;
    if (want_nodes >= 0)
        CHECK_EQ_INT(g->n_order, want_nodes);
    seg_tensor *in = npy(x), *want = npy(y);
    segi_plan *p = NULL;
    CHECK_OK(segi_plan_create(g, (const seg_tensor *const[]){in}, NULL, &p));
    if (p) {
        CHECK_OK(segi_plan_run(p, (const seg_tensor *const[]){in}));
        check_close(segi_plan_output(p, 0), want, 1e-5f);
        /* A second run on the same plan gives the same numbers. */
        CHECK_OK(segi_plan_run(p, (const seg_tensor *const[]){in}));
        check_close(segi_plan_output(p, 0), want, 1e-5f);
    }
    segi_plan_free(p);
    seg_tensor_destroy(in);
    seg_tensor_destroy(want);
    segi_graph_free(g);
}

TEST(conv_relu_at_every_level)
{
    run_case("conv_relu.onnx", 0, "conv_relu_x.npy", "conv_relu_y.npy", 2);
    run_case("conv_relu.onnx", 1, "conv_relu_x.npy", "conv_relu_y.npy", 2);
    run_case("conv_relu.onnx", 2, "conv_relu_x.npy", "conv_relu_y.npy", 1);
}

TEST(batchnorm_folds_into_conv)
{
    run_case("conv_bn.onnx", 0, "conv_bn_x.npy", "conv_bn_y.npy", 3);
    run_case("conv_bn.onnx", 2, "conv_bn_x.npy", "conv_bn_y.npy", 1);
    segi_graph *g = NULL;
    CHECK_OK(build("conv_bn.onnx", 2, &g));
    if (g) {
        const segi_node *conv = &g->nodes[g->order[0]];
        const segi_attr *a = segi_attr_find(conv->attrs, conv->n_attrs, "segi_activation");
        CHECK(a && strcmp(a->s, "relu") == 0);
        CHECK_EQ_INT(conv->n_in, 3);
    }
    segi_graph_free(g);
}

TEST(sigmoid_gate_fuses_as_silu)
{
    run_case("conv_silu.onnx", 0, "conv_bn_x.npy", "conv_silu_y.npy", 3);
    run_case("conv_silu.onnx", 2, "conv_bn_x.npy", "conv_silu_y.npy", 1);
}

TEST(passes_and_plan_time_folding)
{
    float xs[6] = {-1, 2, -3, 4, 5, -6};
    seg_tensor *x = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){2, 3}, xs, sizeof xs, &x));
    for (int level = 0; level <= 2; level += 2) {
        segi_graph *g = NULL;
        CHECK_OK(build("passes.onnx", level, &g));
        if (!g)
            continue;
        if (level) { /* Identity, Dropout, the dead Relu, Constant and its Add are gone */
            CHECK_EQ_INT(live_ops(g, "Identity") + live_ops(g, "Dropout"), 0);
            CHECK_EQ_INT(live_ops(g, "Constant"), 0);
            CHECK_EQ_INT(g->n_order, 4); /* Relu, Shape, Reshape, Add */
        }
        segi_plan *p = NULL;
        CHECK_OK(segi_plan_create(g, (const seg_tensor *const[]){x}, NULL, &p));
        if (p) {
            /* Shape folds while planning, and with it Reshape's shape; Reshape and
             * Dropout of run-time values become views (the Identity of the graph
             * input stays a copy). */
            CHECK_EQ_INT(segi_plan_steps(p), level ? 2 : 4);
            CHECK_OK(segi_plan_run(p, (const seg_tensor *const[]){x}));
            const seg_tensor *y = segi_plan_output(p, 0);
            CHECK(y->rank == 2 && y->dims[0] == 2 && y->dims[1] == 3);
            const float want[6] = {3, 5, 3, 7, 8, 3};
            for (int i = 0; i < 6; i++)
                CHECK_NEAR(((const float *)y->data)[i], want[i], 0);
        }
        segi_plan_free(p);
        segi_graph_free(g);
    }
    seg_tensor_destroy(x);
}

TEST(views_share_buffers_for_their_whole_lifetime)
{
    segi_graph *g = NULL;
    CHECK_OK(build("view_lifetime.onnx", 0, &g));
    float xs[6] = {-1, 2, -3, 4, 5, -6};
    seg_tensor *x = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){2, 3}, xs, sizeof xs, &x));
    segi_plan *p = NULL;
    if (g)
        CHECK_OK(segi_plan_create(g, (const seg_tensor *const[]){x}, NULL, &p));
    if (p) {
        CHECK_EQ_INT(segi_plan_steps(p), 4); /* the Reshape is a view, not a step */
        CHECK_OK(segi_plan_run(p, (const seg_tensor *const[]){x}));
        const float *y = segi_plan_output(p, 0)->data;
        for (int i = 0; i < 6; i++)
            CHECK_NEAR(y[i], xs[i] > 0 ? 2 * xs[i] : 0, 0);
        /* a (= v), b, c and y: a lives to the end, so three buffers of 64 bytes. */
        CHECK_EQ_INT(segi_plan_arena_bytes(p), 3 * 64);
    }
    segi_plan_free(p);
    seg_tensor_destroy(x);
    segi_graph_free(g);
}

TEST(arena_reuses_buffers)
{
    segi_graph *g = NULL;
    CHECK_OK(build("chain.onnx", 0, &g));
    float xs[1000] = {0};
    seg_tensor *x = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){1, 1000}, xs, sizeof xs, &x));
    segi_plan *p = NULL;
    if (g)
        CHECK_OK(segi_plan_create(g, (const seg_tensor *const[]){x}, NULL, &p));
    if (p) {
        /* Six 4000-byte values (4032 aligned), at most two alive at once. */
        CHECK_EQ_INT(segi_plan_arena_bytes(p), 2 * 4032);
        CHECK(segi_plan_matches(p, (const seg_tensor *const[]){x}));
    }
    seg_tensor *x2 = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){2, 500}, xs, sizeof xs, &x2));
    if (p)
        CHECK(!segi_plan_matches(p, (const seg_tensor *const[]){x2}));
    segi_plan_free(p);
    seg_tensor_destroy(x);
    seg_tensor_destroy(x2);
    segi_graph_free(g);
}

TEST(structural_errors)
{
    segi_graph *g = NULL;
    CHECK_FAIL(build("cycle.onnx", 0, &g), SEG_ERR_FORMAT, "cycle through Relu node 'ra'");
    CHECK_FAIL(build("undefined_input.onnx", 0, &g), SEG_ERR_FORMAT,
               "Relu node 'lost': input 'nowhere' is not a graph input");
    CHECK_FAIL(build("missing_output.onnx", 0, &g), SEG_ERR_FORMAT,
               "graph output 'z' is not produced");
    CHECK_FAIL(build("unknown_op.onnx", 0, &g), SEG_ERR_UNSUPPORTED,
               "operator FooBar (node 'mystery', opset 13) is not supported");
    CHECK_FAIL(build("unknown_domain.onnx", 0, &g), SEG_ERR_UNSUPPORTED,
               "operator com.example.Relu (node 'r') is not supported");
    CHECK_FAIL(build("opset6.onnx", 0, &g), SEG_ERR_UNSUPPORTED, "opset 6 is not supported");
    CHECK(g == NULL);
}

TEST(inputs_that_decide_shapes_are_captured)
{
    segi_graph *g = NULL;
    CHECK_OK(build("dynamic_reshape.onnx", 0, &g));
    float xs[6] = {1, 2, 3, 4, 5, 6};
    int64_t ss[2] = {3, 2};
    seg_tensor *x = NULL, *s = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_F32, 2, (const int64_t[]){2, 3}, xs, sizeof xs, &x));
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_I64, 1, (const int64_t[]){2}, ss, sizeof ss, &s));
    segi_plan *p = NULL;
    if (g)
        CHECK_OK(segi_plan_create(g, (const seg_tensor *const[]){x, s}, NULL, &p));
    if (p) {
        CHECK_OK(segi_plan_run(p, (const seg_tensor *const[]){x, s}));
        const seg_tensor *y = segi_plan_output(p, 0);
        CHECK(y->rank == 2 && y->dims[0] == 3 && y->dims[1] == 2);
        CHECK(((const float *)y->data)[5] == 6);
        /* The plan holds the shape's value: a new value needs a new plan. */
        CHECK(segi_plan_matches(p, (const seg_tensor *const[]){x, s}));
        ss[0] = 1;
        ss[1] = 6;
        CHECK(!segi_plan_matches(p, (const seg_tensor *const[]){x, s}));
    }
    segi_plan_free(p);
    seg_tensor_destroy(x);
    seg_tensor_destroy(s);
    segi_graph_free(g);
}

int main(void)
{
    return RUN_TESTS(CASE(conv_relu_at_every_level), CASE(batchnorm_folds_into_conv),
                     CASE(sigmoid_gate_fuses_as_silu), CASE(passes_and_plan_time_folding),
                     CASE(arena_reuses_buffers), CASE(views_share_buffers_for_their_whole_lifetime), CASE(structural_errors),
                     CASE(inputs_that_decide_shapes_are_captured));
}
