/* seg eval semantic|panoptic|instances: the standard metrics of a data set, printed as
 * the reference tools print them and optionally written as JSON (--json FILE). */
#include "commands.h"
#include "eval_run_dir.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: seg eval semantic  [options] GT PRED\n"
    "       seg eval panoptic  [options] GT_JSON GT_DIR PRED_JSON PRED_DIR\n"
    "       seg eval panoptic  [options] GT_JSON GT_DIR RUN_DIR\n"
    "       seg eval instances [options] GT_JSON RESULTS_JSON|RUN_DIR\n"
    "\n"
    "RUN_DIR is a `seg run` output folder: its NAME.json files (and NAME.panoptic.png)\n"
    "are matched to the ground truth's images by file name.\n"
    "semantic: GT and PRED are label maps (.npy of [H, W] or [N, H, W]; greyscale or\n"
    "  palette PNG, read as indices) or folders of them paired by file name (NAME.png\n"
    "  in GT with NAME.png or seg run's NAME.label.png in PRED).\n"
    "  --classes N         number of classes (required)\n"
    "  --ignore L          gt label to skip (default 255)\n"
    "  --policy P          mIoU policy: torchvision, mmseg (default), detectron2\n"
    "  --not-evaluated C,C classes left out as Cityscapes' ignoreInEval\n"
    "panoptic: COCO panoptic JSON files and PNG folders (panopticapi pq_compute).\n"
    "instances: COCO instances gt and a results list (COCOeval, iouType segm).\n"
    "all:\n"
    "  --json FILE         also write the numbers as JSON\n"
    "  --per-class         print one line per class\n";

typedef struct eval_args {
    const char *json_path;
    int per_class;
    int64_t classes, ignore;
    seg_miou_policy policy;
    const char *not_evaluated;
    const char *pos[4];
    int npos;
} eval_args;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "seg eval: %s%s%s\n\n%s", msg, arg ? ": " : "", arg ? arg : "", usage_text);
    return 2;
}

static int parse_policy(const char *s, seg_miou_policy *out)
{
    static const struct { const char *name; seg_miou_policy p; } names[] = {
        {"torchvision", SEG_MIOU_TORCHVISION}, {"mmseg", SEG_MIOU_MMSEG},
        {"detectron2", SEG_MIOU_DETECTRON2},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].p;
            return 1;
        }
    }
    return 0;
}

static int parse_int(const char *s, int64_t *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end)
        return 0;
    *out = v;
    return 1;
}

/* Returns 0 when parsed, else the exit code. */
static int parse_args(int argc, char **argv, eval_args *a)
{
    *a = (eval_args){.classes = -1, .ignore = 255, .policy = SEG_MIOU_MMSEG};
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(s, "--help") == 0) {
            fputs(usage_text, stdout);
            return -1;
        } else if (strcmp(s, "--per-class") == 0) {
            a->per_class = 1;
        } else if (s[0] == '-' && s[1] == '-' && !val) {
            return usage_error("missing value for", s);
        } else if (strcmp(s, "--json") == 0) {
            a->json_path = argv[++i];
        } else if (strcmp(s, "--classes") == 0) {
            if (!parse_int(argv[++i], &a->classes))
                return usage_error("--classes needs an integer", val);
        } else if (strcmp(s, "--ignore") == 0) {
            if (!parse_int(argv[++i], &a->ignore))
                return usage_error("--ignore needs an integer", val);
        } else if (strcmp(s, "--policy") == 0) {
            if (!parse_policy(argv[++i], &a->policy))
                return usage_error("unknown policy", val);
        } else if (strcmp(s, "--not-evaluated") == 0) {
            a->not_evaluated = argv[++i];
        } else if (s[0] == '-' && s[1] == '-') {
            return usage_error("unknown option", s);
        } else if (a->npos < 4) {
            a->pos[a->npos++] = s;
        } else {
            return usage_error("too many arguments", s);
        }
    }
    return 0;
}

/* Accessors called with valid arguments cannot fail; on failure the caller's
 * initial value (NaN, -1, 0) stays. */
static void valid_call(seg_status st)
{
    (void)st;
}

/* ---- JSON output ------------------------------------------------------------ */

static void json_num(FILE *f, double v)
{
    if (isnan(v))
        fputs("null", f);
    else
        fprintf(f, "%.17g", v);
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* `"key": value` for each of the n keys, separated by ", ". */
static void json_fields(FILE *f, int n, const char *const keys[], const double v[])
{
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s\"%s\": ", i ? ", " : "", keys[i]);
        json_num(f, v[i]);
    }
}

/* A task's report: the table on stdout and, when `js` is not NULL, the JSON. */
typedef void (*report_fn)(const void *result, const eval_args *a, FILE *js);

