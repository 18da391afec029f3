#!/bin/sh
# `seg eval` end to end on the metrics goldens (tests/goldens/metrics.py): the printed
# tables and the --json output carry the golden numbers; usage and input errors give
# exit codes 2 and 1 with a message.
# usage: check-eval.sh SEG_TOOL DATA_DIR
set -u
seg=$1
d=$2/metrics
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() { # description, file, fixed string
    if grep -qF -- "$3" "$2"; then echo "ok   $1"; else echo "FAIL $1: no '$3' in:"; cat "$2"; fail=1; fi
}

"$seg" eval panoptic "$d/pan_gt.json" "$d/pan_gt" "$d/pan_pred.json" "$d/pan_pred" \
    --json "$tmp/pq.json" > "$tmp/pq.txt" 2>&1
expect "panoptic table (panopticapi All)" "$tmp/pq.txt" "All       |   39.6   78.4   50.5     5"
expect "panoptic json" "$tmp/pq.json" '"All": {"pq": 0.395696347815941'

"$seg" eval instances "$d/coco_gt.json" "$d/coco_results.json" --json "$tmp/ap.json" \
    > "$tmp/ap.txt" 2>&1
expect "instances table (COCOeval AP)" "$tmp/ap.txt" \
    "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.223"
expect "instances json" "$tmp/ap.json" '"AP50": 0.5181365690916'

"$seg" eval semantic --classes 6 --per-class "$d/sem_gt.npy" "$d/sem_pred.npy" \
    > "$tmp/sem.txt" 2>&1
expect "semantic mmseg mIoU" "$tmp/sem.txt" "mIoU (mmseg) 44.03"
expect "semantic per class" "$tmp/sem.txt" "     4     0.00      nan     0.00"
"$seg" eval semantic --classes 6 --policy torchvision "$d/sem_png/gt" "$d/sem_png/pred" \
    > "$tmp/png.txt" 2>&1
expect "semantic from PNG folders" "$tmp/png.txt" "mIoU (torchvision) 44.03"
"$seg" eval semantic --classes 6 --not-evaluated 1 "$d/sem_gt.npy" "$d/sem_pred.npy" \
    > "$tmp/cs.txt" 2>&1
expect "semantic Cityscapes ignoreInEval" "$tmp/cs.txt" "mIoU (mmseg) 45.02"

"$seg" eval semantic "$d/sem_gt.npy" "$d/sem_pred.npy" > "$tmp/use.txt" 2>&1
rc=$?
[ $rc -eq 2 ] || { echo "FAIL usage exit code $rc"; fail=1; }
expect "usage error" "$tmp/use.txt" "semantic needs --classes N"

"$seg" eval instances "$d/coco_gt_rle.json" "$tmp/none.json" > "$tmp/err.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || { echo "FAIL error exit code $rc"; fail=1; }
expect "input error" "$tmp/err.txt" "none.json: cannot open"
exit $fail
