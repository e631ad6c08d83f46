/* swofctl: manage switchd's flow tables (ovs-ofctl's shape).
 *
 * Flow text is sent to the daemon unparsed: the daemon has each bridge's
 * port map, so port names work wherever numbers do, and its parse errors
 * come back naming the token.  parse-flow and parse-flows work offline
 * (numbers only). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "bridge-ofctl.h"
#include "capture.h"
#include "common.h"
#include "ds.h"
#include "flowmod.h"
#include "portmap.h"
#include "printer.h"
#include "rpc.h"
#include "stream-keys.h"
#include "swofctl.h"

struct cmd {
    const char *name;
    const char *args;
    int min_args, max_args;
    int (*run)(const struct common_opts *, const struct cmd_opts *,
               char *argv[], int argc);
    const char *help;
};

static long long jint(const json_t *o, const char *key)
{
    return (long long)json_integer_value(json_object_get(o, key));
}

static json_t *bridge_params(const char *br)
{
    return json_pack("{s:s}", "bridge", br);
}

/* The daemon renders every read reply (one renderer per reply, shared
 * with --format json): ask for text or JSON in the view of -O. */
static json_t *read_params(const struct common_opts *g,
                           const struct cmd_opts *o, const char *br)
{
    return json_pack("{s:s, s:b, s:s}", "bridge", br, PR_KEY_TEXT, !g->json,
                     "protocol", o->protocol);
}

/* Prints a read reply: its "text", or the JSON itself. */
static int print_reply(const struct common_opts *g, json_t *r)
{
    if (g->json) {
        common_print_json(r);
    } else {
        json_t *text = json_object_get(r, PR_KEY_TEXT);
        fwrite(json_string_value(text), 1, json_string_length(text), stdout);
    }
    json_decref(r);
    return 0;
}

static int cmd_show(const struct common_opts *g, const struct cmd_opts *o,
                    char *argv[], int argc)
{
    return print_reply(g, common_call(g, "show", read_params(g, o, argv[0])));
}

static int cmd_dump_ports_desc(const struct common_opts *g,
                               const struct cmd_opts *o, char *argv[],
                               int argc)
{
    return print_reply(
        g, common_call(g, "dump-ports-desc", read_params(g, o, argv[0])));
}

static int cmd_mod_port(const struct common_opts *g, const struct cmd_opts *o,
                        char *argv[], int argc)
{
    json_decref(common_call(g, "mod-port",
                            json_pack("{s:s, s:s, s:s, s:s}", "bridge",
                                      argv[0], "port", argv[1], "action",
                                      argv[2], "protocol", o->protocol)));
    return 0;
}

static int cmd_fdb_flush(const struct common_opts *g, const struct cmd_opts *o,
                         char *argv[], int argc)
{
    return print_reply(g, common_call(g, "fdb-flush", bridge_params(argv[0])));
}

static int send_flows(const struct common_opts *g, const char *method,
                      const char *br, const char *key, const char *text,
                      bool strict, const char *protocol)
{
    json_t *params = json_pack("{s:s, s:s, s:b, s:s}", "bridge", br, key, text,
                               "strict", strict, "protocol", protocol);
    json_t *r = common_call(g, method, params);
    json_decref(r);
    return 0;
}

static int cmd_add_flow(const struct common_opts *g, const struct cmd_opts *o,
                        char *argv[], int argc)
{
    if (strchr(argv[1], '\n')) {
        die(1, "add-flow takes one flow; use add-flows for several");
    }
    return send_flows(g, "add-flows", argv[0], "flows", argv[1], false,
                      o->protocol);
}

static int cmd_add_flows(const struct common_opts *g, const struct cmd_opts *o,
                         char *argv[], int argc)
{
    json_decref(common_upload_file(g, "add-flows",
                                   json_pack("{s:s, s:s, s:b}", "bridge",
                                             argv[0], "protocol", o->protocol,
                                             "bundle", o->bundle),
                                   argv[1]));
    return 0;
}

static int cmd_mod_flows(const struct common_opts *g, const struct cmd_opts *o,
                         char *argv[], int argc)
{
    return send_flows(g, "mod-flows", argv[0], "flows", argv[1], o->strict,
                      o->protocol);
}

static int cmd_del_flows(const struct common_opts *g, const struct cmd_opts *o,
                         char *argv[], int argc)
{
    return send_flows(g, "del-flows", argv[0], "match",
                      argc > 1 ? argv[1] : "", o->strict, o->protocol);
}

