/* Unit tests for learn(...): every argument form, printing as ovs-ofctl
 * does, round trips, errors, and learn_execute() building the learned
 * flow from a packet key. */
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "buf.h"
#include "check-main.h"
#include "ds.h"
#include "match.h"

static char *parse_print(const char *s)
{
    struct buf b = BUF_INITIALIZER;
    char *err = ofpacts_parse(s, NULL, &b);
    if (err) {
        char *msg = xasprintf("ERROR: %s", err);
        free(err);
        buf_uninit(&b);
        return msg;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    ofpacts_format((const void *)b.data, b.size, NULL, &ds);
    struct buf b2 = BUF_INITIALIZER;
    char *err2 = ofpacts_parse(ds_cstr(&ds), NULL, &b2);
    ck_assert_msg(!err2, "reparse of '%s': %s", ds_cstr(&ds), err2);
    ck_assert_msg(ofpacts_equal((const void *)b.data, b.size,
                                (const void *)b2.data, b2.size),
                  "round trip of '%s' changed it", s);
    buf_uninit(&b);
    buf_uninit(&b2);
    return ds_steal_cstr(&ds);
}

static const struct {
    const char *in;
    const char *out;
} prints[] = {
    /* The article's learn. */
    { "learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]="
      "NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],"
      "output:NXM_OF_IN_PORT[])",
      "learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]="
      "NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],"
      "output:NXM_OF_IN_PORT[])" },
    /* Defaults: table 1 always printed, priority 32768 omitted. */
    { "learn()", "learn(table=1)" },
    /* limit= as ovs-ofctl 3.1 parse-flow prints it: after cookie, 0 is
     * no limit and not printed. */
    { "learn(table=20,limit=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
      "output:NXM_OF_IN_PORT[])",
      "learn(table=20,limit=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
      "output:NXM_OF_IN_PORT[])" },
    { "learn(limit=4096,table=20,cookie=0x5,delete_learned,priority=1,"
      "hard_timeout=300,NXM_OF_VLAN_TCI[0..11])",
      "learn(table=20,hard_timeout=300,priority=1,delete_learned,"
      "cookie=0x5,limit=4096,NXM_OF_VLAN_TCI[0..11])" },
    { "learn(limit=0,table=2)", "learn(table=2)" },
    { "learn(table=2,limit=4294967295)", "learn(table=2,limit=4294967295)" },
    { "learn(table=0)", "learn(table=0)" },
    { "learn(priority=32768)", "learn(table=1)" },
    /* Every keyword, in OVS's print order whatever the input order. */
    { "learn(priority=5,fin_hard_timeout=7,fin_idle_timeout=1,"
      "hard_timeout=3,idle_timeout=2,cookie=0x10,table=3,delete_learned,"
      "send_flow_rem)",
      "learn(table=3,idle_timeout=2,hard_timeout=3,fin_idle_timeout=1,"
      "fin_hard_timeout=7,priority=5,send_flow_rem,delete_learned,"
      "cookie=0x10)" },
    { "learn(priority=0,table=254,hard_timeout=65535)",
      "learn(table=254,hard_timeout=65535,priority=0)" },
    /* field=value with the field's syntax, OVS's names when printed. */
    { "learn(eth_dst=aa:bb:cc:dd:ee:ff)",
      "learn(table=1,eth_dst=aa:bb:cc:dd:ee:ff)" },
    { "learn(dl_src=aa:bb:cc:dd:ee:ff)",
      "learn(table=1,eth_src=aa:bb:cc:dd:ee:ff)" },
    { "learn(tun_id=0x5)", "learn(table=1,tun_id=0x5)" },
    { "learn(reg0=5)", "learn(table=1,reg0=0x5)" },
    { "learn(in_port=LOCAL)", "learn(table=1,in_port=LOCAL)" },
    { "learn(in_port=99)", "learn(table=1,in_port=99)" },
    { "learn(dl_type=0x800,nw_src=10.0.0.1)",
      "learn(table=1,eth_type=0x800,ip_src=10.0.0.1)" },
    { "learn(dl_type=0x800,nw_proto=6,tp_dst=80)",
      "learn(table=1,eth_type=0x800,nw_proto=6,tcp_dst=80)" },
    /* subfield=constant */
    { "learn(NXM_NX_REG0[0..3]=5)", "learn(table=1,NXM_NX_REG0[0..3]=0x5)" },
    /* field[]=src[] and bare field[] */
    { "learn(NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[])",
      "learn(table=1,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]="
      "NXM_OF_ETH_SRC[])" },
    { "learn(eth_src[])", "learn(table=1,NXM_OF_ETH_SRC[])" },
    { "learn(reg1[0..7]=reg2[8..15])",
      "learn(table=1,NXM_NX_REG1[0..7]=NXM_NX_REG2[8..15])" },
    { "learn(reg1[8..15]=reg1[0..7])",
      "learn(table=1,NXM_NX_REG1[8..15]=NXM_NX_REG1[0..7])" },
    /* load:value->dst[], load:src[]->dst[] */
    { "learn(load:0->NXM_NX_TUN_ID[])",
      "learn(table=1,load:0->NXM_NX_TUN_ID[])" },
    { "learn(load:5->NXM_NX_REG1[0..3])",
      "learn(table=1,load:0x5->NXM_NX_REG1[0..3])" },
    { "learn(load:reg2[]->reg3[])",
      "learn(table=1,load:NXM_NX_REG2[]->NXM_NX_REG3[])" },
    /* output:src[] */
    { "learn(output:reg0[])", "learn(table=1,output:NXM_NX_REG0[])" },
    { "learn(output:NXM_NX_REG4[0..15])",
      "learn(table=1,output:NXM_NX_REG4[0..15])" },
    /* Everything at once, spaces tolerated. */
    { "learn(table=1,priority=32768,idle_timeout=10,fin_idle_timeout=5,"
      "fin_hard_timeout=6,cookie=0x5,delete_learned,send_flow_rem,"
      "in_port=99,NXM_NX_REG0[0..3]=5, load:5->NXM_NX_REG1[],"
      "load:NXM_NX_REG2[]->NXM_NX_REG3[],output:NXM_NX_REG4[0..15])",
      "learn(table=1,idle_timeout=10,fin_idle_timeout=5,fin_hard_timeout=6,"
      "send_flow_rem,delete_learned,cookie=0x5,in_port=99,"
      "NXM_NX_REG0[0..3]=0x5,load:0x5->NXM_NX_REG1[],"
      "load:NXM_NX_REG2[]->NXM_NX_REG3[],output:NXM_NX_REG4[0..15])" },
};

START_TEST(test_print)
{
    for (size_t i = 0; i < sizeof prints / sizeof prints[0]; i++) {
        char *got = parse_print(prints[i].in);
        ck_assert_msg(!strcmp(got, prints[i].out),
                      "'%s' printed as '%s', expected '%s'", prints[i].in, got,
                      prints[i].out);
        free(got);
    }
}
END_TEST

static const struct {
    const char *in;
    const char *msg;
} errors[] = {
    { "learn(foo=1)", "unknown keyword or field 'foo'" },
    { "learn(table=255)", "table=255: table id out of range (0-254)" },
    { "learn(table=x)", "table=x: expected a number" },
    { "learn(priority=70000)", "priority=70000: expected a number from 0" },
    { "learn(hard_timeout)", "hard_timeout needs a value" },
    { "learn(send_flow_rem=1)", "send_flow_rem takes no value" },
    { "learn(result_dst=reg0[1])", "result_dst is not supported" },
    { "learn(limit=4294967296)", "limit=4294967296: expected a number "
                                 "from 0 to 4294967295" },
    { "learn(limit)", "limit needs a value" },
    { "learn(reg0[0..7]=reg1[0..15])",
      "bit widths of NXM_NX_REG0[0..7] (8) and NXM_NX_REG1[0..15] (16) "
      "differ" },
    { "learn(load:reg0[0..7]->reg1[0..15])", "bit widths" },
    { "learn(load:0x1ff->reg0[0..7])",
      "value 0x1ff does not fit into 8 bits" },
    { "learn(NXM_NX_REG0[0..3]=0x10)", "does not fit into 4 bits" },
    { "learn(reg0=5/0xff)", "masks are not allowed in learn" },
    { "learn(eth_dst=zz)", "learn: " },
    { "learn(load:5->NXM_OF_ETH_TYPE[])", "dl_type is read-only" },
    { "learn(load:5)", "load needs load:SOURCE->DESTINATION[]" },
    { "learn(load:5->reg16)", "reg16: unknown field" },
    { "learn(output)", "output needs output:FIELD[]" },
    { "learn(output:5)", "5: unknown field" },
    { "learn(NXM_OF_IP_DST[]=NXM_OF_IP_SRC[])",
      "cannot use nw_dst without its prerequisites" },
    { "learn(nw_src=10.0.0.1)", "cannot use nw_src without" },
    { "learn(NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],dl_type=0x800)",
      "cannot use nw_dst" },
    { "learn(dl_type=0x800,tp_dst=80)", "cannot use tp_dst" },
    { "learn(load:1->NXM_OF_IP_SRC[])", "cannot use nw_src" },
    { "learn(NXM_NX_REG16[])", "unknown field" },
    { "learn(reg0[0..99])", "exceed the 32-bit field" },
    { "learn(reg0:5)", "unknown keyword 'reg0'" },
    { "learn(table=1", "unclosed parenthesis" },
    { "learn", "learn needs an argument" },
    { "learn:5", "expected learn(...)" },
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
        ck_assert_msg(strstr(err, "at position ") != NULL, "%s", err);
        free(err);
        buf_uninit(&b);
    }
}
END_TEST

