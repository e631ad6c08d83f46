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
 * Bounds: at most SERVER_MAX_CLIENTS connections; a request may be at
 * most RPC_MAX_MSG bytes; a connection has at most one reply waiting to
 * be written (we stop reading from it until that reply is flushed, so a
 * client that sends requests without reading replies only blocks
 * itself).
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

#include "ds.h"
#include "log.h"
#include "methods.h"
#include "rpc.h"
#include "server.h"
#include "util.h"

#define SERVER_MAX_CLIENTS 64
#define SERVER_READ_CHUNK (256 * 1024)
#define SERVER_STREAM_CHUNK (64 * 1024)

struct conn {
    struct server *server;
    struct conn *next;
    int fd;
    struct event *rd, *wr;
    struct rpc_reader reader;
    char *out;        /* Reply being written, or NULL. */
    size_t out_len, out_ofs;
    bool closing;     /* Close once 'out' is written. */
    bool dead;
    struct bridge_sub *sub;   /* Streaming, or NULL. */
    struct event *notify_ev;  /* Activated when 'sub' has lines. */
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
};

static void conn_process(struct conn *);
static void conn_pump(struct conn *);

static void
conn_kill(struct conn *c)
{
    if (c->dead) {
        return;
    }
    c->dead = true;
    event_del(c->rd);
    event_del(c->wr);
    event_del(c->notify_ev);
    /* The subscription goes now, so the dataplane stops queueing for a
     * client that left; the hooks never call into this code. */
    bridge_sub_destroy(c->sub);
    c->sub = NULL;
    close(c->fd);
    c->fd = -1;
    event_active(c->server->reaper, 0, 0);
}

static void
reaper_cb(evutil_socket_t fd, short what, void *server_)
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
static bool
conn_flush(struct conn *c)
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
    if (c->closing) {
        conn_kill(c);
        return false;
    }
    if (c->server->sw->exit_requested) {
        event_base_loopbreak(c->server->base);
    }
    return true;
}

static void
conn_send(struct conn *c, char *line)
{
    c->out = line;
    c->out_len = strlen(line);
    c->out_ofs = 0;
}

/* bridge_sub_notify_func: only schedules the write. */
static void
conn_notify(void *c_)
{
    struct conn *c = c_;
    if (!c->dead) {
        event_active(c->notify_ev, 0, 0);
    }
}

static void
conn_notify_cb(evutil_socket_t fd, short what, void *c_)
{
    conn_pump(c_);
}

/* Moves queued subscription lines to the socket while it takes them. */
static void
conn_pump(struct conn *c)
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

static void
conn_handle(struct conn *c, const char *line)
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
    struct switchd_call call = {conn_notify, c, NULL};
    err = switchd_dispatch(c->server->sw, method, params, &call, &result);
    c->sub = call.sub;
    if (err) {
        conn_send(c, rpc_encode_error(id, err));
        free(err);
    } else {
        conn_send(c, rpc_encode_reply(id, result));
    }
    json_decref(result);
    json_decref(id);
    json_decref(req);
}

/* Handles buffered requests one at a time, stopping while a reply is
 * waiting to be written. */
static void
conn_process(struct conn *c)
{
    while (!c->dead && !c->out && !c->sub) {
        char *line;
        int error = rpc_reader_next(&c->reader, &line);
        if (error == EAGAIN) {
            event_add(c->rd, NULL);
            return;
        }
        if (error) {
            char *msg = xasprintf("request too large (the limit is %u "
                                  "bytes)", (unsigned)RPC_MAX_MSG);
            LOG(LOG_WARN, "dropping a client: %s", msg);
            conn_send(c, rpc_encode_error(NULL, msg));
            free(msg);
            c->closing = true;
            event_del(c->rd);
            conn_flush(c);
            return;
        }
        conn_handle(c, line);
        free(line);
        conn_flush(c);
    }
    if (!c->dead && c->out && !c->sub) {
        /* Back-pressure: read no more until the reply is gone. */
        event_del(c->rd);
    }
    if (!c->dead && c->sub) {
        /* A stream reads only to notice the hang-up. */
        event_add(c->rd, NULL);
        conn_pump(c);
    }
}

static void
conn_read_cb(evutil_socket_t fd, short what, void *c_)
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
    rpc_reader_feed(&c->reader, chunk, (size_t)n);
    conn_process(c);
}

static void
conn_write_cb(evutil_socket_t fd, short what, void *c_)
{
    struct conn *c = c_;
    if (conn_flush(c)) {
        conn_process(c);
    }
}

static void
accept_cb(evutil_socket_t fd, short what, void *s_)
{
    struct server *s = s_;
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
        if (errno != EAGAIN && errno != EINTR) {
            LOG_RL(LOG_WARN, "accept: %s", strerror(errno));
        }
        return;
    }
    if (s->n_conns >= SERVER_MAX_CLIENTS) {
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
    c->rd = event_new(s->base, cfd, EV_READ | EV_PERSIST, conn_read_cb,
                      c);
    c->wr = event_new(s->base, cfd, EV_WRITE, conn_write_cb, c);
    c->notify_ev = event_new(s->base, -1, 0, conn_notify_cb, c);
    event_add(c->rd, NULL);
    c->next = s->conns;
    s->conns = c;
    s->n_conns++;
}

/* Removes a socket file left by a daemon that died, but never one that
 * a live daemon still answers on. */
static int
clear_stale_socket(const struct sockaddr_un *sun, char **errp)
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

struct server *
server_create(struct event_base *base, struct switchd *sw, const char *path,
              char **errp)
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
    s->accept_ev = event_new(base, fd, EV_READ | EV_PERSIST, accept_cb,
                             s);
    s->reaper = event_new(base, -1, 0, reaper_cb, s);
    event_add(s->accept_ev, NULL);
    return s;
}

void
server_destroy(struct server *s)
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
    close(s->fd);
    unlink(s->path);
    free(s->path);
    free(s);
}
