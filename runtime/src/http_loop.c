/*
 * http_loop.c — the event-loop thread (see http_loop.h for the model).
 *
 * Lists: `incoming` (any thread, under `mu`) holds fresh submissions; the
 * loop moves each one either into the multi handle (`active`) or, when its
 * start lies in the future (a retry's backoff), into `timers`, sorted by
 * start time. `active` and `timers` are touched by the loop thread only, so
 * retries wait as timers and never block the thread.
 *
 * A turn costs O(what happened), not O(open transfers), so ten thousand
 * quiet streams cost nothing per turn: on Linux libcurl reports the sockets
 * it waits on (CURLMOPT_SOCKETFUNCTION) into an epoll set and the loop
 * drives only the sockets epoll reports (curl_multi_socket_action);
 * elsewhere curl_multi_poll + curl_multi_perform. Only paused requests are
 * asked whether to resume (their own list), and idle deadlines are read in
 * one scan when the earliest one is due, at least once a second, and when
 * cmdop__loop_wakeup asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#endif

#include "cmdop/error.h"
#include "call.h"
#include "http_easy.h"
#include "http_loop_internal.h"

/* The longest wait between turns, and the longest an idle deadline that
 * moved without cmdop__loop_wakeup goes unread. */
#define LOOP_IDLE_POLL_MS 1000
#define LOOP_MAX_EVENTS 256
/* From this many transfers on, a new one opens its own connection and
 * closes it when done (CURLOPT_FRESH_CONNECT, CURLOPT_FORBID_REUSE):
 * libcurl looks for a reusable connection by walking every connection to
 * the host, and past its pool size evicts by walking all of them, so with
 * thousands of open streams each start and each end cost O(open streams).
 * Below it, a finished stream's connection is kept for the next. */
#define LOOP_FRESH_AT 256

int64_t cmdop__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ lists */

static void active_push(cmdop__loop *l, cmdop__http_req *req)
{
    l->n_active++;
    req->prev = NULL;
    req->next = l->active;
    if (l->active)
        l->active->prev = req;
    l->active = req;
}

static void active_remove(cmdop__loop *l, cmdop__http_req *req)
{
    l->n_active--;
    if (req->prev)
        req->prev->next = req->next;
    else if (l->active == req)
        l->active = req->next;
    if (req->next)
        req->next->prev = req->prev;
    req->next = req->prev = NULL;
}

static void paused_remove(cmdop__loop *l, cmdop__http_req *req)
{
    for (cmdop__http_req **pp = &l->paused; *pp; pp = &(*pp)->paused_next)
        if (*pp == req) {
            *pp = req->paused_next;
            break;
        }
    req->paused_next = NULL;
    req->paused = false;
}

static void timer_remove(cmdop__loop *l, cmdop__http_req *req)
{
    for (cmdop__http_req **pp = &l->timers; *pp; pp = &(*pp)->next)
        if (*pp == req) {
            *pp = req->next;
            req->next = NULL;
            return;
        }
}

/* ------------------------------------------------------------ lifecycle */

/* Detach req from curl and report it; req is not touched afterwards. */
static void finish(cmdop__loop *l, cmdop__http_req *req, cmdop__xfer xfer, const char *msg)
{
    if (req->paused)
        paused_remove(l, req);
    if (req->easy) {
        curl_multi_remove_handle(l->multi, req->easy);
        curl_easy_cleanup(req->easy);
        req->easy = NULL;
    }
    curl_slist_free_all(req->slist);
    req->slist = NULL;
    req->pause_list = NULL;
    req->next = req->prev = NULL;
    req->xfer = xfer;
    if (xfer != CMDOP__XFER_OK && msg && !req->xfer_msg[0])
        snprintf(req->xfer_msg, sizeof req->xfer_msg, "%s", msg);
    req->on_done(req, req->payload);
}

