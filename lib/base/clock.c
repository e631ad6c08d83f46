#include "clock.h"

#include <stdbool.h>
#include <time.h>

static bool fake_on;
static int64_t fake_now;

int64_t clock_msec(void)
{
    if (fake_on) {
        return fake_now;
    }
    /* The coarse clock costs a few ns instead of ~60 ns on a VM and ticks
     * every few ms: plenty for ages and timeouts, and it is read once per
     * packet. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_real_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t clock_wall_msec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_fake_set(int64_t msec)
{
    fake_on = true;
    fake_now = msec;
}

void clock_fake_advance(int64_t msec)
{
    fake_now += msec;
}

void clock_fake_off(void)
{
    fake_on = false;
}
