/*
 * stdio_pages.c — page iterations over stdio (stdio_pages.h): one thread per
 * open iteration runs the core's pager, one page per NEXT.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call_internal.h"
#include "client_internal.h"
#include "cmdop/error.h"
#include "stdio_map.h"
#include "stdio_pages.h"

typedef struct piter {
    uint32_t id;
    const cmdop__op_desc *op;
    cmdop_pager *pager;
    cmdop__cancel *cancel;        /* aborts the fetch in flight on CANCEL */
    pthread_t thread;
    int want;                     /* pages asked for and not yet sent */
    bool cancelled;               /* CANCEL (or shutdown) */
    bool finished;                /* the thread wrote the terminal frame */
    cmdop__stdio_pages *owner;
    struct piter *next;
} piter;

struct cmdop__stdio_pages {
    cmdop_client *client;
    cmdop__stdio_writer *w;
    pthread_mutex_t mu;
    pthread_cond_t cv;            /* NEXT or CANCEL for some iteration */
    piter *head;
    size_t open;
};

void cmdop__stdio_send_result(cmdop__stdio_writer *w, uint32_t id, Cmdop__Core__V1__Kind kind,
                              const cmdop__op_desc *op, const json_t *res)
{
    if (json_is_null(res) || op->env_resp_field == CMDOP__CORE__V1__ENVELOPE__PAYLOAD_EMPTY) {
        Cmdop__Core__V1__Empty e = CMDOP__CORE__V1__EMPTY__INIT;
        cmdop__stdio_send(w, id, kind, CMDOP__CORE__V1__ENVELOPE__PAYLOAD_EMPTY, &e.base);
        return;
    }
    const ProtobufCFieldDescriptor *arm = cmdop__stdio_arm(op->env_resp_field);
    char err[256], msg[400];
    ProtobufCMessage *m = NULL;
    int rc = arm ? cmdop__stdio_response_to_msg(arm->descriptor, res, &m, err, sizeof err)
                 : CMDOP_EINTERNAL;
    if (!arm)
        snprintf(err, sizeof err, "no envelope arm %d", op->env_resp_field);
    if (rc) {
        snprintf(msg, sizeof msg, "%s: the response does not fit %s: %s", op->name,
                 arm ? ((const ProtobufCMessageDescriptor *)arm->descriptor)->short_name
                     : "its arm",
                 err);
        if (rc == CMDOP_EDECODE && cmdop_error_last()) {
            /* a `decode` error with the field path (stdio_map.h) */
            cmdop_error e = *cmdop_error_last();
            e.message = msg;
            cmdop__stdio_send_error(w, id, &e);
        } else {
            cmdop__stdio_send_error_code(w, id, "internal", msg);
        }
        return;
    }
    cmdop__stdio_send(w, id, kind, op->env_resp_field, m);
    protobuf_c_message_free_unpacked(m, NULL);
}

cmdop__stdio_pages *cmdop__stdio_pages_new(cmdop_client *client, cmdop__stdio_writer *w)
{
    cmdop__stdio_pages *ps = calloc(1, sizeof *ps);
    if (!ps)
        return NULL;
    ps->client = client;
    ps->w = w;
    pthread_mutex_init(&ps->mu, NULL);
    pthread_cond_init(&ps->cv, NULL);
    return ps;
}

static void send_done(cmdop__stdio_writer *w, uint32_t id)
{
    Cmdop__Core__V1__Empty e = CMDOP__CORE__V1__EMPTY__INIT;
    cmdop__stdio_send(w, id, CMDOP__CORE__V1__KIND__KIND_DONE,
                      CMDOP__CORE__V1__ENVELOPE__PAYLOAD_EMPTY, &e.base);
}

static void log_line(piter *it, const char *what)
{
    cmdop_client *c = it->owner->client;
    if (c)
        cmdop__debug_log_printf(c->log, "stdio: id %u %s pages %s", it->id, it->op->name, what);
}

/* Marks the iteration over before its terminal frame goes out, so the id is
 * free again for the client as soon as it reads that frame (a NEXT or CANCEL
 * after it is ignored). reap joins the thread, so `it` outlives this. */
static void finish(piter *it)
{
    pthread_mutex_lock(&it->owner->mu);
    it->finished = true;
    pthread_mutex_unlock(&it->owner->mu);
}

static void *run(void *arg)
{
    piter *it = arg;
    cmdop__stdio_pages *ps = it->owner;
    const char *why = "done";
    for (;;) {
        pthread_mutex_lock(&ps->mu);
        while (!it->want && !it->cancelled)
            pthread_cond_wait(&ps->cv, &ps->mu);
        bool cancelled = it->cancelled;
        if (!cancelled)
            it->want--;
        pthread_mutex_unlock(&ps->mu);
        json_t *page = NULL;
        int rc = cancelled ? CMDOP_ECANCELLED : cmdop__pager_next_page(it->pager, &page);
        const cmdop_error *e = rc && rc != CMDOP_ITEROVER ? cmdop_error_last() : NULL;
        pthread_mutex_lock(&ps->mu);
        cancelled = it->cancelled;
        pthread_mutex_unlock(&ps->mu);
        if (cancelled) {   /* the CANCEL claimed the answer: whatever came back is dropped */
            json_decref(page);
            finish(it);
            cmdop__stdio_send_error_code(ps->w, it->id, "cancelled", "cancelled by the client");
            why = "released (cancelled)";
            break;
        }
        if (rc == CMDOP_ITEROVER) {
            finish(it);
            send_done(ps->w, it->id);
            break;
        }
        if (rc) {
            /* an ERROR ends the iteration (a client retries with a new one) */
            finish(it);
            cmdop__stdio_send_error(ps->w, it->id, e);
            why = "ended by an error";
            break;
        }
        cmdop__stdio_send_result(ps->w, it->id, CMDOP__CORE__V1__KIND__KIND_EVENT, it->op, page);
        json_decref(page);
        log_line(it, "page sent");
        if (cmdop__pager_done(it->pager)) {
            /* no request would follow: the end goes out now, without a NEXT */
            finish(it);
            send_done(ps->w, it->id);
            break;
        }
    }
    log_line(it, why);
    return NULL;
}

