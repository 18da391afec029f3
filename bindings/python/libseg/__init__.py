"""libseg: CPU image segmentation (a ctypes binding over libseg.so.0's C API).

The library is found through $LIBSEG_LIBRARY, then a libseg.so.0 inside this package,
then the system loader. Importing refuses a library of another major version
(VersionError). Every failure raises Error with .status (Status) and .message.
See README.md beside this package and docs/python.md.
"""
from ._lib import (BINDING_VERSION, LIBRARY_VERSION, Error, Handle, Status, VersionError,
                   lib, text as _text)
from ._tensor import DType, Tensor, dtype_name, dtype_size, f16_to_f32, f32_to_f16
from ._options import Option, Options
from ._image import (ChannelOrder, Interp, decode_file, decode_memory, encode_jpeg,
                     encode_png, encode_png_indexed, letterbox, npy_encode, npy_read_file,
                     npy_read_memory, npy_write_file, resize, to_nchw, write_jpeg,
                     write_png, write_png_indexed)
from ._mask import (ComponentStat, Components, ContourApprox, ContourMode, Contours, Coords,
                    Rle, RleMergeOp, polygon_simplify)
from ._post import (Instances, Panoptic, PanopticIds, PasteMode, ResizeMode, Semantic,
                    SemanticOutput, YoloLayout, YoloMaskMode, YoloMaskThreshold,
                    input_geometry, palette_voc)
from ._model import Model, Profile, Result, Session, Task, run_image
from ._metrics import PQ, CocoEval, CocoStat, Confusion, MiouPolicy, PqGroup
from ._sequence import SEQUENCE_STUFF_ID_BASE, Sequence, SequenceOption

__version__ = "%d.%d.%d" % BINDING_VERSION


def version():
    """The loaded library's version string, e.g. "0.1.0"."""
    return _text(lib.seg_version_string())


def version_number():
    return lib.seg_version_number()


def status_string(status):
    return _text(lib.seg_status_string(int(status)))


def last_error():
    """seg_last_error() of the calling thread (Error.message already carries it)."""
    return _text(lib.seg_last_error())


__all__ = [n for n in dir() if not n.startswith("_")]
