/* Unit tests for vxlan.c: the pure RFC 7348 header, outer IP/UDP and
 * source-port functions. */
#include <string.h>

#include "check-main.h"
#include "vxlan.h"

START_TEST(test_header_put)
{
    uint8_t h[VXLAN_HLEN];
    memset(h, 0xee, sizeof h);
    vxlan_header_put(h, 0x123456);
    static const uint8_t want[] = { 0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0 };
    ck_assert_mem_eq(h, want, sizeof want);

    /* VNI 0, as the article's tunnels use. */
    vxlan_header_put(h, 0);
    static const uint8_t want0[] = { 0x08, 0, 0, 0, 0, 0, 0, 0 };
    ck_assert_mem_eq(h, want0, sizeof want0);

    /* Bits above 24 cannot leak into the reserved byte or the flags. */
    vxlan_header_put(h, 0xff000001);
    ck_assert_uint_eq(h[0], 0x08);
    ck_assert_uint_eq(h[3], 0);
    ck_assert_uint_eq(h[6], 1);
    ck_assert_uint_eq(h[7], 0);
}
END_TEST

START_TEST(test_header_parse)
{
    uint8_t pkt[VXLAN_HLEN + 14];
    memset(pkt, 0, sizeof pkt);
    uint32_t vni = 99;

    vxlan_header_put(pkt, 0xabcdef);
    ck_assert_int_eq(vxlan_header_parse(pkt, sizeof pkt, &vni), VXLAN_OK);
    ck_assert_uint_eq(vni, 0xabcdef);

    /* Round trip over many VNIs. */
    for (uint32_t v = 0; v <= VXLAN_VNI_MAX; v += 65521) {
        vxlan_header_put(pkt, v);
        ck_assert_int_eq(vxlan_header_parse(pkt, sizeof pkt, &vni), VXLAN_OK);
        ck_assert_uint_eq(vni, v);
    }

    /* Reserved bits are ignored on receive (RFC 7348 section 5). */
    vxlan_header_put(pkt, 7);
    pkt[0] |= 0x80;
    pkt[1] = 0xff;
    pkt[7] = 0xff;
    ck_assert_int_eq(vxlan_header_parse(pkt, sizeof pkt, &vni), VXLAN_OK);
    ck_assert_uint_eq(vni, 7);

    /* No I flag: rejected, and the VNI is not touched. */
    vni = 1234;
    pkt[0] = 0x80;
    ck_assert_int_eq(vxlan_header_parse(pkt, sizeof pkt, &vni),
                     VXLAN_ERR_NO_I);
    ck_assert_uint_eq(vni, 1234);

    /* Too short: the header alone, or a partial inner Ethernet header. */
    vxlan_header_put(pkt, 7);
    ck_assert_int_eq(vxlan_header_parse(pkt, VXLAN_HLEN, &vni),
                     VXLAN_ERR_SHORT);
    ck_assert_int_eq(vxlan_header_parse(pkt, sizeof pkt - 1, &vni),
                     VXLAN_ERR_SHORT);
    ck_assert_int_eq(vxlan_header_parse(pkt, 0, &vni), VXLAN_ERR_SHORT);
    ck_assert_str_eq(vxlan_parse_error_str(VXLAN_ERR_NO_I),
                     "VXLAN I flag not set");
}
END_TEST

/* Builds an Ethernet + IPv4 + UDP/TCP frame. */
static size_t make_frame(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto,
                         uint16_t sport, uint16_t dport, bool vlan)
{
    memset(f, 0, 128);
    static const uint8_t macs[12] = {
        0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2
    };
    memcpy(f, macs, 12);
    size_t o = 12;
    if (vlan) {
        f[o++] = 0x81;
        f[o++] = 0x00;
        f[o++] = 0x00;
        f[o++] = 0x0a;
    }
    f[o++] = 0x08;
    f[o++] = 0x00;
    uint8_t *ip = f + o;
    ip[0] = 0x45;
    ip[9] = proto;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (uint8_t)(src >> (24 - 8 * i));
        ip[16 + i] = (uint8_t)(dst >> (24 - 8 * i));
    }
    ip[20] = (uint8_t)(sport >> 8);
    ip[21] = (uint8_t)sport;
    ip[22] = (uint8_t)(dport >> 8);
    ip[23] = (uint8_t)dport;
    return o + 20 + 8 + 32;
}

START_TEST(test_inner_hash)
{
    uint8_t a[128], b[128];
    size_t la = make_frame(a, 0x0a010102, 0x0a010103, 17, 1000, 53, false);
    size_t lb = make_frame(b, 0x0a010102, 0x0a010103, 17, 1000, 53, false);
    /* Same headers, different payload: same hash (one flow, one path). */
    b[la - 1] = 0x55;
    ck_assert_uint_eq(vxlan_inner_hash(a, la), vxlan_inner_hash(b, lb));

    /* Each of the 5-tuple fields changes it. */
    uint32_t h = vxlan_inner_hash(a, la);
    lb = make_frame(b, 0x0a010102, 0x0a010103, 17, 1001, 53, false);
    ck_assert_uint_ne(h, vxlan_inner_hash(b, lb));
    lb = make_frame(b, 0x0a010102, 0x0a010104, 17, 1000, 53, false);
    ck_assert_uint_ne(h, vxlan_inner_hash(b, lb));
    lb = make_frame(b, 0x0a010109, 0x0a010103, 17, 1000, 53, false);
    ck_assert_uint_ne(h, vxlan_inner_hash(b, lb));
    lb = make_frame(b, 0x0a010102, 0x0a010103, 6, 1000, 53, false);
    ck_assert_uint_ne(h, vxlan_inner_hash(b, lb));

    /* A VLAN tag is skipped to reach the same L3/L4 fields: ports still
     * count behind the tag. */
    uint8_t v1[128], v2[128];
    size_t l1 = make_frame(v1, 1, 2, 17, 1, 2, true);
    size_t l2 = make_frame(v2, 1, 2, 17, 1, 3, true);
    ck_assert_uint_ne(vxlan_inner_hash(v1, l1), vxlan_inner_hash(v2, l2));

    /* Later fragments carry no ports: the ports' bytes must not count. */
    la = make_frame(a, 1, 2, 17, 1000, 53, false);
    lb = make_frame(b, 1, 2, 17, 2000, 54, false);
    a[14 + 6] = 0x00;
    a[14 + 7] = 0x10; /* Fragment offset 16. */
    b[14 + 6] = 0x00;
    b[14 + 7] = 0x10;
    ck_assert_uint_eq(vxlan_inner_hash(a, la), vxlan_inner_hash(b, lb));

    /* Truncated frames are hashed without reading past the end (ASan
     * checks that): use exact-size heap copies. */
    for (size_t n = 0; n <= la; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, a, n);
        (void)vxlan_inner_hash(copy, n);
        free(copy);
    }
}
END_TEST

