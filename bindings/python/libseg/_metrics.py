"""Confusion-matrix metrics, panoptic quality and COCO mask AP (seg_metrics.h)."""
import ctypes
import enum
import os

from ._lib import Handle, as_bytes, lib, new_handle, new_ptr, text
from ._options import options_arg
from ._tensor import as_tensor


class MiouPolicy(enum.IntEnum):
    TORCHVISION = 0
    MMSEG = 1
    DETECTRON2 = 2


class PqGroup(enum.IntEnum):
    ALL = 0
    THINGS = 1
    STUFF = 2


class CocoStat(enum.IntEnum):
    AP = 0
    AP50 = 1
    AP75 = 2
    AP_SMALL = 3
    AP_MEDIUM = 4
    AP_LARGE = 5
    AR1 = 6
    AR10 = 7
    AR100 = 8
    AR_SMALL = 9
    AR_MEDIUM = 10
    AR_LARGE = 11


def _double(fn, *args):
    out = ctypes.c_double()
    fn(*args, ctypes.byref(out))
    return out.value


class Confusion(Handle):
    """A confusion matrix accumulated over images, with the reference mIoU policies."""

    _destroy = "seg_confusion_destroy"

    def __init__(self, n_classes=None, ignore_label=255, ptr=None, owner=None, keep=()):
        if ptr is None:
            ptr = new_ptr(lib.seg_confusion_create, n_classes, ignore_label)
        super().__init__(ptr, owner, keep)

    def add(self, gt, pred):
        lib.seg_confusion_add(self._ptr, as_tensor(gt), as_tensor(pred))

    def merge(self, other):
        lib.seg_confusion_merge(self._ptr, other._ptr)

    def reset(self):
        lib.seg_confusion_reset(self._ptr)

    def set_evaluated(self, class_id, evaluated):
        lib.seg_confusion_set_evaluated(self._ptr, class_id, int(bool(evaluated)))

    @property
    def num_classes(self):
        return lib.seg_confusion_classes(self._ptr)

    def count(self, gt_class, pred_class):
        out = ctypes.c_uint64()
        lib.seg_confusion_count(self._ptr, gt_class, pred_class, ctypes.byref(out))
        return out.value

    def class_iou(self, class_id, policy=MiouPolicy.TORCHVISION):
        return _double(lib.seg_confusion_class_iou, self._ptr, int(policy), class_id)

    def miou(self, policy=MiouPolicy.TORCHVISION):
        return _double(lib.seg_confusion_miou, self._ptr, int(policy))

    def fwiou(self):
        return _double(lib.seg_confusion_fwiou, self._ptr)

    def pixel_accuracy(self):
        return _double(lib.seg_confusion_pixel_accuracy, self._ptr)

    def class_accuracy(self, class_id):
        return _double(lib.seg_confusion_class_accuracy, self._ptr, class_id)

    def mean_accuracy(self):
        return _double(lib.seg_confusion_mean_accuracy, self._ptr)

    def class_dice(self, class_id):
        return _double(lib.seg_confusion_class_dice, self._ptr, class_id)

    def mean_dice(self):
        return _double(lib.seg_confusion_mean_dice, self._ptr)


class PQ(Handle):
    """Panoptic quality as panopticapi's pq_compute."""

    _destroy = "seg_pq_destroy"

    def __init__(self, ptr=None, owner=None, keep=()):
        if ptr is None:
            ptr = new_ptr(lib.seg_pq_create)
        super().__init__(ptr, owner, keep)

    @classmethod
    def evaluate_files(cls, gt_json, gt_dir, pred_json, pred_dir, options=None):
        opts = options_arg(options)
        return new_handle(cls, lib.seg_pq_evaluate_files, os.fsencode(gt_json),
                          os.fsencode(gt_dir), os.fsencode(pred_json), os.fsencode(pred_dir),
                          opts)

    def add_category(self, category_id, isthing, name=None):
        lib.seg_pq_add_category(self._ptr, category_id, int(bool(isthing)),
                                None if name is None else name.encode())

    def add_image(self, gt_map, gt_segments, pred_map, pred_segments):
        """Maps: i32 [H, W] ids or u8 [H, W, 3|4] COCO PNGs; segments: i64 rows
        (id, category_id, iscrowd, area) for gt, (id, category_id, ...) for pred."""
        lib.seg_pq_add_image(self._ptr, as_tensor(gt_map), as_tensor(gt_segments),
                             as_tensor(pred_map), as_tensor(pred_segments))

    def average(self, group=PqGroup.ALL):
        """{"pq", "sq", "rq", "n"} over the categories of `group`."""
        v = (ctypes.c_double * 3)()
        n = ctypes.c_int64()
        lib.seg_pq_average(self._ptr, int(group), v, ctypes.byref(n))
        return {"pq": v[0], "sq": v[1], "rq": v[2], "n": n.value}

    @property
    def categories(self):
        out = []
        for i in range(lib.seg_pq_category_count(self._ptr)):
            cid, isthing, name = ctypes.c_int64(), ctypes.c_int(), ctypes.c_char_p()
            v, c = (ctypes.c_double * 3)(), (ctypes.c_int64 * 3)()
            lib.seg_pq_category(self._ptr, i, ctypes.byref(cid), ctypes.byref(isthing),
                                ctypes.byref(name), v, c)
            out.append({"id": cid.value, "isthing": bool(isthing.value),
                        "name": text(name.value), "pq": v[0], "sq": v[1], "rq": v[2],
                        "tp": c[0], "fp": c[1], "fn": c[2]})
        return out


class CocoEval(Handle):
    """COCO mask AP / AR as COCOeval(iouType="segm")."""

    _destroy = "seg_coco_eval_destroy"

    @classmethod
    def files(cls, gt_json, results_json, options=None):
        opts = options_arg(options)
        return new_handle(cls, lib.seg_coco_eval_files, os.fsencode(gt_json),
                          os.fsencode(results_json), opts)

    @classmethod
    def memory(cls, gt_json, results_json, options=None):
        """From JSON text (str or bytes)."""
        g, r = as_bytes(gt_json), as_bytes(results_json)
        opts = options_arg(options)
        return new_handle(cls, lib.seg_coco_eval_memory, g, len(g), r, len(r),
                          opts)

    def stat(self, stat):
        return _double(lib.seg_coco_eval_stat, self._ptr, int(stat))

    @property
    def stats(self):
        """The twelve COCOeval.summarize() numbers, in its order."""
        return [self.stat(s) for s in CocoStat]

    @property
    def categories(self):
        out = []
        for i in range(lib.seg_coco_eval_category_count(self._ptr)):
            cid, name, ap = ctypes.c_int64(), ctypes.c_char_p(), ctypes.c_double()
            lib.seg_coco_eval_category(self._ptr, i, ctypes.byref(cid), ctypes.byref(name),
                                       ctypes.byref(ap))
            out.append({"id": cid.value, "name": text(name.value), "ap": ap.value})
        return out
