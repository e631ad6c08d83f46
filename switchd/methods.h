/* methods: the socket methods, one table row each (methods.c).  The
 * server (server.c) hands every parsed request to switchd_dispatch(). */
#ifndef SWITCHD_METHODS_H
#define SWITCHD_METHODS_H 1

#include <jansson.h>

#include "bridge-sub.h"
#include "ds.h"
#include "daemon.h"

/* A reply too large to build at once (dump-flows of a million flows),
 * produced in pieces: the server sends the method's result, then calls
 * step() for the next piece once the previous one is written, each time
 * from a fresh loop iteration (packets in between), sends each piece as a
 * {"id", "chunk": TEXT} line, and ends with {"id", "end": finish()} or,
 * if step() fails, {"id", "error"}.  destroy() always runs at the end,
 * also when the client leaves. */
struct switchd_job {
    /* Appends the next piece (about 'max_bytes') to 'out'; true when
     * nothing is left; an allocated message in '*errp' on failure. */
    bool (*step)(void *state, size_t max_bytes, struct ds *out, char **errp);
    json_t *(*finish)(void *state); /* New reference. */
    /* Set for a request whose input follows it in pieces (an upload):
     * the server replies {"upload": true}, then hands the text of each
     * {"id", "chunk": TEXT} line the client sends to feed(), one piece
     * per loop iteration, until {"id", "end": {}}; only then does it
     * call step().  An error from feed() ends the request with {"id",
     * "error"} and the connection. */
    char *(*feed)(void *state, const char *text, size_t len);
    void (*destroy)(void *state);
    void *state;
    /* Set for a request answered only when its job is done (a flow_mod
     * batch applied in slices): nothing is sent at dispatch, and the
     * end goes out as the plain reply {"id", "result": finish()} (or
     * {"id", "error"}). */
    bool deferred;
};

/* What a request may turn into besides a reply: a subscription
 * (monitor, capture) that keeps the connection and streams lines, or a
 * reply in pieces. */
struct switchd_call {
    bridge_sub_notify_func *notify; /* In: wakes the connection. */
    void *notify_aux;
    struct bridge_sub *sub; /* Out: the subscription, if one started. */
    struct switchd_job job; /* Out: 'step' set if the reply streams. */
};

/* Handles one request.  Returns NULL and '*resultp' (new reference), or
 * an allocated error message for the client. */
char *switchd_dispatch(struct switchd *, const char *method, json_t *params,
                       struct switchd_call *, json_t **resultp);

#endif
