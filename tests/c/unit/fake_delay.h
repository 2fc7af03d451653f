/*
 * fake_delay.h — the fixture of the loop tests (test_loop_events.c,
 * test_loop_many.c): a fake server (fake_http.h) that answers every request
 * with {"id": "x", "n": <arrival index>} after g_delay_ms — or, when
 * g_hold_until is set, once that many requests have arrived (so a test
 * knows every transfer is open at once however slow the machine, e.g.
 * under valgrind) — started fresh for each test by setup() and stopped by
 * teardown(). Header-only (static
 * definitions) because tests/tests.mk builds each test_*.c on its own.
 */
#ifndef TEST_FAKE_DELAY_H
#define TEST_FAKE_DELAY_H

#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "fake_http.h"

static int g_delay_ms;
static int g_hold_until;          /* 0: no hold */
static int g_arrived;
static pthread_mutex_t g_hold_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_hold_cv = PTHREAD_COND_INITIALIZER;
static fake_server *g_srv;

/* Waits (60 s at most: a test that never sends them all fails on its own
 * assertions, not here) until g_hold_until requests have arrived. */
static void hold(void)
{
    struct timespec dl;
    clock_gettime(CLOCK_REALTIME, &dl);
    dl.tv_sec += 60;
    pthread_mutex_lock(&g_hold_mu);
    g_arrived++;
    pthread_cond_broadcast(&g_hold_cv);
    while (g_hold_until > 0 && g_arrived < g_hold_until)
        if (pthread_cond_timedwait(&g_hold_cv, &g_hold_mu, &dl) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&g_hold_mu);
}

static void handler(fake_server *s, const fake_req *q, fake_resp *r, void *payload)
{
    (void)s;
    (void)payload;
    hold();
    r->delay_ms = g_delay_ms;
    r->json = json_pack("{s:s, s:i}", "id", "x", "n", q->index);
}

static void setup(void)
{
    g_delay_ms = 0;
    g_hold_until = 0;
    g_arrived = 0;
    g_srv = fake_start(handler, NULL);
}

static void teardown(void) { fake_stop(g_srv); }

#endif
