/* datapath: loading the fast path, its ports and its upcalls (the cache
 * itself is dp-cache.c). */
#include "datapath.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
/* Generated at build time from bpf/datapath.bpf.c (lib/CMakeLists.txt). */
#include <dp.skel.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "dp-kernel.h"
#include "dp-private.h"
#include "log.h"
#include "netdev.h"
#include "ofproto.h"
#include "packet.h"
#include "util.h"

/* Pages per CPU of the miss buffer: 512 KB, eight of the biggest
 * missed packets (DP_MISS_MAX_LEN) or some 350 full-sized frames. */
#define DP_PERF_PAGES 128

static void upcall_sample(void *dp_, int cpu, void *data, __u32 size);
static void upcall_lost(void *dp_, int cpu, __u64 n);

/* libbpf's own messages go to our log at debug level, not stderr. */
static int libbpf_log(enum libbpf_print_level level, const char *fmt,
                      va_list ap)
{
    if (level != LIBBPF_DEBUG) {
        char buf[512];
        vsnprintf(buf, sizeof buf, fmt, ap);
        LOG(LOG_DBG, "libbpf: %s", buf);
    }
    return 0;
}

char *dp_create(dp_upcall_fn *upcall, dp_port_count_fn *count, void *aux,
                struct dp **dpp)
{
    *dpp = NULL;
    libbpf_set_print(libbpf_log);
    struct dp_bpf *skel = dp_bpf__open_and_load();
    if (!skel) {
        return xasprintf("cannot load the fast path's BPF programs: %s "
                         "(needs root, or CAP_BPF and CAP_NET_ADMIN)",
                         strerror(errno));
    }
    char *perr = NULL;
    if (dp_kernel_probe_attach(bpf_program__fd(skel->progs.tap_egress),
                               &perr)) {
        char *msg = xasprintf("cannot attach the fast path's programs to a "
                              "device's clsact hook (%s)",
                              perr);
        free(perr);
        dp_bpf__destroy(skel);
        return msg;
    }
    struct dp *dp = xzalloc(sizeof *dp);
    dp->skel = skel;
    dp->flows_fd = bpf_map__fd(skel->maps.dp_flows);
    dp->upcall = upcall;
    dp->count = count;
    dp->upcall_aux = aux;
    hmap_init(&dp->flows);
    dp->pb = perf_buffer__new(bpf_map__fd(skel->maps.dp_misses), DP_PERF_PAGES,
                              upcall_sample, upcall_lost, dp, NULL);
    if (!dp->pb) {
        int error = errno;
        dp_destroy(dp);
        return xasprintf("cannot open the fast path's miss buffer: %s",
                         strerror(error));
    }
    *dpp = dp;
    return NULL;
}

static void port_unhook(struct dp *dp, struct dp_port *p)
{
    if (p->hooked) {
        dp_kernel_tc_detach(p->ifindex, p->spec.kind != DP_PORT_INTERNAL);
    }
    if (p->vx && --p->vx->refs == 0) {
        dp_kernel_link_del(p->vx->ifindex);
        for (size_t i = 0; i < dp->n_vxdevs; i++) {
            if (dp->vxdevs[i] == p->vx) {
                dp->vxdevs[i] = dp->vxdevs[--dp->n_vxdevs];
                break;
            }
        }
        free(p->vx);
    }
    free((char *)p->spec.devname);
    free(p);
}

void dp_destroy(struct dp *dp)
{
    if (!dp) {
        return;
    }
    dp_cache_flush(dp);
    while (dp->n_ports) {
        port_unhook(dp, dp->ports[--dp->n_ports]);
    }
    free(dp->ports);
    free(dp->vxdevs);
    hmap_destroy(&dp->flows);
    perf_buffer__free(dp->pb);
    dp_bpf__destroy(dp->skel);
    free(dp);
}

/* The kernel vxlan device for (local_ip, dst_port), created on first
 * use.  Named after the pair, so two daemons in one namespace would
 * collide rather than share silently. */
