/* Unit tests for flow text: the article's nine flows, round trips,
 * keywords per mode, positions in errors, typographic quotes, the
 * multi-line parser, and dump-flows lines with and without stats. */
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "check-main.h"
#include "ds.h"
#include "flowmod.h"
#include "portmap.h"

static void print_fm(const struct flow_mod *fm, const struct portmap *ports,
                     struct ds *ds)
{
    struct flow_print fp;
    memset(&fp, 0, sizeof fp);
    fp.match = &fm->match;
    fp.priority = fm->priority;
    fp.table_id = fm->table_id;
    fp.cookie = fm->cookie;
    fp.idle_timeout = fm->idle_timeout;
    fp.hard_timeout = fm->hard_timeout;
    fp.importance = fm->importance;
    fp.flags = fm->flags;
    fp.ofpacts = (const void *)fm->ofpacts.data;
    fp.ofpacts_len = fm->ofpacts.size;
    fp.hard_age = -1;
    /* parse-flows' rendering: everything the flow mod holds. */
    fp.show_flags = fp.show_importance = true;
    flow_print_format(&fp, ports, ds);
}

static bool fm_equal(const struct flow_mod *a, const struct flow_mod *b)
{
    return match_equal(&a->match, &b->match) && a->priority == b->priority
           && a->table_id == b->table_id && a->cookie == b->cookie
           && a->idle_timeout == b->idle_timeout
           && a->hard_timeout == b->hard_timeout
           && a->importance == b->importance && a->flags == b->flags
           && ofpacts_equal((const void *)a->ofpacts.data, a->ofpacts.size,
                            (const void *)b->ofpacts.data, b->ofpacts.size);
}

/* Parses for add, prints without stats, and checks the round trip. */
static char *parse_print(const char *text, const struct portmap *ports)
{
    struct flow_mod fm, fm2;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm, text, FM_PARSE_ADD, ports);
    if (err) {
        char *msg = xasprintf("ERROR: %s", err);
        free(err);
        flow_mod_uninit(&fm);
        return msg;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    print_fm(&fm, ports, &ds);
    flow_mod_init(&fm2, FM_ADD);
    err = flow_mod_parse(&fm2, ds_cstr(&ds), FM_PARSE_ADD, ports);
    ck_assert_msg(!err, "reparse of '%s': %s", ds_cstr(&ds), err);
    ck_assert_msg(fm_equal(&fm, &fm2), "round trip of '%s' changed it", text);
    flow_mod_uninit(&fm);
    flow_mod_uninit(&fm2);
    return ds_steal_cstr(&ds);
}

/* Parses 'text' and prints it as a dump without statistics does. */
static char *parse_print_text(const char *text)
{
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    char *err = flow_mod_parse(&fm, text, FM_PARSE_ADD, NULL);
    ck_assert_msg(!err, "reparse of '%s': %s", text, err ? err : "");
    struct flow_print fp;
    memset(&fp, 0, sizeof fp);
    fp.match = &fm.match;
    fp.priority = fm.priority;
    fp.table_id = fm.table_id;
    fp.flags = fm.flags;
    fp.ofpacts = (const void *)fm.ofpacts.data;
    fp.ofpacts_len = fm.ofpacts.size;
    fp.hard_age = -1;
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_print_format(&fp, NULL, &ds);
    flow_mod_uninit(&fm);
    return ds_steal_cstr(&ds);
}

/* The article's commands (with plain quotes) and ovs-ofctl's output. */
static const struct {
    const char *in;
    const char *out;
} article[] = {
    { "table=0,priority=1,in_port=1 actions=resubmit(,1)",
      " priority=1,in_port=1 actions=resubmit(,1)" },
    { "table=0,priority=1,in_port=5 actions=resubmit(,2)",
      " priority=1,in_port=5 actions=resubmit(,2)" },
    { "table=0,priority=1,in_port=6 actions=resubmit(,2)",
      " priority=1,in_port=6 actions=resubmit(,2)" },
    { "table=0,priority=0,actions=drop", " priority=0 actions=drop" },
    { "table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,"
      "actions=resubmit(,20)",
      " table=1, priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00 "
      "actions=resubmit(,20)" },
    { "table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
      "actions=resubmit(,21)",
      " table=1, priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 "
      "actions=resubmit(,21)" },
    { "table=2,priority=0,actions=learn(table=20,hard_timeout=300,"
      "priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->"
      "NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]), output:1",
      " table=2, priority=0 actions=learn(table=20,hard_timeout=300,"
      "priority=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->"
      "NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]),output:1" },
    { "table=20,priority=0,actions=resubmit(,21)",
      " table=20, priority=0 actions=resubmit(,21)" },
    { "table=21,priority=0,actions=output:5,output:6",
      " table=21, priority=0 actions=output:5,output:6" },
};

