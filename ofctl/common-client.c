/* Shared client code for swctl and swofctl. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "ds.h"
#include "rpc.h"

const char *program_name = "switchd client";

void die(int status, const char *fmt, ...)
{
    va_list args;
    fprintf(stderr, "%s: ", program_name);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(status);
}

/* "FILE: " while common_read_file() checks a file's lines. */
static const char *file_prefix = "";

/* Dies unless 's' is valid UTF-8: the request is JSON, and jansson would
 * otherwise drop the string and send a request without it. */
static void check_utf8(const char *what, const char *s)
{
    json_t *j = json_string(s);
    if (!j) {
        char *shown = str_escape(s);
        die(1, "%s%s\"%s\" is not valid UTF-8 (shown with \\xNN escapes)",
            file_prefix, what, shown);
    }
    json_decref(j);
}

int common_parse_options(int argc, char *argv[], struct common_opts *opts,
                         void (*help)(void))
{
    for (int k = 1; k < argc; k++) {
        char what[32];
        snprintf(what, sizeof what, "argument %d ", k);
        check_utf8(what, argv[k]);
    }
    int i = 1;
    while (i < argc) {
        const char *a = argv[i];
        const char *value = NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help();
            exit(0);
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("%s (switchd) %s\n", program_name, SW_VERSION);
            exit(0);
        } else if (!strcmp(a, "--rundir") || !strcmp(a, "--format")) {
            if (i + 1 >= argc) {
                die(1, "option %s needs an argument", a);
            }
            value = argv[i + 1];
            i += 2;
        } else if (str_starts_with(a, "--rundir=")
                   || str_starts_with(a, "--format=")) {
            value = strchr(a, '=') + 1;
            i++;
        } else {
            break;
        }
        if (str_starts_with(a, "--rundir")) {
            opts->rundir = value;
        } else if (!strcmp(value, "json")) {
            opts->json = true;
        } else if (!strcmp(value, "text")) {
            opts->json = false;
        } else {
            die(1, "--format: \"%s\" is not json or text", value);
        }
    }
    return i;
}

json_t *common_call(const struct common_opts *opts, const char *method,
                    json_t *params)
{
    json_t *result;
    char *err;
    if (!params) {
        die(1, "could not encode the %s request", method);
    }
    int error = rpc_call(opts->rundir, method, params, &result, &err);
    json_decref(params);
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, err);
        free(err);
        exit(1);
    }
    return result;
}

static void write_chunk(const char *text, size_t len, void *aux)
{
    fwrite(text, 1, len, stdout);
}

json_t *common_call_chunks(const struct common_opts *opts, const char *method,
                           json_t *params,
                           void (*cb)(const char *text, size_t len, void *aux),
                           void *aux)
{
    json_t *result;
    char *err;
    if (!params) {
        die(1, "could not encode the %s request", method);
    }
    int error = rpc_call_chunks(opts->rundir, method, params,
                                cb ? cb : write_chunk, aux, &result, &err);
    json_decref(params);
    if (error) {
        fflush(stdout);
        fprintf(stderr, "%s: %s\n", program_name, err);
        free(err);
        exit(1);
    }
    return result;
}

void common_print_json(const json_t *result)
{
    /* Ten significant digits: a duration of 4.004 s prints as 4.004, not
     * as the nearest double's 4.0039999999999996. */
    char *s = json_dumps(result, JSON_INDENT(2) | JSON_ENCODE_ANY
                                     | JSON_REAL_PRECISION(10));
    fputs(s, stdout);
    fputc('\n', stdout);
    free(s);
}

/* Dies naming the first line of 'text' (the 'len' bytes that start at
 * line 'first_line' of 'path') that is not valid UTF-8, if any. */
static void check_utf8_lines(const char *path, const char *text, size_t len,
                             size_t first_line)
{
    json_t *j = json_stringn(text, len);
    if (j) {
        json_decref(j);
        return;
    }
    /* Name the line, not the whole file. */
    size_t lineno = first_line;
    file_prefix = xasprintf("%s: ", path);
    for (const char *line = text, *end = text + len; line < end; lineno++) {
        const char *nl = memchr(line, '\n', (size_t)(end - line));
        size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
        char *one = xstrndup(line, n);
        char what[64];
        snprintf(what, sizeof what, "line %zu ", lineno);
        check_utf8(what, one);
        free(one);
        line += n + (nl != NULL);
    }
    die(1, "%s: not valid UTF-8", path);
}

static FILE *open_input(const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        die(1, "%s: %s", path, strerror(errno));
    }
    return f;
}

char *common_read_file(const char *path)
{
    FILE *f = open_input(path);
    struct ds ds = DS_EMPTY_INITIALIZER;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        ds_put_buffer(&ds, buf, n);
    }
    if (ferror(f)) {
        die(1, "%s: read error", path);
    }
    if (f != stdin) {
        fclose(f);
    }
    char *s = ds_steal_cstr(&ds);
    s = s ? s : xstrdup("");
    check_utf8_lines(path, s, strlen(s), 1);
    return s;
}

static void die_call(char *err)
{
    fprintf(stderr, "%s: %s\n", program_name, err);
    free(err);
    exit(1);
}

json_t *common_upload_file(const struct common_opts *opts, const char *method,
                           json_t *params, const char *path)
{
    FILE *f = open_input(path);
    struct rpc_upload *up;
    char *err;
    if (!params) {
        die(1, "could not encode the %s request", method);
    }
    if (rpc_upload_open(opts->rundir, method, params, &up, &err)) {
        die_call(err);
    }
    json_decref(params);
    /* Whole lines a block at a time: the client holds one block, whatever
     * the size of the file, and names a bad line by its number. */
    struct ds block = DS_EMPTY_INITIALIZER;
    size_t lineno = 1;
    char buf[1 << 20];
    size_t n;
    do {
        n = fread(buf, 1, sizeof buf, f);
        ds_put_buffer(&block, buf, n);
        const char *nl =
            block.length ? memrchr(block.string, '\n', block.length) : NULL;
        size_t whole = !n   ? block.length
                       : nl ? (size_t)(nl - block.string) + 1
                            : 0;
        if (!whole && block.length > (1u << 20)) {
            /* A line that long is refused: let the daemon say so rather
             * than hold it all here.  Cut between characters (the last
             * one may not be complete yet). */
            whole = block.length - 4;
            while (whole > 1
                   && ((unsigned char)block.string[whole] & 0xc0) == 0x80) {
                whole--;
            }
        }
        if (!whole) {
            continue;
        }
        check_utf8_lines(path, block.string, whole, lineno);
        for (size_t i = 0; i < whole; i++) {
            lineno += block.string[i] == '\n';
        }
        if (rpc_upload_send(up, block.string, whole, &err)) {
            die_call(err);
        }
        memmove(block.string, block.string + whole, block.length - whole);
        ds_truncate(&block, block.length - whole);
    } while (n);
    if (ferror(f)) {
        die(1, "%s: read error", path);
    }
    if (f != stdin) {
        fclose(f);
    }
    ds_destroy(&block);
    json_t *result;
    if (rpc_upload_finish(up, &result, &err)) {
        die_call(err);
    }
    rpc_upload_close(up);
    return result;
}
