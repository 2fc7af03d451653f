/*
 * http_loop.h — INTERNAL: a client's event loop, which drives every
 * streaming and asynchronous HTTP request of that client on one or a few
 * loop threads ("lanes"), each owning a libcurl multi handle.
 *
 * Threading model: any thread submits a cmdop__http_req (the queue is guarded
 * by a mutex; a wake-up interrupts the lane's wait: an eventfd in its epoll
 * set on Linux, curl_multi_wakeup elsewhere). A request runs on one lane
 * from its first submission on (req->lane): that lane's thread alone touches
 * its curl handle and calls its callbacks, so many requests run concurrently
 * on each thread and share the lane's connection cache (keep-alive reuse).
 * The first lane serves everything until it has many transfers in flight;
 * then more lanes start (up to the processors online, at most
 * CMDOP__LOOP_MAX_LANES), so thousands of streams are connected and read on
 * several processors. Callbacks of DIFFERENT requests may therefore run at
 * the same time on different threads; state shared by several requests
 * either takes a lock or keeps them on one lane (cmdop__loop_place).
 * Completion is reported by req->on_done ON THE REQUEST'S LOOP THREAD. A
 * unary call does not use a loop thread at all: it runs on its caller's
 * thread through a sync slot (cmdop__sync_begin below).
 * Callbacks must not block: they may resubmit (a retry) but never wait.
 */
#ifndef CMDOP__HTTP_LOOP_H
#define CMDOP__HTTP_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error_internal.h"

typedef struct cmdop__loop cmdop__loop;
typedef struct cmdop__http_req cmdop__http_req;

/* Streaming sink for the response body, called on the loop thread for each
 * chunk (req->status is already known). Return `len` to go on; anything else
 * aborts the transfer, which then ends as CMDOP__XFER_CANCELLED. */
typedef size_t (*cmdop__http_data_fn)(cmdop__http_req *req, const char *data,
                                      size_t len, void *payload);
/* Called exactly once per submission, on the loop thread, after the loop has
 * let go of the request: the callee may free or resubmit it. */
typedef void (*cmdop__http_done_fn)(cmdop__http_req *req, void *payload);

/* Optional idle watchdog, called on the loop thread between polls while the
 * request is active: the absolute cmdop__now_ms() time by which the next
 * byte must have arrived, or 0 for no bound. Once that time has passed the
 * loop closes the connection and the request ends as CMDOP__XFER_TIMEOUT
 * (xfer_msg says "idle"), whether or not anyone waits for it. The callee
 * keeps its own clock of the last byte (e.g. in on_data). */
typedef int64_t (*cmdop__http_idle_fn)(cmdop__http_req *req, void *payload);

/* Backpressure: an on_data sink that cannot take `data` now returns
 * CMDOP__HTTP_PAUSE (libcurl's CURL_WRITEFUNC_PAUSE): the chunk is NOT
 * consumed, the transfer is paused (nothing more is read from the socket, so
 * TCP pushes back on the server) and has no idle deadline meanwhile. Between
 * polls the loop asks req->may_resume; once it returns true the transfer
 * resumes and the same chunk is delivered again. A thread that made room
 * calls cmdop__loop_wakeup so the loop asks at once. */
#define CMDOP__HTTP_PAUSE ((size_t)0x10000001)
typedef bool (*cmdop__http_resume_fn)(cmdop__http_req *req, void *payload);

#define CMDOP__HTTP_MAX_HEADERS 12

/* At most this many loop threads (lanes) per client. */
#define CMDOP__LOOP_MAX_LANES 4u

/* The largest response body the loop buffers (a JSON answer, not a
 * download); a bigger one ends as CMDOP__XFER_TOO_BIG. */
#define CMDOP__HTTP_MAX_BODY (64u * 1024u * 1024u)

struct cmdop__debug_log;

/*
 * A client's network settings, applied explicitly to every transfer so that
 * libcurl's own environment handling never decides anything (net.c).
 * Strings are owned by whoever fills the struct (cmdop__net_resolve:
 * the config; freed by cmdop__net_clear). NULL = unset.
 *   ca_file  CURLOPT_CAINFO (ca_file option > CMDOP_CA_FILE > CURL_CA_BUNDLE
 *            > SSL_CERT_FILE); NULL: libcurl's built-in bundle
 *   ca_dir   CURLOPT_CAPATH (SSL_CERT_DIR)
 *   http_proxy   for http:// URLs: http_proxy, else HTTP_PROXY unless
 *                REQUEST_METHOD is set (httpoxy), else all_proxy/ALL_PROXY
 *   https_proxy  for https:// URLs: https_proxy, else HTTPS_PROXY, else
 *                all_proxy/ALL_PROXY
 *   no_proxy     no_proxy, else NO_PROXY
 *   allow_insecure_http  CMDOP_ALLOW_INSECURE_HTTP=1: send a credential
 *                over plain http:// to a host that is not loopback
 */