static void start(cmdop__loop *l, cmdop__http_req *req)
{
    CURL *e = curl_easy_init();
    if (!e) {
        finish(l, req, CMDOP__XFER_NOMEM, "out of memory");
        return;
    }
    cmdop__xfer x = cmdop__easy_prepare(l->net, e, req);
    if (x != CMDOP__XFER_OK) {
        curl_easy_cleanup(e);
        finish(l, req, x, NULL);
        return;
    }
    if (l->n_active >= LOOP_FRESH_AT) {
        curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
        curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    }
    req->easy = e;
    req->pause_list = &l->paused;
    req->paused_next = NULL;
    if (curl_multi_add_handle(l->multi, e) != CURLM_OK) {
        finish(l, req, CMDOP__XFER_NOMEM, "curl_multi_add_handle failed");
        return;
    }
    active_push(l, req);
    /* its deadline joins the earliest one known (deadlines only move
     * later), without a scan of every request */
    int64_t d = req->idle_deadline ? req->idle_deadline(req, req->payload) : 0;
    if (d > 0 && (l->idle_next == 0 || d < l->idle_next))
        l->idle_next = d;
}

/* A submission due now waits in `due` (in order) until the turn's
 * cancellations are read; later ones wait in `timers`. */
static void due_push(cmdop__loop *l, cmdop__http_req *req)
{
    req->next = NULL;
    if (l->due_tail)
        l->due_tail->next = req;
    else
        l->due = req;
    l->due_tail = req;
}

static void timer_insert(cmdop__loop *l, cmdop__http_req *req)
{
    cmdop__http_req **pp = &l->timers;
    while (*pp && (*pp)->not_before_ms <= req->not_before_ms)
        pp = &(*pp)->next;
    req->next = *pp;
    *pp = req;
}

static bool cancel_one(cmdop__loop *l, uint64_t id)
{
    for (cmdop__http_req *r = l->active; r; r = r->next)
        if (r->id == id) {
            active_remove(l, r);
            finish(l, r, CMDOP__XFER_CANCELLED, "cancelled");
            return true;
        }
    for (cmdop__http_req *r = l->timers; r; r = r->next)
        if (r->id == id) {
            timer_remove(l, r);
            finish(l, r, CMDOP__XFER_CANCELLED, "cancelled");
            return true;
        }
    cmdop__http_req *prev = NULL;
    for (cmdop__http_req *r = l->due; r; prev = r, r = r->next)
        if (r->id == id) {
            if (prev)
                prev->next = r->next;
            else
                l->due = r->next;
            if (l->due_tail == r)
                l->due_tail = prev;
            r->next = NULL;
            finish(l, r, CMDOP__XFER_CANCELLED, "cancelled");
            return true;
        }
    return false;
}

static void cancel_all(cmdop__loop *l)
{
    while (l->active) {
        cmdop__http_req *r = l->active;
        active_remove(l, r);
        finish(l, r, CMDOP__XFER_CANCELLED, "client closed");
    }
    while (l->timers) {
        cmdop__http_req *r = l->timers;
        l->timers = r->next;
        finish(l, r, CMDOP__XFER_CANCELLED, "client closed");
    }
    while (l->due) {
        cmdop__http_req *r = l->due;
        l->due = r->next;
        finish(l, r, CMDOP__XFER_CANCELLED, "client closed");
    }
    l->due_tail = NULL;
}

/* Take the submissions and cancellations queued by other threads. */
static bool take_queue(cmdop__loop *l, cmdop__http_req **in, uint64_t **cancels, size_t *n_cancels)
{
    pthread_mutex_lock(&l->mu);
    *in = l->in_head;
    l->in_head = l->in_tail = NULL;
    *cancels = l->cancels;
    *n_cancels = l->n_cancels;
    l->cancels = NULL;
    l->n_cancels = l->cap_cancels = 0;
    bool stop = l->stop;
    pthread_mutex_unlock(&l->mu);
    return stop;
}

static void reap(cmdop__loop *l)
{
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(l->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE)
            continue;
        cmdop__http_req *req = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&req);
        CURLcode rc = m->data.result;
        active_remove(l, req);
        if (rc == CURLE_OK) {
            long st = 0;
            curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &st);
            req->status = st;
        }
        finish(l, req, cmdop__easy_classify(req, rc), curl_easy_strerror(rc));
    }
}

