/* Unit tests for actions: parse, print (as ovs-ofctl prints), round trip,
 * errors, comparison, the out_port filter and the check against a match.
 *
 * The expected texts were checked against ovs-ofctl 3.1's parse-flow
 * (OpenFlow 1.0 view; OpenFlow 1.3 view for the 1.1+ instructions). */
#include <stdlib.h>
#include <string.h>

#include "actions-private.h"
#include "actions.h"
#include "buf.h"
#include "check-main.h"
#include "ds.h"
#include "match.h"
#include "portmap.h"

/* Parses 's', prints it, and checks print -> parse gives the same list. */
static char *parse_print(const char *s, const struct portmap *ports)
{
    struct buf b = BUF_INITIALIZER;
    char *err = ofpacts_parse(s, ports, &b);
    if (err) {
        char *msg = xasprintf("ERROR: %s", err);
        free(err);
        buf_uninit(&b);
        return msg;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    ofpacts_format((const struct ofpact *)b.data, b.size, ports, &ds);

    struct buf b2 = BUF_INITIALIZER;
    char *err2 = ofpacts_parse(ds_cstr(&ds), ports, &b2);
    ck_assert_msg(!err2, "reparse of '%s' failed: %s", ds_cstr(&ds), err2);
    ck_assert_msg(ofpacts_equal((const struct ofpact *)b.data, b.size,
                                (const struct ofpact *)b2.data, b2.size),
                  "round trip of '%s' changed the actions", s);
    buf_uninit(&b);
    buf_uninit(&b2);
    return ds_steal_cstr(&ds);
}

static const struct {
    const char *in;
    const char *out;
} prints[] = {
    { "output:5", "output:5" },
    { "in_port", "IN_PORT" },
    { "normal", "NORMAL" },
    { "flood", "FLOOD" },
    { "all", "ALL" },
    { "local", "LOCAL" },
    { "controller", "CONTROLLER:65535" },
    { "controller:100", "CONTROLLER:100" },
    { "controller:0", "CONTROLLER:0" },
    { "controller()", "CONTROLLER:65535" },
    { "controller(max_len=200)", "CONTROLLER:200" },
    { "controller(reason=no_match,max_len=200)",
      "controller(reason=no_match,max_len=200)" },
    { "controller(reason=invalid_ttl)", "controller(reason=invalid_ttl)" },
    { "output:controller", "CONTROLLER:65535" },
    /* A write becomes one load per run of mask bits, each at most 64
     * wide, whichever half of a 128-bit field the run is in. */
    { "load:0->xxreg0[64..127]", "load:0->NXM_NX_XXREG0[64..127]" },
    { "load:0x5->xxreg1[60..70]", "load:0x5->NXM_NX_XXREG1[60..70]" },
    { "load:0x1ffffffffffffffff->xxreg0",
      "load:0xffffffffffffffff->NXM_NX_XXREG0[0..63],"
      "load:0x1->NXM_NX_XXREG0[64..127]" },
    { "set_field:0xf0f/0xf0f->reg1",
      "load:0xf->NXM_NX_REG1[0..3],load:0xf->NXM_NX_REG1[8..11]" },
    { "output:NXM_OF_IN_PORT[]", "output:NXM_OF_IN_PORT[]" },
    { "output:NXM_NX_REG0[0..15]", "output:NXM_NX_REG0[0..15]" },
    { "output:reg1[]", "output:NXM_NX_REG1[]" },
    { "output:in_port", "IN_PORT" },
    { "output:LOCAL", "LOCAL" },
    { "output:65534", "LOCAL" },
    { "output:normal", "NORMAL" },
    { "1,2", "output:1,output:2" },
    { "drop", "drop" },
    { "", "drop" },
    { "  ", "drop" },
    { "resubmit:3", "resubmit:3" },
    { "resubmit(,1)", "resubmit(,1)" },
    { "resubmit(3,1)", "resubmit(3,1)" },
    { "resubmit(in_port,1)", "resubmit(,1)" },
    { "resubmit(3)", "resubmit:3" },
    { "resubmit(3,)", "resubmit:3" },
    { "load:5->NXM_NX_REG0[]", "load:0x5->NXM_NX_REG0[]" },
    { "load:0->NXM_NX_TUN_ID[]", "load:0->NXM_NX_TUN_ID[]" },
    { "load:0x5->NXM_NX_REG0[0..7]", "load:0x5->NXM_NX_REG0[0..7]" },
    { "load:0x5->NXM_NX_REG0[8..15]", "load:0x5->NXM_NX_REG0[8..15]" },
    { "load:0x5->NXM_OF_ETH_DST[0..7]", "load:0x5->NXM_OF_ETH_DST[0..7]" },
    { "load:0xaabbccddeeff->NXM_OF_ETH_DST[]",
      "load:0xaabbccddeeff->NXM_OF_ETH_DST[]" },
    { "load:1->reg2[5]", "load:0x1->NXM_NX_REG2[5]" },
    { "set_field:5->tun_id", "load:0x5->NXM_NX_TUN_ID[]" },
    { "set_field:0->tun_id", "load:0->NXM_NX_TUN_ID[]" },
    { "set_field:5->reg0", "load:0x5->NXM_NX_REG0[]" },
    { "set_field:5/0xff->reg0", "load:0x5->NXM_NX_REG0[0..7]" },
    { "set_field:0x500/0xff00->reg0", "load:0x5->NXM_NX_REG0[8..15]" },
    { "set_field:5/0xf0f->reg0",
      "load:0x5->NXM_NX_REG0[0..3],load:0->NXM_NX_REG0[8..11]" },
    { "set_field:5->in_port", "load:0x5->NXM_OF_IN_PORT[]" },
    { "set_field:aa:bb:cc:dd:ee:ff->eth_dst", "mod_dl_dst:aa:bb:cc:dd:ee:ff" },
    { "set_field:aa:bb:cc:dd:ee:ff->dl_src", "mod_dl_src:aa:bb:cc:dd:ee:ff" },
    { "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
      "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]" },
    { "move:reg0[0..7]->reg1[8..15]",
      "move:NXM_NX_REG0[0..7]->NXM_NX_REG1[8..15]" },
    { "set_tunnel:5", "set_tunnel:0x5" },
    { "set_tunnel:0", "set_tunnel:0" },
    { "set_tunnel64:5", "set_tunnel64:0x5" },
    { "set_tunnel:0x100000000", "set_tunnel64:0x100000000" },
    { "mod_dl_src:aa:bb:cc:dd:ee:ff", "mod_dl_src:aa:bb:cc:dd:ee:ff" },
    { "mod_dl_dst:AA:BB:CC:DD:EE:0F", "mod_dl_dst:aa:bb:cc:dd:ee:0f" },
    { "mod_vlan_vid:5", "mod_vlan_vid:5" },
    { "mod_vlan_vid:4095", "mod_vlan_vid:4095" },
    { "mod_vlan_pcp:3", "mod_vlan_pcp:3" },
    { "strip_vlan", "strip_vlan" },
    { "pop_vlan", "strip_vlan" },
    { "push_vlan:0x8100", "push_vlan:0x8100" },
    { "push_vlan:0x88a8", "push_vlan:0x88a8" },
    { "mod_nw_src:10.0.0.1", "mod_nw_src:10.0.0.1" },
    { "mod_nw_dst:10.0.0.2", "mod_nw_dst:10.0.0.2" },
    { "mod_nw_tos:16", "mod_nw_tos:16" },
    { "mod_tp_src:80", "mod_tp_src:80" },
    { "mod_tp_dst:443", "mod_tp_dst:443" },
    { "dec_ttl", "dec_ttl" },
    { "dec_ttl()", "dec_ttl" },
    { "dec_ttl(1,,2)", "dec_ttl(1,2)" },
    { "dec_ttl( 0 65535 )", "dec_ttl(0,65535)" },
    { "mod_nw_ttl:0", "load:0->NXM_NX_IP_TTL[]" },
    { "mod_nw_ttl:64", "load:0x40->NXM_NX_IP_TTL[]" },
    { "mod_nw_ecn:3", "load:0x3->NXM_NX_IP_ECN[]" },
    { "output(port=2,max_len=65536)", "output(port=2,max_len=65536)" },
    { "output(max_len=14,port=in_port)", "output(port=IN_PORT,max_len=14)" },
    { "output:reg9", "output:NXM_NX_REG9[]" },
    { "output:reg15[0..15]", "output:NXM_NX_REG15[0..15]" },
    { "move:reg0->reg1", "move:NXM_NX_REG0[]->NXM_NX_REG1[]" },
    { "load:5->tun_id", "load:0x5->NXM_NX_TUN_ID[]" },
    { "load:5->ip_src", "load:0x5->NXM_OF_IP_SRC[]" },
    { "set_field:7->pkt_mark", "load:0x7->NXM_NX_PKT_MARK[]" },
    { "set_field:4->ipv6_label", "load:0x4->NXM_NX_IPV6_LABEL[]" },
    { "set_field:5->metadata", "load:0x5->OXM_OF_METADATA[]" },
    { "set_field:0x1005->vlan_vid", "mod_vlan_vid:5" },
    { "set_field:3->vlan_pcp", "mod_vlan_pcp:3" },
    { "set_field:5->ip_dscp", "mod_nw_tos:20" },
    { "load:3->vlan_vid", "load:0x3->OXM_OF_VLAN_VID[]" },
    { "note:01.02.03", "note:01.02.03.00.00.00" },
    { "note:0102", "note:01.02.00.00.00.00" },
    { "note:", "note:00.00.00.00.00.00" },
    { "note:0102030405060708",
      "note:01.02.03.04.05.06.07.08.00.00.00.00.00.00" },
    { "exit", "exit" },
    { "clone(output:1,output:2)", "clone(output:1,output:2)" },
    { "clone(output:1,clone(output:2))", "clone(output:1,clone(output:2))" },
    { "clone()", "clone()" },
    { "goto_table:3", "goto_table:3" },
    { "write_metadata:0x5", "write_metadata:0x5" },
    { "write_metadata:0x5/0xff", "write_metadata:0x5/0xff" },
    { "write_actions(output:1)", "write_actions(output:1)" },
    { "clear_actions", "clear_actions" },
    { "output:1,goto_table:3", "output:1,goto_table:3" },
    { "output:1,clear_actions,write_actions(output:2,resubmit(,3)),"
      "write_metadata:0x1,goto_table:4",
      "output:1,clear_actions,write_actions(output:2,resubmit(,3)),"
      "write_metadata:0x1,goto_table:4" },
    { "output:1 output:2", "output:1,output:2" },
    { "output:1, output:2", "output:1,output:2" },
    { "learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]="
      "NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],"
      "output:NXM_OF_IN_PORT[]), output:1",
      "learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]="
      "NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],"
      "output:NXM_OF_IN_PORT[]),output:1" },
};

START_TEST(test_print)
{
    for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
        char *got = parse_print(prints[i].in, NULL);
        ck_assert_msg(!strcmp(got, prints[i].out),
                      "'%s' printed as '%s', expected '%s'", prints[i].in, got,
                      prints[i].out);
        free(got);
    }
}
END_TEST

