/* Shared by swctl and swofctl: global options, talking to switchd, and
 * turning errors into one line and an exit code. */
#ifndef OFCTL_COMMON_H
#define OFCTL_COMMON_H 1

#include <jansson.h>
#include <stdbool.h>

#include "util.h"

/* The program name for messages ("swctl"). */
/* The running tool's name for messages ("swctl", "swofctl"); each tool's
 * main() sets it first. */
extern const char *program_name;

/* Global options every tool takes. */
struct common_opts {
    const char *rundir; /* --rundir, or NULL for $SW_RUNDIR / default. */
    bool json;          /* --format json */
};

/* Consumes the global options at the front of argv: --rundir DIR,
 * --rundir=DIR, --format json|text, --format=..., and calls 'help' for
 * -h/--help.  Returns the index of the first argument it did not take.
 * Options it does not know are left for the caller. */
int common_parse_options(int argc, char *argv[], struct common_opts *,
                         void (*help)(void));

/* Prints "PROGRAM: message" to stderr and exits with 'status'. */
void die(int status, const char *fmt, ...) SW_PRINTF(2, 3);

/* Calls 'method' on the daemon; on any error prints it and exits 1.
 * 'params' is consumed.  Returns the result (caller decrefs). */
json_t *common_call(const struct common_opts *, const char *method,
                    json_t *params);
/* As common_call(), for a reply that may come in pieces
 * (rpc_call_chunks()): each piece goes to 'cb' as it arrives, or when 'cb'
 * is NULL to stdout.  Returns the final result (or the whole result from
 * a daemon that does not stream). */
json_t *common_call_chunks(const struct common_opts *, const char *method,
                           json_t *params,
                           void (*cb)(const char *text, size_t len, void *aux),
                           void *aux);

/* Prints 'result' as indented JSON with a trailing newline. */
void common_print_json(const json_t *result);

/* Reads all of 'path' ("-" for stdin).  Exits on error. */
char *common_read_file(const char *path);
/* Sends FILE ("-": stdin) as the text of an upload (rpc_upload_open())
 * of 'method' with 'params' (taken), a block of whole lines at a time,
 * so a file of any size goes through with bounded memory on both sides;
 * dies on an error (a line that is not UTF-8, by its number) and returns
 * the result. */
json_t *common_upload_file(const struct common_opts *, const char *method,
                           json_t *params, const char *path);

#endif
