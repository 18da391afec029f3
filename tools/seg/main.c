/* seg: the command-line face of libseg. */
#include "commands.h"

#include <stdio.h>
#include <string.h>

static const seg_command commands[] = {
    {"version", "print the library version", cmd_version},
    {"eval", "semantic, panoptic or instance metrics of a data set", cmd_eval},
    {"preprocess", "decode, resize/letterbox and normalise an image into .npy/.png", cmd_preprocess},
    {"info", "describe a model: inputs, outputs, operators, costs", cmd_info},
    {"infer", "run a model on .npy inputs, write .npy outputs", cmd_infer},
    {"run", "segment images with a model and its profile, write results", cmd_run},
    {"bench", "time a model: load, latency, peak memory", cmd_bench},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

int cmd_fail(const char *name, seg_status status)
{
    fprintf(stderr, "seg %s: %s: %s\n", name, seg_status_string(status), seg_last_error());
    return 1;
}

static int usage(FILE *out)
{
    fprintf(out, "usage: seg COMMAND [ARGS...]\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'seg COMMAND --help' for a command's options.\n");
    return out == stdout ? 0 : 2;
}

int main(int argc, char **argv)
{
    if (SEG_INIT() != SEG_OK)
        return cmd_fail("init", SEG_ERR_VERSION);
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
        return usage(stdout);
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "seg: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
