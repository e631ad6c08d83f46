/* Unit tests for flow_extract, flow_compose, flow_hash and flow_format. */
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "ds.h"
#include "flow.h"
#include "match.h"
#include "util.h"

static const uint8_t mac_a[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t mac_b[6] = { 0x2e, 0x7a, 0xa2, 0x53, 0x7b, 0x31 };

static void base_flow(struct flow *f, uint16_t dl_type)
{
    memset(f, 0, sizeof *f);
    memcpy(f->dl_src, mac_a, 6);
    memcpy(f->dl_dst, mac_b, 6);
    f->dl_type = dl_type;
}

/* Composes 'f', extracts it again and checks the two agree on every
 * header field (metadata set on the way in stays as it was). */
static size_t roundtrip(const struct flow *f, uint8_t *frame, size_t size)
{
    size_t len = flow_compose(f, frame, size);
    ck_assert_uint_ge(len, 60);
    struct flow g;
    memset(&g, 0, sizeof g);
    g.in_port = f->in_port;
    g.tun_id = f->tun_id;
    memcpy(g.regs, f->regs, sizeof g.regs);
    g.metadata = f->metadata;
    g.tun_src = f->tun_src;
    g.tun_dst = f->tun_dst;
    flow_extract(frame, len, &g);
    if (memcmp(f, &g, sizeof g)) {
        struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
        flow_format(f, &a);
        flow_format(&g, &b);
        ck_abort_msg("composed %s, extracted %s", ds_cstr(&a), ds_cstr(&b));
    }
    return len;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* One's-complement sum of a region must be 0xffff when its checksum is
 * right. */
static uint16_t ones_sum(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += get16(p + i);
    }
    if (n & 1) {
        sum += (uint32_t)p[n - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

START_TEST(test_tcp_ipv4)
{
    struct flow f;
    base_flow(&f, ETH_TYPE_IP);
    f.in_port = 7;
    f.tun_id = 0x64;
    f.nw_src = 0x0a010102;
    f.nw_dst = 0x0a010103;
    f.nw_proto = IPPROTO_TCP_;
    f.nw_tos = 0x28;
    f.nw_ecn = 1;
    f.nw_ttl = 64;
    f.tp_src = 40000;
    f.tp_dst = 80;
    f.tcp_flags = 0x012;
    uint8_t frame[256];
    size_t len = roundtrip(&f, frame, sizeof frame);
    ck_assert_uint_eq(len, 60);
    const uint8_t *ip = frame + 14;
    ck_assert_uint_eq(ones_sum(0, ip, 20), 0xffff);
    /* TCP checksum over the pseudo-header and segment. */
    size_t seg = get16(ip + 2) - 20;
    uint32_t pseudo = get16(ip + 12) + get16(ip + 14) + get16(ip + 16)
                      + get16(ip + 18) + IPPROTO_TCP_ + (uint32_t)seg;
    ck_assert_uint_eq(ones_sum(pseudo, ip + 20, seg), 0xffff);

    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_format(&f, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     "tcp,tun_id=0x64,in_port=7,dl_src=00:11:22:33:44:55,"
                     "dl_dst=2e:7a:a2:53:7b:31,nw_src=10.1.1.2,"
                     "nw_dst=10.1.1.3,nw_tos=40,nw_ecn=1,nw_ttl=64,"
                     "tp_src=40000,tp_dst=80,tcp_flags=syn|ack");
    ds_destroy(&ds);
}
END_TEST

START_TEST(test_udp_sctp_icmp)
{
    uint8_t frame[256];
    struct flow f;
    base_flow(&f, ETH_TYPE_IP);
    f.nw_src = 0xc0a80001;
    f.nw_dst = 0xffffffff;
    f.nw_proto = IPPROTO_UDP_;
    f.nw_ttl = 1;
    f.tp_src = 68;
    f.tp_dst = 67;
    roundtrip(&f, frame, sizeof frame);
    const uint8_t *ip = frame + 14;
    size_t seg = get16(ip + 2) - 20;
    uint32_t pseudo = get16(ip + 12) + get16(ip + 14) + get16(ip + 16)
                      + get16(ip + 18) + IPPROTO_UDP_ + (uint32_t)seg;
    ck_assert_uint_eq(ones_sum(pseudo, ip + 20, seg), 0xffff);

    f.nw_proto = IPPROTO_SCTP_;
    roundtrip(&f, frame, sizeof frame);

    f.nw_proto = IPPROTO_ICMP_;
    f.tp_src = 8;
    f.tp_dst = 0;
    roundtrip(&f, frame, sizeof frame);
    ck_assert_uint_eq(ones_sum(0, frame + 34, 60 - 34), 0xffff);
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_format(&f, &ds);
    ck_assert(strstr(ds_cstr(&ds), "icmp,"));
    ck_assert(strstr(ds_cstr(&ds), "icmp_type=8"));
    ck_assert(!strstr(ds_cstr(&ds), "icmp_code"));
    ds_destroy(&ds);
}
END_TEST

START_TEST(test_arp_vlan)
{
    uint8_t frame[256];
    struct flow f;
    base_flow(&f, ETH_TYPE_ARP);
    f.nw_proto = 1;
    f.nw_src = 0x0a000001;
    f.nw_dst = 0x0a000002;
    memcpy(f.arp_sha, mac_a, 6);
    roundtrip(&f, frame, sizeof frame);
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_format(&f, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     "arp,dl_src=00:11:22:33:44:55,dl_dst=2e:7a:a2:53:7b:31,"
                     "arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1,"
                     "arp_sha=00:11:22:33:44:55");
    ds_clear(&ds);

    f.dl_type = ETH_TYPE_RARP;
    f.nw_proto = 3;
    roundtrip(&f, frame, sizeof frame);

    /* 802.1Q tag around IPv4. */
    base_flow(&f, ETH_TYPE_IP);
    f.vlan_tci = VLAN_CFI | (5 << VLAN_PCP_SHIFT) | 100;
    f.nw_proto = IPPROTO_UDP_;
    f.tp_dst = 4789;
    size_t len = roundtrip(&f, frame, sizeof frame);
    ck_assert_uint_eq(get16(frame + 12), ETH_TYPE_VLAN);
    ck_assert_uint_eq(get16(frame + 14), (5 << VLAN_PCP_SHIFT) | 100);
    ck_assert_uint_eq(len, 60);
    flow_format(&f, &ds);
    ck_assert(strstr(ds_cstr(&ds), "dl_vlan=100,dl_vlan_pcp=5"));
    ds_destroy(&ds);

    /* An 802.1ad outer tag is read the same way. */
    frame[12] = 0x88;
    frame[13] = 0xa8;
    struct flow g;
    memset(&g, 0, sizeof g);
    flow_extract(frame, len, &g);
    ck_assert_uint_eq(g.vlan_tci, f.vlan_tci);
    ck_assert_uint_eq(g.tp_dst, 4789);
}
END_TEST

START_TEST(test_ipv6)
{
    uint8_t frame[256];
    struct flow f;
    base_flow(&f, ETH_TYPE_IPV6);
    f.ipv6_src[0] = 0x20;
    f.ipv6_src[1] = 0x01;
    f.ipv6_src[15] = 1;
    f.ipv6_dst[0] = 0xfe;
    f.ipv6_dst[1] = 0x80;
    f.ipv6_dst[15] = 2;
    f.nw_proto = IPPROTO_TCP_;
    f.nw_ttl = 255;
    f.nw_tos = 0xb8;
    f.tp_src = 1;
    f.tp_dst = 22;
    f.tcp_flags = 0x002;
    roundtrip(&f, frame, sizeof frame);
    /* TCP checksum with the IPv6 pseudo-header. */
    const uint8_t *ip = frame + 14;
    size_t seg = get16(ip + 4);
    uint32_t pseudo = ones_sum(0, ip + 8, 32) + IPPROTO_TCP_ + (uint32_t)seg;
    ck_assert_uint_eq(ones_sum(pseudo, ip + 40, seg), 0xffff);

    f.nw_proto = IPPROTO_ICMPV6_;
    f.tp_src = 135;
    f.tp_dst = 0;
    f.tcp_flags = 0;
    roundtrip(&f, frame, sizeof frame);
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_format(&f, &ds);
    ck_assert(strstr(ds_cstr(&ds), "icmp6,"));
    ck_assert(strstr(ds_cstr(&ds), "ipv6_src=2001::1,ipv6_dst=fe80::2"));
    ck_assert(strstr(ds_cstr(&ds), "icmp_type=135"));
    ds_destroy(&ds);

    /* Fragments: first carries ports, later does not. */
    f.nw_proto = IPPROTO_UDP_;
    f.tp_src = 5;
    f.tp_dst = 6;
    f.nw_frag = FLOW_NW_FRAG_ANY;
    roundtrip(&f, frame, sizeof frame);
    f.nw_frag = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER;
    f.tp_src = f.tp_dst = 0;
    roundtrip(&f, frame, sizeof frame);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
    uint8_t frame[256];
    struct flow f;
    base_flow(&f, ETH_TYPE_IP);
    f.nw_proto = IPPROTO_UDP_;
    f.nw_frag = FLOW_NW_FRAG_ANY;
    f.tp_src = 1000;
    f.tp_dst = 2000;
    roundtrip(&f, frame, sizeof frame);
    f.nw_frag = FLOW_NW_FRAG_MASK;
    f.tp_src = f.tp_dst = 0;
    roundtrip(&f, frame, sizeof frame);
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_format(&f, &ds);
    ck_assert(strstr(ds_cstr(&ds), "nw_frag=later"));
    ds_destroy(&ds);
}
END_TEST

START_TEST(test_other_ethertypes)
{
    uint8_t frame[256];
    struct flow f;
    base_flow(&f, 0x88cc);
    roundtrip(&f, frame, sizeof frame);
    /* An 802.3 length field gives dl_type 0x05ff, as OVS does. */
    frame[12] = 0x00;
    frame[13] = 0x2e;
    struct flow g;
    memset(&g, 0, sizeof g);
    flow_extract(frame, 60, &g);
    ck_assert_uint_eq(g.dl_type, 0x05ff);
    ck_assert_mem_eq(g.dl_dst, mac_b, 6);
}
END_TEST

START_TEST(test_truncated)
{
    uint8_t frame[256];
    struct flow f;
    base_flow(&f, ETH_TYPE_IP);
    f.vlan_tci = VLAN_CFI | 7;
    f.nw_src = 1;
    f.nw_dst = 2;
    f.nw_proto = IPPROTO_TCP_;
    f.tp_src = 1;
    f.tp_dst = 2;
    size_t len = flow_compose(&f, frame, sizeof frame);
    for (size_t n = 0; n <= len; n++) {
        /* Copy to an exact-size heap buffer so ASan sees any overread. */
        uint8_t *p = xmalloc(n ? n : 1);
        memcpy(p, frame, n);
        struct flow g;
        memset(&g, 0xaa, sizeof g);
        g.in_port = 3;
        flow_extract(p, n, &g);
        free(p);
        ck_assert_uint_eq(g.in_port, 3);
        ck_assert_uint_eq(g.pad1[0], 0);
        if (n < 14) {
            ck_assert_uint_eq(g.dl_type, 0);
            ck_assert_uint_eq(g.dl_src[0], 0);
        }
        if (n < 18 + 20) {
            ck_assert_uint_eq(g.nw_src, 0);
        } else {
            ck_assert_uint_eq(g.nw_src, 1);
        }
        if (n < 18 + 20 + 20) {
            ck_assert_uint_eq(g.tp_dst, 0);
        } else {
            ck_assert_uint_eq(g.tp_dst, 2);
        }
    }
    /* Too small an output buffer. */
    ck_assert_uint_eq(flow_compose(&f, frame, 59), 0);
}
END_TEST

START_TEST(test_fuzz)
{
    /* Random frames, biased to look like real headers so that the deep
     * parsers run, must never read out of bounds (ASan checks). */
    uint32_t seed = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        uint8_t buf[128];
        for (size_t i = 0; i < sizeof buf; i++) {
            seed = seed * 1103515245 + 12345;
            buf[i] = (uint8_t)(seed >> 16);
        }
        static const uint16_t types[] = { ETH_TYPE_IP, ETH_TYPE_IPV6,
                                          ETH_TYPE_ARP, ETH_TYPE_VLAN };
        uint16_t t = types[(seed >> 8) % 4];
        buf[12] = (uint8_t)(t >> 8);
        buf[13] = (uint8_t)t;
        buf[14] = (uint8_t)(t == ETH_TYPE_IPV6 ? 0x60 : 0x45);
        if (t == ETH_TYPE_IPV6 && (seed & 1)) {
            buf[20] = (uint8_t)((seed >> 4) & 1 ? 44 : 0);
        }
        size_t n = (seed >> 20) % sizeof buf;
        uint8_t *p = xmalloc(n ? n : 1);
        memcpy(p, buf, n);
        struct flow g;
        memset(&g, 0, sizeof g);
        flow_extract(p, n, &g);
        free(p);
        struct ds ds = DS_EMPTY_INITIALIZER;
        flow_format(&g, &ds);
        ds_destroy(&ds);
    }
}
END_TEST

START_TEST(test_hash_and_match)
{
    struct flow a, b;
    base_flow(&a, ETH_TYPE_IP);
    b = a;
    ck_assert_uint_eq(flow_hash(&a, 0), flow_hash(&b, 0));
    b.nw_src = 1;
    ck_assert_uint_ne(flow_hash(&a, 0), flow_hash(&b, 0));
    ck_assert_uint_ne(flow_hash(&a, 0), flow_hash(&a, 1));

    /* A formatted flow parses back as a match that matches the flow. */
    a.nw_proto = IPPROTO_UDP_;
    a.tp_src = 1;
    a.tp_dst = 2;
    a.nw_ttl = 9;
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_format(&a, &ds);
    struct match m;
    match_init_catchall(&m);
    char *copy = xstrdup(ds_cstr(&ds));
    char *save = NULL;
    for (char *piece = strtok_r(copy, ",", &save); piece;
         piece = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(piece, '=');
        if (eq) {
            *eq = '\0';
        }
        char *error = match_parse_piece(&m, piece, eq ? eq + 1 : NULL, NULL);
        ck_assert_msg(!error, "%s", error);
    }
    free(copy);
    ck_assert_ptr_null(match_check_prereqs(&m));
    ck_assert(match_matches_flow(&m, &a));
    a.tp_dst = 3;
    ck_assert(!match_matches_flow(&m, &a));
    ds_destroy(&ds);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("flow");
    TCase *tc = tcase_create("flow");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tcp_ipv4);
    tcase_add_test(tc, test_udp_sctp_icmp);
    tcase_add_test(tc, test_arp_vlan);
    tcase_add_test(tc, test_ipv6);
    tcase_add_test(tc, test_ipv4_fragments);
    tcase_add_test(tc, test_other_ethertypes);
    tcase_add_test(tc, test_truncated);
    tcase_add_test(tc, test_fuzz);
    tcase_add_test(tc, test_hash_and_match);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
