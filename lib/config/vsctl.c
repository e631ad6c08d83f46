/* vsctl: the swctl command table, the transaction runner and the text
 * renderings of each command's JSON result. */
#include "vsctl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "util.h"

/* Per-command options. */
#define VSO_MAY_EXIST 0x1
#define VSO_IF_EXISTS 0x2

struct vsctl_cmd;

/* One parsed command of the chain. */
struct vsctl_ctx {
    const struct vsctl_cmd *cmd;
    unsigned opts;       /* VSO_* given. */
    const char *columns; /* --columns=A,B of list and find, or NULL. */
    int argc;            /* Arguments after the command name. */
    char **argv;
    struct config *cfg;
    const struct vsctl_status *status;
    bool changed;
};

struct vsctl_cmd {
    const char *name;
    const char *args; /* Usage grammar of the arguments. */
    int min_args, max_args;
    unsigned opts; /* VSO_* accepted. */
    /* Returns NULL and '*resultp', or an allocated message. */
    char *(*run)(struct vsctl_ctx *, json_t **resultp);
    /* Appends the text rendering of 'result'. */
    void (*format)(const json_t *result, struct ds *, int *exit_codep);
    const char *help;
};

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

static const char *iface_error(const struct vsctl_ctx *ctx, const char *name)
{
    const struct vsctl_status *st = ctx->status;
    return st && st->iface_error ? st->iface_error(st->aux, name) : NULL;
}

static json_t *options_to_json(const struct config_port *p)
{
    json_t *o = json_object();
    for (size_t i = 0; i < p->n_options; i++) {
        json_object_set_new(o, p->options[i].key,
                            json_string(p->options[i].value));
    }
    return o;
}

static bool iface_open_failed(const struct vsctl_ctx *ctx, const char *name)
{
    const struct vsctl_status *st = ctx->status;
    return st && st->iface_open_failed && st->iface_open_failed(st->aux, name);
}

/* "up" or "down" as ovs-vsctl shows admin_state or link_state; null
 * ([]) for a port with no state to show. */
static json_t *state_to_json(bool known, bool up)
{
    return known ? json_string(up ? "up" : "down") : json_null();
}

/* The interface record as list/get/show see it. */
static json_t *iface_to_json(const struct vsctl_ctx *ctx,
                             const struct config_port *p)
{
    const struct vsctl_status *st = ctx->status;
    bool admin_up = false, link_up = false;
    bool known = st && st->iface_state
                 && st->iface_state(st->aux, p->name, &admin_up, &link_up);
    const char *err = iface_error(ctx, p->name);
    /* A port that could not be opened has no OpenFlow port: -1, as OVS
     * shows it. */
    bool failed = iface_open_failed(ctx, p->name);
    json_t *r = json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "name", p->name, "external_ids",
        smap_to_json(&p->external_ids), "type", p->type, "options",
        options_to_json(p), "ofport",
        failed          ? json_integer(-1)
        : p->ofport > 0 ? json_integer(p->ofport)
                        : json_null(),
        "ofport_request",
        p->ofport_request ? json_integer(p->ofport_request) : json_null(),
        "error", err ? json_string(err) : json_null());
    json_object_set_new(r, "admin_state", state_to_json(known, admin_up));
    json_object_set_new(r, "link_state", state_to_json(known, link_up));
    return r;
}

/* Strips one level of double quotes, as the shell-quoted values of
 * ovs-vsctl ("options:remote_ip=\"1.2.3.4\"") arrive. */
static char *unquote(const char *s)
{
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        return xstrndup(s + 1, len - 2);
    }
    return xstrdup(s);
}

/* Finds RECORD of TABLE: a port (Interface and Port rows are the same
 * port here) with its bridge, or a bridge ('*pp' NULL). */
static char *find_record(struct vsctl_ctx *ctx, const char *table,
                         const char *record, enum db_table *tp,
                         struct config_port **pp, struct config_bridge **brp)
{
    char *err = db_table_parse(table, tp);
    if (err) {
        return err;
    }
    *pp = NULL;
    if (*tp == DB_BRIDGE) {
        *brp = config_find_bridge(ctx->cfg, record);
    } else {
        *pp = config_find_port(ctx->cfg, record, brp);
    }
    if (*tp == DB_BRIDGE ? !*brp : !*pp) {
        return xasprintf("no row \"%s\" in table %s", record,
                         db_table_name(*tp));
    }
    return NULL;
}

/* The record as list/get/find see it. */
static json_t *record_to_json(const struct vsctl_ctx *ctx, enum db_table t,
                              const struct config_port *p,
                              const struct config_bridge *br)
{
    switch (t) {
    case DB_PORT:
        return db_port_record(p);
    case DB_BRIDGE:
        return db_bridge_record(br);
    case DB_INTERFACE:
        break;
    }
    return iface_to_json(ctx, p);
}

