/* Confusion matrix and mIoU policies.
 * Goldens: tests/goldens/metrics.py semantic() re-implements torchvision's
 * ConfusionMatrix.compute, mmsegmentation's total_area_to_metrics, detectron2's
 * SemSegEvaluator.evaluate and Cityscapes' getIouScoreForLabel (reference §1).
 * The hand-computed cases are worked out in their comments. */
#include "metrics_test.h"

static seg_tensor *wrap_u8(uint8_t *data, int64_t h, int64_t w)
{
    int64_t dims[2] = {h, w};
    seg_tensor *t = NULL;
    CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 2, dims, data, (size_t)(h * w), &t));
    return t;
}

/* Hand-computed (reference §1): gt [[0,0,1],[1,255,7]], pred [[0,1,1],[2,0,1]], 3
 * classes. 255 is ignored and 7 dropped (torchvision drops gt outside [0, n)), so the
 * counted pairs are (0,0) (0,1) (1,1) (1,2). Class 0: tp 1, gt 2, pred 1 -> IoU 1/2.
 * Class 1: tp 1, gt 2, pred 2 -> 1/3. Class 2: predicted once, never gt -> IoU 0 for
 * torchvision and mmseg, NaN (not averaged) for detectron2. */
TEST(hand_computed_policies)
{
    uint8_t g[6] = {0, 0, 1, 1, 255, 7}, p[6] = {0, 1, 1, 2, 0, 1};
    seg_tensor *gt = wrap_u8(g, 2, 3), *pred = wrap_u8(p, 2, 3);
    seg_confusion *cm = NULL;
    CHECK_OK(seg_confusion_create(3, 255, &cm));
    CHECK_OK(seg_confusion_add(cm, gt, pred));
    double v;
    uint64_t c;
    CHECK_OK(seg_confusion_count(cm, 1, 2, &c));
    CHECK_EQ_INT(c, 1);
    CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_TORCHVISION, 0, &v));
    CHECK_NEAR(v, 0.5, 1e-15);
    CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_MMSEG, 1, &v));
    CHECK_NEAR(v, 1.0 / 3, 1e-15);
    CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_MMSEG, 2, &v));
    CHECK_NEAR(v, 0.0, 0);
    CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_DETECTRON2, 2, &v));
    CHECK(isnan(v));
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_TORCHVISION, &v));
    CHECK_NEAR(v, (0.5 + 1.0 / 3) / 3, 1e-15);
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_DETECTRON2, &v));
    CHECK_NEAR(v, (0.5 + 1.0 / 3) / 2, 1e-15);
    CHECK_OK(seg_confusion_pixel_accuracy(cm, &v));
    CHECK_NEAR(v, 0.5, 1e-15);
    CHECK_OK(seg_confusion_class_dice(cm, 1, &v)); /* 2 * 1 / (2 + 2) */
    CHECK_NEAR(v, 0.5, 1e-15);
    seg_confusion_destroy(cm);

    /* A fourth class that appears nowhere: torchvision's plain mean becomes NaN, the
     * nanmean of mmsegmentation does not. */
    CHECK_OK(seg_confusion_create(4, 255, &cm));
    CHECK_OK(seg_confusion_add(cm, gt, pred));
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_TORCHVISION, &v));
    CHECK(isnan(v));
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_MMSEG, &v));
    CHECK_NEAR(v, (0.5 + 1.0 / 3) / 3, 1e-15);
    seg_confusion_destroy(cm);

    /* The ignore label may be a class index (mmsegmentation's reduce_zero_label data
     * use 0 as "other"): with ignore 0 only (1,1) and (1,2) count, so accuracy is 1/2. */
    CHECK_OK(seg_confusion_create(3, 0, &cm));
    CHECK_OK(seg_confusion_add(cm, gt, pred));
    CHECK_OK(seg_confusion_pixel_accuracy(cm, &v));
    CHECK_NEAR(v, 0.5, 0);
    CHECK_OK(seg_confusion_count(cm, 0, 0, &c));
    CHECK_EQ_INT(c, 0);
    seg_confusion_destroy(cm);
    seg_tensor_destroy(gt);
    seg_tensor_destroy(pred);
}

