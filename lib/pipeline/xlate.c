/* xlate: executing a packet through a bridge's tables.
 *
 * The walk keeps two keys: 'flow', which actions edit and lookups see,
 * and 'base', what the bytes of the packet currently say.  Bytes are
 * rewritten (packet_commit) only when a copy of the packet leaves, so a
 * packet that is only forwarded is never copied at all (its outputs are
 * views of it), a changed one once per output, and the input packet is
 * copied at most once, when the first header change is committed.
 *
 * Semantics follow Open vSwitch's ofproto-dpif-xlate: actions run in
 * order; resubmit runs another table and comes back with in_port
 * restored; a chain of more than OFPROTO_MAX_RESUBMIT_DEPTH resubmits,
 * goto_tables or patch crossings drops the whole packet; crossing a patch
 * port clears tunnel metadata, registers and metadata in the peer and
 * restores the flow afterwards; goto_table/write_actions build an
 * OpenFlow 1.1 action set executed when the pipeline ends.
 *
 * With a trace callback every step is reported through the same code, so
 * what trace shows is what execution does.  Packets in batches are in
 * xlate-batch.c. */
#include "ofproto.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "ofproto-private.h"
#include "packet-commit.h"
#include "util.h"
#include "xlate-private.h"

static void do_actions(struct xlate_ctx *, const struct ofpact *, size_t);
static void output_port(struct xlate_ctx *, uint16_t port, uint16_t max_len,
                        bool allow_in_port);

/* ---- Results. ---- */

void xlate_result_init(struct xlate_result *res)
{
    memset(res, 0, sizeof *res);
}

/* Forgets the crossings, freeing their frame copies. */
static void crossings_clear(struct xlate_result *res)
{
    for (size_t i = 0; i < res->n_crossings; i++) {
        if (res->crossings[i].copied) {
            packet_uninit(&res->crossings[i].packet);
            res->crossings[i].copied = false;
        }
    }
    res->n_crossings = 0;
}

void xlate_result_uninit(struct xlate_result *res)
{
    if (res) {
        crossings_clear(res);
        for (size_t i = 0; i < res->allocated; i++) {
            packet_uninit(&res->outputs[i].packet);
        }
        free(res->outputs);
        free(res->crossings);
        memset(res, 0, sizeof *res);
    }
}

void xlate_result_clear(struct xlate_result *res)
{
    res->n_outputs = 0;
    crossings_clear(res);
    res->depth_exceeded = false;
    res->drop_reason = NULL;
    res->n_controller = 0;
    res->n_learned = 0;
}

void xlate_result_own(struct xlate_result *res)
{
    for (size_t i = 0; i < res->n_outputs; i++) {
        struct packet *p = &res->outputs[i].packet;
        if (packet_is_view(p)) {
            struct packet copy;
            packet_clone(&copy, p);
            *p = copy;
        }
    }
}

/* Copies 'len' bytes into 'p', reusing its buffer when big enough. */
static void packet_assign(struct packet *p, const uint8_t *data, size_t len)
{
    if (p->base && p->allocated >= PACKET_HEADROOM + len) {
        p->ofs = PACKET_HEADROOM;
        p->len = len;
        memcpy(p->base + p->ofs, data, len);
    } else {
        packet_uninit(p);
        packet_init(p, data, len);
    }
}

/* ---- Trace events. ---- */

static void trace_event(const struct xlate_ctx *ctx, struct xlate_event *ev)
{
    ev->depth = ctx->depth;
    ev->ofproto = ctx->ofproto;
    ev->table_id = ctx->table_id;
    if (!ev->flow) {
        ev->flow = &ctx->flow;
    }
    ctx->trace(ev, ctx->trace_aux);
}

#define TRACE(CTX, ...)                                \
    do {                                               \
        if ((CTX)->trace) {                            \
            struct xlate_event ev__ = { __VA_ARGS__ }; \
            trace_event(CTX, &ev__);                   \
        }                                              \
    } while (0)

static void drop(struct xlate_ctx *ctx, const char *reason)
{
    ctx->drop_reason = reason;
}

/* ---- Packet bytes. ---- */

/* Makes the bytes match 'flow' and returns them. */
static const struct packet *commit(struct xlate_ctx *ctx)
{
    if (packet_commit_needed(&ctx->base, &ctx->flow)) {
        if (!ctx->have_work) {
            packet_clone(&ctx->work, ctx->in);
            ctx->have_work = true;
        }
        packet_commit(&ctx->work, &ctx->base, &ctx->flow, ctx->vlan_tpid);
        ctx->base = ctx->flow;
    }
    return ctx->have_work ? &ctx->work : ctx->in;
}

