/* records: a row as list, find, get and show read it (records.h). */
#include "records.h"

#include <stdlib.h>

#include "util.h"

const char *db_iface_error(const struct db_status *st, const char *iface)
{
    return st && st->iface_error ? st->iface_error(st->aux, iface) : NULL;
}

static bool iface_open_failed(const struct db_status *st, const char *iface)
{
    return st && st->iface_open_failed
           && st->iface_open_failed(st->aux, iface);
}

static json_t *kv_json(const struct config_option *kv, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        json_object_set_new(o, kv[i].key, json_string(kv[i].value));
    }
    return o;
}

json_t *db_options(const struct config_port *p)
{
    return kv_json(p->options, p->n_options);
}

/* "up" or "down" as ovs-vsctl shows admin_state or link_state; null
 * ([]) for a port with no state to show. */
static json_t *state_json(bool known, bool up)
{
    return known ? json_string(up ? "up" : "down") : json_null();
}

static json_t *iface_record(const struct config_port *p,
                            const struct db_status *st)
{
    bool admin_up = false, link_up = false;
    bool known = st && st->iface_state
                 && st->iface_state(st->aux, p->name, &admin_up, &link_up);
    const char *err = db_iface_error(st, p->name);
    /* A port that could not be opened has no OpenFlow port: -1, as OVS
     * shows it. */
    bool failed = iface_open_failed(st, p->name);
    return json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "name", p->name,
        "external_ids", smap_to_json(&p->external_ids), "type", p->type,
        "options", db_options(p), "ofport",
        failed          ? json_integer(-1)
        : p->ofport > 0 ? json_integer(p->ofport)
                        : json_null(),
        "ofport_request",
        p->ofport_request ? json_integer(p->ofport_request) : json_null(),
        "error", err ? json_string(err) : json_null(), "admin_state",
        state_json(known, admin_up), "link_state", state_json(known, link_up));
}

static json_t *port_record(const struct config_port *p)
{
    json_t *trunks = json_array();
    for (size_t i = 0; i < p->n_trunks; i++) {
        json_array_append_new(trunks, json_integer(p->trunks[i]));
    }
    return json_pack("{s:s, s:o, s:o, s:o}", "name", p->name, "tag",
                     p->tag >= 0 ? json_integer(p->tag) : json_null(),
                     "trunks", trunks, "external_ids",
                     smap_to_json(&p->port_external_ids));
}

static json_t *bridge_record(const struct config_bridge *br)
{
    struct config_port **pv = config_sorted_ports(br);
    json_t *ports = json_array();
    for (size_t j = 0; j < br->n_ports; j++) {
        json_array_append_new(ports, json_string(pv[j]->name));
    }
    free(pv);
    return json_pack(
        "{s:s, s:o, s:s, s:o, s:o, s:o}", "name", br->name, "ports", ports,
        "datapath_type", br->datapath_type ? br->datapath_type : "",
        "external_ids", smap_to_json(&br->external_ids), "other_config",
        kv_json(br->other_config, br->n_other_config), "fail_mode",
        br->fail_mode ? json_string(br->fail_mode) : json_null());
}

json_t *db_record(enum db_table t, const struct config_port *p,
                  const struct config_bridge *br, const struct db_status *st)
{
    switch (t) {
    case DB_PORT:
        return port_record(p);
    case DB_BRIDGE:
        return bridge_record(br);
    case DB_INTERFACE:
        break;
    }
    return iface_record(p, st);
}
