/*
 * cancel.c — the driver's cancellation object (cancel.h). One mutex orders
 * cancel against attach/detach, so the loop request is cancelled exactly
 * when both "cancelled" and "attached" hold, whichever came first, and never
 * after the call detached (its loop may then be gone with its client).
 */
#include <pthread.h>
#include <stdlib.h>

#include "cancel.h"

struct cmdop__cancel {
    pthread_mutex_t mu;
    bool cancelled;
    cmdop__loop *loop;   /* attached request's loop, or NULL */
    uint64_t id;
};

cmdop__cancel *cmdop__cancel_new(void)
{
    cmdop__cancel *t = calloc(1, sizeof *t);
    if (t && pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t);
        t = NULL;
    }
    return t;
}

void cmdop__cancel_free(cmdop__cancel *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t);
}

void cmdop__cancel_cancel(cmdop__cancel *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    if (!t->cancelled) {
        t->cancelled = true;
        /* under the lock: detach cannot return (and the client cannot free
         * the loop) while the cancel is being queued */
        if (t->loop)
            cmdop__loop_cancel(t->loop, t->id);
    }
    pthread_mutex_unlock(&t->mu);
}

bool cmdop__cancel_is_cancelled(cmdop__cancel *t)
{
    if (!t)
        return false;
    pthread_mutex_lock(&t->mu);
    bool c = t->cancelled;
    pthread_mutex_unlock(&t->mu);
    return c;
}

void cmdop__cancel_attach(cmdop__cancel *t, cmdop__loop *loop, uint64_t id)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->loop = loop;
    t->id = id;
    if (t->cancelled)
        cmdop__loop_cancel(loop, id);
    pthread_mutex_unlock(&t->mu);
}

void cmdop__cancel_detach(cmdop__cancel *t)
{
    if (!t)
        return;
    pthread_mutex_lock(&t->mu);
    t->loop = NULL;
    t->id = 0;
    pthread_mutex_unlock(&t->mu);
}
