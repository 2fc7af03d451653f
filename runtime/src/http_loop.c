/*
 * http_loop.c — the event-loop thread (see http_loop.h for the model).
 *
 * Lists: `incoming` (any thread, under `mu`) holds fresh submissions; the
 * loop moves each one either into the multi handle (`active`) or, when its
 * start lies in the future (a retry's backoff), into `timers`, sorted by
 * start time. `active` and `timers` are touched by the loop thread only, so
 * retries wait as timers and never block the thread.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <curl/curl.h>

#include "cmdop/error.h"
#include "call.h"
#include "debug_log.h"
#include "http_loop.h"
#include "port.h"

#define LOOP_IDLE_POLL_MS 1000
#define MAX_BUFFERED_BODY CMDOP__HTTP_MAX_BODY

struct cmdop__loop {
    pthread_t thread;
    pthread_mutex_t mu;
    CURLM *multi;
    /* under mu */
    cmdop__http_req *in_head, *in_tail;
    uint64_t *cancels;
    size_t n_cancels, cap_cancels;
    bool stop;
    uint64_t next_id;
    /* loop thread only */
    cmdop__http_req *timers;
    cmdop__http_req *active;
    const cmdop__net *net;        /* borrowed; NULL = defaults */
};

int64_t cmdop__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- curl io */

_Static_assert(CMDOP__HTTP_PAUSE == CURL_WRITEFUNC_PAUSE, "CMDOP__HTTP_PAUSE is curl's pause");

static size_t on_body(char *data, size_t size, size_t nmemb, void *p)
{
    cmdop__http_req *req = p;
    size_t len = size * nmemb;
    if (req->on_data) {
        size_t n = req->on_data(req, data, len, req->payload);
        if (n == CMDOP__HTTP_PAUSE)
            req->paused = req->may_resume != NULL; /* no way back: abort instead */
        return n == CMDOP__HTTP_PAUSE && !req->may_resume ? 0 : n;
    }
    if (req->resp_len + len + 1 > MAX_BUFFERED_BODY) {
        req->over_cap = true;
        return 0;
    }
    if (req->resp_len + len + 1 > req->resp_cap) {
        size_t cap = req->resp_cap ? req->resp_cap : 4096;
        while (cap < req->resp_len + len + 1)
            cap *= 2;
        char *b = realloc(req->resp_body, cap);
        if (!b)
            return 0;
        req->resp_body = b;
        req->resp_cap = cap;
    }
    memcpy(req->resp_body + req->resp_len, data, len);
    req->resp_len += len;
    req->resp_body[req->resp_len] = '\0';
    return len;
}

static void keep_header(char **slot, const char *v, size_t n)
{
    free(*slot);
    *slot = cmdop__port_strndup(v, n);
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *p)
{
    cmdop__http_req *req = p;
    size_t len = size * nmemb;
    size_t n = len;
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
        n--;
    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* A new response (after a 1xx): forget headers of the previous one. */
        const char *sp = memchr(line, ' ', n);
        req->status = sp ? strtol(sp + 1, NULL, 10) : 0;
        free(req->request_id);
        free(req->retry_after);
        free(req->content_type);
        req->request_id = req->retry_after = req->content_type = NULL;
        return len;
    }
    const char *colon = memchr(line, ':', n);
    if (!colon)
        return len;
    size_t name_len = (size_t)(colon - line);
    const char *v = colon + 1;
    while (v < line + n && (*v == ' ' || *v == '\t'))
        v++;
    size_t vlen = (size_t)(line + n - v);
    static const struct { const char *name; size_t off; } k_keep[] = {
        {"x-request-id", offsetof(cmdop__http_req, request_id)},
        {"retry-after", offsetof(cmdop__http_req, retry_after)},
        {"content-type", offsetof(cmdop__http_req, content_type)},
    };
    for (size_t i = 0; i < sizeof k_keep / sizeof k_keep[0]; i++)
        if (strlen(k_keep[i].name) == name_len && strncasecmp(line, k_keep[i].name, name_len) == 0)
            keep_header((char **)((char *)req + k_keep[i].off), v, vlen);
    return len;
}

/* ------------------------------------------------------------ lifecycle */

static void list_remove(cmdop__http_req **head, cmdop__http_req *req)
{
    for (cmdop__http_req **pp = head; *pp; pp = &(*pp)->next)
        if (*pp == req) {
            *pp = req->next;
            req->next = NULL;
            return;
        }
}

/* Detach req from curl and report it; req is not touched afterwards. */
static void finish(cmdop__loop *l, cmdop__http_req *req, cmdop__xfer xfer, const char *msg)
{
    if (req->easy) {
        curl_multi_remove_handle(l->multi, req->easy);
        curl_easy_cleanup(req->easy);
        req->easy = NULL;
    }
    curl_slist_free_all(req->slist);
    req->slist = NULL;
    req->next = NULL;
    req->xfer = xfer;
    if (xfer != CMDOP__XFER_OK && msg && !req->xfer_msg[0])
        snprintf(req->xfer_msg, sizeof req->xfer_msg, "%s", msg);
    req->on_done(req, req->payload);
}

