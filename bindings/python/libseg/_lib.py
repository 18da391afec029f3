"""Loading libseg.so.0, the table of C signatures, errors and handle ownership.

Every C function of the public API is declared once, in SIGNATURES below; the rest of
the package calls them through `lib`. A function returning seg_status raises Error on
failure, so wrappers never test status codes themselves.
"""
import ctypes
import enum
import os

#: The C API version this binding was written against (SEG_VERSION_* in seg_common.h).
BINDING_VERSION = (0, 1, 0)


class Status(enum.IntEnum):
    OK = 0
    INVALID_ARGUMENT = 1
    OUT_OF_MEMORY = 2
    IO = 3
    FORMAT = 4
    UNSUPPORTED = 5
    LIMIT = 6
    SHAPE = 7
    NOT_FOUND = 8
    VERSION = 9
    INTERNAL = 10


class Error(Exception):
    """A libseg call failed: `status` is the seg_status code (a Status when known),
    `message` the library's detail (seg_last_error) or the binding's own."""

    def __init__(self, status, message):
        try:
            status = Status(status)
        except ValueError:
            pass  # codes the binding does not know yet are still failures
        self.status = status
        self.message = message
        name = status.name.lower() if isinstance(status, Status) else "status %d" % status
        super().__init__("%s: %s" % (name, message))


class VersionError(Error, ImportError):
    """The loaded libseg has a major version this binding cannot use."""

    def __init__(self, message):
        Error.__init__(self, Status.VERSION, message)


