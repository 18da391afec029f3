/*
 * seg.hpp: a header-only C++17 wrapper over libseg's C API.
 *
 *   seg::model m = seg::model::load_file("model.onnx");
 *   seg::session s(m);
 *   seg::profile p = seg::profile::load_file("model.seg.json");
 *   seg::tensor image = seg::image_decode_file("photo.jpg");
 *   seg::result r = seg::run_image(m, s, p, image);
 *   for (size_t i = 0; i < r.panoptic().count(); i++) ... r.panoptic().segment(i) ...
 *
 * Ownership. Every C handle the caller owns is a move-only class whose destructor calls
 * the matching *_destroy (model, session, options, profile, tensor, result, semantic,
 * instances, panoptic, rle, sequence). What the C API lends (session outputs, a
 * result's semantic / instances / panoptic parts, label and id maps, a sequence's
 * frame results) comes back as a *_view: a copyable, non-owning pointer that is valid
 * as long as the C contract says (until the owner is destroyed, for session outputs
 * until the next run, for a sequence's result until its next push or reset).
 *
 * Errors. A failing call throws seg::error, which carries the seg_status (status())
 * and seg_last_error()'s message (what()); the message is copied because the C text is
 * per-thread and overwritten by the next failing call. Constructing the error is the
 * only allocation the wrapper adds: views are pointer + size (seg::span,
 * std::string_view), and every other allocation is the C library's own.
 *
 * Threading is that of the C API (seg_model.h): a model is shared, a session is used
 * by one thread at a time.
 */
#ifndef SEG_HPP
#define SEG_HPP

#include "seg.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace seg {

/** A failed libseg call: the status code and the library's message. */
class error : public std::runtime_error {
public:
    error(seg_status status, const std::string &message)
        : std::runtime_error(message), status_(status) {}
    /** The C status code (never SEG_OK). */
    seg_status status() const noexcept { return status_; }
    /** seg_status_string() of the code, e.g. "shape mismatch". */
    const char *status_string() const noexcept { return seg_status_string(status_); }

private:
    seg_status status_;
};

/** Throw seg::error for a failed status, with seg_last_error()'s message. */
inline void check(seg_status status)
{
    if (status != SEG_OK)
        throw error(status, seg_last_error());
}

/** Check that the header and the library linked at run time agree (SEG_INIT). */
inline void init() { check(SEG_INIT()); }

/** A contiguous, non-owning range: pointer and length (std::span is C++20). */
template <class T>
class span {
public:
    constexpr span() noexcept = default;
    constexpr span(T *data, size_t size) noexcept : data_(data), size_(size) {}
    constexpr T *data() const noexcept { return data_; }
    constexpr size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr T *begin() const noexcept { return data_; }
    constexpr T *end() const noexcept { return data_ + size_; }
    constexpr T &operator[](size_t i) const noexcept { return data_[i]; }

private:
    T *data_ = nullptr;
    size_t size_ = 0;
};

