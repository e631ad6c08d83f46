/* Unit tests for the util layer: ds, buf, hmap, packet, clock, portmap. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "check-main.h"
#include "clock.h"
#include "ds.h"
#include "hash.h"
#include "hmap.h"
#include "packet.h"
#include "portmap.h"
#include "printer.h"
#include "util.h"

START_TEST(test_ds_format)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    ck_assert_str_eq(ds_cstr(&ds), "");
    for (int i = 0; i < 100; i++) {
        ds_put_format(&ds, "%d,", i);
    }
    ds_chomp(&ds, ',');
    ck_assert(str_starts_with(ds_cstr(&ds), "0,1,2,"));
    ck_assert_int_eq(ds_last(&ds), '9');
    ds_truncate(&ds, 3);
    ck_assert_str_eq(ds_cstr(&ds), "0,1");
    ds_destroy(&ds);
}
END_TEST

START_TEST(test_str_to_u64)
{
    uint64_t v;
    ck_assert(str_to_u64("300", 65535, &v) && v == 300);
    ck_assert(str_to_u64("0x1F", 65535, &v) && v == 31);
    ck_assert(!str_to_u64("", 10, &v));
    ck_assert(!str_to_u64("0x", 10, &v));
    ck_assert(!str_to_u64("12a", 1000, &v));
    ck_assert(!str_to_u64("70000", 65535, &v));
    ck_assert(!str_to_u64("99999999999999999999999", UINT64_MAX, &v));
}
END_TEST

struct item {
    struct hmap_node node;
    int key;
};

START_TEST(test_hmap)
{
    struct hmap map = HMAP_INITIALIZER;
    struct item items[1000];
    for (int i = 0; i < 1000; i++) {
        items[i].key = i;
        hmap_insert(&map, &items[i].node, hash_u32((uint32_t)i, 0));
    }
    ck_assert_uint_eq(hmap_count(&map), 1000);
    int found = 0;
    struct item *it;
    HMAP_FOR_EACH_WITH_HASH (it, node, hash_u32(500, 0), &map) {
        if (it->key == 500) {
            found++;
        }
    }
    ck_assert_int_eq(found, 1);
    HMAP_FOR_EACH_SAFE (it, node, &map) {
        if (it->key % 2) {
            hmap_remove(&map, &it->node);
        }
    }
    int n = 0;
    HMAP_FOR_EACH (it, node, &map) {
        ck_assert_int_eq(it->key % 2, 0);
        n++;
    }
    ck_assert_int_eq(n, 500);
    /* Removing every node during one safe walk visits every node once:
     * the map must not shrink under the walk (it did, and a walk that
     * flushed the fast path's cache skipped entries). */
    n = 0;
    HMAP_FOR_EACH_SAFE (it, node, &map) {
        hmap_remove(&map, &it->node);
        n++;
    }
    ck_assert_int_eq(n, 500);
    ck_assert_uint_eq(hmap_count(&map), 0);
    hmap_shrink(&map); /* Now the bucket array may go. */
    ck_assert_uint_le(map.mask + 1, 8);
    hmap_destroy(&map);
}
END_TEST

START_TEST(test_packet_push_insert)
{
    struct packet p;
    uint8_t frame[20];
    for (int i = 0; i < 20; i++) {
        frame[i] = (uint8_t)i;
    }
    packet_init(&p, frame, sizeof frame);
    uint8_t *gap = packet_insert(&p, 12, 4);
    memset(gap, 0xee, 4);
    ck_assert_uint_eq(p.len, 24);
    ck_assert_int_eq(packet_data(&p)[11], 11);
    ck_assert_int_eq(packet_data(&p)[12], 0xee);
    ck_assert_int_eq(packet_data(&p)[16], 12);
    packet_remove(&p, 12, 4);
    ck_assert_mem_eq(packet_data(&p), frame, 20);
    uint8_t *hdr = packet_push(&p, 300); /* more than the headroom */
    memset(hdr, 0, 300);
    ck_assert_uint_eq(p.len, 320);
    packet_pull(&p, 300);
    ck_assert_mem_eq(packet_data(&p), frame, 20);
    packet_uninit(&p);
}
END_TEST

START_TEST(test_packet_view)
{
    uint8_t frame[20];
    for (int i = 0; i < 20; i++) {
        frame[i] = (uint8_t)i;
    }
    struct packet src, v;
    packet_init(&src, frame, sizeof frame);
    packet_view(&v, &src, 64); /* No longer than the source. */
    ck_assert(packet_is_view(&v));
    ck_assert_ptr_eq(packet_data(&v), packet_data(&src));
    ck_assert_uint_eq(v.len, 20);
    /* Changing a view gives it its own bytes; the source stays. */
    packet_remove(&v, 12, 4);
    ck_assert(!packet_is_view(&v));
    ck_assert_ptr_ne(packet_data(&v), packet_data(&src));
    ck_assert_uint_eq(v.len, 16);
    ck_assert_mem_eq(packet_data(&src), frame, 20);
    packet_uninit(&v);
    packet_view(&v, &src, 14);
    memset(packet_push(&v, 4), 0xee, 4);
    ck_assert(!packet_is_view(&v));
    ck_assert_uint_eq(v.len, 18);
    ck_assert_mem_eq(packet_data(&v) + 4, frame, 14);
    ck_assert_mem_eq(packet_data(&src), frame, 20);
    packet_uninit(&v);
    /* Forgetting a view leaves the source's buffer alone (a double free
     * would fail under AddressSanitizer). */
    packet_view(&v, &src, 20);
    packet_uninit(&v);
    ck_assert_ptr_null(v.base);
    ck_assert_mem_eq(packet_data(&src), frame, 20);
    packet_uninit(&src);
}
END_TEST

