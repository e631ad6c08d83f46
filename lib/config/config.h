/* config: the switch's configuration database.
 *
 * The model is ovs-vswitchd's, flattened: a config holds bridges, a
 * bridge holds ports, and each port is exactly one interface (OVS bonds
 * are out of scope), so a port carries the interface columns directly:
 * type, options, ofport and ofport_request.
 *
 * Every bridge has a "local" port named after it, of type internal, with
 * OpenFlow number LOCAL (65534).  add-br creates it and it goes away only
 * with its bridge.
 *
 * OpenFlow numbers are assigned by config_assign_ofports(): a port with
 * an ofport_request gets that number; a port that already had a number
 * keeps it; a new port gets the lowest number from 1 that nobody holds or
 * requests.  Numbers are stored in the database so a restart brings back
 * the same numbers.
 *
 * The database is one JSON file written atomically (temp file, fsync,
 * rename, fsync of the directory).  A file that cannot be read or parsed
 * is reported and never overwritten.
 *
 * Names here are plain C strings owned by the structs; everything is
 * mutable in place, and config_clone() gives the copy a transaction
 * edits so that a failure leaves the original untouched. */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smap.h"

#define CONFIG_OFPORT_LOCAL 65534
#define CONFIG_OFPORT_MAX 0xfeff /* Highest ordinary OpenFlow 1.0 port. */
#define CONFIG_NAME_MAX 15       /* Linux IFNAMSIZ - 1: TAP names. */
#define CONFIG_VLAN_MAX 4095

struct config_option {
    char *key;
    char *value;
};

struct config_port {
    char *name;
    char *type; /* "internal", "system", "patch", "vxlan". */
    struct config_option *options; /* Sorted by key. */
    size_t n_options;
    int ofport;               /* Assigned number, -1 if none yet. */
    int ofport_request;       /* 0: none. */
    struct smap external_ids; /* The Interface's column. */

    /* Port columns.  'tag' makes the port an access port of that VLAN for
     * NORMAL; 'trunks' limits a trunk port (no tag) to those VLANs (empty:
     * all). */
    struct smap port_external_ids;
    int tag;          /* -1: none. */
    uint16_t *trunks; /* Sorted, no duplicates. */
    size_t n_trunks;
};

struct config_bridge {
    char *name;
    struct smap external_ids;
    /* "netdev" (the userspace datapath), "system" (the kernel fast path,
     * lib/datapath) or NULL / "" for the default, netdev. */
    char *datapath_type;
    struct config_port **ports; /* In insertion order. */
    size_t n_ports;
    /* other_config, sorted by key: only the keys below are accepted. */
    struct config_option *other_config;
    size_t n_other_config;
    /* ovs-vsctl's fail_mode: NULL when unset, which behaves as
     * standalone (as in OVS), or one of CONFIG_FAIL_*. */
    char *fail_mode;
};

/* What a bridge does on its own when it has no flows that were
 * installed or restored: a standalone bridge starts with the flow
 * "priority=0 actions=NORMAL" in table 0 (a learning switch), a secure
 * one starts empty and drops everything until flows are installed.  As
 * in OVS, changing the mode of a running bridge removes its flows (and a
 * bridge that becomes standalone gets its NORMAL flow again).  A bridge
 * with tunnels in a mesh should be secure: NORMAL floods every broadcast
 * to every tunnel, and each peer floods it on to the others. */
#define CONFIG_FAIL_STANDALONE "standalone"
#define CONFIG_FAIL_SECURE "secure"

/* Bridge other_config keys besides flow-limit (docs/swctl.8.md):
 * hwaddr, the LOCAL port's MAC (else derived from the bridge name);
 * datapath-id, 16 hex digits (else 0000 and the LOCAL MAC); restore-flows,
 * false to neither save nor restore the bridge's flows across restarts. */
#define CONFIG_BR_HWADDR "hwaddr"
#define CONFIG_BR_DATAPATH_ID "datapath-id"
#define CONFIG_BR_RESTORE_FLOWS "restore-flows"

/* Bridge other_config:flow-limit: the most flows the bridge holds, all
 * tables together (ofproto_set_flow_limit: what happens at the limit).
 * From 1 to CONFIG_FLOW_LIMIT_MAX; default 2,000,000 (about 600 MB of
 * learned MAC flows), kept from before because the article's scale tests
 * learn a million MACs; a bridge facing untrusted tunnel peers should set
 * a limit its memory can afford. */
