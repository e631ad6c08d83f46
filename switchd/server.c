/* The unix socket server: accepts clients, cuts their bytes into
 * requests (lib/rpc), dispatches them and writes replies.
 *
 * Subscriptions: a request that starts a monitor or a capture turns its
 * connection into a stream.  After the reply, the daemon reads nothing
 * more from it (bytes the client sends are discarded; its hang-up ends
 * the subscription) and writes the lines the subscription queues.  The
 * bridge's hooks only queue and activate the connection's 'notify'
 * event; the lines are written from the loop, at most
 * SERVER_STREAM_CHUNK bytes at a time and only once the previous chunk
 * is gone, so a slow reader costs the daemon only the subscription's own
 * bounded queue.
 *
 * Uploads: a request whose job has a 'feed' (add-flows of a large file)
 * reads its pieces from the connection after the reply, one piece per
 * loop iteration, and stops reading while pieces wait; its 'step'
 * (the commit) runs after the last.  It is not bound by
 * SERVER_REQUEST_MSEC as a whole, only by the time between two bytes.
 *
 * Bounds: at most SERVER_MAX_CLIENTS connections; a request may be at
 * most RPC_MAX_MSG bytes; a connection has at most one reply waiting to
 * be written (we stop reading from it until that reply is flushed, so a
 * client that sends requests without reading replies only blocks
 * itself).  Clients that hold resources without using them cannot lock
 * others out:
 *   - a request must be complete (its newline received) within
 *     SERVER_REQUEST_MSEC of its first byte, or the client gets an error
 *     and is disconnected;
 *   - the requests being received, all clients together, hold at most
 *     SERVER_MAX_BUFFERED bytes (plus the growth of one buffer): a client
 *     whose buffer would grow past that waits, unread, until others'
 *     requests complete or time out;
 *   - when all SERVER_MAX_CLIENTS slots are taken, a new client takes the
 *     slot of the one idle longest among those not being answered and
 *     not streaming (idle, or sending a request slowly); it is refused
 *     only if every slot streams or is being answered.
 *
 * A connection is never freed inside one of its own callbacks: it is
 * marked dead, its events removed and its fd closed, and a "reaper"
 * event frees it on the next loop iteration. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "ds.h"
#include "log.h"
#include "methods.h"
#include "rpc.h"
#include "server.h"
#include "util.h"

#define SERVER_MAX_CLIENTS 64
#define SERVER_READ_CHUNK (256 * 1024)
#define SERVER_STREAM_CHUNK (64 * 1024)
#define SERVER_REQUEST_MSEC 5000
#define SERVER_MAX_BUFFERED (2 * (size_t)RPC_MAX_MSG)

struct conn {
    struct server *server;
    struct conn *next;
    int fd;
    struct event *rd, *wr;
    struct rpc_reader reader;
    char *out; /* Reply being written, or NULL. */
    size_t out_len, out_ofs;
    bool closing; /* Close once 'out' is written. */
    bool dead;
    struct bridge_sub *sub;  /* Streaming, or NULL. */
    struct event *notify_ev; /* Activated when 'sub' has lines. */
    int64_t request_start;   /* clock_msec() of the first byte of the
                              * request being received, 0 if none. */
    int64_t last_active;     /* clock_msec() of the last byte or reply. */
    size_t accounted;        /* Reader bytes counted in 'buffered'. */
    bool paused;             /* Not read: SERVER_MAX_BUFFERED reached. */
    struct switchd_job job;  /* A reply in pieces ('step' set), whose
                              * next piece is made by 'job_ev'. */
    bool uploading;          /* 'job' takes pieces (its 'feed'). */
    json_t *job_id;
    struct event *job_ev;
};

struct server {
    struct event_base *base;
    struct switchd *sw;
    char *path;
    int fd;
    struct event *accept_ev;
    struct event *reaper;
    struct conn *conns;
    size_t n_conns;
    size_t buffered;    /* Sum of the conns' 'accounted'. */
    struct event *tick; /* Once a second: request timeouts. */
};

static void conn_process(struct conn *);
static void conn_pump(struct conn *);
static bool conn_flush(struct conn *);

static void conn_job_end(struct conn *c)
{
    if (c->job.step) {
        c->job.destroy(c->job.state);
        memset(&c->job, 0, sizeof c->job);
        json_decref(c->job_id);
        c->job_id = NULL;
    }
}

