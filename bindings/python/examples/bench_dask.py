#!/usr/bin/python3
"""Images per second of the Dask recipe for 1, 2, ... local workers.

    bench_dask.py MODEL.onnx PROFILE.seg.json [--images 200] [--size 240x320]
                  [--workers 1,2] [--runs 2]

Writes --images random-noise PNGs of --size (H x W) into a temporary folder, then for
each worker count starts dask_segment.local_cluster (one process per worker, one
thread each, glibc's default malloc thresholds) and times dask_segment.segment_folder --runs times (plugin
setup, i.e. the model load, included; cluster start-up excluded). Prints one JSON line
per run.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ["PYTHONPATH"] = os.pathsep.join(
    [os.path.dirname(os.path.abspath(__file__))] +
    [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

import dask_segment  # noqa: E402
import libseg  # noqa: E402
from distributed import Client  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("profile")
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--size", default="240x320")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--shard-size", type=int, default=16)
    args = ap.parse_args()
    h, w = (int(v) for v in args.size.split("x"))
    rng = np.random.default_rng(1)
    with tempfile.TemporaryDirectory(prefix="libseg-bench-") as tmp:
        folder = os.path.join(tmp, "images")
        os.makedirs(folder)
        for i in range(args.images):
            libseg.write_png(rng.integers(0, 256, (h, w, 3), dtype=np.uint8),
                             os.path.join(folder, "%05d.png" % i))
        for n in (int(v) for v in args.workers.split(",")):
            cluster = dask_segment.local_cluster(n)
            with cluster, Client(cluster) as client:
                for run in range(args.runs):
                    s = dask_segment.segment_folder(
                        client, args.model, args.profile, folder,
                        os.path.join(tmp, "out-%d-%d" % (n, run)), args.shard_size)
                    print(json.dumps({"workers": n, "run": run, "images": s["images"],
                                      "failures": s["failures"],
                                      "seconds": round(s["seconds"], 3),
                                      "images_per_second": round(s["images_per_second"], 1)}),
                          flush=True)


if __name__ == "__main__":
    main()