/* ---- The Bridge table: name, ports (read-only), datapath_type,
 * other_config. ---- */

static bool is_other_config(const char *column)
{
    return !strcmp(column, "other_config") || !strcmp(column, "other-config");
}

/* Applies one bridge column that columns.c does not handle: 'arg' as
 * typed, split by set_column() into 'column', 'key' (NULL without
 * ":KEY") and 'value'. */
static char *set_bridge_column(struct vsctl_ctx *ctx, struct config_bridge *br,
                               const char *arg, const char *column,
                               const char *key, const char *value)
{
    char *err = NULL;
    if (!strcmp(column, "datapath_type") && !key) {
        err = config_check_datapath_type(br->name, value);
        if (!err) {
            free(br->datapath_type);
            br->datapath_type = *value ? xstrdup(value) : NULL;
            ctx->changed = true;
        }
    } else if (!is_other_config(column)) {
        err = !strcmp(column, "name") || !strcmp(column, "ports")
                  ? xasprintf("\"%s\": column %s is read-only", arg, column)
                  : xasprintf("\"%s\": table Bridge has no column %s (swctl "
                              "knows datapath_type, external_ids, "
                              "fail_mode and other_config)",
                              arg, column);
    } else if (!key || !*key) {
        err = xasprintf("\"%s\": set other_config one key at a time "
                        "(other_config:KEY=VALUE)",
                        arg);
    } else {
        err = config_check_bridge_other(br, key, value);
        if (!err) {
            config_bridge_set_other(br, key, value);
            ctx->changed = true;
        }
    }
    return err;
}

/* Applies one "column[:key]=value" to a record of table 't'. */
static char *set_column(struct vsctl_ctx *ctx, enum db_table t,
                        struct config_port *p, struct config_bridge *br,
                        const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        return xasprintf("\"%s\": expected COLUMN[:KEY]=VALUE", arg);
    }
    char *column = xstrndup(arg, (size_t)(eq - arg));
    char *value = unquote(eq + 1);
    char *key = strchr(column, ':');
    char *err = NULL;
    if (key) {
        *key++ = '\0';
    }

    bool handled;
    err = db_set_column(t, p, br, column, key, value, arg, &handled);
    if (handled || err) {
        /* Done by columns.c. */
    } else if (t == DB_BRIDGE) {
        err = set_bridge_column(ctx, br, arg, column, key, value);
    } else if (!strcmp(column, "options")) {
        if (!key || !*key) {
            err = xasprintf("\"%s\": set options one key at a time "
                            "(options:KEY=VALUE)",
                            arg);
        } else {
            config_port_set_option(p, key, value);
        }
    } else if (key) {
        err = xasprintf("\"%s\": column %s has no keys", arg, column);
    } else if (!strcmp(column, "type")) {
        if (config_port_is_local(br, p) && strcmp(value, "internal")) {
            err = xasprintf("%s: the local port of bridge %s must stay "
                            "internal",
                            p->name, br->name);
        } else {
            config_port_set_type(p, value);
        }
    } else if (!strcmp(column, "ofport_request")) {
        uint64_t n;
        if (!*value || !strcmp(value, "[]")) {
            p->ofport_request = 0;
        } else if (!str_to_u64(value, CONFIG_OFPORT_MAX, &n) || !n) {
            err = xasprintf("\"%s\": ofport_request must be a port number "
                            "from 1 to %d",
                            arg, CONFIG_OFPORT_MAX);
        } else if (config_port_is_local(br, p)) {
            err = xasprintf("%s: the local port's number is always LOCAL",
                            p->name);
        } else {
            p->ofport_request = (int)n;
        }
    } else if (!strcmp(column, "name") || !strcmp(column, "ofport")
               || !strcmp(column, "error") || !strcmp(column, "admin_state")
               || !strcmp(column, "link_state")) {
        err = xasprintf("\"%s\": column %s is read-only", arg, column);
    } else {
        err =
            xasprintf("\"%s\": table Interface has no column %s", arg, column);
    }
    free(column);
    free(value);
    if (!err) {
        ctx->changed = true;
    }
    return err;
}

/* ---- Commands. ---- */

static char *cmd_add_br(struct vsctl_ctx *ctx, json_t **resultp)
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

static char *cmd_del_br(struct vsctl_ctx *ctx, json_t **resultp)
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

static char *cmd_list_br(struct vsctl_ctx *ctx, json_t **resultp)
{
    struct config_bridge **v = config_sorted_bridges(ctx->cfg);
    json_t *a = json_array();
    for (size_t i = 0; i < ctx->cfg->n_bridges; i++) {
        json_array_append_new(a, json_string(v[i]->name));
    }
    free(v);
    *resultp = a;
    return NULL;
}

