/* debug_log.c — see debug_log.h. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "debug_log.h"

struct cmdop__debug_log {
    FILE *f;
    pthread_mutex_t mu;
};

void cmdop__debug_log_default_path(char *buf, unsigned long size, const char *tmpdir)
{
    snprintf(buf, size, "%s/cmdop-core-%ld.log", tmpdir && *tmpdir ? tmpdir : "/tmp",
             (long)getpid());
}

cmdop__debug_log *cmdop__debug_log_open(const char *path)
{
    cmdop__debug_log *log = calloc(1, sizeof *log);
    if (!log)
        return NULL;
    log->f = fopen(path, "a");
    if (!log->f) {
        free(log);
        return NULL;
    }
    pthread_mutex_init(&log->mu, NULL);
    return log;
}

void cmdop__debug_log_close(cmdop__debug_log *log)
{
    if (!log)
        return;
    fclose(log->f);
    pthread_mutex_destroy(&log->mu);
    free(log);
}

void cmdop__debug_log_printf(cmdop__debug_log *log, const char *fmt, ...)
{
    if (!log)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    pthread_mutex_lock(&log->mu);
    fprintf(log->f, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
            ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(log->f, fmt, ap);
    va_end(ap);
    fputc('\n', log->f);
    fflush(log->f);
    pthread_mutex_unlock(&log->mu);
}
