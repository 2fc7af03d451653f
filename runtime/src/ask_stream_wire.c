/*
 * ask_stream_wire.c — the loop-thread half of a stream: response bytes go
 * through the SSE decoder (sse.h) and the op's generated frame decoder
 * (sd->frames, gen/c/src/streams.c) into
 * the stream's queue, in order; the end of a transfer either finishes the
 * stream or, when it dropped before a terminal frame after an event id,
 * resubmits the same POST with Last-Event-ID after a short backoff (a
 * timer on the loop, never a sleep). Nothing here blocks: the caller is
 * woken through the condition variable.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ask_stream_internal.h"
#include "error_internal.h"
#include "client_internal.h"

void cmdop__ask_end_error(cmdop__stream *s, int code, const char *code_str,
                          const char *fmt, ...)
{
    if (s->end != CMDOP__ASK_OPEN)
        return;
    s->end = CMDOP__ASK_END_ERROR;
    s->end_code = code;
    free(s->end_code_str);
    s->end_code_str = code_str ? strdup(code_str) : NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->end_msg, sizeof s->end_msg, fmt, ap);
    va_end(ap);
}

bool cmdop__ask_is_event_stream(const cmdop__http_req *req)
{
    return req->status == 200 && req->event_stream;
}

/* Split "<stream_id>.<seq>" (docs/ask-protocol.md); false when not that shape. */
static bool parse_id(const char *id, char *stream, size_t cap, long long *seq)
{
    const char *dot = strrchr(id, '.');
    if (!dot || dot == id || (size_t)(dot - id) >= cap || !dot[1])
        return false;
    char *end;
    long long v = strtoll(dot + 1, &end, 10);
    if (*end || v < 0)
        return false;
    memcpy(stream, id, (size_t)(dot - id));
    stream[dot - id] = '\0';
    *seq = v;
    return true;
}

/* A replayed frame the caller already has (same stream, seq not beyond the
 * last one queued): a resumed connection should not send it, but a confirm
 * continuation does (it starts after confirm_required, and the ask
 * connection may have delivered more before it was closed); either way the
 * caller must see every frame exactly once. */
static bool seen_before(cmdop__stream *s, const char *id)
{
    char stream[sizeof s->last_stream];
    long long seq;
    if (!parse_id(id, stream, sizeof stream, &seq))
        return false;
    bool same = s->last_seq >= 0 && strcmp(stream, s->last_stream) == 0;
    /* on a fresh connection everything up to the last seq is a replay, as
     * long as replays come; on a connection already past them an equal id
     * is a frame without an id of its own (the SSE last id carries over) */
    if (same && (seq < s->last_seq || (seq == s->last_seq && s->after_resume)))
        return true;
    s->after_resume = false;
    if (!same) /* parse_id kept it shorter than last_stream: a plain copy */
        memcpy(s->last_stream, stream, strlen(stream) + 1);
    s->last_seq = seq;
    return false;
}

static void push(cmdop__stream *s, void *f, const char *id)
{
    size_t n = strlen(id);
    cmdop__ask_item *it = malloc(sizeof *it + n + 1);
    if (!it) {
        s->sd->frames->free(f);
        cmdop__ask_end_error(s, CMDOP_ENOMEM, NULL, "out of memory queueing a frame");
        return;
    }
    it->frame = f;
    it->next = NULL;
    memcpy(it->event_id, id, n + 1);
    if (s->tail)
        s->tail->next = it;
    else
        s->head = it;
    s->tail = it;
    s->queued++;
}

/* The C code a `fails` frame's code ends the stream with (IDL `fails ...
 * map ... else ...`). */
static int error_code_of(const cmdop__stream_desc *sd, const char *code)
{
    for (size_t i = 0; i < sd->n_fail_codes; i++)
        if (strcmp(code, sd->fail_codes[i].code) == 0)
            return sd->fail_codes[i].c_code;
    return sd->fail_else;
}

void cmdop__ask_take_frame(cmdop__stream *s, void *f, const char *id)
{
    const cmdop__stream_desc *sd = s->sd;
    int kind = sd->frames->kind(f);
    if (kind == sd->fails_kind && sd->fail_info) {
        const char *code, *msg;
        sd->fail_info(f, &code, &msg);
        cmdop__ask_end_error(s, error_code_of(sd, code), code, "%s", msg[0] ? msg : code);
        sd->frames->free(f);
        return;
    }
    push(s, f, id);
    if (kind == sd->ends_kind && s->end == CMDOP__ASK_OPEN)
        s->end = CMDOP__ASK_END_DONE;
}

