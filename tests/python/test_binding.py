"""The Python binding's core: loading and version refusal, the signature table against
the exported symbols, tensors (zero copy, lifetime, freed exactly once), images, .npy,
models, sessions, profiles and run_image, against the goldens the C tests use."""
import ctypes
import gc
import os
import re
import tempfile
import unittest

import numpy as np

import libseg
from libseg import _lib

DATA = os.environ.get("SEG_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
ROOT = os.environ.get("SEG_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))


def data(*parts):
    return os.path.join(DATA, *parts)


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class ErrorAssertions(unittest.TestCase):
    def assertFails(self, status, substring, fn, *args, **kw):
        with self.assertRaises(libseg.Error) as cm:
            fn(*args, **kw)
        self.assertEqual(cm.exception.status, status)
        self.assertIn(substring, cm.exception.message)
        self.assertIn(substring, str(cm.exception))
        return cm.exception


class VersionAndTable(ErrorAssertions):
    def test_library_version_matches_binding(self):
        self.assertEqual(libseg.version(), "%d.%d.%d" % libseg.LIBRARY_VERSION)
        self.assertEqual(libseg.LIBRARY_VERSION[0], libseg.BINDING_VERSION[0])
        self.assertEqual(libseg.version_number() // 10000, libseg.BINDING_VERSION[0])

    def test_other_major_version_is_refused(self):
        major = libseg.BINDING_VERSION[0]
        with self.assertRaises(libseg.VersionError) as cm:
            _lib.check_version((major + 1) * 10000 + 203)
        e = cm.exception
        self.assertIsInstance(e, ImportError)  # `import libseg` fails with it
        self.assertEqual(e.status, libseg.Status.VERSION)
        self.assertIn("libseg %d.2.3 is loaded" % (major + 1), e.message)
        self.assertIn("needs major version %d" % major, e.message)

    def test_library_refusing_the_binding_is_refused(self):
        def older(_header_version):
            raise libseg.Error(libseg.Status.VERSION, "library is older than the headers")
        with self.assertRaises(libseg.VersionError) as cm:
            _lib.check_version(libseg.BINDING_VERSION[0] * 10000, older)
        self.assertIn("older than the headers", cm.exception.message)
        # and the real library accepts this binding
        self.assertEqual(_lib.check_version(libseg.version_number(), _lib.lib.seg_check_version),
                         libseg.LIBRARY_VERSION)

    def test_signature_table_covers_every_exported_symbol(self):
        with open(os.path.join(ROOT, "abi", "symbols.txt")) as f:
            exported = {line.split("@")[0].strip() for line in f if line.strip()}
        table = set(_lib.parse_signatures())
        self.assertEqual(exported - table, set(), "symbols missing from SIGNATURES")
        self.assertEqual(table - exported, set(), "SIGNATURES names unknown symbols")

    def test_signature_table_matches_the_headers(self):
        """Argument counts and status results agree with include/seg/*.h."""
        protos = {}
        inc = os.path.join(ROOT, "include", "seg")
        for name in os.listdir(inc):
            if not name.endswith(".h"):
                continue
            with open(os.path.join(inc, name)) as f:
                text = f.read()
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
            for m in re.finditer(r"SEG_API\s+(?:SEG_NODISCARD\s+)?([^;{#]*?)\b(seg_\w+)\s*"
                                 r"\(([^)]*)\)\s*;", text):
                args = m.group(3).strip()
                n = 0 if args in ("void", "") else args.count(",") + 1
                protos[m.group(2)] = (m.group(1).strip() == "seg_status", n)
        for name, (result, args) in _lib.parse_signatures().items():
            self.assertIn(name, protos)
            self.assertEqual((result == "S", len(args)), protos[name], name)

    def test_status_strings(self):
        self.assertEqual(libseg.status_string(libseg.Status.IO), "input/output error")
        self.assertEqual(libseg.status_string(libseg.Status.VERSION), "version mismatch")
        self.assertEqual(libseg.status_string(999), "unknown status")
        e = libseg.Error(999, "x")
        self.assertEqual(e.status, 999)  # unknown codes stay plain ints


class Tensors(ErrorAssertions):
    def test_wrap_is_zero_copy_both_ways(self):
        a = np.arange(12, dtype=np.float32).reshape(3, 4)
        t = libseg.Tensor.from_numpy(a)
        self.assertEqual(t.data_ptr, a.ctypes.data)
        self.assertEqual((t.dtype, t.shape, t.size, t.nbytes), (libseg.DType.F32, (3, 4), 12, 48))
        a[1, 2] = -7
        v = t.numpy()
        self.assertEqual(v[1, 2], -7)
        v[0, 0] = 42
        self.assertEqual(a[0, 0], 42)
        self.assertEqual(v.ctypes.data, a.ctypes.data)

    def test_every_dtype_round_trips(self):
        for dt in (np.float32, np.uint8, np.int8, np.uint16, np.int32, np.int64, np.bool_,
                   np.float16):
            a = (np.arange(6) % 2).astype(dt).reshape(2, 3)
            t = libseg.Tensor.from_numpy(a)
            self.assertEqual(libseg.dtype_size(t.dtype), a.itemsize)
            c = t.clone()
            self.assertNotEqual(c.data_ptr, t.data_ptr)
            np.testing.assert_array_equal(c.numpy(), a)
            self.assertEqual(c.numpy().dtype, a.dtype)
        self.assertEqual(libseg.dtype_name(libseg.DType.BOOL), "bool")

    def test_non_contiguous_input_is_copied_and_unsupported_dtype_refused(self):
        a = np.arange(20, dtype=np.int32).reshape(4, 5)[:, ::2]
        t = libseg.Tensor.from_numpy(a)
        np.testing.assert_array_equal(t.numpy(), a)
        self.assertFails(libseg.Status.UNSUPPORTED, "float64", libseg.Tensor.from_numpy,
                         np.zeros(3))
        self.assertFails(libseg.Status.UNSUPPORTED, ">f4", libseg.Tensor.from_numpy,
                         np.zeros(3, ">f4"))

    def test_create_convert_and_library_errors(self):
        z = libseg.Tensor.zeros(libseg.DType.I32, (2, 0, 3))
        self.assertEqual(z.numpy().shape, (2, 0, 3))
        f = libseg.Tensor.from_numpy(np.array([1.5, -2.5, 3.0], np.float32))
        np.testing.assert_array_equal(f.convert(libseg.DType.I32).numpy(), [1, -2, 3])
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", libseg.Tensor.zeros,
                         libseg.DType.F32, (-1,))
        self.assertFails(libseg.Status.LIMIT, "", f.convert, libseg.DType.U8)
        h = np.array([1.0, 65504.0, 1e-7, -0.0], np.float32)
        np.testing.assert_array_equal(libseg.f32_to_f16(h), h.astype(np.float16))
        np.testing.assert_array_equal(libseg.f16_to_f32(h.astype(np.float16)),
                                      h.astype(np.float16).astype(np.float32))

    def test_views_outlive_the_handle(self):
        t = libseg.Tensor.zeros(libseg.DType.U8, (64, 64))
        v = t.numpy()
        v[:] = 7
        t.close()
        self.assertTrue(t.closed)
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "Tensor is closed", t.numpy)
        del t
        gc.collect()
        self.assertEqual(int(v.sum()), 7 * 64 * 64)  # still the library's memory, alive
        img = libseg.decode_file(data("run", "blocks.png"))  # only a view is returned
        self.assertIsInstance(img.base, object)
        self.assertEqual(img.shape, (6, 8, 3))

    def test_handles_are_freed_exactly_once(self):
        calls = []
        real = _lib.lib.seg_tensor_destroy

        def counting(ptr):
            calls.append(ptr)
            real(ptr)
        _lib.lib.seg_tensor_destroy = counting
        try:
            with libseg.Tensor.zeros(libseg.DType.F32, (4,)) as a:
                pa = a._ptr
            self.assertEqual(calls, [pa])
            a.close()  # a second close is a no-op
            b = libseg.Tensor.zeros(libseg.DType.F32, (4,))
            pb = b._ptr
            v = b.numpy()
            b.close()
            self.assertEqual(calls, [pa])  # the view still needs the memory
            del v
            gc.collect()
            self.assertEqual(calls, [pa, pb])
            c = libseg.Tensor.zeros(libseg.DType.F32, (4,))
            pc = c._ptr
            del c
            gc.collect()
            self.assertEqual(calls, [pa, pb, pc])
        finally:
            _lib.lib.seg_tensor_destroy = real

    def test_wrap_with_deleter_through_the_low_level_table(self):
        """The one C function without a Pythonic wrapper is still callable."""
        buf = (ctypes.c_float * 4)(1, 2, 3, 4)
        freed = []
        deleter = _lib.DELETER(lambda data, user: freed.append((data, user)))
        dims = (ctypes.c_int64 * 1)(4)
        out = ctypes.c_void_p()
        libseg.lib.seg_tensor_wrap_with_deleter(libseg.DType.F32, 1, dims, buf, 16, deleter,
                                                 7, ctypes.byref(out))
        t = libseg.Tensor(out.value)
        np.testing.assert_array_equal(t.numpy(), [1, 2, 3, 4])
        t.close()
        self.assertEqual(freed, [(ctypes.addressof(buf), 7)])

    def test_wrapped_array_is_kept_alive(self):
        t = libseg.Tensor.from_numpy(np.full((100,), 3, np.int64))
        gc.collect()
        self.assertEqual(int(t.numpy().sum()), 300)


class ImagesAndNpy(ErrorAssertions):
    def test_npy_goldens(self):
        for name in ("f32_2x3", "u8_2x3", "i64_2x3", "bool_2x3", "f16_2x3", "i32_rank8",
                     "f32_scalar", "f32_empty_0x4", "f32_v3"):
            got = libseg.npy_read_file(data("npy", name + ".npy"))
            want = np.load(data("npy", name + ".npy"))
            self.assertEqual(got.dtype, want.dtype, name)
            np.testing.assert_array_equal(got, want, name)
        raw = read_bytes(data("npy", "i32_2x3.npy"))
        np.testing.assert_array_equal(libseg.npy_read_memory(raw),
                                      np.load(data("npy", "i32_2x3.npy")))

    def test_npy_errors_name_the_problem(self):
        self.assertFails(libseg.Status.UNSUPPORTED, "big-endian dtype '>f4'",
                         libseg.npy_read_file, data("npy", "big_endian.npy"))
        self.assertFails(libseg.Status.FORMAT, "offset 0: not a .npy file",
                         libseg.npy_read_file, data("npy", "bad_magic.npy"))
        self.assertFails(libseg.Status.IO, "cannot open", libseg.npy_read_file,
                         data("npy", "does_not_exist.npy"))
        self.assertFails(libseg.Status.LIMIT, "", libseg.npy_read_file,
                         data("npy", "f32_2x3.npy"), options={"max_file_bytes": 16})

    def test_npy_write_and_encode_round_trip(self):
        a = np.arange(24, dtype=np.uint16).reshape(2, 3, 4)
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "a.npy")
            libseg.npy_write_file(a, p)
            np.testing.assert_array_equal(np.load(p), a)
            self.assertFails(libseg.Status.IO, "", libseg.npy_write_file, a,
                             os.path.join(d, "missing", "a.npy"))
        np.testing.assert_array_equal(libseg.npy_read_memory(libseg.npy_encode(a)), a)

    def test_decode_goldens(self):
        for name in ("baseline", "progressive", "grey", "exif_6"):
            got = libseg.decode_file(data("io", "jpeg", name + ".jpg"))
            want = np.load(data("io", "jpeg", name + ".npy"))
            np.testing.assert_array_equal(got.reshape(want.shape), want, name)
        raw = read_bytes(data("io", "jpeg", "baseline.jpg"))
        np.testing.assert_array_equal(libseg.decode_memory(raw),
                                      libseg.decode_file(data("io", "jpeg", "baseline.jpg")))
        self.assertFails(libseg.Status.UNSUPPORTED, "", libseg.decode_file,
                         data("io", "jpeg", "cmyk.jpg"))
        self.assertFails(libseg.Status.FORMAT, "", libseg.decode_memory, b"\x89PNG\r\n\x1a\n")
        self.assertFails(libseg.Status.LIMIT, "", libseg.decode_file,
                         data("io", "jpeg", "baseline.jpg"), libseg.Options(max_pixels=4))

    def test_encode_round_trips(self):
        img = libseg.decode_file(data("run", "blocks.png"))
        png = libseg.encode_png(img)
        self.assertTrue(png.startswith(b"\x89PNG"))
        np.testing.assert_array_equal(libseg.decode_memory(png), img)
        labels = np.array([[0, 1], [2, 1]], np.uint8)
        idx = libseg.encode_png_indexed(labels, [(0, 0, 0), (255, 0, 0), (0, 255, 0)])
        np.testing.assert_array_equal(libseg.decode_memory(idx)[:, :, 0], [[0, 255], [0, 255]])
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", libseg.encode_png_indexed,
                         labels, [(0, 0, 0)])
        jpg = libseg.encode_jpeg(np.full((16, 16, 3), 128, np.uint8), 75)
        self.assertTrue(abs(int(libseg.decode_memory(jpg).mean()) - 128) <= 1)
        with tempfile.TemporaryDirectory() as d:
            for fn, args in ((libseg.write_png, (img,)), (libseg.write_jpeg, (img,)),
                             (libseg.write_png_indexed, (labels, [(0, 0, 0)] * 3))):
                p = os.path.join(d, fn.__name__)
                fn(*args, p)
                self.assertEqual(libseg.decode_file(p).shape[:2], args[0].shape[:2])
        self.assertFails(libseg.Status.SHAPE, "", libseg.encode_jpeg,
                         np.zeros((4, 4, 4), np.uint8))

    def test_resize_letterbox_nchw_goldens(self):
        u8 = np.load(data("io", "resize", "u8_in.npy"))
        np.testing.assert_array_equal(libseg.resize(u8, 18, 26),
                                      np.load(data("io", "resize", "u8_linear_18x26.npy")))
        f32 = np.load(data("io", "resize", "f32_in.npy"))
        np.testing.assert_allclose(libseg.resize(f32, 10, 9),
                                   np.load(data("io", "resize", "f32_linear_10x9.npy")),
                                   atol=1e-5)
        near = libseg.resize(u8, 3, 4, libseg.Interp.NEAREST)
        self.assertEqual(near.shape[:2], (3, 4))
        out, info = libseg.letterbox(np.load(data("io", "letterbox", "tall_in.npy")), 48, 64)
        np.testing.assert_array_equal(out, np.load(data("io", "letterbox", "tall_out.npy")))
        want = np.load(data("io", "letterbox", "tall_info.npy"))
        self.assertEqual(info["scale"], want[:1].view(np.float64)[0])
        self.assertEqual([info[k] for k in ("resized_h", "resized_w", "pad_top", "pad_bottom",
                                            "pad_left", "pad_right")], list(want[1:]))
        img = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
        x = libseg.to_nchw(img, 1 / 255, [0.5, 0.5, 0.5], [0.25, 0.5, 1.0],
                           libseg.ChannelOrder.BGR)
        ref = (img[:, :, ::-1].astype(np.float32) * np.float32(1 / 255) -
               np.float32(0.5)) / np.array([0.25, 0.5, 1.0], np.float32)
        np.testing.assert_allclose(x[0], ref.transpose(2, 0, 1), rtol=1e-6)
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", libseg.to_nchw, img, 1.0,
                         None, [1, 0, 1])


