/* fields-text: parsing and printing field values and subfields.
 *
 * Every error names the field and the text it refused, so that a caller
 * several layers up (swofctl) can print it unchanged. */
#include <arpa/inet.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth-addr.h"
#include "fields.h"
#include "portmap.h"
#include "util.h"

static uint64_t low_mask(unsigned n_bits)
{
    return n_bits >= 64 ? UINT64_MAX : ((uint64_t)1 << n_bits) - 1;
}

/* Sets the low 'n_bits' of 'v' (which may exceed 64). */
static void value_all_ones(union mf_value *v, unsigned n_bits)
{
    memset(v, 0, sizeof *v);
    for (unsigned i = 0; i < n_bits / 8; i++) {
        v->b[15 - i] = 0xff;
    }
    if (n_bits % 8) {
        v->b[15 - n_bits / 8] = (uint8_t)((1u << (n_bits % 8)) - 1);
    }
}

/* Describes byte 'c' for an error message: printable characters quoted,
 * the first byte of a UTF-8 sequence (a typographic quote pasted from a
 * web page is the usual culprit) by value. */
static void describe_char(char *buf, size_t size, unsigned char c)
{
    if (c >= 0x80) {
        snprintf(buf, size, "non-ASCII byte 0x%02x (a typographic quote?)", c);
    } else if (isprint(c)) {
        snprintf(buf, size, "character '%c'", c);
    } else {
        snprintf(buf, size, "byte 0x%02x", c);
    }
}

static bool looks_numeric(const char *s)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (!*s) {
            return false;
        }
        for (; *s; s++) {
            if (!isxdigit((unsigned char)*s)) {
                return false;
            }
        }
        return true;
    }
    if (!*s) {
        return false;
    }
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s)) {
            return false;
        }
    }
    return true;
}

/* Parses an integer that must fit in 'n_bits'.  'what' is "value" or
 * "mask"; 'whole' is the full text for the message. */
static char *parse_uint(const struct mf_field *mf, const char *whole,
                        const char *s, const char *what, unsigned n_bits,
                        uint64_t *x)
{
    uint64_t max = low_mask(n_bits);
    if (!str_to_u64(s, UINT64_MAX, x)) {
        if (looks_numeric(s)) {
            return xasprintf("%s=%s: %s '%s' is too wide for the %u-bit "
                             "field",
                             mf->name, whole, what, s, n_bits);
        }
        return xasprintf("%s=%s: %s '%s' is not a number (expected decimal "
                         "or 0x-prefixed hex)",
                         mf->name, whole, what, s);
    }
    if (*x > max) {
        if (n_bits <= 16 && mf->format == MFF_FMT_DEC) {
            return xasprintf("%s=%s: %s out of range (0-%" PRIu64 ")",
                             mf->name, whole, what, max);
        }
        if (n_bits <= 16) {
            return xasprintf("%s=%s: %s out of range (0-0x%" PRIx64 ")",
                             mf->name, whole, what, max);
        }
        return xasprintf("%s=%s: %s '%s' is too wide for the %u-bit field",
                         mf->name, whole, what, s, n_bits);
    }
    return NULL;
}

/* xx:xx:xx:xx:xx:xx, one or two hex digits per byte. */
static char *parse_eth(const struct mf_field *mf, const char *whole,
                       const char *s, const char *what, uint8_t mac[6])
{
    const char *p = s;
    for (int i = 0; i < 6; i++) {
        unsigned v = 0;
        int n = 0;
        while (isxdigit((unsigned char)*p) && n < 2) {
            int c = tolower((unsigned char)*p);
            v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : c - 'a' + 10);
            p++;
            n++;
        }
        bool ok = n > 0 && (i < 5 ? *p == ':' : !*p);
        if (!ok) {
            if (!*p) {
                return xasprintf("%s=%s: Ethernet %s '%s' is too short "
                                 "(expected xx:xx:xx:xx:xx:xx)",
                                 mf->name, whole, what, s);
            }
            const char *want = n == 0   ? "a hex digit"
                               : i == 5 ? "the end of the address"
                               : n == 1 ? "a hex digit or ':'"
                                        : "':'";
            char c[64];
            describe_char(c, sizeof c, (unsigned char)*p);
            return xasprintf("%s=%s: invalid %s at position %d of Ethernet "
                             "%s '%s' (expected %s; the format is "
                             "xx:xx:xx:xx:xx:xx)",
                             mf->name, whole, c, (int)(p - s) + 1, what, s,
                             want);
        }
        mac[i] = (uint8_t)v;
        if (i < 5) {
            p++;
        }
    }
    return NULL;
}