/* Accumulate the golden images one by one, in i32 and u8, and compare every policy. */
static seg_confusion *golden_matrix(int64_t n, seg_dtype pred_dtype)
{
    seg_tensor *gt = metrics_npy("sem_gt.npy"), *pred = metrics_npy("sem_pred.npy");
    seg_tensor *pred_conv = NULL;
    seg_confusion *cm = NULL;
    CHECK_OK(seg_tensor_convert(pred, pred_dtype, &pred_conv));
    CHECK_OK(seg_confusion_create(n, 255, &cm));
    const int64_t *d = seg_tensor_dims(gt);
    int64_t dims[2] = {d[1], d[2]};
    size_t plane = (size_t)(d[1] * d[2]);
    for (int64_t i = 0; i < d[0]; i++) {
        seg_tensor *g = NULL, *p = NULL;
        CHECK_OK(seg_tensor_wrap(SEG_DTYPE_U8, 2, dims, (uint8_t *)seg_tensor_data(gt) +
                                 i * plane, plane, &g));
        CHECK_OK(seg_tensor_wrap(pred_dtype, 2, dims, (char *)seg_tensor_data(pred_conv) +
                                 i * plane * seg_dtype_size(pred_dtype),
                                 plane * seg_dtype_size(pred_dtype), &p));
        CHECK_OK(seg_confusion_add(cm, g, p));
        seg_tensor_destroy(g);
        seg_tensor_destroy(p);
    }
    seg_tensor_destroy(gt);
    seg_tensor_destroy(pred);
    seg_tensor_destroy(pred_conv);
    return cm;
}

TEST(golden_policies_match_numpy)
{
    json_t *j = metrics_json("semantic.json");
    seg_confusion *cm = golden_matrix(6, SEG_DTYPE_I32);
    double v;
    for (int64_t c = 0; c < 6; c++) {
        for (int64_t p = 0; p < 7; p++) {
            uint64_t k;
            CHECK_OK(seg_confusion_count(cm, c, p, &k));
            CHECK_EQ_INT(k, json_integer_value(json_array_get(
                                json_array_get(json_object_get(j, "matrix"), (size_t)c),
                                (size_t)p)));
        }
        CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_TORCHVISION, c, &v));
        CHECK_SAME(v, golden_at(j, "torchvision", "iou", (size_t)c), 1e-12);
        CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_MMSEG, c, &v));
        CHECK_SAME(v, golden_at(j, "mmseg", "iou", (size_t)c), 1e-12);
        CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_DETECTRON2, c, &v));
        CHECK_SAME(v, golden_at(j, "detectron2", "iou", (size_t)c), 1e-12);
        CHECK_OK(seg_confusion_class_accuracy(cm, c, &v));
        CHECK_SAME(v, golden_at(j, "mmseg", "acc", (size_t)c), 1e-12);
        CHECK_OK(seg_confusion_class_dice(cm, c, &v));
        CHECK_SAME(v, golden_at(j, "mmseg", "dice", (size_t)c), 1e-12);
    }
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_TORCHVISION, &v));
    CHECK_SAME(v, golden(j, "torchvision", "miou"), 1e-12);
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_MMSEG, &v));
    CHECK_SAME(v, golden(j, "mmseg", "miou"), 1e-12);
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_DETECTRON2, &v));
    CHECK_SAME(v, golden(j, "detectron2", "miou"), 1e-12);
    CHECK_OK(seg_confusion_fwiou(cm, &v));
    CHECK_SAME(v, golden(j, "detectron2", "fwiou"), 1e-12);
    CHECK_OK(seg_confusion_pixel_accuracy(cm, &v));
    CHECK_SAME(v, golden(j, "detectron2", "pacc"), 1e-12);
    CHECK_SAME(v, golden(j, "mmseg", "aacc"), 1e-12);
    CHECK_OK(seg_confusion_mean_accuracy(cm, &v));
    CHECK_SAME(v, golden(j, "mmseg", "macc"), 1e-12);
    CHECK_SAME(v, golden(j, "detectron2", "macc"), 1e-12);
    CHECK_OK(seg_confusion_mean_dice(cm, &v));
    CHECK_SAME(v, golden(j, "mmseg", "mdice"), 1e-12);

    /* Cityscapes ignoreInEval on class 1, averaged as getScoreAverage (nanmean). */
    CHECK_OK(seg_confusion_set_evaluated(cm, 1, 0));
    for (int64_t c = 0; c < 6; c++) {
        CHECK_OK(seg_confusion_class_iou(cm, SEG_MIOU_MMSEG, c, &v));
        CHECK_SAME(v, golden_at(j, "cityscapes", "iou", (size_t)c), 1e-12);
    }
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_MMSEG, &v));
    CHECK_SAME(v, golden(j, "cityscapes", "miou"), 1e-12);
    seg_confusion_destroy(cm);

    /* Seven classes, the last absent everywhere: torchvision's mean is NaN; u8 preds. */
    cm = golden_matrix(7, SEG_DTYPE_U8);
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_TORCHVISION, &v));
    CHECK_SAME(v, golden(j, "torchvision_7", "miou"), 0);
    CHECK_OK(seg_confusion_miou(cm, SEG_MIOU_MMSEG, &v));
    CHECK_SAME(v, golden(j, "mmseg", "miou"), 1e-12);
    seg_confusion_destroy(cm);
    json_decref(j);
}

