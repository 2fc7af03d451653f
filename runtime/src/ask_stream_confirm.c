/*
 * ask_stream_confirm.c — the continuation of a stream by a side channel's
 * answer (IDL `continues`; machines.ask's confirm, docs/ask-protocol.md
 * "Confirm"). The hosted relay answers POST .../confirm with the REST OF THE
 * STREAM as text/event-stream, and the official core reads it from there
 * and closes the ask connection. So such a POST is not a unary call: it
 * is submitted on the loop like the stream's POST, and when its answer turns
 * out to be an event stream it becomes the stream's current connection (the
 * first connection is retired). A 2xx answer that is not an event stream
 * stands for the channel's `rejected` frame (machines.ask: the official
 * core's `done` {success: false, text: "confirm rejected"}), which ends the
 * stream. An HTTP error
 * or a transport failure leaves the stream on its connection; the waiting
 * caller gets the error (the stdio server, which does not wait, a debug log
 * line).
 *
 * Everything below `---- loop side ----` runs on the loop thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ask_stream_internal.h"
#include "call_internal.h"
#include "client_internal.h"
#include "error_internal.h"
#include "validate.h"

/* The official core's Accept on /confirm (recorded by the relay). */
#define CONFIRM_ACCEPT "text/event-stream, application/json"

/* ---- loop side ---- */

bool cmdop__ask_reap_retired(cmdop__stream *s, cmdop__http_req *req)
{
    pthread_mutex_lock(&s->mu);
    bool retired = req != s->req && req != s->cont;
    if (retired) {
        /* the loop let go of it: nobody else holds it */
        cmdop__http_req_free(req);
        s->retiring--;
        cmdop__ask_signal(s);
    }
    pthread_mutex_unlock(&s->mu);
    return retired;
}

/* Close the current connection for good (mu held): cancelled on the loop,
 * freed by its on_done. */
static void retire_current(cmdop__stream *s)
{
    if (s->parked) {
        cmdop__http_req_free(s->req); /* ended while parked: the loop let go */
        s->parked = false;
    } else if (s->req && s->in_flight) {
        cmdop__loop_cancel(s->client->loop, s->req_id);
        s->retiring++;
    } else {
        cmdop__http_req_free(s->req); /* not held by the loop */
    }
    s->req = NULL;
    s->in_flight = false;
}

/* The /confirm answer is an event stream: it becomes the current
 * connection (mu held). Its first frames repeat what the ask connection may
 * already have delivered; seen_before drops those. */
static void take_over(cmdop__stream *s, cmdop__http_req *req)
{
    retire_current(s);
    s->req = req;
    s->req_id = s->cont_id;
    s->req_is_ask = false;
    /* held by the loop until its on_done, which settles it as any current
     * connection (resume, end) */
    s->in_flight = true;
    s->cont = NULL;
    s->cont_busy = false;
    s->cont_state = CMDOP__CONT_TAKEN;
    s->last_rx_ms = cmdop__now_ms();
    s->after_resume = true;
    /* a partial event of the old connection must not prefix the new one;
     * the last event id stays (a resume starts from it) */
    cmdop__sse_finish(s->sse, NULL);
    cmdop__sb_free(&s->err_body);
    cmdop__sb_free(&s->held); /* the answer repeats them */
    cmdop__debug_log_printf(s->client->log, "%s %s: the stream continues on the confirm answer",
                            req->method, req->url);
}

/* A 2xx answer that is not an event stream (mu held): the official core's
 * rejected confirm. The ask connection is closed as the official core does. */
static void take_json(cmdop__stream *s)
{
    const char *rejected = s->cont_ch ? s->cont_ch->rejected_json : NULL;
    void *f = NULL;
    char err[128];
    if (!rejected) {
        cmdop__ask_end_error(s, CMDOP_EINTERNAL, NULL, "%s: the %s answer is not an event stream",
                             s->sd->op->name, s->cont_ch ? s->cont_ch->name : "channel");
    } else if (s->sd->frames->decode(&f, NULL, rejected, strlen(rejected), err, sizeof err) != 0) {
        cmdop__ask_end_error(s, CMDOP_ENOMEM, NULL, "out of memory ending a rejected %s",
                             s->cont_ch->name);
    } else {
        cmdop__ask_take_frame(s, f, "");
    }
    retire_current(s);
    cmdop__sb_free(&s->held); /* the official core never reads them */
    s->cont_state = CMDOP__CONT_TAKEN;
}

