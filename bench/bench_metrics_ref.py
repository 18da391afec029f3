#!/usr/bin/python3
"""Time the NumPy re-implementation of panopticapi's pq_compute_single_core
(tests/goldens/metrics.py) on the data bench/bench_metrics.c generates, for the
"faster than the reference Python" comparison. pq_compute itself reads PNGs first;
here the id maps are already in memory, as in the C benchmark.

Run: /usr/bin/python3 bench/bench_metrics_ref.py [pairs]   (default 100)"""
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "goldens"))
from metrics import id2rgb, pq_average, pq_single, rgb2id  # noqa: E402

H, W, TX, TY, CIRCLES = 480, 640, 6, 5, 20


def paint(i, dx, dy, base):
    ys, xs = np.mgrid[:H, :W]
    sx = np.clip(xs - dx, 0, W - 1)
    sy = np.clip(ys - dy, 0, H - 1)
    ids = base + 1 + (sy * TY // H * TX + sx * TX // W)
    for k in range(CIRCLES):
        cx, cy = (37 * k * (i + 1)) % W, (53 * k + 11 * i) % H
        r = 10 + (k * 7) % 40
        ids[(sx - cx) ** 2 + (sy - cy) ** 2 <= r * r] = base + 100 + k
    return ids.astype(np.uint32)


def segments(ids, base, relabel):
    out = []
    for sid, area in zip(*np.unique(ids, return_counts=True)):
        k = int(sid) - base
        cat = 1 + (k - 100) % 10 if k >= 100 else 100 + (k - 1) % 10
        if relabel and k >= 100 and k % 7 == 0:
            cat = 1 + cat % 10
        out.append({"id": int(sid), "category_id": cat, "iscrowd": 0, "area": int(area)})
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    cats = {c: {"id": c} for c in list(range(1, 11)) + list(range(100, 110))}
    pairs = []
    for i in range(n):
        g, p = paint(i, 0, 0, 0), paint(i, i % 5 - 2, i % 3 - 1, 50000)
        pairs.append((id2rgb(g), id2rgb(p), segments(g, 0, False), segments(p, 50000, True)))
    total = {c: [0, 0, 0, 0.0] for c in cats}
    t0 = time.perf_counter()
    for g_rgb, p_rgb, gs, ps in pairs:
        for c, s in pq_single(rgb2id(g_rgb), rgb2id(p_rgb), gs, ps, cats).items():
            for k in range(4):
                total[c][k] += s[k]
    dt = time.perf_counter() - t0
    things = [{"id": c, "isthing": int(c < 100)} for c in cats]
    pq = pq_average(total, things, None)[0]["pq"]
    print("NumPy pq_compute core over %d pairs of %dx%d RGB id maps: %.1f ms (%.2f ms/pair), "
          "PQ %.4f" % (n, W, H, 1e3 * dt, 1e3 * dt / n, pq))


if __name__ == "__main__":
    main()