START_TEST(test_article)
{
    for (size_t i = 0; i < sizeof article / sizeof article[0]; i++) {
        char *got = parse_print(article[i].in, NULL);
        ck_assert_msg(!strcmp(got, article[i].out), "'%s' -> '%s'",
                      article[i].in, got);
        free(got);
    }
}
END_TEST

static const struct {
    const char *in;
    const char *out;
} flows[] = {
    /* White space as separator, keywords anywhere before actions. */
    { "priority=5 in_port=3 actions=output:1",
      " priority=5,in_port=3 actions=output:1" },
    { "  in_port=3\tpriority=5,,actions=output:1  ",
      " priority=5,in_port=3 actions=output:1" },
    { "actions=normal", " actions=NORMAL" },
    { "actions=", " actions=drop" },
    { "priority=32768,actions=drop", " actions=drop" },
    { "cookie=0x10,table=3,ip,actions=normal",
      " cookie=0x10, table=3, ip actions=NORMAL" },
    { "idle_timeout=5,hard_timeout=10,priority=7,ip,actions=normal",
      " idle_timeout=5, hard_timeout=10, priority=7,ip actions=NORMAL" },
    { "send_flow_rem,check_overlap,actions=drop",
      " send_flow_rem check_overlap actions=drop" },
    { "importance=3,priority=1,actions=drop",
      " importance=3, priority=1 actions=drop" },
    { "tcp,tp_dst=80,actions=mod_tp_dst:8080,mod_nw_tos:8",
      " tcp,tp_dst=80 actions=mod_tp_dst:8080,mod_nw_tos:8" },
    { "ip,nw_src=10.0.0.0/8,actions=learn(dl_type=0x800,"
      "NXM_OF_IP_DST[]=NXM_OF_IP_SRC[]),resubmit(,3)",
      " ip,nw_src=10.0.0.0/8 actions=learn(table=1,eth_type=0x800,"
      "NXM_OF_IP_DST[]=NXM_OF_IP_SRC[]),resubmit(,3)" },
    { "tun_id=0x64,actions=set_field:0x65->tun_id,output:2",
      " tun_id=0x64 actions=load:0x65->NXM_NX_TUN_ID[],output:2" },
    /* A dump-flows line with statistics feeds back in. */
    { " cookie=0x0, duration=164.902s, table=20, n_packets=36, "
      "n_bytes=3360, hard_timeout=300, idle_age=19, hard_age=19, "
      "priority=1,dl_dst=ee:2c:09:42:0e:46 "
      "actions=load:0->NXM_NX_TUN_ID[],output:6",
      " table=20, hard_timeout=300, priority=1,dl_dst=ee:2c:09:42:0e:46 "
      "actions=load:0->NXM_NX_TUN_ID[],output:6" },
};

/* Flows OpenFlow 1.0 cannot carry (an instruction, push_vlan) print as
 * ovs-ofctl -O OpenFlow13 dump-flows prints them: each expected line is
 * what OVS 3.1 printed for the input.  The text is a fixed point. */
