#!/usr/bin/python3
"""Reference timings for bench_masks: OpenCV (python3-opencv) on the same kind of masks
(100 masks of 640x480 with 1-4 filled ellipses), best of N repeats.
Run: /usr/bin/python3 bench/bench_masks_ref.py [repeats]"""
import sys
import time

import cv2
import numpy as np

H, W, N = 480, 640, 100
rng = np.random.default_rng(12345)
masks = []
for _ in range(N):
    m = np.zeros((H, W), np.uint8)
    for _ in range(int(rng.integers(1, 5))):
        center = (int(rng.integers(0, W)), int(rng.integers(0, H)))
        axes = (int(rng.integers(10, 160)), int(rng.integers(10, 160)))
        cv2.ellipse(m, center, axes, 0, 0, 360, 1, -1)
    masks.append(m)
repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
cv2.setNumThreads(1)  # libseg is single-threaded here; OpenCV's thread pool thrashes on 2 shared cores


def best(fn):
    t = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        t.append(time.perf_counter() - t0)
    return min(t) * 1e3


print(f"OpenCV {cv2.__version__}, {N} masks {W}x{H}, best of {repeats}")
print("copy            %8.3f ms" % best(lambda: [m.copy() for m in masks]))
print("components (8)  %8.3f ms" % best(lambda: [cv2.connectedComponentsWithStats(m, connectivity=8) for m in masks]))
print("contours        %8.3f ms" % best(lambda: [cv2.findContours(m, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE) for m in masks]))
print("numpy RLE (F-order flatten + diff, not pycocotools) %8.3f ms" % best(
    lambda: [np.diff(np.flatnonzero(np.diff(np.concatenate([[0], m.flatten(order='F'), [2]])))) for m in masks]))
