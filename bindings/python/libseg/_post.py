"""Post-processing results (seg_semantic.h, seg_instances.h, seg_panoptic.h)."""
import ctypes
import enum
import os

import numpy as np

from ._lib import Handle, data_ptr, lib, new_handle, text
from ._mask import Rle
from ._options import (InputGeometry, PanopticDeeplabParams, PanopticFpnParams,
                       PanopticMask2FormerParams, PasteParams, SegmentInfo, SemanticParams,
                       YoloParams, params, sized, struct_dict)
from ._tensor import as_tensor, array_view, borrowed_array, optional_tensor, \
    tensor_result


class ResizeMode(enum.IntEnum):
    HALF_PIXEL = 0
    ALIGN_CORNERS = 1


class SemanticOutput(enum.IntFlag):
    PROBABILITIES = 1
    CONFIDENCE = 2


class YoloLayout(enum.IntEnum):
    RAW = 0
    END_TO_END = 1


class YoloMaskMode(enum.IntEnum):
    LETTERBOX = 0
    NATIVE = 1
    NONE = 2


class YoloMaskThreshold(enum.IntEnum):
    LOGITS = 0
    SIGMOID = 1


class PasteMode(enum.IntEnum):
    TORCHVISION = 0
    DETECTRON2 = 1


class PanopticIds(enum.IntEnum):
    CONSECUTIVE = 0
    CLASS_DIVISOR = 1


def _rgb(fn, *args):
    rgb = (ctypes.c_uint8 * 3)()
    fn(*args, rgb)
    return tuple(rgb)


def palette_voc(index):
    """Pascal VOC palette colour of `index` as (r, g, b)."""
    return _rgb(lib.seg_palette_voc, index)


class Semantic(Handle):
    """A label map with optional probabilities and confidence (read-only views)."""

    _destroy = "seg_semantic_destroy"

    @classmethod
    def from_logits(cls, logits, **kw):
        """Decode logits [1, C, h, w] or [C, h, w]; keywords are seg_semantic_params
        fields (out_height, out_width, crop_*, resize, outputs, threshold, label_dtype)."""
        p = params(SemanticParams, lib.seg_semantic_params_init, kw)
        return new_handle(cls, lib.seg_semantic_from_logits, as_tensor(logits),
                          ctypes.byref(p))

    @property
    def labels(self):
        return borrowed_array(self, lib.seg_semantic_labels(self._ptr))

    @property
    def probabilities(self):
        return borrowed_array(self, lib.seg_semantic_probabilities(self._ptr))

    @property
    def confidence(self):
        return borrowed_array(self, lib.seg_semantic_confidence(self._ptr))

    @property
    def num_classes(self):
        return lib.seg_semantic_num_classes(self._ptr)

    @property
    def areas(self):
        return array_view(self._ref, lib.seg_semantic_areas(self._ptr), (self.num_classes,),
                          np.int64, True)

    def set_class_name(self, cls, name):
        lib.seg_semantic_set_class_name(self._ptr, cls, name.encode())

    def class_name(self, cls):
        return text(lib.seg_semantic_class_name(self._ptr, cls))

    def set_palette(self, palette):
        pal = np.ascontiguousarray(palette, np.uint8).reshape(-1, 3)
        lib.seg_semantic_set_palette(self._ptr, pal.ctypes.data, len(pal))

    def color(self, cls):
        return _rgb(lib.seg_semantic_color, self._ptr, cls)

    def write_png(self, path):
        lib.seg_semantic_write_png(self._ptr, os.fsencode(path))

    def overlay(self, image, alpha=0.5):
        return tensor_result(lib.seg_semantic_overlay, self._ptr, as_tensor(image),
                             alpha)


def input_geometry(input_width, input_height, orig_width, orig_height, **kw):
    """A seg_input_geometry (seg_input_geometry_init, then scale / pad_left / pad_top)."""
    g = sized(InputGeometry)
    lib.seg_input_geometry_init(ctypes.byref(g), input_width, input_height, orig_width,
                                orig_height)
    for k, v in kw.items():
        if k not in ("scale", "pad_left", "pad_top"):
            raise TypeError("unknown geometry field %r" % k)
        setattr(g, k, v)
    return g


