/* bench_masks: COCO RLE encoding of 100 masks of 640x480 against a memory-bandwidth floor
 * measured on the same bytes (memcpy of all 100 masks), plus decoding, connected
 * components and contours of the same masks for reference.
 *
 * Usage: bench_masks [repeats]   (default 20; the best repeat of each is reported) */
#include <seg/seg.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_MASKS 100
#define H 480
#define W 640

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A few filled ellipses per mask, from a fixed-seed generator: object-like masks. */
static void make_mask(uint8_t *m, unsigned *seed)
{
    memset(m, 0, (size_t)H * W);
    int n = 1 + (int)(rand_r(seed) % 4);
    for (int k = 0; k < n; k++) {
        double cx = rand_r(seed) % W, cy = rand_r(seed) % H;
        double rx = 10 + rand_r(seed) % 150, ry = 10 + rand_r(seed) % 150;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                double dx = (x - cx) / rx, dy = (y - cy) / ry;
                if (dx * dx + dy * dy <= 1)
                    m[(size_t)y * W + x] = 1;
            }
    }
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 20;
    if (repeats < 1)
        repeats = 1;
    size_t bytes = (size_t)N_MASKS * H * W;
    uint8_t *masks = malloc(bytes), *copy = malloc(bytes);
    seg_rle **rles = calloc(N_MASKS, sizeof *rles);
    if (!masks || !copy || !rles)
        return 1;
    unsigned seed = 12345;
    for (int i = 0; i < N_MASKS; i++)
        make_mask(masks + (size_t)i * H * W, &seed);
    memset(copy, 1, bytes);

    double best_copy = 1e30, best_enc = 1e30, best_dec = 1e30, best_cc = 1e30, best_ct = 1e30;
    size_t runs = 0;
    for (int r = 0; r < repeats; r++) {
        double t0 = now();
        memcpy(copy, masks, bytes);
        double t1 = now();
        for (int i = 0; i < N_MASKS; i++) {
            seg_rle_destroy(rles[i]);
            rles[i] = NULL;
            if (seg_rle_encode(masks + (size_t)i * H * W, H, W, W, &rles[i]) != SEG_OK) {
                fprintf(stderr, "encode failed: %s\n", seg_last_error());
                return 1;
            }
        }
        double t2 = now();
        for (int i = 0; i < N_MASKS; i++)
            if (seg_rle_decode(rles[i], copy + (size_t)i * H * W, W) != SEG_OK)
                return 1;
        double t3 = now();
        for (int i = 0; i < N_MASKS; i++) {
            seg_components *cc = NULL;
            if (seg_components_find(masks + (size_t)i * H * W, H, W, W, 8, 0, &cc) != SEG_OK)
                return 1;
            seg_components_destroy(cc);
        }
        double t4 = now();
        for (int i = 0; i < N_MASKS; i++) {
            seg_contours *ct = NULL;
            if (seg_contours_find(masks + (size_t)i * H * W, H, W, W, SEG_CONTOUR_CCOMP,
                                  SEG_CONTOUR_APPROX_NONE, &ct) != SEG_OK)
                return 1;
            seg_contours_destroy(ct);
        }
        double t5 = now();
        best_cc = t4 - t3 < best_cc ? t4 - t3 : best_cc;
        best_ct = t5 - t4 < best_ct ? t5 - t4 : best_ct;
        best_copy = t1 - t0 < best_copy ? t1 - t0 : best_copy;
        best_enc = t2 - t1 < best_enc ? t2 - t1 : best_enc;
        best_dec = t3 - t2 < best_dec ? t3 - t2 : best_dec;
    }
    for (int i = 0; i < N_MASKS; i++) {
        size_t n;
        seg_rle_counts(rles[i], &n);
        runs += n;
    }
    if (memcmp(copy, masks, bytes) != 0) {
        fprintf(stderr, "decode does not give the masks back\n");
        return 1;
    }
    printf("masks: %d x %dx%d (%.1f MB), %.1f runs per mask, best of %d\n", N_MASKS, W, H,
           bytes / 1e6, (double)runs / N_MASKS, repeats);
    printf("memcpy floor   %8.3f ms  %6.2f GB/s\n", best_copy * 1e3, bytes / best_copy / 1e9);
    printf("rle encode     %8.3f ms  %6.2f GB/s  ratio to floor %.2f\n", best_enc * 1e3,
           bytes / best_enc / 1e9, best_enc / best_copy);
    printf("rle decode     %8.3f ms  %6.2f GB/s  ratio to floor %.2f\n", best_dec * 1e3,
           bytes / best_dec / 1e9, best_dec / best_copy);
    printf("components     %8.3f ms  %6.2f GB/s  ratio to floor %.2f\n", best_cc * 1e3,
           bytes / best_cc / 1e9, best_cc / best_copy);
    printf("contours       %8.3f ms  %6.2f GB/s  ratio to floor %.2f\n", best_ct * 1e3,
           bytes / best_ct / 1e9, best_ct / best_copy);
    for (int i = 0; i < N_MASKS; i++)
        seg_rle_destroy(rles[i]);
    free(rles);
    free(masks);
    free(copy);
    return 0;
}
