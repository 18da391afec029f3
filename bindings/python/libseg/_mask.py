"""COCO RLE, contours, polygons and connected components (seg_mask.h)."""
import ctypes
import enum

import numpy as np

from ._lib import Error, Handle, Status, as_bytes, data_ptr, lib, new_handle
from ._tensor import array_view, as_tensor, tensor_result


class RleMergeOp(enum.IntEnum):
    UNION = 0
    INTERSECTION = 1


class ContourMode(enum.IntEnum):
    EXTERNAL = 0
    LIST = 1
    CCOMP = 2
    TREE = 3


class ContourApprox(enum.IntEnum):
    NONE = 1
    SIMPLE = 2


class Coords(enum.IntEnum):
    PIXEL_CENTER = 0
    PIXEL_CORNER = 1


class ComponentStat(enum.IntEnum):
    LEFT = 0
    TOP = 1
    WIDTH = 2
    HEIGHT = 3
    AREA = 4


def _bitmap(bitmap):
    """(array, pointer, h, w, stride) of a 2-D u8/bool array whose rows may be strided
    (a slice of a bigger image is read in place, without a copy)."""
    a = np.asarray(bitmap)
    if a.ndim != 2:
        raise Error(Status.SHAPE, "bitmap must be 2-D [H, W], got shape %s" % (a.shape,))
    if a.dtype == np.bool_:
        a = a.view(np.uint8)
    if a.dtype != np.uint8:
        raise Error(Status.UNSUPPORTED, "bitmap dtype must be uint8 or bool, got %s" % a.dtype)
    if a.strides[1] != 1 or a.strides[0] < a.shape[1]:
        a = np.ascontiguousarray(a)
    return a, a.ctypes.data, a.shape[0], a.shape[1], max(a.strides[0], a.shape[1])


def _ptrs(handles):
    return (ctypes.c_void_p * max(len(handles), 1))(*[h._ptr for h in handles])


class Rle(Handle):
    """A COCO run-length encoded mask (pycocotools layout)."""

    _destroy = "seg_rle_destroy"

    @classmethod
    def encode(cls, bitmap):
        """From a 0/1 [H, W] array (u8 or bool; row-strided views are read in place)."""
        _a, ptr, h, w, stride = _bitmap(bitmap)
        return new_handle(cls, lib.seg_rle_encode, ptr, h, w, stride)

    @classmethod
    def encode_tensor(cls, mask):
        return new_handle(cls, lib.seg_rle_encode_tensor, as_tensor(mask))

    @classmethod
    def from_counts(cls, height, width, counts):
        c = np.ascontiguousarray(counts, np.uint32)
        return new_handle(cls, lib.seg_rle_from_counts, height, width, data_ptr(c), c.size)

    @classmethod
    def from_string(cls, height, width, counts):
        """From COCO's compressed counts string (str or bytes)."""
        b = as_bytes(counts)
        return new_handle(cls, lib.seg_rle_from_string, height, width, b, len(b))

    @classmethod
    def from_polygon(cls, height, width, xy):
        v = np.ascontiguousarray(xy, np.float64).ravel()
        return new_handle(cls, lib.seg_rle_from_polygon, height, width, data_ptr(v), v.size)

    @classmethod
    def from_box(cls, height, width, box):
        b = (ctypes.c_double * 4)(*box)
        return new_handle(cls, lib.seg_rle_from_box, height, width, b)

    @property
    def height(self):
        return lib.seg_rle_height(self._ptr)

    @property
    def width(self):
        return lib.seg_rle_width(self._ptr)

    @property
    def size(self):
        """COCO "size": [height, width]."""
        return [self.height, self.width]

    @property
    def counts(self):
        """Read-only uint32 view of the run counts."""
        n = ctypes.c_size_t()
        p = lib.seg_rle_counts(self._ptr, ctypes.byref(n))
        return array_view(self._ref, p, (n.value,), np.uint32, True)

    @property
    def area(self):
        return lib.seg_rle_area(self._ptr)

    @property
    def bbox(self):
        b = (ctypes.c_double * 4)()
        lib.seg_rle_bbox(self._ptr, b)
        return list(b)

    @property
    def string(self):
        """The compressed counts string (str)."""
        s, n = ctypes.c_char_p(), ctypes.c_size_t()
        lib.seg_rle_string(self._ptr, ctypes.byref(s), ctypes.byref(n))
        return s.value[:n.value].decode("ascii")

    def to_coco(self):
        """{"size": [h, w], "counts": str}, a COCO results-file segmentation."""
        return {"size": self.size, "counts": self.string}

    def decode(self):
        out = np.empty((self.height, self.width), np.uint8)
        lib.seg_rle_decode(self._ptr, data_ptr(out), max(self.width, 1))
        return out

    def decode_tensor(self):
        return tensor_result(lib.seg_rle_decode_tensor, self._ptr)

    @staticmethod
    def merge(rles, op=RleMergeOp.UNION):
        rles = list(rles)
        return new_handle(Rle, lib.seg_rle_merge, _ptrs(rles), len(rles), int(op))

    @staticmethod
    def iou(dt, gt, iscrowd=None):
        """IoU matrix [len(gt), len(dt)] as pycocotools' iou (transposed: row g, col d)."""
        dt, gt = list(dt), list(gt)
        crowd = None if iscrowd is None else np.ascontiguousarray(iscrowd, np.uint8)
        out = np.zeros((len(gt), len(dt)), np.float64)
        lib.seg_rle_iou(_ptrs(dt), len(dt), _ptrs(gt), len(gt),
                        None if crowd is None else crowd.ctypes.data, data_ptr(out))
        return out


