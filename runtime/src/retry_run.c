/*
 * retry_run.c — drives one logical call through its attempts. A plain
 * buffered request runs every attempt on the caller's thread through a sync
 * slot (run_on_caller); one with a streaming sink or idle bound runs on the
 * loop, where each attempt
 * ends in on_attempt_done (loop thread), which either resubmits the same
 * request with a delay (a timer on the loop; the same headers, hence the
 * same Idempotency-Key) or wakes the waiting caller. A cancellation
 * token (cancel.h) stops the run: the loop request is cancelled by id and no
 * further attempt is submitted once the token says so.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include "cancel.h"
#include "error_internal.h"
#include "port.h"
#include "retry.h"

typedef struct run {
    cmdop__loop *loop;
    const cmdop__retry_policy *policy;
    cmdop__attempt_fn observe;
    void *observe_payload;
    cmdop__cancel *cancel;    /* NULL: cannot be cancelled */
    int attempt;              /* 1-based number of the attempt in flight */
    int64_t started_ms;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
} run;

static uint32_t random_u32(void)
{
    uint32_t r = 0;
    if (cmdop__port_random(&r, sizeof r) != 0)
        r = (uint32_t)cmdop__now_ms() * 2654435761u;  /* jitter only, not security */
    return r;
}

static void wake(run *r)
{
    pthread_mutex_lock(&r->mu);
    r->done = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

static long next_delay(const cmdop__http_req *req, const cmdop__retry_policy *policy,
                       int attempt);

static void on_attempt_done(cmdop__http_req *req, void *payload)
{
    run *r = payload;
    long delay = next_delay(req, r->policy, r->attempt);
    /* cancelled while this attempt ran: no further attempt. A cancel that
     * lands after this check finds the resubmitted request on the loop by
     * its id and ends it there. */
    bool stop = delay >= 0 && cmdop__cancel_is_cancelled(r->cancel);
    if (stop)
        delay = -1;
    if (r->observe)
        r->observe(req, r->attempt, r->started_ms, delay, r->observe_payload);
    if (stop) {
        req->xfer = CMDOP__XFER_CANCELLED;   /* the call ends as cancelled */
        snprintf(req->xfer_msg, sizeof req->xfer_msg, "cancelled");
    }
    if (delay >= 0) {
        cmdop__http_req_reset_response(req);
        r->attempt++;
        r->started_ms = cmdop__now_ms() + delay;
        if (cmdop__loop_submit(r->loop, req, delay) == 0)
            return;
        /* the client is closing: this attempt ends the call */
        req->xfer = CMDOP__XFER_CANCELLED;
        r->attempt--;
    }
    wake(r);
}

static int run_on_loop(cmdop__loop *loop, cmdop__http_req *req,
                       const cmdop__retry_policy *policy, cmdop__attempt_fn observe,
                       void *observe_payload, cmdop__cancel *cancel, int *attempts);

int cmdop__retry_run_sync(cmdop__loop *loop, cmdop__http_req *req,
                          const cmdop__retry_policy *policy,
                          cmdop__attempt_fn observe, void *observe_payload,
                          int *attempts)
{
    return cmdop__retry_run_sync_ex(loop, req, policy, observe, observe_payload, NULL,
                                    attempts);
}

/* The delay before the next attempt of a finished one, or -1: none. */
static long next_delay(const cmdop__http_req *req, const cmdop__retry_policy *policy,
                       int attempt)
{
    if (!cmdop__retry_is_retryable(req) || attempt > policy->max_retries)
        return -1;
    long ra = req->xfer == CMDOP__XFER_OK ? cmdop__retry_after_ms(req->retry_after, time(NULL))
                                          : -1;
    return cmdop__retry_delay_ms(policy, attempt, ra, random_u32());
}

/* Every attempt on the calling thread (http_loop.h "The synchronous
 * path"); the backoff waits there too, and a cancel by id (the token's)
 * interrupts either. Same observer calls and outcomes as the loop run. */
static int run_on_caller(cmdop__loop *loop, cmdop__http_req *req,
                         const cmdop__retry_policy *policy, cmdop__attempt_fn observe,
                         void *observe_payload, cmdop__cancel *cancel, int *attempts)
{
    cmdop__sync *s;
    int rc = cmdop__sync_begin(loop, req, &s);
    if (rc) {
        if (attempts)
            *attempts = 0;
        return rc == CMDOP_ENOMEM ? run_on_loop(loop, req, policy, observe, observe_payload,
                                                cancel, attempts)
                                  : rc;
    }
    cmdop__cancel_attach(cancel, loop, req->id);
    int attempt = 1;
    int64_t started_ms = cmdop__now_ms();
    for (;;) {
        cmdop__sync_perform(loop, s, req);
        long delay = next_delay(req, policy, attempt);
        bool stop = delay >= 0 && cmdop__cancel_is_cancelled(cancel);
        if (stop)
            delay = -1;
        if (observe)
            observe(req, attempt, started_ms, delay, observe_payload);
        if (stop) {
            req->xfer = CMDOP__XFER_CANCELLED;   /* the call ends as cancelled */
            snprintf(req->xfer_msg, sizeof req->xfer_msg, "cancelled");
        }
        if (delay < 0)
            break;
        cmdop__http_req_reset_response(req);
        attempt++;
        started_ms = cmdop__now_ms() + delay;
        /* a cancel during the backoff ends the next attempt before it sends */
        cmdop__sync_sleep(s, delay);
    }
    cmdop__cancel_detach(cancel);
    cmdop__sync_end(loop, s);
    if (attempts)
        *attempts = attempt;
    return 0;
}

int cmdop__retry_run_sync_ex(cmdop__loop *loop, cmdop__http_req *req,
                             const cmdop__retry_policy *policy,
                             cmdop__attempt_fn observe, void *observe_payload,
                             cmdop__cancel *cancel, int *attempts)
{
    if (cmdop__cancel_is_cancelled(cancel)) {
        /* cancelled before the first attempt: nothing is sent */
        req->xfer = CMDOP__XFER_CANCELLED;
        if (attempts)
            *attempts = 0;
        return 0;
    }
    if (!req->on_data && !req->idle_deadline && !req->may_resume)
        return run_on_caller(loop, req, policy, observe, observe_payload, cancel, attempts);
    return run_on_loop(loop, req, policy, observe, observe_payload, cancel, attempts);
}

static int run_on_loop(cmdop__loop *loop, cmdop__http_req *req,
                       const cmdop__retry_policy *policy, cmdop__attempt_fn observe,
                       void *observe_payload, cmdop__cancel *cancel, int *attempts)
{
    run r = {.loop = loop, .policy = policy, .observe = observe,
             .observe_payload = observe_payload, .cancel = cancel, .attempt = 1,
             .started_ms = cmdop__now_ms()};
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    req->on_done = on_attempt_done;
    req->payload = &r;
    int rc = cmdop__loop_submit(loop, req, 0);
    if (rc == 0) {
        /* req->id was assigned by the submission and is kept by retries */
        cmdop__cancel_attach(cancel, loop, req->id);
        pthread_mutex_lock(&r.mu);
        while (!r.done)
            pthread_cond_wait(&r.cv, &r.mu);
        pthread_mutex_unlock(&r.mu);
        cmdop__cancel_detach(cancel);
    }
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
    if (attempts)
        *attempts = rc == 0 ? r.attempt : 0;
    return rc;
}
