/* vsctl-commands: swctl's commands, one function each, and the table
 * that names them.  A command works on the configuration (columns.c
 * writes a column, records.c reads a row) and renders its result through
 * vsctl-render.c. */
#include "vsctl-private.h"

#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "util.h"

/* ---- Helpers. ---- */

static struct config_bridge *need_bridge(struct vsctl_ctx *ctx,
                                         const char *name, char **errp)
{
    struct config_bridge *br = config_find_bridge(ctx->cfg, name);
    if (!br) {
        *errp = xasprintf("no bridge named %s", name);
    }
    return br;
}

/* A row of a table: a port (Interface and Port rows are the same port
 * here) with its bridge, or a bridge ('p' NULL). */
struct row {
    enum db_table t;
    struct config_port *p;
    struct config_bridge *br;
};

/* Finds RECORD of TABLE. */
static char *find_row(struct vsctl_ctx *ctx, const char *table,
                      const char *record, struct row *row)
{
    char *err = db_table_parse(table, &row->t);
    if (err) {
        return err;
    }
    row->p = NULL;
    row->br = NULL;
    if (row->t == DB_BRIDGE) {
        row->br = config_find_bridge(ctx->cfg, record);
    } else {
        row->p = config_find_port(ctx->cfg, record, &row->br);
    }
    if (row->t == DB_BRIDGE ? !row->br : !row->p) {
        return xasprintf("no row \"%s\" in table %s", record,
                         db_table_name(row->t));
    }
    return NULL;
}

static json_t *row_record(const struct vsctl_ctx *ctx, const struct row *row)
{
    return db_record(row->t, row->p, row->br, ctx->status);
}

/* set, clear, remove: TABLE RECORD, then 'apply' to each argument from
 * 'first' on, until one fails. */
static char *for_each_change(struct vsctl_ctx *ctx, int first,
                             char *(*apply)(struct vsctl_ctx *,
                                            const struct row *,
                                            const char *arg))
{
    struct row row;
    char *err = find_row(ctx, ctx->argv[0], ctx->argv[1], &row);
    for (int i = first; i < ctx->argc && !err; i++) {
        err = apply(ctx, &row, ctx->argv[i]);
    }
    ctx->changed = ctx->changed || !err;
    return err;
}

/* ---- Commands. ---- */

static char *cmd_add_br(struct vsctl_ctx *ctx, struct printer *pr)
{
    const char *name = ctx->argv[0];
    if (config_find_bridge(ctx->cfg, name)) {
        if (ctx->opts & VSO_MAY_EXIST) {
            return NULL;
        }
        return xasprintf("cannot create a bridge named %s because a bridge "
                         "named %s already exists",
                         name, name);
    }
    struct config_bridge *owner;
    if (config_find_port(ctx->cfg, name, &owner)) {
        return xasprintf("cannot create a bridge named %s because a port "
                         "named %s already exists on bridge %s",
                         name, name, owner->name);
    }
    config_add_bridge(ctx->cfg, name);
    ctx->changed = true;
    return NULL;
}

static char *cmd_del_br(struct vsctl_ctx *ctx, struct printer *pr)
{
    struct config_bridge *br = config_find_bridge(ctx->cfg, ctx->argv[0]);
    if (!br) {
        return ctx->opts & VSO_IF_EXISTS
                   ? NULL
                   : xasprintf("no bridge named %s", ctx->argv[0]);
    }
    config_del_bridge(ctx->cfg, br);
    ctx->changed = true;
    return NULL;
}

static char *cmd_list_br(struct vsctl_ctx *ctx, struct printer *pr)
{
    struct config_bridge **v = config_sorted_bridges(ctx->cfg);
    const char **names = xcalloc(ctx->cfg->n_bridges + 1, sizeof *names);
    for (size_t i = 0; i < ctx->cfg->n_bridges; i++) {
        names[i] = v[i]->name;
    }
    vsctl_render_names(pr, names, ctx->cfg->n_bridges);
    free(names);
    free(v);
    return NULL;
}

static char *cmd_br_exists(struct vsctl_ctx *ctx, struct printer *pr)
{
    bool exists = config_find_bridge(ctx->cfg, ctx->argv[0]) != NULL;
    vsctl_render_truth(pr, exists);
    if (!exists) {
        ctx->exit_status = 2;
    }
    return NULL;
}

