/* switchd: options, the database lock, the pid file, detaching, signals
 * and the event loop.  The switch itself is daemon.c; the socket is
 * server.c. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include "bridge.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "rpc.h"
#include "server.h"
#include "util.h"

#define DEFAULT_DB "/var/lib/switchd/conf.json"
/* How long a daemon named by the pid file has to answer before we take
 * the pid file over. */
#define PROBE_TIMEOUT_MSEC 2000

struct options {
    const char *rundir;
    const char *db;
    bool detach;
    bool restore_flows;
    enum log_level level;
    unsigned busy_poll_usec;
};

/* --busy-poll's default: long enough to bridge the gaps of a TCP stream
 * between batches (docs/performance.md), short next to the 1-2 ms a
 * process keeps a CPU once it has it. */
#define DEFAULT_BUSY_POLL_USEC 200

static FILE *log_file;
static const char *log_path;

static void usage(void)
{
    printf("switchd: an OpenFlow-style software switch\n"
           "usage: switchd [OPTIONS]\n"
           "  --rundir DIR      socket and pid file directory "
           "(else $SW_RUNDIR, else %s)\n"
           "  --db FILE         configuration database "
           "(else $SW_DB, else %s)\n"
           "  --detach          run in the background once ready\n"
           "  --no-restore-flows  start bridges without their saved flows\n"
           "                    (NORMAL, or nothing if secure); flows are\n"
           "                    still saved to DB.flows/ for the next start\n"
           "  --busy-poll USEC  after forwarding, poll up to USEC before\n"
           "                    sleeping (default %u, 0: never)\n"
           "  --log-file FILE   log to FILE instead of stderr\n"
           "  --log-level LVL   err, warn, info (default) or dbg\n"
           "  -h, --help        this help\n"
           "  -V, --version     print the version and exit\n",
           RPC_DEFAULT_RUNDIR, DEFAULT_DB, DEFAULT_BUSY_POLL_USEC);
}

/* Creates every missing directory of 'dir'. */
static int mkdir_p(const char *dir)
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

static void signal_cb(evutil_socket_t sig, short what, void *sw_)
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

/* Whether a switchd answers on 'rundir''s socket: a request and its
 * reply, within PROBE_TIMEOUT_MSEC.  A process that merely holds the pid
 * of an old pid file (pids are reused) does not. */
static bool switchd_answers(const char *rundir)
{
    int fd;
    char *err;
    if (rpc_client_connect(rundir, &fd, &err)) {
        free(err);
        return false;
    }
    struct timeval tv = { PROBE_TIMEOUT_MSEC / 1000,
                          (PROBE_TIMEOUT_MSEC % 1000) * 1000 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    json_t *result = NULL;
    bool ok = !rpc_client_call(fd, "version", NULL, &result, &err);
    if (!ok) {
        free(err);
    }
    json_decref(result);
    close(fd);
    return ok;
}

/* A pid file naming a live process refuses the start only if that
 * process is a switchd answering on this run directory; anything else is
 * a stale file, taken over (by write_pidfile()) with a log line. */
static char *check_pidfile(const char *path, const char *rundir)
{
    FILE *f = fopen(path, "r");
    if (f) {
        long pid = 0;
        if (fscanf(f, "%ld", &pid) == 1 && pid > 0 && pid != getpid()
            && kill((pid_t)pid, 0) == 0) {
            if (switchd_answers(rundir)) {
                fclose(f);
                return xasprintf("%s: switchd is already running (pid %ld "
                                 "answers on %s/%s)",
                                 path, pid, rundir, RPC_SOCKET_NAME);
            }
            LOG(LOG_WARN,
                "%s: stale pid file: pid %ld is alive but no "
                "switchd answers on %s/%s; taking it over",
                path, pid, rundir, RPC_SOCKET_NAME);
        }
        fclose(f);
    }
    return NULL;
}

static char *write_pidfile(const char *path)
{
    char *tmp = xasprintf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f)
        || rename(tmp, path) < 0) {
        char *err =
            xasprintf("%s: cannot write pid file (%s)", path, strerror(errno));
        free(tmp);
        return err;
    }
    free(tmp);
    return NULL;
}

/* Locks the database against a second daemon: a write lock (fcntl) on
 * "<db>.lock", held until we exit (the kernel drops it when we die, so
 * a kill -9 leaves nothing to clean up).  Returns the lock's fd, or -1
 * and an allocated message naming the database and, when the kernel
 * tells, the holder's pid. */
