/* Unit tests for the fast path's header parser (lib/datapath/bpf/dp-abi.h),
 * the one the BPF programs run: for every frame it calls cacheable, the
 * key must hold every header field flow_extract() fills, so that two
 * packets with one key are one flow to the pipeline (else the cache would
 * forward a packet by another packet's walk). */
#include <stdlib.h>
#include <string.h>

#include "bpf/dp-abi.h"
#include "check-main.h"
#include "flow.h"

/* Parses 'frame'; on a cacheable frame, checks that flow_extract() sees
 * exactly what the key holds.  Returns the parser's verdict. */
static int parse_and_compare(const uint8_t *frame, size_t len)
{
    struct dp_key k;
    memset(&k, 0, sizeof k);
    int ok = dp_parse(frame, frame + len, (uint32_t)len, &k);
    if (!ok) {
        return 0;
    }
    struct flow f;
    memset(&f, 0, sizeof f);
    flow_extract(frame, len, &f);
    ck_assert(!memcmp(f.dl_dst, k.dl_dst, 6));
    ck_assert(!memcmp(f.dl_src, k.dl_src, 6));
    ck_assert_uint_eq(f.dl_type, k.dl_type);
    ck_assert_uint_eq(f.vlan_tci, k.vlan_tci);
    ck_assert_uint_eq(f.nw_src, k.nw_src);
    ck_assert_uint_eq(f.nw_dst, k.nw_dst);
    ck_assert_uint_eq(f.nw_proto, k.nw_proto);
    ck_assert_uint_eq(f.nw_tos | f.nw_ecn, k.nw_tos);
    ck_assert_uint_eq(f.nw_ttl, k.nw_ttl);
    ck_assert_uint_eq(f.nw_frag, 0);
    ck_assert_uint_eq(f.tp_src, k.tp_src);
    ck_assert_uint_eq(f.tp_dst, k.tp_dst);
    ck_assert_uint_eq(f.tcp_flags, k.tcp_flags);
    ck_assert(!memcmp(f.arp_sha, k.arp_sha, 6));
    ck_assert(!memcmp(f.arp_tha, k.arp_tha, 6));
    ck_assert(!memcmp(f.ipv6_src, k.ipv6_src, 16));
    ck_assert(!memcmp(f.ipv6_dst, k.ipv6_dst, 16));
    ck_assert_uint_eq(f.ipv6_label, k.ipv6_label);
    /* Neighbour discovery's fields have no place in the key. */
    static const uint8_t zero16[16];
    ck_assert(!memcmp(f.nd_target, zero16, 16));
    return 1;
}

static size_t compose(const char *what, uint8_t *buf, size_t size)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    static const uint8_t a[6] = { 0x02, 0, 0, 0, 0, 1 };
    static const uint8_t b[6] = { 0x02, 0, 0, 0, 0, 2 };
    memcpy(f.dl_src, a, 6);
    memcpy(f.dl_dst, b, 6);
    f.nw_src = 0x0a010102;
    f.nw_dst = 0x0a010103;
    f.nw_ttl = 64;
    f.nw_tos = 0x28;
    f.nw_ecn = 1;
    f.dl_type = ETH_TYPE_IP;
    if (!strcmp(what, "tcp")) {
        f.nw_proto = IPPROTO_TCP_;
        f.tp_src = 40000;
        f.tp_dst = 5201;
        f.tcp_flags = 0x18;
    } else if (!strcmp(what, "udp")) {
        f.nw_proto = IPPROTO_UDP_;
        f.tp_src = 1234;
        f.tp_dst = 4789;
    } else if (!strcmp(what, "icmp")) {
        f.nw_proto = IPPROTO_ICMP_;
        f.tp_src = 8;
    } else if (!strcmp(what, "sctp")) {
        f.nw_proto = IPPROTO_SCTP_;
        f.tp_src = 1;
        f.tp_dst = 2;
    } else if (!strcmp(what, "arp")) {
        f.dl_type = ETH_TYPE_ARP;
        f.nw_proto = 1;
        memcpy(f.arp_sha, a, 6);
    } else if (!strncmp(what, "ipv6", 4)) {
        f.dl_type = ETH_TYPE_IPV6;
        f.nw_src = f.nw_dst = 0;
        f.ipv6_src[0] = 0xfd;
        f.ipv6_src[15] = 1;
        f.ipv6_dst[0] = 0xfd;
        f.ipv6_dst[15] = 2;
        f.ipv6_label = 0xabcde;
        if (!strcmp(what, "ipv6-tcp")) {
            f.nw_proto = IPPROTO_TCP_;
            f.tp_src = 40000;
            f.tp_dst = 5201;
            f.tcp_flags = 0x10;
        } else if (!strcmp(what, "ipv6-echo")) {
            f.nw_proto = IPPROTO_ICMPV6_;
            f.tp_src = 128;
        } else if (!strcmp(what, "ipv6-ns")) {
            f.nw_proto = IPPROTO_ICMPV6_;
            f.tp_src = 135;
            f.nd_target[0] = 0xfd;
            f.nd_target[15] = 2;
        } else {
            f.nw_proto = IPPROTO_UDP_;
            f.tp_src = 1234;
            f.tp_dst = 4789;
        }
    } else if (!strcmp(what, "vlan")) {
        f.vlan_tci = VLAN_CFI | 0x2000 | 10;
        f.nw_proto = IPPROTO_UDP_;
        f.tp_src = 1234;
        f.tp_dst = 4789;
    }
    size_t n = flow_compose(&f, buf, size);
    ck_assert_uint_gt(n, 0);
    return n;
}