TEST(merge_reset_and_errors)
{
    uint8_t g[6] = {0, 0, 1, 1, 255, 7}, p[6] = {0, 1, 1, 2, 0, 1};
    seg_tensor *gt = wrap_u8(g, 2, 3), *pred = wrap_u8(p, 3, 2), *pred_ok = wrap_u8(p, 2, 3);
    seg_confusion *a = NULL, *b = NULL, *c = NULL;
    CHECK_OK(seg_confusion_create(3, 255, &a));
    CHECK_OK(seg_confusion_create(3, 255, &b));
    CHECK_OK(seg_confusion_create(4, 255, &c));
    CHECK_FAIL(seg_confusion_add(a, gt, pred), SEG_ERR_SHAPE, "gt shape [2, 3] != pred shape [3, 2]");
    CHECK_OK(seg_confusion_add(a, gt, pred_ok));
    CHECK_OK(seg_confusion_add(b, gt, pred_ok));
    CHECK_OK(seg_confusion_merge(a, b));
    uint64_t k = 0;
    CHECK_OK(seg_confusion_count(a, 0, 1, &k));
    CHECK_EQ_INT(k, 2);
    CHECK_FAIL(seg_confusion_merge(a, c), SEG_ERR_SHAPE, "3 classes vs 4");
    CHECK_FAIL(seg_confusion_count(a, 0, 4, &k), SEG_ERR_INVALID_ARGUMENT, "class 4 is outside [0, 4)");
    double v;
    CHECK_FAIL(seg_confusion_miou(a, (seg_miou_policy)7, &v), SEG_ERR_INVALID_ARGUMENT, "policy 7");
    seg_confusion_reset(a);
    CHECK_OK(seg_confusion_pixel_accuracy(a, &v));
    CHECK(isnan(v));
    seg_confusion *none = NULL;
    CHECK_FAIL(seg_confusion_create(0, 255, &none), SEG_ERR_INVALID_ARGUMENT, "n_classes 0");
    CHECK(none == NULL);
    seg_tensor *f = NULL;
    int64_t dims[2] = {2, 3};
    CHECK_OK(seg_tensor_create(SEG_DTYPE_F32, 2, dims, &f));
    CHECK_FAIL(seg_confusion_add(a, f, pred_ok), SEG_ERR_UNSUPPORTED, "gt has dtype f32");
    seg_tensor_destroy(f);
    seg_confusion_destroy(a);
    seg_confusion_destroy(b);
    seg_confusion_destroy(c);
    seg_confusion_destroy(NULL);
    seg_tensor_destroy(gt);
    seg_tensor_destroy(pred);
    seg_tensor_destroy(pred_ok);
}

int main(void)
{
    return RUN_TESTS(CASE(hand_computed_policies), CASE(golden_policies_match_numpy),
                     CASE(merge_reset_and_errors));
}