/* The next piece of a job is made on a later loop iteration, after the
 * events that are ready now (packets first): a zero timeout. */
static void conn_job_schedule(struct conn *c)
{
    static const struct timeval now = { 0, 0 };
    if (!c->dead && c->job.step) {
        event_add(c->job_ev, &now);
    }
}

/* Appends {"id": ID, KEY: VALUE} and its newline to 'ds'; takes 'value'. */
static void put_job_line(struct ds *ds, json_t *id, const char *key,
                         json_t *value)
{
    json_t *msg = json_pack("{s:O, s:o}", "id", id, key, value);
    char *text = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII);
    ds_put_format(ds, "%s\n", text);
    free(text);
    json_decref(msg);
}

static void conn_job_cb(evutil_socket_t fd, short what, void *c_)
{
    struct conn *c = c_;
    if (c->dead || !c->job.step || c->out) {
        return;
    }
    if (c->uploading) {
        conn_process(c); /* The next piece of the upload. */
        return;
    }
    struct ds piece = DS_EMPTY_INITIALIZER;
    char *err = NULL;
    bool done = c->job.step(c->job.state, SERVER_STREAM_CHUNK, &piece, &err);
    struct ds lines = DS_EMPTY_INITIALIZER;
    if (piece.length) {
        put_job_line(&lines, c->job_id, "chunk",
                     json_stringn(piece.string, piece.length));
    }
    ds_destroy(&piece);
    if (err) {
        put_job_line(&lines, c->job_id, "error", json_string(err));
        free(err);
        conn_job_end(c);
    } else if (done) {
        put_job_line(&lines, c->job_id, c->job.deferred ? "result" : "end",
                     c->job.finish(c->job.state));
        conn_job_end(c);
    }
    if (!lines.length) {
        /* A step that made nothing yet: try again next iteration. */
        ds_destroy(&lines);
        conn_job_schedule(c);
        return;
    }
    c->out = ds_steal_cstr(&lines);
    c->out_len = strlen(c->out);
    c->out_ofs = 0;
    c->last_active = clock_msec();
    if (conn_flush(c) && !c->job.step) {
        conn_process(c);
    }
}

/* Brings the server's count of buffered request bytes up to date with
 * 'c''s reader, and lets paused clients read again once there is room. */
static void conn_account(struct conn *c)
{
    struct server *s = c->server;
    size_t now = c->dead ? 0 : c->reader.allocated;
    s->buffered = s->buffered - c->accounted + now;
    c->accounted = now;
    if (s->buffered >= SERVER_MAX_BUFFERED) {
        return;
    }
    for (struct conn *p = s->conns; p; p = p->next) {
        if (p->paused && !p->dead) {
            p->paused = false;
            event_add(p->rd, NULL);
        }
    }
}

static void conn_kill(struct conn *c)
{
    if (c->dead) {
        return;
    }
    c->dead = true;
    c->uploading = false;
    event_del(c->rd);
    event_del(c->wr);
    event_del(c->notify_ev);
    event_del(c->job_ev);
    conn_job_end(c);
    /* The subscription goes now, so the dataplane stops queueing for a
     * client that left; the hooks never call into this code. */
    bridge_sub_destroy(c->sub);
    c->sub = NULL;
    close(c->fd);
    c->fd = -1;
    rpc_reader_uninit(&c->reader);
    c->paused = false;
    conn_account(c);
    event_active(c->server->reaper, 0, 0);
}

static void reaper_cb(evutil_socket_t fd, short what, void *server_)
{
    struct server *s = server_;
    struct conn **pp = &s->conns;
    while (*pp) {
        struct conn *c = *pp;
        if (c->dead) {
            *pp = c->next;
            event_free(c->rd);
            event_free(c->wr);
            event_free(c->notify_ev);
            event_free(c->job_ev);
            rpc_reader_uninit(&c->reader);
            free(c->out);
            free(c);
            s->n_conns--;
        } else {
            pp = &c->next;
        }
    }
}

/* Writes what it can of the pending reply.  Returns true if nothing is
 * left to write. */
static bool conn_flush(struct conn *c)
{
    while (c->out && c->out_ofs < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_ofs, c->out_len - c->out_ofs,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                event_add(c->wr, NULL);
                return false;
            }
            LOG(LOG_DBG, "client write failed: %s", strerror(errno));
            conn_kill(c);
            return false;
        }
        c->out_ofs += (size_t)n;
    }
    free(c->out);
    c->out = NULL;
    c->out_len = c->out_ofs = 0;
    conn_job_schedule(c);
    if (c->closing) {
        conn_kill(c);
        return false;
    }
    if (c->server->sw->exit_requested) {
        event_base_loopbreak(c->server->base);
    }
    return true;
}

