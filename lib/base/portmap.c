#include "portmap.h"

#include <ctype.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static const struct {
    const char *name;
    uint16_t port;
} reserved_ports[] = {
    { "IN_PORT", OFPP_IN_PORT }, { "TABLE", OFPP_TABLE },
    { "NORMAL", OFPP_NORMAL },   { "FLOOD", OFPP_FLOOD },
    { "ALL", OFPP_ALL },         { "CONTROLLER", OFPP_CONTROLLER },
    { "LOCAL", OFPP_LOCAL },     { "NONE", OFPP_NONE },
    { "ANY", OFPP_NONE },
};

void portmap_init(struct portmap *map)
{
    map->entries = NULL;
    map->n = map->allocated = 0;
}

void portmap_destroy(struct portmap *map)
{
    if (!map) {
        return;
    }
    for (size_t i = 0; i < map->n; i++) {
        free(map->entries[i].name);
    }
    free(map->entries);
    portmap_init(map);
}

void portmap_add(struct portmap *map, const char *name, uint16_t port)
{
    map->entries = x2nrealloc(map->entries, &map->allocated, map->n + 1,
                              sizeof *map->entries);
    map->entries[map->n].name = xstrdup(name);
    map->entries[map->n].port = port;
    map->n++;
}

bool portmap_find_port(const struct portmap *map, const char *name,
                       uint16_t *port)
{
    for (size_t i = 0; map && i < map->n; i++) {
        if (!strcmp(map->entries[i].name, name)) {
            *port = map->entries[i].port;
            return true;
        }
    }
    return false;
}

const char *portmap_find_name(const struct portmap *map, uint16_t port)
{
    for (size_t i = 0; map && i < map->n; i++) {
        if (map->entries[i].port == port) {
            return map->entries[i].name;
        }
    }
    return NULL;
}

const char *port_reserved_name(uint16_t port)
{
    for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++) {
        if (reserved_ports[i].port == port) {
            return reserved_ports[i].name;
        }
    }
    return NULL;
}

bool port_parse(const char *s, const struct portmap *map, uint16_t *port)
{
    /* A quoted name, as --names prints "patch-tun". */
    size_t len = strlen(s);
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        char *bare = xstrndup(s + 1, len - 2);
        bool ok = portmap_find_port(map, bare, port);
        free(bare);
        return ok;
    }
    uint64_t n;
    /* Decimal only, as ovs-ofctl reads a port number ("0x5" is not
     * one). */
    if (s[0] >= '0' && s[0] <= '9' && (s[0] != '0' || !s[1] || s[1] != 'x')
        && str_to_u64(s, UINT16_MAX, &n)) {
        if (n == 0 || (n >= OFPP_MAX && !port_reserved_name((uint16_t)n))) {
            return false;
        }
        *port = (uint16_t)n;
        return true;
    }
    /* A name from the map wins over a reserved name, so a port really
     * called "local" is reachable. */
    if (portmap_find_port(map, s, port)) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++) {
        if (!strcasecmp(s, reserved_ports[i].name)) {
            *port = reserved_ports[i].port;
            return true;
        }
    }
    return false;
}

bool port_is_reserved_name(const char *s)
{
    for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++) {
        if (!strcasecmp(s, reserved_ports[i].name)) {
            return true;
        }
    }
    return false;
}

/* As ovs-ofctl --names: a name is printed bare only when it is letters
 * and digits alone and cannot be read as something else (a number, a
 * reserved port); "patch-tun", "p.x" and "ab_c" are quoted. */
static bool port_name_needs_quotes(const char *name)
{
    bool digits_only = true;
    for (const char *c = name; *c; c++) {
        if (!isalnum((unsigned char)*c)) {
            return true;
        }
        digits_only = digits_only && isdigit((unsigned char)*c);
    }
    if (!*name || digits_only) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(reserved_ports); i++) {
        if (!strcasecmp(name, reserved_ports[i].name)) {
            return true;
        }
    }
    return false;
}

void port_format(uint16_t port, const struct portmap *map, struct ds *ds)
{
    const char *reserved = port_reserved_name(port);
    const char *name = portmap_find_name(map, port);
    if (reserved && port != OFPP_LOCAL) {
        ds_put_cstr(ds, reserved);
    } else if (name) {
        if (port_name_needs_quotes(name)) {
            ds_put_format(ds, "\"%s\"", name);
        } else {
            ds_put_cstr(ds, name);
        }
    } else if (reserved) {
        ds_put_cstr(ds, reserved);
    } else {
        ds_put_format(ds, "%u", port);
    }
}
