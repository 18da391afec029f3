"""The Dask recipe (bindings/python/examples/dask_segment.py) on a LocalCluster: a
folder of 300 synthetic images plus corrupt files, every image accounted for in the
results or the failures, results checked against the images' known content."""
import json
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np

import libseg
from test_binding import data

EXAMPLES = os.path.join(os.environ.get("SEG_SOURCE_ROOT", os.path.join(
    os.path.dirname(__file__), "..", "..")), "bindings", "python", "examples")
sys.path.insert(0, EXAMPLES)
# Worker processes import the example module and libseg by name.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [EXAMPLES] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])

import dask_segment  # noqa: E402
from distributed import Client  # noqa: E402

COLOURS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
N_IMAGES = 300
CORRUPT = ("corrupt-empty.jpg", "corrupt-garbage.png", "corrupt-truncated.png")


def synthetic_folder(folder, rng):
    """Images of 2x2 blocks of pure red / green / blue: the test model (tests/data/run/
    semantic.onnx) labels each block with its colour, so each image's class areas are
    known. Returns {file name: class index map}."""
    truth = {}
    for i in range(N_IMAGES):
        h, w = 2 * rng.integers(2, 9, size=2)
        classes = np.kron(rng.integers(0, 3, size=(h // 2, w // 2)), np.ones((2, 2), int))
        name = "img-%04d.png" % i
        libseg.write_png(COLOURS[classes], os.path.join(folder, name))
        truth[name] = classes
    with open(os.path.join(folder, "img-0000.png"), "rb") as f:
        good = f.read()
    for name, content in zip(CORRUPT, (b"", rng.bytes(300), good[:len(good) // 2])):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(content)
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("not an image: not listed\n")
    return truth


class DaskRecipe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="libseg-dask-")
        cls.images = os.path.join(cls.tmp, "images")
        cls.out = os.path.join(cls.tmp, "out")
        os.makedirs(cls.images)
        cls.truth = synthetic_folder(cls.images, np.random.default_rng(7))
        cluster = dask_segment.local_cluster(2)
        with cluster, Client(cluster) as client:
            cls.summary = dask_segment.segment_folder(
                client, data("run", "semantic.onnx"), data("run", "semantic_keep.seg.json"),
                cls.images, cls.out, shard_size=25, retries=2)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def load(self, name):
        with open(os.path.join(self.out, name)) as f:
            return json.load(f)

    def test_every_image_accounted_for(self):
        s = self.summary
        self.assertEqual((s["images"], s["failures"]), (N_IMAGES, len(CORRUPT)))
        listed = dask_segment.list_images(self.images)
        self.assertEqual(len(listed), N_IMAGES + len(CORRUPT))
        images = self.load("images.json")["images"]
        failures = self.load("failures.json")
        ids = sorted([im["id"] for im in images] + [f["image_id"] for f in failures])
        self.assertEqual(ids, [i for i, _ in listed])
        self.assertEqual(sorted(f["file_name"] for f in failures), list(CORRUPT))
        for f in failures:
            self.assertEqual(f["attempts"], 3)  # tried, then retried twice
            self.assertIn(f["status"], ("FORMAT", "UNSUPPORTED"))
            self.assertIn("Error", f["error"])
        self.assertTrue(all(im["attempts"] == 1 for im in images))

    def test_results_match_the_images(self):
        by_image = {}
        for ann in self.load("results.json"):
            by_image.setdefault(ann["image_id"], []).append(ann)
        images = self.load("images.json")
        self.assertEqual([c["name"] for c in images["categories"]], ["red", "green", "blue"])
        checked = 0
        for im in images["images"]:
            classes = self.truth[im["file_name"]]
            self.assertEqual((im["height"], im["width"]), classes.shape)
            anns = by_image[im["id"]]
            self.assertEqual(sorted(a["category_id"] for a in anns),
                             sorted(set(classes.ravel().tolist())))
            for a in anns:
                want = classes == a["category_id"]
                self.assertEqual(a["area"], int(want.sum()))
                rle = libseg.Rle.from_string(*a["segmentation"]["size"],
                                             a["segmentation"]["counts"])
                np.testing.assert_array_equal(rle.decode(), want)
                checked += 1
        self.assertGreater(checked, N_IMAGES)

    def test_each_worker_loaded_the_model_once(self):
        shards = self.summary["shards"]
        self.assertEqual(len(shards), -(-(N_IMAGES + len(CORRUPT)) // 25))
        self.assertTrue(all(s["model_loads"] == 1 for s in shards))
        self.assertLessEqual(len({s["pid"] for s in shards}), 2)
        self.assertEqual(self.summary["workers"], 2)

    def test_merge_refuses_to_lose_an_image(self):
        out = os.path.join(self.tmp, "lossy")
        shutil.copytree(self.out, out)
        path = dask_segment.shard_path(out, 0)
        with open(path) as f:
            shard = json.load(f)
        shard["images"].pop()
        with open(path, "w") as f:
            json.dump(shard, f)
        listed = dask_segment.list_images(self.images)
        shards = [listed[i:i + 25] for i in range(0, len(listed), 25)]
        with self.assertRaisesRegex(RuntimeError, "images lost \\[25\\]"):
            dask_segment.merge(out, shards, [], {})
        # a shard whose task failed for good reports its images as failures instead
        got = dask_segment.merge(out, shards, [], {0: RuntimeError("worker died")})
        self.assertEqual(got["failures"], 25)  # shard 0 also holds the corrupt files
        self.assertEqual(got["images"] + got["failures"], len(listed))

    def test_a_transient_failure_is_retried(self):
        calls = []

        def flaky():
            calls.append(1)
            if len(calls) < 2:
                raise libseg.Error(libseg.Status.IO, "transient")
            return "ok"
        self.assertEqual(dask_segment.with_retries(flaky, 3), ("ok", 2, None))
        value, tries, error = dask_segment.with_retries(lambda: 1 / 0, 3)
        self.assertEqual((value, tries), (None, 3))
        self.assertIsInstance(error, ZeroDivisionError)


if __name__ == "__main__":
    unittest.main()
