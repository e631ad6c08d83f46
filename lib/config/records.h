/* records: the rows of Interface, Port and Bridge as swctl reads them
 * (list, find, get, show), each a JSON object of ovs-vsctl's columns:
 * the one place a column's name is spelled for reading (columns.h says
 * what a column accepts when written).
 *
 *   Interface  name, external_ids, type, options, ofport, ofport_request,
 *              error, admin_state, link_state
 *   Port       name, tag, trunks, external_ids
 *   Bridge     name, ports, datapath_type, external_ids, other_config,
 *              fail_mode
 *
 * An empty scalar is JSON null (ovs-vsctl's []), a map an object, a set
 * an array. */
#ifndef SW_RECORDS_H
#define SW_RECORDS_H 1

#include <jansson.h>
#include <stdbool.h>

#include "columns.h"
#include "config.h"

/* Live state that the Interface columns error, ofport (-1),
 * admin_state and link_state show.  Any member may be NULL. */
struct db_status {
    /* Returns the reason 'iface' failed to come up, or NULL. */
    const char *(*iface_error)(void *aux, const char *iface);
    /* Whether 'iface' could not be opened at all: its ofport reads -1, as
     * in OVS. */
    bool (*iface_open_failed)(void *aux, const char *iface);
    /* Fills whether 'iface' is administratively up and its link up;
     * false if it has no state to show (not open). */
    bool (*iface_state)(void *aux, const char *iface, bool *admin_up,
                        bool *link_up);
    void *aux;
};

/* The record of a row of table 't' (new reference): the port 'p' for
 * Interface and Port, the bridge 'br' for Bridge; 'st' may be NULL. */
json_t *db_record(enum db_table t, const struct config_port *p,
                  const struct config_bridge *br, const struct db_status *st);

/* The Interface error column of 'iface', or NULL ('st' may be NULL). */
const char *db_iface_error(const struct db_status *st, const char *iface);

/* The options column of 'p' (new reference). */
json_t *db_options(const struct config_port *p);

#endif
