/* etcd-client: etcd's v3 JSON API over libevent's HTTP client.
 *
 * A client knows a list of endpoints (the --etcd URLs) and uses one at a
 * time.  Every call is an HTTP POST of a JSON body to a /v3/... path on
 * the endpoint in use; the reply is parsed as JSON and handed to the
 * caller's callback from the event loop.  When a call fails at the
 * transport (connection refused or reset, timeout, a reply that is not
 * JSON, an HTTP status other than 200 without an etcd error body), the
 * client moves to the next endpoint for the calls that follow, so a dead
 * member costs one failed call; the caller decides whether to retry.
 * An etcd error reply ({"error": ...}, e.g. "lease not found") is not a
 * transport failure: it reaches the callback as a reply.
 *
 * A watch is a long POST whose chunked reply is a stream of messages
 * (etcd-json.h parses them).  It runs on its own connection to the
 * endpoint in use when it starts; it ends when the server closes it, the
 * connection fails, or the caller cancels it.
 *
 * Ownership: request bodies passed in are stolen; replies passed to
 * callbacks are borrowed for the duration of the call.  Callbacks may
 * start new calls and may cancel the watch they are called for, but
 * must not destroy the client. */
#ifndef SW_ETCD_CLIENT_H
#define SW_ETCD_CLIENT_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct event_base;
struct etcd_client;
struct etcd_watch;

/* Parses 'urls' (comma-separated "http://HOST:PORT", the path part, if
 * any, ignored).  Returns NULL and '*clientp', or an allocated message
 * naming the bad URL. */
char *etcd_client_create(struct event_base *, const char *urls,
                         int timeout_sec, struct etcd_client **clientp);
void etcd_client_destroy(struct etcd_client *);

/* The endpoint in use ("http://127.0.0.1:2379"), and how many there are. */
const char *etcd_client_endpoint(const struct etcd_client *);
size_t etcd_client_n_endpoints(const struct etcd_client *);
/* Bumped each time the client moves to another endpoint. */
uint64_t etcd_client_generation(const struct etcd_client *);
/* Moves to the next endpoint now (the caller saw it misbehave). */
void etcd_client_next_endpoint(struct etcd_client *);

/* 'reply' is NULL on a transport failure, with 'error' saying why. */
typedef void etcd_reply_cb(const json_t *reply, const char *error, void *aux);

/* POSTs 'body' (stolen) to 'path' ("/v3/kv/put").  Bytes sent and
 * received are counted (etcd_client_stats()). */
void etcd_client_call(struct etcd_client *, const char *path, json_t *body,
                      etcd_reply_cb *, void *aux);

/* Watch: 'msg_cb' once per streamed message, then 'end_cb' once when the
 * stream ends ('error' NULL if the server closed it cleanly).  Neither is
 * called after etcd_watch_cancel(), which is also what frees the watch
 * (call it after 'end_cb' too, from the callback or later). */
struct etcd_watch *
etcd_watch_start(struct etcd_client *, json_t *body,
                 void (*msg_cb)(const json_t *msg, void *aux),
                 void (*end_cb)(const char *error, void *aux), void *aux);
void etcd_watch_cancel(struct etcd_watch *);
/* The endpoint the watch runs on. */
const char *etcd_watch_endpoint(const struct etcd_watch *);

struct etcd_client_stats {
    uint64_t n_calls, n_failures, n_failovers;
    uint64_t bytes_sent, bytes_received; /* HTTP bodies only. */
    uint64_t n_watch_messages;
    uint64_t watch_bytes_received; /* Of those, on watch streams. */
};
void etcd_client_stats(const struct etcd_client *, struct etcd_client_stats *);

#endif