/* A freed super-frame buffer is handed out again rather than given back
 * to malloc (which faulted it in anew for every frame). */
START_TEST(test_packet_buf_reuse)
{
    struct packet a, b;
    uint8_t *buf = packet_buf_alloc(65536);
    memset(packet_buf_frame(buf), 0x5a, 100);
    packet_adopt(&a, buf, 65536, 100);
    ck_assert_ptr_eq(packet_data(&a), packet_buf_frame(buf));
    packet_uninit(&a);
    uint8_t *again = packet_buf_alloc(65536);
    ck_assert_ptr_eq(again, buf);
    /* A buffer of another size goes to malloc, and so does the pool's
     * content when the size changes. */
    packet_adopt(&b, again, 65536, 10);
    packet_uninit(&b);
    uint8_t *other = packet_buf_alloc(1000);
    packet_adopt(&b, other, 1000, 10);
    packet_uninit(&b);
    ck_assert_ptr_eq(packet_buf_alloc(1000), other);
    free(other);
}
END_TEST

START_TEST(test_fake_clock)
{
    clock_fake_set(1000);
    ck_assert_int_eq(clock_msec(), 1000);
    clock_fake_advance(300000);
    ck_assert_int_eq(clock_msec(), 301000);
    clock_fake_off();
    ck_assert_int_ne(clock_msec(), 301000);
}
END_TEST

START_TEST(test_portmap)
{
    struct portmap map;
    portmap_init(&map);
    portmap_add(&map, "patch-tun", 1);
    portmap_add(&map, "vxlan0", 5);
    uint16_t port;
    ck_assert(port_parse("vxlan0", &map, &port) && port == 5);
    ck_assert(port_parse("LOCAL", &map, &port) && port == OFPP_LOCAL);
    ck_assert(port_parse("in_port", NULL, &port) && port == OFPP_IN_PORT);
    ck_assert(port_parse("65534", NULL, &port) && port == OFPP_LOCAL);
    ck_assert(!port_parse("0", NULL, &port));
    ck_assert(!port_parse("65280", NULL, &port));
    ck_assert(!port_parse("nosuch", &map, &port));
    struct ds ds = DS_EMPTY_INITIALIZER;
    port_format(5, &map, &ds);
    ds_put_char(&ds, ' ');
    port_format(6, &map, &ds);
    ds_put_char(&ds, ' ');
    port_format(OFPP_NORMAL, &map, &ds);
    ck_assert_str_eq(ds_cstr(&ds), "vxlan0 6 NORMAL");
    ds_destroy(&ds);
    portmap_destroy(&map);
}
END_TEST

/* One sequence of pr_*() calls gives the text and the JSON. */
static void render(struct printer *pr)
{
    pr_text(pr, "[");
    pr_str(pr, "name", "name=%s", "br-tun");
    pr_uint(pr, "port", " port=%" PRIu64, 5);
    json_t *outer = pr_open(pr, "tunnel");
    pr_hex64(pr, "vni", " vni=%s", 0x64);
    pr_ip(pr, "remote", " remote=%s", 0xc0a8210d);
    pr_close(pr, outer);
    pr_text(pr, "]");
}

START_TEST(test_printer)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    struct printer text = { &ds, NULL };
    render(&text);
    ck_assert_str_eq(ds_cstr(&ds),
                     "[name=br-tun port=5 vni=0x64 remote=192.168.33.13]");
    ds_destroy(&ds);

    json_t *obj = json_object();
    struct printer js = { NULL, obj };
    render(&js);
    char *dump = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);
    ck_assert_str_eq(dump, "{\"name\":\"br-tun\",\"port\":5,\"tunnel\":"
                           "{\"remote\":\"192.168.33.13\",\"vni\":\"0x64\"}}");
    free(dump);
    json_decref(obj);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("util");
    TCase *tc = tcase_create("util");
    tcase_add_test(tc, test_ds_format);
    tcase_add_test(tc, test_str_to_u64);
    tcase_add_test(tc, test_hmap);
    tcase_add_test(tc, test_packet_push_insert);
    tcase_add_test(tc, test_packet_view);
    tcase_add_test(tc, test_packet_buf_reuse);
    tcase_add_test(tc, test_fake_clock);
    tcase_add_test(tc, test_portmap);
    tcase_add_test(tc, test_printer);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