START_TEST(test_src_port)
{
    ck_assert_uint_eq(vxlan_src_port(0), VXLAN_SRC_PORT_MIN);
    ck_assert_uint_eq(vxlan_src_port(UINT32_MAX), VXLAN_SRC_PORT_MAX);

    /* Spread: 1000 different flows land in the range and use many
     * distinct ports. */
    static uint8_t seen[16384];
    memset(seen, 0, sizeof seen);
    int distinct = 0;
    for (uint32_t i = 0; i < 1000; i++) {
        uint8_t f[128];
        size_t n = make_frame(f, 0x0a000001, 0x0a000002, 6,
                              (uint16_t)(1024 + i), 80, false);
        uint16_t p = vxlan_src_port(vxlan_inner_hash(f, n));
        ck_assert_uint_ge(p, VXLAN_SRC_PORT_MIN);
        ck_assert_uint_le(p, VXLAN_SRC_PORT_MAX);
        if (!seen[p - VXLAN_SRC_PORT_MIN]++) {
            distinct++;
        }
    }
    /* 1000 balls in 16384 bins: about 970 distinct expected. */
    ck_assert_int_gt(distinct, 900);
}
END_TEST

START_TEST(test_mtu)
{
    /* 1500-byte underlay: inner frames up to 1464 bytes (inner IP 1450). */
    ck_assert(vxlan_fits_mtu(1464, 1500));
    ck_assert(!vxlan_fits_mtu(1465, 1500));
    ck_assert(vxlan_fits_mtu(1450 + 14, 1500));
    ck_assert_int_eq(VXLAN_OVERHEAD, 14 + VXLAN_IP_UDP_VXLAN_HLEN);
    ck_assert(vxlan_fits_mtu(8964, 9000));
    ck_assert(!vxlan_fits_mtu(8965, 9000));
}
END_TEST

START_TEST(test_ip_udp)
{
    uint8_t h[VXLAN_IP_HLEN + VXLAN_UDP_HLEN];
    vxlan_put_ip_udp(h, 0xc0a8210c, 0xc0a8210d, 50000, 4789, 8 + 98, 64, 0);
    /* Version 4, IHL 5, total = 20 + 8 + 106. */
    ck_assert_uint_eq(h[0], 0x45);
    ck_assert_uint_eq((h[2] << 8) | h[3], 20 + 8 + 106);
    ck_assert_uint_eq(h[6], 0x40); /* DF. */
    ck_assert_uint_eq(h[8], 64);
    ck_assert_uint_eq(h[9], 17);
    static const uint8_t addrs[] = { 192, 168, 33, 12, 192, 168, 33, 13 };
    ck_assert_mem_eq(h + 12, addrs, 8);
    /* A correct header checksums to zero. */
    ck_assert_uint_eq(vxlan_ip_csum(h, VXLAN_IP_HLEN), 0);
    /* Any change breaks it. */
    h[8] = 63;
    ck_assert_uint_ne(vxlan_ip_csum(h, VXLAN_IP_HLEN), 0);

    const uint8_t *udp = h + VXLAN_IP_HLEN;
    ck_assert_uint_eq((udp[0] << 8) | udp[1], 50000);
    ck_assert_uint_eq((udp[2] << 8) | udp[3], 4789);
    ck_assert_uint_eq((udp[4] << 8) | udp[5], 8 + 106);
    ck_assert_uint_eq((udp[6] << 8) | udp[7], 0);
}
END_TEST

START_TEST(test_ip_csum_known)
{
    /* The classic example header (Wikipedia's IPv4 checksum walkthrough):
     * checksum 0xb861. */
    uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                      0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                      0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    ck_assert_uint_eq(vxlan_ip_csum(h, 20), 0xb861);
    /* Odd length pads with a zero byte. */
    uint8_t odd[3] = { 0x01, 0x02, 0x03 };
    ck_assert_uint_eq(vxlan_ip_csum(odd, 3), (uint16_t) ~(0x0102 + 0x0300));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("vxlan");
    TCase *tc = tcase_create("vxlan");
    tcase_add_test(tc, test_header_put);
    tcase_add_test(tc, test_header_parse);
    tcase_add_test(tc, test_inner_hash);
    tcase_add_test(tc, test_src_port);
    tcase_add_test(tc, test_mtu);
    tcase_add_test(tc, test_ip_udp);
    tcase_add_test(tc, test_ip_csum_known);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
