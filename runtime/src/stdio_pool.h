/*
 * stdio_pool.h — INTERNAL: the stdio server's calls in flight and the
 * bounded pool of worker threads that runs them.
 *
 * cmdop__call is synchronous, so each running unary call holds one worker;
 * the reader thread never waits for a call: it only queues (the queue is
 * unbounded, the number of workers is not). Every call is registered by its
 * envelope id until its one terminal frame has been claimed — by the worker
 * when the call ends, or by a CANCEL — so each id gets exactly one answer.
 * Each call owns a cancellation token (cancel.h) that the run function hands
 * to the driver; a CANCEL of a running call cancels it, which aborts the
 * HTTP request and any pending retry.
 */
#ifndef CMDOP__STDIO_POOL_H
#define CMDOP__STDIO_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cancel.h"
#include "op_table.h"

typedef struct cmdop__stdio_call {
    uint32_t id;
    const cmdop__op_desc *op;
    json_t *args;                  /* owned */
    cmdop__cancel *cancel;         /* owned; cancelled by a CANCEL while the
                                      call runs (pass it to the driver) */
    bool silent;                   /* no answer frame (a stream's ANSWER side
                                      channel) and not registered by id */
    bool running;                  /* taken by a worker */
    bool answered;                 /* the terminal frame is claimed */
    struct cmdop__stdio_call *next;
} cmdop__stdio_call;

typedef struct cmdop__stdio_pool cmdop__stdio_pool;

/* Runs one call on a worker thread; it must end with cmdop__stdio_pool_claim
 * before writing the call's terminal frame. */
typedef void (*cmdop__stdio_run_fn)(cmdop__stdio_pool *pool, cmdop__stdio_call *call,
                                    void *ctx);

/* Start `n_workers` threads. NULL when threads or memory are missing.
 * Free with cmdop__stdio_pool_drain. */
cmdop__stdio_pool *cmdop__stdio_pool_new(size_t n_workers, cmdop__stdio_run_fn run,
                                         void *ctx);

/* Queue a call. Takes `args` on success (0). Returns -1 when `id` is
 * already in flight (args untouched), -2 when out of memory or draining. */
int cmdop__stdio_pool_submit(cmdop__stdio_pool *pool, uint32_t id,
                             const cmdop__op_desc *op, json_t *args);

/* Queue a silent call (a side-channel answer on a stream's id): run like the
 * others but never answered and invisible to lookups by id. Takes `args` on
 * success (0); -2 when out of memory or draining. */
int cmdop__stdio_pool_submit_silent(cmdop__stdio_pool *pool, uint32_t id,
                                    const cmdop__op_desc *op, json_t *args);

/* Is a (non-silent) call with this id in flight? */
bool cmdop__stdio_pool_has(cmdop__stdio_pool *pool, uint32_t id);

/* CANCEL by id: true when this claimed the call's terminal frame (the
 * caller then answers it as cancelled). A queued call is dropped without
 * running; a running one has its token cancelled (its HTTP request and any
 * retry backoff are aborted, no further attempt is sent) and its result,
 * CMDOP_ECANCELLED or one that raced the cancel, is discarded.
 * false for unknown or already answered ids. */
bool cmdop__stdio_pool_cancel(cmdop__stdio_pool *pool, uint32_t id);

/* Called by the run function when its call ended: true when the worker
 * still owns the terminal frame (not cancelled). */
bool cmdop__stdio_pool_claim(cmdop__stdio_pool *pool, cmdop__stdio_call *call);

/* Number of calls registered (queued or running). */
size_t cmdop__stdio_pool_pending(cmdop__stdio_pool *pool);

/* Stop accepting work, let every queued and running call finish, join the
 * workers and free the pool. NULL is a no-op. */
void cmdop__stdio_pool_drain(cmdop__stdio_pool *pool);

#endif /* CMDOP__STDIO_POOL_H */
