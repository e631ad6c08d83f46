/* swagent: the overlay's control plane on etcd (see agent.h and
 * docs/swagent.8.md).  This file is options and the event loop. */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "ds.h"
#include "log.h"
#include "rpc.h"
#include "util.h"

static void usage(void)
{
    printf("swagent: switchd's overlay agent on etcd\n"
           "usage: swagent --etcd URL[,URL...] --vtep IP [--host NAME]\n"
           "               [--prefix /switchd] [--ttl SECONDS]\n"
           "               [--int-bridge br-int] [--tun-bridge br-tun]\n"
           "               [--flood-unknown] [--poll-ms MS] [--rundir DIR]\n"
           "               [--log-file FILE] [--log-level err|warn|info|dbg]\n"
           "       swagent status [--json] [--rundir DIR]\n"
           "       swagent -h|--help | -V|--version\n");
}

static void SW_PRINTF(1, 2) die(const char *fmt, ...)
{
    va_list args;
    fputs("swagent: ", stderr);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

static int status_main(int argc, char *argv[])
{
    bool json = false;
    const char *rundir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--rundir") && i + 1 < argc) {
            rundir = argv[++i];
        } else if (str_starts_with(argv[i], "--rundir=")) {
            rundir = argv[i] + strlen("--rundir=");
        } else {
            die("status: unknown argument \"%s\" (status [--json] "
                "[--rundir DIR])",
                argv[i]);
        }
    }
    json_t *st;
    char *err = agent_status_query(rundir, &st);
    if (err) {
        die("%s", err);
    }
    if (json) {
        char *s = json_dumps(st, JSON_INDENT(2));
        puts(s);
        free(s);
    } else {
        struct ds out = DS_EMPTY_INITIALIZER;
        agent_status_format(st, &out);
        fputs(ds_cstr(&out), stdout);
        ds_destroy(&out);
    }
    json_decref(st);
    return 0;
}

static void signal_cb(evutil_socket_t sig, short what, void *base)
{
    LOG(LOG_INFO, "caught signal %d, exiting", (int)sig);
    event_base_loopbreak(base);
}

static int parse_int(const char *opt, const char *s, int min, int max)
{
    uint64_t v;
    if (!str_to_u64(s, (uint64_t)max, &v) || (int)v < min) {
        die("%s: \"%s\" is not a number from %d to %d", opt, s, min, max);
    }
    return (int)v;
}

static void parse_options(int argc, char *argv[], struct agent_config *cfg,
                          const char **log_path, enum log_level *level)
{
    static const struct option longopts[] = {
        { "etcd", required_argument, NULL, 'e' },
        { "vtep", required_argument, NULL, 'v' },
        { "host", required_argument, NULL, 'H' },
        { "prefix", required_argument, NULL, 'p' },
        { "ttl", required_argument, NULL, 't' },
        { "int-bridge", required_argument, NULL, 'i' },
        { "tun-bridge", required_argument, NULL, 'T' },
        { "flood-unknown", no_argument, NULL, 'f' },
        { "poll-ms", required_argument, NULL, 'P' },
        { "rundir", required_argument, NULL, 'r' },
        { "log-file", required_argument, NULL, 'l' },
        { "log-level", required_argument, NULL, 'L' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *vtep = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            cfg->etcd_urls = optarg;
            break;
        case 'v':
            vtep = optarg;
            break;
        case 'H':
            cfg->host = optarg;
            break;
        case 'p':
            cfg->prefix = optarg;
            break;
        case 't':
            cfg->ttl = parse_int("--ttl", optarg, 2, 3600);
            break;
        case 'i':
            cfg->int_bridge = optarg;
            break;
        case 'T':
            cfg->tun_bridge = optarg;
            break;
        case 'f':
            cfg->flood_unknown = true;
            break;
        case 'P':
            cfg->poll_ms = parse_int("--poll-ms", optarg, 10, 60000);
            break;
        case 'r':
            cfg->rundir = optarg;
            break;
        case 'l':
            *log_path = optarg;
            break;
        case 'L':
            if (!log_level_from_string(optarg, level)) {
                die("--log-level: \"%s\" is not err, warn, info or dbg",
                    optarg);
            }
            break;
        case 'h':
            usage();
            exit(0);
        case 'V':
            printf("swagent (switchd) %s\n", SW_VERSION);
            exit(0);
        default:
            exit(1);
        }
    }
    if (optind < argc) {
        die("unexpected argument \"%s\" (see --help)", argv[optind]);
    }
    if (!cfg->etcd_urls) {
        die("--etcd URL[,URL...] is required");
    }
    if (!vtep) {
        die("--vtep IP is required (this host's underlay address)");
    }
    if (!overlay_parse_ipv4(vtep, &cfg->vtep) || !cfg->vtep) {
        die("--vtep: \"%s\" is not an IPv4 address", vtep);
    }
    if (!*cfg->prefix || cfg->prefix[0] != '/') {
        die("--prefix: \"%s\" must start with /", cfg->prefix);
    }
    if (!*cfg->host || strchr(cfg->host, '/')) {
        die("--host: \"%s\" must be a non-empty name without '/'", cfg->host);
    }
}