/* Print the report; with --json write its JSON through a temporary beside the target,
 * renamed on success. 0 or 1 (cannot write). */
static int report(report_fn print, const void *result, const eval_args *a)
{
    if (!a->json_path) {
        print(result, a, NULL);
        return 0;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", a->json_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "seg eval: cannot write %s\n", tmp);
        return 1;
    }
    print(result, a, f);
    int bad = ferror(f) | fclose(f);
    if (bad || rename(tmp, a->json_path) != 0) {
        remove(tmp);
        fprintf(stderr, "seg eval: cannot write %s\n", a->json_path);
        return 1;
    }
    return 0;
}

/* ---- semantic --------------------------------------------------------------- */

static int has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static seg_status read_labels(const char *path, seg_tensor **out)
{
    if (has_suffix(path, ".npy"))
        return seg_npy_read_file(path, NULL, out);
    seg_options *opts = NULL;
    seg_status st = seg_options_create(&opts);
    if (st == SEG_OK)
        st = seg_options_set_int(opts, SEG_OPT_PNG_PALETTE_INDICES, 1);
    if (st == SEG_OK)
        st = seg_image_decode_file(path, opts, out);
    seg_options_destroy(opts);
    return st;
}

/* PRED_DIR/NAME, or seg run's PRED_DIR/STEM.label.png when that does not exist. */
static void pred_path(const char *pred_dir, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", pred_dir, name);
    const char *dot = strrchr(name, '.');
    if (access(out, F_OK) != 0 && dot)
        snprintf(out, cap, "%s/%.*s.label.png", pred_dir, (int)(dot - name), name);
}

static int add_pair(seg_confusion *cm, const char *gt_path, const char *pred_path)
{
    seg_tensor *gt = NULL, *pred = NULL;
    seg_status st = read_labels(gt_path, &gt);
    if (st == SEG_OK)
        st = read_labels(pred_path, &pred);
    if (st == SEG_OK)
        st = seg_confusion_add(cm, gt, pred);
    seg_tensor_destroy(gt);
    seg_tensor_destroy(pred);
    if (st != SEG_OK)
        fprintf(stderr, "seg eval: %s vs %s: %s: %s\n", gt_path, pred_path,
                seg_status_string(st), seg_last_error());
    return st == SEG_OK ? 0 : 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every file of gt_dir (sorted) against the file of the same name in pred_dir. */
static int add_folders(seg_confusion *cm, const char *gt_dir, const char *pred_dir,
                       int64_t *images)
{
    DIR *d = opendir(gt_dir);
    if (!d) {
        fprintf(stderr, "seg eval: cannot open folder %s\n", gt_dir);
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.' || !(has_suffix(e->d_name, ".png") ||
                                     has_suffix(e->d_name, ".npy")))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                rc = 1;
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(e->d_name)))
            rc = 1;
        else
            n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    char gp[4096], pp[4096];
    for (size_t i = 0; i < n && !rc; i++) {
        snprintf(gp, sizeof gp, "%s/%s", gt_dir, names[i]);
        pred_path(pred_dir, names[i], pp, sizeof pp);
        rc = add_pair(cm, gp, pp);
        (*images)++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

static int is_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d)
        closedir(d);
    return d != NULL;
}

static int set_not_evaluated(seg_confusion *cm, const char *list)
{
    char *copy = strdup(list), *save = NULL;
    int rc = copy ? 0 : 1;
    for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !rc;
         tok = strtok_r(NULL, ",", &save)) {
        int64_t c;
        if (!parse_int(tok, &c))
            rc = usage_error("--not-evaluated needs class numbers", tok);
        else if (seg_confusion_set_evaluated(cm, c, 0) != SEG_OK)
            rc = cmd_fail("eval", SEG_ERR_INVALID_ARGUMENT);
    }
    free(copy);
    return rc;
}

static const char *policy_name(seg_miou_policy p)
{
    return p == SEG_MIOU_TORCHVISION ? "torchvision" : p == SEG_MIOU_MMSEG ? "mmseg"
                                                                              : "detectron2";
}

