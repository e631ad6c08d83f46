/* actions-parse-misc: the row functions of the remaining actions, each
 * self-contained: the argument-less ones (strip_vlan, exit,
 * clear_actions...), dec_ttl, fin_timeout, note, learn (whose parser is
 * in learn.c) and the goto_table and write_metadata instructions.
 * They are separate so that neither the dispatcher nor the port and
 * field files carry actions unrelated to their role. */
#include "actions.h"

#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions-private.h"
#include "match.h"
#include "portmap.h"
#include "util.h"

char *ap_parse_null(const struct ap_arg *a)
{
    static const struct {
        const char *name;
        enum ofpact_type type;
    } nulls[] = {
        { "strip_vlan", OFPACT_STRIP_VLAN },
        { "pop_vlan", OFPACT_STRIP_VLAN },
        { "exit", OFPACT_EXIT },
        { "clear_actions", OFPACT_CLEAR_ACTIONS },
    };
    for (size_t i = 0; i < ARRAY_SIZE(nulls); i++) {
        if (!strcmp(a->row->name, nulls[i].name)) {
            ap_put(a->out, nulls[i].type, sizeof(struct ofpact_null));
            return NULL;
        }
    }
    return ap_error(a->ctx, a->item->key, "internal: no null action");
}

/* dec_ttl or dec_ttl(ID ...): decimal controller ids, comma or space
 * separated. */
char *ap_parse_dec_ttl(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (it->sep && it->sep != '(') {
        return ap_error(a->ctx, it->key,
                        "dec_ttl takes no argument (for "
                        "controller ids: dec_ttl(ID,...))");
    }
    size_t ofs = ap_put(a->out, OFPACT_DEC_TTL, sizeof(struct ofpact_dec_ttl));
    if (it->sep != '(') {
        return NULL;
    }
    uint16_t ids[DEC_TTL_MAX_IDS];
    size_t n = 0;
    const char *p = it->value, *end = ap_val_end(it);
    while (p < end) {
        if (*p == ',' || *p == ' ') {
            p++;
            continue;
        }
        size_t len = strspn(p, "0123456789");
        if (len > (size_t)(end - p)) {
            len = (size_t)(end - p);
        }
        const char *next = p + len;
        uint64_t x;
        if (!len || (next < end && *next != ',' && *next != ' ')
            || !ap_parse_u64(p, len, UINT16_MAX, &x)) {
            size_t bad = strcspn(p, ", )");
            return ap_error(a->ctx, p,
                            "dec_ttl: %.*s: not a controller "
                            "id (expected a decimal number 0-65535)",
                            (int)SW_MIN(bad, (size_t)(end - p)), p);
        }
        if (n == DEC_TTL_MAX_IDS) {
            return ap_error(a->ctx, p,
                            "dec_ttl: more than %d controller "
                            "ids",
                            DEC_TTL_MAX_IDS);
        }
        ids[n++] = (uint16_t)x;
        p = next;
    }
    struct ofpact_dec_ttl *d = ap_at(a->out, ofs);
    d->n_ids = (uint16_t)n;
    memcpy(d->ids, ids, n * sizeof ids[0]);
    return NULL;
}

/* fin_timeout(idle_timeout=S,hard_timeout=S), either or both. */
char *ap_parse_fin_timeout(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    if (it->sep != '(') {
        return ap_error(a->ctx, it->key,
                        "fin_timeout needs "
                        "(idle_timeout=S,hard_timeout=S)");
    }
    uint16_t idle = 0, hard = 0;
    const char *p = it->value, *end = ap_val_end(it);
    while (p < end) {
        if (*p == ',' || *p == ' ') {
            p++;
            continue;
        }
        size_t len = 0;
        while (p + len < end && p[len] != ',' && p[len] != ' ') {
            len++;
        }
        const char *eq = memchr(p, '=', len);
        uint64_t x;
        uint16_t *dst = NULL;
        if (eq && ap_slice_eq(p, (size_t)(eq - p), "idle_timeout")) {
            dst = &idle;
        } else if (eq && ap_slice_eq(p, (size_t)(eq - p), "hard_timeout")) {
            dst = &hard;
        }
        if (!dst) {
            return ap_error(a->ctx, p,
                            "fin_timeout: %.*s: expected "
                            "idle_timeout=S or hard_timeout=S",
                            (int)len, p);
        }
        if (!ap_parse_u64(eq + 1, (size_t)(p + len - eq - 1), UINT16_MAX,
                          &x)) {
            return ap_error(a->ctx, eq + 1,
                            "fin_timeout: %.*s: expected "
                            "seconds (0-65535)",
                            (int)len, p);
        }
        *dst = (uint16_t)x;
        p += len;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_FIN_TIMEOUT, sizeof(struct ofpact_fin_timeout));
    struct ofpact_fin_timeout *f = ap_at(a->out, ofs);
    f->fin_idle_timeout = idle;
    f->fin_hard_timeout = hard;
    return NULL;
}

