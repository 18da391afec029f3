/* Model profiles: accepted documents, defaults, and one error per bad field. */
#include "check.h"

#include "seg/seg_profile.h"

#include <string.h>

static seg_status load(const char *json, seg_profile **out)
{
    return seg_profile_load_memory(json, strlen(json), out);
}

#define POST_SEMANTIC "\"postprocess\": {\"task\": \"semantic\", \"decoder\": \"argmax\"}"
#define PRE_KEEP "\"preprocess\": {\"size\": \"keep\"}"

TEST(full_profile)
{
    const char *json =
        "{\"preprocess\": {\"input\": \"x\", \"size\": [512, 640], \"resize\": \"letterbox\","
        " \"pad_value\": 0, \"mean\": [0.485, 0.456, 0.406], \"std\": [0.229, 0.224, 0.225],"
        " \"scale\": 0.00392156862745098, \"channels\": \"bgr\"},"
        " \"postprocess\": {\"task\": \"panoptic\", \"decoder\": \"panoptic-deeplab\","
        " \"outputs\": [\"a\", \"b\", \"c\"], \"classes\": [\"road\", \"car\"],"
        " \"things\": [false, true], \"palette\": [[1, 2, 3]],"
        " \"thresholds\": {\"score\": 0.5, \"iou\": 0.6, \"mask\": 0.4, \"center\": 0.2,"
        " \"stuff_area\": 100, \"max_det\": 10}}}";
    seg_profile *p = NULL;
    CHECK_OK(load(json, &p));
    CHECK_EQ_INT(seg_profile_task(p), SEG_TASK_PANOPTIC);
    CHECK_EQ_INT(seg_profile_class_count(p), 2);
    CHECK_STR(seg_profile_class_name(p, 1), "car");
    CHECK(seg_profile_class_name(p, 2) == NULL);
    uint8_t rgb[3], voc[3];
    seg_profile_color(p, 0, rgb);
    CHECK(rgb[0] == 1 && rgb[1] == 2 && rgb[2] == 3);
    seg_profile_color(p, 1, rgb); /* beyond the palette: VOC, class 0 not black */
    seg_palette_voc(2, voc);
    CHECK(memcmp(rgb, voc, 3) == 0);
    seg_profile_destroy(p);
    seg_profile_destroy(NULL);
}

TEST(minimal_profile)
{
    seg_profile *p = NULL;
    CHECK_OK(load("{" PRE_KEEP ", " POST_SEMANTIC "}", &p));
    CHECK_EQ_INT(seg_profile_task(p), SEG_TASK_SEMANTIC);
    CHECK_EQ_INT(seg_profile_class_count(p), 0);
    uint8_t rgb[3];
    seg_profile_color(p, 0, rgb); /* semantic: label 0 keeps VOC black */
    CHECK(rgb[0] == 0 && rgb[1] == 0 && rgb[2] == 0);
    seg_profile_destroy(p);
}

/* Each document must fail with SEG_ERR_FORMAT and a message containing `field`. */
static void bad(const char *json, const char *field)
{
    seg_profile *p = (seg_profile *)&p;
    CHECK_FAIL(load(json, &p), SEG_ERR_FORMAT, field);
    CHECK(p == (seg_profile *)&p); /* untouched on failure */
}

