/* What the seg subcommands that run models share: .npy inputs given as NAME=FILE,
 * .npy outputs named after the graph outputs, argument and timing helpers. */
#ifndef SEG_TOOL_MODEL_IO_H
#define SEG_TOOL_MODEL_IO_H

#include <seg/seg.h>

#include <stdbool.h>

#define MODEL_IO_MAX_INPUTS 64

typedef struct model_inputs {
    int n;
    const char *names[MODEL_IO_MAX_INPUTS];
    seg_tensor *tensors[MODEL_IO_MAX_INPUTS];
} model_inputs;

/* A model loaded with SEG_OPT_THREADS = threads, and one session on it. */
typedef struct model_run {
    seg_options *options;
    seg_model *model;
    seg_session *session;
} model_run;

/* Fill *r (zeroed first); on failure what was made is left for model_run_close. */
seg_status model_run_open(const char *path, long threads, model_run *r);
void model_run_close(model_run *r);

/* Read "NAME=FILE.npy" specs (NAME= may be left out when the model has one input).
 * `cmd` names the subcommand in messages. On failure *in holds what was read so far:
 * free it with model_inputs_free either way. */
seg_status model_inputs_read(const seg_model *m, const char *const *specs, int n_specs,
                             const char *cmd, model_inputs *in);
void model_inputs_free(model_inputs *in);

/* Run the session on the inputs. */
seg_status model_inputs_run(seg_session *s, const model_inputs *in);

/* Write DIR/<escaped output name>.npy for every graph output, printing each path.
 * Escaping: bytes other than A-Z a-z 0-9 _ - . and a leading '.' become %XX
 * (upper-case hex); an empty name becomes "%". */
seg_status model_outputs_write(const seg_model *m, const seg_session *s, const char *dir,
                               const char *cmd);

/* A whole number >= lo, nothing else. */
bool parse_long(const char *s, long lo, long *out);

/* Monotonic clock in milliseconds. */
double now_ms(void);

/* Median of n values (sorts them in place). */
double median_of(double *v, size_t n);

#endif
