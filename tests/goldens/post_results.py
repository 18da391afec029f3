#!/usr/bin/python3
"""Goldens for lib/post semantic / instance / panoptic decoding.

Run with Debian's interpreter: /usr/bin/python3 tests/goldens/post_results.py
Writes small .npy files into tests/data/post_results/. Every case uses a fixed seed.

References (postprocessing-reference.md):
  §1 semantic   torch.nn.functional.interpolate(bilinear) then argmax / softmax
  §2 YOLO-seg   the ultralytics post-processing re-implemented below with torch and
                torchvision.ops.nms (ultralytics itself is not installed)
  §3 pasting    torchvision.models.detection.roi_heads.paste_masks_in_image (the real
                function) and detectron2's _do_paste_mask re-implemented with
                F.grid_sample
  §4 panoptic   NumPy / torch re-implementations of detectron2's
                combine_semantic_and_instance_outputs, Panoptic-DeepLab's
                get_panoptic_segmentation and Mask2Former's panoptic_inference
Masks are stored bit-packed (np.packbits, C order) to keep the files small.
"""
import os
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torchvision.models.detection.roi_heads import paste_masks_in_image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "post_results")


def save(name, arr):
    np.save(os.path.join(OUT, name + ".npy"), np.ascontiguousarray(arr))


def packed(masks):
    return np.packbits(np.asarray(masks, dtype=bool).reshape(-1))


# ---------------------------------------------------------------- §1 semantic

def semantic():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(1, 5, 9, 13, generator=g)
    up = F.interpolate(x, size=(37, 29), mode="bilinear", align_corners=False)
    save("sem_logits", x.numpy())
    save("sem_labels", up.argmax(1)[0].numpy().astype(np.uint8))
    p = up.softmax(1)
    save("sem_probs", p[0].numpy())
    save("sem_conf", p.max(1).values[0].numpy())
    ac = F.interpolate(x, size=(37, 29), mode="bilinear", align_corners=True)
    save("sem_labels_ac", ac.argmax(1)[0].numpy().astype(np.uint8))
    # detectron2 sem_seg_postprocess: crop the padding, then resize to the output size
    xc = torch.randn(1, 4, 12, 16, generator=g)
    crop = xc[:, :, 1:10, 2:13]
    save("sem_crop_logits", xc.numpy())
    save("sem_crop_labels",
         F.interpolate(crop, size=(20, 23), mode="bilinear", align_corners=False)
         .argmax(1)[0].numpy().astype(np.uint8))
    # a bigger, realistic-ratio case: 21 classes, 4x upsampling
    xb = torch.randn(1, 21, 32, 32, generator=g) * 3
    save("sem_big_logits", xb.numpy())
    save("sem_big_labels",
         F.interpolate(xb, size=(128, 128), mode="bilinear", align_corners=False)
         .argmax(1)[0].numpy().astype(np.uint8))
    # single channel: sigmoid > 0.5 (binary / salient models)
    xs = torch.randn(1, 1, 8, 8, generator=g)
    us = F.interpolate(xs, size=(30, 30), mode="bilinear", align_corners=False)
    save("sem_bin_logits", xs.numpy())
    save("sem_bin_labels", (us.sigmoid() > 0.5)[0, 0].numpy().astype(np.uint8))
    save("sem_bin_probs", us.sigmoid()[0].numpy())


# ---------------------------------------------------------------- §2 YOLO-seg

def xywh2xyxy(x):
    y = torch.empty_like(x)
    xy = x[..., :2]
    wh = x[..., 2:4] / 2
    y[..., :2] = xy - wh
    y[..., 2:] = xy + wh
    return y


