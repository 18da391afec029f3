#!/usr/bin/python3
"""Export the segmentation networks libseg is tested and benchmarked on to ONNX.

    /usr/bin/python3 tools/export_models.py small tests/data/parity   # committed, tiny
    /usr/bin/python3 tools/export_models.py full  bench/.cache/models  # bench, not committed
    (--keep: skip networks whose files already exist; a third argument a,b,c exports only
     those networks)

Every network is built with a fixed seed and random BatchNorm statistics (so that
BN folding is exercised), exported with torch.onnx, and saved beside an input and
the PyTorch output:  NAME.onnx  NAME.input.npy  NAME.expected.npy.

"small" versions keep each architecture's operator mix (torchvision's own blocks where
they take a width) at a fraction of the channels, so that together they stay well under
2 MB (1.9 MB with conv_paths). Two derived variants come from ONNX graph rewriting:
  unet_fp16        float16 initializers, each followed by Cast(to=float)
  segformer_int8   dynamic int8 quantisation of MatMul weights (DynamicQuantizeLinear +
                   MatMulInteger), the pattern onnxruntime's quantize_dynamic emits.
PyTorch cannot run the derived graphs, so their expected outputs come from ONNX Runtime
(bench/ort_run.js; ONNX Runtime itself agrees with PyTorch to ~1e-7 on the others).
"""
import subprocess
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from onnx import helper, numpy_helper, TensorProto
from torchvision.models._utils import IntermediateLayerGetter
from torchvision.models.resnet import BasicBlock, Bottleneck
from torchvision.models.segmentation.deeplabv3 import ASPP, DeepLabV3
from torchvision.models.segmentation.fcn import FCN, FCNHead
from torchvision.models.segmentation.lraspp import LRASPP


# ---- building blocks ------------------------------------------------------

class OutOnly(nn.Module):
    """torchvision segmentation models return a dict; export only 'out'."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)["out"]


def conv_bn_relu(cin, cout, k=3, stride=1, dilation=1, groups=1):
    pad = dilation * (k // 2)
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, pad, dilation, groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def mbv3_stages(features):
    """Indices of the strided blocks, as torchvision's segmentation builders pick them."""
    return [0] + [i for i, b in enumerate(features) if getattr(b, "_is_cn", False)] + [
        len(features) - 1]


def small_mbv3_features():
    return torchvision.models.mobilenet_v3_large(width_mult=0.1, dilated=True,
                                                 reduced_tail=True).features


def small_deeplabv3_mbv3(nc):
    feats = small_mbv3_features()
    out_pos = mbv3_stages(feats)[-1]
    cin = feats[out_pos].out_channels
    backbone = IntermediateLayerGetter(feats, return_layers={str(out_pos): "out"})
    head = nn.Sequential(ASPP(cin, [12, 24, 36], 16), conv_bn_relu(16, 16), nn.Conv2d(16, nc, 1))
    return OutOnly(DeepLabV3(backbone, head, None))


def small_lraspp_mbv3(nc):
    feats = small_mbv3_features()
    st = mbv3_stages(feats)
    low, high = st[-4], st[-1]
    backbone = IntermediateLayerGetter(feats, return_layers={str(low): "low", str(high): "high"})
    return OutOnly(LRASPP(backbone, feats[low].out_channels, feats[high].out_channels, nc,
                          inter_channels=16))


