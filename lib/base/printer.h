/* printer: one print call, two renderings.
 *
 * Read commands answer both people and scripts.  Rather than two
 * printers that drift apart, a renderer calls pr_*() once per value: in
 * text mode the value goes through a printf format into a ds, in JSON
 * mode it becomes a member of a jansson object under a key.  Decoration
 * that only text needs (indentation, separators) goes through pr_text(),
 * which JSON mode ignores.  The idea is iproute2's print_*() family. */
#ifndef SW_PRINTER_H
#define SW_PRINTER_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ds.h"
#include "util.h"

/* Text mode: 'ds' set, 'obj' NULL.  JSON mode: the reverse ('obj' may
 * be an array: see pr_array_open()). */
struct printer {
    struct ds *ds;
    json_t *obj;
};

/* The member that carries a reply rendered as text, {"text": "..."}, in
 * every reply and stream line that has one (swofctl's read replies,
 * swctl's, monitor lines), and the request parameter that asks for it.
 * One spelling for the daemon, which writes it, and the tools, which
 * read it. */
#define PR_KEY_TEXT "text"

/* Starts a reply: text mode if 'text', else JSON mode (an object).
 * pr_reply_end() returns it: the object, or {"text": TEXT}. */
void pr_reply_begin(struct printer *, bool text);
json_t *pr_reply_end(struct printer *);

/* Text-only output. */
void pr_text(struct printer *, const char *fmt, ...) SW_PRINTF(2, 3);
/* 'value' under 'key', or printed through 'fmt' (which takes a string,
 * an unsigned 64-bit integer, and so on). */
void pr_str(struct printer *, const char *key, const char *fmt,
            const char *value);
void pr_uint(struct printer *, const char *key, const char *fmt,
             uint64_t value);
/* A number of seconds or the like ('fmt' takes a double). */
void pr_double(struct printer *, const char *key, const char *fmt,
               double value);
/* As a "0x..." string in both renderings (64-bit values overflow JSON
 * numbers in many readers). */
void pr_hex64(struct printer *, const char *key, const char *fmt,
              uint64_t value);
/* Dotted-quad IPv4 ('ip' in host order). */
void pr_ip(struct printer *, const char *key, const char *fmt, uint32_t ip);
/* Opens a nested object under 'key' (JSON mode) and returns what
 * pr_close() needs to return to the outer one. */
json_t *pr_open(struct printer *, const char *key);
void pr_close(struct printer *, json_t *outer);

/* A list of objects under 'key' (JSON mode): pr_list_open() starts it and
 * returns what pr_list_close() needs; each pr_list_item() starts the next
 * object, which the following pr_*() calls fill.  Text mode ignores all
 * three (the renderer prints its own separators with pr_text()). */
struct pr_list {
    json_t *outer; /* The object the list is a member of. */
    json_t *array;
};
struct pr_list pr_list_open(struct printer *, const char *key);
void pr_list_item(struct printer *, const struct pr_list *);
void pr_list_close(struct printer *, const struct pr_list *);
/* The 'n' strings 'values' as an array under 'key' (JSON mode), or each
 * through 'fmt' with 'sep' between them (text mode). */
void pr_str_array(struct printer *, const char *key, const char *fmt,
                  const char *sep, const char *const *values, size_t n);
/* A boolean: 'text_true' or 'text_false' through 'fmt' in text mode. */
void pr_bool(struct printer *, const char *key, const char *fmt,
             const char *text_true, const char *text_false, bool value);
/* 'value' (a new reference, consumed) under 'key' in JSON mode, for
 * what has no text of its own here (a renderer that writes the text
 * itself, as swctl's value notation); dropped in text mode. */
void pr_json(struct printer *, const char *key, json_t *value);
/* An array under 'key' (JSON mode) whose elements are what the following
 * pr_*() calls give (their keys are ignored; pr_open() appends an
 * object).  Returns what pr_close() needs to return to the outer object.
 * Text mode ignores it. */
json_t *pr_array_open(struct printer *, const char *key);
/* Whether 'pr' renders text. */
static inline bool pr_is_text(const struct printer *pr)
{
    return pr->ds != NULL;
}

#endif
