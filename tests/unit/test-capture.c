/* Unit tests for capture: the bounded queue, JSON transport, pcap files
 * read back with libpcap (and with tcpdump when it is installed), and the
 * text lines. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "check-main.h"
#include "flow.h"
#include "vxlan.h"

static const uint8_t LOCAL_MAC[6] = { 0x52, 0x54, 0x00, 0x0a, 0x01, 0x02 };
static const uint8_t REMOTE_MAC[6] = { 0x2e, 0x7a, 0xa2, 0x53, 0x7b, 0x31 };
static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* 12:00:01.000002 UTC on 1970-01-01. */
#define NOON_USEC ((int64_t)(12 * 3600 + 1) * 1000000 + 2)

static size_t arp_frame(uint8_t *out, size_t size, uint8_t op)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    memcpy(f.dl_src, op == 1 ? LOCAL_MAC : REMOTE_MAC, 6);
    memcpy(f.dl_dst, op == 1 ? BCAST : LOCAL_MAC, 6);
    f.dl_type = ETH_TYPE_ARP;
    f.nw_proto = op;
    f.nw_src = op == 1 ? 0x0a010102 : 0x0a010103;
    f.nw_dst = op == 1 ? 0x0a010103 : 0x0a010102;
    memcpy(f.arp_sha, f.dl_src, 6);
    size_t len = flow_compose(&f, out, size);
    ck_assert_uint_eq(len, 60);
    return len;
}

static size_t ping_frame(uint8_t *out, size_t size, size_t pad_to)
{
    struct flow f;
    memset(&f, 0, sizeof f);
    memcpy(f.dl_src, LOCAL_MAC, 6);
    memcpy(f.dl_dst, REMOTE_MAC, 6);
    f.dl_type = ETH_TYPE_IP;
    f.nw_proto = IPPROTO_ICMP_;
    f.nw_src = 0x0a010102;
    f.nw_dst = 0x0a010103;
    f.nw_ttl = 64;
    f.tp_src = 8;
    size_t len = flow_compose(&f, out, size);
    ck_assert_uint_gt(len, 0);
    return SW_MAX(len, pad_to); /* Zero padding the caller provided. */
}

static const struct capture_tunnel TNL_RX = {
    .vni = 100,
    .src_ip = 0xc0a8210d, /* 192.168.33.13 */
    .dst_ip = 0xc0a8210c, /* 192.168.33.12 */
    .src_port = 51000,
    .dst_port = 4789,
};

static char *temp_path(void)
{
    const char *dir = getenv("TMPDIR");
    char *path = xasprintf("%s/sw-capture-XXXXXX", dir ? dir : "/tmp");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    return path;
}

START_TEST(test_queue_bounds)
{
    uint8_t frame[128];
    size_t len = arp_frame(frame, sizeof frame, 1);

    /* Bounded in packets: the fourth and fifth are dropped, not waited
     * for, and the queue keeps the oldest. */
    struct capture_queue_config cfg = { .max_packets = 3 };
    struct capture_queue *q = capture_queue_create(&cfg);
    for (int i = 0; i < 5; i++) {
        frame[59] = (uint8_t)i;
        bool ok =
            capture_queue_put(q, CAPTURE_RX, frame, len, NULL, NOON_USEC + i);
        ck_assert_int_eq(ok, i < 3);
    }
    struct capture_stats st;
    capture_queue_get_stats(q, &st);
    ck_assert_uint_eq(st.seen, 5);
    ck_assert_uint_eq(st.queued, 3);
    ck_assert_uint_eq(st.dropped, 2);
    ck_assert_uint_eq(capture_queue_len(q), 3);
    struct capture_record rec;
    ck_assert(capture_queue_get(q, &rec));
    ck_assert_uint_eq(rec.data[59], 0);
    ck_assert_int_eq(rec.time_usec, NOON_USEC);
    capture_record_uninit(&rec);
    /* Room again after a get. */
    ck_assert(capture_queue_put(q, CAPTURE_TX, frame, len, NULL, 0));
    for (int want = 1; capture_queue_get(q, &rec); want++) {
        ck_assert_uint_eq(rec.data[59], want == 3 ? 4 : want);
        ck_assert_int_eq(rec.dir, want == 3 ? CAPTURE_TX : CAPTURE_RX);
        capture_record_uninit(&rec);
    }
    ck_assert(!capture_queue_done(q)); /* No count: never done. */
    capture_queue_destroy(q);

    /* Bounded in bytes, with a snap length. */
    cfg = (struct capture_queue_config){ .max_bytes = 100, .snaplen = 40 };
    q = capture_queue_create(&cfg);
    ck_assert(capture_queue_put(q, CAPTURE_RX, frame, len, NULL, 0));
    ck_assert(capture_queue_put(q, CAPTURE_RX, frame, len, NULL, 0));
    ck_assert(!capture_queue_put(q, CAPTURE_RX, frame, len, NULL, 0));
    ck_assert(capture_queue_get(q, &rec));
    ck_assert_uint_eq(rec.len, 40);
    ck_assert_uint_eq(rec.orig_len, 60);
    ck_assert(!memcmp(rec.data, frame, 40));
    capture_record_uninit(&rec);
    capture_queue_destroy(q); /* Frees what is still queued. */

    /* -c: done after 'count' accepted packets. */
    cfg = (struct capture_queue_config){ .count = 2 };
    q = capture_queue_create(&cfg);
    ck_assert(capture_queue_put(q, CAPTURE_RX, frame, len, NULL, 0));
    ck_assert(!capture_queue_done(q));
    ck_assert(capture_queue_put(q, CAPTURE_RX, frame, len, NULL, 0));
    ck_assert(capture_queue_done(q));
    ck_assert(!capture_queue_put(q, CAPTURE_RX, frame, len, NULL, 0));
    ck_assert_uint_eq(capture_queue_len(q), 2);
    capture_queue_destroy(q);
}
END_TEST

