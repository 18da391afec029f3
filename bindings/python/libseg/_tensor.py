"""seg_tensor <-> NumPy without copies: inputs wrap the array's buffer, outputs are
views whose base keeps the C memory alive."""
import ctypes
import enum

import numpy as np

from ._lib import Error, Handle, Status, lib, new_handle, new_ptr, text


class DType(enum.IntEnum):
    F32 = 1
    U8 = 2
    I8 = 3
    U16 = 4
    I32 = 6
    I64 = 7
    BOOL = 9
    F16 = 10


_TO_NUMPY = {
    DType.F32: np.dtype(np.float32), DType.U8: np.dtype(np.uint8),
    DType.I8: np.dtype(np.int8), DType.U16: np.dtype(np.uint16),
    DType.I32: np.dtype(np.int32), DType.I64: np.dtype(np.int64),
    DType.BOOL: np.dtype(np.bool_), DType.F16: np.dtype(np.float16),
}
_FROM_NUMPY = {v.newbyteorder("="): k for k, v in _TO_NUMPY.items()}


def dtype_of(np_dtype):
    """The seg DType of a NumPy dtype (native or byte-order-free only)."""
    dt = np.dtype(np_dtype)
    if dt.byteorder == ">" or dt not in _FROM_NUMPY:
        raise Error(Status.UNSUPPORTED, "NumPy dtype %s has no libseg dtype (supported: %s)"
                    % (dt, ", ".join(str(d) for d in _TO_NUMPY.values())))
    return _FROM_NUMPY[dt]


def numpy_dtype(dtype):
    return _TO_NUMPY[DType(dtype)]


def dtype_size(dtype):
    return lib.seg_dtype_size(int(dtype))


def dtype_name(dtype):
    return text(lib.seg_dtype_name(int(dtype)))


class _ArrayHolder:
    """What a NumPy view's .base points to: the memory's owner and its layout."""

    def __init__(self, ref, ptr, shape, dtype, readonly):
        self._ref = ref
        self.__array_interface__ = {"data": (ptr, readonly), "shape": tuple(shape),
                                    "typestr": dtype.str, "version": 3}


def array_view(ref, ptr, shape, dtype, readonly):
    """A NumPy array over C memory `ptr` that keeps `ref` (a _Ref) alive."""
    shape = tuple(int(d) for d in shape)
    if not ptr or 0 in shape:
        return np.zeros(shape, dtype)  # no memory to share
    view = np.asarray(_ArrayHolder(ref, ptr, shape, np.dtype(dtype), readonly))
    return np.array(view) if ref.volatile else view


class Tensor(Handle):
    """A seg_tensor. Made by from_numpy() (borrowing the array), zeros(), or returned by
    the library. numpy() is a zero-copy view."""

    _destroy = "seg_tensor_destroy"

    def __init__(self, ptr, owner=None, keep=(), readonly=False):
        super().__init__(ptr, owner, keep)
        self._readonly = readonly

    @classmethod
    def from_numpy(cls, array):
        """Wrap `array` without copying when it is C-contiguous (else a contiguous copy
        is wrapped). The tensor keeps the array alive; writes to either are seen by the
        other."""
        array = np.asarray(array)
        dt = dtype_of(array.dtype)
        array = np.ascontiguousarray(array)
        if array.ndim > 8:
            raise Error(Status.LIMIT, "rank %d exceeds SEG_MAX_RANK 8" % array.ndim)
        dims = (ctypes.c_int64 * max(array.ndim, 1))(*array.shape)
        ptr = new_ptr(lib.seg_tensor_wrap, dt, array.ndim, dims, array.ctypes.data or None,
                      array.nbytes)
        return cls(ptr, keep=(array,), readonly=not array.flags.writeable)

    @classmethod
    def zeros(cls, dtype, shape):
        """seg_tensor_create: a new zero-filled tensor owned by libseg."""
        dims = (ctypes.c_int64 * max(len(shape), 1))(*shape)
        return new_handle(cls, lib.seg_tensor_create, int(dtype), len(shape), dims)

    @property
    def dtype(self):
        return DType(lib.seg_tensor_dtype(self._ptr))

    @property
    def shape(self):
        ptr = self._ptr
        rank = lib.seg_tensor_rank(ptr)
        dims = ctypes.cast(lib.seg_tensor_dims(ptr), ctypes.POINTER(ctypes.c_int64))
        return tuple(dims[i] for i in range(rank))

    @property
    def size(self):
        return lib.seg_tensor_count(self._ptr)

    @property
    def nbytes(self):
        return lib.seg_tensor_nbytes(self._ptr)

    @property
    def data_ptr(self):
        """Address of the element buffer (for sharing checks and other FFIs)."""
        return lib.seg_tensor_const_data(self._ptr)

    def dim(self, axis):
        return lib.seg_tensor_dim(self._ptr, axis)

    def numpy(self):
        """A view (no copy) that stays valid after this object is closed or dropped.
        Read-only for tensors the library hands out as const."""
        ptr = self._ptr
        data = lib.seg_tensor_const_data(ptr)
        return array_view(self._ref, data, self.shape, numpy_dtype(self.dtype),
                          self._readonly)

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        if dtype is not None and np.dtype(dtype) != a.dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def clone(self):
        return new_handle(Tensor, lib.seg_tensor_clone, self._ptr)

    def convert(self, dtype):
        return new_handle(Tensor, lib.seg_tensor_convert, self._ptr, int(dtype))

    def __repr__(self):
        if self.closed:
            return "<libseg.Tensor closed>"
        return "<libseg.Tensor %s %s>" % (dtype_name(self.dtype), list(self.shape))


def as_tensor(x):
    """A Tensor for an API argument: Tensors pass through, anything else goes through
    Tensor.from_numpy (zero-copy for contiguous arrays of a supported dtype)."""
    if isinstance(x, Tensor):
        return x
    return Tensor.from_numpy(x)


def optional_tensor(x):
    return None if x is None else as_tensor(x)


def tensor_result(create, *args):
    """Call a C function ending in `seg_tensor **out` and give the result as a NumPy
    view of the new tensor (the view owns it)."""
    return new_handle(Tensor, create, *args).numpy()


def borrowed_array(owner, tensor_ptr):
    """A read-only NumPy view of a const seg_tensor * borrowed from `owner`."""
    if not tensor_ptr:
        return None
    return Tensor(tensor_ptr, owner=owner, readonly=True).numpy()


def f16_to_f32(halves):
    src = np.ascontiguousarray(halves)
    if src.dtype not in (np.float16, np.uint16):
        raise Error(Status.INVALID_ARGUMENT, "f16_to_f32 takes float16 or uint16, got %s"
                    % src.dtype)
    dst = np.empty(src.shape, np.float32)
    lib.seg_f16_to_f32(src.ctypes.data, dst.ctypes.data, src.size)
    return dst


def f32_to_f16(floats):
    src = np.ascontiguousarray(floats, dtype=np.float32)
    dst = np.empty(src.shape, np.float16)
    lib.seg_f32_to_f16(src.ctypes.data, dst.ctypes.data, src.size)
    return dst
