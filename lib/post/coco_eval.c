/* COCO mask AP / AR with the semantics of pycocotools' COCOeval (iouType "segm", default
 * Params): per image and category, detections sorted by score (stable) and cut to 100,
 * greedy matching per IoU threshold preferring non-ignored gt, crowd gt absorbing any
 * number of detections; gt outside an area range (by their JSON area) ignored, unmatched
 * detections outside it ignored; precision made monotone and sampled at 101 recall
 * points; -1 where nothing can be averaged. */
#include "seg/seg_metrics.h"

#include "core/error.h"
#include "post/coco_mask.h"
#include "core/options.h"
#include "post/json.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_IOU = 10, N_REC = 101, N_AREA = 4, N_MAXDET = 3, MAX_DETS = 100 };

static const int max_dets[N_MAXDET] = {1, 10, 100};
static const double area_lo[N_AREA] = {0, 0, 32 * 32, 96 * 96};
static const double area_hi[N_AREA] = {1e10, 32 * 32, 96 * 96, 1e10};

struct seg_coco_eval {
    size_t ncat;
    int64_t *cat_ids;
    char **cat_names;
    double *cat_ap;
    double stats[SEG_COCO_STAT_COUNT];
};

typedef struct coco_ann {
    size_t img, cat;
    size_t cell;  /* index into coco_data.cell_keys */
    double area;  /* gt: the JSON "area" (a result's area comes from its mask) */
    double score; /* detections */
    int crowd;    /* gt */
    const json_t *seg;
    size_t index; /* position in its file, for messages */
} coco_ann;

/* Anns grouped by cell, in file order within a cell. */
typedef struct coco_group {
    size_t *off; /* ncell + 1 */
    size_t *idx;
} coco_group;

/* evaluateImg's output for one (image, category), for every area range. */
typedef struct cell_eval {
    size_t nd;
    double *scores;  /* nd, sorted by score */
    uint8_t *flags;  /* [area][iou][nd]: bit 0 matched, bit 1 ignored */
    int64_t npig[N_AREA];
} cell_eval;

typedef struct coco_data {
    const char *gt_name, *res_name;
    size_t nimg, ncat, ngt, ndt;
    int64_t *img_ids, *img_h, *img_w;
    int64_t *cat_ids;
    const char **cat_names;
    coco_ann *gt, *dt;
    coco_group gg, dg;
    /* Only the (category, image) cells holding a gt or a result are stored: the full
     * ncat x nimg grid of a small JSON with many images and categories is too big. */
    size_t ncell;
    size_t *cell_keys; /* ncell, increasing cat * nimg + img */
    size_t *cat_cells; /* ncat + 1: category k's cells are [cat_cells[k], cat_cells[k+1]) */
    cell_eval *cells;  /* ncell */
    double iou_thr[N_IOU], rec_thr[N_REC];
} coco_data;

/* ---- thresholds: as np.linspace computes them --------------------------- */

static void thresholds(coco_data *d)
{
    double step = (0.95 - 0.5) / 9;
    for (int i = 0; i < N_IOU; i++)
        d->iou_thr[i] = i == N_IOU - 1 ? 0.95 : (double)i * step + 0.5;
    for (int i = 0; i < N_REC; i++)
        d->rec_thr[i] = i == N_REC - 1 ? 1.0 : (double)i * 0.01;
}

/* ---- parsing ------------------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Index of `id` in the sorted `ids`, or -1. */
static ptrdiff_t find_id(const int64_t *ids, size_t n, int64_t id)
{
    const int64_t *p = bsearch(&id, ids, n, sizeof *ids, cmp_i64);
    return p ? p - ids : -1;
}

static seg_status check_unique(const int64_t *ids, size_t n, const char *what, const char *path)
{
    for (size_t i = 1; i < n; i++)
        if (ids[i] == ids[i - 1])
            return segi_error(SEG_ERR_FORMAT, "%s: %s id %lld appears twice", path, what,
                              (long long)ids[i]);
    return SEG_OK;
}