static const struct ofpact_learn *get_learn(struct buf *b, const char *s)
{
    buf_init(b);
    char *err = ofpacts_parse(s, NULL, b);
    ck_assert_msg(!err, "%s", err);
    const struct ofpact *a = (const void *)b->data;
    ck_assert_int_eq(a->type, OFPACT_LEARN);
    return (const void *)a;
}

static void execute(const struct ofpact_learn *l, const struct flow *flow,
                    char **match_text, char **actions_text)
{
    struct match m;
    struct buf acts = BUF_INITIALIZER;
    learn_execute(l, flow, &m, &acts);
    /* learn_key() is the flow part of the same match. */
    struct flow key;
    learn_key(l, flow, &key);
    ck_assert(memcmp(&key, &m.flow, sizeof key) == 0);
    struct ds ds = DS_EMPTY_INITIALIZER;
    match_format(&m, -1, NULL, &ds);
    *match_text = ds_steal_cstr(&ds);
    ofpacts_format((const void *)acts.data, acts.size, NULL, &ds);
    *actions_text = ds_steal_cstr(&ds);
    char *err = match_check_prereqs(&m);
    ck_assert_msg(!err, "learned match lacks prerequisites: %s", err);
    buf_uninit(&acts);
}

START_TEST(test_execute_article)
{
    struct buf b;
    const struct ofpact_learn *l = get_learn(
        &b, "learn(table=20,hard_timeout=300,priority=1,NXM_OF_ETH_DST[]="
            "NXM_OF_ETH_SRC[],load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],"
            "output:NXM_OF_IN_PORT[])");
    ck_assert_uint_eq(l->table_id, 20);
    ck_assert_uint_eq(l->hard_timeout, 300);
    ck_assert_uint_eq(l->priority, 1);
    ck_assert_uint_eq(l->n_specs, 3);

    struct flow flow;
    memset(&flow, 0, sizeof flow);
    const uint8_t src[6] = { 0x2e, 0x7a, 0xa2, 0x53, 0x7b, 0x31 };
    memcpy(flow.dl_src, src, 6);
    flow.dl_dst[0] = 0xff;
    flow.tun_id = 0;
    flow.in_port = 5;
    char *m, *a;
    execute(l, &flow, &m, &a);
    ck_assert_str_eq(m, "dl_dst=2e:7a:a2:53:7b:31");
    ck_assert_str_eq(a, "load:0->NXM_NX_TUN_ID[],output:5");
    free(m);
    free(a);

    /* A different packet learns a different flow. */
    flow.tun_id = 0x64;
    flow.in_port = 6;
    flow.dl_src[5] = 0x46;
    execute(l, &flow, &m, &a);
    ck_assert_str_eq(m, "dl_dst=2e:7a:a2:53:7b:46");
    ck_assert_str_eq(a, "load:0x64->NXM_NX_TUN_ID[],output:6");
    free(m);
    free(a);
    buf_uninit(&b);
}
END_TEST

