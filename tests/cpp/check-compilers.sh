#!/bin/sh
# Build and run the seg.hpp test with every C++ compiler present, at the strictest
# warning level the header promises to pass.
# usage: check-compilers.sh LIBSEG_SO INCLUDE_DIR TEST_CPP
set -eu
lib=$1 inc=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
found=0
for cxx in g++ clang++; do
  command -v "$cxx" >/dev/null 2>&1 || continue
  found=$((found + 1))
  "$cxx" -std=c++17 -Wall -Wextra -Werror -pedantic -I"$inc" -o "$tmp/t-$cxx" "$src" "$lib"
  LD_LIBRARY_PATH=$(dirname "$lib") "$tmp/t-$cxx"
  echo "$cxx: ok"
done
[ "$found" -gt 0 ] || { echo "no C++ compiler found"; exit 1; }
