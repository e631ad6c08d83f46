/* swbench: in-process benchmarks of the classifier and the pipeline.
 *
 * usage: swbench classifier [--rules N] [--lookups N]
 *        swbench pipeline [--macs N] [--packets N] [--batch N] [--huge 0/1]
 *        swbench scaling [--small N] [--large N] [--rounds N] [--packets N]
 *                        [--batch N]
 *        swbench flowmod [--flows N]
 *        swbench storm [--macs N] [--seconds N] [--limit N]
 *
 * See docs/performance.md for what each one measures. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "util.h"

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

size_t bench_heap_bytes(void)
{
    struct mallinfo2 mi = mallinfo2();
    /* Plus what the library mapped itself for huge pages (the big
     * indexes and the rule slab): malloc does not see it. */
    return mi.uordblks + mi.hblkhd + sw_huge_bytes();
}

uint64_t bench_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

int bench_parse_opts(int argc, char *argv[], struct bench_opt *opts, size_t n)
{
    /* Options come in "--name value" pairs. */
    for (int i = 0; i < argc; i += 2) {
        const char *arg = argv[i];
        size_t k;
        if (!str_starts_with(arg, "--")) {
            fprintf(stderr, "swbench: unexpected argument '%s'\n", arg);
            return -1;
        }
        for (k = 0; k < n; k++) {
            if (!strcmp(arg + 2, opts[k].name)) {
                break;
            }
        }
        if (k == n) {
            fprintf(stderr, "swbench: unknown option '%s'\n", arg);
            return -1;
        }
        if (i + 1 >= argc
            || !str_to_u64(argv[i + 1], opts[k].max, opts[k].value)) {
            fprintf(stderr, "swbench: %s needs a number up to %llu\n", arg,
                    (unsigned long long)opts[k].max);
            return -1;
        }
    }
    return 0;
}

static const struct {
    const char *name;
    int (*run)(int argc, char *argv[]);
    const char *usage;
} commands[] = {
    { "classifier", bench_classifier,
      "[--rules N] [--lookups N] [--batch N]" },
    { "pipeline", bench_pipeline,
      "[--macs N] [--packets N] [--batch N] [--huge 0/1]" },
    { "scaling", bench_scaling,
      "[--small N] [--large N] [--rounds N] [--packets N] [--batch N]" },
    { "flowmod", bench_flowmod, "[--flows N]" },
    { "storm", bench_storm, "[--macs N] [--seconds N] [--limit N]" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        fprintf(out, "  swbench %s %s\n", commands[i].name, commands[i].usage);
    }
}

int main(int argc, char *argv[])
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            return commands[i].run(argc - 2, argv + 2) ? 2 : 0;
        }
    }
    fprintf(stderr, "swbench: unknown benchmark '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
