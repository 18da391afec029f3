"""Models, sessions, profiles and seg_run_image (seg_model.h, seg_profile.h)."""
import ctypes
import enum
import os

import numpy as np

from ._lib import Handle, as_bytes, lib, new_handle, text
from ._options import new_options_handle, options_arg
from ._post import Instances, Panoptic, Semantic
from ._tensor import DType, Tensor, as_tensor


_NODE_STATS = {"ns": 1, "im2col_ns": 2, "gemm_ns": 3, "transform_ns": 4, "flops": 5}


class Task(enum.IntEnum):
    SEMANTIC = 1
    INSTANCE = 2
    PANOPTIC = 3
    SALIENT = 4


def _info(fn, model, index):
    dtype, rank = ctypes.c_int(), ctypes.c_int()
    dims = (ctypes.c_int64 * 8)()
    fn(model, index, ctypes.byref(dtype), ctypes.byref(rank), dims)
    shape = None if rank.value < 0 else tuple(dims[:rank.value])
    return DType(dtype.value), shape


def _find(fn, model, name):
    index = ctypes.c_size_t()
    fn(model, name.encode(), ctypes.byref(index))
    return index.value


class Model(Handle):
    """An ONNX model (immutable; share it between threads, one Session per thread)."""

    _destroy = "seg_model_destroy"

    @classmethod
    def load(cls, path, options=None):
        return new_options_handle(cls, lib.seg_model_load_file, os.fsencode(path),
                                  options=options)

    @classmethod
    def from_bytes(cls, data, options=None, borrow=False):
        """Load from memory. borrow=True does not copy: the model keeps `data` alive."""
        buf = np.frombuffer(data, np.uint8)
        fn = lib.seg_model_load_memory_borrowed if borrow else lib.seg_model_load_memory
        return new_options_handle(cls, fn, buf.ctypes.data, buf.nbytes, options=options,
                                  keep=(buf,) if borrow else ())

    @property
    def input_names(self):
        p = self._ptr
        return [text(lib.seg_model_input_name(p, i))
                for i in range(lib.seg_model_input_count(p))]

    @property
    def output_names(self):
        p = self._ptr
        return [text(lib.seg_model_output_name(p, i))
                for i in range(lib.seg_model_output_count(p))]

    def input_info(self, index):
        """(DType, shape with -1 for unknown dims, or None when undeclared)."""
        return _info(lib.seg_model_input_info, self._ptr, index)

    def output_info(self, index):
        return _info(lib.seg_model_output_info, self._ptr, index)

    def input_dim_name(self, index, axis):
        return text(lib.seg_model_input_dim_name(self._ptr, index, axis))

    def find_input(self, name):
        return _find(lib.seg_model_find_input, self._ptr, name)

    def find_output(self, name):
        return _find(lib.seg_model_find_output, self._ptr, name)

    @property
    def opset(self):
        return lib.seg_model_opset(self._ptr)

    @property
    def node_op_types(self):
        p = self._ptr
        return [text(lib.seg_model_node_op_type(p, i))
                for i in range(lib.seg_model_node_count(p))]

    @property
    def parameter_count(self):
        return lib.seg_model_parameter_count(self._ptr)

    def session(self, options=None):
        return Session.create(self, options)


def _tensor_array(tensors):
    ts = [as_tensor(t) for t in tensors]
    arr = (ctypes.c_void_p * max(len(ts), 1))(*[t._ptr for t in ts])
    return ts, arr


