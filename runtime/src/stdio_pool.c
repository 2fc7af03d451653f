/*
 * stdio_pool.c — the calls in flight and their workers (stdio_pool.h).
 * One mutex guards the list and the reader role; idle threads sleep on a
 * condition variable and are woken one at a time, each wake-up for one
 * piece of work (a queued call or the reader role), so a thread that
 * wakes always finds something to do.
 */
#include <stdlib.h>

#include "stdio_pool.h"

struct cmdop__stdio_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_cond_t lead_cv;           /* lead_done became true */
    cmdop__stdio_call *head, *tail;   /* registration order = queue order */
    size_t count;
    bool closing;
    cmdop__stdio_run_fn run;
    void *ctx;
    cmdop__stdio_lead_fn lead;        /* NULL until cmdop__stdio_pool_lead */
    bool leading;                     /* a thread holds the reader role */
    bool lead_done;                   /* the input ended: no more reading */
    size_t n_idle;                    /* threads waiting on cv */
    size_t n_wake;                    /* of them, woken for work not yet taken */
    pthread_t *threads;
    size_t n_threads;
};

/* Under mu: claim one idle thread for a new piece of work; the caller
 * signals cv after unlocking (a signal under the lock makes the woken
 * thread block on the mutex at once). false: every thread is busy, one
 * finds the work when its call ends. */
static bool claim_idle(cmdop__stdio_pool *p)
{
    if (p->n_idle <= p->n_wake)
        return false;
    p->n_wake++;
    return true;
}

static bool lead_open(const cmdop__stdio_pool *p)
{
    return p->lead && !p->leading && !p->lead_done;
}

static void unlink_call(cmdop__stdio_pool *p, cmdop__stdio_call *c)
{
    cmdop__stdio_call **pp = &p->head, *prev = NULL;
    while (*pp && *pp != c) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return;
    *pp = c->next;
    if (p->tail == c)
        p->tail = prev;
    p->count--;
}

static void free_call(cmdop__stdio_call *c)
{
    json_decref(c->args);
    cmdop__cancel_free(c->cancel);
    free(c);
}

