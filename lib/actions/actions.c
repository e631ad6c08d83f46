/* actions: the pieces every action module shares (text slicing, numbers,
 * bit helpers, errors with positions), plus comparison and the out_port
 * filter.  The check against a flow's match is in actions-check.c. */
#include "actions.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions-private.h"
#include "match.h"
#include "portmap.h"
#include "util.h"

size_t ap_position(const char *origin, const char *p)
{
    size_t pos = 1;
    for (const char *c = origin; c < p && *c; c++) {
        if (((unsigned char)*c & 0xc0) != 0x80) {
            pos++;
        }
    }
    /* 'pos' counted the character 'p' starts if 'p' is mid-character;
     * a position always names a whole character. */
    return pos;
}

char *ap_error(const struct apctx *ctx, const char *at, const char *fmt, ...)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    va_list args;
    va_start(args, fmt);
    ds_put_format_valist(&ds, fmt, args);
    va_end(args);
    ds_put_format(&ds, ", at position %zu", ap_position(ctx->origin, at));
    return ds_steal_cstr(&ds);
}

char *ap_wrap(const struct apctx *ctx, const char *at, char *inner,
              const char *fmt, ...)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    va_list args;
    va_start(args, fmt);
    ds_put_format_valist(&ds, fmt, args);
    va_end(args);
    ds_put_cstr(&ds, inner);
    free(inner);
    ds_put_format(&ds, ", at position %zu", ap_position(ctx->origin, at));
    return ds_steal_cstr(&ds);
}

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Finds the end of a value starting at 's': the first separator outside
 * parentheses.  Returns NULL and sets '*errp' on unbalanced parentheses. */
static const char *value_end(const struct apctx *ctx, const char *s,
                             const char *end, char **errp)
{
    const char *open = NULL;
    int depth = 0;
    const char *p;
    for (p = s; p < end; p++) {
        if (*p == '(') {
            if (!depth) {
                open = p;
            }
            depth++;
        } else if (*p == ')') {
            if (!depth) {
                *errp = ap_error(ctx, p, "unbalanced ')'");
                return NULL;
            }
            depth--;
        } else if (!depth && is_sep(*p)) {
            break;
        }
    }
    if (depth) {
        *errp = ap_error(ctx, open, "unclosed parenthesis '('");
        return NULL;
    }
    return p;
}

int ap_next_item(const struct apctx *ctx, const char **sp, const char *end,
                 struct ap_item *item, char **errp)
{
    const char *s = *sp;
    while (s < end && is_sep(*s)) {
        s++;
    }
    if (s >= end) {
        *sp = s;
        return -1;
    }
    memset(item, 0, sizeof *item);
    item->key = s;
    while (s < end && !is_sep(*s) && *s != '=' && *s != ':' && *s != '('
           && *s != ')') {
        s++;
    }
    item->key_len = (size_t)(s - item->key);
    if (s < end && *s == ')') {
        *errp = ap_error(ctx, s, "unbalanced ')'");
        return 1;
    }
    if (!item->key_len && s < end) {
        *errp = ap_error(ctx, s, "missing name before '%c'", *s);
        return 1;
    }
    if (s < end && (*s == '=' || *s == ':')) {
        item->sep = *s++;
        item->value = s;
        const char *e = value_end(ctx, s, end, errp);
        if (!e) {
            return 1;
        }
        item->value_len = (size_t)(e - s);
        s = e;
    } else if (s < end && *s == '(') {
        const char *open = s;
        int depth = 1;
        item->sep = '(';
        item->value = ++s;
        while (s < end && depth) {
            if (*s == '(') {
                depth++;
            } else if (*s == ')') {
                depth--;
            }
            s++;
        }
        if (depth) {
            *errp = ap_error(ctx, open, "unclosed parenthesis '('");
            return 1;
        }
        item->value_len = (size_t)(s - 1 - item->value);
        if (s < end && !is_sep(*s)) {
            *errp = ap_error(ctx, s, "unexpected '%c' after ')'", *s);
            return 1;
        }
    }
    *sp = s;
    return 0;
}

bool ap_slice_eq(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && !memcmp(s, word, n);
}

int ap_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    } else if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool ap_parse_uint(const char *s, size_t n, union mf_value *v)
{
    memset(v, 0, sizeof *v);
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        n -= 2;
        while (n > 1 && *s == '0') {
            s++;
            n--;
        }
        if (n > 32) {
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            int d = ap_hex_digit(s[n - 1 - i]);
            if (d < 0) {
                return false;
            }
            v->b[15 - i / 2] |= (uint8_t)(i % 2 ? d << 4 : d);
        }
        return true;
    }
    uint64_t x;
    if (!ap_parse_u64(s, n, UINT64_MAX, &x)) {
        return false;
    }
    mf_value_from_u64(v, x);
    return true;
}

