/* ds: a growable string buffer.  Printers append to a 'struct ds' so that
 * callers decide where text goes (a reply, a log line, a test assertion).
 *
 * A ds always holds a NUL-terminated string once anything was appended;
 * ds_cstr() on an empty ds returns "". */
#ifndef SW_DS_H
#define SW_DS_H 1

#include <stdarg.h>
#include <stddef.h>

#include "util.h"

struct ds {
    char *string;     /* NUL-terminated, or NULL while empty. */
    size_t length;    /* Excludes the NUL. */
    size_t allocated; /* Bytes available for characters, excluding NUL. */
};

#define DS_EMPTY_INITIALIZER \
    {                        \
        NULL, 0, 0           \
    }

void ds_init(struct ds *);
void ds_destroy(struct ds *);
void ds_clear(struct ds *);
void ds_reserve(struct ds *, size_t min_length);
void ds_put_char(struct ds *, char);
void ds_put_cstr(struct ds *, const char *);
void ds_put_buffer(struct ds *, const char *, size_t n);
void ds_put_format(struct ds *, const char *, ...) SW_PRINTF(2, 3);
void ds_put_format_valist(struct ds *, const char *, va_list) SW_PRINTF(2, 0);
void ds_put_hex(struct ds *, const void *, size_t n);
const char *ds_cstr(struct ds *);
/* Returns the string and leaves the ds empty: caller frees. */
char *ds_steal_cstr(struct ds *);
/* Removes trailing occurrences of 'c'. */
void ds_chomp(struct ds *, char c);
char ds_last(const struct ds *);
void ds_truncate(struct ds *, size_t length);

/* Appends a duration of 'msec' milliseconds as ovs-ofctl prints one:
 * whole seconds alone ("5s"), else exactly three decimals ("0.040s"). */
void ds_put_duration(struct ds *, int64_t msec);

#endif
