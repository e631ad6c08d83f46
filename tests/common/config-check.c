#include "config-check.h"

#include <jansson.h>
#include <stdlib.h>

#include "config.h"

void config_check_invariants(const struct config *cfg)
{
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        const struct config_bridge *br = cfg->bridges[i];
        size_t n_local = 0;
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct config_port *p = br->ports[j];
            if (config_port_is_local(br, p)) {
                n_local++;
                if (p->ofport != CONFIG_OFPORT_LOCAL) {
                    abort();
                }
            }
            for (size_t k = 0; k < j; k++) {
                if (p->ofport != -1 && br->ports[k]->ofport == p->ofport) {
                    abort(); /* Two ports with one OpenFlow number. */
                }
            }
        }
        if (n_local != 1) {
            abort(); /* "Every bridge has a local port" (config.h). */
        }
    }
}

void config_check_round_trip(const struct config *cfg)
{
    json_t *j = config_to_json(cfg);
    if (!j) {
        abort();
    }
    struct config *again;
    char *err = config_from_json(j, &again);
    if (err) {
        abort(); /* The daemon could not reload what it saved. */
    }
    json_t *j2 = config_to_json(again);
    if (!json_equal(j, j2)) {
        abort();
    }
    json_decref(j2);
    json_decref(j);
    config_destroy(again);
}
