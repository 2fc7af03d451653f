/*
 * http_loop_internal.h — INTERNAL to http_loop.c and http_sync.c: the loop
 * and lane records, shared so the synchronous path's slots live under the
 * loop's lock (cancel by id and the client's shutdown reach them).
 */
#ifndef CMDOP__HTTP_LOOP_INTERNAL_H
#define CMDOP__HTTP_LOOP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <curl/curl.h>
#include "http_loop.h"

struct cmdop__sync {
    CURLM *multi;              /* the slot's own connections */
    CURL *easy;                /* reused as is per attempt (http_easy.h) */
    bool configured;           /* cmdop__easy_defaults ran on easy */
    char loopback_origin[128]; /* http_easy.h cmdop__easy_request */
    uint64_t id;               /* the request on the slot, under loop->mu */
    atomic_int cancelled;      /* set under loop->mu, read without it */
    const char *reason;        /* "cancelled" or "client closed" */
    cmdop__sync *next;         /* busy or idle list */
};

/* One loop thread with its own multi handle (connection cache), epoll set
 * and lists. A request runs on one lane from its first submission on. */
typedef struct cmdop__lane {
    cmdop__loop *loop;
    unsigned index;               /* in loop->lanes; req->lane is index + 1 */
    pthread_t thread;
    CURLM *multi;
    /* under loop->mu */
    cmdop__http_req *in_head, *in_tail;
    uint64_t *cancels;
    size_t n_cancels, cap_cancels;
    atomic_size_t load;           /* submitted and not yet finished */
    /* lane thread only */
    cmdop__http_req *timers;      /* sorted by not_before_ms */
    cmdop__http_req *due, *due_tail; /* submissions due now, in order */
    cmdop__http_req *active;      /* doubly linked (next/prev) */
    size_t n_active;              /* in `active` */
    size_t n_opening;             /* active with no status line yet */
    cmdop__http_req *paused;      /* linked by paused_next (http_easy.c) */
    int64_t idle_next;            /* earliest idle deadline of the last scan */
    int64_t idle_scanned_ms;      /* when that scan ran */
    atomic_int woken;             /* a wake-up is pending (Linux: evfd) */
    atomic_int rescan;            /* cmdop__loop_wakeup: re-read deadlines */
    int64_t curl_due_ms;          /* libcurl's timer (absolute), -1 = none */
#ifdef __linux__
    int epfd, evfd;
#endif
} cmdop__lane;

struct cmdop__loop {
    pthread_mutex_t mu;
    /* under mu */
    bool stop;
    uint64_t next_id;
    cmdop__sync *sync_busy, *sync_idle;
    size_t n_sync_busy, n_sync_idle;
    pthread_cond_t sync_cv;       /* n_sync_busy reached 0 while stopping */
    cmdop__lane *lanes[CMDOP__LOOP_MAX_LANES]; /* [0, n_lanes) started */
    unsigned n_lanes;
    unsigned max_lanes;
    size_t window;                /* per lane: transfers opening at once */
    const cmdop__net *net;        /* borrowed; NULL = defaults */
};

/* http_sync.c, under l->mu: cancel request `id` when it runs on a slot
 * (true: found); and, with stop set, cancel every busy slot, wait until
 * all are returned (the wait releases mu), then free the idle ones. */
bool cmdop__sync_cancel_locked(cmdop__loop *l, uint64_t id);
void cmdop__sync_shutdown_locked(cmdop__loop *l);

#endif /* CMDOP__HTTP_LOOP_INTERNAL_H */