class TinyDilatedResNet(nn.Module):
    """ResNet-50's structure (Bottleneck blocks, output stride 8 through dilation, as
    fcn_resnet50 uses it) with one block per stage and few channels."""

    def __init__(self, planes=(8, 12, 16, 24)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 7, 2, 3, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        cin, layers = 16, []
        for i, (p, stride, dil) in enumerate(zip(planes, (1, 2, 1, 1), (1, 1, 2, 4))):
            down = nn.Sequential(nn.Conv2d(cin, p * 4, 1, stride, bias=False),
                                 nn.BatchNorm2d(p * 4))
            layers.append(Bottleneck(cin, p, stride, down, dilation=dil))
            cin = p * 4
        self.layers = nn.Sequential(*layers)
        self.out_channels = cin

    def forward(self, x):
        return {"out": self.layers(self.stem(x))}


def small_fcn_resnet(nc):
    backbone = TinyDilatedResNet()
    return OutOnly(FCN(backbone, FCNHead(backbone.out_channels, nc), None))


class UNet(nn.Module):
    """Encoder of double convs and max-pools; decoder of ConvTranspose 2x2 upsampling
    concatenated with the skip connections."""

    def __init__(self, nc, widths):
        super().__init__()
        self.down = nn.ModuleList()
        cin = 3
        for w in widths:
            self.down.append(nn.Sequential(conv_bn_relu(cin, w), conv_bn_relu(w, w)))
            cin = w
        self.up = nn.ModuleList()
        self.fuse = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(cin, w, 2, stride=2))
            self.fuse.append(nn.Sequential(conv_bn_relu(2 * w, w), conv_bn_relu(w, w)))
            cin = w
        self.head = nn.Conv2d(cin, nc, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for up, fuse, skip in zip(self.up, self.fuse, reversed(skips[:-1])):
            x = fuse(torch.cat([up(x), skip], 1))
        return self.head(x)


class RSU(nn.Module):
    """U^2-Net's residual U-block: a small U-Net inside a block, with dilated bottom,
    bilinear upsampling to the skip's size and concatenation."""

    def __init__(self, depth, cin, mid, cout):
        super().__init__()
        self.inp = conv_bn_relu(cin, cout)
        self.enc = nn.ModuleList([conv_bn_relu(cout if i == 0 else mid, mid)
                                  for i in range(depth - 1)])
        self.bottom = conv_bn_relu(mid, mid, dilation=2)
        self.dec = nn.ModuleList([conv_bn_relu(2 * mid, mid if i < depth - 2 else cout)
                                  for i in range(depth - 1)])

    def forward(self, x):
        xin = self.inp(x)
        skips, h = [], xin
        for i, e in enumerate(self.enc):
            h = e(h if i == 0 else F.max_pool2d(h, 2, ceil_mode=True))
            skips.append(h)
        h = self.bottom(h)
        for i, (d, s) in enumerate(zip(self.dec, reversed(skips))):
            if h.shape[-2:] != s.shape[-2:]:
                h = F.interpolate(h, size=s.shape[-2:], mode="bilinear", align_corners=False)
            h = d(torch.cat([h, s], 1))
        return h + xin


class NestedUNet(nn.Module):
    """A two-level U^2-Net: RSU blocks in an outer U, side outputs upsampled to the input
    size, fused by a 1x1 conv, and a sigmoid saliency map."""

    def __init__(self, mid, out):
        super().__init__()
        self.e1 = RSU(4, 3, mid, out)
        self.e2 = RSU(3, out, mid, out)
        self.e3 = RSU(2, out, mid, out)
        self.d2 = RSU(3, 2 * out, mid, out)
        self.d1 = RSU(4, 2 * out, mid, out)
        self.side = nn.ModuleList([nn.Conv2d(out, 1, 3, padding=1) for _ in range(3)])
        self.fuse = nn.Conv2d(3, 1, 1)

    def forward(self, x):
        size = x.shape[-2:]
        h1 = self.e1(x)
        h2 = self.e2(F.max_pool2d(h1, 2, ceil_mode=True))
        h3 = self.e3(F.max_pool2d(h2, 2, ceil_mode=True))
        up = lambda t, ref: F.interpolate(t, size=ref.shape[-2:], mode="bilinear",
                                          align_corners=False)
        g2 = self.d2(torch.cat([up(h3, h2), h2], 1))
        g1 = self.d1(torch.cat([up(g2, h1), h1], 1))
        sides = [F.interpolate(s(t), size=size, mode="bilinear", align_corners=False)
                 for s, t in zip(self.side, (g1, g2, h3))]
        return torch.sigmoid(self.fuse(torch.cat(sides, 1)))


class MixFFN(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.dw = nn.Conv2d(hidden, hidden, 3, padding=1, groups=hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x, h, w):
        x = self.fc1(x)
        b, n, c = x.shape
        x = self.dw(x.transpose(1, 2).reshape(b, c, h, w)).flatten(2).transpose(1, 2)
        return self.fc2(F.gelu(x))


class EfficientAttention(nn.Module):
    """SegFormer's self-attention with spatial reduction of keys and values."""

    def __init__(self, dim, heads, sr):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.q = nn.Linear(dim, dim)
        self.kv = nn.Linear(dim, 2 * dim)
        self.sr = nn.Conv2d(dim, dim, sr, sr)
        self.norm = nn.LayerNorm(dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x, h, w):
        b, n, c = x.shape
        q = self.q(x).reshape(b, n, self.heads, c // self.heads).transpose(1, 2)
        r = self.sr(x.transpose(1, 2).reshape(b, c, h, w)).flatten(2).transpose(1, 2)
        kv = self.kv(self.norm(r)).reshape(b, -1, 2, self.heads, c // self.heads)
        k, v = kv.permute(2, 0, 3, 1, 4)
        attn = torch.softmax(q @ k.transpose(-2, -1) * self.scale, dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class SegFormerBlock(nn.Module):
    """Overlapping patch embedding, one transformer block (LayerNorm, efficient attention,
    Mix-FFN with GELU), an MLP head and bilinear upsampling to the input size."""

    def __init__(self, nc, dim, heads=2, sr=2):
        super().__init__()
        self.embed = nn.Conv2d(3, dim, 7, 4, 3)
        self.norm0 = nn.LayerNorm(dim)
        self.norm1 = nn.LayerNorm(dim)
        self.attn = EfficientAttention(dim, heads, sr)
        self.norm2 = nn.LayerNorm(dim)
        self.ffn = MixFFN(dim, 2 * dim)
        self.head = nn.Linear(dim, nc)

    def forward(self, x):
        size = x.shape[-2:]
        e = self.embed(x)
        b, c, h, w = e.shape
        t = self.norm0(e.flatten(2).transpose(1, 2))
        t = t + self.attn(self.norm1(t), h, w)
        t = t + self.ffn(self.norm2(t), h, w)
        logits = self.head(t).transpose(1, 2).reshape(b, -1, h, w)
        return F.interpolate(logits, size=size, mode="bilinear", align_corners=False)


class ConvPaths(nn.Module):
    """A residual stack that sends convolutions down each of libseg's Conv paths
    (docs/conv.md), deep enough for Winograd's rounding to accumulate: ResNet basic
    blocks of 3x3 convs with `width` channels at full and half resolution and a grouped
    3x3 (Winograd, 16 channels per group), a stride-2 3x3 (im2col), a 3x3 with
    dilation 12 on the half-resolution map (per-tap GEMMs: about 56 % of taps land
    inside), a depthwise 3x3 and 1x1 convs (direct GEMM). The input's sides are not
    multiples of 4, so Winograd's edge tiles are clipped."""

    def __init__(self, nc, width=32):
        super().__init__()
        self.stem = conv_bn_relu(3, width)
        self.full = nn.Sequential(BasicBlock(width, width), BasicBlock(width, width),
                                  conv_bn_relu(width, width, groups=2))
        self.down = conv_bn_relu(width, width, stride=2)
        self.coarse = BasicBlock(width, width)
        self.dilated = conv_bn_relu(width, width, dilation=12)
        self.depthwise = conv_bn_relu(width, width, groups=width)
        self.pointwise = conv_bn_relu(width, width, k=1)
        self.head = nn.Conv2d(width, nc, 1)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):  # ResNet's initialisation: activations keep their scale
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        h = self.coarse(self.down(self.full(self.stem(x))))
        return self.head(self.pointwise(self.depthwise(self.dilated(h)) + h))


# ---- the catalogue ----------------------------------------------------------

def tv(name, nc):
    return OutOnly(getattr(torchvision.models.segmentation, name)(
        weights=None, weights_backbone=None, num_classes=nc, aux_loss=False))


# name: (builder, input shape, opset, dynamic H/W)
SMALL = {
    "deeplabv3_mbv3": (lambda: small_deeplabv3_mbv3(3), (1, 3, 64, 64), 13, False),
    "lraspp_mbv3": (lambda: small_lraspp_mbv3(3), (1, 3, 64, 64), 11, False),
    "fcn_resnet": (lambda: small_fcn_resnet(3), (1, 3, 64, 64), 13, False),
    "unet": (lambda: UNet(3, (8, 16, 24)), (1, 3, 48, 48), 13, True),
    "nested_unet": (lambda: NestedUNet(6, 8), (1, 3, 40, 40), 13, False),
    "segformer": (lambda: SegFormerBlock(3, 32), (1, 3, 32, 32), 17, False),
    "conv_paths": (lambda: ConvPaths(5), (1, 3, 58, 70), 13, False),
}

FULL = {
    "deeplabv3_mobilenet_v3_large": (lambda: tv("deeplabv3_mobilenet_v3_large", 21),
                                     (1, 3, 512, 512), 13, False),
    "lraspp_mobilenet_v3_large": (lambda: tv("lraspp_mobilenet_v3_large", 21),
                                  (1, 3, 512, 512), 13, False),
    "fcn_resnet50": (lambda: tv("fcn_resnet50", 21), (1, 3, 512, 512), 13, False),
    "deeplabv3_resnet50": (lambda: tv("deeplabv3_resnet50", 21), (1, 3, 512, 512), 13, False),
    "unet_512": (lambda: UNet(2, (32, 64, 128, 256, 512)), (1, 3, 512, 512), 13, False),
    "unet_1024": (lambda: UNet(2, (32, 64, 128, 256, 512)), (1, 3, 1024, 1024), 13, False),
    "nested_unet_512": (lambda: NestedUNet(16, 64), (1, 3, 512, 512), 13, False),
    "nested_unet_1024": (lambda: NestedUNet(16, 64), (1, 3, 1024, 1024), 13, False),
}


def randomise_bn(net, gen):
    for m in net.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.LayerNorm)) and m.weight is not None:
            with torch.no_grad():
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.2, 0.2, generator=gen)
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2, generator=gen)
            m.running_var.uniform_(0.5, 1.5, generator=gen)


