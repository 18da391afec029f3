/* Internal file helpers: whole-file reads with a size limit, and atomic writes that
 * never leave a partial output under the final name. */
#ifndef SEGI_FILE_H
#define SEGI_FILE_H

#include "seg/seg_common.h"

#include <stdio.h>

/** Read all of `path` into a malloc'd buffer (caller frees). Files larger than
 *  `max_bytes` are SEG_ERR_LIMIT. */
seg_status segi_read_file(const char *path, size_t max_bytes, void **data, size_t *size);

/** A file being written under a temporary name beside its final path. */
typedef struct segi_atomic_file {
    FILE *fp;
    char *final_path;
    char *tmp_path;
} segi_atomic_file;

/** Open "<path>.tmp-XXXXXX" for writing. */
seg_status segi_atomic_open(segi_atomic_file *af, const char *path);

/** Flush, close and rename onto the final path; on any error the temporary is
 *  removed and SEG_ERR_IO returned. */
seg_status segi_atomic_commit(segi_atomic_file *af);

/** Close and remove the temporary; the final path is untouched. */
void segi_atomic_abort(segi_atomic_file *af);

#endif
