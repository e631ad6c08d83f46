/* etcd-json: etcd v3 JSON request bodies and reply parsing. */
#include "etcd-json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- Base64. ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *etcd_base64_encode(const void *data_, size_t n)
{
    const uint8_t *data = data_;
    char *out = xmalloc((n + 2) / 3 * 4 + 1);
    char *p = out;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16;
        if (i + 1 < n) {
            v |= (uint32_t)data[i + 1] << 8;
        }
        if (i + 2 < n) {
            v |= data[i + 2];
        }
        *p++ = b64_alphabet[(v >> 18) & 63];
        *p++ = b64_alphabet[(v >> 12) & 63];
        *p++ = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
        *p++ = i + 2 < n ? b64_alphabet[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(b64_alphabet, c) : NULL;
    return p ? (int)(p - b64_alphabet) : -1;
}

char *etcd_base64_decode(const char *text, char **outp, size_t *np)
{
    size_t len = strlen(text);
    *outp = NULL;
    *np = 0;
    if (len % 4) {
        return xasprintf("base64 \"%s\": length %zu is not a multiple of 4",
                         text, len);
    }
    char *out = xmalloc(len / 4 * 3 + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = text[i + j];
            bool last = i + 4 == len;
            if (c == '=' && last && j >= 2 && (j == 3 || text[i + 3] == '=')) {
                v[j] = 0;
                pad++;
                continue;
            }
            v[j] = b64_value(c);
            if (v[j] < 0 || pad) {
                free(out);
                return xasprintf("base64 \"%s\": invalid character '%c' at "
                                 "position %zu",
                                 text, c, i + j + 1);
            }
        }
        uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12
                     | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        out[n++] = (char)(w >> 16);
        if (pad < 2) {
            out[n++] = (char)(w >> 8);
        }
        if (pad < 1) {
            out[n++] = (char)w;
        }
    }
    out[n] = '\0';
    *outp = out;
    *np = n;
    return NULL;
}

/* ---- Requests. ---- */

char *etcd_prefix_end(const char *prefix)
{
    size_t len = strlen(prefix);
    while (len && (uint8_t)prefix[len - 1] == 0xff) {
        len--;
    }
    if (!len) {
        return xstrdup("");
    }
    char *end = xstrndup(prefix, len);
    end[len - 1] = (char)((uint8_t)end[len - 1] + 1);
    return end;
}

/* A key as etcd wants it. */
static json_t *b64_json(const char *s, size_t n)
{
    char *b = etcd_base64_encode(s, n);
    json_t *j = json_string(b);
    free(b);
    return j;
}

static json_t *str_b64_json(const char *s)
{
    return b64_json(s, strlen(s));
}

/* A 64-bit integer as etcd writes it: a decimal string. */
static json_t *int64_json(int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    return json_string(buf);
}

/* The range end for a prefix, base64.  An empty end means "to the end of
 * the keyspace", which etcd spells as the single byte 0. */
static json_t *prefix_end_json(const char *prefix)
{
    char *end = etcd_prefix_end(prefix);
    json_t *j = *end ? str_b64_json(end) : b64_json("", 1);
    free(end);
    return j;
}

json_t *etcd_range_prefix_request(const char *prefix)
{
    return json_pack("{s:o, s:o}", "key", str_b64_json(prefix), "range_end",
                     prefix_end_json(prefix));
}

json_t *etcd_put_request(const char *key, const char *value, int64_t lease)
{
    json_t *req = json_pack("{s:o, s:o}", "key", str_b64_json(key), "value",
                            str_b64_json(value));
    if (lease) {
        json_object_set_new(req, "lease", int64_json(lease));
    }
    return req;
}

json_t *etcd_delete_request(const char *key)
{
    return json_pack("{s:o}", "key", str_b64_json(key));
}