START_TEST(test_json_round_trip)
{
    uint8_t frame[128];
    size_t len = arp_frame(frame, sizeof frame, 2);
    struct capture_record rec = {
        .time_usec = NOON_USEC,
        .dir = CAPTURE_RX,
        .has_tunnel = true,
        .tunnel = TNL_RX,
        .orig_len = (uint32_t)len,
        .len = (uint32_t)len,
        .data = frame,
    };
    json_t *j = capture_record_to_json(&rec);
    ck_assert_str_eq(json_string_value(json_object_get(j, "dir")), "rx");
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(j, "tunnel"), "src_ip")),
                     "192.168.33.13");
    struct capture_record back;
    char *err = capture_record_from_json(j, &back);
    ck_assert_msg(!err, "%s", err ? err : "");
    ck_assert_int_eq(back.time_usec, NOON_USEC);
    ck_assert_int_eq(back.dir, CAPTURE_RX);
    ck_assert(back.has_tunnel);
    ck_assert(!memcmp(&back.tunnel, &TNL_RX, sizeof TNL_RX));
    ck_assert_uint_eq(back.len, len);
    ck_assert(!memcmp(back.data, frame, len));
    capture_record_uninit(&back);

    /* Bad records say what is wrong. */
    json_object_set_new(j, "data", json_string("0g"));
    err = capture_record_from_json(j, &back);
    ck_assert_msg(err && strstr(err, "non-hex character at offset 1"), "%s",
                  err ? err : "");
    free(err);
    json_object_set_new(j, "data", json_string("00"));
    json_object_set_new(j, "dir", json_string("up"));
    err = capture_record_from_json(j, &back);
    ck_assert_msg(err && strstr(err, "'dir'"), "%s", err ? err : "");
    free(err);
    json_object_set_new(j, "dir", json_string("tx"));
    json_object_set_new(json_object_get(j, "tunnel"), "vni",
                        json_integer(1 << 24));
    err = capture_record_from_json(j, &back);
    ck_assert_msg(err && strstr(err, "'tunnel'"), "%s", err ? err : "");
    free(err);
    json_decref(j);
}
END_TEST

START_TEST(test_text_lines)
{
    uint8_t frame[128];
    size_t len = arp_frame(frame, sizeof frame, 2);
    struct capture_record rec = {
        .time_usec = NOON_USEC,
        .dir = CAPTURE_RX,
        .has_tunnel = true,
        .tunnel = TNL_RX,
        .orig_len = (uint32_t)len,
        .len = (uint32_t)len,
        .data = frame,
    };
    struct ds ds = DS_EMPTY_INITIALIZER;
    capture_record_format(&rec, "vxlan0", &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     "12:00:01.000002 rx vxlan0 vni 100 192.168.33.13 > "
                     "192.168.33.12: 2e:7a:a2:53:7b:31 > 52:54:00:0a:01:02, "
                     "ARP, Reply 10.1.1.3 is-at 2e:7a:a2:53:7b:31, "
                     "length 60");
    ds_clear(&ds);
    len = ping_frame(frame, sizeof frame, 0);
    rec = (struct capture_record){
        .time_usec = NOON_USEC,
        .dir = CAPTURE_TX,
        .orig_len = (uint32_t)len,
        .len = (uint32_t)len,
        .data = frame,
    };
    capture_record_format(&rec, NULL, &ds);
    ck_assert_str_eq(ds_cstr(&ds),
                     "12:00:01.000002 tx 52:54:00:0a:01:02 > "
                     "2e:7a:a2:53:7b:31, IPv4 10.1.1.2 > 10.1.1.3: ICMP "
                     "echo request, length 60");
    ds_destroy(&ds);
}
END_TEST