class Session(Handle):
    """Per-thread execution state of a Model (which it keeps alive)."""

    _destroy = "seg_session_destroy"

    @classmethod
    def create(cls, model, options=None):
        opts = options_arg(options)
        return new_handle(cls, lib.seg_session_create, model, opts,
                          keep=(model._ref,))

    def run(self, inputs):
        """Run with a list of arrays (by position) or a dict name -> array. Returns
        the outputs as new NumPy arrays: the session's own output memory is reused
        by the next run, so the binding copies it out rather than hand out views that
        a later run would overwrite."""
        if isinstance(inputs, dict):
            names = [n.encode() for n in inputs]
            c_names = (ctypes.c_char_p * max(len(names), 1))(*names)
            keep, arr = _tensor_array(inputs.values())
            lib.seg_session_run_named(self._ptr, c_names, arr, len(keep))
        else:
            keep, arr = _tensor_array(inputs)
            lib.seg_session_run(self._ptr, arr, len(keep))
        return self.outputs()

    def outputs(self):
        out, i = [], 0
        while True:
            t = self.output(i)
            if t is None:
                return out
            out.append(t)
            i += 1

    def output(self, index):
        """A copy of output `index` of the last successful run, or None."""
        p = lib.seg_session_output(self._ptr, index)
        if not p:
            return None
        return np.array(Tensor(p, owner=self, readonly=True).numpy(), copy=True)

    def prepare(self, inputs):
        keep, arr = _tensor_array(inputs)
        lib.seg_session_prepare(self._ptr, arr, len(keep))

    @property
    def arena_bytes(self):
        return lib.seg_session_arena_bytes(self._ptr)

    @property
    def conv_flops(self):
        return lib.seg_session_conv_flops(self._ptr)

    @property
    def run_ns(self):
        """Wall time of the last profiled run (Options(profile_nodes=1)), or 0."""
        return lib.seg_session_run_ns(self._ptr)

    def node_stats(self):
        """Per-node records of the last profiled run: a list of dicts with op_type, name
        and the seg_node_stat values ns, im2col_ns, gemm_ns, transform_ns, flops."""
        records = []
        for i in range(lib.seg_session_node_count(self._ptr)):
            rec = {"op_type": text(lib.seg_session_node_op_type(self._ptr, i)),
                   "name": text(lib.seg_session_node_name(self._ptr, i))}
            for key, stat in _NODE_STATS.items():
                out = ctypes.c_uint64()
                lib.seg_session_node_stat(self._ptr, i, stat, ctypes.byref(out))
                rec[key] = out.value
            records.append(rec)
        return records


class Profile(Handle):
    """A model profile (model.seg.json): pre- and post-processing for run_image."""

    _destroy = "seg_profile_destroy"

    @classmethod
    def load(cls, path):
        return new_handle(cls, lib.seg_profile_load_file, os.fsencode(path))

    @classmethod
    def from_json(cls, text_or_bytes):
        data = as_bytes(text_or_bytes)
        return new_handle(cls, lib.seg_profile_load_memory, data, len(data))

    @property
    def task(self):
        return Task(lib.seg_profile_task(self._ptr))

    @property
    def class_names(self):
        p = self._ptr
        return [text(lib.seg_profile_class_name(p, i))
                for i in range(lib.seg_profile_class_count(p))]

    def color(self, cls):
        rgb = (ctypes.c_uint8 * 3)()
        lib.seg_profile_color(self._ptr, cls, rgb)
        return tuple(rgb)


class Result(Handle):
    """What run_image returns; .semantic / .instances / .panoptic borrow from it."""

    _destroy = "seg_result_destroy"

    @property
    def task(self):
        return Task(lib.seg_result_task(self._ptr))

    def _child(self, getter, cls):
        p = getter(self._ptr)
        return cls(p, owner=self) if p else None

    @property
    def semantic(self):
        return self._child(lib.seg_result_semantic, Semantic)

    @property
    def instances(self):
        return self._child(lib.seg_result_instances, Instances)

    @property
    def panoptic(self):
        return self._child(lib.seg_result_panoptic, Panoptic)


def run_image(model, session, profile, image):
    """seg_run_image: pre-process `image` (u8 [H, W, C]) as `profile` says, run,
    decode; results in the original image's coordinates."""
    return new_handle(Result, lib.seg_run_image, model, session, profile,
                      as_tensor(image))