class ModelsAndSessions(ErrorAssertions):
    def test_conv_relu_matches_golden(self):
        x = np.load(data("onnx", "conv_relu_x.npy"))
        y = np.load(data("onnx", "conv_relu_y.npy"))
        with libseg.Model.load(data("onnx", "conv_relu.onnx")) as m, m.session() as s:
            name = m.input_names[0]
            self.assertEqual(m.find_input(name), 0)
            self.assertEqual(m.find_output(m.output_names[0]), 0)
            dtype, shape = m.input_info(0)
            self.assertEqual(dtype, libseg.DType.F32)
            self.assertEqual(len(shape), 4)
            self.assertGreater(m.parameter_count, 0)
            self.assertIn("Conv", m.node_op_types)
            self.assertGreater(m.opset, 0)
            self.assertEqual(s.output(0), None)
            s.prepare([x])
            self.assertGreater(s.arena_bytes, 0)
            (got,) = s.run([x])
            np.testing.assert_allclose(got, y, rtol=1e-5, atol=1e-5)
            self.assertGreater(s.conv_flops, 0)
            (named,) = s.run({name: x})
            np.testing.assert_array_equal(named, got)
            got[...] = 0  # outputs are copies: the session's memory is not touched
            np.testing.assert_allclose(s.output(0), y, rtol=1e-5, atol=1e-5)
            self.assertFails(libseg.Status.NOT_FOUND, "nope", m.find_input, "nope")
            self.assertFails(libseg.Status.INVALID_ARGUMENT, "", s.run, [])
            self.assertFails(libseg.Status.NOT_FOUND, "", s.run, {"bogus": x})

    def test_node_stats_of_a_profiled_run(self):
        x = np.load(data("onnx", "conv_relu_x.npy"))
        with libseg.Model.load(data("onnx", "conv_relu.onnx")) as m:
            with m.session() as plain:
                plain.run([x])
                self.assertEqual(plain.node_stats(), [])
                self.assertEqual(plain.run_ns, 0)
            with m.session(libseg.Options(profile_nodes=1)) as s:
                s.run([x])
                stats = s.node_stats()
                self.assertIn("Conv", [r["op_type"] for r in stats])
                conv = next(r for r in stats if r["op_type"] == "Conv")
                self.assertEqual(conv["flops"], s.conv_flops)
                self.assertLessEqual(sum(r["ns"] for r in stats), s.run_ns)
                for r in stats:
                    self.assertLessEqual(r["im2col_ns"] + r["gemm_ns"] + r["transform_ns"],
                                         r["ns"])

    def test_session_keeps_model_alive_and_from_bytes(self):
        raw = read_bytes(data("onnx", "conv_relu.onnx"))
        x = np.load(data("onnx", "conv_relu_x.npy"))
        for borrow in (False, True):
            m = libseg.Model.from_bytes(raw, borrow=borrow, options=libseg.Options(opt_level=1))
            s = m.session(libseg.Options(threads=1))
            m.close()
            del m
            gc.collect()
            (got,) = s.run([x])
            np.testing.assert_allclose(got, np.load(data("onnx", "conv_relu_y.npy")),
                                       rtol=1e-5, atol=1e-5)

    def test_model_errors(self):
        self.assertFails(libseg.Status.FORMAT, "", libseg.Model.load,
                         data("onnx", "bad_varint.onnx"))
        self.assertFails(libseg.Status.IO, "", libseg.Model.load, data("onnx", "missing.onnx"))

    def test_options(self):
        o = libseg.Options(threads=3)
        self.assertEqual(o.get(libseg.Option.THREADS), 3)
        self.assertEqual(libseg.Options.default(libseg.Option.MAX_PIXELS), 100000000)
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", o.set, libseg.Option.THREADS, 0)
        with self.assertRaises(KeyError):
            libseg.Options(speed=1)


