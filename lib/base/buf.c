#include "buf.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void buf_init(struct buf *b)
{
    b->data = NULL;
    b->size = 0;
    b->allocated = 0;
}

void buf_uninit(struct buf *b)
{
    if (b) {
        free(b->data);
        buf_init(b);
    }
}

void buf_clear(struct buf *b)
{
    b->size = 0;
}

void *buf_put_uninit(struct buf *b, size_t n)
{
    if (b->size + n > b->allocated) {
        size_t want = b->allocated ? b->allocated * 2 : 64;
        while (want < b->size + n) {
            want *= 2;
        }
        b->data = xrealloc(b->data, want);
        b->allocated = want;
    }
    /* A buffer that never held anything has no storage, and NULL + 0 is
     * undefined: a zero-length put on it returns NULL (replace-flows
     * copies a flow without actions this way; found by fuzz-methods). */
    void *p = b->data ? b->data + b->size : NULL;
    b->size += n;
    return p;
}

void *buf_put_zeros(struct buf *b, size_t n)
{
    void *p = buf_put_uninit(b, n);
    if (n) {
        memset(p, 0, n);
    }
    return p;
}

void *buf_put(struct buf *b, const void *data, size_t n)
{
    void *p = buf_put_uninit(b, n);
    if (n) {
        memcpy(p, data, n);
    }
    return p;
}

void *buf_steal_data(struct buf *b)
{
    void *p = b->data;
    buf_init(b);
    return p;
}