int main(int argc, char *argv[])
{
    if (argc >= 2 && !strcmp(argv[1], "status")) {
        return status_main(argc - 1, argv + 1);
    }
    static char hostname[256];
    if (gethostname(hostname, sizeof hostname - 1)) {
        strcpy(hostname, "localhost");
    }
    struct agent_config cfg = {
        .host = hostname,
        .prefix = "/switchd",
        .ttl = 10,
        .int_bridge = "br-int",
        .tun_bridge = "br-tun",
        .poll_ms = 200,
    };
    const char *log_path = NULL;
    enum log_level level = LOG_INFO;
    parse_options(argc, argv, &cfg, &log_path, &level);
    log_set_level(level);
    FILE *log_file = NULL;
    if (log_path) {
        log_file = fopen(log_path, "a");
        if (!log_file) {
            die("%s: %s", log_path, strerror(errno));
        }
        setvbuf(log_file, NULL, _IOLBF, 0);
        log_set_stream(log_file);
    }
    signal(SIGPIPE, SIG_IGN);

    struct agent *a = xzalloc(sizeof *a);
    a->cfg = cfg;
    a->hooks.store_changed = agent_schedule_apply;
    a->hooks.locals_changed = agent_etcd_publish_changes;
    a->base = event_base_new();
    if (!a->base) {
        die("cannot create an event loop");
    }
    overlay_store_init(&a->store, cfg.prefix);
    char *err = etcd_client_create(a->base, cfg.etcd_urls, 2, &a->etcd);
    if (err) {
        die("--etcd: %s", err);
    }
    err = agent_status_listen(a);
    if (err) {
        die("status socket: %s", err);
    }
    struct event *sigs[] = {
        evsignal_new(a->base, SIGTERM, signal_cb, a->base),
        evsignal_new(a->base, SIGINT, signal_cb, a->base),
    };
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        event_add(sigs[i], NULL);
    }
    char vtep[16];
    LOG(LOG_INFO,
        "swagent %s: host %s, vtep %s, etcd %s, prefix %s, ttl "
        "%d s",
        SW_VERSION, cfg.host, ipv4_to_str(cfg.vtep, vtep), cfg.etcd_urls,
        cfg.prefix, cfg.ttl);
    agent_local_start(a);
    agent_etcd_start(a);
    event_base_dispatch(a->base);

    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        event_free(sigs[i]);
    }
    agent_status_close(a);
    agent_local_stop(a);
    agent_etcd_stop(a);
    etcd_client_destroy(a->etcd);
    overlay_store_uninit(&a->store);
    free(a->last_error);
    event_base_free(a->base);
    free(a);
    if (log_file) {
        fclose(log_file);
    }
    return 0;
}
