/* port_cond.c — condition variables with CLOCK_MONOTONIC deadlines; see port.h. */
#include <errno.h>

#include "port.h"

#if !defined(_WIN32) && !defined(__APPLE__)

int cmdop__port_cond_init_monotonic(pthread_cond_t *cv)
{
    pthread_condattr_t ca;
    int rc = pthread_condattr_init(&ca);
    if (rc != 0)
        return rc;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    rc = pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
    return rc;
}

int cmdop__port_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *mu,
                               const struct timespec *mono_deadline)
{
    return pthread_cond_timedwait(cv, mu, mono_deadline);
}

#else /* _WIN32, __APPLE__: winpthreads and macOS measure deadlines on
       * CLOCK_REALTIME only (macOS has no pthread_condattr_setclock) */

int cmdop__port_cond_init_monotonic(pthread_cond_t *cv)
{
    return pthread_cond_init(cv, NULL);
}

/* The monotonic deadline becomes "now on the real clock + what is left":
 * a clock change during this one wait can stretch it, never the sum of a
 * caller's waits, since each wait re-reads the monotonic clock. */
int cmdop__port_cond_timedwait(pthread_cond_t *cv, pthread_mutex_t *mu,
                               const struct timespec *mono_deadline)
{
    struct timespec now, real;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long left_ns = (long long)(mono_deadline->tv_sec - now.tv_sec) * 1000000000LL +
                        (mono_deadline->tv_nsec - now.tv_nsec);
    if (left_ns <= 0)
        return ETIMEDOUT;
    clock_gettime(CLOCK_REALTIME, &real);
    long long ns = (long long)real.tv_nsec + left_ns % 1000000000LL;
    real.tv_sec += (time_t)(left_ns / 1000000000LL + ns / 1000000000LL);
    real.tv_nsec = (long)(ns % 1000000000LL);
    return pthread_cond_timedwait(cv, mu, &real);
}

#endif
