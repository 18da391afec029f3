#!/usr/bin/python3
"""Synthetic scenes with semantic, instance and panoptic ground truth.

Stuff: textured backgrounds (sky over one of grass / water / sand, sometimes with a
patch of another ground). Things: discs, boxes and triangles of random colours, sizes
and positions, drawn in order so that later ones occlude earlier ones.

    scene(seed, size) -> image u8 [H, W, 3], semantic u8 [H, W], instances list of
                         (class id, bool mask [H, W]) with the visible parts only.

    python3 tools/demo_models/synth.py OUTDIR N [SIZE] [FIRST_SEED]
writes a COCO-style evaluation set: OUTDIR/images/*.png, OUTDIR/semantic/*.png (grey
labels), OUTDIR/panoptic/*.png + panoptic.json (COCO panoptic, category id = class
index), instances.json (COCO instances, RLE masks written by a NumPy encoder of the COCO
format, category id = thing index 0..2 as the instance model numbers them). Needs NumPy
only: the test suite runs it.
"""
import json
import os
import struct
import sys
import zlib

import numpy as np

STUFF = ["sky", "grass", "water", "sand"]
THINGS = ["disc", "box", "triangle"]
CLASSES = STUFF + THINGS
PALETTE = [(120, 170, 235), (60, 150, 60), (40, 90, 170), (210, 190, 140),
           (230, 60, 60), (240, 200, 40), (170, 70, 200)]
MIN_VISIBLE = 24  # pixels: smaller leftovers of occluded things are not instances


def texture(rng, cls, h, w):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    noise = rng.normal(0, 1, (h, w)).astype(np.float32)
    base = np.array(PALETTE[cls], np.float32)
    if STUFF[cls] == "sky":
        shade = (1.0 - 0.35 * yy / h)[..., None]
        img = base * shade + 4 * noise[..., None]
    elif STUFF[cls] == "grass":
        img = base + 28 * noise[..., None] * np.array([0.4, 1.0, 0.3])
    elif STUFF[cls] == "water":
        waves = np.sin(yy * 0.9 + 2.0 * np.sin(xx * 0.15 + rng.uniform(0, 6)))
        img = base + 22 * waves[..., None] + 5 * noise[..., None]
    else:
        img = base + 18 * np.sign(noise)[..., None] * (np.abs(noise) > 1.2)[..., None]
    return img


def stuff_layout(rng, h, w):
    xx = np.arange(w)
    horizon = (rng.uniform(0.3, 0.6) * h + rng.uniform(2, 8) *
               np.sin(xx * rng.uniform(0.02, 0.08) + rng.uniform(0, 6)))
    ground = rng.integers(1, len(STUFF))
    sem = np.where(np.arange(h)[:, None] < horizon[None, :], 0, ground).astype(np.uint8)
    if rng.random() < 0.5:  # a patch of another ground kind
        other = 1 + (ground % (len(STUFF) - 1))
        cy, cx = rng.uniform(0.7, 1.0) * h, rng.uniform(0, w)
        ry, rx = rng.uniform(0.1, 0.25) * h, rng.uniform(0.15, 0.4) * w
        yy, xx2 = np.mgrid[0:h, 0:w]
        blob = ((yy - cy) / ry) ** 2 + ((xx2 - cx) / rx) ** 2 < 1
        sem[blob & (sem != 0)] = other
    return sem


def thing_mask(rng, kind, h, w):
    size = rng.uniform(0.1, 0.35) * min(h, w)
    cy, cx = rng.uniform(0.1, 0.9) * h, rng.uniform(0.1, 0.9) * w
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "disc":
        return (yy - cy) ** 2 + (xx - cx) ** 2 <= (size / 2) ** 2
    if kind == "box":
        hh, hw = size / 2 * rng.uniform(0.6, 1.0), size / 2 * rng.uniform(0.6, 1.0)
        return (np.abs(yy - cy) <= hh) & (np.abs(xx - cx) <= hw)
    # triangle pointing up: inside three half-planes
    top, base = cy - size / 2, cy + size / 2
    half = (yy - top) / size * size / 1.7
    return (yy >= top) & (yy <= base) & (np.abs(xx - cx) <= half)


