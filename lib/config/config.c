/* config: the configuration model, its validation, port numbering and
 * the JSON database. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ds.h"
#include "eth-addr.h"
#include "file-atomic.h"
#include "netdev.h"
#include "util.h"

#define CONFIG_FORMAT_VERSION 1

/* ---- Construction and lookup. ---- */

static char *make_uuid(void)
{
    uint8_t b[16];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, b, sizeof b) != (ssize_t)sizeof b) {
        /* Uniqueness is cosmetic here (show prints it), so a weak
         * fallback is acceptable. */
        srandom((unsigned)getpid() ^ (unsigned)time(NULL));
        for (size_t i = 0; i < sizeof b; i++) {
            b[i] = (uint8_t)random();
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                     "%02x%02x%02x%02x%02x%02x",
                     b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8],
                     b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

struct config *config_create(void)
{
    struct config *cfg = xzalloc(sizeof *cfg);
    cfg->uuid = make_uuid();
    return cfg;
}

static void options_free(struct config_option *opts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(opts[i].key);
        free(opts[i].value);
    }
    free(opts);
}

static struct config_option *options_clone(const struct config_option *src,
                                           size_t n)
{
    struct config_option *opts = xcalloc(n ? n : 1, sizeof *opts);
    for (size_t i = 0; i < n; i++) {
        opts[i].key = xstrdup(src[i].key);
        opts[i].value = xstrdup(src[i].value);
    }
    return opts;
}

/* Sets 'key' to 'value' (NULL removes it) in the sorted '*optsp'. */
static void options_set(struct config_option **optsp, size_t *np,
                        const char *key, const char *value)
{
    struct config_option *opts = *optsp;
    size_t n = *np, i;
    for (i = 0; i < n; i++) {
        int cmp = strcmp(opts[i].key, key);
        if (!cmp) {
            free(opts[i].value);
            if (value) {
                opts[i].value = xstrdup(value);
            } else {
                free(opts[i].key);
                memmove(&opts[i], &opts[i + 1], (n - i - 1) * sizeof *opts);
                (*np)--;
            }
            return;
        }
        if (cmp > 0) {
            break;
        }
    }
    if (!value) {
        return;
    }
    opts = xrealloc(opts, (n + 1) * sizeof *opts);
    memmove(&opts[i + 1], &opts[i], (n - i) * sizeof *opts);
    opts[i].key = xstrdup(key);
    opts[i].value = xstrdup(value);
    *optsp = opts;
    *np = n + 1;
}

static const char *options_get(const struct config_option *opts, size_t n,
                               const char *key)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(opts[i].key, key)) {
            return opts[i].value;
        }
    }
    return NULL;
}

static void port_destroy(struct config_port *p)
{
    if (!p) {
        return;
    }
    options_free(p->options, p->n_options);
    free(p->name);
    free(p->type);
    smap_destroy(&p->external_ids);
    smap_destroy(&p->port_external_ids);
    free(p->trunks);
    free(p);
}

static void bridge_destroy(struct config_bridge *br)
{
    if (!br) {
        return;
    }
    for (size_t i = 0; i < br->n_ports; i++) {
        port_destroy(br->ports[i]);
    }
    free(br->ports);
    options_free(br->other_config, br->n_other_config);
    free(br->fail_mode);
    free(br->name);
    smap_destroy(&br->external_ids);
    free(br->datapath_type);
    free(br);
}

void config_destroy(struct config *cfg)
{
    if (!cfg) {
        return;
    }
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        bridge_destroy(cfg->bridges[i]);
    }
    free(cfg->bridges);
    free(cfg->uuid);
    free(cfg);
}

static struct config_port *port_clone(const struct config_port *src)
{
    struct config_port *p = xzalloc(sizeof *p);
    p->name = xstrdup(src->name);
    p->type = xstrdup(src->type);
    p->ofport = src->ofport;
    p->ofport_request = src->ofport_request;
    p->n_options = src->n_options;
    p->options = options_clone(src->options, src->n_options);
    smap_clone(&p->external_ids, &src->external_ids);
    smap_clone(&p->port_external_ids, &src->port_external_ids);
    p->tag = src->tag;
    p->n_trunks = src->n_trunks;
    p->trunks = xmemdup(src->trunks ? src->trunks : (uint16_t[1]){ 0 },
                        (src->n_trunks + 1) * sizeof *p->trunks);
    return p;
}

