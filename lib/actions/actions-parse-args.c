/* actions-parse-args: reading the argument of one action item (the end
 * or a copy of its value, a bounded number, a value in the syntax of a
 * field) and the "key: value: why" error every row function gives for a
 * bad one.  Separate from the dispatcher so that the row functions
 * (actions-parse-*.c) call down into it, not back into the file that
 * calls them. */
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

const char *ap_val_end(const struct ap_item *it)
{
    /* A bare key has a NULL value, and NULL + 0 is undefined. */
    return it->value_len ? it->value + it->value_len : it->value;
}

char *ap_val_dup(const struct ap_item *it)
{
    return xstrndup(it->value, it->value_len);
}

char *ap_bad_value(const struct ap_arg *a, const char *why)
{
    const struct ap_item *it = a->item;
    return ap_error(a->ctx, it->value, "%.*s: %.*s: %s", (int)it->key_len,
                    it->key, (int)it->value_len, it->value, why);
}

char *ap_parse_num(const struct ap_arg *a, uint64_t max, uint64_t *x,
                   const char *why)
{
    if (!ap_parse_u64(a->item->value, a->item->value_len, max, x)) {
        return ap_bad_value(a, why);
    }
    return NULL;
}

/* Parses a value with the syntax of registry field 'id' (MAC, IPv4...)
 * without a mask. */
char *ap_parse_field_value(const struct ap_arg *a, enum mf_id id,
                           union mf_value *v)
{
    const struct mf_field *f = mf_from_id(id);
    union mf_value mask;
    char *s = ap_val_dup(a->item);
    char *err = mf_parse_value(f, s, a->ctx->ports, v, &mask);
    free(s);
    if (err) {
        return ap_wrap(a->ctx, a->item->value, err,
                       "%.*s: ", (int)a->item->key_len, a->item->key);
    }
    if (!mf_value_is_all_ones(&mask, f->n_bits)) {
        return ap_bad_value(a, "a mask is not allowed here");
    }
    return NULL;
}
