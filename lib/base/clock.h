/* clock: the monotonic millisecond clock every timeout reads.
 *
 * Tests replace it with a fake one they advance by hand, so idle and hard
 * timeouts, MAC ageing and rate limits are tested without sleeping. */
#ifndef SW_CLOCK_H
#define SW_CLOCK_H 1

#include <stdint.h>

/* Milliseconds since an arbitrary start (CLOCK_MONOTONIC), or the fake
 * time when the fake clock is on. */
int64_t clock_msec(void);
/* Wall-clock milliseconds since the epoch (for logs). */
int64_t clock_wall_msec(void);
/* Microseconds since an arbitrary start (CLOCK_MONOTONIC), never faked:
 * for measuring work actually done (time budgets, the loop's polling),
 * which a test's fake clock must not stop. */
int64_t clock_real_usec(void);

/* Turns the fake clock on at 'msec'; clock_msec() then returns it until
 * clock_fake_advance() moves it. */
void clock_fake_set(int64_t msec);
void clock_fake_advance(int64_t msec);
/* Back to the real clock. */
void clock_fake_off(void);

#endif