struct config *config_clone(const struct config *src)
{
    struct config *cfg = xzalloc(sizeof *cfg);
    cfg->uuid = xstrdup(src->uuid);
    cfg->n_bridges = src->n_bridges;
    cfg->bridges =
        xcalloc(src->n_bridges ? src->n_bridges : 1, sizeof *cfg->bridges);
    for (size_t i = 0; i < src->n_bridges; i++) {
        const struct config_bridge *sb = src->bridges[i];
        struct config_bridge *br = xzalloc(sizeof *br);
        br->name = xstrdup(sb->name);
        br->fail_mode = sb->fail_mode ? xstrdup(sb->fail_mode) : NULL;
        br->n_other_config = sb->n_other_config;
        br->other_config = options_clone(sb->other_config, sb->n_other_config);
        smap_clone(&br->external_ids, &sb->external_ids);
        br->datapath_type =
            sb->datapath_type ? xstrdup(sb->datapath_type) : NULL;
        br->n_ports = sb->n_ports;
        br->ports = xcalloc(sb->n_ports ? sb->n_ports : 1, sizeof *br->ports);
        for (size_t j = 0; j < sb->n_ports; j++) {
            br->ports[j] = port_clone(sb->ports[j]);
        }
        cfg->bridges[i] = br;
    }
    return cfg;
}

struct config_bridge *config_find_bridge(const struct config *cfg,
                                         const char *name)
{
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        if (!strcmp(cfg->bridges[i]->name, name)) {
            return cfg->bridges[i];
        }
    }
    return NULL;
}

struct config_port *config_find_port(const struct config *cfg,
                                     const char *name,
                                     struct config_bridge **brp)
{
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        struct config_bridge *br = cfg->bridges[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            if (!strcmp(br->ports[j]->name, name)) {
                if (brp) {
                    *brp = br;
                }
                return br->ports[j];
            }
        }
    }
    if (brp) {
        *brp = NULL;
    }
    return NULL;
}

bool config_port_is_local(const struct config_bridge *br,
                          const struct config_port *p)
{
    return !strcmp(br->name, p->name);
}

struct config_port *config_add_port(struct config_bridge *br, const char *name)
{
    struct config_port *p = xzalloc(sizeof *p);
    p->name = xstrdup(name);
    p->type = xstrdup("system");
    p->ofport = -1;
    p->tag = -1;
    br->ports = xrealloc(br->ports, (br->n_ports + 1) * sizeof *br->ports);
    br->ports[br->n_ports++] = p;
    return p;
}

struct config_bridge *config_add_bridge(struct config *cfg, const char *name)
{
    struct config_bridge *br = xzalloc(sizeof *br);
    br->name = xstrdup(name);
    cfg->bridges =
        xrealloc(cfg->bridges, (cfg->n_bridges + 1) * sizeof *cfg->bridges);
    cfg->bridges[cfg->n_bridges++] = br;

    struct config_port *local = config_add_port(br, name);
    config_port_set_type(local, "internal");
    local->ofport = CONFIG_OFPORT_LOCAL;
    return br;
}

void config_del_bridge(struct config *cfg, struct config_bridge *br)
{
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        if (cfg->bridges[i] == br) {
            memmove(&cfg->bridges[i], &cfg->bridges[i + 1],
                    (cfg->n_bridges - i - 1) * sizeof *cfg->bridges);
            cfg->n_bridges--;
            bridge_destroy(br);
            return;
        }
    }
}

void config_del_port(struct config_bridge *br, struct config_port *p)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        if (br->ports[i] == p) {
            memmove(&br->ports[i], &br->ports[i + 1],
                    (br->n_ports - i - 1) * sizeof *br->ports);
            br->n_ports--;
            port_destroy(p);
            return;
        }
    }
}