class RunImage(ErrorAssertions):
    def fixture(self, model, profile, image):
        m = libseg.Model.load(data("run", model))
        return m, m.session(), libseg.Profile.load(data("run", profile)), \
            libseg.decode_file(data("run", image))

    def test_semantic_profile(self):
        want = np.load(data("run", "semantic_labels.npy"))
        for prof in ("semantic_keep", "semantic_stretch", "semantic_letterbox"):
            m, s, p, img = self.fixture("semantic.onnx", prof + ".seg.json", "blocks.png")
            self.assertEqual(p.task, libseg.Task.SEMANTIC)
            self.assertEqual(p.class_names, ["red", "green", "blue"])
            self.assertEqual(p.color(1), (0, 200, 0))
            r = libseg.run_image(m, s, p, img)
            self.assertEqual(r.task, libseg.Task.SEMANTIC)
            self.assertIsNone(r.instances)
            self.assertIsNone(r.panoptic)
            sem = r.semantic
            labels = sem.labels
            del r, sem  # the view keeps the result alive
            gc.collect()
            np.testing.assert_array_equal(labels, want)
            self.assertFalse(labels.flags.writeable)

    def test_yolo_profile(self):
        m, s, p, img = self.fixture("yolo.onnx", "yolo.seg.json", "wide.png")
        with libseg.run_image(m, s, p, img) as r:
            inst = r.instances
            self.assertEqual(len(inst), 2)
            np.testing.assert_array_equal(inst.classes, [0, 1])
            np.testing.assert_allclose(inst.scores, [0.9, 0.8], rtol=1e-6)
            self.assertEqual(inst.mask_size, (64, 32))
            self.assertTrue(inst.has_masks)
            for i in range(2):
                rect, bits = inst.mask_crop(i)
                full = inst.mask(i)
                rle = inst.mask_rle(i)
                self.assertEqual(rle.area, int(full.sum()))
                self.assertEqual(int(bits.sum()), rle.area)
                x, y, w, h = rect
                np.testing.assert_array_equal(full[y:y + h, x:x + w], bits)
                np.testing.assert_array_equal(rle.decode(), full)

    def test_errors(self):
        m, s, p, img = self.fixture("semantic.onnx", "semantic_keep.seg.json", "blocks.png")
        self.assertFails(libseg.Status.SHAPE, "", libseg.run_image, m, s, p,
                         np.zeros((4, 4, 3), np.float32))
        bad = libseg.Profile.from_json('{"preprocess": {"size": "keep", "input": "nope"}, '
                                       '"postprocess": {"task": "semantic", '
                                       '"decoder": "argmax"}}')
        self.assertFails(libseg.Status.NOT_FOUND, "nope", libseg.run_image, m, s, bad, img)
        self.assertFails(libseg.Status.FORMAT, "", libseg.Profile.from_json, "{")


