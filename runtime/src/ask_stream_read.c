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
static int raise_end(cmdop__stream *s)
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
static void close_conn(cmdop__stream *s)
{
    if (s->in_flight)
        cmdop__loop_cancel(s->client->loop, s->req_id);
    if (s->cont_busy)
        cmdop__loop_cancel(s->client->loop, s->cont_id);
}

/* Under mu: the next item, or NULL with *rc the end. Waits when `wait`,
 * else returns NULL with *rc 1 when nothing is there yet. */
static cmdop__ask_item *take(cmdop__stream *s, int *rc, bool wait)
{
    for (;;) {
        if (s->cancelled) {
            *rc = cmdop__error_set(CMDOP_ECANCELLED, 0, NULL, NULL, "%s stream cancelled",
                                   s->sd->op->name);
            return NULL;
        }
        if (s->head) {
            cmdop__ask_item *it = s->head;
            s->head = it->next;
            if (!s->head)
                s->tail = NULL;
            s->queued--;
            /* room again: the loop resumes a paused connection
             * (cmdop__ask_may_resume) once it looks */
            if (s->paused && s->queued <= CMDOP__ASK_LOW_QUEUED)
                cmdop__loop_wakeup(s->client->loop);
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
        if (!wait) {
            *rc = 1;
            return NULL;
        }
        cmdop__ask_wait(s);
    }
}

static int next(cmdop__stream *s, void **frame, bool wait)
{
    if (!frame)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "frame is NULL");
    *frame = NULL;
    if (!s)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "stream is NULL");
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    cmdop__ask_item *it = take(s, &rc, wait);
    pthread_mutex_unlock(&s->mu);
    if (!it)
        return rc;
    *frame = it->frame;
    it->frame = NULL;
    free(s->delivered);
    s->delivered = it;
    return 0;
}

int cmdop__stream_next(cmdop__stream *s, void **frame)
{
    return next(s, frame, true);
}

int cmdop__stream_try_next(cmdop__stream *s, void **frame)
{
    return next(s, frame, false);
}

void cmdop__stream_set_notify(cmdop__stream *s, void (*fn)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&s->mu);
    s->notify = fn;
    s->notify_ctx = ctx;
    pthread_mutex_unlock(&s->mu);
}

bool cmdop__stream_release(cmdop__stream *s)
{
    pthread_mutex_lock(&s->mu);
    if ((s->in_flight || s->cont_busy) && !s->cancelled) {
        s->cancelled = true;
        close_conn(s);
    }
    bool idle = !s->in_flight && !s->cont_busy && s->retiring == 0;
    pthread_mutex_unlock(&s->mu);
    return idle;
}

/* The text a piece frame contributes to collect(): the first of the
 * collect keys whose value in its JSON object is a non-empty string (the
 * last key counts even when empty), as 1.1.0's collect reads delta, then
 * text. */
static void append_piece(cmdop__strbuf *b, const char *json, const char *const *keys)
{
    if (!json)
        return;
    json_t *p = json_loads(json, JSON_DECODE_ANY, NULL);
    if (json_is_object(p)) {
        const char *d = NULL;
        for (const char *const *k = keys; *k && (!d || !d[0]); k++)
            d = json_string_value(json_object_get(p, *k));
        if (d)
            cmdop__sb_puts(b, d);
    }
    json_decref(p);
}

void cmdop__stream_collect_add(const cmdop__stream_desc *sd, const void *f,
                               cmdop__strbuf *acc, char **final)
{
    const char *fin = sd->collect_final(f);
    if (fin && fin[0] && !*final)
        *final = strdup(fin);
    else if (!fin)
        append_piece(acc, sd->collect_piece(f), sd->collect_keys);
}

int cmdop__stream_collect_end(cmdop__strbuf *acc, char *final, char **text)
{
    if (!final)
        final = cmdop__sb_take(acc);
    cmdop__sb_free(acc);
    if (!final)
        return cmdop__error_set(CMDOP_ENOMEM, 0, NULL, NULL, "out of memory");
    *text = final;
    return 0;
}

int cmdop__stream_collect(cmdop__stream *s, char **text)
{
    if (!text)
        return cmdop__error_set(CMDOP_EINVALID, 0, NULL, NULL, "text is NULL");
    *text = NULL;
    if (s && !s->sd->collect_final)
        return cmdop__error_set(CMDOP_EUNSUPPORTED, 0, NULL, NULL, "%s declares no collect",
                                s->sd->op->name);
    cmdop__strbuf acc = CMDOP__STRBUF_INIT;
    char *final = NULL;
    int rc;
    void *f;
    while ((rc = cmdop__stream_next(s, &f)) == 0) {
        cmdop__stream_collect_add(s->sd, f, &acc, &final);
        s->sd->frames->free(f);
    }
    if (rc != CMDOP_ITEROVER) {
        free(final);
        cmdop__sb_free(&acc);
        return rc;
    }
    return cmdop__stream_collect_end(&acc, final, text);
}

void cmdop__stream_cancel(cmdop__stream *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    if ((s->end == CMDOP__ASK_OPEN || s->cont_busy) && !s->cancelled) {
        s->cancelled = true;
        close_conn(s);
    }
    cmdop__ask_signal(s);
    pthread_mutex_unlock(&s->mu);
}

void cmdop__stream_free(cmdop__stream *s)
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
        cmdop__ask_wait(s);
    pthread_mutex_unlock(&s->mu);
    while (s->head) {
        cmdop__ask_item *it = s->head;
        s->head = it->next;
        s->sd->frames->free(it->frame);
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
    free(s->end_code_str);
    free(s->end_request_id);
    free(s->delivered);
    free(s);
}

int cmdop__stream_set_idle_timeout(cmdop__stream *s, long idle_ms)
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

const char *cmdop__stream_param(const cmdop__stream *s, const char *name)
{
    return s ? json_string_value(json_object_get(s->args, name)) : NULL;
}

const cmdop__stream_desc *cmdop__stream_desc_of(const cmdop__stream *s)
{
    return s ? s->sd : NULL;
}

const char *cmdop__stream_last_event_id(const cmdop__stream *s)
{
    return !s ? NULL : s->delivered ? s->delivered->event_id : "";
}

unsigned cmdop__stream_resume_count(cmdop__stream *s)
{
    if (!s)
        return 0;
    pthread_mutex_lock(&s->mu);
    unsigned n = s->resumes;
    pthread_mutex_unlock(&s->mu);
    return n;
}
