/* etcd-json: the bodies of etcd's v3 JSON API, built and parsed.
 *
 * etcd 3.4 serves its gRPC API as JSON over HTTP (the grpc-gateway, at
 * /v3/...).  Three of its habits shape this module:
 *   - keys and values are bytes, sent base64-encoded ("key": "L2Zvbw==");
 *   - 64-bit integers (revisions, lease IDs, TTLs) are JSON strings
 *     ("revision": "42"), and fields at their zero value are omitted (a
 *     PUT event has no "type"; an expired lease's keepalive has no TTL);
 *   - streamed replies (watch, lease keepalive) arrive as a sequence of
 *     {"result": {...}} objects, one after the other in a chunked body.
 *
 * Everything here is pure: requests are returned as new JSON references,
 * replies are parsed from a json_t the caller owns, and each parser
 * returns NULL or an allocated message naming the field that is wrong.
 * The transport (libevent's HTTP client) is etcd-client.h. */
#ifndef SW_ETCD_JSON_H
#define SW_ETCD_JSON_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Base64 (RFC 4648, with padding).  etcd_base64_encode() returns an
 * allocated string; etcd_base64_decode() returns NULL and an allocated,
 * NUL-terminated '*outp' of '*np' bytes (caller frees), or an allocated
 * message naming the offending character and its position. */
char *etcd_base64_encode(const void *data, size_t n);
char *etcd_base64_decode(const char *text, char **outp, size_t *np);

/* The end of the range of keys that start with 'prefix' (etcd's
 * "range_end": the prefix with its last byte incremented, bytes 0xff
 * dropped first).  An empty prefix, or one of 0xff bytes only, yields
 * "\0", which etcd reads as "every key from 'key' on".  Caller frees. */
char *etcd_prefix_end(const char *prefix);

/* Request bodies (new references). */
json_t *etcd_range_prefix_request(const char *prefix);
/* 'lease' 0: no lease. */
json_t *etcd_put_request(const char *key, const char *value, int64_t lease);
json_t *etcd_delete_request(const char *key);
/* A transaction that deletes 'key' only if its mod_revision is still
 * 'mod_revision': a host withdraws what it wrote, never what another host
 * wrote over it since. */
json_t *etcd_delete_if_request(const char *key, int64_t mod_revision);
json_t *etcd_lease_grant_request(int64_t ttl);
json_t *etcd_lease_keepalive_request(int64_t id);
json_t *etcd_watch_prefix_request(const char *prefix, int64_t start_revision);

/* One key-value, decoded.  'value' is NUL-terminated (value_len bytes
 * before the NUL); NULL for the kv of a DELETE event. */
struct etcd_kv {
    char *key;
    char *value;
    size_t value_len;
    int64_t create_revision;
    int64_t mod_revision;
    int64_t lease;
};

void etcd_kv_uninit(struct etcd_kv *);

enum etcd_event_type {
    ETCD_EVENT_PUT,
    ETCD_EVENT_DELETE,
};

struct etcd_event {
    enum etcd_event_type type;
    struct etcd_kv kv;
};

/* An error reply ({"error", "code", "message"}): returns an allocated
 * "etcd: <message> (code N)", or NULL if 'reply' is not one. */
char *etcd_reply_error(const json_t *reply);

/* Unary replies.  Each first checks etcd_reply_error(). */
char *etcd_parse_header(const json_t *reply, int64_t *revisionp);
/* Range: '*kvsp' (caller calls etcd_kvs_free()), '*np', and the store's
 * revision at the time of the read. */
char *etcd_parse_range(const json_t *reply, int64_t *revisionp,
                       struct etcd_kv **kvsp, size_t *np);
void etcd_kvs_free(struct etcd_kv *, size_t n);
char *etcd_parse_lease_grant(const json_t *reply, int64_t *idp, int64_t *ttlp);
/* A keepalive reply (one {"result": ...} message).  '*ttlp' 0 means the
 * lease no longer exists. */
char *etcd_parse_keepalive(const json_t *reply, int64_t *ttlp);
char *etcd_parse_txn(const json_t *reply, bool *succeededp,
                     int64_t *revisionp);

/* One message of a watch stream. */
struct etcd_watch_msg {
    int64_t revision; /* Header revision (0 when absent). */
    bool created;
    bool canceled;
    int64_t compact_revision; /* Nonzero: the start revision was
                               * compacted away; resync from a range. */
    char *cancel_reason;      /* NULL or the server's reason. */
    struct etcd_event *events;
    size_t n_events;
};

char *etcd_parse_watch(const json_t *msg, struct etcd_watch_msg *);
void etcd_watch_msg_uninit(struct etcd_watch_msg *);

/* Cuts a streamed body into its JSON objects, whatever the chunking. */
struct etcd_stream {
    char *buf;
    size_t len, allocated;
    size_t max; /* A message longer than this is an error. */
};

void etcd_stream_init(struct etcd_stream *, size_t max);
void etcd_stream_uninit(struct etcd_stream *);
void etcd_stream_feed(struct etcd_stream *, const void *, size_t n);
/* Returns NULL and the next complete object in '*msgp' (NULL when none
 * is complete yet; caller decrefs), or an allocated message when the
 * stream holds something that is not JSON or is too long. */
char *etcd_stream_next(struct etcd_stream *, json_t **msgp);

#endif
