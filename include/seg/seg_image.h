/*
 * seg_image.h: decoding and encoding PNG and JPEG, and the pre-processing that turns a
 * decoded image into a network input (resize, letterbox, HWC u8 -> NCHW f32).
 *
 * Images are tensors of rank 3, [H, W, C], in C order ("HWC", interleaved channels):
 * C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. Decoders give dtype u8, or u16 for
 * 16-bit PNG (host byte order). Encoders and pre-processing also accept a rank-2
 * [H, W] tensor as a single-channel image where noted.
 *
 * Which reference each function matches (OpenCV or PyTorch) and by how much is
 * written in docs/images.md.
 *
 * Threading: every function here is reentrant; none keeps state between calls.
 */
#ifndef SEG_IMAGE_H
#define SEG_IMAGE_H

#include "seg_common.h"
#include "seg_options.h"
#include "seg_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Decoding ----------------------------------------------------------- */

/**
 * Decode a PNG or JPEG image held in memory. The format is recognised by its first
 * bytes, not by a name.
 *
 * PNG: every colour type and bit depth, interlaced or not. Palette images become RGB,
 * or RGBA when they carry a tRNS chunk (with SEG_OPT_PNG_PALETTE_INDICES set: their
 * indices, u8 [H, W, 1], 1- to 4-bit indices unpacked to bytes); grey or RGB images with a tRNS chunk gain an
 * alpha channel; 1-, 2- and 4-bit grey are scaled to 8 bits; 16-bit images give u16.
 * JPEG: baseline and progressive, 3-component (RGB out) and greyscale (C = 1); the
 * EXIF Orientation tag (1-8) of an APP1 segment is applied, so the result is upright
 * as a viewer shows it. CMYK/YCCK JPEGs are SEG_ERR_UNSUPPORTED.
 *
 * `opts` may be NULL. SEG_OPT_MAX_PIXELS (default 100,000,000) bounds width x height;
 * larger images are refused with SEG_ERR_LIMIT before any pixel memory is allocated.
 *
 * Errors: SEG_ERR_FORMAT for empty, truncated or corrupt data (the message gives the
 * decoder's reason); SEG_ERR_UNSUPPORTED for data that is neither PNG nor JPEG, or
 * an unsupported JPEG colour space; SEG_ERR_LIMIT; SEG_ERR_OUT_OF_MEMORY.
 * On success `*out` is a new owned tensor [H, W, C] the caller destroys.
 */
SEG_API SEG_NODISCARD seg_status seg_image_decode_memory(const void *data, size_t size,
                                                         const seg_options *opts,
                                                         seg_tensor **out);

/**
 * seg_image_decode_memory() on the contents of the file at `path`. Files larger than
 * SEG_OPT_MAX_FILE_BYTES are SEG_ERR_LIMIT; a file that cannot be read is SEG_ERR_IO.
 * Error messages start with the path.
 */
SEG_API SEG_NODISCARD seg_status seg_image_decode_file(const char *path,
                                                       const seg_options *opts,
                                                       seg_tensor **out);

/* ---- Encoding ----------------------------------------------------------- */

/**
 * Encode `hwc` as a PNG: dtype u8 (8-bit) or u16 (16-bit), shape [H, W, C] with
 * C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA, or [H, W] (grey). H and W must be in
 * 1..2^31-1. Non-interlaced, default zlib level.
 * On success `*out` is a new 1-D u8 tensor holding the file's bytes.
 * Errors: SEG_ERR_INVALID_ARGUMENT (NULL), SEG_ERR_SHAPE (dtype, rank, channels or
 * an empty image), SEG_ERR_OUT_OF_MEMORY.
 */
SEG_API SEG_NODISCARD seg_status seg_image_encode_png(const seg_tensor *hwc, seg_tensor **out);

/** seg_image_encode_png() written to `path`. The file appears complete or not at all
 *  (written under a temporary name, then renamed); SEG_ERR_IO if it cannot be. */
SEG_API SEG_NODISCARD seg_status seg_image_write_png(const seg_tensor *hwc, const char *path);

/**
 * Encode a label map as an 8-bit palette PNG: `labels` is u8 [H, W] (or [H, W, 1]),
 * each value an index into `palette_rgb`, which holds `n_colors` (1..256) RGB
 * triplets. Every label must be < n_colors (SEG_ERR_INVALID_ARGUMENT names the first
 * one that is not and where). The palette is stored as given; readers that ignore it
 * see the indices, which is how label-map datasets (VOC, ADE20K) store them.
 * On success `*out` is a new 1-D u8 tensor holding the file's bytes.
 */
SEG_API SEG_NODISCARD seg_status seg_image_encode_png_indexed(const seg_tensor *labels,
                                                              const uint8_t *palette_rgb,
                                                              size_t n_colors,
                                                              seg_tensor **out);

/** seg_image_encode_png_indexed() written atomically to `path`. */
SEG_API SEG_NODISCARD seg_status seg_image_write_png_indexed(const seg_tensor *labels,
                                                             const uint8_t *palette_rgb,
                                                             size_t n_colors,
                                                             const char *path);