static void emit(struct xlate_ctx *ctx, uint16_t port)
{
    struct xlate_result *res = ctx->res;
    const struct packet *pkt = commit(ctx);
    if (res->n_outputs >= res->allocated) {
        size_t old = res->allocated;
        res->outputs = x2nrealloc(res->outputs, &res->allocated,
                                  res->n_outputs + 1, sizeof *res->outputs);
        memset(&res->outputs[old], 0,
               (res->allocated - old) * sizeof *res->outputs);
    }
    struct xlate_output *out = &res->outputs[res->n_outputs++];
    out->ofproto = ctx->ofproto;
    out->port = port;
    size_t len = pkt->len;
    if (ctx->trunc_len && len > ctx->trunc_len) {
        len = ctx->trunc_len;
    }
    if (pkt == ctx->in) {
        /* Leaving as it came, as forwarded packets usually do: share the
         * input's bytes (ofproto_execute()) rather than copy a frame
         * that may be a 64 KB TCP super frame. */
        packet_uninit(&out->packet);
        packet_view(&out->packet, pkt, len);
    } else {
        packet_assign(&out->packet, packet_data(pkt), len);
    }
    out->tun_id = ctx->flow.tun_id;
    out->tun_src = ctx->flow.tun_src;
    out->tun_dst = ctx->flow.tun_dst;
    TRACE(ctx, .type = XE_OUTPUT, .port = port);
}

static void to_controller(struct xlate_ctx *ctx, uint16_t max_len,
                          uint8_t reason)
{
    const char *name = ofp_packet_in_reason_name(reason);
    ctx->res->n_controller++;
    TRACE(ctx, .type = XE_CONTROLLER, .reason = name ? name : "action");
    struct ofproto *p = ctx->ofproto;
    if (!ctx->side_effects || !p->packet_in_cb || ctx->credit_only) {
        return;
    }
    const struct packet *pkt = commit(ctx);
    struct ofproto_packet_in pin = {
        .ofproto = p,
        .table_id = ctx->table_id,
        .reason = reason,
        .max_len = max_len,
        .cookie = ctx->rule ? ctx->rule->cookie : 0,
        .flow = &ctx->flow,
        .packet = packet_data(pkt),
        .len = pkt->len,
    };
    p->stats.n_packet_in++;
    p->packet_in_cb(&pin, p->packet_in_aux);
}

/* ---- Tables. ---- */

/* A frame arriving on a port set no-receive (mod-port) goes nowhere, as
 * in OVS: true after noting the drop. */
static bool refuses_input(struct xlate_ctx *ctx)
{
    const struct ofport *in =
        ofproto_find_port(ctx->ofproto, ctx->flow.in_port);
    if (in && (in->config & OFPPC_NO_RECV)) {
        TRACE(ctx, .type = XE_SKIP, .port = in->port,
              .reason = "the input port is set no-receive (mod-port)");
        drop(ctx, "the input port is set no-receive");
        return true;
    }
    return false;
}

static void xlate_table(struct xlate_ctx *ctx, uint8_t table_id)
{
    struct ofproto *p = ctx->ofproto;
    if (ctx->depth > OFPROTO_MAX_RESUBMIT_DEPTH) {
        ctx->too_deep = true;
        drop(ctx, "resubmit depth exceeded");
        return;
    }
    if (table_id >= OFPROTO_N_TABLES) {
        drop(ctx, "no such table");
        return;
    }
    struct rule *rule =
        rule_from_cls(classifier_lookup(&p->tables[table_id], &ctx->flow));
    uint8_t old_table = ctx->table_id;
    ctx->table_id = table_id;
    if (ctx->side_effects) {
        p->tstats[table_id].lookups += ctx->credit_packets;
        if (rule) {
            p->tstats[table_id].matched += ctx->credit_packets;
            rule->n_packets += ctx->credit_packets;
            rule->n_bytes += ctx->credit_bytes;
            rule->used = ctx->now;
        }
    }
    if (ctx->trace) {
        struct match m;
        struct flow_print fp;
        if (rule) {
            ofproto_rule_to_print(rule, &m, &fp);
        }
        TRACE(ctx, .type = XE_TABLE, .rule = rule ? &fp : NULL);
    }
    if (!rule) {
        drop(ctx, "no matching flow (table miss)");
    } else {
        struct rule *old_rule = ctx->rule;
        ctx->rule = rule;
        ctx->depth++;
        do_actions(ctx, rule->ofpacts, rule->ofpacts_len);
        ctx->depth--;
        ctx->rule = old_rule;
    }
    ctx->table_id = old_table;
}

/* ---- Ports. ---- */

/* Notes that the packet, as its bytes are now, crosses 'port'. */
static void record_crossing(struct xlate_ctx *ctx, const struct ofport *port)
{
    struct xlate_result *res = ctx->res;
    if (res->n_crossings >= res->allocated_crossings) {
        res->crossings =
            x2nrealloc(res->crossings, &res->allocated_crossings,
                       res->n_crossings + 1, sizeof *res->crossings);
    }
    /* Committing here is what the first output after the crossing would
     * do anyway; it makes 'bytes' include pushed or popped headers. */
    const struct packet *pkt = commit(ctx);
    struct xlate_crossing *c = &res->crossings[res->n_crossings++];
    c->from = ctx->ofproto;
    c->to = port->peer;
    c->port = port->port;
    c->peer_port = port->peer_port;
    c->bytes = (uint32_t)pkt->len;
    c->copied = res->copy_crossings;
    if (c->copied) {
        packet_clone(&c->packet, pkt);
    }
}

