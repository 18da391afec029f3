"""The three demo networks: small CNNs sized for CPU training in minutes.

All take [N, 3, 128, 128] RGB scaled to [0, 1] (the profile says so) and share one
backbone shape: conv-BN-SiLU stages at strides 2, 4, 8, 16, 32.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

N_MASK_COEFFS = 32


def cbs(cin, cout, k=3, s=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, bias=False), nn.BatchNorm2d(cout),
                         nn.SiLU(inplace=True))


class Backbone(nn.Module):
    def __init__(self, widths=(16, 32, 48, 64, 96)):
        super().__init__()
        stages, cin = [], 3
        for w in widths:
            stages.append(nn.Sequential(cbs(cin, w, 3, 2), cbs(w, w)))
            cin = w
        self.stages = nn.ModuleList(stages)
        self.widths = widths

    def forward(self, x):
        feats = []
        for s in self.stages:
            x = s(x)
            feats.append(x)
        return feats  # strides 2, 4, 8, 16, 32


class FPN(nn.Module):
    """Top-down fusion down to stride 4: returns features at strides 4, 8, 16, 32."""

    def __init__(self, widths, width):
        super().__init__()
        self.lateral = nn.ModuleList([nn.Conv2d(w, width, 1) for w in widths[1:]])
        self.smooth = nn.ModuleList([cbs(width, width) for _ in widths[1:]])

    def forward(self, feats):
        lat = [l(f) for l, f in zip(self.lateral, feats[1:])]
        out = [lat[-1]]
        for x in reversed(lat[:-1]):
            up = F.interpolate(out[0], size=x.shape[-2:], mode="nearest")
            out.insert(0, x + up)
        return [s(o) for s, o in zip(self.smooth, out)]


class SemanticNet(nn.Module):
    """Logits at stride 4; libseg's post-processing upsamples and argmaxes them."""

    def __init__(self, nc):
        super().__init__()
        self.backbone = Backbone()
        self.fpn = FPN(self.backbone.widths, 48)
        self.head = nn.Sequential(cbs(48, 48), nn.Conv2d(48, nc, 1))

    def forward(self, x):
        p4, p8, p16, p32 = self.fpn(self.backbone(x))
        size = p4.shape[-2:]
        fused = p4 + sum(F.interpolate(p, size=size, mode="bilinear", align_corners=False)
                         for p in (p8, p16, p32))
        return self.head(fused)


class PanopticNet(nn.Module):
    """Panoptic-DeepLab style: semantic logits, a center heatmap and offsets to the
    center (dy, dx in input pixels), all upsampled to the input size in the graph."""

    def __init__(self, nc):
        super().__init__()
        self.backbone = Backbone()
        self.fpn = FPN(self.backbone.widths, 48)
        self.sem = nn.Sequential(cbs(48, 48), nn.Conv2d(48, nc, 1))
        self.center = nn.Sequential(cbs(48, 32), nn.Conv2d(32, 1, 1))
        self.offset = nn.Sequential(cbs(48, 32), nn.Conv2d(32, 2, 1))

    def forward(self, x):
        p4, p8, p16, p32 = self.fpn(self.backbone(x))
        size = p4.shape[-2:]
        f = p4 + sum(F.interpolate(p, size=size, mode="bilinear", align_corners=False)
                     for p in (p8, p16, p32))
        full = x.shape[-2:]
        up = lambda t: F.interpolate(t, size=full, mode="bilinear", align_corners=False)
        return up(self.sem(f)), up(torch.sigmoid(self.center(f))), up(self.offset(f))


class YoloSegNet(nn.Module):
    """Anchor-free heads at strides 8, 16, 32 with ultralytics' export layout:
    output0 [N, 4 + nc + 32, A] = (cx, cy, w, h) in input pixels, sigmoid class scores,
    mask coefficients; output1 [N, 32, H/4, W/4] prototypes."""

    def __init__(self, nc, size=128):
        super().__init__()
        self.nc = nc
        self.backbone = Backbone()
        self.fpn = FPN(self.backbone.widths, 48)
        self.box = nn.ModuleList([nn.Sequential(cbs(48, 48), nn.Conv2d(48, 4, 1))
                                  for _ in range(3)])
        self.cls = nn.ModuleList([nn.Sequential(cbs(48, 48), nn.Conv2d(48, nc, 1))
                                  for _ in range(3)])
        self.coef = nn.ModuleList([nn.Sequential(cbs(48, 32), nn.Conv2d(32, N_MASK_COEFFS, 1))
                                   for _ in range(3)])
        self.proto = nn.Sequential(cbs(48, 48), nn.Conv2d(48, N_MASK_COEFFS, 1))
        pts, strides = [], []
        for s in (8, 16, 32):
            n = size // s
            ys, xs = torch.meshgrid(torch.arange(n), torch.arange(n), indexing="ij")
            pts.append(torch.stack([xs, ys], 0).reshape(2, -1).float() * s + s / 2)
            strides.append(torch.full((1, n * n), float(s)))
        self.register_buffer("anchors", torch.cat(pts, 1))     # [2, A] pixel centres
        self.register_buffer("strides", torch.cat(strides, 1))  # [1, A]

    def raw(self, x):
        p4, p8, p16, p32 = self.fpn(self.backbone(x))
        ltrb, cls, coef = [], [], []
        for i, p in enumerate((p8, p16, p32)):
            ltrb.append(self.box[i](p).flatten(2))
            cls.append(self.cls[i](p).flatten(2))
            coef.append(self.coef[i](p).flatten(2))
        return (torch.cat(ltrb, 2), torch.cat(cls, 2), torch.cat(coef, 2), self.proto(p4))

    def decode(self, ltrb):
        d = F.softplus(ltrb) * self.strides  # distances to the four sides, in pixels
        x1y1 = self.anchors - d[:, :2]
        x2y2 = self.anchors + d[:, 2:]
        return torch.cat([(x1y1 + x2y2) / 2, x2y2 - x1y1], 1)  # cx, cy, w, h

    def forward(self, x):
        ltrb, cls, coef, proto = self.raw(x)
        return torch.cat([self.decode(ltrb), torch.sigmoid(cls), coef], 1), proto