static struct dp_vxdev *vxdev_ref(struct dp *dp, uint32_t local_ip,
                                  uint16_t dst_port, char **errp)
{
    for (size_t i = 0; i < dp->n_vxdevs; i++) {
        struct dp_vxdev *v = dp->vxdevs[i];
        if (v->local_ip == local_ip && v->dst_port == dst_port) {
            v->refs++;
            return v;
        }
    }
    struct dp_vxdev *v = xzalloc(sizeof *v);
    v->local_ip = local_ip;
    v->dst_port = dst_port;
    if (local_ip) {
        snprintf(v->name, sizeof v->name, "swvx%06x%04x", local_ip & 0xffffff,
                 dst_port);
    } else {
        snprintf(v->name, sizeof v->name, "swvx%u", dst_port);
    }
    if (dp_kernel_vxlan_create(v->name, local_ip, dst_port, &v->ifindex,
                               errp)) {
        free(v);
        return NULL;
    }
    int prog = bpf_program__fd(dp->skel->progs.tunnel_ingress);
    if (dp_kernel_tc_attach(v->ifindex, true, prog, errp)) {
        dp_kernel_link_del(v->ifindex);
        free(v);
        return NULL;
    }
    v->refs = 1;
    dp->vxdevs = xrealloc(dp->vxdevs, (dp->n_vxdevs + 1) * sizeof *dp->vxdevs);
    dp->vxdevs[dp->n_vxdevs++] = v;
    return v;
}

char *dp_port_add(struct dp *dp, struct ofproto *ofp, uint16_t ofport,
                  const struct dp_port_spec *spec)
{
    dp_port_del(dp, ofp, ofport);
    struct dp_port *p = xzalloc(sizeof *p);
    p->ofproto = ofp;
    p->ofport = ofport;
    p->spec = *spec;
    p->spec.devname = spec->devname ? xstrdup(spec->devname) : NULL;
    char *err = NULL;
    if (spec->kind == DP_PORT_VXLAN) {
        p->vx = vxdev_ref(dp, spec->local_ip, spec->dst_port, &err);
        p->ifindex = p->vx ? p->vx->ifindex : 0;
    } else {
        p->ifindex = (int)if_nametoindex(spec->devname);
        if (!p->ifindex) {
            err = xasprintf("%s: no such device for the fast path",
                            spec->devname);
        } else {
            bool ingress = spec->kind == DP_PORT_SYSTEM;
            struct bpf_program *prog = ingress ? dp->skel->progs.port_ingress
                                               : dp->skel->progs.tap_egress;
            char *e2 = NULL;
            if (dp_kernel_tc_attach(p->ifindex, ingress, bpf_program__fd(prog),
                                    &e2)) {
                err = xasprintf("%s: %s", spec->devname, e2);
                free(e2);
            } else {
                p->hooked = true;
            }
        }
    }
    if (err) {
        port_unhook(dp, p);
        return err;
    }
    dp->ports = xrealloc(dp->ports, (dp->n_ports + 1) * sizeof *dp->ports);
    dp->ports[dp->n_ports++] = p;
    dp_cache_flush(dp); /* A new port may change what floods reach. */
    return NULL;
}

void dp_port_del(struct dp *dp, struct ofproto *ofp, uint16_t ofport)
{
    for (size_t i = 0; i < dp->n_ports; i++) {
        struct dp_port *p = dp->ports[i];
        if (p->ofproto == ofp && p->ofport == ofport) {
            /* Entries may redirect to it: none may outlive it. */
            dp_cache_flush(dp);
            dp->ports[i] = dp->ports[--dp->n_ports];
            port_unhook(dp, p);
            return;
        }
    }
}

void dp_bridge_del(struct dp *dp, struct ofproto *ofp)
{
    dp_cache_flush(dp);
    for (size_t i = 0; i < dp->n_ports;) {
        struct dp_port *p = dp->ports[i];
        if (p->ofproto == ofp) {
            dp->ports[i] = dp->ports[--dp->n_ports];
            port_unhook(dp, p);
        } else {
            i++;
        }
    }
}

int dp_remove_stale_hooks(const char *devname)
{
    int ifindex = (int)if_nametoindex(devname);
    if (!ifindex) {
        return 0;
    }
    libbpf_set_print(libbpf_log); /* No "no qdisc" noise on stderr. */
    return dp_kernel_tc_detach_ours(ifindex, true)
           + dp_kernel_tc_detach_ours(ifindex, false);
}

void dp_set_bypass(struct dp *dp, bool on)
{
    if (on && !dp->bypass) {
        dp_cache_flush(dp);
    }
    dp->bypass = on;
}

int dp_upcall_fd(const struct dp *dp)
{
    return perf_buffer__epoll_fd(dp->pb);
}

void dp_upcall_run(struct dp *dp)
{
    perf_buffer__consume(dp->pb);
}

/* The vxlan port an ingress miss on device 'v' belongs to, chosen as the
 * netdev datapath's socket chooses (netdev_vxlan_demux_candidate()), or
 * NULL. */