/* id, height, width of images[i] into rec[i]. */
static seg_status read_image(const json_t *im, size_t i, const char *where, void *ctx)
{
    int64_t *rec = (int64_t *)ctx + 3 * i;
    seg_status st = segi_json_int(im, "id", where, &rec[0]);
    if (st == SEG_OK)
        st = segi_json_int(im, "height", where, &rec[1]);
    if (st == SEG_OK)
        st = segi_json_int(im, "width", where, &rec[2]);
    if (st == SEG_OK && (rec[1] <= 0 || rec[2] <= 0 || rec[1] > 1 << 20 || rec[2] > 1 << 20))
        st = segi_error(SEG_ERR_FORMAT, "%s: size %lldx%lld is out of range", where,
                        (long long)rec[2], (long long)rec[1]);
    return st;
}

static seg_status read_images(coco_data *d, const json_t *gt, const char *path)
{
    json_t *imgs = NULL;
    seg_status st = segi_json_array(gt, "images", path, &imgs);
    if (st != SEG_OK)
        return st;
    d->nimg = json_array_size(imgs);
    int64_t (*rec)[3] = calloc(d->nimg + 1, sizeof *rec);
    d->img_ids = calloc(d->nimg + 1, sizeof *d->img_ids);
    d->img_h = calloc(d->nimg + 1, sizeof *d->img_h);
    d->img_w = calloc(d->nimg + 1, sizeof *d->img_w);
    if (!rec || !d->img_ids || !d->img_h || !d->img_w)
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu images", path, d->nimg);
    if (st == SEG_OK)
        st = segi_json_each(imgs, path, "images", read_image, rec);
    if (st == SEG_OK) {
        /* COCOeval's imgIds are sorted; records sort by their leading id. */
        qsort(rec, d->nimg, sizeof *rec, cmp_i64);
        for (size_t i = 0; i < d->nimg; i++) {
            d->img_ids[i] = rec[i][0];
            d->img_h[i] = rec[i][1];
            d->img_w[i] = rec[i][2];
        }
        st = check_unique(d->img_ids, d->nimg, "image", path);
    }
    free(rec);
    return st;
}

static seg_status read_category_id(const json_t *c, size_t i, const char *where, void *ctx)
{
    return segi_json_int(c, "id", where, (int64_t *)ctx + i);
}

static seg_status read_categories(coco_data *d, const json_t *gt, const char *path)
{
    json_t *cats = NULL, *c;
    seg_status st = segi_json_array(gt, "categories", path, &cats);
    if (st != SEG_OK)
        return st;
    d->ncat = json_array_size(cats);
    d->cat_ids = calloc(d->ncat + 1, sizeof *d->cat_ids);
    d->cat_names = calloc(d->ncat + 1, sizeof *d->cat_names);
    if (!d->cat_ids || !d->cat_names)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu categories", path, d->ncat);
    st = segi_json_each(cats, path, "categories", read_category_id, d->cat_ids);
    if (st != SEG_OK)
        return st;
    qsort(d->cat_ids, d->ncat, sizeof *d->cat_ids, cmp_i64);
    st = check_unique(d->cat_ids, d->ncat, "category", path);
    size_t i;
    json_array_foreach(cats, i, c) {
        json_t *name = json_object_get(c, "name");
        ptrdiff_t k = find_id(d->cat_ids, d->ncat, json_integer_value(json_object_get(c, "id")));
        d->cat_names[k] = json_is_string(name) ? json_string_value(name) : "";
    }
    return st;
}

/* image_id and category_id of an annotation or result, as indexes. */
static seg_status read_ann(const coco_data *d, const json_t *a, size_t i, const char *where,
                           coco_ann *out)
{
    int64_t image_id, cat_id;
    out->index = i;
    seg_status st = segi_json_int(a, "image_id", where, &image_id);
    if (st == SEG_OK)
        st = segi_json_int(a, "category_id", where, &cat_id);
    if (st != SEG_OK)
        return st;
    ptrdiff_t img = find_id(d->img_ids, d->nimg, image_id);
    ptrdiff_t cat = find_id(d->cat_ids, d->ncat, cat_id);
    if (img < 0)
        return segi_error(SEG_ERR_FORMAT, "%s: image_id %lld is not an image of the ground "
                          "truth", where, (long long)image_id);
    if (cat < 0)
        return segi_error(SEG_ERR_FORMAT, "%s: category_id %lld is not a category of the "
                          "ground truth", where, (long long)cat_id);
    out->img = (size_t)img;
    out->cat = (size_t)cat;
    return SEG_OK;
}

