/* swctl: configure switchd's bridges and ports (ovs-vsctl's shape).
 *
 * The command line after the global options goes to the daemon as is:
 * the daemon parses and runs it as one transaction (lib/vsctl.c), and we
 * render the reply. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "ds.h"
#include "vsctl.h"


static void
help(void)
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
           "  -h, --help       this help\n"
           "  -V, --version    print the version and exit\n"
           "\nExit status: 0 success, 1 error, 2 br-exists found no "
           "bridge.\n",
           ds_cstr(&ds));
    ds_destroy(&ds);
}

int
main(int argc, char *argv[])
{
    program_name = "swctl";
    struct common_opts opts = {NULL, false};
    int first = common_parse_options(argc, argv, &opts, help);
    if (first >= argc) {
        die(1, "missing command name (use --help for help)");
    }
    json_t *args = json_array();
    for (int i = first; i < argc; i++) {
        json_array_append_new(args, json_string(argv[i]));
    }
    json_t *result = common_call(&opts, "vsctl",
                                 json_pack("{s:o}", "args", args));
    int status = 0;
    struct ds out = DS_EMPTY_INITIALIZER;
    vsctl_format(result, &out, &status);
    if (opts.json) {
        common_print_json(result);
    } else {
        fputs(ds_cstr(&out), stdout);
    }
    ds_destroy(&out);
    json_decref(result);
    return status;
}
