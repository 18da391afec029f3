#!/bin/sh
# `seg run` end to end: a directory with a corrupt image between two good ones is
# processed in order, the bad one reported and skipped with exit code 1; existing
# outputs are kept without --overwrite and replaced with it; each task writes its files.
# usage: cli.sh SEG_BINARY DATA_DIR
set -u
seg=$1
data=$2/run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$seg" run "$data/semantic.onnx" --profile "$data/semantic_keep.seg.json" "$data/images" \
    -o "$tmp/sem" 2>"$tmp/err"
[ $? -eq 1 ] || fail "exit code with a corrupt image is not 1"
grep -q 'b.png: malformed data' "$tmp/err" || fail "corrupt image not reported: $(cat "$tmp/err")"
grep -q '^3/3 .*c.png$' "$tmp/err" || fail "no plain progress line for the last image"
[ "$(grep -c '^[0-9]/3 ' "$tmp/err")" -eq 3 ] || fail "expected 3 progress lines"
grep -n '/3 ' "$tmp/err" | tr '\n' ' ' | grep -q '1:1/3 .*a.png.*2/3 .*b.png.*3/3 .*c.png' ||
    fail "images not in sorted order: $(cat "$tmp/err")"
for f in a.label.png a.overlay.png c.label.png c.overlay.png; do
    [ -s "$tmp/sem/$f" ] || fail "missing $f"
done
[ ! -e "$tmp/sem/b.label.png" ] || fail "output written for the corrupt image"
ls "$tmp/sem" | grep -q tmp && fail "temporary file left behind"

# No overwrite without --overwrite: the file is untouched and the image fails.
echo sentinel > "$tmp/sem/a.label.png"
"$seg" run "$data/semantic.onnx" --profile "$data/semantic_keep.seg.json" \
    "$data/images/a.png" -o "$tmp/sem" 2>"$tmp/err"
[ $? -eq 1 ] || fail "existing output did not fail the image"
grep -q 'a.label.png exists' "$tmp/err" || fail "no 'exists' message"
[ "$(cat "$tmp/sem/a.label.png")" = sentinel ] || fail "existing output was overwritten"
"$seg" run "$data/semantic.onnx" --profile "$data/semantic_keep.seg.json" \
    "$data/images/a.png" -o "$tmp/sem" --overwrite 2>"$tmp/err" || fail "--overwrite failed"
cmp -s "$tmp/sem/a.label.png" "$tmp/sem/c.label.png" && fail "a and c labels should differ"
[ "$(head -c 4 "$tmp/sem/a.label.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
    fail "--overwrite did not replace the file"

# The profile beside the model, and each task's files; --format subsets.
"$seg" run "$data/yolo.onnx" "$data/wide.png" -o "$tmp/yolo" 2>"$tmp/err" || fail "yolo: $(cat "$tmp/err")"
[ -s "$tmp/yolo/wide.overlay.png" ] || fail "yolo overlay missing"
grep -q '"category": "bar"' "$tmp/yolo/wide.json" || fail "yolo json lacks class names"
[ "$(grep -c '"counts"' "$tmp/yolo/wide.json")" -eq 2 ] || fail "yolo json: expected 2 RLE masks"
# seg eval on the run folder: detections gathered by image stem, image_id from the gt.
export TMPDIR="$tmp/t"
mkdir "$TMPDIR"
cats='"categories": [{"id": 0, "name": "dot"}, {"id": 1, "name": "bar"}]'
printf '{"images": [{"id": 7, "file_name": "sub/wide.png", "height": 32, "width": 64}],
 "annotations": [{"id": 1, "image_id": 7, "category_id": 0, "bbox": [8, 8, 16, 16],
 "area": 256, "iscrowd": 0, "segmentation": [[8, 8, 24, 8, 24, 24, 8, 24]]}], %s}' "$cats" \
    > "$tmp/gt.json"
"$seg" eval instances --json "$tmp/ap.json" "$tmp/gt.json" "$tmp/yolo" >/dev/null 2>"$tmp/err" ||
    fail "eval instances on a run folder: $(cat "$tmp/err")"
grep -q '"AP50": 0.99999' "$tmp/ap.json" || fail "run folder AP50: $(cat "$tmp/ap.json")"
sed 's/sub.wide.png/gone.png/' "$tmp/gt.json" > "$tmp/gt_gone.json"
"$seg" eval instances "$tmp/gt_gone.json" "$tmp/yolo" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'yolo/gone.json' "$tmp/err" || fail "missing per-image file: $(cat "$tmp/err")"
printf '{"images": [{"id": 7}], %s}' "$cats" > "$tmp/gt_bad.json"
"$seg" eval instances "$tmp/gt_bad.json" "$tmp/yolo" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'images\[0\] lacks an integer "id" or a "file_name"' "$tmp/err" ||
    fail "gt image without file_name: $(cat "$tmp/err")"
"$seg" eval panoptic "$tmp/gt.json" "$tmp" "$tmp/yolo" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'wide.json: not a panoptic annotation' "$tmp/err" ||
    fail "instance results as panoptic: $(cat "$tmp/err")"
[ -z "$(ls "$TMPDIR")" ] || fail "temporary file left behind: $(ls "$TMPDIR")"
"$seg" run "$data/deeplab.onnx" "$data/square.png" -o "$tmp/pan" 2>"$tmp/err" || fail "panoptic: $(cat "$tmp/err")"
for f in square.panoptic.png square.json square.overlay.png; do
    [ -s "$tmp/pan/$f" ] || fail "panoptic: missing $f"
done
grep -q '"file_name": "square.panoptic.png"' "$tmp/pan/square.json" || fail "panoptic json file_name"
"$seg" run "$data/salient.onnx" "$data/blocks.png" -o "$tmp/sal" --format matte 2>"$tmp/err" ||
    fail "salient: $(cat "$tmp/err")"
[ -s "$tmp/sal/blocks.matte.png" ] && [ ! -e "$tmp/sal/blocks.cutout.png" ] || fail "--format matte"
"$seg" run "$data/salient.onnx" "$data/blocks.png" -o "$tmp/sal" --format label 2>/dev/null
[ $? -eq 2 ] || fail "a format that does not fit the task is not a usage error"
"$seg" run "$data/semantic.onnx" "$data/blocks.png" -o "$tmp/x" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q 'semantic.seg.json' "$tmp/err" || fail "missing default profile not reported"
echo ok
