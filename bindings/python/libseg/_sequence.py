"""Frame sequences with temporal smoothing and stable instance ids (seg_sequence.h)."""
import enum

from ._lib import Handle, lib, new_handle, new_ptr
from ._model import Result
from ._tensor import as_tensor

#: Panoptic stuff segment ids in a sequence are this plus the category.
SEQUENCE_STUFF_ID_BASE = 8388608


class SequenceOption(enum.IntEnum):
    SMOOTHING = 1
    IOU_THRESHOLD = 2
    MAX_MISSED = 3


class Sequence(Handle):
    """Frames pushed through one model, session and profile (all kept alive by the
    sequence). push() returns the frame's Result, which the library reuses: it is
    valid until the next push(), reset() or close() and raises Error after that; arrays
    taken from it are copies, so they stay valid."""

    _destroy = "seg_sequence_destroy"

    @classmethod
    def create(cls, model, session, profile, smoothing=None, iou_threshold=None,
               max_missed=None):
        seq = new_handle(cls, lib.seg_sequence_create, model, session, profile,
                         keep=(model._ref, session._ref, profile._ref))
        seq._frame = None
        for key, value in ((SequenceOption.SMOOTHING, smoothing),
                           (SequenceOption.IOU_THRESHOLD, iou_threshold),
                           (SequenceOption.MAX_MISSED, max_missed)):
            if value is not None:
                seq.set(key, value)
        return seq

    def set(self, key, value):
        """SMOOTHING and IOU_THRESHOLD take a float, MAX_MISSED an int."""
        if key == SequenceOption.MAX_MISSED:
            lib.seg_sequence_set_int(self, int(key), int(value))
        else:
            lib.seg_sequence_set_double(self, int(key), float(value))

    def _expire_frame(self):
        if self.__dict__.get("_frame") is not None:
            self._frame.expire()
            self._frame = None

    def push(self, image):
        """Run the next frame (u8 [H, W, C]). On failure the previous frame stays valid."""
        ptr = new_ptr(lib.seg_sequence_push, self, as_tensor(image))
        self._expire_frame()
        frame = Result(ptr, owner=self, volatile=True)
        self._frame = frame._ref
        return frame

    def reset(self):
        """A scene cut: forget tracks and smoothing (ids keep counting)."""
        lib.seg_sequence_reset(self)
        self._expire_frame()

    @property
    def frame_count(self):
        return lib.seg_sequence_frame_count(self)

    def close(self):
        self._expire_frame()
        super().close()
