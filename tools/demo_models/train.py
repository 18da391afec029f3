#!/usr/bin/python3
"""Train one of the demo models on synthetic scenes and export it to ONNX.

    /usr/bin/python3 tools/demo_models/train.py semantic|instance|panoptic OUTDIR [ITERS]

CPU only, deterministic (fixed seeds, two torch threads), 5-10 minutes each on two
cores. Writes OUTDIR/<task>.onnx (opset 17, static [1, 3, 128, 128] input) and its
profile OUTDIR/<task>.seg.json, and prints the training losses every 100 iterations.
"""
import json
import os
import sys
import time

# Spinning OpenMP workers collapse throughput on a shared machine; sleep instead.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import nets  # noqa: E402
import synth  # noqa: E402

SIZE = 128
POOL = 800        # training scenes, seeds 0..POOL-1 (evaluation sets use other seeds)
BATCH = 16
NC = len(synth.CLASSES)
N_THINGS = len(synth.THINGS)
FIRST_THING = len(synth.STUFF)


def scene_targets(inst):
    """Per-instance class (0-based thing index), box xyxy, mask at prototype resolution
    and mask centre: computed once per scene, flipped cheaply per batch."""
    if not inst:
        return None
    masks = np.stack([m for _, m in inst]).astype(np.float32)
    small = F.interpolate(torch.from_numpy(masks)[None], size=(SIZE // 4, SIZE // 4),
                          mode="bilinear", align_corners=False)[0] > 0.5
    return {"cls": torch.tensor([c - FIRST_THING for c, _ in inst]),
            "box": torch.tensor([box_of(m) for _, m in inst], dtype=torch.float32),
            "mask": torch.from_numpy(masks > 0.5), "small": small.float()}


def flip_targets(t):
    if t is None:
        return None
    box = t["box"].clone()
    box[:, 0], box[:, 2] = SIZE - t["box"][:, 2], SIZE - t["box"][:, 0]
    return {"cls": t["cls"], "box": box, "mask": t["mask"].flip(-1),
            "small": t["small"].flip(-1)}


def make_pool():
    imgs, sems, targets = [], [], []
    for seed in range(POOL):
        img, sem, inst = synth.scene(seed, SIZE)
        imgs.append(img)
        sems.append(sem)
        targets.append(scene_targets(inst))
    return np.stack(imgs), np.stack(sems), targets


def batch(pool, rng):
    imgs, sems, insts = pool
    idx = rng.integers(0, len(imgs), BATCH)
    flip = rng.random(BATCH) < 0.5
    x = imgs[idx].astype(np.float32) / 255.0
    s = sems[idx].copy()
    x[flip] = x[flip, :, ::-1]
    s[flip] = s[flip, :, ::-1]
    inst = [flip_targets(insts[i]) if f else insts[i] for i, f in zip(idx, flip)]
    return torch.from_numpy(x.transpose(0, 3, 1, 2).copy()), torch.from_numpy(s.astype(np.int64)), inst


# ---- losses -------------------------------------------------------------------

def semantic_loss(net, x, s, inst):
    logits = F.interpolate(net(x), size=s.shape[-2:], mode="bilinear", align_corners=False)
    return {"ce": F.cross_entropy(logits, s)}


def panoptic_targets(s, inst):
    b, h, w = s.shape
    yy, xx = torch.meshgrid(torch.arange(h).float(), torch.arange(w).float(), indexing="ij")
    heat = torch.zeros(b, 1, h, w)
    off = torch.zeros(b, 2, h, w)
    thing = torch.zeros(b, 1, h, w)
    for i, t in enumerate(inst):
        for mt in (t["mask"] if t is not None else []):
            cy, cx = yy[mt].mean(), xx[mt].mean()
            g = torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 4.0 ** 2))
            heat[i, 0] = torch.maximum(heat[i, 0], g)
            off[i, 0][mt] = (cy - yy)[mt]
            off[i, 1][mt] = (cx - xx)[mt]
            thing[i, 0][mt] = 1
    return heat, off, thing