static char *parse_ipv4(const struct mf_field *mf, const char *whole,
                        const char *s, const char *what, uint32_t *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        return xasprintf("%s=%s: invalid IPv4 %s '%s' (expected a.b.c.d "
                         "with each part 0-255)",
                         mf->name, whole, what, s);
    }
    *ip = ntohl(a.s_addr);
    return NULL;
}

static char *parse_prefix_len(const struct mf_field *mf, const char *whole,
                              const char *s, unsigned max, unsigned *len)
{
    uint64_t n;
    if (!str_to_u64(s, max, &n) || (s[0] == '0' && s[1] == 'x')) {
        return xasprintf("%s=%s: invalid prefix length '%s' (expected "
                         "0-%u)",
                         mf->name, whole, s, max);
    }
    *len = (unsigned)n;
    return NULL;
}

static const struct {
    const char *name;
    uint8_t value, mask;
} frag_names[] = {
    { "no", 0, FLOW_NW_FRAG_ANY },
    { "yes", FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_ANY },
    { "first", FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_MASK },
    { "later", FLOW_NW_FRAG_MASK, FLOW_NW_FRAG_MASK },
    { "not_later", 0, FLOW_NW_FRAG_LATER },
};

static const char *tcp_flag_names[] = {
    "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
};

/* Bit of one flag name: "syn", or "[200]" for a bit without a name (the
 * three reserved bits, as OVS prints them).  -1 if unknown. */
static int tcp_flag_bit(const char *p, size_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(tcp_flag_names); i++) {
        if (strlen(tcp_flag_names[i]) == n
            && !strncmp(p, tcp_flag_names[i], n)) {
            return (int)i;
        }
    }
    if (n >= 3 && p[0] == '[' && p[n - 1] == ']') {
        char *hex = xstrndup(p + 1, n - 2);
        char *end;
        unsigned long x = strtoul(hex, &end, 16);
        bool ok = *hex && !*end && x && !(x & (x - 1)) && x <= 0x800;
        free(hex);
        if (ok) {
            return __builtin_ctzl(x);
        }
    }
    return -1;
}

/* "+syn-ack" (each named flag set or clear, the rest wildcarded) or
 * "syn|ack" (exactly these flags set): OVS's two spellings. */
static char *parse_tcp_flags(const struct mf_field *mf, const char *s,
                             uint64_t *value, uint64_t *mask)
{
    const char *p = s;
    bool exact = *p != '+' && *p != '-';
    *value = *mask = 0;
    while (*p) {
        bool set = true;
        if (!exact) {
            if (*p != '+' && *p != '-') {
                return xasprintf("%s=%s: expected '+' or '-' before a flag "
                                 "name at position %d",
                                 mf->name, s, (int)(p - s) + 1);
            }
            set = *p++ == '+';
        }
        size_t n = strcspn(p, exact ? "|" : "+-");
        int bit = tcp_flag_bit(p, n);
        if (bit < 0) {
            return xasprintf("%s=%s: unknown TCP flag '%.*s' (known: fin syn "
                             "rst psh ack urg ece cwr ns, or [200] [400] "
                             "[800])",
                             mf->name, s, (int)n, p);
        }
        if ((*mask | *value) & (1u << bit)) {
            return xasprintf("%s=%s: TCP flag '%.*s' given twice", mf->name, s,
                             (int)n, p);
        }
        *mask |= 1u << bit;
        if (set) {
            *value |= 1u << bit;
        }
        p += n;
        if (exact && *p == '|') {
            p++;
        }
    }
    if (exact) {
        *mask = 0xfff;
    }
    return NULL;
}

