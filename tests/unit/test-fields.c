/* Unit tests for the field table, value text and subfield bit copying. */
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "ds.h"
#include "fields.h"
#include "flow.h"
#include "util.h"

START_TEST(test_table_ids_and_names)
{
    for (int id = 0; id < MFF_N_IDS; id++) {
        const struct mf_field *mf = mf_from_id(id);
        ck_assert_ptr_nonnull(mf);
        ck_assert_int_eq(mf->id, id);
        ck_assert_uint_ge(mf->n_bits, 1);
        ck_assert_uint_le(mf->n_bits, 128);
        ck_assert_uint_le(mf->offset + mf->n_bytes, sizeof(struct flow));

        /* Every accepted name finds the same row. */
        ck_assert_ptr_eq(mf_from_name(mf->name, strlen(mf->name)), mf);
        for (size_t j = 0; j < ARRAY_SIZE(mf->aliases) && mf->aliases[j];
             j++) {
            ck_assert_ptr_eq(
                mf_from_name(mf->aliases[j], strlen(mf->aliases[j])), mf);
        }
        const char *xm[] = { mf->nxm_name, mf->oxm_name };
        for (int j = 0; j < 2; j++) {
            if (!xm[j]) {
                continue;
            }
            ck_assert_ptr_eq(mf_from_name(xm[j], strlen(xm[j])), mf);
            char *w = xasprintf("%s_W", xm[j]);
            ck_assert_ptr_eq(mf_from_name(w, strlen(w)), mf);
            free(w);
        }
    }
    ck_assert_ptr_null(mf_from_id(MFF_N_IDS));
}
END_TEST