void config_port_set_type(struct config_port *p, const char *type)
{
    free(p->type);
    p->type = xstrdup(*type ? type : "system");
}

static int vlan_cmp(const void *a_, const void *b_)
{
    uint16_t a = *(const uint16_t *)a_, b = *(const uint16_t *)b_;
    return a < b ? -1 : a > b;
}

void config_port_set_trunks(struct config_port *p, const uint16_t *vlans,
                            size_t n)
{
    uint16_t *v = xcalloc(n + 1, sizeof *v);
    if (n) {
        memcpy(v, vlans, n * sizeof *v);
    }
    qsort(v, n, sizeof *v, vlan_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!k || v[k - 1] != v[i]) {
            v[k++] = v[i];
        }
    }
    free(p->trunks);
    p->trunks = v;
    p->n_trunks = k;
}

void config_port_set_option(struct config_port *p, const char *key,
                            const char *value)
{
    options_set(&p->options, &p->n_options, key, value);
}

const char *config_port_get_option(const struct config_port *p,
                                   const char *key)
{
    return options_get(p->options, p->n_options, key);
}

void config_bridge_set_other(struct config_bridge *br, const char *key,
                             const char *value)
{
    options_set(&br->other_config, &br->n_other_config, key, value);
}

const char *config_bridge_get_other(const struct config_bridge *br,
                                    const char *key)
{
    return options_get(br->other_config, br->n_other_config, key);
}

static bool check_flow_limit(const char *v)
{
    uint64_t n;
    return str_to_u64(v, CONFIG_FLOW_LIMIT_MAX, &n) && n;
}

