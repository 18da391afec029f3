#!/usr/bin/python3
"""Write the image goldens for tests/io/test_image_*.c.

PNG: files are written by a small spec-following encoder below (every colour type, bit
depth, palette, tRNS, Adam7 interlace) from a known array, and the expected decode is
derived from the PNG specification; two more files come from OpenCV's encoder.
JPEG: files come from OpenCV's encoder (libjpeg-turbo), EXIF variants get an APP1
segment spliced in here; the expected pixels are cv2.imdecode's (same libjpeg-turbo).
Resize: u8 against cv2.resize, f32 against torch.nn.functional.interpolate.
Letterbox: ultralytics' LetterBox convention restated with cv2 (see docs/images.md).
Run: /usr/bin/python3 tests/goldens/io.py (writes tests/data/io/)."""
import io
import os
import struct
import zlib

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "io")
RNG = np.random.default_rng(20261125)


def path(*parts):
    p = os.path.join(OUT, *parts)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def save(name, arr):
    np.save(path(name), np.ascontiguousarray(arr))


# ---- PNG ------------------------------------------------------------------------

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(samples, depth):
    if depth == 16:
        return samples.astype(">u2").tobytes()
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    per = 8 // depth
    padded = np.zeros(-(-len(samples) // per) * per, np.uint8)
    padded[:len(samples)] = samples
    out = np.zeros(len(padded) // per, np.uint8)
    for i in range(per):
        out |= (padded[i::per] << (8 - depth * (i + 1))).astype(np.uint8)
    return out.tobytes()


def scanlines(samples, depth):
    return b"".join(b"\0" + pack_row(row.reshape(-1), depth) for row in samples)


def png_bytes(samples, color, depth, plte=None, trns=None, interlace=False):
    h, w = samples.shape[:2]
    if interlace:
        raw = b"".join(scanlines(samples[y0::dy, x0::dx], depth)
                       for x0, y0, dx, dy in ADAM7 if samples[y0::dy, x0::dx].size)
    else:
        raw = scanlines(samples, depth)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(
        ">IIBBBBB", w, h, depth, color, 0, 0, int(interlace)))
    if plte is not None:
        out += chunk(b"PLTE", plte.astype(np.uint8).tobytes())
    if trns is not None:
        out += chunk(b"tRNS", trns)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def rand(shape, depth):
    return RNG.integers(0, 1 << depth, shape, dtype=np.uint32)


def png_case(name, samples, color, depth, expect, **kw):
    write(f"png/{name}.png", png_bytes(samples, color, depth, **kw))
    dtype = np.uint16 if depth == 16 else np.uint8
    save(f"png/{name}.npy", expect.astype(dtype))


def png_goldens():
    H, W = 11, 13
    channels = {0: 1, 2: 3, 4: 2, 6: 4}
    for color, c in channels.items():
        for depth in (8, 16):
            s = rand((H, W, c), depth)
            png_case(f"ct{color}_{depth}", s, color, depth, s)
            png_case(f"ct{color}_{depth}_adam7", s, color, depth, s, interlace=True)
    for depth in (1, 2, 4):
        s = rand((H, W, 1), depth)
        png_case(f"ct0_{depth}", s, 0, depth, s * (255 // ((1 << depth) - 1)))
    png_case("ct0_4_adam7", s, 0, 4, s * 17, interlace=True)
    # grey and RGB with a tRNS colour gain an alpha channel
    s = rand((H, W, 1), 8)
    g = int(s[3, 4, 0])
    alpha = np.where(s == g, 0, 255)
    png_case("ct0_8_trns", s, 0, 8, np.concatenate([s, alpha], 2), trns=struct.pack(">H", g))
    s = rand((H, W, 3), 4)  # few colours, so the key colour repeats
    key = s[2, 2]
    alpha = np.where((s == key).all(2, keepdims=True), 0, 255)
    png_case("ct2_8_trns", s, 2, 8, np.concatenate([s, alpha], 2),
             trns=struct.pack(">HHH", *map(int, key)))
    # palette images: RGB, or RGBA with a tRNS (entries past its end are opaque)
    for depth in (1, 2, 4, 8):
        n = 1 << depth
        plte = RNG.integers(0, 256, (n, 3))
        idx = rand((H, W, 1), depth)
        png_case(f"ct3_{depth}", idx, 3, depth, plte[idx[..., 0]], plte=plte)
    plte = RNG.integers(0, 256, (16, 3))
    tr = RNG.integers(0, 256, 10).astype(np.uint8)
    idx = rand((H, W, 1), 4)
    rgba = np.concatenate([plte[idx[..., 0]], np.append(tr, [255] * 6)[idx]], 2)
    png_case("ct3_4_trns", idx, 3, 4, rgba, plte=plte, trns=tr.tobytes())
    png_case("ct3_4_trns_adam7", idx, 3, 4, rgba, plte=plte, trns=tr.tobytes(),
             interlace=True)
    # OpenCV's encoder (filters, its own zlib settings); OpenCV stores BGR(A)
    rgb = rand((H, W, 3), 8).astype(np.uint8)
    write("png/cv_rgb8.png", cv2.imencode(".png", rgb[..., ::-1])[1].tobytes())
    save("png/cv_rgb8.npy", rgb)
    rgba = rand((H, W, 4), 16).astype(np.uint16)
    write("png/cv_rgba16.png", cv2.imencode(".png", rgba[..., [2, 1, 0, 3]])[1].tobytes())
    save("png/cv_rgba16.npy", rgba)
    # bad files
    good = png_bytes(rand((H, W, 3), 8), 2, 8)
    write("png/bad_truncated.png", good[:len(good) // 2])
    idat = good.index(b"IDAT")
    crc_at = idat + 4 + struct.unpack(">I", good[idat - 4:idat])[0]
    bad = bytearray(good)
    bad[crc_at] ^= 0xFF  # the data is intact, its checksum is not
    write("png/bad_crc.png", bytes(bad))
    write("png/bad_zero_width.png", b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", 0, 5, 8, 2, 0, 0, 0)) + chunk(b"IEND", b""))
    # 100000 x 100000: refused by the pixel limit before any pixel memory exists
    write("png/bad_huge.png", b"\x89PNG\r\n\x1a\n" + chunk(
        b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)) + chunk(
        b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))


# ---- JPEG -----------------------------------------------------------------------

def photo_like(h, w):
    """Smooth gradients plus a few edges: compresses like a photo, small files."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 128 + 100 * np.sin(x / 5.0) * np.cos(y / 7.0)
    g = 255 * x / w
    b = np.where((x // 6 + y // 6) % 2 == 0, 40, 210)
    return np.clip(np.stack([r, g, b], 2), 0, 255).astype(np.uint8)


def jpeg_case(name, data, flags=cv2.IMREAD_COLOR):
    write(f"jpeg/{name}.jpg", data)
    dec = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    dec = dec[..., ::-1] if dec.ndim == 3 else dec[..., None]
    save(f"jpeg/{name}.npy", dec)
    return dec


def exif_app1(orientation, big_endian, extra_entry=False, ifd_offset=8):
    e = ">" if big_endian else "<"
    entries = []
    if extra_entry:
        entries.append(struct.pack(e + "HHII", 0x0100, 4, 1, 123))  # ImageWidth
    entries.append(struct.pack(e + "HHIHH", 0x0112, 3, 1, orientation, 0))
    ifd = struct.pack(e + "H", len(entries)) + b"".join(entries) + struct.pack(e + "I", 0)
    tiff = (b"MM" if big_endian else b"II") + struct.pack(e + "HI", 42, ifd_offset) + ifd
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def jpeg_goldens():
    img = photo_like(24, 32)
    bgr = np.ascontiguousarray(img[..., ::-1])
    base = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes()
    dec = jpeg_case("baseline", base)
    # what cv2.imencode makes of those pixels, for the encoder test
    write("jpeg/encode_q75.jpg", cv2.imencode(".jpg", dec[..., ::-1],
                                              [cv2.IMWRITE_JPEG_QUALITY, 75])[1].tobytes())
    prog = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 85,
                                      cv2.IMWRITE_JPEG_PROGRESSIVE, 1])[1].tobytes()
    jpeg_case("progressive", prog)
    grey = cv2.imencode(".jpg", img[..., 1])[1].tobytes()
    grey_px = jpeg_case("grey", grey, cv2.IMREAD_UNCHANGED)[..., 0]
    write("jpeg/encode_grey_q75.jpg", cv2.imencode(".jpg", grey_px,
                                                   [cv2.IMWRITE_JPEG_QUALITY, 75])[1].tobytes())
    # EXIF orientation: a non-square image so that 5-8 visibly transpose
    small = cv2.imencode(".jpg", bgr[:12, :20], [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()
    upright = cv2.imdecode(np.frombuffer(small, np.uint8), cv2.IMREAD_COLOR)
    for o in range(1, 9):
        data = small[:2] + exif_app1(o, big_endian=o % 2 == 0, extra_entry=o == 6) + small[2:]
        dec = jpeg_case(f"exif_{o}", data)
        assert (o == 1) == (dec.shape == upright.shape and (dec[..., ::-1] == upright).all())
    # an IFD offset far outside the segment: ignored, image stays as stored
    data = small[:2] + exif_app1(6, True, ifd_offset=0xFFFFFFF0) + small[2:]
    write("jpeg/exif_bad_offset.jpg", data)
    # CMYK (Adobe) JPEG, which libseg refuses
    buf = io.BytesIO()
    Image.new("CMYK", (8, 8), (10, 20, 30, 40)).save(buf, "JPEG")
    write("jpeg/cmyk.jpg", buf.getvalue())
    write("jpeg/bad_truncated.jpg", base[:len(base) // 2])
    sof = base.index(b"\xff\xc0")
    bad = bytearray(base)
    bad[sof + 4] = 12  # sample precision 12: not an 8-bit JPEG
    write("jpeg/bad_precision.jpg", bytes(bad))


# ---- resize, letterbox, to-NCHW --------------------------------------------------

def resize_goldens():
    u8 = RNG.integers(0, 256, (37, 53, 3), dtype=np.uint8)
    save("resize/u8_in.npy", u8)
    for h, w in [(20, 31), (50, 70), (74, 106), (18, 26), (37, 53), (5, 100)]:
        save(f"resize/u8_linear_{h}x{w}.npy", cv2.resize(u8, (w, h),
                                                         interpolation=cv2.INTER_LINEAR))
        near = cv2.resize(u8, (w, h), interpolation=cv2.INTER_NEAREST)
        t = torch.from_numpy(u8).permute(2, 0, 1)[None].float()
        tn = F.interpolate(t, size=(h, w), mode="nearest")[0].permute(1, 2, 0).numpy()
        assert (tn.astype(np.uint8) == near).all(), (h, w)
        save(f"resize/u8_nearest_{h}x{w}.npy", near)
    for c in (1, 4):
        img = RNG.integers(0, 256, (9, 14, c), dtype=np.uint8)
        save(f"resize/u8c{c}_in.npy", img)
        out = cv2.resize(img, (23, 5), interpolation=cv2.INTER_LINEAR)
        save(f"resize/u8c{c}_linear_5x23.npy", out.reshape(5, 23, c))
    f32 = RNG.random((23, 17, 3), dtype=np.float32)
    save("resize/f32_in.npy", f32)
    t = torch.from_numpy(f32).permute(2, 0, 1)[None].contiguous()  # NCHW, as models get it
    for h, w in [(10, 9), (40, 30), (23, 17), (46, 34), (7, 50)]:
        out = F.interpolate(t, size=(h, w), mode="bilinear", align_corners=False,
                            antialias=False)
        save(f"resize/f32_linear_{h}x{w}.npy", out[0].permute(1, 2, 0).numpy())


def ultralytics_letterbox(img, new_shape):
    shape = img.shape[:2]
    r = min(new_shape[0] / shape[0], new_shape[1] / shape[1])
    new_unpad = int(round(shape[1] * r)), int(round(shape[0] * r))
    dw, dh = (new_shape[1] - new_unpad[0]) / 2, (new_shape[0] - new_unpad[1]) / 2
    if shape[::-1] != new_unpad:
        img = cv2.resize(img, new_unpad, interpolation=cv2.INTER_LINEAR)
    top, bottom = int(round(dh - 0.1)), int(round(dh + 0.1))
    left, right = int(round(dw - 0.1)), int(round(dw + 0.1))
    img = cv2.copyMakeBorder(img, top, bottom, left, right, cv2.BORDER_CONSTANT,
                             value=(114, 114, 114))
    # i64, the gain as its IEEE double bits (.npy readers need not know f64)
    bits = int(np.array([r], np.float64).view(np.int64)[0])
    return img, np.array([bits, new_unpad[1], new_unpad[0], top, bottom, left, right], np.int64)


def letterbox_goldens():
    u8 = np.load(path("resize/u8_in.npy"))
    for name, src, size in [("wide", u8, (64, 64)), ("tall", u8.transpose(1, 0, 2), (48, 64)),
                            ("down", u8, (32, 24)), ("same", u8, (37, 53))]:
        src = np.ascontiguousarray(src)
        save(f"letterbox/{name}_in.npy", src)
        img, info = ultralytics_letterbox(src, size)
        save(f"letterbox/{name}_out.npy", img)
        save(f"letterbox/{name}_info.npy", info)


def photo_goldens():
    """The demo's real photograph: decode statistics and a 64x64 letterbox."""
    photo = os.path.join(os.path.dirname(OUT), "..", "..", "examples", "data",
                         "grace_hopper.jpg")
    rgb = cv2.imread(photo, cv2.IMREAD_COLOR)[..., ::-1]
    # per-channel sums and every 7th pixel of every 11th row: a fingerprint of all pixels
    save("photo/sums.npy", rgb.reshape(-1, 3).sum(0).astype(np.int64))
    save("photo/sample.npy", np.ascontiguousarray(rgb[::11, ::7]))
    img, info = ultralytics_letterbox(np.ascontiguousarray(rgb), (64, 64))
    save("photo/letterbox_64_out.npy", img)
    save("photo/letterbox_64_info.npy", info)


def nchw_goldens():
    img = RNG.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    save("nchw/in.npy", img)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    for name, src in [("rgb", img), ("bgr", img[..., ::-1])]:
        t = torch.from_numpy(np.ascontiguousarray(src)).permute(2, 0, 1).float().div(255)
        t = (t - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
        save(f"nchw/{name}.npy", t[None].numpy())


if __name__ == "__main__":
    png_goldens()
    jpeg_goldens()
    resize_goldens()
    letterbox_goldens()
    photo_goldens()
    nchw_goldens()
