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

uint8_t *packet_buf_alloc(size_t max_len)
{
    return xmalloc(PACKET_HEADROOM + max_len + PACKET_TAILROOM);
}

void packet_adopt(struct packet *p, uint8_t *buf, size_t max_len, size_t len)
{
    p->base = buf;
    p->allocated = PACKET_HEADROOM + max_len + PACKET_TAILROOM;
    p->ofs = PACKET_HEADROOM;
    p->len = len;
}

void packet_uninit(struct packet *p)
{
    if (p) {
        free(p->base);
        p->base = NULL;
        p->allocated = p->ofs = p->len = 0;
    }
}

void packet_clone(struct packet *dst, const struct packet *src)
{
    packet_init(dst, packet_data(src), src->len);
}

/* Makes sure there are at least 'head' bytes before the frame and 'tail'
 * bytes after it. */
static void packet_reserve(struct packet *p, size_t head, size_t tail)
{
    if (p->ofs >= head && p->allocated - p->ofs - p->len >= tail) {
        return;
    }
    size_t new_head = head + PACKET_HEADROOM;
    size_t alloc = new_head + p->len + tail + 64;
    uint8_t *base = xmalloc(alloc);
    memcpy(base + new_head, p->base + p->ofs, p->len);
    free(p->base);
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