/* SSE event callback: decode, drop replays, queue. Non-zero stops the feed. */
static int on_event(const cmdop__sse_event *ev, void *payload)
{
    cmdop__stream *s = payload;
    void *f = NULL;
    char err[256];
    int rc = s->sd->frames->decode(&f, ev->type, ev->data, ev->data_len, err, sizeof err);
    if (rc) {
        s->fail_code = rc == CMDOP_ENOMEM ? CMDOP_ENOMEM : CMDOP_EINTERNAL;
        snprintf(s->fail_msg, sizeof s->fail_msg, "malformed %s frame (after event id '%s'): %s",
                 s->sd->op->name, ev->id, err);
        return rc;
    }
    if (seen_before(s, ev->id)) {
        s->sd->frames->free(f);
        return 0;
    }
    s->attempts = 0; /* progress: a later drop may resume again */
    pthread_mutex_lock(&s->mu);
    cmdop__ask_take_frame(s, f, ev->id);
    cmdop__ask_signal(s);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

size_t cmdop__ask_feed(cmdop__stream *s, const char *data, size_t len)
{
    int rc = cmdop__sse_feed(s->sse, data, len, on_event, s);
    if (rc && !s->fail_code) {
        s->fail_code = rc == CMDOP_ENOMEM ? CMDOP_ENOMEM : CMDOP_EINTERNAL;
        snprintf(s->fail_msg, sizeof s->fail_msg, "%s stream: %s", s->sd->op->name,
                 cmdop__sse_strerror(s->sse));
    }
    return rc ? 0 : len; /* 0 aborts the transfer */
}

/* While a /confirm is pending, the bytes of the connection it would
 * replace are held back, not decoded (mu held): the official core reads
 * nothing more from the ask connection once it sent /confirm, and the
 * /confirm answer repeats whatever comes meanwhile. They are dropped when
 * the answer takes over, and decoded when it does not (a 404, say). True
 * when `data` was held; when the hold would grow past its bound, false with
 * *flush the held bytes to decode first (holding gives up, nothing is lost). */
static bool hold(cmdop__stream *s, const char *data, size_t len, cmdop__strbuf *flush)
{
    if (s->cont_state != CMDOP__CONT_PENDING)
        return false;
    if (s->held.len + len > CMDOP__ASK_MAX_HELD) {
        *flush = s->held;
        s->held = (cmdop__strbuf)CMDOP__STRBUF_INIT;
        return false;
    }
    cmdop__sb_append(&s->held, data, len);
    if (s->held.failed) {
        cmdop__sb_free(&s->held);
        cmdop__ask_end_error(s, CMDOP_ENOMEM, NULL, "out of memory holding the stream");
    }
    return true;
}

size_t cmdop__ask_on_data(cmdop__http_req *req, const char *data, size_t len, void *payload)
{
    cmdop__stream *s = payload;
    pthread_mutex_lock(&s->mu);
    if (req != s->req) {
        /* retired (a confirm continuation took over): its frames come from
         * the current connection; stop this transfer (its cancel is on
         * the way anyway) */
        pthread_mutex_unlock(&s->mu);
        return 0;
    }
    bool ended = s->end != CMDOP__ASK_OPEN || s->cancelled;
    if (!ended && s->queued >= CMDOP__ASK_MAX_QUEUED && cmdop__ask_is_event_stream(req)) {
        /* the reader is behind: keep this chunk in curl and pause the
         * transfer until it catches up (cmdop__ask_may_resume) */
        s->paused = true;
        pthread_mutex_unlock(&s->mu);
        return CMDOP__HTTP_PAUSE;
    }
    s->last_rx_ms = cmdop__now_ms();
    if (!s->end_request_id && req->request_id)
        s->end_request_id = strdup(req->request_id);
    cmdop__strbuf flush = CMDOP__STRBUF_INIT;
    bool held = !ended && cmdop__ask_is_event_stream(req) && hold(s, data, len, &flush);
    pthread_mutex_unlock(&s->mu);
    if (held)
        return len;
    if (flush.len) {
        /* too much held: what was held goes first, in order */
        size_t n = cmdop__ask_feed(s, flush.s, flush.len);
        size_t want = flush.len;
        cmdop__sb_free(&flush);
        if (n != want)
            return 0;
    }
    if (!cmdop__ask_is_event_stream(req)) {
        /* an error answer (or not a stream at all): keep its head for the
         * error message; the rest is not needed */
        if (s->err_body.len < CMDOP__ASK_MAX_ERR_BODY)
            cmdop__sb_append(&s->err_body, data,
                             len < CMDOP__ASK_MAX_ERR_BODY ? len : CMDOP__ASK_MAX_ERR_BODY);
        return len;
    }
    if (ended)
        return len; /* after a terminal frame the relay closes; ignore the rest */
    return cmdop__ask_feed(s, data, len);
}

bool cmdop__ask_may_resume(cmdop__http_req *req, void *payload)
{
    cmdop__stream *s = payload;
    pthread_mutex_lock(&s->mu);
    bool go = req != s->req || s->queued <= CMDOP__ASK_LOW_QUEUED ||
              s->end != CMDOP__ASK_OPEN || s->cancelled;
    if (go) {
        s->paused = false;
        s->last_rx_ms = cmdop__now_ms(); /* the idle clock starts again */
    }
    pthread_mutex_unlock(&s->mu);
    return go;
}

int64_t cmdop__ask_idle_deadline(cmdop__http_req *req, void *payload)
{
    cmdop__stream *s = payload;
    pthread_mutex_lock(&s->mu);
    int64_t at = 0;
    /* while a /confirm is pending its own clock bounds the wait: the
     * connection it would replace may well fall silent */
    if (req == s->req && s->end == CMDOP__ASK_OPEN && s->cont_state != CMDOP__CONT_PENDING)
        at = s->last_rx_ms + s->idle_ms;
    else if (req == s->cont)
        at = s->cont_rx_ms + s->idle_ms; /* a pending /confirm: its own clock */
    pthread_mutex_unlock(&s->mu);
    return at;
}

/* The request a resume sends, under mu: the ask POST itself, or after a
 * confirm continuation (whose /confirm cannot be repeated: its token is
 * spent) a fresh copy of the ask POST, which becomes the current
 * connection. `req` (the finished current one) may be freed. NULL when out
 * of memory. */
static cmdop__http_req *resume_vehicle(cmdop__stream *s, cmdop__http_req *req)
{
    if (s->req_is_ask)
        return req;
    cmdop__http_req *next = cmdop__ask_req_copy(s->tmpl);
    if (!next)
        return NULL;
    next->on_data = cmdop__ask_on_data;
    next->may_resume = cmdop__ask_may_resume;
    next->on_done = cmdop__ask_on_done;
    next->idle_deadline = cmdop__ask_idle_deadline;
    next->payload = s;
    cmdop__http_req_free(req); /* in its on_done: the loop let go of it */
    s->req = next;
    s->req_is_ask = true;
    return next;
}

/* Resubmit with Last-Event-ID, under mu. false when resuming is impossible
 * (the end is then recorded). */
static bool try_resume(cmdop__stream *s, cmdop__http_req *req, const char *why)
{
    const char *id = cmdop__sse_last_id(s->sse); /* borrowed until the next finish */
    if (!id[0]) {
        cmdop__ask_end_error(s, CMDOP_ECONNECTION, NULL,
                             "%s stream lost before any event id, cannot resume: %s",
                             s->sd->op->name, why);
        return false;
    }
    if (s->attempts >= CMDOP__ASK_MAX_RESUMES) {
        cmdop__ask_end_error(s, CMDOP_ECONNECTION, NULL,
                             "%s stream lost after event id '%s'; gave up after %u resume "
                             "attempts: %s", s->sd->op->name, id, s->attempts, why);
        return false;
    }
    /* the server's `retry` (if any) is the base; doubled per failed attempt */
    long base = cmdop__sse_retry(s->sse) >= 0 ? cmdop__sse_retry(s->sse) : CMDOP__ASK_RESUME_BASE_MS;
    if (base > CMDOP__ASK_RESUME_CAP_MS)
        base = CMDOP__ASK_RESUME_CAP_MS;
    long delay = base << s->attempts;
    if (delay > CMDOP__ASK_RESUME_CAP_MS)
        delay = CMDOP__ASK_RESUME_CAP_MS;
    s->attempts++;
    if (!(req = resume_vehicle(s, req)) || cmdop__ask_set_header(req, "Last-Event-ID", id) != 0) {
        cmdop__ask_end_error(s, CMDOP_ENOMEM, NULL, "out of memory resuming the stream");
        return false;
    }
    cmdop__debug_log_printf(s->client->log, "%s %s: stream dropped (%s); resuming from %s in %ld ms",
                            req->method, req->url, why, id, delay);
    cmdop__sse_finish(s->sse, NULL); /* drop a partial event; the last id stays */
    cmdop__sb_free(&s->err_body);
    cmdop__sb_free(&s->held); /* the new connection replays from the last id */
    cmdop__http_req_reset_response(req);
    s->resumes++;
    s->after_resume = true;
    s->last_rx_ms = cmdop__now_ms() + delay; /* the backoff is not idleness */
    if (cmdop__loop_submit(s->client->loop, req, delay) != 0) {
        cmdop__ask_end_error(s, CMDOP_ECANCELLED, NULL, "client closed");
        return false;
    }
    s->req_id = req->id; /* a fresh copy got a new id */
    return true;
}

/* Why a transfer that ended without a terminal frame ended. */
static void drop_reason(const cmdop__http_req *req, char *buf, size_t cap)
{
    if (req->xfer == CMDOP__XFER_OK)
        snprintf(buf, cap, "connection closed before a terminal frame");
    else
        snprintf(buf, cap, "%s", req->xfer_msg[0] ? req->xfer_msg : "transport failure");
}

/* Decide the outcome of a finished transfer, under mu. Returns true when
 * the request was resubmitted (still in flight). */
static bool settle(cmdop__stream *s, cmdop__http_req *req)
{
    if (s->end != CMDOP__ASK_OPEN)
        return false;
    if (s->cancelled) {
        cmdop__ask_end_error(s, CMDOP_ECANCELLED, NULL, "%s stream cancelled", s->sd->op->name);
        return false;
    }
    /* the loop closed the connection: no byte for idle_ms (a stream's
     * request has no overall timeout, so TIMEOUT can only be idleness) */
    if (req->xfer == CMDOP__XFER_TIMEOUT) {
        s->idle_fired = true;
        cmdop__ask_end_error(s, CMDOP_ETIMEOUT, NULL, "%s stream idle: no byte for %ld ms",
                             s->sd->op->name, s->idle_ms);
        return false;
    }
    if (s->fail_code) {
        cmdop__ask_end_error(s, s->fail_code, NULL, "%s", s->fail_msg);
        return false;
    }
    if (req->xfer == CMDOP__XFER_CANCELLED) {
        cmdop__ask_end_error(s, CMDOP_ECANCELLED, NULL, "client closed");
        return false;
    }
    if (req->xfer == CMDOP__XFER_NOMEM) {
        cmdop__ask_end_error(s, CMDOP_ENOMEM, NULL, "out of memory in the HTTP loop");
        return false;
    }
    if (req->xfer == CMDOP__XFER_TLS) {
        /* a certificate failure is never resumed (nor retried): its own
         * code, with the unary calls' message (error_map.c) */
        cmdop__error_from_xfer(req->xfer, req->xfer_msg, req->method, req->url);
        const cmdop_error *e = cmdop_error_last();
        cmdop__ask_end_error(s, CMDOP_ETLS, NULL, "%s",
                             e ? e->message : "TLS certificate verification failed");
        return false;
    }
    bool resuming = cmdop__http_req_header_get(req, "Last-Event-ID") != NULL;
    if (resuming && cmdop__error_code_for_status(req->status) == CMDOP_ECONFLICT) {
        cmdop__ask_end_error(s, CMDOP_ECONNECTION, NULL,
                             "%s stream lost and the relay cannot resume it (%ld %s)",
                             s->sd->op->name, req->status, s->err_body.s ? s->err_body.s : "");
        return false;
    }
    if (req->status != 0 && req->status != 200) {
        s->end = CMDOP__ASK_END_HTTP; /* mapped on the caller's thread */
        return false;
    }
    if (req->status == 200 && !cmdop__ask_is_event_stream(req)) {
        cmdop__ask_end_error(s, CMDOP_EINTERNAL, NULL,
                             "%s answered 200 with Content-Type '%s', not text/event-stream",
                             s->sd->op->name, req->content_type ? req->content_type : "");
        return false;
    }
    if (s->cont_state == CMDOP__CONT_PENDING) {
        /* dropped or ended (its last bytes may be held) while a /confirm
         * is pending: the answer decides, cmdop__ask_unpark */
        s->parked = true;
        return true;
    }
    char why[300];
    drop_reason(req, why, sizeof why);
    return try_resume(s, req, why);
}

void cmdop__ask_unpark(cmdop__stream *s, const cmdop__strbuf *held)
{
    if (held->len)
        cmdop__ask_feed(s, held->s, held->len);
    pthread_mutex_lock(&s->mu);
    if (s->parked) {
        s->parked = false;
        if (!settle(s, s->req))
            s->in_flight = false;
        cmdop__ask_signal(s);
    }
    pthread_mutex_unlock(&s->mu);
}

void cmdop__ask_on_done(cmdop__http_req *req, void *payload)
{
    cmdop__stream *s = payload;
    if (cmdop__ask_reap_retired(s, req))
        return;
    pthread_mutex_lock(&s->mu);
    if (!s->end_request_id && req->request_id)
        s->end_request_id = strdup(req->request_id);
    if (!settle(s, req))
        s->in_flight = false; /* the loop let go of req for good */
    cmdop__ask_signal(s);
    pthread_mutex_unlock(&s->mu);
}
