// A C++ program that knows libseg only through pkg-config and <seg/seg.hpp>.
#include <seg/seg.hpp>

#include <cstdio>

int main()
{
    try {
        seg::init();
        seg::tensor t = seg::tensor::create(SEG_DTYPE_F32, {2, 2});
        seg::profile::load_memory("{}");
        std::printf("no error for an empty profile\n");
        return 1;
    } catch (const seg::error &e) {
        std::printf("libseg %s from C++: %s\n", seg_version_string(), e.what());
        return e.status() == SEG_ERR_FORMAT ? 0 : 1;
    }
}
