/* rpc: requests and replies between the tools and switchd.
 *
 * The wire format is newline-delimited JSON over a unix stream socket:
 * every message is one compact JSON object on one line (jansson escapes
 * newlines inside strings, so a '\n' byte always ends a message).
 *
 *   request  {"id": 7, "method": "dump-flows", "params": {...}}
 *   reply    {"id": 7, "result": <any JSON>}
 *         or {"id": 7, "error": "no bridge named br-x"}
 *
 * A message may be at most RPC_MAX_MSG bytes: a reader that sees more
 * without a newline reports EMSGSIZE, and the daemon answers with an
 * error and drops the connection.  The limit is sized for add-flows of
 * 100,000 flows in one call (about 9 MB of flow text) with room to
 * spare, and small enough that one client cannot make the daemon hold
 * an unbounded buffer.
 *
 * The reader is a plain byte accumulator so the daemon (libevent) and
 * the tools (blocking sockets) share the framing code and tests can feed
 * it arbitrary chunks. */
#ifndef SW_RPC_H
#define SW_RPC_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RPC_MAX_MSG (64u * 1024 * 1024)
#define RPC_SOCKET_NAME "switchd.sock"
#define RPC_PID_NAME "switchd.pid"
#define RPC_DEFAULT_RUNDIR "/run/switchd"

/* Accumulates bytes and cuts them into messages. */
struct rpc_reader {
    char *buf;
    size_t len; /* Bytes held. */
    size_t allocated;
    size_t scanned; /* Bytes of 'buf' known to hold no newline. */
    size_t max;     /* Largest message accepted (RPC_MAX_MSG). */
};

void rpc_reader_init(struct rpc_reader *, size_t max);
void rpc_reader_uninit(struct rpc_reader *);
/* Gives back memory a large message left behind: after a 60 MiB request
 * the reader would otherwise hold 64 MiB until the connection closes. */
void rpc_reader_shrink(struct rpc_reader *);
/* Appends 'n' bytes received from the peer. */
void rpc_reader_feed(struct rpc_reader *, const void *, size_t n);
/* Takes the next complete message out of the reader.  Returns 0 and
 * '*msgp' (a NUL-terminated line without its newline, caller frees),
 * EAGAIN if no full message is buffered yet, or EMSGSIZE if the peer sent
 * more than 'max' bytes without a newline (the reader is then useless). */
int rpc_reader_next(struct rpc_reader *, char **msgp);

/* Parses one message line into a request.  Returns NULL and sets
 * '*idp' (a new reference, JSON null if absent), '*methodp' (points into
 * '*reqp') and '*paramsp' (borrowed from '*reqp', an empty object if
 * absent) with '*reqp' the parsed document (caller decrefs); or returns
 * an allocated error message ("malformed JSON at column 3: ..."). */
char *rpc_parse_request(const char *line, json_t **reqp, json_t **idp,
                        const char **methodp, json_t **paramsp);

/* Encodes a message as one line with its newline.  'id' and 'result' are
 * borrowed.  Caller frees. */
char *rpc_encode_request(json_t *id, const char *method, json_t *params);
char *rpc_encode_reply(json_t *id, json_t *result);
char *rpc_encode_error(json_t *id, const char *message);

/* Where the daemon lives: 'rundir' if nonnull, else $SW_RUNDIR, else
 * RPC_DEFAULT_RUNDIR.  Returns a pointer that stays valid as long as the
 * arguments and the environment do. */
const char *rpc_rundir(const char *rundir);
/* Allocated "<rundir>/<name>". */
char *rpc_rundir_file(const char *rundir, const char *name);

/* Client side, blocking.  Connects to the daemon's socket in 'rundir'.
 * Returns 0 and '*fdp', or an errno and an allocated message naming the
 * socket path. */
int rpc_client_connect(const char *rundir, int *fdp, char **errp);
/* Sends one request ('params' borrowed) and waits for its reply.  On
 * success returns 0 and '*resultp' (caller decrefs).  A daemon error
 * reply returns EPROTO with the daemon's message in '*errp'; a transport
 * failure returns its errno and a message.  Caller frees '*errp'. */
int rpc_client_call(int fd, const char *method, json_t *params,
                    json_t **resultp, char **errp);
/* Convenience: connect, call, close. */
int rpc_call(const char *rundir, const char *method, json_t *params,
             json_t **resultp, char **errp);

/* A call whose reply may come in pieces (dump-flows with "stream":
 * true): when the result is {"stream": true}, the daemon then sends
 * {"id", "chunk": TEXT} lines, each handed to 'chunk_cb' as it arrives
 * (so the client holds one piece, whatever the size of the whole), and
 * ends with {"id", "end": RESULT} (returned in '*resultp') or {"id",
 * "error"}.  Any other result is returned as rpc_call() returns it, so a
 * daemon that does not stream still works. */
int rpc_call_chunks(const char *rundir, const char *method, json_t *params,
                    void (*chunk_cb)(const char *text, size_t len, void *aux),
                    void *aux, json_t **resultp, char **errp);

/* A request whose input is too large for one message (add-flows of a
 * file of any size): rpc_upload_open() connects and sends the request
 * (its params with "upload": true) and waits for the daemon's
 * {"upload": true}; rpc_upload_send() sends text as {"id", "chunk":
 * TEXT} lines of at most RPC_UPLOAD_PIECE bytes (cut after a newline
 * where there is one, so a piece holds whole lines); rpc_upload_finish()
 * sends {"id", "end": {}} and waits for the result ({"id", "end":
 * RESULT} or {"id", "error"}), returned as rpc_call() returns it.  The
 * daemon checks each piece as it comes and may end the upload early
 * with an error: send() and finish() then return EPROTO and the
 * daemon's message.  'text' must be valid UTF-8.  rpc_upload_close()
 * frees, whether finished or not. */
#define RPC_UPLOAD_PIECE (64u * 1024)
struct rpc_upload;
int rpc_upload_open(const char *rundir, const char *method, json_t *params,
                    struct rpc_upload **, char **errp);
int rpc_upload_send(struct rpc_upload *, const char *text, size_t len,
                    char **errp);
int rpc_upload_finish(struct rpc_upload *, json_t **resultp, char **errp);
void rpc_upload_close(struct rpc_upload *);

/* Subscriptions (monitor, capture).  The daemon answers the request with
 * one reply, then keeps the connection and sends one JSON object per line
 * until it ends the stream (an {"event":"END"} line, then it closes) or
 * the client hangs up.  rpc_stream_open() connects, sends the request and
 * returns its reply like rpc_call(); messages already received after the
 * reply are kept for rpc_stream_next(). */
struct rpc_stream;
int rpc_stream_open(const char *rundir, const char *method, json_t *params,
                    json_t **resultp, struct rpc_stream **streamp,
                    char **errp);
/* Waits for the next message.  Returns 0 and '*msgp' (caller decrefs), 0
 * and NULL when the daemon closed the connection, EINTR when a signal
 * arrived while waiting (call again, or stop), or another errno and an
 * allocated message in '*errp'. */
int rpc_stream_next(struct rpc_stream *, json_t **msgp, char **errp);
void rpc_stream_close(struct rpc_stream *);

#endif
