/* actions-parse-output: the row functions of the actions that send the
 * packet somewhere: output (to a port, a field, or truncated), the
 * reserved ports (in_port, normal, flood, all, local), controller and
 * resubmit.  They are separate from the dispatcher because port
 * parsing (names, reserved ports that are really other actions) is a
 * concern of its own. */
#include "actions.h"

#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions-private.h"
#include "match.h"
#include "portmap.h"
#include "util.h"

static void put_output(struct buf *out, uint16_t port)
{
    size_t ofs = ap_put(out, OFPACT_OUTPUT, sizeof(struct ofpact_output));
    struct ofpact_output *o = ap_at(out, ofs);
    o->port = port;
}

static void put_controller(struct buf *out, uint16_t max_len, uint8_t reason)
{
    size_t ofs =
        ap_put(out, OFPACT_CONTROLLER, sizeof(struct ofpact_controller));
    struct ofpact_controller *c = ap_at(out, ofs);
    c->max_len = max_len;
    c->reason = reason;
}

/* Appends an output to 'port' (already parsed), turning the reserved
 * ports that are really other actions into those actions. */
char *ap_output_port(const struct ap_arg *a, const char *at, uint16_t port)
{
    if (port == OFPP_CONTROLLER) {
        put_controller(a->out, UINT16_MAX, 1);
    } else if (port == OFPP_NONE || port == OFPP_UNSET || port == OFPP_TABLE) {
        return ap_error(a->ctx, at, "output to port %s is not supported",
                        port_reserved_name(port) ? port_reserved_name(port)
                                                 : "NONE");
    } else {
        put_output(a->out, port);
    }
    return NULL;
}

/* Row functions. */

/* The smallest max_len OVS takes: an Ethernet header. */
#define OUTPUT_TRUNC_MIN 14

/* output(port=P,max_len=N), in either order: output at most N bytes. */
static char *parse_output_trunc(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *s = it->value;
    const char *port_at = NULL;
    uint16_t port = 0;
    uint64_t max_len = 0;
    bool have_len = false;
    struct ap_item sub;
    char *err = NULL;
    int r;
    while (!(r = ap_next_item(a->ctx, &s, ap_val_end(it), &sub, &err))) {
        if (ap_slice_eq(sub.key, sub.key_len, "port") && sub.value) {
            char *name = xstrndup(sub.value, sub.value_len);
            bool ok = port_parse(name, a->ctx->ports, &port);
            free(name);
            if (!ok) {
                return ap_error(a->ctx, sub.value,
                                "output: port=%.*s: "
                                "unknown port",
                                (int)sub.value_len, sub.value);
            }
            port_at = sub.value;
        } else if (ap_slice_eq(sub.key, sub.key_len, "max_len") && sub.value) {
            if (!ap_parse_u64(sub.value, sub.value_len, UINT32_MAX,
                              &max_len)) {
                return ap_error(a->ctx, sub.value,
                                "output: max_len=%.*s: "
                                "expected a number from %d to %" PRIu32,
                                (int)sub.value_len, sub.value,
                                OUTPUT_TRUNC_MIN, UINT32_MAX);
            }
            if (max_len < OUTPUT_TRUNC_MIN) {
                return ap_error(a->ctx, sub.value,
                                "output: max_len %" PRIu64
                                " is less than the minimum value %d",
                                max_len, OUTPUT_TRUNC_MIN);
            }
            have_len = true;
        } else {
            return ap_error(a->ctx, sub.key,
                            "output: invalid key '%.*s' "
                            "(expected port= and max_len=)",
                            (int)sub.key_len, sub.key);
        }
    }
    if (r > 0) {
        return err;
    }
    if (!port_at || !have_len) {
        return ap_error(a->ctx, it->key,
                        "output(...) needs both port= and "
                        "max_len=");
    }
    switch (port) {
    case OFPP_NORMAL:
    case OFPP_FLOOD:
    case OFPP_ALL:
    case OFPP_CONTROLLER:
    case OFPP_TABLE:
    case OFPP_NONE:
    case OFPP_UNSET:
        return ap_error(a->ctx, port_at,
                        "output: cannot truncate output "
                        "to port %s",
                        port_reserved_name(port) ? port_reserved_name(port)
                                                 : "NONE");
    default:
        break;
    }
    size_t ofs = ap_put(a->out, OFPACT_OUTPUT, sizeof(struct ofpact_output));
    struct ofpact_output *o = ap_at(a->out, ofs);
    o->port = port;
    o->max_len = (uint32_t)max_len;
    return NULL;
}

/* True if the slice is a field or subfield rather than a port. */
static bool is_output_field(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (memchr(it->value, '[', it->value_len)) {
        return true;
    }
    char *s = ap_val_dup(it);
    uint16_t port;
    bool field = !port_parse(s, a->ctx->ports, &port)
                 && mf_from_name(it->value, it->value_len);
    free(s);
    return field;
}

char *ap_parse_output(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (it->sep == '(') {
        return parse_output_trunc(a);
    }
    if (is_output_field(a)) {
        struct mf_subfield sf;
        char *err = ap_parse_subfield(a->ctx, it->value, it->value_len, &sf);
        if (err) {
            return err;
        }
        size_t ofs = ap_put(a->out, OFPACT_OUTPUT_REG,
                            sizeof(struct ofpact_output_reg));
        struct ofpact_output_reg *o = ap_at(a->out, ofs);
        o->src = sf;
        return NULL;
    }
    char *s = ap_val_dup(it);
    uint16_t port;
    bool ok = port_parse(s, a->ctx->ports, &port);
    free(s);
    if (!ok) {
        return ap_bad_value(a, "unknown port (expected a number 1-65279, a "
                               "port name, or a subfield such as "
                               "NXM_NX_REG0[0..15])");
    }
    return ap_output_port(a, it->value, port);
}