json_t *etcd_delete_if_request(const char *key, int64_t mod_revision)
{
    json_t *cmp = json_pack("{s:o, s:s, s:s, s:o}", "key", str_b64_json(key),
                            "target", "MOD", "result", "EQUAL", "mod_revision",
                            int64_json(mod_revision));
    json_t *del =
        json_pack("{s:o}", "request_delete_range", etcd_delete_request(key));
    return json_pack("{s:[o], s:[o]}", "compare", cmp, "success", del);
}

json_t *etcd_lease_grant_request(int64_t ttl)
{
    return json_pack("{s:o}", "TTL", int64_json(ttl));
}

json_t *etcd_lease_keepalive_request(int64_t id)
{
    return json_pack("{s:o}", "ID", int64_json(id));
}

json_t *etcd_watch_prefix_request(const char *prefix, int64_t start_revision)
{
    json_t *create = json_pack("{s:o, s:o}", "key", str_b64_json(prefix),
                               "range_end", prefix_end_json(prefix));
    if (start_revision) {
        json_object_set_new(create, "start_revision",
                            int64_json(start_revision));
    }
    return json_pack("{s:o}", "create_request", create);
}

/* ---- Replies. ---- */

char *etcd_reply_error(const json_t *reply)
{
    if (!json_is_object(reply)) {
        return xstrdup("etcd: reply is not a JSON object");
    }
    json_t *err = json_object_get(reply, "error");
    if (!err) {
        return NULL;
    }
    const char *msg = json_string_value(json_object_get(reply, "message"));
    if (!msg) {
        msg = json_is_string(err) ? json_string_value(err) : "error";
    }
    json_t *code = json_object_get(reply, "code");
    return xasprintf("etcd: %s (code %" PRId64 ")", msg,
                     json_is_integer(code) ? (int64_t)json_integer_value(code)
                                           : 0);
}

/* Reads an int64 that etcd wrote as a string (or, leniently, a number).
 * Absent means 0, as the gateway omits zero values. */
static char *get_int64(const json_t *obj, const char *name, int64_t *vp)
{
    json_t *v = json_object_get(obj, name);
    *vp = 0;
    if (!v) {
        return NULL;
    }
    if (json_is_integer(v)) {
        *vp = (int64_t)json_integer_value(v);
        return NULL;
    }
    const char *s = json_string_value(v);
    char *end;
    if (s && *s) {
        long long ll = strtoll(s, &end, 10);
        if (!*end) {
            *vp = ll;
            return NULL;
        }
    }
    return xasprintf("etcd: field \"%s\" is not a 64-bit integer", name);
}

char *etcd_parse_header(const json_t *reply, int64_t *revisionp)
{
    char *err = etcd_reply_error(reply);
    if (err) {
        return err;
    }
    json_t *header = json_object_get(reply, "header");
    if (!json_is_object(header)) {
        return xstrdup("etcd: reply has no \"header\" object");
    }
    return get_int64(header, "revision", revisionp);
}

void etcd_kv_uninit(struct etcd_kv *kv)
{
    free(kv->key);
    free(kv->value);
}

void etcd_kvs_free(struct etcd_kv *kvs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        etcd_kv_uninit(&kvs[i]);
    }
    free(kvs);
}

/* Decodes a base64 field; absent is "" unless 'required'. */
static char *get_b64(const json_t *obj, const char *name, bool required,
                     char **outp, size_t *np)
{
    json_t *v = json_object_get(obj, name);
    if (!v && !required) {
        *outp = xstrdup("");
        *np = 0;
        return NULL;
    }
    if (!json_is_string(v)) {
        *outp = NULL;
        return xasprintf("etcd: field \"%s\" is %s", name,
                         v ? "not a string" : "missing");
    }
    char *err = etcd_base64_decode(json_string_value(v), outp, np);
    if (err) {
        char *msg = xasprintf("etcd: field \"%s\": %s", name, err);
        free(err);
        return msg;
    }
    return NULL;
}

