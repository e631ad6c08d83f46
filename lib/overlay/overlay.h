/* overlay: what swagent's hosts write into etcd, and the br-tun flows
 * that follow from it.
 *
 * The store layout (docs/swagent.8.md, "Store layout", is the interface
 * other writers rely on):
 *
 *   PREFIX/hosts/HOST          {"vtep": "192.168.33.12", "vnis": [100]}
 *   PREFIX/endpoints/VNI/MAC   {"vtep": "192.168.33.12", "host": "h1",
 *                               "ip": "10.1.1.2", "port": "vm1"}
 *
 * where VNI is decimal (1..16777215) and MAC is six lower-case hex pairs
 * with colons.  In an endpoint only "vtep" is required: an operator may
 * write a static endpoint (a server behind a hardware VTEP) without a host
 * record.  A value that does not parse is reported and counts as absent.
 *
 * struct overlay_store mirrors the keys under PREFIX as the agent
 * received them (one range read, then watch events).  overlay_flows() is
 * a pure function of a store and the host's own parameters: the complete
 * set of flows this host's br-tun must hold, in a stable order, so the
 * agent can hand it to replace-flows as is and a test can compare text.
 *
 * The br-tun pipeline it writes (V is the host's local VLAN for VNI N):
 *   table 0: from the patch port -> 1; from the tunnel port -> 4; else drop
 *   table 1: ARP who-has for a remote endpoint's IP on V -> the reply, out
 *            the port it came in (ARP responder); multicast/broadcast on
 *            V -> 3; other frames on V -> 2; other VLANs dropped
 *   table 2: dl_vlan=V, dl_dst=MAC of a remote endpoint -> strip the tag,
 *            tun_id=N, tun_dst=its VTEP, out the tunnel.  Anything else is
 *            unknown unicast: dropped by a counting flow (or sent to 3 with
 *            flood_unknown)
 *   table 3: dl_vlan=V -> one copy per remote VTEP that has an endpoint
 *            in N (head-end replication), none if there is no such VTEP
 *   table 4: tun_id=N -> tag V, out the patch port; other VNIs dropped
 * Only VNIs with a local endpoint get flows: a host never receives or
 * sends traffic for a VNI it does not serve. */
#ifndef SW_OVERLAY_H
#define SW_OVERLAY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "hmap.h"

#define OVERLAY_VNI_MAX 0xffffff

struct overlay_endpoint {
    struct hmap_node node;
    char *key;
    uint32_t vni;
    uint8_t mac[6];
    uint32_t vtep; /* Host order. */
    uint32_t ip;   /* Host order, 0: none. */
    char *host;    /* NULL: none given (a static endpoint). */
    char *port;    /* NULL: none given. */
    int64_t mod_revision;
};

struct overlay_host {
    struct hmap_node node;
    char *key;
    char *name;
    uint32_t vtep;
    uint32_t *vnis;
    size_t n_vnis;
    int64_t mod_revision;
};

struct overlay_store {
    char *prefix;          /* Without a trailing slash. */
    struct hmap endpoints; /* By key. */
    struct hmap hosts;     /* By key. */
};

void overlay_store_init(struct overlay_store *, const char *prefix);
void overlay_store_uninit(struct overlay_store *);
void overlay_store_clear(struct overlay_store *);

/* Applies a PUT of 'value' to 'key'.  Keys outside PREFIX/hosts/ and
 * PREFIX/endpoints/ are ignored.  Returns NULL, or an allocated message
 * naming the key and what is wrong with it; the key then counts as
 * absent (an older value is dropped). */
char *overlay_store_put(struct overlay_store *, const char *key,
                        const char *value, int64_t mod_revision);
/* Applies a DELETE.  Returns true if the key was held. */
bool overlay_store_delete(struct overlay_store *, const char *key);

const struct overlay_endpoint *
overlay_store_find_endpoint(const struct overlay_store *, uint32_t vni,
                            const uint8_t mac[6]);
/* Sorted snapshots (by VNI then MAC; by name): arrays of pointers into
 * the store, caller frees the array only. */
const struct overlay_endpoint **
overlay_store_endpoints(const struct overlay_store *, size_t *np);
const struct overlay_host **overlay_store_hosts(const struct overlay_store *,
                                                size_t *np);

/* Keys and values as the agent writes them.  Caller frees. */
char *overlay_endpoint_key(const char *prefix, uint32_t vni,
                           const uint8_t mac[6]);
char *overlay_host_key(const char *prefix, const char *host);
char *overlay_endpoint_value(const char *host, uint32_t vtep, uint32_t ip,
                             const char *port);
char *overlay_host_value(uint32_t vtep, const uint32_t *vnis, size_t n);

/* A VNI served on this host and the VLAN its ports carry on br-int. */
struct overlay_local_vni {
    uint32_t vni;
    uint16_t vlan;
};

struct overlay_params {
    uint32_t vtep;        /* This host's VTEP: endpoints there are
                           * local (reached through br-int). */
    uint16_t patch_port;  /* br-tun's OpenFlow port to br-int. */
    uint16_t tunnel_port; /* br-tun's vxlan port (remote_ip=flow,
                           * key=flow). */
    uint64_t cookie;      /* On every flow. */
    bool flood_unknown;
    const struct overlay_local_vni *vnis;
    size_t n_vnis;
};

struct overlay_flow_counts {
    size_t n_flows;
    size_t n_unicast;       /* Table 2 remote MACs. */
    size_t n_arp;           /* ARP responders. */
    size_t n_flood_targets; /* Sum over VNIs of the VTEPs in table 3. */
};

/* Appends to 'out' every flow br-tun must hold, one per line in
 * ovs-ofctl syntax, in a stable order.  'counts' may be NULL. */
void overlay_flows(const struct overlay_store *, const struct overlay_params *,
                   struct ds *out, struct overlay_flow_counts *counts);

/* Parses "aa:bb:cc:dd:ee:ff" (either case).  Returns false if it is not
 * one. */
bool overlay_parse_mac(const char *, uint8_t mac[6]);
/* Parses a dotted IPv4 address into host order. */
bool overlay_parse_ipv4(const char *, uint32_t *ip);

#endif
