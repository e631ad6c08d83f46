/* portmap: OpenFlow port numbers and names, both ways.
 *
 * Parsers accept a port name wherever a number goes (in_port=patch-tun,
 * output:vxlan0) and printers print names with --names; both take a
 * portmap, which may be NULL (numbers only).  The reserved ports
 * (LOCAL, IN_PORT, NORMAL, ...) are known without a map. */
#ifndef SW_PORTMAP_H
#define SW_PORTMAP_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"

/* OpenFlow 1.0 port numbers (16 bits), as OVS prints them. */
#define OFPP_MAX 0xff00
#define OFPP_UNSET 0xfff7 /* Internal: "no port given" (e.g. resubmit). */
#define OFPP_IN_PORT 0xfff8
#define OFPP_TABLE 0xfff9
#define OFPP_NORMAL 0xfffa
#define OFPP_FLOOD 0xfffb
#define OFPP_ALL 0xfffc
#define OFPP_CONTROLLER 0xfffd
#define OFPP_LOCAL 0xfffe
#define OFPP_NONE 0xffff /* Also "any" in filters. */
#define OFPP_ANY OFPP_NONE

/* The highest table a flow can be in (table 255 means "all tables" in
 * OpenFlow requests), and that number as text for messages. */
#define OFPTT_MAX 254
#define OFPTT_MAX_STR "254"

struct portmap_entry {
    char *name;
    uint16_t port;
};

struct portmap {
    struct portmap_entry *entries;
    size_t n, allocated;
};

void portmap_init(struct portmap *);
void portmap_destroy(struct portmap *);
/* Copies 'name'. */
void portmap_add(struct portmap *, const char *name, uint16_t port);
/* NULL-safe lookups. */
bool portmap_find_port(const struct portmap *, const char *name,
                       uint16_t *port);
const char *portmap_find_name(const struct portmap *, uint16_t port);

/* Parses a port: a number 1..0xfeff, a reserved name (LOCAL, IN_PORT,
 * NORMAL, FLOOD, ALL, CONTROLLER, NONE/ANY, any case), or a name from
 * 'map'.  Returns false if it is none of these. */
bool port_parse(const char *s, const struct portmap *map, uint16_t *port);
/* Appends a port as ovs-ofctl prints it: reserved ports by name, others
 * by number, or by name (quoted when needed) when 'map' has one. */
void port_format(uint16_t port, const struct portmap *map, struct ds *);
/* Name of a reserved port ("LOCAL") or NULL. */
const char *port_reserved_name(uint16_t port);
/* Whether 's' is a reserved port's name ("LOCAL", "in_port"...), in any
 * case. */
bool port_is_reserved_name(const char *s);

#endif
