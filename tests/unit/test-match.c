/* Unit tests for match parsing, printing, prerequisites and comparison. */
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "ds.h"
#include "fields.h"
#include "match.h"
#include "portmap.h"
#include "util.h"

/* Parses "a=b,c,d=e" piece by piece the way the flow parser does, then
 * checks prerequisites.  Returns NULL or the error (caller frees). */
static char *parse_match(const char *text, const struct portmap *ports,
                         struct match *m)
{
    match_init_catchall(m);
    char *copy = xstrdup(text);
    char *save = NULL;
    char *error = NULL;
    for (char *piece = strtok_r(copy, ",", &save); piece && !error;
         piece = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(piece, '=');
        if (eq) {
            *eq = '\0';
        }
        error = match_parse_piece(m, piece, eq ? eq + 1 : NULL, ports);
    }
    free(copy);
    if (!error) {
        error = match_check_prereqs(m);
    }
    return error;
}

static char *fmt(const struct match *m, int priority,
                 const struct portmap *ports)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    match_format(m, priority, ports, &ds);
    char *s = xstrdup(ds_cstr(&ds));
    ds_destroy(&ds);
    return s;
}

/* Input, then its canonical form (NULL: same as input). */
static const struct {
    const char *in;
    const char *out;
} canon[] = {
    { "in_port=1", NULL },
    { "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", NULL },
    { "dl_dst=00:00:00:00:00:00/01:00:00:00:00:00", NULL },
    { "dl_dst=2e:7a:a2:53:7b:31", NULL },
    { "eth_dst=2E:7A:A2:53:7B:31", "dl_dst=2e:7a:a2:53:7b:31" },
    { "dl_src=1:2:3:4:5:6", "dl_src=01:02:03:04:05:06" },
    { "dl_dst=ff:ff:ff:ff:ff:ff/ff:ff:ff:ff:ff:ff",
      "dl_dst=ff:ff:ff:ff:ff:ff" },
    { "tcp,nw_src=10.0.0.0/8,tp_dst=80", NULL },
    { "ip,nw_proto=6,nw_src=10.0.0.0/8,tp_dst=80",
      "tcp,nw_src=10.0.0.0/8,tp_dst=80" },
    { "nw_src=10.1.2.3/255.0.0.0,ip", "ip,nw_src=10.0.0.0/8" },
    { "ip,nw_src=10.1.2.3/255.0.255.0", "ip,nw_src=10.0.2.0/255.0.255.0" },
    { "ip,nw_dst=10.1.1.1/32", "ip,nw_dst=10.1.1.1" },
    { "ip,nw_dst=0.0.0.0/0", "ip" },
    { "dl_type=0x0800", "ip" },
    { "dl_type=0x800,nw_proto=17", "udp" },
    { "eth_type=0x86dd,ip_proto=58", "icmp6" },
    { "dl_type=0x0806", "arp" },
    { "dl_type=0x8035", "rarp" },
    { "dl_type=0x88cc", NULL },
    { "dl_type=0x88cc,in_port=3", "in_port=3,dl_type=0x88cc" },
    { "ipv6", NULL },
    { "tcp6,tp_src=22", NULL },
    { "udp6,tp_dst=53", NULL },
    { "sctp,tp_dst=9", NULL },
    { "sctp6", NULL },
    { "icmp,icmp_type=8,icmp_code=0", NULL },
    { "icmp6,icmp_type=135", NULL },
    { "icmp6,icmpv6_type=128", "icmp6,icmp_type=128" },
    { "ip,nw_proto=47", NULL },
    { "tun_id=0x10/0xf0", NULL },
    { "tun_id=0x64", NULL },
    { "tun_id=100", "tun_id=0x64" },
    { "tunnel_id=0xffffffffffffffff", "tun_id=0xffffffffffffffff" },
    { "tun_id=0x1f/0xf0", "tun_id=0x10/0xf0" },
    { "reg0=5/0xff", "reg0=0x5/0xff" },
    { "reg7=0xffffffff", NULL },
    { "reg3=0x5,reg1=2", "reg1=0x2,reg3=0x5" },
    { "metadata=0x1234/0xff00", "metadata=0x1200/0xff00" },
    { "tun_src=192.168.1.1,tun_dst=10.0.0.0/16",
      "tun_src=192.168.1.1,tun_dst=10.0.0.0/16" },
    { "tun_dst=1.2.3.4,tun_id=5,reg2=1,in_port=LOCAL",
      "reg2=0x1,tun_id=0x5,tun_dst=1.2.3.4,in_port=LOCAL" },
    { "in_port=65534", "in_port=LOCAL" },
    { "dl_vlan=5", NULL },
    { "dl_vlan=5,dl_vlan_pcp=3", NULL },
    { "dl_vlan_pcp=7", NULL },
    { "dl_vlan=0xffff", "vlan_tci=0x0000" },
    { "vlan_tci=0x1005", "dl_vlan=5,dl_vlan_pcp=0" },
    { "vlan_tci=0x1005/0x1fff", "dl_vlan=5" },
    { "vlan_tci=0x0005", NULL },
    { "vlan_tci=0x1000/0x1000", NULL },
    { "vlan_tci=0x0000/0x1fff", NULL },
    { "arp,arp_spa=10.0.0.1,arp_tpa=10.0.0.2,arp_op=1", NULL },
    { "arp,nw_src=10.0.0.1", "arp,arp_spa=10.0.0.1" },
    { "arp,nw_proto=2", "arp,arp_op=2" },
    { "arp,arp_sha=00:11:22:33:44:55,arp_tha=00:00:00:00:00:00/"
      "ff:00:00:00:00:00",
      NULL },
    { "rarp,arp_op=3", NULL },
    { "ipv6,ipv6_src=2001:db8::1", NULL },
    { "ipv6,ipv6_src=2001:db8::/32,ipv6_dst=::1", NULL },
    { "ipv6,ipv6_dst=2001:DB8:0:0:0:0:0:1/ffff:ffff::",
      "ipv6,ipv6_dst=2001:db8::/32" },
    { "ipv6,ipv6_src=2001:db8::1/ffff::ffff",
      "ipv6,ipv6_src=2001::1/ffff::ffff" },
    { "ip,nw_tos=40", NULL },
    { "ip,ip_dscp=10", "ip,nw_tos=40" },
    { "ip,nw_ecn=3", NULL },
    { "ip,ip_ecn=1,nw_ttl=64", "ip,nw_ecn=1,nw_ttl=64" },
    { "ip,nw_frag=no", NULL },
    { "ip,nw_frag=yes", NULL },
    { "ip,nw_frag=first", NULL },
    { "ip,nw_frag=later", NULL },
    { "ip,nw_frag=not_later", NULL },
    { "tcp,tp_dst=0x1000/0xf000", NULL },
    { "tcp,tcp_dst=80,tcp_src=1024", "tcp,tp_src=1024,tp_dst=80" },
    { "udp,udp_src=68,udp_dst=67", "udp,tp_src=68,tp_dst=67" },
    { "tcp,tcp_flags=+syn-ack", NULL },
    { "tcp,tcp_flags=0x002", "tcp,tcp_flags=syn" },
    { "tcp,tcp_flags=2/0x12", "tcp,tcp_flags=+syn-ack" },
    { "tcp,tcp_flags=0x800/0x800", "tcp,tcp_flags=+[800]" },
    { "reg15=1,pkt_mark=0", "pkt_mark=0,reg15=0x1" },
    { "xreg1=0x100000002", "reg2=0x1,reg3=0x2" },
    { "xxreg3=5/0xff", "reg15=0x5/0xff" },
    { "vlan_vid=0x1005", "dl_vlan=5" },
    { "vlan_vid=0x1000/0x1000", "vlan_tci=0x1000/0x1000" },
    { "ipv6,ipv6_label=0x12345", NULL },
    { "tun_id=0/0xff,metadata=0", NULL },
    { "in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_type="
      "0x0800,"
      "nw_src=1.1.1.1,nw_dst=2.2.2.2,nw_proto=6,nw_tos=4,nw_ttl=3,tp_src=1,tp_"
      "dst=2",
      "tcp,in_port=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,"
      "nw_src=1.1.1.1,nw_dst=2.2.2.2,nw_tos=4,nw_ttl=3,tp_src=1,tp_dst=2" },
};