TEST(bad_fields_are_named)
{
    bad("[1]", "(root): expected an object");
    bad("{" PRE_KEEP "}", "postprocess: missing");
    bad("{" POST_SEMANTIC "}", "preprocess: missing");
    bad("{" PRE_KEEP ", " POST_SEMANTIC ", \"extra\": 1}", "(root).extra: unknown field");
    bad("{\"preprocess\": {}, " POST_SEMANTIC "}", "preprocess.size: missing");
    bad("{\"preprocess\": {\"size\": \"big\"}, " POST_SEMANTIC "}", "preprocess.size: expected");
    bad("{\"preprocess\": {\"size\": [1]}, " POST_SEMANTIC "}",
        "preprocess.size: expected 2 elements, got 1");
    bad("{\"preprocess\": {\"size\": [4, 0]}, " POST_SEMANTIC "}", "preprocess.size[1]: 0 is outside");
    bad("{\"preprocess\": {\"size\": [4, 2.5]}, " POST_SEMANTIC "}",
        "preprocess.size[1]: expected an integer");
    bad("{\"preprocess\": {\"size\": \"keep\", \"resize\": \"stretch\"}, " POST_SEMANTIC "}",
        "preprocess.resize: not allowed");
    bad("{\"preprocess\": {\"size\": [2, 2], \"resize\": \"crop\"}, " POST_SEMANTIC "}",
        "preprocess.resize: unknown value 'crop'");
    bad("{\"preprocess\": {\"size\": \"keep\", \"mean\": [0, 0, \"x\"]}, " POST_SEMANTIC "}",
        "preprocess.mean[2]: expected a number");
    bad("{\"preprocess\": {\"size\": \"keep\", \"std\": [1, 0, 1]}, " POST_SEMANTIC "}",
        "preprocess.std[1]: 0 is outside");
    bad("{\"preprocess\": {\"size\": \"keep\", \"scale\": \"1/255\"}, " POST_SEMANTIC "}",
        "preprocess.scale: expected a number");
    bad("{\"preprocess\": {\"size\": \"keep\", \"channels\": \"rgba\"}, " POST_SEMANTIC "}",
        "preprocess.channels: unknown value");
    bad("{\"preprocess\": {\"size\": \"keep\", \"input\": 3}, " POST_SEMANTIC "}",
        "preprocess.input: expected a string");
    bad("{\"preprocess\": {\"size\": \"keep\", \"sise\": 3}, " POST_SEMANTIC "}",
        "preprocess.sise: unknown field");
    bad("{" PRE_KEEP ", \"postprocess\": {\"decoder\": \"argmax\"}}", "postprocess.task: missing");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"depth\", \"decoder\": \"argmax\"}}",
        "postprocess.task: unknown value 'depth'");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"instance\"}}", "postprocess.decoder: missing");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"instance\", \"decoder\": \"argmax\"}}",
        "postprocess.decoder: 'argmax' does not produce task 'instance'");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"semantic\", \"decoder\": \"argmax\","
        " \"outputs\": []}}", "postprocess.outputs: expected 1..8 elements, got 0");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"semantic\", \"decoder\": \"argmax\","
        " \"outputs\": [\"a\", null]}}", "postprocess.outputs[1]: expected a string");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"panoptic\", \"decoder\": \"panoptic-fpn\","
        " \"outputs\": [\"a\", \"b\", \"c\"]}}",
        "postprocess.outputs: decoder 'panoptic-fpn' takes 5 outputs (semantic logits, boxes, "
        "labels, scores, masks), got 3");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"semantic\", \"decoder\": \"argmax\","
        " \"classes\": [\"a\", 7]}}", "postprocess.classes[1]: expected a string");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"panoptic\", \"decoder\": \"panoptic-deeplab\","
        " \"things\": [true]}}", "postprocess.things: needs postprocess.classes");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"panoptic\", \"decoder\": \"panoptic-deeplab\","
        " \"classes\": [\"a\", \"b\"], \"things\": [true]}}",
        "postprocess.things: expected 2 elements, got 1");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"panoptic\", \"decoder\": \"panoptic-deeplab\","
        " \"classes\": [\"a\"], \"things\": [1]}}", "postprocess.things[0]: expected true or false");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"semantic\", \"decoder\": \"argmax\","
        " \"palette\": [[0, 0, 0], [0, 256, 0]]}}", "postprocess.palette[1][1]: 256 is outside");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"instance\", \"decoder\": \"yolo-seg\","
        " \"thresholds\": {\"score\": 1.5}}}", "postprocess.thresholds.score: 1.5 is outside");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"instance\", \"decoder\": \"yolo-seg\","
        " \"thresholds\": {\"max_det\": 2.5}}}", "postprocess.thresholds.max_det: expected an integer");
    bad("{" PRE_KEEP ", \"postprocess\": {\"task\": \"instance\", \"decoder\": \"yolo-seg\","
        " \"thresholds\": {\"nms\": 0.5}}}", "postprocess.thresholds.nms: unknown field");
    bad("{" PRE_KEEP ", " POST_SEMANTIC "", "invalid JSON at line 1");
    bad("{" PRE_KEEP ", " PRE_KEEP ", " POST_SEMANTIC "}", "invalid JSON");
}

/* Every proper prefix of a valid profile is invalid JSON: FORMAT, nothing leaked. */
TEST(prefixes_fail_cleanly)
{
    const char *json = "{\"preprocess\": {\"size\": [8, 8], \"mean\": [1, 2, 3]},"
                       " \"postprocess\": {\"task\": \"instance\", \"decoder\": \"yolo-seg\","
                       " \"classes\": [\"a\", \"b\"], \"palette\": [[1, 2, 3]]}}";
    size_t n = strlen(json);
    for (size_t len = 0; len < n; len++) {
        seg_profile *p = NULL;
        seg_status st = seg_profile_load_memory(json, len, &p);
        CHECK_EQ_INT(st, SEG_ERR_FORMAT);
        CHECK(p == NULL);
    }
    seg_profile *p = NULL;
    CHECK_OK(seg_profile_load_memory(json, n, &p));
    seg_profile_destroy(p);
}

TEST(file_errors)
{
    seg_profile *p = NULL;
    CHECK_FAIL(seg_profile_load_file("/nonexistent/x.seg.json", &p), SEG_ERR_IO, "x.seg.json");
    CHECK_FAIL(seg_profile_load_file(NULL, &p), SEG_ERR_INVALID_ARGUMENT, "path");
    CHECK_FAIL(seg_profile_load_memory("{}", 2, NULL), SEG_ERR_INVALID_ARGUMENT, "out");
}

int main(void)
{
    return RUN_TESTS(CASE(full_profile), CASE(minimal_profile), CASE(bad_fields_are_named),
                     CASE(prefixes_fail_cleanly), CASE(file_errors));
}