def panoptic_loss(net, x, s, inst):
    sem, center, offset = net(x)
    heat, off, thing = panoptic_targets(s, inst)
    return {"ce": F.cross_entropy(sem, s),
            "center": 200 * F.mse_loss(center, heat),
            "offset": 0.05 * (F.l1_loss(offset, off, reduction="none") * thing).sum() /
                      thing.sum().clamp(min=1)}


def box_of(m):
    ys, xs = np.nonzero(m)
    return [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]


def assign(net, boxes):
    """Anchors inside a box's centre region (2.5 strides) whose level suits the box size;
    ties go to the smaller box. Returns (anchor index, gt index) pairs."""
    a = net.anchors.t()                       # [A, 2]
    st = net.strides[0]                       # [A]
    ctr = (boxes[:, :2] + boxes[:, 2:]) / 2
    side = (boxes[:, 2:] - boxes[:, :2]).max(1).values
    inside = ((a[:, None, 0] > boxes[None, :, 0]) & (a[:, None, 0] < boxes[None, :, 2]) &
              (a[:, None, 1] > boxes[None, :, 1]) & (a[:, None, 1] < boxes[None, :, 3]))
    near = ((a[:, None, :] - ctr[None]).abs().max(2).values < 2.5 * st[:, None])
    lo = torch.where(st == 8, 0.0, torch.where(st == 16, 24.0, 56.0))
    hi = torch.where(st == 8, 48.0, torch.where(st == 16, 96.0, 1e9))
    fits = (side[None] >= lo[:, None]) & (side[None] <= hi[:, None])
    ok = inside & near & fits
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    cost = torch.where(ok, area[None].expand_as(ok), torch.full_like(ok, 1e12, dtype=torch.float32))
    best = cost.argmin(1)
    pos = ok.any(1).nonzero()[:, 0]
    return pos, best[pos]


