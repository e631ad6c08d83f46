/* etcd-client: calls and watches on etcd's JSON gateway (libevent). */
#include "etcd-client.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>

#include "etcd-json.h"
#include "util.h"

/* The longest streamed message accepted (a watch event batch). */
#define ETCD_STREAM_MAX (32u * 1024 * 1024)

struct etcd_endpoint {
    char *url; /* As given, without a trailing path. */
    char *host;
    uint16_t port;
    struct evhttp_connection *conn; /* For unary calls; lazily made. */
};

struct etcd_call;

struct etcd_client {
    struct event_base *base;
    /* Calls not answered yet: destroying the client answers them with an
     * error, since libevent drops a freed connection's requests without
     * a word. */
    struct etcd_call *pending;
    struct etcd_endpoint *eps;
    size_t n_eps, cur;
    int timeout_sec;
    uint64_t generation;
    struct etcd_client_stats stats;
};

struct etcd_call {
    struct etcd_call *prev, *next; /* In client->pending. */
    struct etcd_client *client;
    size_t ep;
    etcd_reply_cb *cb;
    void *aux;
    enum evhttp_request_error error;
    bool have_error;
};

struct etcd_watch {
    struct etcd_client *client;
    char *endpoint;
    struct evhttp_connection *conn;
    struct etcd_stream stream;
    void (*msg_cb)(const json_t *, void *);
    void (*end_cb)(const char *, void *);
    void *aux;
    bool canceled, ended;
    enum evhttp_request_error error;
    bool have_error;
    int status;
};

static char *parse_url(const char *url, struct etcd_endpoint *ep)
{
    const char *p = url;
    if (str_starts_with(p, "http://")) {
        p += strlen("http://");
    } else if (strstr(p, "://")) {
        return xasprintf("etcd URL \"%s\": only http:// is supported", url);
    }
    size_t hostlen = strcspn(p, ":/");
    if (!hostlen) {
        return xasprintf("etcd URL \"%s\": no host", url);
    }
    uint64_t port = 2379;
    const char *rest = p + hostlen;
    if (*rest == ':') {
        size_t plen = strcspn(rest + 1, "/");
        char *ps = xstrndup(rest + 1, plen);
        bool ok = str_to_u64(ps, 65535, &port) && port;
        free(ps);
        if (!ok) {
            return xasprintf("etcd URL \"%s\": bad port", url);
        }
        rest += 1 + plen;
    }
    ep->host = xstrndup(p, hostlen);
    ep->port = (uint16_t)port;
    ep->url = xasprintf("http://%s:%u", ep->host, (unsigned)ep->port);
    return NULL;
}

char *etcd_client_create(struct event_base *base, const char *urls,
                         int timeout_sec, struct etcd_client **clientp)
{
    *clientp = NULL;
    struct etcd_client *c = xzalloc(sizeof *c);
    c->base = base;
    c->timeout_sec = timeout_sec > 0 ? timeout_sec : 5;
    char *copy = xstrdup(urls);
    char *save = NULL;
    char *err = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && !err;
         tok = strtok_r(NULL, ",", &save)) {
        c->eps = xrealloc(c->eps, (c->n_eps + 1) * sizeof *c->eps);
        memset(&c->eps[c->n_eps], 0, sizeof *c->eps);
        err = parse_url(tok, &c->eps[c->n_eps]);
        if (!err) {
            c->n_eps++;
        }
    }
    free(copy);
    if (!err && !c->n_eps) {
        err = xstrdup("no etcd URL given");
    }
    if (err) {
        etcd_client_destroy(c);
        return err;
    }
    *clientp = c;
    return NULL;
}

static void pending_remove(struct etcd_call *call)
{
    struct etcd_client *c = call->client;
    if (call->prev) {
        call->prev->next = call->next;
    } else {
        c->pending = call->next;
    }
    if (call->next) {
        call->next->prev = call->prev;
    }
}

void etcd_client_destroy(struct etcd_client *c)
{
    if (!c) {
        return;
    }
    for (size_t i = 0; i < c->n_eps; i++) {
        if (c->eps[i].conn) {
            evhttp_connection_free(c->eps[i].conn);
            c->eps[i].conn = NULL;
        }
    }
    /* The callbacks may still ask for the endpoint's URL (to log the
     * failure), so the endpoints outlive them. */
    while (c->pending) {
        struct etcd_call *call = c->pending;
        pending_remove(call);
        call->cb(NULL, "etcd client destroyed", call->aux);
        free(call);
    }
    for (size_t i = 0; i < c->n_eps; i++) {
        free(c->eps[i].url);
        free(c->eps[i].host);
    }
    free(c->eps);
    free(c);
}

const char *etcd_client_endpoint(const struct etcd_client *c)
{
    return c->eps[c->cur].url;
}

size_t etcd_client_n_endpoints(const struct etcd_client *c)
{
    return c->n_eps;
}

uint64_t etcd_client_generation(const struct etcd_client *c)
{
    return c->generation;
}