/* Appends the name of flag 'bit': "syn", or "[200]". */
static void put_tcp_flag(unsigned bit, struct ds *ds)
{
    if (bit < ARRAY_SIZE(tcp_flag_names)) {
        ds_put_cstr(ds, tcp_flag_names[bit]);
    } else {
        ds_put_format(ds, "[%x]", 1u << bit);
    }
}

static char *parse_integer_field(const struct mf_field *mf, const char *s,
                                 const char *v, const char *m, unsigned bits,
                                 union mf_value *value, union mf_value *mask)
{
    uint64_t x, xm = low_mask(bits);
    char *error = parse_uint(mf, s, v, "value", bits, &x);
    if (!error && m) {
        error = parse_uint(mf, s, m, "mask", bits, &xm);
    }
    if (error) {
        return error;
    }
    if (mf->id == MFF_NW_TOS && (x & 3)) {
        return xasprintf("%s=%s: value must be a multiple of 4 (the DSCP "
                         "is the upper 6 bits; use nw_ecn for the low 2)",
                         mf->name, s);
    }
    mf_value_from_u64(value, x & xm);
    if (m) {
        mf_value_from_u64(mask, xm);
    } else {
        value_all_ones(mask, mf->n_bits);
    }
    return NULL;
}

/* "10.0.0.1", "10.0.0.0/8" or "10.0.0.0/255.0.0.0" ('v' and 'm'). */
static char *parse_ipv4_field(const struct mf_field *mf, const char *s,
                              const char *v, const char *m,
                              union mf_value *value, union mf_value *mask)
{
    uint32_t ip = 0, ipm = UINT32_MAX;
    char *error = parse_ipv4(mf, s, v, "address", &ip);
    if (!error && m) {
        if (strchr(m, '.')) {
            error = parse_ipv4(mf, s, m, "mask", &ipm);
        } else {
            unsigned len = 32;
            error = parse_prefix_len(mf, s, m, 32, &len);
            ipm = len ? UINT32_MAX << (32 - len) : 0;
        }
    }
    if (!error) {
        mf_value_from_u64(value, ip & ipm);
        mf_value_from_u64(mask, ipm);
    }
    return error;
}

/* IPv6 text, with a prefix length or an address as the mask. */
static char *parse_ipv6_field(const struct mf_field *mf, const char *s,
                              const char *v, const char *m,
                              union mf_value *value, union mf_value *mask)
{
    uint8_t a[16], am[16];
    char *error = NULL;
    memset(am, 0xff, sizeof am);
    if (inet_pton(AF_INET6, v, a) != 1) {
        return xasprintf("%s=%s: invalid IPv6 address '%s'", mf->name, s, v);
    }
    if (m && strchr(m, ':')) {
        if (inet_pton(AF_INET6, m, am) != 1) {
            return xasprintf("%s=%s: invalid IPv6 mask '%s'", mf->name, s, m);
        }
    } else if (m) {
        unsigned len = 128;
        error = parse_prefix_len(mf, s, m, 128, &len);
        if (error) {
            return error;
        }
        memset(am, 0, sizeof am);
        for (unsigned i = 0; i < len; i++) {
            am[i / 8] |= (uint8_t)(0x80 >> (i % 8));
        }
    }
    for (int i = 0; i < 16; i++) {
        value->b[i] = a[i] & am[i];
        mask->b[i] = am[i];
    }
    return NULL;
}

char *mf_parse_value(const struct mf_field *mf, const char *s,
                     const struct portmap *ports, union mf_value *value,
                     union mf_value *mask)
{
    /* Values must fit the storage ('bits'); the default mask covers the
     * field's declared width, so callers can test it against n_bits. */
    unsigned bits = mf_value_bits(mf);
    memset(value, 0, sizeof *value);
    value_all_ones(mask, mf->n_bits);
    if (!*s) {
        return xasprintf("%s: missing value after '='", mf->name);
    }

    char *copy = xstrdup(s);
    char *slash = strchr(copy, '/');
    const char *v = copy, *m = NULL;
    if (slash) {
        *slash = '\0';
        m = slash + 1;
        if (!mf->maskable) {
            free(copy);
            return xasprintf("%s=%s: %s does not accept a mask", mf->name, s,
                             mf->name);
        }
        if (!*m) {
            free(copy);
            return xasprintf("%s=%s: missing mask after '/'", mf->name, s);
        }
    }

