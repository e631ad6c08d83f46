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

static json_t *trunks_json(const struct config_port *p)
{
    json_t *a = json_array();
    for (size_t i = 0; i < p->n_trunks; i++) {
        json_array_append_new(a, json_integer(p->trunks[i]));
    }
    return a;
}

json_t *db_port_record(const struct config_port *p)
{
    return json_pack("{s:s, s:o, s:o, s:o}", "name", p->name, "tag",
                     p->tag >= 0 ? json_integer(p->tag) : json_null(),
                     "trunks", trunks_json(p), "external_ids",
                     smap_to_json(&p->port_external_ids));
}

json_t *db_bridge_record(const struct config_bridge *br)
{
    struct config_port **pv = config_sorted_ports(br);
    json_t *ports = json_array();
    for (size_t j = 0; j < br->n_ports; j++) {
        json_array_append_new(ports, json_string(pv[j]->name));
    }
    free(pv);
    json_t *oc = json_object();
    for (size_t k = 0; k < br->n_other_config; k++) {
        json_object_set_new(oc, br->other_config[k].key,
                            json_string(br->other_config[k].value));
    }
    return json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:o}", "name", br->name, "ports", ports,
        "datapath_type", br->datapath_type ? br->datapath_type : "",
        "external_ids", smap_to_json(&br->external_ids), "other_config", oc,
        "fail_mode", br->fail_mode ? json_string(br->fail_mode) : json_null());
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

char *db_set_column(enum db_table t, struct config_port *p,
                    struct config_bridge *br, const char *column,
                    const char *key, const char *value, const char *arg,
                    bool *handledp)
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

void db_clear_column(enum db_table t, struct config_port *p,
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
