/*
 * http_loop.c — the event loop's threads (see http_loop.h for the model).
 *
 * Lanes: each lane is one thread with its own multi handle, epoll set and
 * lists; everything below the "api" section runs on one lane's thread and
 * touches that lane only. A request is given a lane at its first submission
 * (or cmdop__loop_place) and keeps it. The first lane takes everything
 * until LOOP_SPREAD_AT transfers are in flight on it; then the least loaded
 * lane takes a new request, and a new lane starts (up to max_lanes) when
 * every lane has that many. Why: with thousands of streams one thread's
 * connects, sends and reads are the core's bottleneck while the other
 * processors idle (docs/performance.md "Concurrent streams through one
 * client"); below that, one thread costs the least and keeps every
 * connection in one cache.
 *
 * Lists: `incoming` (any thread, under the loop's `mu`) holds a lane's fresh
 * submissions; the lane moves each one either into its multi handle
 * (`active`) or, when its start lies in the future (a retry's backoff), into
 * `timers`, sorted by start time. `active` and `timers` are touched by the
 * lane's thread only, so retries wait as timers and never block it.
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
#include "port.h"

/* The longest wait between turns, and the longest an idle deadline that
 * moved without cmdop__loop_wakeup goes unread. */
#define LOOP_IDLE_POLL_MS 1000
#define LOOP_MAX_EVENTS 256
/* From this many transfers on, a new one opens its own connection and
 * closes it when done (CURLOPT_FRESH_CONNECT, CURLOPT_FORBID_REUSE):
 * libcurl looks for a reusable connection by walking every connection to
 * the host, and past its pool size evicts by walking all of them, so with
 * thousands of open streams each start and each end cost O(open streams).
 * Below it, a finished stream's connection is kept for the next. Counted
 * per lane (each lane has its own connections). */
#define LOOP_FRESH_AT 256
/* A new request goes to another lane (starting one if needed) once the
 * least loaded lane has this many in flight. */
#define LOOP_SPREAD_AT 32
/* At most this many transfers of a lane are opening (started, no status
 * line yet); due ones wait their turn in order. A server accepts
 * connections from a queue of a few hundred to a few thousand (listen
 * backlog; 4096 by default on Linux); thousands of connects at once
 * overflow it, and each dropped handshake costs 1, 3 or 7 s of SYN
 * retransmission. A window keeps the queue within the default backlog
 * (two lanes: 4,096). Half that opened 10,000 streams on the local relay
 * about 0.2 s slower (docs/performance.md). Above LOOP_FRESH_AT, so that
 * many transfers can be open and silent at once. */
#define LOOP_OPENING_MAX 2048

int64_t cmdop__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ lists */

static void active_push(cmdop__lane *l, cmdop__http_req *req)
{
    l->n_active++;
    req->prev = NULL;
    req->next = l->active;
    if (l->active)
        l->active->prev = req;
    l->active = req;
}

static void active_remove(cmdop__lane *l, cmdop__http_req *req)
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

static void paused_remove(cmdop__lane *l, cmdop__http_req *req)
{
    for (cmdop__http_req **pp = &l->paused; *pp; pp = &(*pp)->paused_next)
        if (*pp == req) {
            *pp = req->paused_next;
            break;
        }
    req->paused_next = NULL;
    req->paused = false;
}

static void timer_remove(cmdop__lane *l, cmdop__http_req *req)
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
static void finish(cmdop__lane *l, cmdop__http_req *req, cmdop__xfer xfer, const char *msg)
{
    if (req->paused)
        paused_remove(l, req);
    cmdop__http_req_not_opening(req);
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
    atomic_fetch_sub(&l->load, 1);
    req->on_done(req, req->payload);
}

static void start(cmdop__lane *l, cmdop__http_req *req)
{
    CURL *e = curl_easy_init();
    if (!e) {
        finish(l, req, CMDOP__XFER_NOMEM, "out of memory");
        return;
    }
    cmdop__xfer x = cmdop__easy_prepare(l->loop->net, e, req);
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
    req->opening = &l->n_opening;
    l->n_opening++;
    /* its deadline joins the earliest one known (deadlines only move
     * later), without a scan of every request */
    int64_t d = req->idle_deadline ? req->idle_deadline(req, req->payload) : 0;
    if (d > 0 && (l->idle_next == 0 || d < l->idle_next))
        l->idle_next = d;
}

/* A submission due now waits in `due` (in order) until the turn's
 * cancellations are read; later ones wait in `timers`. */
static void due_push(cmdop__lane *l, cmdop__http_req *req)
{
    req->next = NULL;
    if (l->due_tail)
        l->due_tail->next = req;
    else
        l->due = req;
    l->due_tail = req;
}

