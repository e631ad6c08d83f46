/* columns: the database columns that swctl reads and writes beyond an
 * interface's type and options, in ovs-vsctl's notation.
 *
 *   Interface  external_ids            (map)
 *   Port       external_ids (map), tag (0..4095 or empty), trunks (set)
 *   Bridge     external_ids (map), fail_mode (standalone, secure or
 *              empty)
 *
 * A map is written "external_ids:KEY=VALUE" (one key) or
 * "external_ids={KEY=VALUE, ...}" (the whole map), a set "trunks=1,2",
 * "trunks=[1, 2]" or "trunks=[]".  Values may be double-quoted as the
 * shell passes ovs-vsctl's quoted strings.  vsctl-commands.c owns the
 * commands, records.c how a record reads; this file owns what a column
 * accepts. */
#ifndef SW_COLUMNS_H
#define SW_COLUMNS_H 1

#include <jansson.h>
#include <stdbool.h>

#include "config.h"

enum db_table {
    DB_INTERFACE,
    DB_PORT,
    DB_BRIDGE,
};

/* Table names are case-insensitive, as in ovs-vsctl.  Returns NULL or an
 * allocated message. */
char *db_table_parse(const char *name, enum db_table *);
const char *db_table_name(enum db_table);

/* The key-value map column 'column' of a record, or NULL if 'column' is
 * not one. */
struct smap *db_map_column(enum db_table, struct config_port *,
                           struct config_bridge *, const char *column);

/* set: applies "COLUMN[:KEY]=VALUE" 'arg' (the value may be
 * double-quoted) to the row of table 't' (the port 'p' on bridge 'br', or
 * the bridge 'br'): the columns above, an Interface's type, options and
 * ofport_request, a Bridge's datapath_type and other_config.  Returns
 * NULL or an allocated message naming 'arg'. */
char *db_set(enum db_table, struct config_port *, struct config_bridge *,
             const char *arg);

/* clear: empties 'column' of the row (a map, a set, a scalar that may be
 * empty).  Returns NULL or an allocated message. */
char *db_clear(enum db_table, struct config_port *, struct config_bridge *,
               const char *column);

/* remove TABLE RECORD COLUMN VALUE: takes KEY or KEY=VALUE out of a map,
 * a VLAN out of trunks, the tag if it equals 'value'.  Removing what is
 * not there is not an error (as in ovs-vsctl). */
char *db_remove_value(enum db_table, struct config_port *,
                      struct config_bridge *, const char *column,
                      const char *value);

/* find: whether a record's column value 'col' (as in the record JSON)
 * equals 'value' written in ovs-vsctl's notation. */
bool db_value_equals(const json_t *col, const char *value);

#endif
