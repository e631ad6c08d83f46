/* libFuzzer target for the flow text parser.
 *
 * Feeds arbitrary bytes to flow_mod_parse() in every mode (and to the
 * multi-line parser), and for each flow that parses, prints it and
 * checks that the printed text parses back to an equal flow (or, for a
 * flow printed in the OpenFlow 1.3 view, to one that prints the same):
 * the parser must never crash, leak or loop, and the printer must only
 * produce text the parser accepts.  See tests/fuzz/README.md. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "ds.h"
#include "flowmod.h"
#include "portmap.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct flow_mod *fm, const struct portmap *map)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    flow_mod_format(fm, map, false, &ds);
    struct flow_mod fm2;
    flow_mod_init(&fm2, FM_ADD);
    char *err = flow_mod_parse(&fm2, ds_cstr(&ds), FM_PARSE_ADD, map);
    if (err) {
        /* The printer produced text the parser refuses: a bug. */
        abort();
    }
    const struct ofpact *a1 = (const void *)fm->ofpacts.data;
    const struct ofpact *a2 = (const void *)fm2.ofpacts.data;
    if (!match_equal(&fm->match, &fm2.match) || fm->priority != fm2.priority) {
        abort();
    }
    if (!ofpacts_need_of13(a1, fm->ofpacts.size)) {
        if (!ofpacts_equal(a1, fm->ofpacts.size, a2, fm2.ofpacts.size)) {
            abort();
        }
    } else {
        /* The OpenFlow 1.3 rendering spells some actions as two
         * (mod_vlan_vid as push_vlan and set_field): the text must be a
         * fixed point instead. */
        struct ds again = DS_EMPTY_INITIALIZER;
        flow_mod_format(&fm2, map, false, &again);
        if (strcmp(ds_cstr(&ds), ds_cstr(&again))) {
            abort();
        }
        ds_destroy(&again);
    }
    flow_mod_uninit(&fm2);
    ds_destroy(&ds);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct portmap map;
    static int inited;
    if (!inited) {
        portmap_init(&map);
        portmap_add(&map, "patch-tun", 1);
        portmap_add(&map, "vxlan0", 5);
        inited = 1;
    }
    if (size > 4096) {
        return 0;
    }
    char *text = xstrndup((const char *)data, size);

    static const enum fm_parse_mode modes[] = {
        FM_PARSE_ADD,
        FM_PARSE_MODIFY,
        FM_PARSE_DELETE,
        FM_PARSE_DUMP,
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        struct flow_mod fm;
        flow_mod_init(&fm, modes[i] == FM_PARSE_ADD ? FM_ADD : FM_DELETE);
        char *err = flow_mod_parse(&fm, text, modes[i], &map);
        if (err) {
            free(err);
        } else if (modes[i] == FM_PARSE_ADD) {
            round_trip(&fm, &map);
        }
        flow_mod_uninit(&fm);
    }

    struct flow_mod *fms;
    size_t n;
    char *err = flow_mods_parse_text(text, FM_PARSE_ADD, &map, &fms, &n);
    if (err) {
        free(err);
    } else {
        flow_mods_free(fms, n);
    }
    free(text);
    return 0;
}