/* Every field of the table is printed by match_format(): a field added
 * to the table but not to the printer's list fails here (match_format's
 * order is OVS's, so it is a list, checked against the table). */
START_TEST(test_every_field_prints)
{
    for (int id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);
        struct match m;
        match_init_catchall(&m);
        /* The context each field prints in. */
        union mf_value v;
        if (mf->prereq == MFP_ARP) {
            mf_value_from_u64(&v, ETH_TYPE_ARP);
        } else if (mf->prereq == MFP_IPV6 || mf->prereq >= MFP_ND) {
            mf_value_from_u64(&v, ETH_TYPE_IPV6);
        } else {
            mf_value_from_u64(&v, ETH_TYPE_IP);
        }
        match_set_field(&m, mf_from_id(MFF_DL_TYPE), &v, NULL);
        if (mf->prereq == MFP_ICMP_ANY || mf->prereq >= MFP_ND) {
            mf_value_from_u64(&v, mf->prereq >= MFP_ND ? IPPROTO_ICMPV6_
                                                       : IPPROTO_ICMP_);
            match_set_field(&m, mf_from_id(MFF_NW_PROTO), &v, NULL);
        }
        struct ds before = DS_EMPTY_INITIALIZER, after = DS_EMPTY_INITIALIZER;
        match_format(&m, -1, NULL, &before);
        mf_value_from_u64(&v, 1);
        match_set_field(&m, mf, &v, NULL);
        match_format(&m, -1, NULL, &after);
        ck_assert_msg(strcmp(ds_cstr(&before), ds_cstr(&after)),
                      "%s=1 does not print: '%s'", mf->name, ds_cstr(&after));
        ds_destroy(&before);
        ds_destroy(&after);
    }
}
END_TEST