/**
 * Encode `hwc` as a baseline JPEG (4:2:0 chroma subsampling for colour, the libjpeg
 * defaults) with `quality` in 1..100. `hwc` is u8 [H, W, 1] or [H, W] (grey) or
 * [H, W, 3] (RGB); alpha channels are not accepted (SEG_ERR_SHAPE). H and W must be
 * in 1..65500 (the format's limit).
 * On success `*out` is a new 1-D u8 tensor holding the file's bytes.
 */
SEG_API SEG_NODISCARD seg_status seg_image_encode_jpeg(const seg_tensor *hwc, int quality,
                                                       seg_tensor **out);

/** seg_image_encode_jpeg() written atomically to `path`. */
SEG_API SEG_NODISCARD seg_status seg_image_write_jpeg(const seg_tensor *hwc, int quality,
                                                      const char *path);

/* ---- Pre-processing ----------------------------------------------------- */

/** Interpolation for seg_image_resize(). Values are explicit and only appended. */
typedef enum seg_interp {
    /** Nearest neighbour: source index floor(dst * in / out) (float scale), clamped
     *  to in - 1; PyTorch 'nearest' and OpenCV INTER_NEAREST. */
    SEG_INTERP_NEAREST = 0,
    /** Bilinear with half-pixel centres (align_corners=False), no antialiasing.
     *  u8: OpenCV cv2.resize INTER_LINEAR with its 11-bit fixed-point weights;
     *  f32: PyTorch F.interpolate(mode='bilinear', align_corners=False). */
    SEG_INTERP_BILINEAR = 1
} seg_interp;

/**
 * Resize an image [H, W, C] (or [H, W]) to out_h x out_w (each >= 1) keeping the
 * rank and channels. Bilinear takes u8 or f32; nearest takes any dtype.
 * On success `*out` is a new owned tensor.
 * Errors: SEG_ERR_INVALID_ARGUMENT (NULL, sizes < 1, unknown interp), SEG_ERR_SHAPE
 * (rank, dtype or an empty input), SEG_ERR_LIMIT (output size overflows).
 */
SEG_API SEG_NODISCARD seg_status seg_image_resize(const seg_tensor *image, int64_t out_h,
                                                  int64_t out_w, seg_interp interp,
                                                  seg_tensor **out);

/**
 * Where a letterboxed image came from: fill `struct_size` with sizeof(seg_letterbox)
 * before the call; the library writes only the fields that fit in that size, so
 * the struct may grow at its end in later versions.
 *
 * A point (x, y) in the letterboxed image maps back to the original image as
 * ((x - pad_left) / scale, (y - pad_top) / scale).
 */
typedef struct seg_letterbox {
    uint32_t struct_size;
    double scale;        /**< resize gain r = min(out_h / H, out_w / W) */
    int32_t resized_h;   /**< round(H * r), half to even */
    int32_t resized_w;   /**< round(W * r), half to even */
    int32_t pad_top;     /**< rows of padding above the image */
    int32_t pad_bottom;
    int32_t pad_left;    /**< columns of padding left of the image */
    int32_t pad_right;
} seg_letterbox;

/**
 * Letterbox an image [H, W, C] (u8 or f32) into out_h x out_w the way ultralytics'
 * LetterBox (auto=False, scaleup=True) does: scale by r = min(out_h / H, out_w / W)
 * with bilinear resize (as seg_image_resize), centre the result, and fill the
 * border with `pad_value` (114 in ultralytics) in every channel. Padding is split
 * top = round(dh - 0.1), bottom = round(dh + 0.1) with dh = (out_h - resized_h) / 2,
 * and likewise left/right.
 *
 * `info` may be NULL; otherwise its struct_size must be at least
 * offsetof(seg_letterbox, scale) + sizeof(double) (SEG_ERR_INVALID_ARGUMENT if not).
 * On success `*out` is a new owned tensor [out_h, out_w, C] and `*info` is filled.
 */
SEG_API SEG_NODISCARD seg_status seg_image_letterbox(const seg_tensor *image, int64_t out_h,
                                                     int64_t out_w, double pad_value,
                                                     seg_letterbox *info, seg_tensor **out);

/** Channel order of the network input made by seg_image_to_nchw(). */
typedef enum seg_channel_order {
    SEG_CHANNELS_RGB = 0, /**< keep the image's order */
    SEG_CHANNELS_BGR = 1  /**< reverse the first three channels (OpenCV-trained models) */
} seg_channel_order;

/**
 * Turn an image [H, W, C] (u8 or f32; or [H, W] as C = 1) into a network input
 * [1, C, H, W] f32:  out[c] = (in[c'] * scale - mean[c]) / std[c], evaluated in
 * float, where c' is c or, with SEG_CHANNELS_BGR, its mirror among the first three
 * channels (C must then be >= 3). `mean` and `std` hold C values each, indexed in
 * the output's order; NULL means all 0 and all 1. A typical ImageNet model takes
 * scale 1/255, mean {0.485, 0.456, 0.406}, std {0.229, 0.224, 0.225}.
 * Errors: SEG_ERR_INVALID_ARGUMENT (NULL image/out, a std of 0 or not finite,
 * non-finite scale), SEG_ERR_SHAPE (rank, dtype, channels for BGR).
 */
SEG_API SEG_NODISCARD seg_status seg_image_to_nchw(const seg_tensor *image, float scale,
                                                   const float *mean, const float *std,
                                                   seg_channel_order order, seg_tensor **out);

#ifdef __cplusplus
}
#endif

#endif /* SEG_IMAGE_H */
