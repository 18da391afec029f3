#!/bin/sh
# examples/cpp_panoptic.cpp on the panoptic-fpn test model: the segments of
# tests/goldens/run_panoptic_fpn.py and the three files.
# usage: example.sh EXAMPLE DATA_DIR
set -u
exe=$1 data=$2/run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$exe" "$data/panoptic_fpn.onnx" "$data/panoptic_fpn.seg.json" "$data/panoptic_fpn.png" \
    "$tmp/p" >"$tmp/out" || fail "example failed"
[ "$(tr '\n' '|' <"$tmp/out")" = \
  "1 0 person thing 618|2 1 car thing 406|3 2 sky stuff 545|4 3 grass stuff 236|" ] ||
    fail "output: $(cat "$tmp/out")"
grep -q '"file_name": "p.panoptic.png"' "$tmp/p.json" || fail "json file_name"
[ -s "$tmp/p.panoptic.png" ] && [ -s "$tmp/p.overlay.png" ] || fail "outputs missing"
# a failure is reported with the status and the library's message
"$exe" "$tmp/none.onnx" "$data/panoptic_fpn.seg.json" "$data/panoptic_fpn.png" "$tmp/q" \
    2>"$tmp/err" && fail "a missing model succeeded"
grep -q "none.onnx" "$tmp/err" || fail "error message: $(cat "$tmp/err")"
echo ok
