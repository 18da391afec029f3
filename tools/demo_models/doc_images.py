#!/usr/bin/python3
"""The pictures of the docs and the demo's bundled scene, made with the seg tool.

    /usr/bin/python3 tools/demo_models/doc_images.py SEG_BINARY

writes examples/data/scene.png (a held-out synthetic scene, seed SCENE_SEED, drawn at
128 pixels and enlarged 2x by pixel repetition, so the models see what they were
trained on) and docs/images/task-{semantic,instance,panoptic}.png: the scene next to
`seg run`'s overlay for each demo model (models/demo/).
"""
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import synth  # noqa: E402

SCENE_SEED = 3_000_052  # held out: training used 0..799, the eval set 1,000,000..
ZOOM = 2


def main():
    seg = sys.argv[1]
    img, _, _ = synth.scene(SCENE_SEED, 128)
    scene = np.repeat(np.repeat(img, ZOOM, 0), ZOOM, 1)
    scene_path = os.path.join(ROOT, "examples", "data", "scene.png")
    synth.write_png(scene_path, scene)
    os.makedirs(os.path.join(ROOT, "docs", "images"), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for task in ("semantic", "instance", "panoptic"):
            model = os.path.join(ROOT, "models", "demo", task + ".onnx")
            subprocess.run([seg, "run", model, scene_path, "-o", tmp, "--format", "overlay",
                            "--overwrite"], check=True, stderr=subprocess.DEVNULL)
            overlay = cv2.imread(os.path.join(tmp, "scene.overlay.png"))
            gap = np.full((scene.shape[0], 8, 3), 255, np.uint8)
            cv2.imwrite(os.path.join(ROOT, "docs", "images", f"task-{task}.png"),
                        np.concatenate([scene[..., ::-1], gap, overlay], 1),
                        [cv2.IMWRITE_PNG_COMPRESSION, 9])


if __name__ == "__main__":
    main()
