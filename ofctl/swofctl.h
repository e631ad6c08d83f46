/* swofctl's own declarations, shared by its files (swofctl-*.c). */
#ifndef OFCTL_SWOFCTL_H
#define OFCTL_SWOFCTL_H 1

#include <jansson.h>
#include <stdbool.h>

struct common_opts;

/* Command-specific options, gathered from anywhere on the line. */
struct cmd_opts {
    bool strict;
    bool stats;
    bool names;
    json_t *sort;         /* [{field, reverse}] */
    bool generate;        /* trace --generate */
    const char *packet;   /* trace --packet HEX */
    const char *write;    /* capture -w FILE */
    long long count;      /* capture -c COUNT, 0: until interrupted */
    const char *protocol; /* -O: "OpenFlow10" or "OpenFlow13" */
    bool bundle;          /* add-flows --bundle: commit in one step */
};

/* diff-flows SOURCE1 SOURCE2 (swofctl-diff.c): exit status 0 when
 * they hold the same flows, 2 when not. */
int swofctl_diff_flows(const struct common_opts *, const struct cmd_opts *,
                       char *argv[], int argc);

#endif
