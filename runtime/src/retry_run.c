/*
 * retry_run.c — drives one logical call through its attempts. Each attempt
 * ends in on_attempt_done (loop thread), which either resubmits the same
 * request with a delay (a timer on the loop; the same headers, hence the
 * same Idempotency-Key) or wakes the waiting caller.
 */
#include <pthread.h>
#include <stdbool.h>
#include <openssl/rand.h>

#include "error_internal.h"
#include "retry.h"

typedef struct run {
    cmdop__loop *loop;
    const cmdop__retry_policy *policy;
    cmdop__attempt_fn observe;
    void *observe_payload;
    int attempt;              /* 1-based number of the attempt in flight */
    int64_t started_ms;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
} run;

static uint32_t random_u32(void)
{
    uint32_t r = 0;
    if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
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

static void on_attempt_done(cmdop__http_req *req, void *payload)
{
    run *r = payload;
    long delay = -1;
    if (cmdop__retry_is_retryable(req) && r->attempt <= r->policy->max_retries) {
        long ra = req->xfer == CMDOP__XFER_OK
                      ? cmdop__retry_after_ms(req->retry_after, time(NULL)) : -1;
        delay = cmdop__retry_delay_ms(r->policy, r->attempt, ra, random_u32());
    }
    if (r->observe)
        r->observe(req, r->attempt, r->started_ms, delay, r->observe_payload);
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

int cmdop__retry_run_sync(cmdop__loop *loop, cmdop__http_req *req,
                          const cmdop__retry_policy *policy,
                          cmdop__attempt_fn observe, void *observe_payload,
                          int *attempts)
{
    run r = {.loop = loop, .policy = policy, .observe = observe,
             .observe_payload = observe_payload, .attempt = 1,
             .started_ms = cmdop__now_ms()};
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    req->on_done = on_attempt_done;
    req->payload = &r;
    int rc = cmdop__loop_submit(loop, req, 0);
    if (rc == 0) {
        pthread_mutex_lock(&r.mu);
        while (!r.done)
            pthread_cond_wait(&r.cv, &r.mu);
        pthread_mutex_unlock(&r.mu);
    }
    pthread_cond_destroy(&r.cv);
    pthread_mutex_destroy(&r.mu);
    if (attempts)
        *attempts = rc == 0 ? r.attempt : 0;
    return rc;
}