static const struct {
    const char *in;
    const char *out;
} of13[] = {
    { "tcp,actions=mod_nw_src:1.2.3.4,mod_nw_dst:1.2.3.5,mod_nw_tos:8,"
      "mod_tp_src:1,mod_tp_dst:2,goto_table:1",
      " tcp actions=set_field:1.2.3.4->ip_src,set_field:1.2.3.5->ip_dst,"
      "set_field:2->ip_dscp,set_field:1->tcp_src,set_field:2->tcp_dst,"
      "goto_table:1" },
    { "udp,actions=mod_tp_src:1,set_field:5->udp_dst,goto_table:1",
      " udp actions=set_field:1->udp_src,set_field:5->udp_dst,goto_table:1" },
    { "dl_vlan=5,actions=mod_vlan_vid:7,mod_vlan_pcp:2,strip_vlan,"
      "goto_table:1",
      " dl_vlan=5 actions=set_field:4103->vlan_vid,set_field:2->vlan_pcp,"
      "pop_vlan,goto_table:1" },
    { "actions=mod_vlan_vid:7,goto_table:1",
      " actions=push_vlan:0x8100,set_field:4103->vlan_vid,goto_table:1" },
    { "ip,actions=set_field:5->ip_dscp,set_field:3->ip_ecn,mod_nw_ecn:2,"
      "set_field:8->nw_tos,dec_ttl,goto_table:1",
      " ip actions=set_field:5->ip_dscp,set_field:3->nw_ecn,"
      "set_field:2->nw_ecn,set_field:8->nw_tos,dec_ttl,goto_table:1" },
    { "ipv6,actions=set_field:::1->ipv6_src,set_field:5->ipv6_label,"
      "goto_table:1",
      " ipv6 actions=set_field:::1->ipv6_src,set_field:0x5->ipv6_label,"
      "goto_table:1" },
    { "ip,actions=mod_nw_ttl:5,set_field:5->nw_ttl,write_actions("
      "set_field:5->reg0,mod_dl_src:00:00:00:00:00:01,output:1),goto_table:1",
      " ip actions=mod_nw_ttl:5,set_field:5->nw_ttl,write_actions("
      "set_field:0x5->reg0,set_field:00:00:00:00:00:01->eth_src,output:1),"
      "goto_table:1" },
    { "actions=set_tunnel:5,set_tunnel64:6,load:7->tun_id,goto_table:1",
      " actions=set_field:0x5->tun_id,set_field:0x6->tun_id,"
      "load:0x7->NXM_NX_TUN_ID[],goto_table:1" },
    { "table=1,send_flow_rem,check_overlap,actions=goto_table:2",
      " table=1, send_flow_rem check_overlap actions=goto_table:2" },
};

START_TEST(test_of13_view)
{
    for (size_t i = 0; i < sizeof of13 / sizeof of13[0]; i++) {
        struct flow_mod fm;
        flow_mod_init(&fm, FM_ADD);
        char *err = flow_mod_parse(&fm, of13[i].in, FM_PARSE_ADD, NULL);
        ck_assert_msg(!err, "%s: %s", of13[i].in, err ? err : "");
        struct flow_print fp;
        memset(&fp, 0, sizeof fp);
        fp.match = &fm.match;
        fp.priority = fm.priority;
        fp.table_id = fm.table_id;
        fp.flags = fm.flags;
        fp.ofpacts = (const void *)fm.ofpacts.data;
        fp.ofpacts_len = fm.ofpacts.size;
        fp.hard_age = -1;
        struct ds ds = DS_EMPTY_INITIALIZER;
        flow_print_format(&fp, NULL, &ds);
        ck_assert_msg(!strcmp(ds_cstr(&ds), of13[i].out), "'%s' -> '%s'",
                      of13[i].in, ds_cstr(&ds));
        char *again = parse_print_text(ds_cstr(&ds));
        ck_assert_msg(!strcmp(again, ds_cstr(&ds)), "'%s' -> '%s'",
                      ds_cstr(&ds), again);
        free(again);
        ds_destroy(&ds);
        flow_mod_uninit(&fm);
    }
}
END_TEST

START_TEST(test_flows)
{
    for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++) {
        char *got = parse_print(flows[i].in, NULL);
        ck_assert_msg(!strcmp(got, flows[i].out), "'%s' -> '%s'", flows[i].in,
                      got);
        free(got);
    }
}
END_TEST

static char *parse_err(const char *text, enum fm_parse_mode mode)
{
    struct flow_mod fm;
    flow_mod_init(&fm, mode == FM_PARSE_ADD ? FM_ADD : FM_DELETE);
    char *err = flow_mod_parse(&fm, text, mode, NULL);
    /* On error the flow mod is left empty. */
    if (err) {
        ck_assert(match_is_catchall(&fm.match));
        ck_assert_uint_eq(fm.ofpacts.size, 0);
        ck_assert(!fm.has_actions);
    }
    flow_mod_uninit(&fm);
    return err;
}

