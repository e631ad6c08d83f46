/* daemon: see daemon.h. */
#include "daemon.h"

#include <event2/event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bridge.h"
#include "clock.h"
#include "config.h"
#include "log.h"
#include "util.h"

/* The longest the timeout timer sleeps: flow timeouts have 1 s
 * resolution, and a quarter of it keeps expiry prompt. */
#define FLOW_TIMER_MAX_MSEC 250
/* The shortest: a burst of changes does not spin the loop. */
#define FLOW_TIMER_MIN_MSEC 10

static void flow_timer_cb(evutil_socket_t fd, short what, void *sw_)
{
    struct switchd *sw = sw_;
    bridges_run(sw->bridges);
    switchd_flows_changed(sw);
}

void switchd_flows_changed(struct switchd *sw)
{
    if (!sw->flow_timer) {
        return;
    }
    int64_t next = bridges_next_timeout(sw->bridges);
    int64_t wait =
        next == INT64_MAX ? FLOW_TIMER_MAX_MSEC : next - clock_msec();
    wait = wait < FLOW_TIMER_MIN_MSEC   ? FLOW_TIMER_MIN_MSEC
           : wait > FLOW_TIMER_MAX_MSEC ? FLOW_TIMER_MAX_MSEC
                                        : wait;
    if (next == 0) {
        /* A bridge is expiring flows in slices: the next slice runs on
         * the next loop iteration, after the packets that are ready. */
        wait = 0;
    }
    struct timeval tv = { (time_t)(wait / 1000),
                          (suseconds_t)(wait % 1000) * 1000 };
    event_add(sw->flow_timer, &tv);
}

/* Collects a finished save child; returns false while it still runs. */
static bool save_child_done(struct switchd *sw, bool block)
{
    if (sw->save_child <= 0) {
        return true;
    }
    int status = 0;
    pid_t pid = waitpid(sw->save_child, &status, block ? 0 : WNOHANG);
    if (pid == 0) {
        return false;
    }
    bool ok =
        pid == sw->save_child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok) {
        LOG_RL(LOG_WARN, "saving flows failed (the writer's log line says "
                         "why); trying again");
    }
    bridges_save_end(sw->bridges, ok);
    sw->save_child = 0;
    return true;
}

/* Saves the flow tables that changed.  Coalesced: at most once per
 * SWITCHD_SAVE_MSEC, never per packet or per request.  The writing
 * happens in a forked child, on a copy-on-write snapshot of the tables,
 * so that a large table never holds the loop: the parent pays the fork
 * and goes on forwarding. */
static void save_timer_cb(evutil_socket_t fd, short what, void *sw_)
{
    struct switchd *sw = sw_;
    if (!save_child_done(sw, false)
        || !bridges_save_begin(sw->bridges, false)) {
        return;
    }
    int64_t t0 = clock_msec();
    pid_t pid = fork();
    if (pid == 0) {
        char *err = bridges_save_write(sw->bridges);
        if (err) {
            LOG(LOG_WARN, "saving flows: %s", err);
        }
        /* No atexit handlers, no flushing of the parent's buffers. */
        _exit(err ? 1 : 0);
    }
    if (pid > 0) {
        /* The fork copies the page tables: the one cost the loop pays,
         * about 0.1-0.2 s at a million flows on this kind of guest. */
        LOG(LOG_DBG, "flow saver forked in %lld ms",
            (long long)(clock_msec() - t0));
        sw->save_child = pid;
        return;
    }
    /* No fork: write here, holding the loop. */
    char *err = bridges_save_write(sw->bridges);
    bridges_save_end(sw->bridges, !err);
    if (err) {
        LOG_RL(LOG_WARN, "saving flows: %s", err);
        free(err);
    }
}

char *switchd_start(struct switchd *sw, struct event_base *base,
                    struct config *cfg, const char *db_path,
                    const struct switchd_flow_options *fo)
{
    memset(sw, 0, sizeof *sw);
    sw->base = base;
    sw->cfg = cfg;
    sw->db_path = db_path;
    sw->bridges = bridges_create(base);
    /* A flow directory that cannot be made costs the saving, not the
     * switch: the bridges and their timers start all the same. */
    char *err = NULL;
    if (fo && fo->dir) {
        err = bridges_set_flow_store(sw->bridges, fo->dir, fo->restore);
    }
    config_assign_ofports(sw->cfg);
    bridges_reconfigure(sw->bridges, sw->cfg);
    if (base) {
        sw->flow_timer = event_new(base, -1, 0, flow_timer_cb, sw);
        switchd_flows_changed(sw);
        sw->save_timer = event_new(base, -1, EV_PERSIST, save_timer_cb, sw);
        struct timeval tv = { SWITCHD_SAVE_MSEC / 1000,
                              (SWITCHD_SAVE_MSEC % 1000) * 1000 };
        event_add(sw->save_timer, &tv);
    }
    return err;
}

void switchd_commit(struct switchd *sw, struct config *cfg)
{
    config_destroy(sw->cfg);
    sw->cfg = cfg;
    bridges_reconfigure(sw->bridges, sw->cfg);
    switchd_flows_changed(sw);
}

void switchd_stop(struct switchd *sw, bool restart)
{
    if (sw->flow_timer) {
        event_free(sw->flow_timer);
        sw->flow_timer = NULL;
    }
    if (sw->save_timer) {
        event_free(sw->save_timer);
        sw->save_timer = NULL;
    }
    save_child_done(sw, true);
    if (restart && sw->bridges) {
        char *err = bridges_save_flows(sw->bridges, true);
        if (err) {
            LOG(LOG_ERR, "saving flows at exit: %s", err);
            free(err);
        }
        bridges_keep_devices(sw->bridges);
    }
    bridges_destroy(sw->bridges);
    sw->bridges = NULL;
    config_destroy(sw->cfg);
    sw->cfg = NULL;
}