/* A credential over plain http:// to a host that is not loopback is refused
 * unless the user opted in (CMDOP_ALLOW_INSECURE_HTTP=1). */
static bool insecure_credential(const cmdop__loop *l, const cmdop__http_req *req)
{
    if (l->net && l->net->allow_insecure_http)
        return false;
    if (strncasecmp(req->url, "http://", 7) != 0 || cmdop__url_is_loopback(req->url))
        return false;
    /* any plane's credential header (the IDL's, cmdop__planes) */
    for (const cmdop__plane_desc *p = cmdop__planes; p->name; p++)
        if (cmdop__http_req_header_get(req, p->auth_header))
            return true;
    return false;
}

/* TLS, redirects and proxies, set explicitly on every transfer. */
static void apply_net(const cmdop__loop *l, CURL *e, const char *url)
{
    const cmdop__net *n = l->net;
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    /* Redirects are never followed, so no credential reaches another host. */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    if (n && n->ca_file)
        curl_easy_setopt(e, CURLOPT_CAINFO, n->ca_file);
    if (n && n->ca_dir)
        curl_easy_setopt(e, CURLOPT_CAPATH, n->ca_dir);
    /* "" turns libcurl's own reading of *_proxy off: our resolution rules. */
    const char *proxy = NULL;
    if (n)
        proxy = strncasecmp(url, "https://", 8) == 0 ? n->https_proxy : n->http_proxy;
    curl_easy_setopt(e, CURLOPT_PROXY, proxy ? proxy : "");
    curl_easy_setopt(e, CURLOPT_NOPROXY, n && n->no_proxy ? n->no_proxy : "");
}

static void start(cmdop__loop *l, cmdop__http_req *req)
{
    if (l->net && l->net->log) {
        char u[512];
        cmdop__url_redact(req->url, u, sizeof u);
        cmdop__debug_log_printf(l->net->log, "request: %s %s", req->method, u);
    }
    if (insecure_credential(l, req)) {
        snprintf(req->xfer_msg, sizeof req->xfer_msg,
                 "refusing to send a credential over plain http:// to a host that is "
                 "not loopback; use https://, or set CMDOP_ALLOW_INSECURE_HTTP=1");
        finish(l, req, CMDOP__XFER_INSECURE, NULL);
        return;
    }
    CURL *e = curl_easy_init();
    struct curl_slist *sl = NULL;
    bool ok = e != NULL;
    req->paused = false;
    for (size_t i = 0; ok && i < req->n_headers; i++) {
        struct curl_slist *t = curl_slist_append(sl, req->headers[i]);
        ok = t != NULL;
        if (t)
            sl = t;
    }
    if (ok) {
        /* No "Expect: 100-continue" round trip for small JSON bodies. */
        struct curl_slist *t = curl_slist_append(sl, "Expect:");
        ok = t != NULL;
        if (t)
            sl = t;
    }
    if (ok && !req->body) {
        /* A bodiless POST would otherwise carry libcurl's default
         * "Content-Type: application/x-www-form-urlencoded". */
        struct curl_slist *t = curl_slist_append(sl, "Content-Type:");
        ok = t != NULL;
        if (t)
            sl = t;
    }
    if (!ok) {
        if (e)
            curl_easy_cleanup(e);
        curl_slist_free_all(sl);
        finish(l, req, CMDOP__XFER_NOMEM, "out of memory");
        return;
    }
    req->easy = e;
    req->slist = sl;
    req->xfer_msg[0] = '\0';
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, sl);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
    curl_easy_setopt(e, CURLOPT_PRIVATE, req);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->xfer_msg);
    /* a stream's receive buffer: libcurl keeps one per connection (16 KiB by
     * default), which thousands of open streams pay for each; SSE frames are
     * small and a read loops while data is there (docs/performance.md) */
    if (req->on_data)
        curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 4096L);
    apply_net(l, e, req->url);
    if (req->timeout_ms > 0)
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else {
        if (strcmp(req->method, "POST") != 0)
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
        if (req->body || strcmp(req->method, "POST") == 0) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        }
    }
    if (curl_multi_add_handle(l->multi, e) != CURLM_OK) {
        finish(l, req, CMDOP__XFER_NOMEM, "curl_multi_add_handle failed");
        return;
    }
    req->next = l->active;
    l->active = req;
}

static cmdop__xfer classify(cmdop__http_req *req, CURLcode rc)
{
    switch (rc) {
    case CURLE_OK: return CMDOP__XFER_OK;
    case CURLE_OPERATION_TIMEDOUT: return CMDOP__XFER_TIMEOUT;
    case CURLE_OUT_OF_MEMORY: return CMDOP__XFER_NOMEM;
    case CURLE_ABORTED_BY_CALLBACK: return CMDOP__XFER_CANCELLED;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return CMDOP__XFER_TLS;   /* retrying cannot make a certificate valid */
    case CURLE_WRITE_ERROR:
        if (req->over_cap)
            return CMDOP__XFER_TOO_BIG;
        /* a streaming sink said stop; a buffered body only fails on size */
        return req->on_data ? CMDOP__XFER_CANCELLED : CMDOP__XFER_NOMEM;
    default: return CMDOP__XFER_CONNECTION;
    }
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
    cmdop__http_req **lists[] = {&l->active, &l->timers};
    for (size_t k = 0; k < 2; k++)
        for (cmdop__http_req *r = *lists[k]; r; r = r->next)
            if (r->id == id) {
                list_remove(lists[k], r);
                finish(l, r, CMDOP__XFER_CANCELLED, "cancelled");
                return true;
            }
    return false;
}

