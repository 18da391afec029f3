#!/usr/bin/python3
"""Segment a folder of images with libseg on a Dask distributed cluster.

    dask_segment.py MODEL.onnx PROFILE.seg.json IMAGES/ OUT/ [--workers N | --scheduler ADDR]

How it works (docs/scale-out.md has the full recipe and measurements):
  - The driver lists IMAGES/ (sorted; image ids 1, 2, ... in that order) and cuts the list
    into shards of --shard-size images, one Dask task each.
  - Every worker process runs SegmentPlugin.setup once: it loads the model and profile
    and creates one session, reused by every task on that worker (a lock serialises the
    session if the worker runs several threads).
  - A task segments its images; an image that fails is retried (--retries), then
    recorded in the shard's failures with its status and message. The task writes
    OUT/shards/shard-NNNNN.json atomically (results in the COCO results format plus
    image records and failures), so a task that Dask re-runs after a lost worker just
    rewrites its shard.
  - merge() joins the shards into OUT/results.json (COCO results list),
    OUT/images.json (COCO "images" and "categories") and OUT/failures.json, and checks
    that every listed image is in exactly one of images or failures; a shard whose task
    failed for good turns all its images into failures. Nothing is dropped silently.
"""
import argparse
import json
import os
import sys
import tempfile
import threading
import time

import dask
from distributed import Client, LocalCluster, WorkerPlugin, get_worker

import libseg

PLUGIN = "libseg-segment"
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")


def list_images(folder):
    """[(image_id, path)] for the images in `folder`, sorted by name, ids from 1."""
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTENSIONS))
    return [(i + 1, os.path.join(folder, n)) for i, n in enumerate(names)]


class SegmentPlugin(WorkerPlugin):
    """Per-worker state: one model, profile and session, loaded in setup()."""

    name = PLUGIN

    def __init__(self, model_path, profile_path, threads=1):
        self.model_path = model_path
        self.profile_path = profile_path
        self.threads = threads
        self.loads = 0

    def setup(self, worker=None):
        self.model = libseg.Model.load(self.model_path)
        self.session = self.model.session(libseg.Options(threads=self.threads))
        self.profile = libseg.Profile.load(self.profile_path)
        self.lock = threading.Lock()
        self.loads += 1

    def teardown(self, worker=None):
        self.session.close()
        self.model.close()
        self.profile.close()

    def segment(self, path):
        image = libseg.decode_file(path)
        with self.lock:
            result = libseg.run_image(self.model, self.session, self.profile, image)
        with result:
            return image.shape, coco_annotations(result)


def _box(xyxy):
    x1, y1, x2, y2 = (float(v) for v in xyxy)
    return [x1, y1, x2 - x1, y2 - y1]


def _region(image_id, category, rle, score=None):
    ann = {"image_id": image_id, "category_id": int(category),
           "segmentation": rle.to_coco(), "area": int(rle.area), "bbox": rle.bbox}
    if score is not None:
        ann["score"] = float(score)
    return ann


def coco_annotations(result):
    """The result as COCO results entries (image_id filled in by the caller). Category
    ids are the model's class indices. Semantic: one region per class present (COCO
    stuff results); instance: one per instance with its score; panoptic: one per segment."""
    out = []
    if result.semantic is not None:
        labels = result.semantic.labels
        for cls, area in enumerate(result.semantic.areas):
            if area:
                out.append(_region(0, cls, libseg.Rle.encode(labels == cls)))
    elif result.instances is not None:
        inst = result.instances
        for i in range(len(inst)):
            ann = _region(0, inst.classes[i], inst.mask_rle(i), inst.scores[i])
            ann["bbox"] = _box(inst.box(i))
            out.append(ann)
    else:
        pan = result.panoptic
        ids = pan.id_map
        for seg in pan.segments:
            out.append(_region(0, seg["category_id"], libseg.Rle.encode(ids == seg["id"]),
                               seg["score"]))
    return out


def with_retries(fn, attempts):
    """(value, tries, None) on success, (None, tries, exception) after `attempts` failures."""
    for tries in range(1, attempts + 1):
        try:
            return fn(), tries, None
        except Exception as e:  # any failure of one image must not lose the others
            error = e
    return None, attempts, error


def _failure(image_id, path, error, tries):
    return {"image_id": image_id, "file_name": os.path.basename(path),
            "status": getattr(getattr(error, "status", None), "name", None),
            "error": "%s: %s" % (type(error).__name__, error), "attempts": tries}


def _write_json_atomic(obj, path):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def shard_path(out_dir, index):
    return os.path.join(out_dir, "shards", "shard-%05d.json" % index)


