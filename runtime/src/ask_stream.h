/*
 * ask_stream.h — INTERNAL: the one stream driver behind every `-> stream`
 * op (machines.ask, and any other the IDL declares). A frame is the op's
 * union type (cmdop_ask_frame, ...) handled as void *; which frames end the
 * stream, which fail it and how collect reads them come from the op's
 * generated cmdop__stream_desc (stream_desc.h). The public, typed API of
 * each stream op (cmdop/streams.h) is generated over these functions
 * (gen/c/src/streams.c); machines.ask's is documented in cmdop/ask.h.
 */
#ifndef CMDOP__ASK_STREAM_H
#define CMDOP__ASK_STREAM_H

#include <stdbool.h>
#include <jansson.h>
#include "cmdop/client.h"
#include "strbuf.h"
#include "stream_desc.h"

typedef struct cmdop__stream cmdop__stream;

/*
 * Open the stream of `sd->op` with `args` (borrowed; keyed by surface param
 * name, as for cmdop__call). Fills the params the core generates (hex32),
 * applies defaults, validates every constraint and checks the plane's
 * credential before any network I/O, then POSTs with
 * `Accept: text/event-stream` on the client's loop and returns at once: the
 * answer (frames, or an error status) is read with cmdop__stream_next.
 * Returns 0 and *out NEW (cmdop__stream_free), or a negative code with the
 * thread's last error set and *out NULL.
 */
int cmdop__stream_open(cmdop_client *client, const cmdop__stream_desc *sd,
                       const json_t *args, cmdop__stream **out);

/* The next frame: 0 and *frame NEW (sd->frames->free); CMDOP_ITEROVER after
 * the `ends` frame; or the stream's negative error (cmdop/streams.h). */
int cmdop__stream_next(cmdop__stream *s, void **frame);

/* As cmdop__stream_next without waiting: 1 (and *frame NULL) when no frame
 * is there yet and the stream has not ended. For readers that do not block
 * (the stdio server): cmdop__stream_set_notify says when to try again. */
int cmdop__stream_try_next(cmdop__stream *s, void **frame);

/* Call `fn(ctx)` after every change cmdop__stream_try_next may see (a frame
 * queued, the end recorded, the loop letting go of a connection). It runs on
 * the loop thread or on a thread calling cmdop__stream_cancel/release, with
 * the stream's lock held: it must not block nor call into `s`. Set it once,
 * right after opening; then try once (what came before may have no call). */
void cmdop__stream_set_notify(cmdop__stream *s, void (*fn)(void *ctx), void *ctx);

/* Without waiting: close what the loop still holds for `s` (as
 * cmdop__stream_free would) and say whether it already let go of all of it,
 * so that cmdop__stream_free returns at once. When false, the notify hook is
 * called once it has. */
bool cmdop__stream_release(cmdop__stream *s);

/* Drain with the op's collect rule (stream_desc.h); *text NEW. */
int cmdop__stream_collect(cmdop__stream *s, char **text);

/* cmdop__stream_collect one frame at a time: add each frame `f` (borrowed)
 * of `sd`'s stream to `acc` / `*final` (both start empty), then after
 * CMDOP_ITEROVER, _end takes both and gives *text NEW (or CMDOP_ENOMEM). */
void cmdop__stream_collect_add(const cmdop__stream_desc *sd, const void *f,
                               cmdop__strbuf *acc, char **final);
int cmdop__stream_collect_end(cmdop__strbuf *acc, char *final, char **text);

/*
 * Answer side channel `channel` with `body` (STOLEN; the channel body
 * record's fields by name; the stream's path params are added) and wait:
 * a plain channel runs as a unary call; a `continues` one until its answer
 * is known (docs/ask-protocol.md "Confirm").
 */
int cmdop__stream_answer(cmdop__stream *s, const char *channel, json_t *body);

/*
 * Answer side channel `channel` of `s` without waiting, for callers that
 * must not block (the stdio server). `args` (borrowed) holds the channel
 * op's params by surface name, path params included. A `continues` channel
 * is validated, POSTed on the loop and switched to by the stream itself:
 * returns 1 (its outcome shows in the stream; a failure is also written to
 * the debug log), or a negative code with the thread's last error set when
 * it could not be sent. Any other channel returns 0: the caller runs
 * `channel`'s op as a plain call (cmdop__call). `s` stays the caller's.
 */
int cmdop__stream_answer_async(cmdop__stream *s, const char *channel, const json_t *args);

void cmdop__stream_cancel(cmdop__stream *s);
void cmdop__stream_free(cmdop__stream *s);
int cmdop__stream_set_idle_timeout(cmdop__stream *s, long idle_ms);
/* BORROWED value of param `name` as sent (a generated one included), or
 * NULL when it was not a string param of the request. */
const char *cmdop__stream_param(const cmdop__stream *s, const char *name);
const char *cmdop__stream_last_event_id(const cmdop__stream *s);
unsigned cmdop__stream_resume_count(cmdop__stream *s);
/* The stream's descriptor (borrowed, static). */
const cmdop__stream_desc *cmdop__stream_desc_of(const cmdop__stream *s);

#endif /* CMDOP__ASK_STREAM_H */
