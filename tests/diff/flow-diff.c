/* flow-diff: the flow language against ovs-ofctl's recorded verdicts.
 *
 *     flow-diff CORPUS KNOWN [--min-flows N] [--min-agree PERCENT] [-v]
 *
 * CORPUS holds one record per generated flow (tests/diff/flowgen.py), as
 * tests/diff/ovs-verdicts.py wrote it from the real ovs-ofctl:
 * "ok<TAB>FLOW<TAB>PRINTED", "ok13<TAB>..." (added and dumped with -O
 * OpenFlow13) or "error<TAB>FLOW<TAB>MESSAGE".  Each flow goes through
 * what `swofctl parse-flow` runs (bridge_parse_flows, then
 * flow_print_format without statistics).  They agree when both accept
 * and print the same line, or both refuse (ours with a message).
 *
 * KNOWN lists the documented differences (docs/flow-syntax.md, "Where we
 * differ from OVS"), one per line: "NAME<TAB>REGEX", the regular
 * expression (POSIX extended) matched against the line
 * "FLOW<TAB>OVS-KIND<TAB>OVS-TEXT<TAB>OUR-TEXT" (our text: the printed
 * flow, or "error: " and our message).  Every
 * disagreement must match one of them; the agreement must reach
 * PERCENT (default 97) of at least N flows (default 2000).  Prints every
 * disagreement and a summary line; exits 0 when all of that holds. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "bridge-ofctl.h"
#include "ds.h"
#include "flowmod.h"
#include "util.h"

struct known {
    char *name;
    regex_t re;
    unsigned hits;
};

static struct known *read_known(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "flow-diff: %s: cannot open\n", path);
        exit(2);
    }
    struct known *k = NULL;
    size_t allocated = 0;
    char line[4096];
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab) {
            continue;
        }
        *tab = '\0';
        if (*n == allocated) {
            k = x2nrealloc(k, &allocated, *n + 1, sizeof *k);
        }
        if (regcomp(&k[*n].re, tab + 1, REG_EXTENDED | REG_NOSUB)) {
            fprintf(stderr, "flow-diff: %s: bad expression for %s\n", path,
                    line);
            exit(2);
        }
        k[*n].name = xstrdup(line);
        k[*n].hits = 0;
        (*n)++;
    }
    fclose(f);
    return k;
}

/* What swofctl parse-flow prints for 'flow' (NULL and '*err' set when it
 * refuses). */
static char *our_verdict(const char *flow, char **err)
{
    struct flow_mod *fms;
    size_t n;
    *err = bridge_parse_flows(flow, FM_ADD, FM_PARSE_ADD, NULL, &fms, &n);
    if (*err) {
        return NULL;
    }
    struct ds out = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        struct flow_mod *fm = &fms[i];
        flow_mod_format(fm, NULL, false, &out);
        flow_mod_uninit(fm);
    }
    free(fms);
    return ds_steal_cstr(&out);
}

int main(int argc, char *argv[])
{
    if (argc < 3) {
        fprintf(stderr, "usage: flow-diff CORPUS KNOWN [--min-flows N] "
                        "[--min-agree PERCENT] [-v]\n");
        return 2;
    }
    unsigned long min_flows = 2000;
    double min_agree = 97.0;
    bool verbose = false;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--min-flows") && i + 1 < argc) {
            min_flows = strtoul(argv[++i], NULL, 10);
        } else if (!strcmp(argv[i], "--min-agree") && i + 1 < argc) {
            min_agree = strtod(argv[++i], NULL);
        } else if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else {
            fprintf(stderr, "flow-diff: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    size_t n_known;
    struct known *known = read_known(argv[2], &n_known);
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        fprintf(stderr, "flow-diff: %s: cannot open\n", argv[1]);
        return 2;
    }

    unsigned long n = 0, agree = 0, documented = 0, undocumented = 0;
    unsigned long ovs_ok = 0, ovs_err = 0;
    size_t cap = 1 << 16;
    char *line = xmalloc(cap);
    while (fgets(line, (int)cap, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t2) {
            continue;
        }
        *t1 = *t2 = '\0';
        const char *kind = line, *flow = t1 + 1, *want = t2 + 1;
        bool ovs_accepts = strcmp(kind, "error") != 0;
        n++;
        ovs_accepts ? ovs_ok++ : ovs_err++;

        char *err = NULL;
        char *got = our_verdict(flow, &err);
        bool same;
        if (ovs_accepts) {
            same = got && !strcmp(got, want);
        } else {
            same = !got && err && *err;
        }
        if (same) {
            agree++;
            if (verbose) {
                printf("same: %s\n", flow);
            }
        } else {
            char *subject = xasprintf("%s\t%s\t%s\t%s%s", flow, kind, want,
                                      got ? "" : "error: ",
                                      got   ? got
                                      : err ? err
                                            : "");
            size_t i;
            for (i = 0; i < n_known; i++) {
                if (!regexec(&known[i].re, subject, 0, NULL, 0)) {
                    break;
                }
            }
            free(subject);
            if (i < n_known) {
                known[i].hits++;
                documented++;
            } else {
                undocumented++;
            }
            printf("%s: %s\n  ovs (%s): %s\n  ours: %s\n",
                   i < n_known ? known[i].name : "UNDOCUMENTED", flow, kind,
                   want,
                   got   ? got
                   : err ? err
                         : "(no message)");
        }
        free(got);
        free(err);
    }
    fclose(f);
    free(line);

    double pct = n ? 100.0 * (double)agree / (double)n : 0.0;
    for (size_t i = 0; i < n_known; i++) {
        printf("documented difference %s: %u flows\n", known[i].name,
               known[i].hits);
        regfree(&known[i].re);
        free(known[i].name);
    }
    free(known);
    printf("flows=%lu ovs_accepts=%lu ovs_refuses=%lu agree=%lu (%.2f%%) "
           "documented=%lu undocumented=%lu\n",
           n, ovs_ok, ovs_err, agree, pct, documented, undocumented);
    if (n < min_flows) {
        printf("FAIL: %lu flows, fewer than %lu\n", n, min_flows);
        return 1;
    }
    if (undocumented) {
        printf("FAIL: %lu disagreements are not documented\n", undocumented);
        return 1;
    }
    if (pct < min_agree) {
        printf("FAIL: agreement %.2f%% is below %.2f%%\n", pct, min_agree);
        return 1;
    }
    return 0;
}
