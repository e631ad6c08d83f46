/* Unit tests for tso.c (software TCP segmentation, checksum completion)
 * and the TAP's virtio-net header choice.  Checksums are verified with a
 * reference implementation written here, not with tso.c's own. */
#include <errno.h>
#include <linux/virtio_net.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "netdev-provider.h"
#include "tso.h"

/* Reference Internet checksum: the plain RFC 1071 loop. */
static uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    }
    if (n & 1) {
        sum += (uint32_t)p[n - 1] << 8;
    }
    return sum;
}

static uint16_t ref_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

static unsigned get16(const uint8_t *p)
{
    return (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

/* True if the TCP checksum of the segment at 'l3' (IPv4 or IPv6) is
 * right. */
static bool tcp_csum_ok(const uint8_t *f, size_t l3, bool v6)
{
    size_t l4, l4len;
    uint32_t sum;
    if (v6) {
        l4 = l3 + 40;
        l4len = get16(f + l3 + 4);
        sum = ref_sum(0, f + l3 + 8, 32);
    } else {
        l4 = l3 + (size_t)(f[l3] & 0xf) * 4;
        l4len = get16(f + l3 + 2) - (l4 - l3);
        sum = ref_sum(0, f + l3 + 12, 8);
    }
    sum += 6 + (uint32_t)l4len;
    sum = ref_sum(sum, f + l4, l4len);
    return ref_fold(sum) == 0xffff;
}

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_CWR 0x80

/* Builds Ethernet [+ VLAN] + IPv4/IPv6 + TCP (20 + 12 bytes of options) +
 * 'payload' bytes of a pattern, with valid checksums.  Returns the
 * length. */
static size_t make_tcp(uint8_t *f, bool v6, bool vlan, size_t payload,
                       uint8_t flags)
{
    size_t o = 0;
    static const uint8_t macs[12] = {
        0xaa, 0, 0, 0, 0, 1, 0xaa, 0, 0, 0, 0, 2
    };
    memcpy(f, macs, 12);
    o = 12;
    if (vlan) {
        f[o++] = 0x81;
        f[o++] = 0x00;
        f[o++] = 0x00;
        f[o++] = 0x64;
    }
    f[o++] = v6 ? 0x86 : 0x08;
    f[o++] = v6 ? 0xdd : 0x00;
    size_t l3 = o;
    size_t tcplen = 32 + payload;
    if (v6) {
        memset(f + o, 0, 40);
        f[o] = 0x60;
        f[o + 4] = (uint8_t)(tcplen >> 8);
        f[o + 5] = (uint8_t)tcplen;
        f[o + 6] = 6;
        f[o + 7] = 64;
        f[o + 8 + 15] = 1;  /* fd00::1 */
        f[o + 24 + 15] = 2; /* fd00::2 */
        f[o + 8] = f[o + 24] = 0xfd;
        o += 40;
    } else {
        size_t tot = 20 + tcplen;
        uint8_t ip[20] = { 0x45,
                           0,
                           (uint8_t)(tot >> 8),
                           (uint8_t)tot,
                           0x12,
                           0x34,
                           0x40,
                           0,
                           64,
                           6,
                           0,
                           0,
                           10,
                           1,
                           1,
                           2,
                           10,
                           1,
                           1,
                           3 };
        memcpy(f + o, ip, 20);
        uint16_t c = (uint16_t)~ref_fold(ref_sum(0, f + o, 20));
        f[o + 10] = (uint8_t)(c >> 8);
        f[o + 11] = (uint8_t)c;
        o += 20;
    }
    size_t l4 = o;
    uint8_t th[32] = { 0x9c, 0x40, 0x14, 0x51, 0xff, 0xff,  0xf0, 0x00,
                       0,    0,    0,    1,    0x80, flags, 0x01, 0xf5 };
    th[20] = 1;
    th[21] = 1;
    th[22] = 8;
    th[23] = 10; /* NOP NOP timestamps */
    memcpy(f + o, th, 32);
    o += 32;
    for (size_t i = 0; i < payload; i++) {
        f[o + i] = (uint8_t)(i * 7 + i / 251);
    }
    o += payload;
    uint32_t sum =
        v6 ? ref_sum(0, f + l3 + 8, 32) : ref_sum(0, f + l3 + 12, 8);
    sum += 6 + (uint32_t)tcplen;
    sum = ref_sum(sum, f + l4, tcplen);
    uint16_t c = (uint16_t)~ref_fold(sum);
    f[l4 + 16] = (uint8_t)(c >> 8);
    f[l4 + 17] = (uint8_t)c;
    ck_assert(tcp_csum_ok(f, l3, v6));
    return o;
}

static uint8_t frame[70000];
static uint8_t joined[70000];

START_TEST(test_parse)
{
    struct tso_tcp t;
    size_t len = make_tcp(frame, false, false, 100, TCP_ACK);
    ck_assert(tso_parse_tcp(frame, len, &t));
    ck_assert_uint_eq(t.l3_ofs, 14);
    ck_assert_uint_eq(t.l4_ofs, 34);
    ck_assert_uint_eq(t.payload_ofs, 66);
    ck_assert_uint_eq(t.l3_end, len);
    ck_assert(!t.ipv6);
    ck_assert_uint_eq(tso_l3_len(frame, len), len - 14);

    /* Ethernet padding after the IP packet is not part of it. */
    ck_assert(tso_parse_tcp(frame, len + 10, &t));
    ck_assert_uint_eq(t.l3_end, len);

    /* Truncated: the IP length says more than there is. */
    ck_assert(!tso_parse_tcp(frame, len - 1, &t));
    ck_assert(!tso_parse_tcp(frame, 20, &t));

    /* A fragment (MF) is not a whole segment. */
    frame[14 + 6] |= 0x20;
    ck_assert(!tso_parse_tcp(frame, len, &t));
    frame[14 + 6] &= (uint8_t)~0x20;
    /* UDP is not segmented. */
    frame[14 + 9] = 17;
    ck_assert(!tso_parse_tcp(frame, len, &t));

    len = make_tcp(frame, true, true, 10, TCP_ACK);
    ck_assert(tso_parse_tcp(frame, len, &t));
    ck_assert(t.ipv6);
    ck_assert_uint_eq(t.l3_ofs, 18);
    ck_assert_uint_eq(t.l4_ofs, 58);
    ck_assert_uint_eq(t.payload_ofs, 90);
    ck_assert_uint_eq(tso_l3_len(frame, len), len - 18);

    /* ARP: no L3 length. */
    memset(frame, 0, 60);
    frame[12] = 0x08;
    frame[13] = 0x06;
    ck_assert_uint_eq(tso_l3_len(frame, 60), 0);
}
END_TEST

/* Segments a frame of 'payload' bytes and checks every property of the
 * result against the original. */
static void check_segment(bool v6, bool vlan, size_t payload, size_t max_l3,
                          size_t max_frame, size_t mss, size_t want_seg)
{
    size_t len = make_tcp(frame, v6, vlan, payload,
                          TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR);
    struct tso_tcp t;
    ck_assert(tso_parse_tcp(frame, len, &t));
    struct tso_segs segs;
    tso_segs_init(&segs);
    ck_assert_int_eq(tso_segment(frame, len, max_l3, max_frame, mss, &segs),
                     0);
    size_t want_n = (payload + want_seg - 1) / want_seg;
    ck_assert_uint_eq(segs.n, want_n);

    size_t hdrs = t.payload_ofs, joined_len = 0;
    uint32_t seq0 = get32(frame + t.l4_ofs + 4);
    for (size_t i = 0; i < segs.n; i++) {
        const uint8_t *s = segs.buf + segs.ofs[i];
        size_t slen = segs.len[i];
        size_t plen = slen - hdrs;
        ck_assert_uint_eq(plen,
                          i + 1 < segs.n ? want_seg : payload - i * want_seg);
        ck_assert_uint_le(slen - t.l3_ofs, max_l3);
        if (max_frame) {
            ck_assert_uint_le(slen, max_frame);
        }
        /* L2 unchanged. */
        ck_assert_mem_eq(s, frame, t.l3_ofs);
        if (v6) {
            ck_assert_uint_eq(get16(s + t.l3_ofs + 4), 32 + plen);
        } else {
            ck_assert_uint_eq(get16(s + t.l3_ofs + 2), 52 + plen);
            ck_assert_uint_eq(get16(s + t.l3_ofs + 4), (0x1234 + i) & 0xffff);
            ck_assert_uint_eq(ref_fold(ref_sum(0, s + t.l3_ofs, 20)), 0xffff);
        }
        const uint8_t *th = s + t.l4_ofs;
        ck_assert_uint_eq(get32(th + 4), seq0 + (uint32_t)(i * want_seg));
        uint8_t fl = th[13];
        bool last = i + 1 == segs.n;
        ck_assert_uint_eq(!!(fl & TCP_FIN), last);
        ck_assert_uint_eq(!!(fl & TCP_PSH), last);
        ck_assert_uint_eq(!!(fl & TCP_CWR), i == 0);
        ck_assert(fl & TCP_ACK);
        /* Options kept. */
        ck_assert_mem_eq(th + 20, frame + t.l4_ofs + 20, 12);
        ck_assert(tcp_csum_ok(s, t.l3_ofs, v6));
        memcpy(joined + joined_len, s + hdrs, plen);
        joined_len += plen;
    }
    ck_assert_uint_eq(joined_len, payload);
    ck_assert_mem_eq(joined, frame + t.payload_ofs, payload);

    /* The same segments in pieces (what a vxlan port sends): fresh
     * headers and a pointer into the frame, never a copy of its payload,
     * and on the wire the same bytes as the whole segments above. */
    struct tso_split split;
    tso_split_init(&split);
    ck_assert_int_eq(tso_split(frame, len, max_l3, max_frame, mss, &split), 0);
    ck_assert_uint_eq(split.n, segs.n);
    for (size_t i = 0; i < split.n; i++) {
        const struct frame_ref *f = &split.seg[i];
        ck_assert_uint_eq(f->head_len, hdrs);
        ck_assert_ptr_eq(f->body, frame + t.payload_ofs + i * want_seg);
        ck_assert_uint_eq(frame_ref_len(f), segs.len[i]);
        ck_assert_mem_eq(f->head, segs.buf + segs.ofs[i], hdrs);
        ck_assert_mem_eq(f->body, segs.buf + segs.ofs[i] + hdrs, f->body_len);
    }
    tso_split_uninit(&split);
    tso_segs_uninit(&segs);
}

START_TEST(test_segment_ipv4)
{
    /* A 64 KB super frame into 1450-byte IP packets: 1398 bytes of
     * payload after 20 + 32 header bytes, as the host's MSS would be. */
    check_segment(false, false, 65000, 1450, 1464, 0, 1398);
    /* Payload an exact multiple of the segment size. */
    check_segment(false, false, 1398 * 3, 1450, 0, 0, 1398);
    /* The MSS cap wins when smaller. */
    check_segment(false, false, 5000, 1450, 0, 1000, 1000);
    /* A payload of 1 byte more than fits: two segments. */
    check_segment(false, false, 1399, 1450, 0, 0, 1398);
}
END_TEST

START_TEST(test_segment_ipv6_vlan)
{
    /* With a VLAN tag the 1464-byte frame limit binds before the 1450
     * MTU: 1464 - 18 - 40 - 32 = 1374 bytes of payload. */
    check_segment(true, true, 40000, 1450, 1464, 0, 1374);
    /* Without the frame limit, the MTU: 1450 - 72 = 1378. */
    check_segment(true, true, 40000, 1450, 0, 0, 1378);
}
END_TEST

START_TEST(test_segment_not_needed)
{
    struct tso_segs segs;
    tso_segs_init(&segs);
    size_t len = make_tcp(frame, false, false, 1398, TCP_ACK);
    ck_assert_int_eq(tso_segment(frame, len, 1450, 1464, 0, &segs), ENOENT);
    ck_assert_uint_eq(segs.n, 0);
    /* One byte over: segmented. */
    ck_assert_int_eq(tso_segment(frame, len, 1449, 0, 0, &segs), 0);
    ck_assert_uint_eq(segs.n, 2);
    /* No room for payload. */
    ck_assert_int_eq(tso_segment(frame, len, 52, 0, 0, &segs), EMSGSIZE);
    /* Not TCP. */
    len = make_tcp(frame, false, false, 3000, TCP_ACK);
    frame[14 + 9] = 17;
    ck_assert_int_eq(tso_segment(frame, len, 1450, 0, 0, &segs), ENOENT);
    tso_segs_uninit(&segs);
}
END_TEST

START_TEST(test_complete_csum)
{
    /* A partial checksum as a TAP with offloads hands it over: the
     * field holds the pseudo-header sum, not complemented. */
    for (int v6 = 0; v6 < 2; v6++) {
        size_t len = make_tcp(frame, v6, false, 999, TCP_ACK);
        struct tso_tcp t;
        ck_assert(tso_parse_tcp(frame, len, &t));
        uint16_t seed = tso_tcp_pseudo_csum(frame, &t);
        frame[t.l4_ofs + 16] = (uint8_t)(seed >> 8);
        frame[t.l4_ofs + 17] = (uint8_t)seed;
        ck_assert(!tcp_csum_ok(frame, t.l3_ofs, v6));
        ck_assert(tso_complete_csum(frame, len, t.l4_ofs, 16));
        ck_assert(tcp_csum_ok(frame, t.l3_ofs, v6));

        /* tso_tcp_csum() gets there from garbage too. */
        frame[t.l4_ofs + 16] = 0x5a;
        tso_tcp_csum(frame, &t);
        ck_assert(tcp_csum_ok(frame, t.l3_ofs, v6));
    }
    /* Offsets outside the frame: refused, frame untouched. */
    size_t len = make_tcp(frame, false, false, 10, TCP_ACK);
    memcpy(joined, frame, len);
    ck_assert(!tso_complete_csum(frame, len, len, 0));
    ck_assert(!tso_complete_csum(frame, len, len - 1, 0));
    ck_assert(!tso_complete_csum(frame, len, 34, len));
    ck_assert_mem_eq(frame, joined, len);
}
END_TEST

START_TEST(test_tap_vnet_hdr)
{
    struct virtio_net_hdr vh;
    uint16_t seed = 0;
    /* A super frame: a TCPv4 GSO header with the host's MSS. */
    size_t len = make_tcp(frame, false, false, 20000, TCP_ACK);
    netdev_tap_vnet_hdr_for(frame, len, 1450, &vh, &seed);
    ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    ck_assert_uint_eq(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    ck_assert_uint_eq(vh.gso_size, 1398);
    ck_assert_uint_eq(vh.hdr_len, 66);
    ck_assert_uint_eq(vh.csum_start, 34);
    ck_assert_uint_eq(vh.csum_offset, 16);
    /* The seed completed over the TCP bytes gives a valid checksum. */
    frame[34 + 16] = (uint8_t)(seed >> 8);
    frame[34 + 17] = (uint8_t)seed;
    ck_assert(tso_complete_csum(frame, len, vh.csum_start, vh.csum_offset));
    ck_assert(tcp_csum_ok(frame, 14, false));

    len = make_tcp(frame, true, true, 20000, TCP_ACK);
    netdev_tap_vnet_hdr_for(frame, len, 1500, &vh, &seed);
    ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
    ck_assert_uint_eq(vh.gso_size, 1500 - 72);
    ck_assert_uint_eq(vh.csum_start, 58);

    /* A frame within the MTU: no flags, nothing partial. */
    len = make_tcp(frame, false, false, 1000, TCP_ACK);
    netdev_tap_vnet_hdr_for(frame, len, 1450, &vh, &seed);
    ck_assert_uint_eq(vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
    ck_assert_uint_eq(vh.flags, 0);
}
END_TEST

/* Merges the segments of 'frame' back, as the vxlan receive path does,
 * and returns the merged length (0 if the first cannot start a merge);
 * '*n_merged' is how many segments went in. */
static size_t gro_all(const struct tso_segs *segs, size_t *n_merged)
{
    struct tso_tcp t, tb;
    const uint8_t *a = segs->buf + segs->ofs[0];
    *n_merged = 0;
    if (!tso_gro_can_start(a, segs->len[0], &t)) {
        return 0;
    }
    memcpy(joined, a, segs->len[0]);
    size_t first_seg = t.l3_end - t.payload_ofs, len = t.l3_end;
    uint8_t psh = 0;
    uint32_t psum = tso_tcp_payload_sum(a, &t);
    size_t i;
    for (i = 1; i < segs->n && !psh; i++) {
        const uint8_t *b = segs->buf + segs->ofs[i];
        if (!tso_gro_can_append(joined, &t, first_seg, b, segs->len[i], 65535,
                                &tb)) {
            break;
        }
        size_t plen = tb.l3_end - tb.payload_ofs;
        psum +=
            tso_csum_shift(tso_tcp_payload_sum(b, &tb), len - t.payload_ofs);
        memcpy(joined + len, b + tb.payload_ofs, plen);
        /* The receive path's one-pass way agrees: same decision, same
         * bytes, same payload sum. */
        struct tso_tcp tb2;
        static uint8_t copied[1500];
        uint16_t bsum;
        ck_assert(tso_gro_continues(joined, &t, first_seg, b, segs->len[i],
                                    65535, &tb2));
        ck_assert(tso_gro_copy_payload(copied, b, &tb2, &bsum));
        ck_assert_uint_eq(bsum, tso_tcp_payload_sum(b, &tb));
        ck_assert_mem_eq(copied, b + tb.payload_ofs, plen);
        len += plen;
        t.l3_end = len;
        psh = b[tb.l4_ofs + 13] & TCP_PSH;
    }
    /* The merged frame twice: from its payload's sum (the receive path's
     * way) and with a full pass; the checksums must agree. */
    static uint8_t full[70000];
    memcpy(full, joined, len);
    tso_gro_finish(full, &t, psh);
    tso_gro_finish_sum(joined, &t, psh, tso_csum_fold(psum));
    ck_assert_mem_eq(joined, full, len);
    *n_merged = i;
    return len;
}

START_TEST(test_gro_roundtrip)
{
    /* Segmenting then merging gives the original frame back, bytes and
     * checksums included (the original carries ACK|PSH). */
    for (int v6 = 0; v6 < 2; v6++) {
        size_t len = make_tcp(frame, v6, !v6, 30000, TCP_ACK | TCP_PSH);
        struct tso_segs segs;
        tso_segs_init(&segs);
        ck_assert_int_eq(tso_segment(frame, len, 1450, 1464, 0, &segs), 0);
        ck_assert_uint_gt(segs.n, 20);
        size_t n_merged;
        size_t glen = gro_all(&segs, &n_merged);
        ck_assert_uint_eq(n_merged, segs.n);
        ck_assert_uint_eq(glen, len);
        /* IPv4 ID: the merged frame keeps the first's, as did the
         * original. */
        ck_assert_mem_eq(joined, frame, len);

        /* An odd MSS puts every other segment's payload at an odd offset
         * of the merged one: its sum counts byte-swapped. */
        ck_assert_int_eq(tso_segment(frame, len, 1450, 1464, 1001, &segs), 0);
        ck_assert_uint_gt(segs.n, 25);
        glen = gro_all(&segs, &n_merged);
        ck_assert_uint_eq(n_merged, segs.n);
        ck_assert_uint_eq(glen, len);
        ck_assert_mem_eq(joined, frame, len);
        tso_segs_uninit(&segs);
    }
}
END_TEST

START_TEST(test_gro_refuses)
{
    size_t len = make_tcp(frame, false, false, 10000, TCP_ACK);
    struct tso_segs segs;
    tso_segs_init(&segs);
    ck_assert_int_eq(tso_segment(frame, len, 1450, 0, 0, &segs), 0);
    size_t n_merged;
    struct tso_tcp t, tb;
    uint8_t *s0 = segs.buf + segs.ofs[0];
    uint8_t *s1 = segs.buf + segs.ofs[1];
    uint8_t *s2 = segs.buf + segs.ofs[2];
    ck_assert(tso_gro_can_start(s0, segs.len[0], &t));
    size_t first = t.l3_end - t.payload_ofs;
    ck_assert(tso_gro_can_append(s0, &t, first, s1, segs.len[1], 65535, &tb));
    /* Not the next sequence number (a lost segment). */
    ck_assert(!tso_gro_can_append(s0, &t, first, s2, segs.len[2], 65535, &tb));
    /* Too big for the limit. */
    ck_assert(!tso_gro_can_append(s0, &t, first, s1, segs.len[1],
                                  t.l3_end - t.l3_ofs + 10, &tb));
    /* A bad checksum is never merged (nor "fixed" by the merge): the
     * headers still continue the frame, the copying check says no. */
    s1[t.payload_ofs + 5] ^= 0x40;
    ck_assert(!tso_gro_can_append(s0, &t, first, s1, segs.len[1], 65535, &tb));
    ck_assert(tso_gro_continues(s0, &t, first, s1, segs.len[1], 65535, &tb));
    static uint8_t copied[1500];
    uint16_t bsum;
    ck_assert(!tso_gro_copy_payload(copied, s1, &tb, &bsum));
    s1[t.payload_ofs + 5] ^= 0x40;
    ck_assert(tso_gro_copy_payload(copied, s1, &tb, &bsum));
    /* ... and so is a bad one in the TCP header. */
    s1[t.l4_ofs + 16] ^= 0x01;
    ck_assert(!tso_gro_copy_payload(copied, s1, &tb, &bsum));
    s1[t.l4_ofs + 16] ^= 0x01;
    /* A different ACK number or window. */
    s1[t.l4_ofs + 11] ^= 1;
    ck_assert(!tso_gro_can_append(s0, &t, first, s1, segs.len[1], 65535, &tb));
    s1[t.l4_ofs + 11] ^= 1;
    /* Another destination MAC. */
    s1[0] ^= 1;
    ck_assert(!tso_gro_can_append(s0, &t, first, s1, segs.len[1], 65535, &tb));
    s1[0] ^= 1;
    /* A FIN, SYN or RST segment never starts or joins a merge. */
    len = make_tcp(frame, false, false, 100, TCP_ACK | TCP_FIN);
    ck_assert(!tso_gro_can_start(frame, len, &t));
    /* A merge stops at a short segment or a lone one. */
    ck_assert_uint_gt(gro_all(&segs, &n_merged), 0);
    ck_assert_uint_eq(n_merged, segs.n);
    segs.n = 1;
    ck_assert_uint_eq(gro_all(&segs, &n_merged), segs.len[0]);
    ck_assert_uint_eq(n_merged, 1);
    tso_segs_uninit(&segs);
}
END_TEST

START_TEST(test_csum_add)
{
    /* The word-at-a-time sum against the RFC 1071 loop: every length up
     * to 300 bytes at every alignment, chained from different starting
     * sums, including ones whose addition carries out of 32 bits. */
    static uint8_t buf[320];
    uint32_t seed = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        seed = seed * 1103515245 + 12345;
        buf[i] = (uint8_t)(seed >> 16);
    }
    static const uint32_t starts[] = { 0, 1, 0xffff, 0x1234abcd, 0xfffffffe };
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        for (size_t ofs = 0; ofs < 8; ofs++) {
            for (size_t n = 0; n <= 300; n++) {
                uint16_t want =
                    ref_fold(ref_sum(ref_fold(starts[k]), buf + ofs, n));
                uint16_t got =
                    tso_csum_fold(tso_csum_add(starts[k], buf + ofs, n));
                ck_assert_msg(got == want,
                              "start %#x ofs %zu len %zu: %#x != %#x",
                              (unsigned)starts[k], ofs, n, got, want);
                /* The copying sum: same answer, same bytes, and not a
                 * byte written past 'n'. */
                uint8_t dst[320];
                memset(dst, 0xa5, sizeof dst);
                got = tso_csum_fold(
                    tso_csum_copy(starts[k], dst + 1, buf + ofs, n));
                ck_assert_msg(got == want, "copy: start %#x ofs %zu len %zu",
                              (unsigned)starts[k], ofs, n);
                ck_assert_mem_eq(dst + 1, buf + ofs, n);
                ck_assert_uint_eq(dst[0], 0xa5);
                ck_assert_uint_eq(dst[n + 1], 0xa5);
            }
        }
    }
    /* All ones: the sum of 0xffff words stays 0xffff, never 0. */
    memset(buf, 0xff, sizeof buf);
    ck_assert_uint_eq(tso_csum_fold(tso_csum_add(0, buf, 64)), 0xffff);
    memset(buf, 0, sizeof buf);
    ck_assert_uint_eq(tso_csum_fold(tso_csum_add(0, buf, 64)), 0);
}
END_TEST

START_TEST(test_csum_add_long)
{
    /* The vector loop empties its 32-bit lanes every 512 KB: 1.5 MB of
     * all-ones words (the worst case for a lane) and of random bytes,
     * at odd lengths and offsets, against the RFC 1071 loop. */
    size_t size = 3 << 19;
    uint8_t *big = malloc(size + 8);
    uint8_t *copy = malloc(size);
    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_nonnull(copy);
    for (int pass = 0; pass < 2; pass++) {
        uint32_t seed = 777;
        for (size_t i = 0; i < size + 8; i++) {
            seed = seed * 1103515245 + 12345;
            big[i] = pass ? (uint8_t)(seed >> 16) : 0xff;
        }
        static const size_t lens[] = { 65536, (1 << 19) + 31, 3 << 19 };
        for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
            for (size_t ofs = 0; ofs < 3; ofs++) {
                /* In 64 KB pieces (even: the words stay aligned), so
                 * that the reference's 32-bit sum cannot overflow. */
                uint16_t want = 0;
                for (size_t at = 0; at < lens[k]; at += 65536) {
                    size_t n = lens[k] - at < 65536 ? lens[k] - at : 65536;
                    want = ref_fold(ref_sum(want, big + ofs + at, n));
                }
                uint16_t got =
                    tso_csum_fold(tso_csum_add(0, big + ofs, lens[k]));
                ck_assert_msg(got == want, "pass %d len %zu ofs %zu", pass,
                              lens[k], ofs);
                got =
                    tso_csum_fold(tso_csum_copy(0, copy, big + ofs, lens[k]));
                ck_assert_msg(got == want, "copy: pass %d len %zu ofs %zu",
                              pass, lens[k], ofs);
                ck_assert(!memcmp(copy, big + ofs, lens[k]));
            }
        }
    }
    free(big);
    free(copy);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("tso");
    TCase *tc = tcase_create("tso");
    tcase_add_test(tc, test_parse);
    tcase_add_test(tc, test_segment_ipv4);
    tcase_add_test(tc, test_segment_ipv6_vlan);
    tcase_add_test(tc, test_segment_not_needed);
    tcase_add_test(tc, test_complete_csum);
    tcase_add_test(tc, test_tap_vnet_hdr);
    tcase_add_test(tc, test_gro_roundtrip);
    tcase_add_test(tc, test_gro_refuses);
    tcase_add_test(tc, test_csum_add);
    tcase_add_test(tc, test_csum_add_long);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
