"""seg_options and the params structs (plain C structs filled by *_init functions)."""
import ctypes
import enum

from ._lib import Handle, lib, new_handle, new_ptr


class Option(enum.IntEnum):
    THREADS = 1
    MAX_PIXELS = 2
    OPT_LEVEL = 3
    MAX_FILE_BYTES = 4
    PROFILE_NODES = 5
    PNG_PALETTE_INDICES = 6


class Options(Handle):
    """seg_options. Options(threads=2, max_pixels=10**6) sets keys by their lower-case
    Option names."""

    _destroy = "seg_options_destroy"

    def __init__(self, ptr=None, owner=None, keep=(), **values):
        if ptr is None:
            ptr = new_ptr(lib.seg_options_create)
        super().__init__(ptr, owner, keep)
        for name, value in values.items():
            self.set(Option[name.upper()], value)

    def set(self, key, value):
        lib.seg_options_set_int(self._ptr, int(key), int(value))

    def get(self, key):
        out = ctypes.c_int64()
        lib.seg_options_get_int(self._ptr, int(key), ctypes.byref(out))
        return out.value

    @staticmethod
    def default(key):
        out = ctypes.c_int64()
        lib.seg_options_get_int(None, int(key), ctypes.byref(out))
        return out.value


def options_arg(options):
    """None, an Options, or a dict of Options keywords -> (Options or None)."""
    if options is None or isinstance(options, Options):
        return options
    return Options(**options)


def new_options_handle(cls, create, *args, options=None, keep=()):
    """new_handle() for constructors taking `const seg_options *` before `out`."""
    opts = options_arg(options)
    return new_handle(cls, create, *args, opts, keep=keep)


# ---- params structs --------------------------------------------------------------

_i32, _i64, _u32 = ctypes.c_int32, ctypes.c_int64, ctypes.c_uint32
_f, _d, _enum = ctypes.c_float, ctypes.c_double, ctypes.c_int


def _struct(name, fields):
    return type(name, (ctypes.Structure,), {"_fields_": [("struct_size", _u32)] + fields})


Letterbox = _struct("Letterbox", [
    ("scale", _d), ("resized_h", _i32), ("resized_w", _i32), ("pad_top", _i32),
    ("pad_bottom", _i32), ("pad_left", _i32), ("pad_right", _i32)])
SemanticParams = _struct("SemanticParams", [
    ("out_height", _i64), ("out_width", _i64), ("crop_top", _i64), ("crop_left", _i64),
    ("crop_height", _i64), ("crop_width", _i64), ("resize", _enum), ("outputs", _u32),
    ("threshold", _f), ("label_dtype", _enum)])
InputGeometry = _struct("InputGeometry", [
    ("input_width", _i64), ("input_height", _i64), ("orig_width", _i64),
    ("orig_height", _i64), ("scale", _d), ("pad_left", _d), ("pad_top", _d)])
YoloParams = _struct("YoloParams", [
    ("conf_threshold", _f), ("iou_threshold", _d), ("max_det", _i64), ("max_nms", _i64),
    ("class_offset", _f), ("layout", _enum), ("masks", _enum), ("mask_threshold", _enum),
    ("keep_empty_masks", _i32)])
PasteParams = _struct("PasteParams", [
    ("image_width", _i64), ("image_height", _i64), ("mode", _enum), ("threshold", _f)])


class PanopticIdOptions(ctypes.Structure):
    _fields_ = [("scheme", _enum), ("label_divisor", _i32), ("void_label", _i32)]


SegmentInfo = _struct("SegmentInfo", [
    ("id", _i32), ("category_id", _i32), ("is_thing", _i32), ("area", _i64),
    ("bbox", _i64 * 4), ("score", _f)])
PanopticFpnParams = _struct("PanopticFpnParams", [
    ("score_threshold", _f), ("overlap_threshold", _d), ("stuff_area", _i64),
    ("things_label", _i32), ("ids", PanopticIdOptions)])
PanopticDeeplabParams = _struct("PanopticDeeplabParams", [
    ("center_threshold", _f), ("nms_kernel", _i32), ("top_k", _i32), ("stuff_area", _i64),
    ("ids", PanopticIdOptions)])
PanopticMask2FormerParams = _struct("PanopticMask2FormerParams", [
    ("object_mask_threshold", _f), ("overlap_threshold", _d), ("out_height", _i64),
    ("out_width", _i64), ("ids", PanopticIdOptions)])


def sized(struct_type):
    s = struct_type()
    s.struct_size = ctypes.sizeof(struct_type)
    return s


def params(struct_type, init, values):
    """A params struct with the library's defaults (`init`, the C *_init function),
    then `values` (field name -> value; a nested struct takes a dict) applied."""
    p = sized(struct_type)
    if init is not None:
        init(ctypes.byref(p))
    names = [f[0] for f in struct_type._fields_ if f[0] != "struct_size"]
    for key, value in values.items():
        if key not in names:
            raise TypeError("unknown parameter %r for %s; expected one of: %s"
                            % (key, struct_type.__name__, ", ".join(names)))
        current = getattr(p, key)
        if isinstance(current, ctypes.Structure):
            for sub, v in dict(value).items():
                setattr(current, sub, int(v))
        else:
            setattr(p, key, value)
    return p


def struct_dict(s):
    """A params or info struct as a dict (nested structs and arrays as dicts/lists)."""
    out = {}
    for name, _ in s._fields_:
        if name == "struct_size":
            continue
        v = getattr(s, name)
        if isinstance(v, ctypes.Structure):
            v = struct_dict(v)
        elif isinstance(v, ctypes.Array):
            v = list(v)
        out[name] = v
    return out