void etcd_client_next_endpoint(struct etcd_client *c)
{
    c->cur = (c->cur + 1) % c->n_eps;
    c->generation++;
    c->stats.n_failovers++;
}

void etcd_client_stats(const struct etcd_client *c,
                       struct etcd_client_stats *s)
{
    *s = c->stats;
}

static struct evhttp_connection *new_connection(struct etcd_client *c,
                                                const struct etcd_endpoint *ep,
                                                int timeout_sec)
{
    struct evhttp_connection *conn =
        evhttp_connection_base_new(c->base, NULL, ep->host, ep->port);
    if (conn) {
        evhttp_connection_set_timeout(conn, timeout_sec);
        evhttp_connection_set_retries(conn, 0);
    }
    return conn;
}

/* Makes a POST of 'body' (stolen); NULL if libevent refused. */
static struct evhttp_request *
new_post(struct etcd_client *c, const struct etcd_endpoint *ep, json_t *body,
         void (*done)(struct evhttp_request *, void *), void *arg)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct evhttp_request *req = evhttp_request_new(done, arg);
    if (!req || !text) {
        free(text);
        if (req) {
            evhttp_request_free(req);
        }
        return NULL;
    }
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    char host[300];
    snprintf(host, sizeof host, "%s:%u", ep->host, (unsigned)ep->port);
    evhttp_add_header(h, "Host", host);
    evhttp_add_header(h, "Content-Type", "application/json");
    size_t len = strlen(text);
    evbuffer_add(evhttp_request_get_output_buffer(req), text, len);
    c->stats.bytes_sent += len;
    free(text);
    return req;
}

static const char *request_error_str(enum evhttp_request_error e)
{
    switch (e) {
    case EVREQ_HTTP_TIMEOUT:
        return "timed out";
    case EVREQ_HTTP_EOF:
        return "connection closed";
    case EVREQ_HTTP_INVALID_HEADER:
        return "invalid HTTP header";
    case EVREQ_HTTP_BUFFER_ERROR:
        return "connection failed";
    case EVREQ_HTTP_REQUEST_CANCEL:
        return "canceled";
    case EVREQ_HTTP_DATA_TOO_LONG:
        return "reply too long";
    }
    return "failed";
}

static void call_error_cb(enum evhttp_request_error e, void *arg)
{
    struct etcd_call *call = arg;
    call->error = e;
    call->have_error = true;
}

/* Reads a whole reply body as JSON, or NULL. */
static json_t *read_json(struct etcd_client *c, struct evhttp_request *req)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    c->stats.bytes_received += len;
    const char *data = (const char *)evbuffer_pullup(in, -1);
    json_t *j = data ? json_loadb(data, len, 0, NULL) : NULL;
    evbuffer_drain(in, len);
    return j;
}

static void call_done(struct evhttp_request *req, void *arg)
{
    struct etcd_call *call = arg;
    struct etcd_client *c = call->client;
    pending_remove(call);
    int status = req ? evhttp_request_get_response_code(req) : 0;
    json_t *reply = status ? read_json(c, req) : NULL;
    char *error = NULL;
    if (!status) {
        error = xasprintf("%s: %s", c->eps[call->ep].url,
                          call->have_error ? request_error_str(call->error)
                                           : "connection failed");
    } else if (!reply) {
        error = xasprintf("%s: HTTP %d reply is not JSON",
                          c->eps[call->ep].url, status);
    } else if (status != 200 && !json_object_get(reply, "error")) {
        error = xasprintf("%s: HTTP %d", c->eps[call->ep].url, status);
        json_decref(reply);
        reply = NULL;
    }
    if (error) {
        c->stats.n_failures++;
        if (call->ep == c->cur) {
            etcd_client_next_endpoint(c);
        }
    }
    call->cb(reply, error, call->aux);
    json_decref(reply);
    free(error);
    free(call);
}

static void call_fail_cb(evutil_socket_t fd, short what, void *arg)
{
    call_done(NULL, arg);
}

void etcd_client_call(struct etcd_client *c, const char *path, json_t *body,
                      etcd_reply_cb *cb, void *aux)
{
    struct etcd_endpoint *ep = &c->eps[c->cur];
    struct etcd_call *call = xzalloc(sizeof *call);
    call->client = c;
    call->ep = c->cur;
    call->cb = cb;
    call->aux = aux;
    call->next = c->pending;
    if (c->pending) {
        c->pending->prev = call;
    }
    c->pending = call;
    c->stats.n_calls++;
    if (!ep->conn) {
        ep->conn = new_connection(c, ep, c->timeout_sec);
    }
    struct evhttp_request *req =
        ep->conn ? new_post(c, ep, body, call_done, call) : NULL;
    if (!ep->conn) {
        json_decref(body);
    }
    if (req) {
        evhttp_request_set_error_cb(req, call_error_cb);
        if (!evhttp_make_request(ep->conn, req, EVHTTP_REQ_POST, path)) {
            return;
        }
        /* evhttp_make_request() freed 'req' on failure. */
    }
    /* Reported from the loop, like any other failure, so that a caller
     * never sees its callback run inside its own call. */
    call->have_error = true;
    call->error = EVREQ_HTTP_BUFFER_ERROR;
    struct timeval tv = { 0, 0 };
    event_base_once(c->base, -1, EV_TIMEOUT, call_fail_cb, call, &tv);
}

