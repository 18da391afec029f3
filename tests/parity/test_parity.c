/* Parity with PyTorch (and ONNX Runtime for the derived fp16/int8 graphs) on the small
 * networks made by tools/export_models.py: max-abs error <= 1e-4 x the output's range,
 * and the same argmax (or the same >0.5 decision for one-channel outputs) on at least
 * 99.9 % of pixels. Uses only the public API, at every optimisation level. */
#include "check.h"

#include <seg/seg.h>

#include <stdlib.h>
#include <string.h>

static const char *const models[] = {
    "deeplabv3_mbv3", "lraspp_mbv3", "fcn_resnet", "unet",
    "unet_fp16",      "nested_unet", "segformer",  "segformer_int8", "conv_paths",
};

static seg_tensor *load_npy(const char *name, const char *suffix)
{
    char path[4096];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(path, sizeof path, "%s/parity/%s.%s.npy", root ? root : "tests/data", name, suffix);
    seg_tensor *t = NULL;
    CHECK_OK(seg_npy_read_file(path, NULL, &t));
    return t;
}

/* Fraction of pixels whose decision agrees: argmax over axis 1 of [N, C, H, W], or the
 * > 0.5 threshold when C == 1. */
static double decision_agreement(const float *a, const float *b, const int64_t *dims)
{
    int64_t c = dims[1], plane = dims[2] * dims[3], same = 0, total = dims[0] * plane;
    for (int64_t n = 0; n < dims[0]; n++) {
        for (int64_t p = 0; p < plane; p++) {
            const float *pa = a + n * c * plane + p, *pb = b + n * c * plane + p;
            int64_t ia = 0, ib = 0;
            for (int64_t k = 1; k < c; k++) {
                ia = pa[k * plane] > pa[ia * plane] ? k : ia;
                ib = pb[k * plane] > pb[ib * plane] ? k : ib;
            }
            same += c == 1 ? (pa[0] > 0.5f) == (pb[0] > 0.5f) : ia == ib;
        }
    }
    return (double)same / (double)total;
}

/* A session on parity/NAME.onnx at `opt_level`, recording per-node profiles when
 * `profile`; NULL (after a failed CHECK) if it cannot be made. */
static seg_session *open_session(const char *name, int opt_level, int profile,
                                 seg_model **model)
{
    char path[4096];
    const char *root = getenv("SEG_TEST_DATA");
    snprintf(path, sizeof path, "%s/parity/%s.onnx", root ? root : "tests/data", name);
    seg_options *opts = NULL;
    seg_session *session = NULL;
    *model = NULL;
    CHECK_OK(seg_options_create(&opts));
    CHECK_OK(seg_options_set_int(opts, SEG_OPT_OPT_LEVEL, opt_level));
    CHECK_OK(seg_options_set_int(opts, SEG_OPT_PROFILE_NODES, profile));
    CHECK_OK(seg_model_load_file(path, opts, model));
    if (*model)
        CHECK_OK(seg_session_create(*model, opts, &session));
    seg_options_destroy(opts);
    return session;
}

static void check_model(const char *name, int opt_level)
{
    seg_model *model = NULL;
    seg_session *session = open_session(name, opt_level, 0, &model);
    seg_tensor *x = load_npy(name, "input"), *want = load_npy(name, "expected");
    if (session && x && want) {
        CHECK_OK(seg_session_run(session, (const seg_tensor *const[]){x}, 1));
        const seg_tensor *got = seg_session_output(session, 0);
        CHECK(got != NULL);
        if (got && seg_tensor_count(got) == seg_tensor_count(want)) {
            const float *g = seg_tensor_const_data(got), *w = seg_tensor_const_data(want);
            float lo = w[0], hi = w[0], err = 0;
            for (size_t i = 0; i < seg_tensor_count(want); i++) {
                lo = w[i] < lo ? w[i] : lo;
                hi = w[i] > hi ? w[i] : hi;
                err = fabsf(g[i] - w[i]) > err ? fabsf(g[i] - w[i]) : err;
            }
            double agree = decision_agreement(g, w, seg_tensor_dims(want));
            printf("  %-16s opt %d: max-abs %.3g (range %.3g), decisions %.4f%%\n", name,
                   opt_level, err, hi - lo, 100 * agree);
            CHECK(err <= 1e-4f * (hi - lo));
            CHECK(agree >= 0.999);
        } else {
            fprintf(stderr, "%s: output size differs from the expected\n", name);
            CHECK(0);
        }
    }
    seg_session_destroy(session);
    seg_model_destroy(model);
    seg_tensor_destroy(x);
    seg_tensor_destroy(want);
}

TEST(small_networks_match_the_references)
{
    for (size_t i = 0; i < sizeof models / sizeof models[0]; i++)
        for (int level = 0; level <= 2; level += 2)
            check_model(models[i], level);
}

static uint64_t node_stat(const seg_session *s, size_t i, seg_node_stat stat)
{
    uint64_t v = 0;
    CHECK_OK(seg_session_node_stat(s, i, stat, &v));
    return v;
}

/* The parity above only covers Winograd's rounding if Winograd ran: conv_paths has seven
 * 3x3 stride-1 convs with 16 or more channels per group (tools/export_models.py), and
 * the profile must show transform time on exactly those seven. Its depthwise conv must
 * run without any im2col, GEMM or transform phase. */
TEST(conv_paths_runs_winograd_and_depthwise)
{
    for (int level = 0; level <= 2; level += 2) {
        seg_model *model = NULL;
        seg_session *session = open_session("conv_paths", level, 1, &model);
        seg_tensor *x = load_npy("conv_paths", "input");
        if (session && x) {
            CHECK_OK(seg_session_run(session, (const seg_tensor *const[]){x}, 1));
            int winograd = 0, direct = 0;
            for (size_t i = 0; i < seg_session_node_count(session); i++) {
                if (strcmp(seg_session_node_op_type(session, i), "Conv") != 0)
                    continue;
                uint64_t transform = node_stat(session, i, SEG_NODE_STAT_TRANSFORM_NS),
                         gemm = node_stat(session, i, SEG_NODE_STAT_GEMM_NS),
                         im2col = node_stat(session, i, SEG_NODE_STAT_IM2COL_NS);
                winograd += transform > 0;
                direct += transform == 0 && gemm == 0 && im2col == 0;
            }
            CHECK_EQ_INT(winograd, 7);
            CHECK_EQ_INT(direct, 1);
        }
        seg_session_destroy(session);
        seg_model_destroy(model);
        seg_tensor_destroy(x);
    }
}

int main(void)
{
    return RUN_TESTS(CASE(small_networks_match_the_references),
                     CASE(conv_paths_runs_winograd_and_depthwise));
}
