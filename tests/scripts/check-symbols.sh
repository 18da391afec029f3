#!/bin/sh
# The shared library exports exactly the seg_* symbols listed in abi/symbols.txt.
# Regenerate the list with tools/abi-update after a deliberate public-API change.
set -eu
lib=$1 list=$2
got=$(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}' | sort)
bad=$(printf '%s\n' "$got" | grep -v '^seg_' || true)
if [ -n "$bad" ]; then
  echo "symbols outside seg_* are exported:"; printf '%s\n' "$bad"; exit 1
fi
if ! printf '%s\n' "$got" | diff -u "$list" - ; then
  echo "exported symbols differ from $list (run tools/abi-update if intended)"; exit 1
fi
echo "$(printf '%s\n' "$got" | wc -l) symbols, all seg_*, as listed"
