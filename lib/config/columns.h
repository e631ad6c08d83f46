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
 * shell passes ovs-vsctl's quoted strings.  vsctl.c owns the commands;
 * this file owns what a column accepts and how a record looks. */
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

/* The Port record of 'p' and the Bridge record of 'br' (new references):
 * every column this database has, JSON null for an empty scalar. */
json_t *db_port_record(const struct config_port *p);
json_t *db_bridge_record(const struct config_bridge *br);

/* The key-value map column 'column' of a record, or NULL if 'column' is
 * not one. */
struct smap *db_map_column(enum db_table, struct config_port *,
                           struct config_bridge *, const char *column);

/* Applies "COLUMN[:KEY]=VALUE" ('column', 'key' may be NULL, 'value'
 * already split out of 'arg') for the columns above.  Returns NULL and
 * '*handledp' true when it was one of them, NULL and false when the
 * column is not one of ours (the caller tries its own), or an allocated
 * message naming 'arg'. */
char *db_set_column(enum db_table, struct config_port *,
                    struct config_bridge *, const char *column,
                    const char *key, const char *value, const char *arg,
                    bool *handledp);

/* remove TABLE RECORD COLUMN VALUE: takes KEY or KEY=VALUE out of a map,
 * a VLAN out of trunks, the tag if it equals 'value'.  Removing what is
 * not there is not an error (as in ovs-vsctl). */
char *db_remove_value(enum db_table, struct config_port *,
                      struct config_bridge *, const char *column,
                      const char *value);

/* clear TABLE RECORD COLUMN for the columns above; '*handledp' as in
 * db_set_column(). */
void db_clear_column(enum db_table, struct config_port *,
                     struct config_bridge *, const char *column,
                     bool *handledp);

/* find: whether a record's column value 'col' (as in the record JSON)
 * equals 'value' written in ovs-vsctl's notation. */
bool db_value_equals(const json_t *col, const char *value);

#endif