/* Resume every paused request whose sink has room again (http_loop.h
 * CMDOP__HTTP_PAUSE); libcurl may deliver the kept chunk right here (and
 * the sink may pause again, relinking the request). */
static void check_paused(cmdop__loop *l)
{
    cmdop__http_req *list = l->paused;
    l->paused = NULL;
    while (list) {
        cmdop__http_req *r = list;
        list = r->paused_next;
        r->paused_next = NULL;
        if (r->may_resume(r, r->payload)) {
            r->paused = false;
            curl_easy_pause(r->easy, CURLPAUSE_CONT);
        } else {
            r->paused_next = l->paused;
            l->paused = r;
        }
    }
}

/* Close every active request whose idle deadline has passed (it ends as
 * CMDOP__XFER_TIMEOUT) and remember the earliest deadline still ahead.
 * A paused request is not idle: its reader is slow, not the server.
 * Deadlines only move later as bytes arrive, so a full scan is needed only
 * when the earliest is due, when cmdop__loop_wakeup says a bound got
 * shorter, and once a second for a bound that moved otherwise (as often as
 * the old per-turn scan at idle); a request that starts adds its own
 * deadline (start). */
static void check_idle(cmdop__loop *l, int64_t now)
{
    bool rescan = atomic_exchange(&l->rescan, 0) != 0;
    if (!rescan && !(l->idle_next > 0 && l->idle_next <= now) &&
        now - l->idle_scanned_ms < LOOP_IDLE_POLL_MS)
        return;
    l->idle_scanned_ms = now;
    int64_t next = 0;
    cmdop__http_req *r = l->active;
    while (r) {
        cmdop__http_req *nx = r->next;
        int64_t d = r->idle_deadline && !r->paused ? r->idle_deadline(r, r->payload) : 0;
        if (d > 0 && d <= now) {
            active_remove(l, r);
            finish(l, r, CMDOP__XFER_TIMEOUT, "idle: no byte within the idle timeout");
        } else if (d > 0 && (next == 0 || d < next)) {
            next = d;
        }
        r = nx;
    }
    l->idle_next = next;
}

/* ------------------------------------------------ waiting: epoll or poll */

static void wake(cmdop__loop *l)
{
#ifdef __linux__
    /* one write per wake-up the loop has not consumed yet */
    if (atomic_exchange(&l->woken, 1) == 0) {
        uint64_t one = 1;
        ssize_t n = write(l->evfd, &one, sizeof one);
        (void)n;   /* EAGAIN: the counter is already non-zero, the loop wakes */
    }
#else
    curl_multi_wakeup(l->multi);
#endif
}

#ifdef __linux__
static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)e;
    cmdop__loop *l = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(l->epfd, EPOLL_CTL_DEL, s, NULL); /* may be closed already */
        return 0;
    }
    struct epoll_event ev = {0};
    ev.events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u);
    ev.data.fd = s;
    if (socketp) {
        if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, s, &ev) != 0 && errno == ENOENT)
            epoll_ctl(l->epfd, EPOLL_CTL_ADD, s, &ev);
    } else {
        if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, s, &ev) != 0 && errno == EEXIST)
            epoll_ctl(l->epfd, EPOLL_CTL_MOD, s, &ev);
        curl_multi_assign(l->multi, s, l); /* known from now on */
    }
    return 0;
}

static int on_timer(CURLM *m, long timeout_ms, void *userp)
{
    (void)m;
    cmdop__loop *l = userp;
    l->curl_due_ms = timeout_ms < 0 ? -1 : cmdop__now_ms() + timeout_ms;
    return 0;
}

static bool backend_init(cmdop__loop *l)
{
    l->curl_due_ms = -1;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};
    ev.data.fd = l->evfd;
    if (l->epfd < 0 || l->evfd < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->evfd, &ev) != 0) {
        if (l->epfd >= 0)
            close(l->epfd);
        if (l->evfd >= 0)
            close(l->evfd);
        return false;
    }
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
    return true;
}

