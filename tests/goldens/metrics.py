#!/usr/bin/python3
"""Goldens for tests/post/test_metrics_*.c, from an independent NumPy implementation
of the reference semantics (pycocotools and panopticapi are not packaged for Debian 12,
so they cannot be run here). Each function below names the reference behaviour it
re-implements, from the documented semantics in shared/postprocessing-reference.md:

  semantic:  torchvision's ConfusionMatrix.compute, mmsegmentation's
             intersect_and_union + total_area_to_metrics, detectron2's
             SemSegEvaluator.evaluate, Cityscapes' getIouScoreForLabel
  panoptic:  panopticapi's pq_compute_single_core + PQStat.pq_average
  instances: pycocotools' COCOeval (iouType 'segm'): evaluateImg, accumulate,
             summarize, with RLE encoding per maskApi.c

Synthetic data sets with fixed seeds; everything is written to tests/data/metrics/.
Run: /usr/bin/python3 tests/goldens/metrics.py"""
import json
import os

import cv2
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "metrics")


def out(*parts):
    path = os.path.join(OUT, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def dump(name, obj):
    with open(out(name), "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True, allow_nan=True)
        f.write("\n")


# ---------------------------------------------------------------------------
# Semantic
# ---------------------------------------------------------------------------

def confusion(gts, preds, n, ignore=255):
    """Rows gt, columns pred plus one column for predictions outside [0, n)."""
    m = np.zeros((n, n + 1), np.int64)
    for g, p in zip(gts, preds):
        g = g.astype(np.int64).ravel()
        p = p.astype(np.int64).ravel()
        k = (g != ignore) & (g >= 0) & (g < n)
        g, p = g[k], p[k]
        p = np.where((p >= 0) & (p < n), p, n)
        m += np.bincount(g * (n + 1) + p, minlength=n * (n + 1)).reshape(n, n + 1)
    return m


def torchvision_metrics(m, n):
    # torchvision references/segmentation/utils.py ConfusionMatrix.compute:
    # acc_global = diag.sum() / h.sum(); iu = diag / (h.sum(1) + h.sum(0) - diag)
    h = m.astype(np.float64)
    diag = np.diag(h[:, :n])
    with np.errstate(invalid="ignore", divide="ignore"):
        iu = diag / (h.sum(1) + h[:, :n].sum(0) - diag)
    return iu, float(iu.mean())


def mmseg_metrics(m, n):
    # mmseg intersect_and_union / total_area_to_metrics: IoU = I / U, Acc = I / label,
    # Dice = 2I / (pred + label); means are nanmean.
    h = m.astype(np.float64)
    inter = np.diag(h[:, :n])
    area_label = h.sum(1)
    area_pred = h[:, :n].sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = inter / (area_pred + area_label - inter)
        acc = inter / area_label
        dice = 2 * inter / (area_pred + area_label)
    return iou, acc, dice, float(inter.sum() / area_label.sum())


def detectron2_metrics(m, n):
    # detectron2 SemSegEvaluator.evaluate (matrix transposed here: rows gt).
    h = m.astype(np.float64)
    tp = np.diag(h[:, :n])
    pos_gt = h.sum(1)
    pos_pred = h[:, :n].sum(0)
    class_weights = pos_gt / pos_gt.sum()
    acc = np.full(n, np.nan)
    iou = np.full(n, np.nan)
    acc_valid = pos_gt > 0
    acc[acc_valid] = tp[acc_valid] / pos_gt[acc_valid]
    union = pos_gt + pos_pred - tp
    iou_valid = acc_valid & (union > 0)
    iou[iou_valid] = tp[iou_valid] / union[iou_valid]
    macc = np.sum(acc[acc_valid]) / np.sum(acc_valid)
    miou = np.sum(iou[iou_valid]) / np.sum(iou_valid)
    fiou = np.sum(iou[iou_valid] * class_weights[iou_valid])
    pacc = np.sum(tp) / np.sum(pos_gt)
    return iou, float(miou), float(fiou), float(macc), float(pacc)


def cityscapes_iou(m, n, ignored):
    # cityscapesscripts evalPixelLevelSemanticLabeling.getIouScoreForLabel /
    # getScoreAverage: fp only from gt rows not ignoreInEval; NaN when tp+fp+fn == 0.
    ious = np.full(n, np.nan)
    for c in range(n):
        if c in ignored:
            continue
        tp = m[c, c]
        fn = m[c, :].sum() - tp
        not_ignored = [r for r in range(n) if r not in ignored and r != c]
        fp = m[not_ignored, c].sum()
        den = tp + fp + fn
        if den > 0:
            ious[c] = tp / den
    return ious, float(np.nanmean(ious))


def nan_list(a):
    return [None if np.isnan(v) else float(v) for v in a]


def semantic():
    rng = np.random.default_rng(1)
    n, shape = 6, (3, 24, 32)
    gt = rng.integers(0, 4, shape).astype(np.uint8)       # classes 0-3 in gt
    gt[:, :, :3] = 5                                      # class 5 has gt too
    gt[0, :2, :] = 255                                    # ignored rows
    pred = gt.copy()
    flip = rng.random(shape) < 0.35
    pred[flip] = rng.integers(0, 6, shape).astype(np.uint8)[flip]
    pred[1, 5:8, 5:20] = 5                               # class 5 over-predicted
    pred[2, 10, :] = 200                                  # out of range predictions
    pred[2, 11, :4] = 4                                   # class 4: predicted only
    # Class 4 is predicted but never in gt: torchvision IoU 0, mmseg 0, detectron2 NaN.
    np.save(out("sem_gt.npy"), gt)
    np.save(out("sem_pred.npy"), pred)
    for i in range(shape[0]):    # the same maps as greyscale label PNGs, one per image
        cv2.imwrite(out("sem_png", "gt", "img%d.png" % i), gt[i])
        cv2.imwrite(out("sem_png", "pred", "img%d.png" % i), pred[i])
    m = confusion(gt, pred, n)

    tv_iou, tv_miou = torchvision_metrics(m, n)
    mm_iou, mm_acc, mm_dice, aacc = mmseg_metrics(m, n)
    d2_iou, d2_miou, d2_fiou, d2_macc, d2_pacc = detectron2_metrics(m, n)
    cs_iou, cs_miou = cityscapes_iou(m, n, ignored={1})
    # A 7-class matrix: class 6 appears nowhere, so torchvision's plain mean is NaN.
    m7 = confusion(gt, pred, 7)
    _, tv_miou7 = torchvision_metrics(m7, 7)
    _, _, _, _ = mmseg_metrics(m7, 7)
    dump("semantic.json", {
        "n_classes": n,
        "matrix": m.tolist(),
        "torchvision": {"iou": nan_list(tv_iou), "miou": tv_miou},
        "torchvision_7": {"miou": None if np.isnan(tv_miou7) else tv_miou7},
        "mmseg": {"iou": nan_list(mm_iou), "miou": float(np.nanmean(mm_iou)),
                  "acc": nan_list(mm_acc), "macc": float(np.nanmean(mm_acc)),
                  "dice": nan_list(mm_dice), "mdice": float(np.nanmean(mm_dice)),
                  "aacc": aacc},
        "detectron2": {"iou": nan_list(d2_iou), "miou": d2_miou, "fwiou": d2_fiou,
                       "macc": d2_macc, "pacc": d2_pacc},
        "cityscapes": {"ignored": [1], "iou": nan_list(cs_iou), "miou": cs_miou},
    })


# ---------------------------------------------------------------------------
# Panoptic
# ---------------------------------------------------------------------------

PAN_CATS = [
    {"id": 1, "name": "person", "isthing": 1},
    {"id": 2, "name": "car", "isthing": 1},
    {"id": 3, "name": "dog", "isthing": 1},
    {"id": 4, "name": "bike", "isthing": 1},   # never appears: left out of averages
    {"id": 10, "name": "sky", "isthing": 0},
    {"id": 11, "name": "road", "isthing": 0},
]


def id2rgb(ids):
    ids = ids.astype(np.uint32)
    return np.stack([ids % 256, ids // 256 % 256, ids // 65536 % 256], -1).astype(np.uint8)


def rgb2id(rgb):
    rgb = rgb.astype(np.uint32)
    return rgb[..., 0] + 256 * rgb[..., 1] + 256 * 256 * rgb[..., 2]


def bbox_of(mask):
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return [0, 0, 0, 0]
    return [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1)]


def segments_of(ids, cats, crowd):
    infos = []
    for sid, cat in cats.items():
        mask = ids == sid
        infos.append({"id": int(sid), "category_id": int(cat), "area": int(mask.sum()),
                      "bbox": bbox_of(mask), "iscrowd": int(crowd.get(sid, 0))})
    return infos


def random_box(rng, h, w, lo, hi):
    bh, bw = rng.integers(lo, hi, 2)
    y, x = rng.integers(0, h - bh), rng.integers(0, w - bw)
    return y, x, bh, bw


def panoptic_image(rng, h, w):
    """A gt id map (stuff bands, thing boxes, a crowd box, void) and a prediction that
    shifts, drops, relabels and invents segments."""
    used = set()

    def new_id():
        while True:
            v = int(rng.integers(1, 1 << 24))
            if v not in used:
                used.add(v)
                return v

    gt = np.zeros((h, w), np.uint32)
    gcat, gcrowd = {}, {}
    sky, road = new_id(), new_id()
    gt[: h // 2] = sky
    gt[h // 2:] = road
    gcat[sky], gcat[road] = 10, 11
    boxes = []
    for _ in range(int(rng.integers(3, 7))):
        sid, cat = new_id(), int(rng.choice([1, 2, 3]))
        y, x, bh, bw = random_box(rng, h, w, 4, 16)
        gt[y:y + bh, x:x + bw] = sid
        gcat[sid] = cat
        boxes.append((sid, cat, y, x, bh, bw))
    if rng.random() < 0.7:
        sid = new_id()
        y, x, bh, bw = random_box(rng, h, w, 8, 14)
        gt[y:y + bh, x:x + bw] = sid
        gcat[sid], gcrowd[sid] = 1, 1
        boxes.append((sid, 1, y, x, bh, bw))
    y, x, bh, bw = random_box(rng, h, w, 3, 10)
    gt[y:y + bh, x:x + bw] = 0                    # void
    present = set(np.unique(gt)) - {0}
    gcat = {k: v for k, v in gcat.items() if k in present}

    pred = np.zeros((h, w), np.uint32)
    pcat = {}
    # stuff: predicted with a shifted boundary
    cut = h // 2 + int(rng.integers(-3, 4))
    for cat, rows in ((10, slice(0, cut)), (11, slice(cut, h))):
        pid = new_id()
        pred[rows] = pid
        pcat[pid] = cat
    for sid, cat, y, x, bh, bw in boxes:
        r = rng.random()
        if r < 0.15:
            continue                               # missed
        pid = new_id()
        dy, dx = rng.integers(-3, 4, 2)
        y0, x0 = max(0, y + dy), max(0, x + dx)
        pred[y0:y0 + bh, x0:x0 + bw] = pid
        pcat[pid] = cat if r < 0.85 else int(rng.choice([1, 2, 3]))
    for _ in range(int(rng.integers(0, 3))):        # inventions, some on void / crowd
        pid = new_id()
        y, x, bh, bw = random_box(rng, h, w, 2, 8)
        pred[y:y + bh, x:x + bw] = pid
        pcat[pid] = int(rng.choice([1, 2, 3]))
    ppresent = set(np.unique(pred)) - {0}
    pcat = {k: v for k, v in pcat.items() if k in ppresent}
    return gt, gcat, gcrowd, pred, pcat


def pq_single(pan_gt, pan_pred, gt_segms, pred_segms, categories):
    """panopticapi pq_compute_single_core for one image; returns per-category stats."""
    OFFSET, VOID = 256 * 256 * 256, 0
    stat = {c: [0, 0, 0, 0.0] for c in categories}   # tp, fp, fn, iou
    gt_segms = {el["id"]: dict(el) for el in gt_segms}
    pred_segms = {el["id"]: dict(el) for el in pred_segms}
    labels, cnts = np.unique(pan_pred, return_counts=True)
    for label, cnt in zip(labels, cnts):
        if label == VOID:
            continue
        pred_segms[int(label)]["area"] = int(cnt)
    pair = pan_gt.astype(np.uint64) * OFFSET + pan_pred.astype(np.uint64)
    gt_pred = {}
    for label, inter in zip(*np.unique(pair, return_counts=True)):
        gt_pred[(int(label) // OFFSET, int(label) % OFFSET)] = int(inter)
    gt_matched, pred_matched = set(), set()
    for (g, p), inter in gt_pred.items():
        if g not in gt_segms or p not in pred_segms:
            continue
        if gt_segms[g]["iscrowd"] == 1:
            continue
        if gt_segms[g]["category_id"] != pred_segms[p]["category_id"]:
            continue
        union = (pred_segms[p]["area"] + gt_segms[g]["area"] - inter
                 - gt_pred.get((VOID, p), 0))
        iou = inter / union
        if iou > 0.5:
            s = stat[gt_segms[g]["category_id"]]
            s[0] += 1
            s[3] += iou
            gt_matched.add(g)
            pred_matched.add(p)
    crowd = {}
    for g, info in gt_segms.items():
        if g in gt_matched:
            continue
        if info["iscrowd"] == 1:
            crowd[info["category_id"]] = g
            continue
        stat[info["category_id"]][2] += 1
    for p, info in pred_segms.items():
        if p in pred_matched:
            continue
        inter = gt_pred.get((VOID, p), 0)
        if info["category_id"] in crowd:
            inter += gt_pred.get((crowd[info["category_id"]], p), 0)
        if inter / info["area"] > 0.5:
            continue
        stat[info["category_id"]][1] += 1
    return stat


def pq_average(stat, cats, isthing):
    """panopticapi PQStat.pq_average."""
    pq = sq = rq = 0.0
    n = 0
    per = {}
    for c in cats:
        if isthing is not None and (c["isthing"] == 1) != isthing:
            continue
        tp, fp, fn, iou = stat[c["id"]]
        if tp + fp + fn == 0:
            per[c["id"]] = [0.0, 0.0, 0.0]
            continue
        n += 1
        p = iou / (tp + 0.5 * fp + 0.5 * fn)
        s = iou / tp if tp != 0 else 0
        r = tp / (tp + 0.5 * fp + 0.5 * fn)
        per[c["id"]] = [p, s, r]
        pq, sq, rq = pq + p, sq + s, rq + r
    return {"pq": pq / n, "sq": sq / n, "rq": rq / n, "n": n}, per


def panoptic():
    rng = np.random.default_rng(2)
    cats = {c["id"]: c for c in PAN_CATS}
    gt_json = {"categories": PAN_CATS, "images": [], "annotations": []}
    pred_json = {"annotations": []}
    total = {c: [0, 0, 0, 0.0] for c in cats}
    for i in range(8):
        h, w = (40, 56) if i % 2 else (48, 64)
        gt, gcat, gcrowd, pred, pcat = panoptic_image(rng, h, w)
        name = "img%02d.png" % i
        cv2.imwrite(out("pan_gt", name), id2rgb(gt)[..., ::-1])
        cv2.imwrite(out("pan_pred", name), id2rgb(pred)[..., ::-1])
        gsegs = segments_of(gt, gcat, gcrowd)
        psegs = segments_of(pred, pcat, {})
        image_id = 100 + i
        gt_json["images"].append({"id": image_id, "file_name": "img%02d.jpg" % i,
                                  "height": h, "width": w})
        gt_json["annotations"].append({"image_id": image_id, "file_name": name,
                                       "segments_info": gsegs})
        # predictions listed in reverse order: pairing is by image_id, not position
        pred_json["annotations"].insert(0, {"image_id": image_id, "file_name": name,
                                            "segments_info": psegs})
        # in-memory form for the id-map API: i32 maps and i64 segment rows
        np.save(out("pan_npy", "gt%02d.npy" % i), gt.astype(np.int32))
        np.save(out("pan_npy", "pred%02d.npy" % i), pred.astype(np.int32))
        np.save(out("pan_npy", "gtseg%02d.npy" % i), np.array(
            [[s["id"], s["category_id"], s["iscrowd"], s["area"]] for s in gsegs], np.int64))
        np.save(out("pan_npy", "predseg%02d.npy" % i), np.array(
            [[s["id"], s["category_id"]] for s in psegs], np.int64).reshape(-1, 2))
        # read back the PNGs as pq_compute does, so the goldens follow the files
        pan_gt = rgb2id(cv2.imread(out("pan_gt", name))[..., ::-1])
        pan_pred = rgb2id(cv2.imread(out("pan_pred", name))[..., ::-1])
        for c, s in pq_single(pan_gt, pan_pred, gsegs, psegs, cats).items():
            for k in range(4):
                total[c][k] += s[k]
    dump("pan_gt.json", gt_json)
    dump("pan_pred.json", pred_json)
    res = {}
    for key, isthing in (("All", None), ("Things", True), ("Stuff", False)):
        res[key], per = pq_average(total, PAN_CATS, isthing)
        if isthing is None:
            res["per_class"] = {str(c): v + total[c][:3] for c, v in per.items()}
    dump("panoptic.json", res)
    bad_panoptic_files(gt_json, pred_json)


def bad_panoptic_files(gt_json, pred_json):
    """Inputs that panopticapi rejects (or should): each changes one thing."""
    def variant(name, src, edit):
        doc = json.loads(json.dumps(src))
        edit(doc)
        dump(os.path.join("pan_bad", name), doc)

    def drop_image(d):
        d["annotations"] = [a for a in d["annotations"] if a["image_id"] != 103]

    def extra_segment(d):
        d["annotations"][0]["segments_info"].append(
            {"id": 1234567, "category_id": 1, "area": 5, "bbox": [0, 0, 1, 5], "iscrowd": 0})

    def unknown_category(d):
        d["annotations"][0]["segments_info"][0]["category_id"] = 99

    def missing_field(d):
        del d["annotations"][1]["segments_info"][2]["category_id"]

    def gt_missing_segment(d):
        d["annotations"][2]["segments_info"].pop(0)

    variant("pred_missing_image.json", pred_json, drop_image)
    variant("pred_extra_segment.json", pred_json, extra_segment)
    variant("pred_unknown_category.json", pred_json, unknown_category)
    variant("pred_missing_field.json", pred_json, missing_field)
    variant("gt_missing_segment.json", gt_json, gt_missing_segment)
    with open(out("pan_bad", "pred_truncated.json"), "w") as f:
        f.write(json.dumps(pred_json)[:300])


# ---------------------------------------------------------------------------
# Instances: COCO mask AP
# ---------------------------------------------------------------------------

def rle_counts(mask):
    """Column-major runs starting with a run of zeros (maskApi.c rleEncode)."""
    v = mask.astype(np.uint8).ravel(order="F")
    change = np.flatnonzero(v[1:] != v[:-1]) + 1
    bounds = np.concatenate([[0], change, [v.size]])
    runs = np.diff(bounds).tolist()
    if v[0] == 1:
        runs = [0] + runs
    return [int(r) for r in runs]


def rle_string(cnts):
    """maskApi.c rleToString: deltas from i > 2, 5-bit groups, +48."""
    s = []
    for i, c in enumerate(cnts):
        x = int(c) - (int(cnts[i - 2]) if i > 2 else 0)
        more = True
        while more:
            ch = x & 0x1F
            x >>= 5
            more = (x != -1) if (ch & 0x10) else (x != 0)
            if more:
                ch |= 0x20
            s.append(chr(ch + 48))
    return "".join(s)


def ellipse(h, w, cy, cx, ry, rx):
    yy, xx = np.mgrid[:h, :w]
    return ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1.0


def coco_dataset():
    rng = np.random.default_rng(3)
    sizes = [(60, 80), (128, 120), (100, 140), (48, 48), (110, 128)]
    images, gts, dets, masks_gt, masks_dt = [], [], [], {}, {}
    ann_id = 1
    for ii, (h, w) in enumerate(sizes):
        image_id = 7 + 3 * ii                 # sparse, unsorted-looking ids
        images.append({"id": image_id, "height": h, "width": w,
                       "file_name": "coco%d.jpg" % ii})
        n_obj = int(rng.integers(2, 7))
        for k in range(n_obj):
            cat = int(rng.choice([1, 2, 3]))
            scale = rng.choice([3, 8, 20, 60])    # tiny .. large objects
            ry = max(1.5, min(h / 2 - 1, scale * rng.uniform(0.7, 1.3)))
            rx = max(1.5, min(w / 2 - 1, scale * rng.uniform(0.7, 1.3)))
            cy, cx = rng.uniform(ry, h - ry), rng.uniform(rx, w - rx)
            crowd = int(k == 0 and ii % 2 == 1)
            if rng.random() < 0.25 and not crowd:
                # axis-aligned integer rectangle polygon: pycocotools fills exactly
                # the pixels [x0, x1) x [y0, y1)
                y0, x0 = int(cy - ry), int(cx - rx)
                y1, x1 = int(cy + ry), int(cx + rx)
                m = np.zeros((h, w), bool)
                m[y0:y1, x0:x1] = True
                seg = [[x0, y0, x0, y1, x1, y1, x1, y0]]
            else:
                m = ellipse(h, w, cy, cx, ry, rx)
                cnts = rle_counts(m)
                # COCO stores crowd masks uncompressed and the rest as polygons or
                # strings; cover both RLE forms
                seg = {"size": [h, w], "counts": cnts if crowd else rle_string(cnts)}
            area = float(m.sum())
            if ann_id % 5 == 0:
                area += 0.5                     # COCOeval uses the JSON area as given
            gts.append({"id": ann_id, "image_id": image_id, "category_id": cat,
                        "segmentation": seg, "area": area, "iscrowd": crowd,
                        "bbox": bbox_of(m)})
            masks_gt[ann_id] = m
            ann_id += 1
            # detections: shifted copies (some twice), occasionally with a wrong class
            for rep in range(1 + int(rng.random() < 0.3) + 2 * crowd):
                if rng.random() < 0.15:
                    continue
                dy, dx = rng.integers(-int(ry / 5) - 1, int(ry / 5) + 2), \
                    rng.integers(-int(rx / 5) - 1, int(rx / 5) + 2)
                dm = np.roll(np.roll(m, dy, 0), dx, 1)
                if not dm.any():
                    continue
                dcat = cat if rng.random() < 0.85 else int(rng.choice([1, 2, 3, 4]))
                score = float(np.round(rng.uniform(0.05, 1.0), 2))   # ties happen
                dets.append((image_id, dcat, dm, score))
        for _ in range(int(rng.integers(1, 4))):    # false positives
            dm = ellipse(h, w, rng.uniform(5, h - 5), rng.uniform(5, w - 5),
                         rng.uniform(2, 12), rng.uniform(2, 12))
            dets.append((image_id, int(rng.choice([1, 2, 3])), dm,
                         float(np.round(rng.uniform(0.05, 1.0), 2))))
    # one image with more than 100 detections of one category (maxDets matters)
    h, w = sizes[0]
    for k in range(105):
        dm = ellipse(h, w, 10 + (k % 10) * 4, 8 + (k // 10) * 6, 3, 3)
        dets.append((7, 2, dm, float(np.round(0.01 + 0.009 * (k % 50), 3))))
    cats = [{"id": 1, "name": "person"}, {"id": 2, "name": "car"},
            {"id": 3, "name": "dog"}, {"id": 4, "name": "kite"}]
    gt_json = {"images": images, "annotations": gts, "categories": cats}
    results = []
    for image_id, cat, dm, score in dets:
        results.append({"image_id": image_id, "category_id": cat, "score": score,
                        "segmentation": {"size": list(dm.shape),
                                         "counts": rle_string(rle_counts(dm))}})
        masks_dt[len(results)] = dm
    return gt_json, results, masks_gt, masks_dt


def mask_iou(d, g, crowd):
    """maskApi.c rleIou: crowd gt divides by the detection's area."""
    inter = np.logical_and(d, g).sum()
    union = d.sum() if crowd else np.logical_or(d, g).sum()
    return inter / union if union > 0 else 0.0


def cocoeval(gt_json, results, masks_gt, masks_dt):
    """COCOeval(iouType='segm') with default Params: evaluate, accumulate, summarize."""
    img_ids = sorted(im["id"] for im in gt_json["images"])
    cat_ids = sorted(c["id"] for c in gt_json["categories"])
    iou_thrs = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
    rec_thrs = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)
    max_dets = [1, 10, 100]
    area_rng = [[0 ** 2, 1e5 ** 2], [0 ** 2, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]]
    gts, dts = {}, {}
    for g in gt_json["annotations"]:
        g = dict(g)
        g["ignore"] = int(g["iscrowd"])
        g["mask"] = masks_gt[g["id"]]
        gts.setdefault((g["image_id"], g["category_id"]), []).append(g)
    for i, r in enumerate(results):
        d = dict(r)
        d["id"] = i + 1
        d["mask"] = masks_dt[i + 1]
        d["area"] = int(d["mask"].sum())
        dts.setdefault((d["image_id"], d["category_id"]), []).append(d)

    def compute_iou(img, cat):
        gt, dt = gts.get((img, cat), []), dts.get((img, cat), [])
        if not gt and not dt:
            return []
        inds = np.argsort([-d["score"] for d in dt], kind="mergesort")
        dt = [dt[i] for i in inds][:max_dets[-1]]
        return np.array([[mask_iou(d["mask"], g["mask"], g["iscrowd"]) for g in gt]
                         for d in dt]).reshape(len(dt), len(gt))

    ious = {(i, c): compute_iou(i, c) for i in img_ids for c in cat_ids}

    def evaluate_img(img, cat, a_rng, max_det):
        gt, dt = gts.get((img, cat), []), dts.get((img, cat), [])
        if not gt and not dt:
            return None
        g_ign = [1 if (g["ignore"] or g["area"] < a_rng[0] or g["area"] > a_rng[1]) else 0
                 for g in gt]
        gtind = np.argsort(g_ign, kind="mergesort")
        gt = [gt[i] for i in gtind]
        g_ign = np.array([g_ign[i] for i in gtind])
        dtind = np.argsort([-d["score"] for d in dt], kind="mergesort")
        dt = [dt[i] for i in dtind[0:max_det]]
        iscrowd = [int(o["iscrowd"]) for o in gt]
        iou_m = ious[img, cat]
        iou_m = iou_m[:, gtind] if len(iou_m) > 0 else iou_m
        T, G, D = len(iou_thrs), len(gt), len(dt)
        gtm, dtm, dt_ig = np.zeros((T, G)), np.zeros((T, D)), np.zeros((T, D))
        if len(iou_m) != 0:
            for ti, t in enumerate(iou_thrs):
                for di, d in enumerate(dt):
                    iou = min([t, 1 - 1e-10])
                    m = -1
                    for gi in range(G):
                        if gtm[ti, gi] > 0 and not iscrowd[gi]:
                            continue
                        if m > -1 and g_ign[m] == 0 and g_ign[gi] == 1:
                            break
                        if iou_m[di, gi] < iou:
                            continue
                        iou = iou_m[di, gi]
                        m = gi
                    if m == -1:
                        continue
                    dt_ig[ti, di] = g_ign[m]
                    dtm[ti, di] = gt[m]["id"]
                    gtm[ti, m] = d["id"]
        a = np.array([d["area"] < a_rng[0] or d["area"] > a_rng[1] for d in dt]).reshape(1, D)
        dt_ig = np.logical_or(dt_ig, np.logical_and(dtm == 0, np.repeat(a, T, 0)))
        return {"dtMatches": dtm, "dtScores": [d["score"] for d in dt], "gtIgnore": g_ign,
                "dtIgnore": dt_ig}

    E_all = {(c, a, i): evaluate_img(i, c, area_rng[a], max_dets[-1])
             for c in cat_ids for a in range(4) for i in img_ids}
    T, R, K, A, M = len(iou_thrs), len(rec_thrs), len(cat_ids), 4, 3
    precision = -np.ones((T, R, K, A, M))
    recall = -np.ones((T, K, A, M))
    for k, c in enumerate(cat_ids):
        for a in range(A):
            for mi, max_det in enumerate(max_dets):
                E = [E_all[c, a, i] for i in img_ids]
                E = [e for e in E if e is not None]
                if not E:
                    continue
                scores = np.concatenate([e["dtScores"][0:max_det] for e in E])
                inds = np.argsort(-scores, kind="mergesort")
                dtm = np.concatenate([e["dtMatches"][:, 0:max_det] for e in E], axis=1)[:, inds]
                dt_ig = np.concatenate([e["dtIgnore"][:, 0:max_det] for e in E], axis=1)[:, inds]
                g_ign = np.concatenate([e["gtIgnore"] for e in E])
                npig = np.count_nonzero(g_ign == 0)
                if npig == 0:
                    continue
                tps = np.logical_and(dtm, np.logical_not(dt_ig))
                fps = np.logical_and(np.logical_not(dtm), np.logical_not(dt_ig))
                tp_sum = np.cumsum(tps, axis=1).astype(float)
                fp_sum = np.cumsum(fps, axis=1).astype(float)
                for t, (tp, fp) in enumerate(zip(tp_sum, fp_sum)):
                    nd = len(tp)
                    rc = tp / npig
                    pr = (tp / (fp + tp + np.spacing(1))).tolist()
                    q = np.zeros((R,))
                    recall[t, k, a, mi] = rc[-1] if nd else 0
                    for i in range(nd - 1, 0, -1):
                        if pr[i] > pr[i - 1]:
                            pr[i - 1] = pr[i]
                    inds_r = np.searchsorted(rc, rec_thrs, side="left")
                    for ri, pi in enumerate(inds_r):
                        if pi >= nd:
                            break
                        q[ri] = pr[pi]
                    precision[t, :, k, a, mi] = q

    def summarize(ap, iou_thr=None, area=0, max_det=100):
        mi = max_dets.index(max_det)
        s = precision if ap else recall
        if iou_thr is not None:
            s = s[np.where(iou_thr == iou_thrs)[0]]
        s = s[:, :, :, area, mi] if ap else s[:, :, area, mi]
        return -1.0 if len(s[s > -1]) == 0 else float(np.mean(s[s > -1]))

    stats = [summarize(1), summarize(1, .5), summarize(1, .75), summarize(1, area=1),
             summarize(1, area=2), summarize(1, area=3), summarize(0, max_det=1),
             summarize(0, max_det=10), summarize(0), summarize(0, area=1),
             summarize(0, area=2), summarize(0, area=3)]
    per_cat = []
    for k in range(K):
        s = precision[:, :, k, 0, 2]
        per_cat.append(-1.0 if len(s[s > -1]) == 0 else float(np.mean(s[s > -1])))
    return stats, per_cat


def instances():
    gt_json, results, masks_gt, masks_dt = coco_dataset()
    dump("coco_gt.json", gt_json)
    # the same ground truth with the polygons given as RLE strings: same masks, so the
    # same expected numbers (checks evaluation apart from polygon rasterisation)
    rle_gt = json.loads(json.dumps(gt_json))
    for g in rle_gt["annotations"]:
        if isinstance(g["segmentation"], list):
            m = masks_gt[g["id"]]
            g["segmentation"] = {"size": list(m.shape), "counts": rle_string(rle_counts(m))}
    dump("coco_gt_rle.json", rle_gt)
    with open(out("coco_results.json"), "w") as f:
        json.dump(results, f)
    stats, per_cat = cocoeval(gt_json, results, masks_gt, masks_dt)
    dump("coco_expected.json", {"stats": stats, "per_category_ap": per_cat})


if __name__ == "__main__":
    semantic()
    panoptic()
    instances()
    print("wrote", os.path.normpath(OUT))