static void conn_send(struct conn *c, char *line)
{
    c->out = line;
    c->out_len = strlen(line);
    c->out_ofs = 0;
}

/* bridge_sub_notify_func: only schedules the write. */
static void conn_notify(void *c_)
{
    struct conn *c = c_;
    if (!c->dead) {
        event_active(c->notify_ev, 0, 0);
    }
}

static void conn_notify_cb(evutil_socket_t fd, short what, void *c_)
{
    conn_pump(c_);
}

/* Moves queued subscription lines to the socket while it takes them. */
static void conn_pump(struct conn *c)
{
    while (!c->dead && c->sub && !c->out) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        char *line;
        while (ds.length < SERVER_STREAM_CHUNK
               && (line = bridge_sub_next(c->sub)) != NULL) {
            ds_put_cstr(&ds, line);
            free(line);
        }
        if (bridge_sub_finished(c->sub)) {
            c->closing = true;
        }
        if (!ds.length) {
            ds_destroy(&ds);
            if (c->closing) {
                conn_kill(c);
            }
            return;
        }
        conn_send(c, ds_steal_cstr(&ds));
        if (!conn_flush(c)) {
            return;
        }
    }
}

static void conn_handle(struct conn *c, const char *line)
{
    json_t *req, *id, *params;
    const char *method;
    char *err = rpc_parse_request(line, &req, &id, &method, &params);
    if (err) {
        LOG(LOG_DBG, "bad request: %s", err);
        conn_send(c, rpc_encode_error(id, err));
        free(err);
        json_decref(id);
        return;
    }
    json_t *result = NULL;
    struct switchd_call call = { conn_notify, c, NULL, { 0 } };
    err = switchd_dispatch(c->server->sw, method, params, &call, &result);
    c->sub = call.sub;
    if (!err && call.job.step) {
        c->job = call.job;
        c->job_id = json_incref(id);
        c->uploading = call.job.feed != NULL;
    }
    if (err) {
        conn_send(c, rpc_encode_error(id, err));
        free(err);
        if (json_is_true(json_object_get(params, "upload"))) {
            /* Its pieces would follow: they are not requests. */
            c->closing = true;
            event_del(c->rd);
        }
    } else if (!c->job.step || !c->job.deferred) {
        conn_send(c, rpc_encode_reply(id, result));
    }
    json_decref(result);
    json_decref(id);
    json_decref(req);
}

/* One piece of an upload: {"id", "chunk": TEXT} goes to the job's
 * feed(), {"id", "end": {}} ends the upload (the job's step() runs
 * next).  Anything else, or an error from feed(), ends the request with
 * an error line and the connection. */
static void conn_upload_piece(struct conn *c, const char *line)
{
    json_error_t jerr;
    json_t *msg = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
    json_t *chunk = json_object_get(msg, "chunk");
    char *err = NULL;
    if (!json_is_object(msg)
        || !json_equal(json_object_get(msg, "id"), c->job_id)
        || (!json_is_string(chunk) && !json_object_get(msg, "end"))) {
        err = xstrdup("malformed piece of an upload (expected {\"id\", "
                      "\"chunk\": TEXT} or {\"id\", \"end\": {}})");
    } else if (chunk) {
        err = c->job.feed(c->job.state, json_string_value(chunk),
                          json_string_length(chunk));
    } else {
        c->uploading = false;
    }
    json_decref(msg);
    if (err) {
        conn_send(c, rpc_encode_error(c->job_id, err));
        free(err);
        conn_job_end(c);
        c->uploading = false;
        c->closing = true;
        event_del(c->rd);
        conn_flush(c);
    }
}

/* Handles buffered requests one at a time, stopping while a reply is
 * waiting to be written.  During an upload, handles one of its pieces
 * and leaves the next to a later loop iteration (packets first). */