static void patch_cross(struct xlate_ctx *ctx, const struct ofport *port)
{
    struct ofproto *peer = port->peer;
    if (ctx->depth > OFPROTO_MAX_RESUBMIT_DEPTH) {
        ctx->too_deep = true;
        drop(ctx, "resubmit depth exceeded");
        return;
    }
    TRACE(ctx, .type = XE_PATCH, .port = port->port, .peer = peer,
          .peer_port = port->peer_port);
    record_crossing(ctx, port);

    /* The peer sees a fresh packet as OVS's patch ports do: new in_port,
     * no tunnel metadata, registers or metadata, its own action set. */
    struct flow saved = ctx->flow;
    struct ofproto *saved_p = ctx->ofproto;
    uint8_t saved_table = ctx->table_id;
    struct rule *saved_rule = ctx->rule;
    struct buf saved_set = ctx->action_set;
    buf_init(&ctx->action_set);

    memset(&ctx->flow, 0, FLOW_PATCH_KEEP_OFS); /* See struct flow. */
    ctx->flow.in_port = port->peer_port;
    ctx->ofproto = peer;
    ctx->rule = NULL;
    ctx->depth++;
    if (!refuses_input(ctx)) {
        xlate_table(ctx, 0);
    }
    if (ctx->action_set.size && !ctx->too_deep) {
        /* The peer's pipeline ends here. */
        struct buf set = ctx->action_set;
        buf_init(&ctx->action_set);
        ctx->exit = false;
        do_actions(ctx, (const struct ofpact *)(const void *)set.data,
                   set.size);
        buf_uninit(&set);
    }
    ctx->depth--;
    buf_uninit(&ctx->action_set);
    ctx->action_set = saved_set;
    ctx->ofproto = saved_p;
    ctx->table_id = saved_table;
    ctx->rule = saved_rule;
    /* 'base' keeps describing the bytes, which the peer may have
     * changed; the next commit reconciles them with the restored flow. */
    ctx->flow = saved;
    ctx->exit = false;
}

static void output_to(struct xlate_ctx *ctx, uint16_t port)
{
    const struct ofport *op = ofproto_find_port(ctx->ofproto, port);
    if (!op) {
        TRACE(ctx, .type = XE_SKIP, .port = port,
              .reason = "output to a nonexistent port");
        return;
    }
    if (op->config & OFPPC_NO_FWD) {
        TRACE(ctx, .type = XE_SKIP, .port = port,
              .reason = "the port is set no-forward (mod-port)");
        return;
    }
    if (op->peer) {
        patch_cross(ctx, op);
    } else {
        emit(ctx, port);
    }
}

/* FLOOD and ALL: every port but the input port.  Down ports get no
 * copy (OVS's ALL would include them; ours have no device to send on).
 * FLOOD also leaves out ports set no-flood, as OVS does. */
static void flood(struct xlate_ctx *ctx, bool all)
{
    struct ofproto *p = ctx->ofproto;
    uint16_t in_port = ctx->flow.in_port;
    for (size_t i = 0; i < p->n_ports; i++) {
        const struct ofport *op = &p->ports[i];
        if (op->port != in_port && op->up
            && (all || !(op->config & OFPPC_NO_FLOOD))) {
            output_to(ctx, op->port);
        }
        if (ctx->too_deep) {
            return;
        }
    }
}

/* Whether trunk port 'op' carries 'vlan'. */
static bool trunk_carries(const struct ofport *op, uint16_t vlan)
{
    if (!op->n_trunks) {
        return true;
    }
    for (size_t i = 0; i < op->n_trunks; i++) {
        if (op->trunks[i] == vlan) {
            return true;
        }
    }
    return false;
}

/* NORMAL's copy to 'op' of a frame in 'vlan': untagged to an access port
 * of that VLAN, tagged (untagged for VLAN 0) to a trunk that carries it,
 * nothing to other ports.  The flow's tag is put back afterwards: the
 * next copy may need another. */
static void normal_output(struct xlate_ctx *ctx, const struct ofport *op,
                          uint16_t vlan)
{
    if (op->tag >= 0 ? op->tag != vlan : !trunk_carries(op, vlan)) {
        return;
    }
    uint16_t saved_tci = ctx->flow.vlan_tci;
    uint16_t saved_tpid = ctx->vlan_tpid;
    if (op->tag >= 0 || !vlan) {
        ctx->flow.vlan_tci = 0;
    } else if (saved_tci & VLAN_CFI) {
        ctx->flow.vlan_tci = (uint16_t)((saved_tci & ~VLAN_VID_MASK) | vlan);
    } else {
        ctx->flow.vlan_tci = (uint16_t)(VLAN_CFI | vlan);
        ctx->vlan_tpid = ETH_TYPE_VLAN;
    }
    output_to(ctx, op->port);
    ctx->flow.vlan_tci = saved_tci;
    ctx->vlan_tpid = saved_tpid;
}

static void normal_flood(struct xlate_ctx *ctx, uint16_t vlan)
{
    struct ofproto *p = ctx->ofproto;
    uint16_t in_port = ctx->flow.in_port;
    for (size_t i = 0; i < p->n_ports && !ctx->too_deep; i++) {
        const struct ofport *op = &p->ports[i];
        if (op->port != in_port && op->up && !(op->config & OFPPC_NO_FLOOD)) {
            normal_output(ctx, op, vlan);
        }
    }
}

