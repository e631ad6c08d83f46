/* libFuzzer target for the daemon's socket methods (switchd/methods.c):
 * what a local client can make the daemon do once its request parsed.
 *
 * The input is a session: request lines split on '\n' (at most
 * MAX_REQUESTS of them), each parsed with rpc_parse_request() as the
 * server does and handed to switchd_dispatch() against one daemon state
 * that lives for the whole input: a configuration that starts empty,
 * live bridges (bridges_create(NULL): nothing is polled) and a database
 * file of our own.  Lines that do not parse are skipped (fuzz-rpc covers
 * them).  Oracles beyond ASan/UBSan and leaks:
 *
 *   - every call returns an error or a result, never both or neither;
 *     an error says something; both encode as reply lines that parse
 *     back to the same message / result (what the client receives);
 *   - a subscription starts only with a result, and only from monitor
 *     or capture;
 *   - the committed configuration validates, keeps the invariants
 *     fuzz-config checks and round trips through JSON after every
 *     request; only a successful vsctl may change it, and then the
 *     database file holds exactly it;
 *   - a request that failed, and every read-only request (dumps, show,
 *     trace without generate, starting a subscription), leaves the flow
 *     tables, the port counters and the MAC tables alone;
 *   - every line a subscription yields is one JSON object ending in
 *     '\n'; a line that appeared since the last drain was announced
 *     with a notify; after the END line nothing more comes;
 *   - at the end of the input every subscription, finished or not, is
 *     destroyed before the bridges, as the server does at exit.
 *
 * Devices: bridges open TAP devices and vxlan sockets for real.  So the
 * process first moves into a network namespace of its own (as root, or
 * through a user namespace otherwise), where nothing reaches the host
 * and every send fails for want of a route.  Without one, vsctl requests
 * are vetoed when live bridges could touch the host: all of them with
 * network privileges, and those that would create a vxlan or system port
 * without (a vxlan socket would be bound and sent from on the host).
 * Nothing here waits: there is no event loop, time is never advanced,
 * and the daemon runs without an event base, so it has no timers. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge-sub.h"
#include "bridge.h"
#include "bridge-ofctl.h"
#include "config.h"
#include "config-check.h"
#include "ds.h"
#include "log.h"
#include "methods.h"
#include "rpc.h"
#include "util.h"
#include "vsctl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQUESTS 32
/* Bigger inputs only slow the fuzzer down; the replay driver may pass
 * anything. */
#define MAX_INPUT (64 * 1024)

/* Where the bridges' devices end up. */
enum sandbox {
    SANDBOX_NETNS, /* A private network namespace: anything goes. */
    SANDBOX_USER,  /* Host namespace, no network privileges. */
    SANDBOX_NONE,  /* Host namespace with privileges: no bridges. */
};

static enum sandbox sandbox;
static char *db_dir, *db_path, *db_tmp;
/* $FUZZ_METHODS_VERBOSE: print every request and its reply to stderr,
 * to see what a seed or a finding actually does. */
static bool verbose;

/* ---- Once per process. ---- */

static void remove_db(void)
{
    unlink(db_path);
    unlink(db_tmp);
}

static void cleanup(void)
{
    remove_db();
    rmdir(db_dir);
}

static bool write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len;
    return !close(fd) && ok;
}

/* True if the effective capabilities include CAP_NET_ADMIN (12) or
 * CAP_NET_RAW (13): enough to create TAP devices or attach to NICs. */
static bool net_privileged(void)
{
    if (geteuid() == 0) {
        return true;
    }
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long long caps = ~0ULL; /* Unknown counts as privileged. */
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "CapEff: %llx", &caps) == 1) {
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return caps & (3ULL << 12);
}

static enum sandbox enter_sandbox(void)
{
    if (geteuid() == 0) {
        return unshare(CLONE_NEWNET) ? SANDBOX_NONE : SANDBOX_NETNS;
    }
    /* A user namespace grants the right to a network namespace.  Map our
     * ids to themselves so that the database file keeps its owner.  This
     * must run before libFuzzer starts threads, hence Initialize. */
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (!unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
        char map[64];
        snprintf(map, sizeof map, "%lu %lu 1", (unsigned long)uid,
                 (unsigned long)uid);
        bool ok = write_file("/proc/self/uid_map", map);
        snprintf(map, sizeof map, "%lu %lu 1", (unsigned long)gid,
                 (unsigned long)gid);
        ok = write_file("/proc/self/setgroups", "deny") && ok;
        ok = write_file("/proc/self/gid_map", map) && ok;
        (void)ok; /* Unmapped ids only cost file ownership. */
        return SANDBOX_NETNS;
    }
    return net_privileged() ? SANDBOX_NONE : SANDBOX_USER;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* An info line per commit would drown the fuzzer's own output. */
    log_set_level(LOG_ERR);

