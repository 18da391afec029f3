#!/usr/bin/python3
"""Generate ONNX's backend node tests into OUTDIR/node (run with /usr/bin/python3).

Debian's python3-onnx 1.12 generator still uses NumPy aliases that NumPy 1.24 removed;
they are restored first. Exits 77 (meson's "skipped") when onnx is not installed.
"""
import sys

try:
    import numpy as np
    for alias, value in (("float", float), ("int", int), ("bool", bool), ("object", object)):
        if not hasattr(np, alias):
            setattr(np, alias, value)
    from onnx.backend.test import cmd_tools
except ImportError as e:
    print(f"onnx is not available: {e}", file=sys.stderr)
    sys.exit(77)

if len(sys.argv) != 2:
    print("usage: generate.py OUTDIR", file=sys.stderr)
    sys.exit(2)
sys.argv = ["gen", "generate-data", "-o", sys.argv[1]]
cmd_tools.main()
