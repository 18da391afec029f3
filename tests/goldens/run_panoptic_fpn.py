#!/usr/bin/python3
"""A tiny Panoptic-FPN-shaped model and its golden panoptic result.

Run with Debian's interpreter: /usr/bin/python3 tests/goldens/run_panoptic_fpn.py
Writes into tests/data/run/:
  panoptic_fpn.onnx          a small torch network exported to ONNX whose five outputs
                             have Panoptic FPN's layout (a Mask R-CNN style export):
                             semantic logits [1, C, 16, 16], boxes f32 [N, 4] xyxy in
                             input pixels, labels i64 [N], scores f32 [N], mask
                             probabilities f32 [N, 1, 4, 4]; every output depends on
                             the image
  panoptic_fpn.seg.json      its profile (letterbox 32x32, decoder panoptic-fpn)
  panoptic_fpn.png           a 64 x 32 image of 4x4 colour blocks (letterboxing it to
                             32 x 32 is exact: a 2x downscale of 2x2-aligned blocks)
  panoptic_fpn_ids.npy       the expected id map [32, 64] i32
  panoptic_fpn_segments.npy  the expected segments, f32 [S, 9]: id, category, is_thing,
                             area, bbox x, y, w, h, score

The expected result is computed here with the references seg_run_image claims to
match: letterbox padding cropped from the logits and F.interpolate (bilinear,
align_corners=False) to the image, argmax; boxes mapped back to the image; torchvision's
paste_masks_in_image and probability > 0.5; then detectron2's
combine_semantic_and_instance_outputs (re-implemented below from its description in
postprocessing-reference §4), where every thing class's semantic label is left to the
instances.
"""
import json
import os
import sys

# tests/goldens/onnx.py would shadow the onnx package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torchvision.models.detection.roi_heads import paste_masks_in_image  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "run")
CLASSES = ["person", "car", "sky", "grass", "road"]
THINGS = [True, True, False, False, False]
STUFF_AREA = 80
NAMES = ["semantic", "boxes", "labels", "scores", "masks"]
SCORE, OVERLAP, MASK = 0.5, 0.5, 0.5
IMG_H, IMG_W, IN = 32, 64, 32
PAD_TOP, GAIN = 8, 0.5  # letterbox of 64 x 32 into 32 x 32


class TinyPanopticFPN(torch.nn.Module):
    """Semantic head: a stride-2 conv plus a fixed layout. Instance head: N = 4 detections whose scores,
    labels and boxes move with the image's mean colour and whose 4x4 masks are a fixed
    shape plus a pooled-image term."""

    def __init__(self, g):
        super().__init__()
        n = 4
        self.sem = torch.nn.Conv2d(3, len(CLASSES), 2, stride=2)
        self.score = torch.nn.Linear(3, n)
        self.label = torch.nn.Linear(3, n * 2)
        self.box = torch.nn.Linear(3, n * 4)
        self.mask = torch.nn.Conv2d(3, n, 1)
        with torch.no_grad():
            for m in (self.sem, self.score, self.label, self.box, self.mask):
                m.weight.copy_(torch.randn(m.weight.shape, generator=g))
                m.bias.zero_()
            self.sem.weight.mul_(0.5)
            self.score.weight.mul_(0.2)
            self.score.bias.copy_(torch.tensor([3.0, 1.5, 0.6, -1.0]))  # the last < 0.5
            self.label.weight.mul_(0.1)
            self.label.bias.copy_(torch.tensor([2.0, 0, 0, 2.0, 0, 2.0, 2.0, 0]))
            self.box.weight.mul_(0.5)
            self.box.bias.copy_(torch.tensor([
                [2, 9, 18, 22],    # a large detection on the left
                [4, 10, 14, 20],   # mostly inside the first: skipped for overlap
                [14, 12, 30, 23],  # overlaps the first a little: painted around it
                [20, 8, 31, 16],   # scores below the threshold
            ], dtype=torch.float32).flatten())
            self.mask.weight.mul_(0.3)
        shape = torch.full((n, 4, 4), 4.0)
        shape[0, 0, :] = -4  # an empty top row
        shape[2, :, 0] = -4  # an empty left column
        shape[2, 3, 3] = -4
        self.register_buffer("shape", shape[None])
        # A scene layout the semantic head adds to its conv (16 x 16 logits; the image
        # is rows 4..11): sky on top, person left and car right, grass below, and a
        # patch of road too small to keep.
        layout = torch.zeros(len(CLASSES), 16, 16)
        layout[2, :6] = 3
        layout[0, 6:10, :8] = 3
        layout[1, 6:10, 8:] = 3
        layout[3, 10:] = 3
        layout[4, 10:12, 14:] = 6
        self.register_buffer("layout", layout[None])

    def forward(self, x):
        sem = self.sem(x) + self.layout
        mean = x.mean(dim=(2, 3))
        scores = torch.sigmoid(self.score(mean)).reshape(-1)
        labels = torch.argmax(self.label(mean).reshape(-1, 2), dim=1)
        boxes = self.box(mean).reshape(-1, 4)
        pooled = F.avg_pool2d(x, 8)
        masks = torch.sigmoid(self.mask(pooled) + self.shape).reshape(-1, 1, 4, 4)
        return sem, boxes, labels, scores, masks


