/*
 * ask_stream_internal.h — INTERNAL: what a cmdop_ask_stream holds, shared by
 * the files of the stream driver:
 *   ask_stream_open.c    validate, build the POST, submit (caller thread)
 *   ask_stream_wire.c    body bytes -> SSE -> frames -> queue; resume
 *                        (loop thread)
 *   ask_stream_read.c    next / run / collect / cancel / free (caller)
 *   ask_stream_answer.c  the pin and confirm side channels (caller)
 *   ask_frame_public.c   internal frame -> public cmdop_ask_frame
 *
 * Hand-off: the loop thread appends frames to the queue and records how the
 * stream ended, under `mu`, and signals `cv`; the caller takes frames under
 * `mu`. The loop thread alone touches `req` and `sse` while `in_flight`;
 * the caller touches them only once in_flight is false (then the loop has let
 * go of the request for good).
 */
#ifndef CMDOP__ASK_STREAM_INTERNAL_H
#define CMDOP__ASK_STREAM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "ask_frame.h"
#include "ask_stream.h"
#include "http_loop.h"
#include "sse.h"
#include "strbuf.h"

#define CMDOP__ASK_MAX_LINE (1024u * 1024u)       /* one SSE line */
#define CMDOP__ASK_MAX_EVENT (8u * 1024u * 1024u) /* one frame's data */
#define CMDOP__ASK_MAX_ERR_BODY (64u * 1024u)     /* error answer kept */
#define CMDOP__ASK_MAX_RESUMES 5    /* reconnects in a row without a new frame */
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

typedef struct cmdop__ask_item {
    cmdop_ask_frame *frame;       /* owned */
    char *event_id;               /* owned, "" when the frame had none */
    struct cmdop__ask_item *next;
} cmdop__ask_item;

struct cmdop_ask_stream {
    cmdop_client *client;
    const cmdop__stream_desc *sd;
    json_t *args;                 /* validated args (path params for channels) */
    char *session_id;             /* owned */
    cmdop__http_req *req;         /* the POST; owned, borrowed by the loop */
    uint64_t req_id;              /* its loop id, for cancel */
    cmdop__sse_decoder *sse;      /* loop thread while in flight */

    pthread_mutex_t mu;
    pthread_cond_t cv;            /* CLOCK_MONOTONIC */
    /* ---- under mu ---- */
    cmdop__ask_item *head, *tail;
    bool in_flight;               /* the loop holds req */
    bool cancelled;               /* the caller cancelled */
    bool idle_fired;              /* the idle timeout closed the connection */
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

    /* ---- caller only ---- */
    char *delivered_id;           /* event id of the last frame returned */
};

/* Loop-side callbacks of the POST (ask_stream_wire.c). */
size_t cmdop__ask_on_data(cmdop__http_req *req, const char *data, size_t len, void *payload);
void cmdop__ask_on_done(cmdop__http_req *req, void *payload);
/* The connection's idle deadline: last_rx_ms + idle_ms (loop thread). */
int64_t cmdop__ask_idle_deadline(cmdop__http_req *req, void *payload);

/* Set header `name` to `value`, replacing an earlier value (0 or CMDOP_E*). */
int cmdop__ask_set_header(cmdop__http_req *req, const char *name, const char *value);

/* Record an END_ERROR outcome (caller holds mu; first outcome wins). */
void cmdop__ask_end_error(cmdop_ask_stream *s, int code, const char *code_str,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* NEW public frame from an internal one (cmdop_ask_frame_free), or NULL when
 * out of memory. An `error` frame is never converted (it ends the stream). */
cmdop_ask_frame *cmdop__ask_frame_public(const cmdop__ask_frame *in);

#endif /* CMDOP__ASK_STREAM_INTERNAL_H */
