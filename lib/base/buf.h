/* buf: a growable byte buffer.
 *
 * Used for action lists (one flat array of variable-size actions) and for
 * building packets and wire messages.  Pointers into the buffer are
 * invalidated by any call that grows it. */
#ifndef SW_BUF_H
#define SW_BUF_H 1

#include <stddef.h>
#include <stdint.h>

struct buf {
    uint8_t *data;
    size_t size;
    size_t allocated;
};

#define BUF_INITIALIZER \
    {                   \
        NULL, 0, 0      \
    }

void buf_init(struct buf *);
void buf_uninit(struct buf *);
void buf_clear(struct buf *);
/* Appends 'n' bytes (uninitialized / zeroed / copied) and returns them. */
void *buf_put_uninit(struct buf *, size_t n);
void *buf_put_zeros(struct buf *, size_t n);
void *buf_put(struct buf *, const void *, size_t n);
/* Returns the data and leaves the buffer empty: caller frees. */
void *buf_steal_data(struct buf *);

#endif
