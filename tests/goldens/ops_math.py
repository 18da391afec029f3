#!/usr/bin/python3
"""Golden cases for the math operator families (unary, binary, reduce, softmax).

Run with Debian's interpreter:  /usr/bin/python3 tests/goldens/ops_math.py
Writes tests/data/ops_math/manifest.txt and the .npy files it names (named by content,
so an input shared by many cases is stored once).
Expected values come from NumPy in float64 (torch for Mish), cast to the output dtype.

manifest.txt, one case per line:
    family case op opset atol rtol inputs outputs [attr ...]
inputs and outputs are comma-separated file names; "-" is an omitted optional input.
attr tokens: i:name=int  f:name=float  ints:name=a,b  s:name=text
"""
import hashlib
import math
import os
import shutil

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "ops_math")
rng = np.random.default_rng(20261125)
lines = []


def save(array):
    """Save under a name derived from the content, so shared inputs are stored once."""
    a = np.ascontiguousarray(array)
    digest = hashlib.sha1(str(a.dtype).encode() + str(a.shape).encode() + a.tobytes())
    name = "t_%s.npy" % digest.hexdigest()[:12]
    path = os.path.join(OUT, name)
    if not os.path.exists(path):
        np.save(path, a)
    return name


def case(family, name, op, inputs, outputs, opset=17, attrs=(), atol=1e-6, rtol=1e-5):
    """inputs: arrays (None = omitted optional input); outputs: arrays."""
    ins = ",".join("-" if a is None else save(a) for a in inputs)
    outs = ",".join(save(a) for a in outputs)
    lines.append(" ".join([family, name, op, str(opset), repr(atol), repr(rtol), ins, outs]
                          + list(attrs)))


def f32(a):
    return np.asarray(a, dtype=np.float32)


# ---------------------------------------------------------------- unary
def unary_cases():
    x = f32(np.concatenate([rng.normal(0, 3, 57), [np.nan, np.inf, -np.inf, 0.0, -0.0,
                                                     0.5, 1.5, 2.5, -2.5]])).reshape(3, 2, 11)
    pos = f32(rng.uniform(0.05, 20, (4, 5)))
    d = x.astype(np.float64)

    def softplus(v):
        return np.logaddexp(0, v)

    def hard(alpha, beta, v):
        return np.clip(alpha * v + beta, 0, 1)

    erf = np.vectorize(math.erf)
    table = [
        ("Relu", [], np.maximum(d, 0)),
        ("LeakyRelu", ["f:alpha=0.1"], np.where(d < 0, f32(0.1) * d, d)),
        ("Elu", ["f:alpha=0.5"], np.where(d < 0, f32(0.5) * np.expm1(d), d)),
        ("Selu", [], np.where(d > 0, 1.0507009873554805 * d,
                              1.0507009873554805 * 1.6732632423543772 * np.expm1(d))),
        ("Celu", ["f:alpha=2"], np.where(d > 0, d, 2 * np.expm1(d / 2))),
        ("ThresholdedRelu", ["f:alpha=0.5"], np.where(d > 0.5, d, 0)),
        ("Sigmoid", [], 1 / (1 + np.exp(-d))),
        ("HardSigmoid", ["f:alpha=0.3", "f:beta=0.4"], hard(f32(0.3), f32(0.4), d)),
        ("HardSwish", [], d * hard(1 / 6, 0.5, d)),
        ("Softplus", [], softplus(d)),
        ("Softsign", [], d / (1 + np.abs(d))),
        ("Mish", [], torch.nn.functional.mish(torch.from_numpy(d)).numpy()),
        ("Tanh", [], np.tanh(d)),
        ("Erf", [], erf(d)),
        ("Exp", [], np.exp(d)),
        ("Neg", [], -d),
        ("Abs", [], np.abs(d)),
        ("Sign", [], np.sign(d)),
        ("Floor", [], np.floor(d)),
        ("Ceil", [], np.ceil(d)),
        ("Round", [], np.round(d)),
    ]
    for op, attrs, want in table:
        case("unary", "unary_" + op.lower(), op, [x], [f32(want)], attrs=attrs)
    for mode, want in (("none", 0.5 * d * (1 + erf(d / math.sqrt(2)))),
                       ("tanh", 0.5 * d * (1 + np.tanh(math.sqrt(2 / math.pi) *
                                                       (d + 0.044715 * d ** 3))))):
        case("unary", "unary_gelu_" + mode, "Gelu", [x], [f32(want)], opset=20,
             attrs=["s:approximate=" + mode])
    dp = pos.astype(np.float64)
    for op, want in (("Log", np.log(dp)), ("Sqrt", np.sqrt(dp)), ("Reciprocal", 1 / dp)):
        case("unary", "unary_" + op.lower(), op, [pos], [f32(want)])
    case("unary", "unary_clip_attrs", "Clip", [x], [f32(np.clip(d, -1.5, 2))], opset=6,
         attrs=["f:min=-1.5", "f:max=2"])
    case("unary", "unary_clip_inputs", "Clip", [x, f32(-1), f32(0.5)],
         [f32(np.clip(d, -1, 0.5))], opset=13)
    # an omitted min is the lowest finite float (the spec's numeric_limits::lowest)
    case("unary", "unary_clip_max_only", "Clip", [x, None, f32(0)],
         [f32(np.clip(d, np.finfo(np.float32).min, 0))], opset=13)
    xi = rng.integers(-1000, 1000, (3, 4)).astype(np.int32)
    case("unary", "unary_clip_i32", "Clip", [xi, np.int32(-100), np.int32(100)],
         [np.clip(xi, -100, 100).astype(np.int32)], opset=13)
    for dt in (np.int8, np.int32, np.int64):
        xs = rng.integers(-100, 100, (2, 5)).astype(dt)
        name = np.dtype(dt).name
        case("unary", "unary_neg_" + name, "Neg", [xs], [(-xs).astype(dt)])
        case("unary", "unary_abs_" + name, "Abs", [xs], [np.abs(xs).astype(dt)])
        case("unary", "unary_relu_" + name, "Relu", [xs], [np.maximum(xs, 0).astype(dt)],
             opset=14)
    b = rng.integers(0, 2, (3, 4)).astype(bool)
    case("unary", "unary_not", "Not", [b], [~b])


