/*
 * cmdop/ask.h — the stream of a machines.ask call: typed frames pulled one
 * by one (or pushed to a callback), answers to a PIN challenge or a
 * confirmation sent while the stream stays open, collect, cancel.
 *
 * Open a stream with the generated cmdop_machines_ask() (cmdop/ops.h):
 *
 *     cmdop_ask_stream *s;
 *     if (cmdop_machines_ask(&s, client, machine_id, "uptime", NULL) == 0) {
 *         cmdop_ask_frame *f;
 *         int rc;
 *         while ((rc = cmdop_ask_stream_next(s, &f)) == 0) {
 *             if (f->kind == CMDOP_ASK_FRAME_CONFIRM_REQUIRED)
 *                 cmdop_ask_stream_confirm(s, f->confirm_required->token, true);
 *             cmdop_ask_frame_free(f);
 *         }
 *         // rc == CMDOP_ITEROVER after the `done` frame, else an error
 *         cmdop_ask_stream_free(s);
 *     }
 *
 * Frames are the generated cmdop_ask_frame of cmdop/types.h (a tagged
 * union: `kind` says which arm pointer is set). A stream yields `event`,
 * `confirm_required`, `pin_required`, `pin_denied`, `done` (always the last
 * one) and `unknown` (a frame type this SDK does not know, surfaced with its
 * raw tag in `type` and the whole frame as received in `raw_json` rather
 * than dropped). It never yields an `error` frame:
 * an `error` frame ends the stream with an error instead (below).
 *
 * How a stream ends, as returned by cmdop_ask_stream_next():
 *   CMDOP_ITEROVER     after the terminal `done` frame was returned (a
 *                      rejected confirmation ends with done.success false);
 *   CMDOP_EPINDENIED   `error` frame with code "pin_denied";
 *   CMDOP_EPINTIMEOUT  `error` frame with code "pin_required_timeout";
 *   CMDOP_EAGENT       any other `error` frame code ("machine_offline",
 *                      "timeout", the agent's own codes, "internal" when
 *                      empty): cmdop_error_last()->code_str is that exact
 *                      code and ->message the frame's message;
 *   CMDOP_ETIMEOUT     no byte at all (heartbeats count) for the idle
 *                      timeout (see cmdop_ask_stream_set_idle_timeout);
 *   CMDOP_ECONNECTION  the connection failed or dropped and could not be
 *                      resumed (no event id yet, the relay answered 409
 *                      resume_unavailable, or the attempts ran out) — never
 *                      a silent truncation;
 *   CMDOP_EINTERNAL    a malformed frame or an over-long SSE line (the
 *                      message names the problem);
 *   CMDOP_ECANCELLED   cmdop_ask_stream_cancel() was called, or the client
 *                      was freed;
 *   any unary error    the opening request was answered with an error status
 *                      (404 not_found, 422 validation, 401 auth, ...).
 * Once ended, every later call returns the same outcome again.
 *
 * Resume: when the connection drops before a terminal frame and the stream
 * has received an event id, the core repeats the POST with Last-Event-ID
 * (a bounded number of times, with backoff) and the relay replays what
 * followed; the caller sees every frame exactly once and never notices.
 *
 * Threading: frames are produced on the client's event-loop thread (one
 * thread for all streams and calls of a client; no thread per stream) and
 * queued per stream in order. A stream is read by one thread at a time;
 * cmdop_ask_stream_cancel() may be called from any thread, also from a
 * callback. Free every stream before freeing its client.
 */
#ifndef CMDOP_ASK_H
#define CMDOP_ASK_H

#include "cmdop/export.h"

#include <stdbool.h>

#include "cmdop/client.h"
#include "cmdop/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cmdop_ask_stream cmdop_ask_stream;

/*
 * Wait for the next frame. Returns 0 and *frame is a NEW frame the caller
 * frees with cmdop_ask_frame_free(); or CMDOP_ITEROVER after the `done`
 * frame; or a negative error (table above) with cmdop_error_last() set. On
 * any non-zero return *frame is NULL.
 */
CMDOP_EXTERN int cmdop_ask_stream_next(cmdop_ask_stream *s, cmdop_ask_frame **frame);

/* Called by cmdop_ask_stream_run() once per frame. `frame` is BORROWED, valid
 * only during the call. Return 0 to go on, non-zero to stop. */