START_TEST(test_names)
{
    static const struct {
        const char *name;
        enum mf_id id;
    } names[] = {
        { "in_port", MFF_IN_PORT },
        { "NXM_OF_IN_PORT", MFF_IN_PORT },
        { "OXM_OF_IN_PORT", MFF_IN_PORT },
        { "dl_src", MFF_DL_SRC },
        { "eth_src", MFF_DL_SRC },
        { "NXM_OF_ETH_SRC", MFF_DL_SRC },
        { "OXM_OF_ETH_SRC", MFF_DL_SRC },
        { "eth_dst", MFF_DL_DST },
        { "NXM_OF_ETH_DST_W", MFF_DL_DST },
        { "eth_type", MFF_DL_TYPE },
        { "NXM_OF_VLAN_TCI", MFF_VLAN_TCI },
        { "dl_vlan", MFF_DL_VLAN },
        { "dl_vlan_pcp", MFF_DL_VLAN_PCP },
        { "ip_src", MFF_NW_SRC },
        { "NXM_OF_IP_SRC", MFF_NW_SRC },
        { "ip_dst", MFF_NW_DST },
        { "NXM_NX_IPV6_SRC", MFF_IPV6_SRC },
        { "NXM_NX_IPV6_DST", MFF_IPV6_DST },
        { "ip_proto", MFF_NW_PROTO },
        { "nw_tos", MFF_NW_TOS },
        { "ip_dscp", MFF_IP_DSCP },
        { "ip_ecn", MFF_NW_ECN },
        { "nw_ttl", MFF_NW_TTL },
        { "nw_frag", MFF_NW_FRAG },
        { "tcp_src", MFF_TP_SRC },
        { "udp_src", MFF_TP_SRC },
        { "sctp_src", MFF_TP_SRC },
        { "tcp_dst", MFF_TP_DST },
        { "udp_dst", MFF_TP_DST },
        { "sctp_dst", MFF_TP_DST },
        { "NXM_OF_TCP_SRC", MFF_TP_SRC },
        { "NXM_OF_UDP_DST", MFF_TP_DST },
        { "icmp_type", MFF_ICMP_TYPE },
        { "NXM_OF_ICMP_TYPE", MFF_ICMP_TYPE },
        { "NXM_OF_ICMP_CODE", MFF_ICMP_CODE },
        { "arp_op", MFF_ARP_OP },
        { "NXM_OF_ARP_OP", MFF_ARP_OP },
        { "NXM_OF_ARP_SPA", MFF_ARP_SPA },
        { "NXM_OF_ARP_TPA", MFF_ARP_TPA },
        { "NXM_NX_ARP_SHA", MFF_ARP_SHA },
        { "NXM_NX_ARP_THA", MFF_ARP_THA },
        { "tun_id", MFF_TUN_ID },
        { "tunnel_id", MFF_TUN_ID },
        { "NXM_NX_TUN_ID", MFF_TUN_ID },
        { "OXM_OF_TUNNEL_ID", MFF_TUN_ID },
        { "tun_src", MFF_TUN_SRC },
        { "NXM_NX_TUN_IPV4_SRC", MFF_TUN_SRC },
        { "NXM_NX_TUN_IPV4_DST", MFF_TUN_DST },
        { "reg0", MFF_REG0 },
        { "NXM_NX_REG7", MFF_REG7 },
        { "metadata", MFF_METADATA },
        { "OXM_OF_METADATA", MFF_METADATA },
        { "tcp_flags", MFF_TCP_FLAGS },
        { "NXM_NX_TCP_FLAGS", MFF_TCP_FLAGS },
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        const struct mf_field *mf =
            mf_from_name(names[i].name, strlen(names[i].name));
        ck_assert_msg(mf && mf->id == names[i].id, "%s", names[i].name);
    }
    ck_assert_ptr_null(mf_from_name("foo", 3));
    ck_assert_ptr_null(mf_from_name("", 0));
    ck_assert_ptr_null(mf_from_name("nxm_of_eth_src", 14));
    ck_assert_ptr_null(mf_from_name("reg16", 5));
    ck_assert_int_eq(mf_from_name("reg15", 5)->id, MFF_REG15);
    ck_assert_int_eq(mf_from_name("NXM_NX_PKT_MARK", 15)->id, MFF_PKT_MARK);
    ck_assert_int_eq(mf_from_name("vlan_vid", 8)->id, MFF_VLAN_VID);
    /* Only 'len' bytes count. */
    ck_assert_int_eq(mf_from_name("reg3[0..4]", 4)->id, MFF_REG3);
    ck_assert_int_eq(mf_from_name("in_portX", 7)->id, MFF_IN_PORT);

    ck_assert_str_eq(mf_subfield_name(mf_from_id(MFF_DL_SRC)),
                     "NXM_OF_ETH_SRC");
    ck_assert_str_eq(mf_subfield_name(mf_from_id(MFF_METADATA)),
                     "OXM_OF_METADATA");
    ck_assert_str_eq(mf_subfield_name(mf_from_id(MFF_DL_VLAN)), "dl_vlan");
}
END_TEST

