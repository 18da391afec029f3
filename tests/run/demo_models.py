#!/usr/bin/env python3
"""The bundled demo models (models/demo/) through the seg tool. NumPy only.

    demo_models.py parity SEG SRC_ROOT DATA_DIR
        `seg infer` on two held-out synthetic scenes; every output within 1e-4 of
        PyTorch's (tests/goldens/demo_models.py) and the same argmax over classes.
    demo_models.py quality TASK SEG SRC_ROOT
        a held-out set of 48 synthetic scenes (synth.py, seeds from 1,000,000; training
        used 0..799) through `seg run` and `seg eval`: the metric must reach its floor.

Floors: the value measured when the models were trained (models/demo/README.md) minus
a small margin, so that a regression anywhere in the stack (decoding, resizing,
convolution, post-processing, evaluation) fails.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.dont_write_bytecode = True  # importing synth.py must not write into the source tree

EVAL_IMAGES, EVAL_SEED = 48, 1_000_000
# task: (measured, floor, metric, how it is read from `seg eval --json`)
FLOORS = {
    "semantic": (98.42, 97.9, "mIoU"),
    "instance": (44.75, 43.7, "mask AP"),
    "panoptic": (91.78, 91.0, "PQ"),
}
# Outputs (and their rows of axis 1) holding class scores, whose argmax must agree:
# the semantic logits, and the class rows of the YOLO-seg output (after the 4 box rows).
ARGMAX = {"logits": slice(None), "semantic": slice(None), "output0": slice(4, 7)}
TOLERANCE = 1e-4
TASKS = ("semantic", "instance", "panoptic")


def run(*cmd):
    r = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        sys.exit(f"FAIL: {' '.join(map(str, cmd))} exited {r.returncode}:\n{r.stderr}")
    return r.stdout


def synth_module(root):
    sys.path.insert(0, os.path.join(root, "tools", "demo_models"))
    import synth
    return synth


def parity(seg, root, data, tmp):
    synth = synth_module(root)
    for task in TASKS:
        model = os.path.join(root, "models", "demo", task + ".onnx")
        with open(os.path.join(root, "models", "demo", task + ".seg.json")) as f:
            input_name = json.load(f)["preprocess"]["input"]
        gold = np.load(os.path.join(data, "demo_models", task + ".npz"))
        names = [k[len("stride_"):] for k in gold.files if k.startswith("stride_")]
        for k, seed in enumerate(gold["seeds"]):
            img, _, _ = synth.scene(int(seed), 128)
            x = (img.astype(np.float32) / 255).transpose(2, 0, 1)[None].copy()
            np.save(os.path.join(tmp, "x.npy"), x)
            out = os.path.join(tmp, f"{task}_{k}")
            run(seg, "infer", model, "--input", f"{input_name}={tmp}/x.npy", "--outdir", out)
            for name in names:
                s = int(gold["stride_" + name])
                got = np.load(os.path.join(out, name + ".npy"))
                got = got[..., ::s, ::s] if got.ndim == 4 else got
                want = gold[f"{name}_{k}"]
                if got.shape != want.shape:
                    sys.exit(f"FAIL: {task} {name}: shape {got.shape}, expected {want.shape}")
                err = float(np.abs(got.astype(np.float64) - want).max())
                if not err <= TOLERANCE:
                    sys.exit(f"FAIL: {task} {name} seed {seed}: max-abs {err:.3g} > {TOLERANCE}")
                agree = 1.0
                if name in ARGMAX:
                    rows = ARGMAX[name]
                    agree = float((got[:, rows].argmax(1) == want[:, rows].argmax(1)).mean())
                    if agree != 1.0:
                        sys.exit(f"FAIL: {task} {name} seed {seed}: argmax agrees on "
                                 f"{100 * agree:.2f} % of pixels")
                print(f"{task} {name} seed {seed}: max-abs {err:.2e}, argmax agreement "
                      f"{100 * agree:.0f} %")


def evaluate(task, seg, root, tmp):
    """The metric of `seg run` + `seg eval` on the held-out set, in percent."""
    synth = synth_module(root)
    gt = os.path.join(tmp, "set")
    synth.write_set(gt, EVAL_IMAGES, 128, EVAL_SEED)
    model = os.path.join(root, "models", "demo", task + ".onnx")
    out, js = os.path.join(tmp, "out"), os.path.join(tmp, "eval.json")
    fmt = {"semantic": "label", "instance": "json", "panoptic": "panoptic,json"}[task]
    run(seg, "run", model, os.path.join(gt, "images"), "-o", out, "--format", fmt)
    if task == "semantic":
        run(seg, "eval", "semantic", "--classes", len(synth.CLASSES), "--json", js,
            os.path.join(gt, "semantic"), out)
        key = lambda r: r["miou"]
    elif task == "instance":
        run(seg, "eval", "instances", "--json", js, os.path.join(gt, "instances.json"), out)
        key = lambda r: r["AP"]
    else:
        run(seg, "eval", "panoptic", "--json", js, os.path.join(gt, "panoptic.json"),
            os.path.join(gt, "panoptic"), out)
        key = lambda r: r["All"]["pq"]
    with open(js) as f:
        return 100 * key(json.load(f))


def quality(task, seg, root, tmp):
    measured, floor, metric = FLOORS[task]
    value = evaluate(task, seg, root, tmp)
    print(f"{task}: {metric} {value:.2f} (measured {measured}, floor {floor})")
    if floor is None or not value >= floor:
        sys.exit(f"FAIL: {task} {metric} {value:.2f} is below the floor {floor}")


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("parity", "quality"):
        sys.exit(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        if sys.argv[1] == "parity":
            parity(*sys.argv[2:5], tmp)
        else:
            quality(*sys.argv[2:5], tmp)
    print("ok")


if __name__ == "__main__":
    main()