    /* tmpfs where there is one: every commit fsyncs. */
    char dir_shm[] = "/dev/shm/fuzz-methods-XXXXXX";
    char dir_tmp[] = "/tmp/fuzz-methods-XXXXXX";
    const char *dir = mkdtemp(dir_shm);
    if (!dir) {
        dir = mkdtemp(dir_tmp);
    }
    if (!dir) {
        perror("fuzz-methods: mkdtemp");
        abort();
    }
    db_dir = xstrdup(dir);
    db_path = xasprintf("%s/conf.json", db_dir);
    db_tmp = xasprintf("%s.tmp", db_path);
    atexit(cleanup);

    sandbox = enter_sandbox();
    verbose = getenv("FUZZ_METHODS_VERBOSE") != NULL;
    if (verbose) {
        static const char *const names[] = { "netns", "unprivileged", "none" };
        fprintf(stderr, "fuzz-methods: sandbox %s, database %s\n",
                names[sandbox], db_path);
    }
    return 0;
}

/* ---- Oracles. ---- */

/* What every configuration the daemon holds must satisfy. */
static void check_config(const struct config *cfg)
{
    char *err = config_validate(cfg);
    if (err) {
        abort();
    }
    config_check_invariants(cfg);
    config_check_round_trip(cfg);
}

/* The database file must hold the committed configuration. */
static void check_db(const struct config *cfg)
{
    struct config *disk;
    char *err = config_load(db_path, &disk);
    if (err) {
        abort();
    }
    json_t *a = config_to_json(cfg);
    json_t *b = config_to_json(disk);
    if (!json_equal(a, b)) {
        abort();
    }
    json_decref(a);
    json_decref(b);
    config_destroy(disk);
}

/* The message the client would receive for 'id' parses back to 'key'
 * holding 'value'. */
static void check_reply_line(char *line, const char *key, json_t *value)
{
    size_t len = strlen(line);
    if (!len || line[len - 1] != '\n' || memchr(line, '\n', len - 1)) {
        abort(); /* One message, one line. */
    }
    json_error_t jerr;
    json_t *msg = json_loads(line, 0, &jerr);
    if (!msg || !json_equal(json_object_get(msg, key), value)) {
        abort();
    }
    json_decref(msg);
    free(line);
}

static void check_reply(json_t *id, const char *err, json_t *result)
{
    if (!err == !result) {
        abort(); /* Exactly one of an error and a result. */
    }
    if (err) {
        if (!*err) {
            abort(); /* The tools would print "swctl: ". */
        }
        json_t *s = json_string(err);
        if (!s) {
            abort(); /* Not UTF-8: the reply would carry no message. */
        }
        char *line = rpc_encode_error(id, err);
        if (verbose) {
            fprintf(stderr, "<- %s", line);
        }
        check_reply_line(line, "error", s);
        json_decref(s);
    } else {
        char *line = rpc_encode_reply(id, result);
        if (verbose) {
            fprintf(stderr, "<- %.300s%s", line,
                    strlen(line) > 300 ? "...\n" : "");
        }
        check_reply_line(line, "result", result);
    }
}

/* Appends 'j' (which this takes) to 'out' as canonical text. */
static void put_json(struct ds *out, json_t *j)
{
    char *s = j ? json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT) : NULL;
    ds_put_format(out, "%s\n", s ? s : "null");
    free(s);
    json_decref(j);
}

/* The dataplane state requests may change, as text: every bridge's
 * flows (without statistics), port counters and MAC table (without
 * ages). */
