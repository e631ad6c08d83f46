/* switchd: options, pid file, database, event loop, signals. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "bridge.h"
#include "clock.h"
#include "config.h"
#include "log.h"
#include "rpc.h"
#include "switchd.h"
#include "util.h"

#define DEFAULT_DB "/var/lib/switchd/conf.json"
/* The longest the timer sleeps: flow timeouts have 1 s resolution. */
#define TIMER_MAX_MSEC 250

static struct event *timer_ev;
static FILE *log_file;
static const char *log_path;

static void
usage(void)
{
    printf("switchd: an OpenFlow-style software switch\n"
           "usage: switchd [OPTIONS]\n"
           "  --rundir DIR      socket and pid file directory "
           "(else $SW_RUNDIR, else %s)\n"
           "  --db FILE         configuration database "
           "(else $SW_DB, else %s)\n"
           "  --detach          run in the background once ready\n"
           "  --log-file FILE   log to FILE instead of stderr\n"
           "  --log-level LVL   err, warn, info (default) or dbg\n"
           "  -h, --help        this help\n"
           "  -V, --version     print the version and exit\n",
           RPC_DEFAULT_RUNDIR, DEFAULT_DB);
}

/* Creates every missing directory of 'dir'. */
static int
mkdir_p(const char *dir)
{
    char *p = xstrdup(dir);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            mkdir(p, 0755);
            *s = '/';
        }
    }
    int r = mkdir(p, 0755) < 0 && errno != EEXIST ? errno : 0;
    free(p);
    return r;
}

static void
timer_cb(evutil_socket_t fd, short what, void *sw_)
{
    struct switchd *sw = sw_;
    bridges_run(sw->bridges);
    switchd_kick_timer(sw);
}

void
switchd_kick_timer(struct switchd *sw)
{
    int64_t next = bridges_next_timeout(sw->bridges);
    int64_t now = clock_msec();
    int64_t wait = next == INT64_MAX ? TIMER_MAX_MSEC : next - now;
    wait = wait < 10 ? 10 : wait > TIMER_MAX_MSEC ? TIMER_MAX_MSEC : wait;
    if (next == 0) {
        /* A bridge is expiring flows in slices: the next slice runs on
         * the next loop iteration, after the packets that are ready. */
        wait = 0;
    }
    struct timeval tv = {(time_t)(wait / 1000),
                         (suseconds_t)(wait % 1000) * 1000};
    event_add(timer_ev, &tv);
}

static void
signal_cb(evutil_socket_t sig, short what, void *sw_)
{
    struct switchd *sw = sw_;
    if (sig == SIGHUP) {
        /* Log rotation: reopen the log file. */
        if (log_path) {
            FILE *f = fopen(log_path, "a");
            if (f) {
                setvbuf(f, NULL, _IOLBF, 0);
                log_set_stream(f);
                if (log_file) {
                    fclose(log_file);
                }
                log_file = f;
            }
        }
        return;
    }
    LOG(LOG_INFO, "caught signal %d, exiting", (int)sig);
    event_base_loopbreak(sw->base);
}

/* Writes our pid, refusing if a live daemon owns the file. */
static char *
write_pidfile(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f) {
        long pid = 0;
        if (fscanf(f, "%ld", &pid) == 1 && pid > 0 && pid != getpid()
            && kill((pid_t)pid, 0) == 0) {
            fclose(f);
            return xasprintf("%s: switchd is already running (pid %ld)",
                             path, pid);
        }
        fclose(f);
    }
    char *tmp = xasprintf("%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)
        || rename(tmp, path) < 0) {
        char *err = xasprintf("%s: cannot write pid file (%s)", path,
                              strerror(errno));
        free(tmp);
        return err;
    }
    free(tmp);
    return NULL;
}

/* --detach: the parent waits until the child is serving (or failed), so
 * that "switchd --detach && swctl ..." works. */
static int
detach_start(void)
{
    int fds[2];
    if (pipe(fds) < 0) {
        fprintf(stderr, "switchd: pipe: %s\n", strerror(errno));
        exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "switchd: fork: %s\n", strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        char c;
        close(fds[1]);
        ssize_t n = read(fds[0], &c, 1);
        exit(n == 1 ? 0 : 1);
    }
    close(fds[0]);
    setsid();
    return fds[1];
}

static void
detach_finish(int fd)
{
    if (fd < 0) {
        return;
    }
    ssize_t n = write(fd, "", 1);
    (void)n;
    close(fd);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        if (log_file) {
            dup2(null, STDERR_FILENO);
        }
        close(null);
    }
}