# One line per C function: name, result, arguments. Types:
#   S seg_status (raises Error unless SEG_OK)   v void        p any pointer
#   s const char * argument                      str const char * result (may be NULL)
#   i int or enum   u unsigned   z size_t   i64 int64_t   u64 uint64_t
#   f float   d double   b bool   del seg_deleter
SIGNATURES = """
seg_version_number                    u
seg_version_string                    str
seg_status_string                     str    i
seg_last_error                        str
seg_check_version                     S      u
seg_dtype_size                        z      i
seg_dtype_name                        str    i
seg_tensor_create                     S      i i p p
seg_tensor_wrap                       S      i i p p z p
seg_tensor_wrap_with_deleter          S      i i p p z del p p
seg_tensor_clone                      S      p p
seg_tensor_convert                    S      p i p
seg_tensor_destroy                    v      p
seg_tensor_dtype                      i      p
seg_tensor_rank                       i      p
seg_tensor_dims                       p      p
seg_tensor_dim                        i64    p i
seg_tensor_count                      z      p
seg_tensor_nbytes                     z      p
seg_tensor_data                       p      p
seg_tensor_const_data                 p      p
seg_f16_to_f32                        v      p p z
seg_f32_to_f16                        v      p p z
seg_options_create                    S      p
seg_options_destroy                   v      p
seg_options_set_int                   S      p i i64
seg_options_get_int                   S      p i p
seg_npy_read_file                     S      s p p
seg_npy_read_memory                   S      p z p p
seg_npy_write_file                    S      p s
seg_npy_encode                        S      p p
seg_image_decode_memory               S      p z p p
seg_image_decode_file                 S      s p p
seg_image_encode_png                  S      p p
seg_image_write_png                   S      p s
seg_image_encode_png_indexed          S      p p z p
seg_image_write_png_indexed           S      p p z s
seg_image_encode_jpeg                 S      p i p
seg_image_write_jpeg                  S      p i s
seg_image_resize                      S      p i64 i64 i p
seg_image_letterbox                   S      p i64 i64 d p p
seg_image_to_nchw                     S      p f p p i p
seg_model_load_file                   S      s p p
seg_model_load_memory                 S      p z p p
seg_model_load_memory_borrowed        S      p z p p
seg_model_destroy                     v      p
seg_model_input_count                 z      p
seg_model_output_count                z      p
seg_model_input_name                  str    p z
seg_model_output_name                 str    p z
seg_model_input_info                  S      p z p p p
seg_model_output_info                 S      p z p p p
seg_model_input_dim_name              str    p z i
seg_model_find_input                  S      p s p
seg_model_find_output                 S      p s p
seg_model_opset                       i64    p
seg_model_node_count                  z      p
seg_model_node_op_type                str    p z
seg_model_parameter_count             u64    p
seg_session_create                    S      p p p
seg_session_destroy                   v      p
seg_session_run                       S      p p z
seg_session_run_named                 S      p p p z
seg_session_output                    p      p z
seg_session_prepare                   S      p p z
seg_session_arena_bytes               z      p
seg_session_conv_flops                u64    p
seg_session_node_count                z      p
seg_session_node_op_type              str    p z
seg_session_node_name                 str    p z
seg_session_node_stat                 S      p z i p
seg_session_run_ns                    u64    p
seg_profile_load_file                 S      s p
seg_profile_load_memory               S      p z p
seg_profile_destroy                   v      p
seg_profile_task                      i      p
seg_profile_class_count               z      p
seg_profile_class_name                str    p z
seg_profile_color                     v      p z p
seg_run_image                         S      p p p p p
seg_result_destroy                    v      p
seg_result_task                       i      p
seg_result_semantic                   p      p
seg_result_instances                  p      p
seg_result_panoptic                   p      p
seg_semantic_params_init              v      p
seg_semantic_from_logits              S      p p p
seg_semantic_destroy                  v      p
seg_semantic_labels                   p      p
seg_semantic_probabilities            p      p
seg_semantic_confidence               p      p
seg_semantic_num_classes              z      p
seg_semantic_areas                    p      p
seg_semantic_set_class_name           S      p z s
seg_semantic_class_name               str    p z
seg_semantic_set_palette              S      p p z
seg_semantic_color                    v      p z p
seg_palette_voc                       v      z p
seg_semantic_write_png                S      p s
seg_semantic_overlay                  S      p p f p
seg_input_geometry_init               v      p i64 i64 i64 i64
seg_yolo_params_init                  v      p
seg_instances_from_yolo               S      p p p p p
seg_paste_params_init                 v      p
seg_instances_from_mask_probs         S      p p p p p p
seg_instances_destroy                 v      p
seg_instances_count                   z      p
seg_instances_class                   i64    p z
seg_instances_score                   f      p z
seg_instances_track_id                i64    p z
seg_instances_box                     S      p z p
seg_instances_has_masks               i      p
seg_instances_mask_size               v      p p p
seg_instances_mask_crop               S      p z p p
seg_instances_mask                    S      p z p
seg_instances_mask_rle                S      p z p
seg_panoptic_fpn_params_init          v      p
seg_panoptic_from_fpn                 S      p p p p
seg_panoptic_deeplab_params_init      v      p
seg_panoptic_from_deeplab             S      p p p p z p p
seg_panoptic_mask2former_params_init  v      p
seg_panoptic_from_mask2former         S      p p p z p p
seg_panoptic_destroy                  v      p
seg_panoptic_id_map                   p      p
seg_panoptic_count                    z      p
seg_panoptic_segment                  S      p z p
seg_panoptic_write_png                S      p s
seg_panoptic_write_json               S      p i64 s s
seg_panoptic_overlay                  S      p p f p
seg_rle_encode                        S      p i64 i64 z p
seg_rle_encode_tensor                 S      p p
seg_rle_from_counts                   S      i64 i64 p z p
seg_rle_from_string                   S      i64 i64 p z p
seg_rle_from_polygon                  S      i64 i64 p z p
seg_rle_from_box                      S      i64 i64 p p
seg_rle_destroy                       v      p
seg_rle_height                        i64    p
seg_rle_width                         i64    p
seg_rle_counts                        p      p p
seg_rle_area                          u64    p
seg_rle_bbox                          v      p p
seg_rle_string                        S      p p p
seg_rle_decode                        S      p p z
seg_rle_decode_tensor                 S      p p
seg_rle_merge                         S      p z i p
seg_rle_iou                           S      p z p z p p
seg_contours_find                     S      p i64 i64 z i i p
seg_contours_destroy                  v      p
seg_contours_count                    z      p
seg_contours_points                   p      p z p
seg_contours_hierarchy                S      p z p
seg_contours_is_hole                  b      p z
seg_contours_polygon                  S      p z i p z p
seg_polygon_simplify                  S      p z d b p p
seg_components_find                   S      p i64 i64 z i u64 p
seg_components_destroy                v      p
seg_components_count                  z      p
seg_components_labels                 p      p
seg_components_stats                  p      p
seg_components_centroids              p      p
seg_confusion_create                  S      i64 i64 p
seg_confusion_destroy                 v      p
seg_confusion_add                     S      p p p
seg_confusion_merge                   S      p p
seg_confusion_reset                   v      p
seg_confusion_set_evaluated           S      p i64 i
seg_confusion_classes                 i64    p
seg_confusion_count                   S      p i64 i64 p
seg_confusion_class_iou               S      p i i64 p
seg_confusion_miou                    S      p i p
seg_confusion_fwiou                   S      p p
seg_confusion_pixel_accuracy          S      p p
seg_confusion_class_accuracy          S      p i64 p
seg_confusion_mean_accuracy           S      p p
seg_confusion_class_dice              S      p i64 p
seg_confusion_mean_dice               S      p p
seg_pq_create                         S      p
seg_pq_destroy                        v      p
seg_pq_add_category                   S      p i64 i s
seg_pq_add_image                      S      p p p p p
seg_pq_evaluate_files                 S      s s s s p p
seg_pq_average                        S      p i p p
seg_pq_category_count                 z      p
seg_pq_category                       S      p z p p p p p
seg_coco_eval_files                   S      s s p p
seg_coco_eval_memory                  S      p z p z p p
seg_coco_eval_destroy                 v      p
seg_coco_eval_stat                    S      p i p
seg_coco_eval_category_count          z      p
seg_coco_eval_category                S      p z p p p
seg_sequence_create                   S      p p p p
seg_sequence_destroy                  v      p
seg_sequence_set_double               S      p i d
seg_sequence_set_int                  S      p i i64
seg_sequence_push                     S      p p p
seg_sequence_reset                    v      p
seg_sequence_frame_count              i64    p
"""