START_TEST(test_port_names)
{
    struct portmap map;
    portmap_init(&map);
    portmap_add(&map, "patch-tun", 1);
    portmap_add(&map, "vxlan0", 5);
    char *got =
        parse_print("output:vxlan0,patch-tun,resubmit(vxlan0,2)", &map);
    ck_assert_str_eq(got, "output:vxlan0,output:\"patch-tun\","
                          "resubmit(vxlan0,2)");
    free(got);
    got = parse_print("output:5", NULL);
    ck_assert_str_eq(got, "output:5");
    free(got);
    portmap_destroy(&map);
}
END_TEST

static const struct {
    const char *in;
    const char *msg; /* Expected substring of the error. */
} errors[] = {
    { "foo", "unknown action 'foo'" },
    { "output:1,bogus:3", "unknown action 'bogus', at position 10" },
    { "ct(commit)", "action 'ct' is not supported" },
    { "enqueue:1:2", "action 'enqueue' is not supported" },
    { "group:1", "action 'group' is not supported" },
    { "output:1,drop", "\"drop\" must not be accompanied" },
    { "drop,drop", "\"drop\" must not be accompanied" },
    { "drop:1", "drop takes no argument" },
    { "output", "output needs an argument" },
    { "output:", "output needs an argument" },
    { "output:nosuchport", "unknown port" },
    { "output:0", "unknown port" },
    { "output:70000", "unknown port" },
    { "output:ANY", "output to port NONE is not supported" },
    { "output(port=1,max_len=13)", "less than the minimum value 14" },
    { "output(port=NORMAL,max_len=100)", "cannot truncate output to port "
                                         "NORMAL" },
    { "output(port=1)", "needs both port= and max_len=" },
    { "output(port=1,max_len=20,foo=1)", "invalid key 'foo'" },
    { "mod_nw_ttl:256", "not a valid TTL" },
    { "mod_nw_ecn:4", "not a valid ECN" },
    { "dec_ttl(0x10)", "not a controller id" },
    { "dec_ttl(65536)", "not a controller id" },
    { "dec_ttl:1", "dec_ttl takes no argument" },
    { "output:NXM_NX_REG16[]", "unknown field 'NXM_NX_REG16'" },
    { "output:reg0[40..50]", "reg0" },
    { "strip_vlan:3", "strip_vlan takes no argument" },
    { "normal:1", "normal takes no argument" },
    { "controller:70000", "invalid max_len" },
    { "controller(reason=foo)", "reason=foo: expected no_match" },
    { "controller(userdata=00.01)", "option 'userdata' is not supported" },
    { "controller(bogus=1)", "unknown option 'bogus'" },
    { "resubmit(,)", "at least one of in_port and table must be given" },
    { "resubmit(1,2,ct)", "unknown parameter" },
    { "resubmit(,255)", "table=255: table id out of range (0-254)" },
    { "resubmit(,x)", "table x: not a number" },
    { "resubmit:nosuch", "resubmit: nosuch: unknown port" },
    { "load:0x1ff->NXM_NX_REG0[0..7]", "does not fit into 8 bits" },
    { "load:5->NXM_OF_ETH_TYPE[]", "dl_type is read-only" },
    { "load:xyz->NXM_NX_REG0[]", "load: xyz: not a number" },
    { "load:5", "expected SOURCE->DESTINATION" },
    { "load:5->reg16", "reg16: unknown field" },
    { "load:5->NXM_NX_REG0[0..40]", "NXM_NX_REG0" },
    { "move:reg0[0..7]->reg1[0..15]",
      "source is 8 bits wide but destination is 16 bits wide" },
    { "move:reg0[]->NXM_OF_ETH_TYPE[0..31]", "NXM_OF_ETH_TYPE" },
    { "move:reg0[0..15]->NXM_OF_ETH_TYPE[]", "dl_type is read-only" },
    { "set_field:5->nosuchfield", "set_field: nosuchfield: unknown field" },
    { "set_field:5->dl_type", "dl_type is read-only" },
    { "set_field:zz->reg0", "set_field: " },
    { "set_field:5/0->reg0", "all-zero mask writes nothing" },
    { "set_tunnel:abc", "not a tunnel id" },
    { "mod_dl_src:aa:bb", "mod_dl_src: " },
    { "mod_vlan_vid:4096", "not a valid VLAN VID (0-4095)" },
    { "mod_vlan_pcp:8", "not a valid VLAN PCP (0-7)" },
    { "push_vlan:0x800", "not a valid VLAN ethertype" },
    { "mod_nw_src:1.2.3", "mod_nw_src: " },
    { "mod_nw_tos:17", "the low 2 bits (ECN) must be zero" },
    { "mod_nw_tos:256", "not a valid TOS" },
    { "mod_tp_dst:65536", "not a valid port" },
    { "note:1", "note: bad hex digit" },
    { "note:xyz", "note: bad hex digit" },
    { "goto_table:255", "table id out of range (0-254)" },
    { "goto_table:3,output:1", "invalid instruction ordering" },
    { "goto_table:3,clear_actions", "clear_actions must appear before "
                                    "goto_table" },
    { "goto_table:1,goto_table:2", "may be given only once" },
    { "write_actions(goto_table:1)",
      "goto_table instruction not allowed inside" },
    { "clone(clear_actions)", "not allowed inside" },
    { "write_metadata:xyz", "not a 64-bit number" },
    { "write_metadata:1/zz", "mask zz: not a 64-bit number" },
    { "clone:1", "clone: expected clone(ACTIONS)" },
    { "clone(output:1", "unclosed parenthesis '(', at position 6" },
    { "output:1)", "unbalanced ')'" },
    { "resubmit(,1)x", "unexpected 'x' after ')'" },
    { "=5", "missing name before '='" },
    { "clone(clone(clone(clone(clone(clone(clone(clone(clone(clone(clone("
      "clone(clone(clone(clone(clone(clone(output:1)))))))))))))))))",
      "nested more than 16 deep" },
};

