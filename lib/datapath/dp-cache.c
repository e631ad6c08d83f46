/* dp-cache: the flow cache's entries, from a walk's result to the
 * kernel's map and back (datapath.h has the rules). */
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dp-private.h"
#include "ds.h"
#include "hash.h"
#include "log.h"
#include "netdev.h"
#include "ofproto.h"
#include "packet.h"
#include "printer.h"
#include "util.h"

static uint32_t key_hash(const struct dp_key *k)
{
    return hash_bytes(k, sizeof *k, 0);
}

static struct dp_flow *flow_find(const struct dp *dp, const struct dp_key *k)
{
    struct dp_flow *f;
    HMAP_FOR_EACH_WITH_HASH (f, node, key_hash(k), &dp->flows) {
        if (!memcmp(&f->key, k, sizeof *k)) {
            return f;
        }
    }
    return NULL;
}

struct dp_port *dp_port_find(const struct dp *dp, const struct ofproto *ofp,
                             uint16_t ofport)
{
    for (size_t i = 0; i < dp->n_ports; i++) {
        struct dp_port *p = dp->ports[i];
        if (p->ofproto == ofp && p->ofport == ofport) {
            return p;
        }
    }
    return NULL;
}

struct dp_port *dp_port_by_ifindex(const struct dp *dp, int ifindex)
{
    for (size_t i = 0; i < dp->n_ports; i++) {
        if (dp->ports[i]->ifindex == ifindex && !dp->ports[i]->vx) {
            return dp->ports[i];
        }
    }
    return NULL;
}

uint64_t dp_versions(const struct dp *dp)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < dp->n_ports; i++) {
        sum += ofproto_version(dp->ports[i]->ofproto);
    }
    return sum + dp->n_ports;
}

static bool add_action(struct dp_entry *e, const struct dp_action *a)
{
    if (e->n_actions >= DP_MAX_ACTIONS) {
        return false;
    }
    e->actions[e->n_actions++] = *a;
    return true;
}

/* A frame as the cache's actions see it: Ethernet addresses, the outer
 * tag if any (tpid << 16 | tci, 0: none) and the rest, from the
 * EtherType on. */
struct dp_frame {
    const uint8_t *eth;
    uint32_t tag;
    const uint8_t *rest;
    size_t rest_len;
};

static void frame_split(const struct packet *p, struct dp_frame *f)
{
    const uint8_t *d = packet_data(p);
    uint16_t type = (uint16_t)(d[12] << 8 | d[13]);
    f->eth = d;
    f->tag = 0;
    f->rest = d + 12;
    f->rest_len = p->len - 12;
    if ((type == DP_ETH_VLAN || type == DP_ETH_QINQ) && p->len >= 18) {
        f->tag = (uint32_t)type << 16 | (uint32_t)(d[14] << 8 | d[15]);
        f->rest += 4;
        f->rest_len -= 4;
    }
}

/* The actions that turn the frame, its tag being '*tag' and its
 * addresses 'eth' so far, into output 'out'; false if they cannot. */
