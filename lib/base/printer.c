#include "printer.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void pr_reply_begin(struct printer *pr, bool text)
{
    if (text) {
        pr->ds = xzalloc(sizeof *pr->ds);
        ds_init(pr->ds);
        pr->obj = NULL;
    } else {
        pr->ds = NULL;
        pr->obj = json_object();
    }
}

json_t *pr_reply_end(struct printer *pr)
{
    if (!pr->ds) {
        return pr->obj;
    }
    json_t *r =
        json_pack("{s:s%}", PR_KEY_TEXT, ds_cstr(pr->ds), pr->ds->length);
    ds_destroy(pr->ds);
    free(pr->ds);
    pr->ds = NULL;
    return r;
}

/* 'v' (consumed) into the JSON being built: appended to an array (see
 * pr_array_open()), else under 'key'. */
static void put(struct printer *pr, const char *key, json_t *v)
{
    if (json_is_array(pr->obj)) {
        json_array_append_new(pr->obj, v);
    } else {
        json_object_set_new(pr->obj, key, v);
    }
}

void pr_json(struct printer *pr, const char *key, json_t *value)
{
    if (pr->ds) {
        json_decref(value);
    } else {
        put(pr, key, value);
    }
}

/* Puts 'inner' (consumed) under 'key' and makes it the one the following
 * calls fill; returns the outer one (NULL and nothing done in text
 * mode). */
static json_t *enter(struct printer *pr, const char *key,
                     json_t *(*make)(void))
{
    json_t *outer = pr->obj;
    if (outer) {
        json_t *inner = make();
        put(pr, key, inner);
        pr->obj = inner;
    }
    return outer;
}

json_t *pr_array_open(struct printer *pr, const char *key)
{
    return enter(pr, key, json_array);
}

void pr_text(struct printer *pr, const char *fmt, ...)
{
    if (pr->ds) {
        va_list args;
        va_start(args, fmt);
        ds_put_format_valist(pr->ds, fmt, args);
        va_end(args);
    }
}

void pr_str(struct printer *pr, const char *key, const char *fmt,
            const char *value)
{
    if (pr->ds) {
        ds_put_format(pr->ds, fmt, value);
    } else {
        put(pr, key, json_string(value));
    }
}

void pr_uint(struct printer *pr, const char *key, const char *fmt,
             uint64_t value)
{
    if (pr->ds) {
        ds_put_format(pr->ds, fmt, value);
    } else {
        put(pr, key, json_integer((json_int_t)value));
    }
}

void pr_double(struct printer *pr, const char *key, const char *fmt,
               double value)
{
    if (pr->ds) {
        ds_put_format(pr->ds, fmt, value);
    } else {
        put(pr, key, json_real(value));
    }
}

void pr_hex64(struct printer *pr, const char *key, const char *fmt,
              uint64_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "0x%" PRIx64, value);
    pr_str(pr, key, fmt, buf);
}

void pr_ip(struct printer *pr, const char *key, const char *fmt, uint32_t ip)
{
    char buf[16];
    pr_str(pr, key, fmt, ipv4_to_str(ip, buf));
}

json_t *pr_open(struct printer *pr, const char *key)
{
    return enter(pr, key, json_object);
}

void pr_close(struct printer *pr, json_t *outer)
{
    pr->obj = outer;
}

struct pr_list pr_list_open(struct printer *pr, const char *key)
{
    struct pr_list l = { pr->obj, NULL };
    if (pr->obj) {
        l.array = json_array();
        put(pr, key, l.array);
    }
    return l;
}

void pr_list_item(struct printer *pr, const struct pr_list *l)
{
    if (l->array) {
        json_t *item = json_object();
        json_array_append_new(l->array, item);
        pr->obj = item;
    }
}

void pr_list_close(struct printer *pr, const struct pr_list *l)
{
    if (l->array) {
        pr->obj = l->outer;
    }
}

void pr_bool(struct printer *pr, const char *key, const char *fmt,
             const char *text_true, const char *text_false, bool value)
{
    if (pr->ds) {
        ds_put_format(pr->ds, fmt, value ? text_true : text_false);
    } else {
        put(pr, key, json_boolean(value));
    }
}

void pr_str_array(struct printer *pr, const char *key, const char *fmt,
                  const char *sep, const char *const *values, size_t n)
{
    if (pr->ds) {
        for (size_t i = 0; i < n; i++) {
            ds_put_format(pr->ds, "%s", i ? sep : "");
            ds_put_format(pr->ds, fmt, values[i]);
        }
    } else {
        json_t *array = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(array, json_string(values[i]));
        }
        put(pr, key, array);
    }
}