START_TEST(test_canonical)
{
    for (size_t i = 0; i < ARRAY_SIZE(canon); i++) {
        struct match m, m2;
        char *error = parse_match(canon[i].in, NULL, &m);
        ck_assert_msg(!error, "%s: %s", canon[i].in, error);
        char *s = fmt(&m, -1, NULL);
        const char *want = canon[i].out ? canon[i].out : canon[i].in;
        ck_assert_msg(!strcmp(s, want), "%s printed as %s, want %s",
                      canon[i].in, s, want);
        /* The printed form parses back to the same match. */
        error = parse_match(s, NULL, &m2);
        ck_assert_msg(!error, "%s: %s", s, error);
        ck_assert_msg(match_equal(&m, &m2), "%s does not round-trip", s);
        ck_assert_uint_eq(match_hash(&m, 0), match_hash(&m2, 0));
        free(s);
    }
}
END_TEST

START_TEST(test_priority)
{
    struct match m;
    ck_assert(!parse_match("in_port=1", NULL, &m));
    char *s = fmt(&m, 1, NULL);
    ck_assert_str_eq(s, "priority=1,in_port=1");
    free(s);
    s = fmt(&m, OFP_DEFAULT_PRIORITY, NULL);
    ck_assert_str_eq(s, "in_port=1");
    free(s);
    match_init_catchall(&m);
    s = fmt(&m, 0, NULL);
    ck_assert_str_eq(s, "priority=0");
    free(s);
    s = fmt(&m, -1, NULL);
    ck_assert_str_eq(s, "");
    free(s);
    ck_assert(
        !parse_match("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", NULL, &m));
    s = fmt(&m, 0, NULL);
    ck_assert_str_eq(s,
                     "priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00");
    free(s);
}
END_TEST

START_TEST(test_port_names)
{
    struct portmap map;
    portmap_init(&map);
    portmap_add(&map, "patch-tun", 1);
    portmap_add(&map, "vxlan0", 5);
    struct match m;
    ck_assert(!parse_match("in_port=patch-tun", &map, &m));
    ck_assert_uint_eq(m.flow.in_port, 1);
    char *s = fmt(&m, -1, &map);
    /* Quoted, as ovs-ofctl --names quotes any name with a '-'. */
    ck_assert_str_eq(s, "in_port=\"patch-tun\"");
    free(s);
    ck_assert(!parse_match("in_port=\"patch-tun\"", &map, &m));
    ck_assert_uint_eq(m.flow.in_port, 1);
    s = fmt(&m, -1, &map);
    free(s);
    s = fmt(&m, -1, NULL);
    ck_assert_str_eq(s, "in_port=1");
    free(s);
    char *error = parse_match("in_port=nosuch", &map, &m);
    ck_assert_ptr_nonnull(error);
    ck_assert(strstr(error, "unknown port 'nosuch'"));
    free(error);
    portmap_destroy(&map);
}
END_TEST