static int lock_db(const char *db, char **errp)
{
    char *path = xasprintf("%s.lock", db);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    *errp = NULL;
    if (fd < 0) {
        *errp = xasprintf("%s: cannot open the database lock (%s)", path,
                          strerror(errno));
        free(path);
        return -1;
    }
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        int error = errno;
        struct flock who = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        bool known = fcntl(fd, F_GETLK, &who) == 0 && who.l_type != F_UNLCK
                     && who.l_pid > 0;
        if (error == EACCES || error == EAGAIN) {
            char *holder =
                known ? xasprintf(" (pid %ld)", (long)who.l_pid) : xstrdup("");
            *errp = xasprintf("%s: database in use by another switchd%s; "
                              "its lock is %s",
                              db, holder, path);
            free(holder);
        } else {
            *errp = xasprintf("%s: cannot lock (%s)", path, strerror(error));
        }
        close(fd);
        fd = -1;
    }
    free(path);
    return fd;
}

/* --detach: the parent waits until the child is serving (or failed), so
 * that "switchd --detach && swctl ..." works. */
static int detach_start(void)
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

static void detach_finish(int fd)
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

/* --busy-poll's value: microseconds, 0 to BRIDGES_BUSY_POLL_MAX_USEC.
 * False, with a message naming what is wrong, if it is anything else. */
static bool parse_busy_poll(const char *s, unsigned *usec)
{
    uint64_t v;
    if (str_to_u64(s, BRIDGES_BUSY_POLL_MAX_USEC, &v)) {
        *usec = (unsigned)v;
        return true;
    }
    size_t digits = strspn(s, "0123456789");
    if (!*s) {
        fprintf(stderr, "switchd: --busy-poll: empty (expected a number of "
                        "microseconds, 0 to turn polling off)\n");
    } else if (!s[digits]) {
        fprintf(stderr,
                "switchd: --busy-poll \"%s\": more than %u "
                "microseconds\n",
                s, BRIDGES_BUSY_POLL_MAX_USEC);
    } else {
        fprintf(stderr,
                "switchd: --busy-poll \"%s\": '%c' at offset %zu is not a "
                "digit (expected a number of microseconds, 0 to turn polling "
                "off)\n",
                s, s[digits], digits);
    }
    return false;
}

/* Parses the command line into 'o'.  Returns -1 to go on, else the
 * exit code (--help, --version, a bad option). */
