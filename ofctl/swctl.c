/* swctl: configure switchd's bridges and ports (ovs-vsctl's shape).
 *
 * The command line after the global options goes to the daemon as is:
 * the daemon parses and runs it as one transaction (lib/config/vsctl.c)
 * and renders the reply, as text or JSON; we print it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "ds.h"
#include "printer.h"
#include "vsctl.h"

static void help(void)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    vsctl_usage(&ds);
    printf("swctl: configure switchd\n"
           "usage: swctl [OPTIONS] COMMAND [ARG...] [-- COMMAND [ARG...]]...\n"
           "\nCommands (joined with -- they form one all-or-nothing "
           "transaction):\n%s"
           "\nOptions:\n"
           "  --rundir DIR     where switchd runs (else $SW_RUNDIR, else "
           "/run/switchd)\n"
           "  --format json    print the daemon's JSON reply\n"
           "  --bare           list, find: values only, one per line\n"
           "  --columns=A,B    (before list or find) only these columns, "
           "in this order\n"
           "  -t, --timeout=SECS  give up after SECS waiting for switchd\n"
           "  --no-wait        accepted (switchd applies changes before "
           "it answers)\n"
           "  --               ends the options, as before the first "
           "command in OVS docs\n"
           "  -h, --help       this help\n"
           "  -V, --version    print the version and exit\n"
           "\nExit status: 0 success, 1 error, 2 br-exists found no "
           "bridge.\n",
           ds_cstr(&ds));
    ds_destroy(&ds);
}

/* As ovs-vsctl after a transaction that added a port that could not be
 * set up: the port stays (ofport -1, its error in the error column) and
 * the command succeeds, but each such port is reported on stderr. */
static void report_setup_errors(const json_t *reply)
{
    struct ds err = DS_EMPTY_INITIALIZER;
    vsctl_reply_errors(reply, program_name, &err);
    fputs(ds_cstr(&err), stderr);
    ds_destroy(&err);
}

static void on_alarm(int sig)
{
    static const char msg[] = "swctl: timed out waiting for switchd\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    _exit(1);
}

/* --timeout=SECS, -t SECS: give up on switchd after SECS (0: never), as
 * ovs-vsctl gives up on ovsdb-server. */
static void set_timeout(const char *secs)
{
    uint64_t n;
    if (!str_to_u64(secs, UINT32_MAX, &n)) {
        die(1, "--timeout: \"%s\" is not a number of seconds", secs);
    }
    if (n) {
        signal(SIGALRM, on_alarm);
        alarm((unsigned)n);
    }
}

int main(int argc, char *argv[])
{
    program_name = "swctl";
    struct common_opts opts = { NULL, false };
    int first = common_parse_options(argc, argv, &opts, help);
    bool bare = false;

    /* ovs-vsctl's global options that swctl takes as well.  --no-wait
     * changes nothing: switchd applies a change before it answers.  A
     * leading "--" (as in "ovs-vsctl -- add-br br0 -- ...") ends them. */
    for (; first < argc; first++) {
        const char *a = argv[first];
        if (!strcmp(a, "--no-wait")) {
            continue;
        } else if (!strcmp(a, "--bare")) {
            bare = true;
        } else if (str_starts_with(a, "--timeout=")) {
            set_timeout(a + strlen("--timeout="));
        } else if (!strcmp(a, "--timeout") || !strcmp(a, "-t")) {
            if (first + 1 >= argc) {
                die(1, "option %s needs an argument", a);
            }
            set_timeout(argv[++first]);
        } else if (str_starts_with(a, "-t") && a[2]) {
            set_timeout(a + 2);
        } else if (!strcmp(a, "--")) {
            first++;
            break;
        } else {
            break;
        }
    }
    if (first >= argc) {
        die(1, "missing command name (use --help for help)");
    }
    json_t *args = json_array();
    for (int i = first; i < argc; i++) {
        json_array_append_new(args, json_string(argv[i]));
    }
    json_t *reply =
        common_call(&opts, "vsctl",
                    json_pack("{s:o, s:b, s:b}", "args", args, PR_KEY_TEXT,
                              !opts.json, VSCTL_PARAM_BARE, bare));
    int status = vsctl_reply_status(reply);
    report_setup_errors(reply);
    if (opts.json) {
        common_print_json(reply);
    } else {
        fputs(vsctl_reply_text(reply), stdout);
    }
    json_decref(reply);
    return status;
}