size_t cmdop__ask_cont_on_data(cmdop__http_req *req, const char *data, size_t len, void *payload)
{
    cmdop__stream *s = payload;
    pthread_mutex_lock(&s->mu);
    if (req != s->cont) {
        /* current (taken over) or retired: the ordinary path decides */
        pthread_mutex_unlock(&s->mu);
        return cmdop__ask_on_data(req, data, len, payload);
    }
    s->cont_rx_ms = cmdop__now_ms();
    bool open = s->end == CMDOP__ASK_OPEN && !s->cancelled;
    bool sse = cmdop__ask_is_event_stream(req);
    if (open && sse) {
        take_over(s, req);
        cmdop__ask_signal(s);
        pthread_mutex_unlock(&s->mu);
        return cmdop__ask_on_data(req, data, len, payload);
    }
    /* keep the head of a JSON or error answer (an error is mapped for the
     * caller even when the stream is over) */
    if (!sse && s->cont_body.len < CMDOP__ASK_MAX_ERR_BODY)
        cmdop__sb_append(&s->cont_body, data,
                         len < CMDOP__ASK_MAX_ERR_BODY ? len : CMDOP__ASK_MAX_ERR_BODY);
    /* a continuation of a stream that is over, or a cancel: stop it */
    bool stop = sse || s->cancelled;
    pthread_mutex_unlock(&s->mu);
    return stop ? 0 : len;
}

/* A pending /confirm ended (mu held). True when it took the stream over
 * and must now be settled as the current connection. */
static bool settle_cont(cmdop__stream *s, cmdop__http_req *req)
{
    s->cont_busy = false;
    bool open = s->end == CMDOP__ASK_OPEN;
    bool ok2xx = req->xfer == CMDOP__XFER_OK && req->status >= 200 && req->status < 300;
    if (s->cancelled) {
        s->cont_state = CMDOP__CONT_LATE;
    } else if (open && cmdop__ask_is_event_stream(req)) {
        /* no byte came: it dropped or ended empty; settling it as the
         * current connection resumes or ends the stream */
        take_over(s, req);
        return true;
    } else if (!open && (ok2xx || cmdop__ask_is_event_stream(req))) {
        s->cont_state = CMDOP__CONT_LATE; /* nothing left to continue */
    } else if (ok2xx) {
        take_json(s);
    } else {
        s->cont_state = CMDOP__CONT_FAILED;
        s->last_rx_ms = cmdop__now_ms(); /* the connection's idle bound is back */
        return false; /* cont is kept for the waiter (or logged below) */
    }
    s->cont = NULL;
    cmdop__http_req_free(req);
    cmdop__sb_free(&s->cont_body);
    return false;
}

/* Nobody waits for a failed /confirm (the stdio server): log it, drop it. */
static void drop_failed(cmdop__stream *s)
{
    cmdop__http_req *r = s->cont;
    if (r->xfer != CMDOP__XFER_OK)
        cmdop__debug_log_printf(s->client->log, "%s %s: confirm not sent: %s", r->method, r->url,
                                r->xfer_msg[0] ? r->xfer_msg : "transport failure");
    else
        cmdop__debug_log_printf(s->client->log, "%s %s: confirm answered %ld: %.200s", r->method,
                                r->url, r->status, s->cont_body.s ? s->cont_body.s : "");
    cmdop__http_req_free(r);
    s->cont = NULL;
    cmdop__sb_free(&s->cont_body);
    s->cont_state = CMDOP__CONT_NONE;
}

/* The bytes held while the /confirm was pending, when it did not take
 * over (mu held): NEW buffer to decode now, in order, if the connection
 * they came from is still the current one and open. */
static cmdop__strbuf release_held(cmdop__stream *s)
{
    cmdop__strbuf out = CMDOP__STRBUF_INIT;
    if (s->in_flight && s->end == CMDOP__ASK_OPEN && !s->cancelled)
        out = s->held;
    else
        cmdop__sb_free(&s->held);
    s->held = (cmdop__strbuf)CMDOP__STRBUF_INIT;
    return out;
}

void cmdop__ask_cont_on_done(cmdop__http_req *req, void *payload)
{
    cmdop__stream *s = payload;
    pthread_mutex_lock(&s->mu);
    if (req != s->cont) {
        pthread_mutex_unlock(&s->mu);
        cmdop__ask_on_done(req, payload); /* current or retired */
        return;
    }
    bool current = settle_cont(s, req);
    cmdop__strbuf held = current ? (cmdop__strbuf)CMDOP__STRBUF_INIT : release_held(s);
    bool parked = s->parked;
    if (s->cont_state == CMDOP__CONT_FAILED && !s->cont_waiter)
        drop_failed(s);
    else if (s->cont_state == CMDOP__CONT_LATE && !s->cont_waiter)
        s->cont_state = CMDOP__CONT_NONE;
    cmdop__ask_signal(s);
    pthread_mutex_unlock(&s->mu);
    if (current)
        cmdop__ask_on_done(req, payload);
    /* the current connection is in flight or parked (release_held checked
     * in_flight) and only this thread could end it, so s is alive here */
    if (held.len || parked)
        cmdop__ask_unpark(s, &held);
    cmdop__sb_free(&held);
}