/* Checked when the mask is decoded; here only its presence. */
static seg_status read_segmentation(const json_t *a, const char *where, coco_ann *out)
{
    if (!(out->seg = json_object_get(a, "segmentation")))
        return segi_error(SEG_ERR_FORMAT, "%s: field 'segmentation' is missing", where);
    return SEG_OK;
}

static seg_status read_gt_ann(const json_t *a, size_t i, const char *where, void *ctx)
{
    coco_data *d = ctx;
    coco_ann *g = &d->gt[i];
    int64_t crowd = 0;
    seg_status st = read_ann(d, a, i, where, g);
    if (st == SEG_OK)
        st = segi_json_number(a, "area", where, &g->area);
    if (st == SEG_OK)
        st = segi_json_int_or(a, "iscrowd", where, 0, &crowd);
    if (st == SEG_OK)
        st = read_segmentation(a, where, g);
    g->crowd = crowd != 0;
    return st;
}

static seg_status read_gt_anns(coco_data *d, const json_t *gt, const char *path)
{
    json_t *anns = NULL;
    seg_status st = segi_json_array(gt, "annotations", path, &anns);
    if (st != SEG_OK)
        return st;
    d->ngt = json_array_size(anns);
    d->gt = calloc(d->ngt + 1, sizeof *d->gt);
    if (!d->gt)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu annotations", path, d->ngt);
    return segi_json_each(anns, path, "annotations", read_gt_ann, d);
}

static seg_status read_result(const json_t *a, size_t i, const char *where, void *ctx)
{
    coco_data *d = ctx;
    coco_ann *r = &d->dt[i];
    seg_status st = read_ann(d, a, i, where, r);
    if (st == SEG_OK)
        st = segi_json_number(a, "score", where, &r->score);
    return st == SEG_OK ? read_segmentation(a, where, r) : st;
}

static seg_status read_results(coco_data *d, const json_t *res, const char *path)
{
    if (!json_is_array(res))
        return segi_error(SEG_ERR_FORMAT, "%s: is %s; expected a list of results", path,
                          segi_json_kind(res));
    d->ndt = json_array_size(res);
    d->dt = calloc(d->ndt + 1, sizeof *d->dt);
    if (!d->dt)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu results", path, d->ndt);
    return segi_json_each(res, path, "", read_result, d);
}

/* ---- grouping ------------------------------------------------------------ */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static size_t cell_key(const coco_data *d, const coco_ann *a)
{
    return a->cat * d->nimg + a->img;
}

static void assign_cells(const coco_data *d, coco_ann *anns, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t key = cell_key(d, &anns[i]);
        const size_t *p = bsearch(&key, d->cell_keys, d->ncell, sizeof key, cmp_size);
        anns[i].cell = (size_t)(p - d->cell_keys);
    }
}

/* The non-empty cells, in key order, and where each category's cells start. */
static seg_status index_cells(coco_data *d)
{
    d->cell_keys = malloc((d->ngt + d->ndt + 1) * sizeof *d->cell_keys);
    d->cat_cells = calloc(d->ncat + 1, sizeof *d->cat_cells);
    if (!d->cell_keys || !d->cat_cells)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "COCO evaluation: %zu cells",
                          d->ngt + d->ndt);
    for (size_t i = 0; i < d->ngt; i++)
        d->cell_keys[i] = cell_key(d, &d->gt[i]);
    for (size_t i = 0; i < d->ndt; i++)
        d->cell_keys[d->ngt + i] = cell_key(d, &d->dt[i]);
    qsort(d->cell_keys, d->ngt + d->ndt, sizeof *d->cell_keys, cmp_size);
    for (size_t i = 0; i < d->ngt + d->ndt; i++)
        if (d->ncell == 0 || d->cell_keys[i] != d->cell_keys[d->ncell - 1])
            d->cell_keys[d->ncell++] = d->cell_keys[i];
    for (size_t c = 0; c < d->ncell; c++)
        d->cat_cells[d->cell_keys[c] / d->nimg + 1]++;
    for (size_t k = 0; k < d->ncat; k++)
        d->cat_cells[k + 1] += d->cat_cells[k];
    assign_cells(d, d->gt, d->ngt);
    assign_cells(d, d->dt, d->ndt);
    return SEG_OK;
}

