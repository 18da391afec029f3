/* PNG decoding and encoding with libpng. libpng reports errors by longjmp: each
 * setjmp lives in a function without locals of its own, and everything that must
 * be released afterwards lives in a job struct in the caller's frame. libpng never
 * prints: its error handler copies the message into the job, warnings are dropped. */
#include "io/image.h"

#include "core/error.h"
#include "core/tensor.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest side libpng may read or write: the format's 2^31 - 1 (the pixel limit is
 * the real bound when reading). */
#define PNG_SIDE_MAX 0x7fffffffu

typedef struct png_job {
    png_structp png;
    png_infop info;
    const uint8_t *data;   /* decoding: the file */
    size_t size, pos;
    segi_bytebuf *out;     /* encoding: where the file goes */
    int64_t max_pixels;
    int palette_indices;   /* decoding: SEG_OPT_PNG_PALETTE_INDICES */
    seg_tensor *image;
    png_bytep *rows;
    char msg[256];
    char warning[128]; /* the last warning, often the detail behind an error */
} png_job;

static void on_error(png_structp png, png_const_charp msg)
{
    png_job *job = png_get_error_ptr(png);
    if (job->warning[0])
        snprintf(job->msg, sizeof job->msg, "%s (after warning: %s)", msg, job->warning);
    else
        snprintf(job->msg, sizeof job->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    png_job *job = png_get_error_ptr(png);
    snprintf(job->warning, sizeof job->warning, "%s", msg);
}

static void read_bytes(png_structp png, png_bytep dst, size_t n)
{
    png_job *job = png_get_io_ptr(png);
    if (n > job->size - job->pos) {
        char msg[128];
        snprintf(msg, sizeof msg, "file is truncated: %zu bytes wanted at offset %zu of %zu",
                 n, job->pos, job->size);
        png_error(png, msg);
    }
    memcpy(dst, job->data + job->pos, n);
    job->pos += n;
}

static void write_bytes(png_structp png, png_bytep src, size_t n)
{
    png_job *job = png_get_io_ptr(png);
    if (!segi_bytebuf_append(job->out, src, n))
        png_error(png, "out of memory for the encoded file");
}

static void flush_nothing(png_structp png)
{
    (void)png;
}

static void release(png_job *job, int reading)
{
    if (reading)
        png_destroy_read_struct(&job->png, &job->info, NULL);
    else
        png_destroy_write_struct(&job->png, &job->info);
    free(job->rows);
    job->rows = NULL;
}

/* ---- decoding ----------------------------------------------------------- */

static void request_plain_samples(png_structp png, png_infop info, int color, int depth,
                                  int palette_indices)
{
    int indices = color == PNG_COLOR_TYPE_PALETTE && palette_indices;
    if (indices)
        png_set_packing(png); /* 1-, 2-, 4-bit indices to one byte each, unscaled */
    else if (color == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS) && !indices)
        png_set_tRNS_to_alpha(png);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (depth == 16)
        png_set_swap(png); /* PNG stores big-endian; tensors hold host order */
#endif
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
}

static seg_status decode_steps(png_job *job)
{
    png_structp png = job->png;
    png_infop info = job->info;
    png_set_read_fn(png, job, read_bytes);
    png_set_user_limits(png, PNG_SIDE_MAX, PNG_SIDE_MAX);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((uint64_t)w * h > (uint64_t)job->max_pixels)
        return segi_error(SEG_ERR_LIMIT, "PNG: %ux%u image has %llu pixels, limit is %lld",
                          (unsigned)w, (unsigned)h, (unsigned long long)w * h,
                          (long long)job->max_pixels);
    request_plain_samples(png, info, png_get_color_type(png, info),
                          png_get_bit_depth(png, info), job->palette_indices);
    int channels = png_get_channels(png, info);
    seg_dtype dtype = png_get_bit_depth(png, info) == 16 ? SEG_DTYPE_U16 : SEG_DTYPE_U8;
    seg_status st = segi_tensor_alloc3(dtype, h, w, channels, &job->image);
    if (st != SEG_OK)
        return st;
    size_t stride = (size_t)w * (size_t)channels * seg_dtype_size(dtype);
    if (png_get_rowbytes(png, info) != stride)
        return segi_error(SEG_ERR_INTERNAL, "PNG: row of %zu bytes, expected %zu",
                          (size_t)png_get_rowbytes(png, info), stride);
    if (!(job->rows = malloc((size_t)h * sizeof *job->rows)))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "PNG: %u row pointers", (unsigned)h);
    for (png_uint_32 y = 0; y < h; y++)
        job->rows[y] = (png_bytep)job->image->data + (size_t)y * stride;
    png_read_image(png, job->rows);
    png_read_end(png, NULL); /* checks the CRCs and chunks up to IEND */
    return SEG_OK;
}

static seg_status decode_guarded(png_job *job)
{
    if (setjmp(png_jmpbuf(job->png)))
        return segi_error(SEG_ERR_FORMAT, "PNG: %s", job->msg);
    return decode_steps(job);
}