static char *cmd_br_exists(struct vsctl_ctx *ctx, json_t **resultp)
{
    *resultp = json_boolean(config_find_bridge(ctx->cfg, ctx->argv[0]));
    return NULL;
}

static char *cmd_add_port(struct vsctl_ctx *ctx, json_t **resultp)
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
        err = set_column(ctx, DB_PORT, p, br, ctx->argv[i]);
    }
    return err;
}

static char *cmd_del_port(struct vsctl_ctx *ctx, json_t **resultp)
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

static char *cmd_list_ports(struct vsctl_ctx *ctx, json_t **resultp)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (!br) {
        return err;
    }
    struct config_port **v = config_sorted_ports(br);
    json_t *a = json_array();
    for (size_t i = 0; i < br->n_ports; i++) {
        if (!config_port_is_local(br, v[i])) {
            json_array_append_new(a, json_string(v[i]->name));
        }
    }
    free(v);
    *resultp = a;
    return NULL;
}

static char *cmd_port_to_br(struct vsctl_ctx *ctx, json_t **resultp)
{
    struct config_bridge *owner;
    struct config_port *p = config_find_port(ctx->cfg, ctx->argv[0], &owner);
    if (!p || config_port_is_local(owner, p)) {
        return xasprintf("no port named %s", ctx->argv[0]);
    }
    *resultp = json_string(owner->name);
    return NULL;
}

static char *cmd_show(struct vsctl_ctx *ctx, json_t **resultp)
{
    json_t *bridges = json_array();
    struct config_bridge **bv = config_sorted_bridges(ctx->cfg);
    for (size_t i = 0; i < ctx->cfg->n_bridges; i++) {
        struct config_port **pv = config_sorted_ports(bv[i]);
        json_t *ports = json_array();
        for (size_t j = 0; j < bv[i]->n_ports; j++) {
            json_array_append_new(ports, iface_to_json(ctx, pv[j]));
        }
        free(pv);
        json_array_append_new(bridges, json_pack("{s:s, s:o}", "name",
                                                 bv[i]->name, "ports", ports));
    }
    free(bv);
    *resultp =
        json_pack("{s:s, s:o}", "uuid", ctx->cfg->uuid, "bridges", bridges);
    return NULL;
}

static char *cmd_set(struct vsctl_ctx *ctx, json_t **resultp)
{
    struct config_port *p = NULL;
    struct config_bridge *br;
    enum db_table t;
    char *err = find_record(ctx, ctx->argv[0], ctx->argv[1], &t, &p, &br);
    for (int i = 2; i < ctx->argc && !err; i++) {
        err = set_column(ctx, t, p, br, ctx->argv[i]);
    }
    return err;
}

static char *cmd_clear(struct vsctl_ctx *ctx, json_t **resultp)
{
    struct config_port *p = NULL;
    struct config_bridge *br;
    enum db_table t;
    char *err = find_record(ctx, ctx->argv[0], ctx->argv[1], &t, &p, &br);
    for (int i = 2; i < ctx->argc && !err; i++) {
        const char *col = ctx->argv[i];
        bool handled;
        db_clear_column(t, p, br, col, &handled);
        if (handled) {
            /* Done by columns.c. */
        } else if (t != DB_BRIDGE && !strcmp(col, "options")) {
            while (p->n_options) {
                config_port_set_option(p, p->options[0].key, NULL);
            }
        } else if (t != DB_BRIDGE && !strcmp(col, "ofport_request")) {
            p->ofport_request = 0;
        } else if (t == DB_BRIDGE && !strcmp(col, "datapath_type")) {
            free(br->datapath_type);
            br->datapath_type = NULL;
        } else if (t == DB_BRIDGE && is_other_config(col)) {
            while (br->n_other_config) {
                config_bridge_set_other(br, br->other_config[0].key, NULL);
            }
        } else {
            err = xasprintf("cannot clear column %s", col);
        }
        ctx->changed = true;
    }
    return err;
}

static char *cmd_remove(struct vsctl_ctx *ctx, json_t **resultp)
{
    struct config_port *p = NULL;
    struct config_bridge *br;
    enum db_table t;
    char *err = find_record(ctx, ctx->argv[0], ctx->argv[1], &t, &p, &br);
    for (int i = 3; i < ctx->argc && !err; i++) {
        err = db_remove_value(t, p, br, ctx->argv[2], ctx->argv[i]);
    }
    ctx->changed = !err;
    return err;
}

