/* capture: copies of what a port receives and sends ("swofctl capture").
 *
 * Three pieces, so the dataplane never waits for a disk or a client:
 *
 *   1. A bounded queue (struct capture_queue) the dataplane feeds: each
 *      capture_queue_put() copies at most 'snaplen' bytes and returns at
 *      once; when the queue is full the packet is counted as dropped,
 *      never waited for.  It also enforces the packet count (-c).
 *   2. Records (struct capture_record) move from the daemon to the tool
 *      as JSON (capture_record_to_json / _from_json).
 *   3. A writer (struct capture_writer) turns records into a classic
 *      libpcap savefile that tcpdump -r reads, and capture_record_format()
 *      into one text line per packet for stdout.
 *
 * Tunnel ports.  A VXLAN port's frames are the inner Ethernet frames; on
 * the wire they travel inside outer IPv4/UDP/VXLAN headers built by the
 * kernel's UDP socket.  A capture of a tunnel port writes a LINKTYPE_RAW
 * (bare IPv4) file in which every record is rebuilt as it was on the
 * wire: an outer IPv4 header with the real outer addresses (the tunnel's
 * local and remote IPs; 0.0.0.0 where the kernel chose the source), UDP
 * to the real destination port, a VXLAN header with the real VNI, then
 * the inner frame byte for byte.  So `tcpdump -r` shows "VXLAN ... vni N"
 * followed by the inner frame.  The outer Ethernet header is left out
 * rather than invented: it is the kernel's and we never see it.  The
 * outer UDP source port is the one our sender derives from the inner
 * flow (vxlan_src_port(vxlan_inner_hash())) unless the caller knows it.
 * Text mode prints the inner frame with "vni N a.b.c.d > e.f.g.h" noted.
 */
#ifndef SW_CAPTURE_H
#define SW_CAPTURE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"

#define CAPTURE_DEFAULT_SNAPLEN 65535
#define CAPTURE_DEFAULT_MAX_PACKETS 1024
#define CAPTURE_DEFAULT_MAX_BYTES (4u << 20)

enum capture_dir {
    CAPTURE_RX, /* The port received it (into the bridge). */
    CAPTURE_TX, /* The bridge sent it out of the port. */
};

/* Outer addressing of a VXLAN packet, host byte order. */
struct capture_tunnel {
    uint32_t vni;
    uint32_t src_ip; /* 0: unknown (the kernel picks it). */
    uint32_t dst_ip;
    uint16_t src_port; /* 0: derive it as our sender does. */
    uint16_t dst_port; /* 0: 4789. */
};

struct capture_record {
    int64_t time_usec; /* Wall clock, microseconds since the epoch. */
    enum capture_dir dir;
    bool has_tunnel;
    struct capture_tunnel tunnel;
    uint32_t orig_len; /* Frame length on the port. */
    uint32_t len;      /* Bytes kept in 'data' (<= orig_len). */
    uint8_t *data;     /* The (inner) frame; owned. */
};

void capture_record_uninit(struct capture_record *);

/* ---- The queue (dataplane side). ---- */

struct capture_queue_config {
    uint32_t snaplen;   /* Bytes kept per packet, 0: default. */
    size_t max_packets; /* Queue bound in packets, 0: default. */
    size_t max_bytes;   /* Queue bound in bytes, 0: default. */
    uint64_t count;     /* Stop after this many packets (-c), 0: never. */
};

struct capture_stats {
    uint64_t seen;    /* Packets offered to capture_queue_put(). */
    uint64_t queued;  /* Packets accepted. */
    uint64_t dropped; /* Packets refused because the queue was full. */
};

struct capture_queue;

struct capture_queue *
capture_queue_create(const struct capture_queue_config *);
void capture_queue_destroy(struct capture_queue *);

/* Copies up to snaplen bytes of 'frame' into the queue.  'tnl' is NULL
 * for non-tunnel ports; 'time_usec' 0 means now.  Never blocks: returns
 * false if the packet was dropped (queue full) or the count is reached. */
bool capture_queue_put(struct capture_queue *, enum capture_dir,
                       const uint8_t *frame, size_t len,
                       const struct capture_tunnel *tnl, int64_t time_usec);
/* Takes the oldest record: true and '*rec' (caller uninits), or false if
 * the queue is empty. */
bool capture_queue_get(struct capture_queue *, struct capture_record *rec);
size_t capture_queue_len(const struct capture_queue *);
/* True once 'count' packets were accepted: the capture is complete when
 * the queue is also empty. */
bool capture_queue_done(const struct capture_queue *);
void capture_queue_get_stats(const struct capture_queue *,
                             struct capture_stats *);

/* ---- Transport. ---- */

/* {"time_usec":..., "dir":"rx"|"tx", "orig_len":N, "data":"hex",
 *  "tunnel":{"vni":N,"src_ip":"a.b.c.d","dst_ip":..,"src_port":N,
 *  "dst_port":N}}.  The JSON is a new reference. */
json_t *capture_record_to_json(const struct capture_record *);
/* Fills '*rec' (caller uninits) or returns an allocated error naming the
 * bad member. */
char *capture_record_from_json(const json_t *, struct capture_record *rec);

/* ---- Output (tool side). ---- */

/* The bytes that go into the savefile for 'rec': the frame itself, or
 * for a tunnel record the rebuilt outer IPv4/UDP/VXLAN headers and the
 * frame.  Returns a malloc'd buffer (caller frees) and its length. */
uint8_t *capture_record_wire(const struct capture_record *, size_t *lenp);

struct capture_writer;

/* Opens 'path' ("-" = stdout) for writing a savefile: Ethernet frames, or
 * with 'tunnel' bare IPv4 (outer headers rebuilt as described above).
 * Returns 0, or an errno and an allocated message in '*errp'. */
int capture_writer_open(const char *path, bool tunnel, uint32_t snaplen,
                        struct capture_writer **, char **errp);
/* Appends one record.  A record that does not fit the file's link type
 * (an Ethernet record in a tunnel file or the reverse) is skipped and
 * counted in capture_writer_skipped(): a port is one or the other. */
void capture_writer_write(struct capture_writer *,
                          const struct capture_record *);
/* Pushes buffered records to the file.  Returns 0 or an errno. */
int capture_writer_flush(struct capture_writer *);
uint64_t capture_writer_skipped(const struct capture_writer *);
void capture_writer_close(struct capture_writer *);

/* Appends one line describing 'rec' (no newline):
 * "12:00:01.000002 rx vxlan0 vni 100 192.168.33.13 > 192.168.33.12:
 *  2e:7a:a2:53:7b:31 > 52:54:00:0a:01:02, ARP, Reply 10.1.1.3 is-at
 *  2e:7a:a2:53:7b:31, length 60".  Times are UTC. */
void capture_record_format(const struct capture_record *,
                           const char *port_name, struct ds *);

#endif
