// Panoptic segmentation of one image with the C++17 wrapper (seg/seg.hpp): the C
// example panoptic.c without the cleanup code, since every handle frees itself.
//
//   cpp_panoptic MODEL.onnx PROFILE.seg.json IMAGE OUT_PREFIX
//
// writes OUT_PREFIX.panoptic.png, OUT_PREFIX.json and OUT_PREFIX.overlay.png and prints
// one line per segment: id, class, name, thing or stuff, area.
#include <seg/seg.hpp>

#include <cstdio>
#include <string>

int main(int argc, char **argv)
{
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s MODEL PROFILE IMAGE OUT_PREFIX\n", argv[0]);
        return 2;
    }
    try {
        seg::init();
        seg::model model = seg::model::load_file(argv[1]);
        seg::session session(model);
        seg::profile profile = seg::profile::load_file(argv[2]);
        seg::tensor image = seg::image_decode_file(argv[3]);

        seg::result result = seg::run_image(model, session, profile, image);
        seg::panoptic_view pan = result.panoptic();
        if (!pan) {
            std::fprintf(stderr, "%s: not a panoptic segmentation profile\n", argv[2]);
            return 1;
        }
        const std::string prefix = argv[4];
        const std::string png = prefix + ".panoptic.png";
        const std::string::size_type slash = png.rfind('/');
        pan.write_png(png.c_str());
        // The JSON names the PNG beside it.
        pan.write_json(0, png.c_str() + (slash == std::string::npos ? 0 : slash + 1),
                       (prefix + ".json").c_str());
        seg::image_write_png(pan.overlay(image, 0.5f), (prefix + ".overlay.png").c_str());

        for (size_t i = 0; i < pan.count(); i++) {
            seg_segment_info s = pan.segment(i);
            std::string_view name = profile.class_name(static_cast<size_t>(s.category_id));
            std::printf("%d %d %.*s %s %lld\n", s.id, s.category_id,
                        name.empty() ? 1 : static_cast<int>(name.size()),
                        name.empty() ? "-" : name.data(), s.is_thing ? "thing" : "stuff",
                        static_cast<long long>(s.area));
        }
    } catch (const seg::error &e) {
        std::fprintf(stderr, "panoptic: %s: %s\n", e.status_string(), e.what());
        return 1;
    }
    return 0;
}