/* The VLAN a frame belongs to on arrival (as OVS's NORMAL decides it),
 * or false if the input port does not take it. */
static bool normal_input_vlan(struct xlate_ctx *ctx, uint16_t *vlanp)
{
    const struct flow *f = &ctx->flow;
    uint16_t vid =
        (f->vlan_tci & VLAN_CFI) ? (f->vlan_tci & VLAN_VID_MASK) : 0;
    const struct ofport *in = ofproto_find_port(ctx->ofproto, f->in_port);
    if (in && in->tag >= 0) {
        if (vid) {
            TRACE(ctx, .type = XE_SKIP, .port = f->in_port,
                  .reason = "NORMAL: tagged frame on an access port");
            drop(ctx, "NORMAL: tagged frame on an access port");
            return false;
        }
        *vlanp = (uint16_t)in->tag;
        return true;
    }
    if (in && !trunk_carries(in, vid)) {
        TRACE(ctx, .type = XE_SKIP, .port = f->in_port,
              .reason = "NORMAL: VLAN not in the input port's trunks");
        drop(ctx, "NORMAL: VLAN not in the input port's trunks");
        return false;
    }
    *vlanp = vid;
    return true;
}

static void normal(struct xlate_ctx *ctx)
{
    struct ofproto *p = ctx->ofproto;
    const struct flow *f = &ctx->flow;
    uint16_t vlan;
    if (!normal_input_vlan(ctx, &vlan)) {
        return;
    }
    /* A packet-out from "none" or "controller" came from no port, so
     * there is nothing to learn: learning it would send later traffic
     * for its source MAC to a port that does not exist. */
    if (ctx->side_effects && f->in_port != OFPP_NONE
        && f->in_port != OFPP_CONTROLLER) {
        if (mac_learning_learn(p->ml, f->dl_src, vlan, f->in_port)) {
            p->version++; /* New or moved MAC: cached walks change. */
        }
    }
    uint16_t port;
    if (f->dl_dst[0] & 1) {
        normal_flood(ctx, vlan);
    } else if (mac_learning_lookup(p->ml, f->dl_dst, vlan, &port)) {
        const struct ofport *op = ofproto_find_port(p, port);
        if (port == f->in_port) {
            TRACE(ctx, .type = XE_SKIP, .port = port,
                  .reason = "NORMAL: destination is on the input port");
        } else if (op) {
            normal_output(ctx, op, vlan);
        }
    } else {
        normal_flood(ctx, vlan);
    }
}

static void output_port(struct xlate_ctx *ctx, uint16_t port, uint16_t max_len,
                        bool allow_in_port)
{
    switch (port) {
    case OFPP_IN_PORT:
        output_to(ctx, ctx->flow.in_port);
        break;
    case OFPP_NORMAL:
        normal(ctx);
        break;
    case OFPP_FLOOD:
    case OFPP_ALL:
        flood(ctx, port == OFPP_ALL);
        break;
    case OFPP_CONTROLLER:
        to_controller(ctx, max_len, 1);
        break;
    case OFPP_NONE:
    case OFPP_TABLE:
    case OFPP_UNSET:
        TRACE(ctx, .type = XE_SKIP, .port = port,
              .reason = "output to a port that sends nothing");
        break;
    default:
        if (port == ctx->flow.in_port && !allow_in_port) {
            TRACE(ctx, .type = XE_SKIP, .port = port,
                  .reason = "skipped output to the input port");
        } else {
            output_to(ctx, port);
        }
        break;
    }
}

/* ---- Actions. ---- */

static bool is_ip(const struct flow *f)
{
    return f->dl_type == ETH_TYPE_IP || f->dl_type == ETH_TYPE_IPV6;
}

static bool has_l4_ports(const struct flow *f)
{
    return is_ip(f) && !(f->nw_frag & FLOW_NW_FRAG_LATER)
           && (f->nw_proto == IPPROTO_TCP_ || f->nw_proto == IPPROTO_UDP_
               || f->nw_proto == IPPROTO_SCTP_);
}

static void apply_set_field(struct flow *flow,
                            const struct ofpact_set_field *sf)
{
    union mf_value v;
    mf_get_value(sf->field, flow, &v);
    for (int i = 0; i < 2; i++) {
        v.be64[i] = (v.be64[i] & ~sf->mask.be64[i])
                    | (sf->value.be64[i] & sf->mask.be64[i]);
    }
    mf_set_value(sf->field, &v, flow);
}

