/*
 * retry.h — INTERNAL: the retry policy and the runner that applies it.
 *
 * Policy: a failed attempt is retried when it is retryable (429, any 5xx, a
 * connection failure or a timeout) and attempts remain (1 + max_retries in
 * all). The caller decides whether the request may be retried at all
 * (idempotent ops; POSTs only with an Idempotency-Key, which is generated
 * once per logical call and sent unchanged on every attempt).
 * The delay before retry n (1-based) is exponential backoff
 * min(cap, base * 2^(n-1)) with jitter; a server's Retry-After replaces it,
 * honoured up to the cap. Waiting happens as a timer on the event loop, so
 * a retry never blocks the loop thread.
 */
#ifndef CMDOP__RETRY_H
#define CMDOP__RETRY_H

#include <stdbool.h>
#include <stdint.h>
#include "cancel.h"
#include "http_loop.h"

typedef enum cmdop__jitter {
    CMDOP__JITTER_EQUAL = 0,  /* d/2 + rand[0, d/2]: always some backoff */
    CMDOP__JITTER_FULL = 1    /* rand[0, d] */
} cmdop__jitter;

typedef struct cmdop__retry_policy {
    int max_retries;          /* retries after the first attempt, >= 0 */
    long base_ms;             /* > 0 */
    long cap_ms;              /* >= base_ms; also caps Retry-After */
    cmdop__jitter jitter;
} cmdop__retry_policy;

/*
 * Pure: the delay before retry number `retry` (1 = first retry) given the
 * server's Retry-After in ms (-1 = none) and a random value `rnd`.
 * Always within [0, cap_ms].
 */
long cmdop__retry_delay_ms(const cmdop__retry_policy *p, int retry,
                           long retry_after_ms, uint32_t rnd);

/* Whether a finished attempt failed in a retryable way. */
bool cmdop__retry_is_retryable(const cmdop__http_req *req);

/* A fresh UUIDv4 (RFC 4122, from OpenSSL RAND_bytes) into out[37].
 * Returns 0 or CMDOP_EINTERNAL when the RNG fails. */
int cmdop__uuid4(char out[37]);

/* Optional per-attempt observer (debug log), called on the loop thread. */
typedef void (*cmdop__attempt_fn)(const cmdop__http_req *req, int attempt,
                                  int64_t started_ms, long next_delay_ms,
                                  void *payload);

/*
 * Run `req` (borrowed; its on_done/payload are taken over) on `loop` with
 * `policy` and wait for the final outcome: the calling thread blocks on a
 * condition variable, the loop thread never waits. On return req holds the
 * last attempt's response (req->xfer, status, headers, body) and *attempts
 * (when not NULL) how many attempts were made.
 * Returns 0 when the exchange ran (inspect req), or CMDOP_ECANCELLED when
 * the loop refused the submission (client closing).
 */
int cmdop__retry_run_sync(cmdop__loop *loop, cmdop__http_req *req,
                          const cmdop__retry_policy *policy,
                          cmdop__attempt_fn observe, void *observe_payload,
                          int *attempts);

/*
 * cmdop__retry_run_sync with a cancellation token (cancel.h; NULL = none).
 * While the run waits, the token has the request's loop id attached, so a
 * cancel aborts the attempt in flight or the pending backoff; no attempt is
 * submitted after the token is cancelled. A run cancelled before its first
 * attempt sends nothing. Either way it returns 0 with req->xfer ==
 * CMDOP__XFER_CANCELLED (the caller checks the token to tell the cause).
 */
int cmdop__retry_run_sync_ex(cmdop__loop *loop, cmdop__http_req *req,
                             const cmdop__retry_policy *policy,
                             cmdop__attempt_fn observe, void *observe_payload,
                             cmdop__cancel *cancel, int *attempts);

#endif /* CMDOP__RETRY_H */
