/* bridge-loop: the daemon's event loop, which keeps polling for a short
 * while after the traffic pauses before it sleeps (see bridge.h).
 *
 * Why: on a virtual machine an idle CPU halts, and waking a process
 * that sleeps in epoll takes an interrupt to that CPU, a context switch
 * and a wait in the run queue while the frames pile up.  A forwarding
 * process that sleeps every time its sockets run dry for a moment pays
 * that thousands of times a second under a TCP stream.  The kernel's
 * answer for sockets is busy polling (net.core.busy_poll); this is the
 * same idea one level up, for every descriptor the loop watches, and
 * bounded so that it costs nothing when there is no traffic. */
#include <event2/event.h>

#include "bridge-private.h"
#include "bridge.h"
#include "clock.h"

bool bridges_busy_poll_done(int64_t worked_us, int64_t idle_us, int64_t max_us)
{
    /* Polling never takes longer than the work that came before it, so
     * it at most doubles the CPU the loop spends, and a loop that woke
     * for one packet (or a timer) goes back to sleep at once. */
    int64_t limit = worked_us < max_us ? worked_us : max_us;
    return idle_us >= limit;
}

/* One pass of the loop.  False once a callback broke or exited the
 * loop, or the loop cannot go on (nothing is registered, an error). */
static bool loop_once(struct event_base *base, int flags)
{
    return !event_base_loop(base, flags) && !event_base_got_break(base)
           && !event_base_got_exit(base);
}

void bridges_dispatch(struct bridges *bs, unsigned busy_poll_usec)
{
    if (!busy_poll_usec) {
        event_base_dispatch(bs->base);
        return;
    }
    int64_t woke =
        clock_real_usec(); /* When the loop last came out of a sleep. */
    int64_t last = woke;   /* When it last forwarded a frame. */
    for (;;) {
        uint64_t before = bs->n_rx;
        if (!loop_once(bs->base, EVLOOP_NONBLOCK)) {
            return;
        }
        int64_t now = clock_real_usec();
        if (bs->n_rx != before) {
            last = now;
        } else if (bridges_busy_poll_done(last - woke, now - last,
                                          busy_poll_usec)) {
            if (!loop_once(bs->base, EVLOOP_ONCE)) {
                return;
            }
            /* The polling that follows is paid for by the work after
             * this wake-up, not by what came before the sleep. */
            woke = last = clock_real_usec();
        }
    }
}
