/* Fuzz target: a received UDP payload goes through the VXLAN header parser
 * and the inner-frame hash, the two functions that read untrusted bytes
 * on the receive and send paths.  Neither may read out of bounds, and a
 * header that parses must round-trip through vxlan_header_put().  The
 * same bytes are also split as a coalesced (UDP_GRO) buffer would be,
 * with the first two bytes as the datagram size: the pieces must cover
 * the buffer exactly and each be parsed within its own bounds. */
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

    if (size >= 2) {
        size_t gso = (size_t)data[0] << 8 | data[1];
        size_t n = vxlan_gro_count(size, gso);
        size_t covered = 0;
        for (size_t k = 0; k < n; k++) {
            size_t len = k + 1 < n ? gso : size - k * gso;
            if (!len || len > size - covered) {
                abort();
            }
            (void)vxlan_header_parse(data + covered, len, &vni);
            covered += len;
        }
        if (covered != size) {
            abort();
        }
    }
    return 0;
}