START_TEST(test_cacheable_kinds)
{
    uint8_t buf[256];
    static const char *const yes[] = {
        "tcp", "udp", "icmp", "arp", "vlan", "ipv6", "ipv6-tcp", "ipv6-echo"
    };
    static const char *const no[] = { "sctp", "ipv6-ns" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        size_t n = compose(yes[i], buf, sizeof buf);
        ck_assert_msg(parse_and_compare(buf, n), "%s not cacheable", yes[i]);
    }
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
        size_t n = compose(no[i], buf, sizeof buf);
        ck_assert_msg(!parse_and_compare(buf, n), "%s cacheable", no[i]);
    }

    /* One 802.1Q tag is in the key; its DEI bit set (where the key says
     * "tagged"), an 802.1ad tag, a second tag or a cut tag are not. */
    size_t n = compose("vlan", buf, sizeof buf);
    struct dp_key k;
    memset(&k, 0, sizeof k);
    ck_assert(dp_parse(buf, buf + n, (uint32_t)n, &k));
    ck_assert_uint_eq(k.vlan_tci, DP_VLAN_PRESENT | 0x2000 | 10);
    ck_assert_uint_eq(k.dl_type, 0x0800);
    ck_assert_uint_eq(k.tp_dst, 4789);
    buf[14] |= 0x10;
    ck_assert(!parse_and_compare(buf, n));
    buf[14] &= (uint8_t)~0x10;
    buf[12] = 0x88;
    buf[13] = 0xa8;
    ck_assert(!parse_and_compare(buf, n));
    buf[12] = 0x81;
    buf[13] = 0x00;
    buf[16] = 0x81;
    buf[17] = 0x00;
    ck_assert(!parse_and_compare(buf, n));
    ck_assert(!parse_and_compare(buf, 16));
    /* A tag the kernel took out and put in the key leaves no room for
     * another in the frame. */
    n = compose("vlan", buf, sizeof buf);
    memset(&k, 0, sizeof k);
    k.vlan_tci = DP_VLAN_PRESENT | 5;
    ck_assert(!dp_parse(buf, buf + n, (uint32_t)n, &k));

    /* IP options, fragments and truncated headers take the slow path. */
    n = compose("tcp", buf, sizeof buf);
    buf[14] = 0x46;
    ck_assert(!parse_and_compare(buf, n));
    n = compose("udp", buf, sizeof buf);
    buf[14 + 6] = 0x20; /* More fragments. */
    ck_assert(!parse_and_compare(buf, n));
    n = compose("tcp", buf, sizeof buf);
    ck_assert(!parse_and_compare(buf, 14 + 20 + 10));
    ck_assert(!parse_and_compare(buf, 13));

    /* IPv6: the key holds addresses, label, traffic class, hop limit,
     * ports; an extension header (a fragment among them), a truncated
     * TCP header or a version that is not 6 take the slow path. */
    n = compose("ipv6-tcp", buf, sizeof buf);
    memset(&k, 0, sizeof k);
    ck_assert(dp_parse(buf, buf + n, (uint32_t)n, &k));
    ck_assert_uint_eq(k.ipv6_label, 0xabcde);
    ck_assert_uint_eq(k.ipv6_dst[15], 2);
    ck_assert_uint_eq(k.tp_dst, 5201);
    ck_assert_uint_eq(k.nw_src, 0);
    buf[14 + 6] = 44;
    ck_assert(!parse_and_compare(buf, n));
    buf[14 + 6] = 0;
    ck_assert(!parse_and_compare(buf, n));
    buf[14 + 6] = 6;
    ck_assert(!parse_and_compare(buf, 14 + 40 + 19));
    buf[14] = 0x40;
    ck_assert(!parse_and_compare(buf, n));

    /* An EtherType we do not parse is L2 only, as flow_extract sees it;
     * an 802.3 length is not cacheable. */
    n = compose("udp", buf, sizeof buf);
    buf[12] = 0x88;
    buf[13] = 0xcc;
    ck_assert(parse_and_compare(buf, n));
    buf[12] = 0x05;
    buf[13] = 0xdc;
    ck_assert(!parse_and_compare(buf, n));
}
END_TEST