def nms_ultralytics(pred, nc, conf=0.25, iou=0.7, max_det=300, max_nms=30000, max_wh=7680):
    """ultralytics.utils.ops.non_max_suppression for one image, best class only."""
    mi = 4 + nc
    xc = pred[:, 4:mi].amax(1) > conf
    x = pred.transpose(-1, -2)[0].clone()
    x[..., :4] = xywh2xyxy(x[..., :4])
    x = x[xc[0]]
    box, cls, mask = x.split((4, nc, x.shape[1] - mi), 1)
    c, j = cls.max(1, keepdim=True)
    x = torch.cat((box, c, j.float(), mask), 1)[c.view(-1) > conf]
    if x.shape[0] > max_nms:
        x = x[x[:, 4].argsort(descending=True)[:max_nms]]
    offs = x[:, 5:6] * max_wh
    keep = torchvision.ops.nms(x[:, :4] + offs, x[:, 4], iou)[:max_det]
    return x[keep]


def crop_mask(masks, boxes):
    _, h, w = masks.shape
    x1, y1, x2, y2 = torch.chunk(boxes[:, :, None], 4, 1)
    r = torch.arange(w, dtype=x1.dtype)[None, None, :]
    c = torch.arange(h, dtype=x1.dtype)[None, :, None]
    return masks * ((r >= x1) * (r < x2) * (c >= y1) * (c < y2))


def process_mask(protos, coef, boxes, shape, sigmoid=False):
    c, mh, mw = protos.shape
    ih, iw = shape
    masks = (coef @ protos.float().view(c, -1)).view(-1, mh, mw)
    if sigmoid:
        masks = masks.sigmoid()
    db = boxes.clone()
    db[:, 0] *= mw / iw
    db[:, 2] *= mw / iw
    db[:, 3] *= mh / ih
    db[:, 1] *= mh / ih
    masks = crop_mask(masks, db)
    masks = F.interpolate(masks[None], shape, mode="bilinear", align_corners=False)[0]
    return masks.gt_(0.5 if sigmoid else 0.0)


def scale_masks(masks, shape):
    mh, mw = masks.shape[2:]
    gain = min(mh / shape[0], mw / shape[1])
    pad = [mw - shape[1] * gain, mh - shape[0] * gain]
    pad[0] /= 2
    pad[1] /= 2
    top, left = int(round(pad[1] - 0.1)), int(round(pad[0] - 0.1))
    bottom = mh - int(round(pad[1] + 0.1))
    right = mw - int(round(pad[0] + 0.1))
    masks = masks[..., top:bottom, left:right]
    return F.interpolate(masks, shape, mode="bilinear", align_corners=False)


def process_mask_native(protos, coef, boxes, shape):
    c, mh, mw = protos.shape
    masks = (coef @ protos.float().view(c, -1)).view(-1, mh, mw)
    masks = scale_masks(masks[None], shape)[0]
    masks = crop_mask(masks, boxes)
    return masks.gt_(0.0)


def scale_boxes(img1_shape, boxes, img0_shape):
    gain = min(img1_shape[0] / img0_shape[0], img1_shape[1] / img0_shape[1])
    pad = (round((img1_shape[1] - img0_shape[1] * gain) / 2 - 0.1),
           round((img1_shape[0] - img0_shape[0] * gain) / 2 - 0.1))
    boxes = boxes.clone()
    boxes[..., 0] -= pad[0]
    boxes[..., 1] -= pad[1]
    boxes[..., 2] -= pad[0]
    boxes[..., 3] -= pad[1]
    boxes[..., :4] /= gain
    boxes[..., 0].clamp_(0, img0_shape[1])
    boxes[..., 1].clamp_(0, img0_shape[0])
    boxes[..., 2].clamp_(0, img0_shape[1])
    boxes[..., 3].clamp_(0, img0_shape[0])
    return boxes


YOLO_IN = (96, 96)      # letterboxed input h, w
YOLO_ORIG = (45, 75)     # original image h, w
YOLO_NC = 3


def yolo_inputs(n=300, seed=2):
    g = torch.Generator().manual_seed(seed)
    centres = torch.rand(12, 2, generator=g) * 76 + 10
    pick = torch.randint(0, 12, (n,), generator=g)
    cxy = centres[pick] + torch.randn(n, 2, generator=g) * 3
    wh = torch.rand(n, 2, generator=g) * 30 + 4
    scores = torch.rand(n, YOLO_NC, generator=g) ** 24
    coef = torch.randn(n, 32, generator=g)
    out0 = torch.cat([cxy, wh, scores, coef], 1).T[None].contiguous()
    protos = F.avg_pool2d(torch.randn(1, 32, 24, 24, generator=g), 3, 1, 1) * 3
    return out0, protos


