"""Images (seg_image.h) and .npy files (seg_npy.h). Arrays in, arrays out."""
import ctypes
import enum
import os

import numpy as np

from ._lib import lib
from ._options import Letterbox, options_arg, sized, struct_dict
from ._tensor import as_tensor, tensor_result


class Interp(enum.IntEnum):
    NEAREST = 0
    BILINEAR = 1


class ChannelOrder(enum.IntEnum):
    RGB = 0
    BGR = 1


def _path(p):
    return os.fsencode(p)


def _bytes(tensor_array):
    return tensor_array.tobytes()


def _read_file(read, path, options):
    return tensor_result(read, _path(path), options_arg(options))


def _read_memory(read, data, options):
    buf = np.frombuffer(data, np.uint8)
    return tensor_result(read, buf.ctypes.data, buf.nbytes, options_arg(options))


def decode_file(path, options=None):
    """Decode a PNG or JPEG file into an [H, W, C] u8 (or u16) array."""
    return _read_file(lib.seg_image_decode_file, path, options)


def decode_memory(data, options=None):
    """Decode PNG or JPEG bytes (any buffer) into an [H, W, C] array."""
    return _read_memory(lib.seg_image_decode_memory, data, options)


def encode_png(image):
    return _bytes(tensor_result(lib.seg_image_encode_png, as_tensor(image)))


def write_png(image, path):
    lib.seg_image_write_png(as_tensor(image), _path(path))


def _palette(palette):
    pal = np.ascontiguousarray(palette, np.uint8).reshape(-1, 3)
    return pal, len(pal)


def encode_png_indexed(labels, palette):
    """Label map (u8 [H, W]) as a palette PNG; `palette` is a sequence of RGB triples."""
    pal, n = _palette(palette)
    return _bytes(tensor_result(lib.seg_image_encode_png_indexed, as_tensor(labels),
                                pal.ctypes.data, n))


def write_png_indexed(labels, palette, path):
    pal, n = _palette(palette)
    lib.seg_image_write_png_indexed(as_tensor(labels), pal.ctypes.data, n, _path(path))


def encode_jpeg(image, quality=90):
    return _bytes(tensor_result(lib.seg_image_encode_jpeg, as_tensor(image), quality))


def write_jpeg(image, path, quality=90):
    lib.seg_image_write_jpeg(as_tensor(image), quality, _path(path))


def resize(image, height, width, interp=Interp.BILINEAR):
    return tensor_result(lib.seg_image_resize, as_tensor(image), height, width,
                         int(interp))


def letterbox(image, height, width, pad_value=114.0):
    """(letterboxed array, info dict: scale, resized_h/w, pad_top/bottom/left/right)."""
    info = sized(Letterbox)
    out = tensor_result(lib.seg_image_letterbox, as_tensor(image), height, width,
                        pad_value, ctypes.byref(info))
    return out, struct_dict(info)


def _floats(values):
    return None if values is None else np.ascontiguousarray(values, np.float32)


def to_nchw(image, scale=1.0, mean=None, std=None, order=ChannelOrder.RGB):
    """[H, W, C] image -> [1, C, H, W] f32 network input, (x * scale - mean) / std."""
    m, s = _floats(mean), _floats(std)
    return tensor_result(lib.seg_image_to_nchw, as_tensor(image), scale,
                         None if m is None else m.ctypes.data,
                         None if s is None else s.ctypes.data, int(order))


def npy_read_file(path, options=None):
    return _read_file(lib.seg_npy_read_file, path, options)


def npy_read_memory(data, options=None):
    return _read_memory(lib.seg_npy_read_memory, data, options)


def npy_write_file(array, path):
    lib.seg_npy_write_file(as_tensor(array), _path(path))


def npy_encode(array):
    return _bytes(tensor_result(lib.seg_npy_encode, as_tensor(array)))
