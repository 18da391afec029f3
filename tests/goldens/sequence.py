#!/usr/bin/python3
"""A frame sequence with a moving object and a model that segments it, for
seg_sequence and `seg run --sequence`.

Run with Debian's interpreter: /usr/bin/python3 tests/goldens/sequence.py
Writes into tests/data/sequence/:
  blobs.onnx      a Panoptic-DeepLab style graph that really looks at the image:
                  semantic logits (1x1 Conv) ground = 0.5, disc = red, square = green;
                  center heat = 7x7 average of red + green (a unique peak at the middle
                  of a radius-3 disc or a 7x7 square); offsets = 0
  blobs.seg.json  its profile (pixels scaled to [0, 1], size keep)
  frames/NN.png   48 x 32 black frames: a red disc (radius 3) moving 2 px a frame
                  along row 10 in all 10 frames; a green 7x7 square from frame 4 on,
                  moving down 1 px a frame at column 36, its centre above the disc's
                  (so the decoder lists it first and per-frame ids would swap)
The expected tracks are therefore known: the disc keeps one id in every frame, the
square gets a new one when it appears and keeps it.
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

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "sequence")
H, W, FRAMES = 32, 48, 10


def model():
    w_sem = np.zeros((3, 3, 1, 1), np.float32)
    w_sem[1, 0] = 1  # disc <- red
    w_sem[2, 1] = 1  # square <- green
    b_sem = np.array([0.5, 0, 0], np.float32)
    w_obj = np.zeros((1, 3, 1, 1), np.float32)
    w_obj[0, 0] = w_obj[0, 1] = 1
    w_off = np.zeros((2, 3, 1, 1), np.float32)
    nodes = [
        helper.make_node("Conv", ["image", "w_sem", "b_sem"], ["semantic"]),
        helper.make_node("Conv", ["image", "w_obj"], ["objects"]),
        helper.make_node("AveragePool", ["objects"], ["center"], kernel_shape=[7, 7],
                         pads=[3, 3, 3, 3], count_include_pad=1),
        helper.make_node("Conv", ["image", "w_off"], ["offsets"]),
    ]
    inits = [numpy_helper.from_array(a, n) for n, a in
             (("w_sem", w_sem), ("b_sem", b_sem), ("w_obj", w_obj), ("w_off", w_off))]
    graph = helper.make_graph(
        nodes, "blobs",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, c, "h", "w"])
         for n, c in (("semantic", 3), ("center", 1), ("offsets", 2))],
        inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(OUT, "blobs.onnx"))
    with open(os.path.join(OUT, "blobs.seg.json"), "w") as f:
        json.dump({
            "preprocess": {"size": "keep", "mean": [0, 0, 0], "std": [1, 1, 1],
                           "scale": 1 / 255, "channels": "rgb"},
            "postprocess": {"task": "panoptic", "decoder": "panoptic-deeplab",
                            "outputs": ["semantic", "center", "offsets"],
                            "classes": ["ground", "disc", "square"],
                            "things": [False, True, True],
                            "thresholds": {"center": 0.1, "stuff_area": 1}}}, f, indent=2)
        f.write("\n")


def frames():
    os.makedirs(os.path.join(OUT, "frames"), exist_ok=True)
    yy, xx = np.mgrid[0:H, 0:W]
    for k in range(FRAMES):
        img = np.zeros((H, W, 3), np.uint8)
        img[(xx - (6 + 2 * k)) ** 2 + (yy - 10) ** 2 <= 9, 0] = 255
        if k >= 4:
            top = 1 + (k - 4)
            img[top:top + 7, 33:40, 1] = 255
        cv2.imwrite(os.path.join(OUT, "frames", f"{k:02d}.png"),
                    cv2.cvtColor(img, cv2.COLOR_RGB2BGR))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    model()
    frames()