char *ap_parse_reserved(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    char name[16];
    snprintf(name, sizeof name, "%.*s", (int)it->key_len, it->key);
    uint16_t port;
    if (!port_parse(name, NULL, &port)) {
        return ap_error(a->ctx, it->key, "%s: unknown reserved port", name);
    }
    return ap_output_port(a, it->key, port);
}

char *ap_parse_controller(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    uint64_t x;
    if (!it->value) {
        put_controller(a->out, UINT16_MAX, 1);
        return NULL;
    }
    if (it->sep != '(') {
        char *err = ap_parse_num(a, UINT16_MAX, &x,
                                 "invalid max_len (expected 0-65535)");
        if (!err) {
            put_controller(a->out, (uint16_t)x, 1);
        }
        return err;
    }
    uint16_t max_len = UINT16_MAX;
    uint8_t reason = 1;
    const char *s = it->value;
    struct ap_item sub;
    char *err = NULL;
    int r;
    while (!(r = ap_next_item(a->ctx, &s, ap_val_end(it), &sub, &err))) {
        if (ap_slice_eq(sub.key, sub.key_len, "max_len") && sub.value) {
            if (!ap_parse_u64(sub.value, sub.value_len, UINT16_MAX, &x)) {
                return ap_error(a->ctx, sub.value,
                                "controller: max_len=%.*s:"
                                " expected 0-65535",
                                (int)sub.value_len, sub.value);
            }
            max_len = (uint16_t)x;
        } else if (ap_slice_eq(sub.key, sub.key_len, "reason") && sub.value) {
            if (!ofp_packet_in_reason_parse(sub.value, sub.value_len,
                                            &reason)) {
                return ap_error(a->ctx, sub.value,
                                "controller: reason=%.*s:"
                                " expected no_match, action or invalid_ttl",
                                (int)sub.value_len, sub.value);
            }
        } else if (ap_slice_eq(sub.key, sub.key_len, "id")
                   || ap_slice_eq(sub.key, sub.key_len, "userdata")
                   || ap_slice_eq(sub.key, sub.key_len, "pause")
                   || ap_slice_eq(sub.key, sub.key_len, "meter_id")) {
            return ap_error(a->ctx, sub.key,
                            "controller: option '%.*s' is "
                            "not supported",
                            (int)sub.key_len, sub.key);
        } else {
            return ap_error(a->ctx, sub.key,
                            "controller: unknown option "
                            "'%.*s' (expected reason= or max_len=)",
                            (int)sub.key_len, sub.key);
        }
    }
    if (r > 0) {
        return err;
    }
    put_controller(a->out, max_len, reason);
    return NULL;
}

static char *parse_resubmit_table(const struct apctx *ctx, const char *s,
                                  size_t n, uint8_t *table)
{
    uint64_t x;
    if (!ap_parse_u64(s, n, UINT64_MAX, &x)) {
        return ap_error(ctx, s, "resubmit: table %.*s: not a number", (int)n,
                        s);
    }
    if (x > OFPTT_MAX) {
        return ap_error(ctx, s,
                        "resubmit: table=%.*s: table id out of "
                        "range (0-" OFPTT_MAX_STR ")",
                        (int)n, s);
    }
    *table = (uint8_t)x;
    return NULL;
}

static char *parse_resubmit_port(const struct apctx *ctx, const char *s,
                                 size_t n, uint16_t *port)
{
    char *copy = xstrndup(s, n);
    bool ok = port_parse(copy, ctx->ports, port);
    free(copy);
    if (!ok || *port == OFPP_NONE) {
        return ap_error(ctx, s, "resubmit: %.*s: unknown port", (int)n, s);
    }
    return NULL;
}

char *ap_parse_resubmit(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    uint16_t port = OFPP_IN_PORT;
    uint8_t table = 255;
    char *err;
    if (it->sep != '(') {
        err = parse_resubmit_port(a->ctx, it->value, it->value_len, &port);
    } else {
        const char *comma = memchr(it->value, ',', it->value_len);
        const char *e = ap_val_end(it);
        const char *pe = comma ? comma : e;
        err = NULL;
        if (pe > it->value) {
            err = parse_resubmit_port(a->ctx, it->value,
                                      (size_t)(pe - it->value), &port);
        }
        if (!err && comma) {
            const char *t = comma + 1;
            const char *c2 = memchr(t, ',', (size_t)(e - t));
            if (c2) {
                return ap_error(a->ctx, c2 + 1,
                                "resubmit: %.*s: unknown "
                                "parameter (ct is not supported)",
                                (int)(e - c2 - 1), c2 + 1);
            }
            if (e > t) {
                err = parse_resubmit_table(a->ctx, t, (size_t)(e - t), &table);
            }
        }
        if (!err && port == OFPP_IN_PORT && table == 255) {
            return ap_error(a->ctx, it->key,
                            "resubmit: at least one of "
                            "in_port and table must be given");
        }
    }
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_RESUBMIT, sizeof(struct ofpact_resubmit));
    struct ofpact_resubmit *r = ap_at(a->out, ofs);
    r->in_port = port;
    r->table_id = table;
    return NULL;
}
