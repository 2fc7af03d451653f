/*
 * bench_c.h — what every C bench worker shares: a monotonic clock, the
 * process's CPU seconds and peak RSS, and the one JSON result line the
 * driver (bench/run.py) reads from stdout.
 */
#ifndef BENCH_C_H
#define BENCH_C_H

#include <stdio.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* User + system CPU seconds of every thread of this process. */
static inline double bench_cpu(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec / 1e6 +
           (double)u.ru_stime.tv_sec + (double)u.ru_stime.tv_usec / 1e6;
}

static inline long bench_maxrss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/* The result line: ops done, frames seen, wall and CPU of the timed part.
 * libcmdop runs in-process, so the client's CPU is the core's too. */
static inline void bench_report(long ops, long frames, double wall, double cpu)
{
    printf("{\"ops\": %ld, \"frames\": %ld, \"wall_s\": %.6f, "
           "\"cpu_client_s\": %.6f, \"cpu_core_s\": 0, "
           "\"rss_client_kb\": %ld, \"rss_core_kb\": 0}\n",
           ops, frames, wall, cpu, bench_maxrss_kb());
    fflush(stdout);
}

#endif /* BENCH_C_H */
