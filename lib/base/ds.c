#include "ds.h"

#include <inttypes.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ds_init(struct ds *ds)
{
    ds->string = NULL;
    ds->length = 0;
    ds->allocated = 0;
}

void ds_destroy(struct ds *ds)
{
    free(ds->string);
    ds_init(ds);
}

void ds_clear(struct ds *ds)
{
    ds->length = 0;
    if (ds->string) {
        ds->string[0] = '\0';
    }
}

void ds_reserve(struct ds *ds, size_t min_length)
{
    if (min_length > ds->allocated || !ds->string) {
        size_t n = ds->allocated ? ds->allocated : 32;
        while (n < min_length) {
            n *= 2;
        }
        ds->allocated = n;
        ds->string = xrealloc(ds->string, n + 1);
        ds->string[ds->length] = '\0';
    }
}

void ds_put_buffer(struct ds *ds, const char *s, size_t n)
{
    ds_reserve(ds, ds->length + n);
    memcpy(ds->string + ds->length, s, n);
    ds->length += n;
    ds->string[ds->length] = '\0';
}

void ds_put_char(struct ds *ds, char c)
{
    ds_put_buffer(ds, &c, 1);
}

void ds_put_cstr(struct ds *ds, const char *s)
{
    ds_put_buffer(ds, s, strlen(s));
}

void ds_put_format_valist(struct ds *ds, const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    size_t avail = ds->string ? ds->allocated - ds->length + 1 : 0;
    int n = vsnprintf(ds->string ? ds->string + ds->length : NULL, avail, fmt,
                      copy);
    va_end(copy);
    if (n < 0) {
        return;
    }
    if ((size_t)n < avail) {
        ds->length += (size_t)n;
    } else {
        ds_reserve(ds, ds->length + (size_t)n);
        vsnprintf(ds->string + ds->length, (size_t)n + 1, fmt, args);
        ds->length += (size_t)n;
    }
}

void ds_put_format(struct ds *ds, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    ds_put_format_valist(ds, fmt, args);
    va_end(args);
}

void ds_put_hex(struct ds *ds, const void *p_, size_t n)
{
    const unsigned char *p = p_;
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        ds_put_char(ds, hex[p[i] >> 4]);
        ds_put_char(ds, hex[p[i] & 15]);
    }
}

const char *ds_cstr(struct ds *ds)
{
    if (!ds->string) {
        ds_reserve(ds, 0);
    }
    return ds->string;
}

char *ds_steal_cstr(struct ds *ds)
{
    char *s = xstrdup(ds_cstr(ds));
    ds_destroy(ds);
    return s;
}

void ds_chomp(struct ds *ds, char c)
{
    while (ds->length && ds->string[ds->length - 1] == c) {
        ds->string[--ds->length] = '\0';
    }
}

char ds_last(const struct ds *ds)
{
    return ds->length ? ds->string[ds->length - 1] : '\0';
}

void ds_truncate(struct ds *ds, size_t length)
{
    if (length < ds->length) {
        ds->length = length;
        ds->string[length] = '\0';
    }
}

void ds_put_duration(struct ds *ds, int64_t msec)
{
    if (msec < 0) {
        msec = 0;
    }
    ds_put_format(ds, "%" PRId64, msec / 1000);
    if (msec % 1000) {
        ds_put_format(ds, ".%03d", (int)(msec % 1000));
    }
    ds_put_char(ds, 's');
}