static int cmd_replace_flows(const struct common_opts *g,
                             const struct cmd_opts *o, char *argv[], int argc)
{
    /* Uploaded as add-flows' file is: any size, in pieces. */
    json_decref(common_upload_file(g, "replace-flows",
                                   json_pack("{s:s, s:s, s:b}", "bridge",
                                             argv[0], "protocol", o->protocol,
                                             "bundle", o->bundle),
                                   argv[1]));
    return 0;
}

/* --format json of a streamed dump: the daemon sends a flow per line
 * (compact JSON); this prints them as common_print_json() prints the
 * one-piece reply {"flows": [...]}, a flow at a time. */
struct json_dump {
    size_t n;       /* Flows printed. */
    struct ds line; /* A line cut between two pieces. */
};

static void json_dump_flow(struct json_dump *jd, const char *text)
{
    json_error_t error;
    json_t *j = json_loads(text, 0, &error);
    if (!j) {
        die(1, "dump-flows: a flow the daemon sent is not JSON: %s",
            error.text);
    }
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(j);
    fputs(jd->n++ ? ",\n" : "{\n  \"flows\": [\n", stdout);
    /* The object sits two levels deep in the document. */
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        printf("    %.*s%s", (int)len, p, nl ? "\n" : "");
        p += len + (nl != NULL);
    }
    free(s);
}

static void json_dump_chunk(const char *text, size_t len, void *jd_)
{
    struct json_dump *jd = jd_;
    if (!len) {
        return;
    }
    ds_put_buffer(&jd->line, text, len);
    char *start = jd->line.string;
    char *nl;
    while (
        (nl = memchr(start, '\n',
                     jd->line.length - (size_t)(start - jd->line.string)))) {
        *nl = '\0';
        json_dump_flow(jd, start);
        start = nl + 1;
    }
    size_t left = jd->line.length - (size_t)(start - jd->line.string);
    memmove(jd->line.string, start, left);
    jd->line.length = left;
}

static int cmd_dump_flows(const struct common_opts *g,
                          const struct cmd_opts *o, char *argv[], int argc)
{
    json_t *params =
        json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:O, s:s}", "bridge",
                  argv[0], "match", argc > 1 ? argv[1] : "", "strict",
                  o->strict, "stats", o->stats, "names", o->names, "text_only",
                  !g->json, "sort", o->sort, "protocol", o->protocol);
    /* The dump, sorted or not, text or JSON, comes in pieces, printed as
     * they arrive: no size limit, and the memory of one piece. */
    json_object_set_new(params, "stream", json_true());
    struct json_dump jd = { 0, DS_EMPTY_INITIALIZER };
    json_t *r = common_call_chunks(g, "dump-flows", params,
                                   g->json ? json_dump_chunk : NULL, &jd);
    ds_destroy(&jd.line);
    if (json_object_get(r, PR_KEY_TEXT) || json_object_get(r, "flows")) {
        return print_reply(g, r); /* A daemon that does not stream. */
    }
    json_decref(r);
    if (g->json) {
        fputs(jd.n ? "\n  ]\n}\n" : "{\n  \"flows\": []\n}\n", stdout);
    }
    return 0;
}

static int cmd_dump_aggregate(const struct common_opts *g,
                              const struct cmd_opts *o, char *argv[], int argc)
{
    json_t *params = read_params(g, o, argv[0]);
    json_object_set_new(params, "match", json_string(argc > 1 ? argv[1] : ""));
    json_object_set_new(params, "strict", json_boolean(o->strict));
    return print_reply(g, common_call(g, "dump-aggregate", params));
}

/* OVS 3's packet-out form: one argument "in_port=P packet=HEX
 * actions=ACTIONS" (keywords in any order, separated by commas or
 * spaces; actions last, as in a flow). */
