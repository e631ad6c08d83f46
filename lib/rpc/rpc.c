/* rpc: newline-delimited JSON framing and the blocking client. */
#include "rpc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util.h"

void rpc_reader_init(struct rpc_reader *r, size_t max)
{
    memset(r, 0, sizeof *r);
    r->max = max;
}

void rpc_reader_uninit(struct rpc_reader *r)
{
    free(r->buf);
    memset(r, 0, sizeof *r);
}

void rpc_reader_shrink(struct rpc_reader *r)
{
    if (r->allocated <= 65536 || r->len + 1 > r->allocated / 4) {
        return;
    }
    size_t want = 4096;
    while (want < r->len + 1) {
        want *= 2;
    }
    r->buf = xrealloc(r->buf, want);
    r->allocated = want;
}

void rpc_reader_feed(struct rpc_reader *r, const void *data, size_t n)
{
    if (r->len + n + 1 > r->allocated) {
        size_t want = r->allocated ? r->allocated : 4096;
        while (want < r->len + n + 1) {
            want *= 2;
        }
        r->buf = xrealloc(r->buf, want);
        r->allocated = want;
    }
    memcpy(r->buf + r->len, data, n);
    r->len += n;
}

int rpc_reader_next(struct rpc_reader *r, char **msgp)
{
    *msgp = NULL;
    /* Only bytes not yet scanned are searched, so a large message
     * arriving in many small reads costs linear time. */
    char *nl = r->len > r->scanned
                   ? memchr(r->buf + r->scanned, '\n', r->len - r->scanned)
                   : NULL;
    if (!nl) {
        r->scanned = r->len;
        return r->len > r->max ? EMSGSIZE : EAGAIN;
    }
    size_t msg_len = (size_t)(nl - r->buf);
    if (msg_len > r->max) {
        return EMSGSIZE;
    }
    *msgp = xstrndup(r->buf, msg_len);
    size_t rest = r->len - msg_len - 1;
    memmove(r->buf, nl + 1, rest);
    r->len = rest;
    r->scanned = 0;
    return 0;
}

char *rpc_parse_request(const char *line, json_t **reqp, json_t **idp,
                        const char **methodp, json_t **paramsp)
{
    json_error_t jerr;
    *reqp = NULL;
    *idp = NULL;
    *methodp = NULL;
    *paramsp = NULL;

    json_t *req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
    if (!req) {
        return xasprintf("malformed JSON at column %d: %s", jerr.column,
                         jerr.text);
    }
    if (!json_is_object(req)) {
        json_decref(req);
        return xstrdup("request is not a JSON object");
    }
    json_t *id = json_object_get(req, "id");
    json_t *method = json_object_get(req, "method");
    json_t *params = json_object_get(req, "params");
    if (!json_is_string(method)) {
        *idp = id ? json_incref(id) : json_null();
        json_decref(req);
        return xstrdup("request has no \"method\" string");
    }
    if (params && !json_is_object(params)) {
        *idp = id ? json_incref(id) : json_null();
        json_decref(req);
        return xstrdup("\"params\" is not a JSON object");
    }
    if (!params) {
        params = json_object();
        json_object_set_new(req, "params", params);
    }
    *reqp = req;
    *idp = id ? json_incref(id) : json_null();
    *methodp = json_string_value(method);
    *paramsp = params;
    return NULL;
}

/* Dumps 'msg' compactly and appends the newline that ends a message. */
static char *encode_line(json_t *msg)
{
    char *text = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII);
    size_t len = strlen(text);
    char *line = xmalloc(len + 2);
    memcpy(line, text, len);
    line[len] = '\n';
    line[len + 1] = '\0';
    free(text);
    json_decref(msg);
    return line;
}

char *rpc_encode_request(json_t *id, const char *method, json_t *params)
{
    json_t *msg = json_object();
    json_object_set(msg, "id", id ? id : json_null());
    json_object_set_new(msg, "method", json_string(method));
    json_object_set_new(msg, "params",
                        params ? json_incref(params) : json_object());
    return encode_line(msg);
}

char *rpc_encode_reply(json_t *id, json_t *result)
{
    json_t *msg = json_object();
    json_object_set(msg, "id", id ? id : json_null());
    json_object_set(msg, "result", result ? result : json_null());
    return encode_line(msg);
}

