/* bench: shared helpers of the swbench subcommands.
 *
 * Each subcommand builds what it measures in process, runs it for a
 * fixed amount of work, and prints ONE line of name=value figures on
 * stdout so that scripts can collect them.  Benchmarks never assert on
 * timing: they report. */
#ifndef SW_BENCH_H
#define SW_BENCH_H 1

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds. */
uint64_t bench_now_ns(void);
/* CPU time of the calling thread: unlike wall time it does not count the
 * time other processes held the CPU (the machine is shared). */
uint64_t bench_cpu_ns(void);
/* Bytes currently allocated by malloc (mallinfo2's uordblks). */
size_t bench_heap_bytes(void);
/* A fast seeded generator (xorshift64*), so runs are repeatable. */
uint64_t bench_random(uint64_t *state);

/* Options common to every subcommand: "--NAME VALUE" pairs.  Returns
 * false (after printing why on stderr) on an unknown or bad option. */
struct bench_opt {
    const char *name; /* Without the leading "--". */
    uint64_t *value;
    uint64_t max;
};
int bench_parse_opts(int argc, char *argv[], struct bench_opt *, size_t n);

int bench_classifier(int argc, char *argv[]);
int bench_pipeline(int argc, char *argv[]);
int bench_scaling(int argc, char *argv[]);
int bench_flowmod(int argc, char *argv[]);
int bench_storm(int argc, char *argv[]);

#endif
