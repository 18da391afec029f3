/* Confusion matrix over a data set and the semantic-segmentation metrics derived from
 * it. Rows are gt classes, columns predicted classes plus one column for predictions
 * outside [0, n) (they are misses of their gt class, false positives of none). */
#include "seg/seg_metrics.h"

#include "core/error.h"
#include "core/tensor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLASSES 4096

struct seg_confusion {
    int64_t n;
    int64_t ignore;
    uint64_t *m;        /* n rows of n + 1 columns */
    uint8_t *evaluated; /* per class: 0 = Cityscapes ignoreInEval */
};

/* Per-class sums over the evaluated gt rows. */
typedef struct class_counts {
    double tp, gt, pred;
} class_counts;

seg_status seg_confusion_create(int64_t n_classes, int64_t ignore_label, seg_confusion **out)
{
    SEGI_REQUIRE(out);
    if (n_classes < 1 || n_classes > MAX_CLASSES)
        return segi_error(SEG_ERR_INVALID_ARGUMENT,
                          "seg_confusion_create: n_classes %lld is outside [1, %d]",
                          (long long)n_classes, MAX_CLASSES);
    seg_confusion *cm = calloc(1, sizeof *cm);
    size_t cells = (size_t)n_classes * (size_t)(n_classes + 1);
    if (cm) {
        cm->m = calloc(cells, sizeof *cm->m);
        cm->evaluated = malloc((size_t)n_classes);
    }
    if (!cm || !cm->m || !cm->evaluated) {
        seg_confusion_destroy(cm);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "seg_confusion_create: %zu cells", cells);
    }
    memset(cm->evaluated, 1, (size_t)n_classes);
    cm->n = n_classes;
    cm->ignore = ignore_label;
    *out = cm;
    return SEG_OK;
}

void seg_confusion_destroy(seg_confusion *cm)
{
    if (!cm)
        return;
    free(cm->m);
    free(cm->evaluated);
    free(cm);
}

static int label_dtype_ok(seg_dtype dt)
{
    return dt == SEG_DTYPE_U8 || dt == SEG_DTYPE_U16 || dt == SEG_DTYPE_I32 ||
           dt == SEG_DTYPE_I64;
}

/* Labels [off, off + n) of a map as int64, one tight loop per dtype. */
static void load_labels(const void *data, seg_dtype dt, size_t off, size_t n, int64_t *dst)
{
    switch (dt) {
    case SEG_DTYPE_U8:
        for (size_t i = 0; i < n; i++)
            dst[i] = ((const uint8_t *)data)[off + i];
        break;
    case SEG_DTYPE_U16:
        for (size_t i = 0; i < n; i++)
            dst[i] = ((const uint16_t *)data)[off + i];
        break;
    case SEG_DTYPE_I32:
        for (size_t i = 0; i < n; i++)
            dst[i] = ((const int32_t *)data)[off + i];
        break;
    default:
        memcpy(dst, (const int64_t *)data + off, n * sizeof *dst);
        break;
    }
}

static seg_status check_label_map(const seg_tensor *t, const char *what)
{
    if (!label_dtype_ok(t->dtype))
        return segi_error(SEG_ERR_UNSUPPORTED,
                          "seg_confusion_add: %s has dtype %s; expected u8, u16, i32 or i64",
                          what, seg_dtype_name(t->dtype));
    return SEG_OK;
}

seg_status seg_confusion_add(seg_confusion *cm, const seg_tensor *gt, const seg_tensor *pred)
{
    SEGI_REQUIRE(cm);
    SEGI_REQUIRE(gt);
    SEGI_REQUIRE(pred);
    seg_status st = check_label_map(gt, "gt");
    if (st == SEG_OK)
        st = check_label_map(pred, "pred");
    if (st != SEG_OK)
        return st;
    if (gt->rank != pred->rank ||
        memcmp(gt->dims, pred->dims, (size_t)gt->rank * sizeof gt->dims[0]) != 0) {
        char a[96], b[96];
        return segi_error(SEG_ERR_SHAPE, "seg_confusion_add: gt shape %s != pred shape %s",
                          segi_shape_str(gt->rank, gt->dims, a, sizeof a),
                          segi_shape_str(pred->rank, pred->dims, b, sizeof b));
    }
    enum { CHUNK = 2048 };
    int64_t g[CHUNK], p[CHUNK];
    const size_t count = seg_tensor_count(gt);
    const int64_t n = cm->n;
    for (size_t off = 0; off < count; off += CHUNK) {
        size_t len = count - off < CHUNK ? count - off : CHUNK;
        load_labels(gt->data, gt->dtype, off, len, g);
        load_labels(pred->data, pred->dtype, off, len, p);
        /* Runs of equal (gt, pred) are common in label maps: one add per run avoids a
         * chain of dependent increments of the same cell. */
        for (size_t i = 0, j; i < len; i = j) {
            for (j = i + 1; j < len && g[j] == g[i] && p[j] == p[i]; j++)
                ;
            if (g[i] == cm->ignore || (uint64_t)g[i] >= (uint64_t)n)
                continue;
            int64_t col = (uint64_t)p[i] < (uint64_t)n ? p[i] : n;
            cm->m[g[i] * (n + 1) + col] += j - i;
        }
    }
    return SEG_OK;
}