START_TEST(test_errors)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        struct buf b = BUF_INITIALIZER;
        char *err = ofpacts_parse(errors[i].in, NULL, &b);
        ck_assert_msg(err != NULL, "'%s' was accepted", errors[i].in);
        ck_assert_msg(strstr(err, errors[i].msg) != NULL,
                      "'%s': error '%s' lacks '%s'", errors[i].in, err,
                      errors[i].msg);
        ck_assert_msg(strstr(err, "at position ") != NULL,
                      "'%s': error '%s' has no position", errors[i].in, err);
        ck_assert_uint_eq(b.size, 0);
        free(err);
        buf_uninit(&b);
    }
}
END_TEST

static void parse_ok(const char *s, struct buf *b)
{
    buf_init(b);
    char *err = ofpacts_parse(s, NULL, b);
    ck_assert_msg(!err, "'%s': %s", s, err);
}

START_TEST(test_equal_and_out_port)
{
    struct buf a, b, c;
    parse_ok("output:1,resubmit(,2)", &a);
    parse_ok("output:1,resubmit(,2)", &b);
    parse_ok("output:1,resubmit(,3)", &c);
    const struct ofpact *pa = (const void *)a.data;
    const struct ofpact *pb = (const void *)b.data;
    const struct ofpact *pc = (const void *)c.data;
    ck_assert(ofpacts_equal(pa, a.size, pb, b.size));
    ck_assert(!ofpacts_equal(pa, a.size, pc, c.size));
    ck_assert(!ofpacts_equal(pa, a.size, pa, 0));
    ck_assert(ofpacts_output_to_port(pa, a.size, 1));
    ck_assert(!ofpacts_output_to_port(pa, a.size, 2));
    buf_uninit(&a);
    buf_uninit(&b);
    buf_uninit(&c);

    parse_ok("clone(output:7),controller", &a);
    pa = (const void *)a.data;
    ck_assert(ofpacts_output_to_port(pa, a.size, 7));
    ck_assert(ofpacts_output_to_port(pa, a.size, OFPP_CONTROLLER));
    ck_assert(!ofpacts_output_to_port(pa, a.size, 1));

    /* Nested lists are inline: iteration skips over them. */
    const struct ofpact *p;
    int n = 0;
    OFPACT_FOR_EACH (p, pa, a.size) {
        n++;
    }
    ck_assert_int_eq(n, 2);
    size_t inner_len;
    const struct ofpact *inner = ofpact_nest_actions(
        (const struct ofpact_nest *)(const void *)pa, &inner_len);
    ck_assert_int_eq(inner->type, OFPACT_OUTPUT);
    ck_assert_uint_eq(inner_len, inner->len);
    buf_uninit(&a);
}
END_TEST

