/* seg run: images (or directories of them) through a model and its profile, writing
 * what the profile's task yields for each image. */
#include "commands.h"
#include "run_outputs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: seg run MODEL IMAGE_OR_DIR... -o OUTDIR [--profile FILE] [--format LIST]\n"
    "               [--overwrite] [--sequence [--smooth ALPHA] [--track-iou T]\n"
    "               [--max-missed K]]\n"
    "\n"
    "Run each image (directories: their files in sorted order) through MODEL as its\n"
    "profile says (default: MODEL with .onnx replaced by .seg.json) and write into\n"
    "OUTDIR, named after the image:\n"
    "  semantic  NAME.label.png (indexed labels), NAME.overlay.png\n"
    "  instance  NAME.json (COCO results, RLE masks), NAME.overlay.png\n"
    "  panoptic  NAME.panoptic.png + NAME.json (COCO panoptic), NAME.overlay.png\n"
    "  salient   NAME.matte.png (alpha matte), NAME.cutout.png (RGBA)\n"
    "--format picks a comma-separated subset (label, overlay, json, panoptic, matte,\n"
    "cutout). Existing outputs are kept (the image fails) unless --overwrite. A bad\n"
    "image is reported and skipped; the exit code is 1 if any image failed.\n"
    "\n"
    "--sequence runs all images, in order, as the frames of one video: instance and\n"
    "panoptic outputs get ids stable across frames (instance JSON: \"track_id\";\n"
    "panoptic: a thing's segment id is its track id). --smooth ALPHA in (0, 1]\n"
    "averages class probabilities over frames (1 = off, the default); --track-iou\n"
    "(default 0.3) and --max-missed (default 5) tune the matching (docs/sequences.md).\n";

typedef struct run_args {
    const char *model, *outdir, *profile, *format, *smooth, *track_iou, *max_missed;
    char **inputs;
    int n_inputs;
    int overwrite, sequence;
} run_args;

typedef struct name_list {
    char **items;
    size_t n, cap;
} name_list;

static int usage_error(const char *what)
{
    fprintf(stderr, "seg run: %s\n%s", what, usage_text);
    return 2;
}

static int parse_args(int argc, char **argv, run_args *a)
{
    *a = (run_args){0};
    a->inputs = calloc((size_t)argc, sizeof *a->inputs);
    for (int i = 1; i < argc && a->inputs; i++) {
        const char *arg = argv[i];
        const char **slot = !strcmp(arg, "-o") || !strcmp(arg, "--output") ? &a->outdir
                            : !strcmp(arg, "--profile")                      ? &a->profile
                            : !strcmp(arg, "--format")                       ? &a->format
                            : !strcmp(arg, "--smooth")                       ? &a->smooth
                            : !strcmp(arg, "--track-iou")                    ? &a->track_iou
                            : !strcmp(arg, "--max-missed")                   ? &a->max_missed
                                                                             : NULL;
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
            return fputs(usage_text, stdout), -1;
        if (!strcmp(arg, "--overwrite"))
            a->overwrite = 1;
        else if (!strcmp(arg, "--sequence"))
            a->sequence = 1;
        else if (slot && i + 1 < argc)
            *slot = argv[++i];
        else if (slot || arg[0] == '-')
            return usage_error(slot ? "option needs a value" : "unknown option");
        else if (!a->model)
            a->model = arg;
        else
            a->inputs[a->n_inputs++] = argv[i];
    }
    if (!a->inputs)
        return fprintf(stderr, "seg run: out of memory\n"), 1;
    if (!a->model || !a->n_inputs || !a->outdir)
        return usage_error("MODEL, at least one image and -o OUTDIR are required");
    if (!a->sequence && (a->smooth || a->track_iou || a->max_missed))
        return usage_error("--smooth, --track-iou and --max-missed need --sequence");
    return 0;
}

