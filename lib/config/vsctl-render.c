/* vsctl-render: every swctl reply rendered once, through printer.h.
 *
 * A command's result is made here in the form its reply asks for: JSON
 * (the record values as records.c builds them) or ovs-vsctl's text, with
 * each layout written once.  The text of a value is ovs-vsctl's
 * notation: bare identifiers, quoted strings, [] for empty, {k=v, ...}
 * for maps; --bare drops the quotes and brackets. */
#include "vsctl-private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- ovs-vsctl's notation. ---- */

/* 's' as ovs-vsctl prints a string: bare if it looks like an identifier,
 * otherwise in double quotes with escapes. */
static void put_string(const char *s, struct ds *out)
{
    bool bare = *s && (isalpha((unsigned char)*s) || *s == '_')
                && strcmp(s, "true") && strcmp(s, "false");
    for (const char *c = s; bare && *c; c++) {
        bare =
            isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.';
    }
    if (bare) {
        ds_put_cstr(out, s);
        return;
    }
    ds_put_char(out, '"');
    for (const char *c = s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            ds_put_char(out, '\\');
        }
        ds_put_char(out, *c);
    }
    ds_put_char(out, '"');
}

/* A column value: [] for empty, {k=v, ...} for maps, [a, b] for sets;
 * with 'bare' (ovs-vsctl --bare) no quotes, no brackets, set members and
 * map pairs separated by spaces, nothing for empty. */
static void put_value(const json_t *v, bool bare, struct ds *out)
{
    const char *key;
    json_t *e;
    size_t i = 0;
    if (json_is_string(v)) {
        if (bare) {
            ds_put_cstr(out, json_string_value(v));
        } else {
            put_string(json_string_value(v), out);
        }
    } else if (json_is_integer(v)) {
        ds_put_format(out, "%lld", (long long)json_integer_value(v));
    } else if (json_is_boolean(v)) {
        ds_put_cstr(out, json_is_true(v) ? "true" : "false");
    } else if (json_is_object(v)) {
        ds_put_cstr(out, bare ? "" : "{");
        json_object_foreach((json_t *)v, key, e)
        {
            ds_put_cstr(out, !i++ ? "" : bare ? " " : ", ");
            if (bare) {
                ds_put_cstr(out, key);
            } else {
                put_string(key, out);
            }
            ds_put_char(out, '=');
            put_value(e, bare, out);
        }
        ds_put_cstr(out, bare ? "" : "}");
    } else if (json_is_array(v)) {
        ds_put_cstr(out, bare ? "" : "[");
        json_array_foreach((json_t *)v, i, e)
        {
            ds_put_cstr(out, !i ? "" : bare ? " " : ", ");
            put_value(e, bare, out);
        }
        ds_put_cstr(out, bare ? "" : "]");
    } else if (!bare) {
        ds_put_cstr(out, "[]");
    }
}

/* 'v' (consumed) under 'key' in JSON, or its notation through 'fmt' (a
 * "%s" format) in text. */
static void pr_value(struct printer *pr, const char *key, const char *fmt,
                     json_t *v, bool bare)
{
    if (pr_is_text(pr)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        put_value(v, bare, &s);
        pr_str(pr, key, fmt, ds_cstr(&s));
        ds_destroy(&s);
        json_decref(v);
    } else {
        pr_json(pr, key, v);
    }
}

/* ---- Each command's result. ---- */

void vsctl_render_names(struct printer *pr, const char *const *names, size_t n)
{
    pr_str_array(pr, VSCTL_KEY_RESULT, "%s\n", "", names, n);
}

void vsctl_render_name(struct printer *pr, const char *name)
{
    pr_str(pr, VSCTL_KEY_RESULT, "%s\n", name);
}

void vsctl_render_truth(struct printer *pr, bool value)
{
    pr_bool(pr, VSCTL_KEY_RESULT, "%s", "", "", value);
}

void vsctl_render_values(struct printer *pr, json_t *values)
{
    json_t *outer = pr_array_open(pr, VSCTL_KEY_RESULT);
    size_t i;
    json_t *v;
    json_array_foreach(values, i, v)
    {
        pr_value(pr, NULL, "%s\n", json_incref(v), false);
    }
    pr_close(pr, outer);
    json_decref(values);
}

