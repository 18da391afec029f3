/* JPEG decoding and encoding with libjpeg-turbo. As in png.c, the setjmp sits in a
 * function without locals and the state lives in a job struct in the caller's frame.
 * libjpeg never prints: error_exit, emit_message and output_message are replaced. */
#include "io/image.h"

#include "core/error.h"
#include "core/tensor.h"

/* jpeglib.h needs size_t and FILE declared before it. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

/* Progressive files may repeat scans without bound; libjpeg-turbo's own TurboJPEG API
 * stops at 500 scans, far above what encoders produce. */
#define JPEG_MAX_SCANS 500
#define JPEG_SIDE_MAX 65500

typedef struct jpeg_job {
    union {
        struct jpeg_decompress_struct d;
        struct jpeg_compress_struct c;
    } cinfo;
    int created;               /* 1 decompressor, 2 compressor */
    struct jpeg_error_mgr err;
    struct jpeg_progress_mgr progress;
    struct jpeg_destination_mgr dest;
    segi_bytebuf *out;
    jmp_buf jump;
    int64_t max_pixels;
    seg_tensor *image;
    int orientation;
    char msg[JMSG_LENGTH_MAX + 64];
} jpeg_job;

static void fail(j_common_ptr cinfo)
{
    jpeg_job *job = cinfo->client_data;
    char text[JMSG_LENGTH_MAX];
    cinfo->err->format_message(cinfo, text);
    snprintf(job->msg, sizeof job->msg, "%s", text);
    longjmp(job->jump, 1);
}

/* Warnings that mean the pixels would be wrong (truncation, corrupt entropy data)
 * are errors here; cosmetic ones (odd JFIF versions, thumbnails) are ignored. */
static void on_message(j_common_ptr cinfo, int level)
{
    if (level >= 0)
        return;
    switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
        fail(cinfo);
        break;
    default:
        break;
    }
}

static void print_nothing(j_common_ptr cinfo)
{
    (void)cinfo;
}

static void count_scans(j_common_ptr cinfo)
{
    jpeg_job *job = cinfo->client_data;
    if (cinfo->is_decompressor &&
        ((j_decompress_ptr)cinfo)->input_scan_number > JPEG_MAX_SCANS) {
        snprintf(job->msg, sizeof job->msg, "more than %d progressive scans",
                 JPEG_MAX_SCANS);
        longjmp(job->jump, 1);
    }
}

static void install_handlers(jpeg_job *job, j_common_ptr cinfo)
{
    cinfo->err = jpeg_std_error(&job->err);
    job->err.error_exit = fail;
    job->err.emit_message = on_message;
    job->err.output_message = print_nothing;
    job->progress.progress_monitor = count_scans;
}

static void release(jpeg_job *job)
{
    if (job->created == 1)
        jpeg_destroy_decompress(&job->cinfo.d);
    else if (job->created == 2)
        jpeg_destroy_compress(&job->cinfo.c);
    job->created = 0;
}

/* ---- decoding ----------------------------------------------------------- */

static int find_orientation(j_decompress_ptr d)
{
    for (jpeg_saved_marker_ptr m = d->marker_list; m; m = m->next) {
        int o = m->marker == JPEG_APP0 + 1 ? segi_exif_orientation(m->data, m->data_length) : 0;
        if (o)
            return o;
    }
    return 1;
}

static seg_status choose_output(j_decompress_ptr d, int64_t max_pixels)
{
    switch (d->jpeg_color_space) {
    case JCS_GRAYSCALE:
        d->out_color_space = JCS_GRAYSCALE;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        d->out_color_space = JCS_RGB;
        break;
    default: {
        const char *name = d->jpeg_color_space == JCS_CMYK   ? "CMYK"
                           : d->jpeg_color_space == JCS_YCCK ? "YCCK"
                                                             : "an unknown";
        return segi_error(SEG_ERR_UNSUPPORTED,
                          "JPEG: %s colour space (%d components) is not supported", name,
                          d->num_components);
    }
    }
    uint64_t pixels = (uint64_t)d->image_width * d->image_height;
    if (pixels > (uint64_t)max_pixels)
        return segi_error(SEG_ERR_LIMIT, "JPEG: %ux%u image has %llu pixels, limit is %lld",
                          (unsigned)d->image_width, (unsigned)d->image_height,
                          (unsigned long long)pixels, (long long)max_pixels);
    return SEG_OK;
}