static json_t *get_column(enum db_table t, const json_t *rec, const char *spec,
                          char **errp)
{
    char *column = xstrdup(spec);
    char *key = strchr(column, ':');
    json_t *v = NULL;
    if (key) {
        *key++ = '\0';
    }
    json_t *col = json_object_get(rec, column);
    if (!col) {
        *errp =
            xasprintf("table %s has no column %s", db_table_name(t), column);
    } else if (key) {
        if (!json_is_object(col)) {
            *errp = xasprintf("column %s has no keys", column);
        } else if (!(v = json_object_get(col, key))) {
            *errp = xasprintf("no key \"%s\" in %s record \"%s\" "
                              "column %s",
                              key, db_table_name(t),
                              json_string_value(json_object_get(rec, "name")),
                              column);
        } else {
            json_incref(v);
        }
    } else {
        v = json_incref(col);
    }
    free(column);
    return v;
}

static char *cmd_get(struct vsctl_ctx *ctx, json_t **resultp)
{
    struct config_port *p;
    struct config_bridge *br;
    enum db_table t;
    char *err = find_record(ctx, ctx->argv[0], ctx->argv[1], &t, &p, &br);
    if (err) {
        return err;
    }
    json_t *rec = record_to_json(ctx, t, p, br);
    json_t *a = json_array();
    for (int i = 2; i < ctx->argc && !err; i++) {
        /* ovs-vsctl takes other-config for other_config. */
        char *spec = xstrdup(ctx->argv[i]);
        if (!strncmp(spec, "other-config", 12)) {
            memcpy(spec, "other_config", 12);
        }
        json_t *v = get_column(t, rec, spec, &err);
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
    *resultp = a;
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
            json_array_append_new(a, record_to_json(ctx, t, NULL, bv[i]));
            continue;
        }
        struct config_port **pv = config_sorted_ports(bv[i]);
        for (size_t j = 0; j < bv[i]->n_ports; j++) {
            json_array_append_new(a, record_to_json(ctx, t, pv[j], bv[i]));
        }
        free(pv);
    }
    free(bv);
    return a;
}

static char *cmd_list(struct vsctl_ctx *ctx, json_t **resultp)
{
    enum db_table t;
    char *err = db_table_parse(ctx->argv[0], &t);
    if (err) {
        return err;
    }
    if (ctx->argc == 1) {
        *resultp = all_records(ctx, t);
        return NULL;
    }
    json_t *a = json_array();
    for (int k = 1; k < ctx->argc; k++) {
        struct config_port *p;
        struct config_bridge *br;
        err = find_record(ctx, ctx->argv[0], ctx->argv[k], &t, &p, &br);
        if (err) {
            json_decref(a);
            return err;
        }
        json_array_append_new(a, record_to_json(ctx, t, p, br));
    }
    *resultp = a;
    return NULL;
}

/* find TABLE [COLUMN[:KEY]=VALUE]...: the records where every condition
 * holds (a missing key never matches). */
static char *cmd_find(struct vsctl_ctx *ctx, json_t **resultp)
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
            const char *eq = strchr(ctx->argv[k], '=');
            char *spec = xstrndup(ctx->argv[k], (size_t)(eq - ctx->argv[k]));
            char *key = strchr(spec, ':');
            json_t *col =
                json_object_get(rec, key ? (*key = '\0', spec) : spec);
            if (!col) {
                err = xasprintf("table %s has no column %s", db_table_name(t),
                                spec);
            } else if (key && !json_is_object(col)) {
                err = xasprintf("column %s has no keys", spec);
            } else {
                json_t *v = key ? json_object_get(col, key + 1) : col;
                match = v && db_value_equals(v, eq + 1);
            }
            free(spec);
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
    *resultp = a;
    return NULL;
}

static char *cmd_set_fail_mode(struct vsctl_ctx *ctx, json_t **resultp)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (br && !(err = config_check_fail_mode(br->name, ctx->argv[1]))) {
        config_bridge_set_fail_mode(br, ctx->argv[1]);
        ctx->changed = true;
    }
    return err;
}

static char *cmd_get_fail_mode(struct vsctl_ctx *ctx, json_t **resultp)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (br) {
        /* Unset prints nothing, as in ovs-vsctl. */
        *resultp = json_array();
        if (br->fail_mode) {
            json_array_append_new(*resultp, json_string(br->fail_mode));
        }
    }
    return err;
}

static char *cmd_del_fail_mode(struct vsctl_ctx *ctx, json_t **resultp)
{
    char *err = NULL;
    struct config_bridge *br = need_bridge(ctx, ctx->argv[0], &err);
    if (br) {
        config_bridge_set_fail_mode(br, NULL);
        ctx->changed = true;
    }
    return err;
}

/* ---- Text renderings. ---- */

