#!/usr/bin/python3
"""Time the reference Python implementations on the same task sizes as bench_post.

Run with Debian's interpreter: /usr/bin/python3 bench/post_reference.py
Uses the reference re-implementations in tests/goldens/post_results.py (ultralytics
NMS + masks with torchvision.ops.nms and F.interpolate, detectron2 pasting) and
torchvision's own paste_masks_in_image, single-threaded like libseg.
"""
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "goldens"))
import post_results as ref  # noqa: E402


def best_ms(fn, repeats=10):
    t = time.perf_counter()
    fn()
    if time.perf_counter() - t > 1.0:
        repeats = 3  # the slow references: a few runs are enough
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    times.sort()
    return 1e3 * times[0], 1e3 * times[len(times) // 2]


def report(name, fn):
    b, m = best_ms(fn)
    print(f"{name:<44} best {b:8.3f} ms  median {m:8.3f} ms")


def main():
    torch.set_num_threads(1)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 21, 128, 128, generator=g)
    report("torch interpolate+argmax 21x128x128->512", lambda: F.interpolate(
        x, size=(512, 512), mode="bilinear", align_corners=False).argmax(1))

    n, nc = 8400, 80
    scores = torch.rand(n, nc, generator=g) * 0.2
    hot = torch.rand(n, generator=g) < 0.02
    scores[hot, torch.randint(0, nc, (int(hot.sum()),), generator=g)] = \
        0.3 + 0.7 * torch.rand(int(hot.sum()), generator=g)
    xy = 20 + torch.rand(n, 2, generator=g) * 600
    wh = 10 + torch.rand(n, 2, generator=g) * 120
    out0 = torch.cat([xy, wh, scores, torch.randn(n, 32, generator=g)], 1).T[None].contiguous()
    protos = torch.randn(32, 160, 160, generator=g)

    def yolo(native):
        det = ref.nms_ultralytics(out0, nc)
        if native:
            boxes = ref.scale_boxes((640, 640), det[:, :4], (1080, 810))
            ref.process_mask_native(protos, det[:, 6:], boxes, (1080, 810))
        else:
            ref.process_mask(protos, det[:, 6:], det[:, :4], (640, 640))
            ref.scale_boxes((640, 640), det[:, :4], (1080, 810))

    report("ultralytics-style yolo-seg, letterbox masks", lambda: yolo(False))
    report("ultralytics-style yolo-seg, native masks", lambda: yolo(True))

    bxy = torch.rand(100, 2, generator=g) * torch.tensor([540.0, 380.0])
    boxes = torch.cat([bxy, bxy + 20 + torch.rand(100, 2, generator=g) * 100], 1)
    masks = torch.rand(100, 1, 28, 28, generator=g)
    report("torchvision paste_masks_in_image 100", lambda: ref.paste_masks_in_image(
        masks, boxes, (480, 640), padding=1) > 0.5)
    report("detectron2-style paste 100 (CPU loop)", lambda: ref.d2_paste(masks, boxes, 480, 640))


if __name__ == "__main__":
    main()
