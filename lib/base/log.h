/* log: leveled logging with a per-call-site rate limit.
 *
 * lib/ code never prints to stdout; it logs.  The daemon chooses where log
 * lines go (stderr or a file) and the minimum level.  Anything a packet
 * can trigger must use LOG_RL so a flood of bad packets cannot flood the
 * log. */
#ifndef SW_LOG_H
#define SW_LOG_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DBG };

/* Parses "err", "warn", "info" or "dbg"/"debug". */
bool log_level_from_string(const char *, enum log_level *);
void log_set_level(enum log_level);
/* Where lines go; NULL means stderr.  Not owned. */
void log_set_stream(FILE *);
bool log_enabled(enum log_level);
void log_msg(enum log_level, const char *module, const char *fmt, ...)
    SW_PRINTF(3, 4);

/* A token bucket: at most 'burst' lines, refilled at 'per_min' a minute. */
struct log_rl {
    int64_t last_msec;
    unsigned tokens;
    unsigned per_min;
    unsigned burst;
    unsigned dropped;
};
bool log_rl_allow(struct log_rl *);

#define LOG(LEVEL, ...) log_msg(LEVEL, __FILE__, __VA_ARGS__)
#define LOG_RL(LEVEL, ...)                               \
    do {                                                 \
        static struct log_rl rl__ = { 0, 5, 60, 5, 0 };  \
        if (log_enabled(LEVEL) && log_rl_allow(&rl__)) { \
            log_msg(LEVEL, __FILE__, __VA_ARGS__);       \
        }                                                \
    } while (0)

#endif