void vsctl_format_string(const char *s, struct ds *out)
{
    bool bare = *s && (isalpha((unsigned char)*s) || *s == '_')
                && strcmp(s, "true") && strcmp(s, "false");
    for (const char *c = s; bare && *c; c++) {
        bare =
            isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.';
    }
    if (bare) {
        ds_put_cstr(out, s);
        return;
    }
    ds_put_char(out, '"');
    for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            ds_put_char(out, '\\');
        }
        ds_put_char(out, *c);
    }
    ds_put_char(out, '"');
}

/* A column value in ovs-vsctl's notation: [] for empty, {k=v, ...} for
 * maps. */
static void format_value(const json_t *v, struct ds *out)
{
    if (json_is_string(v)) {
        vsctl_format_string(json_string_value(v), out);
    } else if (json_is_integer(v)) {
        ds_put_format(out, "%lld", (long long)json_integer_value(v));
    } else if (json_is_boolean(v)) {
        ds_put_cstr(out, json_is_true(v) ? "true" : "false");
    } else if (json_is_object(v)) {
        const char *key;
        json_t *value;
        bool first = true;
        ds_put_char(out, '{');
        json_object_foreach((json_t *)v, key, value)
        {
            if (!first) {
                ds_put_cstr(out, ", ");
            }
            first = false;
            vsctl_format_string(key, out);
            ds_put_char(out, '=');
            format_value(value, out);
        }
        ds_put_char(out, '}');
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        ds_put_char(out, '[');
        json_array_foreach((json_t *)v, i, e)
        {
            if (i) {
                ds_put_cstr(out, ", ");
            }
            format_value(e, out);
        }
        ds_put_char(out, ']');
    } else {
        ds_put_cstr(out, "[]");
    }
}

static void format_nothing(const json_t *result, struct ds *out,
                           int *exit_codep)
{
}

static void format_lines(const json_t *result, struct ds *out, int *exit_codep)
{
    size_t i;
    json_t *e;
    if (json_is_string(result)) {
        ds_put_format(out, "%s\n", json_string_value(result));
        return;
    }
    json_array_foreach((json_t *)result, i, e)
    {
        ds_put_format(out, "%s\n", json_string_value(e));
    }
}

static void format_exists(const json_t *result, struct ds *out,
                          int *exit_codep)
{
    if (!json_is_true(result)) {
        *exit_codep = 2;
    }
}

static void format_values(const json_t *result, struct ds *out,
                          int *exit_codep)
{
    size_t i;
    json_t *e;
    json_array_foreach((json_t *)result, i, e)
    {
        format_value(e, out);
        ds_put_char(out, '\n');
    }
}

static void format_records(const json_t *result, struct ds *out,
                           int *exit_codep)
{
    size_t i;
    json_t *rec;
    json_array_foreach((json_t *)result, i, rec)
    {
        const char *key;
        json_t *value;
        if (i) {
            ds_put_char(out, '\n');
        }
        /* jansson keeps insertion order; ovs-vsctl lists columns sorted. */
        const char **keys = xcalloc(json_object_size(rec) + 1, sizeof *keys);
        size_t n = 0;
        json_object_foreach(rec, key, value)
        {
            keys[n++] = key;
        }
        for (size_t a = 1; a < n; a++) {
            for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0;
                 b--) {
                const char *t = keys[b];
                keys[b] = keys[b - 1];
                keys[b - 1] = t;
            }
        }
        for (size_t k = 0; k < n; k++) {
            ds_put_format(out, "%-20s: ", keys[k]);
            format_value(json_object_get(rec, keys[k]), out);
            ds_put_char(out, '\n');
        }
        free(keys);
    }
}

static void format_show(const json_t *result, struct ds *out, int *exit_codep)
{
    size_t i, j;
    json_t *br, *port;
    ds_put_format(out, "%s\n",
                  json_string_value(json_object_get(result, "uuid")));
    json_array_foreach(json_object_get(result, "bridges"), i, br)
    {
        ds_put_format(out, "    Bridge %s\n",
                      json_string_value(json_object_get(br, "name")));
        json_array_foreach(json_object_get(br, "ports"), j, port)
        {
            const char *name =
                json_string_value(json_object_get(port, "name"));
            const char *type =
                json_string_value(json_object_get(port, "type"));
            json_t *opts = json_object_get(port, "options");
            json_t *err = json_object_get(port, "error");
            ds_put_cstr(out, "        Port ");
            vsctl_format_string(name, out);
            ds_put_cstr(out, "\n            Interface ");
            vsctl_format_string(name, out);
            ds_put_char(out, '\n');
            if (type && strcmp(type, "system")) {
                ds_put_format(out, "                type: %s\n", type);
            }
            if (json_object_size(opts)) {
                ds_put_cstr(out, "                options: ");
                format_value(opts, out);
                ds_put_char(out, '\n');
            }
            if (json_is_string(err)) {
                ds_put_cstr(out, "                error: ");
                ds_put_char(out, '"');
                ds_put_cstr(out, json_string_value(err));
                ds_put_cstr(out, "\"\n");
            }
        }
    }
}

