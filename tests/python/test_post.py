"""The Python binding's post-processing, masks and metrics against the goldens the C
tests use (tests/data/post_results, masks, metrics)."""
import gc
import json
import os
import tempfile
import unittest

import numpy as np

import libseg
from test_binding import ErrorAssertions, data


def post(name):
    return np.load(data("post_results", name + ".npy"))


def load_json(*parts):
    with open(data(*parts)) as f:
        return json.load(f)


def bitmap(case):
    return np.array([int(c) for c in case["mask"]], np.uint8).reshape(case["h"], case["w"])


class SemanticDecode(ErrorAssertions):
    def test_single_channel_goldens(self):
        s = libseg.Semantic.from_logits(
            post("sem_bin_logits"), out_height=30, out_width=30,
            outputs=libseg.SemanticOutput.PROBABILITIES | libseg.SemanticOutput.CONFIDENCE)
        np.testing.assert_array_equal(s.labels, post("sem_bin_labels"))
        np.testing.assert_allclose(s.probabilities, post("sem_bin_probs"), atol=1e-6)
        p = post("sem_bin_probs")[0]
        np.testing.assert_allclose(s.confidence, np.where(s.labels == 1, p, 1 - p), atol=1e-6)
        self.assertEqual(s.num_classes, 2)
        np.testing.assert_array_equal(s.areas, np.bincount(s.labels.ravel(), minlength=2))

    def test_many_classes_i32_and_accessors(self):
        s = libseg.Semantic.from_logits(post("sem_big_logits"), out_height=128, out_width=128,
                                        label_dtype=libseg.DType.I32)
        self.assertEqual(s.labels.dtype, np.int32)
        np.testing.assert_array_equal(s.labels, post("sem_big_labels"))
        self.assertIsNone(s.probabilities)
        s.set_class_name(3, "cat")
        self.assertEqual(s.class_name(3), "cat")
        self.assertIsNone(s.class_name(4))
        self.assertEqual(s.color(1), (128, 0, 0))
        self.assertEqual(libseg.palette_voc(255), (224, 224, 192))
        s.set_palette([(1, 2, 3)])
        self.assertEqual(s.color(0), (1, 2, 3))
        img = np.zeros((128, 128, 3), np.uint8)
        ov = s.overlay(img, 1.0)
        self.assertEqual(tuple(ov[0, 0]), s.color(int(s.labels[0, 0])))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "l.png")
            self.assertFails(libseg.Status.UNSUPPORTED, "at most 256 labels", s.write_png, path)
            u8 = libseg.Semantic.from_logits(post("sem_big_logits"), out_height=128,
                                             out_width=128)
            u8.write_png(path)
            rgb = libseg.decode_file(path)  # the palette expands to the label colours
            for y, x in ((0, 0), (64, 100), (127, 5)):
                self.assertEqual(tuple(rgb[y, x]), u8.color(int(u8.labels[y, x])))

    def test_errors(self):
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "threshold",
                         libseg.Semantic.from_logits, post("sem_bin_logits"), threshold=2.0)
        self.assertFails(libseg.Status.UNSUPPORTED, "", libseg.Semantic.from_logits,
                         np.zeros((1, 2, 3, 3), np.int32))
        with self.assertRaises(TypeError):
            libseg.Semantic.from_logits(post("sem_bin_logits"), colour=1)


class InstanceDecode(ErrorAssertions):
    def test_paste_torchvision_golden(self):
        inst = libseg.Instances.from_mask_probs(post("paste_boxes"), post("paste_masks"),
                                                image_width=70, image_height=50)
        self.assertEqual(len(inst), 12)
        want = np.unpackbits(post("paste_tv"))[:12 * 3500].reshape(12, 50, 70)
        got = np.stack([inst.mask(i) for i in range(12)])
        np.testing.assert_array_equal(got, want)
        self.assertEqual(inst.mask_size, (70, 50))
        np.testing.assert_array_equal(inst.classes, np.zeros(12))
        np.testing.assert_array_equal(inst.scores, np.ones(12, np.float32))

    def test_yolo_end_to_end_and_errors(self):
        # one detection of class 1 with score 0.9, no prototypes (detection only)
        out0 = np.array([[[10, 20, 30, 40, 0.9, 1], [0, 0, 5, 5, 0.1, 0]]], np.float32)
        inst = libseg.Instances.from_yolo(out0, layout=libseg.YoloLayout.END_TO_END)
        self.assertEqual(len(inst), 1)
        np.testing.assert_array_equal(inst.boxes, [[10, 20, 30, 40]])
        self.assertFalse(inst.has_masks)
        geo = libseg.input_geometry(64, 64, 128, 128)
        inst = libseg.Instances.from_yolo(out0, geometry=geo,
                                          layout=libseg.YoloLayout.END_TO_END)
        np.testing.assert_allclose(inst.box(0), [20, 40, 60, 80])
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", inst.box, 5)
        self.assertFails(libseg.Status.UNSUPPORTED, "", libseg.Instances.from_yolo,
                         out0.astype(np.float16))