char *rpc_encode_error(json_t *id, const char *message)
{
    json_t *msg = json_object();
    json_object_set(msg, "id", id ? id : json_null());
    /* jansson refuses a string that is not UTF-8, and a message may quote
     * whatever bytes a client sent: escape it rather than lose it. */
    json_t *text = json_string(message);
    if (!text) {
        char *escaped = str_escape(message);
        text = json_string(escaped);
        free(escaped);
    }
    json_object_set_new(msg, "error", text);
    return encode_line(msg);
}

const char *rpc_rundir(const char *rundir)
{
    if (rundir && *rundir) {
        return rundir;
    }
    const char *env = getenv("SW_RUNDIR");
    return env && *env ? env : RPC_DEFAULT_RUNDIR;
}

char *rpc_rundir_file(const char *rundir, const char *name)
{
    return xasprintf("%s/%s", rpc_rundir(rundir), name);
}

int rpc_client_connect(const char *rundir, int *fdp, char **errp)
{
    char *path = rpc_rundir_file(rundir, RPC_SOCKET_NAME);
    struct sockaddr_un sun;
    *fdp = -1;
    *errp = NULL;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        *errp = xasprintf("%s: socket path too long", path);
        free(path);
        return ENAMETOOLONG;
    }
    strcpy(sun.sun_path, path);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int error = errno;
        *errp = xasprintf("socket: %s", strerror(error));
        free(path);
        return error;
    }
    if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
        int error = errno;
        *errp = xasprintf("%s: cannot connect to switchd (%s)", path,
                          strerror(error));
        close(fd);
        free(path);
        return error;
    }
    free(path);
    *fdp = fd;
    return 0;
}

static int write_all(int fd, const char *data, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        data += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads from 'fd' into 'r' until it holds a whole message: 0 and
 * '*msgp' (caller frees), EPIPE when the peer closed, EINTR when a signal
 * interrupted the wait and 'stop_on_eintr', or another errno. */
static int read_message(int fd, struct rpc_reader *r, bool stop_on_eintr,
                        char **msgp)
{
    char chunk[65536];
    for (;;) {
        int error = rpc_reader_next(r, msgp);
        if (error != EAGAIN) {
            return error;
        }
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            if (stop_on_eintr) {
                return EINTR;
            }
            continue;
        }
        if (n <= 0) {
            return n < 0 ? errno : EPIPE;
        }
        rpc_reader_feed(r, chunk, (size_t)n);
    }
}

static char *transport_error(int error)
{
    return error == EPIPE
               ? xstrdup("switchd closed the connection")
               : xasprintf("reading reply from switchd: %s", strerror(error));
}

/* The id of the last request sent. */
static json_int_t last_id;

/* Sends one request and reads its reply through 'r', which keeps any
 * bytes that arrived after the reply. */
static int call_with_reader(int fd, struct rpc_reader *r, const char *method,
                            json_t *params, json_t **resultp, char **errp)
{
    *resultp = NULL;
    *errp = NULL;

    json_t *id = json_integer(++last_id);
    char *line = rpc_encode_request(id, method, params);
    int werror = write_all(fd, line, strlen(line));
    free(line);

    /* Read the reply even when the write failed: a daemon that refuses a
     * request (too large) answers with its error before it hangs up, and
     * that says more than "Broken pipe". */
    char *msg = NULL;
    int error = read_message(fd, r, false, &msg);
    if (error && werror) {
        json_decref(id);
        *errp = xasprintf("sending request to switchd: %s", strerror(werror));
        return werror;
    }
    if (error) {
        json_decref(id);
        *errp = transport_error(error);
        return error;
    }

    json_error_t jerr;
    json_t *reply = json_loads(msg, 0, &jerr);
    free(msg);
    if (!json_is_object(reply)) {
        json_decref(reply);
        json_decref(id);
        *errp = xstrdup("malformed reply from switchd");
        return EPROTO;
    }
    json_t *err = json_object_get(reply, "error");
    json_t *result = json_object_get(reply, "result");
    if (!err && !result) {
        /* Never take silence for success. */
        *errp = xstrdup("reply from switchd has neither a result nor an "
                        "error");
        error = EPROTO;
    } else if (err) {
        *errp = xstrdup(json_is_string(err) ? json_string_value(err)
                                            : "switchd returned an error");
        error = EPROTO;
    } else if (!json_equal(json_object_get(reply, "id"), id)) {
        *errp = xstrdup("reply from switchd has the wrong id");
        error = EPROTO;
    } else {
        *resultp = json_incref(result);
    }
    json_decref(reply);
    json_decref(id);
    return error;
}

