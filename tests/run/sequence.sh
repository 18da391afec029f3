#!/bin/sh
# `seg run --sequence` end to end on tests/data/sequence (tests/goldens/sequence.py): a
# red disc moving through 10 frames keeps its panoptic segment id, a square entering
# at frame 4 gets the next id and keeps it, stuff has its fixed id; instance JSON gets
# "track_id"s; the option checks.
# usage: sequence.sh SEG_BINARY DATA_DIR
set -u
seg=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# "id:category" of each segment of a COCO panoptic JSON, sorted.
segments() {
    tr -d ' \n' <"$1" | grep -o '"id":[0-9]*,"category_id":[0-9]*' |
        sed 's/"id":\([0-9]*\),"category_id":\([0-9]*\)/\1:\2/' | sort | tr '\n' ' '
}

"$seg" run "$data/sequence/blobs.onnx" --sequence "$data/sequence/frames" -o "$tmp/pan" \
    2>"$tmp/err" || fail "seg run --sequence failed: $(cat "$tmp/err")"
for k in 00 01 02 03 04 05 06 07 08 09; do
    got=$(segments "$tmp/pan/$k.json")
    case $k in
    0[0-3]) want="1:1 8388608:0 " ;;
    *) want="1:1 2:2 8388608:0 " ;;
    esac
    [ "$got" = "$want" ] || fail "frame $k: segments '$got', want '$want'"
    [ -s "$tmp/pan/$k.panoptic.png" ] || fail "frame $k: no panoptic PNG"
done
# Without --sequence the same frame has per-image consecutive ids (square listed first).
"$seg" run "$data/sequence/blobs.onnx" "$data/sequence/frames/06.png" -o "$tmp/one" 2>/dev/null ||
    fail "seg run on one frame failed"
[ "$(segments "$tmp/one/06.json")" = "1:2 2:1 3:0 " ] ||
    fail "per-image ids: $(segments "$tmp/one/06.json")"

# Instances: the fixed YOLO outputs repeat in every frame, so the ids do too.
mkdir "$tmp/frames"
for k in 1 2 3; do cp "$data/run/wide.png" "$tmp/frames/f$k.png"; done
"$seg" run "$data/run/yolo.onnx" --sequence --smooth 0.5 --track-iou 0.5 --max-missed 0 \
    "$tmp/frames" -o "$tmp/inst" 2>"$tmp/err" || fail "instance sequence failed: $(cat "$tmp/err")"
for k in 1 2 3; do
    [ "$(tr -d ' \n' <"$tmp/inst/f$k.json" | grep -o '"track_id":[0-9]*' | tr '\n' ' ')" = \
      '"track_id":1 "track_id":2 ' ] || fail "instance track ids in f$k: $(cat "$tmp/inst/f$k.json")"
done
"$seg" run "$data/run/yolo.onnx" "$tmp/frames/f1.png" -o "$tmp/plain" 2>/dev/null
grep -q track_id "$tmp/plain/f1.json" && fail "track_id written without --sequence"

# Option checks.
"$seg" run "$data/run/yolo.onnx" --smooth 0.5 "$tmp/frames" -o "$tmp/x" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q 'need --sequence' "$tmp/err" || fail "--smooth without --sequence"
"$seg" run "$data/run/yolo.onnx" --sequence --smooth 0 "$tmp/frames" -o "$tmp/x" 2>"$tmp/err"
[ $? -ne 0 ] && grep -q 'SEG_SEQUENCE_SMOOTHING must be in (0, 1], got 0' "$tmp/err" ||
    fail "--smooth 0 accepted: $(cat "$tmp/err")"
echo ok