def segment_shard(index, items, out_dir, retries):
    """One Dask task: segment `items` [(image_id, path)] on this worker's session."""
    worker = get_worker()
    state = worker.plugins[PLUGIN]
    shard = {"shard": index, "worker": worker.address, "pid": os.getpid(),
             "model_loads": state.loads, "images": [], "annotations": [], "failures": []}
    for image_id, path in items:
        value, tries, error = with_retries(lambda: state.segment(path), 1 + retries)
        if error is not None:
            shard["failures"].append(_failure(image_id, path, error, tries))
            continue
        shape, anns = value
        shard["images"].append({"id": image_id, "file_name": os.path.basename(path),
                                "height": int(shape[0]), "width": int(shape[1]),
                                "attempts": tries})
        for a in anns:
            a["image_id"] = image_id
        shard["annotations"].extend(anns)
    _write_json_atomic(shard, shard_path(out_dir, index))
    return {k: shard[k] for k in ("shard", "worker", "pid", "model_loads")}


def merge(out_dir, shards, categories, task_errors):
    """Join the shard files into results.json, images.json and failures.json.
    `shards` [[(image_id, path)]] as submitted; `task_errors` {shard index: error} for
    tasks that failed after Dask's retries. Returns counts; raises if an image is lost."""
    images, annotations, failures = [], [], []
    for index, items in enumerate(shards):
        if index in task_errors:
            failures += [_failure(i, p, task_errors[index], 0) for i, p in items]
            continue
        with open(shard_path(out_dir, index)) as f:
            shard = json.load(f)
        images += shard["images"]
        annotations += shard["annotations"]
        failures += shard["failures"]
    expected = {i for items in shards for i, _ in items}
    seen = [im["id"] for im in images] + [f["image_id"] for f in failures]
    if sorted(seen) != sorted(expected):
        lost = sorted(expected - set(seen))
        twice = sorted({i for i in seen if seen.count(i) > 1})
        raise RuntimeError("merge: images lost %s, reported twice %s" % (lost, twice))
    images.sort(key=lambda im: im["id"])
    failures.sort(key=lambda f: f["image_id"])
    _write_json_atomic(annotations, os.path.join(out_dir, "results.json"))
    _write_json_atomic({"images": images, "categories": categories},
                       os.path.join(out_dir, "images.json"))
    _write_json_atomic(failures, os.path.join(out_dir, "failures.json"))
    return {"images": len(images), "failures": len(failures),
            "annotations": len(annotations)}


def segment_folder(client, model_path, profile_path, folder, out_dir, shard_size=32,
                   retries=2, task_retries=2, threads=1):
    """Run the whole recipe on `client`; returns a summary dict (counts, seconds,
    images_per_second, per-shard worker info)."""
    model_path, profile_path = os.path.abspath(model_path), os.path.abspath(profile_path)
    with libseg.Profile.load(profile_path) as profile:  # fail early, and name categories
        categories = [{"id": i, "name": n} for i, n in enumerate(profile.class_names)]
    os.makedirs(os.path.join(out_dir, "shards"), exist_ok=True)
    items = list_images(folder)
    shards = [items[i:i + shard_size] for i in range(0, len(items), shard_size)]
    start = time.perf_counter()
    client.register_worker_plugin(SegmentPlugin(model_path, profile_path, threads),
                                  name=PLUGIN)
    n = len(shards)
    # retries= here is Dask's: a task lost with its worker runs again elsewhere.
    futures = client.map(segment_shard, range(n), shards, [os.path.abspath(out_dir)] * n,
                         [retries] * n, retries=task_retries, pure=False)
    infos, task_errors = [], {}
    for index, future in enumerate(futures):
        try:
            infos.append(future.result())
        except Exception as e:
            task_errors[index] = e
    summary = merge(out_dir, shards, categories, task_errors)
    seconds = time.perf_counter() - start
    summary.update(seconds=seconds, images_per_second=len(items) / seconds if seconds else 0,
                   shards=infos, workers=len(client.scheduler_info()["workers"]))
    return summary


def local_cluster(n_workers):
    """A LocalCluster of `n_workers` single-threaded worker processes whose nannies do
    not set MALLOC_TRIM_THRESHOLD_. Dask's default (65536, in
    distributed.nanny.pre-spawn-environ) fixes glibc's trim and mmap thresholds, so the
    buffers of every image are mapped, faulted in and unmapped again: decoding a
    320 x 240 PNG took 2.0 ms instead of 0.33 ms (docs/scale-out.md). The other
    variables Dask sets (OPENBLAS_NUM_THREADS=1, ...) are kept: one BLAS thread per
    worker, the parallelism comes from the workers."""
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                            dashboard_address=None)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("model")
    ap.add_argument("profile")
    ap.add_argument("images")
    ap.add_argument("out")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    ap.add_argument("--workers", type=int, default=1,
                    help="local worker processes when no --scheduler is given")
    ap.add_argument("--threads", type=int, default=1, help="libseg threads per session")
    ap.add_argument("--shard-size", type=int, default=32)
    ap.add_argument("--retries", type=int, default=2, help="extra attempts per image")
    args = ap.parse_args(argv)
    client = Client(args.scheduler or local_cluster(args.workers))
    with client:
        summary = segment_folder(client, args.model, args.profile, args.images, args.out,
                                 args.shard_size, args.retries, threads=args.threads)
    summary.pop("shards")
    print(json.dumps(summary))
    return 0 if summary["failures"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
