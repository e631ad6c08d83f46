/* Unit tests for the daemon's event loop (bridge-loop.c): the rule that
 * decides when polling gives way to sleep, and a live loop that sleeps
 * when idle and returns when a callback breaks or exits it. */
#include <event2/event.h>
#include <stdint.h>
#include <sys/resource.h>

#include "bridge-private.h"
#include "bridge.h"
#include "check-main.h"
#include "clock.h"

#define US 1 /* The rule's unit: microseconds. */

START_TEST(test_busy_poll_rule)
{
    /* Woke for a timer or a request, forwarded nothing: sleep at once. */
    ck_assert(bridges_busy_poll_done(0, 0, 200 * US));
    /* Worked 50 us: polls 50 us, not the whole 200. */
    ck_assert(!bridges_busy_poll_done(50 * US, 10 * US, 200 * US));
    ck_assert(!bridges_busy_poll_done(50 * US, 49 * US, 200 * US));
    ck_assert(bridges_busy_poll_done(50 * US, 50 * US, 200 * US));
    /* Worked long: polls up to the limit and no further. */
    ck_assert(!bridges_busy_poll_done(5000 * US, 199 * US, 200 * US));
    ck_assert(bridges_busy_poll_done(5000 * US, 200 * US, 200 * US));
    /* A limit of 0 never polls. */
    ck_assert(bridges_busy_poll_done(5000 * US, 0, 0));
}
END_TEST

static int64_t cpu_usec(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000
           + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void break_cb(evutil_socket_t fd, short what, void *base)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(base);
}

static void exit_cb(evutil_socket_t fd, short what, void *base)
{
    (void)fd;
    (void)what;
    event_base_loopexit(base, NULL);
}

/* Stands in for a port that reads a frame and forwards it in 100 us,
 * 'left' more times, each on the next pass of the loop. */
struct traffic {
    struct bridges *bs;
    struct event *ev;
    int left;
};

static void frame_cb(evutil_socket_t fd, short what, void *t_)
{
    struct traffic *t = t_;
    (void)fd;
    (void)what;
    int64_t start = clock_real_usec();
    while (clock_real_usec() - start < 100 * US) {
        continue;
    }
    t->bs->n_rx++;
    if (--t->left > 0) {
        event_active(t->ev, 0, 0);
    }
}

/* Runs bridges_dispatch() on a fresh base, with 'frames' frames of
 * traffic first, until 'cb' fires after 'msec'; returns the CPU time the
 * process spent meanwhile. */
static int64_t run_until(event_callback_fn cb, int msec, unsigned busy_usec,
                         int frames)
{
    struct event_base *base = event_base_new();
    struct bridges *bs = bridges_create(base);
    struct event *ev = evtimer_new(base, cb, base);
    struct timeval tv = { 0, msec * 1000 };
    evtimer_add(ev, &tv);
    struct traffic t = { bs, NULL, frames };
    t.ev = event_new(base, -1, 0, frame_cb, &t);
    if (frames) {
        event_active(t.ev, 0, 0);
    }
    int64_t t0 = cpu_usec();
    bridges_dispatch(bs, busy_usec);
    int64_t spent = cpu_usec() - t0;
    ck_assert(!evtimer_pending(ev, NULL));
    ck_assert_int_eq(t.left, 0);
    event_free(t.ev);
    event_free(ev);
    bridges_destroy(bs);
    event_base_free(base);
    return spent;
}

START_TEST(test_idle_loop_sleeps)
{
    /* 20 frames (2 ms of work), then 300 ms without one: the loop polls
     * at most 200 us after the last frame and then sleeps, so it spends
     * some 2.2 ms of CPU; one that went on polling would spend ~300. */
    int64_t spent = run_until(break_cb, 300, 200, 20);
    ck_assert_msg(spent < 100000, "idle loop spent %lld us of CPU",
                  (long long)spent);
    spent = run_until(exit_cb, 300, 200, 20);
    ck_assert_msg(spent < 100000, "idle loop spent %lld us of CPU",
                  (long long)spent);
    spent = run_until(break_cb, 300, 200, 0);
    ck_assert_msg(spent < 100000, "idle loop spent %lld us of CPU",
                  (long long)spent);
    /* Without polling it is event_base_dispatch(). */
    run_until(break_cb, 10, 0, 20);
}
END_TEST

START_TEST(test_empty_loop_returns)
{
    /* Nothing registered: returns, as event_base_dispatch() does, rather
     * than polling forever. */
    struct event_base *base = event_base_new();
    struct bridges *bs = bridges_create(base);
    bridges_dispatch(bs, 200);
    bridges_dispatch(bs, 0);
    bridges_destroy(bs);
    event_base_free(base);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("bridge-loop");
    TCase *tc = tcase_create("bridge-loop");
    tcase_add_test(tc, test_busy_poll_rule);
    tcase_add_test(tc, test_idle_loop_sleeps);
    tcase_add_test(tc, test_empty_loop_returns);
    suite_add_tcase(s, tc);
    return s;
}

SW_TEST_MAIN(make_suite)
