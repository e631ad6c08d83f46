/* config-check: what every configuration the daemon holds must satisfy,
 * for the fuzz targets that drive the configuration (fuzz-config through
 * vsctl_run, fuzz-methods through the socket methods).
 *
 * Both checks abort() on a violation, which is how a fuzz target reports
 * a finding. */
#ifndef SW_CONFIG_CHECK_H
#define SW_CONFIG_CHECK_H 1

struct config;

/* Each bridge holds exactly one local port, numbered LOCAL, and no two
 * ports of a bridge share an OpenFlow number. */
void config_check_invariants(const struct config *);

/* config_to_json() -> config_from_json() -> config_to_json() gives the
 * same JSON: the daemon can reload whatever it saved. */
void config_check_round_trip(const struct config *);

#endif