def yolo_results(out0, protos, mode):
    det = nms_ultralytics(out0, YOLO_NC)
    boxes, coef = det[:, :4], det[:, 6:]
    if mode == "native":
        boxes = scale_boxes(YOLO_IN, boxes, YOLO_ORIG)
        masks = process_mask_native(protos[0], coef, boxes, YOLO_ORIG)
    else:
        masks = process_mask(protos[0], coef, boxes, YOLO_IN, sigmoid=(mode == "sigmoid"))
        boxes = scale_boxes(YOLO_IN, boxes, YOLO_ORIG)
    keep = masks.sum((-2, -1)) > 0
    return boxes[keep], det[keep, 4], det[keep, 5], masks[keep]


def yolo():
    out0, protos = yolo_inputs()
    save("yolo_out0", out0.numpy())
    save("yolo_protos", protos.numpy())
    for mode in ("letterbox", "native", "sigmoid"):
        boxes, scores, cls, masks = yolo_results(out0, protos, mode)
        save(f"yolo_{mode}_boxes", boxes.numpy())
        save(f"yolo_{mode}_scores", scores.numpy())
        save(f"yolo_{mode}_classes", cls.numpy().astype(np.int32))
        save(f"yolo_{mode}_masks", packed(masks.numpy()))
    # end-to-end export layout [1, N, 6 + 32]: rows sorted by score, no NMS
    g = torch.Generator().manual_seed(3)
    n = 40
    xy = torch.rand(n, 2, generator=g) * 60 + 10
    wh = torch.rand(n, 2, generator=g) * 24 + 4
    sc = torch.sort(torch.rand(n, generator=g), descending=True).values
    cl = torch.randint(0, YOLO_NC, (n,), generator=g).float()
    coef = torch.randn(n, 32, generator=g)
    e2e = torch.cat([xy, xy + wh, sc[:, None], cl[:, None], coef], 1)[None]
    save("yolo_e2e_out0", e2e.numpy())
    x = e2e[0][e2e[0, :, 4] > 0.25][:300]
    masks = process_mask(protos[0], x[:, 6:], x[:, :4], YOLO_IN)
    keep = masks.sum((-2, -1)) > 0
    save("yolo_e2e_boxes", scale_boxes(YOLO_IN, x[keep, :4], YOLO_ORIG).numpy())
    save("yolo_e2e_masks", packed(masks[keep].numpy()))
    # torchvision.ops.nms on its own, with ties of IoU near the threshold
    bx = torch.rand(200, 2, generator=g) * 50
    boxes = torch.cat([bx, bx + torch.rand(200, 2, generator=g) * 30 + 1], 1)
    scores = torch.rand(200, generator=g)
    order = scores.argsort(descending=True)
    save("nms_boxes", boxes[order].numpy())
    keep = torchvision.ops.nms(boxes[order], scores[order], 0.5)
    save("nms_keep", keep.numpy().astype(np.int64))


# ---------------------------------------------------------------- §3 pasting

def d2_paste(masks, boxes, img_h, img_w, threshold=0.5):
    """detectron2 layers/mask_ops.py paste_masks_in_image on CPU (one box per chunk)."""
    out = torch.zeros(len(masks), img_h, img_w, dtype=torch.bool)
    for i in range(len(masks)):
        b = boxes[i:i + 1]
        x0_int, y0_int = torch.clamp(b.min(dim=0).values.floor()[:2] - 1, min=0).to(torch.int32)
        x1_int = torch.clamp(b[:, 2].max().ceil() + 1, max=img_w).to(torch.int32)
        y1_int = torch.clamp(b[:, 3].max().ceil() + 1, max=img_h).to(torch.int32)
        x0, y0, x1, y1 = torch.split(b, 1, dim=1)
        img_y = torch.arange(y0_int, y1_int, dtype=torch.float32) + 0.5
        img_x = torch.arange(x0_int, x1_int, dtype=torch.float32) + 0.5
        img_y = (img_y - y0) / (y1 - y0) * 2 - 1
        img_x = (img_x - x0) / (x1 - x0) * 2 - 1
        gx = img_x[:, None, :].expand(1, img_y.size(1), img_x.size(1))
        gy = img_y[:, :, None].expand(1, img_y.size(1), img_x.size(1))
        grid = torch.stack([gx, gy], dim=3)
        m = F.grid_sample(masks[i:i + 1], grid, align_corners=False)[0, 0]
        out[i, y0_int:y1_int, x0_int:x1_int] = m >= threshold
    return out


