/*
 * ask_stream_internal.h — INTERNAL: what a cmdop__stream holds, shared by
 * the files of the stream driver:
 *   ask_stream_open.c    validate, build the POST, submit (caller thread)
 *   ask_stream_wire.c    body bytes -> SSE -> frames -> queue; resume
 *                        (loop thread)
 *   ask_stream_read.c    next / run / collect / cancel / free (caller)
 *   ask_stream_answer.c  the side channels (caller)
 *   ask_stream_confirm.c the `continues` channel: its answer becomes the
 *                        stream's connection (loop thread)
 * Frames are decoded by the op's generated decoder (sd->frames,
 * gen/c/src/streams.c) and queued as the union's public type (void *).
 *
 * Hand-off: the loop thread appends frames to the queue and records how the
 * stream ended, under `mu`, and signals `cv`; the caller takes frames under
 * `mu`. The loop thread alone touches `req` and `sse` while `in_flight`;
 * the caller touches them only once in_flight is false (then the loop has let
 * go of the request for good).
 *
 * Connections: `req` is the CURRENT one, the only one whose bytes become
 * frames. It starts as the ask POST; an accepted /confirm answer that is an
 * event stream replaces it (docs/ask-protocol.md "Confirm"); a resume after
 * that is a fresh copy of `tmpl` (the relay resumes only through /ask). A
 * replaced connection is RETIRED: cancelled on the loop, its bytes ignored,
 * freed by its own on_done (`retiring` counts those not yet done).
 */
#ifndef CMDOP__ASK_STREAM_INTERNAL_H
#define CMDOP__ASK_STREAM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "ask_stream.h"
#include "http_loop.h"
#include "sse.h"
#include "strbuf.h"

#define CMDOP__ASK_MAX_LINE (1024u * 1024u)       /* one SSE line */
#define CMDOP__ASK_MAX_EVENT (8u * 1024u * 1024u) /* one frame's data */
#define CMDOP__ASK_MAX_ERR_BODY (64u * 1024u)     /* error answer kept */
#define CMDOP__ASK_MAX_HELD (8u * 1024u * 1024u)  /* held while /confirm is pending */
#define CMDOP__ASK_MAX_RESUMES 5    /* reconnects in a row without a new frame */
/* Frames queued and not yet taken: at MAX the connection is paused
 * (backpressure, http_loop.h CMDOP__HTTP_PAUSE) until the reader has taken
 * the queue down to LOW. One chunk in flight may add its frames past MAX. */
#define CMDOP__ASK_MAX_QUEUED 256u
#define CMDOP__ASK_LOW_QUEUED 64u
#define CMDOP__ASK_RESUME_BASE_MS 100L
#define CMDOP__ASK_RESUME_CAP_MS 2000L

/* How the stream ended (under mu); OPEN while it has not. */
typedef enum cmdop__ask_end {
    CMDOP__ASK_OPEN = 0,
    CMDOP__ASK_END_DONE,   /* the terminal `done` frame was queued */
    CMDOP__ASK_END_ERROR,  /* end_code / end_code_str / end_msg say why */
    CMDOP__ASK_END_HTTP    /* the POST was answered with an error status:
                              mapped on the caller's thread from req and
                              err_body (valid once in_flight is false) */
} cmdop__ask_end;

/* Where a /confirm POST stands (under mu). */
typedef enum cmdop__ask_cont {
    CMDOP__CONT_NONE = 0,  /* no /confirm pending */
    CMDOP__CONT_PENDING,   /* sent; its answer is not known yet */
    CMDOP__CONT_TAKEN,     /* answered 200: the rest of the stream comes
                              from it, or (a JSON answer) a rejected done was
                              queued */
    CMDOP__CONT_FAILED,    /* an HTTP error or transport failure: `cont`
                              is kept for the waiter to map, the stream
                              stays on its connection */
    CMDOP__CONT_LATE       /* the stream ended or was cancelled first */
} cmdop__ask_cont;

