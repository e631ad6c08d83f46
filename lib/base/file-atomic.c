/* file-atomic: see file-atomic.h. */
#include "file-atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static int write_all(int fd, const char *p, size_t left)
{
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w < 0) {
            return errno;
        }
        p += w;
        left -= (size_t)w;
    }
    return 0;
}

/* Makes a rename in the directory of 'path' durable. */
static void fsync_dir_of(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *(slash == dir ? slash + 1 : slash) = '\0';
    } else {
        strcpy(dir, ".");
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir);
}

char *file_write_atomic(const char *path, const void *data, size_t len,
                        unsigned mode)
{
    char *tmp = xasprintf("%s.tmp", path);
    char *err = NULL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        err = xasprintf("%s: cannot create (%s)", tmp, strerror(errno));
        free(tmp);
        return err;
    }
    int error = write_all(fd, data, len);
    if (!error && fsync(fd) < 0) {
        error = errno;
    }
    if (error) {
        err = xasprintf("%s: write failed (%s)", tmp, strerror(error));
    }
    if (close(fd) < 0 && !err) {
        err = xasprintf("%s: close failed (%s)", tmp, strerror(errno));
    }
    if (!err && rename(tmp, path) < 0) {
        err = xasprintf("%s: cannot rename to %s (%s)", tmp, path,
                        strerror(errno));
    }
    if (err) {
        unlink(tmp);
    } else {
        fsync_dir_of(path);
    }
    free(tmp);
    return err;
}

int file_read_all(const char *path, char **datap, size_t *lenp)
{
    *datap = NULL;
    *lenp = 0;
    FILE *f = fopen(path, "re");
    if (!f) {
        return errno;
    }
    size_t len = 0, allocated = 4096;
    char *data = xmalloc(allocated);
    for (;;) {
        if (allocated - len < 2) {
            allocated *= 2;
            data = xrealloc(data, allocated);
        }
        size_t n = fread(data + len, 1, allocated - len - 1, f);
        len += n;
        if (n == 0) {
            break;
        }
    }
    int error = ferror(f) ? EIO : 0;
    fclose(f);
    if (error) {
        free(data);
        return error;
    }
    data[len] = '\0';
    *datap = data;
    *lenp = len;
    return 0;
}