static void snapshot(struct switchd *sw, struct ds *out)
{
    ds_clear(out);
    for (size_t i = 0; i < sw->cfg->n_bridges; i++) {
        const char *name = sw->cfg->bridges[i]->name;
        ds_put_format(out, "%s\n", name);

        struct bridge_dump_options o = { .stats = false, .text_only = true };
        json_t *r = NULL;
        char *err = bridge_ofctl_dump_flows(sw->bridges, name, &o, &r);
        if (err) {
            abort(); /* Every committed bridge is live. */
        }
        put_json(out, r);

        static const struct ofctl_view json_view = { false, 10 };
        err = bridge_ofctl_dump_ports(sw->bridges, name, NULL, &json_view, &r);
        if (err) {
            abort();
        }
        put_json(out, r);

        err = bridge_ofctl_fdb_show(sw->bridges, name, &json_view, &r);
        if (err) {
            abort();
        }
        size_t k;
        json_t *e;
        json_array_foreach(json_object_get(r, "entries"), k, e)
        {
            json_object_del(e, "age");
        }
        put_json(out, r);
    }
}

/* Requests that must not change the dataplane even when they succeed. */
static bool read_only(const char *method, json_t *params)
{
    static const char *const names[] = {
        "show",       "dump-flows",   "dump-aggregate",
        "dump-ports", "dump-tables",  "fdb-show",
        "monitor",    "capture",      "dump-ports-desc",
        "version",    "list-methods", "exit",
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(method, names[i])) {
            return true;
        }
    }
    return !strcmp(method, "trace")
           && !json_is_true(json_object_get(params, "generate"));
}

/* ---- Subscriptions. ---- */

struct sub {
    struct bridge_sub *bs;
    bool monitor;  /* Else a capture. */
    int notified;  /* Notifies since the last drain. */
    bool finished; /* The END line was taken. */
};

struct session {
    struct switchd sw;
    struct sub subs[MAX_REQUESTS];
    size_t n_subs;
    struct ds before, after;
};

static void notify_cb(void *sub_)
{
    struct sub *s = sub_;
    s->notified++;
}

/* Takes every line waiting in 's', as the server's pump would. */
static void drain(struct sub *s)
{
    char *line;
    bool any = false;
    while ((line = bridge_sub_next(s->bs)) != NULL) {
        if (s->finished) {
            abort(); /* Something after END. */
        }
        any = true;
        size_t len = strlen(line);
        if (!len || line[len - 1] != '\n' || memchr(line, '\n', len - 1)) {
            abort();
        }
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        if (!json_is_object(j)) {
            abort();
        }
        const char *event = json_string_value(json_object_get(j, "event"));
        if (!event && (s->monitor || !json_object_get(j, "dir"))) {
            abort(); /* Neither an event nor a capture record. */
        }
        if (event && !strcmp(event, "END")) {
            s->finished = true;
        }
        json_decref(j);
        free(line);
    }
    if (any && !s->notified) {
        abort(); /* The server would never have woken up for these. */
    }
    if (s->finished != bridge_sub_finished(s->bs)) {
        abort();
    }
    s->notified = 0;
}

/* ---- Requests. ---- */

/* Without a namespace of our own, whether a vsctl request must not run:
 * see the file comment. */
static bool vetoed(struct switchd *sw, json_t *params)
{
    if (sandbox == SANDBOX_NETNS) {
        return false;
    }
    if (sandbox == SANDBOX_NONE) {
        return true;
    }
    json_t *args = json_object_get(params, "args");
    size_t n = json_array_size(args);
    char **argv = xcalloc(n + 1, sizeof *argv);
    for (size_t i = 0; i < n; i++) {
        argv[i] = (char *)json_string_value(json_array_get(args, i));
        if (!argv[i]) {
            free(argv);
            return false; /* Refused by methods.c before any change. */
        }
    }
    struct config *clone = config_clone(sw->cfg);
    json_t *result = NULL;
    bool changed = false;
    char *err = vsctl_run(clone, (int)n, argv, NULL, NULL, &result, &changed);
    bool veto = false;
    for (size_t i = 0; !err && i < clone->n_bridges; i++) {
        const struct config_bridge *br = clone->bridges[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            const char *type = br->ports[j]->type;
            veto |= strcmp(type, "internal") && strcmp(type, "patch");
        }
    }
    free(err);
    json_decref(result);
    config_destroy(clone);
    free(argv);
    return veto;
}