static int push(name_list *l, const char *dir, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return 0;
        l->items = items;
        l->cap = cap;
    }
    size_t n = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
    if (!(l->items[l->n] = malloc(n)))
        return 0;
    snprintf(l->items[l->n++], n, "%s%s%s", dir ? dir : "", dir ? "/" : "", name);
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of `dir` (not hidden, not subdirectories) in sorted order. */
static int list_dir(name_list *l, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return fprintf(stderr, "seg run: cannot open directory %s\n", dir), 0;
    size_t first = l->n;
    struct dirent *e;
    int ok = 1;
    while (ok && (e = readdir(d))) {
        struct stat sb;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            ok = push(l, dir, e->d_name);
    }
    closedir(d);
    qsort(l->items + first, l->n - first, sizeof *l->items, by_name);
    return ok;
}

static void free_list(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
}

/* Format bits from "a,b,c" (all of the task's when NULL); 0 after printing an error. */
static unsigned parse_formats(const char *list, seg_task task)
{
    unsigned all = run_formats_for(task), want = 0;
    if (!list)
        return all;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        unsigned bit = 0;
        for (unsigned b = 1; b <= RUN_CUTOUT && !bit; b <<= 1)
            bit = run_format_name(b) && !strcmp(run_format_name(b), tok) ? b : 0;
        if (!(bit & all))
            return fprintf(stderr, "seg run: format '%s' does not fit this model's task\n",
                           tok), 0;
        want |= bit;
    }
    return want;
}

/* A u8 [H, W, 3] copy of a decoded image (grey repeated, alpha dropped, 16-bit high byte). */
static seg_status to_rgb8(const seg_tensor *img, seg_tensor **out)
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
    for (int64_t i = 0; i < h * w; i++)
        for (int k = 0; k < 3; k++) {
            int64_t from = i * c + (c >= 3 ? k : 0);
            d[i * 3 + k] = wide ? (uint8_t)(s16[from] >> 8) : s8[from];
        }
    return SEG_OK;
}

typedef struct run_ctx {
    const run_args *args;
    seg_model *model;
    seg_session *session;
    seg_profile *profile;
    seg_sequence *sequence; /* with --sequence */
    unsigned formats;
} run_ctx;

/* The image's name without directory and extension. */
static void image_stem(const char *path, char *stem, size_t cap)
{
    const char *base = strrchr(path, '/');
    snprintf(stem, cap, "%s", base ? base + 1 : path);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = '\0';
}

/* Process one image; 0 on success, else an error line has been printed. */
static int run_one(const run_ctx *c, const char *path)
{
    char stem[1024], out[4096];
    image_stem(path, stem, sizeof stem);
    for (unsigned b = 1; b <= RUN_CUTOUT; b <<= 1) {
        snprintf(out, sizeof out, "%s/%s%s", c->args->outdir, stem, run_format_suffix(b));
        if ((c->formats & b) && !c->args->overwrite && access(out, F_OK) == 0)
            return fprintf(stderr, "seg run: %s: %s exists (use --overwrite)\n", path, out), 1;
    }
    seg_tensor *img = NULL, *rgb = NULL;
    seg_result *own = NULL;
    const seg_result *r = NULL;
    seg_status st = seg_image_decode_file(path, NULL, &img);
    if (st == SEG_OK)
        st = to_rgb8(img, &rgb);
    if (st == SEG_OK && c->sequence)
        st = seg_sequence_push(c->sequence, rgb, &r);
    else if (st == SEG_OK && (st = seg_run_image(c->model, c->session, c->profile, rgb, &own)) == SEG_OK)
        r = own;
    for (unsigned b = 1; st == SEG_OK && b <= RUN_CUTOUT; b <<= 1) {
        snprintf(out, sizeof out, "%s/%s%s", c->args->outdir, stem, run_format_suffix(b));
        if (c->formats & b)
            st = run_write(b, r, c->profile, rgb, stem, out);
    }
    if (st != SEG_OK)
        fprintf(stderr, "seg run: %s: %s: %s\n", path, seg_status_string(st), seg_last_error());
    seg_result_destroy(own);
    seg_tensor_destroy(rgb);
    seg_tensor_destroy(img);
    return st != SEG_OK;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A bar with rate and ETA on a terminal; plain "i/N name" lines otherwise. */
static void progress(size_t i, size_t n, const char *name, double t0, int tty)
{
    if (!tty) {
        fprintf(stderr, "%zu/%zu %s\n", i, n, name);
        return;
    }
    double dt = now() - t0, rate = dt > 0 ? (double)i / dt : 0;
    int fill = (int)(20 * i / n);
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu %.1f img/s ETA %.0fs ", fill, "####################",
            20 - fill, "", i, n, rate, rate > 0 ? (double)(n - i) / rate : 0);
    if (i == n)
        fputc('\n', stderr);
}