static void *worker(void *arg)
{
    cmdop__stdio_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        /* the reader role first: while nobody reads, a CANCEL waits */
        if (lead_open(p)) {
            p->leading = true;
            pthread_mutex_unlock(&p->mu);
            bool ended = p->lead(p, p->ctx);
            pthread_mutex_lock(&p->mu);
            if (ended) {
                p->leading = false;
                p->lead_done = true;
                pthread_cond_broadcast(&p->lead_cv);
            }
            continue;
        }
        cmdop__stdio_call *c = p->head;
        while (c && c->running)
            c = c->next;
        if (!c) {
            if (p->closing)
                break;
            p->n_idle++;
            while (p->n_wake == 0 && !p->closing)
                pthread_cond_wait(&p->cv, &p->mu);
            p->n_idle--;
            if (p->n_wake > 0)
                p->n_wake--;
            continue;
        }
        c->running = true;
        pthread_mutex_unlock(&p->mu);
        p->run(p, c, p->ctx);
        pthread_mutex_lock(&p->mu);
        unlink_call(p, c);
        free_call(c);
        /* no wake-up: a finished call gives no other worker work (this one
         * looks for the next queued call itself), and the drain wakes the
         * idle ones; a broadcast here woke every idle worker per call */
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

void cmdop__stdio_pool_run(cmdop__stdio_pool *p, cmdop__stdio_call *c)
{
    p->run(p, c, p->ctx);
    pthread_mutex_lock(&p->mu);
    unlink_call(p, c);
    free_call(c);
    pthread_mutex_unlock(&p->mu);
}

void cmdop__stdio_pool_lead(cmdop__stdio_pool *p, cmdop__stdio_lead_fn lead)
{
    pthread_mutex_lock(&p->mu);
    p->lead = lead;
    bool wake = claim_idle(p);
    pthread_mutex_unlock(&p->mu);
    /* no idle thread yet: the first one to look for work takes the role */
    if (wake)
        pthread_cond_signal(&p->cv);
}

void cmdop__stdio_pool_release(cmdop__stdio_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->leading = false;
    bool wake = claim_idle(p);
    pthread_mutex_unlock(&p->mu);
    if (wake)
        pthread_cond_signal(&p->cv);
}

void cmdop__stdio_pool_wait_lead(cmdop__stdio_pool *p)
{
    pthread_mutex_lock(&p->mu);
    while (!p->lead_done)
        pthread_cond_wait(&p->lead_cv, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

cmdop__stdio_pool *cmdop__stdio_pool_new(size_t n_workers, cmdop__stdio_run_fn run,
                                         void *ctx)
{
    cmdop__stdio_pool *p = calloc(1, sizeof *p);
    if (!p || n_workers == 0)
        goto fail;
    p->threads = calloc(n_workers, sizeof *p->threads);
    if (!p->threads)
        goto fail;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    pthread_cond_init(&p->lead_cv, NULL);
    p->run = run;
    p->ctx = ctx;
    for (; p->n_threads < n_workers; p->n_threads++)
        if (pthread_create(&p->threads[p->n_threads], NULL, worker, p) != 0)
            break;
    if (p->n_threads == 0) {
        pthread_cond_destroy(&p->lead_cv);
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        goto fail;
    }
    return p;
fail:
    if (p)
        free(p->threads);
    free(p);
    return NULL;
}

static cmdop__stdio_call *find(cmdop__stdio_pool *p, uint32_t id)
{
    for (cmdop__stdio_call *c = p->head; c; c = c->next)
        if (c->id == id && !c->silent)
            return c;
    return NULL;
}

static int submit(cmdop__stdio_pool *p, uint32_t id, const cmdop__op_desc *op, json_t *args,
                  bool silent, bool may_inline, cmdop__stdio_call **run_here)
{
    bool wake = false;
    if (run_here)
        *run_here = NULL;
    pthread_mutex_lock(&p->mu);
    int rc = 0;
    cmdop__stdio_call *c = NULL;
    if (p->closing)
        rc = -2;
    else if (!silent && find(p, id))
        rc = -1;
    else if (!(c = calloc(1, sizeof *c)))
        rc = -2;
    else if (!(c->cancel = cmdop__cancel_new())) {
        free(c);
        c = NULL;
        rc = -2;
    }
    if (rc == 0) {
        c->id = id;
        c->op = op;
        c->args = args;
        c->silent = silent;
        if (p->tail)
            p->tail->next = c;
        else
            p->head = c;
        p->tail = c;
        p->count++;
        /* run by the reader itself only while an idle thread can take the
         * reader role over; that thread stays idle until then (only the
         * reader queues work) */
        if (may_inline && run_here && p->n_idle > p->n_wake) {
            c->running = true;
            *run_here = c;
        } else {
            wake = claim_idle(p);
        }
    }
    pthread_mutex_unlock(&p->mu);
    if (wake)
        pthread_cond_signal(&p->cv);
    return rc;
}

int cmdop__stdio_pool_submit(cmdop__stdio_pool *p, uint32_t id, const cmdop__op_desc *op,
                             json_t *args)
{
    return submit(p, id, op, args, false, false, NULL);
}

int cmdop__stdio_pool_submit_ex(cmdop__stdio_pool *p, uint32_t id, const cmdop__op_desc *op,
                                json_t *args, bool may_inline, cmdop__stdio_call **run_here)
{
    return submit(p, id, op, args, false, may_inline, run_here);
}

int cmdop__stdio_pool_submit_silent(cmdop__stdio_pool *p, uint32_t id,
                                    const cmdop__op_desc *op, json_t *args)
{
    return submit(p, id, op, args, true, false, NULL);
}

bool cmdop__stdio_pool_has(cmdop__stdio_pool *p, uint32_t id)
{
    pthread_mutex_lock(&p->mu);
    bool has = find(p, id) != NULL;
    pthread_mutex_unlock(&p->mu);
    return has;
}

bool cmdop__stdio_pool_cancel(cmdop__stdio_pool *p, uint32_t id)
{
    bool mine = false;
    pthread_mutex_lock(&p->mu);
    cmdop__stdio_call *c = find(p, id);
    if (c && !c->answered) {
        c->answered = mine = true;
        if (!c->running) {   /* never started: nothing will touch it */
            unlink_call(p, c);
            free_call(c);
        } else {
            /* the worker frees c only under mu, so the token is alive;
             * cancel never waits (it queues a loop cancel) */
            cmdop__cancel_cancel(c->cancel);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return mine;
}

bool cmdop__stdio_pool_claim(cmdop__stdio_pool *p, cmdop__stdio_call *c)
{
    pthread_mutex_lock(&p->mu);
    bool mine = !c->answered;
    c->answered = true;
    pthread_mutex_unlock(&p->mu);
    return mine;
}

size_t cmdop__stdio_pool_pending(cmdop__stdio_pool *p)
{
    pthread_mutex_lock(&p->mu);
    size_t n = p->count;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void cmdop__stdio_pool_drain(cmdop__stdio_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    /* every worker left only once no call was queued, and each removed the
     * call it ran: the list is empty */
    pthread_cond_destroy(&p->lead_cv);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p);
}
