/* capture: a bounded packet queue, JSON transport, pcap and text output.
 *
 * The queue is a ring of records whose sizes are bounded both in packets
 * and in bytes; the dataplane only ever copies into it.  The pcap writer
 * is libpcap's own (pcap_open_dead + pcap_dump), so the files are the
 * classic savefile format every tool reads. */
#include "capture.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "eth-addr.h"
#include "flow.h"
#include "util.h"
#include "vxlan.h"

/* Bytes the rebuilt outer headers add in a tunnel file. */
#define CAPTURE_OUTER_LEN VXLAN_IP_UDP_VXLAN_HLEN

void capture_record_uninit(struct capture_record *rec)
{
    if (rec) {
        free(rec->data);
        rec->data = NULL;
        rec->len = 0;
    }
}

/* ---- Queue. ---- */

struct capture_queue {
    struct capture_record *ring;
    size_t capacity; /* max_packets. */
    size_t head, n;  /* Oldest record, and how many. */
    size_t bytes;    /* Sum of 'len' of queued records. */
    size_t max_bytes;
    uint32_t snaplen;
    uint64_t count; /* 0: unbounded. */
    struct capture_stats stats;
};

struct capture_queue *
capture_queue_create(const struct capture_queue_config *cfg)
{
    struct capture_queue *q = xzalloc(sizeof *q);
    q->capacity = cfg && cfg->max_packets ? cfg->max_packets
                                          : CAPTURE_DEFAULT_MAX_PACKETS;
    q->max_bytes =
        cfg && cfg->max_bytes ? cfg->max_bytes : CAPTURE_DEFAULT_MAX_BYTES;
    q->snaplen = cfg && cfg->snaplen ? cfg->snaplen : CAPTURE_DEFAULT_SNAPLEN;
    q->count = cfg ? cfg->count : 0;
    q->ring = xcalloc(q->capacity, sizeof *q->ring);
    return q;
}

void capture_queue_destroy(struct capture_queue *q)
{
    if (!q) {
        return;
    }
    struct capture_record rec;
    while (capture_queue_get(q, &rec)) {
        capture_record_uninit(&rec);
    }
    free(q->ring);
    free(q);
}