START_TEST(test_structure)
{
    struct buf b;
    parse_ok("load:0x5->NXM_NX_REG0[8..15],set_tunnel:7,"
             "resubmit(3,1),controller(reason=no_match,max_len=9)",
             &b);
    const struct ofpact *p = (const void *)b.data;
    ck_assert_int_eq(p->type, OFPACT_SET_FIELD);
    const struct ofpact_set_field *sf = (const void *)p;
    ck_assert_str_eq(sf->field->name, "reg0");
    ck_assert_uint_eq(mf_value_to_u64(&sf->value), 0x500);
    ck_assert_uint_eq(mf_value_to_u64(&sf->mask), 0xff00);
    p = ofpact_next(p);
    ck_assert_int_eq(p->type, OFPACT_SET_TUNNEL);
    ck_assert_uint_eq(((const struct ofpact_tunnel *)(const void *)p)->tun_id,
                      7);
    p = ofpact_next(p);
    const struct ofpact_resubmit *r = (const void *)p;
    ck_assert_int_eq(p->type, OFPACT_RESUBMIT);
    ck_assert_uint_eq(r->in_port, 3);
    ck_assert_uint_eq(r->table_id, 1);
    p = ofpact_next(p);
    const struct ofpact_controller *c = (const void *)p;
    ck_assert_int_eq(p->type, OFPACT_CONTROLLER);
    ck_assert_uint_eq(c->max_len, 9);
    ck_assert_uint_eq(c->reason, 0);
    ck_assert(ofpact_next(p) == ofpact_end((const void *)b.data, b.size));
    for (p = (const void *)b.data;
         p < ofpact_end((const void *)b.data, b.size); p = ofpact_next(p)) {
        ck_assert_uint_eq(p->len % OFPACT_ALIGN, 0);
    }
    buf_uninit(&b);
}
END_TEST