static bool check_hwaddr(const char *v)
{
    uint8_t mac[ETH_ADDR_LEN];
    return eth_addr_parse(v, mac) && !(mac[0] & 1)
           && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

static bool check_datapath_id(const char *v)
{
    uint64_t dpid;
    return config_parse_datapath_id(v, &dpid);
}

static bool check_bool(const char *v)
{
    return !strcmp(v, "true") || !strcmp(v, "false");
}

/* The Bridge other_config keys: one row each, with what a value must
 * look like (the message says it when it does not). */
static const struct {
    const char *key;
    bool (*check)(const char *value);
    const char *expect;
} bridge_keys[] = {
    { CONFIG_FLOW_LIMIT_KEY, check_flow_limit,
      "a number of flows from 1 to 100000000" },
    { CONFIG_BR_HWADDR, check_hwaddr,
      "a unicast Ethernet address xx:xx:xx:xx:xx:xx, not all zeros" },
    { CONFIG_BR_DATAPATH_ID, check_datapath_id,
      "exactly 16 hex digits, not all zeros" },
    { CONFIG_BR_RESTORE_FLOWS, check_bool, "true or false" },
};

char *config_check_bridge_other(const struct config_bridge *br,
                                const char *key, const char *value)
{
    for (size_t k = 0; k < ARRAY_SIZE(bridge_keys); k++) {
        if (!strcmp(bridge_keys[k].key, key)) {
            return bridge_keys[k].check(value)
                       ? NULL
                       : xasprintf("bridge %s: other_config:%s=%s: expected "
                                   "%s",
                                   br->name, key, value,
                                   bridge_keys[k].expect);
        }
    }
    struct ds known = DS_EMPTY_INITIALIZER;
    for (size_t k = 0; k < ARRAY_SIZE(bridge_keys); k++) {
        ds_put_format(&known, "%s%s", k ? ", " : "", bridge_keys[k].key);
    }
    char *err = xasprintf("bridge %s: other_config:%s: unknown key (switchd "
                          "knows %s)",
                          br->name, key, ds_cstr(&known));
    ds_destroy(&known);
    return err;
}

bool config_parse_datapath_id(const char *s, uint64_t *dpid)
{
    size_t n = strspn(s, "0123456789abcdefABCDEF");
    *dpid = 0;
    if (n != 16 || s[n]) {
        return false;
    }
    *dpid = strtoull(s, NULL, 16);
    return *dpid != 0;
}

char *config_check_fail_mode(const char *bridge, const char *mode)
{
    if (strcmp(mode, CONFIG_FAIL_STANDALONE)
        && strcmp(mode, CONFIG_FAIL_SECURE)) {
        return xasprintf("bridge %s: fail mode \"%s\" is neither "
                         "standalone nor secure",
                         bridge, mode);
    }
    return NULL;
}

void config_bridge_set_fail_mode(struct config_bridge *br, const char *mode)
{
    free(br->fail_mode);
    br->fail_mode = mode ? xstrdup(mode) : NULL;
}

bool config_bridge_is_secure(const struct config_bridge *br)
{
    return br->fail_mode && !strcmp(br->fail_mode, CONFIG_FAIL_SECURE);
}

bool config_bridge_restores_flows(const struct config_bridge *br)
{
    const char *v = config_bridge_get_other(br, CONFIG_BR_RESTORE_FLOWS);
    return !v || strcmp(v, "false");
}

size_t config_bridge_flow_limit(const struct config_bridge *br)
{
    const char *v = config_bridge_get_other(br, CONFIG_FLOW_LIMIT_KEY);
    uint64_t n;
    return v && str_to_u64(v, CONFIG_FLOW_LIMIT_MAX, &n) && n ? (size_t)n
                                                              : 2000000;
}

/* ---- Validation. ---- */

static char *check_name(const char *what, const char *name)
{
    size_t len = strlen(name);
    if (!len) {
        return xasprintf("%s name is empty", what);
    }
    /* The name goes into the message escaped: a message must be valid
     * UTF-8 (JSON) to reach the client at all, and the input need not be. */
    char *shown = str_escape(name);
    char *err = NULL;
    if (len > CONFIG_NAME_MAX) {
        err = xasprintf("%s name \"%s\" is longer than %d characters", what,
                        shown, CONFIG_NAME_MAX);
    }
    for (const unsigned char *c = (const unsigned char *)name; *c && !err;
         c++) {
        if (*c >= 0x80) {
            err = xasprintf("%s name \"%s\" contains the non-ASCII byte "
                            "0x%02x at offset %zu: names are ASCII (they are "
                            "Linux device names)",
                            what, shown, *c,
                            (size_t)(c - (const unsigned char *)name));
        } else if (*c <= ' ' || *c == 0x7f) {
            err = xasprintf("%s name \"%s\" contains the control or space "
                            "byte 0x%02x, which is not allowed",
                            what, shown, *c);
        } else if (*c == '/' || *c == ',' || *c == '=' || *c == ':'
                   || *c == '(' || *c == ')' || *c == '"') {
            err = xasprintf("%s name \"%s\" contains '%c', which is not "
                            "allowed",
                            what, shown, *c);
        }
    }
    free(shown);
    return err;
}

char *config_check_port(const struct config_port *p)
{
    if (!netdev_type_exists(p->type)) {
        return xasprintf("%s: unknown interface type \"%s\" (expected "
                         "internal, system, patch or vxlan)",
                         p->name, p->type);
    }
    /* Each port type's own table knows its options: ask it. */
    struct netdev_option *opts = xcalloc(p->n_options + 1, sizeof *opts);
    for (size_t i = 0; i < p->n_options; i++) {
        opts[i].key = p->options[i].key;
        opts[i].value = p->options[i].value;
    }
    char *err = netdev_check_options(p->type, p->name, opts, p->n_options);
    free(opts);
    if (err) {
        return err;
    }
    const char *peer = config_port_get_option(p, "peer");
    if (netdev_type_is_patch(p->type) && peer && !strcmp(peer, p->name)) {
        return xasprintf("%s: options:peer names the port itself", p->name);
    }
    return NULL;
}

char *config_check_datapath_type(const char *bridge, const char *type)
{
    if (type && *type && strcmp(type, "netdev") && strcmp(type, "system")) {
        return xasprintf("bridge %s: datapath_type \"%s\" is not netdev "
                         "(userspace) or system (kernel fast path)",
                         bridge, type);
    }
    return NULL;
}

bool config_bridge_is_system(const struct config_bridge *br)
{
    /* Empty is the default, as in OVS: the kernel's datapath. */
    return !br->datapath_type || !*br->datapath_type
           || !strcmp(br->datapath_type, "system");
}

char *config_validate(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        const struct config_bridge *br = cfg->bridges[i];
        char *err = check_name("bridge", br->name);
        if (!err && br->fail_mode) {
            err = config_check_fail_mode(br->name, br->fail_mode);
        }
        if (!err) {
            err = config_check_datapath_type(br->name, br->datapath_type);
        }
        if (err) {
            return err;
        }
        for (size_t k = 0; k < br->n_other_config; k++) {
            err = config_check_bridge_other(br, br->other_config[k].key,
                                            br->other_config[k].value);
            if (err) {
                return err;
            }
        }
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct config_port *p = br->ports[j];
            struct config_bridge *owner;
            err = check_name("port", p->name);
            if (err) {
                return err;
            }
            config_find_port(cfg, p->name, &owner);
            if (owner != br || config_find_port(cfg, p->name, NULL) != p) {
                return xasprintf("port name %s is used twice", p->name);
            }
            if (config_port_is_local(br, p) && strcmp(p->type, "internal")) {
                return xasprintf("%s: the local port of bridge %s must be "
                                 "of type internal",
                                 p->name, br->name);
            }
            err = config_check_port(p);
            if (err) {
                return err;
            }
            if (p->ofport_request < 0
                || p->ofport_request > CONFIG_OFPORT_MAX) {
                return xasprintf("%s: ofport_request %d is out of range "
                                 "(1 to %d)",
                                 p->name, p->ofport_request,
                                 CONFIG_OFPORT_MAX);
            }
            for (size_t k = 0; k < j && p->ofport_request; k++) {
                if (br->ports[k]->ofport_request == p->ofport_request) {
                    return xasprintf("%s: ofport_request %d is already "
                                     "requested by %s",
                                     p->name, p->ofport_request,
                                     br->ports[k]->name);
                }
            }
        }
    }
    return NULL;
}

