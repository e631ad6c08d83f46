/* util: memory helpers and small macros shared by every layer.
 *
 * The x-prefixed allocators never return NULL: running out of memory is
 * not an input error a caller can mend, so they abort with a message.
 * Everything else in lib/ reports errors to its caller and never exits. */
#ifndef SW_UTIL_H
#define SW_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SW_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SW_MAX(a, b) ((a) > (b) ? (a) : (b))
#define CONTAINER_OF(ptr, type, member) \
    ((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define ROUND_UP(x, y) (((x) + (y)-1) / (y) * (y))

#if defined(__GNUC__)
#define SW_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define SW_UNUSED __attribute__((unused))
#else
#define SW_PRINTF(fmt, args)
#define SW_UNUSED
#endif

void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xmemdup(const void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) SW_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list args) SW_PRINTF(1, 0);

/* Grows '*array' (of '*allocated' elements of 'elem_size' bytes) so that it
 * holds at least 'needed' elements. */
void *x2nrealloc(void *array, size_t *allocated, size_t needed,
                 size_t elem_size);

/* Parses all of 's' as an unsigned integer in base 10, or base 16 with a
 * "0x" prefix.  Returns false on an empty string, a stray character or a
 * value above 'max'. */
bool str_to_u64(const char *s, uint64_t max, uint64_t *value);

/* An allocated copy of 's' that is printable ASCII whatever 's' held:
 * every byte outside 0x20-0x7e, and the backslash, becomes "\xNN".  For
 * putting untrusted input (a name, a token) into a message that must
 * stay valid UTF-8 and on one line. */
char *str_escape(const char *s);

/* Strict string prefix test. */
bool str_starts_with(const char *s, const char *prefix);

/* Returns "0.0.0.0"-style text of 'ip' (host order) in a static-free way:
 * the caller passes a buffer of at least 16 bytes. */
const char *ipv4_to_str(uint32_t ip, char buf[16]);

/* Huge-page backed memory for the few big, randomly accessed structures
 * (a classifier's index of a million rules, the rules themselves).  A
 * random access into hundreds of megabytes of 4 KiB pages misses the TLB
 * on almost every packet; on 2 MiB transparent huge pages the whole set
 * fits in the TLB.  Both work without huge pages too (the kernel falls
 * back to small pages), and neither is thread-safe: switchd runs the
 * pipeline on one thread.
 *
 * xhuge_zalloc() returns 'size' zeroed bytes, 2 MiB aligned and advised
 * MADV_HUGEPAGE when 'size' is at least SW_HUGE_MIN, else from calloc.
 * xhuge_free() needs the same 'size'. */
#define SW_HUGE_PAGE (2u * 1024 * 1024)
#define SW_HUGE_MIN SW_HUGE_PAGE
void *xhuge_zalloc(size_t size);
void xhuge_free(void *p, size_t size);

/* A slab of small objects on huge pages: objects of sizes up to
 * SW_SLAB_MAX bytes (rounded up to 16) are cut from 2 MiB chunks, and
 * freed ones go to a free list for their size, so a million rules sit
 * densely in a few hundred huge pages.  Chunks are never returned to the
 * kernel; their memory is reused for objects of the same size class.
 * Sizes above SW_SLAB_MAX fall back to calloc/free.  sw_slab_zalloc()
 * returns zeroed memory; sw_slab_free() needs the same 'size'. */
#define SW_SLAB_MAX 1024
void *sw_slab_zalloc(size_t size);
void sw_slab_free(void *p, size_t size);

/* The same for objects whose hot part starts 'hot' bytes in: the object
 * is placed so that byte 'hot' begins a 64-byte cache line, and objects
 * are a whole number of lines apart, so a hot span of L lines costs L
 * cache misses instead of L + 1 when it straddles.  sw_slab_free_hot()
 * needs the same 'size' and 'hot'. */
void *sw_slab_zalloc_hot(size_t size, size_t hot);
void sw_slab_free_hot(void *p, size_t size, size_t hot);

/* With false, xhuge_zalloc() and the slab use calloc and free only (for
 * measuring what huge pages bring).  Call it before either allocates. */
void sw_huge_enable(bool);

/* Bytes mapped by xhuge_zalloc() and the slab (not seen by mallinfo2()),
 * for honest memory accounting. */
size_t sw_huge_bytes(void);

/* Hands memory freed in bulk back to the system: malloc_trim() for the
 * heap (glibc keeps freed memory otherwise, so RSS after a mass expiry
 * stayed where the peak had put it) and, for the slab, every chunk all
 * of whose objects are free is unmapped.  It walks the slab's free
 * lists, so call it after a mass removal, not per object. */
void sw_trim_memory(void);

#endif
