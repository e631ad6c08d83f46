/* tso: software TCP segmentation (see the header). */
#include "tso.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ETH_HLEN 14
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_QINQ 0x88a8
#define IPPROTO_TCP_ 6

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_CWR 0x80

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* 32 bytes as eight 32-bit lanes (GCC and clang vector extensions:
 * SSE2 code on any x86-64, AVX2 where csum_wide_avx2() runs). */
typedef uint32_t u32x8 __attribute__((vector_size(32)));

/* Adds the 16-bit words of the first n - n % 32 bytes at 'p' into a
 * 64-bit total, 32 bytes a step: each 32-bit lane takes its two words
 * (the low and the high half), which is the same native-order sum as a
 * word-by-word loop, four to eight words an instruction.  A lane grows
 * by at most 2 * 0xffff a step, so the lanes are emptied into the total
 * every 16384 steps, long before one could overflow.  With 'dst', the
 * bytes are also stored there: a copy and its checksum in one pass
 * (the compiler drops the stores where 'dst' is the constant NULL). */
static inline __attribute__((always_inline)) uint64_t
csum_wide_body(const uint8_t *p, size_t n, uint8_t *dst)
{
    uint64_t total = 0;
    while (n >= 32) {
        size_t steps = n / 32 < 16384 ? n / 32 : 16384;
        u32x8 acc = { 0 };
        for (size_t i = 0; i < steps; i++, p += 32) {
            u32x8 v;
            memcpy(&v, p, sizeof v);
            if (dst) {
                memcpy(dst, &v, sizeof v);
                dst += 32;
            }
            acc += (v & 0xffff) + (v >> 16);
        }
        n -= steps * 32;
        for (int k = 0; k < 8; k++) {
            total += acc[k];
        }
    }
    return total;
}

static uint64_t csum_wide_default(const uint8_t *p, size_t n)
{
    return csum_wide_body(p, n, NULL);
}