def scene(seed, size=128):
    rng = np.random.default_rng(seed)
    h = w = size
    sem = stuff_layout(rng, h, w)
    img = np.zeros((h, w, 3), np.float32)
    for cls in range(len(STUFF)):
        sel = sem == cls
        if sel.any():
            img[sel] = texture(rng, cls, h, w)[sel]
    owner = np.zeros((h, w), np.int32)  # 0 none, k: thing k (1-based, draw order)
    kinds = []
    for k in range(rng.integers(1, 6)):
        kind = rng.integers(len(THINGS))
        m = thing_mask(rng, THINGS[kind], h, w)
        colour = np.array(PALETTE[len(STUFF) + kind], np.float32) * rng.uniform(0.7, 1.1)
        shade = 1.0 - 0.25 * np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
        img[m] = (colour * shade + rng.normal(0, 6, (h, w, 3)))[m]
        owner[m] = k + 1
        kinds.append(kind)
    instances = []
    for k, kind in enumerate(kinds):
        m = owner == k + 1
        if m.sum() >= MIN_VISIBLE:
            instances.append((len(STUFF) + int(kind), m))
            sem[m] = len(STUFF) + kind
        else:  # a sliver: it shows the stuff under it instead
            owner[m] = 0
    img = np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)
    return img, sem, instances


# ---- COCO writers -----------------------------------------------------------

def rle_counts(mask):
    """COCO RLE counts: column-major runs starting with zeros."""
    flat = mask.T.reshape(-1).astype(np.uint8)
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    runs = np.diff(bounds).tolist()
    return runs if flat[0] == 0 else [0] + runs


def bbox(mask):
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1)]


def write_png(path, pixels):
    """u8 [H, W] grey or [H, W, 3] RGB as a PNG (filter type 0 on every row)."""
    h, w = pixels.shape[:2]
    colour = 2 if pixels.ndim == 3 else 0
    rows = pixels.reshape(h, -1)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], 1).tobytes()

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def categories():
    return [{"id": i, "name": n, "isthing": int(i >= len(STUFF)), "color": list(PALETTE[i])}
            for i, n in enumerate(CLASSES)]


def write_set(outdir, n, size, first_seed):
    for sub in ("images", "semantic", "panoptic"):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    images, anns, pan_anns = [], [], []
    for i in range(n):
        img, sem, inst = scene(first_seed + i, size)
        name = f"{i:04d}"
        write_png(os.path.join(outdir, "images", name + ".png"), img)
        write_png(os.path.join(outdir, "semantic", name + ".png"), sem)
        images.append({"id": i, "file_name": name + ".png", "height": size, "width": size})
        pan = np.zeros(sem.shape, np.int64)
        segments = []
        for cls in range(len(STUFF)):
            m = sem == cls
            if m.any():
                sid = len(segments) + 1
                pan[m] = sid
                segments.append({"id": sid, "category_id": cls, "area": int(m.sum()),
                                 "bbox": bbox(m), "iscrowd": 0})
        for cls, m in inst:
            sid = len(segments) + 1
            pan[m] = sid
            segments.append({"id": sid, "category_id": cls, "area": int(m.sum()),
                             "bbox": bbox(m), "iscrowd": 0})
            anns.append({"id": len(anns) + 1, "image_id": i,
                         "category_id": cls - len(STUFF),
                         "segmentation": {"size": [size, size], "counts": rle_counts(m)},
                         "area": int(m.sum()), "bbox": bbox(m), "iscrowd": 0})
        rgb = np.stack([pan % 256, pan // 256 % 256, pan // 65536], -1).astype(np.uint8)
        write_png(os.path.join(outdir, "panoptic", name + ".png"), rgb)
        pan_anns.append({"image_id": i, "file_name": name + ".png", "segments_info": segments})
    cats = categories()
    with open(os.path.join(outdir, "instances.json"), "w") as f:
        json.dump({"images": images, "annotations": anns,
                   "categories": [dict(c, id=c["id"] - len(STUFF)) for c in cats
                                  if c["isthing"]]}, f)
    with open(os.path.join(outdir, "panoptic.json"), "w") as f:
        json.dump({"images": images, "annotations": pan_anns, "categories": cats}, f)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    write_set(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 128,
              int(sys.argv[4]) if len(sys.argv) > 4 else 1_000_000)