static char *check(const char *match_text, const char *actions)
{
    struct match m;
    match_init_catchall(&m);
    if (*match_text) {
        /* One piece: a shorthand ("ip") or "name=value". */
        char *name = xstrdup(match_text);
        char *value = strchr(name, '=');
        if (value) {
            *value++ = '\0';
        }
        char *err = match_parse_piece(&m, name, value, NULL);
        ck_assert_msg(!err, "%s", err);
        free(name);
    }
    struct buf b;
    parse_ok(actions, &b);
    char *err =
        ofpacts_check((const void *)b.data, b.size, &m, "the flow's match");
    buf_uninit(&b);
    return err;
}

START_TEST(test_check)
{
    char *err;
    ck_assert_ptr_null(check("ip", "mod_nw_src:10.0.0.1"));
    ck_assert_ptr_null(check("tcp", "mod_tp_dst:80,mod_nw_tos:8"));
    ck_assert_ptr_null(check("", "load:5->NXM_NX_REG0[],mod_dl_src:"
                                 "00:00:00:00:00:01"));
    ck_assert_ptr_null(check("arp", "load:1->NXM_OF_ARP_OP[]"));
    /* set_field on the VLAN needs a tag, as in OVS: the match's, or one
     * pushed before; mod_vlan_vid pushes its own. */
    ck_assert_ptr_null(check("dl_vlan=3", "set_field:5->vlan_vid"));
    ck_assert_ptr_null(check("", "push_vlan:0x8100,set_field:5->vlan_pcp"));
    ck_assert_ptr_null(check("", "mod_vlan_vid:5,set_field:5->vlan_pcp"));
    ck_assert_ptr_null(check("udp", "set_field:5->udp_dst"));
    err = check("", "set_field:0x1005->vlan_vid");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "no VLAN tag") != NULL, "%s", err);
    free(err);
    err = check("dl_vlan=3", "strip_vlan,set_field:5->vlan_pcp");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "vlan_pcp") != NULL, "%s", err);
    free(err);
    /* tp_src is TCP's in set_field, as in OVS. */
    err = check("udp", "set_field:5->tp_src");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "tcp ports") != NULL, "%s", err);
    free(err);

    err = check("", "mod_nw_src:10.0.0.1");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "nw_src needs ip or arp") != NULL, "%s", err);
    free(err);
    err = check("ip", "mod_tp_dst:80");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "tp_src") != NULL, "%s", err);
    free(err);
    err = check("", "clone(load:1->NXM_OF_IP_SRC[])");
    ck_assert_ptr_nonnull(err);
    free(err);
    err = check("", "move:NXM_OF_IP_SRC[]->NXM_NX_REG0[]");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "move: reading nw_src") != NULL, "%s", err);
    free(err);
    err = check("arp", "output:NXM_OF_TCP_SRC[]");
    ck_assert_ptr_nonnull(err);
    free(err);
}
END_TEST