static void conn_process(struct conn *c)
{
    while (!c->dead && !c->out && !c->sub && (!c->job.step || c->uploading)) {
        char *line;
        int error = rpc_reader_next(&c->reader, &line);
        if (error == EAGAIN) {
            c->request_start = c->reader.len ? c->request_start : 0;
            rpc_reader_shrink(&c->reader);
            conn_account(c);
            if (!c->paused) {
                event_add(c->rd, NULL);
            }
            return;
        }
        if (error) {
            char *msg = xasprintf("request too large (the limit is %u "
                                  "bytes)",
                                  (unsigned)RPC_MAX_MSG);
            LOG(LOG_WARN, "dropping a client: %s", msg);
            conn_send(c, rpc_encode_error(NULL, msg));
            free(msg);
            c->closing = true;
            event_del(c->rd);
            conn_flush(c);
            return;
        }
        /* What follows this request, if anything, starts the next. */
        c->request_start = c->reader.len ? clock_msec() : 0;
        c->last_active = clock_msec();
        if (c->uploading) {
            conn_upload_piece(c, line);
            free(line);
            if (!c->dead && !c->out) {
                /* Read no more while pieces wait, nor once it ended
                 * (the reply comes first). */
                if (!c->uploading || c->reader.len >= SERVER_READ_CHUNK) {
                    event_del(c->rd);
                }
                conn_job_schedule(c);
            }
            return;
        }
        conn_handle(c, line);
        free(line);
        conn_flush(c);
    }
    if (!c->dead && (c->out || c->job.step) && !c->sub) {
        /* Back-pressure: read no more until the reply is gone. */
        event_del(c->rd);
    }
    if (!c->dead && c->sub) {
        /* A stream reads only to notice the hang-up. */
        event_add(c->rd, NULL);
        conn_pump(c);
    }
}

static void conn_read_cb(evutil_socket_t fd, short what, void *c_)
{
    struct conn *c = c_;
    static char chunk[SERVER_READ_CHUNK];
    ssize_t n = recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        /* A client that disconnects midway simply goes away. */
        conn_kill(c);
        return;
    }
    if (c->sub) {
        return;
    }
    c->last_active = clock_msec();
    if (!c->request_start) {
        c->request_start = c->last_active;
    }
    rpc_reader_feed(&c->reader, chunk, (size_t)n);
    conn_account(c);
    conn_process(c);
    if (!c->dead && !c->sub && c->server->buffered >= SERVER_MAX_BUFFERED
        && c->reader.len + SERVER_READ_CHUNK + 1 > c->reader.allocated) {
        /* The next read would grow this buffer past the common bound:
         * wait until others' requests complete or time out. */
        c->paused = true;
        event_del(c->rd);
    }
}

static void conn_write_cb(evutil_socket_t fd, short what, void *c_)
{
    struct conn *c = c_;
    if (conn_flush(c) && !c->job.step) {
        conn_process(c);
    }
}

/* Ends a connection with an error line (best effort: it may not fit
 * the socket buffer, the close matters more). */
static void conn_drop(struct conn *c, const char *why)
{
    char *msg = rpc_encode_error(NULL, why);
    ssize_t w = send(c->fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)w;
    free(msg);
    conn_kill(c);
}

/* Once a second: a request that did not complete in time ends its
 * connection. */
static void tick_cb(evutil_socket_t fd, short what, void *s_)
{
    struct server *s = s_;
    int64_t now = clock_msec();
    for (struct conn *c = s->conns; c; c = c->next) {
        if (!c->dead && c->uploading
            && now - c->last_active >= SERVER_REQUEST_MSEC) {
            /* An upload may take as long as it needs while its bytes
             * keep coming. */
            LOG_RL(LOG_WARN,
                   "dropping a client: its upload sent nothing for %d ms",
                   SERVER_REQUEST_MSEC);
            char *why = xasprintf("upload stalled: nothing received for "
                                  "%d ms: closing the connection",
                                  SERVER_REQUEST_MSEC);
            conn_drop(c, why);
            free(why);
        } else if (!c->dead && !c->sub && !c->out && !c->job.step
                   && c->request_start
                   && now - c->request_start >= SERVER_REQUEST_MSEC) {
            LOG_RL(LOG_WARN,
                   "dropping a client: its request (%zu bytes so "
                   "far) did not complete within %d ms",
                   c->reader.len, SERVER_REQUEST_MSEC);
            char *why = xasprintf("request not complete within %d ms: "
                                  "closing the connection",
                                  SERVER_REQUEST_MSEC);
            conn_drop(c, why);
            free(why);
        }
    }
}

/* The connection whose slot a new client may take: the one idle longest
 * among those neither answered nor streaming, or NULL. */