/* ---- OpenFlow port numbers. ---- */

/* A bitmap of the 16-bit port space: enough for one bridge at a time. */
struct port_bitmap {
    uint64_t bits[65536 / 64];
};

static bool bitmap_test(const struct port_bitmap *b, int n)
{
    return b->bits[n / 64] & (UINT64_C(1) << (n % 64));
}

static void bitmap_set(struct port_bitmap *b, int n)
{
    b->bits[n / 64] |= UINT64_C(1) << (n % 64);
}

void config_assign_ofports(struct config *cfg)
{
    struct port_bitmap *used = xmalloc(sizeof *used);
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        struct config_bridge *br = cfg->bridges[i];
        memset(used, 0, sizeof *used);

        /* Requests first: they win over numbers held from before. */
        for (size_t j = 0; j < br->n_ports; j++) {
            struct config_port *p = br->ports[j];
            if (config_port_is_local(br, p)) {
                p->ofport = CONFIG_OFPORT_LOCAL;
            } else if (p->ofport_request) {
                p->ofport = p->ofport_request;
                bitmap_set(used, p->ofport);
            }
        }
        /* Then ports keep what they had, unless a request took it. */
        for (size_t j = 0; j < br->n_ports; j++) {
            struct config_port *p = br->ports[j];
            if (config_port_is_local(br, p) || p->ofport_request) {
                continue;
            }
            if (p->ofport > 0 && p->ofport <= CONFIG_OFPORT_MAX
                && !bitmap_test(used, p->ofport)) {
                bitmap_set(used, p->ofport);
            } else {
                p->ofport = -1;
            }
        }
        /* New ports take the lowest free number. */
        int next = 1;
        for (size_t j = 0; j < br->n_ports; j++) {
            struct config_port *p = br->ports[j];
            if (p->ofport != -1) {
                continue;
            }
            while (next <= CONFIG_OFPORT_MAX && bitmap_test(used, next)) {
                next++;
            }
            if (next <= CONFIG_OFPORT_MAX) {
                p->ofport = next;
                bitmap_set(used, next);
            }
        }
    }
    free(used);
}