namespace detail {

/** Owns one C handle; destroy(nullptr) is a no-op for every libseg handle. */
template <class Handle, void (*Destroy)(Handle *)>
class unique {
public:
    unique() noexcept = default;
    explicit unique(Handle *p) noexcept : p_(p) {}
    unique(const unique &) = delete;
    unique &operator=(const unique &) = delete;
    unique(unique &&o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    unique &operator=(unique &&o) noexcept
    {
        if (this != &o) {
            Destroy(p_);
            p_ = std::exchange(o.p_, nullptr);
        }
        return *this;
    }
    ~unique() { Destroy(p_); }
    Handle *get() const noexcept { return p_; }
    Handle *release() noexcept { return std::exchange(p_, nullptr); }

private:
    Handle *p_ = nullptr;
};

/** Call a C constructor `fn(args..., &handle)`; the new handle, or throw seg::error. */
template <class Handle, class Fn, class... Args>
Handle *out(Fn fn, Args... args)
{
    Handle *h = nullptr;
    check(fn(args..., &h));
    return h;
}

/** A string the C API lends, or "" for NULL. */
inline std::string_view text(const char *s) noexcept
{
    return s ? std::string_view(s) : std::string_view();
}

template <class T> struct dtype_of;
template <> struct dtype_of<float> { static constexpr seg_dtype value = SEG_DTYPE_F32; };
template <> struct dtype_of<uint8_t> { static constexpr seg_dtype value = SEG_DTYPE_U8; };
template <> struct dtype_of<int8_t> { static constexpr seg_dtype value = SEG_DTYPE_I8; };
template <> struct dtype_of<int32_t> { static constexpr seg_dtype value = SEG_DTYPE_I32; };
template <> struct dtype_of<int64_t> { static constexpr seg_dtype value = SEG_DTYPE_I64; };

/** The read accessors shared by tensor and tensor_view (D::c_tensor()). */
template <class D>
class tensor_api {
public:
    seg_dtype dtype() const noexcept { return seg_tensor_dtype(c()); }
    int rank() const noexcept { return seg_tensor_rank(c()); }
    span<const int64_t> dims() const noexcept
    {
        return {seg_tensor_dims(c()), static_cast<size_t>(rank())};
    }
    int64_t dim(int axis) const noexcept { return seg_tensor_dim(c(), axis); }
    size_t count() const noexcept { return seg_tensor_count(c()); }
    size_t nbytes() const noexcept { return seg_tensor_nbytes(c()); }
    /** The elements as T, which must match dtype() (float f32, uint8_t u8, int8_t i8,
     *  int32_t i32, int64_t i64); else seg::error SEG_ERR_SHAPE. */
    template <class T>
    span<const T> data() const
    {
        expect(dtype_of<T>::value);
        return {static_cast<const T *>(seg_tensor_const_data(c())), count()};
    }

protected:
    const seg_tensor *c() const noexcept { return static_cast<const D &>(*this).c_tensor(); }
    void expect(seg_dtype want) const
    {
        if (dtype() != want)
            throw error(SEG_ERR_SHAPE, std::string("tensor is ") + seg_dtype_name(dtype()) +
                                           ", not " + seg_dtype_name(want));
    }
};

} // namespace detail

/** A borrowed, read-only tensor (a session output, a label map, ...). */
class tensor_view : public detail::tensor_api<tensor_view> {
public:
    tensor_view() noexcept = default;
    explicit tensor_view(const seg_tensor *t) noexcept : t_(t) {}
    const seg_tensor *c_tensor() const noexcept { return t_; }
    explicit operator bool() const noexcept { return t_ != nullptr; }

private:
    const seg_tensor *t_ = nullptr;
};

/** An owned tensor (seg_tensor_create / _wrap / _clone and everything returning one). */
class tensor : public detail::tensor_api<tensor> {
public:
    tensor() noexcept = default;
    /** Adopt a handle (ownership passes to this object). */
    explicit tensor(seg_tensor *t) noexcept : h_(t) {}
    /** A new tensor, zero-filled (seg_tensor_create). */
    static tensor create(seg_dtype dtype, span<const int64_t> dims)
    {
        return tensor(detail::out<seg_tensor>(seg_tensor_create,
            dtype, static_cast<int>(dims.size()), dims.data()));
    }
    static tensor create(seg_dtype dtype, std::initializer_list<int64_t> dims)
    {
        return create(dtype, span<const int64_t>(dims.begin(), dims.size()));
    }
    /** Borrow `nbytes` of caller memory, which must outlive the tensor (seg_tensor_wrap). */
    static tensor wrap(seg_dtype dtype, span<const int64_t> dims, void *data, size_t nbytes)
    {
        return tensor(detail::out<seg_tensor>(seg_tensor_wrap,
            dtype, static_cast<int>(dims.size()), dims.data(), data, nbytes));
    }
    static tensor clone(tensor_view src)
    {
        return tensor(detail::out<seg_tensor>(seg_tensor_clone, src.c_tensor()));
    }
    tensor convert(seg_dtype dtype) const
    {
        return tensor(detail::out<seg_tensor>(seg_tensor_convert, c_tensor(), dtype));
    }
    template <class T>
    span<T> mutable_data()
    {
        expect(detail::dtype_of<T>::value);
        return {static_cast<T *>(seg_tensor_data(h_.get())), count()};
    }
    const seg_tensor *c_tensor() const noexcept { return h_.get(); }
    seg_tensor *get() noexcept { return h_.get(); }
    seg_tensor *release() noexcept { return h_.release(); }
    explicit operator bool() const noexcept { return h_.get() != nullptr; }
    tensor_view view() const noexcept { return tensor_view(h_.get()); }
    operator tensor_view() const noexcept { return view(); }

private:
    detail::unique<seg_tensor, seg_tensor_destroy> h_;
};

/** Typed, enum-keyed options (seg_options.h). */
class options {
public:
    options()
    {
        h_ = decltype(h_)(detail::out<seg_options>(seg_options_create));
    }
    options &set(seg_option key, int64_t value)
    {
        check(seg_options_set_int(h_.get(), key, value));
        return *this;
    }
    int64_t get(seg_option key) const
    {
        int64_t v = 0;
        check(seg_options_get_int(h_.get(), key, &v));
        return v;
    }
    const seg_options *c_options() const noexcept { return h_.get(); }

private:
    detail::unique<seg_options, seg_options_destroy> h_;
};

namespace detail {
inline const seg_options *opts(const options *o) noexcept { return o ? o->c_options() : nullptr; }
} // namespace detail

/** Decode a PNG or JPEG file into u8 [H, W, C] (seg_image_decode_file). */
inline tensor image_decode_file(const char *path, const options *opts = nullptr)
{
    return tensor(detail::out<seg_tensor>(seg_image_decode_file, path, detail::opts(opts)));
}

inline tensor image_decode_memory(span<const uint8_t> bytes, const options *opts = nullptr)
{
    return tensor(detail::out<seg_tensor>(seg_image_decode_memory,
        bytes.data(), bytes.size(), detail::opts(opts)));
}

inline void image_write_png(tensor_view hwc, const char *path)
{
    check(seg_image_write_png(hwc.c_tensor(), path));
}

inline tensor npy_read_file(const char *path, const options *opts = nullptr)
{
    return tensor(detail::out<seg_tensor>(seg_npy_read_file, path, detail::opts(opts)));
}

inline void npy_write_file(tensor_view t, const char *path)
{
    check(seg_npy_write_file(t.c_tensor(), path));
}

/** An immutable, loaded ONNX model; share it between sessions and threads. */
class model {
public:
    static model load_file(const char *path, const options *opts = nullptr)
    {
        return model(detail::out<seg_model>(seg_model_load_file, path, detail::opts(opts)));
    }
    /** Copies `bytes` (seg_model_load_memory). */
    static model load_memory(span<const uint8_t> bytes, const options *opts = nullptr)
    {
        return model(detail::out<seg_model>(seg_model_load_memory,
            bytes.data(), bytes.size(), detail::opts(opts)));
    }
    size_t input_count() const noexcept { return seg_model_input_count(h_.get()); }
    size_t output_count() const noexcept { return seg_model_output_count(h_.get()); }
    std::string_view input_name(size_t i) const noexcept
    {
        return detail::text(seg_model_input_name(h_.get(), i));
    }
    std::string_view output_name(size_t i) const noexcept
    {
        return detail::text(seg_model_output_name(h_.get(), i));
    }
    /** Index of the output called `name`; seg::error SEG_ERR_NOT_FOUND when absent. */
    size_t find_output(const char *name) const
    {
        size_t i = 0;
        check(seg_model_find_output(h_.get(), name, &i));
        return i;
    }
    size_t find_input(const char *name) const
    {
        size_t i = 0;
        check(seg_model_find_input(h_.get(), name, &i));
        return i;
    }
    const seg_model *c_model() const noexcept { return h_.get(); }

private:
    explicit model(seg_model *m) noexcept : h_(m) {}
    detail::unique<seg_model, seg_model_destroy> h_;
};

/** Runs one model; one thread at a time. Must not outlive its model. */
class session {
public:
    explicit session(const model &m, const options *opts = nullptr)
    {
        h_ = decltype(h_)(
            detail::out<seg_session>(seg_session_create, m.c_model(), detail::opts(opts)));
    }
    /** At most this many inputs per run (the wrapper's arrays live on the stack). */
    static constexpr size_t max_inputs = 16;
    /** Run with inputs in the model's input order (seg_session_run). */
    void run(std::initializer_list<tensor_view> inputs)
    {
        const seg_tensor *in[max_inputs] = {};
        size_t n = 0;
        for (tensor_view t : fit(inputs))
            in[n++] = t.c_tensor();
        check(seg_session_run(h_.get(), in, n));
    }
    /** Run with inputs by name (seg_session_run_named): run_named({{"image", t}}). */
    void run_named(std::initializer_list<std::pair<const char *, tensor_view>> inputs)
    {
        const char *names[max_inputs] = {};
        const seg_tensor *in[max_inputs] = {};
        size_t n = 0;
        for (const auto &named : fit(inputs)) {
            names[n] = named.first;
            in[n++] = named.second.c_tensor();
        }
        check(seg_session_run_named(h_.get(), names, in, n));
    }
    /** Output `i` of the last run, borrowed until the next run; empty view if none. */
    tensor_view output(size_t i) const noexcept
    {
        return tensor_view(seg_session_output(h_.get(), i));
    }
    seg_session *c_session() noexcept { return h_.get(); }

private:
    template <class List>
    static const List &fit(const List &inputs)
    {
        if (inputs.size() > max_inputs)
            throw error(SEG_ERR_LIMIT, "seg::session: more than 16 inputs in one run");
        return inputs;
    }
    detail::unique<seg_session, seg_session_destroy> h_;
};

/** A model profile (seg_profile.h, docs/profiles.md). */
class profile {
public:
    static profile load_file(const char *path)
    {
        return profile(detail::out<seg_profile>(seg_profile_load_file, path));
    }
    static profile load_memory(std::string_view json)
    {
        return profile(detail::out<seg_profile>(seg_profile_load_memory, json.data(), json.size()));
    }
    seg_task task() const noexcept { return seg_profile_task(h_.get()); }
    size_t class_count() const noexcept { return seg_profile_class_count(h_.get()); }
    std::string_view class_name(size_t cls) const noexcept
    {
        return detail::text(seg_profile_class_name(h_.get(), cls));
    }
    std::array<uint8_t, 3> color(size_t cls) const noexcept
    {
        std::array<uint8_t, 3> rgb{};
        seg_profile_color(h_.get(), cls, rgb.data());
        return rgb;
    }
    const seg_profile *c_profile() const noexcept { return h_.get(); }

private:
    explicit profile(seg_profile *p) noexcept : h_(p) {}
    detail::unique<seg_profile, seg_profile_destroy> h_;
};

/** A COCO run-length encoded mask (seg_mask.h). */
class rle {
public:
    explicit rle(seg_rle *r) noexcept : h_(r) {}
    int64_t height() const noexcept { return seg_rle_height(h_.get()); }
    int64_t width() const noexcept { return seg_rle_width(h_.get()); }
    uint64_t area() const noexcept { return seg_rle_area(h_.get()); }
    std::array<double, 4> bbox() const noexcept
    {
        std::array<double, 4> b{};
        seg_rle_bbox(h_.get(), b.data());
        return b;
    }
    span<const uint32_t> counts() const noexcept
    {
        size_t n = 0;
        const uint32_t *c = seg_rle_counts(h_.get(), &n);
        return {c, n};
    }
    /** The compressed COCO string, cached in the handle (not thread-safe, as in C). */
    std::string_view string()
    {
        const char *s = nullptr;
        size_t n = 0;
        check(seg_rle_string(h_.get(), &s, &n));
        return {s, n};
    }
    const seg_rle *c_rle() const noexcept { return h_.get(); }

private:
    detail::unique<seg_rle, seg_rle_destroy> h_;
};

namespace detail {

template <class D>
class semantic_api {
public:
    tensor_view labels() const noexcept { return tensor_view(seg_semantic_labels(c())); }
    /** Empty view unless probabilities were asked for. */
    tensor_view probabilities() const noexcept
    {
        return tensor_view(seg_semantic_probabilities(c()));
    }
    size_t num_classes() const noexcept { return seg_semantic_num_classes(c()); }
    std::string_view class_name(size_t cls) const noexcept
    {
        return text(seg_semantic_class_name(c(), cls));
    }
    std::array<uint8_t, 3> color(size_t cls) const noexcept
    {
        std::array<uint8_t, 3> rgb{};
        seg_semantic_color(c(), cls, rgb.data());
        return rgb;
    }
    void write_png(const char *path) const { check(seg_semantic_write_png(c(), path)); }
    tensor overlay(tensor_view image, float alpha) const
    {
        return tensor(detail::out<seg_tensor>(seg_semantic_overlay, c(), image.c_tensor(), alpha));
    }

private:
    const seg_semantic *c() const noexcept { return static_cast<const D &>(*this).handle(); }
};

template <class D>
class instances_api {
public:
    size_t count() const noexcept { return seg_instances_count(c()); }
    int64_t class_id(size_t i) const noexcept { return seg_instances_class(c(), i); }
    float score(size_t i) const noexcept { return seg_instances_score(c(), i); }
    /** Track id (>= 1) in a sequence's results, 0 elsewhere (seg_instances_track_id). */
    int64_t track_id(size_t i) const noexcept { return seg_instances_track_id(c(), i); }
    std::array<float, 4> box(size_t i) const
    {
        std::array<float, 4> b{};
        check(seg_instances_box(c(), i, b.data()));
        return b;
    }
    bool has_masks() const noexcept { return seg_instances_has_masks(c()) != 0; }
    /** Mask `i` as u8 [H, W] (seg_instances_mask). */
    tensor mask(size_t i) const
    {
        return tensor(detail::out<seg_tensor>(seg_instances_mask, c(), i));
    }
    seg::rle mask_rle(size_t i) const
    {
        return seg::rle(detail::out<seg_rle>(seg_instances_mask_rle, c(), i));
    }

private:
    const seg_instances *c() const noexcept { return static_cast<const D &>(*this).handle(); }
};

template <class D>
class panoptic_api {
public:
    tensor_view id_map() const noexcept { return tensor_view(seg_panoptic_id_map(c())); }
    size_t count() const noexcept { return seg_panoptic_count(c()); }
    seg_segment_info segment(size_t i) const
    {
        seg_segment_info s{};
        s.struct_size = sizeof s;
        check(seg_panoptic_segment(c(), i, &s));
        return s;
    }
    void write_png(const char *path) const { check(seg_panoptic_write_png(c(), path)); }
    /** `file_name` may be nullptr (omitted from the JSON). */
    void write_json(int64_t image_id, const char *file_name, const char *path) const
    {
        check(seg_panoptic_write_json(c(), image_id, file_name, path));
    }
    tensor overlay(tensor_view image, float alpha) const
    {
        return tensor(detail::out<seg_tensor>(seg_panoptic_overlay, c(), image.c_tensor(), alpha));
    }

private:
    const seg_panoptic *c() const noexcept { return static_cast<const D &>(*this).handle(); }
};

} // namespace detail

namespace detail {

/** A borrowed C result with the accessors of Api; false when there is none. */
template <class C, template <class> class Api>
class view : public Api<view<C, Api>> {
public:
    explicit view(const C *p) noexcept : p_(p) {}
    const C *handle() const noexcept { return p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    const C *p_;
};

/** An owned C result with the accessors of Api, convertible to its view. */
template <class C, void (*Destroy)(C *), template <class> class Api>
class owned : public Api<owned<C, Destroy, Api>> {
public:
    explicit owned(C *p) noexcept : h_(p) {}
    const C *handle() const noexcept { return h_.get(); }
    operator view<C, Api>() const noexcept { return view<C, Api>(h_.get()); }

private:
    unique<C, Destroy> h_;
};

} // namespace detail

/** Borrowed results (parts of a seg::result). */
using semantic_view = detail::view<seg_semantic, detail::semantic_api>;
using instances_view = detail::view<seg_instances, detail::instances_api>;
using panoptic_view = detail::view<seg_panoptic, detail::panoptic_api>;

/** Owned results of the decoders called directly (seg_*_from_*). */
using semantic = detail::owned<seg_semantic, seg_semantic_destroy, detail::semantic_api>;
using instances = detail::owned<seg_instances, seg_instances_destroy, detail::instances_api>;
using panoptic = detail::owned<seg_panoptic, seg_panoptic_destroy, detail::panoptic_api>;

/** Fused upsample + argmax (seg_semantic_from_logits); params nullptr = defaults. */
inline semantic semantic_from_logits(tensor_view logits,
                                     const seg_semantic_params *params = nullptr)
{
    return semantic(detail::out<seg_semantic>(seg_semantic_from_logits, logits.c_tensor(), params));
}

/** Panoptic FPN fusion (seg_panoptic_from_fpn); `inst` may be an empty view. */
inline panoptic panoptic_from_fpn(tensor_view semantic_labels, instances_view inst,
                                  const seg_panoptic_fpn_params *params = nullptr)
{
    return panoptic(detail::out<seg_panoptic>(seg_panoptic_from_fpn,
        semantic_labels.c_tensor(), inst.handle(), params));
}

namespace detail {

template <class D>
class result_api {
public:
    seg_task task() const noexcept { return seg_result_task(c()); }
    semantic_view semantic() const noexcept { return semantic_view(seg_result_semantic(c())); }
    instances_view instances() const noexcept
    {
        return instances_view(seg_result_instances(c()));
    }
    panoptic_view panoptic() const noexcept { return panoptic_view(seg_result_panoptic(c())); }

private:
    const seg_result *c() const noexcept { return static_cast<const D &>(*this).handle(); }
};

} // namespace detail

/** What seg_run_image() produced; its parts are views into it. */
using result = detail::owned<seg_result, seg_result_destroy, detail::result_api>;
/** A borrowed result: a sequence's frame (seg::sequence::push). */
using result_view = detail::view<seg_result, detail::result_api>;

/** Image -> result as the profile says (seg_run_image). */
inline result run_image(const model &m, session &s, const profile &p, tensor_view image)
{
    return result(detail::out<seg_result>(seg_run_image,
        m.c_model(), s.c_session(), p.c_profile(), image.c_tensor()));
}

/**
 * Frames (video, streams) through one model, session and profile, with temporal
 * smoothing and tracking (seg_sequence.h, docs/sequences.md). The model, session and
 * profile are borrowed: they must outlive the sequence, and the session must not run
 * elsewhere while a push runs. One thread at a time.
 */
class sequence {
public:
    sequence(const model &m, session &s, const profile &p)
    {
        h_ = decltype(h_)(detail::out<seg_sequence>(seg_sequence_create,
            m.c_model(), s.c_session(), p.c_profile()));
    }
    /** SEG_SEQUENCE_SMOOTHING or SEG_SEQUENCE_IOU_THRESHOLD, from the next frame. */
    sequence &set_double(seg_sequence_option key, double value)
    {
        check(seg_sequence_set_double(h_.get(), key, value));
        return *this;
    }
    /** SEG_SEQUENCE_MAX_MISSED, from the next frame. */
    sequence &set_int(seg_sequence_option key, int64_t value)
    {
        check(seg_sequence_set_int(h_.get(), key, value));
        return *this;
    }
    /** Run the next frame. Its result is borrowed until the next successful push,
     *  reset() or the sequence's end; a failed push throws and leaves the previous
     *  frame's result valid. */
    result_view push(tensor_view image)
    {
        const seg_result *r = nullptr;
        check(seg_sequence_push(h_.get(), image.c_tensor(), &r));
        return result_view(r);
    }
    /** Start over as at a scene cut; track ids keep counting. */
    void reset() noexcept { seg_sequence_reset(h_.get()); }
    /** Frames pushed successfully since creation (resets do not restart it). */
    int64_t frame_count() const noexcept { return seg_sequence_frame_count(h_.get()); }
    seg_sequence *c_sequence() noexcept { return h_.get(); }

private:
    detail::unique<seg_sequence, seg_sequence_destroy> h_;
};

} // namespace seg

#endif /* SEG_HPP */