static void parse_packet_out_spec(const char *spec, char **in_port,
                                  char **packet, char **actions)
{
    *in_port = *packet = *actions = NULL;
    const char *s = spec;
    while (*s) {
        s += strspn(s, " ,\t");
        if (!*s) {
            break;
        }
        if (str_starts_with(s, "actions=")) {
            *actions = xstrdup(s + strlen("actions="));
            break;
        }
        size_t len = strcspn(s, " ,\t");
        char *item = xstrndup(s, len);
        char *eq = strchr(item, '=');
        char **dst = NULL;
        if (eq && !strncmp(item, "in_port", (size_t)(eq - item))
            && eq - item == 7) {
            dst = in_port;
        } else if (eq && !strncmp(item, "packet", (size_t)(eq - item))
                   && eq - item == 6) {
            dst = packet;
        }
        if (!dst) {
            die(1,
                "packet-out: \"%s\": expected in_port=PORT, "
                "packet=HEX or actions=ACTIONS",
                item);
        }
        if (*dst) {
            die(1, "packet-out: \"%.*s\" given twice", (int)(eq - item), item);
        }
        *dst = xstrdup(eq + 1);
        free(item);
        s += len;
    }
    if (!*packet || !*actions) {
        die(1, "packet-out: \"%s\" needs packet=HEX and actions=ACTIONS",
            spec);
    }
    if (!*in_port) {
        *in_port = xstrdup("none"); /* OVS: OFPP_NONE by default. */
    }
}

static int cmd_packet_out(const struct common_opts *g,
                          const struct cmd_opts *o, char *argv[], int argc)
{
    json_t *packets = json_array();
    char *in_port = NULL, *packet = NULL, *actions = NULL;
    if (argc == 2) {
        parse_packet_out_spec(argv[1], &in_port, &packet, &actions);
        json_array_append_new(packets, json_string(packet));
    } else if (argc >= 4) {
        in_port = xstrdup(argv[1]);
        actions = xstrdup(argv[2]);
        for (int i = 3; i < argc; i++) {
            json_array_append_new(packets, json_string(argv[i]));
        }
    } else {
        die(1, "packet-out takes BRIDGE \"in_port=P packet=HEX "
               "actions=A\", or BRIDGE IN_PORT ACTIONS HEX...");
    }
    json_t *params =
        json_pack("{s:s, s:s, s:s, s:o}", "bridge", argv[0], "in_port",
                  in_port, "actions", actions, "packets", packets);
    free(in_port);
    free(packet);
    free(actions);
    json_t *r = common_call(g, "packet-out", params);
    if (g->json) {
        common_print_json(r);
    }
    json_decref(r);
    return 0;
}

static int cmd_dump_ports(const struct common_opts *g,
                          const struct cmd_opts *o, char *argv[], int argc)
{
    json_t *params = read_params(g, o, argv[0]);
    if (argc > 1) {
        json_object_set_new(params, "port", json_string(argv[1]));
    }
    return print_reply(g, common_call(g, "dump-ports", params));
}

static int cmd_dump_tables(const struct common_opts *g,
                           const struct cmd_opts *o, char *argv[], int argc)
{
    return print_reply(
        g, common_call(g, "dump-tables", read_params(g, o, argv[0])));
}

/* The kernel fast path's entries, one per line (as ovs-dpctl dump-flows
 * lays them out). */
static int cmd_dump_dp_flows(const struct common_opts *g,
                             const struct cmd_opts *o, char *argv[], int argc)
{
    return print_reply(
        g, common_call(g, "dump-dp-flows", read_params(g, o, argv[0])));
}

static int cmd_stats(const struct common_opts *g, const struct cmd_opts *o,
                     char *argv[], int argc)
{
    return print_reply(g, common_call(g, "stats", read_params(g, o, argv[0])));
}

static int cmd_fdb_show(const struct common_opts *g, const struct cmd_opts *o,
                        char *argv[], int argc)
{
    return print_reply(g,
                       common_call(g, "fdb-show", read_params(g, o, argv[0])));
}

static int cmd_trace(const struct common_opts *g, const struct cmd_opts *o,
                     char *argv[], int argc)
{
    json_t *params =
        json_pack("{s:s, s:s, s:b}", "bridge", argv[0], "flow",
                  argc > 1 ? argv[1] : "", "generate", o->generate);
    if (o->packet) {
        json_object_set_new(params, "packet", json_string(o->packet));
    }
    json_t *r = common_call(g, "trace", params);
    if (g->json) {
        json_object_del(r, PR_KEY_TEXT);
        common_print_json(r);
    } else {
        fputs(json_string_value(json_object_get(r, PR_KEY_TEXT)), stdout);
    }
    json_decref(r);
    return 0;
}

/* Set by SIGINT/SIGTERM: a stream ends cleanly (files flushed). */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = 1;
}

/* Opens a subscription and makes the signals that end it interrupt the
 * blocking read instead of killing us. */