class PanopticFusion(ErrorAssertions):
    def check(self, pan, tag):
        ids, segs = post(tag + "_ids"), post(tag + "_segments")
        id_map = pan.id_map
        np.testing.assert_array_equal(id_map, ids)
        self.assertEqual(len(pan), len(segs))
        for got, want in zip(pan.segments, segs):
            self.assertEqual([got["id"], got["category_id"], got["is_thing"], got["area"]] +
                             got["bbox"], list(want))

    def test_deeplab_golden(self):
        pan = libseg.Panoptic.from_deeplab(post("dl_semantic"), post("dl_center"),
                                           post("dl_offsets"), [1, 2, 3], stuff_area=200)
        self.check(pan, "dl_default")
        scores = [s["score"] for s in pan.segments]
        np.testing.assert_allclose(scores, post("dl_default_scores"), rtol=1e-6)
        img = np.zeros((40, 56, 3), np.uint8)
        self.assertEqual(pan.overlay(img, 0.5).shape, (40, 56, 3))
        with tempfile.TemporaryDirectory() as d:
            pan.write_png(os.path.join(d, "p.png"))
            pan.write_json(os.path.join(d, "p.json"), 7, "p.png")
            with open(os.path.join(d, "p.json")) as f:
                self.assertEqual(json.load(f)["image_id"], 7)
            png = libseg.decode_file(os.path.join(d, "p.png")).astype(np.int64)
            rgb = png[..., 0] + 256 * png[..., 1] + 65536 * png[..., 2]
            np.testing.assert_array_equal(rgb, np.maximum(pan.id_map, 0))

    def test_mask2former_golden(self):
        pan = libseg.Panoptic.from_mask2former(post("m2f_class"), post("m2f_masks"),
                                               [0, 1, 2], out_height=40, out_width=48)
        self.check(pan, "m2f_default")

    def test_fpn_and_errors(self):
        inst = libseg.Instances.from_mask_probs(post("fpn_boxes"), post("fpn_probs"),
                                                scores=post("fpn_scores"),
                                                classes=post("fpn_classes"),
                                                image_width=64, image_height=48)
        pan = libseg.Panoptic.from_fpn(post("fpn_semantic"), inst, stuff_area=200)
        self.check(pan, "fpn")
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", libseg.Panoptic.from_deeplab,
                         post("dl_semantic"), post("dl_center"), post("dl_offsets"), [1],
                         nms_kernel=4)
        with self.assertRaises(TypeError):
            libseg.Panoptic.from_fpn(post("fpn_semantic"), None, bogus=1)