int rpc_client_call(int fd, const char *method, json_t *params,
                    json_t **resultp, char **errp)
{
    /* Replies can be larger than requests (dump-flows), so the reader
     * allows four times the request limit. */
    struct rpc_reader r;
    rpc_reader_init(&r, 4 * (size_t)RPC_MAX_MSG);
    int error = call_with_reader(fd, &r, method, params, resultp, errp);
    rpc_reader_uninit(&r);
    return error;
}

int rpc_call(const char *rundir, const char *method, json_t *params,
             json_t **resultp, char **errp)
{
    int fd;
    *resultp = NULL;
    int error = rpc_client_connect(rundir, &fd, errp);
    if (error) {
        return error;
    }
    error = rpc_client_call(fd, method, params, resultp, errp);
    close(fd);
    return error;
}

/* Reads the pieces of a streamed reply to request 'id' (see
 * rpc_call_chunks()). */
static int read_chunks(int fd, struct rpc_reader *r, json_t *id,
                       void (*chunk_cb)(const char *, size_t, void *),
                       void *aux, json_t **resultp, char **errp)
{
    for (;;) {
        char *line;
        int error = read_message(fd, r, false, &line);
        if (error) {
            *errp = transport_error(error);
            return error;
        }
        json_error_t jerr;
        json_t *msg = json_loads(line, 0, &jerr);
        free(line);
        json_t *chunk = json_object_get(msg, "chunk");
        json_t *end = json_object_get(msg, "end");
        json_t *err = json_object_get(msg, "error");
        if (!json_is_object(msg)
            || !json_equal(json_object_get(msg, "id"), id)) {
            json_decref(msg);
            *errp = xstrdup("malformed piece of a reply from switchd");
            return EPROTO;
        }
        if (json_is_string(chunk) && chunk_cb) {
            chunk_cb(json_string_value(chunk), json_string_length(chunk), aux);
        } else if (end) {
            *resultp = json_incref(end);
            json_decref(msg);
            return 0;
        } else {
            *errp = xstrdup(json_is_string(err) ? json_string_value(err)
                                                : "malformed piece of a "
                                                  "reply from switchd");
            json_decref(msg);
            return EPROTO;
        }
        json_decref(msg);
    }
}

int rpc_call_chunks(const char *rundir, const char *method, json_t *params,
                    void (*chunk_cb)(const char *, size_t, void *), void *aux,
                    json_t **resultp, char **errp)
{
    int fd;
    *resultp = NULL;
    int error = rpc_client_connect(rundir, &fd, errp);
    if (error) {
        return error;
    }
    struct rpc_reader r;
    rpc_reader_init(&r, 4 * (size_t)RPC_MAX_MSG);
    json_t *result;
    /* call_with_reader() numbers requests from 1 up; the pieces carry
     * the same id as the reply. */
    error = call_with_reader(fd, &r, method, params, &result, errp);
    if (!error && json_is_true(json_object_get(result, "stream"))) {
        json_t *id = json_integer(last_id);
        json_decref(result);
        result = NULL;
        error = read_chunks(fd, &r, id, chunk_cb, aux, &result, errp);
        json_decref(id);
    }
    rpc_reader_uninit(&r);
    close(fd);
    *resultp = result;
    return error;
}

struct rpc_stream {
    int fd;
    struct rpc_reader reader;
};

int rpc_stream_open(const char *rundir, const char *method, json_t *params,
                    json_t **resultp, struct rpc_stream **streamp, char **errp)
{
    int fd;
    *resultp = NULL;
    *streamp = NULL;
    int error = rpc_client_connect(rundir, &fd, errp);
    if (error) {
        return error;
    }
    struct rpc_stream *st = xzalloc(sizeof *st);
    st->fd = fd;
    rpc_reader_init(&st->reader, (size_t)RPC_MAX_MSG);
    error = call_with_reader(fd, &st->reader, method, params, resultp, errp);
    if (error) {
        rpc_stream_close(st);
        return error;
    }
    *streamp = st;
    return 0;
}