static struct rpc_stream *open_stream(const struct common_opts *g,
                                      const char *method, json_t *params,
                                      json_t **resultp)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct rpc_stream *st;
    char *err;
    int error = rpc_stream_open(g->rundir, method, params, resultp, &st, &err);
    json_decref(params);
    if (error) {
        die(1, "%s", err);
    }
    return st;
}

/* The next message of 'st', or NULL at the end (interrupted, or the
 * daemon closed).  Exits on transport errors. */
static json_t *stream_next(struct rpc_stream *st)
{
    while (!interrupted) {
        json_t *msg;
        char *err;
        int error = rpc_stream_next(st, &msg, &err);
        if (error == EINTR) {
            continue;
        }
        if (error) {
            die(1, "%s", err);
        }
        return msg;
    }
    return NULL;
}

/* A stream that stops without an END line: the daemon went away. */
static int stream_lost(void)
{
    if (interrupted) {
        return 0;
    }
    fprintf(stderr, "%s: switchd closed the connection\n", program_name);
    return 1;
}

static bool is_end(const json_t *msg)
{
    const char *ev = json_string_value(json_object_get(msg, STREAM_KEY_EVENT));
    return ev && !strcmp(ev, STREAM_EVENT_END);
}

/* Why a stream ended ("" if the END line says not). */
static const char *end_reason(const json_t *msg)
{
    const char *reason =
        json_string_value(json_object_get(msg, STREAM_KEY_REASON));
    return reason ? reason : "";
}

static int cmd_monitor(const struct common_opts *g, const struct cmd_opts *o,
                       char *argv[], int argc)
{
    json_t *params = json_pack("{s:s, s:s, s:b}", "bridge", argv[0], "watch",
                               argc > 1 ? argv[1] : "", "names", o->names);
    json_t *r;
    struct rpc_stream *st = open_stream(g, "monitor", params, &r);
    json_decref(r);
    /* Lines appear as they happen, also in a pipe or a file. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    int status = -1;
    json_t *msg;
    while (status < 0 && (msg = stream_next(st)) != NULL) {
        if (is_end(msg)) {
            fprintf(stderr, "%s: monitor ended: %s\n", program_name,
                    end_reason(msg));
            status = 1;
            json_decref(msg);
            break;
        }
        if (g->json) {
            json_object_del(msg, PR_KEY_TEXT);
            char *line =
                json_dumps(msg, JSON_COMPACT | JSON_REAL_PRECISION(10));
            puts(line);
            free(line);
        } else {
            puts(json_string_value(json_object_get(msg, PR_KEY_TEXT)));
        }
        json_decref(msg);
    }
    rpc_stream_close(st);
    return status < 0 ? stream_lost() : status;
}

static int cmd_capture(const struct common_opts *g, const struct cmd_opts *o,
                       char *argv[], int argc)
{
    if (o->count < 0) {
        die(1, "-c: the count must be positive");
    }
    json_t *params = json_pack("{s:s, s:s, s:I}", "bridge", argv[0], "port",
                               argv[1], "count", (json_int_t)o->count);
    json_t *r;
    struct rpc_stream *st = open_stream(g, "capture", params, &r);
    const char *port = json_string_value(json_object_get(r, CAPTURE_KEY_PORT));
    bool tunnel = json_is_true(json_object_get(r, CAPTURE_KEY_TUNNEL));
    long long snaplen = jint(r, CAPTURE_KEY_SNAPLEN);

    struct capture_writer *w = NULL;
    if (o->write) {
        char *err;
        if (capture_writer_open(o->write, tunnel, (uint32_t)snaplen, &w,
                                &err)) {
            die(1, "%s", err);
        }
    } else {
        setvbuf(stdout, NULL, _IOLBF, 0);
    }
    /* As tcpdump does: scripts wait for this line before they send. */
    fprintf(stderr,
            "listening on %s (bridge %s), link-type %s, snapshot "
            "length %lld bytes\n",
            port, argv[0], tunnel ? "RAW (Raw IP)" : "EN10MB (Ethernet)",
            snaplen);

    long long n = 0;
    int status = -1;
    json_t *msg;
    struct ds line = DS_EMPTY_INITIALIZER;
    while ((!o->count || n < o->count) && (msg = stream_next(st)) != NULL) {
        if (is_end(msg)) {
            status = 0;
            if (strcmp(end_reason(msg), STREAM_END_COUNT_REACHED)) {
                fprintf(stderr, "%s: capture ended: %s\n", program_name,
                        end_reason(msg));
                status = 1;
            }
            json_decref(msg);
            break;
        }
        struct capture_record rec;
        char *err = capture_record_from_json(msg, &rec);
        if (err) {
            die(1, "bad record from switchd: %s", err);
        }
        if (w) {
            capture_writer_write(w, &rec);
            /* Every record reaches the file at once, so the file is
             * complete whenever the capture stops. */
            capture_writer_flush(w);
        } else if (g->json) {
            char *text =
                json_dumps(msg, JSON_COMPACT | JSON_REAL_PRECISION(10));
            puts(text);
            free(text);
        } else {
            ds_clear(&line);
            capture_record_format(&rec, port, &line);
            puts(ds_cstr(&line));
        }
        capture_record_uninit(&rec);
        json_decref(msg);
        n++;
    }
    ds_destroy(&line);
    if (w) {
        capture_writer_close(w);
    }
    if (status < 0) {
        /* Stopped by -c on our side, by a signal, or by a lost daemon. */
        status = o->count && n >= o->count ? 0 : stream_lost();
    }
    fprintf(stderr, "%lld packets captured\n", n);
    rpc_stream_close(st);
    json_decref(r);
    return status;
}

