/* overlay-store: the mirror of PREFIX/hosts and PREFIX/endpoints, and
 * the keys and values a host writes there. */
#include "overlay.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth-addr.h"
#include "hash.h"
#include "util.h"

bool overlay_parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char tail;
    if (strlen(s) != 17
        || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
                  &v[4], &v[5], &tail)
               != 6) {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        if (s[i * 3 + 2] != (i < 5 ? ':' : '\0')) {
            return false;
        }
        mac[i] = (uint8_t)v[i];
    }
    for (int i = 0; i < 17; i++) {
        if (i % 3 != 2 && !strchr("0123456789abcdefABCDEF", s[i])) {
            return false;
        }
    }
    return true;
}

bool overlay_parse_ipv4(const char *s, uint32_t *ip)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        return false;
    }
    *ip = ntohl(a.s_addr);
    return true;
}

void overlay_store_init(struct overlay_store *st, const char *prefix)
{
    size_t len = strlen(prefix);
    while (len && prefix[len - 1] == '/') {
        len--;
    }
    st->prefix = xstrndup(prefix, len);
    hmap_init(&st->endpoints);
    hmap_init(&st->hosts);
}

static void endpoint_free(struct overlay_endpoint *ep)
{
    free(ep->key);
    free(ep->host);
    free(ep->port);
    free(ep);
}

static void host_free(struct overlay_host *h)
{
    free(h->key);
    free(h->name);
    free(h->vnis);
    free(h);
}

void overlay_store_clear(struct overlay_store *st)
{
    struct overlay_endpoint *ep;
    HMAP_FOR_EACH_SAFE (ep, node, &st->endpoints) {
        hmap_remove(&st->endpoints, &ep->node);
        endpoint_free(ep);
    }
    struct overlay_host *h;
    HMAP_FOR_EACH_SAFE (h, node, &st->hosts) {
        hmap_remove(&st->hosts, &h->node);
        host_free(h);
    }
    hmap_shrink(&st->endpoints);
    hmap_shrink(&st->hosts);
}

void overlay_store_uninit(struct overlay_store *st)
{
    overlay_store_clear(st);
    hmap_destroy(&st->endpoints);
    hmap_destroy(&st->hosts);
    free(st->prefix);
}

static uint32_t key_hash(const char *key)
{
    return hash_string(key, 0);
}

static struct overlay_endpoint *
find_endpoint_key(const struct overlay_store *st, const char *key)
{
    struct overlay_endpoint *ep;
    HMAP_FOR_EACH_WITH_HASH (ep, node, key_hash(key), &st->endpoints) {
        if (!strcmp(ep->key, key)) {
            return ep;
        }
    }
    return NULL;
}

static struct overlay_host *find_host_key(const struct overlay_store *st,
                                          const char *key)
{
    struct overlay_host *h;
    HMAP_FOR_EACH_WITH_HASH (h, node, key_hash(key), &st->hosts) {
        if (!strcmp(h->key, key)) {
            return h;
        }
    }
    return NULL;
}

bool overlay_store_delete(struct overlay_store *st, const char *key)
{
    struct overlay_endpoint *ep = find_endpoint_key(st, key);
    if (ep) {
        hmap_remove(&st->endpoints, &ep->node);
        hmap_shrink(&st->endpoints);
        endpoint_free(ep);
        return true;
    }
    struct overlay_host *h = find_host_key(st, key);
    if (h) {
        hmap_remove(&st->hosts, &h->node);
        hmap_shrink(&st->hosts);
        host_free(h);
        return true;
    }
    return false;
}

/* What follows PREFIX/WHAT/ in 'key', or NULL. */
static const char *key_rest(const struct overlay_store *st, const char *key,
                            const char *what)
{
    size_t plen = strlen(st->prefix), wlen = strlen(what);
    if (strncmp(key, st->prefix, plen) || key[plen] != '/'
        || strncmp(key + plen + 1, what, wlen)
        || key[plen + 1 + wlen] != '/') {
        return NULL;
    }
    return key + plen + 1 + wlen + 1;
}