#: seg_deleter: void (*)(void *data, void *user_data)
DELETER = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)

_TYPES = {
    "S": ctypes.c_int, "v": None, "p": ctypes.c_void_p, "s": ctypes.c_char_p,
    "str": ctypes.c_char_p, "i": ctypes.c_int, "u": ctypes.c_uint, "z": ctypes.c_size_t,
    "i64": ctypes.c_int64, "u64": ctypes.c_uint64, "f": ctypes.c_float,
    "d": ctypes.c_double, "b": ctypes.c_bool, "del": DELETER,
}


def parse_signatures(text=SIGNATURES):
    """{name: (result token, [argument tokens])} from a signature table."""
    table = {}
    for line in text.strip().splitlines():
        name, result, *args = line.split()
        table[name] = (result, args)
    return table


def _raise_on_failure(status, func, args):
    if status != 0:
        detail = lib.seg_last_error()
        raise Error(status, detail.decode("utf-8", "replace") if detail else "")
    return status


def _bind(cdll, table):
    for name, (result, args) in table.items():
        fn = getattr(cdll, name)
        fn.restype = _TYPES[result]
        fn.argtypes = [_TYPES[a] for a in args]
        if result == "S":
            fn.errcheck = _raise_on_failure


def _candidates():
    env = os.environ.get("LIBSEG_LIBRARY")
    if env:
        return [env]  # an explicit choice is never silently replaced by another copy
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libseg.so.0")
    return [here] if os.path.exists(here) else ["libseg.so.0"]


def load_library():
    path = _candidates()[0]
    try:
        return ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(
            "libseg: cannot load %s (%s); set LIBSEG_LIBRARY to the path of libseg.so.0"
            % (path, e)) from e


def check_version(version_number, check=None):
    """Refuse a library whose major version differs from BINDING_VERSION's.

    `version_number` is what seg_version_number() returned; `check` (optional) is
    seg_check_version, which also refuses a library older than the binding."""
    major, minor, patch = version_number // 10000, version_number // 100 % 100, \
        version_number % 100
    want = BINDING_VERSION[0] * 10000 + BINDING_VERSION[1] * 100 + BINDING_VERSION[2]
    if major != BINDING_VERSION[0]:
        raise VersionError(
            "libseg %d.%d.%d is loaded but this binding needs major version %d "
            "(written for %d.%d.%d); install a matching libseg or binding"
            % ((major, minor, patch, BINDING_VERSION[0]) + BINDING_VERSION))
    if check is not None:
        try:
            check(want)
        except Error as e:
            raise VersionError("libseg %d.%d.%d refuses binding version %d.%d.%d: %s"
                               % ((major, minor, patch) + BINDING_VERSION + (e.message,)))
    return major, minor, patch