/* ---- Watches. ---- */

static void watch_free_cb(evutil_socket_t fd, short what, void *arg)
{
    struct etcd_watch *w = arg;
    if (w->conn) {
        evhttp_connection_free(w->conn);
    }
    etcd_stream_uninit(&w->stream);
    free(w->endpoint);
    free(w);
}

/* The connection is freed from the loop, never inside its own callback. */
static void watch_free_later(struct etcd_watch *w)
{
    struct timeval tv = { 0, 0 };
    event_base_once(w->client->base, -1, EV_TIMEOUT, watch_free_cb, w, &tv);
}

static void watch_end(struct etcd_watch *w, const char *error)
{
    if (w->ended) {
        return;
    }
    w->ended = true;
    if (!w->canceled) {
        w->end_cb(error, w->aux);
    }
}

static void watch_chunk(struct evhttp_request *req, void *arg)
{
    struct etcd_watch *w = arg;
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t len = evbuffer_get_length(in);
    w->client->stats.bytes_received += len;
    w->client->stats.watch_bytes_received += len;
    const char *data = (const char *)evbuffer_pullup(in, -1);
    if (data) {
        etcd_stream_feed(&w->stream, data, len);
    }
    evbuffer_drain(in, len);
    w->status = evhttp_request_get_response_code(req);
    while (!w->canceled && !w->ended) {
        json_t *msg;
        char *err = etcd_stream_next(&w->stream, &msg);
        if (err) {
            watch_end(w, err);
            free(err);
            return;
        }
        if (!msg) {
            break;
        }
        w->client->stats.n_watch_messages++;
        w->msg_cb(msg, w->aux);
        json_decref(msg);
    }
}

static void watch_error_cb(enum evhttp_request_error e, void *arg)
{
    struct etcd_watch *w = arg;
    w->error = e;
    w->have_error = true;
}

static void watch_done(struct evhttp_request *req, void *arg)
{
    struct etcd_watch *w = arg;
    if (w->canceled) {
        return;
    }
    int status = req ? evhttp_request_get_response_code(req) : 0;
    char *error = NULL;
    if (!status) {
        error = xasprintf("%s: watch %s", w->endpoint,
                          w->have_error ? request_error_str(w->error)
                                        : "connection failed");
    } else if (status != 200) {
        error = xasprintf("%s: watch: HTTP %d", w->endpoint, status);
    }
    if (error) {
        struct etcd_client *c = w->client;
        c->stats.n_failures++;
        if (!strcmp(c->eps[c->cur].url, w->endpoint)) {
            etcd_client_next_endpoint(c);
        }
    }
    watch_end(w, error);
    free(error);
}

static void watch_fail_cb(evutil_socket_t fd, short what, void *arg)
{
    watch_done(NULL, arg);
}

struct etcd_watch *etcd_watch_start(struct etcd_client *c, json_t *body,
                                    void (*msg_cb)(const json_t *, void *),
                                    void (*end_cb)(const char *, void *),
                                    void *aux)
{
    struct etcd_endpoint *ep = &c->eps[c->cur];
    struct etcd_watch *w = xzalloc(sizeof *w);
    w->client = c;
    w->endpoint = xstrdup(ep->url);
    w->msg_cb = msg_cb;
    w->end_cb = end_cb;
    w->aux = aux;
    etcd_stream_init(&w->stream, ETCD_STREAM_MAX);
    c->stats.n_calls++;
    /* A watch may be silent for long; the read timeout only bounds how
     * long a dead connection goes unnoticed. */
    w->conn = new_connection(c, ep, 3600);
    struct evhttp_request *req =
        w->conn ? new_post(c, ep, body, watch_done, w) : NULL;
    if (!w->conn) {
        json_decref(body);
    }
    if (req) {
        evhttp_request_set_chunked_cb(req, watch_chunk);
        evhttp_request_set_error_cb(req, watch_error_cb);
        if (!evhttp_make_request(w->conn, req, EVHTTP_REQ_POST, "/v3/watch")) {
            return w;
        }
    }
    /* Reported from the loop: the caller gets its handle first. */
    w->have_error = true;
    w->error = EVREQ_HTTP_BUFFER_ERROR;
    struct timeval tv = { 0, 0 };
    event_base_once(c->base, -1, EV_TIMEOUT, watch_fail_cb, w, &tv);
    return w;
}

void etcd_watch_cancel(struct etcd_watch *w)
{
    if (w) {
        w->canceled = true;
        watch_free_later(w);
    }
}

const char *etcd_watch_endpoint(const struct etcd_watch *w)
{
    return w->endpoint;
}