/* Offline: prints each flow as dump-flows would, without statistics. */
static int parse_and_print(const char *text)
{
    struct flow_mod *fms;
    size_t n;
    char *err = bridge_parse_flows(text, FM_ADD, FM_PARSE_ADD, NULL, &fms, &n);
    if (err) {
        die(1, "%s", err);
    }
    struct ds out = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        struct flow_mod *fm = &fms[i];
        flow_mod_format(fm, NULL, true, &out);
        ds_put_char(&out, '\n');
        flow_mod_uninit(fm);
    }
    free(fms);
    fputs(ds_cstr(&out), stdout);
    ds_destroy(&out);
    return 0;
}

static int cmd_parse_flow(const struct common_opts *g,
                          const struct cmd_opts *o, char *argv[], int argc)
{
    if (strchr(argv[0], '\n')) {
        die(1, "parse-flow takes one flow; use parse-flows for several");
    }
    return parse_and_print(argv[0]);
}

static int cmd_parse_flows(const struct common_opts *g,
                           const struct cmd_opts *o, char *argv[], int argc)
{
    char *text = common_read_file(argv[0]);
    int r = parse_and_print(text);
    free(text);
    return r;
}

static const struct cmd commands[] = {
    { "show", "BRIDGE", 1, 1, cmd_show, "show ports and their numbers" },
    { "dump-ports-desc", "BRIDGE", 1, 1, cmd_dump_ports_desc,
      "show the ports' descriptions" },
    { "mod-port", "BRIDGE PORT ACTION", 3, 3, cmd_mod_port,
      "change PORT's config: up, down, [no-]stp, [no-]receive, "
      "[no-]receive-stp, [no-]forward, [no-]flood, [no-]packet-in" },
    { "add-flow", "BRIDGE FLOW", 2, 2, cmd_add_flow, "add FLOW" },
    { "add-flows", "[--bundle] BRIDGE FILE|-", 2, 2, cmd_add_flows,
      "add the flows in FILE, all or none" },
    { "mod-flows", "[--strict] BRIDGE FLOW", 2, 2, cmd_mod_flows,
      "modify the actions of flows matching FLOW" },
    { "del-flows", "[--strict] BRIDGE [MATCH]", 1, 2, cmd_del_flows,
      "delete matching flows (all flows without MATCH)" },
    { "replace-flows", "[--bundle] BRIDGE FILE|-", 2, 2, cmd_replace_flows,
      "make the flow table exactly the flows in FILE" },
    { "dump-flows",
      "[--strict] [--no-stats] [--names] [--sort[=F]|--rsort[=F]] BRIDGE "
      "[MATCH]",
      1, 2, cmd_dump_flows, "print matching flows" },
    { "dump-aggregate", "[--strict] BRIDGE [MATCH]", 1, 2, cmd_dump_aggregate,
      "print packet, byte and flow totals of matching "
      "flows" },
    { "packet-out",
      "BRIDGE \"in_port=P packet=HEX actions=A\" | BRIDGE IN_PORT ACTIONS "
      "HEX...",
      2, INT_MAX, cmd_packet_out,
      "run the actions on the packets and send the outputs" },
    { "diff-flows", "SOURCE1 SOURCE2", 2, 2, swofctl_diff_flows,
      "print the flows that differ (a source is a bridge or a file); "
      "exit 2 if any" },
    { "dump-ports", "BRIDGE [PORT]", 1, 2, cmd_dump_ports,
      "print port counters" },
    { "dump-tables", "BRIDGE", 1, 1, cmd_dump_tables, "print table counters" },
    { "stats", "BRIDGE", 1, 1, cmd_stats,
      "print what the flow limit refused and what vxlan sockets dropped" },
    { "fdb-show", "BRIDGE", 1, 1, cmd_fdb_show,
      "print NORMAL's learned MAC table" },
    { "fdb-flush", "BRIDGE", 1, 1, cmd_fdb_flush,
      "empty NORMAL's learned MAC table (ovs-appctl fdb/flush)" },
    { "dump-dp-flows", "[--json] BRIDGE", 1, 1, cmd_dump_dp_flows,
      "print the kernel fast path's cache (datapath_type=system)" },
    { "trace", "[--generate] [--packet HEX] [--json] BRIDGE [FLOW]", 1, 2,
      cmd_trace, "show where a packet like FLOW goes, step by step" },
    { "monitor", "[--names] [--json] BRIDGE [watch:[SPEC,...]]", 1, 2,
      cmd_monitor, "print flow changes and packet-ins until interrupted" },
    { "capture", "[-w FILE] [-c COUNT] [--json] BRIDGE PORT", 2, 2,
      cmd_capture, "copy what PORT receives and sends (pcap with -w)" },
    { "parse-flow", "FLOW", 1, 1, cmd_parse_flow,
      "parse FLOW offline and print it" },
    { "parse-flows", "FILE|-", 1, 1, cmd_parse_flows,
      "parse the flows in FILE offline and print them" },
};