/* Malformed input and the message it must give (a substring). */
static const struct {
    const char *in;
    const char *error;
} bad[] = {
    { "nw_src=10.0.0.1",
      "nw_src=10.0.0.1 requires ip or arp (add 'ip,' before it)" },
    { "nw_dst=10.0.0.0/8", "nw_dst=10.0.0.0/8 requires ip or arp" },
    { "tp_dst=80",
      "tp_dst=80 requires tcp, udp or sctp (add 'tcp,' before it)" },
    { "ip,tp_dst=80",
      "tp_dst=80 requires tcp, udp or sctp, but the match says 'ip'" },
    { "icmp_type=8", "icmp_type=8 requires icmp or icmp6" },
    { "tcp,icmp_type=8", "icmp_type=8 requires icmp or icmp6" },
    { "icmp,tp_src=8", "tp_src=8 requires tcp, udp or sctp" },
    { "arp_sha=00:00:00:00:00:01",
      "arp_sha=00:00:00:00:00:01 requires arp or rarp" },
    { "ip,arp_op=1", "arp_op=1 requires arp or rarp" },
    { "ip,arp_tpa=1.2.3.4", "arp_tpa=1.2.3.4 requires arp or rarp" },
    { "ipv6_src=::1", "ipv6_src=::1 requires ipv6" },
    { "ip,ipv6_dst=::1", "ipv6_dst=::1 requires ipv6" },
    { "nw_ttl=3", "nw_ttl=3 requires ip or ipv6" },
    { "nw_proto=6", "nw_proto=6 requires ip, ipv6 or arp" },
    { "udp,tcp_flags=+syn", "tcp_flags=+syn requires tcp or tcp6" },
    { "ipv6,nw_src=1.2.3.4",
      "nw_src=1.2.3.4 requires ip or arp, but the match says 'ipv6'" },
    { "dl_vlan=5000", "dl_vlan=5000: value out of range (0-4095)" },
    { "dl_vlan_pcp=8", "dl_vlan_pcp=8: value out of range (0-7)" },
    { "in_port=1/1", "in_port=1/1: in_port does not accept a mask" },
    { "ip,nw_proto=6/0xff", "nw_proto does not accept a mask" },
    { "dl_type=0x10000", "dl_type=0x10000: value out of range (0-0xffff)" },
    { "reg0=0x100000000", "reg0=0x100000000: value '0x100000000' is too wide "
                          "for the 32-bit field" },
    { "reg0=1/0x1ffffffff",
      "mask '0x1ffffffff' is too wide for the 32-bit field" },
    { "tun_id=0x10000000000000000", "is too wide for the 64-bit field" },
    { "tun_id=abc", "tun_id=abc: value 'abc' is not a number" },
    { "ip,nw_ttl=256", "nw_ttl=256: value out of range (0-255)" },
    { "ip,nw_ecn=4", "nw_ecn=4: value out of range (0-3)" },
    { "ip,nw_tos=3", "nw_tos=3: value must be a multiple of 4" },
    { "arp,arp_op=256", "arp_op=256: value out of range (0-255)" },
    { "dl_dst=00:11:2g:33:44:55",
      "invalid character 'g' at position 8 of Ethernet address "
      "'00:11:2g:33:44:55' (expected a hex digit or ':'" },
    { "dl_src=00:11:22:33:44", "is too short" },
    { "dl_src=00:11:22:33:44:55:66", "invalid character ':' at position 18" },
    { "dl_src=00-11-22-33-44-55", "invalid character '-' at position 3" },
    { "dl_src=\xe2\x80\x9d"
      "00:11:22:33:44:55",
      "non-ASCII byte 0xe2 (a typographic quote?) at position 1" },
    { "dl_dst=001:1:1:1:1:1", "invalid character '1' at position 3" },
    { "ip,nw_src=10.0.0.256",
      "nw_src=10.0.0.256: invalid IPv4 address '10.0.0.256'" },
    { "ip,nw_src=10.0.0.1/33", "invalid prefix length '33' (expected 0-32)" },
    { "ip,nw_src=10.0.0.1/255.0.0.x", "invalid IPv4 mask '255.0.0.x'" },
    { "ip,nw_src=10.0.0.1/", "missing mask after '/'" },
    { "ipv6,ipv6_src=2001:db8::g", "invalid IPv6 address '2001:db8::g'" },
    { "ipv6,ipv6_src=::1/129",
      "invalid prefix length '129' (expected 0-128)" },
    { "foo=1", "unknown field 'foo'" },
    { "tcpp", "unknown field 'tcpp'" },
    { "in_port", "in_port: missing value (expected in_port=VALUE)" },
    { "in_port=", "in_port: missing value after '='" },
    { "ip=1", "'ip' is a protocol shorthand and takes no value" },
    { "tcp,udp", "udp conflicts with nw_proto=6 given earlier" },
    { "ip,arp", "arp conflicts with dl_type=0x0800 given earlier" },
    { "in_port=1,in_port=2",
      "in_port=2 conflicts with in_port=1 given earlier" },
    { "ip,nw_frag=sometimes", "unknown fragment type 'sometimes'" },
    { "tcp,tcp_flags=+syn+bogus", "unknown TCP flag 'bogus'" },
    { "tcp,tcp_flags=+syn+syn", "TCP flag 'syn' given twice" },
    { "tcp,tcp_flags=0x1000", "out of range" },
    { "tcp,tp_dst=65536", "tp_dst=65536: value out of range (0-65535)" },
    { "icmp,icmp_type=300", "icmp_type=300: value out of range (0-255)" },
    { "NXM_NX_REG16=1", "unknown field 'NXM_NX_REG16'" },
    /* As in OVS, a match takes field names, not NXM/OXM names. */
    { "NXM_OF_IN_PORT=7", "unknown field 'NXM_OF_IN_PORT'" },
    { "NXM_NX_REG0=1", "unknown field 'NXM_NX_REG0'" },
    { "udp,tp_dst=80,nw_frag=later", "cannot match a later fragment" },
    { "ip,in_port=0x5", "unknown port '0x5'" },
    { "nxm_nx_reg0=1", "unknown field 'nxm_nx_reg0'" },
};