    char *error = NULL;
    switch (mf->format) {
    case MFF_FMT_DEC:
    case MFF_FMT_HEX:
        error = parse_integer_field(mf, s, v, m, bits, value, mask);
        break;

    case MFF_FMT_PORT: {
        uint16_t port;
        if (!port_parse(v, ports, &port)) {
            error = xasprintf("%s=%s: unknown port '%s' (expected a number "
                              "1-65279, a port name, or LOCAL, CONTROLLER, "
                              "...)",
                              mf->name, s, v);
        } else {
            mf_value_from_u64(value, port);
        }
        break;
    }

    case MFF_FMT_ETH: {
        uint8_t mac[6], mmac[6];
        memset(mmac, 0xff, sizeof mmac);
        error = parse_eth(mf, s, v, "address", mac);
        if (!error && m) {
            error = parse_eth(mf, s, m, "mask", mmac);
        }
        if (!error) {
            for (int i = 0; i < 6; i++) {
                value->b[10 + i] = mac[i] & mmac[i];
                mask->b[10 + i] = mmac[i];
            }
        }
        break;
    }

    case MFF_FMT_IPV4:
        error = parse_ipv4_field(mf, s, v, m, value, mask);
        break;

    case MFF_FMT_IPV6:
        error = parse_ipv6_field(mf, s, v, m, value, mask);
        break;

    case MFF_FMT_FRAG: {
        size_t i;
        for (i = 0; i < ARRAY_SIZE(frag_names); i++) {
            if (!strcmp(v, frag_names[i].name)) {
                break;
            }
        }
        if (i < ARRAY_SIZE(frag_names) && !m) {
            mf_value_from_u64(value, frag_names[i].value);
            mf_value_from_u64(mask, frag_names[i].mask);
        } else if (looks_numeric(v)) {
            error = parse_integer_field(mf, s, v, m, bits, value, mask);
        } else {
            error = xasprintf("%s=%s: unknown fragment type '%s' (expected "
                              "no, yes, first, later or not_later)",
                              mf->name, s, v);
        }
        break;
    }

    case MFF_FMT_TCP_FLAGS:
        if (v[0] == '+' || v[0] == '-' || (isalpha((unsigned char)v[0]) && !m)
            || (v[0] == '[' && !m)) {
            uint64_t x = 0, xm = 0;
            if (m) {
                error = xasprintf("%s=%s: the +flag-flag form takes no mask",
                                  mf->name, s);
            } else {
                error = parse_tcp_flags(mf, v, &x, &xm);
            }
            if (!error) {
                mf_value_from_u64(value, x);
                mf_value_from_u64(mask, xm);
            }
        } else {
            error = parse_integer_field(mf, s, v, m, bits, value, mask);
        }
        break;
    }
    free(copy);
    if (error) {
        memset(value, 0, sizeof *value);
        value_all_ones(mask, mf->n_bits);
    }
    return error;
}

static bool ipv4_cidr_len(uint32_t mask, int *len)
{
    uint32_t inv = ~mask;
    if (inv & (inv + 1)) {
        return false;
    }
    *len = 32 - __builtin_popcount(inv);
    return true;
}

static void format_ipv4(uint32_t ip, struct ds *ds)
{
    char buf[16];
    ds_put_cstr(ds, ipv4_to_str(ip, buf));
}

static void format_ipv6(const uint8_t a[16], struct ds *ds)
{
    char buf[INET6_ADDRSTRLEN];
    ds_put_cstr(ds, inet_ntop(AF_INET6, a, buf, sizeof buf));
}

static void format_eth(const uint8_t *mac, struct ds *ds)
{
    eth_addr_format(mac, ds);
}

