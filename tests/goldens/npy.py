#!/usr/bin/python3
"""Write the .npy goldens for tests/io/test_npy.c with NumPy itself.

Valid files hold np.arange(count) in the dtype and shape named by the file, so the C
test can check every element. Invalid files are made by editing NumPy's own output.
Run: /usr/bin/python3 tests/goldens/npy.py (writes tests/data/npy/)."""
import io
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "npy")
os.makedirs(OUT, exist_ok=True)


def save(name, arr, version=None):
    with open(os.path.join(OUT, name), "wb") as f:
        if version is None:
            np.save(f, arr)
        else:
            np.lib.format.write_array(f, arr, version=version)


def raw(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def npy_bytes(arr):
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


# One file per supported dtype: arange(6) shaped (2, 3).
for code, dt in [("f32", np.float32), ("f16", np.float16), ("u8", np.uint8),
                 ("i8", np.int8), ("u16", np.uint16), ("i32", np.int32),
                 ("i64", np.int64)]:
    save(f"{code}_2x3.npy", np.arange(6, dtype=dt).reshape(2, 3))
save("bool_2x3.npy", (np.arange(6) % 2 == 1).reshape(2, 3))
save("f32_scalar.npy", np.array(2.5, dtype=np.float32))
save("f32_vec5.npy", np.arange(5, dtype=np.float32))
save("f32_empty_0x4.npy", np.zeros((0, 4), dtype=np.float32))
save("i32_rank8.npy", np.arange(2 ** 8, dtype=np.int32).reshape((2,) * 8))
save("f32_v2.npy", np.arange(6, dtype=np.float32).reshape(2, 3), version=(2, 0))
save("f32_v3.npy", np.arange(6, dtype=np.float32).reshape(2, 3), version=(3, 0))

# Refused: Fortran order, big-endian, object, unsupported dtype, rank 9.
save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
save("big_endian.npy", np.arange(6, dtype=">f4"))
raw("object.npy", npy_bytes(np.zeros(2, np.float64)).replace(b"'<f8'", b"'|O' "))
save("f64.npy", np.arange(3, dtype=np.float64))
save("rank9.npy", np.zeros((1,) * 9, dtype=np.float32))

good = npy_bytes(np.arange(6, dtype=np.float32).reshape(2, 3))
raw("truncated_data.npy", good[:-5])
raw("truncated_header.npy", good[:40])
raw("trailing_bytes.npy", good + b"\0\0\0\0")
raw("bad_magic.npy", b"\x93NUMPZ" + good[6:])
raw("lying_shape.npy", good.replace(b"(2, 3)", b"(3, 3)"))
raw("bad_version.npy", good[:6] + b"\x09\x00" + good[8:])
raw("huge_header_len.npy", good[:8] + b"\xff\xff" + good[10:])
raw("missing_shape.npy", good.replace(b"'shape': (2, 3), ", b"'shapf': (2, 3), "))
raw("bad_bool.npy", npy_bytes(np.zeros(3, dtype=bool))[:-1] + b"\x07")
raw("negative_dim.npy", good.replace(b"(2, 3)", b"(2,-3)"))
raw("tiny.npy", good[:7])
print("wrote", len(os.listdir(OUT)), "files to", os.path.normpath(OUT))