def giou(a, b):
    lt, rb = torch.maximum(a[:, :2], b[:, :2]), torch.minimum(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(1)
    area = lambda t: (t[:, 2:] - t[:, :2]).clamp(min=0).prod(1)
    union = area(a) + area(b) - inter
    hull = (torch.maximum(a[:, 2:], b[:, 2:]) - torch.minimum(a[:, :2], b[:, :2])).prod(1)
    iou = inter / union.clamp(min=1e-6)
    return iou - (hull - union) / hull.clamp(min=1e-6)


def instance_loss(net, x, s, inst):
    ltrb, cls, coef, proto = net.raw(x)
    boxes = net.decode(ltrb)                                   # [B, 4, A] cxcywh
    xyxy = torch.cat([boxes[:, :2] - boxes[:, 2:] / 2, boxes[:, :2] + boxes[:, 2:] / 2], 1)
    cls_t = torch.zeros_like(cls)
    l_box, l_mask, npos = 0.0, 0.0, 0
    ph, pw = proto.shape[-2:]
    for i, t in enumerate(inst):
        if t is None:
            continue
        pos, g = assign(net, t["box"])
        if len(pos) == 0:
            continue
        npos += len(pos)
        cls_t[i, t["cls"][g], pos] = 1.0
        gbox = t["box"][g]
        l_box = l_box + (1 - giou(xyxy[i, :, pos].t(), gbox)).sum()
        small = t["small"][g]
        logit = torch.einsum("cp,chw->phw", coef[i][:, pos], proto[i])
        sb = gbox * ph / SIZE
        yy = torch.arange(ph).float()[None, :, None] + 0.5
        xx = torch.arange(pw).float()[None, None, :] + 0.5
        crop = ((xx >= sb[:, 0, None, None]) & (xx <= sb[:, 2, None, None]) &
                (yy >= sb[:, 1, None, None]) & (yy <= sb[:, 3, None, None])).float()
        bce = F.binary_cross_entropy_with_logits(logit, small, reduction="none")
        l_mask = l_mask + ((bce * crop).sum((1, 2)) / crop.sum((1, 2)).clamp(min=1)).sum()
    npos = max(npos, 1)
    return {"cls": F.binary_cross_entropy_with_logits(cls, cls_t, reduction="sum") / npos,
            "box": 2.0 * l_box / npos, "mask": l_mask / npos}


TASKS = {
    "semantic": (lambda: nets.SemanticNet(NC), semantic_loss, 800,
                 ["logits"]),
    "instance": (lambda: nets.YoloSegNet(N_THINGS, SIZE), instance_loss, 500,
                 ["output0", "output1"]),
    "panoptic": (lambda: nets.PanopticNet(NC), panoptic_loss, 900,
                 ["semantic", "center", "offset"]),
}


# Overlay colours per class, chosen to stand out from the scenes' own colours.
LABEL_PALETTE = [(90, 90, 90), (0, 230, 120), (0, 230, 230), (255, 140, 0),
                 (255, 0, 255), (0, 60, 255), (255, 255, 0)]


def profile(task):
    """The model profile (docs/profiles.md) libseg reads beside <task>.onnx."""
    names = synth.THINGS if task == "instance" else synth.CLASSES
    palette = LABEL_PALETTE[FIRST_THING:] if task == "instance" else LABEL_PALETTE
    pre = {"input": "images" if task == "instance" else "input", "size": [SIZE, SIZE],
           "resize": "letterbox" if task == "instance" else "stretch",
           "scale": 1 / 255, "mean": [0, 0, 0], "std": [1, 1, 1], "channels": "rgb"}
    post = {"task": task, "decoder": {"semantic": "argmax", "instance": "yolo-seg",
                                      "panoptic": "panoptic-deeplab"}[task],
            "outputs": TASKS[task][3], "classes": names,
            "palette": [list(c) for c in palette]}
    if task == "instance":
        post["thresholds"] = {"score": 0.25, "iou": 0.5, "max_det": 100}
    if task == "panoptic":
        post["things"] = [c in synth.THINGS for c in synth.CLASSES]
        # COCO's 2048-pixel stuff minimum is for 1024-pixel images; scaled to 128.
        post["thresholds"] = {"center": 0.1, "stuff_area": 32}
    return {"preprocess": pre, "postprocess": post}


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in TASKS:
        sys.exit(__doc__)
    task, outdir = sys.argv[1], sys.argv[2]
    build, loss_fn, iters, outputs = TASKS[task]
    iters = int(sys.argv[3]) if len(sys.argv) > 3 else iters
    torch.manual_seed(0)
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    t0 = time.time()
    pool = make_pool()
    print(f"{task}: {POOL} scenes in {time.time() - t0:.0f} s", flush=True)
    net = build()
    opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=iters,
                                                pct_start=0.1)
    net.train()
    for it in range(iters):
        x, s, inst = batch(pool, rng)
        losses = loss_fn(net, x, s, inst)
        loss = sum(losses.values())
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if it % 100 == 0 or it == iters - 1:
            parts = " ".join(f"{k} {float(v):.4f}" for k, v in losses.items())
            print(f"{task} {it:5d}/{iters} {time.time() - t0:6.0f} s  {parts}", flush=True)
    net.eval()
    os.makedirs(outdir, exist_ok=True)
    x = torch.zeros(1, 3, SIZE, SIZE)
    input_name = "images" if task == "instance" else "input"
    torch.onnx.export(net, x, os.path.join(outdir, task + ".onnx"), opset_version=17,
                      input_names=[input_name], output_names=outputs,
                      do_constant_folding=True)
    with open(os.path.join(outdir, task + ".seg.json"), "w") as f:
        json.dump(profile(task), f, indent=1)
        f.write("\n")
    print(f"{task}: exported after {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