static char *parse_kv(const json_t *j, bool with_value, struct etcd_kv *kv)
{
    memset(kv, 0, sizeof *kv);
    if (!json_is_object(j)) {
        return xstrdup("etcd: a kv is not an object");
    }
    size_t key_len;
    char *err = get_b64(j, "key", true, &kv->key, &key_len);
    if (!err && strlen(kv->key) != key_len) {
        err = xstrdup("etcd: a key holds a NUL byte");
    }
    if (!err && with_value) {
        err = get_b64(j, "value", false, &kv->value, &kv->value_len);
    }
    if (!err) {
        err = get_int64(j, "create_revision", &kv->create_revision);
    }
    if (!err) {
        err = get_int64(j, "mod_revision", &kv->mod_revision);
    }
    if (!err) {
        err = get_int64(j, "lease", &kv->lease);
    }
    if (err) {
        etcd_kv_uninit(kv);
        memset(kv, 0, sizeof *kv);
    }
    return err;
}

char *etcd_parse_range(const json_t *reply, int64_t *revisionp,
                       struct etcd_kv **kvsp, size_t *np)
{
    *kvsp = NULL;
    *np = 0;
    char *err = etcd_parse_header(reply, revisionp);
    if (err) {
        return err;
    }
    json_t *kvs = json_object_get(reply, "kvs");
    if (kvs && !json_is_array(kvs)) {
        return xstrdup("etcd: field \"kvs\" is not an array");
    }
    size_t n = json_array_size(kvs);
    struct etcd_kv *out = xcalloc(n + 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        err = parse_kv(json_array_get(kvs, i), true, &out[i]);
        if (err) {
            etcd_kvs_free(out, i);
            return err;
        }
    }
    *kvsp = out;
    *np = n;
    return NULL;
}

char *etcd_parse_lease_grant(const json_t *reply, int64_t *idp, int64_t *ttlp)
{
    int64_t rev;
    char *err = etcd_parse_header(reply, &rev);
    if (!err) {
        err = get_int64(reply, "ID", idp);
    }
    if (!err) {
        err = get_int64(reply, "TTL", ttlp);
    }
    if (!err && (!*idp || *ttlp <= 0)) {
        const char *why = json_string_value(json_object_get(reply, "error"));
        err = xasprintf("etcd: lease not granted%s%s", why ? ": " : "",
                        why ? why : "");
    }
    return err;
}

/* Streamed replies wrap each message in {"result": ...}; an error in the
 * stream is {"error": {...}}. */
static char *unwrap_result(const json_t *msg, const json_t **resultp)
{
    if (!json_is_object(msg)) {
        return xstrdup("etcd: stream message is not a JSON object");
    }
    json_t *error = json_object_get(msg, "error");
    if (json_is_object(error)) {
        const char *m = json_string_value(json_object_get(error, "message"));
        return xasprintf("etcd: %s", m ? m : "error in stream");
    }
    char *err = etcd_reply_error(msg);
    if (err) {
        return err;
    }
    json_t *result = json_object_get(msg, "result");
    if (!json_is_object(result)) {
        return xstrdup("etcd: stream message has no \"result\" object");
    }
    *resultp = result;
    return NULL;
}

char *etcd_parse_keepalive(const json_t *reply, int64_t *ttlp)
{
    const json_t *result = NULL;
    *ttlp = 0;
    char *err = unwrap_result(reply, &result);
    return err ? err : get_int64(result, "TTL", ttlp);
}

char *etcd_parse_txn(const json_t *reply, bool *succeededp, int64_t *revisionp)
{
    char *err = etcd_parse_header(reply, revisionp);
    if (err) {
        return err;
    }
    *succeededp = json_is_true(json_object_get(reply, "succeeded"));
    return NULL;
}

void etcd_watch_msg_uninit(struct etcd_watch_msg *m)
{
    for (size_t i = 0; i < m->n_events; i++) {
        etcd_kv_uninit(&m->events[i].kv);
    }
    free(m->events);
    free(m->cancel_reason);
    memset(m, 0, sizeof *m);
}