static void do_learn(struct xlate_ctx *ctx, const struct ofpact_learn *l)
{
    struct ofproto *p = ctx->ofproto;
    struct match match;
    buf_clear(&p->learn_ofpacts);
    learn_execute(l, &ctx->flow, &match, &p->learn_ofpacts);
    const struct ofpact *acts =
        (const struct ofpact *)(const void *)p->learn_ofpacts.data;
    size_t len = p->learn_ofpacts.size;
    const char *what = "not installed (no side effects)";
    if (ctx->side_effects) {
        if (p == ctx->root) {
            /* Remember, for batches, which learn packets from this port
             * run (see struct ofproto's 'learn_hints'). */
            uint16_t in_port = ctx->in_port;
            size_t h = in_port % OFPROTO_LEARN_HINTS;
            p->learn_hints[h].learn = l;
            p->learn_hints[h].gen = p->gen;
            p->learn_hints[h].in_port = in_port;
        }
        enum learn_result r = ofproto_learn_install(p, ctx->rule, l, &match,
                                                    acts, len, ctx->now);
        if (r == LEARN_ADDED || r == LEARN_MODIFIED) {
            ctx->res->n_learned++;
        }
        what = learn_result_name(r);
    }
    if (ctx->trace) {
        struct flow_print fp = {
            .match = &match,
            .priority = l->priority,
            .table_id = l->table_id,
            .cookie = l->cookie,
            .idle_timeout = l->idle_timeout,
            .hard_timeout = l->hard_timeout,
            .ofpacts = acts,
            .ofpacts_len = len,
            .hard_age = -1,
        };
        TRACE(ctx, .type = XE_LEARN, .rule = &fp, .reason = what);
    }
}

/* Action-set slots (OpenFlow 1.1 "action set": at most one action of
 * each kind; set_field one per field). */
static bool same_slot(const struct ofpact *a, const struct ofpact *b)
{
    bool out_a = a->type == OFPACT_OUTPUT || a->type == OFPACT_OUTPUT_REG
                 || a->type == OFPACT_CONTROLLER;
    bool out_b = b->type == OFPACT_OUTPUT || b->type == OFPACT_OUTPUT_REG
                 || b->type == OFPACT_CONTROLLER;
    if (out_a || out_b) {
        return out_a && out_b;
    }
    if (a->type != b->type) {
        return false;
    }
    if (a->type == OFPACT_SET_FIELD) {
        return ofpact_get_SET_FIELD(a)->field
               == ofpact_get_SET_FIELD(b)->field;
    }
    return true;
}

static void write_actions(struct xlate_ctx *ctx, const struct ofpact_nest *n)
{
    size_t len;
    const struct ofpact *acts = ofpact_nest_actions(n, &len);
    const struct ofpact *a, *b;
    struct buf set = BUF_INITIALIZER;
    const struct ofpact *old =
        (const struct ofpact *)(const void *)ctx->action_set.data;
    OFPACT_FOR_EACH (b, old, ctx->action_set.size) {
        bool replaced = false;
        OFPACT_FOR_EACH (a, acts, len) {
            replaced = replaced || same_slot(a, b);
        }
        if (!replaced) {
            buf_put(&set, b, b->len);
        }
    }
    OFPACT_FOR_EACH (a, acts, len) {
        buf_put(&set, a, a->len);
    }
    buf_uninit(&ctx->action_set);
    ctx->action_set = set;
}

/* Order in which the action set runs (OpenFlow 1.1 5.10): pop, push,
 * dec_ttl, set-field kinds, then output. */
static int set_rank(const struct ofpact *a)
{
    switch (a->type) {
    case OFPACT_STRIP_VLAN:
        return 0;
    case OFPACT_PUSH_VLAN:
        return 1;
    case OFPACT_DEC_TTL:
        return 2;
    case OFPACT_OUTPUT:
    case OFPACT_OUTPUT_REG:
    case OFPACT_CONTROLLER:
        return 4;
    default:
        return 3;
    }
}

static void run_action_set(struct xlate_ctx *ctx)
{
    struct buf set = ctx->action_set;
    buf_init(&ctx->action_set);
    const struct ofpact *acts = (const struct ofpact *)(const void *)set.data;
    const struct ofpact *a;
    ctx->exit = false;
    for (int rank = 0; rank <= 4 && !ctx->too_deep; rank++) {
        OFPACT_FOR_EACH (a, acts, set.size) {
            if (set_rank(a) == rank) {
                do_actions(ctx, a, a->len);
            }
        }
    }
    buf_uninit(&set);
}

/* VLAN actions on the flow: mod_vlan_vid/pcp push a tag if there is
 * none (unless they came from a set_field on a tagged-only flow). */
static void do_vlan_action(struct xlate_ctx *ctx, const struct ofpact *a)
{
    struct flow *f = &ctx->flow;
    bool tagged = f->vlan_tci & VLAN_CFI;
    uint16_t tci = tagged ? f->vlan_tci : VLAN_CFI;
    switch ((enum ofpact_type)a->type) {
    case OFPACT_SET_VLAN_VID: {
        const struct ofpact_vlan_vid *v = ofpact_get_SET_VLAN_VID(a);
        if (!tagged && !v->push_if_absent) {
            return;
        }
        tci = (uint16_t)((tci & ~VLAN_VID_MASK) | (v->vid & VLAN_VID_MASK));
        break;
    }
    case OFPACT_SET_VLAN_PCP: {
        const struct ofpact_vlan_pcp *v = ofpact_get_SET_VLAN_PCP(a);
        if (!tagged && !v->push_if_absent) {
            return;
        }
        tci = (uint16_t)((tci & ~VLAN_PCP_MASK)
                         | ((v->pcp & 7) << VLAN_PCP_SHIFT));
        break;
    }
    case OFPACT_STRIP_VLAN:
        f->vlan_tci = 0;
        return;
    case OFPACT_PUSH_VLAN:
        if (tagged) {
            /* struct flow holds one tag; a second would be invisible. */
            TRACE(ctx, .type = XE_SKIP, .action = a,
                  .reason = "packet already has a VLAN tag");
            return;
        }
        ctx->vlan_tpid = ofpact_get_PUSH_VLAN(a)->ethertype;
        f->vlan_tci = VLAN_CFI;
        return;
    default:
        return;
    }
    if (!tagged) {
        ctx->vlan_tpid = ETH_TYPE_VLAN;
    }
    f->vlan_tci = tci | VLAN_CFI;
}