START_TEST(test_execute_forms)
{
    struct buf b;
    const struct ofpact_learn *l = get_learn(
        &b, "learn(dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],"
            "NXM_NX_REG0[8..15]=NXM_NX_REG1[0..7],NXM_NX_REG0[0..3]=0x9,"
            "load:0x3->NXM_NX_REG2[4..7],load:NXM_NX_REG1[0..7]->"
            "NXM_NX_REG3[16..23],output:NXM_NX_REG4[0..15])");
    struct flow flow;
    memset(&flow, 0, sizeof flow);
    flow.dl_type = 0x0800;
    flow.nw_src = 0x0a000001;
    flow.regs[1] = 0xab;
    flow.regs[4] = 7;
    char *m, *a;
    execute(l, &flow, &m, &a);
    ck_assert_str_eq(m, "ip,reg0=0xab09/0xff0f,nw_dst=10.0.0.1");
    ck_assert_str_eq(a, "load:0x3->NXM_NX_REG2[4..7],"
                        "load:0xab->NXM_NX_REG3[16..23],output:7");
    free(m);
    free(a);

    /* The learned load is a masked set_field over the subfield. */
    struct match match;
    struct buf acts = BUF_INITIALIZER;
    learn_execute(l, &flow, &match, &acts);
    const struct ofpact_set_field *sf = (const void *)acts.data;
    ck_assert_int_eq(sf->ofpact.type, OFPACT_SET_FIELD);
    ck_assert_uint_eq(mf_value_to_u64(&sf->value), 0x30);
    ck_assert_uint_eq(mf_value_to_u64(&sf->mask), 0xf0);
    buf_uninit(&acts);
    buf_uninit(&b);

    /* Bare field[]: match the packet's own value. */
    l = get_learn(&b, "learn(NXM_OF_VLAN_TCI[0..11],in_port=3)");
    memset(&flow, 0, sizeof flow);
    flow.vlan_tci = 0x1000 | 42;
    execute(l, &flow, &m, &a);
    ck_assert_str_eq(m, "in_port=3,vlan_tci=0x002a/0x0fff");
    ck_assert_str_eq(a, "drop");
    free(m);
    free(a);
    buf_uninit(&b);
}
END_TEST

START_TEST(test_check_sources)
{
    struct match m;
    match_init_catchall(&m);
    struct buf b;
    const struct ofpact_learn *l =
        get_learn(&b, "learn(dl_type=0x800,NXM_OF_IP_DST[]=NXM_OF_IP_SRC[])");
    /* Reading nw_src needs the flow holding the learn to match ip. */
    char *err =
        ofpacts_check((const void *)l, l->ofpact.len, &m, "the flow's match");
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "learn: reading nw_src") != NULL, "%s", err);
    free(err);
    err = match_parse_piece(&m, "ip", NULL, NULL);
    ck_assert_ptr_null(err);
    err =
        ofpacts_check((const void *)l, l->ofpact.len, &m, "the flow's match");
    ck_assert_ptr_null(err);
    buf_uninit(&b);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("learn");
    TCase *tc = tcase_create("learn");
    tcase_add_test(tc, test_print);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_execute_article);
    tcase_add_test(tc, test_execute_forms);
    tcase_add_test(tc, test_check_sources);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