int rpc_stream_next(struct rpc_stream *st, json_t **msgp, char **errp)
{
    char *msg;
    *msgp = NULL;
    *errp = NULL;
    int error = read_message(st->fd, &st->reader, true, &msg);
    if (error == EPIPE) {
        return 0;
    }
    if (error) {
        if (error != EINTR) {
            *errp = transport_error(error);
        }
        return error;
    }
    json_error_t jerr;
    json_t *j = json_loads(msg, 0, &jerr);
    free(msg);
    if (!json_is_object(j)) {
        json_decref(j);
        *errp = xstrdup("malformed message from switchd");
        return EPROTO;
    }
    *msgp = j;
    return 0;
}

void rpc_stream_close(struct rpc_stream *st)
{
    if (st) {
        close(st->fd);
        rpc_reader_uninit(&st->reader);
        free(st);
    }
}

struct rpc_upload {
    int fd;
    struct rpc_reader reader;
    json_t *id;
};

int rpc_upload_open(const char *rundir, const char *method, json_t *params,
                    struct rpc_upload **upp, char **errp)
{
    int fd;
    *upp = NULL;
    int error = rpc_client_connect(rundir, &fd, errp);
    if (error) {
        return error;
    }
    struct rpc_upload *up = xzalloc(sizeof *up);
    up->fd = fd;
    rpc_reader_init(&up->reader, (size_t)RPC_MAX_MSG);
    json_t *p = json_deep_copy(params);
    json_object_set_new(p, "upload", json_true());
    json_t *result;
    error = call_with_reader(fd, &up->reader, method, p, &result, errp);
    json_decref(p);
    if (!error && !json_is_true(json_object_get(result, "upload"))) {
        *errp = xstrdup("switchd did not accept an upload");
        error = EPROTO;
    }
    json_decref(result);
    if (error) {
        rpc_upload_close(up);
        return error;
    }
    up->id = json_integer(last_id);
    *upp = up;
    return 0;
}

/* The daemon hung up on an upload: its error line says why, if it sent
 * one before closing. */
static int upload_failed(struct rpc_upload *up, int werror, char **errp)
{
    json_t *result = NULL;
    int error =
        read_chunks(up->fd, &up->reader, up->id, NULL, NULL, &result, errp);
    json_decref(result);
    if (error == EPROTO) {
        return error;
    }
    free(*errp);
    *errp = xasprintf("sending to switchd: %s", strerror(werror));
    return werror;
}

static int upload_piece(struct rpc_upload *up, const char *text, size_t len,
                        char **errp)
{
    json_t *s = json_stringn(text, len);
    if (!s) {
        *errp = xstrdup("upload text is not valid UTF-8");
        return EINVAL;
    }
    char *line =
        encode_line(json_pack("{s:O, s:o}", "id", up->id, "chunk", s));
    int error = write_all(up->fd, line, strlen(line));
    free(line);
    return error ? upload_failed(up, error, errp) : 0;
}

int rpc_upload_send(struct rpc_upload *up, const char *text, size_t len,
                    char **errp)
{
    *errp = NULL;
    while (len) {
        size_t n = len;
        if (n > RPC_UPLOAD_PIECE) {
            /* End the piece after a line, if one ends in it. */
            const char *nl = memrchr(text, '\n', RPC_UPLOAD_PIECE);
            n = nl ? (size_t)(nl - text) + 1 : RPC_UPLOAD_PIECE;
            /* Never cut a UTF-8 sequence: back up to its first byte. */
            while (!nl && n > 1 && ((unsigned char)text[n] & 0xc0) == 0x80) {
                n--;
            }
        }
        int error = upload_piece(up, text, n, errp);
        if (error) {
            return error;
        }
        text += n;
        len -= n;
    }
    return 0;
}

int rpc_upload_finish(struct rpc_upload *up, json_t **resultp, char **errp)
{
    *resultp = NULL;
    *errp = NULL;
    char *line = encode_line(json_pack("{s:O, s:{}}", "id", up->id, "end"));
    int error = write_all(up->fd, line, strlen(line));
    free(line);
    if (error) {
        return upload_failed(up, error, errp);
    }
    return read_chunks(up->fd, &up->reader, up->id, NULL, NULL, resultp, errp);
}

void rpc_upload_close(struct rpc_upload *up)
{
    if (up) {
        close(up->fd);
        rpc_reader_uninit(&up->reader);
        json_decref(up->id);
        free(up);
    }
}
