/* actions: OpenFlow actions, stored as one flat array.
 *
 * An action list is a byte array of variable-size actions, each starting
 * with a 'struct ofpact' header and padded to OFPACT_ALIGN.  Nested lists
 * (clone, write_actions) are stored inline after their header.  One list
 * of rows, OFPACTS below, names every action type; parse, print, and
 * execute switch on it.
 *
 * Empty lists and "drop" mean drop.  An action we cannot carry out is
 * rejected by the parser as "not supported", never accepted and ignored. */
#ifndef SW_ACTIONS_H
#define SW_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ds.h"
#include "fields.h"

struct match;
struct portmap;

/* ENUM, struct name suffix, text keyword (primary). */
#define OFPACTS                                               \
    OFPACT(OUTPUT, ofpact_output, "output")                   \
    OFPACT(OUTPUT_REG, ofpact_output_reg, "output")           \
    OFPACT(CONTROLLER, ofpact_controller, "controller")       \
    OFPACT(RESUBMIT, ofpact_resubmit, "resubmit")             \
    OFPACT(LEARN, ofpact_learn, "learn")                      \
    OFPACT(SET_FIELD, ofpact_set_field, "set_field")          \
    OFPACT(REG_MOVE, ofpact_reg_move, "move")                 \
    OFPACT(SET_TUNNEL, ofpact_tunnel, "set_tunnel")           \
    OFPACT(SET_ETH_SRC, ofpact_mac, "mod_dl_src")             \
    OFPACT(SET_ETH_DST, ofpact_mac, "mod_dl_dst")             \
    OFPACT(SET_VLAN_VID, ofpact_vlan_vid, "mod_vlan_vid")     \
    OFPACT(SET_VLAN_PCP, ofpact_vlan_pcp, "mod_vlan_pcp")     \
    OFPACT(STRIP_VLAN, ofpact_null, "strip_vlan")             \
    OFPACT(PUSH_VLAN, ofpact_push_vlan, "push_vlan")          \
    OFPACT(SET_IPV4_SRC, ofpact_ipv4, "mod_nw_src")           \
    OFPACT(SET_IPV4_DST, ofpact_ipv4, "mod_nw_dst")           \
    OFPACT(SET_IP_DSCP, ofpact_dscp, "mod_nw_tos")            \
    OFPACT(SET_L4_SRC_PORT, ofpact_l4_port, "mod_tp_src")     \
    OFPACT(SET_L4_DST_PORT, ofpact_l4_port, "mod_tp_dst")     \
    OFPACT(DEC_TTL, ofpact_dec_ttl, "dec_ttl")                \
    OFPACT(NOTE, ofpact_note, "note")                         \
    OFPACT(FIN_TIMEOUT, ofpact_fin_timeout, "fin_timeout")    \
    OFPACT(EXIT, ofpact_null, "exit")                         \
    OFPACT(CLONE, ofpact_nest, "clone")                       \
    OFPACT(CLEAR_ACTIONS, ofpact_null, "clear_actions")       \
    OFPACT(WRITE_ACTIONS, ofpact_nest, "write_actions")       \
    OFPACT(WRITE_METADATA, ofpact_metadata, "write_metadata") \
    OFPACT(GOTO_TABLE, ofpact_goto_table, "goto_table")

enum ofpact_type {
#define OFPACT(ENUM, STRUCT, NAME) OFPACT_##ENUM,
    OFPACTS
#undef OFPACT
        N_OFPACTS
};

/* The action's name as the flow language spells it ("output", "learn"). */
const char *ofpact_name(enum ofpact_type);
/* An OpenFlow 1.1 instruction (clear_actions, write_actions,
 * write_metadata, goto_table) rather than an action: a flow takes them,
 * packet-out does not. */
bool ofpact_is_instruction(enum ofpact_type);

#define OFPACT_ALIGN 8

struct ofpact {
    uint8_t type; /* enum ofpact_type */
    uint8_t raw;  /* Which spelling was parsed, when printing differs
                   * (e.g. set_tunnel vs set_tunnel64, load vs set_field). */
    uint16_t len; /* Bytes, header included, a multiple of OFPACT_ALIGN. */
    uint32_t pad;
};

/* STRIP_VLAN, EXIT, CLEAR_ACTIONS. */
struct ofpact_null {
    struct ofpact ofpact;
};