static seg_status group(const coco_data *d, const coco_ann *anns, size_t n, coco_group *g)
{
    size_t cells = d->ncell;
    g->off = calloc(cells + 1, sizeof *g->off);
    g->idx = malloc((n + 1) * sizeof *g->idx);
    size_t *fill = calloc(cells + 1, sizeof *fill);
    if (!g->off || !g->idx || !fill) {
        free(fill);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "grouping %zu annotations", n);
    }
    for (size_t i = 0; i < n; i++)
        g->off[anns[i].cell + 1]++;
    for (size_t c = 0; c < cells; c++)
        g->off[c + 1] += g->off[c];
    for (size_t i = 0; i < n; i++) {
        size_t c = anns[i].cell;
        g->idx[g->off[c] + fill[c]++] = i;
    }
    free(fill);
    return SEG_OK;
}

/* ---- per image and category (computeIoU + evaluateImg) ------------------- */

/* Sort keys: score descending, then position, which makes the sort stable. */
typedef struct ranked {
    double score;
    size_t pos;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Decode gt (polygons allowed) or results (RLE only) masks of one cell. */
static seg_status decode_all(const coco_data *d, int is_gt, const size_t *idx, size_t n,
                             seg_rle **masks)
{
    char where[512];
    for (size_t i = 0; i < n; i++) {
        const coco_ann *a = is_gt ? &d->gt[idx[i]] : &d->dt[idx[i]];
        snprintf(where, sizeof where, is_gt ? "%s: annotations[%zu]" : "%s: [%zu]",
                 is_gt ? d->gt_name : d->res_name, a->index);
        seg_status st = segi_coco_mask_from_json(a->seg, d->img_h[a->img], d->img_w[a->img],
                                                 is_gt, where, &masks[i]);
        if (st != SEG_OK)
            return st;
    }
    return SEG_OK;
}

/* One cell's scratch. `iou` is [gt in file order][result in score order]
 * (seg_rle_iou's layout); `gorder` lists gt with the non-ignored first. */
typedef struct cell_work {
    seg_rle **gm, **dm;
    const seg_rle **top; /* the results in score order, at most 100 */
    coco_ann *gts;
    ranked *order;
    double *iou, *darea;
    size_t *gorder;
    uint8_t *gign, *gmatched, *gcrowd;
} cell_work;

/* Greedy matching of one area range at one IoU threshold (evaluateImg's inner loops). */
static void match_threshold(double thr, size_t nd, size_t ng, const cell_work *w,
                            double lo, double hi, uint8_t *flags)
{
    const size_t *gorder = w->gorder;
    const uint8_t *gign = w->gign;
    const uint8_t *gcrowd = w->gcrowd;
    const double *iou = w->iou, *darea = w->darea;
    uint8_t *gm = w->gmatched;
    memset(gm, 0, ng);
    for (size_t di = 0; di < nd; di++) {
        double best = thr < 1 - 1e-10 ? thr : 1 - 1e-10;
        ptrdiff_t m = -1;
        for (size_t k = 0; k < ng; k++) {
            size_t g = gorder[k];
            if (gm[k] && !gcrowd[g])
                continue;
            if (m > -1 && !gign[m] && gign[k])
                break;
            if (iou[g * nd + di] < best)
                continue;
            best = iou[g * nd + di];
            m = (ptrdiff_t)k;
        }
        uint8_t f = 0;
        if (m > -1) {
            f = (uint8_t)(1 | (gign[m] ? 2 : 0));
            gm[m] = 1;
        } else if (darea[di] < lo || darea[di] > hi) {
            f = 2;
        }
        flags[di] = f;
    }
}

/* evaluateImg for the four area ranges of one cell, given the IoUs. */
static void evaluate_cell(const coco_data *d, size_t ng, cell_work *w, cell_eval *ce)
{
    const coco_ann *gts = w->gts;
    size_t *gorder = w->gorder;
    uint8_t *gign = w->gign;
    for (int a = 0; a < N_AREA; a++) {
        /* gt sorted by ignore flag, stable: non-ignored first. */
        size_t k = 0;
        ce->npig[a] = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (size_t g = 0; g < ng; g++) {
                int ign = gts[g].crowd || gts[g].area < area_lo[a] || gts[g].area > area_hi[a];
                if (ign != pass)
                    continue;
                gorder[k] = g;
                gign[k++] = (uint8_t)ign;
                ce->npig[a] += !ign;
            }
        }
        for (int t = 0; t < N_IOU; t++)
            match_threshold(d->iou_thr[t], ce->nd, ng, w, area_lo[a], area_hi[a],
                            ce->flags + ((size_t)a * N_IOU + t) * ce->nd);
    }
}