static void run_request(struct session *ss, json_t *id, const char *method,
                        json_t *params)
{
    struct switchd *sw = &ss->sw;
    bool vsctl = !strcmp(method, "vsctl");
    if (verbose) {
        char *p = json_dumps(params, JSON_COMPACT);
        fprintf(stderr, "-> %s %.300s\n", method, p);
        free(p);
    }
    if (vsctl && vetoed(sw, params)) {
        if (verbose) {
            fprintf(stderr, "<- (vetoed: no private network namespace)\n");
        }
        return;
    }

    const struct config *cfg_before = sw->cfg;
    json_t *cfg_json = config_to_json(sw->cfg);
    snapshot(sw, &ss->before);

    struct sub *s = &ss->subs[ss->n_subs];
    memset(s, 0, sizeof *s);
    struct switchd_call call = { notify_cb, s, NULL, { 0 } };
    json_t *result = NULL;
    char *err = switchd_dispatch(sw, method, params, &call, &result);
    bool deferred = call.job.step && call.job.deferred;
    if (!deferred) {
        check_reply(id, err, result);
    }
    if (call.job.step) {
        /* A reply in pieces, or one deferred to the job's end: run it to
         * the end as the server would (which stops at an error). */
        if (err) {
            abort();
        }
        bool done = false;
        char *jerr = NULL;
        for (int i = 0; !done && !jerr && i < 1000000; i++) {
            struct ds piece = DS_EMPTY_INITIALIZER;
            done = call.job.step(call.job.state, 65536, &piece, &jerr);
            ds_destroy(&piece);
        }
        if (!done && !jerr) {
            abort(); /* A job that never ends holds its client forever. */
        }
        json_t *fin = jerr ? NULL : call.job.finish(call.job.state);
        if (deferred) {
            check_reply(id, jerr, fin); /* The request's one reply. */
        }
        json_decref(fin);
        free(jerr);
        call.job.destroy(call.job.state);
    }

    if (call.sub) {
        s->monitor = !strcmp(method, "monitor");
        if (err || (!s->monitor && strcmp(method, "capture"))) {
            abort();
        }
        s->bs = call.sub;
        ss->n_subs++;
        s->notified = 1; /* The server pumps right after the reply. */
    }

    /* Only a successful vsctl commits, and then to the disk first. */
    check_config(sw->cfg);
    json_t *cfg_json2 = config_to_json(sw->cfg);
    if (sw->cfg != cfg_before) {
        if (!vsctl || err) {
            abort();
        }
        check_db(sw->cfg);
    } else if (!json_equal(cfg_json, cfg_json2)) {
        abort(); /* Changed in place, or by a failed transaction. */
    }
    json_decref(cfg_json2);
    json_decref(cfg_json);

    /* A vsctl that committed may have reconfigured the bridges. */
    if ((err || read_only(method, params)) && sw->cfg == cfg_before) {
        snapshot(sw, &ss->after);
        if (strcmp(ds_cstr(&ss->before), ds_cstr(&ss->after))) {
            abort();
        }
    }

    free(err);
    json_decref(result);
    for (size_t i = 0; i < ss->n_subs; i++) {
        drain(&ss->subs[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_INPUT) {
        return 0;
    }
    struct session ss;
    memset(&ss, 0, sizeof ss);
    switchd_start(&ss.sw, NULL, config_create(), db_path, NULL);
    ds_init(&ss.before);
    ds_init(&ss.after);

    /* Lines as the server's reader cuts them: at '\n', and each read
     * as a C string, so a NUL ends the request but not the session. */
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    size_t n = 0;
    for (char *line = text;
         line < text + size && n < MAX_REQUESTS && !ss.sw.exit_requested;) {
        char *nl = memchr(line, '\n', (size_t)(text + size - line));
        char *next = nl ? nl + 1 : text + size;
        if (nl) {
            *nl = '\0';
        }
        json_t *req, *id, *params;
        const char *method;
        char *err = rpc_parse_request(line, &req, &id, &method, &params);
        if (!err) {
            n++;
            run_request(&ss, id, method, params);
        }
        free(err);
        json_decref(id);
        json_decref(req);
        line = next;
    }
    free(text);

    /* The server's exit: clients (and their subscriptions) go first. */
    for (size_t i = 0; i < ss.n_subs; i++) {
        drain(&ss.subs[i]);
        bridge_sub_destroy(ss.subs[i].bs);
    }
    switchd_stop(&ss.sw, false);
    ds_destroy(&ss.before);
    ds_destroy(&ss.after);
    remove_db();
    return 0;
}
