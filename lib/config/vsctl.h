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
 * Each command yields a JSON result (a list of names, a bool, the show
 * tree...).  The reply is a JSON array with one {"command", "result"}
 * object per command; swctl renders it as text with vsctl_format() (the
 * row's formatter) or prints the JSON as is with --format json.
 *
 * Command-line grammar (like ovs-vsctl):
 *   [--OPTION]... COMMAND [ARG]... [-- [--OPTION]... COMMAND [ARG]...]...
 * where the per-command options are --may-exist and --if-exists. */
#ifndef SW_VSCTL_H
#define SW_VSCTL_H 1

#include <jansson.h>
#include <stdbool.h>

#include "config.h"
#include "ds.h"

/* Live state that some read commands show (interface errors).  Any
 * member may be NULL. */
struct vsctl_status {
    /* Returns the reason 'iface' failed to come up, or NULL. */
    const char *(*iface_error)(void *aux, const char *iface);
    /* Whether 'iface' could not be opened at all: its ofport reads -1, as
     * in OVS.  May be NULL. */
    bool (*iface_open_failed)(void *aux, const char *iface);
    /* Fills whether 'iface' is administratively up and its link up;
     * false if it has no state to show (not open).  May be NULL. */
    bool (*iface_state)(void *aux, const char *iface, bool *admin_up,
                        bool *link_up);
    void *aux;
};

/* Runs the commands in 'argv' (n 'argc') against 'cfg', which is changed
 * in place (pass a clone).  On success returns NULL, '*resultp' (new
 * reference) and '*changedp' (whether 'cfg' was modified; if so it has
 * been validated and given port numbers).  On failure returns an
 * allocated message; '*resultp' is NULL and 'cfg' is in an unspecified
 * state (throw the clone away). */
char *vsctl_run(struct config *cfg, int argc, char *argv[],
                const struct vsctl_status *, json_t **resultp, bool *changedp);

/* Renders a vsctl_run() result as swctl prints it.  '*exit_codep' is 0,
 * or 2 when a br-exists test was false. */
void vsctl_format(const json_t *result, struct ds *out, int *exit_codep);
/* The same, with 'bare' as ovs-vsctl --bare: list and find print values
 * only, one per line, a blank line between records. */
void vsctl_format_bare(const json_t *result, bool bare, struct ds *out,
                       int *exit_codep);

/* The ports a transaction added that could not be set up are one more
 * result entry, {"command": "setup-errors", "result": [{"name",
 * "error"}]}, which vsctl_format() skips.  vsctl_add_setup_error() adds
 * port 'name' with 'error' to 'results' (creating the entry);
 * vsctl_format_setup_errors() appends ovs-vsctl's stderr line for each,
 * "PROGRAM: Error detected while setting up 'NAME': ERROR.  See ...". */
void vsctl_add_setup_error(json_t *results, const char *name,
                           const char *error);
void vsctl_format_setup_errors(const json_t *result, const char *program,
                               struct ds *out);

/* Appends the usage text, generated from the command table. */
void vsctl_usage(struct ds *out);

/* Appends 's' as ovs-vsctl prints a string: bare if it looks like an
 * identifier, otherwise in double quotes with escapes. */
void vsctl_format_string(const char *s, struct ds *out);

#endif