def export(name, builder, shape, opset, dynamic, outdir):
    torch.manual_seed(0)
    net = builder().eval()
    gen = torch.Generator().manual_seed(1)
    randomise_bn(net, gen)
    x = torch.rand(shape, generator=gen)
    with torch.no_grad():
        y = net(x)
    path = os.path.join(outdir, name + ".onnx")
    axes = {"input": {2: "height", 3: "width"}, "output": {2: "height", 3: "width"}}
    torch.onnx.export(net, x, path, opset_version=opset, input_names=["input"],
                      output_names=["output"], dynamic_axes=axes if dynamic else None,
                      do_constant_folding=True)
    np.save(os.path.join(outdir, name + ".input.npy"), x.numpy())
    np.save(os.path.join(outdir, name + ".expected.npy"), y.numpy())
    return net, x


def fp16_variant(src, dst):
    """Store every float initializer as float16 and Cast it back to float at run time."""
    m = onnx.load(src)
    g = m.graph
    casts = []
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init).astype(np.float16)
        old = init.name
        init.CopyFrom(numpy_helper.from_array(arr, old + "_fp16"))
        casts.append(helper.make_node("Cast", [old + "_fp16"], [old], to=TensorProto.FLOAT,
                                      name="cast_" + old))
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    onnx.save(m, dst)