# ---------------------------------------------------------------- binary
SHAPES = [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (2, 3)),
          ((1,), (5,)), ((3, 1, 1, 2), (1, 4, 1)), ((4, 1), (1,)), ((0, 3), (1, 3))]


def trunc_div(a, b):
    q = np.abs(a.astype(np.int64)) // np.abs(b.astype(np.int64))
    return np.where((a < 0) != (b < 0), -q, q)


def binary_cases():
    for k, (sa, sb) in enumerate(SHAPES):
        a = f32(rng.normal(0, 2, sa))
        b = f32(rng.normal(0, 2, sb))
        b = np.where(np.abs(b) < 0.1, f32(0.5), b).astype(np.float32)
        da, db = a.astype(np.float64), b.astype(np.float64)
        for op, want in (("Add", da + db), ("Sub", da - db), ("Mul", da * db),
                         ("Div", da / db), ("Max", np.maximum(da, db)),
                         ("Min", np.minimum(da, db))):
            case("binary", "binary_%s_%d" % (op.lower(), k), op, [a, b], [f32(want)])
        pa = np.abs(a) + f32(0.1)
        case("binary", "binary_pow_%d" % k, "Pow", [pa, b],
             [f32(np.power(pa.astype(np.float64), db))], rtol=1e-5)
        ia = np.round(a).astype(np.float32)
        ib = np.round(b).astype(np.float32)
        for op, fn in (("Equal", np.equal), ("Less", np.less), ("Greater", np.greater),
                       ("LessOrEqual", np.less_equal), ("GreaterOrEqual", np.greater_equal)):
            case("binary", "binary_%s_%d" % (op.lower(), k), op, [ia, ib], [fn(ia, ib)])
    for dt, lo, hi in ((np.int32, -1000, 1000), (np.int64, -10 ** 12, 10 ** 12),
                       (np.uint8, 0, 256), (np.int8, -128, 128)):
        a = rng.integers(lo, hi, (3, 4)).astype(dt)
        b = rng.integers(lo, hi, (4,)).astype(dt)
        b = np.where(b == 0, dt(1), b).astype(dt)
        name = np.dtype(dt).name
        with np.errstate(over="ignore"):
            for op, want in (("Add", a + b), ("Sub", a - b), ("Mul", a * b),
                             ("Div", trunc_div(a, b)), ("Max", np.maximum(a, b)),
                             ("Min", np.minimum(a, b))):
                case("binary", "binary_%s_%s" % (op.lower(), name), op, [a, b],
                     [want.astype(dt)])
    nan = f32([[1, np.nan, 3], [np.nan, 5, -1]])
    other = f32([2, 2, np.nan])
    case("binary", "binary_max_nan", "Max", [nan, other], [np.maximum(nan, other)])
    case("binary", "binary_min_nan", "Min", [nan, other], [np.minimum(nan, other)])
    h = np.array([[1.5, -2, np.nan, -0.0, 65504], [0.25, -3, 1, 0.0, -65504]], np.float16)
    k = np.array([1.0, -2.5, 2, 0.0, np.inf], np.float16)
    case("binary", "binary_max_f16", "Max", [h, k], [np.maximum(h, k)])
    case("binary", "binary_min_f16", "Min", [h, k], [np.minimum(h, k)])
    vs = [f32(rng.normal(size=s)) for s in ((2, 1, 3), (3,), (4, 1))]
    d = [v.astype(np.float64) for v in vs]
    case("binary", "binary_sum_3", "Sum", vs, [f32(d[0] + d[1] + d[2])])
    case("binary", "binary_mean_3", "Mean", vs, [f32((d[0] + d[1] + d[2]) / 3)])
    case("binary", "binary_max_3", "Max", vs, [f32(np.maximum(np.maximum(d[0], d[1]), d[2]))])
    case("binary", "binary_min_3", "Min", vs, [f32(np.minimum(np.minimum(d[0], d[1]), d[2]))])
    case("binary", "binary_sum_1", "Sum", vs[:1], [vs[0]])
    x = f32(rng.normal(size=(2, 3, 4, 5)))
    slope = f32(rng.uniform(0, 1, (3, 1, 1)))
    case("binary", "binary_prelu", "PRelu", [x, slope], [f32(np.where(x < 0, x * slope, x))])
    for name, fn in (("and", np.logical_and), ("or", np.logical_or), ("xor", np.logical_xor)):
        a = rng.integers(0, 2, (2, 3, 4)).astype(bool)
        b = rng.integers(0, 2, (3, 1)).astype(bool)
        case("binary", "binary_" + name, name.capitalize(), [a, b], [fn(a, b)])
    c = rng.integers(0, 2, (2, 1, 4)).astype(bool)
    for dt in (np.float32, np.int64, np.uint8):
        x = rng.integers(0, 100, (3, 1)).astype(dt)
        y = rng.integers(0, 100, (1, 4)).astype(dt)
        case("binary", "binary_where_" + np.dtype(dt).name, "Where", [c, x, y],
             [np.where(c, x, y)])
    base = rng.integers(1, 5, (2, 3))
    for bt, et in ((np.float32, np.int64), (np.int32, np.float32), (np.int64, np.int64)):
        a = base.astype(bt)
        e = rng.integers(0, 4, (3,)).astype(et)
        want = np.power(a.astype(np.float64), e.astype(np.float64)).astype(bt)
        case("binary", "binary_pow_%s_%s" % (np.dtype(bt).name, np.dtype(et).name), "Pow",
             [a, e], [want])