/* -O/--protocols: a comma-separated list of OpenFlow versions, as
 * ovs-ofctl takes it; the highest one switchd renders wins, as the
 * version a real switch would negotiate. */
static const char *parse_protocols(const char *list)
{
    const char *best = NULL;
    char *copy = xstrdup(list);
    char *save = NULL;
    for (char *v = strtok_r(copy, ",", &save); v;
         v = strtok_r(NULL, ",", &save)) {
        if (!strcmp(v, "OpenFlow13")) {
            best = "OpenFlow13";
        } else if (!strcmp(v, "OpenFlow10")) {
            best = best ? best : "OpenFlow10";
        } else if (!strcmp(v, "OpenFlow11") || !strcmp(v, "OpenFlow12")
                   || !strcmp(v, "OpenFlow14") || !strcmp(v, "OpenFlow15")) {
            continue; /* Known, but not one switchd renders. */
        } else {
            die(1,
                "-O: \"%s\" is not an OpenFlow version (OpenFlow10, "
                "OpenFlow13...)",
                v);
        }
    }
    free(copy);
    if (!best) {
        die(1, "-O %s: switchd speaks OpenFlow10 and OpenFlow13", list);
    }
    return best;
}

static void help(void)
{
    printf("swofctl: manage switchd's flow tables\n"
           "usage: swofctl [OPTIONS] COMMAND [ARG...]\n\nCommands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        struct ds syn = DS_EMPTY_INITIALIZER;
        ds_put_format(&syn, "%s %s", commands[i].name, commands[i].args);
        printf("  %-48s %s\n", ds_cstr(&syn), commands[i].help);
        ds_destroy(&syn);
    }
    printf("\nOptions:\n"
           "  --rundir DIR     where switchd runs (else $SW_RUNDIR, else "
           "/run/switchd)\n"
           "  --format json    print the daemon's JSON reply (read "
           "commands)\n"
           "  --strict         exact match and priority (mod/del/dump)\n"
           "  --bundle         add-flows: apply the file in one step, so "
           "that no packet\n"
           "                   sees half of it (else it applies in "
           "slices)\n"
           "  --no-stats       dump-flows without counters\n"
           "  --names          print port names instead of numbers\n"
           "  --sort[=FIELD], --rsort[=FIELD]  sort dump-flows output "
           "(default FIELD: priority)\n"
           "  --generate       trace: apply side effects (learning, "
           "counters)\n"
           "  --packet HEX     trace: the frame's bytes (FLOW gives the "
           "metadata)\n"
           "  --json           trace, monitor, capture: JSON output\n"
           "  -w FILE          capture: write a pcap file (- for "
           "stdout)\n"
           "  -c COUNT         capture: stop after COUNT packets\n"
           "  -O, --protocols=VERSION[,VERSION...]  OpenFlow10 (default) or "
           "OpenFlow13:\n"
           "                   whose rendering show and the dumps follow\n"
           "  -h, --help       this help; after a command, its usage\n"
           "  -V, --version    print the version and exit\n");
}