class Masks(ErrorAssertions):
    def test_rle_goldens(self):
        g = load_json("masks", "rle.json")
        for case in g["masks"]:
            if not case["mask"]:  # stored as counts only (too big to spell out)
                case["mask"] = "".join(map(str, libseg.Rle.from_counts(
                    case["h"], case["w"], case["counts"]).decode().ravel()))
            m = bitmap(case)
            rle = libseg.Rle.encode(m)
            self.assertEqual(list(rle.counts), case["counts"], case["name"])
            self.assertEqual(rle.string, case["string"], case["name"])
            self.assertEqual(rle.area, case["area"])
            self.assertEqual(rle.bbox, case["bbox"])
            np.testing.assert_array_equal(rle.decode(), m)
            np.testing.assert_array_equal(rle.decode_tensor(), m)
            same = libseg.Rle.from_string(case["h"], case["w"], case["string"])
            self.assertEqual(list(same.counts), case["counts"])
            self.assertEqual(libseg.Rle.from_counts(case["h"], case["w"], case["counts"]).string,
                             case["string"])
            self.assertEqual(libseg.Rle.encode_tensor(m.astype(bool)).string, case["string"])
        for case in g["polygons"]:
            rle = libseg.Rle.from_polygon(case["h"], case["w"], case["xy"])
            self.assertEqual(list(rle.counts), case["counts"], case["name"])
        iou = g["iou"]
        dt = [libseg.Rle.from_counts(iou["h"], iou["w"], c) for c in iou["dt"]]
        gt = [libseg.Rle.from_counts(iou["h"], iou["w"], c) for c in iou["gt"]]
        got = libseg.Rle.iou(dt, gt, iou["iscrowd"])
        self.assertEqual(got.shape, (len(gt), len(dt)))
        np.testing.assert_allclose(got.ravel(), iou["iou"], rtol=1e-12)
        for merge in iou["merges"]:
            picked = [dt[i] for i in merge["inputs"]]
            self.assertEqual(list(libseg.Rle.merge(picked).counts), merge["union"])
            self.assertEqual(list(libseg.Rle.merge(picked, libseg.RleMergeOp.INTERSECTION)
                                  .counts), merge["intersection"])

    def test_strided_bitmap_read_in_place_and_merge(self):
        big = np.zeros((10, 12), np.uint8)
        big[2:5, 3:7] = 1
        view = big[1:8, 2:9]
        self.assertFalse(view.flags.c_contiguous)
        a = libseg.Rle.encode(view)
        np.testing.assert_array_equal(a.decode(), view)
        b = libseg.Rle.from_box(7, 7, [0, 0, 2, 7])
        union = libseg.Rle.merge([a, b])
        inter = libseg.Rle.merge([a, b], libseg.RleMergeOp.INTERSECTION)
        self.assertEqual(union.area + inter.area, a.area + b.area)
        self.assertEqual(a.to_coco(), {"size": [7, 7], "counts": a.string})
        self.assertFails(libseg.Status.SHAPE, "", libseg.Rle.merge,
                         [a, libseg.Rle.from_box(8, 7, [0, 0, 1, 1])])
        self.assertFails(libseg.Status.FORMAT, "", libseg.Rle.from_string, 2, 2, "1")
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", libseg.Rle.encode,
                         np.full((2, 2), 2, np.uint8))
        counts = a.counts
        del a, union
        gc.collect()
        self.assertEqual(int(counts.sum()), 49)  # the view keeps the RLE alive

    def test_contours_goldens(self):
        modes = {"external": libseg.ContourMode.EXTERNAL, "list": libseg.ContourMode.LIST,
                 "ccomp": libseg.ContourMode.CCOMP, "tree": libseg.ContourMode.TREE}
        approx = {"none": libseg.ContourApprox.NONE, "simple": libseg.ContourApprox.SIMPLE}
        for case in load_json("masks", "contours.json"):
            m = bitmap(case)
            for r in case["results"]:
                c = libseg.Contours.find(m, modes[r["mode"]], approx[r["approx"]])
                self.assertEqual(len(c), len(r["contours"]))
                for i, pts in enumerate(r["contours"]):
                    self.assertEqual(c.points(i).ravel().tolist(), pts, case["name"])
                    self.assertEqual(c.hierarchy(i), r["hierarchy"][i])
                    np.testing.assert_array_equal(
                        c.polygon(i, libseg.Coords.PIXEL_CORNER), c.points(i) + 0.5)
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", c.hierarchy, 999)

    def test_polygon_simplify_goldens(self):
        for case in load_json("masks", "approx.json"):
            for r in case["runs"]:
                got = libseg.polygon_simplify(np.array(case["xy"]).reshape(-1, 2), r["eps"],
                                              r["closed"])
                self.assertEqual(got.ravel().tolist(), r["out"], case["case"])

    def test_components_goldens(self):
        for case in load_json("masks", "components.json"):
            m = bitmap(case)
            for r in case["results"]:
                c = libseg.Components.find(m, r["connectivity"])
                self.assertEqual(len(c), r["n"])
                self.assertEqual(c.labels.ravel().tolist(), r["labels"])
                self.assertEqual(c.stats[0].tolist(), r["background"])
                self.assertEqual(c.stats[1:].tolist(), r["stats"])
                np.testing.assert_allclose(c.centroids, np.array(r["centroids"], float),
                                           rtol=1e-12)  # null in the JSON is NaN


