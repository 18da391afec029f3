// seg/seg.hpp: RAII handles, views, and errors that carry the status and the message.
// Built by meson and, by check-compilers.sh, with g++ and clang++ under
// -std=c++17 -Wall -Wextra -Werror -pedantic.
#include <seg/seg.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

static int failures = 0;

#define EXPECT(cond)                                                                         \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond);                  \
            failures++;                                                                      \
        }                                                                                    \
    } while (0)

// `expr` must throw seg::error with want_status and a message containing want_text.
#define EXPECT_THROW(expr, want_status, want_text)                                           \
    do {                                                                                     \
        try {                                                                                \
            (void)(expr);                                                                    \
            std::fprintf(stderr, "%s:%d: %s did not throw\n", __FILE__, __LINE__, #expr);    \
            failures++;                                                                      \
        } catch (const seg::error &e) {                                                      \
            std::string what_ = e.what();                                                    \
            if (e.status() != (want_status) || what_.find(want_text) == std::string::npos) { \
                std::fprintf(stderr, "%s:%d: %s threw %s: %s\n", __FILE__, __LINE__,         \
                             #expr, e.status_string(), e.what());                            \
                failures++;                                                                  \
            }                                                                                \
        }                                                                                    \
    } while (0)

static std::string data(const char *name)
{
    const char *dir = std::getenv("SEG_TEST_DATA");
    return std::string(dir ? dir : "tests/data") + "/run/" + name;
}

// Handles own their C object: not copyable, movable without throwing.
static_assert(!std::is_copy_constructible_v<seg::model>);
static_assert(!std::is_copy_assignable_v<seg::tensor>);
static_assert(std::is_nothrow_move_constructible_v<seg::tensor>);
static_assert(std::is_nothrow_move_assignable_v<seg::result>);
static_assert(std::is_copy_constructible_v<seg::tensor_view>);
static_assert(std::is_base_of_v<std::runtime_error, seg::error>);
static_assert(!std::is_copy_constructible_v<seg::sequence>);
static_assert(std::is_nothrow_move_constructible_v<seg::sequence>);
static_assert(std::is_copy_constructible_v<seg::result_view>);

static void tensors()
{
    seg::tensor t = seg::tensor::create(SEG_DTYPE_F32, {2, 3});
    EXPECT(t.rank() == 2 && t.dim(1) == 3 && t.count() == 6 && t.nbytes() == 24);
    EXPECT(t.dims().size() == 2 && t.dims()[0] == 2);
    seg::span<float> v = t.mutable_data<float>();
    for (size_t i = 0; i < v.size(); i++)
        v[i] = static_cast<float>(i);
    seg::tensor moved = std::move(t);
    EXPECT(!t && moved && moved.data<float>()[5] == 5.0f);
    seg::tensor u8 = moved.convert(SEG_DTYPE_U8);
    EXPECT(u8.data<uint8_t>()[4] == 4);
    EXPECT_THROW(u8.data<float>(), SEG_ERR_SHAPE, "tensor is u8, not f32");
    EXPECT_THROW(seg::tensor::create(SEG_DTYPE_F32, {-1}), SEG_ERR_INVALID_ARGUMENT, "");
    seg::tensor copy = seg::tensor::clone(moved);
    EXPECT(copy.data<float>()[3] == 3.0f && copy.get() != moved.get());
}

static void errors()
{
    EXPECT_THROW(seg::model::load_file("/nonexistent/m.onnx"), SEG_ERR_IO, "/nonexistent/m.onnx");
    EXPECT_THROW(seg::profile::load_memory("{\"preprocess\": "), SEG_ERR_FORMAT, "invalid JSON");
    EXPECT_THROW(seg::profile::load_memory("{\"preprocess\": {\"size\": \"keep\"}, \"postprocess\":"
                                           " {\"task\": \"panoptic\"}}"),
                 SEG_ERR_FORMAT, "postprocess.decoder: missing");
    seg::options opts;
    EXPECT(opts.set(SEG_OPT_THREADS, 1).get(SEG_OPT_THREADS) == 1);
    EXPECT_THROW(opts.set(static_cast<seg_option>(999), 1), SEG_ERR_INVALID_ARGUMENT, "");
    try {
        (void)seg::image_decode_file("/nonexistent.png");
        EXPECT(false);
    } catch (const seg::error &e) {
        EXPECT(std::string(e.status_string()) == seg_status_string(SEG_ERR_IO));
    }
}

// The panoptic-fpn test model end to end; the goldens are tests/goldens/run_panoptic_fpn.py's.
static void run_panoptic()
{
    seg::model model = seg::model::load_file(data("panoptic_fpn.onnx").c_str());
    EXPECT(model.input_count() == 1 && model.input_name(0) == "image");
    EXPECT(model.output_count() == 5 && model.find_output("scores") == 3);
    EXPECT_THROW(model.find_output("nope"), SEG_ERR_NOT_FOUND, "nope");
    seg::session session(model);
    seg::profile profile = seg::profile::load_file(data("panoptic_fpn.seg.json").c_str());
    EXPECT(profile.task() == SEG_TASK_PANOPTIC && profile.class_name(1) == "car");
    EXPECT(profile.class_name(99).empty());
    seg::tensor image = seg::image_decode_file(data("panoptic_fpn.png").c_str());
    seg::result result = seg::run_image(model, session, profile, image);
    EXPECT(result.task() == SEG_TASK_PANOPTIC && !result.semantic() && !result.instances());
    seg::panoptic_view pan = result.panoptic();
    seg::tensor want = seg::npy_read_file(data("panoptic_fpn_ids.npy").c_str());
    seg::span<const int32_t> got = pan.id_map().data<int32_t>(), ids = want.data<int32_t>();
    EXPECT(got.size() == ids.size());
    size_t differ = 0;
    for (size_t i = 0; i < got.size() && i < ids.size(); i++)
        differ += got[i] != ids[i];
    EXPECT(differ == 0);
    EXPECT(pan.count() == 4);
    EXPECT(pan.segment(1).category_id == 1 && pan.segment(1).area == 406);
    EXPECT_THROW(pan.segment(4), SEG_ERR_INVALID_ARGUMENT, "");
    seg::tensor overlay = pan.overlay(image, 0.5f);
    EXPECT(overlay.dim(0) == 32 && overlay.dim(1) == 64 && overlay.dim(2) == 3);
    EXPECT(session.output(3).dim(0) == 4 && !session.output(9));

    // The decoders called directly: owned results, convertible to views.
    seg::semantic sem = seg::semantic_from_logits(session.output(0));
    EXPECT(sem.labels().dim(0) == 16 && sem.num_classes() == 5);
    seg_panoptic_fpn_params fp;
    seg_panoptic_fpn_params_init(&fp);
    fp.stuff_area = 1;
    fp.things_label = -1;
    seg::panoptic stuff = seg::panoptic_from_fpn(sem.labels(), seg::instances_view(nullptr), &fp);
    seg::panoptic_view stuff_view = stuff;
    // Without instances every label present is one stuff segment.
    EXPECT(stuff_view && stuff_view.count() == stuff.count() && stuff.count() >= 2);
    EXPECT(stuff.segment(0).is_thing == 0);
    EXPECT_THROW(seg::panoptic_from_fpn(session.output(0), seg::instances_view(nullptr)),
                 SEG_ERR_SHAPE, "panoptic fpn");

    // Running the session directly, by position and by name, and failing by name.
    seg::tensor input = seg::tensor::create(SEG_DTYPE_F32, {1, 3, 32, 32});
    session.run({input});
    EXPECT(session.output(0).dim(1) == 5 && session.output(4).dim(1) == 1);
    session.run_named({{"image", input}});
    EXPECT(session.output(1).dim(1) == 4);
    EXPECT_THROW(session.run_named({{"nope", input}}), SEG_ERR_NOT_FOUND, "nope");
}

static seg::tensor solid(int64_t h, int64_t w, uint8_t r, uint8_t g)
{
    seg::tensor t = seg::tensor::create(SEG_DTYPE_U8, {h, w, 3});
    seg::span<uint8_t> p = t.mutable_data<uint8_t>();
    for (size_t i = 0; i < p.size(); i += 3) {
        p[i] = r;
        p[i + 1] = g;
    }
    return t;
}

static float first_probability(seg::semantic_view s)
{
    return s.probabilities().data<float>()[0];
}

// Smoothing on the salient test model (logit 8 (R - G)) against seg::run_image's own
// per-frame probabilities, as tests/run/test_sequence.c does in C: with alpha 0.4 a
// green frame after a red one has 0.4 p_green + 0.6 p_red and stays foreground.
static void sequence_smooths()
{
    seg::model model = seg::model::load_file(data("salient.onnx").c_str());
    seg::session session(model);
    seg::profile profile = seg::profile::load_file(data("salient.seg.json").c_str());
    seg::tensor red = solid(4, 6, 200, 0), green = solid(4, 6, 0, 200);
    float p_red = first_probability(seg::run_image(model, session, profile, red).semantic());
    float p_green = first_probability(seg::run_image(model, session, profile, green).semantic());
    seg::sequence seq(model, session, profile);
    seq.set_double(SEG_SEQUENCE_SMOOTHING, 0.4);
    EXPECT(first_probability(seq.push(red).semantic()) == p_red);
    seg::result_view second = seq.push(green);
    EXPECT(std::fabs(first_probability(second.semantic()) - (0.4f * p_green + 0.6f * p_red)) <
           1e-6f);
    EXPECT(second.task() == SEG_TASK_SALIENT && second.semantic().labels().data<uint8_t>()[0] == 1);

    EXPECT_THROW(seq.set_double(SEG_SEQUENCE_SMOOTHING, 0), SEG_ERR_INVALID_ARGUMENT,
                 "SEG_SEQUENCE_SMOOTHING must be in (0, 1], got 0");
    EXPECT_THROW(seq.set_int(SEG_SEQUENCE_MAX_MISSED, -1), SEG_ERR_INVALID_ARGUMENT,
                 "SEG_SEQUENCE_MAX_MISSED must be >= 0, got -1");
    seg::tensor gray = seg::tensor::create(SEG_DTYPE_U8, {4, 6});
    EXPECT_THROW(seq.push(gray), SEG_ERR_SHAPE, "u8 [H, W, 1|3|4]");
    // A failed push leaves the previous frame's result readable, a move keeps the count.
    seg::sequence moved = std::move(seq);
    EXPECT(moved.frame_count() == 2 && first_probability(second.semantic()) > 0.5f);
}

// The fixed YOLO outputs repeat in every frame: the two instances keep ids 1 and 2; after
// a reset they start new tracks 3 and 4; seg::run_image's instances carry no ids.
static void sequence_tracks()
{
    seg::model model = seg::model::load_file(data("yolo.onnx").c_str());
    seg::session session(model);
    seg::profile profile = seg::profile::load_file(data("yolo.seg.json").c_str());
    seg::tensor image = seg::image_decode_file(data("wide.png").c_str());
    seg::sequence seq(model, session, profile);
    for (int k = 0; k < 2; k++) {
        seg::instances_view in = seq.push(image).instances();
        EXPECT(in.count() == 2 && in.track_id(0) == 1 && in.track_id(1) == 2);
        EXPECT(in.track_id(2) == 0);
    }
    seq.reset();
    seg::instances_view in = seq.push(image).instances();
    EXPECT(in.track_id(0) == 3 && in.track_id(1) == 4 && seq.frame_count() == 3);
    EXPECT(seg::run_image(model, session, profile, image).instances().track_id(0) == 0);
}

int main()
{
    try {
        seg::init();
        tensors();
        errors();
        run_panoptic();
        sequence_smooths();
        sequence_tracks();
    } catch (const seg::error &e) {
        std::fprintf(stderr, "unexpected seg::error: %s: %s\n", e.status_string(), e.what());
        return 1;
    }
    std::printf("%s\n", failures ? "FAIL" : "ok");
    return failures ? 1 : 0;
}
