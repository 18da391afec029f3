#!/usr/bin/python3
"""Tiny models, images and profiles for the run layer (seg_run_image, `seg run`).

Run with Debian's interpreter: /usr/bin/python3 tests/goldens/run.py
Writes into tests/data/run/. Every output is predictable by construction:
  semantic.onnx   2x2 stride-2 Conv averaging each colour channel into its own class:
                  on an image of 2x2 blocks of pure red / green / blue the argmax is
                  the block's colour (0, 1, 2) with any of the profiles' resizes
  salient.onnx    1x1 Conv, logit = 8 * (R - G): red pixels are foreground
  yolo.onnx       fixed YOLO-seg tensors (Constant + 0 * input): two kept detections,
                  one below the score threshold, one suppressed by NMS
  deeplab.onnx    fixed Panoptic-DeepLab tensors: one stuff and two thing segments
The fixed-output graphs still consume the input (GlobalAveragePool -> zero Conv) so
the runtime sees an ordinary graph.
"""
import json
import os
import sys

# tests/goldens/onnx.py would shadow the onnx package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "run")
RNG = np.random.default_rng(6)
COLOURS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)


def save_model(name, nodes, inits, outputs, in_shape):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info(o, *out_type(t)) for o, t in outputs.items()],
        [numpy_helper.from_array(np.asarray(a, np.float32), n) for n, a in inits.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def out_type(t):
    """(elem_type, shape) of an output given as a shape or as (shape, dtype)."""
    if isinstance(t, tuple):
        return (TensorProto.INT64 if t[1] == np.int64 else TensorProto.FLOAT), t[0]
    return TensorProto.FLOAT, t


def save_png(name, rgb):
    cv2.imwrite(os.path.join(OUT, name), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def save_profile(name, profile):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(profile, f, indent=2)
        f.write("\n")


def fixed_outputs(name, tensors, in_shape):
    """A graph emitting `tensors` (name -> array) plus 0 * mean(image)."""
    nodes = [helper.make_node("GlobalAveragePool", ["image"], ["gap"]),
             helper.make_node("Conv", ["gap", "zero_w"], ["zero"])]
    inits = {"zero_w": np.zeros((1, 3, 1, 1))}
    outs = {}
    for out, arr in tensors.items():
        zero = "zero"
        if arr.ndim != 4:  # reshape the [1, 1, 1, 1] zero to the output's rank
            nodes.append(helper.make_node(
                "Constant", [], [out + "_s"],
                value=numpy_helper.from_array(np.ones(arr.ndim, np.int64))))
            nodes.append(helper.make_node("Reshape", ["zero", out + "_s"], [out + "_z"]))
            zero = out + "_z"
        if arr.dtype == np.int64:
            nodes.append(helper.make_node("Cast", [zero], [out + "_i"], to=TensorProto.INT64))
            zero = out + "_i"
            nodes.append(helper.make_node("Constant", [], [out + "_c"],
                                          value=numpy_helper.from_array(arr)))
        else:
            inits[out + "_c"] = arr
        nodes.append(helper.make_node("Add", [out + "_c", zero], [out]))
        outs[out] = (list(arr.shape), arr.dtype)
    save_model(name, nodes, inits, outs, in_shape)


def semantic():
    w = np.zeros((3, 3, 2, 2))
    for c in range(3):
        w[c, c] = 0.25
    save_model("semantic", [helper.make_node("Conv", ["image", "w"], ["logits"],
                                             strides=[2, 2])],
               {"w": w}, {"logits": [1, 3, "oh", "ow"]}, [1, 3, "h", "w"])
    blocks = RNG.integers(0, 3, (3, 4))
    labels = blocks.repeat(2, 0).repeat(2, 1).astype(np.uint8)  # 6 x 8
    np.save(os.path.join(OUT, "semantic_labels.npy"), labels)
    save_png("blocks.png", COLOURS[labels])
    names = ["red", "green", "blue"]
    palette = [[200, 0, 0], [0, 200, 0], [0, 0, 200]]
    for kind, pre in (("keep", {"size": "keep"}),
                      ("stretch", {"size": [12, 16], "resize": "stretch"}),
                      ("letterbox", {"size": [16, 16], "resize": "letterbox"})):
        save_profile(f"semantic_{kind}.seg.json", {
            "preprocess": dict(pre, input="image", mean=[0, 0, 0], std=[1, 1, 1],
                               scale=1 / 255, channels="rgb"),
            "postprocess": {"task": "semantic", "decoder": "argmax", "outputs": ["logits"],
                            "classes": names, "palette": palette}})


def salient():
    w = np.zeros((1, 3, 1, 1))
    w[0, 0], w[0, 1] = 8, -8
    save_model("salient", [helper.make_node("Conv", ["image", "w"], ["matte"])],
               {"w": w}, {"matte": [1, 1, "h", "w"]}, [1, 3, "h", "w"])
    save_profile("salient.seg.json", {
        "preprocess": {"size": "keep"},
        "postprocess": {"task": "salient", "decoder": "sigmoid"}})


def yolo():
    # [1, 4 + nc + nm, N] with nc = 2, nm = 1; input 32x32, image 64 wide x 32 high:
    # gain 0.5, 8 rows of padding above.
    cands = [  # cx, cy, w, h, score0, score1, coefficient
        (8, 16, 8, 8, 0.9, 0.05, 1),    # kept: class 0, box (8, 8, 24, 24) in the image
        (24, 16, 8, 16, 0.1, 0.8, 1),   # kept: class 1, box (40, 0, 56, 32)
        (24, 16, 8, 16, 0.2, 0.1, 1),   # below the 0.25 threshold
        (24, 17, 8, 16, 0.05, 0.6, 1),  # suppressed by NMS (IoU 0.88 with the second)
    ]
    out0 = np.array(cands, np.float32).T[None]
    protos = np.ones((1, 1, 8, 8), np.float32)
    fixed_outputs("yolo", {"output0": out0, "output1": protos}, [1, 3, 32, 32])
    save_png("wide.png", np.full((32, 64, 3), 90, np.uint8))
    save_profile("yolo.seg.json", {
        "preprocess": {"size": [32, 32], "resize": "letterbox", "pad_value": 114},
        "postprocess": {"task": "instance", "decoder": "yolo-seg",
                        "outputs": ["output0", "output1"], "classes": ["dot", "bar"],
                        "thresholds": {"score": 0.25, "iou": 0.7}}})


def maskrcnn():
    # torchvision layout; input 32x32 letterboxed from the 64 x 32 image as for yolo.
    boxes = np.array([[4, 12, 12, 20], [20, 8, 28, 24], [0, 8, 32, 24]], np.float32)
    labels = np.array([1, 2, 1], np.int64)
    scores = np.array([0.9, 0.8, 0.3], np.float32)  # the third is below 0.5
    masks = np.ones((3, 1, 4, 4), np.float32)
    fixed_outputs("maskrcnn", {"boxes": boxes, "labels": labels, "scores": scores,
                               "masks": masks}, [1, 3, 32, 32])
    save_profile("maskrcnn.seg.json", {
        "preprocess": {"size": [32, 32], "resize": "letterbox"},
        "postprocess": {"task": "instance", "decoder": "maskrcnn",
                        "outputs": ["boxes", "labels", "scores", "masks"],
                        "thresholds": {"score": 0.5}}})


def deeplab():
    # 8x8: class 1 (thing) top-left, class 2 (thing) top-right, class 0 (stuff) below.
    sem = np.zeros((1, 3, 8, 8), np.float32)
    sem[0, 1, :4, :4] = 5
    sem[0, 2, :4, 4:] = 5
    sem[0, 0, 4:, :] = 5
    center = np.zeros((1, 1, 8, 8), np.float32)
    center[0, 0, 1, 1] = 0.9
    center[0, 0, 1, 6] = 0.7
    offsets = np.zeros((1, 2, 8, 8), np.float32)
    fixed_outputs("deeplab", {"semantic": sem, "center": center, "offsets": offsets},
                  [1, 3, 8, 8])
    save_png("square.png", np.full((8, 8, 3), 50, np.uint8))
    save_profile("deeplab.seg.json", {
        "preprocess": {"size": "keep"},
        "postprocess": {"task": "panoptic", "decoder": "panoptic-deeplab",
                        "outputs": ["semantic", "center", "offsets"],
                        "classes": ["ground", "dot", "box"], "things": [False, True, True],
                        "thresholds": {"center": 0.1, "stuff_area": 1}}})


def mask2former():
    # Q = 3 queries, K = 2 classes + "no object"; 8x8 masks, size "keep".
    cls = np.array([[[6, 0, 0], [0, 6, 0], [0, 0, 6]]], np.float32)
    masks = np.full((1, 3, 8, 8), -5, np.float32)
    masks[0, 0, 4:] = 5  # query 0: class 0 (stuff), bottom half
    masks[0, 1, :4] = 5  # query 1: class 1 (thing), top half
    masks[0, 2] = 5      # query 2: "no object", dropped
    fixed_outputs("mask2former", {"class_logits": cls, "mask_logits": masks}, [1, 3, 8, 8])
    save_profile("mask2former.seg.json", {
        "preprocess": {"size": "keep"},
        "postprocess": {"task": "panoptic", "decoder": "mask2former",
                        "outputs": ["class_logits", "mask_logits"],
                        "classes": ["ground", "dot"], "things": [False, True]}})


def cli_dir():
    """A directory for `seg run`: two good images and a corrupt one between them."""
    d = os.path.join(OUT, "images")
    os.makedirs(d, exist_ok=True)
    labels = np.load(os.path.join(OUT, "semantic_labels.npy"))
    cv2.imwrite(os.path.join(d, "a.png"), cv2.cvtColor(COLOURS[labels], cv2.COLOR_RGB2BGR))
    with open(os.path.join(d, "b.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\nnot really a png")
    flipped = labels[::-1].copy()
    cv2.imwrite(os.path.join(d, "c.png"), cv2.cvtColor(COLOURS[flipped], cv2.COLOR_RGB2BGR))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    semantic()
    salient()
    yolo()
    maskrcnn()
    deeplab()
    mask2former()
    cli_dir()
