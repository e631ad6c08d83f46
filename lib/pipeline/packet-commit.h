/* packet-commit: writes header changes made to a flow back into a frame.
 *
 * The pipeline edits 'struct flow' (mod_dl_dst, set_field, strip_vlan,
 * dec_ttl...) and only touches the bytes when a copy of the packet leaves
 * (output, controller).  packet_commit() then rewrites the frame from the
 * old key (what the bytes say now) to the new one: Ethernet addresses,
 * the VLAN tag (pushed, changed or popped), IPv4 addresses, TOS/ECN and
 * TTL with the header checksum, IPv6 addresses, ARP fields, and L4 ports
 * with the TCP/UDP checksums fixed incrementally.  Fields the frame does
 * not carry are ignored. */
#ifndef SW_PACKET_COMMIT_H
#define SW_PACKET_COMMIT_H 1

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "packet.h"

/* True if 'a' and 'b' differ in any header field packet_commit() writes. */
bool packet_commit_needed(const struct flow *a, const struct flow *b);

/* Rewrites 'pkt' whose headers are described by 'old' into 'new'.  A tag
 * pushed where there was none uses TPID 'vlan_tpid' (0x8100 or
 * 0x88a8). */
void packet_commit(struct packet *pkt, const struct flow *old,
                   const struct flow *new, uint16_t vlan_tpid);

#endif