/* OUTPUT: to a port number, or a reserved port: OFPP_IN_PORT, OFPP_NORMAL,
 * OFPP_FLOOD, OFPP_ALL, OFPP_LOCAL ("output:LOCAL", "normal", "flood",
 * "all", "local", "in_port"). */
struct ofpact_output {
    struct ofpact ofpact;
    uint16_t port;
    uint32_t max_len; /* output(port=P,max_len=N): send at most N bytes
                       * (at least 14); 0: the whole packet. */
};

/* OUTPUT_REG: output:NXM_OF_IN_PORT[] -- port number read from a field. */
struct ofpact_output_reg {
    struct ofpact ofpact;
    struct mf_subfield src;
};

/* Packet-in reasons, numbered and named as OpenFlow and OVS do; the one
 * list every printer and parser of them uses. */
enum ofp_packet_in_reason {
    OFPR_NO_MATCH,    /* "no_match" */
    OFPR_ACTION,      /* "action" (controller's default) */
    OFPR_INVALID_TTL, /* "invalid_ttl" */
    OFPR_N_REASONS
};
/* The name of 'reason', or NULL if it is none of the above. */
const char *ofp_packet_in_reason_name(unsigned reason);
/* The reason named by the 'len' bytes at 's': true and '*reasonp', or
 * false. */
bool ofp_packet_in_reason_parse(const char *s, size_t len, uint8_t *reasonp);

/* CONTROLLER: controller, controller:max_len, controller(reason=...). */
struct ofpact_controller {
    struct ofpact ofpact;
    uint16_t max_len;
    uint8_t reason; /* 0 = no_match, 1 = action (default), 2 = invalid_ttl */
};

/* RESUBMIT: resubmit:P, resubmit(P,T), resubmit(,T). */
struct ofpact_resubmit {
    struct ofpact ofpact;
    uint16_t in_port; /* OFPP_IN_PORT: keep the current in_port. */
    uint8_t table_id; /* 255: the current table. */
};

/* SET_FIELD covers set_field:V->F, load:V->F[a..b] and the 'load' form of
 * a learned flow: 'value' and 'mask' are right-aligned over the field;
 * bits outside 'mask' are untouched. */
struct ofpact_set_field {
    struct ofpact ofpact;
    const struct mf_field *field;
    union mf_value value;
    union mf_value mask;
};

/* REG_MOVE: move:SRC[a..b]->DST[c..d]. */
struct ofpact_reg_move {
    struct ofpact ofpact;
    struct mf_subfield src;
    struct mf_subfield dst;
};

/* SET_TUNNEL: set_tunnel:ID (32-bit form) / set_tunnel64:ID. */
struct ofpact_tunnel {
    struct ofpact ofpact;
    uint64_t tun_id;
};

/* SET_ETH_SRC / SET_ETH_DST. */
struct ofpact_mac {
    struct ofpact ofpact;
    uint8_t mac[6];
};

struct ofpact_vlan_vid {
    struct ofpact ofpact;
    uint16_t vid;        /* 0..4095 */
    bool push_if_absent; /* mod_vlan_vid pushes a tag if there is none. */
};

struct ofpact_vlan_pcp {
    struct ofpact ofpact;
    uint8_t pcp; /* 0..7 */
    bool push_if_absent;
};

struct ofpact_push_vlan {
    struct ofpact ofpact;
    uint16_t ethertype; /* 0x8100 or 0x88a8 */
};

/* SET_IPV4_SRC / SET_IPV4_DST (host order). */
struct ofpact_ipv4 {
    struct ofpact ofpact;
    uint32_t ipv4;
};

/* SET_IP_DSCP: mod_nw_tos:TOS (the DSCP bits, low two bits zero). */
struct ofpact_dscp {
    struct ofpact ofpact;
    uint8_t dscp;
};

struct ofpact_l4_port {
    struct ofpact ofpact;
    uint16_t port;
};

/* DEC_TTL: dec_ttl, or dec_ttl(ID,...) naming the controller
 * connections that get the packet when the TTL runs out (ours is id 0). */
#define DEC_TTL_MAX_IDS 64
struct ofpact_dec_ttl {
    struct ofpact ofpact;
    uint16_t n_ids; /* 0: plain dec_ttl, the default controller. */
    uint16_t ids[DEC_TTL_MAX_IDS];
};