# ---------------------------------------------------------------- reduce
def reduce_cases():
    x = f32(rng.normal(0, 1, (2, 3, 4)))
    pos = f32(rng.uniform(0.5, 2, (2, 3, 4)))
    d = x.astype(np.float64)
    dp = pos.astype(np.float64)
    reducers = {
        "ReduceSum": (x, lambda v, ax, k: v.sum(ax, keepdims=k)),
        "ReduceMean": (x, lambda v, ax, k: v.mean(ax, keepdims=k)),
        "ReduceMax": (x, lambda v, ax, k: v.max(ax, keepdims=k)),
        "ReduceMin": (x, lambda v, ax, k: v.min(ax, keepdims=k)),
        "ReduceProd": (x, lambda v, ax, k: v.prod(ax, keepdims=k)),
        "ReduceL1": (x, lambda v, ax, k: np.abs(v).sum(ax, keepdims=k)),
        "ReduceL2": (x, lambda v, ax, k: np.sqrt((v * v).sum(ax, keepdims=k))),
        "ReduceSumSquare": (x, lambda v, ax, k: (v * v).sum(ax, keepdims=k)),
        "ReduceLogSum": (pos, lambda v, ax, k: np.log(v.sum(ax, keepdims=k))),
        "ReduceLogSumExp": (x, lambda v, ax, k: np.log(np.exp(v).sum(ax, keepdims=k))),
    }
    for op, (inp, fn) in reducers.items():
        v = dp if inp is pos else d
        switch = 13 if op == "ReduceSum" else 18
        for axes, keep in ((None, 1), ((1,), 1), ((0, 2), 0), ((-1,), 0), ((2, 0, 1), 1)):
            name = "reduce_%s_%s_k%d" % (op[6:].lower(),
                                         "all" if axes is None else "_".join(
                                             str(a).replace("-", "m") for a in axes), keep)
            want = f32(fn(v, axes, bool(keep)))
            attrs = ["i:keepdims=%d" % keep]
            old = attrs + (["ints:axes=" + ",".join(map(str, axes))] if axes else [])
            case("reduce", name + "_old", op, [inp], [want], opset=switch - 1, attrs=old)
            new_in = [inp] + ([np.array(axes, dtype=np.int64)] if axes else [])
            case("reduce", name + "_new", op, new_in, [want], opset=switch, attrs=attrs)
    xi = rng.integers(-50, 50, (3, 4)).astype(np.int64)
    case("reduce", "reduce_sum_i64", "ReduceSum", [xi, np.array([1], np.int64)],
         [xi.sum(1, keepdims=True)], opset=13)
    case("reduce", "reduce_max_i32", "ReduceMax", [xi.astype(np.int32)],
         [xi.astype(np.int32).max(0, keepdims=False)], opset=13,
         attrs=["ints:axes=0", "i:keepdims=0"])

    ties = f32(rng.integers(0, 4, (3, 4, 5)))
    for op, fn in (("ArgMax", np.argmax), ("ArgMin", np.argmin)):
        for axis in (0, 1, -1):
            for keep in (0, 1):
                for last in (0, 1):
                    if last:
                        flip = np.flip(ties, axis)
                        want = ties.shape[axis] - 1 - fn(flip, axis)
                    else:
                        want = fn(ties, axis)
                    if keep:
                        want = np.expand_dims(want, axis)
                    name = "%s_a%s_k%d_l%d" % (op.lower(), str(axis).replace("-", "m"), keep,
                                               last)
                    case("reduce", name, op, [ties], [want.astype(np.int64)], opset=13,
                         attrs=["i:axis=%d" % axis, "i:keepdims=%d" % keep,
                                "i:select_last_index=%d" % last])

    for axis in (-1, 1, 0):
        for largest in (1, 0):
            k = 3
            order = np.argsort(-ties if largest else ties, axis=axis, kind="stable")
            idx = np.take(order, np.arange(k), axis=axis)
            vals = np.take_along_axis(ties, idx, axis=axis)
            name = "topk_a%s_l%d" % (str(axis).replace("-", "m"), largest)
            case("reduce", name, "TopK", [ties, np.array([k], np.int64)],
                 [vals, idx.astype(np.int64)], opset=11,
                 attrs=["i:axis=%d" % axis, "i:largest=%d" % largest])