/* One allocation per queued frame: the id is stored inline. */
typedef struct cmdop__ask_item {
    void *frame;                  /* owned; sd->frames->free */
    struct cmdop__ask_item *next;
    char event_id[];              /* "" when the frame had none */
} cmdop__ask_item;

struct cmdop__stream {
    cmdop_client *client;
    const cmdop__stream_desc *sd;
    json_t *args;                 /* validated args (path params for channels) */
    cmdop__http_req *req;         /* the current connection; owned, borrowed
                                     by the loop; NULL once retired with no
                                     successor (a JSON /confirm answer) */
    cmdop__http_req *tmpl;        /* the ask POST as built, never submitted:
                                     copied to resume after a continuation */
    bool req_is_ask;              /* req is an ask POST (resumable as is) */
    uint64_t req_id;              /* its loop id, for cancel */
    cmdop__sse_decoder *sse;      /* loop thread while in flight */

    pthread_mutex_t mu;
    pthread_cond_t cv;            /* CLOCK_MONOTONIC */
    /* ---- under mu ---- */
    cmdop__ask_item *head, *tail;
    size_t queued;                /* items between head and tail */
    bool paused;                  /* on_data paused the current connection */
    bool in_flight;               /* the loop holds req */
    bool cancelled;               /* the caller cancelled */
    bool idle_fired;              /* the idle timeout closed the connection */
    unsigned retiring;            /* retired connections the loop still holds */
    bool parked;                  /* the current connection ended while a
                                     /confirm was pending; the loop let go
                                     of it but in_flight stays true until
                                     the answer decides (cmdop__ask_unpark) */
    const cmdop__channel_desc *cont_ch; /* the channel of `cont` */
    cmdop__http_req *cont;        /* the /confirm POST while PENDING (or
                                     FAILED, until the waiter maps it) */
    uint64_t cont_id;
    bool cont_busy;               /* the loop holds cont */
    bool cont_waiter;             /* a caller waits for its outcome */
    cmdop__ask_cont cont_state;
    int64_t cont_rx_ms;           /* its last byte (idle bound while pending) */
    cmdop__strbuf cont_body;      /* head of a non-stream answer */
    cmdop__strbuf held;           /* bytes of the current connection not
                                     decoded while the /confirm is pending
                                     (ask_stream_wire.c hold()) */
    /* last byte (or (re)submission): the loop closes the connection when
     * idle_ms pass without one, whether or not the caller is waiting */
    int64_t last_rx_ms;
    long idle_ms;
    unsigned resumes;             /* reconnects so far */
    cmdop__ask_end end;
    int end_code;                 /* CMDOP_E* for END_ERROR */
    char *end_code_str;           /* verbatim agent code, or NULL */
    char *end_request_id;         /* X-Request-Id of the stream, or NULL */
    char end_msg[512];

    /* ---- loop thread only ---- */
    unsigned attempts;            /* resumes in a row without a new frame */
    int fail_code;                /* a decoding failure to end with, or 0 */
    char fail_msg[384];
    cmdop__strbuf err_body;       /* body of an error answer */
    char last_stream[128];        /* "<stream_id>" of the last frame queued */
    long long last_seq;           /* its seq, -1 when unknown */
    bool after_resume;            /* no frame yet on a resumed connection */

    /* called after every change a reader waits for (a frame queued, the
     * end recorded, the loop letting go), with mu held; set once by
     * cmdop__stream_set_notify. It must not take mu nor block. */
    void (*notify)(void *ctx);
    void *notify_ctx;
    unsigned cv_waiters;          /* threads in cmdop__ask_wait */

    /* ---- caller only ---- */
    cmdop__ask_item *delivered;   /* the last item returned (its frame given
                                     away), kept for its event id; or NULL */
};

/* Wait on cv (mu held) until cmdop__ask_signal: every wait goes through
 * here, so the signal knows whether anyone waits. */
static inline void cmdop__ask_wait(cmdop__stream *s)
{
    s->cv_waiters++;
    pthread_cond_wait(&s->cv, &s->mu);
    s->cv_waiters--;
}