static void work_free(cell_work *w, size_t ng, size_t ndt)
{
    for (size_t i = 0; w->gm && i < ng; i++)
        seg_rle_destroy(w->gm[i]);
    for (size_t i = 0; w->dm && i < ndt; i++)
        seg_rle_destroy(w->dm[i]);
    free(w->gm);
    free(w->dm);
    free(w->top);
    free(w->gts);
    free(w->order);
    free(w->iou);
    free(w->darea);
    free(w->gorder);
    free(w->gign);
    free(w->gmatched);
    free(w->gcrowd);
}

static seg_status run_cell(const coco_data *d, size_t cell, cell_eval *ce)
{
    const size_t *gi = d->gg.idx + d->gg.off[cell], *di = d->dg.idx + d->dg.off[cell];
    size_t ng = d->gg.off[cell + 1] - d->gg.off[cell];
    size_t ndt = d->dg.off[cell + 1] - d->dg.off[cell];
    size_t nd = ndt < MAX_DETS ? ndt : MAX_DETS;
    cell_work w = {0};
    w.gm = calloc(ng + 1, sizeof *w.gm);
    w.dm = calloc(ndt + 1, sizeof *w.dm);
    w.top = calloc(nd + 1, sizeof *w.top);
    w.gts = calloc(ng + 1, sizeof *w.gts);
    w.order = calloc(ndt + 1, sizeof *w.order);
    w.iou = calloc(nd * ng + 1, sizeof *w.iou);
    w.darea = calloc(nd + 1, sizeof *w.darea);
    w.gorder = calloc(ng + 1, sizeof *w.gorder);
    w.gign = calloc(ng + 1, sizeof *w.gign);
    w.gmatched = calloc(ng + 1, sizeof *w.gmatched);
    w.gcrowd = calloc(ng + 1, sizeof *w.gcrowd);
    ce->nd = nd;
    ce->scores = calloc(nd + 1, sizeof *ce->scores);
    ce->flags = calloc((size_t)N_AREA * N_IOU * nd + 1, 1);
    seg_status st = SEG_OK;
    if (!w.gm || !w.dm || !w.top || !w.gts || !w.order || !w.iou || !w.darea || !w.gorder || !w.gign ||
        !w.gmatched || !w.gcrowd || !ce->scores || !ce->flags)
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "COCO evaluation of %zu gt x %zu results", ng,
                        ndt);
    if (st == SEG_OK)
        st = decode_all(d, 1, gi, ng, w.gm);
    if (st == SEG_OK) /* every result is checked, as loadRes computes every area */
        st = decode_all(d, 0, di, ndt, w.dm);
    if (st == SEG_OK) {
        for (size_t i = 0; i < ng; i++)
            w.gts[i] = d->gt[gi[i]];
        for (size_t i = 0; i < ndt; i++)
            w.order[i] = (ranked){d->dt[di[i]].score, i};
        qsort(w.order, ndt, sizeof *w.order, cmp_ranked);
        for (size_t k = 0; k < nd; k++) {
            w.top[k] = w.dm[w.order[k].pos];
            ce->scores[k] = w.order[k].score;
            w.darea[k] = (double)seg_rle_area(w.top[k]);
        }
        for (size_t g = 0; g < ng; g++)
            w.gcrowd[g] = (uint8_t)w.gts[g].crowd;
        st = seg_rle_iou(w.top, nd, (const seg_rle *const *)w.gm, ng, w.gcrowd, w.iou);
    }
    if (st == SEG_OK)
        evaluate_cell(d, ng, &w, ce);
    work_free(&w, ng, ndt);
    return st;
}

/* ---- accumulate + summarize ---------------------------------------------- */

typedef struct acc_det {
    double score;
    size_t pos;
    const uint8_t *flags; /* the detection's flag for IoU 0 of this area; stride nd */
    size_t stride;
} acc_det;