/* FIN_TIMEOUT: when a TCP packet with FIN or RST runs it, the flow whose
 * actions these are gets shorter timeouts (a connection that is closing
 * needs its flow for a few seconds more, not minutes): each nonzero one
 * replaces the flow's own if that is none or longer.  What a learn with
 * fin_idle_timeout/fin_hard_timeout puts first in the flows it adds, as
 * OVS does. */
struct ofpact_fin_timeout {
    struct ofpact ofpact;
    uint16_t fin_idle_timeout; /* Seconds, 0: leave the idle timeout. */
    uint16_t fin_hard_timeout; /* Seconds, 0: leave the hard timeout. */
};

/* NOTE: bytes follow the header. */
struct ofpact_note {
    struct ofpact ofpact;
    uint16_t length;
    uint8_t data[];
};

/* CLONE, WRITE_ACTIONS: a nested action list follows the header. */
struct ofpact_nest {
    struct ofpact ofpact;
    /* Nested actions start at the next OFPACT_ALIGN boundary. */
};

struct ofpact_metadata {
    struct ofpact ofpact;
    uint64_t metadata;
    uint64_t mask;
};

struct ofpact_goto_table {
    struct ofpact ofpact;
    uint8_t table_id;
};

/* learn(...): each spec is one argument of the learn action. */
enum learn_src_type {
    LEARN_SRC_FIELD,     /* ...=NXM_OF_ETH_SRC[]  or load:SRC[]->... */
    LEARN_SRC_IMMEDIATE, /* ...=0x800  or load:0x5->... */
};
enum learn_dst_type {
    LEARN_DST_MATCH,  /* field=src  / field[]  (match in learned flow) */
    LEARN_DST_LOAD,   /* load:src->dst (action in learned flow) */
    LEARN_DST_OUTPUT, /* output:src (action in learned flow) */
};
struct learn_spec {
    enum learn_src_type src_type;
    enum learn_dst_type dst_type;
    unsigned n_bits;
    struct mf_subfield src; /* LEARN_SRC_FIELD. */
    union mf_value src_imm; /* LEARN_SRC_IMMEDIATE, right-aligned. */
    struct mf_subfield dst; /* LEARN_DST_MATCH, LEARN_DST_LOAD. */
};

#define LEARN_F_SEND_FLOW_REM 0x1
#define LEARN_F_DELETE_LEARNED 0x2

struct ofpact_learn {
    struct ofpact ofpact;
    uint16_t idle_timeout;     /* 0: none. */
    uint16_t hard_timeout;     /* 0: none. */
    uint16_t fin_idle_timeout; /* 0: none. */
    uint16_t fin_hard_timeout; /* 0: none. */
    uint16_t priority;         /* Default OFP_DEFAULT_PRIORITY. */
    uint8_t table_id;          /* Default 1, as in OVS. */
    uint8_t flags;             /* LEARN_F_*. */
    uint64_t cookie;
    /* limit=N: add no flow while the learned flow's table already holds
     * N flows with this cookie (ovs-actions(7)); 0: no limit. */
    uint32_t limit;
    unsigned n_specs;
    struct learn_spec specs[];
};

/* Typed access to an action of a known type, one per row of OFPACTS:
 * ofpact_get_OUTPUT(a) is 'a' as a struct ofpact_output.  The caller has
 * switched on a->type; these replace casts that the compiler cannot
 * check against the action list. */
#define OFPACT(ENUM, STRUCT, NAME)                        \
    static inline const struct STRUCT *ofpact_get_##ENUM( \
        const struct ofpact *a)                           \
    {                                                     \
        return (const struct STRUCT *)(const void *)a;    \
    }
OFPACTS
#undef OFPACT

/* Iteration. */
static inline const struct ofpact *ofpact_next(const struct ofpact *a)
{
    return (const struct ofpact *)(const void *)((const uint8_t *)a + a->len);
}
static inline const struct ofpact *ofpact_end(const struct ofpact *a,
                                              size_t len)
{
    /* An empty list may have a NULL base; NULL + 0 is undefined. */
    if (!len) {
        return a;
    }
    return (const struct ofpact *)(const void *)((const uint8_t *)a + len);
}
#define OFPACT_FOR_EACH(POS, OFPACTS, LEN)                    \
    for ((POS) = (OFPACTS); (POS) < ofpact_end(OFPACTS, LEN); \
         (POS) = ofpact_next(POS))

