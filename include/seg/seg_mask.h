/*
 * seg_mask.h: binary masks as COCO run-length encodings, contours and polygons,
 * connected components.
 *
 * Bitmaps: a bitmap is `h` rows of `w` bytes, row-major, row `y` starting at byte
 * `y * stride` (stride >= w). Functions that encode RLE require every byte to be 0 or 1;
 * contour and component functions treat any non-zero byte as foreground (as OpenCV).
 *
 * COCO RLE (seg_rle) follows pycocotools (common/maskApi.c): the same counts, strings,
 * areas, boxes, IoUs and merges. Runs are counted in column-major order and always start
 * with a run of zeros (so a mask whose first pixel is set has counts [0, ...]); counts
 * are 32-bit, so h * w must not exceed 2^32 - 1. Where pycocotools silently returns a
 * degenerate value (mismatched sizes, malformed strings, empty input, empty runs inside
 * a string's counts), libseg returns an error or the mask's true value instead;
 * docs/masks.md lists each case.
 *
 * Contours follow OpenCV's findContours (Suzuki-Abe border following) and approxPolyDP;
 * components follow connectedComponentsWithStats, with labels numbered in row-major
 * order of each component's first pixel.
 *
 * Threading: handles may move between threads; concurrent calls on one handle are safe
 * for every function taking `const`, seg_rle_string is the exception (see there).
 */
#ifndef SEG_MASK_H
#define SEG_MASK_H

#include "seg_common.h"
#include "seg_tensor.h"

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- COCO run-length encoding ------------------------------------------------------ */

/** A COCO RLE: height, width and run counts. Immutable except for a cached string. */
typedef struct seg_rle seg_rle;

/**
 * Encode a 0/1 bitmap (see the top of this file for the layout). The bitmap is read in
 * row order; no transposed copy is made. A byte other than 0 or 1 is
 * SEG_ERR_INVALID_ARGUMENT naming the first such pixel in row-major order. h and w must
 * be >= 1 (a zero-size image is SEG_ERR_INVALID_ARGUMENT); h * w > 2^32 - 1 is
 * SEG_ERR_LIMIT.
 */
SEG_API SEG_NODISCARD seg_status seg_rle_encode(const uint8_t *bitmap, int64_t h, int64_t w,
                                                size_t stride, seg_rle **out);

/** Encode a [H, W] tensor of dtype U8 or BOOL holding only 0 and 1 (as seg_rle_encode). */
SEG_API SEG_NODISCARD seg_status seg_rle_encode_tensor(const seg_tensor *mask, seg_rle **out);

/**
 * An RLE from explicit counts (pycocotools' "uncompressed RLE"). The counts are kept as
 * given, including zero-length runs; they must sum to h * w (else SEG_ERR_FORMAT, which
 * includes n == 0).
 */
SEG_API SEG_NODISCARD seg_status seg_rle_from_counts(int64_t h, int64_t w,
                                                     const uint32_t *counts, size_t n,
                                                     seg_rle **out);

/**
 * Decode a COCO compressed counts string of `len` bytes (it need not be NUL-terminated).
 * SEG_ERR_FORMAT, naming the byte offset, for a byte outside '0'..'o', a string that ends
 * inside a value, a value that does not fit 32 bits or is negative, or counts whose sum
 * differs from h * w.
 */
SEG_API SEG_NODISCARD seg_status seg_rle_from_string(int64_t h, int64_t w, const char *str,
                                                     size_t len, seg_rle **out);

/**
 * Rasterise a polygon given as COCO's flat list `xy` of `n_values` numbers
 * (x0, y0, x1, y1, ...), with (0, 0) the top-left corner of the first pixel, exactly as
 * pycocotools frPoly: a square [0,0, 0,9, 9,9, 9,0] covers 81 pixels. As in COCO, a list
 * of exactly four numbers is a box [x, y, w, h] (seg_rle_from_box). Fewer than 3 points,
 * an odd count, or a NaN, infinite or out-of-range (|v| > 2^24) coordinate is
 * SEG_ERR_INVALID_ARGUMENT; a boundary longer than 2^27 steps of 1/5 pixel (coordinates
 * far outside any real image) is SEG_ERR_LIMIT.
 */
SEG_API SEG_NODISCARD seg_status seg_rle_from_polygon(int64_t h, int64_t w, const double *xy,
                                                      size_t n_values, seg_rle **out);

/** Rasterise a box [x, y, width, height] (pycocotools frBbox: a 4-point polygon). */
SEG_API SEG_NODISCARD seg_status seg_rle_from_box(int64_t h, int64_t w, const double box[4],
                                                  seg_rle **out);