static int parse_options(int argc, char *argv[], struct options *o)
{
    enum {
        OPT_RUNDIR = 256,
        OPT_DB,
        OPT_DETACH,
        OPT_LOG_FILE,
        OPT_LOG_LEVEL,
        OPT_NO_RESTORE_FLOWS,
        OPT_BUSY_POLL,
    };
    static const struct option long_opts[] = {
        { "rundir", required_argument, NULL, OPT_RUNDIR },
        { "db", required_argument, NULL, OPT_DB },
        { "detach", no_argument, NULL, OPT_DETACH },
        { "no-restore-flows", no_argument, NULL, OPT_NO_RESTORE_FLOWS },
        { "busy-poll", required_argument, NULL, OPT_BUSY_POLL },
        { "log-file", required_argument, NULL, OPT_LOG_FILE },
        { "log-level", required_argument, NULL, OPT_LOG_LEVEL },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *rundir = NULL;
    int c;
    memset(o, 0, sizeof *o);
    o->level = LOG_INFO;
    o->restore_flows = true;
    o->busy_poll_usec = DEFAULT_BUSY_POLL_USEC;
    while ((c = getopt_long(argc, argv, "hV", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_RUNDIR:
            rundir = optarg;
            break;
        case OPT_DB:
            o->db = optarg;
            break;
        case OPT_DETACH:
            o->detach = true;
            break;
        case OPT_NO_RESTORE_FLOWS:
            o->restore_flows = false;
            break;
        case OPT_BUSY_POLL:
            if (!parse_busy_poll(optarg, &o->busy_poll_usec)) {
                return 1;
            }
            break;
        case OPT_LOG_FILE:
            log_path = optarg;
            break;
        case OPT_LOG_LEVEL:
            if (!log_level_from_string(optarg, &o->level)) {
                fprintf(stderr,
                        "switchd: unknown log level \"%s\" (use "
                        "err, warn, info or dbg)\n",
                        optarg);
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
        fprintf(stderr, "switchd: unexpected argument \"%s\"\n", argv[optind]);
        return 1;
    }
    if (!o->db) {
        o->db = getenv("SW_DB");
        o->db = o->db && *o->db ? o->db : DEFAULT_DB;
    }
    o->rundir = rpc_rundir(rundir);
    return -1;
}

/* Opens the log.  Returns NULL or an allocated message. */
static char *open_log(enum log_level level)
{
    log_set_level(level);
    if (log_path) {
        log_file = fopen(log_path, "a");
        if (!log_file) {
            return xasprintf("%s: %s", log_path, strerror(errno));
        }
        setvbuf(log_file, NULL, _IOLBF, 0);
        log_set_stream(log_file);
    }
    return NULL;
}

/* Loads the database (before anything else, so that a corrupt one stops
 * us before we touch a device) and creates the directories we write in.
 * Returns NULL and '*cfgp', or an allocated message. */
static char *load_db(const struct options *o, struct config **cfgp)
{
    char *err = config_load(o->db, cfgp);
    if (err) {
        return err;
    }
    char *dbdir = xstrdup(o->db);
    char *slash = strrchr(dbdir, '/');
    if (slash && slash != dbdir) {
        *slash = '\0';
        mkdir_p(dbdir);
    }
    free(dbdir);
    if (mkdir_p(o->rundir)) {
        err = xasprintf("%s: %s", o->rundir, strerror(errno));
        config_destroy(*cfgp);
        *cfgp = NULL;
    }
    return err;
}

/* Reports 'err' (freed) on stderr and in the log; returns the exit code. */
static int fail(char *err)
{
    fprintf(stderr, "switchd: %s\n", err);
    LOG(LOG_ERR, "%s", err);
    free(err);
    return 1;
}

int main(int argc, char *argv[])
{
    struct options o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0) {
        return rc;
    }
    struct config *cfg;
    char *err = open_log(o.level);
    if (err || (err = load_db(&o, &cfg))) {
        return fail(err);
    }

    /* The lock and the pid file are taken by the process that stays:
     * fcntl locks do not pass to a forked child. */
    int ready_fd = o.detach ? detach_start() : -1;
    signal(SIGPIPE, SIG_IGN);
    char *pidfile = rpc_rundir_file(o.rundir, RPC_PID_NAME);
    char *sockpath = rpc_rundir_file(o.rundir, RPC_SOCKET_NAME);
    int lock_fd = -1;
    struct switchd sw;
    struct event_base *base = event_base_new();
    struct server *server = NULL;
    if (!(err = check_pidfile(pidfile, o.rundir))
        && (lock_fd = lock_db(o.db, &err)) >= 0
        && !(err = write_pidfile(pidfile))
        && !(server = server_create(base, &sw, sockpath, &err))) {
        unlink(pidfile);
    }
    if (err) {
        config_destroy(cfg);
        event_base_free(base);
        free(pidfile);
        free(sockpath);
        return fail(err);
    }
    char *flow_dir = xasprintf("%s.flows", o.db);
    struct switchd_flow_options fo = { flow_dir, o.restore_flows };
    if ((err = switchd_start(&sw, base, cfg, o.db, &fo))) {
        LOG(LOG_ERR, "%s: flows will not be saved", err);
        free(err);
    }

    int sigs[] = { SIGTERM, SIGINT, SIGHUP };
    struct event *sig_evs[ARRAY_SIZE(sigs)];
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        sig_evs[i] = evsignal_new(base, sigs[i], signal_cb, &sw);
        event_add(sig_evs[i], NULL);
    }
    LOG(LOG_INFO, "switchd ready: socket %s, database %s, %zu bridges",
        sockpath, o.db, sw.cfg->n_bridges);
    detach_finish(ready_fd);
    bridges_dispatch(sw.bridges, o.busy_poll_usec);

    server_destroy(server);
    switchd_stop(&sw, true);
    free(flow_dir);
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
        event_free(sig_evs[i]);
    }
    event_base_free(base);
    unlink(pidfile);
    close(lock_fd);
    free(pidfile);
    free(sockpath);
    if (log_file) {
        fclose(log_file);
    }
    return 0;
}