#define CONFIG_FLOW_LIMIT_KEY "flow-limit"
#define CONFIG_FLOW_LIMIT_MAX 100000000

struct config {
    char *uuid; /* Identifies the database (printed first by show). */
    struct config_bridge **bridges;
    size_t n_bridges;
};

struct config *config_create(void);
void config_destroy(struct config *);
struct config *config_clone(const struct config *);

struct config_bridge *config_find_bridge(const struct config *,
                                         const char *name);
/* Finds a port by name in any bridge; '*brp' (if nonnull) gets its
 * bridge. */
struct config_port *config_find_port(const struct config *, const char *name,
                                     struct config_bridge **brp);
bool config_port_is_local(const struct config_bridge *,
                          const struct config_port *);

/* Adds a bridge with its local port.  The caller checks that the name is
 * free. */
struct config_bridge *config_add_bridge(struct config *, const char *name);
void config_del_bridge(struct config *, struct config_bridge *);
/* Adds a port of type "system" with no options. */
struct config_port *config_add_port(struct config_bridge *, const char *name);
void config_del_port(struct config_bridge *, struct config_port *);

/* Options.  'value' NULL removes the key. */
void config_port_set_option(struct config_port *, const char *key,
                            const char *value);
const char *config_port_get_option(const struct config_port *,
                                   const char *key);
void config_port_set_type(struct config_port *, const char *type);
/* Replaces the trunks with the 'n' VLANs in 'vlans' (sorted and made
 * unique here). */
void config_port_set_trunks(struct config_port *, const uint16_t *vlans,
                            size_t n);

/* Bridge other_config.  'value' NULL removes the key. */
void config_bridge_set_other(struct config_bridge *, const char *key,
                             const char *value);
const char *config_bridge_get_other(const struct config_bridge *,
                                    const char *key);
/* Checks one other_config key and value: NULL or an allocated message
 * naming the bridge, the key and what is wrong. */
char *config_check_bridge_other(const struct config_bridge *, const char *key,
                                const char *value);
/* Parses a datapath-id: exactly 16 hex digits, not all zeros. */
bool config_parse_datapath_id(const char *, uint64_t *dpid);
/* Whether the bridge's flows are saved and restored across restarts
 * (other_config:restore-flows, default true). */
bool config_bridge_restores_flows(const struct config_bridge *);

/* fail_mode.  config_check_fail_mode() returns NULL or an allocated
 * message naming the bridge and the mode; 'mode' NULL unsets. */
char *config_check_fail_mode(const char *bridge, const char *mode);
void config_bridge_set_fail_mode(struct config_bridge *, const char *mode);
bool config_bridge_is_secure(const struct config_bridge *);

/* The bridge's flow limit: other_config:flow-limit or the default. */
size_t config_bridge_flow_limit(const struct config_bridge *);

/* Checks names, types, options and ofport requests.  Returns NULL or an
 * allocated message naming the interface and the problem. */
char *config_validate(const struct config *);
/* NULL, or a message if 'type' is not a datapath_type ("", "netdev",
 * "system"; NULL is fine too). */
char *config_check_datapath_type(const char *bridge, const char *type);
/* True for datapath_type=system or empty (the default, as in OVS: where
 * the kernel fast path cannot load, such a bridge runs as netdev). */
bool config_bridge_is_system(const struct config_bridge *);
/* Checks one port's type and options only. */
char *config_check_port(const struct config_port *);
/* Gives every port its OpenFlow number (see the essay above). */
void config_assign_ofports(struct config *);

/* JSON.  config_to_json() returns a new reference. */
json_t *config_to_json(const struct config *);
/* Returns NULL and '*cfgp', or an allocated message. */
char *config_from_json(const json_t *, struct config **cfgp);

/* Loads 'path'.  A missing file is an empty database (first start);
 * anything else that goes wrong is an allocated message naming the file. */
char *config_load(const char *path, struct config **cfgp);
/* Writes 'path' atomically.  Returns NULL or an allocated message. */
char *config_save(const char *path, const struct config *);

/* Sorted views for printing: arrays of pointers, caller frees the array
 * (not the elements). */
struct config_bridge **config_sorted_bridges(const struct config *);
struct config_port **config_sorted_ports(const struct config_bridge *);

#endif