/* ---- The table. ---- */

static const struct vsctl_cmd commands[] = {
    { "add-br", "BRIDGE", 1, 1, VSO_MAY_EXIST, cmd_add_br, format_nothing,
      "create a new bridge named BRIDGE with its internal port" },
    { "del-br", "BRIDGE", 1, 1, VSO_IF_EXISTS, cmd_del_br, format_nothing,
      "delete BRIDGE, all of its ports and its saved flows" },
    { "list-br", "", 0, 0, 0, cmd_list_br, format_lines,
      "print the names of all the bridges" },
    { "br-exists", "BRIDGE", 1, 1, 0, cmd_br_exists, format_exists,
      "exit 2 if BRIDGE does not exist" },
    { "add-port", "BRIDGE PORT [COLUMN[:KEY]=VALUE]...", 2, 64, VSO_MAY_EXIST,
      cmd_add_port, format_nothing, "add network device PORT to BRIDGE" },
    { "del-port", "[BRIDGE] PORT", 1, 2, VSO_IF_EXISTS, cmd_del_port,
      format_nothing, "delete PORT (which must be on BRIDGE if given)" },
    { "set-fail-mode", "BRIDGE standalone|secure", 2, 2, 0, cmd_set_fail_mode,
      format_nothing, "secure: BRIDGE gets no NORMAL flow of its own" },
    { "get-fail-mode", "BRIDGE", 1, 1, 0, cmd_get_fail_mode, format_lines,
      "print BRIDGE's fail mode (nothing when unset: standalone)" },
    { "del-fail-mode", "BRIDGE", 1, 1, 0, cmd_del_fail_mode, format_nothing,
      "unset BRIDGE's fail mode (standalone)" },
    { "list-ports", "BRIDGE", 1, 1, 0, cmd_list_ports, format_lines,
      "print the names of all the ports on BRIDGE" },
    { "list-ifaces", "BRIDGE", 1, 1, 0, cmd_list_ports, format_lines,
      "print the names of all the interfaces on BRIDGE" },
    { "port-to-br", "PORT", 1, 1, 0, cmd_port_to_br, format_lines,
      "print the name of the bridge that contains PORT" },
    { "iface-to-br", "IFACE", 1, 1, 0, cmd_port_to_br, format_lines,
      "print the name of the bridge that contains IFACE" },
    { "show", "", 0, 0, 0, cmd_show, format_show,
      "print an overview of the configuration" },
    { "set", "TABLE RECORD COLUMN[:KEY]=VALUE...", 3, 64, 0, cmd_set,
      format_nothing,
      "set COLUMN values in RECORD of TABLE (Interface, Port, Bridge)" },
    { "clear", "TABLE RECORD COLUMN...", 3, 64, 0, cmd_clear, format_nothing,
      "clear COLUMN (options, ofport_request, external_ids, tag, trunks, "
      "fail_mode, other_config) in RECORD" },
    { "remove", "TABLE RECORD COLUMN KEY|KEY=VALUE|VALUE...", 4, 64, 0,
      cmd_remove, format_nothing,
      "remove keys (external_ids) or values (tag, trunks) from COLUMN" },
    { "get", "TABLE RECORD COLUMN[:KEY]...", 3, 64, 0, cmd_get, format_values,
      "print COLUMN values of RECORD in TABLE" },
    { "list", "TABLE [RECORD]...", 1, 64, 0, cmd_list, format_records,
      "list RECORDs (default: all) of TABLE (Interface, Port, Bridge)" },
    { "find", "TABLE [COLUMN[:KEY]=VALUE]...", 1, 64, 0, cmd_find,
      format_records,
      "list the RECORDs of TABLE where every COLUMN "
      "equals VALUE" },
};

static const struct vsctl_cmd *find_cmd(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

void vsctl_usage(struct ds *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        const struct vsctl_cmd *c = &commands[i];
        struct ds syn = DS_EMPTY_INITIALIZER;
        if (c->opts & VSO_MAY_EXIST) {
            ds_put_cstr(&syn, "[--may-exist] ");
        }
        if (c->opts & VSO_IF_EXISTS) {
            ds_put_cstr(&syn, "[--if-exists] ");
        }
        ds_put_format(&syn, "%s %s", c->name, c->args);
        ds_chomp(&syn, ' ');
        ds_put_format(out, "  %-44s %s\n", ds_cstr(&syn), c->help);
        ds_destroy(&syn);
    }
}

/* ---- The runner. ---- */