static void print_semantic(const void *result, const eval_args *a, FILE *js)
{
    const seg_confusion *cm = result;
    double miou = NAN, pacc = NAN, macc = NAN, mdice = NAN, fwiou = NAN;
    valid_call(seg_confusion_miou(cm, a->policy, &miou));
    valid_call(seg_confusion_pixel_accuracy(cm, &pacc));
    valid_call(seg_confusion_mean_accuracy(cm, &macc));
    valid_call(seg_confusion_mean_dice(cm, &mdice));
    valid_call(seg_confusion_fwiou(cm, &fwiou));
    if (a->per_class)
        printf("%6s %8s %8s %8s\n", "class", "IoU", "Acc", "Dice");
    if (js)
        fputs("{\"per_class\": [", js);
    for (int64_t c = 0; c < seg_confusion_classes(cm); c++) {
        double iou = NAN, acc = NAN, dice = NAN;
        valid_call(seg_confusion_class_iou(cm, a->policy, c, &iou));
        valid_call(seg_confusion_class_accuracy(cm, c, &acc));
        valid_call(seg_confusion_class_dice(cm, c, &dice));
        if (a->per_class)
            printf("%6lld %8.2f %8.2f %8.2f\n", (long long)c, 100 * iou, 100 * acc, 100 * dice);
        if (js) {
            static const char *const keys[3] = {"iou", "acc", "dice"};
            fprintf(js, "%s{\"class\": %lld, ", c ? ", " : "", (long long)c);
            json_fields(js, 3, keys, (const double[3]){iou, acc, dice});
            fputc('}', js);
        }
    }
    printf("mIoU (%s) %.2f  aAcc %.2f  mAcc %.2f  mDice %.2f  fwIoU %.2f\n",
           policy_name(a->policy), 100 * miou, 100 * pacc, 100 * macc, 100 * mdice,
           100 * fwiou);
    if (js) {
        static const char *const keys[5] = {"miou", "aacc", "macc", "mdice", "fwiou"};
        fprintf(js, "], \"policy\": \"%s\", ", policy_name(a->policy));
        json_fields(js, 5, keys, (const double[5]){miou, pacc, macc, mdice, fwiou});
        fputs("}\n", js);
    }
}

static int eval_semantic(const eval_args *a)
{
    if (a->npos != 2)
        return usage_error("semantic needs GT and PRED", NULL);
    if (a->classes < 1)
        return usage_error("semantic needs --classes N", NULL);
    seg_confusion *cm = NULL;
    seg_status st = seg_confusion_create(a->classes, a->ignore, &cm);
    if (st != SEG_OK)
        return cmd_fail("eval", st);
    int64_t images = 0;
    int rc = a->not_evaluated ? set_not_evaluated(cm, a->not_evaluated) : 0;
    if (!rc && is_dir(a->pos[0]))
        rc = add_folders(cm, a->pos[0], a->pos[1], &images);
    else if (!rc)
        rc = add_pair(cm, a->pos[0], a->pos[1]);
    if (!rc)
        rc = report(print_semantic, cm, a);
    seg_confusion_destroy(cm);
    return rc;
}

/* ---- panoptic ----------------------------------------------------------------- */

static void print_panoptic(const void *result, const eval_args *a, FILE *js)
{
    static const char *groups[3] = {"All", "Things", "Stuff"};
    static const char *const keys[3] = {"pq", "sq", "rq"};
    const seg_pq *pq = result;
    printf("%-10s| %6s %6s %6s %5s\n", "", "PQ", "SQ", "RQ", "N");
    printf("-----------------------------------------\n");
    if (js)
        fputc('{', js);
    for (int g = 0; g < 3; g++) {
        double v[3];
        int64_t n = 0;
        valid_call(seg_pq_average(pq, (seg_pq_group)g, v, &n));
        printf("%-10s| %6.1f %6.1f %6.1f %5lld\n", groups[g], 100 * v[0], 100 * v[1],
               100 * v[2], (long long)n);
        if (js) {
            fprintf(js, "\"%s\": {", groups[g]);
            json_fields(js, 3, keys, v);
            fprintf(js, ", \"n\": %lld}, ", (long long)n);
        }
    }
    if (js)
        fputs("\"per_class\": [", js);
    for (size_t i = 0; i < seg_pq_category_count(pq); i++) {
        int64_t id = 0, k[3] = {0, 0, 0};
        int thing = 0;
        const char *name = "";
        double v[3] = {0, 0, 0};
        valid_call(seg_pq_category(pq, i, &id, &thing, &name, v, k));
        if (a->per_class)
            printf("%4lld %-16.16s %c %6.1f %6.1f %6.1f  tp %lld fp %lld fn %lld\n",
                   (long long)id, name, thing ? 'T' : 'S', 100 * v[0], 100 * v[1], 100 * v[2],
                   (long long)k[0], (long long)k[1], (long long)k[2]);
        if (js) {
            fprintf(js, "%s{\"id\": %lld, \"name\": ", i ? ", " : "", (long long)id);
            json_str(js, name);
            fprintf(js, ", \"isthing\": %d, ", thing);
            json_fields(js, 3, keys, v);
            fprintf(js, ", \"tp\": %lld, \"fp\": %lld, \"fn\": %lld}", (long long)k[0],
                    (long long)k[1], (long long)k[2]);
        }
    }
    if (js)
        fputs("]}\n", js);
}

