/*
 * cancel.h — INTERNAL: a cancellation object for one logical call of the
 * driver (cmdop__call_ex, the pager, the client-side scan).
 *
 * The owner (e.g. the stdio server, one per unary call) creates it, hands it
 * to the call through cmdop__call_opts.cancel and may cancel it from any
 * thread. The running call registers the loop request it waits on
 * (cmdop__cancel_attach): cancelling then also cancels that request on the
 * client's loop (cmdop__loop_cancel), which aborts the transfer in flight or
 * the retry's backoff timer. The retry runner and the pager look at
 * cmdop__cancel_is_cancelled before sending any further attempt or page, so
 * a cancelled call ends promptly with CMDOP_ECANCELLED and sends nothing
 * more. Not public: the typed C API has no cancel parameter (docs/runtime.md
 * says how a public object would be exposed).
 */
#ifndef CMDOP__CANCEL_H
#define CMDOP__CANCEL_H

#include <stdbool.h>
#include <stdint.h>
#include "http_loop.h"

typedef struct cmdop__cancel cmdop__cancel;

/* A fresh, not cancelled token; NULL when out of memory.
 * The caller owns it: free with cmdop__cancel_free once no call uses it. */
cmdop__cancel *cmdop__cancel_new(void);
/* NULL is a no-op. The call using it must have returned. */
void cmdop__cancel_free(cmdop__cancel *t);

/* Cancel: thread-safe and idempotent (only the first call has an effect).
 * If a loop request is attached, it is cancelled on its loop. NULL: no-op. */
void cmdop__cancel_cancel(cmdop__cancel *t);
/* Has cmdop__cancel_cancel been called? NULL: false. Thread-safe. */
bool cmdop__cancel_is_cancelled(cmdop__cancel *t);

/* Used by the running call: it now waits on request `id` of `loop` (one at
 * a time; a retry keeps the id). When the token is already cancelled the
 * request is cancelled at once, so a cancel that raced the submission is
 * not lost. NULL token: no-op. */
void cmdop__cancel_attach(cmdop__cancel *t, cmdop__loop *loop, uint64_t id);
/* The call no longer waits on a request (it returned): a later cancel
 * touches no loop. NULL token: no-op. */
void cmdop__cancel_detach(cmdop__cancel *t);

#endif /* CMDOP__CANCEL_H */