seg_status seg_confusion_merge(seg_confusion *dst, const seg_confusion *src)
{
    SEGI_REQUIRE(dst);
    SEGI_REQUIRE(src);
    if (dst->n != src->n)
        return segi_error(SEG_ERR_SHAPE, "seg_confusion_merge: %lld classes vs %lld",
                          (long long)dst->n, (long long)src->n);
    size_t cells = (size_t)dst->n * (size_t)(dst->n + 1);
    for (size_t i = 0; i < cells; i++)
        dst->m[i] += src->m[i];
    return SEG_OK;
}

void seg_confusion_reset(seg_confusion *cm)
{
    if (cm)
        memset(cm->m, 0, (size_t)cm->n * (size_t)(cm->n + 1) * sizeof *cm->m);
}

static seg_status check_class(const seg_confusion *cm, int64_t c, int64_t limit,
                              const char *fn)
{
    if (!cm)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: argument 'cm' is NULL", fn);
    if (c < 0 || c >= limit)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: class %lld is outside [0, %lld)", fn,
                          (long long)c, (long long)limit);
    return SEG_OK;
}

seg_status seg_confusion_set_evaluated(seg_confusion *cm, int64_t class_id, int evaluated)
{
    seg_status st = check_class(cm, class_id, cm ? cm->n : 0, __func__);
    if (st == SEG_OK)
        cm->evaluated[class_id] = evaluated != 0;
    return st;
}

int64_t seg_confusion_classes(const seg_confusion *cm)
{
    return cm ? cm->n : 0;
}

seg_status seg_confusion_count(const seg_confusion *cm, int64_t gt_class, int64_t pred_class,
                               uint64_t *out)
{
    SEGI_REQUIRE(out);
    seg_status st = check_class(cm, gt_class, cm ? cm->n : 0, __func__);
    if (st == SEG_OK)
        st = check_class(cm, pred_class, cm->n + 1, __func__);
    if (st == SEG_OK)
        *out = cm->m[gt_class * (cm->n + 1) + pred_class];
    return st;
}

static class_counts counts_of(const seg_confusion *cm, int64_t c)
{
    const int64_t n = cm->n, stride = n + 1;
    class_counts k = {0, 0, 0};
    k.tp = (double)cm->m[c * stride + c];
    for (int64_t j = 0; j < stride; j++)
        k.gt += (double)cm->m[c * stride + j];
    /* Cityscapes: pixels whose gt class is not evaluated are nobody's false positive. */
    for (int64_t r = 0; r < n; r++)
        if (cm->evaluated[r])
            k.pred += (double)cm->m[r * stride + c];
    return k;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

static double class_iou(const seg_confusion *cm, seg_miou_policy policy, int64_t c)
{
    if (!cm->evaluated[c])
        return NAN;
    class_counts k = counts_of(cm, c);
    if (policy == SEG_MIOU_DETECTRON2 && k.gt == 0)
        return NAN;
    return ratio(k.tp, k.gt + k.pred - k.tp);
}

/* Per-class metrics share one signature; only IoU depends on the policy. */
typedef double (*class_metric)(const seg_confusion *cm, seg_miou_policy policy, int64_t c);

static double class_accuracy(const seg_confusion *cm, seg_miou_policy policy, int64_t c)
{
    (void)policy;
    if (!cm->evaluated[c])
        return NAN;
    class_counts k = counts_of(cm, c);
    return ratio(k.tp, k.gt);
}

static double class_dice(const seg_confusion *cm, seg_miou_policy policy, int64_t c)
{
    (void)policy;
    if (!cm->evaluated[c])
        return NAN;
    class_counts k = counts_of(cm, c);
    return ratio(2 * k.tp, k.gt + k.pred);
}

/* Mean over the evaluated classes; NaN values are skipped unless `plain`. */
static double class_mean(const seg_confusion *cm, class_metric metric, seg_miou_policy policy,
                         int plain)
{
    double sum = 0;
    int64_t used = 0;
    for (int64_t c = 0; c < cm->n; c++) {
        if (!cm->evaluated[c])
            continue;
        double v = metric(cm, policy, c);
        if (isnan(v) && !plain)
            continue;
        sum += v;
        used++;
    }
    return used ? sum / (double)used : NAN;
}

static seg_status check_policy(seg_miou_policy policy, const char *fn)
{
    if (policy != SEG_MIOU_TORCHVISION && policy != SEG_MIOU_MMSEG &&
        policy != SEG_MIOU_DETECTRON2)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: unknown mIoU policy %d", fn,
                          (int)policy);
    return SEG_OK;
}

