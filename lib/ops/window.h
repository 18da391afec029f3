/*
 * Sliding-window geometry shared by Conv, ConvTranspose, ConvInteger, QLinearConv and
 * the pools, and the im2col / col2im transforms built on it.
 *
 * A window relates an "image" (the tensor the kernel taps) to a "grid" (one point per
 * window position): grid point o of spatial axis a taps image positions
 *     o * stride[a] - pad0[a] + t * dilation[a],   t = 0 .. kernel[a] - 1.
 * For Conv and the pools the image is the input and the grid the output; for
 * ConvTranspose it is the other way round. Tensors with 1 or 2 spatial axes are
 * handled as 3-D ones with leading unit axes, so every kernel has one code path.
 */
#ifndef SEGI_OPS_WINDOW_H
#define SEGI_OPS_WINDOW_H

#include "ops/checks.h"

#include <stdbool.h>

#define SEGI_WIN_AXES 3

typedef struct segi_window {
    int nd;                          /* spatial axes of the tensor, 1..3 */
    int64_t image[SEGI_WIN_AXES];    /* padded to 3 axes with leading 1s */
    int64_t grid[SEGI_WIN_AXES];
    int64_t kernel[SEGI_WIN_AXES];
    int64_t stride[SEGI_WIN_AXES];
    int64_t dilation[SEGI_WIN_AXES];
    int64_t pad0[SEGI_WIN_AXES];     /* padding before / after each image axis */
    int64_t pad1[SEGI_WIN_AXES];
} segi_window;

typedef enum segi_auto_pad {
    SEGI_PAD_NOTSET,
    SEGI_PAD_SAME_UPPER,
    SEGI_PAD_SAME_LOWER,
    SEGI_PAD_VALID
} segi_auto_pad;

/*
 * Read kernel_shape, strides, dilations, pads and auto_pad for `nd` spatial axes and
 * check them. `kernel` is the kernel size taken from the weights (NULL for the pools,
 * which then require kernel_shape). Fails naming the node and attribute.
 */
seg_status segi_window_attrs(const segi_op_ctx *ctx, int nd, const int64_t *kernel,
                             segi_window *w, segi_auto_pad *auto_pad);

/*
 * Forward geometry (Conv, pools): set image = `in_spatial`, derive the grid size and,
 * for SAME_UPPER / SAME_LOWER / VALID, the pads. `ceil_mode` rounds the grid up as
 * MaxPool and AveragePool define it.
 */
seg_status segi_window_forward(const segi_op_ctx *ctx, const int64_t *in_spatial,
                               segi_auto_pad auto_pad, bool ceil_mode, segi_window *w);

/* Conv-style operators (Conv, ConvInteger, QLinearConv): x [N, C, spatial...],
 * w [M, C / group, kernel...]. */
typedef struct segi_conv_shape {
    segi_window w;
    int64_t n, c, m, group;
    bool pointwise;   /* 1x1 kernel, stride 1, no padding: x is its own im2col */
} segi_conv_shape;

/* Check ranks, group and channels, read the window attributes, derive the output. */
seg_status segi_conv_shape_make(const segi_op_ctx *ctx, const seg_tensor *x,
                                const seg_tensor *w, segi_conv_shape *s);

/* Output dims [N, M, grid...] into dims (rank nd + 2). */
void segi_conv_out_dims(const segi_conv_shape *s, int64_t *dims);

/* Fail with SEG_ERR_LIMIT when an image, grid or kernel exceeds SEGI_WIN_MAX_SIZE. */
seg_status segi_window_check(const segi_op_ctx *ctx, const segi_window *w);

/* Product of the three image / grid / kernel sizes. */
int64_t segi_window_image_size(const segi_window *w);
int64_t segi_window_grid_size(const segi_window *w);
int64_t segi_window_kernel_size(const segi_window *w);

/* The `nd` real grid sizes (the last nd entries of w->grid). */
const int64_t *segi_window_grid_dims(const segi_window *w);

/* The grid points o in [lo, hi) of axis `a` whose tap t lands inside the image. */
void segi_window_taps(const segi_window *w, int a, int64_t t, int64_t *lo, int64_t *hi);

/*
 * im2col of grid rows [row0, row0 + nrows), a grid row being the grid[2] points that
 * share their first two grid coordinates: image [channels, image...] -> columns
 * [channels * kernel size, nrows * grid[2]]; taps outside the image read as 0.
 * Elements are `elem` (4 or 8) bytes. Tiling by rows bounds the column buffer, which
 * for a whole large image would be kernel-size times the input.
 */
void segi_im2col(const void *image, int64_t channels, const segi_window *w, size_t elem,
                 int64_t row0, int64_t nrows, void *cols);

/* Grid rows per im2col tile whose columns (`rows` of them) fit in `budget` bytes:
 * at least 1, at most all. */
int64_t segi_im2col_tile_rows(const segi_window *w, int64_t rows, size_t elem,
                              size_t budget);

/* Column budget of one im2col tile: large enough for long GEMM rows, small enough to
 * stay in the last-level cache between im2col and GEMM. */
#define SEGI_IM2COL_TILE_BYTES ((size_t)4 << 20)

/* col2im: the adjoint of im2col for floats: image += scatter of columns. */
void segi_col2im_add(const float *cols, int64_t channels, const segi_window *w,
                     float *image);

/* Dimensions of a spatial axis and sizes of a whole window stay within this. */
#define SEGI_WIN_MAX_SIZE ((int64_t)1 << 40)

#endif