static int cmp_names(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* The column names to render of 'rec', in order: the --columns list
 * 'columns' (each once), or every column, 'sorted' by name as ovs-vsctl
 * lists them (JSON keeps the record's order).  Returns NULL and sets
 * '*errp' if 'rec' lacks one. */
static const char **record_columns(const json_t *rec, const char *columns,
                                   bool sorted, const char *table, size_t *np,
                                   char **errp)
{
    const char **names = xcalloc(json_object_size(rec) + 1, sizeof *names);
    size_t n = 0;
    const char *key;
    json_t *v;
    if (!columns) {
        json_object_foreach((json_t *)rec, key, v)
        {
            names[n++] = key;
        }
        if (sorted) {
            qsort(names, n, sizeof *names, cmp_names);
        }
        *np = n;
        return names;
    }
    char *list = xstrdup(columns), *save = NULL;
    for (char *c = strtok_r(list, ",", &save); c;
         c = strtok_r(NULL, ",", &save)) {
        void *iter = json_object_iter_at((json_t *)rec, c);
        if (!iter) {
            *errp = xasprintf("%s contains no column named \"%s\"", table, c);
            break;
        }
        key = json_object_iter_key(iter);
        size_t k = 0;
        while (k < n && strcmp(names[k], key)) {
            k++;
        }
        if (k == n) {
            names[n++] = key;
        }
    }
    free(list);
    if (*errp) {
        free(names);
        return NULL;
    }
    *np = n;
    return names;
}

char *vsctl_render_records(struct printer *pr, json_t *records,
                           const char *columns, bool bare, const char *table)
{
    char *err = NULL;
    size_t i;
    json_t *rec;
    /* The column names of every record first: an error renders nothing. */
    const char ***names = xcalloc(json_array_size(records) + 1, sizeof *names);
    size_t *n = xcalloc(json_array_size(records) + 1, sizeof *n);
    json_array_foreach(records, i, rec)
    {
        names[i] =
            record_columns(rec, columns, pr_is_text(pr), table, &n[i], &err);
        if (err) {
            break;
        }
    }
    if (!err) {
        json_t *outer = pr_array_open(pr, VSCTL_KEY_RESULT);
        json_array_foreach(records, i, rec)
        {
            json_t *obj = pr_open(pr, NULL);
            pr_text(pr, i ? "\n" : "");
            for (size_t k = 0; k < n[i]; k++) {
                const char *col = names[i][k];
                if (!bare) {
                    pr_text(pr, "%-20s: ", col);
                }
                pr_value(pr, col, "%s\n",
                         json_incref(json_object_get(rec, col)), bare);
            }
            pr_close(pr, obj);
        }
        pr_close(pr, outer);
    }
    for (i = 0; i < json_array_size(records); i++) {
        free(names[i]);
    }
    free(names);
    free(n);
    json_decref(records);
    return err;
}

/* A port in show: in JSON its whole Interface record, in text
 * ovs-vsctl show's lines (the columns that are set of type, options and
 * error). */
static void render_show_port(struct printer *pr, const struct config_port *p,
                             const struct db_status *st)
{
    if (!pr_is_text(pr)) {
        pr_json(pr, NULL, db_record(DB_INTERFACE, p, NULL, st));
        return;
    }
    struct ds name = DS_EMPTY_INITIALIZER;
    put_string(p->name, &name);
    pr_text(pr, "        Port %s\n            Interface %s\n", ds_cstr(&name),
            ds_cstr(&name));
    ds_destroy(&name);
    if (strcmp(p->type, "system")) {
        pr_text(pr, "                type: %s\n", p->type);
    }
    if (p->n_options) {
        pr_value(pr, NULL, "                options: %s\n", db_options(p),
                 false);
    }
    const char *err = db_iface_error(st, p->name);
    if (err) {
        pr_text(pr, "                error: \"%s\"\n", err);
    }
}

void vsctl_render_show(struct printer *pr, const struct config *cfg,
                       const struct db_status *st)
{
    json_t *outer = pr_open(pr, VSCTL_KEY_RESULT);
    pr_str(pr, "uuid", "%s\n", cfg->uuid);
    struct pr_list bl = pr_list_open(pr, "bridges");
    struct config_bridge **bv = config_sorted_bridges(cfg);
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        pr_list_item(pr, &bl);
        pr_str(pr, "name", "    Bridge %s\n", bv[i]->name);
        json_t *ports = pr_array_open(pr, "ports");
        struct config_port **pv = config_sorted_ports(bv[i]);
        for (size_t j = 0; j < bv[i]->n_ports; j++) {
            render_show_port(pr, pv[j], st);
        }
        free(pv);
        pr_close(pr, ports);
    }
    free(bv);
    pr_list_close(pr, &bl);
    pr_close(pr, outer);
}

/* ---- Setup errors and what swctl prints of a reply. ---- */

#define SETUP_ERRORS "setup-errors"
#define SETUP_KEY_NAME "name"
#define SETUP_KEY_ERROR "error"

/* One port that could not be set up: {"name", "error"}, or the line
 * ovs-vsctl prints after its program name. */
static void render_setup_error(struct printer *pr, const char *name,
                               const char *error)
{
    pr_str(pr, SETUP_KEY_NAME, "Error detected while setting up '%s': ", name);
    pr_str(pr, SETUP_KEY_ERROR, "%s.  See switchd log for details.\n", error);
}

/* The result array of the setup-errors entry of a JSON reply, or NULL. */
static json_t *setup_errors(const json_t *reply)
{
    size_t i;
    json_t *e;
    json_array_foreach((json_t *)reply, i, e)
    {
        const char *cmd =
            json_string_value(json_object_get(e, VSCTL_KEY_COMMAND));
        if (cmd && !strcmp(cmd, SETUP_ERRORS)) {
            return json_object_get(e, VSCTL_KEY_RESULT);
        }
    }
    return NULL;
}

void vsctl_add_setup_error(json_t *reply, const char *name, const char *error)
{
    struct printer pr = { NULL, NULL };
    if (json_is_object(reply)) {
        /* Text: one more line of "errors". */
        struct ds lines = DS_EMPTY_INITIALIZER;
        ds_put_cstr(&lines, json_string_value(
                                json_object_get(reply, VSCTL_KEY_ERRORS)));
        pr.ds = &lines;
        render_setup_error(&pr, name, error);
        json_object_set_new(reply, VSCTL_KEY_ERRORS,
                            json_string(ds_cstr(&lines)));
        ds_destroy(&lines);
        return;
    }
    json_t *errors = setup_errors(reply);
    if (!errors) {
        errors = json_array();
        json_array_append_new(reply, json_pack("{s:s, s:o}", VSCTL_KEY_COMMAND,
                                               SETUP_ERRORS, VSCTL_KEY_RESULT,
                                               errors));
    }
    pr.obj = json_object();
    json_array_append_new(errors, pr.obj);
    render_setup_error(&pr, name, error);
}

const char *vsctl_reply_text(const json_t *reply)
{
    const char *text = json_string_value(json_object_get(reply, PR_KEY_TEXT));
    return text ? text : "";
}

void vsctl_reply_errors(const json_t *reply, const char *program,
                        struct ds *out)
{
    struct ds lines = DS_EMPTY_INITIALIZER;
    if (json_is_object(reply)) {
        ds_put_cstr(&lines, json_string_value(
                                json_object_get(reply, VSCTL_KEY_ERRORS)));
    } else {
        /* JSON: the same lines from the entry. */
        struct printer pr = { &lines, NULL };
        size_t i;
        json_t *p;
        json_array_foreach(setup_errors(reply), i, p)
        {
            const char *name =
                json_string_value(json_object_get(p, SETUP_KEY_NAME));
            const char *err =
                json_string_value(json_object_get(p, SETUP_KEY_ERROR));
            render_setup_error(&pr, name ? name : "", err ? err : "");
        }
    }
    for (const char *s = ds_cstr(&lines); *s;) {
        size_t len = strcspn(s, "\n");
        ds_put_format(out, "%s: %.*s\n", program, (int)len, s);
        s += len + (s[len] == '\n');
    }
    ds_destroy(&lines);
}
