#!/bin/sh
# seg preprocess end to end: outputs written and sized as asked, exit codes 0/1/2,
# no output left behind on failure.
set -eu
seg=$1 data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$seg" preprocess "$data/io/jpeg/exif_6.jpg" --size 16x24 --letterbox \
  --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --bgr \
  --npy "$tmp/in.npy" --png "$tmp/in.png" > "$tmp/out.txt"
grep -q "letterbox: scale 0.8, resized 16x10, pad top 0 bottom 0 left 7 right 7" "$tmp/out.txt" || { cat "$tmp/out.txt"; exit 1; }
# .npy: magic, then a header naming float32 and the NCHW shape; 4 bytes per value
head -c 6 "$tmp/in.npy" | grep -q NUMPY
grep -a -q "'descr': '<f4'.*'shape': (1, 3, 16, 24)" "$tmp/in.npy"
size=$(wc -c < "$tmp/in.npy")
[ $((size % 16)) -eq 0 ] && [ "$size" -ge $((3 * 16 * 24 * 4)) ]
# the PNG is 24 wide and 16 high (IHDR big-endian fields)
[ "$(od -An -tx1 -j16 -N8 "$tmp/in.png" | tr -d ' \n')" = "0000001800000010" ]
rc=0; "$seg" preprocess "$data/io/png/ct2_8.png" --size 8 2>/dev/null || rc=$?
[ $rc -eq 2 ]
rc=0; "$seg" preprocess "$tmp/missing.png" --size 8x8 --png "$tmp/x.png" 2>/dev/null || rc=$?
[ $rc -eq 1 ] && [ ! -e "$tmp/x.png" ]
rc=0; "$seg" preprocess "$data/io/png/bad_crc.png" --size 8x8 --png "$tmp/x.png" \
  2>"$tmp/err.txt" || rc=$?
[ $rc -eq 1 ] && grep -q "CRC error" "$tmp/err.txt" && [ ! -e "$tmp/x.png" ]
echo "seg preprocess ok"