START_TEST(test_errors)
{
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct match m;
        char *error = parse_match(bad[i].in, NULL, &m);
        ck_assert_msg(error, "%s was accepted", bad[i].in);
        ck_assert_msg(strstr(error, bad[i].error),
                      "%s: got \"%s\", want \"%s\"", bad[i].in, error,
                      bad[i].error);
        free(error);
    }
    ck_assert_uint_ge(ARRAY_SIZE(bad), 25);
}
END_TEST

START_TEST(test_prereq_order)
{
    /* A prerequisite may come after the field, as in OVS. */
    struct match m;
    char *error = parse_match("nw_src=10.0.0.1,ip", NULL, &m);
    ck_assert_msg(!error, "%s", error);
    error = parse_match("tp_dst=80,nw_proto=6,dl_type=0x0800", NULL, &m);
    ck_assert_msg(!error, "%s", error);
    char *s = fmt(&m, -1, NULL);
    ck_assert_str_eq(s, "tcp,tp_dst=80");
    free(s);
    /* A contradiction is reported at the piece that causes it. */
    match_init_catchall(&m);
    ck_assert(!match_parse_piece(&m, "arp", NULL, NULL));
    error = match_parse_piece(&m, "ipv6_src", "::1", NULL);
    ck_assert_ptr_nonnull(error);
    ck_assert(strstr(error, "requires ipv6"));
    free(error);
}
END_TEST

START_TEST(test_set_get_field)
{
    struct match m;
    match_init_catchall(&m);
    ck_assert(match_is_catchall(&m));
    const struct mf_field *reg = mf_from_id(MFF_REG0);
    union mf_value v, mask, gv, gm;
    mf_value_from_u64(&v, 0x1234);
    mf_value_from_u64(&mask, 0xff00);
    match_set_field(&m, reg, &v, &mask);
    ck_assert(!match_is_catchall(&m));
    ck_assert(match_has_field(&m, reg));
    ck_assert(!match_has_field(&m, mf_from_id(MFF_REG1)));
    match_get_field(&m, reg, &gv, &gm);
    ck_assert_uint_eq(mf_value_to_u64(&gv), 0x1200);
    ck_assert_uint_eq(mf_value_to_u64(&gm), 0xff00);
    ck_assert_uint_eq(m.flow.regs[0], 0x1200);

    /* Exact (NULL mask). */
    mf_value_from_u64(&v, 7);
    match_set_field(&m, reg, &v, NULL);
    ck_assert_uint_eq(m.wc.regs[0], 0xffffffff);
    ck_assert_uint_eq(m.flow.regs[0], 7);

    /* Clearing with a zero mask leaves a catch-all. */
    mf_value_from_u64(&mask, 0);
    match_set_field(&m, reg, &v, &mask);
    ck_assert(match_is_catchall(&m));

    /* dl_vlan sets the VID and the "tagged" bit. */
    mf_value_from_u64(&v, 10);
    match_set_field(&m, mf_from_id(MFF_DL_VLAN), &v, NULL);
    ck_assert_uint_eq(m.flow.vlan_tci, 0x100a);
    ck_assert_uint_eq(m.wc.vlan_tci, 0x1fff);
    mf_value_from_u64(&v, 5);
    match_set_field(&m, mf_from_id(MFF_DL_VLAN_PCP), &v, NULL);
    ck_assert_uint_eq(m.flow.vlan_tci, 0xb00a);
    ck_assert_uint_eq(m.wc.vlan_tci, 0xffff);
}
END_TEST