/* Runs tcpdump on 'path'; returns its output, or NULL if tcpdump is not
 * installed. */
static char *run_tcpdump(const char *path)
{
    if (access("/usr/bin/tcpdump", X_OK)
        && access("/usr/sbin/tcpdump", X_OK)) {
        return NULL;
    }
    char *cmd = xasprintf("PATH=/usr/sbin:/usr/bin:/sbin:/bin "
                          "tcpdump -r '%s' -n 2>&1",
                          path);
    FILE *f = popen(cmd, "r");
    free(cmd);
    ck_assert_ptr_nonnull(f);
    struct ds ds = DS_EMPTY_INITIALIZER;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        ds_put_cstr(&ds, line);
    }
    pclose(f);
    return ds_steal_cstr(&ds);
}

START_TEST(test_pcap_ethernet)
{
    char *path = temp_path();
    struct capture_writer *w;
    char *err;
    ck_assert_int_eq(capture_writer_open(path, false, 0, &w, &err), 0);

    uint8_t arp[128], ping[256];
    size_t arp_len = arp_frame(arp, sizeof arp, 1);
    memset(ping, 0, sizeof ping);
    size_t ping_len = ping_frame(ping, sizeof ping, 0);
    struct capture_queue_config cfg = { .snaplen = 200 };
    struct capture_queue *q = capture_queue_create(&cfg);
    ck_assert(capture_queue_put(q, CAPTURE_RX, arp, arp_len, NULL, NOON_USEC));
    ck_assert(
        capture_queue_put(q, CAPTURE_TX, ping, ping_len, NULL, NOON_USEC + 5));
    /* A tunnel record does not belong in an Ethernet file. */
    ck_assert(capture_queue_put(q, CAPTURE_TX, ping, ping_len, &TNL_RX,
                                NOON_USEC + 6));
    struct capture_record rec;
    while (capture_queue_get(q, &rec)) {
        capture_writer_write(w, &rec);
        capture_record_uninit(&rec);
    }
    ck_assert_int_eq(capture_writer_flush(w), 0);
    ck_assert_uint_eq(capture_writer_skipped(w), 1);
    capture_writer_close(w);
    capture_queue_destroy(q);

    char ebuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, ebuf);
    ck_assert_msg(p, "%s", ebuf);
    ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
    struct pcap_pkthdr *h;
    const u_char *data;
    ck_assert_int_eq(pcap_next_ex(p, &h, &data), 1);
    ck_assert_uint_eq(h->caplen, arp_len);
    ck_assert_uint_eq(h->len, arp_len);
    ck_assert_int_eq(h->ts.tv_sec, 12 * 3600 + 1);
    ck_assert_int_eq(h->ts.tv_usec, 2);
    ck_assert(!memcmp(data, arp, arp_len));
    ck_assert_int_eq(pcap_next_ex(p, &h, &data), 1);
    ck_assert_uint_eq(h->caplen, ping_len);
    ck_assert(!memcmp(data, ping, ping_len));
    ck_assert_int_eq(pcap_next_ex(p, &h, &data), -2); /* End of file. */
    pcap_close(p);

    char *out = run_tcpdump(path);
    if (out) {
        ck_assert_msg(strstr(out, "ARP, Request who-has 10.1.1.3 tell "
                                  "10.1.1.2"),
                      "%s", out);
        ck_assert_msg(strstr(out, "10.1.1.2 > 10.1.1.3: ICMP echo request"),
                      "%s", out);
        free(out);
    }
    unlink(path);
    free(path);
}
END_TEST

/* A tunnel port's capture: outer IPv4/UDP/VXLAN rebuilt, inner frame
 * intact, snap length honoured. */