/* Parses 'in' for field 'name' and prints it back. */
static char *roundtrip(const char *name, const char *in)
{
    const struct mf_field *mf = mf_from_name(name, strlen(name));
    union mf_value v, m;
    char *error = mf_parse_value(mf, in, NULL, &v, &m);
    if (error) {
        return error;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    mf_format_value(mf, &v, &m, NULL, &ds);
    return ds_steal_cstr(&ds);
}

START_TEST(test_value_text)
{
    static const struct {
        const char *field, *in, *out;
    } cases[] = {
        { "in_port", "5", "5" },
        { "in_port", "local", "LOCAL" },
        { "in_port", "CONTROLLER", "CONTROLLER" },
        { "dl_src", "0a:0B:c:d:e:f", "0a:0b:0c:0d:0e:0f" },
        { "dl_dst", "ff:ff:ff:ff:ff:ff/01:00:00:00:00:00",
          "01:00:00:00:00:00/01:00:00:00:00:00" },
        { "dl_type", "0x800", "0x0800" },
        { "dl_type", "2048", "0x0800" },
        { "vlan_tci", "0x1001/0x1fff", "0x1001/0x1fff" },
        { "dl_vlan", "4095", "4095" },
        { "dl_vlan_pcp", "7", "7" },
        { "nw_src", "192.168.0.1", "192.168.0.1" },
        { "nw_src", "192.168.7.1/24", "192.168.7.0/24" },
        { "nw_src", "192.168.7.1/255.255.0.255", "192.168.0.1/255.255.0.255" },
        { "nw_dst", "1.2.3.4/0", "0.0.0.0/0" },
        { "ipv6_src", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
        { "ipv6_dst", "fe80::1/64", "fe80::/64" },
        { "nw_proto", "0x11", "17" },
        { "nw_tos", "252", "252" },
        { "ip_dscp", "63", "63" },
        { "nw_ecn", "2", "2" },
        { "nw_ttl", "255", "255" },
        { "nw_frag", "first", "first" },
        { "nw_frag", "not_later", "not_later" },
        { "nw_frag", "0x3/0x3", "later" },
        { "arp_op", "2", "2" },
        { "arp_spa", "10.0.0.0/8", "10.0.0.0/8" },
        { "arp_sha", "00:00:00:00:00:01", "00:00:00:00:00:01" },
        { "tp_src", "65535", "65535" },
        { "tp_dst", "0x50", "80" },
        { "tp_dst", "0x1234/0xff00", "0x1200/0xff00" },
        { "icmp_type", "255", "255" },
        { "tcp_flags", "+fin-syn+ns", "+fin-syn+ns" },
        { "tcp_flags", "0x12", "syn|ack" },
        { "tcp_flags", "0x12/0xe12", "+syn+ack-[200]-[400]-[800]" },
        { "tun_id", "0xffffffffffffffff", "0xffffffffffffffff" },
        { "tun_id", "0x5/0x5", "0x5/0x5" },
        { "tun_src", "1.1.1.1", "1.1.1.1" },
        { "reg5", "4294967295", "0xffffffff" },
        { "metadata", "0xa/0xf", "0xa/0xf" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *s = roundtrip(cases[i].field, cases[i].in);
        ck_assert_msg(!strcmp(s, cases[i].out), "%s=%s gave %s, want %s",
                      cases[i].field, cases[i].in, s, cases[i].out);
        free(s);
    }
}
END_TEST

START_TEST(test_value_default_mask)
{
    union mf_value v, m;
    ck_assert_ptr_null(
        mf_parse_value(mf_from_id(MFF_REG0), "5", NULL, &v, &m));
    ck_assert_uint_eq(mf_value_to_u64(&m), 0xffffffff);
    ck_assert(mf_value_is_all_ones(&m, 32));
    ck_assert(!mf_value_is_all_ones(&m, 33));
    ck_assert_ptr_null(
        mf_parse_value(mf_from_id(MFF_IPV6_SRC), "::1", NULL, &v, &m));
    ck_assert(mf_value_is_all_ones(&m, 128));
    ck_assert_uint_eq(v.b[15], 1);
    ck_assert_ptr_null(mf_parse_value(mf_from_id(MFF_DL_SRC),
                                      "01:02:03:04:05:06", NULL, &v, &m));
    ck_assert_uint_eq(v.b[10], 1);
    ck_assert_uint_eq(v.b[15], 6);
    ck_assert_uint_eq(m.b[9], 0);
    ck_assert_uint_eq(m.b[10], 0xff);
    /* arp_op is 16 bits wide though only 8 are stored: the default mask
     * covers the declared width. */
    const struct mf_field *op = mf_from_id(MFF_ARP_OP);
    ck_assert_ptr_null(mf_parse_value(op, "2", NULL, &v, &m));
    ck_assert(mf_value_is_all_ones(&m, op->n_bits));
    ck_assert_uint_eq(mf_value_to_u64(&v), 2);
}
END_TEST

START_TEST(test_subfield_parse)
{
    static const struct {
        const char *in;
        enum mf_id id;
        unsigned ofs, n_bits;
        const char *out, *rest;
    } cases[] = {
        { "NXM_OF_ETH_SRC[]", MFF_DL_SRC, 0, 48, "NXM_OF_ETH_SRC[]", "" },
        { "eth_src[]", MFF_DL_SRC, 0, 48, "NXM_OF_ETH_SRC[]", "" },
        { "NXM_NX_REG0[0..15]", MFF_REG0, 0, 16, "NXM_NX_REG0[0..15]", "" },
        { "reg1[8]", MFF_REG1, 8, 1, "NXM_NX_REG1[8]", "" },
        { "reg1[0..31]->x", MFF_REG1, 0, 32, "NXM_NX_REG1[]", "->x" },
        { "NXM_NX_TUN_ID[0..23],", MFF_TUN_ID, 0, 24, "NXM_NX_TUN_ID[0..23]",
          "," },
        { "OXM_OF_METADATA[32..63]", MFF_METADATA, 32, 32,
          "OXM_OF_METADATA[32..63]", "" },
        { "in_port", MFF_IN_PORT, 0, 16, "NXM_OF_IN_PORT[]", "" },
        { "NXM_NX_IPV6_SRC[64..127]", MFF_IPV6_SRC, 64, 64,
          "NXM_NX_IPV6_SRC[64..127]", "" },
        { "NXM_OF_VLAN_TCI[0..11]", MFF_VLAN_TCI, 0, 12,
          "NXM_OF_VLAN_TCI[0..11]", "" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct mf_subfield sf;
        const char *s = cases[i].in;
        char *error = mf_parse_subfield(&sf, &s);
        ck_assert_msg(!error, "%s: %s", cases[i].in, error);
        ck_assert_int_eq(sf.field->id, cases[i].id);
        ck_assert_uint_eq(sf.ofs, cases[i].ofs);
        ck_assert_uint_eq(sf.n_bits, cases[i].n_bits);
        ck_assert_str_eq(s, cases[i].rest);
        struct ds ds = DS_EMPTY_INITIALIZER;
        mf_format_subfield(&sf, &ds);
        ck_assert_str_eq(ds_cstr(&ds), cases[i].out);
        ds_destroy(&ds);
    }
}
END_TEST

START_TEST(test_subfield_errors)
{
    static const struct {
        const char *in, *error;
    } cases[] = {
        { "NXM_NX_REG0[0..40]",
          "NXM_NX_REG0[0..40]: bits 0..40 exceed the 32-bit field" },
        { "reg0[32]", "reg0[32]: bit 32 exceeds the 32-bit field" },
        { "reg0[5..3]", "reg0[5..3]: start bit 5 is after end bit 3" },
        { "reg0[a..b]", "reg0[a..b]: invalid bit range" },
        { "reg0[1..]", "reg0[1..]: invalid bit range" },
        { "reg0[-1]", "invalid bit range" },
        { "reg0[0..3", "missing ']'" },
        { "NXM_NX_FOO[]", "unknown field 'NXM_NX_FOO'" },
        { "", "missing field name" },
        { "[0..3]", "expected a field name, found character '['" },
        { "NXM_OF_ETH_SRC[0..48]", "bits 0..48 exceed the 48-bit field" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct mf_subfield sf;
        const char *s = cases[i].in;
        char *error = mf_parse_subfield(&sf, &s);
        ck_assert_msg(error, "%s accepted", cases[i].in);
        ck_assert_msg(strstr(error, cases[i].error), "%s: got %s", cases[i].in,
                      error);
        free(error);
    }
}
END_TEST

START_TEST(test_subfield_prefixes)
{
    /* Every prefix parses to a range inside its field or fails. */
    static const char *inputs[] = { "NXM_NX_REG0[0..15]", "reg1[8]",
                                    "NXM_NX_IPV6_SRC[64..127]",
                                    "eth_src[]->reg0[]" };
    for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
        for (size_t n = 0; n <= strlen(inputs[i]); n++) {
            char *in = xstrndup(inputs[i], n);
            const char *s = in;
            struct mf_subfield sf;
            char *error = mf_parse_subfield(&sf, &s);
            if (error) {
                ck_assert(*error);
                free(error);
            } else {
                ck_assert_uint_ge(sf.n_bits, 1);
                ck_assert_uint_le(sf.ofs + sf.n_bits, sf.field->n_bits);
                ck_assert(s >= in && s <= in + n);
            }
            free(in);
        }
    }
}
END_TEST

START_TEST(test_set_bits)
{
    union mf_value a, b;
    memset(&a, 0, sizeof a);
    mf_value_from_u64(&b, 0xabcd);
    /* Unaligned copy across a byte boundary. */
    mf_value_set_bits(&a, 3, &b, 4, 8); /* bits 4..11 = 0xbc */
    ck_assert_uint_eq(mf_value_to_u64(&a), 0xbcull << 3);
    /* Aligned copy into the high half of a 128-bit value. */
    memset(&a, 0, sizeof a);
    mf_value_from_u64(&b, 0x1122334455667788ull);
    mf_value_set_bits(&a, 64, &b, 0, 64);
    ck_assert_uint_eq(a.b[0], 0x11);
    ck_assert_uint_eq(a.b[7], 0x88);
    ck_assert_uint_eq(mf_value_to_u64(&a), 0);
    /* Copy onto itself, overlapping. */
    mf_value_from_u64(&a, 0xf0);
    mf_value_set_bits(&a, 2, &a, 4, 4);
    ck_assert_uint_eq(mf_value_to_u64(&a), 0xfc);
    ck_assert(mf_value_is_zero(&(union mf_value){ .b = { 0 } }));
    ck_assert(!mf_value_is_zero(&a));
}
END_TEST

START_TEST(test_read_write_subfield)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    struct mf_subfield sf;
    const char *s;
    union mf_value x;

    s = "NXM_NX_REG0[8..15]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_value_from_u64(&x, 0x1ab); /* Only the low 8 bits are written. */
    mf_write_subfield(&sf, &x, &f);
    ck_assert_uint_eq(f.regs[0], 0xab00);
    mf_read_subfield(&sf, &f, &x);
    ck_assert_uint_eq(mf_value_to_u64(&x), 0xab);

    /* move:NXM_OF_ETH_SRC[0..15]->NXM_NX_REG1[16..31] */
    memcpy(f.dl_src, "\x00\x11\x22\x33\x44\x55", 6);
    s = "NXM_OF_ETH_SRC[0..15]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_read_subfield(&sf, &f, &x);
    ck_assert_uint_eq(mf_value_to_u64(&x), 0x4455);
    s = "NXM_NX_REG1[16..31]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_write_subfield(&sf, &x, &f);
    ck_assert_uint_eq(f.regs[1], 0x44550000);

    /* load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[] style whole-field copies. */
    f.tun_id = 0x123456;
    s = "NXM_NX_TUN_ID[]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_read_subfield(&sf, &f, &x);
    ck_assert_uint_eq(mf_value_to_u64(&x), 0x123456);
    s = "NXM_OF_ETH_DST[]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_value_from_u64(&x, 0xeeddccbbaa99ull);
    mf_write_subfield(&sf, &x, &f);
    ck_assert_mem_eq(f.dl_dst, "\xee\xdd\xcc\xbb\xaa\x99", 6);

    /* 128-bit field, upper half. */
    s = "NXM_NX_IPV6_DST[64..127]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_value_from_u64(&x, 0x20010db800000000ull);
    mf_write_subfield(&sf, &x, &f);
    ck_assert_uint_eq(f.ipv6_dst[0], 0x20);
    ck_assert_uint_eq(f.ipv6_dst[3], 0xb8);
    ck_assert_uint_eq(f.ipv6_dst[15], 0);

    /* A single bit of in_port. */
    f.in_port = 0;
    s = "NXM_OF_IN_PORT[2]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_value_from_u64(&x, 1);
    mf_write_subfield(&sf, &x, &f);
    ck_assert_uint_eq(f.in_port, 4);

    /* Shared storage: ARP op in nw_proto, ICMP type in tp_src. */
    s = "NXM_OF_ARP_OP[]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    ck_assert_uint_eq(sf.n_bits, 16);
    mf_value_from_u64(&x, 2);
    mf_write_subfield(&sf, &x, &f);
    ck_assert_uint_eq(f.nw_proto, 2);
    f.tp_src = 0x1234;
    s = "NXM_OF_ICMP_TYPE[]";
    ck_assert_ptr_null(mf_parse_subfield(&sf, &s));
    mf_read_subfield(&sf, &f, &x);
    ck_assert_uint_eq(mf_value_to_u64(&x), 0x34);
}
END_TEST

START_TEST(test_virtual_fields)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    union mf_value v;
    mf_value_from_u64(&v, 100);
    mf_set_value(mf_from_id(MFF_DL_VLAN), &v, &f);
    ck_assert_uint_eq(f.vlan_tci, VLAN_CFI | 100);
    mf_value_from_u64(&v, 5);
    mf_set_value(mf_from_id(MFF_DL_VLAN_PCP), &v, &f);
    ck_assert_uint_eq(f.vlan_tci, 0xa000 | VLAN_CFI | 100);
    mf_get_value(mf_from_id(MFF_DL_VLAN), &f, &v);
    ck_assert_uint_eq(mf_value_to_u64(&v), 100);
    mf_get_value(mf_from_id(MFF_DL_VLAN_PCP), &f, &v);
    ck_assert_uint_eq(mf_value_to_u64(&v), 5);

    f.nw_tos = 0x28;
    mf_get_value(mf_from_id(MFF_IP_DSCP), &f, &v);
    ck_assert_uint_eq(mf_value_to_u64(&v), 10);
    mf_value_from_u64(&v, 46);
    mf_set_value(mf_from_id(MFF_IP_DSCP), &v, &f);
    ck_assert_uint_eq(f.nw_tos, 46 << 2);
}
END_TEST

START_TEST(test_prereqs_on_packets)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    const struct mf_field *tp = mf_from_id(MFF_TP_DST);
    const struct mf_field *nw = mf_from_id(MFF_NW_SRC);
    ck_assert(!mf_are_prereqs_ok(tp, &f));
    ck_assert(!mf_are_prereqs_ok(nw, &f));
    f.dl_type = ETH_TYPE_ARP;
    ck_assert(mf_are_prereqs_ok(nw, &f));
    ck_assert(mf_are_prereqs_ok(mf_from_id(MFF_ARP_SHA), &f));
    f.dl_type = ETH_TYPE_IP;
    f.nw_proto = IPPROTO_UDP_;
    ck_assert(mf_are_prereqs_ok(tp, &f));
    ck_assert(!mf_are_prereqs_ok(mf_from_id(MFF_TCP_FLAGS), &f));
    ck_assert(!mf_are_prereqs_ok(mf_from_id(MFF_ARP_SHA), &f));
    f.dl_type = ETH_TYPE_IPV6;
    f.nw_proto = IPPROTO_ICMPV6_;
    ck_assert(mf_are_prereqs_ok(mf_from_id(MFF_ICMP_TYPE), &f));
    ck_assert(!mf_are_prereqs_ok(nw, &f));
    ck_assert(mf_are_prereqs_ok(mf_from_id(MFF_IPV6_SRC), &f));
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("fields");
    TCase *tc = tcase_create("fields");
    tcase_add_test(tc, test_table_ids_and_names);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_value_text);
    tcase_add_test(tc, test_value_default_mask);
    tcase_add_test(tc, test_subfield_parse);
    tcase_add_test(tc, test_subfield_errors);
    tcase_add_test(tc, test_subfield_prefixes);
    tcase_add_test(tc, test_set_bits);
    tcase_add_test(tc, test_read_write_subfield);
    tcase_add_test(tc, test_virtual_fields);
    tcase_add_test(tc, test_prereqs_on_packets);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