/* ---- caller side ---- */

/* The validated /confirm request for `args` (borrowed), callbacks set. */
static int build_confirm(cmdop__stream *s, const cmdop__op_desc *op, const json_t *args,
                         cmdop__http_req **out)
{
    cmdop_client *c = s->client;
    json_t *a = NULL;
    int rc = cmdop__validate_args(op, args, c->cfg.fleet_id, &a);
    if (!rc && !cmdop__plane_base_url(c, op->plane))
        rc = cmdop__no_base_url(op);
    else if (!rc && !cmdop__plane_credential(c, op->plane))
        rc = cmdop__no_credential(op);
    if (!rc)
        rc = cmdop__ask_build_post(c, op, a, CONFIRM_ACCEPT, out);
    json_decref(a);
    if (rc)
        return rc;
    (*out)->on_data = cmdop__ask_cont_on_data;
    (*out)->may_resume = cmdop__ask_may_resume; /* once taken over it may pause */
    (*out)->on_done = cmdop__ask_cont_on_done;
    (*out)->idle_deadline = cmdop__ask_idle_deadline;
    (*out)->payload = s;
    (*out)->lane = s->tmpl->lane; /* the stream's loop thread */
    return 0;
}

/* Build and submit the /confirm POST; `wait`: a caller will wait for its
 * outcome with confirm_wait. 0 or a negative code (last error set). */
static int confirm_start(cmdop__stream *s, const cmdop__channel_desc *ch, const json_t *args,
                         bool wait)
{
    const cmdop__op_desc *op = ch->op;
    cmdop__http_req *req;
    int rc = build_confirm(s, op, args, &req);
    if (rc)
        return rc;
    pthread_mutex_lock(&s->mu);
    if (s->cont_state != CMDOP__CONT_NONE) {
        pthread_mutex_unlock(&s->mu);
        cmdop__http_req_free(req);
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL,
                                "%s: a confirmation is already being answered", op->name);
    }
    s->cont = req;
    s->cont_ch = ch;
    s->cont_state = CMDOP__CONT_PENDING;
    s->cont_waiter = wait;
    s->cont_rx_ms = cmdop__now_ms();
    s->cont_busy = cmdop__loop_submit(s->client->loop, req, 0) == 0;
    if (!s->cont_busy) {
        s->cont = NULL;
        s->cont_state = CMDOP__CONT_NONE;
        pthread_mutex_unlock(&s->mu);
        cmdop__http_req_free(req);
        return cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL, "%s: client closed", op->name);
    }
    s->cont_id = req->id;
    pthread_mutex_unlock(&s->mu);
    return 0;
}

/* Raise the error of a FAILED /confirm from its request and body. */
static int map_failed(cmdop__http_req *r, const cmdop__strbuf *body)
{
    if (r->xfer != CMDOP__XFER_OK)
        return cmdop__error_from_xfer(r->xfer, r->xfer_msg, r->method, r->url);
    return cmdop__error_from_http(r->status, body->s, body->len, r->request_id, r->retry_after,
                                  time(NULL));
}

/* Wait until the pending /confirm has an outcome and return it. */
static int confirm_wait(cmdop__stream *s)
{
    pthread_mutex_lock(&s->mu);
    while (s->cont_state == CMDOP__CONT_PENDING)
        cmdop__ask_wait(s);
    cmdop__ask_cont st = s->cont_state;
    bool cancelled = s->cancelled;
    cmdop__http_req *failed = st == CMDOP__CONT_FAILED ? s->cont : NULL;
    cmdop__strbuf body = s->cont_body;
    s->cont_body = (cmdop__strbuf)CMDOP__STRBUF_INIT;
    s->cont = NULL;
    s->cont_state = CMDOP__CONT_NONE;
    s->cont_waiter = false;
    pthread_mutex_unlock(&s->mu);
    int rc = 0;
    if (failed)
        rc = map_failed(failed, &body);
    else if (st == CMDOP__CONT_LATE && cancelled)
        rc = cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL, "%s stream cancelled",
                              s->sd->op->name);
    cmdop__http_req_free(failed);
    cmdop__sb_free(&body);
    return rc;
}

int cmdop__ask_confirm(cmdop__stream *s, const cmdop__channel_desc *ch, const json_t *args,
                       bool wait)
{
    int rc = confirm_start(s, ch, args, wait);
    if (rc || !wait)
        return rc;
    return confirm_wait(s);
}