static struct dp_port *vxlan_demux(const struct dp *dp,
                                   const struct dp_vxdev *v,
                                   const struct dp_miss *m)
{
    for (int pass = 0; pass < NETDEV_VXLAN_DEMUX_PASSES; pass++) {
        bool owned = false;
        for (size_t i = 0; i < dp->n_ports; i++) {
            struct dp_port *p = dp->ports[i];
            if (p->vx != v
                || !netdev_vxlan_demux_candidate(pass, p->spec.remote_ip,
                                                 m->tun_src, m->tun_dst)) {
                continue;
            }
            if (p->spec.key_flow || p->spec.vni == m->tun_id) {
                return p;
            }
            owned = true;
        }
        if (owned && pass == 0) {
            return NULL; /* The source's port refused the VNI. */
        }
    }
    return NULL;
}

/* The missed frame as it was on the wire: a tag the kernel had taken out
 * (every tag, at ingress) goes back after the Ethernet addresses. */
static void miss_packet(const struct dp_miss *m, const uint8_t *frame,
                        struct packet *pkt)
{
    if (!m->vlan_tpid) {
        packet_init(pkt, frame, m->caplen);
        return;
    }
    uint8_t *buf = xmalloc(m->caplen + 4);
    memcpy(buf, frame, 12);
    buf[12] = (uint8_t)(m->vlan_tpid >> 8);
    buf[13] = (uint8_t)m->vlan_tpid;
    buf[14] = (uint8_t)(m->vlan_tci >> 8);
    buf[15] = (uint8_t)m->vlan_tci;
    memcpy(buf + 16, frame + 12, m->caplen - 12);
    packet_init(pkt, buf, m->caplen + 4);
    free(buf);
}

static void upcall_sample(void *dp_, int cpu, void *data, __u32 size)
{
    struct dp *dp = dp_;
    struct dp_miss m;
    if (size < sizeof m) {
        return;
    }
    memcpy(&m, data, sizeof m);
    if (m.caplen > size - sizeof m || m.caplen < 14) {
        return;
    }
    struct dp_port *port = NULL;
    for (size_t i = 0; i < dp->n_vxdevs && !port; i++) {
        if (dp->vxdevs[i]->ifindex == (int)m.ifindex) {
            port = vxlan_demux(dp, dp->vxdevs[i], &m);
            if (!port) {
                return; /* Unknown peer or VNI: dropped, as netdev does. */
            }
        }
    }
    if (!port) {
        port = dp_port_by_ifindex(dp, (int)m.ifindex);
    }
    if (!port) {
        return; /* A port removed while its packets were queued. */
    }
    struct flow md;
    memset(&md, 0, sizeof md);
    md.in_port = port->ofport;
    md.tun_id = m.tun_id;
    md.tun_src = m.tun_src;
    md.tun_dst = m.tun_dst;
    struct packet pkt;
    miss_packet(&m, (const uint8_t *)data + sizeof m, &pkt);
    struct xlate_result res;
    xlate_result_init(&res);
    dp->upcall(dp->upcall_aux, port->ofproto, &pkt, &md, &res);
    dp_cache_install(dp, port->ofproto, (int)m.ifindex, &pkt, &md, &res);
    xlate_result_uninit(&res);
    packet_uninit(&pkt);
}

static void upcall_lost(void *dp_, int cpu, __u64 n)
{
    LOG_RL(LOG_WARN,
           "fast path: %llu missed packets lost on cpu %d "
           "(miss buffer full)",
           (unsigned long long)n, cpu);
}

void dp_miss_handled(struct dp *dp, struct ofproto *ofp,
                     const struct packet *pkt, const struct flow *md,
                     const struct xlate_result *res)
{
    struct dp_port *p = dp_port_find(dp, ofp, md->in_port);
    if (p && p->spec.kind == DP_PORT_INTERNAL) {
        dp_cache_install(dp, ofp, p->ifindex, pkt, md, res);
    }
}

void dp_get_stats(struct dp *dp, struct dp_stats *s)
{
    *s = dp->stats;
    s->n_flows = hmap_count(&dp->flows);
    int fd = bpf_map__fd(dp->skel->maps.dp_counters);
    int ncpu = libbpf_num_possible_cpus();
    if (ncpu <= 0) {
        return;
    }
    uint64_t *v = xcalloc((size_t)ncpu, sizeof *v);
    uint64_t *dst[DP_C_N] = { &s->hits, &s->misses, &s->uncacheable,
                              &s->miss_too_big, &s->miss_lost };
    for (uint32_t c = 0; c < DP_C_N; c++) {
        *dst[c] = 0;
        if (!bpf_map_lookup_elem(fd, &c, v)) {
            for (int i = 0; i < ncpu; i++) {
                *dst[c] += v[i];
            }
        }
    }
    free(v);
}
