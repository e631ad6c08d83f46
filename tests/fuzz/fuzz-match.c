/* libFuzzer target for the match text (lib/match.h), with a round-trip
 * oracle stronger than "does not crash".
 *
 * The input is cut into pieces at commas and white space, and each
 * "name[=value]" piece goes to match_parse_piece() as the flow parser
 * sends it.  When every piece parses, the match is printed with
 * match_format() and the printed text parsed again the same way: it must
 * parse, give an equal match (match_equal), print the same text again,
 * and still pass match_check_prereqs() (matches that fail it are
 * refused by the flow parser and are not printed).  The match's invariant (the
 * flow holds no bit outside the mask) is checked too, as the classifier relies
 * on it, and the match must match a packet carrying its own values. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ds.h"
#include "match.h"
#include "portmap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses all of 'text' into 'm'.  Returns NULL or the first error. */
static char *parse_all(const char *text, const struct portmap *map,
                       struct match *m)
{
    match_init_catchall(m);
    const char *p = text;
    for (;;) {
        while (*p && is_sep(*p)) {
            p++;
        }
        if (!*p) {
            return NULL;
        }
        const char *end = p;
        while (*end && !is_sep(*end)) {
            end++;
        }
        char *piece = xstrndup(p, (size_t)(end - p));
        char *eq = strchr(piece, '=');
        if (eq) {
            *eq = '\0';
        }
        char *err = match_parse_piece(m, piece, eq ? eq + 1 : NULL, map);
        free(piece);
        if (err) {
            return err;
        }
        p = end;
    }
}

static void check_invariant(const struct match *m)
{
    const uint64_t *f = flow_u64(&m->flow), *w = flow_u64(&m->wc);
    for (size_t i = 0; i < FLOW_U64S; i++) {
        if (f[i] & ~w[i]) {
            abort(); /* A value bit outside the mask. */
        }
    }
    if (!match_matches_flow(m, &m->flow)) {
        abort(); /* Its own values must satisfy it. */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct portmap map;
    static bool inited;
    if (!inited) {
        portmap_init(&map);
        portmap_add(&map, "patch-tun", 1);
        portmap_add(&map, "vxlan0", 5);
        portmap_add(&map, "vxlan1", 6);
        inited = true;
    }
    if (size > 4096) {
        return 0;
    }
    char *text = xstrndup((const char *)data, size);

    for (int use_map = 0; use_map < 2; use_map++) {
        const struct portmap *pm = use_map ? &map : NULL;
        struct match m1, m2;
        char *err = parse_all(text, pm, &m1);
        if (err) {
            if (!*err) {
                abort();
            }
            free(err);
            continue;
        }
        check_invariant(&m1);
        /* Only a complete match must round trip: pieces are checked
         * against what came before them, so "ipv6_src=::1,ip" gets past
         * the pieces (not past match_check_prereqs(), as the flow
         * parser calls it) while its printed form "ip,ipv6_src=::1" is
         * refused at the piece. */
        char *perr = match_check_prereqs(&m1);
        if (perr) {
            free(perr);
            continue;
        }

        struct ds s1 = DS_EMPTY_INITIALIZER, s2 = DS_EMPTY_INITIALIZER;
        match_format(&m1, OFP_DEFAULT_PRIORITY, pm, &s1);
        err = parse_all(ds_cstr(&s1), pm, &m2);
        if (err) {
            abort(); /* The printer wrote text the parser refuses. */
        }
        if (!match_equal(&m1, &m2)) {
            abort(); /* The text does not say what the match says. */
        }
        match_format(&m2, OFP_DEFAULT_PRIORITY, pm, &s2);
        if (strcmp(ds_cstr(&s1), ds_cstr(&s2))) {
            abort();
        }
        char *e2 = match_check_prereqs(&m2);
        if (e2) {
            abort(); /* Valid before printing, invalid after. */
        }
        if (match_hash(&m1, 0) != match_hash(&m2, 0)) {
            abort();
        }
        if (!match_is_subset_of(&m1, &m2) || !match_is_subset_of(&m2, &m1)) {
            abort();
        }
        ds_destroy(&s1);
        ds_destroy(&s2);
    }
    free(text);
    return 0;
}
