/* The article's br-tun: its flows and how it is built (see article.h). */
#include "article.h"

#include <stdlib.h>
#include <string.h>

#include "flowmod.h"
#include "ofproto.h"
#include "util.h"

/* Section "Open vSwitch" of the article, flow by flow. */
const char *const article_flows[ARTICLE_N_FLOWS] = {
    "table=0,priority=1,in_port=1 actions=resubmit(,1)",
    "table=0,priority=1,in_port=5 actions=resubmit(,2)",
    "table=0,priority=1,in_port=6 actions=resubmit(,2)",
    "table=0,priority=0,actions=drop",
    "table=1,priority=0,dl_dst=00:00:00:00:00:00/01:00:00:00:00:00,"
    "actions=resubmit(,20)",
    "table=1,priority=0,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
    "actions=resubmit(,21)",
    "table=21,priority=0,actions=output:5,output:6",
    "table=2,priority=0,actions=learn(table=20,hard_timeout=300,priority=1,"
    "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
    "load:NXM_NX_TUN_ID[]->NXM_NX_TUN_ID[],output:NXM_OF_IN_PORT[]), "
    "output:1",
    "table=20,priority=0,actions=resubmit(,21)",
};

char *article_add_flows(struct ofproto *p, const char *const flows[], size_t n)
{
    /* All parsed first and applied in one call, as swofctl add-flows
     * does: a bad flow leaves the bridge as it was. */
    struct flow_mod *fms = xcalloc(n ? n : 1, sizeof *fms);
    char *err = NULL;
    size_t n_init = 0;
    for (size_t i = 0; i < n && !err; i++) {
        flow_mod_init(&fms[i], FM_ADD);
        n_init++;
        char *perr = flow_mod_parse(&fms[i], flows[i], FM_PARSE_ADD,
                                    ofproto_portmap(p));
        if (perr) {
            err = xasprintf("%s: %s", flows[i], perr);
            free(perr);
        }
    }
    if (!err) {
        int error = ofproto_flow_mods(p, fms, n, &err);
        if (error && !err) {
            err = xasprintf("adding flows: %s", strerror(error));
        }
    }
    for (size_t i = 0; i < n_init; i++) {
        flow_mod_uninit(&fms[i]);
    }
    free(fms);
    return err;
}

struct ofproto *article_br_tun_create(char **errp)
{
    struct ofproto *p = ofproto_create("br-tun");
    ofproto_port_add(p, ARTICLE_PORT_PATCH, "patch-tun");
    ofproto_port_add(p, ARTICLE_PORT_VXLAN0, "vxlan0");
    ofproto_port_add(p, ARTICLE_PORT_VXLAN1, "vxlan1");
    *errp = article_add_flows(p, article_flows, ARTICLE_N_FLOWS);
    if (*errp) {
        ofproto_destroy(p);
        return NULL;
    }
    return p;
}