static const char *opt_name(unsigned opt)
{
    return opt == VSO_MAY_EXIST ? "--may-exist" : "--if-exists";
}

/* Parses argv into 'ctxs' (at most argc of them). */
static char *parse_chain(int argc, char *argv[], struct vsctl_ctx *ctxs,
                         size_t *np)
{
    size_t n = 0;
    int i = 0;
    *np = 0;
    while (i < argc) {
        struct vsctl_ctx *ctx = &ctxs[n];
        memset(ctx, 0, sizeof *ctx);
        for (; i < argc && str_starts_with(argv[i], "--")
               && strcmp(argv[i], "--");
             i++) {
            if (str_starts_with(argv[i], "--columns=")) {
                ctx->columns = argv[i] + strlen("--columns=");
            } else if (!strcmp(argv[i], "--may-exist")) {
                ctx->opts |= VSO_MAY_EXIST;
            } else if (!strcmp(argv[i], "--if-exists")) {
                ctx->opts |= VSO_IF_EXISTS;
            } else {
                return xasprintf("unknown option '%s' (command %zu)", argv[i],
                                 n + 1);
            }
        }
        if (i >= argc || !strcmp(argv[i], "--")) {
            return xasprintf("missing command name (command %zu)", n + 1);
        }
        ctx->cmd = find_cmd(argv[i]);
        if (!ctx->cmd) {
            return xasprintf("unknown command '%s'; use --help for help",
                             argv[i]);
        }
        i++;
        ctx->argv = &argv[i];
        while (i < argc && strcmp(argv[i], "--")) {
            i++;
            ctx->argc++;
        }
        if (ctx->argc < ctx->cmd->min_args) {
            return xasprintf("'%s' command requires at least %d arguments",
                             ctx->cmd->name, ctx->cmd->min_args);
        }
        if (ctx->argc > ctx->cmd->max_args) {
            return xasprintf("'%s' command takes at most %d arguments",
                             ctx->cmd->name, ctx->cmd->max_args);
        }
        if (ctx->columns && ctx->cmd->format != format_records) {
            return xasprintf("'%s' command has no '--columns' option",
                             ctx->cmd->name);
        }
        for (unsigned o = VSO_MAY_EXIST; o <= VSO_IF_EXISTS; o <<= 1) {
            if ((ctx->opts & o) && !(ctx->cmd->opts & o)) {
                return xasprintf("'%s' command has no '%s' option",
                                 ctx->cmd->name, opt_name(o));
            }
        }
        n++;
        if (i < argc) {
            i++; /* Skip "--". */
        }
    }
    if (!n) {
        return xstrdup("missing command name (use --help for help)");
    }
    *np = n;
    return NULL;
}

/* Keeps only the columns --columns names in each record of 'records' (a
 * list or find result), or says which column no record has. */
static char *select_columns(const struct vsctl_ctx *ctx, json_t *records)
{
    char *err = NULL;
    char *list = xstrdup(ctx->columns);
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec)
    {
        json_t *kept = json_object();
        char *save = NULL;
        for (char *c = strtok_r(list, ",", &save); c && !err;
             c = strtok_r(NULL, ",", &save)) {
            json_t *v = json_object_get(rec, c);
            if (!v) {
                err = xasprintf("%s contains no column named \"%s\"",
                                ctx->argv[0], c);
            } else {
                json_object_set(kept, c, v);
            }
        }
        free(list);
        list = xstrdup(ctx->columns);
        json_object_clear(rec);
        json_object_update(rec, kept);
        json_decref(kept);
    }
    free(list);
    return err;
}

char *vsctl_run(struct config *cfg, int argc, char *argv[],
                const struct vsctl_status *status, json_t **resultp,
                bool *changedp)
{
    struct vsctl_ctx *ctxs = xcalloc((size_t)argc + 1, sizeof *ctxs);
    size_t n;
    *resultp = NULL;
    *changedp = false;

    char *err = parse_chain(argc, argv, ctxs, &n);
    json_t *results = json_array();
    bool changed = false;
    for (size_t i = 0; i < n && !err; i++) {
        struct vsctl_ctx *ctx = &ctxs[i];
        json_t *r = NULL;
        ctx->cfg = cfg;
        ctx->status = status;
        err = ctx->cmd->run(ctx, &r);
        changed = changed || ctx->changed;
        if (!err && ctx->columns) {
            err = select_columns(ctx, r);
        }
        if (!err) {
            json_t *e = json_pack("{s:s, s:o}", "command", ctx->cmd->name,
                                  "result", r ? r : json_null());
            if (ctx->columns) {
                /* The order to print them in, as given. */
                json_object_set_new(e, "columns", json_string(ctx->columns));
            }
            json_array_append_new(results, e);
        } else {
            json_decref(r);
        }
    }
    if (!err && changed) {
        err = config_validate(cfg);
        if (!err) {
            config_assign_ofports(cfg);
        }
    }
    free(ctxs);
    if (err) {
        json_decref(results);
        return err;
    }
    *resultp = results;
    *changedp = changed;
    return NULL;
}

