/* columns: external_ids, tag and trunks in ovs-vsctl's notation. */
#include "columns.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ds.h"
#include "util.h"

static const char *const table_names[] = {
    [DB_INTERFACE] = "Interface",
    [DB_PORT] = "Port",
    [DB_BRIDGE] = "Bridge",
};

char *db_table_parse(const char *name, enum db_table *t)
{
    for (size_t i = 0; i < ARRAY_SIZE(table_names); i++) {
        if (!strcasecmp(name, table_names[i])) {
            *t = (enum db_table)i;
            return NULL;
        }
    }
    return xasprintf("unknown table \"%s\" (swctl knows Interface, Port "
                     "and Bridge)",
                     name);
}

const char *db_table_name(enum db_table t)
{
    return table_names[t];
}

struct smap *db_map_column(enum db_table t, struct config_port *p,
                           struct config_bridge *br, const char *column)
{
    if (strcmp(column, "external_ids")) {
        return NULL;
    }
    switch (t) {
    case DB_INTERFACE:
        return &p->external_ids;
    case DB_PORT:
        return &p->port_external_ids;
    case DB_BRIDGE:
        return &br->external_ids;
    }
    return NULL;
}

/* One level of double quotes off, as the shell hands ovs-vsctl's quoted
 * strings over. */
static char *unquote_n(const char *s, size_t len)
{
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        return xstrndup(s + 1, len - 2);
    }
    return xstrndup(s, len);
}

static char *trim(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }
    return unquote_n(s, len);
}

/* "{k=v, k2=v2}" or "{}" into 'm' (emptied first). */
static char *parse_map(struct smap *m, const char *value, const char *arg)
{
    size_t len = strlen(value);
    if (len < 2 || value[0] != '{' || value[len - 1] != '}') {
        return xasprintf("\"%s\": a whole map is written {KEY=VALUE, ...}; "
                         "use COLUMN:KEY=VALUE for one key",
                         arg);
    }
    struct smap new = SMAP_INITIALIZER;
    const char *p = value + 1, *end = value + len - 1;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        char *k = eq ? trim(p, (size_t)(eq - p)) : NULL;
        if (!eq || !*k) {
            char *item = trim(p, (size_t)(stop - p));
            bool blank = !*item && !comma && !new.n;
            free(item);
            free(k);
            if (blank) {
                break; /* "{}" or "{ }". */
            }
            smap_destroy(&new);
            return xasprintf("\"%s\": map item %zu is not KEY=VALUE", arg,
                             new.n + 1);
        }
        char *v = trim(eq + 1, (size_t)(stop - eq - 1));
        smap_set(&new, k, v);
        free(k);
        free(v);
        p = stop + 1;
    }
    smap_destroy(m);
    *m = new;
    return NULL;
}

static bool parse_vlan(const char *s, uint16_t *vlan)
{
    uint64_t v;
    if (!*s || strspn(s, "0123456789") != strlen(s)
        || !str_to_u64(s, CONFIG_VLAN_MAX, &v)) {
        return false;
    }
    *vlan = (uint16_t)v;
    return true;
}

static char *set_tag(struct config_port *p, const char *value, const char *arg)
{
    uint16_t vlan;
    if (!*value || !strcmp(value, "[]")) {
        p->tag = -1;
    } else if (parse_vlan(value, &vlan)) {
        p->tag = vlan;
    } else {
        return xasprintf("\"%s\": tag must be a VLAN from 0 to %d (or [] "
                         "for none)",
                         arg, CONFIG_VLAN_MAX);
    }
    return NULL;
}

/* "1,2", "[1, 2]", "[]". */
static char *set_trunks(struct config_port *p, const char *value,
                        const char *arg)
{
    size_t len = strlen(value);
    char *list = len >= 2 && value[0] == '[' && value[len - 1] == ']'
                     ? xstrndup(value + 1, len - 2)
                     : xstrdup(value);
    uint16_t *v = xcalloc(strlen(list) + 1, sizeof *v);
    size_t n = 0;
    char *err = NULL, *save = NULL;
    for (char *tok = strtok_r(list, ", ", &save); tok && !err;
         tok = strtok_r(NULL, ", ", &save)) {
        if (!parse_vlan(tok, &v[n++])) {
            err = xasprintf("\"%s\": trunks: \"%s\" is not a VLAN from 0 "
                            "to %d",
                            arg, tok, CONFIG_VLAN_MAX);
        }
    }
    if (!err) {
        config_port_set_trunks(p, v, n);
    }
    free(v);
    free(list);
    return err;
}

/* Applies "COLUMN[:KEY]=VALUE" ('column', 'key' may be NULL, 'value'
 * already split out of 'arg') for the columns of the header.  Returns
 * NULL and '*handledp' true when it was one of them, NULL and false when
 * the column is not one of those (db_set() tries the rest), or an
 * allocated message naming 'arg'. */