static char *json_ipv4(const char *key, json_t *obj, const char *field,
                       bool required, uint32_t *ip)
{
    json_t *v = json_object_get(obj, field);
    *ip = 0;
    if (!v && !required) {
        return NULL;
    }
    const char *s = json_string_value(v);
    if (!s) {
        return xasprintf("%s: \"%s\" is %s", key, field,
                         v ? "not a string" : "missing");
    }
    if (!overlay_parse_ipv4(s, ip) || !*ip) {
        return xasprintf("%s: \"%s\": \"%s\" is not an IPv4 address", key,
                         field, s);
    }
    return NULL;
}

static char *json_opt_string(const char *key, json_t *obj, const char *field,
                             char **sp)
{
    json_t *v = json_object_get(obj, field);
    *sp = NULL;
    if (!v) {
        return NULL;
    }
    if (!json_is_string(v)) {
        return xasprintf("%s: \"%s\" is not a string", key, field);
    }
    *sp = xstrdup(json_string_value(v));
    return NULL;
}

static bool parse_vni(const char *s, size_t len, uint32_t *vni)
{
    char *copy = xstrndup(s, len);
    uint64_t v;
    bool ok = len && strspn(copy, "0123456789") == len
              && str_to_u64(copy, OVERLAY_VNI_MAX, &v) && v;
    free(copy);
    *vni = ok ? (uint32_t)v : 0;
    return ok;
}

static char *parse_endpoint(const char *key, const char *rest, json_t *obj,
                            struct overlay_endpoint *ep)
{
    const char *slash = strchr(rest, '/');
    if (!slash || !parse_vni(rest, (size_t)(slash - rest), &ep->vni)) {
        return xasprintf("%s: expected .../endpoints/VNI/MAC with VNI from "
                         "1 to %u",
                         key, OVERLAY_VNI_MAX);
    }
    if (!overlay_parse_mac(slash + 1, ep->mac)) {
        return xasprintf("%s: \"%s\" is not a MAC address", key, slash + 1);
    }
    char *err = json_ipv4(key, obj, "vtep", true, &ep->vtep);
    if (!err) {
        err = json_ipv4(key, obj, "ip", false, &ep->ip);
    }
    if (!err) {
        err = json_opt_string(key, obj, "host", &ep->host);
    }
    if (!err) {
        err = json_opt_string(key, obj, "port", &ep->port);
    }
    return err;
}

static char *parse_host(const char *key, const char *rest, json_t *obj,
                        struct overlay_host *h)
{
    if (!*rest || strchr(rest, '/')) {
        return xasprintf("%s: expected .../hosts/HOST", key);
    }
    h->name = xstrdup(rest);
    char *err = json_ipv4(key, obj, "vtep", true, &h->vtep);
    if (err) {
        return err;
    }
    json_t *vnis = json_object_get(obj, "vnis");
    if (vnis && !json_is_array(vnis)) {
        return xasprintf("%s: \"vnis\" is not an array", key);
    }
    h->n_vnis = json_array_size(vnis);
    h->vnis = xcalloc(h->n_vnis + 1, sizeof *h->vnis);
    for (size_t i = 0; i < h->n_vnis; i++) {
        json_t *v = json_array_get(vnis, i);
        json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
        if (n < 1 || n > OVERLAY_VNI_MAX) {
            return xasprintf("%s: \"vnis\" item %zu is not a VNI from 1 to "
                             "%u",
                             key, i + 1, OVERLAY_VNI_MAX);
        }
        h->vnis[i] = (uint32_t)n;
    }
    return NULL;
}