static bool translate_headers(const struct dp_frame *out, uint32_t *tag,
                              uint8_t eth[12], struct dp_entry *e)
{
    struct dp_action a;
    if (out->tag != *tag) {
        if (*tag) {
            memset(&a, 0, sizeof a);
            a.type = DP_A_POP_VLAN;
            if (!add_action(e, &a)) {
                return false;
            }
        }
        if (out->tag) {
            memset(&a, 0, sizeof a);
            a.type = DP_A_PUSH_VLAN;
            a.vlan_tpid = (uint16_t)(out->tag >> 16);
            a.vlan_tci = (uint16_t)out->tag;
            if (!add_action(e, &a)) {
                return false;
            }
        }
        *tag = out->tag;
    }
    if (memcmp(out->eth, eth, 12)) {
        memset(&a, 0, sizeof a);
        a.type = DP_A_SET_ETH;
        memcpy(a.eth, out->eth, 12);
        memcpy(eth, out->eth, 12);
        if (!add_action(e, &a)) {
            return false;
        }
    }
    return true;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

/* Whether the L4 bytes after an IP header ('cur' to 'out', 'len' each)
 * differ only in the ports and checksum of TCP or UDP, or the checksum of
 * ICMPv6 ('proto'), which the kernel updates as it rewrites; sets
 * '*ports' if the ports differ. */
static bool l4_may_differ(const uint8_t *cur, const uint8_t *out, size_t len,
                          uint8_t proto, bool *ports)
{
    size_t csum = proto == 6    ? 16
                  : proto == 17 ? 6
                  : proto == 58 ? 2
                                : SIZE_MAX;
    *ports = false;
    for (size_t j = 0; j < len; j++) {
        if (cur[j] == out[j]) {
            continue;
        }
        if (csum != SIZE_MAX && (j == csum || j == csum + 1)) {
            continue;
        }
        if (j < 4 && (proto == 6 || proto == 17)) {
            *ports = true;
            continue;
        }
        return false;
    }
    return true;
}

/* SET_L4 to the TCP or UDP ports at 'l4'. */
static bool add_set_l4(const uint8_t *l4, struct dp_entry *e)
{
    struct dp_action a;
    memset(&a, 0, sizeof a);
    a.type = DP_A_SET_L4;
    a.tp_src = get16(l4);
    a.tp_dst = get16(l4 + 2);
    return add_action(e, &a);
}

/* translate_l3() for IPv6 with no extension header (what the key parser
 * caches): SET_IPV6 for the traffic class, flow label, hop limit or
 * addresses, SET_L4 for the ports. */
static bool translate_ipv6(const uint8_t *ci, const uint8_t *oi, size_t len,
                           struct dp_entry *e)
{
    if (len < 40 || ci[0] >> 4 != 6 || oi[0] >> 4 != 6
        || memcmp(ci + 4, oi + 4, 3)) {
        return false; /* Version, payload length, next header. */
    }
    bool ports;
    if (!l4_may_differ(ci + 40, oi + 40, len - 40, ci[6], &ports)) {
        return false;
    }
    if (memcmp(ci, oi, 40)) {
        struct dp_action a;
        memset(&a, 0, sizeof a);
        a.type = DP_A_SET_IPV6;
        a.ipv6_word0 = get32(oi);
        a.nw_ttl = oi[7];
        memcpy(a.ipv6_src, oi + 8, 16);
        memcpy(a.ipv6_dst, oi + 24, 16);
        if (!add_action(e, &a)) {
            return false;
        }
    }
    return !ports || add_set_l4(oi + 40, e);
}

/* The IP and L4 rewrites that turn 'cur' into 'out' (each 'len' bytes
 * from the EtherType on): SET_IPV4 for the TOS, TTL or addresses (or
 * SET_IPV6, above), SET_L4 for TCP or UDP ports; the checksums those sit
 * in may differ too (the kernel updates them as it rewrites).  False if
 * anything else differs, or the frame is not IPv4 with a 20-byte header
 * or IPv6 without extension headers (what the key parser caches,
 * dp-abi.h). */
static bool translate_l3(const uint8_t *cur, const uint8_t *out, size_t len,
                         struct dp_entry *e)
{
    if (!memcmp(cur, out, len)) {
        return true;
    }
    if (len >= 2 && get16(cur) == 0x86dd) {
        return translate_ipv6(cur + 2, out + 2, len - 2, e);
    }
    if (len < 2 + 20 || get16(cur) != 0x0800 || cur[2] != 0x45) {
        return false;
    }
    /* Bytes of the IPv4 header a rewrite may change: TOS, TTL, the
     * checksum, the addresses. */
    static const uint8_t ip_may[20] = { 0, 1, 0, 0, 0, 0, 0, 0, 1, 0,
                                        1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    const uint8_t *ci = cur + 2, *oi = out + 2;
    for (size_t i = 0; i < 20; i++) {
        if (ci[i] != oi[i] && !ip_may[i]) {
            return false;
        }
    }
    bool l4_changed;
    if (ci[9] == 58
        || !l4_may_differ(cur + 22, out + 22, len - 22, ci[9], &l4_changed)) {
        return false;
    }
    struct dp_action a;
    if (memcmp(ci, oi, 20)) {
        memset(&a, 0, sizeof a);
        a.type = DP_A_SET_IPV4;
        a.nw_tos = oi[1];
        a.nw_ttl = oi[8];
        a.nw_src = get32(oi + 12);
        a.nw_dst = get32(oi + 16);
        if (!add_action(e, &a)) {
            return false;
        }
    }
    return !l4_changed || add_set_l4(out + 22, e);
}

/* The action list for one output 'o' of a walk, the frame's tag being
 * '*tag', its Ethernet addresses 'eth' and the rest of it '*rest' so
 * far (the input's, then each output's): the header changes, then the
 * output.  Anything else that differs (ARP fields, a payload, a length,
 * a second tag) cannot be expressed. */
static bool translate_output(const struct dp *dp, const uint8_t **rest,
                             size_t rest_len, const struct xlate_output *o,
                             uint32_t *tag, uint8_t eth[12],
                             struct dp_entry *e)
{
    const struct dp_port *p = dp_port_find(dp, o->ofproto, o->port);
    if (!p || o->packet.len < 14) {
        return false;
    }
    struct dp_frame out;
    frame_split(&o->packet, &out);
    if (out.rest_len != rest_len || !translate_headers(&out, tag, eth, e)
        || !translate_l3(*rest, out.rest, rest_len, e)) {
        return false; /* Not ours, or a change we cannot express. */
    }
    *rest = out.rest;
    struct dp_action a;
    memset(&a, 0, sizeof a);
    if (p->spec.kind == DP_PORT_VXLAN) {
        a.type = DP_A_SET_TUNNEL;
        a.remote = p->spec.remote_ip ? p->spec.remote_ip : o->tun_dst;
        if (netdev_ip_is_multicast(a.remote)) {
            /* A multicast port: to a VTEP the flow names (learned), or
             * a flood to the group, which stays in the slow path (the
             * netdev sender picks the interface and TTL 1; the kernel
             * device would route it like any address). */
            if (!o->tun_dst) {
                return false;
            }
            a.remote = o->tun_dst;
        }
        a.vni = p->spec.key_flow ? (uint32_t)o->tun_id : p->spec.vni;
        a.local = p->spec.local_ip;
        a.ttl = p->spec.ttl;
        if (!a.remote || !add_action(e, &a)) {
            return false;
        }
        memset(&a, 0, sizeof a);
    }
    a.type = DP_A_OUTPUT;
    a.ifindex = (uint32_t)p->ifindex;
    a.flags = p->spec.kind == DP_PORT_INTERNAL ? DP_AF_INGRESS : 0;
    return add_action(e, &a);
}

/* Builds the entry for a walk of 'in' that gave 'res'; false if the walk
 * cannot be cached. */
static bool translate(const struct dp *dp, const struct packet *in,
                      const struct xlate_result *res, struct dp_entry *e)
{
    memset(e, 0, sizeof *e);
    if (res->n_controller || res->n_learned || res->depth_exceeded
        || in->len < 14) {
        return false;
    }
    struct dp_frame fin;
    frame_split(in, &fin);
    uint32_t tag = fin.tag;
    uint8_t eth[12];
    memcpy(eth, fin.eth, 12);
    const uint8_t *rest = fin.rest;
    int last = -1;
    for (size_t i = 0; i < res->n_outputs; i++) {
        if (!translate_output(dp, &rest, fin.rest_len, &res->outputs[i], &tag,
                              eth, e)) {
            return false;
        }
        last = (int)e->n_actions - 1;
    }
    if (last >= 0) {
        e->actions[last].flags |= DP_AF_LAST;
    }
    return true;
}

static bool same_actions(const struct dp_entry *a, const struct dp_entry *b)
{
    return a->n_actions == b->n_actions
           && !memcmp(a->actions, b->actions,
                      a->n_actions * sizeof a->actions[0]);
}

/* Credits 'n' packets of 'bytes' that 'f' forwarded to the ports its
 * replay 'r' received, sent and crossed on.  The replayed frame is
 * f->hdr: an output or a crossing differs from the kernel's bytes by as
 * much as from it (a tag pushed or popped). */
static void credit_ports(const struct dp *dp, const struct dp_flow *f,
                         const struct xlate_result *r, uint64_t n,
                         uint64_t bytes)
{
    if (!dp->count) {
        return;
    }
    void *aux = dp->upcall_aux;
    int64_t in = (int64_t)f->hdr_len;
    dp->count(aux, f->ofproto, f->md.in_port, false, n, bytes);
    for (size_t i = 0; i < r->n_crossings; i++) {
        const struct xlate_crossing *c = &r->crossings[i];
        uint64_t b = bytes + (uint64_t)(((int64_t)c->bytes - in) * (int64_t)n);
        dp->count(aux, c->from, c->port, true, n, b);
        dp->count(aux, c->to, c->peer_port, false, n, b);
    }
    for (size_t i = 0; i < r->n_outputs; i++) {
        const struct xlate_output *o = &r->outputs[i];
        int64_t d = (int64_t)o->packet.len - in;
        dp->count(aux, o->ofproto, o->port, true, n,
                  bytes + (uint64_t)(d * (int64_t)n));
    }
}

static void flow_remove(struct dp *dp, struct dp_flow *f)
{
    bpf_map_delete_elem(dp->flows_fd, &f->key);
    hmap_remove(&dp->flows, &f->node);
    free(f);
}

/* Keeps 'f' if 'res', a fresh walk of 'pkt' (its stored header),
 * gives the action list it holds; else removes it (counted as
 * revalidated out).  Returns whether it was kept. */
static bool keep_if_same(struct dp *dp, struct dp_flow *f,
                         const struct packet *pkt,
                         const struct xlate_result *res)
{
    struct dp_entry e;
    bool same = translate(dp, pkt, res, &e) && same_actions(&e, &f->entry);
    if (!same) {
        flow_remove(dp, f);
        dp->stats.n_revalidated_out++;
    }
    return same;
}

/* Credits what 'f' forwarded since last asked to the rules of its walk
 * (replaying it once) and to the ports it went through.  With 'check'
 * (a result to work in), the replay, a fresh translation, also decides
 * whether 'f' stays (keep_if_same()): when '*used' is set, 'f' may be
 * gone.  Returns false if the kernel has no such entry any more. */
static bool harvest(struct dp *dp, struct dp_flow *f, bool *used,
                    struct xlate_result *check)
{
    struct dp_entry now;
    *used = false;
    if (bpf_map_lookup_elem(dp->flows_fd, &f->key, &now)) {
        return false;
    }
    uint64_t dp_ = now.packets - f->entry.packets;
    uint64_t db = now.bytes - f->entry.bytes;
    if (!dp_) {
        return true;
    }
    f->entry.packets = now.packets;
    f->entry.bytes = now.bytes;
    f->used_msec = clock_msec();
    f->ever_used = true;
    *used = true;
    struct packet pkt;
    packet_init(&pkt, f->hdr, f->hdr_len);
    struct xlate_result scratch;
    xlate_result_init(&scratch);
    struct xlate_result *r = check ? check : &scratch;
    ofproto_execute_credit(f->ofproto, &pkt, &f->md, dp_, db, r);
    credit_ports(dp, f, r, dp_, db);
    if (check) {
        keep_if_same(dp, f, &pkt, check); /* Last: it may free 'f'. */
    }
    xlate_result_uninit(&scratch);
    packet_uninit(&pkt);
    return true;
}

void dp_cache_flush(struct dp *dp)
{
    struct dp_flow *f;
    bool used;
    HMAP_FOR_EACH_SAFE (f, node, &dp->flows) {
        harvest(dp, f, &used, NULL);
        flow_remove(dp, f);
    }
    hmap_shrink(&dp->flows);
    dp->stats.n_flushes++;
    dp->synced = dp_versions(dp);
}

void dp_credit(struct dp *dp)
{
    struct dp_flow *f;
    bool used;
    HMAP_FOR_EACH_SAFE (f, node, &dp->flows) {
        if (!harvest(dp, f, &used, NULL)) {
            hmap_remove(&dp->flows, &f->node);
            free(f);
        }
    }
    hmap_shrink(&dp->flows);
}

/* Revalidation time the cache may spend, refilled at
 * DP_REVALIDATE_SHARE of the elapsed time up to DP_REVALIDATE_BURST_US;
 * false if none is left. */
static bool revalidate_budget(struct dp *dp, int64_t now)
{
    if (dp->reval_refill_us) {
        dp->reval_credit_us +=
            (now - dp->reval_refill_us) / DP_REVALIDATE_SHARE;
    } else {
        dp->reval_credit_us = DP_REVALIDATE_BURST_US;
    }
    if (dp->reval_credit_us > DP_REVALIDATE_BURST_US) {
        dp->reval_credit_us = DP_REVALIDATE_BURST_US;
    }
    dp->reval_refill_us = now;
    return dp->reval_credit_us > 0;
}

/* After a change, every entry is walked again without side effects and
 * kept if its actions came out the same, removed if not: a change that
 * touches no cached walk (a flow for other traffic, a newly learned
 * MAC, the usual learn of a new peer) costs no entry and no upcall,
 * where a flush sent every active flow back through the slow path at
 * once.  Within the budget only: past it, the entries not yet looked at
 * are flushed, so a storm of changes costs the revalidation at most
 * 1/DP_REVALIDATE_SHARE of a CPU. */
static void revalidate(struct dp *dp)
{
    int64_t start = clock_real_usec();
    if (!revalidate_budget(dp, start)) {
        dp_cache_flush(dp);
        return;
    }
    /* Credit first: the replays may learn (and change a version), and
     * the walks below must see what they learned. */
    dp_credit(dp);
    uint64_t versions = dp_versions(dp);
    struct xlate_result res;
    xlate_result_init(&res);
    bool over = false;
    size_t n_before = hmap_count(&dp->flows), n_changed = 0;
    struct dp_flow *f;
    HMAP_FOR_EACH_SAFE (f, node, &dp->flows) {
        if (!over && clock_real_usec() - start > dp->reval_credit_us) {
            over = true;
            dp->stats.n_flushes++;
        }
        if (over) {
            bool used;
            harvest(dp, f, &used, NULL);
            flow_remove(dp, f);
            continue;
        }
        struct packet pkt;
        packet_init(&pkt, f->hdr, f->hdr_len);
        xlate_result_clear(&res);
        ofproto_execute(f->ofproto, &pkt, &f->md, false, &res);
        n_changed += !keep_if_same(dp, f, &pkt, &res);
        packet_uninit(&pkt);
    }
    xlate_result_uninit(&res);
    hmap_shrink(&dp->flows);
    int64_t spent = clock_real_usec() - start;
    dp->reval_credit_us -= spent;
    if (over) {
        /* Rate-limited: a storm of changes would say it every time. */
        LOG_RL(LOG_INFO,
               "fast path revalidated %zu entries in %" PRId64
               " us: out of time, the rest flushed (%zu changed, %zu kept)",
               n_before, spent, n_changed, hmap_count(&dp->flows));
    } else {
        LOG(LOG_DBG,
            "fast path revalidated %zu entries in %" PRId64 " us: %zu "
            "changed, %zu kept",
            n_before, spent, n_changed, hmap_count(&dp->flows));
    }
    dp->stats.n_revalidations++;
    dp->synced = versions;
}

void dp_sync(struct dp *dp)
{
    if (dp_versions(dp) != dp->synced) {
        revalidate(dp);
    }
}

void dp_cache_install(struct dp *dp, struct ofproto *ofp, int ifindex,
                      const struct packet *pkt, const struct flow *md,
                      const struct xlate_result *res)
{
    dp_sync(dp); /* Whatever changed, this walk included, goes first. */
    if (dp->bypass) {
        return;
    }
    struct dp_key k;
    memset(&k, 0, sizeof k);
    k.ifindex = (uint32_t)ifindex;
    k.tun_id = (uint32_t)md->tun_id;
    k.tun_src = md->tun_src;
    k.tun_dst = md->tun_dst;
    const uint8_t *d = packet_data(pkt);
    if (!dp_parse(d, d + pkt->len, (uint32_t)pkt->len, &k)
        || flow_find(dp, &k)) {
        return;
    }
    struct dp_flow *f = xzalloc(sizeof *f);
    if (!translate(dp, pkt, res, &f->entry)
        || bpf_map_update_elem(dp->flows_fd, &k, &f->entry, BPF_NOEXIST)) {
        free(f);
        return;
    }
    f->key = k;
    f->ofproto = ofp;
    memset(&f->md, 0, sizeof f->md);
    f->md.in_port = md->in_port;
    f->md.tun_id = md->tun_id;
    f->md.tun_src = md->tun_src;
    f->md.tun_dst = md->tun_dst;
    f->hdr_len = (uint32_t)(pkt->len < DP_HDR_MAX ? pkt->len : DP_HDR_MAX);
    memcpy(f->hdr, d, f->hdr_len);
    f->used_msec = clock_msec();
    hmap_insert(&dp->flows, &f->node, key_hash(&k));
    dp->stats.n_installed++;
}

void dp_run(struct dp *dp)
{
    dp_sync(dp);
    int64_t now = clock_msec();
    struct xlate_result res;
    xlate_result_init(&res);
    struct dp_flow *f;
    HMAP_FOR_EACH_SAFE (f, node, &dp->flows) {
        bool used;
        if (!harvest(dp, f, &used, &res)) {
            hmap_remove(&dp->flows, &f->node);
            free(f);
            continue;
        }
        if (!used && now - f->used_msec >= DP_IDLE_MS) {
            flow_remove(dp, f);
            dp->stats.n_idle_out++;
        }
    }
    hmap_shrink(&dp->flows);
    xlate_result_uninit(&res);
    dp_sync(dp); /* A replay may have learned something new. */
}

static void format_actions(const struct dp_entry *e, struct ds *s)
{
    if (!e->n_actions) {
        ds_put_cstr(s, "drop");
    }
    for (uint32_t i = 0; i < e->n_actions; i++) {
        const struct dp_action *a = &e->actions[i];
        char b1[16], b2[16], name[IF_NAMESIZE];
        if (i) {
            ds_put_char(s, ',');
        }
        if (a->type == DP_A_SET_TUNNEL) {
            ds_put_format(s, "set_tunnel(vni=%u,dst=%s", a->vni,
                          ipv4_to_str(a->remote, b1));
            if (a->local) {
                ds_put_format(s, ",src=%s", ipv4_to_str(a->local, b2));
            }
            ds_put_format(s, ",ttl=%u)", a->ttl);
        } else if (a->type == DP_A_SET_IPV4) {
            ds_put_format(s, "set_ipv4(src=%s,dst=%s,tos=0x%02x,ttl=%u)",
                          ipv4_to_str(a->nw_src, b1),
                          ipv4_to_str(a->nw_dst, b2), a->nw_tos, a->nw_ttl);
        } else if (a->type == DP_A_SET_IPV6) {
            char s6[INET6_ADDRSTRLEN], d6[INET6_ADDRSTRLEN];
            ds_put_format(s,
                          "set_ipv6(src=%s,dst=%s,label=0x%05x,tclass=0x%02x,"
                          "hlimit=%u)",
                          inet_ntop(AF_INET6, a->ipv6_src, s6, sizeof s6),
                          inet_ntop(AF_INET6, a->ipv6_dst, d6, sizeof d6),
                          a->ipv6_word0 & 0xfffff,
                          (a->ipv6_word0 >> 20) & 0xff, a->nw_ttl);
        } else if (a->type == DP_A_SET_L4) {
            ds_put_format(s, "set_l4(src=%u,dst=%u)", a->tp_src, a->tp_dst);
        } else if (a->type == DP_A_POP_VLAN) {
            ds_put_cstr(s, "pop_vlan");
        } else if (a->type == DP_A_PUSH_VLAN) {
            ds_put_format(s, "push_vlan(tpid=0x%04x,vid=%u,pcp=%u)",
                          a->vlan_tpid, a->vlan_tci & 0xfff,
                          a->vlan_tci >> 13);
        } else if (a->type == DP_A_SET_ETH) {
            const uint8_t *m = a->eth;
            ds_put_format(s,
                          "set_eth(dst=%02x:%02x:%02x:%02x:%02x:%02x,"
                          "src=%02x:%02x:%02x:%02x:%02x:%02x)",
                          m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8],
                          m[9], m[10], m[11]);
        } else {
            if (!if_indextoname(a->ifindex, name)) {
                snprintf(name, sizeof name, "%u", a->ifindex);
            }
            ds_put_format(s, "%s(%s)",
                          a->flags & DP_AF_INGRESS ? "redirect_ingress"
                                                   : "redirect",
                          name);
        }
    }
}

/* The key in match syntax, with the bridge's in_port. */
static void format_key(const struct dp_flow *f, struct ds *s)
{
    struct flow fl;
    memset(&fl, 0, sizeof fl);
    fl.in_port = f->md.in_port;
    flow_extract(f->hdr, f->hdr_len, &fl);
    fl.tun_id = f->md.tun_id;
    fl.tun_src = f->md.tun_src;
    fl.tun_dst = f->md.tun_dst;
    flow_format(&fl, s);
}

void dp_dump_flows(struct dp *dp, const struct ofproto *ofp,
                   struct printer *pr, const struct pr_list *list)
{
    int64_t now = clock_msec();
    struct dp_flow *f;
    HMAP_FOR_EACH (f, node, &dp->flows) {
        if (f->ofproto != ofp) {
            continue;
        }
        struct dp_entry cur;
        if (bpf_map_lookup_elem(dp->flows_fd, &f->key, &cur)) {
            continue;
        }
        bool used = f->ever_used || cur.packets != f->entry.packets;
        double age = (double)(now - f->used_msec) / 1000.0;
        struct ds key = DS_EMPTY_INITIALIZER;
        struct ds acts = DS_EMPTY_INITIALIZER;
        format_key(f, &key);
        format_actions(&f->entry, &acts);
        /* As ovs-dpctl dump-flows lays an entry out. */
        pr_list_item(pr, list);
        pr_str(pr, "key", "%s", ds_cstr(&key));
        pr_uint(pr, "packets", ", packets:%" PRIu64, cur.packets);
        pr_uint(pr, "bytes", ", bytes:%" PRIu64, cur.bytes);
        /* Never used: -1 in JSON; the format then takes no value. */
        pr_double(pr, "used", used ? ", used:%.3fs" : ", used:never",
                  used ? (age < 0 ? 0 : age) : -1.0);
        pr_str(pr, "actions", ", actions:%s\n", ds_cstr(&acts));
        ds_destroy(&key);
        ds_destroy(&acts);
    }
}

const char *dp_would_hit(struct dp *dp, const struct ofproto *ofp,
                         const struct packet *pkt, const struct flow *md)
{
    const struct dp_port *p = dp_port_find(dp, ofp, md->in_port);
    if (!p) {
        return "not cacheable";
    }
    struct dp_key k;
    memset(&k, 0, sizeof k);
    k.ifindex = (uint32_t)p->ifindex;
    if (p->spec.kind == DP_PORT_VXLAN) {
        k.tun_id = (uint32_t)md->tun_id;
        k.tun_src = md->tun_src;
        k.tun_dst = md->tun_dst;
    }
    const uint8_t *d = packet_data(pkt);
    if (!dp_parse(d, d + pkt->len, (uint32_t)pkt->len, &k)) {
        return "not cacheable";
    }
    return flow_find(dp, &k) ? "hit" : "miss";
}
