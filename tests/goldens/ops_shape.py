#!/usr/bin/python3
"""Golden cases for the shape-family operators (tests/ops/test_shape_goldens.c).

Expected outputs come from NumPy (indexing, padding, casting) and PyTorch
(F.interpolate for Resize's nearest, linear and cubic modes). Each case is a folder
tests/data/ops_shape/<name>/ holding case.txt and small .npy files.

tests/data/ops_shape_models/ gets small PyTorch exports (tests/ops/test_shape_exports.c)
whose Resize sizes come from Shape -> Slice -> Concat chains, with channel shuffles,
reflect padding and slicing around them, and PyTorch's outputs.

Run with Debian's interpreter: /usr/bin/python3 tests/goldens/ops_shape.py
"""
import os
import shutil
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ops_shape")
rng = np.random.default_rng(20261125)


def randf(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def case(name, op, opset, attrs, inputs, outputs, tol=None):
    """attrs: {name: value}; ints/floats lists, str, int, float, or np.ndarray (tensor).
    inputs: arrays or None (omitted); outputs: arrays."""
    d = os.path.join(ROOT, name)
    os.makedirs(d)
    lines = ["op %s %d" % (op, opset)]
    for k, v in attrs.items():
        if isinstance(v, np.ndarray):
            np.save(os.path.join(d, "attr_%s.npy" % k), v)
            lines.append("attr %s tensor attr_%s.npy" % (k, k))
        elif isinstance(v, str):
            lines.append("attr %s string %s" % (k, v))
        elif isinstance(v, bool) or isinstance(v, int):
            lines.append("attr %s int %d" % (k, int(v)))
        elif isinstance(v, float):
            lines.append("attr %s float %r" % (k, v))
        elif all(isinstance(x, int) for x in v):
            lines.append("attr %s ints %d %s" % (k, len(v), " ".join(map(str, v))))
        else:
            lines.append("attr %s floats %d %s" % (k, len(v), " ".join(repr(float(x)) for x in v)))
    for i, x in enumerate(inputs):
        if x is None:
            lines.append("in -")
        else:
            np.save(os.path.join(d, "in%d.npy" % i), x)
            lines.append("in in%d.npy" % i)
    for i, y in enumerate(outputs):
        np.save(os.path.join(d, "out%d.npy" % i), y)
        lines.append("out out%d.npy" % i)
    if tol is not None:
        lines.append("tol %g" % tol)
    with open(os.path.join(d, "case.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def i64(*v):
    return np.array(v, dtype=np.int64)


def f32(*v):
    return np.array(v, dtype=np.float32)


def interp(x, **kw):
    return F.interpolate(torch.from_numpy(x), **kw).numpy()


def resize_cases():
    x = randf(1, 2, 5, 7)
    # PyTorch nearest: floor(dst * in / out), i.e. asymmetric + floor.
    case("resize_nearest_scales2_asym_floor", "Resize", 13,
         {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
         [x, None, f32(1, 1, 2, 2)], [interp(x, scale_factor=2, mode="nearest")])
    case("resize_nearest_sizes_asym_floor", "Resize", 13,
         {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
         [x, None, None, i64(1, 2, 8, 11)], [interp(x, size=(8, 11), mode="nearest")])
    # nearest-exact: half_pixel + round_prefer_ceil matches floor(x + 0.5) for x >= 0.
    case("resize_nearest_exact_down", "Resize", 13,
         {"mode": "nearest", "coordinate_transformation_mode": "half_pixel",
          "nearest_mode": "round_prefer_ceil"},
         [x, np.zeros(0, np.float32), np.zeros(0, np.float32), i64(1, 2, 3, 4)],
         [interp(x, size=(3, 4), mode="nearest-exact")])
    for size in [(9, 13), (3, 4), (5, 20)]:
        tag = "%dx%d" % size
        case("resize_linear_pytorch_half_pixel_" + tag, "Resize", 13,
             {"mode": "linear", "coordinate_transformation_mode": "pytorch_half_pixel"},
             [x, None, None, i64(1, 2, *size)],
             [interp(x, size=size, mode="bilinear", align_corners=False)])
        case("resize_linear_align_corners_" + tag, "Resize", 13,
             {"mode": "linear", "coordinate_transformation_mode": "align_corners"},
             [x, None, None, i64(1, 2, *size)],
             [interp(x, size=size, mode="bilinear", align_corners=True)])
        case("resize_cubic_half_pixel_" + tag, "Resize", 13,
             {"mode": "cubic", "coordinate_transformation_mode": "half_pixel"},
             [x, None, None, i64(1, 2, *size)],
             [interp(x, size=size, mode="bicubic", align_corners=False)], tol=1e-5)
        case("resize_cubic_align_corners_" + tag, "Resize", 13,
             {"mode": "cubic", "coordinate_transformation_mode": "align_corners"},
             [x, None, None, i64(1, 2, *size)],
             [interp(x, size=size, mode="bicubic", align_corners=True)], tol=1e-5)
    case("resize_linear_scales2_half_pixel", "Resize", 11,
         {"mode": "linear"}, [x, f32(), f32(1, 1, 2, 2)],
         [interp(x, scale_factor=2, mode="bilinear", align_corners=False)])
    v = randf(1, 2, 3, 4, 5)
    case("resize_trilinear_5d", "Resize", 13,
         {"mode": "linear", "coordinate_transformation_mode": "pytorch_half_pixel"},
         [v, None, None, i64(1, 2, 5, 3, 8)],
         [interp(v, size=(5, 3, 8), mode="trilinear", align_corners=False)])
    s = randf(2, 3, 10)
    case("resize_linear_1d_down", "Resize", 13,
         {"mode": "linear", "coordinate_transformation_mode": "pytorch_half_pixel"},
         [s, None, None, i64(2, 3, 4)], [interp(s, size=4, mode="linear", align_corners=False)])
    # Opset 18: axes and keep_aspect_ratio_policy; the aspect-preserving scale is also
    # the one the coordinates use (PyTorch: recompute_scale_factor=False).
    y = randf(1, 1, 4, 6)
    case("resize18_axes_not_larger", "Resize", 18,
         {"mode": "linear", "coordinate_transformation_mode": "half_pixel",
          "axes": [2, 3], "keep_aspect_ratio_policy": "not_larger"},
         [y, None, None, i64(8, 8)],
         [interp(y, scale_factor=4 / 3, mode="bilinear", align_corners=False,
                 recompute_scale_factor=False)])
    y8 = randf(1, 1, 4, 8)
    case("resize18_axes_not_smaller", "Resize", 18,
         {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor",
          "axes": [3, 2], "keep_aspect_ratio_policy": "not_smaller"},
         [y8, None, None, i64(6, 2)],
         [interp(y8, scale_factor=0.75, mode="nearest", recompute_scale_factor=False)])
    # PyTorch's antialiasing drops taps outside the input: exclude_outside.
    case("resize18_antialias_linear_down", "Resize", 18,
         {"mode": "linear", "antialias": 1, "exclude_outside": 1, "axes": [2, 3]},
         [x, None, None, i64(2, 3)],
         [interp(x, size=(2, 3), mode="bilinear", align_corners=False, antialias=True)])
    # Integer data: nearest copies elements of any dtype.
    u = rng.integers(0, 255, (1, 1, 3, 4)).astype(np.uint8)
    case("resize_nearest_u8", "Resize", 13,
         {"mode": "nearest", "coordinate_transformation_mode": "asymmetric", "nearest_mode": "floor"},
         [u, None, f32(1, 1, 2, 3)], [np.repeat(np.repeat(u, 2, axis=2), 3, axis=3)])
    # Upsample-7 (attribute) and -9 (input): nearest repeats, linear is asymmetric.
    case("upsample7_nearest", "Upsample", 7, {"mode": "nearest", "scales": [1.0, 1.0, 2.0, 3.0]},
         [u], [np.repeat(np.repeat(u, 2, axis=2), 3, axis=3)])
    w = randf(1, 1, 2, 3)
    up = np.stack([np.stack([np.interp(np.arange(6) / 2.0, np.arange(3), r) for r in p]) for p in w[0]])
    up = np.stack([np.interp(np.arange(4) / 2.0, np.arange(2), up[0][:, j]) for j in range(6)], axis=1)
    case("upsample9_linear_asymmetric", "Upsample", 9, {"mode": "linear"},
         [w, f32(1, 1, 2, 2)], [up[None, None].astype(np.float32)])
    # Resize-10 shrinking with nearest rounds up (ceil) the source coordinate.
    z = np.arange(1, 9, dtype=np.float32).reshape(1, 1, 2, 4)
    case("resize10_nearest_down", "Resize", 10, {"mode": "nearest"},
         [z, f32(1, 1, 0.6, 0.6)], [f32(1, 3).reshape(1, 1, 1, 2)])


def layout_cases():
    x = randf(1, 3, 33, 35)
    case("transpose_nchw_to_nhwc", "Transpose", 13, {"perm": [0, 2, 3, 1]}, [x],
         [x.transpose(0, 2, 3, 1).copy()])
    h = x.transpose(0, 2, 3, 1).copy()
    case("transpose_nhwc_to_nchw", "Transpose", 13, {"perm": [0, 3, 1, 2]}, [h], [x])
    a = rng.integers(-100, 100, (2, 3, 4, 5)).astype(np.int64)
    for perm in [(0, 2, 1, 3), (3, 1, 0, 2), (1, 0, 3, 2)]:
        case("transpose_i64_%d%d%d%d" % perm, "Transpose", 13, {"perm": list(perm)}, [a],
             [a.transpose(perm).copy()])
    b = rng.integers(0, 255, (5, 70, 3)).astype(np.uint8)
    case("transpose_u8_default", "Transpose", 13, {}, [b], [b.transpose().copy()])
    c = randf(2, 1, 3)
    case("expand_bidirectional", "Expand", 13, {}, [c, i64(4, 1, 5, 1)],
         [np.broadcast_to(c, (4, 2, 5, 3)).copy()])
    t = rng.integers(0, 9, (2, 3)).astype(np.int32)
    case("tile_i32", "Tile", 13, {}, [t, i64(3, 2)], [np.tile(t, (3, 2))])
    d = randf(1, 8, 3, 4)
    n, cc, hh, ww = d.shape
    dcr = d.reshape(n, 2, 2, cc // 4, hh, ww).transpose(0, 3, 4, 1, 5, 2).reshape(n, cc // 4, hh * 2, ww * 2)
    crd = d.reshape(n, cc // 4, 2, 2, hh, ww).transpose(0, 1, 4, 2, 5, 3).reshape(n, cc // 4, hh * 2, ww * 2)
    case("depth_to_space_dcr", "DepthToSpace", 13, {"blocksize": 2}, [d], [dcr])
    case("depth_to_space_crd", "DepthToSpace", 13, {"blocksize": 2, "mode": "CRD"}, [d], [crd])
    s = randf(2, 3, 6, 4)
    s2d = s.reshape(2, 3, 3, 2, 2, 2).transpose(0, 3, 5, 1, 2, 4).reshape(2, 12, 3, 2)
    case("space_to_depth", "SpaceToDepth", 13, {"blocksize": 2}, [s], [s2d])


def join_cases():
    x = randf(3, 4, 5)
    case("slice9_attributes", "Slice", 9, {"starts": [1, 0], "ends": [3, 1000], "axes": [0, 2]},
         [x], [x[1:3, :, 0:]])
    case("slice13_negative_steps", "Slice", 13, {},
         [x, i64(-1, 4), i64(-1000, 0), i64(0, 2), i64(-1, -2)], [x[::-1, :, 4:0:-2].copy()])
    case("slice13_clamped_i32", "Slice", 13, {},
         [x, np.array([-100, 2], np.int32), np.array([2**31 - 1, 3], np.int32)], [x[:, 2:3]])
    case("slice13_empty", "Slice", 13, {}, [x, i64(3), i64(1), i64(1)], [x[:, 3:1]])
    parts = np.split(x, [1, 3], axis=1)
    case("split11_attribute", "Split", 11, {"axis": 1, "split": [1, 2, 1]}, [x], parts)
    case("split13_input", "Split", 13, {"axis": -2}, [x, i64(1, 2, 1)], parts)
    case("split18_num_outputs_uneven", "Split", 18, {"axis": 2, "num_outputs": 2}, [x],
         [x[:, :, :3], x[:, :, 3:]])
    case("split13_equal", "Split", 13, {}, [x[:2]], [x[:1], x[1:2]])
    case("split13_empty_split", "Split", 13, {"axis": 2}, [x, np.zeros(0, np.int64)],
         [x[:, :, :1], x[:, :, 1:2], x[:, :, 2:3], x[:, :, 3:4], x[:, :, 4:]])
    y = rng.integers(0, 5, (3, 0, 5)).astype(np.int64)
    z = rng.integers(0, 5, (3, 2, 5)).astype(np.int64)
    case("concat_with_empty", "Concat", 13, {"axis": 1}, [y, z, y, z],
         [np.concatenate([y, z, y, z], axis=1)])
    b = rng.integers(0, 2, (2, 2)).astype(np.bool_)
    case("concat_bool_axis0", "Concat", 13, {"axis": -2}, [b, b[:1]], [np.concatenate([b, b[:1]])])


def pad_cases():
    x = randf(2, 3, 4)
    for mode in ["constant", "reflect", "edge", "wrap"]:
        np_mode = mode
        kw = {"constant_values": 1.5} if mode == "constant" else {}
        want = np.pad(x, ((0, 0), (2, 1), (3, 2)), mode=np_mode, **kw)
        ins = [x, i64(0, 2, 3, 0, 1, 2)] + ([f32(1.5).reshape(())] if mode == "constant" else [])
        case("pad19_" + mode, "Pad", 19, {"mode": mode}, ins, [want])
    case("pad2_attribute_value", "Pad", 2, {"pads": [1, 0, 0, 2, 0, 1], "value": -2.0}, [x],
         [np.pad(x, ((1, 2), (0, 0), (0, 1)), constant_values=-2.0)])
    case("pad11_negative_crops", "Pad", 11, {"mode": "constant"}, [x, i64(0, -1, 2, -1, 1, -2)],
         [np.pad(x[:1, 1:, :2], ((0, 0), (0, 1), (2, 0)))])
    case("pad11_reflect_negative", "Pad", 11, {"mode": "reflect"}, [x, i64(0, 0, -1, 0, 0, 2)],
         [np.pad(x[:, :, 1:], ((0, 0), (0, 0), (0, 2)), mode="reflect")])
    case("pad18_axes", "Pad", 18, {"mode": "edge"}, [x, i64(1, 2, 0, 1), None, i64(-1, 0)],
         [np.pad(x, ((2, 1), (0, 0), (1, 0)), mode="edge")])
    u = rng.integers(0, 255, (3, 5)).astype(np.uint8)
    case("pad11_u8_constant", "Pad", 11, {}, [u, i64(1, 1, 1, 1), np.array(7, np.uint8)],
         [np.pad(u, 1, constant_values=7)])


def index_cases():
    x = randf(4, 3, 5)
    ind = i64(-1, 0, 2, -3).reshape(2, 2)
    case("gather_axis1_negative", "Gather", 13, {"axis": 1}, [x, ind[:, :1] % 3 - 3],
         [np.take(x, ind[:, :1] % 3 - 3, axis=1)])
    case("gather_axis0_i32", "Gather", 13, {}, [x, ind.astype(np.int32)],
         [np.take(x, ind, axis=0)])
    case("gather_scalar_index", "Gather", 13, {"axis": -1}, [x, np.array(-2, np.int64)],
         [x[:, :, -2].copy()])
    e = rng.integers(-5, 5, (4, 3, 2)).astype(np.int64)
    case("gather_elements_axis_last", "GatherElements", 13, {"axis": -1}, [x, e],
         [np.take_along_axis(x, np.where(e < 0, e + 5, e), axis=-1)])
    f = rng.integers(0, 4, (2, 3, 5)).astype(np.int64)
    case("gather_elements_axis0", "GatherElements", 13, {"axis": 0}, [x, f],
         [np.take_along_axis(x, f, axis=0)])
    data = randf(4, 3, 2)
    idx = i64(1, -1, 0, 1).reshape(2, 2)
    upd = randf(2, 2)
    for red in ["add", "mul", "max", "min"]:
        want = data.copy()
        for t in range(2):
            i, j = idx[t]
            cur = want[i, j]
            want[i, j] = {"add": cur + upd[t], "mul": cur * upd[t],
                          "max": np.maximum(cur, upd[t]), "min": np.minimum(cur, upd[t])}[red]
        case("scatternd18_" + red, "ScatterND", 18, {"reduction": red}, [data, idx, upd], [want])


def cast_cases():
    x = (randf(3, 7) * 100).astype(np.float32)
    x[0, :4] = [0.0, -0.0, 0.5, -2.75]
    case("cast_f32_f16", "Cast", 13, {"to": 10}, [x], [x.astype(np.float16)])
    h = x.astype(np.float16)
    case("cast_f16_f32", "Cast", 13, {"to": 1}, [h], [h.astype(np.float32)])
    case("cast_f32_i64", "Cast", 13, {"to": 7}, [x], [x.astype(np.int64)])
    p = np.abs(x).clip(0, 127)
    case("cast_f32_i8", "Cast", 13, {"to": 3}, [p], [p.astype(np.int8)])
    case("cast_f32_u8", "Cast", 13, {"to": 2}, [p], [p.astype(np.uint8)])
    case("cast_f32_bool", "Cast", 13, {"to": 9}, [x], [x.astype(np.bool_)])
    b = x > 0
    case("cast_bool_f32", "Cast", 13, {"to": 1}, [b], [b.astype(np.float32)])
    i = rng.integers(-2**40, 2**40, (5,)).astype(np.int64)
    case("cast_i64_i32_wraps", "Cast", 13, {"to": 6}, [i], [i.astype(np.int32)])
    case("cast_i64_f16", "Cast", 13, {"to": 10}, [i % 1000], [(i % 1000).astype(np.float16)])
    case("castlike_i32_f32", "CastLike", 15, {}, [i.astype(np.int32), f32(0)],
         [i.astype(np.int32).astype(np.float32)])
    case("constant_of_shape_i64", "ConstantOfShape", 13, {"value": i64(7)}, [i64(2, 0, 3)],
         [np.full((2, 0, 3), 7, np.int64)])
    case("constant_of_shape_scalar", "ConstantOfShape", 13, {}, [np.zeros(0, np.int64)],
         [np.zeros((), np.float32)])
    case("constant_value_floats", "Constant", 13, {"value_floats": [1.5, -2.0]}, [],
         [f32(1.5, -2.0)])
    case("constant_value_int", "Constant", 13, {"value_int": 42}, [], [np.array(42, np.int64)])
    case("constant_tensor", "Constant", 13, {"value": x[:2, :2].copy()}, [], [x[:2, :2]])
    case("range_i64_negative", "Range", 11, {},
         [np.array(10, np.int64), np.array(-3, np.int64), np.array(-4, np.int64)],
         [np.arange(10, -3, -4, dtype=np.int64)])
    case("range_f32", "Range", 11, {},
         [np.array(0.5, np.float32), np.array(3.0, np.float32), np.array(0.75, np.float32)],
         [np.arange(0.5, 3.0, 0.75, dtype=np.float32)])


def shape_cases():
    x = randf(2, 1, 3, 1)
    case("reshape_allowzero", "Reshape", 14, {"allowzero": 1}, [np.zeros((0, 3), np.float32), i64(3, 0)],
         [np.zeros((3, 0), np.float32)])
    case("reshape_copy_and_infer", "Reshape", 13, {}, [x, i64(0, -1)], [x.reshape(2, 3)])
    case("squeeze11_attribute", "Squeeze", 11, {"axes": [-1, 1]}, [x], [x.reshape(2, 3)])
    case("squeeze13_all", "Squeeze", 13, {}, [x], [x.reshape(2, 3)])
    case("squeeze13_empty_axes", "Squeeze", 13, {}, [x, np.zeros(0, np.int64)], [x.reshape(2, 3)])
    case("unsqueeze11_attribute", "Unsqueeze", 11, {"axes": [0, -1]}, [x], [x.reshape(1, 2, 1, 3, 1, 1)])
    case("unsqueeze13_input", "Unsqueeze", 13, {}, [x, i64(5, 1)], [x.reshape(2, 1, 1, 3, 1, 1)])
    case("flatten_axis0", "Flatten", 13, {"axis": 0}, [x], [x.reshape(1, 6)])
    case("shape15_start_end", "Shape", 15, {"start": 1, "end": -1}, [x], [i64(1, 3)])
    case("size_scalar", "Size", 13, {}, [x], [np.array(6, np.int64)])
    case("dropout7_mask", "Dropout", 7, {"ratio": 0.3}, [x], [x, np.ones_like(x)])
    case("dropout13_bool_mask", "Dropout", 13, {}, [x, f32(0.3).reshape(()), np.array(False)],
         [x, np.ones(x.shape, np.bool_)])


class Exported(nn.Module):
    """Resize to another input's size (or by 2), then the shape plumbing PyTorch emits
    around it: concat, channel shuffle (reshape/transpose), reflect pad, slice,
    flatten, permute."""

    def __init__(self, mode, align_corners, by_size):
        super().__init__()
        self.mode, self.by_size = mode, by_size
        self.kw = {} if mode == "nearest" else {"align_corners": align_corners}

    def forward(self, x, y):
        if self.by_size:
            z = F.interpolate(x, size=y.shape[2:], mode=self.mode, **self.kw)
        else:
            z = F.interpolate(x, scale_factor=2.0, mode=self.mode, **self.kw)
        z = torch.cat([z, y], 1)
        b, c, h, w = z.shape
        z = z.reshape(b, c // 2, 2, h, w).transpose(1, 2).reshape(b, c, h, w)
        z = F.pad(z, (1, 2, 0, 1), mode="reflect")
        return z[:, :, 1:-1, 2:].flatten(2).permute(0, 2, 1)


def export_cases():
    root = ROOT + "_models"
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    warnings.filterwarnings("ignore")  # the exporter's notes on shape inference
    torch.manual_seed(20261125)
    x, y = torch.randn(1, 4, 7, 9), torch.randn(1, 4, 14, 18)
    np.save(os.path.join(root, "x.npy"), x.numpy())
    np.save(os.path.join(root, "y.npy"), y.numpy())
    for opset, mode, ac, by_size in [(11, "bilinear", False, True), (13, "nearest", False, True),
                                     (13, "nearest", False, False), (13, "bilinear", False, True),
                                     (13, "bilinear", True, True), (13, "bicubic", False, False),
                                     (16, "bicubic", True, True), (16, "bilinear", False, False)]:
        name = "%s_opset%d%s_%s" % (mode, opset, "_align" if ac else "", "size" if by_size else "x2")
        m = Exported(mode, ac, by_size)
        path = os.path.join(root, name + ".onnx")
        torch.onnx.export(m, (x, y), path, opset_version=opset, input_names=["x", "y"],
                          output_names=["out"])
        np.save(os.path.join(root, name + ".expected.npy"),
                np.ascontiguousarray(m(x, y).detach().numpy()))


def main():
    shutil.rmtree(ROOT, ignore_errors=True)
    os.makedirs(ROOT)
    resize_cases()
    layout_cases()
    join_cases()
    pad_cases()
    index_cases()
    cast_cases()
    shape_cases()
    export_cases()


if __name__ == "__main__":
    main()
