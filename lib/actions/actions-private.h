/* actions-private: what the action parser, printer, checker and learn
 * share, and nobody else needs.
 *
 * Parsers work on slices of the caller's text rather than on copies so
 * that every error can say where, in the text the person typed, the
 * offending token starts.  'origin' is the start of that whole text
 * (the flow line, not just the actions) and positions are counted in
 * characters from it, 1-based. */
#ifndef SW_ACTIONS_PRIVATE_H
#define SW_ACTIONS_PRIVATE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "buf.h"
#include "ds.h"
#include "fields.h"
#include "util.h"

struct match;
struct portmap;

/* Parsing context: where positions count from, and how to name ports. */
struct apctx {
    const char *origin;
    const struct portmap *ports;
    unsigned depth; /* Nesting of clone()/write_actions(). */
};

/* 1-based character position of 'p' in the text starting at 'origin'
 * (UTF-8 continuation bytes do not count as characters). */
size_t ap_position(const char *origin, const char *p);

/* Returns an allocated message: the formatted text followed by
 * ", at position N" for 'at'. */
char *ap_error(const struct apctx *, const char *at, const char *fmt, ...)
    SW_PRINTF(3, 4);

/* Appends the message of 'inner' (freed) after 'prefix', adding the
 * position of 'at'. */
char *ap_wrap(const struct apctx *, const char *at, char *inner,
              const char *fmt, ...) SW_PRINTF(4, 5);

/* One "key", "key:value", "key=value" or "key(value)" item of a
 * comma/space separated list, as slices of the text. */
struct ap_item {
    const char *key;
    size_t key_len;
    const char *value; /* NULL for a bare key. */
    size_t value_len;
    char sep; /* ':', '=', '(' or 0 for a bare key. */
};

/* Reads the next item from '*s' (up to 'end'), skipping separators.
 * Returns 0 with '*s' advanced, -1 at the end of the list, or an
 * allocated error in '*errp' (returning 1) for unbalanced parentheses. */
int ap_next_item(const struct apctx *, const char **s, const char *end,
                 struct ap_item *, char **errp);

/* True if the 'n' bytes at 's' equal the NUL-terminated 'word'. */
bool ap_slice_eq(const char *s, size_t n, const char *word);

/* Value of a hex digit, or -1. */
int ap_hex_digit(char);

/* Parses an unsigned integer (decimal, or 0x hex of up to 128 bits)
 * from the slice into a right-aligned value.  False if malformed. */
bool ap_parse_uint(const char *s, size_t n, union mf_value *);
/* Parses a decimal or 0x-hex integer no larger than 'max'. */
bool ap_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *);

/* Parses all of the slice as a subfield ("NXM_NX_REG0[0..15]", or a
 * bare field name, "reg0", for the whole field).  Errors name the slice
 * and position. */
char *ap_parse_subfield(const struct apctx *, const char *s, size_t n,
                        struct mf_subfield *);

/* Bits of right-aligned values. */
bool ap_bit(const union mf_value *, unsigned i);
/* True if 'v' has no 1-bit at or above bit 'n_bits'. */
bool ap_fits(const union mf_value *, unsigned n_bits);
/* Sets bits [ofs, ofs + n_bits) of 'v' to one. */
void ap_set_ones(union mf_value *, unsigned ofs, unsigned n_bits);
/* Appends 'v' as "0" or minimal 0x-hex, as OVS prints load values. */
void ap_format_hex(const union mf_value *, struct ds *);
/* Copies bits [ofs, ofs + n_bits) of 'v' down to bit 0 of '*out'. */
void ap_extract(const union mf_value *v, unsigned ofs, unsigned n_bits,
                union mf_value *out);

/* Appends a zeroed action of 'size' bytes (rounded up to OFPACT_ALIGN)
 * and returns its offset in 'out' (pointers move when 'out' grows). */
size_t ap_put(struct buf *out, enum ofpact_type, size_t size);
static inline void *ap_at(struct buf *out, size_t ofs)
{
    return out->data + ofs;
}

/* The action list parser, with positions relative to ctx->origin. */
char *ofpacts_parse__(const struct apctx *, const char *s, const char *end,
                      struct buf *out, bool nested);

/* The action parser's keyword table and the row functions it dispatches
 * to, split over actions-parse*.c by what the actions do.  Each row
 * function appends at most one action for one item. */
/* One parsed item, with the context the row functions need. */
struct ap_row;
struct ap_arg {
    const struct ap_row *row;
    const struct apctx *ctx;
    const struct ap_item *item;
    struct buf *out;
    bool nested;
};

typedef char *ap_parse_fn(const struct ap_arg *);

/* Instruction ranks, in the order OpenFlow 1.1 requires. */
enum ap_rank {
    RANK_APPLY,
    RANK_CLEAR,
    RANK_WRITE_ACTIONS,
    RANK_WRITE_METADATA,
    RANK_GOTO,
};

struct ap_row {
    const char *name;
    ap_parse_fn *parse;
    enum ap_rank rank;
    enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL } arg;
};

/* Shared by the row functions (actions-parse-args.c). */
const char *ap_val_end(const struct ap_item *);
char *ap_val_dup(const struct ap_item *);
char *ap_bad_value(const struct ap_arg *, const char *why);
char *ap_parse_num(const struct ap_arg *, uint64_t max, uint64_t *x,
                   const char *why);
char *ap_parse_field_value(const struct ap_arg *, enum mf_id,
                           union mf_value *);

/* actions-parse-output.c */
char *ap_output_port(const struct ap_arg *, const char *at, uint16_t port);
ap_parse_fn ap_parse_output, ap_parse_reserved, ap_parse_controller,
    ap_parse_resubmit;

/* actions-parse-field.c */
ap_parse_fn ap_parse_load, ap_parse_set_field, ap_parse_move,
    ap_parse_set_tunnel, ap_parse_mac, ap_parse_ipv4, ap_parse_vlan_vid,
    ap_parse_vlan_pcp, ap_parse_push_vlan, ap_parse_nw_tos, ap_parse_tp_port,
    ap_parse_mod_nw;

/* actions-parse-misc.c */
ap_parse_fn ap_parse_null, ap_parse_dec_ttl, ap_parse_fin_timeout,
    ap_parse_note, ap_parse_goto_table, ap_parse_write_metadata,
    ap_parse_learn;

/* learn.c */
char *learn_parse__(const struct apctx *, const char *s, const char *end,
                    struct buf *out);
void learn_format(const struct ofpact_learn *, const struct portmap *,
                  struct ds *);
char *learn_check(const struct ofpact_learn *, const struct match *,
                  const char *subject);

/* Checks that 'match' already satisfies the prerequisites of 'field'
 * (a learned or written field); returns NULL or an allocated message. */
char *ap_check_field_prereqs(const struct mf_field *, const struct match *);

#endif
