/* seg preprocess: decode an image and turn it into a network input, the way a model
 * profile would: resize or letterbox, scale, mean/std, channel order. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: seg preprocess IMAGE --size HxW [--letterbox] [--scale S]\n"
    "                      [--mean a,b,c --std a,b,c] [--bgr] [--npy OUT.npy] [--png OUT.png]\n"
    "\n"
    "Decode IMAGE (PNG or JPEG, EXIF orientation applied), make it RGB (grey is\n"
    "repeated, alpha dropped, 16-bit keeps the high byte), resize it bilinearly to HxW\n"
    "(OpenCV INTER_LINEAR) or letterbox it (ultralytics: keep aspect, pad 114), then\n"
    "write the resized image as PNG and/or the [1, 3, H, W] float32 input\n"
    "(pixel * S - mean) / std as .npy. S defaults to 1/255, mean to 0, std to 1.\n";

typedef struct prep_args {
    const char *image, *npy, *png;
    long h, w;
    int letterbox;
    float scale;
    float mean[3], std[3];
    int has_mean, has_std;
    seg_channel_order order;
} prep_args;

static int usage_error(const char *what)
{
    fprintf(stderr, "seg preprocess: %s\n%s", what, usage_text);
    return 2;
}

static int parse_triple(const char *s, float v[3])
{
    char *end;
    for (int i = 0; i < 3; i++) {
        v[i] = strtof(s, &end);
        if (end == s || *end != (i < 2 ? ',' : '\0'))
            return 0;
        s = end + 1;
    }
    return 1;
}

static int parse_size(const char *s, long *h, long *w)
{
    char *end;
    *h = strtol(s, &end, 10);
    if (end == s || *end != 'x')
        return 0;
    s = end + 1;
    *w = strtol(s, &end, 10);
    return end != s && *end == '\0' && *h > 0 && *w > 0 && *h <= 65536 && *w <= 65536;
}

/* 0 ok, else the exit code. */
static int parse_args(int argc, char **argv, prep_args *a)
{
    *a = (prep_args){.scale = 1.0f / 255, .std = {1, 1, 1}, .order = SEG_CHANNELS_RGB};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes_value = 1;
        if (strcmp(arg, "--help") == 0) {
            fputs(usage_text, stdout);
            return -1;
        } else if (strcmp(arg, "--letterbox") == 0) {
            a->letterbox = 1, takes_value = 0;
        } else if (strcmp(arg, "--bgr") == 0) {
            a->order = SEG_CHANNELS_BGR, takes_value = 0;
        } else if (arg[0] == '-' && arg[1] == '-' && !val) {
            return usage_error("an option is missing its value");
        } else if (strcmp(arg, "--size") == 0) {
            if (!parse_size(val, &a->h, &a->w))
                return usage_error("--size takes HxW, e.g. 512x512");
        } else if (strcmp(arg, "--scale") == 0) {
            char *end;
            a->scale = strtof(val, &end);
            if (end == val || *end)
                return usage_error("--scale takes a number");
        } else if (strcmp(arg, "--mean") == 0) {
            if (!(a->has_mean = parse_triple(val, a->mean)))
                return usage_error("--mean takes three numbers a,b,c");
        } else if (strcmp(arg, "--std") == 0) {
            if (!(a->has_std = parse_triple(val, a->std)))
                return usage_error("--std takes three numbers a,b,c");
        } else if (strcmp(arg, "--npy") == 0) {
            a->npy = val;
        } else if (strcmp(arg, "--png") == 0) {
            a->png = val;
        } else if (arg[0] != '-' && !a->image) {
            a->image = arg, takes_value = 0;
        } else {
            return usage_error("unexpected argument");
        }
        i += takes_value;
    }
    if (!a->image || !a->h)
        return usage_error("IMAGE and --size are required");
    if (!a->npy && !a->png)
        return usage_error("nothing to write: give --npy and/or --png");
    return 0;
}

/* A new u8 [H, W, 3] image from any decoded image (1-4 channels, u8 or u16). */
static seg_status to_rgb(const seg_tensor *img, seg_tensor **out)
{
    int64_t h = seg_tensor_dim(img, 0), w = seg_tensor_dim(img, 1), c = seg_tensor_dim(img, 2);
    int64_t dims[3] = {h, w, 3};
    seg_status st = seg_tensor_create(SEG_DTYPE_U8, 3, dims, out);
    if (st != SEG_OK)
        return st;
    int wide = seg_tensor_dtype(img) == SEG_DTYPE_U16;
    const uint8_t *s8 = seg_tensor_const_data(img);
    const uint16_t *s16 = seg_tensor_const_data(img);
    uint8_t *d = seg_tensor_data(*out);
    for (int64_t i = 0; i < h * w; i++) {
        for (int k = 0; k < 3; k++) {
            int64_t from = i * c + (c >= 3 ? k : 0);
            d[i * 3 + k] = wide ? (uint8_t)(s16[from] >> 8) : s8[from];
        }
    }
    return SEG_OK;
}

static seg_status fit(const prep_args *a, const seg_tensor *rgb, seg_tensor **out)
{
    if (!a->letterbox)
        return seg_image_resize(rgb, a->h, a->w, SEG_INTERP_BILINEAR, out);
    seg_letterbox lb = {.struct_size = sizeof lb};
    seg_status st = seg_image_letterbox(rgb, a->h, a->w, 114, &lb, out);
    if (st == SEG_OK)
        printf("letterbox: scale %.6g, resized %dx%d, pad top %d bottom %d left %d right %d\n",
               lb.scale, lb.resized_h, lb.resized_w, lb.pad_top, lb.pad_bottom, lb.pad_left,
               lb.pad_right);
    return st;
}

static seg_status run(const prep_args *a)
{
    seg_tensor *img = NULL, *rgb = NULL, *fitted = NULL, *input = NULL;
    seg_status st = seg_image_decode_file(a->image, NULL, &img);
    if (st == SEG_OK) {
        printf("%s: %lldx%lld, %lld channel(s), %s\n", a->image,
               (long long)seg_tensor_dim(img, 0), (long long)seg_tensor_dim(img, 1),
               (long long)seg_tensor_dim(img, 2), seg_dtype_name(seg_tensor_dtype(img)));
        st = to_rgb(img, &rgb);
    }
    if (st == SEG_OK)
        st = fit(a, rgb, &fitted);
    if (st == SEG_OK && a->png && (st = seg_image_write_png(fitted, a->png)) == SEG_OK)
        printf("wrote %s (%ldx%ld RGB)\n", a->png, a->h, a->w);
    if (st == SEG_OK && a->npy) {
        st = seg_image_to_nchw(fitted, a->scale, a->has_mean ? a->mean : NULL,
                               a->has_std ? a->std : NULL, a->order, &input);
        if (st == SEG_OK && (st = seg_npy_write_file(input, a->npy)) == SEG_OK)
            printf("wrote %s ([1, 3, %ld, %ld] float32, %s)\n", a->npy, a->h, a->w,
                   a->order == SEG_CHANNELS_BGR ? "BGR" : "RGB");
    }
    seg_tensor_destroy(img);
    seg_tensor_destroy(rgb);
    seg_tensor_destroy(fitted);
    seg_tensor_destroy(input);
    return st;
}

int cmd_preprocess(int argc, char **argv)
{
    prep_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    seg_status st = run(&a);
    return st == SEG_OK ? 0 : cmd_fail("preprocess", st);
}