char *ap_parse_note(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    uint8_t bytes[4096];
    size_t n = 0;
    const char *p = it->value;
    while (p < ap_val_end(it)) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (p + 1 >= ap_val_end(it) || ap_hex_digit(p[0]) < 0
            || ap_hex_digit(p[1]) < 0) {
            return ap_error(a->ctx, p,
                            "note: bad hex digit (expected hex "
                            "byte pairs such as 01.02.0a)");
        }
        if (n >= sizeof bytes - 8) {
            return ap_error(a->ctx, p, "note: too long");
        }
        bytes[n++] = (uint8_t)(ap_hex_digit(p[0]) << 4 | ap_hex_digit(p[1]));
        p += 2;
    }
    /* OpenFlow carries a note in an action padded to 8 bytes after its
     * 10-byte header; OVS shows the padding as zero bytes, and so does
     * our printer once the note is stored padded the same way. */
    size_t padded = ROUND_UP(n + 10, 8) - 10;
    memset(bytes + n, 0, padded - n);
    size_t ofs =
        ap_put(a->out, OFPACT_NOTE, sizeof(struct ofpact_note) + padded);
    struct ofpact_note *note = ap_at(a->out, ofs);
    note->length = (uint16_t)padded;
    memcpy(note->data, bytes, padded);
    return NULL;
}

static char *parse_u8_table(const struct ap_arg *a, uint8_t *table)
{
    uint64_t x;
    char *err = ap_parse_num(a, UINT64_MAX, &x, "not a table number");
    if (!err && x > OFPTT_MAX) {
        err = ap_bad_value(a, "table id out of range (0-" OFPTT_MAX_STR ")");
    }
    if (!err) {
        *table = (uint8_t)x;
    }
    return err;
}

char *ap_parse_goto_table(const struct ap_arg *a)
{
    uint8_t table;
    char *err = parse_u8_table(a, &table);
    if (err) {
        return err;
    }
    size_t ofs =
        ap_put(a->out, OFPACT_GOTO_TABLE, sizeof(struct ofpact_goto_table));
    struct ofpact_goto_table *g = ap_at(a->out, ofs);
    g->table_id = table;
    return NULL;
}

char *ap_parse_write_metadata(const struct ap_arg *a)
{
    const struct ap_item *it = a->item;
    const char *slash = memchr(it->value, '/', it->value_len);
    size_t vlen = slash ? (size_t)(slash - it->value) : it->value_len;
    uint64_t v, m = UINT64_MAX;
    if (!ap_parse_u64(it->value, vlen, UINT64_MAX, &v)) {
        return ap_error(a->ctx, it->value,
                        "write_metadata: %.*s: not a "
                        "64-bit number",
                        (int)vlen, it->value);
    }
    if (slash
        && !ap_parse_u64(slash + 1, (size_t)(ap_val_end(it) - slash - 1),
                         UINT64_MAX, &m)) {
        return ap_error(a->ctx, slash + 1,
                        "write_metadata: mask %.*s: not "
                        "a 64-bit number",
                        (int)(ap_val_end(it) - slash - 1), slash + 1);
    }
    size_t ofs =
        ap_put(a->out, OFPACT_WRITE_METADATA, sizeof(struct ofpact_metadata));
    struct ofpact_metadata *md = ap_at(a->out, ofs);
    md->metadata = v; /* As written: OVS prints it so; xlate masks. */
    md->mask = m;
    return NULL;
}

char *ap_parse_learn(const struct ap_arg *a)
{
    if (a->item->sep != '(') {
        return ap_error(a->ctx, a->item->key, "learn: expected learn(...)");
    }
    return learn_parse__(a->ctx, a->item->value, ap_val_end(a->item), a->out);
}