/* ---- JSON. ---- */

static json_t *port_to_json(const struct config_port *p)
{
    json_t *opts = json_object();
    for (size_t i = 0; i < p->n_options; i++) {
        json_object_set_new(opts, p->options[i].key,
                            json_string(p->options[i].value));
    }
    json_t *j = json_pack("{s:s, s:s, s:o, s:i}", "name", p->name, "type",
                          p->type, "options", opts, "ofport", p->ofport);
    if (p->ofport_request) {
        json_object_set_new(j, "ofport_request",
                            json_integer(p->ofport_request));
    }
    /* Columns added later are written only when set, so a database
     * without them reads the same in an older switchd. */
    if (p->external_ids.n) {
        json_object_set_new(j, "external_ids", smap_to_json(&p->external_ids));
    }
    if (p->port_external_ids.n) {
        json_object_set_new(j, "port_external_ids",
                            smap_to_json(&p->port_external_ids));
    }
    if (p->tag >= 0) {
        json_object_set_new(j, "tag", json_integer(p->tag));
    }
    if (p->n_trunks) {
        json_t *a = json_array();
        for (size_t i = 0; i < p->n_trunks; i++) {
            json_array_append_new(a, json_integer(p->trunks[i]));
        }
        json_object_set_new(j, "trunks", a);
    }
    return j;
}

json_t *config_to_json(const struct config *cfg)
{
    json_t *bridges = json_array();
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        const struct config_bridge *br = cfg->bridges[i];
        json_t *ports = json_array();
        for (size_t j = 0; j < br->n_ports; j++) {
            json_array_append_new(ports, port_to_json(br->ports[j]));
        }
        json_t *jb = json_pack("{s:s, s:o}", "name", br->name, "ports", ports);
        if (br->n_other_config) {
            json_t *oc = json_object();
            for (size_t k = 0; k < br->n_other_config; k++) {
                json_object_set_new(oc, br->other_config[k].key,
                                    json_string(br->other_config[k].value));
            }
            json_object_set_new(jb, "other_config", oc);
        }
        if (br->external_ids.n) {
            json_object_set_new(jb, "external_ids",
                                smap_to_json(&br->external_ids));
        }
        /* Written only when set, so that a database without it stays
         * what earlier versions wrote and read. */
        if (br->fail_mode) {
            json_object_set_new(jb, "fail_mode", json_string(br->fail_mode));
        }
        if (br->datapath_type) {
            json_object_set_new(jb, "datapath_type",
                                json_string(br->datapath_type));
        }
        json_array_append_new(bridges, jb);
    }
    return json_pack("{s:i, s:s, s:o}", "version", CONFIG_FORMAT_VERSION,
                     "uuid", cfg->uuid, "bridges", bridges);
}

/* The Port columns tag and trunks. */
static char *port_vlans_from_json(const json_t *j, struct config_port *p)
{
    json_t *tag = json_object_get(j, "tag");
    if (tag) {
        if (!json_is_integer(tag) || json_integer_value(tag) < 0
            || json_integer_value(tag) > CONFIG_VLAN_MAX) {
            return xasprintf("port %s: tag is not a VLAN from 0 to %d",
                             p->name, CONFIG_VLAN_MAX);
        }
        p->tag = (int)json_integer_value(tag);
    }
    json_t *trunks = json_object_get(j, "trunks");
    if (trunks && !json_is_array(trunks)) {
        return xasprintf("port %s: trunks is not an array", p->name);
    }
    size_t n = json_array_size(trunks);
    uint16_t *v = xcalloc(n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(trunks, i);
        if (!json_is_integer(e) || json_integer_value(e) < 0
            || json_integer_value(e) > CONFIG_VLAN_MAX) {
            free(v);
            return xasprintf("port %s: trunks item %zu is not a VLAN from 0 "
                             "to %d",
                             p->name, i + 1, CONFIG_VLAN_MAX);
        }
        v[i] = (uint16_t)json_integer_value(e);
    }
    config_port_set_trunks(p, v, n);
    free(v);
    return NULL;
}

