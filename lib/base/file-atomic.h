/* file-atomic: replace a file so that a crash leaves the old or the new
 * contents, never a mix.
 *
 * The data goes to "<path>.tmp", which is fsync'ed and renamed over
 * 'path'; then the directory is fsync'ed so that the rename itself
 * survives a power cut.  Readers therefore see either the previous file
 * or the complete new one, whatever moment the writer is killed at.
 * The database (lib/config) and the saved flow tables (lib/bridge) are
 * both written this way. */
#ifndef SW_FILE_ATOMIC_H
#define SW_FILE_ATOMIC_H 1

#include <stddef.h>

/* Writes 'len' bytes of 'data' to 'path' atomically with mode 'mode'.
 * Returns NULL or an allocated message naming the file and the system
 * error; on error 'path' is untouched and no temporary file is left. */
char *file_write_atomic(const char *path, const void *data, size_t len,
                        unsigned mode);

/* Reads all of 'path' into '*datap' (NUL-terminated, caller frees) and
 * its length into '*lenp'.  Returns 0 or a positive errno (ENOENT for a
 * missing file). */
int file_read_all(const char *path, char **datap, size_t *lenp);

#endif