START_TEST(test_matches_flow)
{
    struct match m;
    ck_assert(!parse_match("tcp,nw_src=10.0.0.0/8,tp_dst=80", NULL, &m));
    struct flow f;
    memset(&f, 0, sizeof f);
    f.dl_type = ETH_TYPE_IP;
    f.nw_proto = IPPROTO_TCP_;
    f.nw_src = 0x0a010203;
    f.tp_dst = 80;
    f.tp_src = 5555;
    f.in_port = 3;
    ck_assert(match_matches_flow(&m, &f));
    f.nw_src = 0x0b010203;
    ck_assert(!match_matches_flow(&m, &f));
    f.nw_src = 0x0a010203;
    f.tp_dst = 81;
    ck_assert(!match_matches_flow(&m, &f));
    f.tp_dst = 80;
    f.nw_proto = IPPROTO_UDP_;
    ck_assert(!match_matches_flow(&m, &f));

    struct match mc;
    ck_assert(
        !parse_match("dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", NULL, &mc));
    memset(&f, 0, sizeof f);
    f.dl_dst[0] = 0xff;
    ck_assert(match_matches_flow(&mc, &f));
    f.dl_dst[0] = 0x02;
    ck_assert(!match_matches_flow(&mc, &f));

    struct match all;
    match_init_catchall(&all);
    ck_assert(match_matches_flow(&all, &f));
}
END_TEST

START_TEST(test_subset)
{
    struct match a, b, c, all;
    ck_assert(!parse_match("tcp,nw_src=10.1.0.0/16,tp_dst=80", NULL, &a));
    ck_assert(!parse_match("ip,nw_src=10.0.0.0/8", NULL, &b));
    ck_assert(!parse_match("ip,nw_src=11.0.0.0/8", NULL, &c));
    match_init_catchall(&all);
    ck_assert(match_is_subset_of(&a, &b));
    ck_assert(!match_is_subset_of(&b, &a));
    ck_assert(!match_is_subset_of(&a, &c));
    ck_assert(match_is_subset_of(&a, &all));
    ck_assert(match_is_subset_of(&a, &a));
    ck_assert(!match_is_subset_of(&all, &a));
    ck_assert(!match_equal(&a, &b));
    ck_assert_uint_ne(match_hash(&a, 0), match_hash(&b, 0));
}
END_TEST

START_TEST(test_mutations)
{
    /* Every prefix of every canonical input, and each one with a byte
     * replaced, either fails with a message or round-trips exactly. */
    static const char subst[] = { '/', ':', '.', 'x', '9', '=', '\xe2', 'f' };
    int accepted = 0, refused = 0;
    for (size_t i = 0; i < ARRAY_SIZE(canon); i++) {
        size_t len = strlen(canon[i].in);
        for (size_t cut = 1; cut <= len; cut++) {
            for (size_t k = 0; k <= ARRAY_SIZE(subst); k++) {
                char *s = xstrndup(canon[i].in, cut);
                if (k < ARRAY_SIZE(subst)) {
                    s[cut - 1] = subst[k];
                }
                struct match m, m2;
                char *error = parse_match(s, NULL, &m);
                if (error) {
                    ck_assert(strlen(error) > 0);
                    refused++;
                    free(error);
                } else {
                    accepted++;
                    char *out = fmt(&m, -1, NULL);
                    error = parse_match(out, NULL, &m2);
                    ck_assert_msg(!error, "%s -> %s: %s", s, out, error);
                    ck_assert_msg(match_equal(&m, &m2), "%s -> %s", s, out);
                    free(out);
                }
                free(s);
            }
        }
    }
    ck_assert_int_gt(accepted, 100);
    ck_assert_int_gt(refused, 100);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("match");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, test_canonical);
    tcase_add_test(tc, test_every_field_prints);
    tcase_add_test(tc, test_priority);
    tcase_add_test(tc, test_port_names);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_prereq_order);
    tcase_add_test(tc, test_set_get_field);
    tcase_add_test(tc, test_matches_flow);
    tcase_add_test(tc, test_subset);
    tcase_add_test(tc, test_mutations);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