static const struct {
    const char *in;
    enum fm_parse_mode mode;
    const char *msg;
} errors[] = {
    { "table=0,priority=1,in_port=6 actions=resubmit(,2)\xe2\x80\x9d",
      FM_PARSE_ADD,
      "typographic quote '\xe2\x80\x9d' at position 50: use a plain ASCII "
      "quote (\") in the shell" },
    { "\xe2\x80\x9ctable=0,actions=drop", FM_PARSE_ADD,
      "typographic quote '\xe2\x80\x9c' at position 1" },
    { "in_port=1,actions=note:\xe2\x80\x98", FM_PARSE_ADD,
      "typographic quote" },
    { "in_port=1,actions=drop\xc3\xa9", FM_PARSE_ADD,
      "non-ASCII character in flow text, at position 23" },
    { "table=255,actions=drop", FM_PARSE_ADD,
      "table=255: table id out of range (0-254), at position 1" },
    { "table=300,actions=drop", FM_PARSE_DELETE, "table id out of range" },
    { "table=x,actions=drop", FM_PARSE_ADD, "table=x: expected a number" },
    { "priority=65536,actions=drop", FM_PARSE_ADD, "priority=65536" },
    { "priority,actions=drop", FM_PARSE_ADD, "priority needs a value" },
    { "priority=1,priority=2,actions=drop", FM_PARSE_ADD,
      "priority given twice, at position 12" },
    { "idle_timeout=-1,actions=drop", FM_PARSE_ADD, "idle_timeout=-1" },
    { "in_port=1", FM_PARSE_ADD, "must specify an action" },
    { "in_port=1,actions=drop", FM_PARSE_DELETE,
      "actions are not allowed when deleting flows, at position 11" },
    { "in_port=1,actions=drop", FM_PARSE_DUMP,
      "actions are not allowed when dumping" },
    { "out_port=1,actions=drop", FM_PARSE_ADD,
      "out_port is only allowed when deleting or dumping" },
    { "out_port=nosuch", FM_PARSE_DELETE, "out_port=nosuch: unknown port" },
    { "cookie=1/1,actions=drop", FM_PARSE_ADD,
      "a cookie mask is only allowed when" },
    { "cookie=1", FM_PARSE_DELETE, "deleting by cookie needs a mask" },
    { "cookie=zz/1", FM_PARSE_DELETE, "cookie=zz/1: not a 64-bit number" },
    { "hard_timeout=5", FM_PARSE_DUMP,
      "hard_timeout is not allowed when dumping flows" },
    { "send_flow_rem", FM_PARSE_DELETE, "send_flow_rem is not allowed" },
    { "send_flow_rem=1,actions=drop", FM_PARSE_ADD,
      "send_flow_rem takes no value" },
    { "in_port=1,actions=learn(table=20", FM_PARSE_ADD,
      "unclosed parenthesis '(', at position 24" },
    { "in_port=1,actions=resubmit(,1", FM_PARSE_ADD, "unclosed parenthesis" },
    { "in_port=1,actions=output:1)", FM_PARSE_ADD, "unbalanced ')'" },
    { "in_port=1 actions=frobnicate", FM_PARSE_ADD,
      "unknown action 'frobnicate', at position 19" },
    { "in_port=1,actions=output:1,priority=3", FM_PARSE_ADD,
      "unknown action 'priority'" },
    { "nw_src=10.0.0.1,actions=drop", FM_PARSE_ADD, "nw_src" },
    { "ip,actions=mod_tp_dst:80", FM_PARSE_ADD,
      "writing tp_src is inconsistent with the flow's match" },
    { "actions=mod_nw_src:1.2.3.4", FM_PARSE_ADD, "nw_src needs ip or arp" },
    { "in_port:1,actions=drop", FM_PARSE_ADD, "in_port:: expected a match" },
    { "bogus_field=1,actions=drop", FM_PARSE_ADD, "bogus_field" },
    { "in_port=,actions=drop", FM_PARSE_ADD, "in_port=: missing value" },
    { "action=drop", FM_PARSE_ADD, "write actions=ACTIONS" },
    { "in_port=1,actions=output:1\x01", FM_PARSE_ADD,
      "control character 0x01" },
    /* Outside --strict a priority would be ignored: del-flows
     * "table=3,priority=1" must not empty table 3. */
    { "table=3,priority=1", FM_PARSE_DELETE,
      "priority is only allowed with --strict when deleting flows "
      "(without --strict, flows of every priority match), at position 9" },
    { "priority=1", FM_PARSE_DUMP,
      "priority is only allowed with --strict when dumping flows" },
};

START_TEST(test_errors)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        char *err = parse_err(errors[i].in, errors[i].mode);
        ck_assert_msg(err != NULL, "'%s' was accepted", errors[i].in);
        ck_assert_msg(strstr(err, errors[i].msg) != NULL,
                      "'%s': error '%s' lacks '%s'", errors[i].in, err,
                      errors[i].msg);
        free(err);
    }
}
END_TEST

