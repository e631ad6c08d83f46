/* dp-private: what datapath.c (programs, ports, upcalls) and dp-cache.c
 * (entries, translation, revalidation) share. */
#ifndef SW_DP_PRIVATE_H
#define SW_DP_PRIVATE_H 1

#include "datapath.h"
#include "dp-abi.h"
#include "flow.h"
#include "hmap.h"

struct dp_bpf;
struct perf_buffer;

/* A kernel vxlan device, shared by the vxlan ports on its (local_ip,
 * dst_port). */
struct dp_vxdev {
    uint32_t local_ip;
    uint16_t dst_port;
    int ifindex;
    int refs;
    char name[16];
};

struct dp_port {
    struct ofproto *ofproto;
    uint16_t ofport;
    struct dp_port_spec spec; /* 'devname' owned. */
    int ifindex;              /* The device the programs see. */
    bool hooked;              /* A program is attached for this port. */
    struct dp_vxdev *vx;      /* VXLAN. */
};

/* Userspace's copy of an installed entry: what it was built from, so it
 * can be replayed and retranslated. */
#define DP_HDR_MAX 256
struct dp_flow {
    struct hmap_node node;
    struct dp_key key;
    struct dp_entry entry;   /* Actions as installed; counters as last
                              * credited. */
    struct ofproto *ofproto; /* Bridge the packet enters. */
    struct flow md;          /* in_port and tunnel metadata. */
    uint8_t hdr[DP_HDR_MAX]; /* The first bytes of the packet. */
    uint32_t hdr_len;
    int64_t used_msec; /* Last seen used, or the install time. */
    bool ever_used;
};

struct dp {
    struct dp_bpf *skel;
    int flows_fd;
    struct perf_buffer *pb;
    dp_upcall_fn *upcall;
    dp_port_count_fn *count;
    void *upcall_aux; /* For 'upcall' and 'count'. */
    bool bypass;      /* dp_set_bypass(). */

    struct dp_port **ports;
    size_t n_ports;
    struct dp_vxdev **vxdevs;
    size_t n_vxdevs;

    struct hmap flows; /* struct dp_flow by key. */
    uint64_t synced;   /* Sum of bridge versions at the last
                        * flush or revalidation. */
    /* Revalidation time left (may go below zero) and when it was last
     * refilled (dp-cache.c: revalidate_budget()). */
    int64_t reval_credit_us, reval_refill_us;
    struct dp_stats stats;
};

/* dp-cache.c */
struct dp_port *dp_port_find(const struct dp *, const struct ofproto *,
                             uint16_t ofport);
struct dp_port *dp_port_by_ifindex(const struct dp *, int ifindex);
void dp_cache_install(struct dp *, struct ofproto *, int ifindex,
                      const struct packet *, const struct flow *md,
                      const struct xlate_result *);
void dp_cache_flush(struct dp *);
uint64_t dp_versions(const struct dp *);

#endif
