/*
 * ask_stream_read.c — the caller's half of a stream: take frames in order,
 * turn the recorded end into the thread's last error (always on the
 * caller's thread), the idle timeout, collect, cancel and free.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ask_stream_internal.h"
#include "call.h"
#include "client_internal.h"
#include "error_internal.h"

/* Raise the recorded end as the thread's last error (under mu). */
static int raise_end(cmdop_ask_stream *s)
{
    if (s->end == CMDOP__ASK_END_DONE)
        return CMDOP_ITEROVER;
    if (s->end == CMDOP__ASK_END_HTTP) {
        /* in_flight is false for END_HTTP: req is ours again */
        const cmdop__http_req *r = s->req;
        return cmdop__error_from_http(r->status, s->err_body.s, s->err_body.len,
                                      r->request_id, r->retry_after, time(NULL));
    }
    int rc = cmdop__error_set(s->end_code, 0, s->end_request_id, NULL, "%s", s->end_msg);
    if (s->end_code_str)
        cmdop__error_set_code_str(s->end_code_str);
    return rc;
}

/* Close the connection, and a pending /confirm, from the caller's side
 * (under mu). Retired connections were cancelled when retired. */
static void close_conn(cmdop_ask_stream *s)
{
    if (s->in_flight)
        cmdop__loop_cancel(s->client->loop, s->req_id);
    if (s->cont_busy)
        cmdop__loop_cancel(s->client->loop, s->cont_id);
}

/* Under mu: the next item, or NULL with *rc the end. Waits. */
static cmdop__ask_item *take(cmdop_ask_stream *s, int *rc)
{
    for (;;) {
        if (s->cancelled) {
            *rc = cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL, "ask stream cancelled");
            return NULL;
        }
        if (s->head) {
            cmdop__ask_item *it = s->head;
            s->head = it->next;
            if (!s->head)
                s->tail = NULL;
            return it;
        }
        /* END_HTTP is read from req: wait until the loop let go of it */
        if (s->end != CMDOP__ASK_OPEN && (s->end != CMDOP__ASK_END_HTTP || !s->in_flight)) {
            *rc = raise_end(s);
            return NULL;
        }
        /* the idle timeout is the loop's (cmdop__ask_idle_deadline): it
         * closes the connection and records ETIMEOUT even while nobody
         * waits here, so a plain wait suffices */
        pthread_cond_wait(&s->cv, &s->mu);
    }
}

int cmdop_ask_stream_next(cmdop_ask_stream *s, cmdop_ask_frame **frame)
{
    if (!frame)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "frame is NULL");
    *frame = NULL;
    if (!s)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "stream is NULL");
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    cmdop__ask_item *it = take(s, &rc);
    pthread_mutex_unlock(&s->mu);
    if (!it)
        return rc;
    free(s->delivered_id);
    s->delivered_id = it->event_id;
    *frame = it->frame;
    free(it);
    return 0;
}

int cmdop_ask_stream_run(cmdop_ask_stream *s, cmdop_ask_frame_cb cb, void *payload)
{
    if (!cb)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "callback is NULL");
    for (;;) {
        cmdop_ask_frame *f;
        int rc = cmdop_ask_stream_next(s, &f);
        if (rc == CMDOP_ITEROVER)
            return 0;
        if (rc)
            return rc;
        rc = cb(f, payload);
        cmdop_ask_frame_free(f);
        if (rc)
            return rc;
    }
}

/* The text an event contributes to collect(): payload.delta when a
 * non-empty string, else payload.text (as 1.1.0's collect). */
static void append_delta(cmdop__strbuf *b, const cmdop_stream_event *ev)
{
    if (!ev->payload_json)
        return;
    json_t *p = json_loads(ev->payload_json, JSON_DECODE_ANY, NULL);
    if (json_is_object(p)) {
        const char *d = json_string_value(json_object_get(p, "delta"));
        if (!d || !d[0])
            d = json_string_value(json_object_get(p, "text"));
        if (d)
            cmdop__sb_puts(b, d);
    }
    json_decref(p);
}

int cmdop_ask_stream_collect(cmdop_ask_stream *s, char **text)
{
    if (!text)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "text is NULL");
    *text = NULL;
    cmdop__strbuf acc = CMDOP__STRBUF_INIT;
    char *final = NULL;
    int rc;
    cmdop_ask_frame *f;
    while ((rc = cmdop_ask_stream_next(s, &f)) == 0) {
        if (f->kind == CMDOP_ASK_FRAME_EVENT && f->event)
            append_delta(&acc, f->event);
        else if (f->kind == CMDOP_ASK_FRAME_DONE && f->done && f->done->text &&
                 f->done->text[0] && !final)
            final = strdup(f->done->text);
        cmdop_ask_frame_free(f);
    }
    if (rc != CMDOP_ITEROVER) {
        free(final);
        cmdop__sb_free(&acc);
        return rc;
    }
    if (!final)
        final = cmdop__sb_take(&acc);
    cmdop__sb_free(&acc);
    if (!final)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    *text = final;
    return 0;
}

void cmdop_ask_stream_cancel(cmdop_ask_stream *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    if ((s->end == CMDOP__ASK_OPEN || s->cont_busy) && !s->cancelled) {
        s->cancelled = true;
        close_conn(s);
    }
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void cmdop_ask_stream_free(cmdop_ask_stream *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    if ((s->in_flight || s->cont_busy) && !s->cancelled) {
        s->cancelled = true;
        close_conn(s);
    }
    /* every request the loop holds calls back into s: wait for them all */
    while (s->in_flight || s->cont_busy || s->retiring > 0)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
    while (s->head) {
        cmdop__ask_item *it = s->head;
        s->head = it->next;
        cmdop_ask_frame_free(it->frame);
        free(it->event_id);
        free(it);
    }
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    cmdop__http_req_free(s->req);
    cmdop__http_req_free(s->tmpl);
    cmdop__http_req_free(s->cont);
    cmdop__sse_free(s->sse);
    cmdop__sb_free(&s->err_body);
    cmdop__sb_free(&s->cont_body);
    cmdop__sb_free(&s->held);
    json_decref(s->args);
    free(s->session_id);
    free(s->end_code_str);
    free(s->end_request_id);
    free(s->delivered_id);
    free(s);
}

int cmdop_ask_stream_set_idle_timeout(cmdop_ask_stream *s, long idle_ms)
{
    if (!s || idle_ms <= 0)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL,
                                "idle timeout must be > 0 ms on a stream");
    pthread_mutex_lock(&s->mu);
    s->idle_ms = idle_ms;
    pthread_mutex_unlock(&s->mu);
    cmdop__loop_wakeup(s->client->loop); /* a shorter bound takes effect now */
    return 0;
}

const char *cmdop_ask_stream_session_id(const cmdop_ask_stream *s)
{
    return s ? s->session_id : NULL;
}

const char *cmdop_ask_stream_last_event_id(const cmdop_ask_stream *s)
{
    return s ? s->delivered_id : NULL;
}

unsigned cmdop_ask_stream_resume_count(cmdop_ask_stream *s)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&s->mu);
    unsigned n = s->resumes;
    pthread_mutex_unlock(&s->mu);
    return n;
}
