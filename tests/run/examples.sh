#!/bin/sh
# Run the three examples on the tiny models of tests/goldens/run.py and check what
# they print and write (known by construction).
# usage: examples.sh SEMANTIC INSTANCE PANOPTIC FRAMES DATA_DIR
set -u
sem=$1 inst=$2 pan=$3 frames=$4 data=$5/run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$sem" "$data/semantic.onnx" "$data/semantic_letterbox.seg.json" "$data/blocks.png" "$tmp/s" \
    >"$tmp/out" || fail "semantic example failed"
# every pixel is counted once: the class areas add up to the 8 x 6 image
[ "$(awk '{n += $3} END {print n}' "$tmp/out")" = 48 ] || fail "semantic areas: $(cat "$tmp/out")"
grep -q '^[0-2] \(red\|green\|blue\) [0-9]*$' "$tmp/out" || fail "semantic names"
[ -s "$tmp/s.label.png" ] && [ -s "$tmp/s.overlay.png" ] || fail "semantic outputs missing"

"$inst" "$data/yolo.onnx" "$data/yolo.seg.json" "$data/wide.png" >"$tmp/out" ||
    fail "instance example failed"
[ "$(cut -d' ' -f1-8 "$tmp/out" | tr '\n' '|')" = \
  "0 dot 0.900 8.0 8.0 24.0 24.0 256|1 bar 0.800 40.0 0.0 56.0 32.0 512|" ] ||
    fail "instance output: $(cat "$tmp/out")"

"$pan" "$data/deeplab.onnx" "$data/deeplab.seg.json" "$data/square.png" "$tmp/p" >"$tmp/out" ||
    fail "panoptic example failed"
[ "$(tr '\n' '|' <"$tmp/out")" = "1 1 dot thing 16|2 2 box thing 16|3 0 ground stuff 32|" ] ||
    fail "panoptic output: $(cat "$tmp/out")"
grep -q '"file_name": "p.panoptic.png"' "$tmp/p.json" || fail "panoptic json file_name"
[ -s "$tmp/p.panoptic.png" ] && [ -s "$tmp/p.overlay.png" ] || fail "panoptic outputs missing"

# frames: the moving disc keeps id 1, the second one gets id 2 from frame 3 on, stuff
# keeps its fixed id (tests/goldens/sequence.py's model)
"$frames" "$5/sequence/blobs.onnx" "$5/sequence/blobs.seg.json" 6 >"$tmp/out" ||
    fail "frames example failed"
[ "$(tr '\n' '|' <"$tmp/out")" = "frame 0: 1:disc 8388608:ground|frame 1: 1:disc 8388608:ground|\
frame 2: 1:disc 8388608:ground|frame 3: 1:disc 2:square 8388608:ground|\
frame 4: 1:disc 2:square 8388608:ground|frame 5: 1:disc 2:square 8388608:ground|" ] ||
    fail "frames output: $(cat "$tmp/out")"
echo ok