static int cmp_acc(const void *a, const void *b)
{
    const acc_det *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Precision at the 101 recall points and the final recall of one threshold. */
static void precision_curve(const coco_data *d, const acc_det *dets, size_t nd, int t,
                            int64_t npig, double *pr, double *q, double *recall)
{
    double tp = 0, fp = 0;
    size_t n = 0;
    double *rc = pr + nd;
    for (size_t i = 0; i < nd; i++) {
        uint8_t f = dets[i].flags[(size_t)t * dets[i].stride];
        if (!(f & 2)) {
            tp += f & 1;
            fp += !(f & 1);
        }
        rc[n] = tp / (double)npig;
        pr[n++] = tp / (fp + tp + DBL_EPSILON);
    }
    *recall = nd ? rc[nd - 1] : 0;
    for (size_t i = nd; i-- > 1;)
        if (pr[i] > pr[i - 1])
            pr[i - 1] = pr[i];
    size_t i = 0;
    for (int r = 0; r < N_REC; r++) {
        while (i < nd && rc[i] < d->rec_thr[r])
            i++;
        q[r] = i < nd ? pr[i] : 0;
    }
}

/* Rows only for the categories with cells: the others are all -1, which summarize()
 * skips anyway, and a row is 12120 doubles. */
typedef struct acc_out {
    size_t *row;       /* ncat: the category's row, NO_ROW without cells */
    size_t nrow;
    double *precision; /* [row][area][maxdet][iou][rec], -1 when undefined */
    double *recall;    /* [row][area][maxdet][iou] */
} acc_out;

#define NO_ROW SIZE_MAX

static size_t acc_index(const acc_out *o, size_t k, int a, int m)
{
    return (o->row[k] * N_AREA + (size_t)a) * N_MAXDET + (size_t)m;
}

static seg_status accumulate(const coco_data *d, acc_out *o)
{
    size_t cap = 0;
    for (size_t c = 0; c < d->ncell; c++)
        cap += d->cells[c].nd;
    acc_det *dets = malloc((cap + 1) * sizeof *dets);
    double *buf = malloc((2 * cap + 1) * sizeof *buf);
    if (!dets || !buf) {
        free(dets);
        free(buf);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "COCO accumulate of %zu detections", cap);
    }
    for (size_t k = 0; k < d->ncat; k++) {
        for (int a = 0; a < N_AREA && o->row[k] != NO_ROW; a++) {
            for (int m = 0; m < N_MAXDET; m++) {
                size_t nd = 0;
                int64_t npig = 0;
                /* The stored cells, in image order; evaluateImg gives None for the others. */
                for (size_t c = d->cat_cells[k]; c < d->cat_cells[k + 1]; c++) {
                    const cell_eval *ce = &d->cells[c];
                    npig += ce->npig[a];
                    size_t take = ce->nd < (size_t)max_dets[m] ? ce->nd : (size_t)max_dets[m];
                    for (size_t j = 0; j < take; j++, nd++)
                        dets[nd] = (acc_det){ce->scores[j], nd,
                                             ce->flags + (size_t)a * N_IOU * ce->nd + j, ce->nd};
                }
                if (npig == 0)
                    continue;
                qsort(dets, nd, sizeof *dets, cmp_acc);
                size_t at = acc_index(o, k, a, m);
                for (int t = 0; t < N_IOU; t++)
                    precision_curve(d, dets, nd, t, npig, buf,
                                    o->precision + (at * N_IOU + (size_t)t) * N_REC,
                                    o->recall + at * N_IOU + (size_t)t);
            }
        }
    }
    free(dets);
    free(buf);
    return SEG_OK;
}

/* Mean of the defined (> -1) entries over categories (or one) and thresholds. */
static double summarize(const coco_data *d, const acc_out *o, int ap, int t_only, int a, int m,
                        ptrdiff_t cat_only)
{
    double sum = 0;
    size_t n = 0;
    size_t first = cat_only >= 0 ? (size_t)cat_only : 0;
    size_t end = cat_only >= 0 ? first + 1 : d->ncat;
    for (size_t k = first; k < end; k++) {
        if (o->row[k] == NO_ROW)
            continue;
        for (int t = 0; t < N_IOU; t++) {
            if (t_only >= 0 && t != t_only)
                continue;
            size_t at = acc_index(o, k, a, m) * N_IOU + (size_t)t;
            const double *v = ap ? o->precision + at * N_REC : o->recall + at;
            for (int r = 0; r < (ap ? N_REC : 1); r++) {
                if (v[r] > -1) {
                    sum += v[r];
                    n++;
                }
            }
        }
    }
    return n ? sum / (double)n : -1;
}

