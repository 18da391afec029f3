#!/usr/bin/python3
"""Write the goldens for tests/ops/test_{conv,conv_transpose,pool,norm,matmul,quant}.c.

Float references come from PyTorch (F.conv2d, F.conv_transpose2d, F.max_pool2d, ...),
quantized ones from exact integer arithmetic in NumPy with ONNX's rounding (half to
even) and saturation. Each case <case> writes <case>_<name>.npy: the operator's inputs
and its expected outputs. Run: /usr/bin/python3 tests/goldens/ops_nn.py"""
import os

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "ops_nn")
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261125)


def save(case, **arrays):
    for name, arr in arrays.items():
        if isinstance(arr, torch.Tensor):
            arr = arr.detach().numpy()
        arr = np.asarray(arr)  # keeps 0-d arrays 0-d, unlike np.ascontiguousarray
        np.save(os.path.join(OUT, f"{case}_{name}.npy"), arr if arr.flags.c_contiguous else arr.copy())


def randf(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def t(a):
    return torch.from_numpy(a)


# ---- Conv ----
def conv(case, x, w, b, stride, pad, dil, groups, pads_onnx=None):
    """pad: symmetric torch padding, or pads_onnx [begin..., end...] applied by F.pad."""
    xt = t(x)
    if pads_onnx is not None:
        nd = x.ndim - 2
        torch_pad = []
        for i in reversed(range(nd)):
            torch_pad += [pads_onnx[i], pads_onnx[nd + i]]
        xt = F.pad(xt, torch_pad)
        pad = 0
    fn = {3: F.conv1d, 4: F.conv2d, 5: F.conv3d}[x.ndim]
    y = fn(xt, t(w), None if b is None else t(b), stride, pad, dil, groups)
    save(case, x=x, w=w, y=y, **({} if b is None else {"b": b}))
    return y


conv("conv2d", randf(2, 4, 7, 6), randf(6, 4, 3, 3), randf(6), (2, 1), 0, (1, 2), 1,
     pads_onnx=[1, 0, 0, 2])
y = conv("conv2d_group", randf(1, 6, 5, 5), randf(9, 2, 3, 3), randf(9), 1, 1, 1, 3)
save("conv2d_group", relu=F.relu(y), clip=torch.clamp(y, 0, 6),
     leaky=F.leaky_relu(y, 0.1), hswish=F.hardswish(y), silu=F.silu(y),
     sigmoid=torch.sigmoid(y))
conv("conv2d_depthwise", randf(1, 4, 6, 6), randf(4, 1, 3, 3), randf(4), 2, 1, 1, 4)
conv("conv2d_pointwise", randf(2, 5, 4, 3), randf(3, 5, 1, 1), randf(3), 1, 0, 1, 1)
conv("conv1d", randf(2, 3, 10), randf(4, 3, 3), None, 2, 2, 2, 1)
conv("conv3d", randf(1, 2, 4, 4, 4), randf(3, 2, 2, 2, 2), randf(3), 1, 0, 1, 1)

# ---- ConvTranspose ----
def convt(case, x, w, b, stride, pad, out_pad, dil, groups):
    fn = {3: F.conv_transpose1d, 4: F.conv_transpose2d}[x.ndim]
    y = fn(t(x), t(w), None if b is None else t(b), stride, pad, out_pad, groups, dil)
    save(case, x=x, w=w, y=y, **({} if b is None else {"b": b}))


convt("convt2d", randf(1, 4, 5, 5), randf(4, 3, 3, 3), randf(3), 2, 1, 1, 1, 1)
convt("convt2d_group", randf(2, 4, 3, 4), randf(4, 2, 3, 2), randf(4), (2, 3), (0, 1), 0,
      (2, 1), 2)
convt("convt1d", randf(1, 2, 5), randf(2, 3, 4), None, 3, 0, 0, 1, 1)

# ---- Pools ----
x = randf(1, 3, 7, 8)
y, idx = F.max_pool2d(t(x), (3, 2), 2, 1, (1, 2), ceil_mode=True, return_indices=True)
plane = np.arange(3).reshape(1, 3, 1, 1) * 7 * 8
save("maxpool2d", x=x, y=y, idx=idx.numpy() + plane)
x = randf(2, 2, 7, 7)
save("avgpool2d", x=x, incl=F.avg_pool2d(t(x), 3, 2, 1, ceil_mode=True, count_include_pad=True),
     excl=F.avg_pool2d(t(x), 3, 2, 1, ceil_mode=True, count_include_pad=False))
x = randf(2, 3, 9)
save("pool1d", x=x, max=F.max_pool1d(t(x), 3, 2, 1), avg=F.avg_pool1d(t(x), 4, 3, 0))
x = randf(2, 3, 5, 4)
save("global", x=x, avg=t(x).mean(dim=(2, 3), keepdim=True),
     max=t(x).amax(dim=(2, 3), keepdim=True))

# ---- Norms ----
x, mean, var = randf(2, 3, 4, 5), randf(3), np.abs(randf(3)) + 0.1
scale, bias = randf(3), randf(3)
save("batchnorm", x=x, scale=scale, bias=bias, mean=mean, var=var,
     y=F.batch_norm(t(x), t(mean), t(var), t(scale), t(bias), False, 0.0, 1e-3))
save("instancenorm", x=x, scale=scale, bias=bias,
     y=F.instance_norm(t(x), weight=t(scale), bias=t(bias), eps=1e-5))
x, scale, bias = randf(2, 3, 4, 5), randf(4, 5), randf(4, 5)
x64 = x.astype(np.float64)
m = x64.mean(axis=(2, 3), keepdims=True)
inv = 1.0 / np.sqrt(x64.var(axis=(2, 3), keepdims=True) + 1e-5)
save("layernorm", x=x, scale=scale, bias=bias,
     y=F.layer_norm(t(x), (4, 5), t(scale), t(bias), 1e-5),
     mean=m.astype(np.float32), invstd=inv.astype(np.float32))
x, scale = randf(3, 6), randf(6)
save("layernorm_last", x=x, scale=scale, y=F.layer_norm(t(x), (6,), t(scale), None, 1e-3))

# ---- MatMul / Gemm ----
a, b = randf(2, 1, 3, 4), randf(3, 4, 5)
save("matmul_bcast", a=a, b=b, y=torch.matmul(t(a), t(b)))
a, b = randf(4), randf(2, 4, 3)
save("matmul_vec_left", a=a, b=b, y=torch.matmul(t(a), t(b)))
a, b = randf(2, 3, 4), randf(4)
save("matmul_vec_right", a=a, b=b, y=torch.matmul(t(a), t(b)))
a, b, c = randf(4, 3), randf(5, 4), randf(5)
save("gemm", a=a, b=b, c=c, y=0.5 * t(a).T @ t(b).T + 2.0 * t(c))

# ---- Quantized (exact integers) ----
def requant(acc, mult, zp, dtype):
    lo, hi = (0, 255) if dtype == np.uint8 else (-128, 127)
    return np.clip(np.rint(acc * mult) + zp, lo, hi).astype(dtype)


x = rng.integers(0, 256, (1, 4, 5, 5), dtype=np.uint8)
w = rng.integers(-128, 128, (6, 2, 3, 3), dtype=np.int8)
x_zp, w_zp = np.uint8(131), rng.integers(-5, 5, 6).astype(np.int8)
xd = torch.from_numpy(x.astype(np.float64) - float(x_zp))
wd = torch.from_numpy(w.astype(np.float64) - w_zp.astype(np.float64).reshape(6, 1, 1, 1))
acc = F.conv2d(xd, wd, None, 1, 1, 1, 2).numpy()  # exact: small integers in float64
save("convinteger", x=x, w=w, x_zp=x_zp, w_zp=w_zp, y=acc.astype(np.int32))
bias = rng.integers(-2000, 2000, 6).astype(np.int32)
x_scale, w_scale, y_scale = np.float32(0.02), (rng.random(6) * 0.01 + 0.005).astype(np.float32), np.float32(0.1)
y_zp = np.uint8(120)
mult = (x_scale * w_scale / y_scale).astype(np.float32).reshape(1, 6, 1, 1)
save("qlinearconv", x=x, x_scale=x_scale, x_zp=x_zp, w=w, w_scale=w_scale, w_zp=w_zp,
     y_scale=y_scale, y_zp=y_zp, b=bias,
     y=requant(acc + bias.reshape(1, 6, 1, 1), mult.astype(np.float64), y_zp, np.uint8))

a = rng.integers(-128, 128, (2, 3, 4), dtype=np.int8)
b = rng.integers(0, 256, (4, 5), dtype=np.uint8)
a_zp = rng.integers(-3, 3, 3).astype(np.int8)
b_zp = rng.integers(100, 150, 5).astype(np.uint8)
acc = np.matmul(a.astype(np.int64) - a_zp.reshape(3, 1), b.astype(np.int64) - b_zp)
save("matmulinteger", a=a, b=b, a_zp=a_zp, b_zp=b_zp, y=acc.astype(np.int32))
a_scale, b_scale, y_scale = np.float32(0.05), np.float32(0.03), np.float32(0.7)
az, bz, yz = np.int8(-4), np.uint8(128), np.int8(3)
acc = np.matmul(a.astype(np.int64) - int(az), b.astype(np.int64) - int(bz))
mult = np.float32(a_scale * b_scale / y_scale)
save("qlinearmatmul", a=a, a_scale=a_scale, a_zp=az, b=b, b_scale=b_scale, b_zp=bz,
     y_scale=y_scale, y_zp=yz, y=requant(acc, np.float64(mult), yz, np.int8))

x = (randf(2, 3, 4) * 3).astype(np.float32)
scale = np.array([0.02, 0.05, 0.1], np.float32)
zp = np.array([-10, 0, 7], np.int8)
q = np.clip(np.rint(x / scale.reshape(1, 3, 1)) + zp.reshape(1, 3, 1), -128, 127).astype(np.int8)
save("quantize_axis", x=x, scale=scale, zp=zp, y=q,
     deq=((q.astype(np.float32) - zp.reshape(1, 3, 1)) * scale.reshape(1, 3, 1)).astype(np.float32))
x = randf(3, 7)
lo, hi = min(0.0, x.min()), max(0.0, x.max())
s = np.float32((np.float32(hi) - np.float32(lo)) / np.float32(255))
z = np.uint8(np.clip(np.rint(np.float32(0) - np.float32(lo) / s), 0, 255))
save("dynquant", x=x, y=np.clip(np.rint(x / s) + z, 0, 255).astype(np.uint8),
     scale=np.array(s, np.float32), zp=np.array(z, np.uint8))

# ---- Cases added later (at the end, so that earlier cases keep their random draws) ----
conv("conv2d_depthwise_wide", randf(2, 3, 5, 29), randf(3, 1, 3, 3), randf(3), 1, 0, (1, 2), 3,
     pads_onnx=[1, 2, 0, 1])
conv("conv2d_depthwise_s2_wide", randf(1, 2, 4, 37), randf(2, 1, 3, 5), randf(2), 2, 0, (1, 2), 2,
     pads_onnx=[1, 3, 1, 2])
