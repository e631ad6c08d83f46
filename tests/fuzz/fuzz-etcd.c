/* libFuzzer target for what swagent reads from etcd: a watch stream
 * (lib/etcd: the stream splitter and every reply parser) whose events go
 * into the store mirror (lib/overlay), from which br-tun's flows are
 * computed.  Anything an etcd member, or anyone who can write under the
 * prefix, sends ends up here.
 *
 * Input: 1 byte, the chunk size the stream is cut into (1 + byte); the
 * rest, the stream.  Checked: no crash or sanitizer report; every kv a
 * parser returns has a key; base64 of a decoded key encodes back to what
 * etcd would accept; the flows of the mirror are computed after every
 * message, and twice in a row they are the same text (a pure function). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "etcd-json.h"
#include "overlay.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct overlay_local_vni VNIS[] = { { 100, 100 }, { 200, 7 } };

static void check_flows(const struct overlay_store *st)
{
    struct overlay_params p = {
        .vtep = 0xc0a8210c,
        .patch_port = 1,
        .tunnel_port = 2,
        .cookie = 0x5377a6e700000000ULL,
        .vnis = VNIS,
        .n_vnis = 2,
    };
    struct ds a = DS_EMPTY_INITIALIZER, b = DS_EMPTY_INITIALIZER;
    overlay_flows(st, &p, &a, NULL);
    overlay_flows(st, &p, &b, NULL);
    if (strcmp(ds_cstr(&a), ds_cstr(&b))) {
        abort();
    }
    ds_destroy(&a);
    ds_destroy(&b);
}

static void apply(struct overlay_store *st, const json_t *msg)
{
    struct etcd_watch_msg m;
    char *err = etcd_parse_watch(msg, &m);
    if (err) {
        free(err);
    } else {
        for (size_t i = 0; i < m.n_events; i++) {
            const struct etcd_event *ev = &m.events[i];
            if (!ev->kv.key) {
                abort();
            }
            char *back = etcd_base64_encode(ev->kv.key, strlen(ev->kv.key));
            char *dec;
            size_t n;
            char *e2 = etcd_base64_decode(back, &dec, &n);
            if (e2 || strcmp(dec, ev->kv.key)) {
                abort();
            }
            free(dec);
            free(back);
            if (ev->type == ETCD_EVENT_PUT) {
                free(overlay_store_put(st, ev->kv.key, ev->kv.value,
                                       ev->kv.mod_revision));
            } else {
                overlay_store_delete(st, ev->kv.key);
            }
        }
        etcd_watch_msg_uninit(&m);
    }
    /* The same message through the other parsers. */
    int64_t rev, id, ttl;
    bool ok;
    struct etcd_kv *kvs;
    size_t n;
    free(etcd_parse_header(msg, &rev));
    free(etcd_parse_lease_grant(msg, &id, &ttl));
    free(etcd_parse_keepalive(msg, &ttl));
    free(etcd_parse_txn(msg, &ok, &rev));
    err = etcd_parse_range(msg, &rev, &kvs, &n);
    if (!err) {
        for (size_t i = 0; i < n; i++) {
            if (!kvs[i].key || !kvs[i].value) {
                abort();
            }
            free(overlay_store_put(st, kvs[i].key, kvs[i].value, 1));
        }
        etcd_kvs_free(kvs, n);
    }
    free(err);
    check_flows(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    size_t chunk = 1 + data[0];
    data++;
    size--;
    struct etcd_stream s;
    etcd_stream_init(&s, 1 << 16);
    struct overlay_store st;
    overlay_store_init(&st, "/switchd");
    bool dead = false;
    for (size_t off = 0; off < size && !dead; off += chunk) {
        etcd_stream_feed(&s, data + off, SW_MIN(chunk, size - off));
        for (;;) {
            json_t *msg;
            char *err = etcd_stream_next(&s, &msg);
            if (err) {
                free(err);
                dead = true; /* The agent drops such a stream. */
                break;
            }
            if (!msg) {
                break;
            }
            apply(&st, msg);
            json_decref(msg);
        }
    }
    overlay_store_uninit(&st);
    etcd_stream_uninit(&s);
    return 0;
}
