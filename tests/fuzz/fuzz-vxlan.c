/* Fuzz target: a received UDP payload goes through the VXLAN header parser
 * and the inner-frame hash, the two functions that read untrusted bytes
 * on the receive and send paths.  Neither may read out of bounds, and a
 * header that parses must round-trip through vxlan_header_put(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vxlan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t vni;
    if (vxlan_header_parse(data, size, &vni) == VXLAN_OK) {
        uint8_t hdr[VXLAN_HLEN];
        uint32_t again;
        vxlan_header_put(hdr, vni);
        if (vxlan_header_parse(hdr, VXLAN_HLEN, &again) != VXLAN_ERR_SHORT) {
            abort();
        }
        uint8_t *copy = malloc(size);
        memcpy(copy, data, size);
        memcpy(copy, hdr, VXLAN_HLEN);
        if (vxlan_header_parse(copy, size, &again) != VXLAN_OK
            || again != vni) {
            abort();
        }
        free(copy);
        uint16_t port = vxlan_src_port(
            vxlan_inner_hash(data + VXLAN_HLEN, size - VXLAN_HLEN));
        if (port < VXLAN_SRC_PORT_MIN) {
            abort();
        }
    }
    (void)vxlan_inner_hash(data, size);
    return 0;
}
