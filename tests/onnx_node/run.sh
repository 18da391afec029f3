#!/bin/sh
# run.sh PYTHON GENERATE_PY OUTDIR RUNNER EXPECTED EXCLUDED [runner args...]
# Generates ONNX's node tests into OUTDIR once (exit 77, "skipped", without
# python3-onnx), then runs the C runner on OUTDIR/node.
python=$1 generate=$2 outdir=$3 runner=$4 expected=$5 excluded=$6
shift 6
[ -x "$python" ] || { echo "no $python: node tests skipped"; exit 77; }
if [ ! -f "$outdir/node/test_relu/model.onnx" ]; then
  rm -rf "$outdir.tmp"
  "$python" "$generate" "$outdir.tmp" >/dev/null 2>"$outdir.log"
  rc=$?
  [ $rc -eq 0 ] || { cat "$outdir.log"; exit $rc; }
  rm -rf "$outdir" && mv "$outdir.tmp" "$outdir"
fi
exec "$runner" "$outdir/node" "$expected" "$excluded" "$@"
