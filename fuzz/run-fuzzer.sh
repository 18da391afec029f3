#!/bin/sh
# run-fuzzer.sh FUZZER WORK_CORPUS SEED_CORPUS: fuzz for 20 s; new inputs and crash
# reproducers go to WORK_CORPUS.
set -eu
mkdir -p "$2"
exec "$1" -max_total_time=20 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$2/" "$2" "$3"