/* The OpenFlow 1.0 header rewrites, each a no-op on a packet without
 * the header it writes. */
static void do_header_action(struct xlate_ctx *ctx, const struct ofpact *a)
{
    struct flow *f = &ctx->flow;
    switch ((enum ofpact_type)a->type) {
    case OFPACT_SET_ETH_SRC:
        memcpy(f->dl_src, ofpact_get_SET_ETH_SRC(a)->mac, 6);
        break;
    case OFPACT_SET_ETH_DST:
        memcpy(f->dl_dst, ofpact_get_SET_ETH_DST(a)->mac, 6);
        break;
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
        if (f->dl_type == ETH_TYPE_IP) {
            uint32_t ip = ofpact_get_SET_IPV4_SRC(a)->ipv4;
            *(a->type == OFPACT_SET_IPV4_SRC ? &f->nw_src : &f->nw_dst) = ip;
        }
        break;
    case OFPACT_SET_IP_DSCP:
        if (is_ip(f)) {
            f->nw_tos = ofpact_get_SET_IP_DSCP(a)->dscp & 0xfc;
        }
        break;
    case OFPACT_SET_L4_SRC_PORT:
    case OFPACT_SET_L4_DST_PORT:
        if (has_l4_ports(f)) {
            uint16_t port = ofpact_get_SET_L4_SRC_PORT(a)->port;
            *(a->type == OFPACT_SET_L4_SRC_PORT ? &f->tp_src : &f->tp_dst) =
                port;
        }
        break;
    default:
        break;
    }
}

/* dec_ttl: false when the TTL ran out (the list stops). */
static bool do_dec_ttl(struct xlate_ctx *ctx, const struct ofpact_dec_ttl *d)
{
    struct flow *f = &ctx->flow;
    if (!is_ip(f)) {
        return true;
    }
    if (f->nw_ttl <= 1) {
        /* As OVS: the packet goes to the controller with reason
         * invalid_ttl and this action list stops.  Our one controller
         * connection has id 0. */
        bool to_us = !d->n_ids;
        for (size_t i = 0; i < d->n_ids; i++) {
            to_us |= d->ids[i] == 0;
        }
        if (to_us) {
            to_controller(ctx, 0, 2);
        }
        drop(ctx, "TTL expired");
        return false;
    }
    f->nw_ttl--;
    return true;
}

/* clone(...): the nested actions on a copy; nothing leaks out. */
static void do_clone(struct xlate_ctx *ctx, const struct ofpact_nest *nest)
{
    size_t len;
    const struct ofpact *acts = ofpact_nest_actions(nest, &len);
    struct flow saved = ctx->flow;
    struct buf saved_set = ctx->action_set;
    buf_init(&ctx->action_set);
    do_actions(ctx, acts, len);
    buf_uninit(&ctx->action_set);
    ctx->action_set = saved_set;
    ctx->flow = saved;
    ctx->exit = false;
}

/* A field write or copy, skipped (and traced) when the packet lacks the
 * field's headers. */
static void do_field_action(struct xlate_ctx *ctx, const struct ofpact *a)
{
    struct flow *f = &ctx->flow;
    if (a->type == OFPACT_SET_FIELD) {
        const struct ofpact_set_field *sf = ofpact_get_SET_FIELD(a);
        if (mf_are_prereqs_ok(sf->field, f)) {
            apply_set_field(f, sf);
            return;
        }
    } else {
        const struct ofpact_reg_move *m = ofpact_get_REG_MOVE(a);
        if (mf_are_prereqs_ok(m->src.field, f)
            && mf_are_prereqs_ok(m->dst.field, f)) {
            union mf_value v;
            mf_read_subfield(&m->src, f, &v);
            mf_write_subfield(&m->dst, &v, f);
            return;
        }
    }
    TRACE(ctx, .type = XE_SKIP, .action = a,
          .reason = "field prerequisites not met");
}

static void do_resubmit(struct xlate_ctx *ctx, const struct ofpact_resubmit *r)
{
    struct flow *f = &ctx->flow;
    uint8_t table = r->table_id == 255 ? ctx->table_id : r->table_id;
    uint16_t old_in_port = f->in_port;
    if (r->in_port != OFPP_IN_PORT && r->in_port != OFPP_UNSET) {
        f->in_port = r->in_port;
    }
    xlate_table(ctx, table);
    f->in_port = old_in_port;
}

/* Runs one action.  Returns false to stop the current action list.  The
 * switch names every action type and has no default, so -Wswitch
 * reports an action added to OFPACTS but not carried out here. */