static char *cmd_add_port(struct vsctl_ctx *ctx, struct printer *pr)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (!br) {
        return err;
    }
    const char *name = ctx->argv[1];
    struct config_bridge *owner;
    struct config_port *p = config_find_port(ctx->cfg, name, &owner);
    if (p) {
        if ((ctx->opts & VSO_MAY_EXIST) && owner == br) {
            return NULL;
        }
        return xasprintf("cannot create a port named %s because a port "
                         "named %s already exists on bridge %s",
                         name, name, owner->name);
    }
    if (config_find_bridge(ctx->cfg, name)) {
        return xasprintf("cannot create a port named %s because a bridge "
                         "named %s already exists",
                         name, name);
    }
    p = config_add_port(br, name);
    ctx->changed = true;
    for (int i = 2; i < ctx->argc && !err; i++) {
        err = db_set(DB_PORT, p, br, ctx->argv[i]);
    }
    return err;
}

static char *cmd_del_port(struct vsctl_ctx *ctx, struct printer *pr)
{
    const char *name = ctx->argv[ctx->argc - 1];
    struct config_bridge *want = NULL, *owner;
    char *err = NULL;
    if (ctx->argc == 2 && !(want = need_bridge(ctx, ctx->argv[0], &err))) {
        return err;
    }
    struct config_port *p = config_find_port(ctx->cfg, name, &owner);
    if (!p) {
        return ctx->opts & VSO_IF_EXISTS ? NULL
                                         : xasprintf("no port named %s", name);
    }
    if (want && owner != want) {
        return xasprintf("bridge %s does not have a port %s (it is on "
                         "bridge %s)",
                         want->name, name, owner->name);
    }
    if (config_port_is_local(owner, p)) {
        return xasprintf("cannot delete port %s because it is the local "
                         "port for bridge %s (deleting this port requires "
                         "deleting the entire bridge)",
                         name, owner->name);
    }
    config_del_port(owner, p);
    ctx->changed = true;
    return NULL;
}

static char *cmd_list_ports(struct vsctl_ctx *ctx, struct printer *pr)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (!br) {
        return err;
    }
    struct config_port **v = config_sorted_ports(br);
    const char **names = xcalloc(br->n_ports + 1, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < br->n_ports; i++) {
        if (!config_port_is_local(br, v[i])) {
            names[n++] = v[i]->name;
        }
    }
    vsctl_render_names(pr, names, n);
    free(names);
    free(v);
    return NULL;
}

static char *cmd_port_to_br(struct vsctl_ctx *ctx, struct printer *pr)
{
    struct config_bridge *owner;
    struct config_port *p = config_find_port(ctx->cfg, ctx->argv[0], &owner);
    if (!p || config_port_is_local(owner, p)) {
        return xasprintf("no port named %s", ctx->argv[0]);
    }
    vsctl_render_name(pr, owner->name);
    return NULL;
}

static char *cmd_show(struct vsctl_ctx *ctx, struct printer *pr)
{
    vsctl_render_show(pr, ctx->cfg, ctx->status);
    return NULL;
}

static char *set_one(struct vsctl_ctx *ctx, const struct row *row,
                     const char *arg)
{
    return db_set(row->t, row->p, row->br, arg);
}

static char *cmd_set(struct vsctl_ctx *ctx, struct printer *pr)
{
    return for_each_change(ctx, 2, set_one);
}

static char *clear_one(struct vsctl_ctx *ctx, const struct row *row,
                       const char *column)
{
    return db_clear(row->t, row->p, row->br, column);
}

static char *cmd_clear(struct vsctl_ctx *ctx, struct printer *pr)
{
    return for_each_change(ctx, 2, clear_one);
}

static char *remove_one(struct vsctl_ctx *ctx, const struct row *row,
                        const char *value)
{
    return db_remove_value(row->t, row->p, row->br, ctx->argv[2], value);
}

static char *cmd_remove(struct vsctl_ctx *ctx, struct printer *pr)
{
    return for_each_change(ctx, 3, remove_one);
}

/* COLUMN[:KEY] of the record 'rec' of row 'row' (new reference), or NULL
 * and '*errp'. */
static json_t *get_column(const struct row *row, const json_t *rec,
                          const char *spec, char **errp)
{
    char *column = xstrdup(spec);
    char *key = strchr(column, ':');
    json_t *v = NULL;
    if (key) {
        *key++ = '\0';
    }
    json_t *col = json_object_get(rec, column);
    enum db_table t = row->t;
    if (!col) {
        *errp =
            xasprintf("table %s has no column %s", db_table_name(t), column);
    } else if (!key) {
        v = json_incref(col);
    } else if (!json_is_object(col)) {
        *errp = xasprintf("column %s has no keys", column);
    } else if (!(v = json_object_get(col, key))) {
        *errp = xasprintf("no key \"%s\" in %s record \"%s\" column %s", key,
                          db_table_name(t),
                          row->p ? row->p->name : row->br->name, column);
    } else {
        json_incref(v);
    }
    free(column);
    return v;
}

