#include "core/file.h"

#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

seg_status segi_read_file(const char *path, size_t max_bytes, void **data, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return segi_error(SEG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    seg_status st = SEG_OK;
    char *buf = NULL;
    long len = -1;
    if (fseek(fp, 0, SEEK_END) == 0)
        len = ftell(fp);
    if (len < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        st = segi_error(SEG_ERR_IO, "%s: cannot determine size (not a regular file?)", path);
    } else if ((unsigned long)len > max_bytes) {
        st = segi_error(SEG_ERR_LIMIT, "%s: %ld bytes exceed the limit of %zu", path, len,
                        max_bytes);
    } else if (!(buf = malloc(len ? (size_t)len : 1))) {
        st = segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: %ld bytes", path, len);
    } else if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
        st = segi_error(SEG_ERR_IO, "%s: short read", path);
    }
    fclose(fp);
    if (st != SEG_OK) {
        free(buf);
        return st;
    }
    *data = buf;
    *size = (size_t)len;
    return SEG_OK;
}

seg_status segi_atomic_open(segi_atomic_file *af, const char *path)
{
    memset(af, 0, sizeof *af);
    size_t n = strlen(path);
    af->final_path = strdup(path);
    af->tmp_path = malloc(n + 12);
    if (!af->final_path || !af->tmp_path) {
        free(af->final_path);
        free(af->tmp_path);
        return segi_error(SEG_ERR_OUT_OF_MEMORY, "%s: path copy", path);
    }
    memcpy(af->tmp_path, path, n);
    memcpy(af->tmp_path + n, ".tmp-XXXXXX", 12);
    int fd = mkstemp(af->tmp_path);
    /* mkstemp creates 0600; outputs are ordinary files that others may read. */
    if (fd < 0 || fchmod(fd, 0644) != 0 || !(af->fp = fdopen(fd, "wb"))) {
        seg_status st = segi_error(SEG_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(af->tmp_path);
        }
        free(af->final_path);
        free(af->tmp_path);
        return st;
    }
    return SEG_OK;
}

static void atomic_free(segi_atomic_file *af)
{
    free(af->final_path);
    free(af->tmp_path);
    memset(af, 0, sizeof *af);
}

seg_status segi_atomic_commit(segi_atomic_file *af)
{
    int failed = ferror(af->fp) | fflush(af->fp);
    failed |= fclose(af->fp);
    if (!failed && rename(af->tmp_path, af->final_path) == 0) {
        atomic_free(af);
        return SEG_OK;
    }
    seg_status st = segi_error(SEG_ERR_IO, "%s: write failed: %s", af->final_path,
                               strerror(errno));
    unlink(af->tmp_path);
    atomic_free(af);
    return st;
}

void segi_atomic_abort(segi_atomic_file *af)
{
    if (af->fp)
        fclose(af->fp);
    if (af->tmp_path)
        unlink(af->tmp_path);
    atomic_free(af);
}