START_TEST(test_pcap_tunnel)
{
    char *path = temp_path();
    struct capture_writer *w;
    char *err;
    ck_assert_int_eq(capture_writer_open(path, true, 0, &w, &err), 0);

    uint8_t arp[128], big[1200];
    size_t arp_len = arp_frame(arp, sizeof arp, 2);
    memset(big, 0, sizeof big);
    size_t big_len = ping_frame(big, sizeof big, sizeof big);

    struct capture_tunnel tx = { .vni = 100,
                                 .src_ip = 0,
                                 .dst_ip = 0xc0a8210d };
    struct capture_queue_config cfg = { .snaplen = 100 };
    struct capture_queue *q = capture_queue_create(&cfg);
    ck_assert(
        capture_queue_put(q, CAPTURE_RX, arp, arp_len, &TNL_RX, NOON_USEC));
    ck_assert(
        capture_queue_put(q, CAPTURE_TX, big, big_len, &tx, NOON_USEC + 1));
    struct capture_record rec;
    while (capture_queue_get(q, &rec)) {
        capture_writer_write(w, &rec);
        capture_record_uninit(&rec);
    }
    capture_writer_close(w);
    capture_queue_destroy(q);

    char ebuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, ebuf);
    ck_assert_msg(p, "%s", ebuf);
    ck_assert_int_eq(pcap_datalink(p), DLT_RAW);
    struct pcap_pkthdr *h;
    const u_char *d;
    ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
    ck_assert_uint_eq(h->caplen, 36 + arp_len);
    ck_assert_uint_eq(h->len, 36 + arp_len);
    ck_assert_uint_eq(d[0], 0x45);
    ck_assert_uint_eq(d[9], 17); /* UDP. */
    ck_assert_uint_eq(vxlan_ip_csum(d, 20), 0);
    ck_assert(!memcmp(d + 12, "\xc0\xa8\x21\x0d\xc0\xa8\x21\x0c", 8));
    ck_assert_uint_eq(d[20] << 8 | d[21], 51000);
    ck_assert_uint_eq(d[22] << 8 | d[23], 4789);
    uint32_t vni;
    ck_assert_int_eq(vxlan_header_parse(d + 28, h->caplen - 28, &vni),
                     VXLAN_OK);
    ck_assert_uint_eq(vni, 100);
    ck_assert(!memcmp(d + 36, arp, arp_len));

    /* The big one: 100 bytes kept, lengths of the real packet. */
    ck_assert_int_eq(pcap_next_ex(p, &h, &d), 1);
    ck_assert_uint_eq(h->caplen, 136);
    ck_assert_uint_eq(h->len, 36 + big_len);
    ck_assert_uint_eq((unsigned)(d[2] << 8 | d[3]), 36 + big_len);
    ck_assert_uint_eq(d[22] << 8 | d[23], 4789);
    ck_assert_uint_eq(d[20] << 8 | d[21],
                      vxlan_src_port(vxlan_inner_hash(big, 100)));
    ck_assert(!memcmp(d + 36, big, 100));
    pcap_close(p);

    char *out = run_tcpdump(path);
    if (out) {
        ck_assert_msg(strstr(out, "VXLAN"), "%s", out);
        ck_assert_msg(strstr(out, "vni 100"), "%s", out);
        ck_assert_msg(strstr(out, "192.168.33.13.51000 > "
                                  "192.168.33.12.4789"),
                      "%s", out);
        ck_assert_msg(strstr(out, "ARP, "
                                  "Reply 10.1.1.3 is-at 2e:7a:a2:53:7b:31"),
                      "%s", out);
        free(out);
    }
    unlink(path);
    free(path);
}
END_TEST

START_TEST(test_writer_errors)
{
    struct capture_writer *w;
    char *err;
    int error =
        capture_writer_open("/nonexistent-dir/x.pcap", false, 0, &w, &err);
    ck_assert_int_ne(error, 0);
    ck_assert_ptr_null(w);
    ck_assert_msg(err && strstr(err, "/nonexistent-dir/x.pcap"), "%s",
                  err ? err : "");
    free(err);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("capture");
    TCase *tc = tcase_create("capture");
    tcase_add_test(tc, test_queue_bounds);
    tcase_add_test(tc, test_json_round_trip);
    tcase_add_test(tc, test_text_lines);
    tcase_add_test(tc, test_pcap_ethernet);
    tcase_add_test(tc, test_pcap_tunnel);
    tcase_add_test(tc, test_writer_errors);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
