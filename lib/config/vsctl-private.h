/* vsctl's parts, shared by its files: vsctl.c (the runner),
 * vsctl-commands.c (the command table) and vsctl-render.c (each reply's
 * renderer). */
#ifndef SW_VSCTL_PRIVATE_H
#define SW_VSCTL_PRIVATE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "printer.h"
#include "records.h"
#include "vsctl.h"

/* Per-command options, in the order their errors are checked. */
#define VSO_COLUMNS 0x1   /* --columns=A,B */
#define VSO_MAY_EXIST 0x2 /* --may-exist */
#define VSO_IF_EXISTS 0x4 /* --if-exists */
#define VSO_LAST VSO_IF_EXISTS

struct vsctl_cmd;

/* One parsed command of the chain. */
struct vsctl_ctx {
    const struct vsctl_cmd *cmd;
    unsigned opts;       /* VSO_* given. */
    const char *columns; /* --columns=A,B, or NULL. */
    int argc;            /* Arguments after the command name. */
    char **argv;
    struct config *cfg;
    const struct db_status *status;
    const struct vsctl_view *view;
    bool changed;
    int exit_status; /* 2: a br-exists found no bridge. */
};

struct vsctl_cmd {
    const char *name;
    const char *args; /* Usage grammar of the arguments. */
    int min_args, max_args;
    unsigned opts; /* VSO_* accepted. */
    /* Renders the result through 'pr' (vsctl-render.c) under
     * VSCTL_KEY_RESULT; returns NULL, or an allocated message. */
    char *(*run)(struct vsctl_ctx *, struct printer *pr);
    /* A false result makes swctl exit 2 (br-exists). */
    bool exit_2_if_false;
    const char *help;
};

/* The command table (vsctl-commands.c). */
extern const struct vsctl_cmd vsctl_commands[];
extern const size_t vsctl_n_commands;
const struct vsctl_cmd *vsctl_find_cmd(const char *name);

/* The renderers: each makes a command's "result" in JSON or its text. */
/* Names, one a line (list-br, list-ports, get-fail-mode). */
void vsctl_render_names(struct printer *, const char *const *names, size_t n);
/* One name on its line (port-to-br). */
void vsctl_render_name(struct printer *, const char *name);
/* A truth (br-exists): no text, the exit status says it. */
void vsctl_render_truth(struct printer *, bool);
/* Column values (get), 'values' consumed: each in ovs-vsctl's notation
 * on its line. */
void vsctl_render_values(struct printer *, json_t *values);
/* Records (list, find), 'records' consumed: with 'columns' ("A,B") only
 * those, in that order, else every column sorted by name; text as
 * ovs-vsctl ("%-20s: VALUE" lines, or with 'bare' values alone).  Fails
 * (nothing rendered) if the records lack a column of 'columns', naming
 * 'table' as typed. */
char *vsctl_render_records(struct printer *, json_t *records,
                           const char *columns, bool bare, const char *table);
/* The show tree: the database's uuid, each bridge, each port's Interface
 * record (text: name, type, options, error as ovs-vsctl show). */
void vsctl_render_show(struct printer *, const struct config *,
                       const struct db_status *);

#endif
