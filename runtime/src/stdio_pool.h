/*
 * stdio_pool.h — INTERNAL: the stdio server's calls in flight and the
 * bounded pool of worker threads that runs them.
 *
 * cmdop__call is synchronous, so each running unary call holds one worker;
 * a reader never waits for a call it cannot hand its role over from: it
 * queues (the queue is unbounded, the number of workers is not). Every call is registered by its
 * envelope id until its one terminal frame has been claimed — by the worker
 * when the call ends, or by a CANCEL — so each id gets exactly one answer.
 * Each call owns a cancellation token (cancel.h) that the run function hands
 * to the driver; a CANCEL of a running call cancels it, which aborts the
 * HTTP request and any pending retry.
 *
 * The pool's threads also take turns reading the server's input
 * (cmdop__stdio_pool_lead, a leader/follower scheme; docs/stdio.md
 * "Threads"): one thread at a time holds the reader role and runs the lead
 * function; a reader may run a call it read itself (cmdop__stdio_pool_submit_ex)
 * while one more thread is idle to take the role over, and gives the role up
 * (cmdop__stdio_pool_release) once its input has something to read. A call
 * that goes that way never changes thread.
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

/* The reader role's function (cmdop__stdio_pool_lead): reads and handles
 * input on the calling pool thread; returns true once the input ended (the
 * role ends for good), false after it released the role. */
typedef bool (*cmdop__stdio_lead_fn)(cmdop__stdio_pool *pool, void *ctx);

/* Start `n_workers` threads. NULL when threads or memory are missing.
 * Free with cmdop__stdio_pool_drain. */
cmdop__stdio_pool *cmdop__stdio_pool_new(size_t n_workers, cmdop__stdio_run_fn run,
                                         void *ctx);

/* Queue a call. Takes `args` on success (0). Returns -1 when `id` is
 * already in flight (args untouched), -2 when out of memory or draining. */
int cmdop__stdio_pool_submit(cmdop__stdio_pool *pool, uint32_t id,
                             const cmdop__op_desc *op, json_t *args);

/* As cmdop__stdio_pool_submit; with `may_inline`, when another thread is
 * idle (it can take the reader role over), the call is registered as
 * running and returned in *run_here for the calling reader to run with
 * cmdop__stdio_pool_run instead of being queued; otherwise *run_here is
 * NULL. */
int cmdop__stdio_pool_submit_ex(cmdop__stdio_pool *pool, uint32_t id,
                                const cmdop__op_desc *op, json_t *args, bool may_inline,
                                cmdop__stdio_call **run_here);

/* Run a call cmdop__stdio_pool_submit_ex gave back on this thread, then
 * forget it (as a worker does). */
void cmdop__stdio_pool_run(cmdop__stdio_pool *pool, cmdop__stdio_call *call);

/* Hand the reader role to the pool's threads and wake one to take it. Call
 * once; the pool must then not be drained before the role ended
 * (cmdop__stdio_pool_wait_lead). */
void cmdop__stdio_pool_lead(cmdop__stdio_pool *pool, cmdop__stdio_lead_fn lead);

/* Called by the thread holding the reader role: it gives the role up (its
 * lead function returns false when it is done with its current work) and
 * an idle thread takes it. Never waits. */
void cmdop__stdio_pool_release(cmdop__stdio_pool *pool);

/* Wait until the lead function returned true (its input ended). */
void cmdop__stdio_pool_wait_lead(cmdop__stdio_pool *pool);

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
 * workers and free the pool. NULL is a no-op. With a lead function, only
 * after cmdop__stdio_pool_wait_lead returned (a reader would block the
 * join). */
void cmdop__stdio_pool_drain(cmdop__stdio_pool *pool);

#endif /* CMDOP__STDIO_POOL_H */