static struct conn *eviction_victim(struct server *s)
{
    struct conn *victim = NULL;
    for (struct conn *c = s->conns; c; c = c->next) {
        if (!c->dead && !c->sub && !c->out && (!c->job.step || c->uploading)
            && (!victim || c->last_active < victim->last_active)) {
            victim = c;
        }
    }
    return victim;
}

static void accept_cb(evutil_socket_t fd, short what, void *s_)
{
    struct server *s = s_;
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            LOG_RL(LOG_WARN, "accept: %s", strerror(errno));
        }
        return;
    }
    size_t n_live = 0;
    for (struct conn *c = s->conns; c; c = c->next) {
        n_live += !c->dead;
    }
    struct conn *victim =
        n_live >= SERVER_MAX_CLIENTS ? eviction_victim(s) : NULL;
    if (victim) {
        LOG_RL(LOG_WARN,
               "%d clients connected: dropping the one idle "
               "longest for a new one",
               SERVER_MAX_CLIENTS);
        conn_drop(victim, "the server is full and this connection was "
                          "idle longest: closing it for a new client");
        n_live--;
    }
    if (n_live >= SERVER_MAX_CLIENTS) {
        char *msg = rpc_encode_error(NULL, "too many clients");
        ssize_t w = send(cfd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)w;
        free(msg);
        close(cfd);
        LOG_RL(LOG_WARN, "refused a client: %d already connected",
               SERVER_MAX_CLIENTS);
        return;
    }
    struct conn *c = xzalloc(sizeof *c);
    c->server = s;
    c->fd = cfd;
    rpc_reader_init(&c->reader, RPC_MAX_MSG);
    c->rd = event_new(s->base, cfd, EV_READ | EV_PERSIST, conn_read_cb, c);
    c->wr = event_new(s->base, cfd, EV_WRITE, conn_write_cb, c);
    c->notify_ev = event_new(s->base, -1, 0, conn_notify_cb, c);
    c->job_ev = event_new(s->base, -1, 0, conn_job_cb, c);
    c->last_active = clock_msec();
    event_add(c->rd, NULL);
    c->next = s->conns;
    s->conns = c;
    s->n_conns++;
}

/* Removes a socket file left by a daemon that died, but never one that
 * a live daemon still answers on. */
static int clear_stale_socket(const struct sockaddr_un *sun, char **errp)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && !connect(fd, (const struct sockaddr *)sun, sizeof *sun)) {
        close(fd);
        *errp = xasprintf("%s: another switchd is already listening",
                          sun->sun_path);
        return EADDRINUSE;
    }
    if (fd >= 0) {
        close(fd);
    }
    unlink(sun->sun_path);
    return 0;
}

struct server *server_create(struct event_base *base, struct switchd *sw,
                             const char *path, char **errp)
{
    struct sockaddr_un sun;
    *errp = NULL;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        *errp = xasprintf("%s: socket path too long", path);
        return NULL;
    }
    strcpy(sun.sun_path, path);
    if (clear_stale_socket(&sun, errp)) {
        return NULL;
    }

    /* The socket file is born with mode 0700: a chmod after bind()
     * would leave a moment in which anyone could connect. */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    mode_t old_umask = umask(0077);
    int error = fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof sun) < 0
                    ? errno
                    : 0;
    umask(old_umask);
    if (!error && listen(fd, 64) < 0) {
        error = errno;
    }
    if (error) {
        *errp = xasprintf("%s: %s", path, strerror(error));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }

    struct server *s = xzalloc(sizeof *s);
    s->base = base;
    s->sw = sw;
    s->path = xstrdup(path);
    s->fd = fd;
    s->accept_ev = event_new(base, fd, EV_READ | EV_PERSIST, accept_cb, s);
    s->reaper = event_new(base, -1, 0, reaper_cb, s);
    event_add(s->accept_ev, NULL);
    s->tick = event_new(base, -1, EV_PERSIST, tick_cb, s);
    struct timeval second = { 1, 0 };
    event_add(s->tick, &second);
    return s;
}

void server_destroy(struct server *s)
{
    if (!s) {
        return;
    }
    for (struct conn *c = s->conns; c; c = c->next) {
        conn_kill(c);
    }
    reaper_cb(-1, 0, s);
    event_free(s->accept_ev);
    event_free(s->reaper);
    event_free(s->tick);
    close(s->fd);
    unlink(s->path);
    free(s->path);
    free(s);
}