static int64_t now_usec(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

bool capture_queue_put(struct capture_queue *q, enum capture_dir dir,
                       const uint8_t *frame, size_t len,
                       const struct capture_tunnel *tnl, int64_t time_usec)
{
    if (capture_queue_done(q)) {
        return false;
    }
    q->stats.seen++;
    size_t keep = SW_MIN(len, (size_t)q->snaplen);
    if (q->n >= q->capacity || q->bytes + keep > q->max_bytes) {
        q->stats.dropped++;
        return false;
    }
    struct capture_record *rec = &q->ring[(q->head + q->n) % q->capacity];
    memset(rec, 0, sizeof *rec);
    rec->time_usec = time_usec ? time_usec : now_usec();
    rec->dir = dir;
    if (tnl) {
        rec->has_tunnel = true;
        rec->tunnel = *tnl;
    }
    rec->orig_len = (uint32_t)SW_MIN(len, (size_t)UINT32_MAX);
    rec->len = (uint32_t)keep;
    rec->data = xmemdup(frame, keep ? keep : 1);
    q->n++;
    q->bytes += keep;
    q->stats.queued++;
    return true;
}

bool capture_queue_get(struct capture_queue *q, struct capture_record *rec)
{
    if (!q->n) {
        return false;
    }
    *rec = q->ring[q->head];
    memset(&q->ring[q->head], 0, sizeof q->ring[q->head]);
    q->head = (q->head + 1) % q->capacity;
    q->n--;
    q->bytes -= rec->len;
    return true;
}

size_t capture_queue_len(const struct capture_queue *q)
{
    return q->n;
}

bool capture_queue_done(const struct capture_queue *q)
{
    return q->count && q->stats.queued >= q->count;
}

void capture_queue_get_stats(const struct capture_queue *q,
                             struct capture_stats *stats)
{
    *stats = q->stats;
}

/* ---- JSON. ---- */

json_t *capture_record_to_json(const struct capture_record *rec)
{
    json_t *o = json_object();
    json_object_set_new(o, "time_usec", json_integer(rec->time_usec));
    json_object_set_new(o, "dir",
                        json_string(rec->dir == CAPTURE_RX ? "rx" : "tx"));
    json_object_set_new(o, "orig_len", json_integer(rec->orig_len));
    struct ds hex = DS_EMPTY_INITIALIZER;
    ds_put_hex(&hex, rec->data, rec->len);
    json_object_set_new(o, "data", json_string(ds_cstr(&hex)));
    ds_destroy(&hex);
    if (rec->has_tunnel) {
        const struct capture_tunnel *t = &rec->tunnel;
        char a[16], b[16];
        json_object_set_new(
            o, "tunnel",
            json_pack("{s:I, s:s, s:s, s:i, s:i}", "vni", (json_int_t)t->vni,
                      "src_ip", ipv4_to_str(t->src_ip, a), "dst_ip",
                      ipv4_to_str(t->dst_ip, b), "src_port", (int)t->src_port,
                      "dst_port", (int)t->dst_port));
    }
    return o;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_ip(const char *s, uint32_t *ip)
{
    unsigned a, b, c, d;
    char extra;
    if (!s || sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4
        || a > 255 || b > 255 || c > 255 || d > 255) {
        return false;
    }
    *ip = a << 24 | b << 16 | c << 8 | d;
    return true;
}

char *capture_record_from_json(const json_t *o, struct capture_record *rec)
{
    memset(rec, 0, sizeof *rec);
    if (!json_is_object(o)) {
        return xasprintf("capture record: not a JSON object");
    }
    json_t *t = json_object_get(o, "time_usec");
    json_t *dir = json_object_get(o, "dir");
    json_t *orig = json_object_get(o, "orig_len");
    const char *hex = json_string_value(json_object_get(o, "data"));
    if (!json_is_integer(t)) {
        return xasprintf("capture record: 'time_usec' missing or not an "
                         "integer");
    }
    if (!json_is_string(dir)
        || (strcmp(json_string_value(dir), "rx")
            && strcmp(json_string_value(dir), "tx"))) {
        return xasprintf("capture record: 'dir' must be \"rx\" or \"tx\"");
    }
    if (!hex || strlen(hex) % 2) {
        return xasprintf("capture record: 'data' missing or not hex bytes");
    }
    size_t len = strlen(hex) / 2;
    if (len > UINT32_MAX || !json_is_integer(orig)
        || json_integer_value(orig) < (json_int_t)len
        || json_integer_value(orig) > UINT32_MAX) {
        return xasprintf("capture record: 'orig_len' missing or less than "
                         "the data");
    }
    uint8_t *data = xmalloc(len ? len : 1);
    for (size_t i = 0; i < len; i++) {
        int hi = hex_val(hex[2 * i]), lo = hex_val(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(data);
            return xasprintf("capture record: 'data' has a non-hex "
                             "character at offset %zu",
                             2 * i + (hi < 0 ? 0 : 1));
        }
        data[i] = (uint8_t)(hi << 4 | lo);
    }
    json_t *tnl = json_object_get(o, "tunnel");
    if (tnl) {
        json_t *vni = json_object_get(tnl, "vni");
        json_t *sp = json_object_get(tnl, "src_port");
        json_t *dp = json_object_get(tnl, "dst_port");
        struct capture_tunnel *ct = &rec->tunnel;
        if (!json_is_integer(vni) || json_integer_value(vni) < 0
            || json_integer_value(vni) > VXLAN_VNI_MAX
            || !parse_ip(json_string_value(json_object_get(tnl, "src_ip")),
                         &ct->src_ip)
            || !parse_ip(json_string_value(json_object_get(tnl, "dst_ip")),
                         &ct->dst_ip)
            || !json_is_integer(sp) || json_integer_value(sp) < 0
            || json_integer_value(sp) > UINT16_MAX || !json_is_integer(dp)
            || json_integer_value(dp) < 0
            || json_integer_value(dp) > UINT16_MAX) {
            free(data);
            memset(rec, 0, sizeof *rec);
            return xasprintf("capture record: 'tunnel' needs vni (24 "
                             "bits), src_ip, dst_ip, src_port, dst_port");
        }
        ct->vni = (uint32_t)json_integer_value(vni);
        ct->src_port = (uint16_t)json_integer_value(sp);
        ct->dst_port = (uint16_t)json_integer_value(dp);
        rec->has_tunnel = true;
    }
    rec->time_usec = json_integer_value(t);
    rec->dir = strcmp(json_string_value(dir), "rx") ? CAPTURE_TX : CAPTURE_RX;
    rec->orig_len = (uint32_t)json_integer_value(orig);
    rec->len = (uint32_t)len;
    rec->data = data;
    return NULL;
}

/* ---- Wire bytes and pcap. ---- */

uint8_t *capture_record_wire(const struct capture_record *rec, size_t *lenp)
{
    if (!rec->has_tunnel) {
        *lenp = rec->len;
        return xmemdup(rec->data, rec->len ? rec->len : 1);
    }
    const struct capture_tunnel *t = &rec->tunnel;
    size_t len = CAPTURE_OUTER_LEN + rec->len;
    uint8_t *out = xmalloc(len);
    uint16_t sport =
        t->src_port ? t->src_port
                    : vxlan_src_port(vxlan_inner_hash(rec->data, rec->len));
    /* The lengths in the headers are those of the packet on the wire,
     * even when the capture kept only the first bytes of it. */
    vxlan_put_ip_udp(out, t->src_ip, t->dst_ip, sport,
                     t->dst_port ? t->dst_port : VXLAN_DST_PORT,
                     VXLAN_HLEN + (size_t)rec->orig_len, 64, 0);
    vxlan_header_put(out + VXLAN_IP_HLEN + VXLAN_UDP_HLEN, t->vni);
    memcpy(out + CAPTURE_OUTER_LEN, rec->data, rec->len);
    *lenp = len;
    return out;
}

struct capture_writer {
    pcap_t *pcap;
    pcap_dumper_t *dumper;
    bool tunnel;
    uint32_t snaplen;
    uint64_t skipped;
};

int capture_writer_open(const char *path, bool tunnel, uint32_t snaplen,
                        struct capture_writer **wp, char **errp)
{
    *wp = NULL;
    *errp = NULL;
    if (!snaplen) {
        snaplen = CAPTURE_DEFAULT_SNAPLEN;
    }
    /* Outer headers come on top of what the queue kept. */
    uint32_t file_snaplen = snaplen + (tunnel ? CAPTURE_OUTER_LEN : 0);
    pcap_t *pcap =
        pcap_open_dead(tunnel ? DLT_RAW : DLT_EN10MB, (int)file_snaplen);
    if (!pcap) {
        *errp = xasprintf("%s: cannot start a savefile", path);
        return ENOMEM;
    }
    errno = 0;
    pcap_dumper_t *d = pcap_dump_open(pcap, path);
    if (!d) {
        int error = errno ? errno : EIO;
        *errp = xasprintf("%s: %s", path, pcap_geterr(pcap));
        pcap_close(pcap);
        return error;
    }
    struct capture_writer *w = xzalloc(sizeof *w);
    w->pcap = pcap;
    w->dumper = d;
    w->tunnel = tunnel;
    w->snaplen = file_snaplen;
    *wp = w;
    return 0;
}

void capture_writer_write(struct capture_writer *w,
                          const struct capture_record *rec)
{
    if (rec->has_tunnel != w->tunnel) {
        w->skipped++;
        return;
    }
    size_t len;
    uint8_t *bytes = capture_record_wire(rec, &len);
    size_t extra = rec->has_tunnel ? CAPTURE_OUTER_LEN : 0;
    struct pcap_pkthdr h;
    memset(&h, 0, sizeof h);
    h.ts.tv_sec = (time_t)(rec->time_usec / 1000000);
    h.ts.tv_usec = (suseconds_t)(rec->time_usec % 1000000);
    h.caplen = (uint32_t)SW_MIN(len, (size_t)w->snaplen);
    h.len = (uint32_t)SW_MIN((uint64_t)rec->orig_len + extra,
                             (uint64_t)UINT32_MAX);
    pcap_dump((u_char *)w->dumper, &h, bytes);
    free(bytes);
}

int capture_writer_flush(struct capture_writer *w)
{
    return pcap_dump_flush(w->dumper) ? EIO : 0;
}

uint64_t capture_writer_skipped(const struct capture_writer *w)
{
    return w->skipped;
}

void capture_writer_close(struct capture_writer *w)
{
    if (w) {
        pcap_dump_close(w->dumper);
        pcap_close(w->pcap);
        free(w);
    }
}

/* ---- Text. ---- */

static void put_mac(struct ds *ds, const uint8_t m[6])
{
    eth_addr_format(m, ds);
}

static void put_ip(struct ds *ds, uint32_t ip)
{
    char buf[16];
    ds_put_cstr(ds, ipv4_to_str(ip, buf));
}

static void put_l3(struct ds *ds, const struct flow *f)
{
    switch (f->dl_type) {
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
        ds_put_cstr(ds, f->dl_type == ETH_TYPE_ARP ? "ARP, " : "RARP, ");
        if (f->nw_proto == 1) {
            ds_put_cstr(ds, "Request who-has ");
            put_ip(ds, f->nw_dst);
            ds_put_cstr(ds, " tell ");
            put_ip(ds, f->nw_src);
        } else if (f->nw_proto == 2) {
            ds_put_cstr(ds, "Reply ");
            put_ip(ds, f->nw_src);
            ds_put_cstr(ds, " is-at ");
            put_mac(ds, f->arp_sha);
        } else {
            ds_put_format(ds, "op %u", f->nw_proto);
        }
        break;
    case ETH_TYPE_IP: {
        bool ports = f->nw_proto == IPPROTO_TCP_ || f->nw_proto == IPPROTO_UDP_
                     || f->nw_proto == IPPROTO_SCTP_;
        ds_put_cstr(ds, "IPv4 ");
        put_ip(ds, f->nw_src);
        if (ports) {
            ds_put_format(ds, ".%u", f->tp_src);
        }
        ds_put_cstr(ds, " > ");
        put_ip(ds, f->nw_dst);
        if (ports) {
            ds_put_format(ds, ".%u", f->tp_dst);
        }
        ds_put_cstr(ds, ": ");
        if (f->nw_proto == IPPROTO_ICMP_) {
            if (f->tp_src == 8) {
                ds_put_cstr(ds, "ICMP echo request");
            } else if (f->tp_src == 0) {
                ds_put_cstr(ds, "ICMP echo reply");
            } else {
                ds_put_format(ds, "ICMP type %u code %u", f->tp_src,
                              f->tp_dst);
            }
        } else if (f->nw_proto == IPPROTO_TCP_) {
            ds_put_cstr(ds, "TCP");
        } else if (f->nw_proto == IPPROTO_UDP_) {
            ds_put_cstr(ds, "UDP");
        } else {
            ds_put_format(ds, "proto %u", f->nw_proto);
        }
        break;
    }
    case ETH_TYPE_IPV6:
        ds_put_format(ds, "IPv6, next header %u", f->nw_proto);
        break;
    default:
        ds_put_format(ds, "ethertype 0x%04x", f->dl_type);
        break;
    }
}

void capture_record_format(const struct capture_record *rec,
                           const char *port_name, struct ds *ds)
{
    time_t sec = (time_t)(rec->time_usec / 1000000);
    struct tm tm;
    gmtime_r(&sec, &tm);
    ds_put_format(ds, "%02d:%02d:%02d.%06d %s", tm.tm_hour, tm.tm_min,
                  tm.tm_sec, (int)(rec->time_usec % 1000000),
                  rec->dir == CAPTURE_RX ? "rx" : "tx");
    if (port_name) {
        ds_put_format(ds, " %s", port_name);
    }
    if (rec->has_tunnel) {
        ds_put_format(ds, " vni %" PRIu32 " ", rec->tunnel.vni);
        put_ip(ds, rec->tunnel.src_ip);
        ds_put_cstr(ds, " > ");
        put_ip(ds, rec->tunnel.dst_ip);
        ds_put_char(ds, ':');
    }
    ds_put_char(ds, ' ');
    if (rec->len < 14) {
        ds_put_format(ds, "truncated frame, length %" PRIu32, rec->orig_len);
        return;
    }
    struct flow f;
    memset(&f, 0, sizeof f);
    flow_extract(rec->data, rec->len, &f);
    put_mac(ds, f.dl_src);
    ds_put_cstr(ds, " > ");
    put_mac(ds, f.dl_dst);
    if (f.vlan_tci & VLAN_CFI) {
        ds_put_format(ds, ", vlan %u", f.vlan_tci & VLAN_VID_MASK);
    }
    ds_put_cstr(ds, ", ");
    put_l3(ds, &f);
    ds_put_format(ds, ", length %" PRIu32, rec->orig_len);
}