char *overlay_store_put(struct overlay_store *st, const char *key,
                        const char *value, int64_t mod_revision)
{
    const char *ep_rest = key_rest(st, key, "endpoints");
    const char *host_rest = ep_rest ? NULL : key_rest(st, key, "hosts");
    if (!ep_rest && !host_rest) {
        return NULL;
    }
    overlay_store_delete(st, key);

    json_error_t jerr;
    json_t *obj = json_loads(value, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(obj)) {
        json_decref(obj);
        return obj ? xasprintf("%s: value is not a JSON object", key)
                   : xasprintf("%s: value is not JSON (column %d: %s)", key,
                               jerr.column, jerr.text);
    }
    char *err;
    if (ep_rest) {
        struct overlay_endpoint *ep = xzalloc(sizeof *ep);
        err = parse_endpoint(key, ep_rest, obj, ep);
        if (err) {
            endpoint_free(ep);
        } else {
            ep->key = xstrdup(key);
            ep->mod_revision = mod_revision;
            hmap_insert(&st->endpoints, &ep->node, key_hash(key));
        }
    } else {
        struct overlay_host *h = xzalloc(sizeof *h);
        err = parse_host(key, host_rest, obj, h);
        if (err) {
            host_free(h);
        } else {
            h->key = xstrdup(key);
            h->mod_revision = mod_revision;
            hmap_insert(&st->hosts, &h->node, key_hash(key));
        }
    }
    json_decref(obj);
    return err;
}

char *overlay_endpoint_key(const char *prefix, uint32_t vni,
                           const uint8_t m[6])
{
    char mac[ETH_ADDR_STRLEN];
    return xasprintf("%s/endpoints/%" PRIu32 "/%s", prefix, vni,
                     eth_addr_to_str(m, mac));
}

char *overlay_host_key(const char *prefix, const char *host)
{
    return xasprintf("%s/hosts/%s", prefix, host);
}

const struct overlay_endpoint *
overlay_store_find_endpoint(const struct overlay_store *st, uint32_t vni,
                            const uint8_t mac[6])
{
    char *key = overlay_endpoint_key(st->prefix, vni, mac);
    const struct overlay_endpoint *ep = find_endpoint_key(st, key);
    free(key);
    return ep;
}

char *overlay_endpoint_value(const char *host, uint32_t vtep, uint32_t ip,
                             const char *port)
{
    char buf[16];
    json_t *o = json_pack("{s:s}", "vtep", ipv4_to_str(vtep, buf));
    if (host) {
        json_object_set_new(o, "host", json_string(host));
    }
    if (ip) {
        json_object_set_new(o, "ip", json_string(ipv4_to_str(ip, buf)));
    }
    if (port) {
        json_object_set_new(o, "port", json_string(port));
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

char *overlay_host_value(uint32_t vtep, const uint32_t *vnis, size_t n)
{
    char buf[16];
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_integer(vnis[i]));
    }
    json_t *o =
        json_pack("{s:s, s:o}", "vtep", ipv4_to_str(vtep, buf), "vnis", a);
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

static int endpoint_cmp(const void *a_, const void *b_)
{
    const struct overlay_endpoint *a = *(const struct overlay_endpoint **)a_;
    const struct overlay_endpoint *b = *(const struct overlay_endpoint **)b_;
    if (a->vni != b->vni) {
        return a->vni < b->vni ? -1 : 1;
    }
    return memcmp(a->mac, b->mac, 6);
}

const struct overlay_endpoint **
overlay_store_endpoints(const struct overlay_store *st, size_t *np)
{
    size_t n = 0;
    const struct overlay_endpoint **a =
        xcalloc(hmap_count(&st->endpoints) + 1, sizeof *a);
    const struct overlay_endpoint *ep;
    HMAP_FOR_EACH (ep, node, &st->endpoints) {
        a[n++] = ep;
    }
    qsort(a, n, sizeof *a, endpoint_cmp);
    *np = n;
    return a;
}

static int host_cmp(const void *a_, const void *b_)
{
    const struct overlay_host *a = *(const struct overlay_host **)a_;
    const struct overlay_host *b = *(const struct overlay_host **)b_;
    return strcmp(a->name, b->name);
}

const struct overlay_host **overlay_store_hosts(const struct overlay_store *st,
                                                size_t *np)
{
    size_t n = 0;
    const struct overlay_host **a =
        xcalloc(hmap_count(&st->hosts) + 1, sizeof *a);
    const struct overlay_host *h;
    HMAP_FOR_EACH (h, node, &st->hosts) {
        a[n++] = h;
    }
    qsort(a, n, sizeof *a, host_cmp);
    *np = n;
    return a;
}