class Metrics(ErrorAssertions):
    def test_confusion_golden(self):
        g = load_json("metrics", "semantic.json")
        gt, pred = np.load(data("metrics", "sem_gt.npy")), np.load(data("metrics", "sem_pred.npy"))
        cm = libseg.Confusion(g["n_classes"], 255)
        for a, b in zip(gt, pred):
            cm.add(a, b.astype(np.int32))
        n = g["n_classes"]
        self.assertEqual(cm.num_classes, n)
        self.assertEqual([[cm.count(c, p) for p in range(n + 1)] for c in range(n)],
                         g["matrix"])

        def same(got, want):
            if want is None:
                self.assertTrue(np.isnan(got))
            else:
                self.assertAlmostEqual(got, want, delta=1e-12)
        for c in range(n):
            same(cm.class_iou(c, libseg.MiouPolicy.TORCHVISION), g["torchvision"]["iou"][c])
            same(cm.class_iou(c, libseg.MiouPolicy.MMSEG), g["mmseg"]["iou"][c])
            same(cm.class_iou(c, libseg.MiouPolicy.DETECTRON2), g["detectron2"]["iou"][c])
            same(cm.class_accuracy(c), g["mmseg"]["acc"][c])
            same(cm.class_dice(c), g["mmseg"]["dice"][c])
        same(cm.miou(libseg.MiouPolicy.TORCHVISION), g["torchvision"]["miou"])
        same(cm.miou(libseg.MiouPolicy.MMSEG), g["mmseg"]["miou"])
        same(cm.miou(libseg.MiouPolicy.DETECTRON2), g["detectron2"]["miou"])
        same(cm.fwiou(), g["detectron2"]["fwiou"])
        same(cm.pixel_accuracy(), g["detectron2"]["pacc"])
        same(cm.mean_accuracy(), g["mmseg"]["macc"])
        same(cm.mean_dice(), g["mmseg"]["mdice"])
        for c in g["cityscapes"]["ignored"]:
            cm.set_evaluated(c, False)
        same(cm.miou(libseg.MiouPolicy.MMSEG), g["cityscapes"]["miou"])
        other = libseg.Confusion(n)
        other.merge(cm)
        self.assertEqual(other.count(0, 0), cm.count(0, 0))
        cm.reset()
        self.assertEqual(cm.count(0, 0), 0)
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "n_classes 0", libseg.Confusion, 0)
        self.assertFails(libseg.Status.SHAPE, "", other.add, gt[0], pred[0][:1])

    def test_pq_golden_files(self):
        want = load_json("metrics", "panoptic.json")
        pq = libseg.PQ.evaluate_files(data("metrics", "pan_gt.json"), data("metrics", "pan_gt"),
                                      data("metrics", "pan_pred.json"),
                                      data("metrics", "pan_pred"))
        for group, key in ((libseg.PqGroup.ALL, "All"), (libseg.PqGroup.THINGS, "Things"),
                           (libseg.PqGroup.STUFF, "Stuff")):
            got = pq.average(group)
            for k in ("pq", "sq", "rq"):
                self.assertAlmostEqual(got[k], want[key][k], delta=1e-12)
            self.assertEqual(got["n"], want[key]["n"])
        cats = {c["id"]: c for c in pq.categories}
        for cid, (p, s, r, tp, fp, fn) in want["per_class"].items():
            c = cats[int(cid)]
            self.assertAlmostEqual(c["pq"], p, delta=1e-12)
            self.assertEqual((c["tp"], c["fp"], c["fn"]), (tp, fp, fn))
        self.assertIn("sky", [c["name"] for c in pq.categories])
        self.assertFails(libseg.Status.IO, "", libseg.PQ.evaluate_files, "/nonexistent.json",
                         "/", "/nonexistent.json", "/")

    def test_pq_in_memory_hand_computed(self):
        pq = libseg.PQ()
        pq.add_category(1, True, "thing")
        gt = np.array([[1, 1], [0, 0]], np.int32)
        pred = np.array([[1, 1], [1, 0]], np.int32)
        pq.add_image(gt, np.array([[1, 1, 0, -1]], np.int64), pred,
                     np.array([[1, 1]], np.int64))
        got = pq.average()
        # panopticapi leaves pred pixels on gt void out of the union: IoU 2/2, one TP
        self.assertEqual((got["pq"], got["sq"], got["rq"], got["n"]), (1.0, 1.0, 1.0, 1))
        self.assertFails(libseg.Status.FORMAT, "", pq.add_image, gt,
                         np.array([[1, 9, 0, -1]], np.int64), pred, np.array([[1, 1]], np.int64))
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", pq.add_category, 1, False)

    def test_coco_eval_golden(self):
        want = load_json("metrics", "coco_expected.json")
        ev = libseg.CocoEval.files(data("metrics", "coco_gt_rle.json"),
                                   data("metrics", "coco_results.json"))
        np.testing.assert_allclose(ev.stats, want["stats"], atol=1e-12)
        np.testing.assert_allclose([c["ap"] for c in ev.categories], want["per_category_ap"],
                                   atol=1e-12)
        with open(data("metrics", "coco_gt.json")) as f, \
                open(data("metrics", "coco_results.json")) as r:
            mem = libseg.CocoEval.memory(f.read(), r.read())
        self.assertAlmostEqual(mem.stat(libseg.CocoStat.AP), ev.stat(libseg.CocoStat.AP),
                               delta=1e-12)
        self.assertFails(libseg.Status.IO, "", libseg.CocoEval.files, "/nonexistent/gt.json",
                         "/nonexistent/r.json")


if __name__ == "__main__":
    unittest.main()
