/*
 * xfer_waiter.h — one raw transfer's outcome, waited for by a test thread:
 * the loop's on_done records the transfer result and the HTTP status and
 * wakes the waiter; the test's own on_data (when it streams) appends to
 * `body` and counts `chunks`. Shared by test_transport.c and
 * test_loop_events.c. Header-only (static functions) because tests/tests.mk
 * builds each test_*.c on its own.
 */
#ifndef TEST_XFER_WAITER_H
#define TEST_XFER_WAITER_H

#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "http_loop.h"

typedef struct waiter {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int done;               /* times on_done ran (1 when all is well) */
    cmdop__xfer xfer;
    long status;
    char body[256];         /* what a streaming on_data kept */
    size_t body_len;
    int chunks;             /* on_data calls */
    atomic_int pauses;      /* times on_data paused */
    atomic_int may_go;      /* may_resume answers true */
} waiter;

static void waiter_on_done(cmdop__http_req *req, void *p)
{
    waiter *w = p;
    pthread_mutex_lock(&w->mu);
    w->xfer = req->xfer;
    w->status = req->status;
    w->done++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static void wait_done(waiter *w)
{
    pthread_mutex_lock(&w->mu);
    while (!w->done)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

/* A new GET of <base><path> whose on_done wakes *w (reset here); the
 * caller submits or runs it and frees it. */
static cmdop__http_req *waiter_get(waiter *w, const char *base, const char *path)
{
    memset(w, 0, sizeof *w);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    cmdop__http_req *req = cmdop__http_req_new();
    char url[128];
    snprintf(url, sizeof url, "%s%s", base, path);
    ck_assert_int_eq(cmdop__http_req_set(req, "GET", url), 0);
    req->on_done = waiter_on_done;
    req->payload = w;
    return req;
}

#endif
