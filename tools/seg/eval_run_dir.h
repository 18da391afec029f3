/* `seg eval` on a `seg run` output folder: the per-image JSON files gathered into the
 * one document the COCO evaluators take, each image matched to the ground truth's
 * "images" entry of the same file stem. */
#ifndef SEG_TOOL_EVAL_RUN_DIR_H
#define SEG_TOOL_EVAL_RUN_DIR_H

#include <stddef.h>

/* Writes a new temporary file, its path into path[cap], holding either the COCO
 * instance results (every detection of each RUN_DIR/<stem>.json with "image_id" set)
 * or, with `panoptic`, the COCO panoptic predictions {"annotations": [each
 * RUN_DIR/<stem>.json with "image_id" set]}. The caller removes the file. Returns 0,
 * or 1 after printing why (no file left behind). */
int run_dir_gather(const char *gt_json, const char *run_dir, int panoptic, char *path,
                   size_t cap);

#endif
