#!/bin/sh
# seg bench: the summary line, the --serve protocol (bench/compare.py relies on it),
# outputs equal to seg infer's, and the errors for inputs it cannot make up.
# usage: test_bench_cli.sh SEG DATA_DIR WORK_DIR
seg=$1 data=$2/parity work=$3
fail() { echo "FAIL: $*"; exit 1; }
rm -rf "$work" && mkdir -p "$work" || fail "cannot create $work"

"$seg" bench "$data/fcn_resnet.onnx" --runs 3 --warmup 1 --outdir "$work/b" >"$work/out.txt" ||
  fail "seg bench exited $?"
grep -q '^load .* ms; 3 runs after 1 warm-up: median .* ms, min .* ms; peak RSS [0-9]* kB$' \
  "$work/out.txt" || fail "summary line: $(cat "$work/out.txt")"

# --profile: one row per executed node (29 for fcn_resnet), efficiency with --gemm-peak,
# and the phase shares.
"$seg" bench "$data/fcn_resnet.onnx" --runs 2 --warmup 1 --threads 2 --profile \
  --gemm-peak 50 >"$work/prof.txt" || fail "seg bench --profile exited $?"
grep -q '^profile: 2 runs, 29 nodes, mean run [0-9.]* ms$' "$work/prof.txt" ||
  fail "profile header: $(cat "$work/prof.txt")"
[ "$(grep -c ' Conv  *[^ ]' "$work/prof.txt")" -eq 19 ] || fail "conv rows"
grep -q '^ *[0-9.]* *[0-9.]*% *[0-9.]* *[0-9]*%  Conv ' "$work/prof.txt" ||
  fail "conv row with GFLOP/s and efficiency"
grep -q '^shares: im2col [0-9.]*%, GEMM [0-9.]*%, Winograd transforms [0-9.]*%, other [0-9.]*%' \
  "$work/prof.txt" || fail "shares line"
"$seg" bench "$data/fcn_resnet.onnx" --profile --gemm-peak 0 2>/dev/null >/dev/null
[ $? -eq 2 ] || fail "bad --gemm-peak: usage exit code"

"$seg" infer "$data/fcn_resnet.onnx" --input "$data/fcn_resnet.input.npy" \
  --outdir "$work/i" >/dev/null || fail "seg infer exited $?"
printf 'run\nrun\nrss\nwrite %s\nbogus\nquit\n' "$work/s" |
  "$seg" bench "$data/fcn_resnet.onnx" --input "$data/fcn_resnet.input.npy" --serve \
  >"$work/serve.txt" || fail "seg bench --serve exited $?"
grep -q '^ready load_ms=[0-9.]*$' "$work/serve.txt" || fail "ready line"
[ "$(grep -c '^ms=[0-9.]*$' "$work/serve.txt")" -eq 2 ] || fail "two ms= lines"
grep -q '^rss_kb=[1-9][0-9]*$' "$work/serve.txt" || fail "rss line"
grep -q '^ok$' "$work/serve.txt" || fail "write answer"
grep -q "^error unknown command 'bogus'$" "$work/serve.txt" || fail "unknown command answer"
cmp -s "$work/s/output.npy" "$work/i/output.npy" || fail "served output differs from seg infer"

"$seg" bench "$data/unet.onnx" --runs 1 2>"$work/err.txt" >/dev/null
[ $? -eq 1 ] || fail "symbolic input: exit code"
grep -q "input 'input' has a symbolic dimension: give --input" "$work/err.txt" ||
  fail "symbolic input message: $(cat "$work/err.txt")"
"$seg" bench "$data/unet.onnx" --runs x 2>/dev/null
[ $? -eq 2 ] || fail "bad --runs: usage exit code"
echo "ok"