/* Wake the readers of `s` (mu held): its blocked cmdop__stream_next and its
 * notify hook (a reader that does not block, stdio_stream.c). */
static inline void cmdop__ask_signal(cmdop__stream *s)
{
    /* a reader with a notify hook never waits on cv: no broadcast per frame */
    if (s->cv_waiters)
        pthread_cond_broadcast(&s->cv);
    if (s->notify)
        s->notify(s->notify_ctx);
}

/* Decode `data` of the current connection into frames (loop thread, mu
 * not held). Returns len, or 0 when it failed (fail_code is set). */
size_t cmdop__ask_feed(cmdop__stream *s, const char *data, size_t len);

/* After a pending /confirm did not take over (loop thread, mu not held):
 * decode the bytes held meanwhile, then settle the current connection if it
 * was parked (resume it or end the stream). s must be alive: the caller
 * saw in_flight true. */
void cmdop__ask_unpark(cmdop__stream *s, const cmdop__strbuf *held);

/* Loop-side callbacks of the POST (ask_stream_wire.c). */
size_t cmdop__ask_on_data(cmdop__http_req *req, const char *data, size_t len, void *payload);
void cmdop__ask_on_done(cmdop__http_req *req, void *payload);
/* The connection's idle deadline: last_rx_ms + idle_ms (loop thread). */
int64_t cmdop__ask_idle_deadline(cmdop__http_req *req, void *payload);
/* A paused connection may go on: the reader took the queue down to
 * CMDOP__ASK_LOW_QUEUED, or nobody will read it any more (loop thread). */
bool cmdop__ask_may_resume(cmdop__http_req *req, void *payload);

/* Set header `name` to `value`, replacing an earlier value (0 or CMDOP_E*). */
int cmdop__ask_set_header(cmdop__http_req *req, const char *name, const char *value);

/* NEW request for `op` (validated args `a`, borrowed) on its plane with
 * `Accept: accept`, no overall timeout (the idle bound applies), or a
 * negative code with the thread's last error set. */
int cmdop__ask_build_post(cmdop_client *c, const cmdop__op_desc *op, const json_t *a,
                          const char *accept, cmdop__http_req **out);
/* NEW copy of the request part of `req` (method, url, headers, body; no
 * callbacks, no response), or NULL when out of memory. */
cmdop__http_req *cmdop__ask_req_copy(const cmdop__http_req *req);

/* 200 with Content-Type text/event-stream. */
bool cmdop__ask_is_event_stream(const cmdop__http_req *req);
/* Queue a decoded frame (STOLEN; a `fails` frame records the end instead and
 * is freed); mu held. */
void cmdop__ask_take_frame(cmdop__stream *s, void *f, const char *id);

/* Loop-side callbacks of a `continues` channel's POST (ask_stream_confirm.c). */
size_t cmdop__ask_cont_on_data(cmdop__http_req *req, const char *data, size_t len, void *payload);
void cmdop__ask_cont_on_done(cmdop__http_req *req, void *payload);
/* Answer a confirm_required frame: validate `args` (borrowed; the confirm
 * channel op's params), POST them with the official core's Accept on the
 * loop and, when `wait`, wait until the answer is known: 0 when it was
 * taken (the stream continues on it, or ends rejected), else the mapped
 * error (the stream is unchanged). Without `wait`, 0 once submitted. */
int cmdop__ask_confirm(cmdop__stream *s, const cmdop__channel_desc *ch, const json_t *args,
                       bool wait);
/* A connection the stream no longer reads ended (loop thread; takes mu):
 * frees it. True when `req` was retired (else the caller settles it). */
bool cmdop__ask_reap_retired(cmdop__stream *s, cmdop__http_req *req);

/* Record an END_ERROR outcome (caller holds mu; first outcome wins). */
void cmdop__ask_end_error(cmdop__stream *s, int code, const char *code_str,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* CMDOP__ASK_STREAM_INTERNAL_H */
