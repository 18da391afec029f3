#include "commands.h"

#include <stdio.h>

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("libseg %s\n", seg_version_string());
    return 0;
}