static void free_iter(piter *it)
{
    cmdop_pager_free(it->pager);
    cmdop__cancel_free(it->cancel);
    free(it);
}

/* Join and free the iterations whose thread has ended (caller holds mu). */
static void reap(cmdop__stdio_pages *ps)
{
    piter **pp = &ps->head;
    while (*pp) {
        piter *it = *pp;
        if (!it->finished) {
            pp = &it->next;
            continue;
        }
        *pp = it->next;
        pthread_join(it->thread, NULL);
        ps->open--;
        free_iter(it);
    }
}

static piter *find_open(cmdop__stdio_pages *ps, uint32_t id)
{
    for (piter *it = ps->head; it; it = it->next)
        if (it->id == id && !it->finished)
            return it;
    return NULL;
}

void cmdop__stdio_pages_open(cmdop__stdio_pages *ps, uint32_t id, const cmdop__op_desc *op,
                             const json_t *args)
{
    char msg[200];
    if (!op->page || op->page->style == CMDOP__PAGE_NONE) {
        snprintf(msg, sizeof msg, "%s is not paginated: PAGES needs a list op", op->name);
        cmdop__stdio_send_error_code(ps->w, id, "unsupported", msg);
        return;
    }
    pthread_mutex_lock(&ps->mu);
    reap(ps);
    size_t open = ps->open;
    pthread_mutex_unlock(&ps->mu);
    if (open >= CMDOP__STDIO_MAX_PAGES) {
        snprintf(msg, sizeof msg, "%s: %d page iterations are open already", op->name,
                 CMDOP__STDIO_MAX_PAGES);
        cmdop__stdio_send_error_code(ps->w, id, "unavailable", msg);
        return;
    }
    piter *it = calloc(1, sizeof *it);
    if (!it || !(it->cancel = cmdop__cancel_new())) {
        free(it);
        cmdop__stdio_send_error_code(ps->w, id, "internal", "out of memory");
        return;
    }
    /* validation (defaults, constraints, the fleet context) happens here,
     * before any request, exactly as for the op's REQUEST */
    if (cmdop__pager_new(&it->pager, ps->client, op, args) != 0) {
        cmdop__stdio_send_error(ps->w, id, cmdop_error_last());
        free_iter(it);
        return;
    }
    cmdop__pager_set_cancel(it->pager, it->cancel);
    it->id = id;
    it->op = op;
    it->owner = ps;
    it->want = 1;   /* PAGES asks for the first page */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_mutex_lock(&ps->mu);
    int rc = pthread_create(&it->thread, &attr, run, it);
    if (rc == 0) {
        it->next = ps->head;
        ps->head = it;
        ps->open++;
    }
    pthread_mutex_unlock(&ps->mu);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        cmdop__stdio_send_error_code(ps->w, id, "internal", "cannot start the iteration's thread");
        free_iter(it);
    }
}

bool cmdop__stdio_pages_next(cmdop__stdio_pages *ps, uint32_t id)
{
    pthread_mutex_lock(&ps->mu);
    piter *it = find_open(ps, id);
    if (it) {
        it->want++;
        pthread_cond_broadcast(&ps->cv);
    }
    pthread_mutex_unlock(&ps->mu);
    return it != NULL;
}

bool cmdop__stdio_pages_has(cmdop__stdio_pages *ps, uint32_t id)
{
    pthread_mutex_lock(&ps->mu);
    bool has = find_open(ps, id) != NULL;
    pthread_mutex_unlock(&ps->mu);
    return has;
}

static void cancel_locked(cmdop__stdio_pages *ps, piter *it)
{
    it->cancelled = true;
    cmdop__cancel_cancel(it->cancel);   /* thread-safe; never waits */
    pthread_cond_broadcast(&ps->cv);
}

bool cmdop__stdio_pages_cancel(cmdop__stdio_pages *ps, uint32_t id)
{
    pthread_mutex_lock(&ps->mu);
    piter *it = find_open(ps, id);
    if (it && !it->cancelled)
        cancel_locked(ps, it);
    pthread_mutex_unlock(&ps->mu);
    return it != NULL;
}

size_t cmdop__stdio_pages_open_count(cmdop__stdio_pages *ps)
{
    pthread_mutex_lock(&ps->mu);
    reap(ps);
    size_t n = ps->open;
    pthread_mutex_unlock(&ps->mu);
    return n;
}

void cmdop__stdio_pages_close(cmdop__stdio_pages *ps)
{
    if (!ps)
        return;
    pthread_mutex_lock(&ps->mu);
    for (piter *it = ps->head; it; it = it->next)
        if (!it->finished && !it->cancelled)
            cancel_locked(ps, it);
    piter *all = ps->head;
    ps->head = NULL;
    pthread_mutex_unlock(&ps->mu);
    while (all) {
        piter *next = all->next;
        pthread_join(all->thread, NULL);
        free_iter(all);
        all = next;
    }
    pthread_cond_destroy(&ps->cv);
    pthread_mutex_destroy(&ps->mu);
    free(ps);
}