def network_input(rgb):
    """ultralytics-style letterbox of the 64 x 32 image into 32 x 32, exact here."""
    small = cv2.resize(rgb, (IMG_W // 2, IMG_H // 2), interpolation=cv2.INTER_LINEAR)
    canvas = np.full((IN, IN, 3), 114, np.uint8)
    canvas[PAD_TOP:PAD_TOP + small.shape[0]] = small
    return torch.from_numpy(canvas.astype(np.float32) / 255).permute(2, 0, 1)[None]


def semantic_labels(logits):
    """Crop the letterbox rows (in the logits' own pixels), resize, argmax."""
    lh = logits.shape[2]
    top, h = round(PAD_TOP * lh / IN), round((IN - 2 * PAD_TOP) * lh / IN)
    up = F.interpolate(logits[:, :, top:top + h], size=(IMG_H, IMG_W), mode="bilinear",
                       align_corners=False)[0].numpy()
    top2 = np.sort(up, axis=0)[-2:]
    gap = (top2[1] - top2[0]).min()
    assert gap > 1e-4, f"an argmax too close to call: {gap}"
    return np.argmax(up, axis=0)


def instance_masks(boxes, scores, masks):
    keep = scores > SCORE
    b = boxes[keep].clone()
    b[:, 0::2] = (b[:, 0::2] / GAIN).clamp(0, IMG_W)
    b[:, 1::2] = ((b[:, 1::2] - PAD_TOP) / GAIN).clamp(0, IMG_H)
    probs = paste_masks_in_image(masks[keep], b, (IMG_H, IMG_W), padding=1)[:, 0].numpy()
    assert np.abs(probs - MASK).min() > 1e-4, "a mask pixel too close to the threshold"
    return probs > MASK, keep


def combine(sem, masks, scores, labels):
    """detectron2's combine_semantic_and_instance_outputs; thing labels are not stuff."""
    pan = np.zeros(sem.shape, np.int32)
    segments = []
    for i in sorted(range(len(scores)), key=lambda k: -scores[k]):  # stable
        if scores[i] < SCORE:
            break
        mask = masks[i]
        area = int(mask.sum())
        if area == 0:
            continue
        inter = int((mask & (pan > 0)).sum())
        if inter / area > OVERLAP:
            continue
        mask = mask & (pan == 0)
        pan[mask] = len(segments) + 1
        segments.append({"id": len(segments) + 1, "category_id": int(labels[i]),
                         "isthing": 1, "score": float(scores[i])})
    for label in np.unique(sem):
        if THINGS[label]:
            continue
        mask = (sem == label) & (pan == 0)
        if mask.sum() < STUFF_AREA:
            continue
        pan[mask] = len(segments) + 1
        segments.append({"id": len(segments) + 1, "category_id": int(label),
                         "isthing": 0, "score": 1.0})
    for s in segments:
        ys, xs = np.nonzero(pan == s["id"])
        s["area"] = int(len(ys))
        s["bbox"] = [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
                     int(ys.max() - ys.min() + 1)]
    return pan, segments


def attempt(seed):
    g = torch.Generator().manual_seed(seed)
    model = TinyPanopticFPN(g).eval()
    blocks = torch.randint(0, 256, (IMG_H // 4, IMG_W // 4, 3), generator=g).numpy()
    rgb = blocks.astype(np.uint8).repeat(4, 0).repeat(4, 1)
    path = os.path.join(OUT, "panoptic_fpn.onnx")
    x = network_input(rgb)
    torch.onnx.export(model, x, path, input_names=["image"], output_names=NAMES,
                      opset_version=17)
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        logits, boxes, labels, scores, masks = model(x)
    sem = semantic_labels(logits)
    inst, keep = instance_masks(boxes, scores, masks)
    pan, segments = combine(sem, inst, scores[keep].numpy(), labels[keep].numpy())
    kinds = sorted({s["isthing"] for s in segments})
    assert len(segments) >= 4 and kinds == [0, 1], segments
    assert keep.sum() == 3 and sum(s["isthing"] for s in segments) == 2, "overlap skip"
    left = [int(((sem == c) & (pan == 0)).sum()) for c in range(len(CLASSES))]
    assert max(n for n, t in zip(left, THINGS) if t) >= STUFF_AREA, "things left void"
    assert any(0 < n < STUFF_AREA for n, t in zip(left, THINGS) if not t), "small stuff"
    return rgb, pan, segments


def main():
    """The first seed whose result is unambiguous and covers every rule."""
    for seed in range(100):
        try:
            rgb, pan, segments = attempt(seed)
            break
        except AssertionError as e:
            print(f"seed {seed}: {e}")
    cv2.imwrite(os.path.join(OUT, "panoptic_fpn.png"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    np.save(os.path.join(OUT, "panoptic_fpn_ids.npy"), pan)
    keys = ("id", "category_id", "isthing", "area")
    np.save(os.path.join(OUT, "panoptic_fpn_segments.npy"),
            np.array([[s[k] for k in keys] + s["bbox"] + [s["score"]] for s in segments], np.float32))
    with open(os.path.join(OUT, "panoptic_fpn.seg.json"), "w") as f:
        json.dump({
            "preprocess": {"input": "image", "size": [IN, IN], "resize": "letterbox",
                           "pad_value": 114, "scale": 1 / 255},
            "postprocess": {"task": "panoptic", "decoder": "panoptic-fpn", "outputs": NAMES,
                            "classes": CLASSES, "things": THINGS,
                            "thresholds": {"score": SCORE, "mask": MASK,
                                           "stuff_area": STUFF_AREA}}}, f, indent=2)
        f.write("\n")
    print(f"seed {seed}: {json.dumps(segments)}; void pixels {(pan == 0).sum()}")


if __name__ == "__main__":
    main()