START_TEST(test_modes)
{
    struct flow_mod fm;
    flow_mod_init(&fm, FM_DELETE_STRICT);
    char *err = flow_mod_parse(&fm,
                               "table=3,cookie=0x10/0xf0,out_port=5,"
                               "priority=9,in_port=1",
                               FM_PARSE_DELETE, NULL);
    ck_assert_ptr_null(err);
    ck_assert_int_eq(fm.command, FM_DELETE_STRICT);
    ck_assert_uint_eq(fm.table_id, 3);
    ck_assert_uint_eq(fm.cookie, 0x10);
    ck_assert_uint_eq(fm.cookie_mask, 0xf0);
    ck_assert_uint_eq(fm.out_port, 5);
    ck_assert_uint_eq(fm.priority, 9);
    ck_assert(!fm.has_actions);
    flow_mod_uninit(&fm);

    /* Delete and dump default to every table; add to table 0. */
    flow_mod_init(&fm, FM_DELETE);
    ck_assert_ptr_null(flow_mod_parse(&fm, "", FM_PARSE_DUMP, NULL));
    ck_assert_uint_eq(fm.table_id, FM_TABLE_ALL);
    ck_assert_uint_eq(fm.out_port, OFPP_ANY);
    ck_assert(match_is_catchall(&fm.match));
    flow_mod_uninit(&fm);
    flow_mod_init(&fm, FM_ADD);
    ck_assert_ptr_null(
        flow_mod_parse(&fm, "actions=drop", FM_PARSE_ADD, NULL));
    ck_assert_uint_eq(fm.table_id, 0);
    ck_assert(fm.has_actions);
    ck_assert_uint_eq(fm.ofpacts.size, 0);
    flow_mod_uninit(&fm);

    /* Modify: actions optional, cookie mask allowed. */
    flow_mod_init(&fm, FM_MODIFY);
    ck_assert_ptr_null(
        flow_mod_parse(&fm, "cookie=1/-1,in_port=2", FM_PARSE_MODIFY, NULL));
    ck_assert_uint_eq(fm.cookie_mask, UINT64_MAX);
    ck_assert(!fm.has_actions);
    flow_mod_uninit(&fm);

    /* Port names. */
    struct portmap map;
    portmap_init(&map);
    portmap_add(&map, "vxlan0", 5);
    flow_mod_init(&fm, FM_DELETE);
    ck_assert_ptr_null(
        flow_mod_parse(&fm, "out_port=vxlan0", FM_PARSE_DUMP, &map));
    ck_assert_uint_eq(fm.out_port, 5);
    flow_mod_uninit(&fm);
    char *got = parse_print("in_port=vxlan0,actions=output:vxlan0", &map);
    ck_assert_str_eq(got, " in_port=vxlan0 actions=output:vxlan0");
    free(got);
    portmap_destroy(&map);
}
END_TEST

