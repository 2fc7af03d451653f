/*
 * http_sync.c — a unary request run on its caller's thread (http_loop.h
 * "The synchronous path"): no hand-off to the loop thread and back, which
 * on a kept-alive loopback connection costs more than the transfer.
 * Slots live under the loop's lock so cancel-by-id and the client's
 * shutdown reach them; a slot's own multi handle gives a wait that another
 * thread can interrupt (curl_multi_wakeup), which curl_easy_perform lacks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdop/error.h"
#include "http_easy.h"
#include "http_loop_internal.h"
#include "http_sync_watch.h"

/* Idle slots kept per client (each holds its kept-alive connection); a
 * burst of more concurrent calls frees the extra slots when they end. */
#define SYNC_MAX_IDLE 32

static _Thread_local cmdop__sync_watch *t_watch;

void cmdop__sync_watch_set(cmdop__sync_watch *w)
{
    t_watch = w;
}

void cmdop__sync_watch_fire(void)
{
    cmdop__sync_watch *w = t_watch;
    if (w && !w->fired) {
        w->fired = true;
        w->fire(w->arg);
    }
}

/* curl_multi_poll on the slot, plus this thread's watch (http_sync_watch.h) */
static void slot_wait(cmdop__sync *s, int ms)
{
#if CMDOP__SYNC_WATCH
    cmdop__sync_watch *w = t_watch;
    if (w && !w->fired) {
        struct curl_waitfd wfd = {.fd = w->fd, .events = CURL_WAIT_POLLIN, .revents = 0};
        curl_multi_poll(s->multi, &wfd, 1, ms, NULL);
        if (wfd.revents)
            cmdop__sync_watch_fire();
        return;
    }
#endif
    curl_multi_poll(s->multi, NULL, 0, ms, NULL);
}

static void slot_free(cmdop__sync *s)
{
    if (!s)
        return;
    if (s->easy)
        curl_easy_cleanup(s->easy);
    if (s->multi)
        curl_multi_cleanup(s->multi);
    free(s);
}

static cmdop__sync *slot_new(void)
{
    cmdop__sync *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->multi = curl_multi_init();
    s->easy = curl_easy_init();
    if (!s->multi || !s->easy) {
        slot_free(s);
        return NULL;
    }
    return s;
}

