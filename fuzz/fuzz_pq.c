/* libFuzzer: COCO panoptic JSON for PQ (seg_pq_evaluate_files), through files the
 * harness writes under FUZZ_WORK_DIR (the build directory, one folder per process).
 *
 * Input: the gt JSON, a NUL byte, the prediction JSON, a NUL byte, then pixel bytes that
 * fill gt/a.png and pred/a.png (each 4 x 4 RGB, id = R + 256 G + 256^2 B), repeated
 * cyclically (zeros when absent). The PNG decoder has its own fuzzer; these images only
 * give the JSON's segments something to match. Checked on success: every average and
 * per-category PQ, SQ, RQ is in [0, 1] (averages may be NaN when nothing counts). */
#include <seg/seg.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REQUIRE(c)                                                          \
    do {                                                                    \
        if (!(c)) {                                                         \
            fprintf(stderr, "fuzz_pq.c:%d: %s failed\n", __LINE__, #c);     \
            __builtin_trap();                                               \
        }                                                                   \
    } while (0)

#define SIDE 4
#define IMAGE_BYTES (SIDE * SIDE * 3)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    REQUIRE(f && fwrite(data, 1, size, f) == size && fclose(f) == 0);
}

static void make_dir(const char *path)
{
    REQUIRE(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void write_png(const char *path, const uint8_t *pixels, size_t n, size_t start)
{
    int64_t dims[3] = {SIDE, SIDE, 3};
    seg_tensor *img = NULL, *png = NULL;
    REQUIRE(seg_tensor_create(SEG_DTYPE_U8, 3, dims, &img) == SEG_OK);
    uint8_t *p = seg_tensor_data(img);
    for (size_t i = 0; i < IMAGE_BYTES; i++)
        p[i] = n ? pixels[(start + i) % n] : 0;
    REQUIRE(seg_image_encode_png(img, &png) == SEG_OK);
    write_file(path, seg_tensor_const_data(png), seg_tensor_nbytes(png));
    seg_tensor_destroy(png);
    seg_tensor_destroy(img);
}

/* The next NUL-terminated part of [*p, end): its length, *p moved past the NUL. */
static size_t next_part(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nul = memchr(*p, 0, (size_t)(end - *p));
    size_t len = (size_t)((nul ? nul : end) - *p);
    *p = nul ? nul + 1 : end;
    return len;
}

static int in_unit(double v)
{
    return v >= 0 && v <= 1;
}

static void check(const seg_pq *pq)
{
    for (int g = SEG_PQ_ALL; g <= SEG_PQ_STUFF; g++) {
        double v[3];
        REQUIRE(seg_pq_average(pq, (seg_pq_group)g, v, NULL) == SEG_OK);
        for (int k = 0; k < 3; k++)
            REQUIRE(v[k] != v[k] || in_unit(v[k]));
    }
    for (size_t i = 0; i < seg_pq_category_count(pq); i++) {
        double v[3];
        int64_t counts[3];
        REQUIRE(seg_pq_category(pq, i, NULL, NULL, NULL, v, counts) == SEG_OK);
        for (int k = 0; k < 3; k++)
            REQUIRE(in_unit(v[k]) && counts[k] >= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char dir[512], gt_json[600], pred_json[600], gt_dir[600], pred_dir[600], png[700];
    snprintf(dir, sizeof dir, "%s/%ld", FUZZ_WORK_DIR, (long)getpid());
    snprintf(gt_json, sizeof gt_json, "%s/gt.json", dir);
    snprintf(pred_json, sizeof pred_json, "%s/pred.json", dir);
    snprintf(gt_dir, sizeof gt_dir, "%s/gt", dir);
    snprintf(pred_dir, sizeof pred_dir, "%s/pred", dir);
    make_dir(dir);
    make_dir(gt_dir);
    make_dir(pred_dir);

    const uint8_t *p = data, *end = data + size;
    size_t n = next_part(&p, end);
    write_file(gt_json, data, n);
    const uint8_t *pred = p;
    n = next_part(&p, end);
    write_file(pred_json, pred, n);
    size_t npix = (size_t)(end - p);
    snprintf(png, sizeof png, "%s/a.png", gt_dir);
    write_png(png, p, npix, 0);
    snprintf(png, sizeof png, "%s/a.png", pred_dir);
    write_png(png, p, npix, IMAGE_BYTES);

    seg_pq *pq = NULL;
    if (seg_pq_evaluate_files(gt_json, gt_dir, pred_json, pred_dir, NULL, &pq) != SEG_OK) {
        REQUIRE(pq == NULL && seg_last_error()[0] != '\0');
        return 0;
    }
    check(pq);
    seg_pq_destroy(pq);
    return 0;
}