typedef int (*cmdop_ask_frame_cb)(const cmdop_ask_frame *frame, void *payload);

/*
 * Push every frame to `cb` until the stream ends. Returns 0 when it ended
 * with `done` (CMDOP_ITEROVER is not returned), the callback's non-zero
 * value when the callback stopped it (the stream stays open: go on with
 * _next or _run, or cancel it), or the stream's negative error.
 */
CMDOP_EXTERN int cmdop_ask_stream_run(cmdop_ask_stream *s, cmdop_ask_frame_cb cb, void *payload);

/*
 * Answer a `pin_required` frame: POST .../pin {challenge_id, pin} while the
 * stream stays open. 0 once the relay took the answer: a right PIN lets the
 * stream go on, a wrong one makes it emit `pin_denied` and end with
 * CMDOP_EPINDENIED. Errors: CMDOP_EVALIDATION (NULL argument), CMDOP_ENOTFOUND
 * (unknown challenge), and the usual transport/HTTP errors.
 */
CMDOP_EXTERN int cmdop_ask_stream_pin(cmdop_ask_stream *s, const char *challenge_id, const char *pin);

/*
 * Answer a `confirm_required` frame: POST .../confirm {accept,
 * confirm_token}. Its answer is the rest of the stream: the stream reads
 * on from it (and closes its first connection), so _next goes on as
 * before: accept true yields the agent's answer, false a `done` frame whose
 * success is false. Returns once the answer's status is known. A JSON
 * answer is a rejected confirm (a `done` with success false and text
 * "confirm rejected"). On an error the stream is unchanged. Errors as
 * cmdop_ask_stream_pin, plus CMDOP_EINVALID while another confirm of the
 * stream is pending (docs/ask-protocol.md "Confirm").
 */
CMDOP_EXTERN int cmdop_ask_stream_confirm(cmdop_ask_stream *s, const char *token, bool accept);

/*
 * Drain the stream and return its final text: done.text when not empty,
 * else the concatenation of the event payloads' `delta` (else `text`)
 * strings. On 0, *text is NEW (free with cmdop_free()). On error *text is NULL and
 * the stream's error is returned. Frames already taken by _next are not
 * part of the concatenation.
 */
CMDOP_EXTERN int cmdop_ask_stream_collect(cmdop_ask_stream *s, char **text);

/*
 * Close the connection (the relay sees the client go away and stops the
 * agent's work). Thread-safe; may be called from a callback or while
 * another thread waits in _next, which then returns CMDOP_ECANCELLED, as
 * every later read does. No-op on a stream that already ended. NULL is a
 * no-op.
 */
CMDOP_EXTERN void cmdop_ask_stream_cancel(cmdop_ask_stream *s);

/* Cancel if still open, wait for the connection to be released, free.
 * NULL is a no-op. */
CMDOP_EXTERN void cmdop_ask_stream_free(cmdop_ask_stream *s);

/*
 * Idle timeout: the stream ends with CMDOP_ETIMEOUT when no byte arrives for
 * `idle_ms` — a property of the connection, checked on the client's loop
 * thread whether or not anyone waits for a frame: the connection is closed
 * at that moment and the next read reports the timeout. Default: the op's
 * timeout_seconds when passed, else the client's timeout_ms. Returns 0, or
 * CMDOP_EINVALID when idle_ms <= 0 or s is NULL.
 */
CMDOP_EXTERN int cmdop_ask_stream_set_idle_timeout(cmdop_ask_stream *s, long idle_ms);

/* BORROWED, valid until the stream is freed: the session id sent (the
 * caller's, or the 32 hex characters the core generated). */
CMDOP_EXTERN const char *cmdop_ask_stream_session_id(const cmdop_ask_stream *s);

/* BORROWED, valid until the next _next/_run/_collect/_free on this stream:
 * the SSE event id of the last frame handed to the caller, "" before any. */
CMDOP_EXTERN const char *cmdop_ask_stream_last_event_id(const cmdop_ask_stream *s);

/* How many times the stream reconnected with Last-Event-ID so far. */
CMDOP_EXTERN unsigned cmdop_ask_stream_resume_count(cmdop_ask_stream *s);

#ifdef __cplusplus
}
#endif
#endif /* CMDOP_ASK_H */