/** Free the RLE. NULL is a no-op. */
SEG_API void seg_rle_destroy(seg_rle *rle);

/** Image height and width of the mask (COCO "size" is [height, width]); 0 for NULL. */
SEG_API int64_t seg_rle_height(const seg_rle *rle);
SEG_API int64_t seg_rle_width(const seg_rle *rle);

/** The run counts (column-major, first run is zeros); borrowed, `*n` receives the number. */
SEG_API const uint32_t *seg_rle_counts(const seg_rle *rle, size_t *n);

/** Number of set pixels: the sum of the odd-index counts. */
SEG_API uint64_t seg_rle_area(const seg_rle *rle);

/** Bounding box [x, y, width, height] as pycocotools toBbox; all zeros for an empty mask. */
SEG_API void seg_rle_bbox(const seg_rle *rle, double bbox[4]);

/**
 * The COCO compressed counts string (pycocotools' "counts" bytes), NUL-terminated, with
 * its length in `*len` (may be NULL). Borrowed: valid until seg_rle_destroy. The first
 * call builds and caches it, so do not call this concurrently on one handle.
 * Example: the 2x2 mask [[0,1],[1,1]] has counts [1, 3] and the string "13".
 */
SEG_API SEG_NODISCARD seg_status seg_rle_string(seg_rle *rle, const char **str, size_t *len);

/** Decode into a caller bitmap of h rows, row `y` at byte y * stride (stride >= w): 0/1. */
SEG_API SEG_NODISCARD seg_status seg_rle_decode(const seg_rle *rle, uint8_t *bitmap,
                                                size_t stride);

/** Decode into a new U8 tensor [h, w] of 0/1. */
SEG_API SEG_NODISCARD seg_status seg_rle_decode_tensor(const seg_rle *rle, seg_tensor **out);

/** How seg_rle_merge combines masks. */
typedef enum seg_rle_merge_op {
    SEG_RLE_UNION = 0,
    SEG_RLE_INTERSECTION = 1
} seg_rle_merge_op;

/**
 * Union or intersection of `n` >= 1 RLEs of the same size (pycocotools merge). Counts are
 * combined run by run, never decoded. Sizes that differ are SEG_ERR_SHAPE naming the
 * first mismatch (pycocotools returns a 0x0 mask instead); n == 0 is
 * SEG_ERR_INVALID_ARGUMENT.
 */
SEG_API SEG_NODISCARD seg_status seg_rle_merge(const seg_rle *const *rles, size_t n,
                                               seg_rle_merge_op op, seg_rle **out);

/**
 * IoU of `m` detections against `n` ground truths (pycocotools iou): out[g * m + d].
 * `iscrowd` (n bytes, may be NULL for none) marks crowd ground truths, for which the
 * value is intersection / area(detection). Pairs whose boxes do not overlap are 0
 * without decoding. All masks must share one size, else SEG_ERR_SHAPE (pycocotools
 * writes -1 for such pairs). m or n may be 0; `out` holds m * n doubles.
 */
SEG_API SEG_NODISCARD seg_status seg_rle_iou(const seg_rle *const *dt, size_t m,
                                             const seg_rle *const *gt, size_t n,
                                             const uint8_t *iscrowd, double *out);

/* ---- Contours and polygons ----------------------------------------------------------- */

/** Which borders seg_contours_find returns; values equal OpenCV's RETR_* constants. */
typedef enum seg_contour_mode {
    SEG_CONTOUR_EXTERNAL = 0, /**< outer borders of top-level components only */
    SEG_CONTOUR_LIST = 1,     /**< every border, no hierarchy */
    SEG_CONTOUR_CCOMP = 2,    /**< two levels: outer borders, each with its holes */
    SEG_CONTOUR_TREE = 3      /**< the full nesting */
} seg_contour_mode;

/** Which border points are kept; values equal OpenCV's CHAIN_APPROX_* constants. */
typedef enum seg_contour_approx {
    SEG_CONTOUR_APPROX_NONE = 1,  /**< every border pixel */
    SEG_CONTOUR_APPROX_SIMPLE = 2 /**< only the ends of horizontal, vertical and diagonal runs */
} seg_contour_approx;

/** Where a pixel's coordinates point. */
typedef enum seg_coords {
    SEG_COORDS_PIXEL_CENTER = 0, /**< integer pixel indices, as OpenCV returns them */
    SEG_COORDS_PIXEL_CORNER = 1  /**< + 0.5, as detectron2 writes COCO polygons */
} seg_coords;

/** The borders of a bitmap, each a closed polygon, with their hierarchy. */
typedef struct seg_contours seg_contours;

