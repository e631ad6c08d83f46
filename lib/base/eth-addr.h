/* eth-addr: Ethernet addresses, the one place they are made and printed.
 *
 * A port without a device of its own (a patch port, a port that failed
 * to open) and a TAP that switchd creates both get their address from
 * their name, so that the same name shows the same MAC in `show`, in the
 * device and across restarts: eth_addr_from_name() is that rule, and
 * nothing else derives a MAC. */
#ifndef SW_ETH_ADDR_H
#define SW_ETH_ADDR_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ds.h"

#define ETH_ADDR_LEN 6
/* "xx:xx:xx:xx:xx:xx" and its terminating NUL. */
#define ETH_ADDR_STRLEN 18

/* A locally administered unicast address hashed from 'name'. */
void eth_addr_from_name(const char *name, uint8_t mac[ETH_ADDR_LEN]);

/* Parses exactly "xx:xx:xx:xx:xx:xx" (hex digits, either case) into
 * 'mac'.  Returns false, leaving 'mac' unspecified, on anything else. */
bool eth_addr_parse(const char *s, uint8_t mac[ETH_ADDR_LEN]);

/* Appends "xx:xx:xx:xx:xx:xx" (lower-case hex, as OVS prints). */
void eth_addr_format(const uint8_t mac[ETH_ADDR_LEN], struct ds *);
/* Writes the same into 'buf' and returns it. */
char *eth_addr_to_str(const uint8_t mac[ETH_ADDR_LEN],
                      char buf[ETH_ADDR_STRLEN]);

#endif
