#include "printer.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

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
        json_object_set_new(pr->obj, key, json_string(value));
    }
}

void pr_uint(struct printer *pr, const char *key, const char *fmt,
             uint64_t value)
{
    if (pr->ds) {
        ds_put_format(pr->ds, fmt, value);
    } else {
        json_object_set_new(pr->obj, key, json_integer((json_int_t)value));
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
    json_t *outer = pr->obj;
    if (outer) {
        json_t *obj = json_object();
        json_object_set_new(outer, key, obj);
        pr->obj = obj;
    }
    return outer;
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
        json_object_set_new(pr->obj, key, l.array);
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
        json_object_set_new(pr->obj, key, json_boolean(value));
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
        json_object_set_new(pr->obj, key, array);
    }
}