/* Fixed-width hex for the fields OVS prints that way. */
static const char *hex_fmt(const struct mf_field *mf)
{
    switch (mf->id) {
    case MFF_DL_TYPE:
    case MFF_VLAN_TCI:
        return "0x%04" PRIx64;
    case MFF_IPV6_LABEL:
        return "0x%05" PRIx64;
    case MFF_TUN_ID:
    case MFF_METADATA:
        /* OVS prints these 64-bit fields with '#': zero is "0"
         * ("tun_id=0", "tun_id=0/0xff"), anything else "0x..". */
        return "%#" PRIx64;
    default:
        return "%#" PRIx64; /* Zero prints as "0", as in OVS. */
    }
}

void mf_format_value(const struct mf_field *mf, const union mf_value *value,
                     const union mf_value *mask, const struct portmap *ports,
                     struct ds *ds)
{
    unsigned bits = mf_value_bits(mf);
    union mf_value tos_mask;
    if (mask && mf->id == MFF_NW_TOS) {
        /* A match keeps only the DSCP bits of nw_tos. */
        tos_mask = *mask;
        tos_mask.b[15] |= 0x03;
        mask = &tos_mask;
    }
    if (mask && mf_value_is_all_ones(mask, bits)) {
        mask = NULL;
    }
    uint64_t x = mf_value_to_u64(value);
    uint64_t xm = mask ? mf_value_to_u64(mask) : low_mask(bits);