static uint64_t csum_copy_wide_default(const uint8_t *p, size_t n,
                                       uint8_t *dst)
{
    return csum_wide_body(p, n, dst);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static uint64_t
csum_wide_avx2(const uint8_t *p, size_t n)
{
    return csum_wide_body(p, n, NULL);
}

__attribute__((target("avx2"))) static uint64_t
csum_copy_wide_avx2(const uint8_t *p, size_t n, uint8_t *dst)
{
    return csum_wide_body(p, n, dst);
}
#endif

static bool have_avx2(void)
{
#if defined(__x86_64__)
    static int avx2 = -1;
    if (avx2 < 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return avx2;
#else
    return false;
#endif
}

/* The sum of the 32-byte steps, by the widest code this CPU runs: the
 * checksum passes over a TCP stream's payload were the biggest item in
 * switchd's own time after the copies (docs/performance.md).  With
 * 'dst', copies them there too. */
static uint64_t csum_wide(const uint8_t *p, size_t n, uint8_t *dst)
{
#if defined(__x86_64__)
    if (have_avx2()) {
        return dst ? csum_copy_wide_avx2(p, n, dst) : csum_wide_avx2(p, n);
    }
#endif
    return dst ? csum_copy_wide_default(p, n, dst) : csum_wide_default(p, n);
}

/* The ones' complement sum of 'n' bytes read as native-order 16-bit
 * words (a trailing byte padded with zero), folded to 16 bits.  The sum
 * of 16-bit words folded modulo 0xffff is the same whatever width the
 * additions use, and in either byte order up to a byte swap of the
 * result (RFC 1071), so wide additions give the same answer as a loop
 * over big-endian words, many times faster. */
static uint16_t csum_native(const uint8_t *p, size_t n, uint8_t *dst)
{
    uint64_t acc = 0;
    if (n >= 64) {
        acc = csum_wide(p, n, dst);
        p += n - n % 32;
        if (dst) {
            dst += n - n % 32;
        }
        n %= 32;
    }
    if (dst) {
        memcpy(dst, p, n);
    }
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
        acc += (x & 0xffffffffu) + (x >> 32);
    }
    if (n >= 4) {
        uint32_t x;
        memcpy(&x, p, 4);
        acc += x;
        p += 4;
        n -= 4;
    }
    if (n >= 2) {
        uint16_t x;
        memcpy(&x, p, 2);
        acc += x;
        p += 2;
        n -= 2;
    }
    if (n) {
        uint8_t last[2] = { p[0], 0 };
        uint16_t x;
        memcpy(&x, last, 2);
        acc += x;
    }
    while (acc >> 16) {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    return (uint16_t)acc;
}

static uint32_t csum_add_copy(uint32_t sum, const void *data, size_t n,
                              uint8_t *dst)
{
    uint16_t native = csum_native(data, n, dst);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    native = (uint16_t)(native << 8 | native >> 8);
#endif
    uint64_t s = (uint64_t)sum + native;
    while (s >> 32) {
        s = (s & 0xffffffff) + (s >> 32);
    }
    return (uint32_t)s;
}

uint32_t tso_csum_add(uint32_t sum, const void *data, size_t n)
{
    return csum_add_copy(sum, data, n, NULL);
}

uint32_t tso_csum_copy(uint32_t sum, void *dst, const void *src, size_t n)
{
    return csum_add_copy(sum, src, n, dst);
}

uint16_t tso_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/* Offset of the L3 header and its ethertype, or 0. */
static size_t l3_offset(const uint8_t *frame, size_t len, uint16_t *typep)
{
    if (len < ETH_HLEN) {
        return 0;
    }
    size_t ofs = 12;
    uint16_t type = get16(frame + ofs);
    /* Two tags at most: what the pipeline pushes (QinQ) and no more. */
    for (int i = 0; i < 2 && (type == ETH_TYPE_VLAN || type == ETH_TYPE_QINQ);
         i++) {
        ofs += 4;
        if (len < ofs + 2) {
            return 0;
        }
        type = get16(frame + ofs);
    }
    *typep = type;
    return ofs + 2;
}

size_t tso_l3_len(const uint8_t *frame, size_t len)
{
    uint16_t type;
    size_t l3 = l3_offset(frame, len, &type);
    if (!l3) {
        return 0;
    }
    if (type == ETH_TYPE_IP && len >= l3 + 20) {
        return get16(frame + l3 + 2);
    } else if (type == ETH_TYPE_IPV6 && len >= l3 + 40) {
        return 40 + (size_t)get16(frame + l3 + 4);
    }
    return 0;
}

bool tso_parse_tcp(const uint8_t *frame, size_t len, struct tso_tcp *t)
{
    uint16_t type;
    size_t l3 = l3_offset(frame, len, &type);
    if (!l3) {
        return false;
    }
    size_t l4, end;
    if (type == ETH_TYPE_IP) {
        if (len < l3 + 20 || frame[l3] >> 4 != 4) {
            return false;
        }
        size_t ihl = (size_t)(frame[l3] & 0xf) * 4;
        size_t tot = get16(frame + l3 + 2);
        /* MF set or a fragment offset: not a whole TCP segment. */
        if (ihl < 20 || (get16(frame + l3 + 6) & 0x3fff)
            || frame[l3 + 9] != IPPROTO_TCP_ || tot < ihl || l3 + tot > len) {
            return false;
        }
        l4 = l3 + ihl;
        end = l3 + tot;
        t->ipv6 = false;
    } else if (type == ETH_TYPE_IPV6) {
        if (len < l3 + 40 || frame[l3] >> 4 != 6
            || frame[l3 + 6] != IPPROTO_TCP_) {
            return false;
        }
        l4 = l3 + 40;
        end = l4 + get16(frame + l3 + 4);
        if (end > len) {
            return false;
        }
        t->ipv6 = true;
    } else {
        return false;
    }
    if (end < l4 + 20) {
        return false;
    }
    size_t doff = (size_t)(frame[l4 + 12] >> 4) * 4;
    if (doff < 20 || l4 + doff > end) {
        return false;
    }
    t->l3_ofs = l3;
    t->l4_ofs = l4;
    t->payload_ofs = l4 + doff;
    t->l3_end = end;
    return true;
}

/* The pseudo-header sum for a TCP segment of 'l4_len' bytes, as
 * tso_csum_add() would give it (big-endian words added), not folded.
 * Added word by word rather than through tso_csum_add(): it runs for
 * every segment, and three calls for 12 or 36 bytes cost more than the
 * additions. */
static uint32_t pseudo_sum(const uint8_t *frame, const struct tso_tcp *t,
                           size_t l4_len)
{
    const uint8_t *ip = frame + t->l3_ofs;
    const uint8_t *addrs = t->ipv6 ? ip + 8 : ip + 12;
    size_t n = t->ipv6 ? 32 : 8;
    uint32_t sum =
        IPPROTO_TCP_ + (uint32_t)(l4_len >> 16) + (uint32_t)(l4_len & 0xffff);
    for (size_t i = 0; i < n; i += 2) {
        sum += get16(addrs + i);
    }
    return sum;
}

uint16_t tso_tcp_pseudo_csum(const uint8_t *frame, const struct tso_tcp *t)
{
    return tso_csum_fold(pseudo_sum(frame, t, t->l3_end - t->l4_ofs));
}

void tso_tcp_csum(uint8_t *frame, const struct tso_tcp *t)
{
    size_t l4_len = t->l3_end - t->l4_ofs;
    uint8_t *th = frame + t->l4_ofs;
    put16(th + 16, 0);
    uint32_t sum = pseudo_sum(frame, t, l4_len);
    sum = tso_csum_add(sum, th, l4_len);
    put16(th + 16, (uint16_t)~tso_csum_fold(sum));
}

bool tso_complete_csum(uint8_t *frame, size_t len, size_t start, size_t offset)
{
    if (start >= len || offset + 2 > len - start) {
        return false;
    }
    /* The field holds the pseudo-header sum and takes part in the sum. */
    uint32_t sum = tso_csum_add(0, frame + start, len - start);
    put16(frame + start + offset, (uint16_t)~tso_csum_fold(sum));
    return true;
}

void tso_split_init(struct tso_split *s)
{
    memset(s, 0, sizeof *s);
}

void tso_split_uninit(struct tso_split *s)
{
    if (s) {
        free(s->hdrs);
        free(s->seg);
    }
}

void tso_segs_init(struct tso_segs *s)
{
    memset(s, 0, sizeof *s);
    tso_split_init(&s->split);
}

void tso_segs_uninit(struct tso_segs *s)
{
    if (s) {
        free(s->buf);
        free(s->ofs);
        free(s->len);
        tso_split_uninit(&s->split);
    }
}

/* The IPv4 header checksum, recomputed. */
static void ipv4_csum(uint8_t *ip)
{
    size_t ihl = (size_t)(ip[0] & 0xf) * 4;
    put16(ip + 10, 0);
    put16(ip + 10, (uint16_t)~tso_csum_fold(tso_csum_add(0, ip, ihl)));
}

int tso_split(const uint8_t *frame, size_t len, size_t max_l3,
              size_t max_frame, size_t mss, struct tso_split *segs)
{
    segs->n = 0;
    struct tso_tcp t;
    if (!tso_parse_tcp(frame, len, &t)
        || (t.l3_end - t.l3_ofs <= max_l3
            && (!max_frame || t.l3_end <= max_frame))) {
        return ENOENT;
    }
    size_t hdrs = t.payload_ofs;               /* L2 + L3 + TCP headers. */
    size_t l3_hdrs = t.payload_ofs - t.l3_ofs; /* IP + TCP headers. */
    if (max_l3 <= l3_hdrs || (max_frame && max_frame <= hdrs)) {
        return EMSGSIZE;
    }
    size_t seg_payload = max_l3 - l3_hdrs;
    if (max_frame && max_frame - hdrs < seg_payload) {
        seg_payload = max_frame - hdrs;
    }
    if (mss && mss < seg_payload) {
        seg_payload = mss;
    }
    size_t payload = t.l3_end - t.payload_ofs;
    size_t n = (payload + seg_payload - 1) / seg_payload;

    if (segs->hdrs_size < n * hdrs) {
        free(segs->hdrs);
        segs->hdrs = xmalloc(n * hdrs);
        segs->hdrs_size = n * hdrs;
    }
    if (segs->n_alloc < n) {
        free(segs->seg);
        segs->seg = xmalloc(n * sizeof *segs->seg);
        segs->n_alloc = n;
    }

    const uint8_t *ip0 = frame + t.l3_ofs;
    const uint8_t *th0 = frame + t.l4_ofs;
    uint16_t id0 = get16(ip0 + 4);
    uint32_t seq0 = get32(th0 + 4);
    uint8_t flags0 = th0[13];
    size_t th_len = t.payload_ofs - t.l4_ofs;

    for (size_t i = 0; i < n; i++) {
        size_t pofs = i * seg_payload;
        size_t plen =
            payload - pofs < seg_payload ? payload - pofs : seg_payload;
        const uint8_t *body = frame + t.payload_ofs + pofs;
        uint8_t *seg = segs->hdrs + i * hdrs;
        memcpy(seg, frame, hdrs);

        uint8_t *ip = seg + t.l3_ofs;
        if (t.ipv6) {
            put16(ip + 4, (uint16_t)(l3_hdrs - 40 + plen));
        } else {
            put16(ip + 2, (uint16_t)(l3_hdrs + plen));
            /* Consecutive IDs, as the kernel's GSO gives them. */
            put16(ip + 4, (uint16_t)(id0 + i));
            ipv4_csum(ip);
        }
        uint8_t *th = seg + t.l4_ofs;
        put32(th + 4, seq0 + (uint32_t)pofs);
        uint8_t flags = flags0;
        if (i + 1 < n) {
            flags &= (uint8_t) ~(TCP_FIN | TCP_PSH);
        }
        if (i > 0) {
            flags &= (uint8_t)~TCP_CWR;
        }
        th[13] = flags;

        /* The TCP header is a multiple of 4 bytes long, so the payload's
         * sum adds at an even offset: one pass over the slice, read in
         * place. */
        struct tso_tcp st = t;
        st.l3_end = hdrs + plen;
        put16(th + 16, 0);
        uint32_t sum = pseudo_sum(seg, &st, th_len + plen);
        sum = tso_csum_add(sum, th, th_len);
        sum = tso_csum_add(sum, body, plen);
        put16(th + 16, (uint16_t)~tso_csum_fold(sum));

        segs->seg[i] = (struct frame_ref){
            .head = seg, .head_len = hdrs, .body = body, .body_len = plen
        };
    }
    segs->n = n;
    return 0;
}

int tso_segment(const uint8_t *frame, size_t len, size_t max_l3,
                size_t max_frame, size_t mss, struct tso_segs *segs)
{
    segs->n = 0;
    int error = tso_split(frame, len, max_l3, max_frame, mss, &segs->split);
    if (error) {
        return error;
    }
    size_t n = segs->split.n;
    size_t need = 0;
    for (size_t i = 0; i < n; i++) {
        need += frame_ref_len(&segs->split.seg[i]);
    }
    if (segs->buf_size < need) {
        free(segs->buf);
        segs->buf = xmalloc(need);
        segs->buf_size = need;
    }
    if (segs->n_alloc < n) {
        free(segs->ofs);
        free(segs->len);
        segs->ofs = xmalloc(n * sizeof *segs->ofs);
        segs->len = xmalloc(n * sizeof *segs->len);
        segs->n_alloc = n;
    }
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        const struct frame_ref *f = &segs->split.seg[i];
        memcpy(segs->buf + out, f->head, f->head_len);
        memcpy(segs->buf + out + f->head_len, f->body, f->body_len);
        segs->ofs[i] = out;
        segs->len[i] = frame_ref_len(f);
        out += segs->len[i];
    }
    segs->n = n;
    return 0;
}

bool tso_tcp_csum_ok(const uint8_t *frame, const struct tso_tcp *t)
{
    size_t l4_len = t->l3_end - t->l4_ofs;
    uint32_t sum = pseudo_sum(frame, t, l4_len);
    sum = tso_csum_add(sum, frame + t->l4_ofs, l4_len);
    return tso_csum_fold(sum) == 0xffff;
}

bool tso_gro_can_start(const uint8_t *a, size_t len, struct tso_tcp *t)
{
    return tso_parse_tcp(a, len, t) && t->l3_end > t->payload_ofs
           && a[t->l4_ofs + 13] == TCP_ACK && tso_tcp_csum_ok(a, t);
}

bool tso_gro_continues(const uint8_t *a, const struct tso_tcp *t,
                       size_t first_seg, const uint8_t *b, size_t blen,
                       size_t max_l3, struct tso_tcp *tb)
{
    if (!tso_parse_tcp(b, blen, tb) || tb->ipv6 != t->ipv6
        || tb->l3_ofs != t->l3_ofs || tb->l4_ofs != t->l4_ofs
        || tb->payload_ofs != t->payload_ofs) {
        return false;
    }
    size_t plen = tb->l3_end - tb->payload_ofs;
    if (!plen || plen > first_seg || t->l3_end - t->l3_ofs + plen > max_l3) {
        return false;
    }
    /* Everything up to the IP header: MACs and VLAN tags. */
    if (memcmp(a, b, t->l3_ofs)) {
        return false;
    }
    const uint8_t *ia = a + t->l3_ofs, *ib = b + t->l3_ofs;
    if (t->ipv6) {
        /* Version, traffic class, flow label; next header, hop limit and
         * both addresses. */
        if (memcmp(ia, ib, 4) || memcmp(ia + 6, ib + 6, 34)) {
            return false;
        }
    } else {
        /* Header length and TOS; DF; TTL, protocol; both addresses; and
         * the same IP options, if any. */
        if (ia[0] != ib[0] || ia[1] != ib[1] || ia[6] != ib[6]
            || ia[8] != ib[8]
            || memcmp(ia + 12, ib + 12, t->l4_ofs - t->l3_ofs - 12)) {
            return false;
        }
    }
    const uint8_t *ta = a + t->l4_ofs, *tb_ = b + t->l4_ofs;
    uint8_t flags = tb_[13];
    /* Ports, then ACK number; header length and window; urgent pointer
     * and options. */
    if (memcmp(ta, tb_, 4) || memcmp(ta + 8, tb_ + 8, 5)
        || memcmp(ta + 14, tb_ + 14, 2)
        || memcmp(ta + 18, tb_ + 18, t->payload_ofs - t->l4_ofs - 18)
        || (flags != TCP_ACK && flags != (TCP_ACK | TCP_PSH))) {
        return false;
    }
    uint32_t next = get32(ta + 4) + (uint32_t)(t->l3_end - t->payload_ofs);
    return get32(tb_ + 4) == next;
}

bool tso_gro_can_append(const uint8_t *a, const struct tso_tcp *t,
                        size_t first_seg, const uint8_t *b, size_t blen,
                        size_t max_l3, struct tso_tcp *tb)
{
    return tso_gro_continues(a, t, first_seg, b, blen, max_l3, tb)
           && tso_tcp_csum_ok(b, tb);
}

bool tso_gro_copy_payload(uint8_t *dst, const uint8_t *b,
                          const struct tso_tcp *tb, uint16_t *payload_sum)
{
    uint32_t hdrs = pseudo_sum(b, tb, tb->l3_end - tb->l4_ofs);
    hdrs = tso_csum_add(hdrs, b + tb->l4_ofs, tb->payload_ofs - tb->l4_ofs);
    uint16_t body = tso_csum_fold(tso_csum_copy(0, dst, b + tb->payload_ofs,
                                                tb->l3_end - tb->payload_ofs));
    *payload_sum = body;
    return tso_csum_fold((uint32_t)tso_csum_fold(hdrs) + body) == 0xffff;
}

uint16_t tso_tcp_payload_sum(const uint8_t *frame, const struct tso_tcp *t)
{
    /* pseudo + header + payload sum to 0xffff, zero in ones'
     * complement: the payload's is the negation of the rest. */
    uint32_t sum = pseudo_sum(frame, t, t->l3_end - t->l4_ofs);
    sum = tso_csum_add(sum, frame + t->l4_ofs, t->payload_ofs - t->l4_ofs);
    return (uint16_t)~tso_csum_fold(sum);
}

uint16_t tso_csum_shift(uint16_t sum, size_t ofs)
{
    return ofs & 1 ? (uint16_t)(sum << 8 | sum >> 8) : sum;
}

void tso_gro_finish_sum(uint8_t *frame, const struct tso_tcp *t, uint8_t psh,
                        uint16_t payload_sum)
{
    uint8_t *ip = frame + t->l3_ofs;
    if (t->ipv6) {
        put16(ip + 4, (uint16_t)(t->l3_end - t->l4_ofs));
    } else {
        put16(ip + 2, (uint16_t)(t->l3_end - t->l3_ofs));
        ipv4_csum(ip);
    }
    uint8_t *th = frame + t->l4_ofs;
    th[13] |= psh & TCP_PSH;
    put16(th + 16, 0);
    uint32_t sum = pseudo_sum(frame, t, t->l3_end - t->l4_ofs);
    sum = tso_csum_add(sum, th, t->payload_ofs - t->l4_ofs);
    sum = (uint32_t)tso_csum_fold(sum) + payload_sum;
    put16(th + 16, (uint16_t)~tso_csum_fold(sum));
}

void tso_gro_finish(uint8_t *frame, const struct tso_tcp *t, uint8_t psh)
{
    uint8_t *ip = frame + t->l3_ofs;
    if (t->ipv6) {
        put16(ip + 4, (uint16_t)(t->l3_end - t->l4_ofs));
    } else {
        put16(ip + 2, (uint16_t)(t->l3_end - t->l3_ofs));
        ipv4_csum(ip);
    }
    frame[t->l4_ofs + 13] |= psh & TCP_PSH;
    tso_tcp_csum(frame, t);
}