bool ap_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *x)
{
    char tmp[64];
    if (!n || n >= sizeof tmp) {
        return false;
    }
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return str_to_u64(tmp, max, x);
}

char *ap_parse_subfield(const struct apctx *ctx, const char *s, size_t n,
                        struct mf_subfield *sf)
{
    if (!n) {
        return ap_error(ctx, s, "missing field");
    }
    if (!memchr(s, '[', n)) {
        /* A bare name is the whole field, as OVS reads it. */
        const struct mf_field *f = mf_from_name(s, n);
        if (!f) {
            return ap_error(ctx, s, "%.*s: unknown field", (int)n, s);
        }
        sf->field = f;
        sf->ofs = 0;
        sf->n_bits = f->n_bits;
        return NULL;
    }
    char *copy = xstrndup(s, n);
    const char *p = copy;
    char *err = mf_parse_subfield(sf, &p);
    if (!err && *p) {
        err = xasprintf("%s: unexpected '%s' after the subfield", copy, p);
    }
    free(copy);
    if (err) {
        return ap_wrap(ctx, s, err, "%s", "");
    }
    return NULL;
}

bool ap_bit(const union mf_value *v, unsigned i)
{
    return i < 128 && (v->b[15 - i / 8] >> (i % 8)) & 1;
}

bool ap_fits(const union mf_value *v, unsigned n_bits)
{
    if (n_bits >= 128) {
        return true;
    }
    /* Bit i lives in byte 15 - i / 8: the byte holding bit n_bits keeps
     * its lower bits, every byte above it must be zero. */
    unsigned top = 15 - n_bits / 8;
    if (v->b[top] >> (n_bits % 8)) {
        return false;
    }
    for (unsigned i = 0; i < top; i++) {
        if (v->b[i]) {
            return false;
        }
    }
    return true;
}

void ap_set_ones(union mf_value *v, unsigned ofs, unsigned n_bits)
{
    /* Runs on every learn: whole bytes at once, bits only at the edges
     * (bit i lives in byte 15 - i / 8). */
    unsigned end = ofs + n_bits < 128 ? ofs + n_bits : 128;
    unsigned i = ofs;
    while (i < end && i % 8) {
        v->b[15 - i / 8] |= (uint8_t)(1u << (i % 8));
        i++;
    }
    if (end - i >= 8 && i < end) {
        unsigned n = (end - i) / 8;
        memset(&v->b[16 - i / 8 - n], 0xff, n);
        i += n * 8;
    }
    for (; i < end; i++) {
        v->b[15 - i / 8] |= (uint8_t)(1u << (i % 8));
    }
}

void ap_extract(const union mf_value *v, unsigned ofs, unsigned n_bits,
                union mf_value *out)
{
    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < n_bits && ofs + i < 128; i++) {
        if (ap_bit(v, ofs + i)) {
            out->b[15 - i / 8] |= (uint8_t)(1u << (i % 8));
        }
    }
}

void ap_format_hex(const union mf_value *v, struct ds *ds)
{
    int i = 0;
    while (i < 16 && !v->b[i]) {
        i++;
    }
    if (i == 16) {
        /* OVS prints with "%#x", which prints zero without "0x". */
        ds_put_char(ds, '0');
        return;
    }
    ds_put_format(ds, "0x%x", v->b[i]);
    for (i++; i < 16; i++) {
        ds_put_format(ds, "%02x", v->b[i]);
    }
}

size_t ap_put(struct buf *out, enum ofpact_type type, size_t size)
{
    size_t ofs = out->size;
    size_t len = ROUND_UP(size, OFPACT_ALIGN);
    struct ofpact *a = buf_put_zeros(out, len);
    a->type = (uint8_t)type;
    a->len = (uint16_t)len;
    return ofs;
}

const struct ofpact *ofpact_nest_actions(const struct ofpact_nest *nest,
                                         size_t *len)
{
    size_t hdr = ROUND_UP(sizeof *nest, OFPACT_ALIGN);
    *len = nest->ofpact.len - hdr;
    return (const struct ofpact *)(const void *)((const uint8_t *)nest + hdr);
}