    switch (mf->format) {
    case MFF_FMT_DEC:
        if (mask) {
            ds_put_format(ds, "0x%" PRIx64 "/0x%" PRIx64, x, xm);
        } else {
            ds_put_format(ds, "%" PRIu64, x);
        }
        break;
    case MFF_FMT_HEX:
        ds_put_format(ds, hex_fmt(mf), x);
        if (mask) {
            ds_put_char(ds, '/');
            ds_put_format(ds, hex_fmt(mf), xm);
        }
        break;
    case MFF_FMT_PORT:
        port_format((uint16_t)x, ports, ds);
        if (mask) {
            ds_put_format(ds, "/0x%" PRIx64, xm);
        }
        break;
    case MFF_FMT_ETH:
        format_eth(&value->b[10], ds);
        if (mask) {
            ds_put_char(ds, '/');
            format_eth(&mask->b[10], ds);
        }
        break;
    case MFF_FMT_IPV4: {
        format_ipv4((uint32_t)x, ds);
        int len;
        if (mask && ipv4_cidr_len((uint32_t)xm, &len)) {
            ds_put_format(ds, "/%d", len);
        } else if (mask) {
            ds_put_char(ds, '/');
            format_ipv4((uint32_t)xm, ds);
        }
        break;
    }
    case MFF_FMT_IPV6:
        format_ipv6(value->b, ds);
        if (mask) {
            /* A CIDR mask is leading ones then zeros. */
            int len = 0;
            bool cidr = true, zeros = false;
            for (int i = 0; i < 128; i++) {
                bool bit = (mask->b[i / 8] >> (7 - i % 8)) & 1;
                if (bit && zeros) {
                    cidr = false;
                } else if (bit) {
                    len++;
                } else {
                    zeros = true;
                }
            }
            if (cidr) {
                ds_put_format(ds, "/%d", len);
            } else {
                ds_put_char(ds, '/');
                format_ipv6(mask->b, ds);
            }
        }
        break;
    case MFF_FMT_FRAG:
        for (size_t i = 0; i < ARRAY_SIZE(frag_names); i++) {
            if (frag_names[i].value == x && frag_names[i].mask == xm) {
                ds_put_cstr(ds, frag_names[i].name);
                return;
            }
        }
        ds_put_format(ds, "0x%" PRIx64 "/0x%" PRIx64, x, xm);
        break;
    case MFF_FMT_TCP_FLAGS:
        /* As OVS: "+syn-ack" under a mask, "syn|ack" when exact. */
        if (!mask && !x) {
            ds_put_char(ds, '0');
        }
        for (unsigned i = 0; i < 12; i++) {
            if (mask && (xm & (1u << i))) {
                ds_put_char(ds, x & (1u << i) ? '+' : '-');
                put_tcp_flag(i, ds);
            } else if (!mask && (x & (1u << i))) {
                if (x & ((1u << i) - 1)) {
                    ds_put_char(ds, '|');
                }
                put_tcp_flag(i, ds);
            }
        }
        break;
    }
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

char *mf_parse_subfield(struct mf_subfield *sf, const char **sp)
{
    const char *s = *sp;
    size_t n = 0;
    while (is_name_char(s[n])) {
        n++;
    }
    if (!n) {
        if (!s[0]) {
            return xstrdup("missing field name");
        }
        char c[64];
        describe_char(c, sizeof c, (unsigned char)s[0]);
        return xasprintf("%s: expected a field name, found %s", s, c);
    }
    const struct mf_field *mf = mf_from_name(s, n);
    if (!mf) {
        return xasprintf("unknown field '%.*s'", (int)n, s);
    }
    sf->field = mf;
    sf->ofs = 0;
    sf->n_bits = mf->n_bits;
    const char *p = s + n;
    if (*p != '[') {
        /* A bare name means the whole field, as newer OVS allows. */
        *sp = p;
        return NULL;
    }
    p++;
    const char *end = strchr(p, ']');
    if (!end) {
        return xasprintf("%s: missing ']' after the bit range", s);
    }
    int len = (int)(end - s + 1);
    if (end == p) {
        *sp = end + 1;
        return NULL;
    }
    unsigned long a, b;
    int consumed = 0;
    char *range = xstrndup(p, (size_t)(end - p));
    if (sscanf(range, "%lu..%lu%n", &a, &b, &consumed) == 2
        && (size_t)consumed == strlen(range)
        && isdigit((unsigned char)range[0])) {
        /* a..b */
    } else if (sscanf(range, "%lu%n", &a, &consumed) == 1
               && (size_t)consumed == strlen(range)
               && isdigit((unsigned char)range[0])) {
        b = a;
    } else {
        free(range);
        return xasprintf("%.*s: invalid bit range (expected [], [bit] or "
                         "[start..end])",
                         len, s);
    }
    free(range);
    if (a > b) {
        return xasprintf("%.*s: start bit %lu is after end bit %lu", len, s, a,
                         b);
    }
    if (b >= mf->n_bits) {
        if (a == b) {
            return xasprintf("%.*s: bit %lu exceeds the %u-bit field", len, s,
                             b, mf->n_bits);
        }
        return xasprintf("%.*s: bits %lu..%lu exceed the %u-bit field", len, s,
                         a, b, mf->n_bits);
    }
    sf->ofs = (unsigned)a;
    sf->n_bits = (unsigned)(b - a + 1);
    *sp = end + 1;
    return NULL;
}

void mf_format_subfield(const struct mf_subfield *sf, struct ds *ds)
{
    ds_put_cstr(ds, mf_subfield_name(sf->field));
    if (sf->ofs == 0 && sf->n_bits == sf->field->n_bits) {
        ds_put_cstr(ds, "[]");
    } else if (sf->n_bits == 1) {
        ds_put_format(ds, "[%u]", sf->ofs);
    } else {
        ds_put_format(ds, "[%u..%u]", sf->ofs, sf->ofs + sf->n_bits - 1);
    }
}

const char *mf_prereq_text(enum mf_prereq prereq)
{
    switch (prereq) {
    case MFP_NONE:
    case MFP_VLAN:
        return "nothing";
    case MFP_IPV4:
        return "ip";
    case MFP_IPV6:
        return "ipv6";
    case MFP_IP_ANY:
        return "ip or ipv6";
    case MFP_ARP:
        return "arp or rarp";
    case MFP_L4:
        return "tcp, udp or sctp";
    case MFP_TCP:
        return "tcp or tcp6";
    case MFP_ICMPV4:
        return "icmp";
    case MFP_ICMP_ANY:
        return "icmp or icmp6";
    case MFP_IPV4_OR_ARP:
        return "ip or arp";
    case MFP_IP_OR_ARP:
        return "ip, ipv6 or arp";
    case MFP_ND:
        return "icmp6 with icmp_type=135 or icmp_type=136";
    case MFP_ND_SOLICIT:
        return "icmp6 with icmp_type=135";
    case MFP_ND_ADVERT:
        return "icmp6 with icmp_type=136";
    }
    return "?";
}