class Contours(Handle):
    """Borders of a bitmap's foreground, as cv2.findContours."""

    _destroy = "seg_contours_destroy"

    @classmethod
    def find(cls, bitmap, mode=ContourMode.EXTERNAL, approx=ContourApprox.SIMPLE):
        _a, ptr, h, w, stride = _bitmap(bitmap)
        return new_handle(cls, lib.seg_contours_find, ptr, h, w, stride, int(mode),
                          int(approx))

    def __len__(self):
        return lib.seg_contours_count(self._ptr)

    def points(self, i):
        """Read-only int32 view [n, 2] of x, y pixel indices of contour `i`."""
        n = ctypes.c_size_t()
        p = lib.seg_contours_points(self._ptr, i, ctypes.byref(n))
        if not p:
            raise Error(Status.INVALID_ARGUMENT, "contour %d out of range (count %d)"
                        % (i, len(self)))
        return array_view(self._ref, p, (n.value, 2), np.int32, True)

    def hierarchy(self, i):
        """[next, previous, first child, parent], -1 for none."""
        h = (ctypes.c_int32 * 4)()
        lib.seg_contours_hierarchy(self._ptr, i, h)
        return list(h)

    def is_hole(self, i):
        return bool(lib.seg_contours_is_hole(self._ptr, i))

    def polygon(self, i, coords=Coords.PIXEL_CENTER):
        """Contour `i` as float64 [n, 2] in the chosen convention."""
        cap = 2 * len(self.points(i))
        xy = np.empty(max(cap, 2), np.float64)
        n = ctypes.c_size_t()
        lib.seg_contours_polygon(self._ptr, i, int(coords), xy.ctypes.data, xy.size,
                                 ctypes.byref(n))
        return xy[:2 * n.value].reshape(-1, 2)


def polygon_simplify(xy, epsilon, closed=True):
    """cv2.approxPolyDP on points [n, 2] -> float64 [k, 2]."""
    v = np.ascontiguousarray(xy, np.float64).reshape(-1, 2)
    out = np.empty(v.shape if len(v) else (1, 2), np.float64)
    n = ctypes.c_size_t()
    lib.seg_polygon_simplify(v.ctypes.data, len(v), epsilon, closed, out.ctypes.data,
                             ctypes.byref(n))
    return out[:n.value]


class Components(Handle):
    """Connected components with statistics, as cv2.connectedComponentsWithStats."""

    _destroy = "seg_components_destroy"

    @classmethod
    def find(cls, bitmap, connectivity=8, min_area=0):
        _a, ptr, h, w, stride = _bitmap(bitmap)
        c = new_handle(cls, lib.seg_components_find, ptr, h, w, stride, connectivity,
                       min_area)
        c._shape = (h, w)
        return c

    def __len__(self):
        return lib.seg_components_count(self._ptr)

    @property
    def labels(self):
        return array_view(self._ref, lib.seg_components_labels(self._ptr), self._shape,
                          np.int32, True)

    @property
    def stats(self):
        return array_view(self._ref, lib.seg_components_stats(self._ptr), (len(self), 5),
                          np.int64, True)

    @property
    def centroids(self):
        return array_view(self._ref, lib.seg_components_centroids(self._ptr),
                          (len(self), 2), np.float64, True)
