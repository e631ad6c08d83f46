/* libFuzzer target for the socket protocol (lib/rpc.h): what any local
 * client can send the daemon.
 *
 * Input:
 *   1 byte   the reader's size limit: 0xff means RPC_MAX_MSG, anything
 *            else 8 + 4 * byte (small, so EMSGSIZE is reached);
 *   2 bytes  seed of the chunk sizes the stream is cut into (as read()
 *            would return it);
 *   rest     the byte stream from the client.
 *
 * The stream goes through rpc_reader_feed()/rpc_reader_next() in those
 * chunks, draining after each chunk as the daemon does, and the target
 * checks the framing against a trivial model: the messages are the
 * newline-terminated lines in order (cut at a NUL, as a C string is), and
 * EMSGSIZE comes exactly when the line being read is longer than the
 * limit.  Every message then goes to rpc_parse_request(); a request that
 * parses must survive rpc_encode_request() -> framing ->
 * rpc_parse_request() unchanged, and its id must come back from
 * rpc_encode_reply()/rpc_encode_error() as it went in. */
#include <errno.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Exactly one message must come out of 'line' (an encoded message). */
static char *reframe(const char *line)
{
    struct rpc_reader r;
    rpc_reader_init(&r, RPC_MAX_MSG);
    rpc_reader_feed(&r, line, strlen(line));
    char *msg = NULL, *extra = NULL;
    if (rpc_reader_next(&r, &msg) || rpc_reader_next(&r, &extra) != EAGAIN) {
        abort();
    }
    if (r.len != 0) {
        abort();
    }
    rpc_reader_uninit(&r);
    return msg;
}

static void check_id_echo(json_t *id, char *line)
{
    char *msg = reframe(line);
    free(line);
    json_error_t jerr;
    json_t *reply = json_loads(msg, 0, &jerr);
    if (!reply || !json_equal(json_object_get(reply, "id"), id)) {
        abort();
    }
    json_decref(reply);
    free(msg);
}

static void check_request(const char *line)
{
    json_t *req, *id, *params;
    const char *method;
    char *err = rpc_parse_request(line, &req, &id, &method, &params);
    if (err) {
        /* The daemon answers with the id it could find, or null. */
        if (!*err) {
            abort(); /* An error must say something. */
        }
        check_id_echo(id ? id : json_null(), rpc_encode_error(id, err));
        free(err);
        json_decref(id);
        if (req) {
            abort();
        }
        return;
    }
    if (!req || !id || !method || !json_is_object(params)) {
        abort();
    }

    /* What a tool would send for the same request parses back equal. */
    char *again = rpc_encode_request(id, method, params);
    char *msg = reframe(again);
    free(again);
    json_t *req2, *id2, *params2;
    const char *method2;
    err = rpc_parse_request(msg, &req2, &id2, &method2, &params2);
    if (err || strcmp(method, method2) || !json_equal(id, id2)
        || !json_equal(params, params2)) {
        abort();
    }
    json_decref(req2);
    json_decref(id2);
    free(msg);

    check_id_echo(id, rpc_encode_reply(id, params));
    check_id_echo(id, rpc_encode_error(id, "no such method"));
    json_decref(id);
    json_decref(req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 1 << 16) {
        return 0;
    }
    size_t max = data[0] == 0xff ? RPC_MAX_MSG : 8 + 4 * (size_t)data[0];
    uint32_t seed = (uint32_t)data[1] << 8 | data[2];
    const uint8_t *s = data + 3;
    size_t n = size - 3;

    struct rpc_reader r;
    rpc_reader_init(&r, max);
    size_t fed = 0;
    size_t line_start = 0; /* Start of the line the model expects next. */
    bool too_big = false;
    while (fed < n && !too_big) {
        seed = seed * 1103515245u + 12345u;
        size_t chunk = 1 + (seed >> 16) % 64;
        if (chunk > n - fed) {
            chunk = n - fed;
        }
        rpc_reader_feed(&r, s + fed, chunk);
        fed += chunk;

        for (;;) {
            char *msg;
            int error = rpc_reader_next(&r, &msg);
            const uint8_t *nl = memchr(s + line_start, '\n', fed - line_start);
            if (error == EAGAIN) {
                /* No complete line may be pending, nor one too long. */
                if (nl || fed - line_start > max || msg) {
                    abort();
                }
                break;
            }
            if (error == EMSGSIZE) {
                size_t len =
                    nl ? (size_t)(nl - (s + line_start)) : fed - line_start;
                if (len <= max || msg) {
                    abort();
                }
                too_big = true; /* The daemon drops the connection. */
                break;
            }
            if (error || !msg || !nl) {
                abort();
            }
            size_t len = (size_t)(nl - (s + line_start));
            if (len > max
                || strlen(msg) != strnlen((const char *)s + line_start, len)
                || memcmp(msg, s + line_start, strlen(msg))) {
                abort();
            }
            line_start += len + 1;
            check_request(msg);
            free(msg);
        }
    }
    rpc_reader_uninit(&r);
    return 0;
}
