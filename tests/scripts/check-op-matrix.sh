#!/bin/sh
# docs/operators.md must be what tools/op-matrix writes from the current registry.
# Run from the source root (the page records the family pages' relative paths).
set -eu
tool=$1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$tool" docs/operators-math.md docs/operators-nn.md docs/operators-shape.md > "$tmp"
if ! diff -u docs/operators.md "$tmp"; then
  echo "docs/operators.md is stale; regenerate it with:"
  echo "  $tool docs/operators-math.md docs/operators-nn.md docs/operators-shape.md > docs/operators.md"
  exit 1
fi
if grep -q '| not yet |$' docs/operators.md; then
  echo "docs/operators.md: some operators are in no family page (docs/operators-*.md)"
  exit 1
fi
echo "docs/operators.md matches the registry ($(grep -c '^| [A-Z]' docs/operators.md) operators)"