static char *cmd_get(struct vsctl_ctx *ctx, struct printer *pr)
{
    struct row row;
    char *err = find_row(ctx, ctx->argv[0], ctx->argv[1], &row);
    if (err) {
        return err;
    }
    json_t *rec = row_record(ctx, &row);
    json_t *a = json_array();
    for (int i = 2; i < ctx->argc && !err; i++) {
        /* ovs-vsctl takes other-config for other_config. */
        char *spec = xstrdup(ctx->argv[i]);
        if (!strncmp(spec, "other-config", 12)) {
            memcpy(spec, "other_config", 12);
        }
        json_t *v = get_column(&row, rec, spec, &err);
        free(spec);
        if (v) {
            json_array_append_new(a, v);
        }
    }
    json_decref(rec);
    if (err) {
        json_decref(a);
        return err;
    }
    vsctl_render_values(pr, a);
    return NULL;
}

/* Every record of table 't', in name order (bridges, then each bridge's
 * ports). */
static json_t *all_records(struct vsctl_ctx *ctx, enum db_table t)
{
    json_t *a = json_array();
    struct config_bridge **bv = config_sorted_bridges(ctx->cfg);
    for (size_t i = 0; i < ctx->cfg->n_bridges; i++) {
        if (t == DB_BRIDGE) {
            json_array_append_new(a, db_record(t, NULL, bv[i], ctx->status));
            continue;
        }
        struct config_port **pv = config_sorted_ports(bv[i]);
        for (size_t j = 0; j < bv[i]->n_ports; j++) {
            json_array_append_new(a, db_record(t, pv[j], bv[i], ctx->status));
        }
        free(pv);
    }
    free(bv);
    return a;
}

static char *render_records(struct vsctl_ctx *ctx, struct printer *pr,
                            json_t *records)
{
    return vsctl_render_records(pr, records, ctx->columns, ctx->view->bare,
                                ctx->argv[0]);
}

static char *cmd_list(struct vsctl_ctx *ctx, struct printer *pr)
{
    enum db_table t;
    char *err = db_table_parse(ctx->argv[0], &t);
    if (err) {
        return err;
    }
    if (ctx->argc == 1) {
        return render_records(ctx, pr, all_records(ctx, t));
    }
    json_t *a = json_array();
    for (int k = 1; k < ctx->argc; k++) {
        struct row row;
        err = find_row(ctx, ctx->argv[0], ctx->argv[k], &row);
        if (err) {
            json_decref(a);
            return err;
        }
        json_array_append_new(a, row_record(ctx, &row));
    }
    return render_records(ctx, pr, a);
}

/* Whether record 'rec' of table 't' meets "COLUMN[:KEY]=VALUE" 'cond'
 * (a missing key never does), or '*errp'. */
static bool record_matches(enum db_table t, const json_t *rec,
                           const char *cond, char **errp)
{
    const char *eq = strchr(cond, '=');
    char *spec = xstrndup(cond, (size_t)(eq - cond));
    char *key = strchr(spec, ':');
    bool match = false;
    if (key) {
        *key++ = '\0';
    }
    json_t *col = json_object_get(rec, spec);
    if (!col) {
        *errp = xasprintf("table %s has no column %s", db_table_name(t), spec);
    } else if (key && !json_is_object(col)) {
        *errp = xasprintf("column %s has no keys", spec);
    } else {
        json_t *v = key ? json_object_get(col, key) : col;
        match = v && db_value_equals(v, eq + 1);
    }
    free(spec);
    return match;
}

/* find TABLE [COLUMN[:KEY]=VALUE]...: the records where every condition
 * holds. */
static char *cmd_find(struct vsctl_ctx *ctx, struct printer *pr)
{
    enum db_table t;
    char *err = db_table_parse(ctx->argv[0], &t);
    if (err) {
        return err;
    }
    for (int k = 1; k < ctx->argc; k++) {
        if (!strchr(ctx->argv[k], '=')) {
            return xasprintf("\"%s\": expected COLUMN[:KEY]=VALUE",
                             ctx->argv[k]);
        }
    }
    json_t *all = all_records(ctx, t);
    json_t *a = json_array();
    size_t i;
    json_t *rec;
    json_array_foreach(all, i, rec)
    {
        bool match = true;
        for (int k = 1; k < ctx->argc && match && !err; k++) {
            match = record_matches(t, rec, ctx->argv[k], &err);
        }
        if (match && !err) {
            json_array_append(a, rec);
        }
    }
    json_decref(all);
    if (err) {
        json_decref(a);
        return err;
    }
    return render_records(ctx, pr, a);
}

