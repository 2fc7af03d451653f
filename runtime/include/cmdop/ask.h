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
 * The functions are declared in the generated cmdop/streams.h (every
 * `-> stream` op of the IDL gets the same set: cmdop_<op>_stream_*); their
 * names, frame type and side channels come from the IDL's machines.ask.
 *
 * Per function (ownership as in cmdop/streams.h):
 *   _next(s, &f)        0 and a NEW frame (cmdop_ask_frame_free), else NULL.
 *   _run(s, cb, p)      0 after `done`, cb's non-zero value (the stream stays
 *                       open), or the stream's error; the frame is BORROWED.
 *   _pin(s, challenge_id, pin)  POST .../pin while the stream stays open: 0
 *                       once the relay took it (a wrong PIN then shows as
 *                       `pin_denied` and CMDOP_EPINDENIED); CMDOP_EVALIDATION
 *                       for a NULL argument, CMDOP_ENOTFOUND for an unknown
 *                       challenge, or the usual transport/HTTP errors.
 *   _confirm(s, token, accept)  POST .../confirm: its answer is the rest of
 *                       the stream (docs/ask-protocol.md "Confirm"); returns
 *                       once the answer's status is known; a JSON answer is a
 *                       rejected confirm (`done`, success false, text
 *                       "confirm rejected"); on an error the stream is
 *                       unchanged; CMDOP_EINVALID while another confirm is
 *                       pending.
 *   _collect(s, &text)  done.text when not empty, else the event payloads'
 *                       `delta` (else `text`) joined; *text NEW (cmdop_free).
 *                       Frames already taken by _next are not part of it.
 *   _cancel(s)          close the connection (the relay stops the agent);
 *                       thread-safe; a waiting _next returns CMDOP_ECANCELLED.
 *   _free(s)            cancel if open, wait for the connection, free.
 *   _set_idle_timeout(s, ms)  default: timeout_seconds when passed, else the
 *                       client's timeout_ms; CMDOP_EINVALID when ms <= 0.
 *   _session_id(s)      BORROWED: the caller's or the generated 32 hex chars.
 *   _last_event_id(s)   BORROWED until the next read: "" before any frame.
 *   _resume_count(s)    reconnects with Last-Event-ID so far.
 *
 * Threading: frames are produced on the client's event-loop threads (one
 * for all streams of a client until it is busy, then up to one per
 * processor, at most 4; no thread per stream; each stream on one of them)
 * and queued per stream in order. A stream is read by one thread at a time;
 * cmdop_ask_stream_cancel() may be called from any thread, also from a
 * callback. Free every stream before freeing its client.
 */
#ifndef CMDOP_ASK_H
#define CMDOP_ASK_H

/* cmdop_ask_stream, cmdop_ask_frame_cb and cmdop_ask_stream_{next, run,
 * pin, confirm, collect, cancel, free, set_idle_timeout, session_id,
 * last_event_id, resume_count} (cmdop/streams.h, generated). */
#include "cmdop/streams.h"

#endif /* CMDOP_ASK_H */
