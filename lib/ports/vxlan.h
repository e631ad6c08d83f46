/* vxlan: RFC 7348 headers as pure functions (no sockets, no state).
 *
 * On the wire a VXLAN packet is
 *
 *     outer Ethernet (14) | IPv4 (20) | UDP (8) | VXLAN (8) | inner frame
 *
 * which is the 50 bytes of overhead VXLAN_OVERHEAD names.  The outer
 * Ethernet header is the kernel's business: we send through an IPv4
 * socket.  Whether the IPv4 and UDP headers are ours depends on the send
 * path (see vxlan-socket.h): the raw sender builds them with
 * vxlan_put_ip_udp(), the fallback UDP sender lets the kernel do it.
 *
 * The VXLAN header is 8 bytes: flags (the I bit, 0x08, says the VNI is
 * valid; every other flag bit is reserved and must be zero when sent),
 * 3 reserved bytes, the 24-bit VNI, one reserved byte.  RFC 7348 says
 * receivers ignore reserved bits; we accept packets with reserved bits
 * set but insist on the I flag, as Linux does.
 *
 * Every address and port here is in host byte order; the functions
 * write network order into the buffers. */
#ifndef SW_VXLAN_H
#define SW_VXLAN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VXLAN_DST_PORT 4789 /* IANA-assigned. */
#define VXLAN_HLEN 8
#define VXLAN_FLAG_I 0x08
#define VXLAN_VNI_MAX 0xffffffu /* 24 bits. */
#define VXLAN_IP_HLEN 20
#define VXLAN_UDP_HLEN 8
/* IPv4 + UDP + VXLAN: what we prepend when we build the IP packet. */
#define VXLAN_IP_UDP_VXLAN_HLEN (VXLAN_IP_HLEN + VXLAN_UDP_HLEN + VXLAN_HLEN)
/* Outer Ethernet + IPv4 + UDP + VXLAN: what the underlay link carries on
 * top of the inner frame.  An inner frame of L bytes needs an underlay
 * MTU (an IP-level size) of L + 36, so a 1500-byte underlay carries inner
 * frames up to 1464 bytes, i.e. inner IP packets up to 1450 bytes. */
#define VXLAN_OVERHEAD 50
/* RFC 7348 section 5 recommends the dynamic/private port range for the
 * outer source port. */
#define VXLAN_SRC_PORT_MIN 49152
#define VXLAN_SRC_PORT_MAX 65535

/* Why vxlan_header_parse() rejected a header. */
enum vxlan_parse_error {
    VXLAN_OK = 0,
    VXLAN_ERR_SHORT, /* Fewer than 8 bytes, or no inner Ethernet. */
    VXLAN_ERR_NO_I,  /* The I flag is clear: the VNI is not valid. */
};

/* Writes a VXLAN header with the I flag and 'vni' (masked to 24 bits). */
void vxlan_header_put(uint8_t hdr[VXLAN_HLEN], uint32_t vni);

/* Parses the UDP payload 'data' ('len' bytes): returns VXLAN_OK and the
 * VNI, or the reason it is unacceptable.  A payload must carry at least
 * an inner Ethernet header (14 bytes) after the VXLAN header. */
enum vxlan_parse_error vxlan_header_parse(const uint8_t *data, size_t len,
                                          uint32_t *vni);
const char *vxlan_parse_error_str(enum vxlan_parse_error);

/* A hash of the inner frame's addresses and ports: Ethernet addresses and
 * type (skipping up to two VLAN tags), and for IPv4 the addresses,
 * protocol and, unless fragmented, TCP/UDP/SCTP ports.  Packets of one
 * connection hash alike, so they take one path through an ECMP underlay
 * and stay in order. */
uint32_t vxlan_inner_hash(const uint8_t *frame, size_t len);

/* Maps 'hash' into [VXLAN_SRC_PORT_MIN, VXLAN_SRC_PORT_MAX]. */
uint16_t vxlan_src_port(uint32_t hash);

/* True if an inner frame of 'inner_len' bytes fits an underlay whose IP
 * MTU is 'underlay_mtu' once encapsulated. */
bool vxlan_fits_mtu(size_t inner_len, unsigned underlay_mtu);

/* Writes the outer IPv4 and UDP headers into 'out' (VXLAN_IP_HLEN +
 * VXLAN_UDP_HLEN bytes) for a UDP payload (VXLAN header + inner frame) of
 * 'payload_len' bytes.  The IP header has DF set (we never let the
 * underlay fragment), TTL 'ttl', a valid checksum and ID 0; the UDP
 * checksum is zero, which RFC 7348 recommends for IPv4 and Linux
 * accepts.  'src_ip' may be 0: the raw socket then has the kernel fill
 * it. */
void vxlan_put_ip_udp(uint8_t *out, uint32_t src_ip, uint32_t dst_ip,
                      uint16_t src_port, uint16_t dst_port, size_t payload_len,
                      uint8_t ttl, uint8_t tos);

/* How many datagrams a received buffer of 'len' bytes holds when the
 * kernel coalesced them (UDP_GRO) with 'gso_size' bytes each, the last
 * one shorter: ceil(len / gso_size), and 1 for 'gso_size' 0 (not
 * coalesced) or a buffer no longer than one. */
size_t vxlan_gro_count(size_t len, size_t gso_size);

/* The Internet checksum of 'n' bytes (for the IP header, and for tests
 * verifying it). */
uint16_t vxlan_ip_csum(const void *data, size_t n);

#endif
