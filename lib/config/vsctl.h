/* vsctl: swctl's commands, as one table, and their transaction logic.
 *
 * swctl sends its command line (argv after the global options) to the
 * daemon unparsed; the daemon calls vsctl_run() on a clone of its
 * configuration.  vsctl_run() parses every command first (so a typo in
 * the third command changes nothing), then runs them in order against
 * the clone; the first failure aborts the whole line.  Only if every
 * command succeeds and the result validates does the daemon save the
 * clone and make it live: "--" chains are all-or-nothing.
 *
 * Each command renders its result once, through printer.h
 * (vsctl-render.c), in the form the request asks for:
 *   JSON  an array with one {"command", "result"} object per command
 *         (and "columns" after --columns): what swctl --format json
 *         prints and what swagent reads;
 *   text  {"text", "status", "errors"}: what swctl prints (ovs-vsctl's
 *         text), its exit status, and its stderr lines.
 *
 * Command-line grammar (like ovs-vsctl):
 *   [--OPTION]... COMMAND [ARG]... [-- [--OPTION]... COMMAND [ARG]...]...
 * where the per-command options are --may-exist, --if-exists and
 * --columns=A,B. */
#ifndef SW_VSCTL_H
#define SW_VSCTL_H 1

#include <jansson.h>
#include <stdbool.h>

#include "config.h"
#include "ds.h"
#include "records.h"

/* The members of a reply (and "bare", the request's --bare). */
#define VSCTL_KEY_COMMAND "command"
#define VSCTL_KEY_RESULT "result"
#define VSCTL_KEY_COLUMNS "columns"
#define VSCTL_KEY_STATUS "status"
#define VSCTL_KEY_ERRORS "errors"
#define VSCTL_PARAM_BARE "bare"

/* The form of a reply. */
struct vsctl_view {
    bool text; /* ovs-vsctl's text, else JSON. */
    bool bare; /* As ovs-vsctl --bare: list and find print values only,
                * one per line, a blank line between records. */
};

/* Runs the commands in 'argv' (n 'argc') against 'cfg', which is changed
 * in place (pass a clone).  'view' NULL is JSON.  On success returns
 * NULL, '*resultp' (the reply, new reference) and '*changedp' (whether
 * 'cfg' was modified; if so it has been validated and given port
 * numbers).  On failure returns an allocated message; '*resultp' is NULL
 * and 'cfg' is in an unspecified state (throw the clone away). */
char *vsctl_run(struct config *cfg, int argc, char *argv[],
                const struct db_status *, const struct vsctl_view *view,
                json_t **resultp, bool *changedp);

/* The ports a transaction added that could not be set up, added to a
 * reply after the commit: in JSON one more entry {"command":
 * "setup-errors", "result": [{"name", "error"}]}, in text a line of
 * "errors" each. */
void vsctl_add_setup_error(json_t *reply, const char *name, const char *error);

/* What swctl prints of a reply of either form: the text of a text reply
 * ("" for JSON); the exit status (0, or 2 when a br-exists found no
 * bridge); ovs-vsctl's stderr line for each setup error, "PROGRAM: Error
 * detected while setting up 'NAME': ERROR.  See ...". */
const char *vsctl_reply_text(const json_t *reply);
int vsctl_reply_status(const json_t *reply);
void vsctl_reply_errors(const json_t *reply, const char *program,
                        struct ds *out);

/* Appends the usage text, generated from the command table. */
void vsctl_usage(struct ds *out);

#endif