static char *cmd_set_fail_mode(struct vsctl_ctx *ctx, struct printer *pr)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (br && !(err = config_check_fail_mode(br->name, ctx->argv[1]))) {
        config_bridge_set_fail_mode(br, ctx->argv[1]);
        ctx->changed = true;
    }
    return err;
}

static char *cmd_get_fail_mode(struct vsctl_ctx *ctx, struct printer *pr)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (br) {
        /* Unset prints nothing, as in ovs-vsctl. */
        const char *mode = br->fail_mode;
        vsctl_render_names(pr, &mode, mode ? 1 : 0);
    }
    return err;
}

static char *cmd_del_fail_mode(struct vsctl_ctx *ctx, struct printer *pr)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (br) {
        config_bridge_set_fail_mode(br, NULL);
        ctx->changed = true;
    }
    return err;
}

/* ---- The table. ---- */

const struct vsctl_cmd vsctl_commands[] = {
    { "add-br", "BRIDGE", 1, 1, VSO_MAY_EXIST, cmd_add_br, false,
      "create a new bridge named BRIDGE with its internal port" },
    { "del-br", "BRIDGE", 1, 1, VSO_IF_EXISTS, cmd_del_br, false,
      "delete BRIDGE, all of its ports and its saved flows" },
    { "list-br", "", 0, 0, 0, cmd_list_br, false,
      "print the names of all the bridges" },
    { "br-exists", "BRIDGE", 1, 1, 0, cmd_br_exists, true,
      "exit 2 if BRIDGE does not exist" },
    { "add-port", "BRIDGE PORT [COLUMN[:KEY]=VALUE]...", 2, 64, VSO_MAY_EXIST,
      cmd_add_port, false, "add network device PORT to BRIDGE" },
    { "del-port", "[BRIDGE] PORT", 1, 2, VSO_IF_EXISTS, cmd_del_port, false,
      "delete PORT (which must be on BRIDGE if given)" },
    { "set-fail-mode", "BRIDGE standalone|secure", 2, 2, 0, cmd_set_fail_mode,
      false, "secure: BRIDGE gets no NORMAL flow of its own" },
    { "get-fail-mode", "BRIDGE", 1, 1, 0, cmd_get_fail_mode, false,
      "print BRIDGE's fail mode (nothing when unset: standalone)" },
    { "del-fail-mode", "BRIDGE", 1, 1, 0, cmd_del_fail_mode, false,
      "unset BRIDGE's fail mode (standalone)" },
    { "list-ports", "BRIDGE", 1, 1, 0, cmd_list_ports, false,
      "print the names of all the ports on BRIDGE" },
    { "list-ifaces", "BRIDGE", 1, 1, 0, cmd_list_ports, false,
      "print the names of all the interfaces on BRIDGE" },
    { "port-to-br", "PORT", 1, 1, 0, cmd_port_to_br, false,
      "print the name of the bridge that contains PORT" },
    { "iface-to-br", "IFACE", 1, 1, 0, cmd_port_to_br, false,
      "print the name of the bridge that contains IFACE" },
    { "show", "", 0, 0, 0, cmd_show, false,
      "print an overview of the configuration" },
    { "set", "TABLE RECORD COLUMN[:KEY]=VALUE...", 3, 64, 0, cmd_set, false,
      "set COLUMN values in RECORD of TABLE (Interface, Port, Bridge)" },
    { "clear", "TABLE RECORD COLUMN...", 3, 64, 0, cmd_clear, false,
      "clear COLUMN (options, ofport_request, external_ids, tag, trunks, "
      "fail_mode, other_config) in RECORD" },
    { "remove", "TABLE RECORD COLUMN KEY|KEY=VALUE|VALUE...", 4, 64, 0,
      cmd_remove, false,
      "remove keys (external_ids) or values (tag, trunks) from COLUMN" },
    { "get", "TABLE RECORD COLUMN[:KEY]...", 3, 64, 0, cmd_get, false,
      "print COLUMN values of RECORD in TABLE" },
    { "list", "TABLE [RECORD]...", 1, 64, VSO_COLUMNS, cmd_list, false,
      "list RECORDs (default: all) of TABLE (Interface, Port, Bridge)" },
    { "find", "TABLE [COLUMN[:KEY]=VALUE]...", 1, 64, VSO_COLUMNS, cmd_find,
      false,
      "list the RECORDs of TABLE where every COLUMN "
      "equals VALUE" },
};
const size_t vsctl_n_commands = ARRAY_SIZE(vsctl_commands);

const struct vsctl_cmd *vsctl_find_cmd(const char *name)
{
    for (size_t i = 0; i < vsctl_n_commands; i++) {
        if (!strcmp(vsctl_commands[i].name, name)) {
            return &vsctl_commands[i];
        }
    }
    return NULL;
}
