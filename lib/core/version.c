#include "core/error.h"

unsigned seg_version_number(void)
{
    return SEG_VERSION_NUMBER;
}

const char *seg_version_string(void)
{
    return SEG_VERSION_STRING;
}

seg_status seg_check_version(unsigned header_version)
{
    unsigned header_major = header_version / 10000;
    if (header_major != SEG_VERSION_MAJOR || header_version > SEG_VERSION_NUMBER)
        return segi_error(SEG_ERR_VERSION,
                          "program built against libseg %u.%u.%u headers, library is %s",
                          header_major, header_version / 100 % 100, header_version % 100,
                          SEG_VERSION_STRING);
    return SEG_OK;
}