/* Random headers: whatever the parser calls cacheable, flow_extract
 * agrees with field by field (parse_and_compare asserts it). */
START_TEST(test_random_frames_agree)
{
    static const uint16_t types[] = { 0x0800, 0x0806, 0x8035, 0x86dd,
                                      0x8100, 0x88cc, 0x0600, 0x05ff };
    static const uint8_t protos[] = { 1, 6, 17, 132, 47, 58 };
    uint8_t buf[128];
    unsigned seed = 12345;
    int cacheable = 0, tagged = 0, v6 = 0;
    for (int i = 0; i < 20000; i++) {
        for (size_t j = 0; j < sizeof buf; j++) {
            buf[j] = (uint8_t)rand_r(&seed);
        }
        uint16_t t = types[rand_r(&seed) % 8];
        /* A third of them carry an 802.1Q tag (often without DEI) in
         * front of the type. */
        uint8_t *l2 = buf;
        if (rand_r(&seed) % 3 == 0) {
            buf[12] = 0x81;
            buf[13] = 0x00;
            buf[14] &= rand_r(&seed) % 4 ? 0xef : 0xff;
            l2 = buf + 4;
            t = types[rand_r(&seed) % 8];
        }
        l2[12] = (uint8_t)(t >> 8);
        l2[13] = (uint8_t)t;
        if (t == 0x0800 && rand_r(&seed) % 4) {
            l2[14] = 0x45;
            l2[20] &= rand_r(&seed) % 2 ? 0x00 : 0xff; /* Often no frag. */
            l2[21] &= l2[20] ? 0xff : 0x00;
            l2[23] = protos[rand_r(&seed) % 6];
        }
        if (t == 0x86dd && rand_r(&seed) % 4) {
            static const uint8_t protos6[] = { 6, 17, 58, 44, 0, 47 };
            l2[14] = (uint8_t)(0x60 | (l2[14] & 0x0f));
            l2[20] = protos6[rand_r(&seed) % 6];
            /* ICMPv6: often neighbour discovery. */
            if (l2[20] == 58 && rand_r(&seed) % 2) {
                l2[54] = (uint8_t)(133 + rand_r(&seed) % 5);
            }
        }
        if ((t == 0x0806 || t == 0x8035) && rand_r(&seed) % 2) {
            static const uint8_t arp[8] = { 0, 1, 8, 0, 6, 4, 0, 2 };
            memcpy(l2 + 14, arp, 8);
        }
        size_t len = 14 + (size_t)rand_r(&seed) % (sizeof buf - 13);
        int ok = parse_and_compare(buf, len);
        cacheable += ok;
        tagged += ok && l2 != buf;
        v6 += ok && t == 0x86dd && len >= (size_t)(l2 - buf) + 54;
    }
    ck_assert_int_gt(cacheable, 1000); /* The test saw both outcomes. */
    ck_assert_int_gt(tagged, 300);
    ck_assert_int_gt(v6, 300);
}
END_TEST

static Suite *dp_parse_suite(void)
{
    Suite *s = suite_create("dp-parse");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_cacheable_kinds);
    tcase_add_test(tc, test_random_frames_agree);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(dp_parse_suite)