static char *set_known_column(enum db_table t, struct config_port *p,
                              struct config_bridge *br, const char *column,
                              const char *key, const char *value,
                              const char *arg, bool *handledp)
{
    *handledp = true;
    struct smap *m = db_map_column(t, p, br, column);
    if (m) {
        if (key && !*key) {
            return xasprintf("\"%s\": empty key", arg);
        }
        if (key) {
            smap_set(m, key, value);
            return NULL;
        }
        return parse_map(m, value, arg);
    }
    bool port_column = !strcmp(column, "tag") || !strcmp(column, "trunks");
    if (port_column && t != DB_PORT) {
        return xasprintf("\"%s\": table %s has no column %s (it is a Port "
                         "column)",
                         arg, db_table_name(t), column);
    }
    if (port_column && key) {
        return xasprintf("\"%s\": column %s has no keys", arg, column);
    }
    if (!strcmp(column, "tag")) {
        return set_tag(p, value, arg);
    }
    if (!strcmp(column, "trunks")) {
        return set_trunks(p, value, arg);
    }
    if (t == DB_BRIDGE && !strcmp(column, "fail_mode")) {
        /* Empty or "[]" unsets it, as ovs-vsctl's empty set. */
        bool unset = !*value || !strcmp(value, "[]");
        char *err =
            key     ? xasprintf("\"%s\": column fail_mode has no keys", arg)
            : unset ? NULL
                    : config_check_fail_mode(br->name, value);
        if (!err) {
            config_bridge_set_fail_mode(br, unset ? NULL : value);
        }
        return err;
    }
    *handledp = false;
    return NULL;
}

char *db_remove_value(enum db_table t, struct config_port *p,
                      struct config_bridge *br, const char *column,
                      const char *value)
{
    struct smap *m = db_map_column(t, p, br, column);
    if (m) {
        const char *eq = strchr(value, '=');
        char *key = eq ? trim(value, (size_t)(eq - value))
                       : trim(value, strlen(value));
        char *want = eq ? trim(eq + 1, strlen(eq + 1)) : NULL;
        const char *have = smap_get(m, key);
        if (have && (!want || !strcmp(have, want))) {
            smap_set(m, key, NULL);
        }
        free(key);
        free(want);
        return NULL;
    }
    uint16_t vlan;
    bool port_column = !strcmp(column, "tag") || !strcmp(column, "trunks");
    if (!port_column || t != DB_PORT) {
        return xasprintf("cannot remove values from column %s of table %s "
                         "(swctl removes from external_ids, tag and "
                         "trunks)",
                         column, db_table_name(t));
    }
    if (!parse_vlan(value, &vlan)) {
        return xasprintf("%s: \"%s\" is not a VLAN from 0 to %d", column,
                         value, CONFIG_VLAN_MAX);
    }
    if (!strcmp(column, "tag")) {
        if (p->tag == vlan) {
            p->tag = -1;
        }
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < p->n_trunks; i++) {
        if (p->trunks[i] != vlan) {
            p->trunks[k++] = p->trunks[i];
        }
    }
    p->n_trunks = k;
    return NULL;
}

/* clear for the columns of the header; '*handledp' as in
 * set_known_column(). */
static void clear_known_column(enum db_table t, struct config_port *p,
                               struct config_bridge *br, const char *column,
                               bool *handledp)
{
    struct smap *m = db_map_column(t, p, br, column);
    *handledp = true;
    if (m) {
        smap_clear(m);
    } else if (t == DB_PORT && !strcmp(column, "tag")) {
        p->tag = -1;
    } else if (t == DB_PORT && !strcmp(column, "trunks")) {
        p->n_trunks = 0;
    } else if (t == DB_BRIDGE && !strcmp(column, "fail_mode")) {
        config_bridge_set_fail_mode(br, NULL);
    } else {
        *handledp = false;
    }
}

bool db_value_equals(const json_t *col, const char *value)
{
    char *v = trim(value, strlen(value));
    bool eq;
    if (json_is_string(col)) {
        eq = !strcmp(json_string_value(col), v);
    } else if (json_is_integer(col)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(col));
        eq = !strcmp(buf, v);
    } else if (json_is_null(col)) {
        eq = !strcmp(v, "[]") || !*v;
    } else if (json_is_boolean(col)) {
        eq = !strcmp(v, json_is_true(col) ? "true" : "false");
    } else {
        /* Sets: compare the numbers, whatever the spacing and brackets
         * ("1,2", "[1, 2]").  Maps are matched by key (COLUMN:KEY=V). */
        struct ds want = DS_EMPTY_INITIALIZER, have = DS_EMPTY_INITIALIZER;
        for (const char *c = v; *c; c++) {
            if (!strchr(" []", *c)) {
                ds_put_char(&want, *c);
            }
        }
        size_t i;
        json_t *e;
        eq = json_is_array(col);
        json_array_foreach((json_t *)col, i, e)
        {
            ds_put_format(&have, "%s%lld", i ? "," : "",
                          (long long)json_integer_value(e));
        }
        eq = eq && !strcmp(ds_cstr(&want), ds_cstr(&have));
        ds_destroy(&want);
        ds_destroy(&have);
    }
    free(v);
    return eq;
}