/* ap_set_ones() fills whole bytes at once; every (ofs, n_bits) must give
 * what setting the bits one at a time gives, on top of existing bits. */
/* Names come from the one table of action types; exactly the four
 * OpenFlow 1.1 instructions are instructions. */
START_TEST(test_names_and_instructions)
{
    ck_assert_str_eq(ofpact_name(OFPACT_OUTPUT), "output");
    ck_assert_str_eq(ofpact_name(OFPACT_GOTO_TABLE), "goto_table");
    ck_assert_str_eq(ofpact_name(N_OFPACTS), "?");
    int n = 0;
    for (int t = 0; t < N_OFPACTS; t++) {
        ck_assert_ptr_nonnull(ofpact_name(t));
        n += ofpact_is_instruction(t);
    }
    ck_assert_int_eq(n, 4);
    ck_assert(ofpact_is_instruction(OFPACT_CLEAR_ACTIONS));
    ck_assert(ofpact_is_instruction(OFPACT_WRITE_ACTIONS));
    ck_assert(ofpact_is_instruction(OFPACT_WRITE_METADATA));
    ck_assert(ofpact_is_instruction(OFPACT_GOTO_TABLE));
    ck_assert(!ofpact_is_instruction(OFPACT_RESUBMIT));
}
END_TEST

START_TEST(test_set_ones)
{
    for (unsigned ofs = 0; ofs <= 128; ofs++) {
        for (unsigned n = 0; n <= 130; n++) {
            union mf_value v, want;
            memset(&v, 0, sizeof v);
            v.b[3] = 0x5a; /* Bits already set stay set. */
            want = v;
            for (unsigned i = ofs; i < ofs + n && i < 128; i++) {
                want.b[15 - i / 8] |= (uint8_t)(1u << (i % 8));
            }
            ap_set_ones(&v, ofs, n);
            ck_assert_msg(!memcmp(&v, &want, sizeof v), "ofs %u n %u", ofs, n);
        }
    }
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("actions");
    TCase *tc = tcase_create("actions");
    tcase_add_test(tc, test_print);
    tcase_add_test(tc, test_port_names);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_equal_and_out_port);
    tcase_add_test(tc, test_structure);
    tcase_add_test(tc, test_check);
    tcase_add_test(tc, test_set_ones);
    tcase_add_test(tc, test_names_and_instructions);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