seg_status segi_png_decode(const uint8_t *data, size_t size, int64_t max_pixels,
                           int palette_indices, seg_tensor **out)
{
    png_job job = {.data = data, .size = size, .max_pixels = max_pixels,
                   .palette_indices = palette_indices};
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
    if (!job.png || !(job.info = png_create_info_struct(job.png))) {
        release(&job, 1);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "PNG: decoder state");
    }
    seg_status st = decode_guarded(&job);
    release(&job, 1);
    if (st != SEG_OK) {
        seg_tensor_destroy(job.image);
        return st;
    }
    *out = job.image;
    return SEG_OK;
}

/* ---- encoding ----------------------------------------------------------- */

static seg_status check_labels(const seg_tensor *labels, size_t n_colors, int64_t w)
{
    const uint8_t *p = labels->data;
    size_t n = seg_tensor_count(labels);
    for (size_t i = 0; i < n; i++)
        if (p[i] >= n_colors)
            return segi_error(SEG_ERR_INVALID_ARGUMENT,
                              "label %u at row %lld, column %lld is not below the %zu "
                              "palette colours",
                              p[i], (long long)(i / (size_t)w), (long long)(i % (size_t)w),
                              n_colors);
    return SEG_OK;
}

static seg_status check_pixels(const seg_tensor *pixels, const uint8_t *palette,
                               size_t n_colors, int64_t *h, int64_t *w, int64_t *c)
{
    seg_status st = segi_image_geometry(pixels, "PNG encode", h, w, c);
    if (st != SEG_OK)
        return st;
    if (*h > PNG_SIDE_MAX || *w > PNG_SIDE_MAX)
        return segi_error(SEG_ERR_SHAPE, "PNG encode: %lldx%lld exceeds 2^31-1 per side",
                          (long long)*h, (long long)*w);
    if (palette) {
        if (pixels->dtype != SEG_DTYPE_U8 || *c != 1)
            return segi_error(SEG_ERR_SHAPE,
                              "PNG encode: a label map must be u8 [H, W], got %s with %lld "
                              "channels", seg_dtype_name(pixels->dtype), (long long)*c);
        return check_labels(pixels, n_colors, *w);
    }
    if (pixels->dtype != SEG_DTYPE_U8 && pixels->dtype != SEG_DTYPE_U16)
        return segi_error(SEG_ERR_SHAPE, "PNG encode: dtype %s, expected u8 or u16",
                          seg_dtype_name(pixels->dtype));
    if (*c > 4)
        return segi_error(SEG_ERR_SHAPE, "PNG encode: %lld channels, expected 1..4",
                          (long long)*c);
    return SEG_OK;
}

static const int color_types[4] = {PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                   PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};

static void encode_steps(png_job *job, const seg_tensor *pixels, const uint8_t *palette,
                         size_t n_colors, int64_t h, int64_t w, int64_t c)
{
    png_structp png = job->png;
    png_infop info = job->info;
    png_set_write_fn(png, job, write_bytes, flush_nothing);
    png_set_user_limits(png, PNG_SIDE_MAX, PNG_SIDE_MAX);
    int depth = pixels->dtype == SEG_DTYPE_U16 ? 16 : 8;
    int color = palette ? PNG_COLOR_TYPE_PALETTE : color_types[c - 1];
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, color, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (palette) {
        png_color colors[256];
        for (size_t i = 0; i < n_colors; i++)
            colors[i] = (png_color){palette[3 * i], palette[3 * i + 1], palette[3 * i + 2]};
        png_set_PLTE(png, info, colors, (int)n_colors);
    }
    png_write_info(png, info);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (depth == 16)
        png_set_swap(png);
#endif
    size_t stride = (size_t)w * (size_t)c * (size_t)(depth / 8);
    for (int64_t y = 0; y < h; y++)
        png_write_row(png, (png_const_bytep)pixels->data + (size_t)y * stride);
    png_write_end(png, info);
}

static seg_status encode_guarded(png_job *job, const seg_tensor *pixels,
                                 const uint8_t *palette, size_t n_colors, int64_t h,
                                 int64_t w, int64_t c)
{
    if (setjmp(png_jmpbuf(job->png)))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "PNG encode: %s", job->msg);
    encode_steps(job, pixels, palette, n_colors, h, w, c);
    return SEG_OK;
}

seg_status segi_png_encode(const seg_tensor *pixels, const uint8_t *palette, size_t n_colors,
                           segi_bytebuf *buf)
{
    int64_t h, w, c;
    seg_status st = check_pixels(pixels, palette, n_colors, &h, &w, &c);
    if (st != SEG_OK)
        return st;
    png_job job = {.out = buf};
    job.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
    if (!job.png || !(job.info = png_create_info_struct(job.png))) {
        release(&job, 0);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "PNG: encoder state");
    }
    st = encode_guarded(&job, pixels, palette, n_colors, h, w, c);
    release(&job, 0);
    return st;
}
