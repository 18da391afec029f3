/* Subcommands of the seg tool. Each returns the process exit code:
 * 0 success, 1 failure (one line on stderr: status and detail), 2 usage error. */
#ifndef SEG_TOOL_COMMANDS_H
#define SEG_TOOL_COMMANDS_H

#include <seg/seg.h>

typedef struct seg_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
} seg_command;

int cmd_version(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_preprocess(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_infer(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_bench(int argc, char **argv);

/* Print "seg NAME: <status>: <seg_last_error()>" to stderr and return 1. */
int cmd_fail(const char *name, seg_status status);

#endif