class Instances(Handle):
    """Boxes, classes, scores and masks of detected instances."""

    _destroy = "seg_instances_destroy"

    @classmethod
    def from_yolo(cls, output0, protos=None, geometry=None, **kw):
        """YOLOv8/11-seg outputs. `geometry`: None, an input_geometry(), or a dict of its
        arguments; keywords are seg_yolo_params fields."""
        if isinstance(geometry, dict):
            geometry = input_geometry(**geometry)
        p = params(YoloParams, lib.seg_yolo_params_init, kw)
        return new_handle(cls, lib.seg_instances_from_yolo, as_tensor(output0),
                          optional_tensor(protos),
                          None if geometry is None else ctypes.byref(geometry),
                          ctypes.byref(p))

    @classmethod
    def from_mask_probs(cls, boxes, masks, scores=None, classes=None, **kw):
        """Paste Mask R-CNN mask probabilities; keywords are seg_paste_params fields
        (image_width and image_height are required)."""
        p = params(PasteParams, lib.seg_paste_params_init, kw)
        return new_handle(cls, lib.seg_instances_from_mask_probs, as_tensor(boxes),
                          optional_tensor(scores), optional_tensor(classes),
                          as_tensor(masks), ctypes.byref(p))

    def __len__(self):
        return lib.seg_instances_count(self._ptr)

    def _each(self, getter, dtype):
        p = self._ptr
        return np.array([getter(p, i) for i in range(len(self))], dtype)

    @property
    def classes(self):
        return self._each(lib.seg_instances_class, np.int64)

    @property
    def scores(self):
        return self._each(lib.seg_instances_score, np.float32)

    @property
    def track_ids(self):
        """Track ids from a Sequence (>= 1, stable across frames); 0 outside one."""
        return self._each(lib.seg_instances_track_id, np.int64)

    def box(self, i):
        xyxy = (ctypes.c_float * 4)()
        lib.seg_instances_box(self._ptr, i, xyxy)
        return np.array(xyxy, np.float32)

    @property
    def boxes(self):
        return np.array([self.box(i) for i in range(len(self))], np.float32).reshape(-1, 4)

    @property
    def has_masks(self):
        return bool(lib.seg_instances_has_masks(self._ptr))

    @property
    def mask_size(self):
        """(width, height) of mask space."""
        w, h = ctypes.c_int64(), ctypes.c_int64()
        lib.seg_instances_mask_size(self._ptr, ctypes.byref(w), ctypes.byref(h))
        return w.value, h.value

    def mask_crop(self, i):
        """((x, y, width, height), read-only u8 view [height, width] of 0/1)."""
        rect = (ctypes.c_int64 * 4)()
        bits = ctypes.c_void_p()
        lib.seg_instances_mask_crop(self._ptr, i, rect, ctypes.byref(bits))
        return tuple(rect), array_view(self._ref, bits.value, (rect[3], rect[2]), np.uint8,
                                       True)

    def mask(self, i):
        """Full mask-space u8 [H, W] array of 0/1."""
        return tensor_result(lib.seg_instances_mask, self._ptr, i)

    def mask_rle(self, i):
        return new_handle(Rle, lib.seg_instances_mask_rle, self._ptr, i)


def _things(thing_classes):
    arr = np.ascontiguousarray(thing_classes if thing_classes is not None else [], np.int32)
    return arr, data_ptr(arr), arr.size


class Panoptic(Handle):
    """An id map [H, W] (i32, read-only view) and its segments."""

    _destroy = "seg_panoptic_destroy"

    @classmethod
    def from_fpn(cls, semantic, instances=None, **kw):
        p = params(PanopticFpnParams, lib.seg_panoptic_fpn_params_init, kw)
        return new_handle(cls, lib.seg_panoptic_from_fpn, as_tensor(semantic),
                          instances, ctypes.byref(p))

    @classmethod
    def from_deeplab(cls, semantic, center, offsets, thing_classes, **kw):
        p = params(PanopticDeeplabParams, lib.seg_panoptic_deeplab_params_init, kw)
        _keep, things, n = _things(thing_classes)
        return new_handle(cls, lib.seg_panoptic_from_deeplab, as_tensor(semantic),
                          as_tensor(center), as_tensor(offsets), things, n,
                          ctypes.byref(p))

    @classmethod
    def from_mask2former(cls, class_logits, mask_logits, thing_classes, **kw):
        p = params(PanopticMask2FormerParams, lib.seg_panoptic_mask2former_params_init, kw)
        _keep, things, n = _things(thing_classes)
        return new_handle(cls, lib.seg_panoptic_from_mask2former,
                          as_tensor(class_logits), as_tensor(mask_logits),
                          things, n, ctypes.byref(p))

    @property
    def id_map(self):
        return borrowed_array(self, lib.seg_panoptic_id_map(self._ptr))

    def __len__(self):
        return lib.seg_panoptic_count(self._ptr)

    def segment(self, i):
        """Segment `i` as a dict: id, category_id, is_thing, area, bbox, score."""
        s = sized(SegmentInfo)
        lib.seg_panoptic_segment(self._ptr, i, ctypes.byref(s))
        return struct_dict(s)

    @property
    def segments(self):
        return [self.segment(i) for i in range(len(self))]

    def write_png(self, path):
        lib.seg_panoptic_write_png(self._ptr, os.fsencode(path))

    def write_json(self, path, image_id, file_name=None):
        lib.seg_panoptic_write_json(self._ptr, image_id,
                                    None if file_name is None else file_name.encode(),
                                    os.fsencode(path))

    def overlay(self, image, alpha=0.5):
        return tensor_result(lib.seg_panoptic_overlay, self._ptr, as_tensor(image),
                             alpha)
