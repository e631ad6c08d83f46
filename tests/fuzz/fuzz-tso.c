/* Fuzz target: software segmentation of frames the host stack hands us
 * through an offloading TAP.  Input: one byte choosing the IP packet
 * limit, one byte the MSS, then the frame.  Beyond memory safety it
 * checks what segmentation promises: every segment fits the limits, is a
 * TCP frame with a right checksum, and the segments' payloads put end to
 * end are the original payload. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    size_t max_l3 = 68 + (size_t)data[0] * 8; /* 68..2108 */
    size_t mss = data[1];                     /* 0: no MSS limit */
    const uint8_t *frame = data + 2;
    size_t len = size - 2;

    /* An exact-size copy so ASan sees reads past the end. */
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, frame, len);

    (void)tso_l3_len(copy, len);
    struct tso_tcp t;
    bool is_tcp = tso_parse_tcp(copy, len, &t);

    struct tso_segs segs;
    tso_segs_init(&segs);
    int error = tso_segment(copy, len, max_l3, 0, mss, &segs);
    if (!error) {
        check(is_tcp);
        size_t payload = t.l3_end - t.payload_ofs;
        size_t done = 0;
        for (size_t i = 0; i < segs.n; i++) {
            const uint8_t *seg = segs.buf + segs.ofs[i];
            struct tso_tcp st;
            check(tso_parse_tcp(seg, segs.len[i], &st));
            check(st.l3_end - st.l3_ofs <= max_l3);
            check(tso_tcp_csum_ok(seg, &st));
            size_t n = st.l3_end - st.payload_ofs;
            check(!mss || n <= mss);
            check(done + n <= payload);
            check(
                !memcmp(seg + st.payload_ofs, copy + t.payload_ofs + done, n));
            done += n;
        }
        check(done == payload);
    } else {
        check(segs.n == 0);
    }
    tso_segs_uninit(&segs);

    /* Checksum completion must stay inside the frame for any offsets. */
    if (len >= 4) {
        size_t start = copy[0] % (len + 8);
        size_t offset = copy[1] % 64;
        (void)tso_complete_csum(copy, len, start, offset);
    }
    free(copy);
    return 0;
}