int
main(int argc, char *argv[])
{
    enum { OPT_RUNDIR = 256, OPT_DB, OPT_DETACH, OPT_LOG_FILE, OPT_LOG_LEVEL };
    static const struct option long_opts[] = {
        {"rundir", required_argument, NULL, OPT_RUNDIR},
        {"db", required_argument, NULL, OPT_DB},
        {"detach", no_argument, NULL, OPT_DETACH},
        {"log-file", required_argument, NULL, OPT_LOG_FILE},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *rundir_opt = NULL, *db = NULL;
    bool detach = false;
    enum log_level level = LOG_INFO;
    int c;

    while ((c = getopt_long(argc, argv, "hV", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_RUNDIR:
            rundir_opt = optarg;
            break;
        case OPT_DB:
            db = optarg;
            break;
        case OPT_DETACH:
            detach = true;
            break;
        case OPT_LOG_FILE:
            log_path = optarg;
            break;
        case OPT_LOG_LEVEL:
            if (!log_level_from_string(optarg, &level)) {
                fprintf(stderr, "switchd: unknown log level \"%s\" (use "
                        "err, warn, info or dbg)\n", optarg);
                return 1;
            }
            break;
        case 'h':
            usage();
            return 0;
        case 'V':
            printf("switchd %s\n", SW_VERSION);
            return 0;
        default:
            fprintf(stderr, "switchd: try --help\n");
            return 1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "switchd: unexpected argument \"%s\"\n",
                argv[optind]);
        return 1;
    }
    if (!db) {
        db = getenv("SW_DB");
        db = db && *db ? db : DEFAULT_DB;
    }
    const char *rundir = rpc_rundir(rundir_opt);

    log_set_level(level);
    if (log_path) {
        log_file = fopen(log_path, "a");
        if (!log_file) {
            fprintf(stderr, "switchd: %s: %s\n", log_path, strerror(errno));
            return 1;
        }
        setvbuf(log_file, NULL, _IOLBF, 0);
        log_set_stream(log_file);
    }

    /* The database is read before anything else so that a corrupt one
     * stops us before we touch any device. */
    struct config *cfg;
    char *err = config_load(db, &cfg);
    if (err) {
        fprintf(stderr, "switchd: %s\n", err);
        LOG(LOG_ERR, "%s", err);
        free(err);
        return 1;
    }
    char *dbdir = xstrdup(db);
    char *slash = strrchr(dbdir, '/');
    if (slash && slash != dbdir) {
        *slash = '\0';
        mkdir_p(dbdir);
    }
    free(dbdir);
    if (mkdir_p(rundir)) {
        fprintf(stderr, "switchd: %s: %s\n", rundir, strerror(errno));
        return 1;
    }

    int ready_fd = detach ? detach_start() : -1;
    signal(SIGPIPE, SIG_IGN);

    char *pidfile = rpc_rundir_file(rundir, RPC_PID_NAME);
    char *sockpath = rpc_rundir_file(rundir, RPC_SOCKET_NAME);
    struct switchd sw;
    memset(&sw, 0, sizeof sw);
    sw.base = event_base_new();
    sw.cfg = cfg;
    sw.db_path = db;

    err = write_pidfile(pidfile);
    if (!err) {
        sw.server = server_create(&sw, sockpath, &err);
    }
    if (err) {
        fprintf(stderr, "switchd: %s\n", err);
        LOG(LOG_ERR, "%s", err);
        free(err);
        return 1;
    }

    sw.bridges = bridges_create(sw.base);
    config_assign_ofports(sw.cfg);
    bridges_reconfigure(sw.bridges, sw.cfg);

    timer_ev = event_new(sw.base, -1, 0, timer_cb, &sw);
    switchd_kick_timer(&sw);
    int sigs[] = {SIGTERM, SIGINT, SIGHUP};
    struct event *sig_evs[ARRAY_SIZE(sigs)];
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        sig_evs[i] = evsignal_new(sw.base, sigs[i], signal_cb, &sw);
        event_add(sig_evs[i], NULL);
    }

    LOG(LOG_INFO, "switchd ready: socket %s, database %s, %zu bridges",
        sockpath, db, sw.cfg->n_bridges);
    detach_finish(ready_fd);
    event_base_dispatch(sw.base);

    server_destroy(sw.server);
    bridges_destroy(sw.bridges);
    config_destroy(sw.cfg);
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        event_free(sig_evs[i]);
    }
    event_free(timer_ev);
    event_base_free(sw.base);
    unlink(pidfile);
    free(pidfile);
    free(sockpath);
    if (log_file) {
        fclose(log_file);
    }
    return 0;
}
