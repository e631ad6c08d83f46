/* overlay-flows: a store and a host's parameters -> br-tun's flows.
 * The pipeline is described in overlay.h. */
#include "overlay.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "eth-addr.h"
#include "util.h"

#define T_CLASSIFY 0
#define T_FROM_INT 1
#define T_UNICAST 2
#define T_FLOOD 3
#define T_FROM_TUN 4

/* Starts a flow line: cookie, table, priority. */
static void flow_start(struct ds *out, const struct overlay_params *p,
                       int table, int priority, struct overlay_flow_counts *c)
{
    ds_put_format(out, "cookie=0x%" PRIx64 ",table=%d,priority=%d", p->cookie,
                  table, priority);
    c->n_flows++;
}

static bool is_remote(const struct overlay_endpoint *ep,
                      const struct overlay_params *p)
{
    return ep->vtep != p->vtep;
}

/* The ARP responder: the who-has becomes the reply (Ethernet and ARP
 * addresses swapped, the endpoint's MAC and IP filled in) and goes back
 * out the port it came from, still tagged, so br-int's NORMAL delivers it
 * to the asking port. */
static void arp_responder(struct ds *out, const struct overlay_params *p,
                          uint16_t vlan, const struct overlay_endpoint *ep,
                          struct overlay_flow_counts *c)
{
    char ip[16];
    ipv4_to_str(ep->ip, ip);
    flow_start(out, p, T_FROM_INT, 20, c);
    ds_put_format(out, ",arp,dl_vlan=%u,arp_op=1,arp_tpa=%s,actions=", vlan,
                  ip);
    ds_put_cstr(out, "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],mod_dl_src:");
    eth_addr_format(ep->mac, out);
    ds_put_cstr(out, ",load:0x2->NXM_OF_ARP_OP[],"
                     "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
                     "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],load:0x");
    ds_put_hex(out, ep->mac, 6);
    ds_put_format(out,
                  "->NXM_NX_ARP_SHA[],load:0x%08" PRIx32
                  "->NXM_OF_ARP_SPA[],in_port\n",
                  ep->ip);
    c->n_arp++;
}

static void unicast(struct ds *out, const struct overlay_params *p,
                    uint16_t vlan, const struct overlay_endpoint *ep,
                    struct overlay_flow_counts *c)
{
    char vtep[16];
    flow_start(out, p, T_UNICAST, 10, c);
    ds_put_format(out, ",dl_vlan=%u,dl_dst=", vlan);
    eth_addr_format(ep->mac, out);
    ds_put_format(out,
                  ",actions=strip_vlan,set_tunnel:%" PRIu32
                  ",set_field:%s->tun_dst,output:%u\n",
                  ep->vni, ipv4_to_str(ep->vtep, vtep), p->tunnel_port);
    c->n_unicast++;
}

static int u32_cmp(const void *a_, const void *b_)
{
    uint32_t a = *(const uint32_t *)a_, b = *(const uint32_t *)b_;
    return a < b ? -1 : a > b;
}

/* Head-end replication: one copy per distinct remote VTEP with an
 * endpoint in the VNI; endpoints of one VNI are contiguous in 'eps'. */
static void flood(struct ds *out, const struct overlay_params *p,
                  const struct overlay_local_vni *lv,
                  const struct overlay_endpoint **eps, size_t n,
                  struct overlay_flow_counts *c)
{
    uint32_t *vteps = xcalloc(n + 1, sizeof *vteps);
    size_t nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (eps[i]->vni == lv->vni && is_remote(eps[i], p)) {
            vteps[nv++] = eps[i]->vtep;
        }
    }
    qsort(vteps, nv, sizeof *vteps, u32_cmp);
    flow_start(out, p, T_FLOOD, 10, c);
    ds_put_format(out, ",dl_vlan=%u,actions=", lv->vlan);
    if (!nv) {
        ds_put_cstr(out, "drop\n");
    } else {
        ds_put_format(out, "strip_vlan,set_tunnel:%" PRIu32, lv->vni);
        for (size_t i = 0; i < nv; i++) {
            if (i && vteps[i] == vteps[i - 1]) {
                continue;
            }
            char vtep[16];
            ds_put_format(out, ",set_field:%s->tun_dst,output:%u",
                          ipv4_to_str(vteps[i], vtep), p->tunnel_port);
            c->n_flood_targets++;
        }
        ds_put_char(out, '\n');
    }
    free(vteps);
}

