#include "log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "clock.h"

static enum log_level min_level = LOG_INFO;
static FILE *log_stream;

static const char *const level_names[] = { "err", "warn", "info", "dbg" };

bool log_level_from_string(const char *s, enum log_level *level)
{
    for (size_t i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (!strcmp(s, level_names[i])) {
            *level = (enum log_level)i;
            return true;
        }
    }
    if (!strcmp(s, "debug")) {
        *level = LOG_DBG;
        return true;
    }
    return false;
}

void log_set_level(enum log_level level)
{
    min_level = level;
}

void log_set_stream(FILE *stream)
{
    log_stream = stream;
}

bool log_enabled(enum log_level level)
{
    return level <= min_level;
}

void log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    if (!log_enabled(level)) {
        return;
    }
    FILE *out = log_stream ? log_stream : stderr;
    const char *base = strrchr(module, '/');
    base = base ? base + 1 : module;

    char stamp[32];
    time_t now = (time_t)(clock_wall_msec() / 1000);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

    fprintf(out, "%s|%s|%.*s|", stamp, level_names[level],
            (int)strcspn(base, "."), base);
    va_list args;
    va_start(args, fmt);
    vfprintf(out, fmt, args);
    va_end(args);
    fputc('\n', out);
    fflush(out);
}

bool log_rl_allow(struct log_rl *rl)
{
    int64_t now = clock_msec();
    if (rl->per_min && now > rl->last_msec) {
        int64_t refill = (now - rl->last_msec) * rl->per_min / 60000;
        if (refill > 0) {
            rl->tokens = (unsigned)SW_MIN((int64_t)rl->burst,
                                          (int64_t)rl->tokens + refill);
            rl->last_msec = now;
        }
    }
    if (rl->tokens) {
        rl->tokens--;
        return true;
    }
    rl->dropped++;
    return false;
}