static bool do_action(struct xlate_ctx *ctx, const struct ofpact *a)
{
    struct flow *f = &ctx->flow;
    switch ((enum ofpact_type)a->type) {
    case OFPACT_OUTPUT: {
        const struct ofpact_output *o = ofpact_get_OUTPUT(a);
        ctx->trunc_len = o->max_len;
        output_port(ctx, o->port, UINT16_MAX, false);
        ctx->trunc_len = 0;
        break;
    }
    case OFPACT_OUTPUT_REG: {
        union mf_value v;
        mf_read_subfield(&ofpact_get_OUTPUT_REG(a)->src, f, &v);
        output_port(ctx, (uint16_t)mf_value_to_u64(&v), 0, false);
        break;
    }
    case OFPACT_CONTROLLER: {
        const struct ofpact_controller *c = ofpact_get_CONTROLLER(a);
        to_controller(ctx, c->max_len, c->reason);
        break;
    }
    case OFPACT_RESUBMIT:
        do_resubmit(ctx, ofpact_get_RESUBMIT(a));
        break;
    case OFPACT_LEARN:
        do_learn(ctx, ofpact_get_LEARN(a));
        break;
    case OFPACT_SET_FIELD:
    case OFPACT_REG_MOVE:
        do_field_action(ctx, a);
        break;
    case OFPACT_SET_TUNNEL:
        f->tun_id = ofpact_get_SET_TUNNEL(a)->tun_id;
        break;
    case OFPACT_SET_VLAN_VID:
    case OFPACT_SET_VLAN_PCP:
    case OFPACT_STRIP_VLAN:
    case OFPACT_PUSH_VLAN:
        do_vlan_action(ctx, a);
        break;
    case OFPACT_SET_ETH_SRC:
    case OFPACT_SET_ETH_DST:
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
    case OFPACT_SET_IP_DSCP:
    case OFPACT_SET_L4_SRC_PORT:
    case OFPACT_SET_L4_DST_PORT:
        do_header_action(ctx, a);
        break;
    case OFPACT_DEC_TTL:
        return do_dec_ttl(ctx, ofpact_get_DEC_TTL(a));
    case OFPACT_NOTE:
        break;
    case OFPACT_FIN_TIMEOUT: {
        /* TCP FIN or RST: the connection is closing. */
        const struct ofpact_fin_timeout *ft = (const void *)a;
        if (ctx->side_effects && ctx->rule && is_ip(f)
            && f->nw_proto == IPPROTO_TCP_ && (f->tcp_flags & 0x005)) {
            ofproto_rule_reduce_timeouts(ctx->ofproto, ctx->rule,
                                         ft->fin_idle_timeout,
                                         ft->fin_hard_timeout);
        }
        break;
    }
    case OFPACT_EXIT:
        ctx->exit = true;
        return false;
    case OFPACT_CLONE:
        do_clone(ctx, ofpact_get_CLONE(a));
        break;
    case OFPACT_CLEAR_ACTIONS:
        buf_clear(&ctx->action_set);
        break;
    case OFPACT_WRITE_ACTIONS:
        write_actions(ctx, ofpact_get_WRITE_ACTIONS(a));
        break;
    case OFPACT_WRITE_METADATA: {
        const struct ofpact_metadata *m = ofpact_get_WRITE_METADATA(a);
        f->metadata = (f->metadata & ~m->mask) | (m->metadata & m->mask);
        break;
    }
    case OFPACT_GOTO_TABLE:
        xlate_table(ctx, ofpact_get_GOTO_TABLE(a)->table_id);
        break;
    case N_OFPACTS:
        break;
    }
    return true;
}

static bool changes_flow(const struct ofpact *a)
{
    switch (a->type) {
    case OFPACT_OUTPUT:
    case OFPACT_OUTPUT_REG:
    case OFPACT_CONTROLLER:
    case OFPACT_RESUBMIT:
    case OFPACT_LEARN:
    case OFPACT_NOTE:
    case OFPACT_FIN_TIMEOUT:
    case OFPACT_EXIT:
    case OFPACT_CLONE:
    case OFPACT_CLEAR_ACTIONS:
    case OFPACT_WRITE_ACTIONS:
    case OFPACT_GOTO_TABLE:
        return false;
    default:
        return true;
    }
}

static void do_actions(struct xlate_ctx *ctx, const struct ofpact *acts,
                       size_t len)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, acts, len) {
        if (ctx->exit || ctx->too_deep) {
            break;
        }
        if (ctx->trace) {
            TRACE(ctx, .type = XE_ACTION, .action = a);
            struct flow before = ctx->flow;
            bool go_on = do_action(ctx, a);
            if (changes_flow(a)
                && memcmp(&before, &ctx->flow, sizeof before)) {
                TRACE(ctx, .type = XE_FIELDS, .action = a,
                      .old_flow = &before);
            }
            if (!go_on) {
                break;
            }
        } else if (!do_action(ctx, a)) {
            break;
        }
    }
}

/* ---- Entry points. ---- */

/* Prepares 'ctx' to run 'packet' whose key (metadata and headers) is
 * already in 'flow'. */
