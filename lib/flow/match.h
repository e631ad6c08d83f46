/* match: a flow plus a mask.
 *
 * 'wc' has a 1-bit wherever the match cares; 'flow' is always ANDed with
 * 'wc' (match_set_field keeps that true), so two equal matches are equal
 * byte for byte.  Prints in the canonical order ovs-ofctl uses. */
#ifndef SW_MATCH_H
#define SW_MATCH_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"
#include "fields.h"
#include "flow.h"

struct portmap;

struct match {
    struct flow flow;
    struct flow wc;
};

#define OFP_DEFAULT_PRIORITY 0x8000

void match_init_catchall(struct match *);
bool match_is_catchall(const struct match *);
bool match_equal(const struct match *, const struct match *);
uint32_t match_hash(const struct match *, uint32_t basis);

/* Sets 'field' to 'value' under 'mask' (NULL: exact), replacing what the
 * match said of those bits. */
void match_set_field(struct match *, const struct mf_field *,
                     const union mf_value *value, const union mf_value *mask);
/* Reads back the value and mask of 'field'. */
void match_get_field(const struct match *, const struct mf_field *,
                     union mf_value *value, union mf_value *mask);
/* True if the match says anything about 'field'. */
bool match_has_field(const struct match *, const struct mf_field *);

/* Does packet key 'flow' satisfy the match?  (Slow, field-agnostic; the
 * classifier has the fast path.) */
bool match_matches_flow(const struct match *, const struct flow *);

/* True if every packet 'a' matches is also matched by 'b' (b is at most
 * as specific): the "loose" test of delete and dump filters. */
bool match_is_subset_of(const struct match *a, const struct match *b);

/* Returns NULL if every field's prerequisites are in the match
 * (nw_src needs ip or arp, tp_dst needs tcp/udp/sctp...), else an
 * allocated message naming the field and what it needs. */
char *match_check_prereqs(const struct match *);

/* The Ethernet type and IP protocol 'match' pins down exactly; 0 for
 * either one it leaves open. */
void match_get_proto(const struct match *, uint16_t *dl_type,
                     uint8_t *nw_proto);
/* True if the dl_type (and nw_proto) already in the match rule out
 * 'prereq' whatever is added later; used to refuse "ip,arp_op=1" early. */
bool match_prereq_contradicted(const struct match *, enum mf_prereq);
/* The message match_check_prereqs() gives when 'field' lacks 'prereq':
 * "nw_src=10.0.0.1 requires ip or arp (add 'ip,' before it)".  Caller
 * frees. */
char *match_prereq_error(const struct match *, const struct mf_field *,
                         enum mf_prereq);

/* True if OpenFlow 1.0's fixed match can say what 'm' says: ovs-ofctl
 * then sends the flow in OpenFlow 1.0, which decides how some matches
 * come back (see match_normalize_vlan()).  Registers, tunnel fields,
 * metadata, the mark, IPv6, ARP hardware addresses, ECN, TTL,
 * fragments, TCP flags and most bitwise masks need NXM. */
bool match_is_of10(const struct match *);
/* How ovs-ofctl carries a flow to the switch, which decides what the
 * switch installs for some matches. */
enum match_encoding {
    MATCH_OF10, /* OpenFlow 1.0's fixed match (match_is_of10()). */
    MATCH_NXM,  /* OpenFlow 1.0 with NXM: any match, as written. */
    MATCH_OXM,  /* OpenFlow 1.3 (the flow needs an OpenFlow 1.1 action). */
};
/* A match that requires "no VLAN" (the CFI bit exact and clear) comes
 * back from OVS as exactly vlan_tci=0x0000 when sent in OpenFlow 1.0,
 * and without its PCP bits when sent in OpenFlow 1.3 (OXM's VLAN_VID);
 * NXM keeps it as written.  flow_mod_parse() applies this after the
 * whole flow, so that we install what OVS installs for the same text. */
void match_normalize_vlan(struct match *, enum match_encoding);

/* Parses one "name=value[/mask]" or shorthand ("ip", "tcp", "arp") piece
 * into the match.  'value' is NULL for a bare name.  Returns NULL or an
 * allocated error naming the field and why. */
char *match_parse_piece(struct match *, const char *name, const char *value,
                        const struct portmap *);

/* Appends the match as ovs-ofctl prints it: "priority=P," first unless
 * 'priority' is OFP_DEFAULT_PRIORITY or negative, then shorthands, then
 * fields in canonical order, comma separated, no trailing comma. */
void match_format(const struct match *, int priority, const struct portmap *,
                  struct ds *);

#endif
