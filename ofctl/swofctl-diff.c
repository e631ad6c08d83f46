/* swofctl diff-flows: the flows of two sources (a bridge or a file)
 * compared as ovs-ofctl diff-flows does.
 *
 * A flow is its table, priority and match; two flows with the same are
 * one flow in two versions, which differ when their cookie, timeouts,
 * importance or actions do.  Each line is "-" (only in, or as in, the
 * first source) or "+" (the second) and one version in ovs-ofctl's
 * layout: "[table=N ]MATCH[ cookie=C][ idle_timeout=S][ hard_timeout=S]
 * [ importance=N] actions=ACTIONS".  A bridge is read through dump-flows
 * without statistics, so like ovs-ofctl over OpenFlow 1.0 it shows no
 * importance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "actions.h"
#include "bridge-ofctl.h"
#include "common.h"
#include "ds.h"
#include "flowmod.h"
#include "match.h"
#include "printer.h"
#include "swofctl.h"

struct diff_flow {
    char *key;     /* "table priority match", for pairing and order. */
    char *version; /* The printed line without its sign. */
    uint8_t table;
    int priority;
};

/* A source names a file when it holds a '/' or a file of that name
 * exists, else a bridge (ovs-ofctl: a switch). */
static bool source_is_file(const char *src)
{
    struct stat st;
    return strchr(src, '/') || !stat(src, &st);
}

static char *source_text(const struct common_opts *g, const struct cmd_opts *o,
                         const char *src)
{
    if (source_is_file(src)) {
        return common_read_file(src);
    }
    json_t *r = common_call(g, "dump-flows",
                            json_pack("{s:s, s:b, s:b, s:s}", "bridge", src,
                                      "stats", false, "text_only", true,
                                      "protocol", o->protocol));
    char *text = xstrdup(json_string_value(json_object_get(r, PR_KEY_TEXT)));
    json_decref(r);
    return text;
}

static struct diff_flow *load_flows(const struct common_opts *g,
                                    const struct cmd_opts *o, const char *src,
                                    size_t *np)
{
    char *text = source_text(g, o, src);
    struct flow_mod *fms;
    size_t n;
    char *err = bridge_parse_flows(text, FM_ADD, FM_PARSE_ADD, NULL, &fms, &n);
    free(text);
    if (err) {
        die(1, "%s: %s", src, err);
    }
    struct diff_flow *v = xcalloc(n + 1, sizeof *v);
    struct ds ds = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        struct flow_mod *fm = &fms[i];
        ds_clear(&ds);
        match_format(&fm->match, fm->priority, NULL, &ds);
        v[i].key =
            xasprintf("%u %d %s", fm->table_id, fm->priority, ds_cstr(&ds));
        v[i].table = fm->table_id;
        v[i].priority = fm->priority;
        struct ds line = DS_EMPTY_INITIALIZER;
        if (fm->table_id) {
            ds_put_format(&line, "table=%u ", fm->table_id);
        }
        ds_put_cstr(&line, ds_cstr(&ds));
        if (fm->cookie) {
            ds_put_format(&line, " cookie=0x%llx",
                          (unsigned long long)fm->cookie);
        }
        if (fm->idle_timeout) {
            ds_put_format(&line, " idle_timeout=%u", fm->idle_timeout);
        }
        if (fm->hard_timeout) {
            ds_put_format(&line, " hard_timeout=%u", fm->hard_timeout);
        }
        if (fm->importance) {
            ds_put_format(&line, " importance=%u", fm->importance);
        }
        ds_put_cstr(&line, " actions=");
        ofpacts_format((const struct ofpact *)fm->ofpacts.data,
                       fm->ofpacts.size, NULL, &line);
        v[i].version = ds_steal_cstr(&line);
        flow_mod_uninit(fm);
    }
    ds_destroy(&ds);
    free(fms);
    *np = n;
    return v;
}

/* Table ascending, then priority descending, then the match's text. */
static int cmp_flows(const void *a_, const void *b_)
{
    const struct diff_flow *a = a_, *b = b_;
    if (a->table != b->table) {
        return a->table < b->table ? -1 : 1;
    }
    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    return strcmp(a->key, b->key);
}

static void free_flows(struct diff_flow *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
        free(v[i].version);
    }
    free(v);
}

int swofctl_diff_flows(const struct common_opts *g, const struct cmd_opts *o,
                       char *argv[], int argc)
{
    size_t na, nb;
    struct diff_flow *a = load_flows(g, o, argv[0], &na);
    struct diff_flow *b = load_flows(g, o, argv[1], &nb);
    if (na > 1) {
        qsort(a, na, sizeof *a, cmp_flows);
    }
    if (nb > 1) {
        qsort(b, nb, sizeof *b, cmp_flows);
    }
    bool differ = false;
    size_t i = 0, j = 0;
    while (i < na || j < nb) {
        int c = i >= na ? 1 : j >= nb ? -1 : cmp_flows(&a[i], &b[j]);
        if (c < 0) {
            printf("-%s\n", a[i++].version);
            differ = true;
        } else if (c > 0) {
            printf("+%s\n", b[j++].version);
            differ = true;
        } else {
            if (strcmp(a[i].version, b[j].version)) {
                printf("-%s\n+%s\n", a[i].version, b[j].version);
                differ = true;
            }
            i++;
            j++;
        }
    }
    free_flows(a, na);
    free_flows(b, nb);
    /* As ovs-ofctl: 2 when the sources differ, like diff(1)'s 1. */
    return differ ? 2 : 0;
}