/* The nested list of a CLONE or WRITE_ACTIONS. */
const struct ofpact *ofpact_nest_actions(const struct ofpact_nest *,
                                         size_t *len);

/* Parses an action list ("resubmit(,1)", "output:5,output:6", "drop", "")
 * appending to 'out'.  Returns NULL or an allocated message naming the
 * action, the offending text and why. */
char *ofpacts_parse(const char *s, const struct portmap *, struct buf *out);
/* Appends as ovs-ofctl prints it; an empty list prints "drop". */
void ofpacts_format(const struct ofpact *, size_t len, const struct portmap *,
                    struct ds *);
/* True if OpenFlow 1.0 cannot carry the list, so that ovs-ofctl must use
 * OpenFlow 1.1+ for its flow (an instruction, or push_vlan anywhere). */
bool ofpacts_need_of13(const struct ofpact *, size_t len);
/* The actions of a flow with match 'match', as ovs-ofctl prints them: in
 * its OpenFlow 1.0 rendering, or in the 1.3 one when the list needs it
 * (ofpacts_need_of13: set_tunnel as set_field:..->tun_id, mod_vlan_vid
 * as push_vlan:0x8100,set_field:..->vlan_vid when the match does not
 * guarantee a tag, ...). */
void ofpacts_format_flow(const struct ofpact *, size_t len,
                         const struct match *, const struct portmap *,
                         struct ds *);
/* Equal lists: the same actions with the same arguments, however they
 * were spelled (the 'raw' byte is not compared). */
bool ofpacts_equal(const struct ofpact *a, size_t a_len,
                   const struct ofpact *b, size_t b_len);
/* True if the list may output to 'port' (the out_port filter). */
bool ofpacts_output_to_port(const struct ofpact *, size_t len, uint16_t port);

/* Checks 'ofpacts' against the match of the flow that holds them: every
 * field an action reads or writes (load, move, set_field, mod_nw_*,
 * mod_tp_*, output:FIELD[], learn sources) must have its prerequisites
 * in 'match' (mod_nw_src needs ip).  Returns NULL or an allocated
 * message (caller frees) that names 'subject', what 'match' stands for
 * ("the flow's match"; packet-out checks "the packet").  flow_mod_parse()
 * calls it. */
char *ofpacts_check(const struct ofpact *, size_t len, const struct match *,
                    const char *subject);

/* 'raw' values that choose a spelling when printing.  (load and
 * set_field share one spelling, load, as in OVS.) */
#define OFPACT_RAW_TUNNEL32 0 /* set_tunnel */
#define OFPACT_RAW_TUNNEL64 1 /* set_tunnel64 (or an id > 32 bits) */
/* SET_FIELD: how it was written, which the OpenFlow 1.3 view shows. */
#define OFPACT_RAW_LOAD 0       /* load:V->F[] */
#define OFPACT_RAW_SET_FIELD 1  /* set_field:V->F, mod_nw_ecn */
#define OFPACT_RAW_MOD_NW_TTL 2 /* mod_nw_ttl:T */
/* SET_VLAN_VID / SET_VLAN_PCP: OFPACT_RAW_SET_FIELD when written as
 * set_field:..->vlan_vid (or vlan_pcp), which, as in OVS, needs a tag:
 * the match's or an earlier push_vlan's.  mod_vlan_vid pushes one. */
/* SET_L4_SRC_PORT / SET_L4_DST_PORT: 0 for mod_tp_src/dst (any L4
 * protocol), else the IP protocol its set_field named (tcp_src: 6). */
/* SET_IP_DSCP. */
#define OFPACT_RAW_MOD_NW_TOS 0 /* mod_nw_tos:T, set_field:D->ip_dscp */
#define OFPACT_RAW_SF_NW_TOS 1  /* set_field:T->nw_tos */

/* Builds the learned flow for 'learn' from packet key 'flow': fills
 * 'match' (catch-all first) and appends its actions to 'actions'.  The
 * learned flow's table, priority, timeouts and cookie are the learn
 * action's own members. */
void learn_execute(const struct ofpact_learn *, const struct flow *,
                   struct match *match, struct buf *actions);
/* Just the flow part of the match learn_execute() would build, into
 * 'key': a cheaper way to tell which flow the learn will touch (a batch
 * prefetches it). */
void learn_key(const struct ofpact_learn *, const struct flow *,
               struct flow *key);

#endif
