/* packet: an Ethernet frame in a buffer with headroom.
 *
 * Headroom lets VXLAN encapsulation and VLAN push prepend bytes without
 * copying the frame.  A packet owns its buffer, except a view
 * (packet_view()), which shares another packet's. */
#ifndef SW_PACKET_H
#define SW_PACKET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACKET_HEADROOM 128

struct packet {
    uint8_t *base;    /* Start of the allocation. */
    size_t allocated; /* Bytes at 'base'; 0 in a view. */
    size_t ofs;       /* Offset of the first frame byte from 'base'. */
    size_t len;       /* Frame length. */
};

/* Copies 'len' bytes of 'frame' into a new buffer with headroom. */
/* A frame to send as two pieces that follow each other on the wire: a
 * segment's own headers and the slice of the super frame it carries
 * (tso_split()), so that the payload is never copied in userspace; or a
 * whole frame, with 'body_len' 0. */
struct frame_ref {
    const uint8_t *head;
    size_t head_len;
    const uint8_t *body;
    size_t body_len;
};

static inline size_t frame_ref_len(const struct frame_ref *f)
{
    return f->head_len + f->body_len;
}

void packet_init(struct packet *, const void *frame, size_t len);

/* Receiving without a copy: a device reads a frame of up to 'max_len'
 * bytes into a buffer from packet_buf_alloc(), at packet_buf_frame(),
 * and packet_adopt() makes that buffer the packet's (freed by
 * packet_uninit()).  For a 64 KB TCP super frame this saves a memcpy
 * of the whole frame per hop; small frames are cheaper copied (the
 * buffer is kept for the next read). */
uint8_t *packet_buf_alloc(size_t max_len);
static inline uint8_t *packet_buf_frame(uint8_t *buf)
{
    return buf + PACKET_HEADROOM;
}
void packet_adopt(struct packet *, uint8_t *buf, size_t max_len, size_t len);
void packet_uninit(struct packet *);
void packet_clone(struct packet *dst, const struct packet *src);

/* Makes 'view' the first 'len' bytes of 'src' without copying them, for
 * a reader that is done before 'src' changes or goes (the pipeline's
 * outputs of a packet it sent as it came).  A view is read-only to its
 * holder: push, insert, remove and growing give it a copy of its own
 * first; packet_uninit() forgets it without freeing 'src''s buffer. */
void packet_view(struct packet *view, const struct packet *src, size_t len);
static inline bool packet_is_view(const struct packet *p)
{
    return p->base && !p->allocated;
}

static inline uint8_t *packet_data(const struct packet *p)
{
    return p->base + p->ofs;
}

/* Prepends 'n' bytes (uninitialized) and returns a pointer to them. */
uint8_t *packet_push(struct packet *, size_t n);
/* Drops 'n' bytes from the front; 'n' must not exceed the length. */
void packet_pull(struct packet *, size_t n);
/* Opens an 'n'-byte gap at 'offset' (bytes before it move forward into
 * the headroom) and returns a pointer to the gap. */
uint8_t *packet_insert(struct packet *, size_t offset, size_t n);
/* Removes 'n' bytes at 'offset' (bytes before it move back). */
void packet_remove(struct packet *, size_t offset, size_t n);
/* Sets the length to 'len', growing with zero bytes if needed. */
void packet_set_len(struct packet *, size_t len);

#endif