def paste():
    g = torch.Generator().manual_seed(4)
    n, h, w = 12, 50, 70
    xy = torch.rand(n, 2, generator=g) * torch.tensor([w, h]) - 8
    wh = torch.rand(n, 2, generator=g) * 40 + 0.5
    boxes = torch.cat([xy, xy + wh], 1)
    masks = torch.sigmoid(F.avg_pool2d(torch.randn(n, 1, 28, 28, generator=g), 5, 1, 2) * 6)
    save("paste_boxes", boxes.numpy())
    save("paste_masks", masks.numpy())
    tv = paste_masks_in_image(masks, boxes, (h, w), padding=1)[:, 0] > 0.5
    save("paste_tv", packed(tv.numpy()))
    save("paste_d2", packed(d2_paste(masks, boxes, h, w).numpy()))


# ---------------------------------------------------------------- §4 panoptic

def blobs(g, classes, h, w, lo=(6, 8)):
    """A smooth random label map: argmax of upsampled random logits."""
    x = torch.randn(1, classes, *lo, generator=g) * 2
    return F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False).argmax(1)[0]


def segments_table(pan, segs, void):
    """[n, 8] int64: id, category, isthing, area, bbox x, y, w, h (from the id map)."""
    rows = []
    for s in segs:
        ys, xs = np.nonzero(pan == s["id"])
        rows.append([s["id"], s["category_id"], int(s["isthing"]), len(ys),
                     xs.min(), ys.min(), xs.max() - xs.min() + 1, ys.max() - ys.min() + 1])
    return np.array(rows, dtype=np.int64).reshape(-1, 8)


def fpn_combine(sem, masks, scores, classes, overlap=0.5, stuff_area=4096, score_thr=0.5):
    """detectron2 panoptic_fpn combine_semantic_and_instance_outputs."""
    pan = torch.zeros_like(sem, dtype=torch.int32)
    segs = []
    cur = 0
    for i in torch.argsort(-scores, stable=True):
        score = scores[i].item()
        if score < score_thr:
            break
        mask = masks[i]
        area = mask.sum().item()
        if area == 0:
            continue
        inter = (mask & (pan > 0)).sum().item()
        if inter * 1.0 / area > overlap:
            continue
        if inter > 0:
            mask = mask & (pan == 0)
        cur += 1
        pan[mask] = cur
        segs.append({"id": cur, "isthing": True, "score": score,
                     "category_id": int(classes[i])})
    for label in torch.unique(sem).tolist():
        if label == 0:
            continue
        mask = (sem == label) & (pan == 0)
        if mask.sum().item() < stuff_area:
            continue
        cur += 1
        pan[mask] = cur
        segs.append({"id": cur, "isthing": False, "score": 1.0, "category_id": label})
    return pan.numpy(), segs


def panoptic_fpn():
    g = torch.Generator().manual_seed(5)
    h, w, n = 48, 64, 10
    sem = blobs(g, 6, h, w)
    xy = torch.rand(n, 2, generator=g) * torch.tensor([w - 10, h - 10])
    boxes = torch.cat([xy, xy + torch.rand(n, 2, generator=g) * 30 + 6], 1)
    probs = torch.sigmoid(F.avg_pool2d(torch.randn(n, 1, 28, 28, generator=g), 5, 1, 2) * 6 + 1)
    scores = torch.rand(n, generator=g)
    scores[3] = 0.5  # exactly the threshold: kept (the test is "< 0.5 stops")
    classes = torch.randint(0, 4, (n,), generator=g)
    masks = paste_masks_in_image(probs, boxes, (h, w), padding=1)[:, 0] > 0.5
    save("fpn_semantic", sem.numpy().astype(np.uint8))
    save("fpn_boxes", boxes.numpy())
    save("fpn_probs", probs.numpy())
    save("fpn_scores", scores.numpy())
    save("fpn_classes", classes.numpy().astype(np.int64))
    pan, segs = fpn_combine(sem, masks, scores, classes, stuff_area=200)
    save("fpn_ids", pan)
    save("fpn_segments", segments_table(pan, segs, 0))