static void summary(const coco_data *d, const acc_out *o, seg_coco_eval *ev)
{
    /* COCOeval.summarize's twelve lines: (ap, iou index or -1, area, maxdet index). */
    static const int spec[SEG_COCO_STAT_COUNT][4] = {
        {1, -1, 0, 2}, {1, 0, 0, 2}, {1, 5, 0, 2}, {1, -1, 1, 2}, {1, -1, 2, 2}, {1, -1, 3, 2},
        {0, -1, 0, 0}, {0, -1, 0, 1}, {0, -1, 0, 2}, {0, -1, 1, 2}, {0, -1, 2, 2}, {0, -1, 3, 2},
    };
    for (int s = 0; s < SEG_COCO_STAT_COUNT; s++)
        ev->stats[s] = summarize(d, o, spec[s][0], spec[s][1], spec[s][2], spec[s][3], -1);
    for (size_t k = 0; k < d->ncat; k++)
        ev->cat_ap[k] = summarize(d, o, 1, -1, 0, 2, (ptrdiff_t)k);
}

/* ---- driver ---------------------------------------------------------------- */

static void data_free(coco_data *d)
{
    for (size_t c = 0; d->cells && c < d->ncell; c++) {
        free(d->cells[c].scores);
        free(d->cells[c].flags);
    }
    free(d->cells);
    free(d->cell_keys);
    free(d->cat_cells);
    free(d->img_ids);
    free(d->img_h);
    free(d->img_w);
    free(d->cat_ids);
    free(d->cat_names);
    free(d->gt);
    free(d->dt);
    free(d->gg.off);
    free(d->gg.idx);
    free(d->dg.off);
    free(d->dg.idx);
}

static seg_status make_result(const coco_data *d, seg_coco_eval **out)
{
    seg_coco_eval *ev = calloc(1, sizeof *ev);
    if (ev) {
        ev->cat_ids = calloc(d->ncat + 1, sizeof *ev->cat_ids);
        ev->cat_names = calloc(d->ncat + 1, sizeof *ev->cat_names);
        ev->cat_ap = calloc(d->ncat + 1, sizeof *ev->cat_ap);
    }
    int ok = ev && ev->cat_ids && ev->cat_names && ev->cat_ap;
    for (size_t k = 0; ok && k < d->ncat; k++) {
        ev->cat_ids[k] = d->cat_ids[k];
        ok = (ev->cat_names[k] = strdup(d->cat_names[k])) != NULL;
        ev->ncat = k + 1;
    }
    if (!ok) {
        seg_coco_eval_destroy(ev);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "COCO evaluation result");
    }
    *out = ev;
    return SEG_OK;
}

static seg_status run(coco_data *d, const json_t *gt, const json_t *res, const char *gt_name,
                      const char *res_name, seg_coco_eval **out)
{
    thresholds(d);
    d->gt_name = gt_name;
    d->res_name = res_name;
    seg_status st = read_images(d, gt, gt_name);
    if (st == SEG_OK)
        st = read_categories(d, gt, gt_name);
    if (st == SEG_OK)
        st = read_gt_anns(d, gt, gt_name);
    if (st == SEG_OK)
        st = read_results(d, res, res_name);
    if (st == SEG_OK)
        st = index_cells(d);
    if (st == SEG_OK)
        st = group(d, d->gt, d->ngt, &d->gg);
    if (st == SEG_OK)
        st = group(d, d->dt, d->ndt, &d->dg);
    if (st == SEG_OK && !(d->cells = calloc(d->ncell + 1, sizeof *d->cells)))
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "COCO evaluation: %zu cells", d->ncell);
    for (size_t c = 0; st == SEG_OK && c < d->ncell; c++)
        st = run_cell(d, c, &d->cells[c]);
    acc_out o = {0};
    seg_coco_eval *ev = NULL;
    if (st == SEG_OK && (o.row = malloc((d->ncat + 1) * sizeof *o.row)) != NULL)
        for (size_t k = 0; k < d->ncat; k++)
            o.row[k] = d->cat_cells[k + 1] > d->cat_cells[k] ? o.nrow++ : NO_ROW;
    size_t nacc = o.nrow * N_AREA * N_MAXDET * N_IOU;
    if (st == SEG_OK) {
        o.precision = malloc((nacc * N_REC + 1) * sizeof *o.precision);
        o.recall = malloc((nacc + 1) * sizeof *o.recall);
        if (!o.row || !o.precision || !o.recall)
            st = segi_error(SEG_ERR_OUT_OF_MEMORY, "COCO evaluation: precision table");
    }
    if (st == SEG_OK) {
        for (size_t i = 0; i < nacc * N_REC; i++)
            o.precision[i] = -1;
        for (size_t i = 0; i < nacc; i++)
            o.recall[i] = -1;
        st = accumulate(d, &o);
    }
    if (st == SEG_OK)
        st = make_result(d, &ev);
    if (st == SEG_OK) {
        summary(d, &o, ev);
        *out = ev;
    }
    free(o.row);
    free(o.precision);
    free(o.recall);
    return st;
}

