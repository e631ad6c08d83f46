#include "packet.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Bytes after the frame, as packet_init() leaves them. */
#define PACKET_TAILROOM 64

void packet_init(struct packet *p, const void *frame, size_t len)
{
    p->allocated = PACKET_HEADROOM + len + PACKET_TAILROOM;
    p->base = xmalloc(p->allocated);
    p->ofs = PACKET_HEADROOM;
    p->len = len;
    if (len) {
        memcpy(p->base + p->ofs, frame, len);
    }
}

/* Buffers of the size packet_buf_alloc() hands out (a TCP super frame's
 * 64 KB) come and go with every such frame.  A few freed ones wait here
 * for the next instead of going back to malloc: glibc returned the top
 * of its heap to the kernel again and again and faulted it back in,
 * zeroed, for the next frame (270,000 page faults in 3 s of one TCP
 * stream, a quarter of its throughput; docs/performance.md).  At most
 * PACKET_POOL_MAX buffers (2 MB) are kept.  The daemon is single
 * threaded, as is everything else that uses packets. */
#define PACKET_POOL_MAX 32
static struct {
    size_t size; /* Bytes of each buffer kept here. */
    size_t n;
    uint8_t *bufs[PACKET_POOL_MAX];
} pool;

uint8_t *packet_buf_alloc(size_t max_len)
{
    size_t size = PACKET_HEADROOM + max_len + PACKET_TAILROOM;
    if (size != pool.size) {
        /* Another size: what the pool holds is of no use to it. */
        while (pool.n) {
            free(pool.bufs[--pool.n]);
        }
        pool.size = size;
    }
    return pool.n ? pool.bufs[--pool.n] : xmalloc(size);
}

/* Frees a packet's own buffer of 'allocated' bytes, into the pool if it
 * has the pool's size (whoever allocated it) and room. */
static void buf_free(uint8_t *base, size_t allocated)
{
    if (base && allocated == pool.size && pool.n < PACKET_POOL_MAX) {
        pool.bufs[pool.n++] = base;
    } else {
        free(base);
    }
}

void packet_adopt(struct packet *p, uint8_t *buf, size_t max_len, size_t len)
{
    p->base = buf;
    p->allocated = PACKET_HEADROOM + max_len + PACKET_TAILROOM;
    p->ofs = PACKET_HEADROOM;
    p->len = len;
}

void packet_view(struct packet *view, const struct packet *src, size_t len)
{
    /* 'src' is const and so are its bytes to the view: it never writes
     * them (packet_reserve() gives it its own first). */
    view->base = src->base;
    view->allocated = 0;
    view->ofs = src->ofs;
    view->len = len < src->len ? len : src->len;
}

void packet_uninit(struct packet *p)
{
    if (p) {
        if (!packet_is_view(p)) {
            buf_free(p->base, p->allocated);
        }
        p->base = NULL;
        p->allocated = p->ofs = p->len = 0;
    }
}

void packet_clone(struct packet *dst, const struct packet *src)
{
    packet_init(dst, packet_data(src), src->len);
}

/* Makes sure there are at least 'head' bytes before the frame and 'tail'
 * bytes after it, in a buffer of its own: a view gets its own copy. */
static void packet_reserve(struct packet *p, size_t head, size_t tail)
{
    bool view = packet_is_view(p);
    if (!view && p->ofs >= head && p->allocated - p->ofs - p->len >= tail) {
        return;
    }
    size_t new_head = head + PACKET_HEADROOM;
    size_t alloc = new_head + p->len + tail + 64;
    uint8_t *base = xmalloc(alloc);
    memcpy(base + new_head, p->base + p->ofs, p->len);
    if (!view) {
        buf_free(p->base, p->allocated);
    }
    p->base = base;
    p->allocated = alloc;
    p->ofs = new_head;
}

uint8_t *packet_push(struct packet *p, size_t n)
{
    packet_reserve(p, n, 0);
    p->ofs -= n;
    p->len += n;
    return p->base + p->ofs;
}

void packet_pull(struct packet *p, size_t n)
{
    if (n > p->len) {
        n = p->len;
    }
    p->ofs += n;
    p->len -= n;
}

uint8_t *packet_insert(struct packet *p, size_t offset, size_t n)
{
    if (offset > p->len) {
        offset = p->len;
    }
    packet_reserve(p, n, 0);
    uint8_t *old = p->base + p->ofs;
    memmove(old - n, old, offset);
    p->ofs -= n;
    p->len += n;
    return p->base + p->ofs + offset;
}

void packet_remove(struct packet *p, size_t offset, size_t n)
{
    if (offset >= p->len) {
        return;
    }
    if (n > p->len - offset) {
        n = p->len - offset;
    }
    packet_reserve(p, 0, 0); /* A view's bytes are not ours to move. */
    uint8_t *data = p->base + p->ofs;
    memmove(data + n, data, offset);
    p->ofs += n;
    p->len -= n;
}

void packet_set_len(struct packet *p, size_t len)
{
    if (len > p->len) {
        packet_reserve(p, 0, len - p->len);
        memset(p->base + p->ofs + p->len, 0, len - p->len);
    }
    p->len = len;
}
