/*
 * seg.h: the umbrella header. Include this and link with `pkg-config --libs libseg`.
 */
#ifndef SEG_H
#define SEG_H

#include "seg_common.h"
#include "seg_mask.h"
#include "seg_npy.h"
#include "seg_options.h"
#include "seg_tensor.h"
#include "seg_semantic.h"
#include "seg_instances.h"
#include "seg_panoptic.h"
#include "seg_metrics.h"
#include "seg_image.h"
#include "seg_model.h"
#include "seg_profile.h"
#include "seg_sequence.h"

#endif /* SEG_H */
