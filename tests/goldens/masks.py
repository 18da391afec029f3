#!/usr/bin/python3
"""Write the goldens for tests/post/test_rle.c, test_contours.c and test_components.c.

Run: /usr/bin/python3 tests/goldens/masks.py   (writes tests/data/masks/*.json)

References:
- COCO RLE: pycocotools is not packaged by Debian 12 (no PyPI here), so the RLE goldens
  come from an independent NumPy implementation of the format as pycocotools defines it
  (column-major flatten, run lengths starting with zeros, the compressed-string codec,
  dense IoU / merge / bbox) and, for polygons, a direct Python transcription of the
  frPoly rules; the hand-computed cases of the reference sheet are checked here too.
- Contours, approxPolyDP, connected components: Debian's python3-opencv (cv2 4.6).
Masks come from a fixed seed, so reruns write identical files.
"""
import json
import math
import os

import cv2
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "masks")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261125)


def dump(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


# ---- masks ------------------------------------------------------------------------

def blobs(h, w, thr, sigma):
    """Smoothed noise thresholded: blobs with holes and islands."""
    noise = rng.random((h, w)).astype(np.float32)
    smooth = cv2.GaussianBlur(noise, (0, 0), sigma)
    return (smooth > np.quantile(smooth, thr)).astype(np.uint8)


def salt(h, w, p):
    return (rng.random((h, w)) < p).astype(np.uint8)


def rings(h, w):
    m = np.zeros((h, w), np.uint8)
    cv2.circle(m, (w // 2, h // 2), min(h, w) // 2 - 2, 1, -1)
    cv2.circle(m, (w // 2, h // 2), min(h, w) // 2 - 5, 0, -1)
    cv2.circle(m, (w // 2, h // 2), min(h, w) // 2 - 8, 1, -1)
    cv2.circle(m, (w // 2, h // 2), 2, 0, -1)
    m[0, :] = 1  # touches the border
    m[3:6, 1] = 1
    return m


def mask_cases():
    cases = [
        ("empty", np.zeros((5, 7), np.uint8)),
        ("full", np.ones((4, 6), np.uint8)),
        ("single_pixel", np.pad(np.ones((1, 1), np.uint8), ((2, 3), (4, 1)))),
        ("one_row", np.array([[0, 1, 1, 0, 1, 1, 1, 0, 0, 1]], np.uint8)),
        ("one_column", np.array([[1], [1], [0], [1], [0], [0], [1]], np.uint8)),
        ("corner_2x2", np.array([[0, 1], [1, 1]], np.uint8)),
        ("rings", rings(27, 31)),
        ("diagonal", np.eye(9, 11, dtype=np.uint8) | np.eye(9, 11, 3, dtype=np.uint8)),
    ]
    for i in range(6):
        cases.append((f"blobs{i}", blobs(int(rng.integers(16, 48)), int(rng.integers(16, 48)),
                                          float(rng.uniform(0.3, 0.7)),
                                          float(rng.uniform(1.0, 3.0)))))
    for i in range(4):
        cases.append((f"salt{i}", salt(int(rng.integers(8, 30)), int(rng.integers(8, 30)),
                                        float(rng.uniform(0.2, 0.6)))))
    # wider than the 64-byte blocks of the encoder's fast path
    cases.append(("wide_blobs", blobs(37, 157, 0.5, 2.5)))
    cases.append(("wide_salt", salt(9, 200, 0.3)))
    return cases


# ---- COCO RLE, from the format definition ----------------------------------------

def mask_text(m):
    """A mask as a string of '0' and '1', row-major (half the size of a JSON list)."""
    return "".join("1" if v else "0" for v in m.reshape(-1))


def rle_counts(m):
    flat = m.flatten(order="F").astype(np.int64)
    change = np.flatnonzero(np.diff(np.concatenate([[0], flat])) != 0)
    bounds = np.concatenate([[0], change, [flat.size]])
    return [int(c) for c in np.diff(bounds)]


def rle_string(counts):
    out = []
    for i, c in enumerate(counts):
        x = c - counts[i - 2] if i > 2 else c
        while True:
            g = x & 0x1F
            x >>= 5
            more = (x != -1) if (g & 0x10) else (x != 0)
            out.append(chr((g | 0x20 if more else g) + 48))
            if not more:
                break
    return "".join(out)


def rle_string_decode(s):
    counts, p = [], 0
    while p < len(s):
        x = k = 0
        while True:
            c = ord(s[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            p += 1
            k += 1
            if not c & 0x20:
                if c & 0x10:
                    x -= 1 << (5 * k)
                break
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def tight_bbox(m):
    ys, xs = np.nonzero(m)
    if xs.size == 0:
        return [0, 0, 0, 0]
    return [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1)]


def dense_iou(d, g, crowd):
    inter = int(np.logical_and(d, g).sum())
    if inter == 0:
        return 0.0
    union = int(d.sum()) if crowd else int(np.logical_or(d, g).sum())
    return inter / union


def fr_poly(xy, h, w):
    """pycocotools rleFrPoly, transcribed rule by rule (C int casts truncate)."""
    k = len(xy) // 2
    x = [int(5 * xy[2 * j] + .5) for j in range(k)] + [0]
    y = [int(5 * xy[2 * j + 1] + .5) for j in range(k)] + [0]
    x[k], y[k] = x[0], y[0]
    u, v = [], []
    for j in range(k):
        xs, xe, ys, ye = x[j], x[j + 1], y[j], y[j + 1]
        dx, dy = abs(xe - xs), abs(ys - ye)
        flip = (dx >= dy and xs > xe) or (dx < dy and ys > ye)
        if flip:
            xs, xe, ys, ye = xe, xs, ye, ys
        if dx >= dy:
            s = (ye - ys) / dx if dx else 0.0
            for d in range(dx + 1):
                t = dx - d if flip else d
                u.append(t + xs)
                v.append(int(ys + s * t + .5))
        else:
            s = (xe - xs) / dy
            for d in range(dy + 1):
                t = dy - d if flip else d
                v.append(t + ys)
                u.append(int(xs + s * t + .5))
    a = []
    for j in range(1, len(u)):
        if u[j] == u[j - 1]:
            continue
        xd = (u[j] if u[j] < u[j - 1] else u[j] - 1 + 0.0)
        xd = (xd + .5) / 5 - .5
        if math.floor(xd) != xd or xd < 0 or xd > w - 1:
            continue
        yd = (v[j] if v[j] < v[j - 1] else v[j - 1]) + 0.0
        yd = (yd + .5) / 5 - .5
        yd = math.ceil(min(max(yd, 0), h))
        a.append(int(xd) * h + int(yd))
    a.append(h * w)
    a.sort()
    d = [a[0]] + [a[j] - a[j - 1] for j in range(1, len(a))]
    b, j = [d[0]], 1
    while j < len(d):
        if d[j] > 0:
            b.append(d[j])
            j += 1
        else:
            j += 1
            if j < len(d):
                b[-1] += d[j]
                j += 1
    return b


def rle_goldens(cases):
    # The hand-computed cases of docs / the reference sheet.
    assert rle_counts(np.array([[0, 1], [1, 1]])) == [1, 3]
    assert rle_string([1, 3]) == "13"
    assert sum(fr_poly([0, 0, 0, 9, 9, 9, 9, 0], 20, 20)[1::2]) == 81
    masks = []
    for name, m in cases:
        c = rle_counts(m)
        s = rle_string(c)
        assert rle_string_decode(s) == c
        masks.append({"name": name, "h": m.shape[0], "w": m.shape[1],
                      "mask": mask_text(m), "counts": c, "string": s,
                      "area": int(m.sum()), "bbox": tight_bbox(m)})
    # Large counts exercise multi-group values and negative deltas.
    big = np.zeros((300, 500), np.uint8)
    big[7:290, 3:9] = 1
    big[:, 400:] = 1
    big[150, 200] = 1
    c = rle_counts(big)
    masks.append({"name": "big", "h": 300, "w": 500, "mask": None, "counts": c,
                  "string": rle_string(c), "area": int(big.sum()), "bbox": tight_bbox(big)})

    # IoU and merge over same-size blob masks.
    h, w = 23, 29
    dts = [blobs(h, w, 0.6, 2.0) for _ in range(5)] + [np.zeros((h, w), np.uint8)]
    gts = [blobs(h, w, 0.6, 2.0) for _ in range(3)] + [np.ones((h, w), np.uint8)]
    crowd = [0, 1, 0, 1]
    iou = [dense_iou(dts[d], gts[g], crowd[g]) for g in range(len(gts)) for d in range(len(dts))]
    merges = []
    for idx in ([0], [0, 1], [1, 2, 3], [0, 5], [2, 4, 1, 0]):
        ms = np.array([dts[i] for i in idx])
        merges.append({"inputs": idx,
                       "union": rle_counts(ms.any(axis=0).astype(np.uint8)),
                       "intersection": rle_counts(ms.all(axis=0).astype(np.uint8))})
    iou_case = {"h": h, "w": w, "dt": [rle_counts(m) for m in dts],
                "gt": [rle_counts(m) for m in gts], "iscrowd": crowd, "iou": iou,
                "merges": merges}

    polys = [
        ("square81", 20, 20, [0, 0, 0, 9, 9, 9, 9, 0]),
        ("box_as_list", 12, 15, [2.5, 1.25, 6, 4]),
        ("triangle", 30, 25, [1.2, 2.7, 22.9, 5.1, 10.4, 27.3]),
        ("outside", 10, 10, [-3.7, -2.2, 14.1, 1.0, 6.0, 13.9, -0.6, 8.8]),
        ("concave", 40, 40, [2, 2, 37.5, 2, 37.5, 37.5, 20, 12.3, 2, 37.5]),
        ("duplicate_points", 16, 16, [1, 1, 1.01, 1.02, 14, 2, 14, 2, 8, 14]),
        ("negative_round", 8, 8, [-0.1, -0.1, 5, -0.1, 5, 5, -0.1, 5]),
    ]
    for i in range(4):
        n = int(rng.integers(3, 12))
        pts = rng.uniform(-2, 34, size=2 * n).round(3).tolist()
        polys.append((f"random{i}", 31, 29, pts))
    poly_out = []
    for name, ph, pw, xy in polys:
        if len(xy) == 4:
            x0, y0, bw, bh = xy
            counts = fr_poly([x0, y0, x0, y0 + bh, x0 + bw, y0 + bh, x0 + bw, y0], ph, pw)
        else:
            counts = fr_poly(xy, ph, pw)
        poly_out.append({"name": name, "h": ph, "w": pw, "xy": xy, "counts": counts})
    dump("rle.json", {"masks": masks, "iou": iou_case, "polygons": poly_out})


# ---- OpenCV: contours, approxPolyDP, components ---------------------------------------

MODES = {"external": cv2.RETR_EXTERNAL, "list": cv2.RETR_LIST, "ccomp": cv2.RETR_CCOMP,
         "tree": cv2.RETR_TREE}
APPROX = {"none": cv2.CHAIN_APPROX_NONE, "simple": cv2.CHAIN_APPROX_SIMPLE}


def contour_goldens(cases):
    out = []
    for name, m in cases:
        if name == "wide_salt":
            continue  # hundreds of one-pixel contours add size, not coverage
        res = []
        for mode_name, mode in MODES.items():
            for ap_name, ap in APPROX.items():
                cs, hier = cv2.findContours(m.copy(), mode, ap)
                res.append({"mode": mode_name, "approx": ap_name,
                            "contours": [c.reshape(-1).tolist() for c in cs],
                            "hierarchy": [] if hier is None else hier.reshape(-1, 4).tolist()})
        out.append({"name": name, "h": m.shape[0], "w": m.shape[1],
                    "mask": mask_text(m), "results": res})
    dump("contours.json", out)

    approx = []
    big = ("big_blobs", blobs(96, 128, 0.5, 6.0))
    for name, m in cases + [big]:
        if name.startswith("salt"):
            continue  # tiny contours: nothing to simplify
        cs, _ = cv2.findContours(m.copy(), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
        for c in cs:
            if len(c) < 8:
                continue
            runs = [{"eps": eps, "closed": closed,
                     "out": cv2.approxPolyDP(c, eps, closed).reshape(-1).tolist()}
                    for eps in (0.5, 1.0, 2.5) for closed in (True, False)]
            approx.append({"case": name, "xy": c.reshape(-1).tolist(), "runs": runs})
    dump("approx.json", approx)


def component_goldens(cases):
    """OpenCV's stats, relabelled in row-major order of first pixel (libseg's order)."""
    out = []
    for name, m in cases:
        res = []
        for conn in (4, 8):
            n, labels, stats, cents = cv2.connectedComponentsWithStats(m, connectivity=conn)
            first = {}
            for lab in labels.reshape(-1):
                if lab and lab not in first:
                    first[lab] = len(first) + 1
            perm = np.zeros(n, np.int64)
            for old, new in first.items():
                perm[new] = old
            res.append({"connectivity": conn, "n": int(n),
                        "labels": np.vectorize(lambda v: first.get(v, 0))(labels)
                        .reshape(-1).tolist(),
                        "stats": stats[perm][1:].tolist(),
                        "background": stats[0].tolist() if stats[0][4] else [0] * 5,
                        "centroids": [[None if math.isnan(v) else v for v in row]
                                      for row in cents[perm].tolist()]})
        out.append({"name": name, "h": m.shape[0], "w": m.shape[1],
                    "mask": mask_text(m), "results": res})
    dump("components.json", out)


def fuzz_seeds(cases):
    """Seed corpora: fuzz/fuzz_rle.c takes size bytes (h - 1, w - 1) then a COCO string;
    fuzz/fuzz_masks.c takes size bytes, the pixels as bits, then polygon bytes."""
    seeds = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fuzz",
                         "corpus", "rle")
    os.makedirs(seeds, exist_ok=True)
    for name, m in cases:
        h, w = m.shape
        if h <= 64 and w <= 64:
            with open(os.path.join(seeds, name), "wb") as f:
                f.write(bytes([h - 1, w - 1]) + rle_string(rle_counts(m)).encode())
    bitmaps = os.path.join(seeds, "..", "masks")
    os.makedirs(bitmaps, exist_ok=True)
    for name, m in cases:
        h, w = m.shape
        if h <= 48 and w <= 48:
            with open(os.path.join(bitmaps, name), "wb") as f:
                f.write(bytes([h - 1, w - 1]) + np.packbits(m.reshape(-1), bitorder="little")
                        .tobytes() + bytes(range(0, 96, 7)))
    for name, data in (("malformed_sign", b"\x01\x011O"), ("truncated", b"\x01\x011P"),
                       ("overlong", b"\x01\x01131"), ("groups", b"\x03\x031PPPPPPPP0")):
        with open(os.path.join(seeds, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    cases = mask_cases()
    fuzz_seeds(cases)
    rle_goldens(cases)
    contour_goldens(cases)
    component_goldens(cases)
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)))