static int eval_panoptic(const eval_args *a)
{
    if (a->npos != 4 && a->npos != 3)
        return usage_error("panoptic needs GT_JSON GT_DIR PRED_JSON PRED_DIR or GT_JSON "
                           "GT_DIR RUN_DIR", NULL);
    char merged[4096];
    const char *pred_json = a->pos[2], *pred_dir = a->pos[a->npos - 1];
    if (a->npos == 3) {
        if (run_dir_gather(a->pos[0], a->pos[2], 1, merged, sizeof merged))
            return 1;
        pred_json = merged;
    }
    seg_pq *pq = NULL;
    seg_status st = seg_pq_evaluate_files(a->pos[0], a->pos[1], pred_json, pred_dir, NULL, &pq);
    if (a->npos == 3)
        remove(merged);
    if (st != SEG_OK)
        return cmd_fail("eval", st);
    int rc = report(print_panoptic, pq, a);
    seg_pq_destroy(pq);
    return rc;
}

/* ---- instances ------------------------------------------------------------------ */

static void print_instances(const void *result, const eval_args *a, FILE *js)
{
    const seg_coco_eval *ev = result;
    /* COCOeval.summarize's lines. */
    static const struct { int ap; const char *iou, *area; int dets; const char *key; } rows[] = {
        {1, "0.50:0.95", "all", 100, "AP"},     {1, "0.50", "all", 100, "AP50"},
        {1, "0.75", "all", 100, "AP75"},        {1, "0.50:0.95", "small", 100, "APs"},
        {1, "0.50:0.95", "medium", 100, "APm"}, {1, "0.50:0.95", "large", 100, "APl"},
        {0, "0.50:0.95", "all", 1, "AR1"},      {0, "0.50:0.95", "all", 10, "AR10"},
        {0, "0.50:0.95", "all", 100, "AR100"},  {0, "0.50:0.95", "small", 100, "ARs"},
        {0, "0.50:0.95", "medium", 100, "ARm"}, {0, "0.50:0.95", "large", 100, "ARl"},
    };
    if (js)
        fputc('{', js);
    for (int s = 0; s < SEG_COCO_STAT_COUNT; s++) {
        double v = -1;
        valid_call(seg_coco_eval_stat(ev, (seg_coco_stat)s, &v));
        printf(" %-18s %s @[ IoU=%-9s | area=%6s | maxDets=%3d ] = %0.3f\n",
               rows[s].ap ? "Average Precision" : "Average Recall", rows[s].ap ? "(AP)" : "(AR)",
               rows[s].iou, rows[s].area, rows[s].dets, v);
        if (js) {
            fprintf(js, "\"%s\": ", rows[s].key);
            json_num(js, v);
            fputs(", ", js);
        }
    }
    if (js)
        fputs("\"per_category\": [", js);
    for (size_t k = 0; k < seg_coco_eval_category_count(ev); k++) {
        int64_t id = 0;
        const char *name = "";
        double ap = -1;
        valid_call(seg_coco_eval_category(ev, k, &id, &name, &ap));
        if (a->per_class)
            printf("%4lld %-20.20s AP %6.3f\n", (long long)id, name, ap);
        if (js) {
            fprintf(js, "%s{\"id\": %lld, \"name\": ", k ? ", " : "", (long long)id);
            json_str(js, name);
            fputs(", ", js);
            json_fields(js, 1, (const char *const[1]){"AP"}, &ap);
            fputc('}', js);
        }
    }
    if (js)
        fputs("]}\n", js);
}

static int eval_instances(const eval_args *a)
{
    if (a->npos != 2)
        return usage_error("instances needs GT_JSON RESULTS_JSON|RUN_DIR", NULL);
    seg_coco_eval *ev = NULL;
    char merged[4096];
    int from_run = is_dir(a->pos[1]);
    if (from_run && run_dir_gather(a->pos[0], a->pos[1], 0, merged, sizeof merged))
        return 1;
    seg_status st = seg_coco_eval_files(a->pos[0], from_run ? merged : a->pos[1], NULL, &ev);
    if (from_run)
        remove(merged);
    if (st != SEG_OK)
        return cmd_fail("eval", st);
    int rc = report(print_instances, ev, a);
    seg_coco_eval_destroy(ev);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("missing task", NULL);
    if (strcmp(argv[1], "--help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    eval_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (strcmp(argv[1], "semantic") == 0)
        return eval_semantic(&a);
    if (strcmp(argv[1], "panoptic") == 0)
        return eval_panoptic(&a);
    if (strcmp(argv[1], "instances") == 0)
        return eval_instances(&a);
    return usage_error("unknown task", argv[1]);
}
