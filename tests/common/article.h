/* article: the article's br-tun, one copy for tests, fuzzers and swbench.
 *
 * The article's tunnel bridge has three ports, patch-tun = 1 (to br-int),
 * vxlan0 = 5 (to 192.168.33.13) and vxlan1 = 6 (to .14), and nine flows:
 * table 0 sends the patch port's traffic to table 1 and the tunnels' to
 * table 2; table 1 sends unicast to table 20 and multicast to table 21;
 * table 2 learns the source MAC and tun_id into table 20 (hard_timeout
 * 300) and outputs to the patch port; table 20 holds what was learned and
 * falls back to table 21, which floods to both tunnels.
 *
 * Unit tests, fuzz targets and the benchmark all run this bridge.  They
 * take the flows from here so that they keep testing the same thing when
 * the article's flows change.  The flows go through flow_mod_parse(), the
 * parser swofctl uses, so a parser change shows up here too.
 *
 * Nothing here asserts or exits: errors are returned, and each caller
 * fails in its own way (a Check assertion, abort() in a fuzz target, a
 * message from swbench). */
#ifndef SW_ARTICLE_H
#define SW_ARTICLE_H 1

#include <stddef.h>

struct ofproto;

/* br-tun's port numbers, which the flows below spell out. */
#define ARTICLE_PORT_PATCH 1
#define ARTICLE_PORT_VXLAN0 5
#define ARTICLE_PORT_VXLAN1 6

/* The flows as typed in the article, in its order.  The size in the
 * declaration makes a definition with more or fewer flows a compile
 * error, so ARTICLE_N_FLOWS cannot go stale. */
#define ARTICLE_N_FLOWS 9
extern const char *const article_flows[ARTICLE_N_FLOWS];

/* The index of the learner (table 2) in article_flows[]. */
#define ARTICLE_FLOW_LEARN 7

/* Creates "br-tun" with the ports above and installs article_flows[].
 * Returns the bridge (caller destroys it), or NULL with '*errp' set to
 * an allocated message (caller frees). */
struct ofproto *article_br_tun_create(char **errp);

/* Parses the 'n' flow texts in 'flows' as "swofctl add-flow" would and
 * adds them to 'p' in one all-or-nothing ofproto_flow_mods() call.
 * Returns NULL or an allocated message naming the flow at fault (caller
 * frees); on error 'p' is unchanged. */
char *article_add_flows(struct ofproto *p, const char *const flows[],
                        size_t n);

#endif