START_TEST(test_print_stats)
{
    struct flow_mod fm;
    flow_mod_init(&fm, FM_ADD);
    ck_assert_ptr_null(flow_mod_parse(
        &fm,
        "table=20,priority=1,hard_timeout=300,"
        "dl_dst=ee:2c:09:42:0e:46,actions=load:0->NXM_NX_TUN_ID[],"
        "output:6",
        FM_PARSE_ADD, NULL));
    struct flow_print fp;
    memset(&fp, 0, sizeof fp);
    fp.match = &fm.match;
    fp.priority = fm.priority;
    fp.table_id = fm.table_id;
    fp.hard_timeout = fm.hard_timeout;
    fp.ofpacts = (const void *)fm.ofpacts.data;
    fp.ofpacts_len = fm.ofpacts.size;
    fp.show_stats = true;
    fp.show_ages = true; /* The plain OpenFlow 1.0 dump. */
    fp.duration_msec = 164902;
    fp.n_packets = 36;
    fp.n_bytes = 3360;
    fp.idle_age = 19;
    fp.hard_age = 19;
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=164.902s, table=20, "
                     "n_packets=36, n_bytes=3360, hard_timeout=300, "
                     "idle_age=19, hard_age=19, "
                     "priority=1,dl_dst=ee:2c:09:42:0e:46 "
                     "actions=load:0->NXM_NX_TUN_ID[],output:6");
    /* Never modified: no hard_age.  Table 0 still shown with stats. */
    ds_clear(&ds);
    fp.hard_age = -1;
    fp.table_id = 0;
    fp.duration_msec = 5;
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=0.005s, table=0, "
                     "n_packets=36, n_bytes=3360, hard_timeout=300, "
                     "idle_age=19, priority=1,dl_dst=ee:2c:09:42:0e:46 "
                     "actions=load:0->NXM_NX_TUN_ID[],output:6");
    flow_mod_uninit(&fm);

    /* No match, default priority: "idle_age=0, actions=drop". */
    flow_mod_init(&fm, FM_ADD);
    ck_assert_ptr_null(
        flow_mod_parse(&fm, "actions=drop", FM_PARSE_ADD, NULL));
    memset(&fp, 0, sizeof fp);
    fp.match = &fm.match;
    fp.priority = fm.priority;
    fp.show_stats = true;
    fp.show_ages = true;
    fp.hard_age = -1;
    ds_clear(&ds);
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=0s, table=0, n_packets=0, "
                     "n_bytes=0, idle_age=0, actions=drop");
    /* Whole milliseconds print with exactly three decimals, as
     * ovs-ofctl 3.1 prints them. */
    fp.duration_msec = 1830;
    ds_clear(&ds);
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=1.830s, table=0, n_packets=0, "
                     "n_bytes=0, idle_age=0, actions=drop");
    fp.duration_msec = 40;
    ds_clear(&ds);
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=0.040s, table=0, n_packets=0, "
                     "n_bytes=0, idle_age=0, actions=drop");
    /* hard_age only when it says more than the duration: modified 1 s
     * after it was added, 5.04 s ago. */
    fp.duration_msec = 5040;
    fp.hard_age = 4;
    ds_clear(&ds);
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=5.040s, table=0, n_packets=0, "
                     "n_bytes=0, idle_age=0, hard_age=4, actions=drop");
    fp.hard_age = 5; /* Modified within the second it was added. */
    ds_clear(&ds);
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=5.040s, table=0, n_packets=0, "
                     "n_bytes=0, idle_age=0, actions=drop");
    /* Without ages (--names, --sort, OpenFlow 1.3): none, and flags only
     * where the version carries them. */
    fp.show_ages = false;
    fp.flags = FM_F_SEND_FLOW_REM;
    fp.importance = 3;
    ds_clear(&ds);
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=5.040s, table=0, n_packets=0, "
                     "n_bytes=0, actions=drop");
    fp.show_flags = true;
    ds_clear(&ds);
    flow_print_format(&fp, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " cookie=0x0, duration=5.040s, table=0, n_packets=0, "
                     "n_bytes=0, send_flow_rem actions=drop");
    ds_destroy(&ds);
    flow_mod_uninit(&fm);
}
END_TEST

START_TEST(test_parse_text)
{
    struct flow_mod *fms;
    size_t n;
    char *err = flow_mods_parse_text(
        "# br-tun flows\n"
        "\n"
        "table=0,priority=1,in_port=1 actions=resubmit(,1)\n"
        "   # indented comment\n"
        "table=21,priority=0,actions=output:5,output:6\r\n"
        "  \t\n"
        "table=2,priority=0,actions=drop",
        FM_PARSE_ADD, NULL, &fms, &n);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(fms[0].table_id, 0);
    ck_assert_uint_eq(fms[1].table_id, 21);
    ck_assert_uint_eq(fms[2].table_id, 2);
    ck_assert_int_eq(fms[1].command, FM_ADD);
    struct ds ds = DS_EMPTY_INITIALIZER;
    print_fm(&fms[1], NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     " table=21, priority=0 actions=output:5,output:6");
    ds_destroy(&ds);
    flow_mods_free(fms, n);

    err = flow_mods_parse_text("actions=drop\n# c\ntable=255,actions=drop\n",
                               FM_PARSE_ADD, NULL, &fms, &n);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_eq(err, "line 3: table=255: table id out of range "
                          "(0-254), at position 1");
    ck_assert_ptr_null(fms);
    ck_assert_uint_eq(n, 0);
    free(err);

    err = flow_mods_parse_text("", FM_PARSE_DELETE, NULL, &fms, &n);
    ck_assert_ptr_null(err);
    ck_assert_uint_eq(n, 0);
    flow_mods_free(fms, n);

    err = flow_mods_parse_text("in_port=1\nin_port=2,actions=drop\n",
                               FM_PARSE_DELETE, NULL, &fms, &n);
    ck_assert_ptr_nonnull(err);
    ck_assert(str_starts_with(err, "line 2: actions are not allowed"));
    free(err);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("flowmod");
    TCase *tc = tcase_create("flowmod");
    tcase_add_test(tc, test_article);
    tcase_add_test(tc, test_of13_view);
    tcase_add_test(tc, test_flows);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_modes);
    tcase_add_test(tc, test_print_stats);
    tcase_add_test(tc, test_parse_text);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
