/*
 * relay_cron.h — the five-field cron expressions of schedules: validation
 * (so a bad expression is a 422 on cron_expr, not a silent never-runs
 * schedule) and the next run time for ScheduleView.next_run_at.
 *
 * Syntax per field: "*", N, N-M, any of those with "/step", and comma
 * lists. Ranges: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12,
 * day-of-week 0-7 (0 and 7 are Sunday). Names (JAN, MON) and the
 * @-shortcuts are not accepted. Times are UTC (the schedule's timezone is
 * stored, not applied).
 */
#ifndef RELAY_CRON_H
#define RELAY_CRON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

typedef struct relay_cron {
    uint64_t minute, hour, dom, month, dow; /* bit i set = value i allowed */
    bool dom_any, dow_any;                  /* field was "*" (Vixie rule) */
} relay_cron;

/* Parses `expr`. Returns 0, or -1 with a short reason in why (64 bytes). */
int relay_cron_parse(relay_cron *c, const char *expr, char why[64]);

/* The first minute strictly after `after` that matches, or 0 when none
 * within 5 years (e.g. "0 0 30 2 *"). */
time_t relay_cron_next(const relay_cron *c, time_t after);

#endif /* RELAY_CRON_H */
