/* eth-addr: see eth-addr.h. */
#include "eth-addr.h"

#include <ctype.h>
#include <stdio.h>

#include "hash.h"

void eth_addr_from_name(const char *name, uint8_t mac[ETH_ADDR_LEN])
{
    uint32_t h1 = hash_string(name, 0x5eed);
    uint32_t h2 = hash_string(name, h1);
    /* Locally administered (bit 1), unicast (bit 0 clear). */
    mac[0] = (uint8_t)((h1 & 0xfc) | 0x02);
    mac[1] = (uint8_t)(h1 >> 8);
    mac[2] = (uint8_t)(h1 >> 16);
    mac[3] = (uint8_t)(h2);
    mac[4] = (uint8_t)(h2 >> 8);
    mac[5] = (uint8_t)(h2 >> 16);
}

char *eth_addr_to_str(const uint8_t m[ETH_ADDR_LEN], char buf[ETH_ADDR_STRLEN])
{
    snprintf(buf, ETH_ADDR_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
             m[2], m[3], m[4], m[5]);
    return buf;
}

void eth_addr_format(const uint8_t mac[ETH_ADDR_LEN], struct ds *ds)
{
    char buf[ETH_ADDR_STRLEN];
    ds_put_cstr(ds, eth_addr_to_str(mac, buf));
}

static int hex_value(int c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

bool eth_addr_parse(const char *s, uint8_t mac[ETH_ADDR_LEN])
{
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1])
            || s[2] != (i == ETH_ADDR_LEN - 1 ? '\0' : ':')) {
            return false;
        }
        mac[i] = (uint8_t)(hex_value(s[0]) << 4 | hex_value(s[1]));
        s += 3;
    }
    return true;
}