static void busy_remove(cmdop__loop *l, cmdop__sync *s)
{
    for (cmdop__sync **pp = &l->sync_busy; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    s->next = NULL;
}

int cmdop__sync_begin(cmdop__loop *l, cmdop__http_req *req, cmdop__sync **out)
{
    *out = NULL;
    pthread_mutex_lock(&l->mu);
    if (l->stop) {
        pthread_mutex_unlock(&l->mu);
        return CMDOP_ECANCELLED;
    }
    cmdop__sync *s = l->sync_idle;
    if (s) {
        l->sync_idle = s->next;
        l->n_sync_idle--;
    } else {
        pthread_mutex_unlock(&l->mu);
        s = slot_new();
        if (!s) {
            /* the caller falls back to the loop, whose wait is not watched */
            cmdop__sync_watch_fire();
            return CMDOP_ENOMEM;
        }
        pthread_mutex_lock(&l->mu);
        if (l->stop) {
            pthread_mutex_unlock(&l->mu);
            slot_free(s);
            return CMDOP_ECANCELLED;
        }
    }
    if (req->id == 0)
        req->id = l->next_id++;
    s->id = req->id;
    s->reason = NULL;
    atomic_store(&s->cancelled, 0);
    s->next = l->sync_busy;
    l->sync_busy = s;
    l->n_sync_busy++;
    pthread_mutex_unlock(&l->mu);
    *out = s;
    return 0;
}

void cmdop__sync_end(cmdop__loop *l, cmdop__sync *s)
{
    cmdop__sync *drop = NULL;
    pthread_mutex_lock(&l->mu);
    busy_remove(l, s);
    l->n_sync_busy--;
    if (l->n_sync_idle < SYNC_MAX_IDLE || l->stop) {
        s->next = l->sync_idle;
        l->sync_idle = s;
        l->n_sync_idle++;
    } else {
        drop = s;
    }
    if (l->stop && l->n_sync_busy == 0)
        pthread_cond_broadcast(&l->sync_cv);
    pthread_mutex_unlock(&l->mu);
    slot_free(drop);
}

static void mark_cancelled(cmdop__sync *s, const char *reason)
{
    if (atomic_load(&s->cancelled))
        return;
    s->reason = reason;
    atomic_store(&s->cancelled, 1);
    curl_multi_wakeup(s->multi);
}

bool cmdop__sync_cancel_locked(cmdop__loop *l, uint64_t id)
{
    for (cmdop__sync *s = l->sync_busy; s; s = s->next)
        if (s->id == id) {
            mark_cancelled(s, "cancelled");
            return true;
        }
    return false;
}

void cmdop__sync_shutdown_locked(cmdop__loop *l)
{
    for (cmdop__sync *s = l->sync_busy; s; s = s->next)
        mark_cancelled(s, "client closed");
    while (l->n_sync_busy > 0)
        pthread_cond_wait(&l->sync_cv, &l->mu);
    while (l->sync_idle) {
        cmdop__sync *s = l->sync_idle;
        l->sync_idle = s->next;
        slot_free(s);
    }
    l->n_sync_idle = 0;
}

/* The reason of a cancelled slot; written before the flag was set. */
static void end_cancelled(cmdop__sync *s, cmdop__http_req *req)
{
    req->xfer = CMDOP__XFER_CANCELLED;
    snprintf(req->xfer_msg, sizeof req->xfer_msg, "%s", s->reason ? s->reason : "cancelled");
}

void cmdop__sync_perform(cmdop__loop *l, cmdop__sync *s, cmdop__http_req *req)
{
    if (atomic_load(&s->cancelled)) {
        end_cancelled(s, req);
        return;
    }
    /* the handle is reused as it is: cmdop__easy_request sets every option
     * that differs between requests (a reset and the client-wide options
     * again cost more than a tenth of the transfer's own instructions) */
    if (!s->configured) {
        cmdop__easy_defaults(l->net, s->easy);
        s->configured = true;
    }
    cmdop__xfer x = cmdop__easy_request(l->net, s->easy, req, s->loopback_origin,
                                         sizeof s->loopback_origin);
    if (x != CMDOP__XFER_OK) {
        req->xfer = x;
        return;
    }
    if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
        curl_slist_free_all(req->slist);
        req->slist = NULL;
        req->xfer = CMDOP__XFER_NOMEM;
        snprintf(req->xfer_msg, sizeof req->xfer_msg, "curl_multi_add_handle failed");
        return;
    }
    bool done = false;
    CURLcode rc = CURLE_OK;
    for (;;) {
        int running = 0;
        curl_multi_perform(s->multi, &running);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(s->multi, &left)) != NULL)
            if (m->msg == CURLMSG_DONE) {
                rc = m->data.result;
                done = true;
            }
        if (done || atomic_load(&s->cancelled))
            break;
        /* libcurl bounds the wait by its own timers (connect, timeout) */
        slot_wait(s, 1000);
    }
    curl_multi_remove_handle(s->multi, s->easy);
    /* nothing of req stays reachable from the reused handle */
    curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(req->slist);
    req->slist = NULL;
    if (!done) {
        end_cancelled(s, req);
        return;
    }
    if (rc == CURLE_OK) {
        long st = 0;
        curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &st);
        req->status = st;
    }
    req->xfer = cmdop__easy_classify(req, rc);
    if (req->xfer != CMDOP__XFER_OK && !req->xfer_msg[0])
        snprintf(req->xfer_msg, sizeof req->xfer_msg, "%s", curl_easy_strerror(rc));
}

bool cmdop__sync_sleep(cmdop__sync *s, long ms)
{
    int64_t end = cmdop__now_ms() + (ms > 0 ? ms : 0);
    for (;;) {
        if (atomic_load(&s->cancelled))
            return false;
        int64_t left = end - cmdop__now_ms();
        if (left <= 0)
            return true;
        slot_wait(s, left > 1000 ? 1000 : (int)left);
    }
}