bool ofpacts_equal(const struct ofpact *a, size_t a_len,
                   const struct ofpact *b, size_t b_len)
{
    /* Actions are built in zeroed memory with every member set, so equal
     * actions are equal byte for byte (field pointers point into the one
     * static registry) but for 'raw', the spelling, and nested lists
     * (which hold 'raw' bytes of their own). */
    if (a_len != b_len) {
        return false;
    }
    const struct ofpact *x = a, *y = b;
    const struct ofpact *end = ofpact_end(a, a_len);
    for (; x < end; x = ofpact_next(x), y = ofpact_next(y)) {
        if (x->type != y->type || x->len != y->len) {
            return false;
        }
        if (x->type == OFPACT_CLONE || x->type == OFPACT_WRITE_ACTIONS) {
            size_t xn, yn;
            const struct ofpact *xi = ofpact_nest_actions(
                (const struct ofpact_nest *)(const void *)x, &xn);
            const struct ofpact *yi = ofpact_nest_actions(
                (const struct ofpact_nest *)(const void *)y, &yn);
            if (!ofpacts_equal(xi, xn, yi, yn)) {
                return false;
            }
            continue;
        }
        size_t hdr = offsetof(struct ofpact, len);
        if (memcmp((const uint8_t *)x + hdr, (const uint8_t *)y + hdr,
                   x->len - hdr)) {
            return false;
        }
    }
    return true;
}

bool ofpacts_need_of13(const struct ofpact *ofpacts, size_t len)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, ofpacts, len) {
        switch ((enum ofpact_type)a->type) {
        case OFPACT_CLEAR_ACTIONS:
        case OFPACT_WRITE_ACTIONS:
        case OFPACT_WRITE_METADATA:
        case OFPACT_GOTO_TABLE:
        case OFPACT_PUSH_VLAN:
            return true;
        case OFPACT_CLONE: {
            size_t n;
            const struct ofpact *inner = ofpact_nest_actions(
                (const struct ofpact_nest *)(const void *)a, &n);
            if (ofpacts_need_of13(inner, n)) {
                return true;
            }
            break;
        }
        default:
            break;
        }
    }
    return false;
}

bool ofpacts_output_to_port(const struct ofpact *ofpacts, size_t len,
                            uint16_t port)
{
    const struct ofpact *a;
    OFPACT_FOR_EACH (a, ofpacts, len) {
        switch ((enum ofpact_type)a->type) {
        case OFPACT_OUTPUT:
            if (((const struct ofpact_output *)(const void *)a)->port
                == port) {
                return true;
            }
            break;
        case OFPACT_CONTROLLER:
            if (port == OFPP_CONTROLLER) {
                return true;
            }
            break;
        case OFPACT_CLONE:
        case OFPACT_WRITE_ACTIONS: {
            size_t n;
            const struct ofpact *inner = ofpact_nest_actions(
                (const struct ofpact_nest *)(const void *)a, &n);
            if (ofpacts_output_to_port(inner, n, port)) {
                return true;
            }
            break;
        }
        default:
            break;
        }
    }
    return false;
}

const char *ofpact_name(enum ofpact_type type)
{
    static const char *const names[] = {
#define OFPACT(ENUM, STRUCT, NAME) NAME,
        OFPACTS
#undef OFPACT
    };
    return (size_t)type < ARRAY_SIZE(names) ? names[type] : "?";
}

bool ofpact_is_instruction(enum ofpact_type type)
{
    switch (type) {
    case OFPACT_CLEAR_ACTIONS:
    case OFPACT_WRITE_ACTIONS:
    case OFPACT_WRITE_METADATA:
    case OFPACT_GOTO_TABLE:
        return true;
    default:
        return false;
    }
}

char *ap_check_field_prereqs(const struct mf_field *field,
                             const struct match *match)
{
    if (field->prereq == MFP_NONE || field->prereq == MFP_VLAN) {
        return NULL;
    }
    /* Asking the match whether it would accept an exact match on
     * 'field' reuses the registry's one definition of prerequisites. */
    struct match m = *match;
    union mf_value zero;
    memset(&zero, 0, sizeof zero);
    match_set_field(&m, field, &zero, NULL);
    char *err = match_check_prereqs(&m);
    if (err) {
        free(err);
        return xasprintf("%s needs %s", field->name,
                         mf_prereq_text(field->prereq));
    }
    return NULL;
}

static const char *const packet_in_reasons[OFPR_N_REASONS] = {
    [OFPR_NO_MATCH] = "no_match",
    [OFPR_ACTION] = "action",
    [OFPR_INVALID_TTL] = "invalid_ttl",
};

const char *ofp_packet_in_reason_name(unsigned reason)
{
    return reason < OFPR_N_REASONS ? packet_in_reasons[reason] : NULL;
}

bool ofp_packet_in_reason_parse(const char *s, size_t len, uint8_t *reasonp)
{
    for (unsigned i = 0; i < OFPR_N_REASONS; i++) {
        if (strlen(packet_in_reasons[i]) == len
            && !memcmp(s, packet_in_reasons[i], len)) {
            *reasonp = (uint8_t)i;
            return true;
        }
    }
    return false;
}
