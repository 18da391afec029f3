#!/bin/sh
# seg info and seg infer on tiny models: output, files written, errors and exit codes.
# usage: test_cli.sh SEG DATA_DIR WORK_DIR
seg=$1 data=$2/onnx work=$3
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || fail "cannot create $work"

"$seg" info "$data/passthrough.onnx" >"$work/info.txt" || fail "seg info exited $?"
grep -q '^opset: 17$' "$work/info.txt" || fail "opset line"
grep -q '^  x  *f32   \[batch, 3\]$' "$work/info.txt" || fail "input line with symbolic dim"
grep -q '^parameters: 0$' "$work/info.txt" || fail "parameter count"
grep -q '^arena: 0 bytes' "$work/info.txt" || fail "arena line"

"$seg" info "$data/conv_relu.onnx" --dim N=2 >"$work/info2.txt" || fail "seg info --dim"
grep -q '^  Conv  *1$' "$work/info2.txt" || fail "histogram: Relu fused into Conv"
grep -q '^arena: 256 bytes' "$work/info2.txt" || fail "arena for N=2: $(cat "$work/info2.txt")"

"$seg" infer "$data/passthrough.onnx" --input "m=$data/passthrough_m.npy" \
  --input "x=$data/passthrough_x.npy" --outdir "$work/out" --iters 3 >"$work/infer.txt" ||
  fail "seg infer exited $?"
cmp -s "$work/out/x.npy" "$data/passthrough_x.npy" || fail "x.npy differs"
cmp -s "$work/out/m.npy" "$data/passthrough_m.npy" || fail "m.npy differs"
grep -q '^latency over 3 runs: median .* ms, min .* ms$' "$work/infer.txt" || fail "latency line"

"$seg" infer "$data/odd_names.onnx" --input "$data/passthrough_x.npy" --outdir "$work/odd" \
  >/dev/null || fail "seg infer (odd names) exited $?"
cmp -s "$work/odd/%2Ea%2Fb%3Ac.npy" "$data/passthrough_x.npy" || fail "escaped output name"

"$seg" info "$data/unknown_op.onnx" 2>"$work/err.txt" >/dev/null
[ $? -eq 1 ] || fail "unknown op: exit code"
[ "$(wc -l <"$work/err.txt")" -eq 1 ] || fail "unknown op: one stderr line expected"
grep -q "^seg info: unsupported: .*operator FooBar (node 'mystery', opset 13)" "$work/err.txt" ||
  fail "unknown op message: $(cat "$work/err.txt")"

"$seg" infer "$data/passthrough.onnx" --input "x=$data/passthrough_m.npy" \
  --input "m=$data/passthrough_m.npy" --outdir "$work/bad" 2>"$work/err.txt"
[ $? -eq 1 ] || fail "wrong dtype: exit code"
grep -q "input 'x' has dtype i64, the model expects f32" "$work/err.txt" || fail "dtype message"
[ ! -e "$work/bad" ] || fail "nothing may be written after a failed run"

"$seg" infer "$data/passthrough.onnx" --outdir "$work/x" 2>/dev/null
[ $? -eq 2 ] || fail "usage error: exit code"
echo "ok"