static char *parse_event(const json_t *j, struct etcd_event *ev)
{
    if (!json_is_object(j)) {
        return xstrdup("etcd: a watch event is not an object");
    }
    json_t *type = json_object_get(j, "type");
    const char *t = json_string_value(type);
    if (!type || (t && !strcmp(t, "PUT"))) {
        ev->type = ETCD_EVENT_PUT;
    } else if (t && !strcmp(t, "DELETE")) {
        ev->type = ETCD_EVENT_DELETE;
    } else {
        return xstrdup("etcd: watch event \"type\" is not PUT or DELETE");
    }
    return parse_kv(json_object_get(j, "kv"), ev->type == ETCD_EVENT_PUT,
                    &ev->kv);
}

char *etcd_parse_watch(const json_t *msg, struct etcd_watch_msg *m)
{
    memset(m, 0, sizeof *m);
    const json_t *result = NULL;
    char *err = unwrap_result(msg, &result);
    if (err) {
        return err;
    }
    json_t *header = json_object_get(result, "header");
    if (json_is_object(header)) {
        err = get_int64(header, "revision", &m->revision);
    }
    if (!err) {
        err = get_int64(result, "compact_revision", &m->compact_revision);
    }
    if (err) {
        return err;
    }
    m->created = json_is_true(json_object_get(result, "created"));
    m->canceled = json_is_true(json_object_get(result, "canceled"));
    const char *reason =
        json_string_value(json_object_get(result, "cancel_reason"));
    m->cancel_reason = reason ? xstrdup(reason) : NULL;

    json_t *events = json_object_get(result, "events");
    if (events && !json_is_array(events)) {
        etcd_watch_msg_uninit(m);
        return xstrdup("etcd: field \"events\" is not an array");
    }
    size_t n = json_array_size(events);
    m->events = xcalloc(n + 1, sizeof *m->events);
    for (size_t i = 0; i < n; i++) {
        err = parse_event(json_array_get(events, i), &m->events[i]);
        if (err) {
            etcd_watch_msg_uninit(m);
            return err;
        }
        m->n_events++;
    }
    return NULL;
}

/* ---- Streams. ---- */

void etcd_stream_init(struct etcd_stream *s, size_t max)
{
    memset(s, 0, sizeof *s);
    s->max = max;
}

void etcd_stream_uninit(struct etcd_stream *s)
{
    free(s->buf);
    memset(s, 0, sizeof *s);
}

void etcd_stream_feed(struct etcd_stream *s, const void *data, size_t n)
{
    if (s->len + n + 1 > s->allocated) {
        s->buf = x2nrealloc(s->buf, &s->allocated, s->len + n + 1, 1);
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
}

/* Length of the complete JSON object at the start of 'p' (after
 * whitespace was skipped), or 0 if it is not complete yet. */
static size_t object_length(const char *p, size_t len)
{
    int depth = 0;
    bool in_string = false, escaped = false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (in_string) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            return i + 1;
        }
    }
    return 0;
}

char *etcd_stream_next(struct etcd_stream *s, json_t **msgp)
{
    *msgp = NULL;
    size_t skip = 0;
    while (skip < s->len && s->buf[skip] && strchr(" \t\r\n", s->buf[skip])) {
        skip++;
    }
    if (skip == s->len) {
        s->len = 0;
        return NULL;
    }
    if (s->buf[skip] != '{') {
        return xasprintf("etcd: stream holds '%c' where an object should "
                         "start",
                         s->buf[skip]);
    }
    size_t n = object_length(s->buf + skip, s->len - skip);
    if (!n) {
        if (s->len - skip > s->max) {
            return xasprintf("etcd: stream message longer than %zu bytes",
                             s->max);
        }
        return NULL;
    }
    json_error_t jerr;
    json_t *msg = json_loadb(s->buf + skip, n, 0, &jerr);
    memmove(s->buf, s->buf + skip + n, s->len - skip - n);
    s->len -= skip + n;
    if (!msg) {
        return xasprintf("etcd: malformed stream message at column %d: %s",
                         jerr.column, jerr.text);
    }
    *msgp = msg;
    return NULL;
}