typedef struct cmdop__net {
    char *ca_file;
    char *ca_dir;
    char *http_proxy;
    char *https_proxy;
    char *no_proxy;
    bool allow_insecure_http;
    struct cmdop__debug_log *log; /* borrowed; every attempt is logged at debug */
} cmdop__net;

struct cmdop__http_req {
    /* ---- request: set before submitting, read-only while in flight ---- */
    char method[8];               /* "GET", "POST", "PATCH", "DELETE", "PUT" */
    char *url;                    /* owned */
    char *headers[CMDOP__HTTP_MAX_HEADERS]; /* owned "Name: value" lines */
    size_t n_headers;
    char *body;                   /* owned, or NULL for no body */
    size_t body_len;
    long timeout_ms;              /* per attempt; 0 = none */
    cmdop__http_data_fn on_data;  /* NULL: buffer the body in resp_body */
    cmdop__http_done_fn on_done;
    void *payload;                /* for the callbacks */
    cmdop__http_idle_fn idle_deadline; /* NULL: no idle bound (see above) */
    cmdop__http_resume_fn may_resume;  /* needed when on_data may pause */
    unsigned lane;                /* the loop thread that runs it: 0 = not
                                     chosen yet (the first submission or
                                     cmdop__loop_place chooses and stores
                                     it); copied into a related request, it
                                     runs that one on the same thread */

    /* ---- response: valid in on_done ---- */
    cmdop__xfer xfer;
    char xfer_msg[256];           /* transport detail when xfer != OK */
    long status;                  /* 0 when no status line arrived */
    char *request_id;             /* X-Request-Id, owned, or NULL */
    char *retry_after;            /* Retry-After, owned, or NULL */
    char *content_type;           /* Content-Type, owned, or NULL */
    bool event_stream;            /* content_type is text/event-stream: decided
                                     once, when the header arrives, not per chunk */
    char *resp_body;              /* owned, NUL-terminated; NULL if empty */
    size_t resp_len;
    size_t resp_cap;
    bool over_cap;                /* the body passed CMDOP__HTTP_MAX_BODY */

    /* ---- loop-private ---- */
    uint64_t id;                  /* handle for cmdop__loop_cancel */
    int64_t not_before_ms;
    void *easy;                   /* CURL * while active */
    void *slist;                  /* struct curl_slist * while active */
    bool paused;                  /* on_data returned CMDOP__HTTP_PAUSE */
    cmdop__http_req **pause_list; /* where a pause links req (paused_next) */
    size_t *opening;              /* while no status line has arrived: the
                                     lane's count of such transfers, which
                                     the first one (or the end) decrements */
    cmdop__http_req *paused_next;
    cmdop__http_req *next;
    cmdop__http_req *prev;        /* in the loop's active list */
};

/* req has its status line, or ended: it no longer counts against its
 * lane's opening window (req->opening). Loop thread only. */
static inline void cmdop__http_req_not_opening(cmdop__http_req *req)
{
    if (req->opening) {
        (*req->opening)--;
        req->opening = NULL;
    }
}

/* New empty request (GET, no headers). NULL when out of memory.
 * Free with cmdop__http_req_free() once it is not submitted. */
cmdop__http_req *cmdop__http_req_new(void);
void cmdop__http_req_free(cmdop__http_req *req);
/* Setters copy their arguments. Return 0 or CMDOP_ENOMEM/CMDOP_EINVALID. */
int cmdop__http_req_set(cmdop__http_req *req, const char *method, const char *url);
int cmdop__http_req_header(cmdop__http_req *req, const char *name, const char *value);
int cmdop__http_req_body(cmdop__http_req *req, const char *body, size_t len);
/* Value of a request header set with cmdop__http_req_header (borrowed). */
const char *cmdop__http_req_header_get(const cmdop__http_req *req, const char *name);
/* Forget the response of a previous attempt (before resubmitting). */
void cmdop__http_req_reset_response(cmdop__http_req *req);

/* Start a loop (its first lane's thread). NULL on failure (the thread's
 * last error is set). */
cmdop__loop *cmdop__loop_new(void);
/* At most `max` lanes (clamped to 1..CMDOP__LOOP_MAX_LANES); the default is
 * the processors online, at most CMDOP__LOOP_MAX_LANES. Call before the
 * first submission. */