/* A value as ovs-vsctl --bare prints it: no quotes, no brackets, set
 * members and map pairs separated by spaces. */
static void format_bare_value(const json_t *v, struct ds *out)
{
    if (json_is_string(v)) {
        ds_put_cstr(out, json_string_value(v));
    } else if (json_is_object(v)) {
        const char *key;
        json_t *value;
        bool first = true;
        json_object_foreach((json_t *)v, key, value)
        {
            ds_put_format(out, "%s%s=", first ? "" : " ", key);
            format_bare_value(value, out);
            first = false;
        }
    } else if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach((json_t *)v, i, e)
        {
            ds_put_cstr(out, i ? " " : "");
            format_bare_value(e, out);
        }
    } else if (!json_is_null(v)) {
        format_value(v, out);
    }
}

/* list and find with --columns (in their order) or --bare (values only,
 * one per line, a blank line between records), as ovs-vsctl. */
static void format_records_as(const json_t *result, const char *columns,
                              bool bare, struct ds *out)
{
    size_t i;
    json_t *rec;
    json_array_foreach((json_t *)result, i, rec)
    {
        if (i) {
            ds_put_char(out, '\n');
        }
        const char **keys = xcalloc(json_object_size(rec) + 1, sizeof *keys);
        size_t n = 0;
        const char *key;
        json_t *value;
        json_object_foreach(rec, key, value)
        {
            keys[n++] = key; /* In --columns order (select_columns()). */
        }
        for (size_t a = 1; a < n && !columns; a++) {
            for (size_t b = a; b > 0 && strcmp(keys[b - 1], keys[b]) > 0;
                 b--) {
                const char *t = keys[b];
                keys[b] = keys[b - 1];
                keys[b - 1] = t;
            }
        }
        for (size_t k = 0; k < n; k++) {
            const json_t *v = json_object_get(rec, keys[k]);
            if (bare) {
                format_bare_value(v, out);
            } else {
                ds_put_format(out, "%-20s: ", keys[k]);
                format_value(v, out);
            }
            ds_put_char(out, '\n');
        }
        free(keys);
    }
}

#define SETUP_ERRORS "setup-errors"

void vsctl_add_setup_error(json_t *results, const char *name,
                           const char *error)
{
    size_t i;
    json_t *e;
    json_t *errors = NULL;
    json_array_foreach(results, i, e)
    {
        const char *cmd = json_string_value(json_object_get(e, "command"));
        if (cmd && !strcmp(cmd, SETUP_ERRORS)) {
            errors = json_object_get(e, "result");
        }
    }
    if (!errors) {
        errors = json_array();
        json_array_append_new(results,
                              json_pack("{s:s, s:o}", "command", SETUP_ERRORS,
                                        "result", errors));
    }
    json_array_append_new(
        errors, json_pack("{s:s, s:s}", "name", name, "error", error));
}

void vsctl_format_setup_errors(const json_t *result, const char *program,
                               struct ds *out)
{
    size_t i, j;
    json_t *e, *p;
    json_array_foreach((json_t *)result, i, e)
    {
        const char *cmd = json_string_value(json_object_get(e, "command"));
        if (!cmd || strcmp(cmd, SETUP_ERRORS)) {
            continue;
        }
        json_array_foreach(json_object_get(e, "result"), j, p)
        {
            const char *name = json_string_value(json_object_get(p, "name"));
            const char *err = json_string_value(json_object_get(p, "error"));
            ds_put_format(out,
                          "%s: Error detected while setting up '%s': "
                          "%s.  See switchd log for details.\n",
                          program, name ? name : "", err ? err : "");
        }
    }
}

void vsctl_format(const json_t *result, struct ds *out, int *exit_codep)
{
    vsctl_format_bare(result, false, out, exit_codep);
}

void vsctl_format_bare(const json_t *result, bool bare, struct ds *out,
                       int *exit_codep)
{
    size_t i;
    json_t *e;
    *exit_codep = 0;
    json_array_foreach((json_t *)result, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "command"));
        const struct vsctl_cmd *c = name ? find_cmd(name) : NULL;
        const char *columns = json_string_value(json_object_get(e, "columns"));
        if (c && c->format == format_records && (columns || bare)) {
            format_records_as(json_object_get(e, "result"), columns, bare,
                              out);
        } else if (c) {
            c->format(json_object_get(e, "result"), out, exit_codep);
        }
    }
}
