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
#define CONTAINER_OF(ptr, type, member)                                       \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define ROUND_UP(x, y) (((x) + (y) - 1) / (y) * (y))

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

/* Strict string prefix test. */
bool str_starts_with(const char *s, const char *prefix);

/* Returns "0.0.0.0"-style text of 'ip' (host order) in a static-free way:
 * the caller passes a buffer of at least 16 bytes. */
const char *ipv4_to_str(uint32_t ip, char buf[16]);

#endif
