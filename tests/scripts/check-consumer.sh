#!/bin/sh
# Install into a temporary root and build a program with nothing but pkg-config,
# linked both against the shared library and statically; and, given CXX_SRC and a C++
# compiler, a C++17 program using the installed <seg/seg.hpp>.
# usage: check-consumer.sh BUILD_DIR C_SRC [CXX_SRC]
set -eu
build=$1 src=$2 cxx_src=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >/dev/null
pcdir=$(dirname "$(find "$tmp/root" -name libseg.pc | head -n 1)")
export PKG_CONFIG_SYSROOT_DIR="$tmp/root" PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_LIBDIR="$pcdir:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig:/usr/lib/pkgconfig"
libdir=$(dirname "$(find "$tmp/root" -name libseg.so.0 | head -n 1)")
cc -std=c11 -Wall -Werror -o "$tmp/shared" "$src" $(pkg-config --cflags --libs libseg)
LD_LIBRARY_PATH="$libdir" "$tmp/shared"
cc -std=c11 -Wall -Werror -o "$tmp/static" "$src" $(pkg-config --cflags libseg) \
  "$libdir/libseg.a" $(pkg-config --static --libs libseg | sed 's/-lseg//')
"$tmp/static"
readelf -d "$tmp/shared" | grep -q 'libseg.so.0' || { echo "not linked to libseg.so.0"; exit 1; }
if [ -n "$cxx_src" ] && command -v c++ >/dev/null 2>&1; then
  c++ -std=c++17 -Wall -Wextra -Werror -pedantic -o "$tmp/cxx" "$cxx_src" $(pkg-config --cflags --libs libseg)
  LD_LIBRARY_PATH="$libdir" "$tmp/cxx"
fi
echo "consumer built and ran against the installed shared and static libraries"