static bool is_other_config(const char *column)
{
    return !strcmp(column, "other_config") || !strcmp(column, "other-config");
}

/* A bridge column that set_known_column() does not handle: 'arg' as
 * typed, split into 'column', 'key' (NULL without ":KEY") and 'value'. */
static char *set_bridge_column(struct config_bridge *br, const char *arg,
                               const char *column, const char *key,
                               const char *value)
{
    if (!strcmp(column, "datapath_type") && !key) {
        char *err = config_check_datapath_type(br->name, value);
        if (!err) {
            free(br->datapath_type);
            br->datapath_type = *value ? xstrdup(value) : NULL;
        }
        return err;
    }
    if (!is_other_config(column)) {
        return !strcmp(column, "name") || !strcmp(column, "ports")
                   ? xasprintf("\"%s\": column %s is read-only", arg, column)
                   : xasprintf("\"%s\": table Bridge has no column %s (swctl "
                               "knows datapath_type, external_ids, "
                               "fail_mode and other_config)",
                               arg, column);
    }
    if (!key || !*key) {
        return xasprintf("\"%s\": set other_config one key at a time "
                         "(other_config:KEY=VALUE)",
                         arg);
    }
    char *err = config_check_bridge_other(br, key, value);
    if (!err) {
        config_bridge_set_other(br, key, value);
    }
    return err;
}

/* An Interface column that set_known_column() does not handle. */
static char *set_iface_column(struct config_port *p, struct config_bridge *br,
                              const char *arg, const char *column,
                              const char *key, const char *value)
{
    if (!strcmp(column, "options")) {
        if (!key || !*key) {
            return xasprintf("\"%s\": set options one key at a time "
                             "(options:KEY=VALUE)",
                             arg);
        }
        config_port_set_option(p, key, value);
        return NULL;
    }
    if (key) {
        return xasprintf("\"%s\": column %s has no keys", arg, column);
    }
    if (!strcmp(column, "type")) {
        if (config_port_is_local(br, p) && strcmp(value, "internal")) {
            return xasprintf("%s: the local port of bridge %s must stay "
                             "internal",
                             p->name, br->name);
        }
        config_port_set_type(p, value);
        return NULL;
    }
    if (!strcmp(column, "ofport_request")) {
        uint64_t n;
        if (!*value || !strcmp(value, "[]")) {
            p->ofport_request = 0;
        } else if (!str_to_u64(value, CONFIG_OFPORT_MAX, &n) || !n) {
            return xasprintf("\"%s\": ofport_request must be a port number "
                             "from 1 to %d",
                             arg, CONFIG_OFPORT_MAX);
        } else if (config_port_is_local(br, p)) {
            return xasprintf("%s: the local port's number is always LOCAL",
                             p->name);
        } else {
            p->ofport_request = (int)n;
        }
        return NULL;
    }
    if (!strcmp(column, "name") || !strcmp(column, "ofport")
        || !strcmp(column, "error") || !strcmp(column, "admin_state")
        || !strcmp(column, "link_state")) {
        return xasprintf("\"%s\": column %s is read-only", arg, column);
    }
    return xasprintf("\"%s\": table Interface has no column %s", arg, column);
}

char *db_set(enum db_table t, struct config_port *p, struct config_bridge *br,
             const char *arg)
{
    const char *eq = strchr(arg, '=');
    if (!eq) {
        return xasprintf("\"%s\": expected COLUMN[:KEY]=VALUE", arg);
    }
    char *column = xstrndup(arg, (size_t)(eq - arg));
    char *value = unquote_n(eq + 1, strlen(eq + 1));
    char *key = strchr(column, ':');
    if (key) {
        *key++ = '\0';
    }
    bool handled;
    char *err = set_known_column(t, p, br, column, key, value, arg, &handled);
    if (handled || err) {
        /* Done. */
    } else if (t == DB_BRIDGE) {
        err = set_bridge_column(br, arg, column, key, value);
    } else {
        err = set_iface_column(p, br, arg, column, key, value);
    }
    free(column);
    free(value);
    return err;
}

char *db_clear(enum db_table t, struct config_port *p,
               struct config_bridge *br, const char *column)
{
    bool handled;
    clear_known_column(t, p, br, column, &handled);
    if (handled) {
        /* Done. */
    } else if (t != DB_BRIDGE && !strcmp(column, "options")) {
        while (p->n_options) {
            config_port_set_option(p, p->options[0].key, NULL);
        }
    } else if (t != DB_BRIDGE && !strcmp(column, "ofport_request")) {
        p->ofport_request = 0;
    } else if (t == DB_BRIDGE && !strcmp(column, "datapath_type")) {
        free(br->datapath_type);
        br->datapath_type = NULL;
    } else if (t == DB_BRIDGE && is_other_config(column)) {
        while (br->n_other_config) {
            config_bridge_set_other(br, br->other_config[0].key, NULL);
        }
    } else {
        return xasprintf("cannot clear column %s", column);
    }
    return NULL;
}