static void backend_free(cmdop__loop *l)
{
    close(l->epfd);
    close(l->evfd);
}

/* Run libcurl's timer when it is due (new transfers, timeouts, resumes). */
static void backend_drive(cmdop__loop *l)
{
    int running;
    while (l->curl_due_ms >= 0 && l->curl_due_ms <= cmdop__now_ms()) {
        l->curl_due_ms = -1;
        curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

static void backend_wait(cmdop__loop *l, long wait)
{
    if (l->curl_due_ms >= 0) {
        int64_t d = l->curl_due_ms - cmdop__now_ms();
        wait = d < 0 ? 0 : d < wait ? (long)d : wait;
    }
    struct epoll_event evs[LOOP_MAX_EVENTS];
    int n = epoll_wait(l->epfd, evs, LOOP_MAX_EVENTS, (int)wait);
    int running;
    for (int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        if (fd == l->evfd) {
            /* drain, then re-arm: a wake-up after the read writes again,
             * one before it was counted in what the read took; either way
             * the next turn's take_queue sees its submission */
            uint64_t v;
            ssize_t r = read(l->evfd, &v, sizeof v);
            (void)r;
            atomic_store(&l->woken, 0);
            continue;
        }
        int flags = ((evs[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0) |
                    ((evs[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0) |
                    ((evs[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
        curl_multi_socket_action(l->multi, fd, flags, &running);
    }
    backend_drive(l);
}
#else
static bool backend_init(cmdop__loop *l)
{
    l->curl_due_ms = -1;
    return true;
}

static void backend_free(cmdop__loop *l)
{
    (void)l;
}

static void backend_drive(cmdop__loop *l)
{
    int running;
    curl_multi_perform(l->multi, &running);
}

static void backend_wait(cmdop__loop *l, long wait)
{
    curl_multi_poll(l->multi, NULL, 0, (int)wait, NULL);
    backend_drive(l);
}
#endif

static void *loop_main(void *arg)
{
    cmdop__loop *l = arg;
    for (;;) {
        cmdop__http_req *in;
        uint64_t *cancels;
        size_t n_cancels;
        bool stop = take_queue(l, &in, &cancels, &n_cancels);
        int64_t now = cmdop__now_ms();
        while (in) {
            cmdop__http_req *r = in;
            in = r->next;
            r->next = NULL;
            /* a burst of submissions costs O(burst), not a sorted insert each */
            if (r->not_before_ms <= now)
                due_push(l, r);
            else
                timer_insert(l, r);
        }
        for (size_t i = 0; i < n_cancels; i++)
            cancel_one(l, cancels[i]);
        free(cancels);
        if (stop) {
            cancel_all(l);
            break;
        }
        while (l->timers && l->timers->not_before_ms <= now) {
            cmdop__http_req *r = l->timers;
            l->timers = r->next;
            r->next = NULL;
            start(l, r);
        }
        cmdop__http_req *due = l->due;
        l->due = l->due_tail = NULL;
        while (due) {
            cmdop__http_req *r = due;
            due = r->next;
            r->next = NULL;
            start(l, r);
        }
        if (l->paused)
            check_paused(l);
        backend_drive(l);
        reap(l);
        now = cmdop__now_ms();
        check_idle(l, now);
        long wait = LOOP_IDLE_POLL_MS;
        if (l->timers) {
            int64_t d = l->timers->not_before_ms - now;
            wait = d < 0 ? 0 : d < wait ? (long)d : wait;
        }
        if (l->idle_next > 0) {
            int64_t d = l->idle_next - now;
            wait = d < 0 ? 0 : d < wait ? (long)d : wait;
        }
        backend_wait(l, wait);
        reap(l);
    }
    return NULL;
}

/* ------------------------------------------------------------------ api */

static pthread_once_t g_curl_once = PTHREAD_ONCE_INIT;
static CURLcode g_curl_rc;

static void curl_init_once(void)
{
    g_curl_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

cmdop__loop *cmdop__loop_new(void)
{
    pthread_once(&g_curl_once, curl_init_once);
    if (g_curl_rc != CURLE_OK) {
        cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "curl_global_init failed: %s",
                         curl_easy_strerror(g_curl_rc));
        return NULL;
    }
    cmdop__loop *l = calloc(1, sizeof *l);
    if (!l) {
        cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
        return NULL;
    }
    l->multi = curl_multi_init();
    if (!l->multi || !backend_init(l)) {
        if (l->multi)
            curl_multi_cleanup(l->multi);
        free(l);
        cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "cannot create the HTTP loop");
        return NULL;
    }
    if (pthread_mutex_init(&l->mu, NULL) != 0) {
        backend_free(l);
        curl_multi_cleanup(l->multi);
        free(l);
        cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "cannot create the HTTP loop");
        return NULL;
    }
    pthread_cond_init(&l->sync_cv, NULL);
    l->next_id = 1;
    int rc = pthread_create(&l->thread, NULL, loop_main, l);
    if (rc != 0) {
        pthread_cond_destroy(&l->sync_cv);
        pthread_mutex_destroy(&l->mu);
        backend_free(l);
        curl_multi_cleanup(l->multi);
        free(l);
        cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "cannot start the HTTP loop thread: %s",
                         strerror(rc));
        return NULL;
    }
    return l;
}

void cmdop__loop_free(cmdop__loop *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stop = true;
    cmdop__sync_shutdown_locked(l);
    pthread_mutex_unlock(&l->mu);
    wake(l);
    pthread_join(l->thread, NULL);
    /* The thread drained the queue after seeing `stop`, and submit refuses
     * once it is set, so nothing can be left; be defensive anyway. */
    while (l->in_head) {
        cmdop__http_req *r = l->in_head;
        l->in_head = r->next;
        r->next = NULL;
        r->xfer = CMDOP__XFER_CANCELLED;
        r->on_done(r, r->payload);
    }
    free(l->cancels);
    curl_multi_cleanup(l->multi);
    backend_free(l);
    pthread_cond_destroy(&l->sync_cv);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

int cmdop__loop_submit(cmdop__loop *l, cmdop__http_req *req, long delay_ms)
{
    req->next = NULL;
    req->not_before_ms = cmdop__now_ms() + (delay_ms > 0 ? delay_ms : 0);
    pthread_mutex_lock(&l->mu);
    if (l->stop) {
        pthread_mutex_unlock(&l->mu);
        return CMDOP_ECANCELLED;
    }
    if (req->id == 0)   /* keep the id across resubmissions (retries) */
        req->id = l->next_id++;
    if (l->in_tail)
        l->in_tail->next = req;
    else
        l->in_head = req;
    l->in_tail = req;
    pthread_mutex_unlock(&l->mu);
    wake(l);
    return 0;
}

void cmdop__loop_set_net(cmdop__loop *l, const cmdop__net *net)
{
    l->net = net;
}

void cmdop__loop_wakeup(cmdop__loop *l)
{
    atomic_store(&l->rescan, 1);
    wake(l);
}

void cmdop__loop_cancel(cmdop__loop *l, uint64_t id)
{
    pthread_mutex_lock(&l->mu);
    if (cmdop__sync_cancel_locked(l, id)) {
        pthread_mutex_unlock(&l->mu);
        return;
    }
    if (l->n_cancels == l->cap_cancels) {
        size_t cap = l->cap_cancels ? l->cap_cancels * 2 : 8;
        uint64_t *c = realloc(l->cancels, cap * sizeof *c);
        if (!c) {
            pthread_mutex_unlock(&l->mu);
            return;
        }
        l->cancels = c;
        l->cap_cancels = cap;
    }
    l->cancels[l->n_cancels++] = id;
    pthread_mutex_unlock(&l->mu);
    wake(l);
}