def deeplab_centers(ctr_hmp, threshold, nms_kernel, top_k):
    ctr_hmp = F.threshold(ctr_hmp, threshold, -1)
    pooled = F.max_pool2d(ctr_hmp, kernel_size=nms_kernel, stride=1,
                          padding=(nms_kernel - 1) // 2)
    ctr_hmp[ctr_hmp != pooled] = -1
    ctr_hmp = ctr_hmp.squeeze()
    if top_k is None:
        return torch.nonzero(ctr_hmp > 0)
    kth = torch.topk(torch.flatten(ctr_hmp), top_k)[0][-1]
    return torch.nonzero(ctr_hmp > kth)


def deeplab_panoptic(sem, ctr_hmp, offsets, thing_list, label_divisor=1000, stuff_area=2048,
                     void_label=-1, threshold=0.1, nms_kernel=7, top_k=200):
    """Panoptic-DeepLab get_panoptic_segmentation (batch 1)."""
    thing_seg = torch.zeros_like(sem)
    for c in thing_list:
        thing_seg[sem == c] = 1
    ctr = deeplab_centers(ctr_hmp.clone(), threshold, nms_kernel, top_k)
    h, w = sem.shape
    if ctr.size(0) == 0:
        ins = torch.zeros_like(sem)
    else:
        yy = torch.arange(h).repeat(1, w, 1).transpose(1, 2)
        xx = torch.arange(w).repeat(1, h, 1)
        loc = (torch.cat((yy, xx), 0) + offsets[0]).reshape(2, h * w).transpose(1, 0)
        d = torch.norm(ctr.unsqueeze(1) - loc.unsqueeze(0), dim=-1)
        ins = (torch.argmin(d, dim=0).reshape(h, w) + 1) * thing_seg
    pan = torch.zeros_like(sem) + void_label
    tracker = Counter()
    segs = []
    for k in torch.unique(ins).tolist():
        if k == 0:
            continue
        m = (ins == k) & (thing_seg > 0)
        if m.sum() == 0:
            continue
        cls = torch.mode(sem[m].view(-1))[0].item()
        tracker[cls] += 1
        pid = cls * label_divisor + tracker[cls]
        pan[m] = pid
        cy, cx = ctr[k - 1].tolist()
        segs.append({"id": pid, "category_id": cls, "isthing": True,
                     "score": ctr_hmp[0, 0, cy, cx].item()})
    for c in torch.unique(sem).tolist():
        if c in thing_list:
            continue
        m = (sem == c) & (ins == 0)
        if m.sum().item() >= stuff_area:
            pan[m] = c * label_divisor
            segs.append({"id": c * label_divisor, "category_id": c, "isthing": False,
                         "score": 1.0})
    return pan.numpy().astype(np.int32), segs


def panoptic_deeplab():
    g = torch.Generator().manual_seed(6)
    h, w = 40, 56
    sem = blobs(g, 6, h, w, lo=(5, 7))
    cy = torch.rand(9, generator=g) * h
    cx = torch.rand(9, generator=g) * w
    yy, xx = torch.meshgrid(torch.arange(h).float(), torch.arange(w).float(), indexing="ij")
    d2 = (yy[None] - cy[:, None, None]) ** 2 + (xx[None] - cx[:, None, None]) ** 2
    heat = torch.exp(-d2 / 18).amax(0) * (0.5 + torch.rand(1, generator=g))
    heat = heat + torch.rand(h, w, generator=g) * 0.05
    near = d2.argmin(0)
    offsets = torch.stack([cy[near] - yy, cx[near] - xx]) + torch.randn(2, h, w, generator=g)
    things = [1, 2, 3]
    save("dl_semantic", sem.numpy().astype(np.int32))
    save("dl_center", heat[None, None].numpy())
    save("dl_offsets", offsets[None].numpy())
    for tag, kw in (("default", dict(stuff_area=200)),
                    ("topk", dict(stuff_area=200, top_k=4, nms_kernel=3))):
        pan, segs = deeplab_panoptic(sem, heat[None, None], offsets[None], things, **kw)
        save(f"dl_{tag}_ids", pan)
        save(f"dl_{tag}_segments", segments_table(pan, segs, -1))
        save(f"dl_{tag}_scores", np.array([s["score"] for s in segs], dtype=np.float32))


def m2f_panoptic(mask_cls, mask_pred, things, object_mask_threshold=0.8, overlap=0.8):
    """Mask2Former MaskFormer.panoptic_inference."""
    num_classes = mask_cls.shape[-1] - 1
    scores, labels = F.softmax(mask_cls, dim=-1).max(-1)
    mask_pred = mask_pred.sigmoid()
    keep = labels.ne(num_classes) & (scores > object_mask_threshold)
    cur_scores, cur_classes, cur_masks = scores[keep], labels[keep], mask_pred[keep]
    prob = cur_scores.view(-1, 1, 1) * cur_masks
    h, w = cur_masks.shape[-2:]
    pan = torch.zeros((h, w), dtype=torch.int32)
    segs = []
    cur = 0
    if cur_masks.shape[0] == 0:
        return pan.numpy(), segs
    ids = prob.argmax(0)
    stuff_memory = {}
    for k in range(cur_classes.shape[0]):
        cls = cur_classes[k].item()
        isthing = cls in things
        mask_area = (ids == k).sum().item()
        original_area = (cur_masks[k] >= 0.5).sum().item()
        mask = (ids == k) & (cur_masks[k] >= 0.5)
        if mask_area > 0 and original_area > 0 and mask.sum().item() > 0:
            if mask_area / original_area < overlap:
                continue
            if not isthing:
                if cls in stuff_memory:
                    pan[mask] = stuff_memory[cls]
                    continue
                stuff_memory[cls] = cur + 1
            cur += 1
            pan[mask] = cur
            segs.append({"id": cur, "isthing": isthing, "category_id": cls,
                         "score": cur_scores[k].item()})
    return pan.numpy(), segs


def mask2former():
    g = torch.Generator().manual_seed(7)
    q, k = 16, 5
    cls = torch.randn(q, k + 1, generator=g)
    boost = torch.randint(0, k + 1, (q,), generator=g)
    cls[torch.arange(q), boost] += 6
    # one blob per query, partly overlapping; queries 14 and 15 repeat query 13's stuff
    # class so that stuff segments merge
    cy = torch.rand(q, 1, 1, generator=g) * 20
    cx = torch.rand(q, 1, 1, generator=g) * 24
    r2 = (torch.rand(q, 1, 1, generator=g) * 5 + 3) ** 2
    yy, xx = torch.meshgrid(torch.arange(20).float(), torch.arange(24).float(), indexing="ij")
    masks = 4 * (1 - ((yy - cy) ** 2 + (xx - cx) ** 2) / r2)
    masks = masks + torch.randn(q, 20, 24, generator=g) * 0.5
    cls[13:, :] = cls[13, :]
    cls[13:, 3] += 8
    up = F.interpolate(masks[None], size=(40, 48), mode="bilinear", align_corners=False)[0]
    save("m2f_class", cls.numpy())
    save("m2f_masks", masks.numpy())
    for tag, ov in (("default", 0.8), ("overlap", 0.3)):
        pan, segs = m2f_panoptic(cls, up, [0, 1, 2], overlap=ov)
        save(f"m2f_{tag}_ids", pan.astype(np.int32))
        save(f"m2f_{tag}_segments", segments_table(pan, segs, 0))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    semantic()
    yolo()
    paste()
    panoptic_fpn()
    panoptic_deeplab()
    mask2former()