void ctx_init(struct xlate_ctx *ctx, struct ofproto *p,
              const struct packet *packet, const struct flow *flow,
              bool side_effects, int64_t now, struct xlate_result *res,
              void (*cb)(const struct xlate_event *, void *aux), void *aux)
{
    ctx->flow = *flow;
    ctx->base = *flow;
    ctx->ofproto = p;
    ctx->root = p;
    ctx->in = packet;
    memset(&ctx->work, 0, sizeof ctx->work);
    ctx->have_work = false;
    ctx->vlan_tpid = ETH_TYPE_VLAN;
    ctx->trunc_len = 0;
    ctx->in_len = (uint32_t)packet->len;
    ctx->credit_packets = 1;
    ctx->credit_bytes = packet->len;
    ctx->credit_only = false;
    ctx->in_port = flow->in_port;
    ctx->now = now;
    ctx->side_effects = side_effects;
    ctx->depth = 0;
    ctx->exit = false;
    ctx->too_deep = false;
    ctx->table_id = 0;
    ctx->rule = NULL;
    buf_init(&ctx->action_set);
    ctx->drop_reason = NULL;
    ctx->res = res;
    ctx->trace = cb;
    ctx->trace_aux = aux;
}

/* The packet's key: metadata from 'md', headers from the bytes. */
void extract_key(const struct packet *packet, const struct flow *md,
                 struct flow *flow)
{
    memcpy(flow, md, FLOW_HEADERS_OFS); /* flow_extract() zeroes the rest. */
    flow_extract(packet_data(packet), packet->len, flow);
}

/* Ends the walk 'ctx' ran: runs the action set and finishes 'res'. */
static void ctx_finish(struct xlate_ctx *ctx)
{
    struct ofproto *p = ctx->ofproto;
    struct xlate_result *res = ctx->res;

    if (ctx->action_set.size && !ctx->too_deep) {
        run_action_set(ctx);
    }
    buf_uninit(&ctx->action_set);
    if (ctx->have_work) {
        packet_uninit(&ctx->work);
    }
    ofproto_free_retired();

    if (ctx->too_deep) {
        /* Like OVS: a translation that recursed too deep sends nothing
         * at all, not the outputs made before the limit. */
        res->n_outputs = 0;
        crossings_clear(res); /* See struct xlate_crossing. */
        res->depth_exceeded = true;
        if (ctx->side_effects) {
            p->stats.n_depth_exceeded++;
            LOG_RL(LOG_WARN,
                   "%s: resubmit chain deeper than %d, packet "
                   "dropped",
                   p->name, OFPROTO_MAX_RESUBMIT_DEPTH);
        }
    }
    if (!res->n_outputs) {
        res->drop_reason =
            ctx->drop_reason ? ctx->drop_reason : "no output action";
        TRACE(ctx, .type = XE_DROP, .reason = res->drop_reason);
    }
}

/* Runs the walk 'ctx' was prepared for, from table 0. */
void ctx_run(struct xlate_ctx *ctx)
{
    xlate_result_clear(ctx->res);
    if (!refuses_input(ctx)) {
        xlate_table(ctx, 0);
    }
    ctx_finish(ctx);
}

void ofproto_execute_trace(struct ofproto *p, const struct packet *packet,
                           const struct flow *md, bool side_effects,
                           struct xlate_result *res,
                           void (*cb)(const struct xlate_event *, void *aux),
                           void *aux)
{
    struct xlate_ctx ctx;
    struct flow flow;
    extract_key(packet, md, &flow);
    ctx_init(&ctx, p, packet, &flow, side_effects,
             side_effects ? clock_msec() : 0, res, cb, aux);
    ctx_run(&ctx);
}

void ofproto_execute(struct ofproto *p, const struct packet *packet,
                     const struct flow *md, bool side_effects,
                     struct xlate_result *res)
{
    ofproto_execute_trace(p, packet, md, side_effects, res, NULL, NULL);
}

void ofproto_execute_credit(struct ofproto *p, const struct packet *packet,
                            const struct flow *md, uint64_t n_packets,
                            uint64_t n_bytes, struct xlate_result *res)
{
    struct xlate_ctx ctx;
    struct flow flow;
    extract_key(packet, md, &flow);
    ctx_init(&ctx, p, packet, &flow, true, clock_msec(), res, NULL, NULL);
    ctx.credit_packets = n_packets;
    ctx.credit_bytes = n_bytes;
    ctx.credit_only = true;
    ctx_run(&ctx);
}

void ofproto_execute_actions(struct ofproto *p, const struct packet *packet,
                             const struct flow *md,
                             const struct ofpact *ofpacts, size_t len,
                             bool side_effects, struct xlate_result *res)
{
    struct xlate_ctx ctx;
    struct flow flow;
    extract_key(packet, md, &flow);
    ctx_init(&ctx, p, packet, &flow, side_effects,
             side_effects ? clock_msec() : 0, res, NULL, NULL);
    /* The list runs as a matched rule's would, at depth 0 in table 0:
     * resubmit(,N) and goto_table start lookups from there. */
    xlate_result_clear(res);
    do_actions(&ctx, ofpacts, len);
    ctx_finish(&ctx);
}
