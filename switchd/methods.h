/* methods: the socket methods, one table row each (methods.c).  The
 * server (server.c) hands every parsed request to switchd_dispatch(). */
#ifndef SWITCHD_METHODS_H
#define SWITCHD_METHODS_H 1

#include <jansson.h>

#include "bridge-sub.h"
#include "daemon.h"

/* What a request may turn into besides a reply: a subscription
 * (monitor, capture) that keeps the connection and streams lines. */
struct switchd_call {
    bridge_sub_notify_func *notify; /* In: wakes the connection. */
    void *notify_aux;
    struct bridge_sub *sub; /* Out: the subscription, if one started. */
};

/* Handles one request.  Returns NULL and '*resultp' (new reference), or
 * an allocated error message for the client. */
char *switchd_dispatch(struct switchd *, const char *method, json_t *params,
                       struct switchd_call *, json_t **resultp);

#endif