class Sequences(ErrorAssertions):
    def open(self, model, profile, **options):
        m = libseg.Model.load(data(model))
        return libseg.Sequence.create(m, m.session(), libseg.Profile.load(data(profile)),
                                      **options)

    def frame(self, k):
        return libseg.decode_file(data("sequence", "frames", "%02d.png" % k))

    def test_moving_object_keeps_its_panoptic_id(self):
        """tests/data/sequence: the disc keeps id 1 in all 10 frames, the square that
        enters at frame 4 (listed first by the decoder) gets id 2, stuff is
        SEQUENCE_STUFF_ID_BASE + 0."""
        seq = self.open("sequence/blobs.onnx", "sequence/blobs.seg.json", smoothing=0.5)
        base = libseg.SEQUENCE_STUFF_ID_BASE
        for k in range(10):
            pan = seq.push(self.frame(k)).panoptic
            segs = pan.segments
            self.assertEqual(len(segs), 2 if k < 4 else 3)
            ids = pan.id_map
            for s in segs:
                want = {1: 1, 2: 2}.get(s["category_id"], base)
                self.assertEqual(s["id"], want)
                x, y, w, h = s["bbox"]
                self.assertEqual(ids[y + h // 2, x + w // 2], want)
        self.assertEqual(seq.frame_count, 10)

    def test_instances_get_track_ids(self):
        m = libseg.Model.load(data("run", "yolo.onnx"))
        s, p = m.session(), libseg.Profile.load(data("run", "yolo.seg.json"))
        img = libseg.decode_file(data("run", "wide.png"))
        with libseg.Sequence.create(m, s, p) as seq:
            for _ in range(3):
                np.testing.assert_array_equal(seq.push(img).instances.track_ids, [1, 2])
            seq.reset()  # a scene cut: the same objects get new ids
            np.testing.assert_array_equal(seq.push(img).instances.track_ids, [3, 4])
        np.testing.assert_array_equal(libseg.run_image(m, s, p, img).instances.track_ids,
                                      [0, 0])

    def test_frames_expire_and_arrays_are_copies(self):
        seq = self.open("sequence/blobs.onnx", "sequence/blobs.seg.json")
        first = seq.push(self.frame(0))
        pan = first.panoptic
        ids0 = pan.id_map
        want = ids0.copy()
        self.assertTrue(ids0.flags.owndata)  # a copy: the sequence reuses its memory
        self.assertFails(libseg.Status.SHAPE, "u8 [H, W, 1|3|4]", seq.push,
                         np.zeros((32, 48, 3), np.float32))
        self.assertEqual(len(pan), 2)  # a failed push keeps the previous frame
        seq.push(self.frame(5))
        np.testing.assert_array_equal(ids0, want)
        for fn in (lambda: first.task, lambda: pan.id_map, lambda: len(pan)):
            self.assertFails(libseg.Status.INVALID_ARGUMENT, "valid until the next push", fn)
        self.assertTrue(first.closed)
        last = seq.push(self.frame(6))
        seq.close()
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "closed", lambda: last.panoptic)

    def test_options(self):
        seq = self.open("run/semantic.onnx", "run/semantic_keep.seg.json", iou_threshold=0.5,
                        max_missed=2)
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", seq.set,
                         libseg.SequenceOption.SMOOTHING, 0.0)
        self.assertFails(libseg.Status.INVALID_ARGUMENT, "", seq.set,
                         libseg.SequenceOption.MAX_MISSED, -1)
        seq.set(libseg.SequenceOption.SMOOTHING, 0.25)
        img = libseg.decode_file(data("run", "blocks.png"))
        labels = [seq.push(img).semantic.labels for _ in range(3)]
        for lab in labels:  # the same frame smoothed with itself stays the same
            np.testing.assert_array_equal(lab, np.load(data("run", "semantic_labels.npy")))


if __name__ == "__main__":
    unittest.main()
