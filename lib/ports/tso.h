/* tso: software TCP segmentation and checksum completion for frames that
 * TAP offloads (IFF_VNET_HDR) hand us bigger than the wire allows.
 *
 * With TSO enabled on a TAP device the host stack writes TCP "super
 * frames" of up to 64 KB: one Ethernet/IP/TCP header in front of many
 * MSS worth of payload, with a partial checksum.  Carrying one such frame
 * through the pipeline costs one table walk instead of ~45.  Before the
 * frame reaches a device that cannot carry it (a vxlan tunnel whose
 * underlay MTU is 1500, a system port), tso_segment() cuts it into
 * frames whose IP packet fits 'max_l3' bytes, the way the kernel's GSO
 * would: each segment gets the same L2 header, an IPv4 header with its own
 * length, ID (original + index) and checksum (or an IPv6 payload length),
 * and a TCP header with its sequence number advanced by the payload before
 * it and a full checksum.  FIN and PSH stay only on the last segment, CWR
 * only on the first.
 *
 * The parse looks at the bytes, not at metadata: the pipeline may have
 * pushed or popped VLAN tags since the frame was read, so offsets from the
 * TAP's virtio header would be stale.  Only unfragmented IPv4 or IPv6
 * without extension headers carrying TCP is segmented; anything else is
 * left alone (and a device that cannot take it drops it as too big, as
 * before).
 *
 * Nothing here allocates per segment: segments are laid out in one
 * growable buffer owned by a 'struct tso_segs' the caller reuses, or, for
 * a sender that takes vectors, described as fresh headers plus a pointer
 * into the super frame ('struct tso_split'): the payload is then never
 * copied in userspace on its way out (docs/performance.md). */
#ifndef SW_TSO_H
#define SW_TSO_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* Where the headers of a TCP frame are.  Offsets from the frame start. */
struct tso_tcp {
    size_t l3_ofs;      /* IPv4 or IPv6 header. */
    size_t l4_ofs;      /* TCP header. */
    size_t payload_ofs; /* First payload byte (l4_ofs + TCP header). */
    size_t l3_end;      /* End of the IP packet (Ethernet padding after). */
    bool ipv6;
};

/* Fills '*t' and returns true if 'frame' is Ethernet (up to two VLAN
 * tags) + unfragmented IPv4 or IPv6 (no extension headers) + TCP with
 * consistent lengths. */
bool tso_parse_tcp(const uint8_t *frame, size_t len, struct tso_tcp *t);

/* The segments of one frame without a copy of its payload, reused
 * across calls: segment i is 'seg[i]', its own L2-L4 headers (built in
 * 'hdrs') followed by the slice of the cut frame it carries, which the
 * segments point into (so the frame must outlive them). */
struct tso_split {
    uint8_t *hdrs;
    size_t hdrs_size;
    size_t n;
    size_t n_alloc;
    struct frame_ref *seg;
};

void tso_split_init(struct tso_split *);
void tso_split_uninit(struct tso_split *);

/* The segments of one frame laid out whole, reused across calls.
 * Segment i is 'len[i]' bytes at 'buf + ofs[i]'. */
struct tso_segs {
    uint8_t *buf;
    size_t buf_size;
    size_t n;
    size_t n_alloc;
    size_t *ofs;
    size_t *len;
    struct tso_split split; /* What tso_segment() copies from. */
};

void tso_segs_init(struct tso_segs *);
void tso_segs_uninit(struct tso_segs *);

/* If 'frame' is a TCP frame whose IP packet is longer than 'max_l3'
 * bytes, or which is longer than 'max_frame' bytes (0: no frame limit),
 * cuts it into segments whose IP packets are at most 'max_l3' bytes and
 * whose frames are at most 'max_frame' bytes (and whose payload is at
 * most 'mss' bytes, when 'mss' is nonzero) into 'segs' and returns 0.
 * Returns ENOENT (and leaves 'segs' empty) if the frame is not TCP or
 * already fits, EMSGSIZE if the limits leave no room for payload after the
 * headers. */
int tso_segment(const uint8_t *frame, size_t len, size_t max_l3,
                size_t max_frame, size_t mss, struct tso_segs *segs);

/* As tso_segment(), with the segments as headers plus a slice of 'frame'
 * (the same bytes on the wire): what a sender that takes a frame in
 * pieces (sendmsg() vectors) sends without copying the payload.  Each
 * segment's TCP checksum still costs one pass over its payload. */
int tso_split(const uint8_t *frame, size_t len, size_t max_l3,
              size_t max_frame, size_t mss, struct tso_split *);

/* The IP packet length of 'frame' if it is IPv4/IPv6 behind Ethernet and
 * up to two VLAN tags, else 0.  Lets a sender tell a frame that needs
 * segmenting from one merely padded. */