static int local_vni_cmp(const void *a_, const void *b_)
{
    const struct overlay_local_vni *a = a_, *b = b_;
    return u32_cmp(&a->vni, &b->vni);
}

/* The flows of one served VNI. */
static void vni_flows(struct ds *out, const struct overlay_params *p,
                      const struct overlay_local_vni *lv,
                      const struct overlay_endpoint **eps, size_t n,
                      struct overlay_flow_counts *c)
{
    flow_start(out, p, T_FROM_INT, 10, c);
    ds_put_format(out,
                  ",dl_vlan=%u,dl_dst=01:00:00:00:00:00/"
                  "01:00:00:00:00:00,actions=resubmit(,%d)\n",
                  lv->vlan, T_FLOOD);
    flow_start(out, p, T_FROM_INT, 5, c);
    ds_put_format(out, ",dl_vlan=%u,actions=resubmit(,%d)\n", lv->vlan,
                  T_UNICAST);
    for (size_t i = 0; i < n; i++) {
        if (eps[i]->vni == lv->vni && is_remote(eps[i], p) && eps[i]->ip) {
            arp_responder(out, p, lv->vlan, eps[i], c);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (eps[i]->vni == lv->vni && is_remote(eps[i], p)) {
            unicast(out, p, lv->vlan, eps[i], c);
        }
    }
    if (p->flood_unknown) {
        flow_start(out, p, T_UNICAST, 1, c);
        ds_put_format(out, ",dl_vlan=%u,actions=resubmit(,%d)\n", lv->vlan,
                      T_FLOOD);
    }
    flood(out, p, lv, eps, n, c);
    flow_start(out, p, T_FROM_TUN, 10, c);
    ds_put_format(out,
                  ",tun_id=%" PRIu32 ",actions=mod_vlan_vid:%u,"
                  "output:%u\n",
                  lv->vni, lv->vlan, p->patch_port);
}

void overlay_flows(const struct overlay_store *st,
                   const struct overlay_params *p, struct ds *out,
                   struct overlay_flow_counts *counts)
{
    struct overlay_flow_counts c = { 0 };
    flow_start(out, p, T_CLASSIFY, 10, &c);
    ds_put_format(out, ",in_port=%u,actions=resubmit(,%d)\n", p->patch_port,
                  T_FROM_INT);
    flow_start(out, p, T_CLASSIFY, 10, &c);
    ds_put_format(out, ",in_port=%u,actions=resubmit(,%d)\n", p->tunnel_port,
                  T_FROM_TUN);
    flow_start(out, p, T_CLASSIFY, 0, &c);
    ds_put_cstr(out, ",actions=drop\n");

    size_t n;
    const struct overlay_endpoint **eps = overlay_store_endpoints(st, &n);
    struct overlay_local_vni *vnis = xcalloc(p->n_vnis + 1, sizeof *vnis);
    if (p->n_vnis) {
        memcpy(vnis, p->vnis, p->n_vnis * sizeof *vnis);
    }
    qsort(vnis, p->n_vnis, sizeof *vnis, local_vni_cmp);
    for (size_t i = 0; i < p->n_vnis; i++) {
        vni_flows(out, p, &vnis[i], eps, n, &c);
    }
    free(vnis);
    free(eps);

    /* What no VNI flow took: frames on an unknown VLAN, unknown unicast
     * (counted here: dump-flows shows how much was dropped), VNIs this
     * host does not serve. */
    int drops[] = { T_FROM_INT, T_UNICAST, T_FLOOD, T_FROM_TUN };
    for (size_t i = 0; i < ARRAY_SIZE(drops); i++) {
        flow_start(out, p, drops[i], 0, &c);
        ds_put_cstr(out, ",actions=drop\n");
    }
    if (counts) {
        *counts = c;
    }
}