def int8_variant(src, dst):
    """Dynamic quantisation of MatMul with constant weights: activations to uint8 at run
    time (DynamicQuantizeLinear), weights to int8 per tensor (symmetric), MatMulInteger,
    then rescale in float."""
    m = onnx.load(src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    out_nodes = []
    for node in g.node:
        w = inits.get(node.input[1]) if node.op_type == "MatMul" else None
        if w is None or len(numpy_helper.to_array(w).shape) != 2:
            out_nodes.append(node)
            continue
        wf = numpy_helper.to_array(w)
        ws = float(np.abs(wf).max()) / 127.0 or 1.0
        wq = np.clip(np.rint(wf / ws), -127, 127).astype(np.int8)
        p = node.name or node.output[0]
        g.initializer.extend([
            numpy_helper.from_array(wq, p + "_wq"),
            numpy_helper.from_array(np.array(ws, np.float32), p + "_ws"),
            numpy_helper.from_array(np.array(0, np.int8), p + "_wzp")])
        a = node.input[0]
        out_nodes += [
            helper.make_node("DynamicQuantizeLinear", [a], [p + "_aq", p + "_as", p + "_azp"]),
            helper.make_node("MatMulInteger", [p + "_aq", p + "_wq", p + "_azp", p + "_wzp"],
                             [p + "_i32"]),
            helper.make_node("Cast", [p + "_i32"], [p + "_f"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "_as", p + "_ws"], [p + "_s"]),
            helper.make_node("Mul", [p + "_f", p + "_s"], [node.output[0]]),
        ]
    del g.node[:]
    g.node.extend(out_nodes)
    used = {i for n in g.node for i in n.input}
    keep = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    onnx.checker.check_model(m)
    onnx.save(m, dst)


def ort_expected(outdir, name, x):
    np.save(os.path.join(outdir, name + ".input.npy"), x.numpy())
    tmp = os.path.join(outdir, name + ".ort")
    runner = os.path.join(os.path.dirname(__file__), "..", "bench", "ort_run.js")
    subprocess.run(["node", runner, os.path.join(outdir, name + ".onnx"),
                    "--input", "input=" + os.path.join(outdir, name + ".input.npy"),
                    "--outdir", tmp], check=True)
    os.replace(os.path.join(tmp, "output.npy"), os.path.join(outdir, name + ".expected.npy"))
    os.rmdir(tmp)


def main():
    args = [a for a in sys.argv[1:] if a != "--keep"]
    keep = "--keep" in sys.argv[1:]
    if len(args) not in (2, 3) or args[0] not in ("small", "full"):
        sys.exit(__doc__)
    kind, outdir = args[:2]
    only = set(args[2].split(",")) if len(args) == 3 else None
    os.makedirs(outdir, exist_ok=True)
    for name, (builder, shape, opset, dynamic) in (SMALL if kind == "small" else FULL).items():
        if (keep and os.path.exists(os.path.join(outdir, name + ".expected.npy"))) or \
                (only is not None and name not in only):
            continue
        _, x = export(name, builder, shape, opset, dynamic, outdir)
        print(f"{name}: {os.path.getsize(os.path.join(outdir, name + '.onnx'))} bytes")
        if kind == "small" and name == "unet":
            fp16_variant(os.path.join(outdir, "unet.onnx"), os.path.join(outdir, "unet_fp16.onnx"))
            ort_expected(outdir, "unet_fp16", x)
        if kind == "small" and name == "segformer":
            int8_variant(os.path.join(outdir, "segformer.onnx"),
                         os.path.join(outdir, "segformer_int8.onnx"))
            ort_expected(outdir, "segformer_int8", x)


if __name__ == "__main__":
    main()