void cmdop__loop_set_lanes(cmdop__loop *loop, unsigned max);
/* At most `max` transfers of each lane waiting for their status line at
 * once (default 2,048; http_loop.c LOOP_OPENING_MAX says why); the next due
 * ones start as answers come. Call before the first submission. */
void cmdop__loop_set_window(cmdop__loop *loop, size_t max);
/* Choose now the lane `req` will run on (req->lane), as its first
 * submission would; a no-op when it has one. A request whose callbacks
 * share loop-thread-only state with `req` copies req->lane before its own
 * submission (an ask stream's resumes and /confirm). Thread-safe. */
void cmdop__loop_place(cmdop__loop *loop, cmdop__http_req *req);
/* Apply `net` (borrowed: it must outlive the loop; NULL = no CA override,
 * no proxy, plain-http credentials refused) to every later transfer. Call
 * before the first submission. */
void cmdop__loop_set_net(cmdop__loop *loop, const cmdop__net *net);

/* Whether `url`'s host is loopback (localhost, *.localhost, 127.0.0.0/8,
 * ::1). Pure. */
bool cmdop__url_is_loopback(const char *url);
/* Copy `url` into out[size] with any userinfo ("user:pass@") replaced by
 * "***@" (always NUL-terminated, truncated if needed). Pure. */
void cmdop__url_redact(const char *url, char *out, size_t size);
/* Stop the loop: every pending or in-flight request ends with
 * CMDOP__XFER_CANCELLED (its on_done runs), then the thread is joined.
 * Submissions after this point are refused. NULL is a no-op. */
void cmdop__loop_free(cmdop__loop *loop);
/* Queue `req` to start after `delay_ms` (0 = now). Thread-safe, also from a
 * callback. Returns 0, or CMDOP_ECANCELLED when the loop is stopping (then
 * on_done is NOT called). The loop borrows req until on_done. The id used
 * by cmdop__loop_cancel is req->id, assigned on the first submission and
 * kept when the same request is resubmitted (a retry), so one id cancels a
 * logical call whichever attempt is pending. */
int cmdop__loop_submit(cmdop__loop *loop, cmdop__http_req *req, long delay_ms);
/* Cancel a submitted request by id (waiting or in flight): it ends with
 * CMDOP__XFER_CANCELLED. Unknown or finished ids are ignored. Thread-safe. */
void cmdop__loop_cancel(cmdop__loop *loop, uint64_t id);

/* Make every lane re-read its deadlines now (e.g. an idle bound that got
 * shorter). Thread-safe. */
void cmdop__loop_wakeup(cmdop__loop *loop);

/*
 * The synchronous path: one request run to completion on the CALLING
 * thread, with no hand-off to the loop thread (a unary call's transfer;
 * retry_run.c). The client keeps a pool of "sync slots" (a private multi
 * handle, which holds the slot's kept-alive connections, and a reused easy
 * handle); a slot serves one thread at a time and is returned LIFO, so
 * sequential calls reuse one connection. Settings (cmdop__loop_set_net),
 * the debug log line, the insecure-credential check and the error classes
 * are the loop's (http_easy.h). Only for requests without on_data,
 * idle_deadline or may_resume.
 *
 * cmdop__loop_cancel(loop, req->id) reaches a request on a slot too (the
 * transfer or backoff in progress ends as CMDOP__XFER_CANCELLED, msg
 * "cancelled"); cmdop__loop_free cancels every busy slot ("client closed")
 * and waits until each is returned.
 */
typedef struct cmdop__sync cmdop__sync;
/* Take a slot for `req` (assigns req->id when 0, as a submission would).
 * 0 and *out, CMDOP_ECANCELLED when the loop is stopping, CMDOP_ENOMEM. */
int cmdop__sync_begin(cmdop__loop *loop, cmdop__http_req *req, cmdop__sync **out);
/* One attempt of `req` on the slot: on return req->xfer, status, headers
 * and body are set as on_done would see them. */
void cmdop__sync_perform(cmdop__loop *loop, cmdop__sync *s, cmdop__http_req *req);
/* Wait `ms` (a retry's backoff). false when the slot was cancelled. */
bool cmdop__sync_sleep(cmdop__sync *s, long ms);
/* Give the slot back; `s` is not used afterwards. */
void cmdop__sync_end(cmdop__loop *loop, cmdop__sync *s);

/* Milliseconds of a monotonic clock. */
int64_t cmdop__now_ms(void);

#endif /* CMDOP__HTTP_LOOP_H */