static void cancel_all(cmdop__loop *l)
{
    while (l->active) {
        cmdop__http_req *r = l->active;
        l->active = r->next;
        finish(l, r, CMDOP__XFER_CANCELLED, "client closed");
    }
    while (l->timers) {
        cmdop__http_req *r = l->timers;
        l->timers = r->next;
        finish(l, r, CMDOP__XFER_CANCELLED, "client closed");
    }
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
        list_remove(&l->active, req);
        if (rc == CURLE_OK) {
            long st = 0;
            curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &st);
            req->status = st;
        }
        finish(l, req, classify(req, rc), curl_easy_strerror(rc));
    }
}

/* Resume every paused request whose sink has room again (http_loop.h
 * CMDOP__HTTP_PAUSE); libcurl may deliver the kept chunk right here. */
static void check_paused(cmdop__loop *l)
{
    for (cmdop__http_req *r = l->active; r; r = r->next)
        if (r->paused && r->may_resume(r, r->payload)) {
            r->paused = false;
            curl_easy_pause(r->easy, CURLPAUSE_CONT);
        }
}

/* Close every active request whose idle deadline has passed (it ends as
 * CMDOP__XFER_TIMEOUT) and return the earliest deadline still ahead, or 0.
 * A paused request is not idle: its reader is slow, not the server. */
static int64_t check_idle(cmdop__loop *l)
{
    int64_t next = 0;
    cmdop__http_req **pp = &l->active;
    while (*pp) {
        cmdop__http_req *r = *pp;
        int64_t d = r->idle_deadline && !r->paused ? r->idle_deadline(r, r->payload) : 0;
        if (d > 0 && d <= cmdop__now_ms()) {
            *pp = r->next;
            r->next = NULL;
            finish(l, r, CMDOP__XFER_TIMEOUT, "idle: no byte within the idle timeout");
            continue;
        }
        if (d > 0 && (next == 0 || d < next))
            next = d;
        pp = &r->next;
    }
    return next;
}

static void *loop_main(void *arg)
{
    cmdop__loop *l = arg;
    for (;;) {
        cmdop__http_req *in;
        uint64_t *cancels;
        size_t n_cancels;
        bool stop = take_queue(l, &in, &cancels, &n_cancels);
        while (in) {
            cmdop__http_req *r = in;
            in = r->next;
            r->next = NULL;
            timer_insert(l, r);
        }
        for (size_t i = 0; i < n_cancels; i++)
            cancel_one(l, cancels[i]);
        free(cancels);
        if (stop) {
            cancel_all(l);
            break;
        }
        int64_t now = cmdop__now_ms();
        while (l->timers && l->timers->not_before_ms <= now) {
            cmdop__http_req *r = l->timers;
            l->timers = r->next;
            r->next = NULL;
            start(l, r);
        }
        check_paused(l);
        int running = 0;
        curl_multi_perform(l->multi, &running);
        reap(l);
        int64_t idle_at = check_idle(l);
        long wait = LOOP_IDLE_POLL_MS;
        if (l->timers) {
            int64_t d = l->timers->not_before_ms - cmdop__now_ms();
            wait = d < 0 ? 0 : d < wait ? (long)d : wait;
        }
        if (idle_at > 0) {
            int64_t d = idle_at - cmdop__now_ms();
            wait = d < 0 ? 0 : d < wait ? (long)d : wait;
        }
        curl_multi_poll(l->multi, NULL, 0, (int)wait, NULL);
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
    if (!l->multi || pthread_mutex_init(&l->mu, NULL) != 0) {
        if (l->multi)
            curl_multi_cleanup(l->multi);
        free(l);
        cmdop__error_set(CMDOP_EINTERNAL, 0, NULL, NULL, "cannot create the HTTP loop");
        return NULL;
    }
    l->next_id = 1;
    int rc = pthread_create(&l->thread, NULL, loop_main, l);
    if (rc != 0) {
        pthread_mutex_destroy(&l->mu);
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
    pthread_mutex_unlock(&l->mu);
    curl_multi_wakeup(l->multi);
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
    curl_multi_wakeup(l->multi);
    return 0;
}

void cmdop__loop_set_net(cmdop__loop *l, const cmdop__net *net)
{
    l->net = net;
}

void cmdop__loop_wakeup(cmdop__loop *l)
{
    curl_multi_wakeup(l->multi);
}

void cmdop__loop_cancel(cmdop__loop *l, uint64_t id)
{
    pthread_mutex_lock(&l->mu);
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
    curl_multi_wakeup(l->multi);
}