static seg_status null_out(const char *fn)
{
    return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: argument 'out' is NULL", fn);
}

/* The public per-class getters: argument checks naming `fn`, then `metric`. */
static seg_status class_value(const seg_confusion *cm, class_metric metric,
                              seg_miou_policy policy, int64_t class_id, double *out,
                              const char *fn)
{
    if (!out)
        return null_out(fn);
    seg_status st = check_class(cm, class_id, cm ? cm->n : 0, fn);
    if (st == SEG_OK)
        st = check_policy(policy, fn);
    if (st == SEG_OK)
        *out = metric(cm, policy, class_id);
    return st;
}

/* The public means: argument checks naming `fn`, then class_mean(). */
static seg_status mean_value(const seg_confusion *cm, class_metric metric,
                             seg_miou_policy policy, int plain, double *out, const char *fn)
{
    if (!cm)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "%s: argument 'cm' is NULL", fn);
    if (!out)
        return null_out(fn);
    seg_status st = check_policy(policy, fn);
    if (st == SEG_OK)
        *out = class_mean(cm, metric, policy, plain);
    return st;
}

seg_status seg_confusion_class_iou(const seg_confusion *cm, seg_miou_policy policy,
                                   int64_t class_id, double *out)
{
    return class_value(cm, class_iou, policy, class_id, out, __func__);
}

seg_status seg_confusion_miou(const seg_confusion *cm, seg_miou_policy policy, double *out)
{
    return mean_value(cm, class_iou, policy, policy == SEG_MIOU_TORCHVISION, out, __func__);
}

seg_status seg_confusion_fwiou(const seg_confusion *cm, double *out)
{
    SEGI_REQUIRE(cm);
    SEGI_REQUIRE(out);
    double total = 0, sum = 0;
    for (int64_t c = 0; c < cm->n; c++)
        if (cm->evaluated[c])
            total += counts_of(cm, c).gt;
    for (int64_t c = 0; c < cm->n; c++) {
        double iou = class_iou(cm, SEG_MIOU_DETECTRON2, c);
        if (!isnan(iou))
            sum += iou * counts_of(cm, c).gt / total;
    }
    *out = total > 0 ? sum : NAN;
    return SEG_OK;
}

seg_status seg_confusion_pixel_accuracy(const seg_confusion *cm, double *out)
{
    SEGI_REQUIRE(cm);
    SEGI_REQUIRE(out);
    double tp = 0, total = 0;
    for (int64_t c = 0; c < cm->n; c++) {
        if (!cm->evaluated[c])
            continue;
        class_counts k = counts_of(cm, c);
        tp += k.tp;
        total += k.gt;
    }
    *out = ratio(tp, total);
    return SEG_OK;
}

seg_status seg_confusion_class_accuracy(const seg_confusion *cm, int64_t class_id, double *out)
{
    return class_value(cm, class_accuracy, SEG_MIOU_MMSEG, class_id, out, __func__);
}

seg_status seg_confusion_mean_accuracy(const seg_confusion *cm, double *out)
{
    return mean_value(cm, class_accuracy, SEG_MIOU_MMSEG, 0, out, __func__);
}

seg_status seg_confusion_class_dice(const seg_confusion *cm, int64_t class_id, double *out)
{
    return class_value(cm, class_dice, SEG_MIOU_MMSEG, class_id, out, __func__);
}

seg_status seg_confusion_mean_dice(const seg_confusion *cm, double *out)
{
    return mean_value(cm, class_dice, SEG_MIOU_MMSEG, 0, out, __func__);
}