static char *port_from_json(const json_t *j, struct config_bridge *br)
{
    const char *name = NULL, *type = NULL;
    json_t *opts = NULL;
    json_int_t ofport = -1, req = 0;
    json_error_t jerr;
    if (json_unpack_ex((json_t *)j, &jerr, 0, "{s:s, s:s, s?o, s?I, s?I}",
                       "name", &name, "type", &type, "options", &opts,
                       "ofport", &ofport, "ofport_request", &req)) {
        return xasprintf("bridge %s: bad port: %s", br->name, jerr.text);
    }
    if (opts && !json_is_object(opts)) {
        return xasprintf("port %s: options is not an object", name);
    }
    if (ofport < -1 || ofport > 65535 || req < 0 || req > 65535) {
        return xasprintf("port %s: port number out of range", name);
    }
    struct config_port *p = config_add_port(br, name);
    config_port_set_type(p, type);
    p->ofport = (int)ofport;
    p->ofport_request = (int)req;
    const char *key;
    json_t *value;
    json_object_foreach(opts, key, value)
    {
        if (!json_is_string(value)) {
            return xasprintf("port %s: options:%s is not a string", name, key);
        }
        config_port_set_option(p, key, json_string_value(value));
    }
    char *what = xasprintf("port %s: external_ids", name);
    char *err = smap_from_json(&p->external_ids,
                               json_object_get(j, "external_ids"), what);
    free(what);
    if (!err) {
        what = xasprintf("port %s: port_external_ids", name);
        err = smap_from_json(&p->port_external_ids,
                             json_object_get(j, "port_external_ids"), what);
        free(what);
    }
    return err ? err : port_vlans_from_json(j, p);
}

