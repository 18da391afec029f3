#!/usr/bin/python3
"""Write the parity goldens for tests/run/demo_models.py: PyTorch's outputs of the demo
models (models/demo/*.onnx) on two held-out synthetic scenes.

The reference is the PyTorch module of tools/demo_models/nets.py with its BatchNorms
folded into the convolutions (as the ONNX export folds them) and every convolution's
weights taken from the ONNX file, matched in execution order with shapes checked: so
the goldens come from torch's own conv / interpolate / activation kernels, not from
another ONNX runtime. Big outputs are stored at a stride (see STRIDE) to keep the files
small; the test compares libseg's outputs at the same positions.

Run: /usr/bin/python3 tests/goldens/demo_models.py [TASK...] (writes
tests/data/demo_models/TASK.npz, every task by default).
"""
import os
import sys

# tests/goldens/onnx.py must not shadow the onnx package.
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from torch.nn.utils.fusion import fuse_conv_bn_eval  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "demo_models"))
import nets  # noqa: E402
import synth  # noqa: E402

OUT = os.path.join(ROOT, "tests", "data", "demo_models")
SEEDS = [2_000_000, 2_000_001]  # disjoint from training (0..) and the eval set (1_000_000..)
SIZE = 128
NC = len(synth.CLASSES)
BUILD = {"semantic": lambda: nets.SemanticNet(NC),
         "instance": lambda: nets.YoloSegNet(len(synth.THINGS), SIZE),
         "panoptic": lambda: nets.PanopticNet(NC)}
# Output name -> spatial stride of the stored golden.
STRIDE = {"logits": 1, "output0": 1, "output1": 4, "semantic": 4, "center": 4, "offset": 4}


def fold_bn(module):
    """Replace each Conv2d + BatchNorm2d pair inside a Sequential by the folded conv."""
    for child in module.children():
        fold_bn(child)
    if isinstance(module, torch.nn.Sequential):
        mods = list(module)
        for i in range(len(mods) - 1):
            if isinstance(mods[i], torch.nn.Conv2d) and isinstance(mods[i + 1], torch.nn.BatchNorm2d):
                module[i] = fuse_conv_bn_eval(mods[i], mods[i + 1])
                module[i + 1] = torch.nn.Identity()


def load_from_onnx(task, path):
    net = BUILD[task]()
    net.eval()
    fold_bn(net)
    order = []
    hooks = [m.register_forward_hook(lambda m, i, o: order.append(m) if m not in order else None)
             for m in net.modules() if isinstance(m, torch.nn.Conv2d)]
    net(torch.zeros(1, 3, SIZE, SIZE))
    for h in hooks:
        h.remove()
    model = onnx.load(path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    assert len(convs) == len(order), (len(convs), len(order))
    for node, conv in zip(convs, order):
        w = init[node.input[1]]
        assert w.shape == tuple(conv.weight.shape), (node.name, w.shape, conv.weight.shape)
        conv.weight.data = torch.from_numpy(w.copy())
        if len(node.input) > 2:
            if conv.bias is None:
                conv.bias = torch.nn.Parameter(torch.zeros(w.shape[0]))
            conv.bias.data = torch.from_numpy(init[node.input[2]].copy())
        else:
            assert conv.bias is None or not conv.bias.any()
    return net, [o.name for o in model.graph.output]


def scene_input(seed):
    img, _, _ = synth.scene(seed, SIZE)
    return torch.from_numpy((img.astype(np.float32) / 255).transpose(2, 0, 1)[None].copy())


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for task in sys.argv[1:] or BUILD:
        net, names = load_from_onnx(task, os.path.join(ROOT, "models", "demo", task + ".onnx"))
        arrays = {}
        with torch.no_grad():
            for k, seed in enumerate(SEEDS):
                outs = net(scene_input(seed))
                outs = outs if isinstance(outs, tuple) else (outs,)
                for name, t in zip(names, outs):
                    s = STRIDE[name]
                    a = t.numpy()
                    arrays[f"{name}_{k}"] = a[..., ::s, ::s] if a.ndim == 4 else a
                    arrays[f"stride_{name}"] = np.array(s)
        arrays["seeds"] = np.array(SEEDS)
        np.savez(os.path.join(OUT, task + ".npz"), **arrays)
        print(task, {k: v.shape for k, v in arrays.items()})


if __name__ == "__main__":
    main()