/* The sequence and its options from --smooth, --track-iou, --max-missed. */
static seg_status open_sequence(run_ctx *c)
{
    const run_args *a = c->args;
    seg_status st = seg_sequence_create(c->model, c->session, c->profile, &c->sequence);
    if (st == SEG_OK && a->smooth)
        st = seg_sequence_set_double(c->sequence, SEG_SEQUENCE_SMOOTHING, atof(a->smooth));
    if (st == SEG_OK && a->track_iou)
        st = seg_sequence_set_double(c->sequence, SEG_SEQUENCE_IOU_THRESHOLD,
                                     atof(a->track_iou));
    if (st == SEG_OK && a->max_missed)
        st = seg_sequence_set_int(c->sequence, SEG_SEQUENCE_MAX_MISSED, atoll(a->max_missed));
    return st;
}

static int open_all(run_ctx *c)
{
    char prof[4096];
    const char *ppath = c->args->profile;
    if (!ppath) {
        size_t n = strlen(c->args->model);
        size_t keep = n > 5 && !strcmp(c->args->model + n - 5, ".onnx") ? n - 5 : n;
        snprintf(prof, sizeof prof, "%.*s.seg.json", (int)keep, c->args->model);
        ppath = prof;
    }
    seg_status st = seg_profile_load_file(ppath, &c->profile);
    if (st == SEG_OK)
        st = seg_model_load_file(c->args->model, NULL, &c->model);
    if (st == SEG_OK)
        st = seg_session_create(c->model, NULL, &c->session);
    if (st == SEG_OK && c->args->sequence)
        st = open_sequence(c);
    if (st != SEG_OK)
        return cmd_fail("run", st);
    if (!(c->formats = parse_formats(c->args->format, seg_profile_task(c->profile))))
        return 2;
    if (mkdir(c->args->outdir, 0777) != 0 && access(c->args->outdir, W_OK) != 0)
        return fprintf(stderr, "seg run: cannot create %s\n", c->args->outdir), 1;
    return 0;
}

int cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.inputs);
        return rc < 0 ? 0 : rc;
    }
    run_ctx c = {.args = &a};
    name_list files = {0};
    int failed = 0;
    for (int i = 0; i < a.n_inputs; i++) {
        struct stat sb;
        int ok = stat(a.inputs[i], &sb) == 0 && S_ISDIR(sb.st_mode) ? list_dir(&files, a.inputs[i])
                                                                     : push(&files, NULL, a.inputs[i]);
        failed += !ok;
    }
    if (!(rc = open_all(&c))) {
        int tty = isatty(STDERR_FILENO);
        double t0 = now();
        for (size_t i = 0; i < files.n; i++) {
            failed += run_one(&c, files.items[i]);
            progress(i + 1, files.n, files.items[i], t0, tty);
        }
        rc = failed ? 1 : 0;
        if (failed)
            fprintf(stderr, "seg run: %d of %zu images failed\n", failed, files.n);
    }
    seg_sequence_destroy(c.sequence);
    seg_session_destroy(c.session);
    seg_model_destroy(c.model);
    seg_profile_destroy(c.profile);
    free_list(&files);
    free(a.inputs);
    return rc;
}