seg_status seg_coco_eval_memory(const char *gt_json, size_t gt_size, const char *results_json,
                                size_t results_size, const seg_options *opts,
                                seg_coco_eval **out)
{
    SEGI_REQUIRE(gt_json);
    SEGI_REQUIRE(results_json);
    SEGI_REQUIRE(out);
    uint64_t limit = (uint64_t)segi_option(opts, SEG_OPT_MAX_FILE_BYTES);
    if ((uint64_t)gt_size > limit || (uint64_t)results_size > limit)
        return segi_error(SEG_ERR_LIMIT, "seg_coco_eval_memory: %zu / %zu bytes exceed the "
                          "limit of %llu", gt_size, results_size, (unsigned long long)limit);
    json_t *gt = NULL, *res = NULL;
    seg_status st = segi_json_parse(gt_json, gt_size, "ground truth", &gt);
    if (st == SEG_OK)
        st = segi_json_parse(results_json, results_size, "results", &res);
    coco_data d = {0};
    if (st == SEG_OK)
        st = run(&d, gt, res, "ground truth", "results", out);
    data_free(&d);
    json_decref(gt);
    json_decref(res);
    return st;
}

seg_status seg_coco_eval_files(const char *gt_json, const char *results_json,
                               const seg_options *opts, seg_coco_eval **out)
{
    SEGI_REQUIRE(gt_json);
    SEGI_REQUIRE(results_json);
    SEGI_REQUIRE(out);
    json_t *gt = NULL, *res = NULL;
    seg_status st = segi_json_load(gt_json, opts, &gt);
    if (st == SEG_OK)
        st = segi_json_load(results_json, opts, &res);
    coco_data d = {0};
    if (st == SEG_OK)
        st = run(&d, gt, res, gt_json, results_json, out);
    data_free(&d);
    json_decref(gt);
    json_decref(res);
    return st;
}

void seg_coco_eval_destroy(seg_coco_eval *ev)
{
    if (!ev)
        return;
    for (size_t k = 0; k < ev->ncat; k++)
        free(ev->cat_names[k]);
    free(ev->cat_names);
    free(ev->cat_ids);
    free(ev->cat_ap);
    free(ev);
}

seg_status seg_coco_eval_stat(const seg_coco_eval *ev, seg_coco_stat stat, double *out)
{
    SEGI_REQUIRE(ev);
    SEGI_REQUIRE(out);
    if ((int)stat < 0 || (int)stat >= SEG_COCO_STAT_COUNT)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_coco_eval_stat: unknown stat %d",
                          (int)stat);
    *out = ev->stats[stat];
    return SEG_OK;
}

size_t seg_coco_eval_category_count(const seg_coco_eval *ev)
{
    return ev ? ev->ncat : 0;
}

seg_status seg_coco_eval_category(const seg_coco_eval *ev, size_t index, int64_t *category_id,
                                  const char **name, double *ap)
{
    SEGI_REQUIRE(ev);
    if (index >= ev->ncat)
        return segi_error(SEG_ERR_INVALID_ARGUMENT, "seg_coco_eval_category: index %zu >= %zu "
                          "categories", index, ev->ncat);
    if (category_id)
        *category_id = ev->cat_ids[index];
    if (name)
        *name = ev->cat_names[index];
    if (ap)
        *ap = ev->cat_ap[index];
    return SEG_OK;
}