static void timer_insert(cmdop__lane *l, cmdop__http_req *req)
{
    cmdop__http_req **pp = &l->timers;
    while (*pp && (*pp)->not_before_ms <= req->not_before_ms)
        pp = &(*pp)->next;
    req->next = *pp;
    *pp = req;
}

static bool cancel_one(cmdop__lane *l, uint64_t id)
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

static void cancel_all(cmdop__lane *l)
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
static bool take_queue(cmdop__lane *l, cmdop__http_req **in, uint64_t **cancels, size_t *n_cancels)
{
    pthread_mutex_lock(&l->loop->mu);
    *in = l->in_head;
    l->in_head = l->in_tail = NULL;
    *cancels = l->cancels;
    *n_cancels = l->n_cancels;
    l->cancels = NULL;
    l->n_cancels = l->cap_cancels = 0;
    bool stop = l->loop->stop;
    pthread_mutex_unlock(&l->loop->mu);
    return stop;
}

static void reap(cmdop__lane *l)
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
static void check_paused(cmdop__lane *l)
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
static void check_idle(cmdop__lane *l, int64_t now)
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

static void wake(cmdop__lane *l)
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
    cmdop__lane *l = userp;
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
    cmdop__lane *l = userp;
    l->curl_due_ms = timeout_ms < 0 ? -1 : cmdop__now_ms() + timeout_ms;
    return 0;
}

static bool backend_init(cmdop__lane *l)
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

static void backend_free(cmdop__lane *l)
{
    close(l->epfd);
    close(l->evfd);
}