size_t tso_l3_len(const uint8_t *frame, size_t len);

/* Completes a partial checksum as a virtio-net header describes it
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM): the 16-bit field at 'start' + 'offset'
 * holds the pseudo-header sum; the ones' complement sum from 'start' to
 * the end is folded into it.  Returns false (frame untouched) if the
 * offsets do not fit 'len'. */
bool tso_complete_csum(uint8_t *frame, size_t len, size_t start,
                       size_t offset);

/* Recomputes the TCP checksum of the TCP frame 't' describes, in full. */
void tso_tcp_csum(uint8_t *frame, const struct tso_tcp *t);

/* The pseudo-header sum (folded, not complemented) of the TCP frame 't'
 * describes, as a partial-checksum field holds it (network order bytes
 * are written by the caller). */
uint16_t tso_tcp_pseudo_csum(const uint8_t *frame, const struct tso_tcp *t);

/* True if the TCP checksum of the frame 't' describes is right. */
bool tso_tcp_csum_ok(const uint8_t *frame, const struct tso_tcp *t);

/* Receive coalescing (GRO), the inverse of tso_segment(): a tunnel that
 * receives the ~45 segments of one super frame in one batch merges them
 * back so that the pipeline and the TAP write run once per batch.
 *
 * tso_gro_can_start() says whether frame 'a' (parsed into 't') may head a
 * merge: it carries payload, its checksum is right and its only flag is
 * ACK.  tso_gro_can_append() says whether 'b' continues the merged frame
 * 'a' (whose TCP payload so far ends at 't->l3_end', 'first_seg' being
 * the payload length of its first segment): same L2 bytes, same IP
 * addresses, TTL, TOS (or traffic class and flow label), same ports,
 * ACK number, window and options, the next sequence number, only ACK or
 * ACK|PSH, a payload no longer than 'first_seg', a right checksum, and
 * the sum within 'max_l3' bytes of IP packet.  The caller appends b's
 * payload ('b + tb->payload_ofs', up to 'tb->l3_end') and, when done,
 * calls tso_gro_finish() to fix the IP length, IPv4 checksum, TCP flags
 * (PSH from the last segment) and TCP checksum. */
bool tso_gro_can_start(const uint8_t *a, size_t len, struct tso_tcp *t);
bool tso_gro_can_append(const uint8_t *a, const struct tso_tcp *t,
                        size_t first_seg, const uint8_t *b, size_t blen,
                        size_t max_l3, struct tso_tcp *tb);
void tso_gro_finish(uint8_t *frame, const struct tso_tcp *t, uint8_t psh);

/* The same merge with one pass over each appended payload instead of
 * two: tso_gro_continues() is tso_gro_can_append() without the checksum,
 * and tso_gro_copy_payload() copies b's payload to 'dst' while summing
 * it, then says whether b's checksum is right (a caller drops what it
 * copied of a segment that fails) and gives the payload's sum, as
 * tso_tcp_payload_sum() below would, for tso_gro_finish_sum(). */
bool tso_gro_continues(const uint8_t *a, const struct tso_tcp *t,
                       size_t first_seg, const uint8_t *b, size_t blen,
                       size_t max_l3, struct tso_tcp *tb);
bool tso_gro_copy_payload(uint8_t *dst, const uint8_t *b,
                          const struct tso_tcp *tb, uint16_t *payload_sum);

/* The merge without a pass over the payload: a segment whose checksum is
 * right (as tso_gro_can_start() and tso_gro_can_append() verified) gives
 * its payload's ones' complement sum from its headers alone
 * (tso_tcp_payload_sum()); tso_csum_shift() moves such a sum to where the
 * payload lands in the merged frame ('ofs' bytes after the first payload
 * byte: an odd offset swaps its bytes); and tso_gro_finish_sum() does
 * what tso_gro_finish() does with the merged payload's sum, the sum of
 * the shifted sums, reading the headers only. */
uint16_t tso_tcp_payload_sum(const uint8_t *frame, const struct tso_tcp *t);
uint16_t tso_csum_shift(uint16_t sum, size_t ofs);
void tso_gro_finish_sum(uint8_t *frame, const struct tso_tcp *t, uint8_t psh,
                        uint16_t payload_sum);

/* Ones' complement sum helpers: add 'n' bytes to 'sum'; the same while
 * copying them from 'src' to 'dst' in the same pass; fold to 16 bits. */
uint32_t tso_csum_add(uint32_t sum, const void *data, size_t n);
uint32_t tso_csum_copy(uint32_t sum, void *dst, const void *src, size_t n);
uint16_t tso_csum_fold(uint32_t sum);

#endif