lib = load_library()
_bind(lib, parse_signatures())
LIBRARY_VERSION = check_version(lib.seg_version_number(), lib.seg_check_version)


def text(raw):
    """A C string result as str (None stays None)."""
    return None if raw is None else raw.decode("utf-8")


class _Ref:
    """Owns one C pointer: calls `destroy` on it exactly once, when the last Python
    object needing it (a handle, a NumPy view, a borrowed child) goes away. `keep`
    holds what the pointer itself depends on (a model for a session, a buffer).

    A borrowed pointer has no `destroy` and its owner's _Ref as `parent`. A `volatile`
    one (a sequence's frame result) is expired by its owner before the C memory is
    reused; NumPy arrays of volatile memory are therefore copies, never views."""

    __slots__ = ("ptr", "parent", "volatile", "_destroy", "_keep", "__weakref__")

    def __init__(self, ptr, destroy, keep=(), parent=None, volatile=False):
        self.ptr = ptr
        self.parent = parent
        self.volatile = volatile or (parent is not None and parent.volatile)
        self._destroy = destroy
        self._keep = keep

    def live_ptr(self):
        """The pointer, or None when it or anything it is borrowed from is gone."""
        ref = self
        while ref is not None:
            if ref.ptr is None:
                return None
            ref = ref.parent
        return self.ptr

    def expire(self):
        """Forget a borrowed pointer whose memory its owner is about to reuse."""
        self.ptr = None

    def release(self):
        ptr, self.ptr = self.ptr, None
        if ptr and self._destroy is not None:
            self._destroy(ptr)

    __del__ = release


class Handle:
    """Base of every object wrapping a C handle. `close()` (or leaving a `with`
    block) gives it up; memory still used by NumPy views or borrowed children is freed
    when they go too. Using a closed handle raises Error(INVALID_ARGUMENT)."""

    _destroy = None  # name of the C destructor; None for borrowed-only types

    def __init__(self, ptr, owner=None, keep=(), volatile=False):
        """`owner`: the handle this one is borrowed from (nothing to destroy)."""
        if owner is not None:
            self._ref = _Ref(ptr, None, tuple(keep), owner._ref, volatile)
        else:
            destroy = getattr(lib, self._destroy) if self._destroy else None
            self._ref = _Ref(ptr, destroy, tuple(keep), None, volatile)

    @property
    def _ptr(self):
        ref = self.__dict__.get("_ref")
        ptr = None if ref is None else ref.live_ptr()
        if ptr is None:
            raise Error(Status.INVALID_ARGUMENT, "%s is closed%s" % (
                type(self).__name__, "" if ref is None or not ref.volatile else
                " (a sequence frame is valid until the next push, reset or close)"))
        return ptr

    # ctypes passes a handle argument as its pointer, and the argument tuple keeps the
    # handle (and so its memory) alive for the duration of the call.
    _as_parameter_ = _ptr

    def close(self):
        self._ref = None

    @property
    def closed(self):
        ref = self.__dict__.get("_ref")
        return ref is None or ref.live_ptr() is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def new_ptr(create, *args):
    """Call a C function whose last argument is `T **out`; the pointer it stored."""
    out = ctypes.c_void_p()
    create(*args, ctypes.byref(out))
    return out.value


def new_handle(cls, create, *args, keep=()):
    """Call a C constructor whose last argument is `T **out` and wrap the result."""
    return cls(new_ptr(create, *args), keep=keep)


def as_bytes(data):
    """A str as UTF-8, anything bytes-like as bytes."""
    return data.encode() if isinstance(data, str) else bytes(data)


def data_ptr(array):
    """The address of a NumPy array's elements; None when it has none (C takes NULL
    with a zero count)."""
    return array.ctypes.data if array.size else None
