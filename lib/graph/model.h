/* What the public seg_model and seg_session handles are. */
#ifndef SEGI_MODEL_H
#define SEGI_MODEL_H

#include "graph/plan.h"
#include "seg/seg_model.h"

struct seg_model {
    segi_graph *g;
};

struct seg_session {
    const seg_model *model;
    segi_plan *plan;
    const seg_tensor **inputs;  /* scratch for run_named, one per graph input */
    bool has_outputs;
    segi_pool *pool;            /* SEG_OPT_THREADS threads for the kernels */
    bool profile;               /* SEG_OPT_PROFILE_NODES */
};

#endif
