/* External tensor data: files named relative to the model's folder, never outside it. */
#include "onnx/decode.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A location must be relative and have no ".." component (checked before any file
 * system access); symbolic links are then checked by resolving the real path. */
static bool location_ok(const char *loc)
{
    if (!loc[0] || loc[0] == '/' || strchr(loc, '\\'))
        return false;
    for (const char *p = loc; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return false;
        p += n;
        p += *p == '/';
    }
    return true;
}

static bool inside(const char *dir_real, const char *file_real)
{
    size_t n = strlen(dir_real);
    if (n == 1 && dir_real[0] == '/')
        return true;
    return strncmp(dir_real, file_real, n) == 0 && file_real[n] == '/';
}

static seg_status read_range(int fd, const char *path, const char *tensor, uint64_t offset,
                             size_t want, void **out)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return segi_error(SEG_ERR_IO, "%s: external file '%s' is not a regular file", tensor,
                          path);
    if (offset > (uint64_t)sb.st_size || want > (uint64_t)sb.st_size - offset)
        return segi_error(SEG_ERR_FORMAT, "%s: external data [%llu, +%zu) exceeds '%s' (%lld "
                          "bytes)", tensor, (unsigned long long)offset, want, path,
                          (long long)sb.st_size);
    char *buf = malloc(want ? want : 1);
    if (!buf)
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %zu bytes of external data", tensor,
                          want);
    for (size_t got = 0; got < want;) {
        ssize_t n = pread(fd, buf + got, want - got, (off_t)(offset + got));
        if (n <= 0) {
            free(buf);
            return segi_error(SEG_ERR_IO, "%s: reading '%s': %s", tensor, path,
                              n < 0 ? strerror(errno) : "unexpected end of file");
        }
        got += (size_t)n;
    }
    *out = buf;
    return SEG_OK;
}

seg_status segi_onnx_external(segi_onnx_ctx *c, const char *tensor, const char *location,
                              uint64_t offset, int64_t length, size_t want, void **out)
{
    if (!c->dir)
        return segi_error(SEG_ERR_UNSUPPORTED, "%s: external data '%s' needs a model loaded "
                          "from a file", tensor, location);
    if (!location_ok(location))
        return segi_error(SEG_ERR_FORMAT, "%s: external data location '%s' escapes the model's "
                          "folder", tensor, location);
    if (length >= 0 && (uint64_t)length != want)
        return segi_error(SEG_ERR_FORMAT, "%s: external data length %lld, shape needs %zu",
                          tensor, (long long)length, want);
    char path[PATH_MAX], dir_real[PATH_MAX], file_real[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", c->dir, location) >= (int)sizeof path)
        return segi_error(SEG_ERR_LIMIT, "%s: external data path too long", tensor);
    if (!realpath(c->dir, dir_real) || !realpath(path, file_real))
        return segi_error(SEG_ERR_IO, "%s: external data '%s': %s", tensor, path,
                          strerror(errno));
    if (!inside(dir_real, file_real))
        return segi_error(SEG_ERR_FORMAT, "%s: external data '%s' resolves outside the model's "
                          "folder", tensor, location);
    int fd = open(file_real, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return segi_error(SEG_ERR_IO, "%s: cannot open '%s': %s", tensor, path, strerror(errno));
    seg_status st = read_range(fd, path, tensor, offset, want, out);
    close(fd);
    return st;
}