/* Run libcurl's timer when it is due (new transfers, timeouts, resumes). */
static void backend_drive(cmdop__lane *l)
{
    int running;
    while (l->curl_due_ms >= 0 && l->curl_due_ms <= cmdop__now_ms()) {
        l->curl_due_ms = -1;
        curl_multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
}

static void backend_wait(cmdop__lane *l, long wait)
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
static bool backend_init(cmdop__lane *l)
{
    l->curl_due_ms = -1;
    return true;
}

static void backend_free(cmdop__lane *l)
{
    (void)l;
}

static void backend_drive(cmdop__lane *l)
{
    int running;
    curl_multi_perform(l->multi, &running);
}

static void backend_wait(cmdop__lane *l, long wait)
{
    curl_multi_poll(l->multi, NULL, 0, (int)wait, NULL);
    backend_drive(l);
}
#endif

static void *loop_main(void *arg)
{
    cmdop__lane *l = arg;
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
        while (l->timers && l->timers->not_before_ms <= now &&
               l->n_opening < l->loop->window) {
            cmdop__http_req *r = l->timers;
            l->timers = r->next;
            r->next = NULL;
            start(l, r);
        }
        while (l->due && l->n_opening < l->loop->window) {
            cmdop__http_req *r = l->due;
            l->due = r->next;
            if (!l->due)
                l->due_tail = NULL;
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
        /* a full window waits for an answer (an event), not for a timer */
        if (l->timers && l->n_opening < l->loop->window) {
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

static void lane_free(cmdop__lane *ln)
{
    if (!ln)
        return;
    free(ln->cancels);
    curl_multi_cleanup(ln->multi);
    backend_free(ln);
    free(ln);
}

/* A new lane with its thread running, or NULL (nothing left behind); under
 * l->mu. */
static cmdop__lane *lane_start(cmdop__loop *l, unsigned index)
{
    cmdop__lane *ln = calloc(1, sizeof *ln);
    if (!ln)
        return NULL;
    ln->loop = l;
    ln->index = index;
    ln->multi = curl_multi_init();
    if (!ln->multi || !backend_init(ln)) {
        if (ln->multi)
            curl_multi_cleanup(ln->multi);
        free(ln);
        return NULL;
    }
    if (pthread_create(&ln->thread, NULL, loop_main, ln) != 0) {
        lane_free(ln);
        return NULL;
    }
    return ln;
}

/* The lane for a request without one, under l->mu (see the file comment). */
static unsigned lane_choose(cmdop__loop *l)
{
    cmdop__lane *best = l->lanes[0];
    size_t least = atomic_load(&best->load);
    for (unsigned i = 1; i < l->n_lanes && least > 0; i++) {
        size_t n = atomic_load(&l->lanes[i]->load);
        if (n < least) {
            best = l->lanes[i];
            least = n;
        }
    }
    if (least >= LOOP_SPREAD_AT && l->n_lanes < l->max_lanes) {
        cmdop__lane *ln = lane_start(l, l->n_lanes);
        if (ln) {
            l->lanes[l->n_lanes++] = ln;
            return ln->index + 1;
        }
        l->max_lanes = l->n_lanes; /* no thread to be had: stay with these */
    }
    return best->index + 1;
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
    if (pthread_mutex_init(&l->mu, NULL) != 0) {
        free(l);
        cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "cannot create the HTTP loop");
        return NULL;
    }
    pthread_cond_init(&l->sync_cv, NULL);
    l->next_id = 1;
    unsigned cpus = cmdop__port_cpu_count();
    l->max_lanes = cpus < CMDOP__LOOP_MAX_LANES ? cpus : CMDOP__LOOP_MAX_LANES;
    l->window = LOOP_OPENING_MAX;
    pthread_mutex_lock(&l->mu);
    l->lanes[0] = lane_start(l, 0);
    l->n_lanes = l->lanes[0] ? 1 : 0;
    pthread_mutex_unlock(&l->mu);
    if (!l->lanes[0]) {
        pthread_cond_destroy(&l->sync_cv);
        pthread_mutex_destroy(&l->mu);
        free(l);
        cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "cannot start the HTTP loop thread");
        return NULL;
    }
    return l;
}

void cmdop__loop_set_lanes(cmdop__loop *l, unsigned max)
{
    pthread_mutex_lock(&l->mu);
    if (max < 1)
        max = 1;
    if (max > CMDOP__LOOP_MAX_LANES)
        max = CMDOP__LOOP_MAX_LANES;
    l->max_lanes = max < l->n_lanes ? l->n_lanes : max;
    pthread_mutex_unlock(&l->mu);
}

void cmdop__loop_free(cmdop__loop *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->mu);
    l->stop = true;
    cmdop__sync_shutdown_locked(l);
    unsigned n = l->n_lanes;   /* no lane starts once stop is set */
    pthread_mutex_unlock(&l->mu);
    for (unsigned i = 0; i < n; i++)
        wake(l->lanes[i]);
    for (unsigned i = 0; i < n; i++) {
        cmdop__lane *ln = l->lanes[i];
        pthread_join(ln->thread, NULL);
        /* The thread drained its queue after seeing `stop`, and submit
         * refuses once it is set, so nothing can be left; be defensive. */
        while (ln->in_head) {
            cmdop__http_req *r = ln->in_head;
            ln->in_head = r->next;
            r->next = NULL;
            r->xfer = CMDOP__XFER_CANCELLED;
            r->on_done(r, r->payload);
        }
        lane_free(ln);
    }
    pthread_cond_destroy(&l->sync_cv);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

void cmdop__loop_set_window(cmdop__loop *l, size_t max)
{
    l->window = max > 0 ? max : 1;
}

void cmdop__loop_place(cmdop__loop *l, cmdop__http_req *req)
{
    pthread_mutex_lock(&l->mu);
    if (req->lane == 0 && !l->stop)
        req->lane = lane_choose(l);
    pthread_mutex_unlock(&l->mu);
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
    if (req->lane == 0 || req->lane > l->n_lanes)
        req->lane = lane_choose(l);
    cmdop__lane *ln = l->lanes[req->lane - 1];
    atomic_fetch_add(&ln->load, 1);
    if (ln->in_tail)
        ln->in_tail->next = req;
    else
        ln->in_head = req;
    ln->in_tail = req;
    pthread_mutex_unlock(&l->mu);
    wake(ln);
    return 0;
}

void cmdop__loop_set_net(cmdop__loop *l, const cmdop__net *net)
{
    l->net = net;
}

void cmdop__loop_wakeup(cmdop__loop *l)
{
    pthread_mutex_lock(&l->mu);
    unsigned n = l->n_lanes;
    pthread_mutex_unlock(&l->mu);
    for (unsigned i = 0; i < n; i++) {
        atomic_store(&l->lanes[i]->rescan, 1);
        wake(l->lanes[i]);
    }
}

/* Queue a cancellation of `id` on lane ln, under l->mu. */
static bool lane_cancel_locked(cmdop__lane *ln, uint64_t id)
{
    if (ln->n_cancels == ln->cap_cancels) {
        size_t cap = ln->cap_cancels ? ln->cap_cancels * 2 : 8;
        uint64_t *c = realloc(ln->cancels, cap * sizeof *c);
        if (!c)
            return false;
        ln->cancels = c;
        ln->cap_cancels = cap;
    }
    ln->cancels[ln->n_cancels++] = id;
    return true;
}

void cmdop__loop_cancel(cmdop__loop *l, uint64_t id)
{
    pthread_mutex_lock(&l->mu);
    if (cmdop__sync_cancel_locked(l, id)) {
        pthread_mutex_unlock(&l->mu);
        return;
    }
    /* Ids are not mapped to lanes: every lane is told, the one that has
     * the request cancels it, the others find nothing (cancels are rare). */
    unsigned n = l->n_lanes;
    bool queued[CMDOP__LOOP_MAX_LANES] = {false};
    for (unsigned i = 0; i < n; i++)
        queued[i] = lane_cancel_locked(l->lanes[i], id);
    pthread_mutex_unlock(&l->mu);
    for (unsigned i = 0; i < n; i++)
        if (queued[i])
            wake(l->lanes[i]);
}
