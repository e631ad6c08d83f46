/* xlate-private: what xlate.c (the walk of one packet) shares with
 * xlate-batch.c (packets in batches): the state of a walk and the steps
 * that prepare and run one.  Nothing outside lib/pipeline includes this
 * header. */
#ifndef SW_XLATE_PRIVATE_H
#define SW_XLATE_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "ofproto.h"

struct xlate_ctx {
    struct ofproto *ofproto; /* Bridge being executed. */
    struct ofproto *root;    /* Bridge the packet entered. */
    struct flow flow;        /* The key lookups and actions see. */
    struct flow base;        /* What the packet bytes say. */
    const struct packet *in; /* Input packet, untouched. */
    struct packet work;      /* Copy made at the first header commit. */
    bool have_work;
    uint16_t vlan_tpid;      /* TPID for a tag pushed later. */
    uint32_t trunc_len;      /* output(max_len=N): bytes an output keeps
                              * while that action runs; 0: all. */
    uint32_t in_len;         /* Bytes credited to each rule. */
    uint64_t credit_packets; /* Packets credited to each rule (1 but for
                              * ofproto_execute_credit()). */
    uint64_t credit_bytes;   /* Bytes, likewise (in_len but for it). */
    bool credit_only;        /* ofproto_execute_credit(): no packet-ins. */
    uint16_t in_port;        /* The packet's in_port on arrival. */
    int64_t now;             /* clock_msec() once per packet: reading the
                              * clock per rule cost ~10% of the walk. */

    bool side_effects;
    int depth;
    bool exit;     /* "exit" action: stop every action list. */
    bool too_deep; /* Resubmit limit hit: drop everything. */
    uint8_t table_id;
    struct rule *rule;     /* Rule whose actions are running. */
    struct buf action_set; /* OpenFlow 1.1 action set. */
    const char *drop_reason;

    struct xlate_result *res;
    void (*trace)(const struct xlate_event *, void *aux);
    void *trace_aux;
};

/* The packet's key: metadata from 'md', headers from the bytes. */
void extract_key(const struct packet *, const struct flow *md, struct flow *);
/* Prepares 'ctx' to run 'packet' whose key (metadata and headers) is
 * already in 'flow'. */
void ctx_init(struct xlate_ctx *ctx, struct ofproto *,
              const struct packet *packet, const struct flow *flow,
              bool side_effects, int64_t now, struct xlate_result *,
              void (*cb)(const struct xlate_event *, void *aux), void *aux);
/* Runs the walk 'ctx' was prepared for, from table 0. */
void ctx_run(struct xlate_ctx *ctx);

#endif