static seg_status decode_steps(jpeg_job *job, const uint8_t *data, size_t size)
{
    j_decompress_ptr d = &job->cinfo.d;
    install_handlers(job, (j_common_ptr)d);
    jpeg_create_decompress(d);
    job->created = 1;
    d->client_data = job;
    d->progress = &job->progress;
    jpeg_mem_src(d, data, (unsigned long)size);
    jpeg_save_markers(d, JPEG_APP0 + 1, 0xffff);
    jpeg_read_header(d, TRUE);
    seg_status st = choose_output(d, job->max_pixels);
    if (st != SEG_OK)
        return st;
    job->orientation = find_orientation(d);
    jpeg_start_decompress(d);
    st = segi_tensor_alloc3(SEG_DTYPE_U8, d->output_height, d->output_width,
                            d->output_components, &job->image);
    if (st != SEG_OK)
        return st;
    size_t stride = (size_t)d->output_width * (size_t)d->output_components;
    while (d->output_scanline < d->output_height) {
        JSAMPROW row = (JSAMPROW)job->image->data + (size_t)d->output_scanline * stride;
        jpeg_read_scanlines(d, &row, 1);
    }
    jpeg_finish_decompress(d);
    return SEG_OK;
}

static seg_status decode_guarded(jpeg_job *job, const uint8_t *data, size_t size)
{
    if (setjmp(job->jump))
        return segi_error(SEG_ERR_FORMAT, "JPEG: %s", job->msg);
    return decode_steps(job, data, size);
}

seg_status segi_jpeg_decode(const uint8_t *data, size_t size, int64_t max_pixels,
                            seg_tensor **out)
{
    jpeg_job job = {.max_pixels = max_pixels};
    seg_status st = decode_guarded(&job, data, size);
    release(&job);
    if (st == SEG_OK && job.orientation > 1) {
        seg_tensor *upright = NULL;
        st = segi_image_orient(job.image, job.orientation, &upright);
        seg_tensor_destroy(job.image);
        job.image = upright;
    }
    if (st != SEG_OK) {
        seg_tensor_destroy(job.image);
        return st;
    }
    *out = job.image;
    return SEG_OK;
}

/* ---- encoding ----------------------------------------------------------- */

static void dest_start(j_compress_ptr c)
{
    jpeg_job *job = c->client_data;
    if (!segi_bytebuf_reserve(job->out, 65536)) {
        c->err->msg_code = JERR_OUT_OF_MEMORY;
        c->err->error_exit((j_common_ptr)c);
    }
    job->dest.next_output_byte = job->out->data + job->out->len;
    job->dest.free_in_buffer = job->out->cap - job->out->len;
}

static boolean dest_full(j_compress_ptr c)
{
    jpeg_job *job = c->client_data;
    job->out->len = job->out->cap; /* libjpeg calls this only when every byte is used */
    dest_start(c);
    return TRUE;
}

static void dest_end(j_compress_ptr c)
{
    jpeg_job *job = c->client_data;
    job->out->len = job->out->cap - job->dest.free_in_buffer;
}

static void encode_steps(jpeg_job *job, const seg_tensor *pixels, int quality, int64_t h,
                         int64_t w, int64_t ch)
{
    j_compress_ptr c = &job->cinfo.c;
    install_handlers(job, (j_common_ptr)c);
    jpeg_create_compress(c);
    job->created = 2;
    c->client_data = job;
    job->dest.init_destination = dest_start;
    job->dest.empty_output_buffer = dest_full;
    job->dest.term_destination = dest_end;
    c->dest = &job->dest;
    c->image_width = (JDIMENSION)w;
    c->image_height = (JDIMENSION)h;
    c->input_components = (int)ch;
    c->in_color_space = ch == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(c);
    jpeg_set_quality(c, quality, TRUE);
    jpeg_start_compress(c, TRUE);
    size_t stride = (size_t)w * (size_t)ch;
    while (c->next_scanline < c->image_height) {
        /* libjpeg's API is not const-correct; it only reads the rows. */
        JSAMPROW row = (JSAMPROW)pixels->data + (size_t)c->next_scanline * stride;
        jpeg_write_scanlines(c, &row, 1);
    }
    jpeg_finish_compress(c);
}

static seg_status encode_guarded(jpeg_job *job, const seg_tensor *pixels, int quality,
                                 int64_t h, int64_t w, int64_t ch)
{
    if (setjmp(job->jump))
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "JPEG encode: %s", job->msg);
    encode_steps(job, pixels, quality, h, w, ch);
    return SEG_OK;
}

seg_status segi_jpeg_encode(const seg_tensor *pixels, int quality, segi_bytebuf *buf)
{
    int64_t h, w, ch;
    seg_status st = segi_image_geometry(pixels, "JPEG encode", &h, &w, &ch);
    if (st != SEG_OK)
        return st;
    if (pixels->dtype != SEG_DTYPE_U8 || (ch != 1 && ch != 3))
        return segi_error(SEG_ERR_SHAPE,
                          "JPEG encode: expected u8 with 1 or 3 channels, got %s with %lld",
                          seg_dtype_name(pixels->dtype), (long long)ch);
    if (h > JPEG_SIDE_MAX || w > JPEG_SIDE_MAX)
        return segi_error(SEG_ERR_SHAPE, "JPEG encode: %lldx%lld exceeds %d per side",
                          (long long)h, (long long)w, JPEG_SIDE_MAX);
    jpeg_job job = {.out = buf};
    st = encode_guarded(&job, pixels, quality, h, w, ch);
    release(&job);
    return st;
}