int main(int argc, char *argv[])
{
    program_name = "swofctl";
    struct common_opts g = { NULL, false };
    struct cmd_opts o = { false, true, false, json_array(), false,
                          NULL,  NULL, 0,     "OpenFlow10", false };
    int first = common_parse_options(argc, argv, &g, help);
    bool want_help = false;

    /* Command options may appear anywhere after the global ones. */
    char **args = xcalloc((size_t)argc + 1, sizeof *args);
    int n = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--strict")) {
            o.strict = true;
        } else if (!strcmp(a, "--bundle")) {
            o.bundle = true;
        } else if (!strcmp(a, "--no-stats")) {
            o.stats = false;
        } else if (!strcmp(a, "--names")) {
            o.names = true;
        } else if (!strcmp(a, "--no-names")) {
            o.names = false;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            want_help = true;
        } else if (!strcmp(a, "-O") || !strcmp(a, "--protocols")) {
            if (i + 1 >= argc) {
                die(1, "option %s needs an argument", a);
            }
            o.protocol = parse_protocols(argv[++i]);
        } else if (str_starts_with(a, "-O")
                   || str_starts_with(a, "--protocols=")) {
            o.protocol = parse_protocols(a + (a[1] == 'O' ? 2 : 12));
        } else if (!strcmp(a, "--generate")) {
            o.generate = true;
        } else if (!strcmp(a, "--json")) {
            g.json = true;
        } else if (str_starts_with(a, "--packet=")) {
            o.packet = a + strlen("--packet=");
        } else if (!strcmp(a, "--packet") || !strcmp(a, "-w")
                   || !strcmp(a, "-c")) {
            if (i + 1 >= argc) {
                die(1, "option %s needs an argument", a);
            }
            const char *v = argv[++i];
            if (a[1] == 'w') {
                o.write = v;
            } else if (a[1] == 'c') {
                uint64_t c;
                if (!str_to_u64(v, UINT32_MAX, &c) || !c) {
                    die(1, "-c: '%s' is not a positive number", v);
                }
                o.count = (long long)c;
            } else {
                o.packet = v;
            }
        } else if (str_starts_with(a, "--sort")
                   || str_starts_with(a, "--rsort")) {
            bool reverse = a[2] == 'r';
            const char *rest = a + (reverse ? 7 : 6);
            if (*rest && *rest != '=') {
                die(1, "unknown option '%s'", a);
            }
            json_array_append_new(o.sort,
                                  json_pack("{s:s, s:b}", "field",
                                            *rest ? rest + 1 : "priority",
                                            "reverse", reverse));
        } else if (!strcmp(a, "--rundir") || !strcmp(a, "--format")
                   || str_starts_with(a, "--rundir=")
                   || str_starts_with(a, "--format=")) {
            die(1, "global option '%s' must come before the command", a);
        } else if (str_starts_with(a, "--")) {
            die(1, "unknown option '%s'; use --help for help", a);
        } else {
            args[n++] = argv[i];
        }
    }
    if (!n && want_help) {
        help();
        exit(0);
    }
    if (!n) {
        die(1, "missing command name; use --help for help");
    }
    const struct cmd *c = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, args[0])) {
            c = &commands[i];
        }
    }
    if (!c) {
        die(1, "unknown command '%s'; use --help for help", args[0]);
    }
    if (want_help) {
        /* "swofctl dump-flows --help": that command's usage. */
        printf("usage: swofctl [OPTIONS] %s %s\n  %s\n"
               "(swofctl --help lists every command and option)\n",
               c->name, c->args, c->help);
        exit(0);
    }
    if (n - 1 < c->min_args || n - 1 > c->max_args) {
        die(1, "'%s' command takes %s arguments (usage: %s %s)", c->name,
            n - 1 < c->min_args ? "more" : "fewer", c->name, c->args);
    }
    int status = c->run(&g, &o, args + 1, n - 1);
    free(args);
    json_decref(o.sort);
    return status;
}