char *config_from_json(const json_t *j, struct config **cfgp)
{
    json_t *bridges = NULL;
    const char *uuid = NULL;
    json_int_t version = 0;
    json_error_t jerr;
    *cfgp = NULL;
    if (json_unpack_ex((json_t *)j, &jerr, 0, "{s:I, s?s, s:o}", "version",
                       &version, "uuid", &uuid, "bridges", &bridges)) {
        return xasprintf("not a switchd database: %s", jerr.text);
    }
    if (version != CONFIG_FORMAT_VERSION) {
        return xasprintf("database format version %lld is not supported",
                         (long long)version);
    }
    if (!json_is_array(bridges)) {
        return xstrdup("\"bridges\" is not an array");
    }

    struct config *cfg = xzalloc(sizeof *cfg);
    cfg->uuid = uuid ? xstrdup(uuid) : make_uuid();
    size_t i;
    json_t *jb;
    json_array_foreach(bridges, i, jb)
    {
        const char *name = NULL;
        json_t *ports = NULL, *oc = NULL;
        json_t *mode = NULL;
        if (json_unpack_ex(jb, &jerr, 0, "{s:s, s:o, s?o, s?o}", "name", &name,
                           "ports", &ports, "other_config", &oc, "fail_mode",
                           &mode)
            || !json_is_array(ports) || (oc && !json_is_object(oc))
            || (mode && !json_is_string(mode))) {
            config_destroy(cfg);
            return xasprintf("bridge %zu: %s", i,
                             oc && !json_is_object(oc)
                                 ? "\"other_config\" is not an object"
                             : mode && !json_is_string(mode)
                                 ? "\"fail_mode\" is not a string"
                             : ports ? "\"ports\" is not an array"
                                     : jerr.text);
        }
        struct config_bridge *br = xzalloc(sizeof *br);
        br->name = xstrdup(name);
        config_bridge_set_fail_mode(br, json_string_value(mode));
        const char *okey;
        json_t *oval;
        json_object_foreach(oc, okey, oval)
        {
            if (!json_is_string(oval)) {
                free(br->name);
                free(br->fail_mode);
                options_free(br->other_config, br->n_other_config);
                free(br);
                config_destroy(cfg);
                return xasprintf("bridge %s: other_config:%s is not a "
                                 "string",
                                 name, okey);
            }
            config_bridge_set_other(br, okey, json_string_value(oval));
        }
        json_t *dt = json_object_get(jb, "datapath_type");
        if (json_is_string(dt)) {
            br->datapath_type = xstrdup(json_string_value(dt));
        }
        cfg->bridges = xrealloc(cfg->bridges,
                                (cfg->n_bridges + 1) * sizeof *cfg->bridges);
        cfg->bridges[cfg->n_bridges++] = br;
        char *what = xasprintf("bridge %s: external_ids", name);
        char *eerr = smap_from_json(&br->external_ids,
                                    json_object_get(jb, "external_ids"), what);
        free(what);
        if (eerr) {
            config_destroy(cfg);
            return eerr;
        }
        size_t k;
        json_t *jp;
        json_array_foreach(ports, k, jp)
        {
            char *err = port_from_json(jp, br);
            if (err) {
                config_destroy(cfg);
                return err;
            }
        }
    }
    char *err = config_validate(cfg);
    if (err) {
        config_destroy(cfg);
        return err;
    }
    for (i = 0; i < cfg->n_bridges; i++) {
        /* The local port must belong to this very bridge: a port of the
         * same name on another bridge (or a second bridge of the same
         * name) does not count. */
        struct config_bridge *owner = NULL;
        if (!config_find_port(cfg, cfg->bridges[i]->name, &owner)
            || owner != cfg->bridges[i]) {
            char *msg = config_find_bridge(cfg, cfg->bridges[i]->name)
                                != cfg->bridges[i]
                            ? xasprintf("bridge %s appears twice",
                                        cfg->bridges[i]->name)
                            : xasprintf("bridge %s has no local port",
                                        cfg->bridges[i]->name);
            config_destroy(cfg);
            return msg;
        }
    }
    config_assign_ofports(cfg);
    *cfgp = cfg;
    return NULL;
}

char *config_load(const char *path, struct config **cfgp)
{
    *cfgp = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) {
            *cfgp = config_create();
            return NULL;
        }
        return xasprintf("%s: cannot open database (%s)", path,
                         strerror(errno));
    }
    json_error_t jerr;
    json_t *j = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
    fclose(f);
    if (!j) {
        return xasprintf("%s: corrupt database: line %d column %d: %s", path,
                         jerr.line, jerr.column, jerr.text);
    }
    char *err = config_from_json(j, cfgp);
    json_decref(j);
    if (err) {
        char *msg = xasprintf("%s: corrupt database: %s", path, err);
        free(err);
        return msg;
    }
    return NULL;
}

char *config_save(const char *path, const struct config *cfg)
{
    json_t *j = config_to_json(cfg);
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(j);
    size_t len = strlen(text);
    text = xrealloc(text, len + 2);
    text[len++] = '\n';
    text[len] = '\0';
    char *err = file_write_atomic(path, text, len, 0644);
    free(text);
    return err;
}

/* ---- Sorted views. ---- */

static int cmp_bridge(const void *a_, const void *b_)
{
    const struct config_bridge *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static int cmp_port(const void *a_, const void *b_)
{
    const struct config_port *const *a = a_, *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

struct config_bridge **config_sorted_bridges(const struct config *cfg)
{
    struct config_bridge **v = xcalloc(cfg->n_bridges + 1, sizeof *v);
    memcpy(v, cfg->bridges, cfg->n_bridges * sizeof *v);
    qsort(v, cfg->n_bridges, sizeof *v, cmp_bridge);
    return v;
}

struct config_port **config_sorted_ports(const struct config_bridge *br)
{
    struct config_port **v = xcalloc(br->n_ports + 1, sizeof *v);
    memcpy(v, br->ports, br->n_ports * sizeof *v);
    qsort(v, br->n_ports, sizeof *v, cmp_port);
    return v;
}