# ---------------------------------------------------------------- softmax
def softmax_cases():
    x = f32(rng.normal(0, 3, (2, 3, 4)))
    d = x.astype(np.float64)

    def soft(v, axis):
        e = np.exp(v - v.max(axis, keepdims=True))
        return e / e.sum(axis, keepdims=True)

    def log_soft(v, axis):
        m = v - v.max(axis, keepdims=True)
        return m - np.log(np.exp(m).sum(axis, keepdims=True))

    for axis in (0, 1, 2, -1):
        flat = d.reshape(int(np.prod(d.shape[:axis % 3])), -1)
        tag = str(axis).replace("-", "m")
        for op, fn in (("Softmax", soft), ("LogSoftmax", log_soft)):
            old = fn(flat, 1).reshape(d.shape)
            case("softmax", "%s_a%s_old" % (op.lower(), tag), op, [x], [f32(old)],
                 opset=11, attrs=["i:axis=%d" % axis])
            case("softmax", "%s_a%s_new" % (op.lower(), tag), op, [x], [f32(fn(d, axis))],
                 opset=13, attrs=["i:axis=%d" % axis])
    big = f32([[1000, 1001, 1002, -1000], [3, 3, 3, 3]])
    case("softmax", "softmax_large", "Softmax", [big], [f32(soft(big.astype(np.float64), 1))])
    case("softmax", "logsoftmax_large", "LogSoftmax", [big],
         [f32(log_soft(big.astype(np.float64), 1))])


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    with np.errstate(all="ignore"):  # inf and NaN inputs are deliberate
        unary_cases()
        binary_cases()
        reduce_cases()
        softmax_cases()
    with open(os.path.join(OUT, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("%d cases in %s" % (len(lines), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