/**
 * Trace the borders of the non-zero pixels of a bitmap with Suzuki-Abe border following
 * (8-connected foreground, 4-connected holes), as cv2.findContours(mode, approx): the same
 * contours, starting points, point order, contour order and hierarchy. h, w >= 1.
 */
SEG_API SEG_NODISCARD seg_status seg_contours_find(const uint8_t *bitmap, int64_t h,
                                                   int64_t w, size_t stride,
                                                   seg_contour_mode mode,
                                                   seg_contour_approx approx,
                                                   seg_contours **out);

/** Free the contours. NULL is a no-op. */
SEG_API void seg_contours_destroy(seg_contours *contours);

/** Number of contours, in OpenCV's order (0 for NULL). */
SEG_API size_t seg_contours_count(const seg_contours *contours);

/**
 * Points of contour `i` as x, y pairs of pixel indices (OpenCV's integers); borrowed.
 * `*n` receives the number of points. NULL (and *n = 0) when i is out of range.
 */
SEG_API const int32_t *seg_contours_points(const seg_contours *contours, size_t i, size_t *n);

/**
 * OpenCV's hierarchy for contour `i`: [next, previous, first child, parent], -1 for none.
 * SEG_ERR_INVALID_ARGUMENT when i is out of range.
 */
SEG_API SEG_NODISCARD seg_status seg_contours_hierarchy(const seg_contours *contours, size_t i,
                                                        int32_t out[4]);

/** True when contour `i` is a hole border (false when i is out of range). */
SEG_API bool seg_contours_is_hole(const seg_contours *contours, size_t i);

/**
 * Copy contour `i` as x, y doubles in the chosen convention into `xy`, which holds `cap`
 * doubles (at least twice the point count, else SEG_ERR_LIMIT); `*n` receives the
 * number of points.
 */
SEG_API SEG_NODISCARD seg_status seg_contours_polygon(const seg_contours *contours, size_t i,
                                                      seg_coords coords, double *xy,
                                                      size_t cap, size_t *n);

/**
 * Douglas-Peucker simplification of `n` points (x, y pairs) as cv2.approxPolyDP: for a
 * closed curve the split starts from OpenCV's approximate diameter and a final pass drops
 * nearly collinear points. `out` holds room for 2 * n doubles (it may equal `xy`);
 * `*n_out` receives the number of points kept. Coordinates are computed in double
 * precision (matching OpenCV exactly for integer points). epsilon must be >= 0 and
 * finite; a NaN or infinite coordinate is SEG_ERR_INVALID_ARGUMENT.
 */
SEG_API SEG_NODISCARD seg_status seg_polygon_simplify(const double *xy, size_t n,
                                                      double epsilon, bool closed,
                                                      double *out, size_t *n_out);

/* ---- Connected components -------------------------------------------------------------- */

/** Labels and statistics of the connected components of a bitmap. */
typedef struct seg_components seg_components;

/** Columns of seg_components_stats, as OpenCV's CC_STAT_*. */
typedef enum seg_component_stat {
    SEG_STAT_LEFT = 0,
    SEG_STAT_TOP = 1,
    SEG_STAT_WIDTH = 2,
    SEG_STAT_HEIGHT = 3,
    SEG_STAT_AREA = 4
} seg_component_stat;

/**
 * Label the non-zero pixels of a bitmap with `connectivity` 4 or 8 (0 means 8), as
 * cv2.connectedComponentsWithStats, with components numbered 1.. in row-major order of
 * their first pixel; label 0 is the background. Components with fewer than `min_area`
 * pixels are dropped (their pixels become background and the labels stay consecutive).
 * h, w >= 1; linear time.
 */
SEG_API SEG_NODISCARD seg_status seg_components_find(const uint8_t *bitmap, int64_t h,
                                                     int64_t w, size_t stride,
                                                     int connectivity, uint64_t min_area,
                                                     seg_components **out);

/** Free the components. NULL is a no-op. */
SEG_API void seg_components_destroy(seg_components *components);

/** Number of labels including the background (OpenCV's return value). */
SEG_API size_t seg_components_count(const seg_components *components);

/** The label image, h * w int32 in row-major order; borrowed. */
SEG_API const int32_t *seg_components_labels(const seg_components *components);

/**
 * Statistics, count * 5 values, row `k` for label k: LEFT, TOP, WIDTH, HEIGHT, AREA
 * (seg_component_stat). Row 0 describes the background pixels (all zeros if none).
 * Borrowed.
 */
SEG_API const int64_t *seg_components_stats(const seg_components *components);

/** Centroids, count * 2 doubles (x, y) per label, as OpenCV (NaN for an empty label). */
SEG_API const double *seg_components_centroids(const seg_components *components);

#ifdef __cplusplus
}
#endif

#endif /* SEG_MASK_H */
