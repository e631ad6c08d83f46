/* Unit tests for lib/etcd/etcd-json: base64, the request bodies etcd's
 * JSON gateway expects, and the parsing of its replies and streams.  The
 * replies are ones etcd 3.4.23 sent (captured with curl). */
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "etcd-json.h"

static char *dump(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

static json_t *load(const char *s)
{
    json_error_t err;
    json_t *j = json_loads(s, 0, &err);
    ck_assert_msg(j != NULL, "bad test JSON: %s", err.text);
    return j;
}

START_TEST(test_base64_vectors)
{
    /* RFC 4648 section 10. */
    static const char *const v[][2] = {
        { "", "" },
        { "f", "Zg==" },
        { "fo", "Zm8=" },
        { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" },
        { "fooba", "Zm9vYmE=" },
        { "foobar", "Zm9vYmFy" },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char *enc = etcd_base64_encode(v[i][0], strlen(v[i][0]));
        ck_assert_str_eq(enc, v[i][1]);
        char *dec;
        size_t n;
        ck_assert_ptr_null(etcd_base64_decode(enc, &dec, &n));
        ck_assert_uint_eq(n, strlen(v[i][0]));
        ck_assert_str_eq(dec, v[i][0]);
        free(enc);
        free(dec);
    }
}
END_TEST

START_TEST(test_base64_binary)
{
    unsigned char all[256];
    for (int i = 0; i < 256; i++) {
        all[i] = (unsigned char)i;
    }
    for (size_t len = 0; len <= 256; len += 7) {
        char *enc = etcd_base64_encode(all, len);
        char *dec;
        size_t n;
        ck_assert_ptr_null(etcd_base64_decode(enc, &dec, &n));
        ck_assert_uint_eq(n, len);
        ck_assert(!memcmp(dec, all, len));
        free(enc);
        free(dec);
    }
}
END_TEST

START_TEST(test_base64_errors)
{
    char *out;
    size_t n;
    char *err = etcd_base64_decode("Zm9", &out, &n);
    ck_assert_ptr_nonnull(strstr(err, "multiple of 4"));
    ck_assert_ptr_null(out);
    free(err);
    err = etcd_base64_decode("Zm*v", &out, &n);
    ck_assert_ptr_nonnull(strstr(err, "invalid character '*' at position 3"));
    free(err);
    /* Padding only at the very end. */
    err = etcd_base64_decode("Zg==Zm9v", &out, &n);
    ck_assert_ptr_nonnull(err);
    free(err);
    err = etcd_base64_decode("Z===", &out, &n);
    ck_assert_ptr_nonnull(err);
    free(err);
}
END_TEST

START_TEST(test_prefix_end)
{
    char *e = etcd_prefix_end("/switchd/");
    ck_assert_str_eq(e, "/switchd0");
    free(e);
    e = etcd_prefix_end("a\xff\xff");
    ck_assert_str_eq(e, "b");
    free(e);
    e = etcd_prefix_end("");
    ck_assert_str_eq(e, "");
    free(e);
}
END_TEST

START_TEST(test_requests)
{
    char *s = dump(etcd_range_prefix_request("/foo"));
    /* "/foo" -> L2Zvbw==, its end "/fop" -> L2ZvcA== */
    ck_assert_str_eq(s, "{\"key\":\"L2Zvbw==\",\"range_end\":\"L2ZvcA==\"}");
    free(s);
    s = dump(etcd_range_prefix_request(""));
    ck_assert_str_eq(s, "{\"key\":\"\",\"range_end\":\"AA==\"}");
    free(s);
    s = dump(etcd_put_request("/foo", "bar", 0));
    ck_assert_str_eq(s, "{\"key\":\"L2Zvbw==\",\"value\":\"YmFy\"}");
    free(s);
    s = dump(etcd_put_request("/foo", "bar", 4111120393629045509LL));
    ck_assert_str_eq(s, "{\"key\":\"L2Zvbw==\",\"lease\":"
                        "\"4111120393629045509\",\"value\":\"YmFy\"}");
    free(s);
    s = dump(etcd_delete_if_request("/foo", 5));
    ck_assert_str_eq(s, "{\"compare\":[{\"key\":\"L2Zvbw==\",\"mod_revision\":"
                        "\"5\",\"result\":\"EQUAL\",\"target\":\"MOD\"}],"
                        "\"success\":[{\"request_delete_range\":{\"key\":"
                        "\"L2Zvbw==\"}}]}");
    free(s);
    s = dump(etcd_lease_grant_request(10));
    ck_assert_str_eq(s, "{\"TTL\":\"10\"}");
    free(s);
    s = dump(etcd_lease_keepalive_request(-1));
    ck_assert_str_eq(s, "{\"ID\":\"-1\"}");
    free(s);
    s = dump(etcd_watch_prefix_request("/foo", 42));
    ck_assert_str_eq(s, "{\"create_request\":{\"key\":\"L2Zvbw==\","
                        "\"range_end\":\"L2ZvcA==\",\"start_revision\":"
                        "\"42\"}}");
    free(s);
}
END_TEST

START_TEST(test_range_reply)
{
    json_t *r = load(
        "{\"header\":{\"cluster_id\":\"15118495548433857066\",\"member_id\":"
        "\"13668033151171901709\",\"revision\":\"2\",\"raft_term\":\"2\"},"
        "\"kvs\":[{\"key\":\"L2Zvbw==\",\"create_revision\":\"2\","
        "\"mod_revision\":\"2\",\"version\":\"1\",\"value\":\"YmFy\"},"
        "{\"key\":\"L2Zvbw==\",\"mod_revision\":\"3\",\"lease\":\"77\"}],"
        "\"count\":\"1\"}");
    int64_t rev;
    struct etcd_kv *kvs;
    size_t n;
    ck_assert_ptr_null(etcd_parse_range(r, &rev, &kvs, &n));
    ck_assert_int_eq(rev, 2);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(kvs[0].key, "/foo");
    ck_assert_str_eq(kvs[0].value, "bar");
    ck_assert_uint_eq(kvs[0].value_len, 3);
    ck_assert_int_eq(kvs[0].mod_revision, 2);
    ck_assert_int_eq(kvs[0].lease, 0);
    /* An empty value is omitted by the gateway. */
    ck_assert_str_eq(kvs[1].value, "");
    ck_assert_int_eq(kvs[1].lease, 77);
    etcd_kvs_free(kvs, n);
    json_decref(r);

    /* Empty range: no "kvs" at all. */
    r = load("{\"header\":{\"revision\":\"9\"}}");
    ck_assert_ptr_null(etcd_parse_range(r, &rev, &kvs, &n));
    ck_assert_int_eq(rev, 9);
    ck_assert_uint_eq(n, 0);
    etcd_kvs_free(kvs, n);
    json_decref(r);
}
END_TEST

START_TEST(test_reply_errors)
{
    json_t *r = load("{\"error\":\"etcdserver: requested lease not found\","
                     "\"message\":\"etcdserver: requested lease not found\","
                     "\"code\":5}");
    int64_t rev;
    char *err = etcd_parse_header(r, &rev);
    ck_assert_str_eq(err, "etcd: etcdserver: requested lease not found "
                          "(code 5)");
    free(err);
    json_decref(r);

    r = load("{\"header\":{\"revision\":\"x2\"}}");
    err = etcd_parse_header(r, &rev);
    ck_assert_str_eq(err, "etcd: field \"revision\" is not a 64-bit integer");
    free(err);
    json_decref(r);

    struct etcd_kv *kvs;
    size_t n;
    r = load("{\"header\":{},\"kvs\":[{\"key\":\"L2Z*bw==\"}]}");
    err = etcd_parse_range(r, &rev, &kvs, &n);
    ck_assert_ptr_nonnull(strstr(err, "field \"key\""));
    ck_assert_ptr_nonnull(strstr(err, "'*' at position 4"));
    ck_assert_ptr_null(kvs);
    free(err);
    json_decref(r);

    r = load("{\"header\":{}}");
    err = etcd_parse_range(r, &rev, &kvs, &n);
    ck_assert_ptr_null(err);
    etcd_kvs_free(kvs, n);
    json_decref(r);

    r = load("[1]");
    err = etcd_parse_header(r, &rev);
    ck_assert_str_eq(err, "etcd: reply is not a JSON object");
    free(err);
    json_decref(r);
}
END_TEST

START_TEST(test_lease_replies)
{
    json_t *r = load("{\"header\":{\"revision\":\"1\"},\"ID\":"
                     "\"4111120393629045509\",\"TTL\":\"5\"}");
    int64_t id, ttl;
    ck_assert_ptr_null(etcd_parse_lease_grant(r, &id, &ttl));
    ck_assert_int_eq(id, 4111120393629045509LL);
    ck_assert_int_eq(ttl, 5);
    json_decref(r);

    r = load("{\"result\":{\"header\":{\"revision\":\"2\"},\"ID\":"
             "\"4111120393629045513\",\"TTL\":\"5\"}}");
    ck_assert_ptr_null(etcd_parse_keepalive(r, &ttl));
    ck_assert_int_eq(ttl, 5);
    json_decref(r);

    /* An expired lease: no TTL in the reply. */
    r = load("{\"result\":{\"header\":{\"revision\":\"2\"},\"ID\":\"123\"}}");
    ck_assert_ptr_null(etcd_parse_keepalive(r, &ttl));
    ck_assert_int_eq(ttl, 0);
    json_decref(r);

    r = load("{\"error\":{\"grpc_code\":14,\"http_code\":503,\"message\":"
             "\"etcdserver: no leader\"}}");
    char *err = etcd_parse_keepalive(r, &ttl);
    ck_assert_str_eq(err, "etcd: etcdserver: no leader");
    free(err);
    json_decref(r);

    bool ok;
    int64_t rev;
    r = load("{\"header\":{\"revision\":\"6\"},\"succeeded\":true}");
    ck_assert_ptr_null(etcd_parse_txn(r, &ok, &rev));
    ck_assert(ok);
    ck_assert_int_eq(rev, 6);
    json_decref(r);
    r = load("{\"header\":{\"revision\":\"6\"}}");
    ck_assert_ptr_null(etcd_parse_txn(r, &ok, &rev));
    ck_assert(!ok);
    json_decref(r);
}
END_TEST

START_TEST(test_watch_messages)
{
    struct etcd_watch_msg m;
    json_t *r = load("{\"result\":{\"header\":{\"revision\":\"2\"},"
                     "\"created\":true}}");
    ck_assert_ptr_null(etcd_parse_watch(r, &m));
    ck_assert(m.created);
    ck_assert(!m.canceled);
    ck_assert_uint_eq(m.n_events, 0);
    etcd_watch_msg_uninit(&m);
    json_decref(r);

    /* A PUT has no "type" (the enum's zero value is omitted). */
    r = load("{\"result\":{\"header\":{\"revision\":\"4\"},\"events\":["
             "{\"kv\":{\"key\":\"L2Zvbw==\",\"mod_revision\":\"3\","
             "\"value\":\"YmFy\",\"lease\":\"4111120393629045513\"}},"
             "{\"type\":\"DELETE\",\"kv\":{\"key\":\"L2Zvbw==\","
             "\"mod_revision\":\"4\"}}]}}");
    ck_assert_ptr_null(etcd_parse_watch(r, &m));
    ck_assert_int_eq(m.revision, 4);
    ck_assert_uint_eq(m.n_events, 2);
    ck_assert_int_eq(m.events[0].type, ETCD_EVENT_PUT);
    ck_assert_str_eq(m.events[0].kv.key, "/foo");
    ck_assert_str_eq(m.events[0].kv.value, "bar");
    ck_assert_int_eq(m.events[0].kv.lease, 4111120393629045513LL);
    ck_assert_int_eq(m.events[1].type, ETCD_EVENT_DELETE);
    ck_assert_ptr_null(m.events[1].kv.value);
    ck_assert_int_eq(m.events[1].kv.mod_revision, 4);
    etcd_watch_msg_uninit(&m);
    json_decref(r);

    /* A watch from a compacted revision. */
    r = load("{\"result\":{\"header\":{\"raft_term\":\"2\"},\"canceled\":true,"
             "\"compact_revision\":\"4\"}}");
    ck_assert_ptr_null(etcd_parse_watch(r, &m));
    ck_assert(m.canceled);
    ck_assert_int_eq(m.compact_revision, 4);
    etcd_watch_msg_uninit(&m);
    json_decref(r);

    r = load("{\"result\":{\"events\":[{\"type\":\"PATCH\",\"kv\":{}}]}}");
    char *err = etcd_parse_watch(r, &m);
    ck_assert_str_eq(err, "etcd: watch event \"type\" is not PUT or DELETE");
    free(err);
    json_decref(r);
}
END_TEST

/* Two messages fed in every possible split, and byte by byte. */
START_TEST(test_stream)
{
    const char *text = "{\"result\":{\"a\":\"}{\\\"\"}}\n"
                       "  {\"result\":{\"b\":[1,{\"c\":2}]}}\n";
    size_t len = strlen(text);
    for (size_t cut = 0; cut <= len; cut++) {
        struct etcd_stream s;
        etcd_stream_init(&s, 1000);
        json_t *got[3] = { NULL, NULL, NULL };
        size_t n = 0;
        size_t pieces[2][2] = { { 0, cut }, { cut, len } };
        for (int p = 0; p < 2; p++) {
            etcd_stream_feed(&s, text + pieces[p][0],
                             pieces[p][1] - pieces[p][0]);
            for (;;) {
                json_t *msg;
                ck_assert_ptr_null(etcd_stream_next(&s, &msg));
                if (!msg) {
                    break;
                }
                ck_assert_uint_lt(n, 2);
                got[n++] = msg;
            }
        }
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(json_string_value(json_object_get(
                             json_object_get(got[0], "result"), "a")),
                         "}{\"");
        ck_assert_ptr_nonnull(
            json_object_get(json_object_get(got[1], "result"), "b"));
        json_decref(got[0]);
        json_decref(got[1]);
        etcd_stream_uninit(&s);
    }
}
END_TEST

START_TEST(test_stream_errors)
{
    struct etcd_stream s;
    json_t *msg;
    etcd_stream_init(&s, 16);
    etcd_stream_feed(&s, "x{}", 3);
    char *err = etcd_stream_next(&s, &msg);
    ck_assert_str_eq(err, "etcd: stream holds 'x' where an object should "
                          "start");
    free(err);
    etcd_stream_uninit(&s);

    etcd_stream_init(&s, 16);
    etcd_stream_feed(&s, "{\"aaaaaaaaaaaaaaaaaaaaaaaaa", 26);
    err = etcd_stream_next(&s, &msg);
    ck_assert_str_eq(err, "etcd: stream message longer than 16 bytes");
    free(err);
    etcd_stream_uninit(&s);

    etcd_stream_init(&s, 100);
    etcd_stream_feed(&s, "{\"a\" 1}", 7);
    err = etcd_stream_next(&s, &msg);
    ck_assert_ptr_nonnull(strstr(err, "malformed stream message"));
    free(err);
    etcd_stream_uninit(&s);
}
END_TEST

static Suite *etcd_json_suite(void)
{
    Suite *s = suite_create("etcd-json");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_base64_vectors);
    tcase_add_test(tc, test_base64_binary);
    tcase_add_test(tc, test_base64_errors);
    tcase_add_test(tc, test_prefix_end);
    tcase_add_test(tc, test_requests);
    tcase_add_test(tc, test_range_reply);
    tcase_add_test(tc, test_reply_errors);
    tcase_add_test(tc, test_lease_replies);
    tcase_add_test(tc, test_watch_messages);
    tcase_add_test(tc, test_stream);
    tcase_add_test(tc, test_stream_errors);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(etcd_json_suite)
